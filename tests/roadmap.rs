//! Issue 4: the roadmap's emoji key from configuration, every status cell
//! checked, and a roadmap table generated from the entries' metadata.

mod support;

use mdbook_vision::anchor::MdbookLine;
use mdbook_vision::config::Config;
use mdbook_vision::diag::Severity;
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{process_chapters, ChapterText, Outcome};
use serde_json::{json, Value};
use support::{build_files, main_content, Line};

fn settings() -> ParseSettings {
    ParseSettings::new(MdbookLine::V05, true)
}

fn chapters(files: &[(&str, &str)]) -> Vec<ChapterText<'static>> {
    files
        .iter()
        .map(|(path, content)| ChapterText {
            name: path.to_string(),
            source_path: Some(path.to_string()),
            path: Some(path.to_string()),
            content: content.to_string().into(),
        })
        .collect()
}

fn run_with(config: &Value, files: &[(&str, &str)]) -> Outcome {
    let config = Config::from_table(Some(config)).expect("valid config");
    process_chapters(&chapters(files), &config, settings(), "src")
}

fn run(files: &[(&str, &str)]) -> Outcome {
    run_with(&json!({}), files)
}

/// The chapter's text after processing (unchanged text when nothing changed).
fn output(out: &Outcome, files: &[(&str, &str)], path: &str) -> String {
    let i = files.iter().position(|(p, _)| *p == path).unwrap();
    out.new_content[i]
        .clone()
        .unwrap_or_else(|| files[i].1.to_string())
}

/// Runs the preprocessor again on its own output: nothing may change or be reported.
fn assert_idempotent(config: &Value, files: &[(&str, &str)], out: &Outcome) {
    let again: Vec<(String, String)> = files
        .iter()
        .map(|(p, _)| (p.to_string(), output(out, files, p)))
        .collect();
    let again_refs: Vec<(&str, &str)> = again
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let second = run_with(config, &again_refs);
    assert!(
        second.diagnostics.is_empty(),
        "second run reported: {:#?}",
        second.diagnostics
    );
    assert_eq!(
        second.new_content,
        vec![None; files.len()],
        "second run changed the text"
    );
}

const SEED_KEY: &str = r#"| Emoji | Meaning |
| --- | --- |
| 🥬 | "Healthy" -- on track with the plan as described in the doc |
| ✏️ | "Planning" -- Still figuring out the plan |
| 🤒 | "Worried" -- things are looking a bit tricky, plans aren't working out |
| 🏖️ | "On vacation" -- taking a break right now |
| ⚰️ | We gave up on this idea =) |"#;

/// The seed's roadmap page, as its repository writes it.
fn seed_roadmap() -> String {
    format!(
        "# 📅 The roadmap: what we're doing in 2021

This page describes the current plans for 2021. It is updated on a monthly basis.

## Key

{SEED_KEY}

## Roadmap items

| Plan | Owner | Status | Last updated |
| --- | --- | --- | --- |
| [Async functions in traits] | nikomatsakis | 🥬 | 2021-02 |

[Async functions in traits]: ./design_docs/async_fn_in_traits.md
"
    )
}

const DESIGN_DOC: &str = "# Async functions in traits\n\nA design.\n\n## 🤔 Frequently Asked Questions\n\n* **What assumptions are you using as the basis for this design?**\n  * That traits are common.\n* **Why not do boxing?**\n  * It allocates.\n* **What design decisions cannot easily be reversed?**\n  * The syntax.\n";

/// The answered FAQ every design doc in these tests carries.
const FAQ: &str = "## 🤔 Frequently Asked Questions\n\n* **What assumptions are you using as the basis for this design?**\n  * That traits are common.\n* **Why not do boxing?**\n  * It allocates.\n* **What design decisions cannot easily be reversed?**\n  * The syntax.\n";

const ROADMAP: &str = "vision/roadmap.md";
const DESIGN_PATH: &str = "vision/design_docs/async_fn_in_traits.md";

/// A roadmap page whose items table has the given rows (after the seed's key).
fn roadmap_with_rows(rows: &str) -> String {
    format!(
        "# Roadmap\n\n## Key\n\n{SEED_KEY}\n\n## Items\n\n| Plan | Owner | Status | Last updated |\n| --- | --- | --- | --- |\n{rows}"
    )
}

#[test]
fn the_seed_roadmap_page_passes_unchanged() {
    let page = seed_roadmap();
    let files = [(ROADMAP, page.as_str()), (DESIGN_PATH, DESIGN_DOC)];
    let out = run(&files);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(out.new_content, vec![None, None]);
}

