//! The preprocessor inside the REAL mdBook of both lines (0.4 and 0.5), in-process.

mod support;

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};
use support::{
    book_dir, book_outline, build, build_files, chapters, preprocessor_bin, write_wrapper, Line,
};

#[test]
fn supports_is_honoured_and_the_preprocessor_runs() {
    for line in Line::ALL {
        let built = build(line, &book_dir("minimal"));
        built.assert_ok();
        assert_eq!(built.supports, [("html".to_string(), 0)], "{line}");

        // mdBook only runs a preprocessor after `supports html` exits 0; input.json is
        // written by the run, so its presence proves both steps happened.
        let ctx = built.input_context();
        assert_eq!(ctx["renderer"], "html", "{line}");
        assert_eq!(ctx["mdbook_version"], line.mdbook_version(), "{line}");
        assert_eq!(
            ctx["config"]["book"]["title"], "Minimal vision book",
            "{line}"
        );
        let command = ctx["config"]["preprocessor"]["vision"]["command"]
            .as_str()
            .unwrap_or_default();
        assert!(command.contains("vision-wrapper.sh"), "{line}: {command}");

        let book = built.output_book();
        assert!(book.get(line.book_items_key()).is_some(), "{line}: {book}");
        let chs = chapters(book);
        assert_eq!(chs.len(), 1, "{line}");
        assert_eq!(chs[0].name, "Hello");
        assert_eq!(chs[0].source_path.as_deref(), Some("hello.md"));

        let html = built.chapter_html("hello.html");
        assert!(
            html.contains("The preprocessor ran on this page."),
            "{line}: {html}"
        );
        assert_eq!(built.stderr, "", "{line}");
    }
}

const PLAIN_TOML: &str = r#"[book]
title = "A book with no vision content"
authors = ["Someone"]
language = "en"

[preprocessor.vision]

[output.html]
"#;

const PLAIN_SUMMARY: &str = "# Summary

[Introduction](README.md)

- [Chapter 1](chapter_1.md)
    - [Nested](nested/sub.md)
        - [Deeper](nested/deeper.md)
- [Draft]()

---

# Part

- [Emoji 🎉 chapter](emoji.md)
- [CRLF chapter](crlf.md)

[Appendix](appendix.md)
";

const README: &str = "# Introduction

Welcome. See [chapter one](chapter_1.md#section-two), [the nested page](nested/sub.md)
and the [appendix](appendix.md). External: <https://example.com>, [mail](mailto:a@b.c).
";

const CHAPTER_1: &str = "# Chapter 1

Some *text* with `inline {code}` and a table:

| Status | Owner |
| --- | --- |
| draft | someone |

## Section two

```rust
fn main() {
    println!(\"{}\", 1 + 1); // {{ not a directive }}
}
```

    indented code block
    with two lines

Back to [the top](#chapter-1) or the [introduction](index.md).
";

const NESTED: &str = "# Nested

Up: [chapter one](../chapter_1.md). Down: [deeper](deeper.md#deeper).
";

const DEEPER: &str = "# Deeper

<!-- an HTML comment -->
<div class=\"note\">Raw HTML block.</div>

Trailing spaces and no final newline.  ";

const EMOJI: &str = "# Emoji 🎉 chapter

🤔 Frequently Asked Questions? Not here: 🚀 ✋ 👩‍💻 (ZWJ) and e\u{301} (combining).

- 🟢 green
- 🔴 red
";

const CRLF: &str = "# CRLF chapter\r\n\r\nLine one.\r\nLine two.\r\n\r\n```text\r\ncode\r\n```\r\n";

const APPENDIX: &str = "# Appendix\n\nTabs\there.\n";

fn plain_book() -> Vec<(&'static str, &'static str)> {
    vec![
        ("book.toml", PLAIN_TOML),
        ("src/SUMMARY.md", PLAIN_SUMMARY),
        ("src/README.md", README),
        ("src/chapter_1.md", CHAPTER_1),
        ("src/nested/sub.md", NESTED),
        ("src/nested/deeper.md", DEEPER),
        ("src/emoji.md", EMOJI),
        ("src/crlf.md", CRLF),
        ("src/appendix.md", APPENDIX),
    ]
}

#[test]
fn book_without_vision_content_comes_back_byte_identical() {
    for line in Line::ALL {
        let built = build_files(line, &plain_book());
        built.assert_ok();

        let input = built.input_book();
        let output = built.output_book();

        // The fixture really exercises what it claims to.
        assert_eq!(
            book_outline(input),
            [
                "Chapter Introduction (README.md)",
                "Chapter Chapter 1 (chapter_1.md)",
                "  Chapter Nested (nested/sub.md)",
                "    Chapter Deeper (nested/deeper.md)",
                "Chapter Draft (draft)",
                "Separator",
                "PartTitle Part",
                "Chapter Emoji 🎉 chapter (emoji.md)",
                "Chapter CRLF chapter (crlf.md)",
                "Chapter Appendix (appendix.md)",
            ],
            "{line}"
        );
        let ins = chapters(input);
        let by_src = |src: &str| {
            ins.iter()
                .find(|c| c.source_path.as_deref() == Some(src))
                .unwrap_or_else(|| panic!("{line}: no {src}"))
        };
        assert_eq!(by_src("crlf.md").content, CRLF, "{line}");
        assert_eq!(by_src("emoji.md").content, EMOJI, "{line}");
        assert_eq!(by_src("nested/deeper.md").content, DEEPER, "{line}");
        assert_eq!(
            by_src("README.md").path.as_deref(),
            Some("index.md"),
            "{line}"
        );

        // The same shape key, every field, every content string.
        let key = line.book_items_key();
        assert!(input.get(key).is_some(), "{line}: input has no `{key}`");
        assert!(output.get(key).is_some(), "{line}: output has no `{key}`");
        let in_keys: Vec<_> = input.as_object().unwrap().keys().collect();
        let out_keys: Vec<_> = output.as_object().unwrap().keys().collect();
        assert_eq!(in_keys, out_keys, "{line}");
        assert_json_eq(input, output, "$", line);
        assert_eq!(input, output, "{line}");

        assert_eq!(built.stderr, "", "{line}: stderr was not empty");

        // And mdBook rendered it.
        let emoji = built.chapter_html("emoji.html");
        assert!(emoji.contains("👩‍💻"), "{line}");
        let crlf = built.chapter_html("crlf.md");
        assert!(crlf.contains("Line one."), "{line}");
        let intro = built.chapter_html("README.md");
        assert!(intro.contains("Welcome."), "{line}");
    }
}

/// Like `assert_eq!` on two JSON values, but names the first differing path.
fn assert_json_eq(a: &Value, b: &Value, path: &str, line: Line) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let xk: Vec<_> = x.keys().collect();
            let yk: Vec<_> = y.keys().collect();
            assert_eq!(xk, yk, "{line}: keys differ at {path}");
            for (k, v) in x {
                assert_json_eq(v, &y[k], &format!("{path}.{k}"), line);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{line}: lengths differ at {path}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                assert_json_eq(v, w, &format!("{path}[{i}]"), line);
            }
        }
        _ => assert_eq!(a, b, "{line}: values differ at {path}"),
    }
}

