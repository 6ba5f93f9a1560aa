//! Property tests (issue 8): arbitrary markdown — near-directives, tables (also
//! the seed's metadata tables under headings), code fences, indented code, HTML
//! blocks, CRLF, tabs and multi-byte text — through the whole pipeline.
//!
//! Properties: processing never panics; a chapter without `{{#vision` or `|` is
//! unchanged; processing the output again changes nothing and reports no new
//! problems; every fenced and indented code block comes back byte-identical.

use mdbook_vision::anchor::MdbookLine;
use mdbook_vision::config::Config;
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{process_chapters, ChapterText, Outcome};
use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Where the chapters live: the default kind globs apply to most of them.
const PATHS: &[&str] = &[
    "status_quo.md",
    "shiny_future.md",
    "characters.md",
    "roadmap.md",
    "design_docs/async_closures.md",
    "other.md",
];

/// A few titles, so references sometimes resolve and sometimes do not.
const TITLES: &[&str] = &[
    "Alan has trouble getting started",
    "Alan has a blast standing up a web server",
    "Alan: the startup guy",
    "Grace’s 😱 stream",
    "Barbara | pipes <b>",
    "Niklaus",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z]{1,8}",
        Just("Alan".to_string()),
        Just("@estebank".to_string()),
        Just("é".to_string()),
        Just("שלום".to_string()),
        Just("👩‍👩‍👧".to_string()),
        Just("e\u{301}".to_string()),
        Just("`code`".to_string()),
        Just("[link](status_quo.md#alan)".to_string()),
        Just("\\{{#vision x}}".to_string()),
        Just("*em*".to_string()),
        Just("<b>".to_string()),
        Just("&amp;".to_string()),
        Just("\t".to_string()),
        Just("🤔".to_string()),
        Just("XXX".to_string()),
    ]
}

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..max).prop_map(|w| w.join(" "))
}

fn title() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(TITLES).prop_map(str::to_string),
        words(5)
    ]
}

/// `{{#vision ...}}` with plausible and random kinds, keys and values, sometimes broken.
fn directive() -> impl Strategy<Value = String> {
    let kind = prop_oneof![
        prop::sample::select(vec![
            "character",
            "status-quo",
            "shiny-future",
            "design-doc",
            "conversation",
            "roadmap-key",
            "roadmap",
            "stories",
            "faq-report",
            "charactre",
            "",
        ])
        .prop_map(str::to_string),
        "[a-z=\"-]{0,6}",
    ];
    let key = prop::sample::select(vec![
        "status",
        "owner",
        "character",
        "future",
        "status-quo",
        "assigned",
        "roadmap",
        "updated",
        "stauts",
        "",
    ]);
    let value = prop_oneof![
        word(),
        title().prop_map(|t| format!("\"{}\"", t.replace('"', "\\\""))),
        title().prop_map(|t| format!("\"{t}")), // unterminated quote
        prop::sample::select(vec![
            "draft",
            "accepted",
            "drfat",
            "healthy",
            "2021-02",
            "2021-13",
            "@a",
            "status_quo.md",
            "\"\"",
            "",
        ])
        .prop_map(str::to_string),
    ];
    let arg = (key, value).prop_map(|(k, v)| if k.is_empty() { v } else { format!("{k}={v}") });
    let sep = prop::sample::select(vec![" ", "  ", "\t", "\n", "\r\n", "\n\n"]);
    let end = prop::sample::select(vec!["}}", "}}", "}}", "}", "", " }}", "}}}"]);
    (
        prop::bool::weighted(0.1),
        kind,
        prop::collection::vec((sep, arg), 0..5),
        end,
    )
        .prop_map(|(escaped, kind, args, end)| {
            let mut s = String::new();
            if escaped {
                s.push('\\');
            }
            s.push_str("{{#vision ");
            s.push_str(&kind);
            for (sep, arg) in args {
                s.push_str(sep);
                s.push_str(&arg);
            }
            s.push_str(end);
            s
        })
}