#[test]
fn the_roadmap_key_directive_renders_the_seed_key() {
    let page = "# Roadmap\n\n## Key\n\n{{#vision roadmap-key}}\n\n## Items\n\n| Plan | Owner | Status | Last updated |\n| --- | --- | --- | --- |\n| Something | @nikomatsakis | 🤒 | 2021-03 |\n";
    let files = [("roadmap.md", page)];
    let out = run(&files);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let text = output(&out, &files, "roadmap.md");
    assert_eq!(
        text,
        format!("# Roadmap\n\n## Key\n\n{SEED_KEY}\n\n## Items\n\n| Plan | Owner | Status | Last updated |\n| --- | --- | --- | --- |\n| Something | [@nikomatsakis](https://github.com/nikomatsakis) | 🤒 | 2021-03 |\n")
    );
    assert_idempotent(&json!({}), &files, &out);
}

#[test]
fn an_unknown_status_emoji_is_an_error_at_its_line_listing_the_key() {
    let page =
        roadmap_with_rows("| Fine | niko | 🥬 | 2021-02 |\n| Magic | niko | 🦄 | 2021-02 |\n");
    let files = [(ROADMAP, page.as_str())];
    let out = run(&files);
    assert!(out.has_errors());
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.lint, "unknown-status");
    assert_eq!(d.level, Severity::Error);
    assert_eq!(d.file, "src/vision/roadmap.md");
    let line = page.lines().position(|l| l.contains('🦄')).unwrap() + 1;
    assert_eq!(d.line, line);
    assert_eq!(d.message, "unknown roadmap status `🦄`");
    let help = d.help.join("\n");
    for emoji in ["`🥬`", "`✏️`", "`🤒`", "`🏖️`", "`⚰️`", "(worried)"] {
        assert!(help.contains(emoji), "{emoji} missing from {help}");
    }
}

#[test]
fn a_misspelt_status_name_suggests_the_real_one() {
    let page = roadmap_with_rows("| Magic | niko | Woried | 2021-02 |\n");
    let out = run(&[(ROADMAP, page.as_str())]);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(out.diagnostics[0].lint, "unknown-status");
    assert_eq!(out.diagnostics[0].help[0], "did you mean `worried` (🤒)?");
}

#[test]
fn status_names_render_as_emoji_and_bare_emoji_are_accepted() {
    let page = roadmap_with_rows(
        "| A | niko | Worried | 2021-02 |\n| B | niko | ✏ | 2021-02 |\n| C | niko | 🏖 | 2021-02-28 |\n| D | niko | gave-up | 2021-02 |\n",
    );
    let files = [(ROADMAP, page.as_str())];
    let out = run(&files);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let text = output(&out, &files, ROADMAP);
    assert!(text.ends_with(
        "| A | niko | 🤒 | 2021-02 |\n| B | niko | ✏ | 2021-02 |\n| C | niko | 🏖 | 2021-02-28 |\n| D | niko | ⚰️ | 2021-02 |\n"
    ), "{text}");
    assert_idempotent(&json!({}), &files, &out);
}

#[test]
fn a_custom_key_in_book_toml_replaces_the_default_everywhere() {
    let config = json!({"roadmap": {"key": [
        {"emoji": "✅", "name": "done", "meaning": "Done"},
        {"emoji": "🦀", "name": "in-progress", "meaning": "In progress"},
    ]}});
    let page = "# Roadmap\n\n{{#vision roadmap-key}}\n\n| Plan | Owner | Status | Last updated |\n| --- | --- | --- | --- |\n| A | niko | in progress | 2021-02 |\n| B | niko | 🥬 | 2021-02 |\n";
    let files = [("roadmap.md", page)];
    let out = run_with(&config, &files);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.lint, "unknown-status");
    assert_eq!(d.line, 8);
    assert!(
        d.help
            .iter()
            .any(|h| h.contains("`✅` (done), `🦀` (in-progress)")),
        "{:?}",
        d.help
    );
    assert_eq!(
        output(&out, &files, "roadmap.md"),
        "# Roadmap\n\n| Emoji | Meaning |\n| --- | --- |\n| ✅ | Done |\n| 🦀 | In progress |\n\n| Plan | Owner | Status | Last updated |\n| --- | --- | --- | --- |\n| A | niko | 🦀 | 2021-02 |\n| B | niko | 🥬 | 2021-02 |\n"
    );
}