#[test]
fn rendered_internal_links_of_the_plain_book_resolve() {
    for line in Line::ALL {
        let built = build_files(line, &plain_book());
        built.assert_ok();
        let report = built.check_links();
        report.assert_clean();
        // Written: README → chapter_1#section-two, nested/sub, appendix; chapter 1 →
        // #chapter-1, index; nested → ../chapter_1, deeper#deeper (external and mailto
        // are skipped). Plus each of the 8 headings' self-link `#id`.
        assert_eq!(report.checked_links, 7 + 8, "{line}: {report:?}");
        assert_eq!(report.checked_anchors, 3 + 8, "{line}: {report:?}");
    }
}

#[test]
fn link_checker_reports_missing_pages_and_anchors() {
    let files = [
        ("book.toml", "[book]\ntitle = \"Broken\"\n"),
        ("src/SUMMARY.md", "- [One](one.md)\n- [Two](sub/two.md)\n"),
        (
            "src/one.md",
            "# One\n\n[ok](sub/two.md#two) [no page](missing.md) [no anchor](sub/two.md#nope) \
             [outside](../../x.html) [web](https://example.com/a#b)\n",
        ),
        (
            "src/sub/two.md",
            "# Two\n\n[self](#two) [bad self](#three)\n",
        ),
    ];
    for line in Line::ALL {
        let built = build_files(line, &files);
        built.assert_ok();
        // No [preprocessor.vision] table: the harness leaves the book alone.
        assert!(built.input_json.is_none(), "{line}");
        let report = built.check_links();
        // 6 written links (4 with a fragment) plus the 2 headings' self-links.
        assert_eq!(report.checked_links, 6 + 2, "{line}: {report:?}");
        assert_eq!(report.checked_anchors, 4 + 2, "{line}: {report:?}");
        let mut failures: Vec<_> = report
            .failures
            .iter()
            .map(|f| (f.page.as_str(), f.href.as_str()))
            .collect();
        failures.sort();
        assert_eq!(
            failures,
            [
                ("one.html", "../../x.html"),
                ("one.html", "missing.html"),
                ("one.html", "sub/two.html#nope"),
                ("sub/two.html", "#three"),
            ],
            "{line}: {report:?}"
        );
    }
}

/// Runs `program args` with `stdin`, returning (exit code, stdout, stderr).
fn run(program: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().expect("exited normally"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn harness_wrapper_is_transparent_and_records_the_io() {
    let tmp = tempfile::tempdir().unwrap();
    let command = write_wrapper(tmp.path());
    let script = tmp.path().join("vision-wrapper.sh");
    assert_eq!(
        command,
        format!("bash '{}'", script.display()),
        "the command mdBook splits with shlex"
    );
    let script = script.to_str().unwrap();
    let bin = preprocessor_bin();
    let bin = bin.to_str().unwrap();

    // `supports`: same exit code and output as the binary itself, and logged.
    let direct = run(bin, &["supports", "html"], "");
    let wrapped = run("bash", &[script, "supports", "html"], "");
    assert_eq!(direct.0, 0, "the binary must support html");
    assert_eq!(wrapped, direct);
    let log = std::fs::read_to_string(tmp.path().join("supports.log")).unwrap();
    assert_eq!(log, "html 0\n");
    assert!(!tmp.path().join("input.json").exists());

    // A run the binary rejects: its non-zero exit code comes through unchanged, the
    // input is recorded verbatim and stderr is both logged and forwarded.
    let garbage = "this is not JSON";
    let direct = run(bin, &[], garbage);
    let wrapped = run("bash", &[script], garbage);
    assert_ne!(direct.0, 0, "invalid input must fail: {direct:?}");
    assert_eq!(wrapped.0, direct.0);
    assert_eq!(wrapped.1, direct.1);
    let read = |name: &str| std::fs::read_to_string(tmp.path().join(name)).unwrap();
    assert_eq!(read("input.json"), garbage);
    assert_eq!(read("output.json"), direct.1);
    assert!(!read("stderr.log").is_empty());
    assert_eq!(read("stderr.log"), wrapped.2);
}
