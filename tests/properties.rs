//! Property tests (issue 8): arbitrary markdown — near-directives, tables (also
//! the seed's metadata tables under headings), code fences, indented code, HTML
//! blocks, CRLF, tabs and multi-byte text — through the whole pipeline.
//!
//! Properties: processing never panics; a chapter without `{{#vision` or `|` is
//! unchanged, and so is one without `{{#vision` whose tables are not vision
//! tables; processing the output again changes nothing and reports no new
//! problems (also on generated books of valid, cross-referencing entries,
//! which always build, so the second run always sees expanded tables); every
//! fenced and indented code block comes back byte-identical.

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
    let chapters: Vec<ChapterText<'static>> = texts
        .iter()
        .zip(PATHS)
        .map(|(t, p)| ChapterText {
            name: p.to_string(),
            source_path: Some(p.to_string()),
            path: Some(p.to_string()),
            content: t.clone().into(),
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

/// A table that is not one of the vision tables (no entry, story, roadmap or
/// key headers), with cells that would be linked or checked in one.
fn plain_table() -> impl Strategy<Value = String> {
    let header = prop::sample::select(vec![
        vec!["a", "b"],
        vec!["Name", "Value"],
        vec!["Owner", "Notes"],
        vec!["Plan", "Owner", "Notes"],
    ]);
    let cell = prop_oneof![
        words(3),
        prop::sample::select(vec![
            "@estebank",
            "[Alan]",
            "[Grace]",
            "not yet written",
            "Alan has trouble getting started",
            "✋ Volunteer wanted ✋",
            "drfat",
            "🥬",
            "2021-13",
            "\\|",
            "",
        ])
        .prop_map(str::to_string),
    ];
    (
        prop::option::of(title()),
        header,
        prop::collection::vec(prop::collection::vec(cell, 0..4), 0..4),
    )
        .prop_map(|(heading, header, rows)| {
            let mut out = heading.map(|t| format!("## {t}\n\n")).unwrap_or_default();
            out.push_str(&format!("| {} |\n", header.join(" | ")));
            out.push_str(&format!("|{}\n", " --- |".repeat(header.len())));
            for row in rows {
                out.push_str(&format!("| {} |\n", row.join(" | ")));
            }
            out
        })
}

/// A chapter without directives: the plain blocks and tables that are not vision tables.
fn plain_chapter() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (
                prop_oneof![3 => block(false), 1 => plain_table()],
                prop::sample::select(vec!["\n\n", "\n", "\n\n\n"]),
            ),
            0..8,
        ),
        prop::bool::weighted(0.25),
    )
        .prop_map(|(blocks, crlf)| {
            let s: String = blocks.into_iter().map(|(b, sep)| b + sep).collect();
            if crlf {
                s.replace('\n', "\r\n")
            } else {
                s
            }
        })
}

/// Noise between entries: any plain block but an escaped directive (which
/// is meant to come out as a live one).
fn noise() -> impl Strategy<Value = String> {
    block(false).prop_filter("no escaped directive", |b| !b.contains("\\{{#vision"))
}

/// Characters (always all of them, so every `character=` resolves):
/// (heading, name to reference it by).
const CHARACTERS: &[(&str, &str)] = &[
    ("Alan", "Alan"),
    ("Grace 😱 <b>bold</b>", "Grace 😱 bold"),
    ("Zoe\u{301} | שלום `x`", "Zoe\u{301} | שלום x"),
];
const STATUS_QUO: &[(&str, &str)] = &[
    (
        "Alan has trouble getting started",
        "Alan has trouble getting started",
    ),
    ("Barbara | pipes <b>", "Barbara | pipes"),
    ("Grace’s stream `breaks` 👩‍👩‍👧", "Grace’s stream breaks 👩‍👩‍👧"),
];
const SHINY_FUTURE: &[(&str, &str)] = &[
    (
        "Alan has a blast standing up a web server",
        "Alan has a blast standing up a web server",
    ),
    (
        "Zoe\u{301} ships *fast* ]now[",
        "Zoe\u{301} ships fast ]now[",
    ),
];

/// A quoted directive value.
fn quoted(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\\\""))
}

/// How one entry is written: a directive (with these argument separators and
/// extra values) or a hand-written table.
#[derive(Debug, Clone)]
struct EntryStyle {
    include: bool,
    hand_written: bool,
    seps: Vec<&'static str>,
    picks: Vec<usize>,
    noise: Option<String>,
}