#[test]
fn a_page_with_its_own_state_key_is_checked_against_it() {
    let page = "# Roadmap\n\n| State | Meaning |\n| --- | --- |\n| ✅ | Done |\n| 🦀 | In progress |\n| ✋ | Help wanted |\n| 💤 | Paused, for now |\n\n| Item | Owner | State |\n| --- | --- | --- |\n| A | niko | ✅ |\n| &nbsp;&nbsp;↳ [Sub-item](#roadmap) | niko | 🦀 |\n| C | niko | paused |\n| D | niko | 🥬 |\n";
    let files = [("goals.md", page)];
    let out = run(&files);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.lint, "unknown-status");
    assert_eq!(d.message, "unknown roadmap status `🥬`");
    assert_eq!(d.line, 15);
    assert!(
        d.help.iter().any(|h| h.contains("`✅` (done)")
            && h.contains("`💤` (paused)")
            && h.contains("this page's own key table")),
        "{:?}",
        d.help
    );
    let text = output(&out, &files, "goals.md");
    assert!(text.contains("| C | niko | 💤 |\n"), "{text}");
}

#[test]
fn a_misspelt_plan_link_is_one_broken_link_warning_naming_the_chapter() {
    let page = seed_roadmap().replace("async_fn_in_traits.md", "async_fn_in_trait.md");
    let files = [(ROADMAP, page.as_str()), (DESIGN_PATH, DESIGN_DOC)];
    let out = run(&files);
    assert!(!out.has_errors());
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.lint, "broken-link");
    assert_eq!(d.level, Severity::Warning);
    assert_eq!(
        d.line,
        page.lines()
            .position(|l| l.starts_with("| [Async"))
            .unwrap()
            + 1
    );
    assert_eq!(
        d.help,
        vec!["the closest chapter is `vision/design_docs/async_fn_in_traits.md`".to_string()]
    );
}

#[test]
fn dates_must_be_months_or_days() {
    let page = roadmap_with_rows(
        "| A | niko | 🥬 | Feb 2021 |\n| B | niko | 🥬 | 2021-13 |\n| C | niko | 🥬 | 2021-02-30 |\n| D | niko | 🥬 | 2020-02-29 |\n",
    );
    let out = run(&[(ROADMAP, page.as_str())]);
    let line = |s: &str| page.lines().position(|l| l.contains(s)).unwrap() + 1;
    let got: Vec<(&str, usize, &str)> = out
        .diagnostics
        .iter()
        .map(|d| (d.lint, d.line, d.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("invalid-date", line("Feb 2021"), "`Feb 2021` is not a date"),
            ("invalid-date", line("2021-13"), "`2021-13` is not a date"),
            (
                "invalid-date",
                line("2021-02-30"),
                "`2021-02-30` is not a date"
            ),
        ]
    );
}

#[test]
fn old_rows_are_stale_relative_to_source_date_epoch() {
    // 2021-09-15T00:00:00Z. Only this test configures stale-after-months, so
    // the variable cannot change what other tests in this binary see.
    std::env::set_var("SOURCE_DATE_EPOCH", "1631664000");
    let config = json!({"roadmap": {"stale-after-months": 3}});
    let page =
        roadmap_with_rows("| Old | niko | 🥬 | 2021-02 |\n| New | niko | 🥬 | 2021-07-01 |\n");
    let out = run_with(&config, &[(ROADMAP, page.as_str())]);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.lint, "stale-roadmap-item");
    assert_eq!(d.level, Severity::Warning);
    assert_eq!(
        d.line,
        page.lines().position(|l| l.contains("| Old")).unwrap() + 1
    );
    assert_eq!(
        d.message,
        "roadmap item last updated 2021-02, 7 months ago (more than 3)"
    );
    assert!(
        d.help[0].starts_with("today is 2021-09-15;"),
        "{:?}",
        d.help
    );
}

fn design(title: &str, meta: &str) -> String {
    format!("# {title}\n\n{{{{#vision design-doc {meta}}}}}\n\nThe design.\n\n{FAQ}")
}

fn generated_book() -> Vec<(String, String)> {
    vec![
        (
            "roadmap.md".to_string(),
            "# Roadmap\n\n{{#vision roadmap-key}}\n\n## Items\n\n{{#vision roadmap}}\n".to_string(),
        ),
        (
            "design_docs/streams.md".to_string(),
            design("Async streams", "roadmap=planning owner=@nikomatsakis"),
        ),
        (
            "design_docs/traits.md".to_string(),
            design(
                "Async functions in traits",
                "roadmap=🥬 owner=@nikomatsakis updated=2021-02",
            ),
        ),
        (
            "design_docs/drop.md".to_string(),
            design(
                "Async drop",
                "roadmap=Healthy owner=Shane updated=2021-03-15",
            ),
        ),
    ]
}