/// A table: the seed's metadata headers or random ones, with random cells.
fn table() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        Just(vec!["Status", "Owner"]),
        Just(vec!["Character", "Shiny Future", "Assigned To"]),
        Just(vec!["Character", "Status quo", "Assigned To"]),
        Just(vec!["Plan", "Owner", "Status", "Last updated"]),
        Just(vec!["Emoji", "Meaning"]),
        Just(vec!["State", "Meaning"]),
        Just(vec!["a", "b"]),
    ];
    let cell = prop_oneof![
        words(3),
        title().prop_map(|t| format!(
            "[{t}](shiny_future.md#alan-has-a-blast-standing-up-a-web-server)"
        )),
        prop::sample::select(vec![
            "✋ [Volunteer wanted] ✋",
            "Shane and @estebank",
            "pnkfelix?",
            "🥬",
            "✏",
            "🤒",
            "Worried",
            "2021-02",
            "&nbsp;&nbsp;↳ [Sub-item](status_quo.md)",
            "⚠️ Draft ⚠️",
            "\\|",
            "",
        ])
        .prop_map(str::to_string),
    ];
    (
        header,
        prop::collection::vec(prop::collection::vec(cell, 0..5), 0..4),
        prop::bool::ANY,
    )
        .prop_map(|(header, rows, outer_pipes)| {
            let line = |cells: Vec<String>| {
                if outer_pipes {
                    format!("| {} |", cells.join(" | "))
                } else {
                    cells.join(" | ")
                }
            };
            let mut out = vec![
                line(header.iter().map(|s| s.to_string()).collect()),
                line(header.iter().map(|_| "---".to_string()).collect()),
            ];
            for row in rows {
                out.push(line(row));
            }
            out.join("\n")
        })
}

/// Code, fenced or indented, with directive-like and table-like content inside.
fn code() -> impl Strategy<Value = String> {
    let body = prop::collection::vec(
        prop_oneof![
            words(4),
            directive(),
            Just("| Status | Owner |".to_string()),
            Just("\t{{#vision character status=draft}}".to_string()),
            Just(String::new()),
        ],
        0..4,
    );
    (
        prop::sample::select(vec!["```", "~~~", "````rust", "    "]),
        body,
    )
        .prop_map(|(fence, body)| {
            if fence == "    " {
                let body: Vec<String> = body
                    .into_iter()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| format!("    {}", l.replace(['\n', '\r'], " ")))
                    .collect();
                if body.is_empty() {
                    "    x".to_string()
                } else {
                    body.join("\n")
                }
            } else {
                let close = &fence[..fence
                    .find(|c: char| c.is_alphabetic())
                    .unwrap_or(fence.len())];
                format!("{fence}\n{}\n{close}", body.join("\n"))
            }
        })
}

fn html() -> impl Strategy<Value = String> {
    prop_oneof![
        directive().prop_map(|d| format!("<!-- {d} -->")),
        words(3).prop_map(|w| format!("<div>\n{w}\n</div>")),
        Just("<details><summary>🤔 <b>Frequently Asked Questions</b></summary><p>\n\n* **What are the morals of the story?**\n    * XXX\n\n</p></details>".to_string()),
        Just("<script>alert(1)</script>".to_string()),
    ]
}

/// One block of a chapter.
fn block(with_vision: bool) -> BoxedStrategy<String> {
    let plain = prop_oneof![
        (1..4usize, title()).prop_map(|(n, t)| format!("{} {t}", "#".repeat(n))),
        words(8),
        words(4).prop_map(|w| format!("* {w}\n    * {w}")),
        Just("## 🤔 Frequently Asked Questions\n\n### **What are the morals of the story?**\n\n* Write these".to_string()),
        Just("* **Are you just making this stuff up?**\n    * No.".to_string()),
        html(),
        code(),
        words(3).prop_map(|w| format!("> {w}")),
        Just("[Alan]: ./characters.md#alan-the-startup-guy".to_string()),
    ];
    if with_vision {
        prop_oneof![
            4 => plain,
            2 => directive(),
            2 => (title(), directive()).prop_map(|(t, d)| format!("## {t}\n{d}")),
            2 => table(),
            2 => (title(), table()).prop_map(|(t, tb)| format!("## {t}\n\n{tb}")),
            1 => (words(2), directive()).prop_map(|(w, d)| format!("{w} {d} {w}")),
            1 => directive().prop_map(|d| format!("* {d}")),
            1 => directive().prop_map(|d| format!("> {d}")),
        ]
        .boxed()
    } else {
        plain.boxed()
    }
}