fn entry_style() -> impl Strategy<Value = EntryStyle> {
    (
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.3),
        prop::collection::vec(prop::sample::select(vec![" ", "  ", "\t", "\n", "\n  "]), 6),
        prop::collection::vec(0..8usize, 6),
        prop::option::weighted(0.6, noise()),
    )
        .prop_map(|(include, hand_written, seps, picks, noise)| EntryStyle {
            include,
            hand_written,
            seps,
            picks,
            noise,
        })
}

const OWNERS: &[&str] = &[
    "@a",
    "Shane",
    "\"x`]|y\"",
    "\"Barbara | <i>pipes</i>\"",
    "@estebank",
];
const STATUSES: &[&str] = &["draft", "review", "accepted", "published", "obsolete"];

/// `{{#vision kind arg arg ...}}` with the style's separators.
fn directive_with(kind: &str, args: &[String], style: &EntryStyle) -> String {
    let mut d = format!("{{{{#vision {kind}");
    for (i, a) in args.iter().enumerate() {
        d.push_str(style.seps[i % style.seps.len()]);
        d.push_str(a);
    }
    d.push_str("}}");
    d
}

/// A book that builds without errors: entries of every kind (directives,
/// sometimes hand-written tables) that reference each other, with plain blocks
/// (code, HTML, lists, quotes, multi-byte text, tabs) between them, CRLF and BOMs.
fn valid_book() -> impl Strategy<Value = Vec<String>> {
    (
        prop::collection::vec(entry_style(), 3),
        prop::collection::vec(entry_style(), 3),
        prop::collection::vec(entry_style(), 2),
        prop::collection::vec((prop::bool::weighted(0.3), prop::bool::weighted(0.1)), 6),
        prop::collection::vec(prop::option::weighted(0.5, noise()), 6),
    )
        .prop_map(|(chars, sq, sf, mut endings, tails)| {
            let pick = |style: &EntryStyle, i: usize, from: &[&str]| from[style.picks[i] % from.len()].to_string();
            let included = |styles: &[EntryStyle], titles: &[(&str, &str)]| -> Vec<String> {
                styles
                    .iter()
                    .zip(titles)
                    .filter(|(s, _)| s.include)
                    .map(|(_, (_, r))| r.to_string())
                    .collect()
            };
            let sq_refs = included(&sq, STATUS_QUO);
            let sf_refs = included(&sf, SHINY_FUTURE);
            let mut book = vec![String::new(); 6];
            let push = |chapter: &mut String, style: &EntryStyle, heading: &str, body: String| {
                if let Some(n) = &style.noise {
                    chapter.push_str(n);
                    chapter.push_str("\n\n");
                }
                chapter.push_str(&format!("## {heading}\n{body}\n\n"));
            };
            // characters.md: every character, always.
            book[2].push_str("# Characters\n\n");
            for (style, (heading, _)) in chars.iter().zip(CHARACTERS) {
                let status = pick(style, 0, STATUSES);
                let owner = pick(style, 1, OWNERS);
                let body = if style.hand_written {
                    format!("\n| Status | Owner |\n| --- | --- |\n| {status} | {} |", owner.trim_matches('"').replace('|', "\\|"))
                } else {
                    directive_with("character", &[format!("status={status}"), format!("owner={owner}")], style)
                };
                push(&mut book[2], style, heading, body);
            }
            // status_quo.md and shiny_future.md: stories referencing each other.
            let story = |kind: &str, partner_key: &str, partners: &[String], style: &EntryStyle| {
                let character = CHARACTERS[style.picks[2] % CHARACTERS.len()].1;
                let mut args = Vec::new();
                if !style.picks[3].is_multiple_of(3) {
                    args.push(format!("character={}", quoted(character)));
                }
                for (i, p) in partners.iter().enumerate() {
                    if (style.picks[4] >> i) & 1 == 1 {
                        args.push(format!("{partner_key}={}", quoted(p)));
                    }
                }
                for i in 0..style.picks[5] % 3 {
                    args.push(format!("assigned={}", pick(style, i, OWNERS)));
                }
                directive_with(kind, &args, style)
            };
            // The status quo page, then the shiny future page: each story a
            // directive naming its partners, or a hand-written table.
            let pages = [
                (0, "# Status quo stories\n\n", &sq, STATUS_QUO, "status-quo", "future", &sf_refs,
                 "\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n| [Alan] | not yet written | Shane |"),
                (1, "# Shiny future stories\n\n", &sf, SHINY_FUTURE, "shiny-future", "status-quo", &sq_refs,
                 "\n| Character | Status quo | Assigned To |\n| --- | --- | --- |\n| Alan | not yet written |  |"),
            ];
            for (page, title, styles, headings, kind, partner_key, partners, table) in pages {
                book[page].push_str(title);
                for (style, (heading, _)) in styles.iter().zip(headings).filter(|(s, _)| s.include) {
                    let body = if style.hand_written {
                        table.to_string()
                    } else {
                        story(kind, partner_key, partners, style)
                    };
                    push(&mut book[page], style, heading, body);
                }
            }
            // The roadmap, a design doc on it, and a page of reports.
            book[3].push_str("# Roadmap\n\n## Key\n\n{{#vision roadmap-key}}\n\n## Items\n\n{{#vision roadmap}}\n\n");
            book[4].push_str("# Async closures\n{{#vision design-doc status=accepted roadmap=healthy owner=@x updated=2021-02}}\n\n");
            book[5].push_str("# Reports\n\n{{#vision faq-report}}\n\n{{#vision stories status-quo}}\n\n");
            // No BOM on the design doc, whose entry is the page's first line:
            // mdBook strips a chapter's BOM before preprocessors run, and a
            // heading right after one is not a heading to pulldown-cmark.
            endings[4].1 = false;
            for ((chapter, (crlf, bom)), tail) in book.iter_mut().zip(endings).zip(tails) {
                if let Some(t) = tail {
                    chapter.push_str(&t);
                    chapter.push('\n');
                }
                if crlf {
                    *chapter = chapter.replace('\n', "\r\n");
                }
                if bom {
                    chapter.insert(0, '\u{feff}');
                }
            }
            book
        })
}