const GENERATED_TABLE: &str = "| Plan | Owner | Status | Last updated |
| --- | --- | --- | --- |
| [Async drop](design_docs/drop.md) | Shane | 🥬 | 2021-03-15 |
| [Async functions in traits](design_docs/traits.md) | [@nikomatsakis](https://github.com/nikomatsakis) | 🥬 | 2021-02 |
| [Async streams](design_docs/streams.md) | [@nikomatsakis](https://github.com/nikomatsakis) | ✏️ |  |

🥬 2 · ✏️ 1";

#[test]
fn the_roadmap_directive_renders_every_item_and_the_counts() {
    let book = generated_book();
    let files: Vec<(&str, &str)> = book.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let out = run(&files);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(
        output(&out, &files, "roadmap.md"),
        format!("# Roadmap\n\n{SEED_KEY}\n\n## Items\n\n{GENERATED_TABLE}\n")
    );
    assert_idempotent(&json!({}), &files, &out);
}

#[test]
fn roadmap_values_of_entries_are_checked() {
    let mut book = generated_book();
    book[1].1 = design("Async streams", "roadmap=unicorn updated=2021-2");
    let files: Vec<(&str, &str)> = book.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let out = run(&files);
    let got: Vec<(&str, &str, usize, usize)> = out
        .diagnostics
        .iter()
        .map(|d| (d.lint, d.file.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        got,
        [
            ("unknown-status", "src/design_docs/streams.md", 3, 22),
            ("invalid-date", "src/design_docs/streams.md", 3, 38),
        ]
    );
    assert_eq!(
        out.diagnostics[0].message,
        "unknown roadmap status `unicorn`"
    );
}

/// The `<table>`s of a page's main content, whitespace between tags removed.
fn tables(html: &str) -> Vec<String> {
    let main = main_content(html).unwrap_or(html);
    let mut out = Vec::new();
    let mut rest = main;
    while let Some(start) = rest.find("<table") {
        let end = rest[start..].find("</table>").unwrap() + start + "</table>".len();
        let t: String = rest[start..end]
            .split('\n')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("");
        out.push(t);
        rest = &rest[end..];
    }
    out
}

#[test]
fn both_mdbook_lines_render_the_same_roadmap_tables() {
    let mut files: Vec<(String, String)> = vec![
        (
            "book.toml".into(),
            "[book]\ntitle = \"Roadmap\"\n\n[preprocessor.vision]\n\n[output.html]\nsmart-punctuation = true\n".into(),
        ),
        (
            "src/SUMMARY.md".into(),
            "# Summary\n\n- [Roadmap](roadmap.md)\n- [Streams](design_docs/streams.md)\n- [Traits](design_docs/traits.md)\n- [Drop](design_docs/drop.md)\n- [Seed roadmap](vision/roadmap.md)\n- [Async fn in traits](vision/design_docs/async_fn_in_traits.md)\n"
                .into(),
        ),
        ("src/vision/roadmap.md".into(), seed_roadmap()),
        (format!("src/{DESIGN_PATH}"), DESIGN_DOC.into()),
    ];
    for (p, c) in generated_book() {
        files.push((format!("src/{p}"), c));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let mut rendered = Vec::new();
    for line in Line::ALL {
        let built = build_files(line, &refs);
        built.assert_ok();
        assert_eq!(built.stderr, "", "{line}");
        let generated = tables(&built.chapter_html("roadmap.html"));
        let seed = tables(&built.chapter_html("vision/roadmap.html"));
        assert_eq!(generated.len(), 2, "{line}: {generated:?}");
        assert_eq!(seed.len(), 2, "{line}: {seed:?}");
        // The generated key is the seed's key.
        assert_eq!(generated[0], seed[0], "{line}");
        for emoji in ["🥬", "✏️", "🤒", "🏖️", "⚰️"] {
            assert!(generated[0].contains(emoji), "{line}: {}", generated[0]);
        }
        assert_eq!(generated[1].matches("<tr>").count(), 4, "{line}");
        assert!(
            generated[1].contains("href=\"design_docs/drop.html\""),
            "{line}: {}",
            generated[1]
        );
        let html = built.chapter_html("roadmap.html");
        assert!(html.contains("🥬 2 · ✏️ 1"), "{line}");
        built.check_links().assert_clean();
        rendered.push((generated, seed));
    }
    assert_eq!(rendered[0], rendered[1]);
}
