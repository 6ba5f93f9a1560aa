//! Adversarial inputs (issue 8): each with a specific expectation. Regression
//! inputs found by fuzzing (`fuzz/`) run here as plain tests.

use mdbook_vision::anchor::MdbookLine;
use mdbook_vision::config::Config;
use mdbook_vision::diag::{Diagnostic, Severity};
use mdbook_vision::index::{ChapterInfo, Index};
use mdbook_vision::model::Kind;
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{process_chapters, ChapterText};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Processes chapters `(path, text)` with the default config; returns the text of
/// every chapter afterwards and the diagnostics.
fn process(chapters: &[(&str, &str)]) -> (Vec<String>, Vec<Diagnostic>) {
    let texts: Vec<ChapterText<'static>> = chapters
        .iter()
        .map(|(p, t)| ChapterText {
            name: p.to_string(),
            source_path: Some(p.to_string()),
            path: Some(p.to_string()),
            content: t.to_string().into(),
        })
        .collect();
    let outcome = process_chapters(
        &texts,
        &Config::default(),
        ParseSettings::new(MdbookLine::V05, true),
        "src",
    );
    let out = texts
        .iter()
        .zip(outcome.new_content)
        .map(|(c, n)| n.unwrap_or_else(|| c.content.to_string()))
        .collect();
    (out, outcome.diagnostics)
}

/// The only error among `diags` (there must be exactly one).
fn the_one_error(diags: &[Diagnostic]) -> &Diagnostic {
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.level == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{diags:#?}");
    errors[0]
}

/// Each error as (lint, file, line, column, message).
fn errors_at(diags: &[Diagnostic]) -> Vec<(&str, &str, usize, usize, &str)> {
    diags
        .iter()
        .filter(|d| d.level == Severity::Error)
        .map(|d| {
            (
                d.lint,
                d.file.as_str(),
                d.line,
                d.column,
                d.message.as_str(),
            )
        })
        .collect()
}

/// Runs the binary with `input` on stdin: (exit code, stdout, stderr).
fn run_bin(input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdbook-vision"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn context() -> Value {
    json!({"root": "/b", "config": {"book": {"src": "src"}, "preprocessor": {"vision": {}}},
           "renderer": "html", "mdbook_version": "0.5.4"})
}

fn chapter(name: &str, path: Option<&str>, content: &str, sub_items: Vec<Value>) -> Value {
    let mut c = json!({"Chapter": {"name": name, "content": content, "number": null, "sub_items": [],
                       "path": path, "source_path": path, "parent_names": []}});
    // Moved in, not through `json!` (which would re-serialise it recursively).
    c["Chapter"]["sub_items"] = Value::Array(sub_items);
    c
}

/// Markdown table cells (per row) as pulldown-cmark sees them.
fn table_cells(markdown: &str) -> Vec<Vec<String>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableHead | Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let c = cell.take().unwrap_or_default();
                rows.last_mut().unwrap().push(c);
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                if let Some(c) = &mut cell {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    rows
}

#[test]
fn empty_book_comes_back_as_it_was() {
    for book in [
        json!({"items": []}),
        json!({"sections": [], "__non_exhaustive": null}),
    ] {
        let input = json!([context(), book]).to_string();
        let (code, stdout, stderr) = run_bin(input.as_bytes());
        assert_eq!((code, stderr.as_str()), (0, ""));
        assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), book);
    }
}

#[test]
fn draft_chapters_separators_and_part_titles_pass_through() {
    let book = json!({"items": [
        {"PartTitle": "Part <one>"},
        chapter("Draft", None, "", vec![]),
        "Separator",
        chapter("Chars", Some("characters.md"), "# Chars\n\n## Alan\n{{#vision character status=draft}}\n", vec![]),
    ]});
    let (code, stdout, stderr) = run_bin(json!([context(), book]).to_string().as_bytes());
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(out["items"][0], json!({"PartTitle": "Part <one>"}));
    assert_eq!(out["items"][2], json!("Separator"));
    assert_eq!(out["items"][1]["Chapter"]["content"], "");
    assert_eq!(out["items"][1]["Chapter"]["path"], Value::Null);
    assert_eq!(
        out["items"][3]["Chapter"]["content"],
        "# Chars\n\n## Alan\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ |  |\n"
    );
}

#[test]
fn thousand_deep_sub_items_through_the_binary() {
    // Written as text: building or dropping a 1,000-deep `Value` here would recurse.
    let mut json = format!("[{},{{\"items\":[", context());
    for d in 0..1000 {
        let content = if d == 999 {
            "## Deep\n{{#vision character status=draft}}\n".to_string()
        } else {
            format!("# C{d}\n")
        };
        json.push_str(&format!(
            "{{\"Chapter\":{{\"name\":\"C{d}\",\"content\":{},\"number\":null,\"path\":\"c{d}.md\",\"source_path\":\"c{d}.md\",\"parent_names\":[],\"sub_items\":[",
            Value::from(content)
        ));
    }
    json.push_str(&"]}}".repeat(1000));
    json.push_str("]}]");
    let (code, stdout, stderr) = run_bin(json.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert_eq!(stdout.matches("\"sub_items\":[").count(), 1000);
    assert!(
        // Keys come back in the order they came.
        stdout.starts_with(
            "{\"items\":[{\"Chapter\":{\"name\":\"C0\",\"content\":\"# C0\\n\",\"number\":null,"
        ),
        "{}",
        &stdout[..200]
    );
    assert!(stdout.contains(
        r###""content":"## Deep\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ |  |\n""###
    ));
    assert!(
        stdout.ends_with(&format!("{}]}}", "]}}".repeat(1000))),
        "{}",
        &stdout[stdout.len() - 100..]
    );
}

#[test]
fn absurdly_deep_json_is_one_clear_error() {
    let depth = mdbook_vision::wire::MAX_DEPTH + 1;
    let input = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let (code, stdout, stderr) = run_bin(input.as_bytes());
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        format!("mdbook-vision: error: could not read the book from mdBook: the input is not valid JSON: it nests deeper than {} levels at line 1 column {}\n", depth - 1, depth + 1)
    );
}

