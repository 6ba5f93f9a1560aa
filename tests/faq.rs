//! Issue 5: required FAQ questions, on a reconstruction of the seed's pages.

mod support;

use mdbook_vision::anchor::MdbookLine;
use mdbook_vision::config::Config;
use mdbook_vision::diag::Diagnostic;
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{process_chapters, ChapterText, Outcome};
use serde_json::{json, Value};

const CHARACTERS: &str = r#"# 🙋‍♀️ Cast of characters

## Alan: the startup guy trying to stand-up a web stack quickly

| Status | Owner |
| --- | --- |
| ⚠️ Draft ⚠️ | nikomatsakis |

Alan is a "full stack" JavaScript developer.

<details><summary>🤔 <b>Frequently Asked Questions</b></summary><p>

* XXX

</p></details>

## Grace: the principal engineer hacking on T4, a new storage service

| Status | Owner |
| --- | --- |
| ⚠️ Draft ⚠️ | nikomatsakis |

Grace works on T4, a cloud storage service.

### 🤔 Frequently Asked Questions

* XXX
"#;

const STATUS_QUO: &str = r#"# 😱 Status quo stories

## What is this

The "status quo" stories are here to state our "theory of the case".

## Alan has trouble getting started

| Character | Shiny Future | Assigned To |
| --- | --- | --- |
| [Alan] | [Alan has a blast standing up a web server](./shiny_future.md#alan-has-a-blast-standing-up-a-web-server) | Shane and estebank |

Outline:

* At first, Alan can't find docs about how to do async stuff
* Alan quits and becomes a Bob Ross groupy

<details><summary>🤔 <b>Frequently Asked Questions</b></summary><p>

* **What are the morals of the story?**
    * Many people cite that picking a runtime is a stressful choice.
    * The async book as written gives way too many low-level details way too early.
* **Are you just making this stuff up?**
    * Not at all. This is based on a number of sources, including tweets but also personal conversations.
* **Why doesn't Alan go to the tutorial for some specific runtime?**
    * It's true that there are a number of excellent tutorials out there.

</p></details>

## Grace tries to write a stream and pin breaks her mind

| Character | Shiny Future | Assigned To |
| --- | --- | --- |
| [Grace] | [Grace discovers the joy of generators](./shiny_future.md#grace-discovers-the-joy-of-generators) | ✋ Volunteer wanted ✋ |

Outline:

* She winds up implementing a stream and has to use pin and it's hard

<details><summary>🤔 <b>Frequently Asked Questions</b></summary><p>

* **What are the morals of the story?**
    * (Explain your key points here)
* **Are you just making this stuff up?**
    * (Cite important sources here; feel free to add files into the conversations folder for more details)

</p></details>

## Grace deploys her service and hits obstacles

| Character | Shiny Future | Assigned To |
| --- | --- | --- |
| [Grace] | [Grace deploys her service and is able to fix problems](./shiny_future.md#grace-deploys-her-service-and-is-able-to-fix-problems) | pnkfelix? |

Outline:

* Tasks are stuck

<details><summary>🤔 <b>Frequently Asked Questions</b></summary><p>

* **What are the morals of the story?**
    * (Explain your key points here)
* **Are you just making this stuff up?**
    * (Cite important sources here; feel free to add files into the conversations folder for more details)

</p></details>

[Alan]: ./characters.md#alan-the-startup-guy-trying-to-stand-up-a-web-stack-quickly
[Grace]: ./characters.md#grace-the-principal-engineer-hacking-on-t4-a-new-storage-service
"#;

const SHINY_FUTURE: &str = r#"# ✨ Shiny future: Where we want to get to

## Alan has a blast standing up a web server

| Character | Status quo | Assigned To |
| --- | --- | --- |
| [Alan](./characters.md#alan-the-startup-guy-trying-to-stand-up-a-web-stack-quickly) | [Alan has trouble getting started](./status_quo.md#alan-has-trouble-getting-started) | Shane and estebank |

Outline:

...

<details><summary>🤔 <b>Frequently Asked Questions</b></summary>
* Write these
</details>

## Grace deploys her service and is able to fix problems

| Character | Status quo | Assigned To |
| --- | --- | --- |
| [Grace](./characters.md#grace-the-principal-engineer-hacking-on-t4-a-new-storage-service) | [Grace deploys her service and hits obstacles](./status_quo.md#grace-deploys-her-service-and-hits-obstacles) | pnkfelix |

<details><summary>🤔 <b>Frequently Asked Questions</b></summary><p>

* Write these

</p></details>

## Grace discovers the joy of generators

| Character | Status quo | Assigned To |
| --- | --- | --- |
| [Grace](./characters.md#grace-the-principal-engineer-hacking-on-t4-a-new-storage-service) | [Grace tries to write a stream and pin breaks her mind](./status_quo.md#grace-tries-to-write-a-stream-and-pin-breaks-her-mind) | ✋ Volunteer wanted ✋ |

Outline:

* Grace uses generators and the code writes itself. It's ALMOST TOO EASY.

<details><summary>🤔 <b>Frequently Asked Questions</b></summary>
* Write these
</details>
"#;

const DESIGN_DOC: &str = r#"# Async closures

Closures that return futures.

## 🤔 Frequently Asked Questions

### **What assumptions are you using as the basis for this design?**

That closures returning futures are common.

### **Why not do X?**

X is slower.

### **Why not do Y?**

Y is harder to teach.

### **What design decisions cannot easily be reversed?**

The desugaring.
"#;

const FAQ_LINTS: [&str; 3] = ["missing-faq-section", "missing-faq", "unanswered-faq"];

fn settings() -> ParseSettings {
    ParseSettings::new(MdbookLine::V05, true)
}

fn chapter(path: &str, content: &str) -> ChapterText<'static> {
    ChapterText {
        name: path.to_string(),
        source_path: Some(path.to_string()),
        path: Some(path.to_string()),
        content: content.to_string().into(),
    }
}

fn seed_book() -> Vec<ChapterText<'static>> {
    vec![
        chapter("characters.md", CHARACTERS),
        chapter("status_quo.md", STATUS_QUO),
        chapter("shiny_future.md", SHINY_FUTURE),
        chapter("design_docs/async_closures.md", DESIGN_DOC),
    ]
}

fn run_with(chapters: &[ChapterText<'_>], config: Value) -> Outcome {
    let config = Config::from_table(Some(&config)).unwrap();
    process_chapters(chapters, &config, settings(), "src")
}

/// The FAQ diagnostics as (lint, file, line, message).
fn faq_diags(out: &Outcome) -> Vec<(String, String, usize, String)> {
    out.diagnostics
        .iter()
        .filter(|d| FAQ_LINTS.contains(&d.lint))
        .map(|d| {
            (
                d.lint.to_string(),
                d.file.clone(),
                d.line,
                d.message.clone(),
            )
        })
        .collect()
}

fn find<'a>(out: &'a Outcome, lint: &str, needle: &str) -> &'a Diagnostic {
    out.diagnostics
        .iter()
        .find(|d| d.lint == lint && d.message.contains(needle))
        .unwrap_or_else(|| panic!("no {lint} with {needle:?} in {:#?}", out.diagnostics))
}

/// The 1-based line of the `n`th (0-based) line containing `needle`.
fn line_of(text: &str, needle: &str, n: usize) -> usize {
    text.split('\n')
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in text"))
        .0
        + 1
}

fn d(lint: &str, file: &str, line: usize, message: &str) -> (String, String, usize, String) {
    (lint.into(), file.into(), line, message.into())
}

fn expected_seed(status_quo: &str) -> Vec<(String, String, usize, String)> {
    let alan = "Alan: the startup guy trying to stand-up a web stack quickly";
    let grace = "Grace: the principal engineer hacking on T4, a new storage service";
    let mut want = vec![
        d(
            "missing-faq",
            "src/characters.md",
            3,
            &format!("character \"{alan}\" does not ask \"Which of the async tenets would Alan put first and which would they put last? Why?\""),
        ),
        d(
            "missing-faq",
            "src/characters.md",
            line_of(CHARACTERS, "## Grace", 0),
            &format!("character \"{grace}\" does not ask \"Which of the async tenets would Grace put first and which would they put last? Why?\""),
        ),
    ];
    for (story, who) in [
        ("Alan has a blast standing up a web server", "Alan"),
        (
            "Grace deploys her service and is able to fix problems",
            "Grace",
        ),
        ("Grace discovers the joy of generators", "Grace"),
    ] {
        let line = line_of(SHINY_FUTURE, &format!("## {story}"), 0);
        for q in [
            format!("What is {who} most excited about and why?"),
            format!("What is {who} most disappointed with?"),
            "What key things did the Rust org do to make this happen?".to_string(),
            "What things did the other groups do to make this happen?".to_string(),
        ] {
            want.push(d(
                "missing-faq",
                "src/shiny_future.md",
                line,
                &format!("shiny future story \"{story}\" does not ask \"{q}\""),
            ));
        }
    }
    for (story, n) in [
        ("Grace tries to write a stream and pin breaks her mind", 1),
        ("Grace deploys her service and hits obstacles", 2),
    ] {
        for q in [
            "What are the morals of the story?",
            "Are you just making this stuff up?",
        ] {
            want.push(d(
                "unanswered-faq",
                "src/status_quo.md",
                line_of(status_quo, q, n),
                &format!("status quo story \"{story}\" does not answer \"**{q}**\" yet")
                    .replace("**", ""),
            ));
        }
    }
    want
}

#[test]
fn the_seed_book_gets_exactly_the_expected_faq_diagnostics() {
    let out = run_with(&seed_book(), json!({}));
    assert_eq!(faq_diags(&out), expected_seed(STATUS_QUO));
    // The fully answered story and the design doc say nothing.
    assert!(!out
        .diagnostics
        .iter()
        .any(|d| d.message.contains("Alan has trouble getting started")
            || d.file.contains("design_docs")));
    let m = find(&out, "missing-faq", "Grace discovers the joy of generators");
    assert_eq!(
        m.help,
        vec!["add `* **What is Grace most excited about and why?**` to its Frequently Asked Questions"]
    );
    let u = find(
        &out,
        "unanswered-faq",
        "hits obstacles\" does not answer \"Are you",
    );
    assert_eq!(
        u.help,
        vec!["replace the placeholder `(Cite important sources here; …)` with an answer"]
    );
    assert!(!out.has_errors());
    // Checks never edit: without directives or gap notes the text is unchanged.
    assert_eq!(out.new_content, vec![None, None, None, None]);
}

#[test]
fn crlf_files_report_the_same_lines() {
    let crlf: Vec<ChapterText<'static>> = seed_book()
        .into_iter()
        .map(|mut c| {
            c.content = c.content.replace('\n', "\r\n").into();
            c
        })
        .collect();
    let out = run_with(&crlf, json!({}));
    assert_eq!(faq_diags(&out), expected_seed(STATUS_QUO));
    let u = find(
        &out,
        "unanswered-faq",
        "pin breaks her mind\" does not answer \"What are",
    );
    assert_eq!(u.source_line, "* **What are the morals of the story?**");
    assert_eq!(u.column, 1);
}

#[test]
fn alternative_x_is_satisfied_by_any_why_not_question_and_missing_without_one() {
    let book = [chapter("design_docs/async_closures.md", DESIGN_DOC)];
    assert_eq!(faq_diags(&run_with(&book, json!({}))), vec![]);

    let without = DESIGN_DOC
        .replace("### **Why not do X?**\n\nX is slower.\n\n", "")
        .replace("### **Why not do Y?**\n\nY is harder to teach.\n\n", "");
    let out = run_with(
        &[chapter("design_docs/async_closures.md", &without)],
        json!({}),
    );
    assert_eq!(
        faq_diags(&out),
        vec![d(
            "missing-faq",
            "src/design_docs/async_closures.md",
            1,
            "design doc \"Async closures\" does not ask \"Why not do ALTERNATIVE-X?\""
        )]
    );
    // Heading-form questions get a heading-form suggestion.
    assert_eq!(
        out.diagnostics[0].help,
        vec!["add `### **Why not do ALTERNATIVE-X?**` to its Frequently Asked Questions"]
    );
}

#[test]
fn a_page_without_a_faq_section_gets_one_missing_faq_section() {
    let page = "# Async closures\n\nNo questions yet.\n";
    let out = run_with(&[chapter("design_docs/async_closures.md", page)], json!({}));
    assert_eq!(
        faq_diags(&out),
        vec![d(
            "missing-faq-section",
            "src/design_docs/async_closures.md",
            1,
            "design doc \"Async closures\" has no Frequently Asked Questions section"
        )]
    );
    assert_eq!(
        out.diagnostics[0].help,
        vec!["add a `## 🤔 Frequently Asked Questions` section asking `* **What assumptions are you using as the basis for this design?**`, `* **Why not do ALTERNATIVE-X?**`, `* **What design decisions cannot easily be reversed?**`"]
    );
}

const CUSTOM: &str = "# Status quo: Barbara tries the embedded runtime\n\
\n\
## 🤔 Frequently Asked Questions\n\
\n\
### **What is the problm?**\n\
\n\
No allocation.\n\
\n\
### What are the morals of the story?\n\
\n\
XXX\n\
\n\
### “Who’s affected”\n\
\n\
Embedded developers.\n";

#[test]
fn custom_faq_lists_are_obeyed_and_one_letter_typos_are_reported_as_such() {
    let config = json!({"faq": {"status-quo": ["What is the problem?", "Who's affected?", "How bad is it?"]}});
    let out = run_with(&[chapter("status_quo/barbara.md", CUSTOM)], config);
    let title = "status quo story \"Status quo: Barbara tries the embedded runtime\"";
    assert_eq!(
        faq_diags(&out),
        vec![
            d("missing-faq", "src/status_quo/barbara.md", 1, &format!("{title} does not ask \"How bad is it?\"")),
            d(
                "missing-faq",
                "src/status_quo/barbara.md",
                5,
                &format!("{title} asks \"What is the problm?\", which looks like a typo of the required question \"What is the problem?\"")
            ),
        ]
    );
    assert_eq!(
        out.diagnostics[0].help,
        vec!["add `### **How bad is it?**` to its Frequently Asked Questions"]
    );
    assert_eq!(
        out.diagnostics[1].help,
        vec!["write it as `### **What is the problem?**`"]
    );
}

#[test]
fn both_question_forms_inside_and_outside_details_are_found() {
    let answered = "\n\n    Real answer.\n\n";
    let pages = [
        // Headings outside <details>.
        "# S\n\n## 🤔 Frequently Asked Questions\n\n### **What are the morals of the story?**\n\nMorals.\n\n### **Are you just making this stuff up?**\n\nXXX\n".to_string(),
        // Bullets outside <details>, answers as following paragraphs.
        "# S\n\n## FAQ\n\n* **What are the morals of the story?**\n\n  Morals.\n\n* **Are you just making this stuff up?**\n\n  TODO\n".to_string(),
        // Headings inside <details>.
        "# S\n\n<details><summary>🤔 <b>Frequently Asked Questions</b></summary>\n\n### What are the morals of the story?\n\nMorals.\n\n### Are you just making this stuff up?\n\n</details>\n".to_string(),
        // Bullets inside <details>, question and answer on one line.
        format!("# S\n\n<details><summary>🤔 <b>Frequently Asked Questions</b></summary><p>\n\n* **What are the morals of the story?** Morals.\n* **Are you just making this stuff up?**{answered}  * (Explain your key points here)\n\n</p></details>\n"),
    ];
    // The line of the unanswered question; the last page answers everything.
    let expect_line = [9, 9, 9, 0];
    for (page, line) in pages.iter().zip(expect_line) {
        let out = run_with(&[chapter("status_quo/s.md", page)], json!({}));
        let diags = faq_diags(&out);
        if line == 0 {
            // "Real answer." is an answer: nothing to say.
            assert_eq!(diags, vec![], "{page}");
            continue;
        }
        assert_eq!(
            diags,
            vec![d(
                "unanswered-faq",
                "src/status_quo/s.md",
                line,
                "status quo story \"S\" does not answer \"Are you just making this stuff up?\" yet"
            )],
            "{page}"
        );
    }
}

#[test]
fn denying_missing_faq_fails_the_build_and_the_default_only_warns() {
    let out = run_with(&seed_book(), json!({}));
    assert!(!out.has_errors());
    assert_eq!(
        out.diagnostics
            .iter()
            .filter(|d| d.lint == "missing-faq")
            .count(),
        14
    );
    let out = run_with(&seed_book(), json!({"lints": {"missing-faq": "deny"}}));
    assert!(out.has_errors());
    let errors: Vec<&str> = out
        .diagnostics
        .iter()
        .filter(|d| d.level == mdbook_vision::diag::Severity::Error)
        .map(|d| d.lint)
        .collect();
    assert_eq!(errors, vec!["missing-faq"; 14]);
    let out = run_with(
        &seed_book(),
        json!({"lints": {"unanswered-faq": "allow", "missing-faq": "allow"}}),
    );
    assert_eq!(faq_diags(&out), vec![]);
}

#[test]
fn faq_report_lists_every_checked_entry_with_totals() {
    let mut book = seed_book();
    book.push(chapter(
        "faq.md",
        "# FAQ status\n\n{{#vision faq-report}}\n",
    ));
    let out = run_with(&book, json!({}));
    let report = out.new_content[4].as_deref().unwrap();
    assert_eq!(
        report,
        "# FAQ status\n\n\
| Entry | Kind | FAQ |\n\
| --- | --- | --- |\n\
| [Alan: the startup guy trying to stand-up a web stack quickly](characters.md#alan-the-startup-guy-trying-to-stand-up-a-web-stack-quickly) | character | 1 missing |\n\
| [Grace: the principal engineer hacking on T4, a new storage service](characters.md#grace-the-principal-engineer-hacking-on-t4-a-new-storage-service) | character | 1 missing |\n\
| [Alan has trouble getting started](status_quo.md#alan-has-trouble-getting-started) | status quo story | ✅ complete |\n\
| [Grace tries to write a stream and pin breaks her mind](status_quo.md#grace-tries-to-write-a-stream-and-pin-breaks-her-mind) | status quo story | 2 unanswered |\n\
| [Grace deploys her service and hits obstacles](status_quo.md#grace-deploys-her-service-and-hits-obstacles) | status quo story | 2 unanswered |\n\
| [Alan has a blast standing up a web server](shiny_future.md#alan-has-a-blast-standing-up-a-web-server) | shiny future story | 4 missing |\n\
| [Grace deploys her service and is able to fix problems](shiny_future.md#grace-deploys-her-service-and-is-able-to-fix-problems) | shiny future story | 4 missing |\n\
| [Grace discovers the joy of generators](shiny_future.md#grace-discovers-the-joy-of-generators) | shiny future story | 4 missing |\n\
| [Async closures](design_docs/async_closures.md) | design doc | ✅ complete |\n\
\n\
**Total:** 9 entries, 2 complete; 14 questions missing, 4 unanswered\n"
    );
}

#[test]
fn show_faq_gaps_adds_one_note_per_incomplete_entry_and_is_idempotent() {
    let config = json!({"show-faq-gaps": true});
    let book = seed_book();
    let out = run_with(&book, config.clone());
    let sq = out.new_content[1].as_deref().unwrap();
    let note = "> ⚠️ Still to answer: “What are the morals of the story?”, “Are you just making this stuff up?”";
    assert_eq!(sq.matches(note).count(), 2, "{sq}");
    assert!(
        sq.contains(&format!("| pnkfelix? |\n\n{note}\n\nOutline:")),
        "{sq}"
    );
    assert!(!sq.contains("getting-started) | Shane and estebank |\n\n>"));
    let chars = out.new_content[0].as_deref().unwrap();
    assert!(chars.contains("| ⚠️ Draft ⚠️ | nikomatsakis |\n\n> ⚠️ Still to answer: “Which of the async tenets would Alan put first and which would they put last? Why?”\n\nAlan is"), "{chars}");
    assert_eq!(out.new_content[3], None);

    // Run again on the output: nothing changes.
    let again: Vec<ChapterText<'static>> = book
        .iter()
        .zip(&out.new_content)
        .map(|(c, new)| {
            let mut c = c.clone();
            if let Some(n) = new {
                c.content = n.clone().into();
            }
            c
        })
        .collect();
    let out2 = run_with(&again, config);
    assert_eq!(out2.new_content, vec![None, None, None, None]);
    let messages = |o: &Outcome| -> Vec<(String, String)> {
        faq_diags(o)
            .into_iter()
            .map(|(l, _, _, m)| (l, m))
            .collect()
    };
    assert_eq!(messages(&out2), messages(&out));
}

fn real_book(lints: &str, show_gaps: bool) -> Vec<(&'static str, String)> {
    let gaps = if show_gaps {
        "show-faq-gaps = true\n"
    } else {
        ""
    };
    vec![
        (
            "book.toml",
            format!("[book]\ntitle = \"t\"\n\n[preprocessor.vision]\n{gaps}{lints}"),
        ),
        (
            "src/SUMMARY.md",
            "# Summary\n\n- [Characters](./characters.md)\n- [Status quo](./status_quo.md)\n- [Shiny future](./shiny_future.md)\n".to_string(),
        ),
        ("src/characters.md", CHARACTERS.to_string()),
        ("src/status_quo.md", STATUS_QUO.replace('\n', "\r\n")),
        ("src/shiny_future.md", SHINY_FUTURE.to_string()),
    ]
}

#[test]
fn real_mdbook_warns_by_default_and_fails_when_missing_faq_is_denied() {
    for line in support::Line::ALL {
        let files = real_book("", true);
        let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let built = support::build_files(line, &files);
        built.assert_ok();
        assert!(
            built.stderr.contains("warning[unanswered-faq]: status quo story \"Grace tries to write a stream and pin breaks her mind\" does not answer \"What are the morals of the story?\" yet\n  --> src/status_quo.md:42:1\n"),
            "{line}: {}",
            built.stderr
        );
        assert!(
            built.stderr.contains("mdbook-vision: 18 warnings"),
            "{line}: {}",
            built.stderr
        );
        let html = built.chapter_html("status_quo.html");
        assert!(html.contains("⚠️ Still to answer:"), "{line}: {html}");

        let files = real_book(
            "\n[preprocessor.vision.lints]\nmissing-faq = \"deny\"\n",
            false,
        );
        let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let built = support::build_files(line, &files);
        built.assert_failed();
        assert!(
            built.stderr.contains("error[missing-faq]: character \"Alan: the startup guy trying to stand-up a web stack quickly\" does not ask \"Which of the async tenets would Alan put first"),
            "{line}: {}",
            built.stderr
        );
        assert!(
            built
                .stderr
                .contains("mdbook-vision: 14 errors, 4 warnings"),
            "{line}: {}",
            built.stderr
        );
    }
}

/// A bullet question is its bold when the bold ends in `?`: the seed's own
/// "… put last? Why?" asks one question, not "… put last?" with an answer
/// "Why?". Without bold, the question runs to the first `?`.
#[test]
fn a_bold_bullet_question_with_two_question_marks_is_one_question() {
    let page = "# Characters\n\n## Alan: the startup guy\n\n{{#vision character status=draft}}\n\n\
        ### 🤔 Frequently Asked Questions\n\n\
        * **What does Alan want?**\n    * Less boilerplate.\n\
        * **Which of the async tenets would Alan put first and which would they put last? Why?**\n    * Performance first.\n\
        * **What are the sources for this character?** XXX\n\
        * **How would Alan describe the problem? Briefly.** He would not.\n";
    let config = json!({"faq": {"character": [
        "Which of the async tenets would NAME put first and which would they put last? Why?",
        "What are the sources for this character?",
        "How would NAME describe the problem?",
    ]}});
    let out = run_with(&[chapter("characters.md", page)], config);
    let diags: Vec<(String, String)> = faq_diags(&out)
        .into_iter()
        .map(|(lint, _, _, message)| (lint, message))
        .collect();
    // "How would Alan describe the problem? Briefly." in bold does not end
    // in `?`, so that question ends at the first and is asked.
    assert_eq!(
        diags,
        vec![
            (
                "unanswered-faq".to_string(),
                "character \"Alan: the startup guy\" does not answer \"What are the sources for this character?\" yet".to_string()
            ),
        ]
    );
}
