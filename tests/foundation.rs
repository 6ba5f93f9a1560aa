//! Issue 2's acceptance checks: status/owner tables, errors with file:line:col,
//! config validation, protected directives and the version check, under the
//! real mdBook 0.4.52 and 0.5.4 and against the binary directly.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use support::{build_files, preprocessor_bin, Line};

fn book(chapter: &str, extra_config: &str) -> Vec<(String, String)> {
    vec![
        (
            "book.toml".into(),
            // FAQ checks have their own tests; here only the foundation matters.
            format!("[book]\ntitle = \"t\"\n\n[preprocessor.vision]\n{extra_config}\n[preprocessor.vision.lints]\nmissing-faq-section = \"allow\"\nmissing-faq = \"allow\"\nunanswered-faq = \"allow\"\n"),
        ),
        (
            "src/SUMMARY.md".into(),
            "# Summary\n\n- [Characters](characters.md)\n".into(),
        ),
        ("src/characters.md".into(), chapter.into()),
    ]
}

fn build(line: Line, files: &[(String, String)]) -> support::Built {
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    build_files(line, &files)
}

#[test]
fn status_owner_directive_renders_the_seed_table_in_both_lines() {
    let chapter = "# Characters\n\n## Alan: the startup guy\n{{#vision character status=draft owner=@a owner=@b}}\n\nAlan is a developer.\n";
    for line in Line::ALL {
        let built = build(line, &book(chapter, ""));
        built.assert_ok();
        let html = built.chapter_html("characters.html");
        assert!(html.contains("<th>Status</th>"), "{line}: {html}");
        assert!(html.contains("<td>⚠️ Draft ⚠️</td>"), "{line}: {html}");
        assert!(
            html.contains(r#"<a href="https://github.com/a">@a</a>"#),
            "{line}: {html}"
        );
        assert!(
            html.contains(r#"<a href="https://github.com/b">@b</a>"#),
            "{line}: {html}"
        );
        assert_eq!(built.stderr, "", "{line}: no diagnostics expected");
    }
}

#[test]
fn unknown_status_fails_the_build_with_location_and_suggestion() {
    let chapter = "# Characters\n\n## Alan\n{{#vision character status=drfat}}\n";
    for line in Line::ALL {
        let built = build(line, &book(chapter, ""));
        built.assert_failed();
        assert!(
            built
                .stderr
                .contains("error[unknown-status]: unknown status `drfat`"),
            "{line}: {}",
            built.stderr
        );
        assert!(
            built.stderr.contains("--> src/characters.md:4:21"),
            "{line}: {}",
            built.stderr
        );
        assert!(
            built.stderr.contains("did you mean `draft`?"),
            "{line}: {}",
            built.stderr
        );
        assert_eq!(built.output_raw, "", "{line}: nothing on stdout on error");
    }
}

#[test]
fn unknown_config_key_fails_naming_it() {
    for line in Line::ALL {
        let built = build(line, &book("# Characters\n", "colour = 1\n"));
        built.assert_failed();
        assert!(
            built
                .stderr
                .contains("unknown key `colour` in [preprocessor.vision]"),
            "{line}: {}",
            built.stderr
        );
        assert_eq!(built.output_raw, "");
    }
}

#[test]
fn directives_in_code_and_comments_are_untouched_and_escapes_render_literally() {
    let chapter = concat!(
        "# Characters\n\n",
        "```\n{{#vision character status=draft}}\n```\n\n",
        "    {{#vision character status=draft}}\n\n",
        "Inline `{{#vision character status=draft}}` code.\n\n",
        "<!-- {{#vision character status=draft}} -->\n\n",
        "Escaped: \\{{#vision x}}\n",
    );
    // Run before mdBook's `links`, which would otherwise remove the backslash first.
    for line in Line::ALL {
        let built = build(line, &book(chapter, "before = [\"links\"]\n"));
        built.assert_ok();
        let out = built.output_chapter("characters.md");
        let expected = chapter.replace("\\{{#vision x}}", "{{#vision x}}");
        assert_eq!(out.content, expected, "{line}");
        let html = built.chapter_html("characters.html");
        assert!(html.contains("Escaped: {{#vision x}}"), "{line}: {html}");
        assert!(!html.contains("<table>"), "{line}: {html}");
    }
}

#[test]
fn after_links_a_doubled_backslash_escapes_a_directive() {
    // mdBook's `links` turns `\\{{#...}}` into `\{{#...}}`, which is ours to unescape.
    let chapter = "# Characters\n\nEscaped: \\\\{{#vision x}}\n";
    for line in Line::ALL {
        let built = build(line, &book(chapter, "after = [\"links\"]\n"));
        built.assert_ok();
        let html = built.chapter_html("characters.html");
        assert!(html.contains("Escaped: {{#vision x}}"), "{line}: {html}");
        assert_eq!(built.stderr, "", "{line}");
    }
}

#[test]
fn a_directive_must_be_a_paragraph_of_its_own() {
    // Alone in a list item or a quote: expanded there, inside the item or quote.
    let chapter = "# Characters\n\n## Alan: the startup guy\n{{#vision character status=draft}}\n\n* {{#vision roadmap-key}}\n\n> {{#vision roadmap-key}}\n";
    for line in Line::ALL {
        let built = build(line, &book(chapter, ""));
        built.assert_ok();
        let out = built.output_chapter("characters.md").content;
        assert!(
            out.contains("\n* | Emoji | Meaning |\n  | --- | --- |\n  | 🥬 |"),
            "{line}: {out}"
        );
        assert!(
            out.contains("\n> | Emoji | Meaning |\n> | --- | --- |\n> | 🥬 |"),
            "{line}: {out}"
        );
        let html = built.chapter_html("characters.html");
        assert_eq!(html.matches("<th>Emoji</th>").count(), 2, "{line}: {html}");
        assert_eq!(built.stderr, "", "{line}");
    }
    // Sharing a paragraph (also by continuing a quote above it, as an
    // `{{#include}}`d quote would), in a heading or a table: an error, and the
    // directive is not expanded.
    let cases = [
        (
            "## Alan\n{{#vision character status=draft}}\nAlan is a developer.\n",
            "4:1",
            "is inside a paragraph with other text",
        ),
        (
            "## Alan\n\n> A note\n{{#vision roadmap-key}}\n",
            "6:1",
            "continues the paragraph on line 5",
        ),
        (
            "## Alan {{#vision roadmap-key}}\n",
            "3:9",
            "is inside a heading",
        ),
        (
            "## Alan\n\n| a | b |\n| - | - |\n| {{#vision roadmap-key}} | x |\n",
            "7:3",
            "is inside a table",
        ),
    ];
    for (body, at, why) in cases {
        let chapter = format!("# Characters\n\n{body}");
        for line in Line::ALL {
            let built = build(line, &book(&chapter, ""));
            built.assert_failed();
            let expected = format!("error[misplaced-directive]: a directive must be a paragraph of its own, but this one {why}\n --> src/characters.md:{at}\n");
            assert!(built.stderr.contains(&expected), "{line}: {}", built.stderr);
            assert!(
                built.stderr.contains(
                    "= help: put it on its own line, with a blank line before and after it"
                ),
                "{line}: {}",
                built.stderr
            );
        }
    }
}

/// Runs the binary directly with `input` on stdin.
fn run(input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(preprocessor_bin())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn request(version: &str, book_shape: &str, content: &str) -> String {
    let chapter = serde_json::json!({"Chapter": {
        "name": "C", "content": content, "number": [1], "sub_items": [],
        "path": "c.md", "source_path": "c.md", "parent_names": []}});
    let book = if book_shape == "items" {
        serde_json::json!({"items": [chapter]})
    } else {
        serde_json::json!({"sections": [chapter], "__non_exhaustive": null})
    };
    serde_json::json!([
        {"root": "/b", "config": {"book": {"src": "src"}, "preprocessor": {"vision": {}}},
         "renderer": "html", "mdbook_version": version},
        book
    ])
    .to_string()
}

#[test]
fn malformed_input_is_one_clear_error_with_nothing_on_stdout() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "not valid JSON"),
        (b"[{", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"{}", "expected a JSON array `[context, book]`"),
        (b"[1, 2, 3]", "found an array of 3 elements"),
        (b"[{}, {}]", "the context has no `root` field"),
        (
            br#"[{"root":"/","config":{},"renderer":"html","mdbook_version":"0.5.4"}, {"chapters": []}]"#,
            "neither an `items` (mdBook 0.5) nor a `sections` (mdBook 0.4) array",
        ),
        (
            br#"[{"root":"/","config":{},"renderer":"html","mdbook_version":"0.5.4"}, {"items": [{"Chapter": {"name": "x"}}]}]"#,
            "chapter has no string `content`",
        ),
    ];
    for (input, expected) in cases {
        let (code, stdout, stderr) = run(input);
        assert_eq!(code, 1, "{expected}: {stderr}");
        assert_eq!(stdout, "", "{expected}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(expected), "want {expected:?} in {stderr}");
        assert!(stderr.starts_with("mdbook-vision: error: "), "{stderr}");
    }
}

#[test]
fn version_check_is_silent_for_known_lines_and_warns_once_otherwise() {
    for (version, shape) in [
        ("0.5.1", "items"),
        ("0.4.40", "sections"),
        ("0.5.4", "items"),
    ] {
        let (code, stdout, stderr) = run(request(version, shape, "# Hi\n").as_bytes());
        assert_eq!((code, stderr.as_str()), (0, ""), "{version}");
        let book: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert!(
            book.get(shape).is_some(),
            "{version}: answered in shape {shape}"
        );
    }
    let (code, stdout, stderr) = run(request("0.6.0", "items", "# Hi\n").as_bytes());
    assert_eq!(code, 0);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("mdBook 0.6.0"), "{stderr}");
    assert!(stdout.contains("\"items\""));
}