#[test]
fn one_megabyte_single_line_chapter() {
    let line = "word {{#vision x=\" `code` | pipe ".repeat(1 << 15);
    assert!(line.len() > 1 << 20);
    let plain = "lorem ipsum ".repeat(90_000);
    let start = Instant::now();
    let (out, diags) = process(&[("other.md", &line), ("plain.md", &plain)]);
    let took = start.elapsed();
    // Both come back byte for byte: the first `{{#vision` never closes, so it
    // is one error at its start and the rest of the line is left as written.
    assert_eq!(out[0], line);
    assert_eq!(out[1], plain);
    let got: Vec<_> = diags
        .iter()
        .map(|d| {
            (
                d.lint,
                d.level,
                d.file.as_str(),
                d.line,
                d.column,
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [(
            "invalid-directive",
            Severity::Error,
            "src/other.md",
            1,
            6,
            "this directive is missing its closing `}}`"
        )]
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn ten_thousand_row_table() {
    let mut text = String::from(
        "# Roadmap\n\n| Plan | Owner | Status | Last updated |\n| --- | --- | --- | --- |\n",
    );
    for i in 0..10_000 {
        text.push_str(&format!("| Plan {i} | @owner{i} | 🥬 | 2021-02 |\n"));
    }
    let start = Instant::now();
    let (out, diags) = process(&[("roadmap.md", &text)]);
    let took = start.elapsed();
    assert!(
        diags.iter().all(|d| d.level != Severity::Error),
        "{:?}",
        diags.first()
    );
    let rows = table_cells(&out[0]);
    assert_eq!(rows.len(), 10_001);
    assert_eq!(rows[10_000], ["Plan 9999", "@owner9999", "🥬", "2021-02"]);
    assert!(out[0]
        .contains("| Plan 9999 | [@owner9999](https://github.com/owner9999) | 🥬 | 2021-02 |"));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn crlf_and_bom_keep_lines_and_columns_right() {
    let text = "\u{feff}# Characters\r\n\r\n## Alan\r\n{{#vision character status=drfat}}\r\n";
    let (out, diags) = process(&[("characters.md", text)]);
    let d = diags.iter().find(|d| d.lint == "unknown-status").unwrap();
    assert_eq!((d.line, d.column), (4, 21), "{d:?}");
    assert_eq!(d.source_line, "{{#vision character status=drfat}}");
    // The table keeps the chapter's line endings and the BOM stays.
    assert!(out[0].starts_with('\u{feff}'));
    let (out, _) = process(&[("characters.md", &text.replace("drfat", "draft"))]);
    assert_eq!(
        out[0],
        "\u{feff}# Characters\r\n\r\n## Alan\r\n| Status | Owner |\r\n| --- | --- |\r\n| ⚠️ Draft ⚠️ |  |\r\n"
    );
    // On the BOM's own line the BOM is not a column, and the line shown leaves it out.
    let (_, diags) = process(&[("characters.md", "\u{feff}{{#vision charactre}}\r\n")]);
    let got: Vec<_> = diags
        .iter()
        .map(|d| {
            (
                d.lint,
                d.line,
                d.column,
                d.end.line,
                d.end.column,
                d.source_line.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("invalid-directive", 1, 11, 1, 20, "{{#vision charactre}}")]
    );
    let (_, diags) = process(&[("characters.md", "\u{feff}é {{#vision roadmap-key}}\r\n")]);
    let got: Vec<_> = diags.iter().map(|d| (d.lint, d.line, d.column)).collect();
    assert_eq!(
        got,
        [("misplaced-directive", 1, 3)],
        "columns count characters"
    );
    // A directive split over CRLF lines: the key's own line and column.
    let text = "# C\r\n\r\n## Alan\r\n{{#vision character\r\n  owner=@a\r\n  status=drfat}}\r\n";
    let (_, diags) = process(&[("characters.md", text)]);
    let d = diags.iter().find(|d| d.lint == "unknown-status").unwrap();
    assert_eq!((d.line, d.column, d.end.line, d.end.column), (6, 3, 6, 15));
    assert_eq!(d.source_line, "  status=drfat}}");
}

#[test]
fn bom_and_crlf_positions_as_the_binary_prints_them() {
    let text = "\u{feff}{{#vision charactre}}\r\n\r\n## Alan\r\n{{#vision character\r\n  owner=@a\r\n  status=drfat}}\r\n";
    let book = json!({"items": [chapter("C", Some("characters.md"), text, vec![])]});
    let (code, stdout, stderr) = run_bin(json!([context(), book]).to_string().as_bytes());
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "error[invalid-directive]: unknown directive `charactre`
 --> src/characters.md:1:11
  |
1 | {{#vision charactre}}
  |
  = help: did you mean `character`?

warning[missing-faq-section]: character \"Alan\" has no Frequently Asked Questions section
 --> src/characters.md:3:1
  |
3 | ## Alan
  |
  = help: add a `### 🤔 Frequently Asked Questions` section asking `* **Which of the async tenets would Alan put first and which would they put last? Why?**`

error[unknown-status]: unknown status `drfat`
 --> src/characters.md:6:3
  |
6 |   status=drfat}}
  |
  = help: did you mean `draft`?
  = help: valid statuses are `draft`, `review`, `accepted`, `published`, `obsolete` (set them in [preprocessor.vision.statuses])

mdbook-vision: 2 errors, 1 warning
"
    );
}

#[test]
fn combining_marks_rtl_and_zwj_emoji_in_titles() {
    let text = "# Characters\n\n## Zoe\u{301} שלום 👩‍👩‍👧\n{{#vision character status=draft}}\n";
    let sq = "# Status quo\n\n## Story\n{{#vision status-quo character=\"Zoe\u{301} שלום 👩‍👩‍👧\" assigned=Shane}}\n";
    let (out, diags) = process(&[("characters.md", text), ("status_quo.md", sq)]);
    assert!(
        diags.iter().all(|d| d.level != Severity::Error),
        "{diags:?}"
    );
    let rows = table_cells(&out[1]);
    assert_eq!(rows[1][0], "Zoe\u{301} שלום 👩‍👩‍👧");
    // mdBook's ids keep letters and digits: the combining mark and the emoji go.
    assert!(out[1].contains("(characters.md#zoe-שלום-)"), "{}", out[1]);
}

#[test]
fn markup_in_titles_and_owners_is_escaped_and_tables_stay_intact() {
    let chars = "# Characters\n\n## A|b <script>alert(1)</script> `x` ]y\n{{#vision character status=draft owner=\"@evil|<script>\" owner=\"x`]|y\"}}\n";
    // The heading's title is its text: inline HTML is not part of it.
    let sq = "# Status quo\n\n## S\n{{#vision status-quo character=\"A|b alert(1) x ]y\" assigned=\"<img src=x>|\"}}\n";
    let (out, diags) = process(&[("characters.md", chars), ("status_quo.md", sq)]);
    assert!(
        diags.iter().all(|d| d.level != Severity::Error),
        "{diags:?}"
    );
    for text in &out {
        assert!(
            !text.contains("<script>") || text.contains("## A|b <script>"),
            "{text}"
        );
        assert!(!text.contains("<img"), "{text}");
    }
    // Exactly: `|` as `&#124;`, `<` `>` as entities, backticks and `]` backslash-escaped.
    assert_eq!(
        out[0],
        "# Characters\n\n## A|b <script>alert(1)</script> `x` ]y\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ | [@evil](https://github.com/evil)&#124;&lt;script&gt;, x\\`\\]&#124;y |\n"
    );
    assert_eq!(
        out[1],
        "# Status quo\n\n## S\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n| [A&#124;b alert(1) x \\]y](characters.md#ab-alert1-x-y) | not yet written | &lt;img src=x&gt;&#124; |\n"
    );
    let rows = table_cells(&out[0]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].len(), 2, "{rows:?}");
    assert_eq!(rows[1][1], "@evil|<script>, x`]|y");
    let rows = table_cells(&out[1]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].len(), 3, "{rows:?}");
    assert_eq!(rows[1][0], "A|b alert(1) x ]y");
    assert_eq!(rows[1][2], "<img src=x>|");
}

#[test]
fn markup_in_titles_and_owners_is_escaped_in_every_generated_table() {
    let dd = "# A|b <script>x</script> `c` ]d [e\n{{#vision design-doc status=accepted roadmap=healthy owner=\"<script>|`]\" owner=@ok updated=2021-02}}\n";
    let sq =
        "# S\n\n## A|b <script>x</script> `c` ]d [e\n{{#vision status-quo assigned=\"<b>|\"}}\n";
    let rm =
        "# R\n\n{{#vision roadmap}}\n\n{{#vision stories status-quo}}\n\n{{#vision faq-report}}\n";
    let (out, diags) = process(&[
        ("design_docs/x.md", dd),
        ("status_quo.md", sq),
        ("roadmap.md", rm),
    ]);
    assert!(
        diags.iter().all(|d| d.level != Severity::Error),
        "{diags:#?}"
    );
    const OWNERS: &str = "&lt;script&gt;&#124;\\`\\], [@ok](https://github.com/ok)";
    const TITLE: &str = "A&#124;b x c \\]d \\[e";
    assert_eq!(
        out[0],
        format!("# A|b <script>x</script> `c` ]d [e\n| Status | Owner |\n| --- | --- |\n| ✅ Accepted | {OWNERS} |\n")
    );
    assert_eq!(
        out[1],
        "# S\n\n## A|b <script>x</script> `c` ]d [e\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n|  | not yet written | &lt;b&gt;&#124; |\n"
    );
    assert_eq!(
        out[2],
        format!(
            "# R\n\n\
             | Plan | Owner | Status | Last updated |\n| --- | --- | --- | --- |\n\
             | [{TITLE}](design_docs/x.md) | {OWNERS} | 🥬 | 2021-02 |\n\n🥬 1\n\n\
             | Story | Character | Shiny Future | Assigned To |\n| --- | --- | --- | --- |\n\
             | [{TITLE}](status_quo.md#ab-x-c-d-e) |  | not yet written | &lt;b&gt;&#124; |\n\n\
             | Entry | Kind | FAQ |\n| --- | --- | --- |\n\
             | [{TITLE}](design_docs/x.md) | design doc | no FAQ section |\n\
             | [{TITLE}](status_quo.md#ab-x-c-d-e) | status quo story | no FAQ section |\n\n\
             **Total:** 2 entries, 0 complete; 5 questions missing, 0 unanswered\n"
        )
    );
    // Every row keeps its cells, as a markdown parser reads them.
    let rows = table_cells(&out[2]);
    assert_eq!(
        rows[1],
        ["A|b x c ]d [e", "<script>|`], @ok", "🥬", "2021-02"]
    );
    assert_eq!(rows[3], ["A|b x c ]d [e", "", "not yet written", "<b>|"]);
    assert_eq!(rows.len(), 7);
}

#[test]
fn directive_split_across_lines_is_one_directive() {
    let text = "# C\n\n## Alan\n{{#vision character\n  status=draft\n  owner=@a}}\n";
    let (out, diags) = process(&[("characters.md", text)]);
    assert!(
        diags.iter().all(|d| d.level != Severity::Error),
        "{diags:?}"
    );
    assert_eq!(
        out[0],
        "# C\n\n## Alan\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ | [@a](https://github.com/a) |\n"
    );
}

#[test]
fn unterminated_directive_at_end_of_file() {
    const MISSING: &str = "this directive is missing its closing `}}`";
    for (text, at, end, message) in [
        (
            "# C\n\n## Alan\n{{#vision character status=draft",
            (4, 1),
            (4, 33),
            MISSING,
        ),
        (
            "# C\n\n## Alan\n{{#vision character status=\"draft",
            (4, 28),
            (4, 34),
            "unterminated quote in directive",
        ),
        ("{{#vision", (1, 1), (1, 10), MISSING),
        (
            "# C\r\n\r\n## Alan\r\n{{#vision character\r\n  status=draft",
            (4, 1),
            (5, 15),
            MISSING,
        ),
    ] {
        let (out, diags) = process(&[("characters.md", text)]);
        assert_eq!(out[0], text, "left as written");
        let got: Vec<_> = diags
            .iter()
            .filter(|d| d.level == Severity::Error)
            .map(|d| {
                (
                    d.lint,
                    (d.line, d.column),
                    (d.end.line, d.end.column),
                    d.message.as_str(),
                )
            })
            .collect();
        assert_eq!(got, [("invalid-directive", at, end, message)], "{text:?}");
    }
}

#[test]
fn duplicate_titles_make_references_ambiguous() {
    let chars = "# C\n\n## Alan\n{{#vision character status=draft}}\n\n## Alan\n{{#vision character status=draft}}\n";
    let sq = "# S\n\n## Story\n{{#vision status-quo character=Alan}}\n";
    let (out, diags) = process(&[("characters.md", chars), ("status_quo.md", sq)]);
    let d = the_one_error(&diags);
    assert_eq!(
        (
            d.lint,
            d.file.as_str(),
            d.line,
            d.column,
            d.message.as_str()
        ),
        (
            "ambiguous-reference",
            "src/status_quo.md",
            4,
            22,
            "\"Alan\" names 2 entries"
        )
    );
    assert_eq!(
        d.help,
        [
            "could be \"Alan\" in src/characters.md#alan",
            "could be \"Alan\" in src/characters.md#alan-1",
            "name it by `path.md#anchor` to pick one",
        ]
    );
    // Both characters still get their own table.
    assert_eq!(
        out[0],
        "# C\n\n## Alan\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ |  |\n\n## Alan\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ |  |\n"
    );
    // Two stories of one title: by title it is ambiguous, by `path.md#anchor`
    // the second one resolves and gets the back-link.
    let sq = "# S\n\n## Alpha\n{{#vision status-quo}}\n\n## Alpha\n{{#vision status-quo}}\n";
    let sf = "# F\n\n## Beta\n{{#vision shiny-future status-quo=Alpha}}\n";
    let (_, diags) = process(&[("status_quo.md", sq), ("shiny_future.md", sf)]);
    let errors = errors_at(&diags);
    assert_eq!(
        errors,
        [(
            "ambiguous-reference",
            "src/shiny_future.md",
            4,
            24,
            "\"Alpha\" names 2 entries"
        )]
    );
    let sf = "# F\n\n## Beta\n{{#vision shiny-future status-quo=status_quo.md#alpha-1}}\n";
    let (out, diags) = process(&[("status_quo.md", sq), ("shiny_future.md", sf)]);
    assert!(
        diags.iter().all(|d| d.level != Severity::Error),
        "{diags:#?}"
    );
    assert_eq!(
        out,
        [
            "# S\n\n## Alpha\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n|  | not yet written | ✋ Volunteer wanted ✋ |\n\n## Alpha\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n|  | [Beta](shiny_future.md#beta) | ✋ Volunteer wanted ✋ |\n",
            "# F\n\n## Beta\n| Character | Status quo | Assigned To |\n| --- | --- | --- |\n|  | [Alpha](status_quo.md#alpha-1) | ✋ Volunteer wanted ✋ |\n",
        ]
    );
}

#[test]
fn references_forming_a_cycle_terminate_with_links_both_ways() {
    let sq = "# S\n\n## Alpha\n{{#vision status-quo future=Beta}}\n";
    let sf = "# F\n\n## Beta\n{{#vision shiny-future status-quo=Alpha}}\n";
    let (out, diags) = process(&[("status_quo.md", sq), ("shiny_future.md", sf)]);
    assert!(
        diags.iter().all(|d| d.level != Severity::Error),
        "{diags:?}"
    );
    assert_eq!(
        out[0],
        "# S\n\n## Alpha\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n|  | [Beta](shiny_future.md#beta) | ✋ Volunteer wanted ✋ |\n"
    );
    assert_eq!(
        out[1],
        "# F\n\n## Beta\n| Character | Status quo | Assigned To |\n| --- | --- | --- |\n|  | [Alpha](status_quo.md#alpha) | ✋ Volunteer wanted ✋ |\n"
    );
    // And the cycle's output is a fixed point.
    let (again, _) = process(&[("status_quo.md", &out[0]), ("shiny_future.md", &out[1])]);
    assert_eq!(again, out);
}

#[test]
fn every_chapter_referencing_every_other_is_not_quadratic() {
    const N: usize = 300;
    let mut chapters = Vec::new();
    for i in 0..N {
        let (dir, kind, key) = if i % 2 == 0 {
            ("status_quo", "status-quo", "future")
        } else {
            ("shiny_future", "shiny-future", "status-quo")
        };
        let mut d = format!("# Story {i}\n{{{{#vision {kind}");
        for j in (0..N).filter(|j| j % 2 != i % 2) {
            d.push_str(&format!(" {key}=\"Story {j}\""));
        }
        d.push_str("}}\n");
        chapters.push((format!("{dir}/s{i}.md"), d));
    }
    let book: Vec<(&str, &str)> = chapters
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let start = Instant::now();
    let (out, diags) = process(&book);
    let took = start.elapsed();
    assert!(
        diags.iter().all(|d| d.level != Severity::Error),
        "{:?}",
        diags.first()
    );
    assert_eq!(
        out[0].matches("](../shiny_future/s").count(),
        N / 2,
        "{}",
        &out[0][..300]
    );
    // 300 chapters × 150 references each (45,000 links): measured 0.17 s in release, ~2 s in debug.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    println!("300 chapters referencing each other: {took:?}");
}

#[test]
fn bad_input_is_one_line_exit_1_and_nothing_on_stdout() {
    let ctx = |config: Value| json!({"root": "/", "config": config, "renderer": "html", "mdbook_version": "0.5.4"});
    let vision = |v: Value| json!([ctx(json!({"preprocessor": {"vision": v}})), {"items": []}]);
    let ok_book = json!({"items": []});
    const READ: &str = "could not read the book from mdBook: ";
    const SHAPE: &str = "could not read the book from mdBook: the input is not what mdBook sends: ";
    const CONFIG: &str = "invalid configuration in book.toml: ";
    let cases: Vec<(Vec<u8>, String)> = vec![
        // Malformed JSON.
        (b"".to_vec(), format!("{READ}the input is not valid JSON: EOF while parsing a value at line 1 column 0")),
        (b"[{\"root\": ".to_vec(), format!("{READ}the input is not valid JSON: EOF while parsing a value at line 1 column 10")),
        (b"[1, 2] trailing".to_vec(), format!("{READ}the input is not valid JSON: trailing characters at line 1 column 8")),
        (b"\xff\xfe[]".to_vec(), format!("{READ}the input is not valid JSON: expected value at line 1 column 1")),
        // Valid JSON syntax, but no character: found as the text is unescaped.
        {
            let book = json!([ctx(json!({})), {"items": [chapter("P", Some("p.md"), "ab@@cd", vec![])]}]).to_string();
            let at = book.find("@@").unwrap();
            (book.replace("@@", "\\ud800").into_bytes(), format!("{READ}the input is not valid JSON: a chapter's text has a `\\u` escape of a lone surrogate at byte {at}"))
        },
        // JSON of the wrong shape.
        (b"\"a book\"".to_vec(), format!("{SHAPE}expected a JSON array `[context, book]`")),
        (json!([ctx(json!({})), ok_book, 3]).to_string().into_bytes(), format!("{SHAPE}expected `[context, book]`, found an array of 3 elements")),
        (json!([ctx(json!({})), []]).to_string().into_bytes(), format!("{SHAPE}the book is not a JSON object")),
        (json!([[], ok_book]).to_string().into_bytes(), format!("{SHAPE}the context is not a JSON object")),
        (json!([ctx(json!({})), {"items": [], "sections": []}]).to_string().into_bytes(), format!("{SHAPE}the book has both `items` (mdBook 0.5) and `sections` (mdBook 0.4)")),
        (json!([ctx(json!({})), {"items": [{"Chapter": 1}]}]).to_string().into_bytes(), format!("{SHAPE}book item 1: `Chapter` is not an object")),
        (json!([ctx(json!({})), {"items": [chapter("P", Some("p.md"), "", vec![json!({"Chapter": {"name": "Q", "content": 7}})])]}]).to_string().into_bytes(), format!("{SHAPE}book item 1 (\"P\") item 1: chapter has no string `content`")),
        (json!([ctx(json!({})), {"items": [{"Chapter": {"name": "P", "content": "", "sub_items": 5}}]}]).to_string().into_bytes(), format!("{SHAPE}book item 1 (\"P\"): expected an array of book items")),
        // A context missing fields.
        (json!([{"root": "/", "config": {}, "renderer": "html"}, ok_book]).to_string().into_bytes(), format!("{SHAPE}the context has no `mdbook_version` field")),
        (json!([{"config": {}, "renderer": "html", "mdbook_version": "0.5.4"}, ok_book]).to_string().into_bytes(), format!("{SHAPE}the context has no `root` field")),
        (json!([{"root": "/", "config": {}, "mdbook_version": "0.5.4"}, ok_book]).to_string().into_bytes(), format!("{SHAPE}the context has no `renderer` field")),
        (json!([{"root": "/", "config": 3, "renderer": "html", "mdbook_version": "0.5.4"}, ok_book]).to_string().into_bytes(), format!("{SHAPE}the context's `config` is not an object")),
        // Invalid config types.
        (vision(json!({"statuses": 3})).to_string().into_bytes(), format!("{CONFIG}[preprocessor.vision.statuses] must be a table of name = \"text\", found a number")),
        (vision(json!({"statuses": ["a", 3]})).to_string().into_bytes(), format!("{CONFIG}[preprocessor.vision.statuses] must be a table of name = \"text\", found an array")),
        (vision(json!({"owner-url": ["x"]})).to_string().into_bytes(), format!("{CONFIG}`owner-url` must be a string, found an array")),
        (vision(json!(3)).to_string().into_bytes(), format!("{CONFIG}[preprocessor.vision] must be a table, found a number")),
        (vision(json!({"lints": {"unknown-status": "loud"}})).to_string().into_bytes(), format!("{CONFIG}lint `unknown-status` has level `loud`; use `allow`, `warn` or `deny`")),
        (vision(json!({"statuzes": {"a": "A"}})).to_string().into_bytes(), format!("{CONFIG}unknown key `statuzes` in [preprocessor.vision]; did you mean `statuses`?")),
    ];
    for (input, expected) in cases {
        let (code, stdout, stderr) = run_bin(&input);
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (
                1,
                "",
                format!("mdbook-vision: error: {expected}\n").as_str()
            ),
            "input {:?}",
            String::from_utf8_lossy(&input)
        );
    }
}

// ---------------------------------------------------------------------------
// Regression inputs found by fuzzing (`fuzz/`, see README "Fuzzing").
// ---------------------------------------------------------------------------

/// fuzz `chapter`: an `@name` followed by other characters in a directive value
/// was plain text, but linked on the next run (not idempotent).
#[test]
fn fuzz_owner_with_trailing_characters_is_linked_once() {
    let text = "# 😱 Status quo stories: Alan has trouble getting started\n{{#vision status-quo character=Alan assigned=\"Shane\" assigned=@estebank\u{FFFD}\u{FFFD}}}\n\nAlan quits.\n";
    let (out, _) = process(&[("status_quo.md", text)]);
    assert!(out[0].contains("| Alan | not yet written | Shane, [@estebank](https://github.com/estebank)\u{FFFD}\u{FFFD} |"), "{}", out[0]);
    let (again, _) = process(&[("status_quo.md", &out[0])]);
    assert_eq!(again[0], out[0]);
}

/// fuzz `chapter`: a hand-written story table and an entry directive of another
/// kind on the same heading decided the kind by order, so the output flipped on
/// the next run. Now the conflict is an error at the directive. (The fuzz input
/// had the directive in a list item, which is now an error of its own: not
/// right under the heading, see `second_run_*` below.)
#[test]
fn fuzz_directive_conflicting_with_a_story_table_is_an_error() {
    let text =
        "## T\n\nCharacter | Status quo | Assigned To\n--- | --- | ---\n\n{{#vision character }}\n";
    let (_, diags) = process(&[("c.md", text)]);
    let d = the_one_error(&diags);
    assert_eq!(
        (d.lint, d.level, d.line, d.column),
        ("misplaced-directive", Severity::Error, 6, 1)
    );
    assert_eq!(
        d.message,
        "this directive says \"T\" is a character, but its hand-written table makes it a shiny future story"
    );
    // The raw fuzz input, split into chapters as the `chapter` target does,
    // reaches the same verdict instead of a flip-flop, and its output is a
    // fixed point.
    let raw = fuzz_chapters(include_bytes!(
        "../fuzz/regressions/chapter-directive-inside-story-table"
    ));
    let raw: Vec<(&str, &str)> = raw.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let (_, diags) = assert_fixed_point(&raw);
    let errors = errors_at(&diags);
    assert_eq!(
        errors,
        [(
            "misplaced-directive",
            "src/characters.md",
            12,
            1,
            // The raw input's directive also stands inside the table's text,
            // which is the more precise of its two errors.
            "a directive must be a paragraph of its own, but this one is inside a table"
        )]
    );
}

/// fuzz `book`: two chapters with one path (mdBook never sends this) made an
/// added back-link be appended again on every run. Only the first copy of a
/// path is read and edited now, so a second run changes nothing.
#[test]
fn fuzz_duplicate_chapter_paths_are_idempotent() {
    let input = include_bytes!("../fuzz/regressions/book-duplicate-chapter-paths.json");
    let (code, first, stderr) = run_bin(input);
    assert_eq!(code, 0, "{stderr}");
    let context = context();
    let book: Value = serde_json::from_str(&first).unwrap();
    let again = serde_json::to_vec(&json!([context, book])).unwrap();
    let (code, second, _) = run_bin(&again);
    assert_eq!(code, 0);
    // Compared as JSON: the round trip through `Value` above sorts the keys.
    let (second, first): (Value, Value) = (
        serde_json::from_str(&second).unwrap(),
        serde_json::from_str(&first).unwrap(),
    );
    assert_eq!(second, first, "a second run changes nothing");
    // Nothing in that input calls for an edit: every chapter comes back as sent.
    let sent: Value = serde_json::from_slice(input).unwrap();
    assert_eq!(book, sent[1]);
    // Where a back-link is due, only the first copy of the path gets it.
    let sq = "## Alpha\n{{#vision status-quo future=Beta}}\n";
    let sf = "## Beta\n\n| Character | Status quo | Assigned To |\n| --- | --- | --- |\n|  | not yet written | x |\n";
    let book = json!({"items": [
        chapter("SQ", Some("status_quo.md"), sq, vec![]),
        chapter("SF", Some("shiny_future.md"), sf, vec![]),
        chapter("SF again", Some("shiny_future.md"), sf, vec![]),
    ]});
    let (code, first, stderr) = run_bin(json!([context, book]).to_string().as_bytes());
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&first).unwrap();
    let contents: Vec<&str> = (0..3)
        .map(|i| out["items"][i]["Chapter"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        [
            "## Alpha\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n|  | [Beta](shiny_future.md) | ✋ Volunteer wanted ✋ |\n",
            "## Beta\n\n| Character | Status quo | Assigned To |\n| --- | --- | --- |\n|  | [Alpha](status_quo.md) | x |\n",
            sf,
        ]
    );
    let (code, second, _) = run_bin(json!([context, out]).to_string().as_bytes());
    assert_eq!((code, second), (0, first), "a second run changes nothing");
}

/// fuzz `chapter`: a story-table row with fewer cells than its header got a
/// back-link appended where the missing cell "was" (outside the row) on every run.
#[test]
fn fuzz_row_with_missing_cells_is_not_edited_outside_the_row() {
    let raw = include_bytes!("../fuzz/regressions/chapter-row-with-missing-cells");
    let text = String::from_utf8_lossy(raw).replace("\\{{#vision", "{{#vision");
    let parts: Vec<&str> = text.splitn(4, '\0').collect();
    let paths = [
        "status_quo.md",
        "shiny_future.md",
        "characters.md",
        "roadmap.md",
    ];
    let chapters: Vec<(&str, &str)> = paths.iter().copied().zip(parts.iter().copied()).collect();
    let (out, diags) = process(&chapters);
    assert!(
        !diags.iter().any(|d| d.level == Severity::Error),
        "{diags:#?}"
    );
    let again: Vec<(&str, &str)> = paths
        .iter()
        .copied()
        .zip(out.iter().map(String::as_str))
        .collect();
    let (twice, _) = process(&again);
    assert_eq!(twice, out, "a second run changes nothing");
    // The short row stays exactly as written.
    assert!(
        out[0].contains("\n| [Alan]\n| Character | Status quo | Assigned To |\n"),
        "{}",
        out[0]
    );
}

/// proptest: a `design-doc` directive in a status quo chapter expanded into a
/// `Status | Owner` table, which on the next run took its kind from the chapter
/// path (a status quo story) and so drew different checks. The disagreement is
/// now an error at the directive.
#[test]
fn proptest_directive_kind_against_the_chapter_path_is_an_error() {
    let text = "## Alan has trouble getting started\n{{#vision design-doc owner=draft }}\n\n";
    let (_, diags) = process(&[("status_quo.md", text)]);
    let error = the_one_error(&diags);
    assert_eq!(
        (error.lint, error.line, error.column),
        ("misplaced-directive", 2, 1)
    );
    assert_eq!(
        error.message,
        "this directive says \"Alan has trouble getting started\" is a design doc, but it is in a chapter of status quo story entries"
    );
    // Outside a kind's chapters the directive decides, and nothing is reported.
    let (_, diags) = process(&[("notes.md", text)]);
    assert!(
        !diags.iter().any(|d| d.level == Severity::Error),
        "{diags:#?}"
    );
}

/// The chapters of a `chapter` fuzz input: split at NUL into the target's four paths.
fn fuzz_chapters(raw: &[u8]) -> Vec<(&'static str, String)> {
    let text = String::from_utf8_lossy(raw).replace("\\{{#vision", "{{#vision");
    let paths = [
        "status_quo.md",
        "shiny_future.md",
        "characters.md",
        "roadmap.md",
    ];
    paths
        .into_iter()
        .zip(text.splitn(4, '\0').map(str::to_string))
        .collect()
}

/// Processes chapters twice (the second time the first run's output) and
/// asserts that the second run changes nothing and reports the same problems.
/// Returns the first run's output and diagnostics.
fn assert_fixed_point(chapters: &[(&str, &str)]) -> (Vec<String>, Vec<Diagnostic>) {
    let (out, diags) = process(chapters);
    let again: Vec<(&str, &str)> = chapters
        .iter()
        .map(|(p, _)| *p)
        .zip(out.iter().map(String::as_str))
        .collect();
    let (twice, more) = process(&again);
    assert_eq!(twice, out, "a second run changes nothing");
    // The same problems (expanded tables above one may move its line).
    let problems = |ds: &[Diagnostic]| -> Vec<(&str, String, String)> {
        ds.iter()
            .map(|d| (d.lint, d.file.clone(), d.message.clone()))
            .collect()
    };
    assert_eq!(
        problems(&more),
        problems(&diags),
        "a second run reports the same problems"
    );
    (out, diags)
}

/// fuzz `chapter`: a directive that shared its paragraph was expanded by
/// splitting the paragraph around it. Its own text held a backtick that opened
/// a code span running past it, over a second directive; expanding the first
/// removed that backtick, so the second run expanded the second directive.
/// A directive must now be a paragraph of its own; one inside other text is
/// left as written and reported.
#[test]
fn fuzz_directive_in_a_code_span_opened_by_another_directive_stays_put() {
    let text = "## Alan\n{{#vision character status=draft owner=`x}}\n{{#vision roadmap-key}}\n`\n";
    let (out, diags) = assert_fixed_point(&[("characters.md", text)]);
    assert_eq!(out[0], text, "nothing is expanded");
    let error = the_one_error(&diags);
    assert_eq!(
        (error.lint, error.line, error.column),
        ("misplaced-directive", 2, 1)
    );
    assert_eq!(
        error.message,
        "a directive must be a paragraph of its own, but this one is inside a paragraph with other text"
    );
    // As a paragraph of its own it is expanded (the backtick escaped in its
    // cell); the directive in the code span stays code.
    let text =
        "## Alan\n{{#vision character status=draft owner=`x}}\n\nSee `{{#vision roadmap-key}}`.\n";
    let (out, diags) = assert_fixed_point(&[("characters.md", text)]);
    assert!(
        !diags.iter().any(|d| d.level == Severity::Error),
        "{diags:#?}"
    );
    assert_eq!(
        out[0],
        "## Alan\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ | \\`x |\n\nSee `{{#vision roadmap-key}}`.\n"
    );
    // The raw fuzz input: its first run reports errors (other misplaced
    // directives), and its output is a fixed point all the same.
    let raw = fuzz_chapters(include_bytes!(
        "../fuzz/regressions/chapter-directive-in-code-span-after-edit"
    ));
    let raw: Vec<(&str, &str)> = raw.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let (out, _) = process(&raw);
    let again: Vec<(&str, &str)> = raw
        .iter()
        .map(|(p, _)| *p)
        .zip(out.iter().map(String::as_str))
        .collect();
    assert_eq!(process(&again).0, out, "a second run changes nothing");
}

/// fuzz `chapter`: a directive with text after it on its line was split out of
/// its paragraph, and the rest of the line (`## Grace: ...`) became a heading
/// with a hand-written `Status | Owner` table right under it: a character that
/// existed only from the second run on, so a plain `[Grace]` cell of a story
/// table was linked only then. The directive is now reported and left alone,
/// so the first run's output is a fixed point.
#[test]
fn fuzz_character_appearing_after_an_edit_is_not_linked_late() {
    let story = "## Alan has trouble\n\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n| [Grace] | not yet written | Shane |\n";
    let characters = "## Intro\n{{#vision roadmap-key}} ## Grace: the engineer\n\n| Status | Owner |\n| --- | --- |\n| draft | Shane |\n";
    let (out, diags) =
        assert_fixed_point(&[("status_quo.md", story), ("characters.md", characters)]);
    assert_eq!(out, [story, characters], "nothing changes");
    let error = the_one_error(&diags);
    assert_eq!(
        (error.lint, error.file.as_str(), error.line, error.column),
        ("misplaced-directive", "src/characters.md", 2, 1)
    );
    // Written as blocks of their own, Grace is a character on the first run
    // and the cell is linked then.
    let characters = "## Intro\n\n{{#vision roadmap-key}}\n\n## Grace: the engineer\n\n| Status | Owner |\n| --- | --- |\n| draft | Shane |\n";
    let (out, diags) =
        assert_fixed_point(&[("status_quo.md", story), ("characters.md", characters)]);
    assert!(
        !diags.iter().any(|d| d.level == Severity::Error),
        "{diags:#?}"
    );
    assert!(
        out[0].contains(
            "| [\\[Grace\\]](characters.md#grace-the-engineer) | not yet written | Shane |"
        ),
        "{}",
        out[0]
    );
    // The raw fuzz input (its directive in a story table's last row is now
    // also an error) comes back the same on a second run.
    let raw = fuzz_chapters(include_bytes!(
        "../fuzz/regressions/chapter-character-link-on-second-run"
    ));
    let raw: Vec<(&str, &str)> = raw.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let (out, _) = process(&raw);
    let again: Vec<(&str, &str)> = raw
        .iter()
        .map(|(p, _)| *p)
        .zip(out.iter().map(String::as_str))
        .collect();
    assert_eq!(process(&again).0, out, "a second run changes nothing");
}

/// The entries the index finds in chapters `(path, text)`: (chapter path, title, kind).
fn entries(chapters: &[(&str, &str)]) -> Vec<(String, String, Option<Kind>)> {
    let settings = ParseSettings::new(MdbookLine::V05, true);
    let infos: Vec<ChapterInfo> = chapters
        .iter()
        .map(|(p, t)| {
            ChapterInfo::new(
                "src",
                Some(p),
                Some(p),
                String::new,
                Some(mdbook_vision::scan::scan(
                    t,
                    settings,
                    &mdbook_vision::answer::Placeholders::default(),
                )),
            )
        })
        .collect();
    let index = Index::build(&infos, &Config::default());
    index
        .entries
        .iter()
        .map(|e| {
            (
                chapters[e.chapter].0.to_string(),
                e.title.to_string(),
                e.kind,
            )
        })
        .collect()
}

/// [`assert_fixed_point`], and the second run finds the same entries as the first.
fn assert_same_entries(chapters: &[(&str, &str)]) -> (Vec<String>, Vec<Diagnostic>) {
    let (out, diags) = assert_fixed_point(chapters);
    let again: Vec<(&str, &str)> = chapters
        .iter()
        .map(|(p, _)| *p)
        .zip(out.iter().map(String::as_str))
        .collect();
    assert_eq!(
        entries(&again),
        entries(chapters),
        "a second run finds the same entries"
    );
    (out, diags)
}

const GRACE_STORY: &str = "## Alan has trouble\n\n{{#vision status-quo character=Grace}}\n";

/// review: an entry directive below other text under its heading was attached
/// to that heading, but the `Status | Owner` table it became was not right under
/// the heading, so the next run did not read it and the entry vanished (the text
/// stayed the same and nothing new was reported). Such a directive is now a
/// `misplaced-directive` error and is left as written, on every run.
#[test]
fn second_run_keeps_an_entry_whose_directive_is_below_other_text() {
    let characters = "## Grace\n\nSome text.\n\n{{#vision character status=draft owner=@grace}}\n";
    let chapters = [
        ("status_quo.md", GRACE_STORY),
        ("characters.md", characters),
    ];
    let (out, diags) = assert_same_entries(&chapters);
    assert_eq!(out[1], characters, "the directive is left as written");
    assert_eq!(
        entries(&chapters),
        [(
            "status_quo.md".to_string(),
            "Alan has trouble".to_string(),
            Some(Kind::StatusQuo)
        )],
        "Grace is not an entry on either run"
    );
    let error = the_one_error(&diags);
    assert_eq!(
        (error.lint, error.file.as_str(), error.line, error.column),
        ("misplaced-directive", "src/characters.md", 5, 1)
    );
    assert_eq!(
        error.message,
        "an entry directive must come right under its entry's heading, but this one is not right under \"Grace\""
    );
    assert_eq!(
        error.help,
        ["move it to just below the heading \"Grace\", as a paragraph of its own (not in a list or quote); only the entry's other metadata tables may stand in between"]
    );

    // In a list item or a quote right under the heading, its table would not be
    // right under it either: the same error, at the directive.
    for (text, column) in [
        ("## Grace\n\n* {{#vision character status=draft}}\n", 3),
        ("## Grace\n\n> {{#vision character status=draft}}\n", 3),
        // After the entry's hand-written table and a paragraph: the entry
        // stands (its table), the directive would have added a second table.
        (
            "## Grace\n\n| Status | Owner |\n| --- | --- |\n| draft | x |\n\nText.\n\n{{#vision character owner=@y}}\n",
            1,
        ),
    ] {
        let chapters = [("status_quo.md", GRACE_STORY), ("characters.md", text)];
        let (out, diags) = assert_same_entries(&chapters);
        assert_eq!(out[1], text, "the directive is left as written");
        let errors: Vec<(&str, usize, usize, &str)> = diags
            .iter()
            .filter(|d| d.level == Severity::Error)
            .map(|d| (d.lint, d.line, d.column, d.message.as_str()))
            .collect();
        let line = text.lines().position(|l| l.contains("{{#vision")).unwrap() + 1;
        assert_eq!(
            errors,
            [("misplaced-directive", line, column, "an entry directive must come right under its entry's heading, but this one is not right under \"Grace\"")],
            "{text}"
        );
    }
    // On a page of its own (a per-page chapter) too.
    let page = "# Alan has trouble\n\nSome text.\n\n{{#vision status-quo character=Grace}}\n";
    let (out, diags) = assert_same_entries(&[("status_quo/alan.md", page)]);
    assert_eq!(out[0], page);
    assert!(
        diags
            .iter()
            .any(|d| d.lint == "misplaced-directive" && d.line == 5),
        "{diags:#?}"
    );
    // Inside other text it is the "paragraph of its own" error, once.
    let text = "## Grace\n\nSome text.\n\nMore {{#vision character}}\n";
    let (_, diags) = assert_same_entries(&[("characters.md", text)]);
    let errors: Vec<&str> = diags
        .iter()
        .filter(|d| d.level == Severity::Error)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        errors,
        ["a directive must be a paragraph of its own, but this one is inside a paragraph with other text"]
    );

    // Moved right under the heading, Grace is a character on both runs and the
    // story's character cell links to her.
    let characters = "## Grace\n\n{{#vision character status=draft owner=@grace}}\n\nSome text.\n";
    let chapters = [
        ("status_quo.md", GRACE_STORY),
        ("characters.md", characters),
    ];
    let (out, diags) = assert_same_entries(&chapters);
    assert!(
        !diags.iter().any(|d| d.level == Severity::Error),
        "{diags:#?}"
    );
    assert!(
        entries(&chapters).contains(&(
            "characters.md".to_string(),
            "Grace".to_string(),
            Some(Kind::Character)
        )),
        "{:?}",
        entries(&chapters)
    );
    assert!(out[0].contains("| [Grace](characters.md"), "{}", out[0]);
    assert!(
        out[1].starts_with(
            "## Grace\n\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ | [@grace]("
        ),
        "{}",
        out[1]
    );
}

/// review: an entry directive with nothing to show (`{{#vision character}}`)
/// expanded to nothing, so the next run had nothing that marked the entry and
/// it vanished. It now expands to a `Status | Owner` table with empty cells.
#[test]
fn second_run_keeps_an_entry_whose_directive_has_nothing_to_show() {
    let characters = "## Grace\n\n{{#vision character}}\n";
    let chapters = [
        ("status_quo.md", GRACE_STORY),
        ("characters.md", characters),
    ];
    let (out, diags) = assert_same_entries(&chapters);
    assert!(
        !diags.iter().any(|d| d.level == Severity::Error),
        "{diags:#?}"
    );
    assert_eq!(
        out[1],
        "## Grace\n\n| Status | Owner |\n| --- | --- |\n|  |  |\n"
    );
    assert!(
        entries(&chapters).contains(&(
            "characters.md".to_string(),
            "Grace".to_string(),
            Some(Kind::Character)
        )),
        "{:?}",
        entries(&chapters)
    );
    assert!(out[0].contains("| [Grace](characters.md"), "{}", out[0]);
    // A design doc whose directive only puts it on the roadmap likewise.
    let doc = "## Faster builds\n\n{{#vision design-doc roadmap=healthy updated=2021-02}}\n";
    let (out, diags) = assert_same_entries(&[("design_docs.md", doc)]);
    assert!(
        !diags.iter().any(|d| d.level == Severity::Error),
        "{diags:#?}"
    );
    assert_eq!(
        out[0],
        "## Faster builds\n\n| Status | Owner |\n| --- | --- |\n|  |  |\n"
    );
    assert_eq!(
        entries(&[("design_docs.md", doc)]),
        [(
            "design_docs.md".to_string(),
            "Faster builds".to_string(),
            Some(Kind::DesignDoc)
        )]
    );
    // A story directive always has its story table: nothing is added.
    let (out, _) = assert_same_entries(&[("status_quo.md", GRACE_STORY)]);
    assert!(!out[0].contains("| Status | Owner |"), "{}", out[0]);
}

/// A book big enough to be split over the cores (scans, FAQ analysis, story
/// resolution, rendering) gives every chapter exactly the text and the
/// problems it gets when its pair of stories is processed alone, which stays
/// on one thread.
#[test]
fn a_book_split_over_the_cores_reads_as_its_parts_do_alone() {
    const PAIRS: usize = 1000;
    let padding = "Grace tries async and it goes well, mostly. ".repeat(30);
    let pair = |i: usize| {
        [
            (
                format!("status_quo/s{i}.md"),
                format!("# Story {i}\n{{{{#vision status-quo future=\"Future {i}\"}}}}\n\n{padding}\n"),
            ),
            (
                format!("shiny_future/f{i}.md"),
                format!("# Future {i}\n{{{{#vision shiny-future}}}}\n\n{padding}\n\n## 🤔 Frequently Asked Questions\n\n* **What is most disappointing?**\n  * XXX\n"),
            ),
        ]
    };
    let all: Vec<(String, String)> = (0..PAIRS).flat_map(pair).collect();
    let total: usize = all.iter().map(|(_, t)| t.len()).sum();
    assert!(
        total > mdbook_vision::parallel::MIN_PARALLEL_BYTES,
        "the book must be over the split: {total}"
    );
    let book: Vec<(&str, &str)> = all.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (together, together_diags) = process(&book);
    let summary = |d: &Diagnostic| (d.file.clone(), d.line, d.column, d.lint, d.message.clone());
    let mut alone_diags = Vec::new();
    for i in 0..PAIRS {
        let chapters = pair(i);
        let chapters: Vec<(&str, &str)> = chapters
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let (alone, diags) = process(&chapters);
        assert_eq!(alone[..], together[2 * i..2 * i + 2], "pair {i}");
        alone_diags.extend(diags.iter().map(summary));
    }
    // Back-links were added: the split path did real work.
    assert!(
        together[1].contains("[Story 0](../status_quo/s0.md)"),
        "{}",
        together[1]
    );
    let mut together_diags: Vec<_> = together_diags.iter().map(summary).collect();
    together_diags.sort();
    alone_diags.sort();
    assert!(!alone_diags.is_empty());
    assert_eq!(together_diags, alone_diags);
}

/// Suggestions for names that land nowhere look at every entry, so they are
/// bounded for the book as a whole: a book with hundreds of such names gets
/// them for the first few, and one diagnostic says so (no quadratic time).
#[test]
fn suggestions_for_many_names_that_land_nowhere_are_bounded_and_said_to_be() {
    const STORIES: usize = 300;
    let book: Vec<(String, String)> = (0..STORIES)
        .flat_map(|i| {
            [
                (
                    format!("status_quo/s{i}.md"),
                    format!("# Grace{i} tries\n\n{{{{#vision status-quo future=\"Grace{i} has a blst\"}}}}\n"),
                ),
                (
                    format!("shiny_future/f{i}.md"),
                    format!("# Grace{i} has a blast\n\n{{{{#vision shiny-future}}}}\n"),
                ),
            ]
        })
        .collect();
    let chapters: Vec<(&str, &str)> = book.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (_, diags) = process(&chapters);
    let unresolved: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.lint == "unresolved-reference")
        .collect();
    assert_eq!(unresolved.len(), STORIES);
    let suggested = unresolved
        .iter()
        .filter(|d| d.help.iter().any(|h| h.starts_with("did you mean")))
        .count();
    let told: Vec<&String> = unresolved
        .iter()
        .flat_map(|d| &d.help)
        .filter(|h| h.starts_with("near names are looked for only"))
        .collect();
    assert_eq!(told.len(), 1, "said once: {told:?}");
    let entries = 2 * STORIES;
    let searched = 100_000 / entries;
    assert_eq!(
        told[0],
        &format!("near names are looked for only for the first {searched} names that land nowhere in a book of {entries} entries")
    );
    assert_eq!(
        suggested, searched,
        "each search finds the story's own future"
    );
    assert!(unresolved.iter().any(|d| d
        .help
        .iter()
        .any(|h| h == "did you mean \"Grace0 has a blast\"?")));
}
