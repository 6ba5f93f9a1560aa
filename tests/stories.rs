//! Issue 3: stories, characters and back-links, on directives and on the
//! seed's hand-written tables, under both mdBook lines.

mod support;

use mdbook_vision::anchor::MdbookLine;
use mdbook_vision::config::Config;
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{process_chapters, ChapterText, Outcome};
use std::fs;
use support::{book_dir, build, build_files, Line};

fn settings() -> ParseSettings {
    ParseSettings::new(MdbookLine::V05, true)
}

/// A change to one chapter of the fixture: its path and how its text changes.
type ChapterEdit<'a> = (&'a str, &'a dyn Fn(&str) -> String);

/// The seed_stories fixture's chapters, optionally with one chapter's text changed.
fn seed_chapters(edit: Option<ChapterEdit>) -> Vec<ChapterText<'static>> {
    ["characters.md", "status_quo.md", "shiny_future.md"]
        .iter()
        .map(|p| {
            let mut content =
                fs::read_to_string(book_dir("seed_stories").join("src").join(p)).unwrap();
            if let Some((target, f)) = edit {
                if target == *p {
                    content = f(&content);
                }
            }
            ChapterText {
                name: p.to_string(),
                source_path: Some(p.to_string()),
                path: Some(p.to_string()),
                content: content.into(),
            }
        })
        .collect()
}