#[test]
fn output_is_idempotent_and_deterministic() {
    let content = "# C\n\n## Alan\n{{#vision character status=draft owner=@a}}\n\n## Grace\n\n| Status | Owner |\n| --- | --- |\n| ⚠ Draft | @g |\n";
    let (code, first, _) = run(request("0.5.4", "items", content).as_bytes());
    assert_eq!(code, 0);
    let (_, again, _) = run(request("0.5.4", "items", content).as_bytes());
    assert_eq!(first, again, "deterministic");
    let book: serde_json::Value = serde_json::from_str(&first).unwrap();
    let processed = book["items"][0]["Chapter"]["content"].as_str().unwrap();
    assert_eq!(
        processed,
        "# C\n\n## Alan\n| Status | Owner |\n| --- | --- |\n| ⚠️ Draft ⚠️ | [@a](https://github.com/a) |\n\n## Grace\n\n| Status | Owner |\n| --- | --- |\n| ⚠ Draft | [@g](https://github.com/g) |\n"
    );
    let (code, second, stderr) = run(request("0.5.4", "items", processed).as_bytes());
    assert_eq!((code, stderr.as_str()), (0, ""));
    let book2: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(
        book2["items"][0]["Chapter"]["content"].as_str().unwrap(),
        processed
    );
}

#[test]
fn supports_exits_zero_for_any_renderer() {
    for renderer in ["html", "markdown", "epub", "anything-at-all"] {
        let status = Command::new(preprocessor_bin())
            .args(["supports", renderer])
            .status()
            .unwrap();
        assert!(status.success(), "{renderer}");
    }
}

#[test]
fn book_toml_example_is_a_valid_configuration() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/book.toml.example")).unwrap();
    let parsed: toml::Value = toml::from_str(&text).unwrap();
    let json = serde_json::to_value(parsed).unwrap();
    let config = mdbook_vision::config::Config::from_book_config(&json).unwrap();
    let defaults = mdbook_vision::config::Config::default();
    assert_eq!(config.roadmap_key, defaults.roadmap_key);
    assert_eq!(config.faq, defaults.faq);
    assert_eq!(config.placeholders, defaults.placeholders);
    assert_eq!(config.owner_url, defaults.owner_url);
}