fn errors(o: &Outcome) -> Vec<String> {
    o.diagnostics
        .iter()
        .filter(|d| d.level == mdbook_vision::diag::Severity::Error)
        .map(|d| {
            format!(
                "{}:{}:{} [{}] {}",
                d.file, d.line, d.column, d.lint, d.message
            )
        })
        .collect()
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The idempotence property on books that build (the generated books above
    /// mostly stop at an error, so few of them reach a second run): a book of
    /// valid, cross-referencing entries between plain blocks builds without
    /// errors, its entries are expanded, processing the output again changes
    /// nothing and reports exactly the same problems, and code blocks stay
    /// byte-identical.
    #[test]
    fn valid_books_build_and_are_idempotent(texts in valid_book(), line in line()) {
        let first = run(&texts, line);
        prop_assert!(!first.has_errors(), "errors: {:#?}\nbook: {texts:#?}", errors(&first));
        // The roadmap and report pages always hold directives to expand.
        prop_assert!(first.new_content[3].is_some() && first.new_content[5].is_some());
        let out = output(&texts, &first);
        for (i, t) in out.iter().enumerate() {
            let mut prose = t.clone();
            for block in code_blocks(t) {
                prose = prose.replacen(block, "", 1);
            }
            prop_assert!(
                !prose.lines().any(|l| l.starts_with("{{#vision ")),
                "chapter {i} kept a directive:\n{t}"
            );
        }
        let second = run(&out, line);
        for (i, n) in second.new_content.iter().enumerate() {
            prop_assert!(n.is_none(), "chapter {i} changed again:\n--- once:\n{}\n--- twice:\n{}", out[i], n.as_deref().unwrap_or(""));
        }
        prop_assert_eq!(problems(&second), problems(&first));
        for (before, after) in texts.iter().zip(&out) {
            let mut from = 0;
            for block in code_blocks(before) {
                let at = after[from..].find(block);
                prop_assert!(at.is_some(), "code block lost or changed: {block:?}\nin:\n{after}");
                from += at.unwrap_or(0) + block.len();
            }
        }
    }

    /// A chapter without `{{#vision` comes back unchanged even when it holds
    /// tables that are not vision tables (and `|` in headings and code), on every
    /// kind's page.
    #[test]
    fn chapters_with_only_plain_tables_are_unchanged(
        texts in prop::collection::vec(plain_chapter(), 1..PATHS.len()),
        line in line(),
    ) {
        let outcome = run(&texts, line);
        for (i, (t, n)) in texts.iter().zip(&outcome.new_content).enumerate() {
            if !t.contains("{{#vision") {
                prop_assert!(n.is_none(), "{} changed:\n{t}\n--- into:\n{}", PATHS[i], n.as_deref().unwrap_or(""));
            }
        }
    }
}