/// FAQ checks have their own tests; here only stories and links matter.
fn run(chapters: &[ChapterText<'_>]) -> Outcome {
    let config = Config::from_table(Some(&serde_json::json!({"lints": {
        "missing-faq-section": "allow", "missing-faq": "allow", "unanswered-faq": "allow"
    }})))
    .unwrap();
    process_chapters(chapters, &config, settings(), "src")
}

#[test]
fn consistent_seed_tables_come_back_byte_identical() {
    let chapters = seed_chapters(None);
    let out = run(&chapters);
    assert_eq!(out.diagnostics, vec![]);
    assert_eq!(out.new_content, vec![None, None, None]);
}

#[test]
fn a_removed_back_link_is_restored_and_nothing_else_changes() {
    let link =
        "[Alan has trouble getting started](./status_quo.md#alan-has-trouble-getting-started)";
    let remove = |s: &str| s.replace(link, "not yet written");
    let chapters = seed_chapters(Some(("shiny_future.md", &remove)));
    let out = run(&chapters);
    assert_eq!(out.diagnostics, vec![]);
    assert_eq!(out.new_content[0], None);
    assert_eq!(out.new_content[1], None);
    let restored = out.new_content[2]
        .as_ref()
        .expect("shiny future page changes");
    let original =
        fs::read_to_string(book_dir("seed_stories").join("src/shiny_future.md")).unwrap();
    assert_eq!(
        *restored,
        original.replace(
            link,
            "[Alan has trouble getting started](status_quo.md#alan-has-trouble-getting-started)"
        )
    );
}

#[test]
fn a_misspelt_anchor_is_one_broken_link_warning_at_its_line() {
    let typo = |s: &str| {
        s.replace(
            "#grace-discovers-the-joy-of-generators",
            "#grace-discovers-the-joy-of-generatrs",
        )
    };
    let chapters = seed_chapters(Some(("status_quo.md", &typo)));
    let out = run(&chapters);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(
        (d.lint, d.file.as_str(), d.line),
        ("broken-link", "src/status_quo.md", 23)
    );
    assert_eq!(
        d.help,
        vec!["the closest heading id there is `#grace-discovers-the-joy-of-generators`"]
    );
    assert!(!out.has_errors());
}

#[test]
fn a_link_to_a_missing_chapter_names_the_closest_one() {
    let typo = |s: &str| s.replace("./shiny_future.md#alan-has", "./shiny_futur.md#alan-has");
    let out = run(&seed_chapters(Some(("status_quo.md", &typo))));
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(
        out.diagnostics[0].help,
        vec!["the closest chapter is `shiny_future.md`"]
    );
}

fn directive_book(status_quo: &str, shiny: &str) -> Vec<(&'static str, String)> {
    vec![
        ("book.toml", "[book]\ntitle = \"t\"\n\n[preprocessor.vision]\n\n[preprocessor.vision.lints]\nmissing-faq-section = \"allow\"\nmissing-faq = \"allow\"\nunanswered-faq = \"allow\"\n".to_string()),
        (
            "src/SUMMARY.md",
            "# Summary\n\n- [Characters](./characters.md)\n- [Stories](./stories/README.md)\n  - [Status quo](./stories/status_quo/alan.md)\n  - [Shiny future](./stories/shiny_future.md)\n".to_string(),
        ),
        (
            "src/characters.md",
            "# 🙋‍♀️ Cast of characters\n\n## Alan: the startup guy trying to stand-up a web stack quickly\n{{#vision character status=draft owner=@nikomatsakis}}\n\n## Grace: the principal engineer hacking on T4, a new storage service\n{{#vision character status=draft}}\n".to_string(),
        ),
        (
            "src/stories/README.md",
            "# Stories\n\n{{#vision stories status-quo}}\n\n{{#vision stories shiny-future}}\n\n## Alan\n\n{{#vision stories character=Alan}}\n".to_string(),
        ),
        ("src/stories/status_quo/alan.md", status_quo.to_string()),
        ("src/stories/shiny_future.md", shiny.to_string()),
    ]
}

fn build_directive_book(line: Line, status_quo: &str, shiny: &str) -> support::Built {
    let files = directive_book(status_quo, shiny);
    let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    build_files(line, &files)
}

const ALAN_STORY: &str = "# 😱 Status quo stories: Alan has trouble getting started\n{{#vision status-quo character=Alan assigned=Shane assigned=@estebank}}\n\nAlan can't find docs.\n";
const FUTURES: &str = "# ✨ Shiny future\n\n## Alan has a blast standing up a web server\n{{#vision shiny-future character=Alan status-quo=\"Alan has trouble getting started\"}}\n\n## Grace discovers the joy of generators\n{{#vision shiny-future character=Grace}}\n";

#[test]
fn naming_a_pair_on_one_side_links_both_directions_and_every_link_lands() {
    for line in Line::ALL {
        let built = build_directive_book(line, ALAN_STORY, FUTURES);
        built.assert_ok();
        assert_eq!(built.stderr, "", "{line}");
        let story = built.chapter_html("stories/status_quo/alan.html");
        assert!(
            story.contains(r#"<a href="../shiny_future.html#alan-has-a-blast-standing-up-a-web-server">Alan has a blast standing up a web server</a>"#),
            "{line}: {story}"
        );
        assert!(
            story.contains(r#"<a href="../../characters.html#alan-the-startup-guy-trying-to-stand-up-a-web-stack-quickly">Alan</a>"#),
            "{line}: {story}"
        );
        let futures = built.chapter_html("stories/shiny_future.html");
        assert!(
            futures
                .contains(r#"<a href="status_quo/alan.html">Alan has trouble getting started</a>"#),
            "{line}: {futures}"
        );
        assert!(
            futures.contains("<td>not yet written</td>"),
            "{line}: {futures}"
        );
        assert!(
            futures.contains("<td>✋ Volunteer wanted ✋</td>"),
            "{line}: {futures}"
        );
        let report = built.check_links();
        assert!(report.failures.is_empty(), "{line}: {:#?}", report.failures);
        assert!(
            report.checked_links >= 6 && report.checked_anchors >= 4,
            "{line}: {report:?}"
        );
    }
}

#[test]
fn unresolved_ambiguous_and_wrong_kind_references_fail_with_location() {
    let cases = [
        (
            "# 😱 Status quo stories: Alan has trouble getting started\n{{#vision status-quo character=Alan future=\"Alan has a blst standing up a web server\"}}\n",
            "error[unresolved-reference]: no shiny future story is called \"Alan has a blst standing up a web server\"",
            "--> src/stories/status_quo/alan.md:2:37",
            "did you mean \"Alan has a blast standing up a web server\"?",
        ),
        (
            "# 😱 Status quo stories: Alan has trouble getting started\n{{#vision status-quo character=Alna}}\n",
            "error[unresolved-reference]: no character is called \"Alna\"",
            "--> src/stories/status_quo/alan.md:2:22",
            "did you mean \"Alan\"?",
        ),
        (
            "# 😱 Status quo stories: Alan has trouble getting started\n{{#vision status-quo character=Alan future=\"Alan has trouble getting started\"}}\n",
            "error[wrong-kind]: \"😱 Status quo stories: Alan has trouble getting started\" is a status quo story, not a shiny future story",
            "--> src/stories/status_quo/alan.md:2:37",
            "it is in src/stories/status_quo/alan.md#-status-quo-stories-alan-has-trouble-getting-started",
        ),
    ];
    for (story, error, location, help) in cases {
        for line in Line::ALL {
            let built = build_directive_book(line, story, FUTURES);
            built.assert_failed();
            for want in [error, location, help] {
                assert!(
                    built.stderr.contains(want),
                    "{line}: want {want:?} in\n{}",
                    built.stderr
                );
            }
        }
    }
    // Two stories with one title: ambiguous, listing both.
    let twice = format!("{FUTURES}\n## Alan has a blast standing up a web server\n{{{{#vision shiny-future character=Alan}}}}\n");
    let story = "# 😱 Status quo stories: Alan has trouble getting started\n{{#vision status-quo character=Alan future=\"Alan has a blast standing up a web server\"}}\n";
    let built = build_directive_book(Line::V05, story, &twice);
    built.assert_failed();
    assert!(built.stderr.contains("error[ambiguous-reference]: \"Alan has a blast standing up a web server\" names 2 entries"), "{}", built.stderr);
    assert!(built.stderr.contains("could be \"Alan has a blast standing up a web server\" in src/stories/shiny_future.md#alan-has-a-blast-standing-up-a-web-server-1"), "{}", built.stderr);
}

#[test]
fn seed_tables_build_under_both_lines_with_every_link_landing() {
    for line in Line::ALL {
        let built = build(line, &book_dir("seed_stories"));
        built.assert_ok();
        assert_eq!(built.stderr, "", "{line}");
        let input = built.input_chapters();
        let output = built.output_chapters();
        for (i, o) in input.iter().zip(&output) {
            assert_eq!(
                i.content, o.content,
                "{line}: {:?} unchanged",
                i.source_path
            );
        }
        let report = built.check_links();
        assert!(report.failures.is_empty(), "{line}: {:#?}", report.failures);
    }
}

fn with_overview(overview: &str) -> Vec<ChapterText<'_>> {
    let mut chapters = seed_chapters(None);
    chapters.push(ChapterText {
        name: "Overview".into(),
        source_path: Some("overview/index.md".into()),
        path: Some("overview/index.md".into()),
        content: overview.into(),
    });
    chapters
}

#[test]
fn story_overviews_list_every_story_with_links_from_their_own_page() {
    let out = run(&with_overview(
        "# Overview\n\n{{#vision stories status-quo}}\n\n## Alan\n\n{{#vision stories character=Alan}}\n",
    ));
    assert_eq!(out.diagnostics, vec![]);
    let text = out.new_content[3].as_deref().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[2],
        "| Story | Character | Shiny Future | Assigned To |"
    );
    assert_eq!(
        lines[4],
        "| [Alan has trouble getting started](../status_quo.md#alan-has-trouble-getting-started) \
         | [Alan](../characters.md#alan-the-startup-guy-trying-to-stand-up-a-web-stack-quickly) \
         | [Alan has a blast standing up a web server](../shiny_future.md#alan-has-a-blast-standing-up-a-web-server) \
         | Shane and estebank |"
    );
    // A reference-style link in a hand-written cell does not resolve on another page: plain text.
    assert!(
        lines[5].ends_with("| not yet written | ✋ Volunteer wanted ✋ |"),
        "{}",
        lines[5]
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("| [Grace")).count(),
        2
    );
    assert_eq!(lines[11], "| Story | Kind | Retold as / retells |");
    let alan: Vec<&str> = lines[13..].to_vec();
    assert_eq!(alan.len(), 3, "{alan:?}");
    assert!(alan[2].starts_with("| [Alan has a blast standing up a web server](../shiny_future.md#alan-has-a-blast-standing-up-a-web-server) | ✨ Shiny future | [Alan has trouble getting started]"));
    // The expanded overview is stable when processed again.
    let mut again = with_overview(text);
    again.truncate(4);
    let second = run(&again);
    assert_eq!(second.diagnostics, vec![]);
    assert_eq!(second.new_content[3], None);
}

#[test]
fn an_overview_for_an_unknown_character_is_an_error() {
    let out = run(&with_overview(
        "# Overview\n\n{{#vision stories character=Barbra}}\n",
    ));
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!((d.lint, d.line, d.column), ("unresolved-reference", 3, 19));
    assert_eq!(d.message, "no character is called \"Barbra\"");
    assert!(out.has_errors());
}

/// The seed's whole cast and every story, each pair named on one side only
/// (by title from the status quo side, by path and by title from the future
/// side), status quo stories one per page, futures many per page.
#[test]
fn the_seed_cast_named_on_one_side_links_both_ways_under_both_lines() {
    let pairs = [
        (
            "status_quo/alan_started.html",
            "shiny_future.html#alan-has-a-blast-standing-up-a-web-server",
        ),
        (
            "status_quo/grace_deploys.html",
            "shiny_future.html#grace-deploys-her-service-and-is-able-to-fix-problems",
        ),
        (
            "status_quo/grace_pin.html",
            "shiny_future.html#grace-discovers-the-joy-of-generators",
        ),
    ];
    for line in Line::ALL {
        let built = build(line, &book_dir("seed_directives"));
        built.assert_ok();
        assert_eq!(built.stderr, "", "{line}");
        let futures = built.chapter_html("shiny_future.html");
        for (story, future) in pairs {
            let page = built.chapter_html(story);
            let forward = format!(r#"href="../{future}""#);
            assert!(
                page.contains(&forward),
                "{line}: {story} lacks {forward}:\n{page}"
            );
            let back = format!(r#"href="{}""#, story.trim_start_matches('/'));
            assert!(futures.contains(&back), "{line}: futures lack {back}");
        }
        for unpaired in [
            "alan_painful",
            "grace_io_uring",
            "niklaus_slow",
            "niklaus_framework",
            "barbara_embedded",
        ] {
            let page = built.chapter_html(&format!("status_quo/{unpaired}.html"));
            assert!(
                page.contains("<td>not yet written</td>"),
                "{line}: {unpaired}"
            );
        }
        let painful = built.chapter_html("status_quo/alan_painful.html");
        assert!(
            painful.contains(
                r#"✋ <a href="../how_to_vision_doc.html#how-can-i-help">Volunteer wanted</a> ✋"#
            ),
            "{line}: {painful}"
        );
        let index = built.chapter_html("status_quo/README.md");
        assert_eq!(
            index.matches("<tr><td><a href=").count(),
            8,
            "{line}: one overview row per story"
        );
        let report = built.check_links();
        assert!(report.failures.is_empty(), "{line}: {:#?}", report.failures);
        println!(
            "{line}: {} links and {} anchors checked",
            report.checked_links, report.checked_anchors
        );
        assert!(
            report.checked_links >= 40 && report.checked_anchors >= 20,
            "{line}: {report:?}"
        );
    }
}

/// A chapter named after its path, at that path.
fn chapter<'a>(path: &str, content: &'a str) -> ChapterText<'a> {
    ChapterText {
        name: path.into(),
        source_path: Some(path.into()),
        path: Some(path.into()),
        content: content.into(),
    }
}

#[test]
fn when_both_sides_name_different_partners_both_tables_show_the_union() {
    let chapters = vec![
        chapter(
            "status_quo.md",
            "# SQ\n\n## Alan is stuck\n{{#vision status-quo future=\"Alan flies\"}}\n\n## Alan is lost\n{{#vision status-quo}}\n",
        ),
        chapter(
            "shiny_future.md",
            "# SF\n\n## Alan flies\n{{#vision shiny-future status-quo=\"Alan is lost\"}}\n",
        ),
    ];
    let out = run(&chapters);
    assert_eq!(out.diagnostics, vec![]);
    let sf = out.new_content[1].as_deref().unwrap();
    assert!(
        sf.contains("| [Alan is stuck](status_quo.md#alan-is-stuck), [Alan is lost](status_quo.md#alan-is-lost) |"),
        "{sf}"
    );
    let sq = out.new_content[0].as_deref().unwrap();
    assert_eq!(
        sq.matches("[Alan flies](shiny_future.md#alan-flies)")
            .count(),
        2,
        "{sq}"
    );
}

#[test]
fn a_character_named_with_blanks_inside_the_quotes_is_linked_by_its_name() {
    let chapters = vec![
        chapter("characters/alan.md", "# Alan: a developer\n"),
        chapter(
            "status_quo/stuck.md",
            "# Alan is stuck\n{{#vision status-quo character=\"  Alan \"}}\n",
        ),
    ];
    let out = run(&chapters);
    let sq = out.new_content[1].as_deref().unwrap();
    assert!(sq.contains("| [Alan](../characters/alan.md) |"), "{sq}");
    assert!(!sq.contains("[ "), "{sq}");
}

#[test]
fn two_characters_of_one_name_are_told_apart_by_path_and_anchor() {
    let chapters = vec![
        chapter(
            "characters.md",
            "# C\n\n## Alan\n{{#vision character status=draft}}\n\n## Alan\n{{#vision character status=draft}}\n",
        ),
        chapter(
            "status_quo.md",
            "# S\n\n## Story\n{{#vision status-quo character=characters.md#alan-1}}\n",
        ),
    ];
    let out = run(&chapters);
    assert_eq!(out.diagnostics, vec![]);
    let story = out.new_content[1].as_deref().unwrap();
    assert!(
        story.contains("| [Alan](characters.md#alan-1) | not yet written |"),
        "{story}"
    );
    // The output reads back as the same story: a fixed point.
    let mut again = chapters.clone();
    again[0].content = out.new_content[0].clone().unwrap().into();
    again[1].content = story.to_string().into();
    let out = run(&again);
    assert_eq!(out.diagnostics, vec![]);
    assert_eq!(out.new_content, vec![None, None]);
    // By name alone the two are ambiguous, and the error says how to pick one.
    let mut by_name = chapters.clone();
    by_name[1].content = by_name[1]
        .content
        .replace("characters.md#alan-1", "Alan")
        .into();
    let out = run(&by_name);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(out.diagnostics[0].lint, "ambiguous-reference");
}