fn chapter(with_vision: bool) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (
                block(with_vision),
                prop::sample::select(vec!["\n\n", "\n", "\n\n\n"]),
            ),
            0..8,
        ),
        prop::bool::weighted(0.25),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(blocks, crlf, bom)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            for (b, sep) in blocks {
                s.push_str(&b);
                s.push_str(sep);
            }
            if crlf {
                s = s.replace("\r\n", "\n").replace('\n', "\r\n");
            }
            s
        })
}

fn book(with_vision: bool) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(chapter(with_vision), 1..PATHS.len())
}

fn run(texts: &[String], line: MdbookLine) -> Outcome {
    let chapters: Vec<ChapterText> = texts
        .iter()
        .zip(PATHS)
        .map(|(t, p)| ChapterText {
            name: p.to_string(),
            source_path: Some(p.to_string()),
            path: Some(p.to_string()),
            content: t.clone(),
        })
        .collect();
    process_chapters(
        &chapters,
        &Config::default(),
        ParseSettings::new(line, true),
        "src",
    )
}

fn output(texts: &[String], outcome: &Outcome) -> Vec<String> {
    texts
        .iter()
        .zip(&outcome.new_content)
        .map(|(t, n)| n.clone().unwrap_or_else(|| t.clone()))
        .collect()
}

/// The source text of every fenced and indented code block, in order.
fn code_blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => start = Some(range),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(r) = start.take() {
                    out.push(&text[r]);
                }
            }
            _ => {}
        }
    }
    out
}

fn problems(o: &Outcome) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = o
        .diagnostics
        .iter()
        .map(|d| (d.lint.to_string(), d.message.clone()))
        .collect();
    p.sort();
    p
}

fn line() -> impl Strategy<Value = MdbookLine> {
    prop_oneof![Just(MdbookLine::V04), Just(MdbookLine::V05)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, max_global_rejects: 20_000, ..ProptestConfig::default() })]

    /// Never panics; when the book builds (no errors: only then is it written
    /// out), processing the output again changes nothing and reports no new problems.
    #[test]
    fn idempotent_and_no_new_problems(texts in book(true), line in line()) {
        // `\{{#vision ...}}` is shown literally by removing the backslash, so the
        // output holds a live directive by design (as with mdBook's own `\{{#include}}`).
        let texts: Vec<String> = texts.iter().map(|t| t.replace("\\{{#vision", "{{#vision")).collect();
        let first = run(&texts, line);
        let out = output(&texts, &first);
        let second = run(&out, line);
        // Only a book without errors is written out; only that output must be stable.
        prop_assume!(!first.has_errors());
        for (i, n) in second.new_content.iter().enumerate() {
            prop_assert!(n.is_none(), "chapter {i} changed again:\n--- once:\n{}\n--- twice:\n{}", out[i], n.as_deref().unwrap_or(""));
        }
        let before = problems(&first);
        for p in problems(&second) {
            prop_assert!(before.contains(&p), "new problem on the second run: {p:?}\nbefore: {before:?}");
        }
    }

    /// Without `{{#vision` and without `|`, a chapter comes back unchanged
    /// (`None`: the original string is kept).
    #[test]
    fn chapters_without_vision_content_are_unchanged(texts in book(false), line in line()) {
        let outcome = run(&texts, line);
        for (t, n) in texts.iter().zip(&outcome.new_content) {
            if !t.contains("{{#vision") && !t.contains('|') {
                prop_assert!(n.is_none(), "changed:\n{t}\n--- into:\n{}", n.as_deref().unwrap_or(""));
            }
        }
    }

    /// Every fenced and indented code block is byte-identical afterwards.
    #[test]
    fn code_blocks_are_byte_identical(texts in book(true), line in line()) {
        let outcome = run(&texts, line);
        let out = output(&texts, &outcome);
        for (before, after) in texts.iter().zip(&out) {
            let mut from = 0;
            for block in code_blocks(before) {
                let at = after[from..].find(block);
                prop_assert!(at.is_some(), "code block lost or changed: {block:?}\nin:\n{after}");
                from += at.unwrap_or(0) + block.len();
            }
        }
    }
}
