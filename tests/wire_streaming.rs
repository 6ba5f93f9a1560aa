//! The binary scans chapters while the book is still being read (issue 9):
//! chapter texts leave the JSON as they are parsed and come back by number.
//! These books are written by hand so the JSON can be what mdBook never
//! sends: keys in any order, a key twice, both wire shapes at once.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs the binary with `input` on stdin: (exit code, stdout, stderr).
fn run_bin(input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdbook-vision"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.as_bytes().to_vec();
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

fn context(version: &str) -> String {
    format!(
        r#"{{"root": "/b", "config": {{"book": {{"src": "src"}}, "preprocessor": {{"vision": {{}}}}}},
            "renderer": "html", "mdbook_version": "{version}"}}"#
    )
}

const CHARACTER: &str = r"# Grace\n\n{{#vision character status=draft owner=@grace}}\n\nGrace is a systems programmer.\n";
const STORY: &str = r"# Grace tries async\n\n{{#vision status-quo character=Grace status=draft owner=@grace}}\n\nText.\n";

/// Each chapter's `content` in the output book, depth first.
fn contents(book: &Value) -> Vec<String> {
    fn walk(items: &Value, out: &mut Vec<String>) {
        for item in items.as_array().unwrap() {
            if let Some(ch) = item.get("Chapter") {
                out.push(ch["content"].as_str().unwrap().to_string());
                walk(&ch["sub_items"], out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&book["items"], &mut out);
    out
}

/// The same two chapters, written with the keys in mdBook's order.
fn plain_book(version: &str) -> String {
    format!(
        r#"[{}, {{"items": [
            {{"Chapter": {{"name": "Grace", "content": "{CHARACTER}", "number": null, "sub_items": [
                {{"Chapter": {{"name": "Story", "content": "{STORY}", "number": null, "sub_items": [],
                  "path": "status_quo/grace.md", "source_path": "status_quo/grace.md", "parent_names": ["Grace"]}}}}
            ], "path": "characters/grace.md", "source_path": "characters/grace.md", "parent_names": []}}}}
        ]}}]"#,
        context(version)
    )
}

#[test]
fn key_order_does_not_change_which_text_belongs_to_which_chapter() {
    let (code, plain, stderr) = run_bin(&plain_book("0.5.4"));
    assert_eq!(code, 0, "{stderr}");
    // `sub_items` (with the story) before the character's own `content`: the
    // story's text is read first, yet each text returns to its own chapter.
    let reordered = format!(
        r#"[{}, {{"items": [
            {{"Chapter": {{"sub_items": [
                {{"Chapter": {{"parent_names": ["Grace"], "source_path": "status_quo/grace.md", "path": "status_quo/grace.md",
                  "sub_items": [], "number": null, "content": "{STORY}", "name": "Story"}}}}
            ], "parent_names": [], "source_path": "characters/grace.md", "path": "characters/grace.md",
               "number": null, "content": "{CHARACTER}", "name": "Grace"}}}}
        ]}}]"#,
        context("0.5.4")
    );
    let (code, out, stderr) = run_bin(&reordered);
    assert_eq!(code, 0, "{stderr}");
    let (plain, out): (Value, Value) = (
        serde_json::from_str(&plain).unwrap(),
        serde_json::from_str(&out).unwrap(),
    );
    let texts = contents(&out);
    assert_eq!(texts, contents(&plain));
    assert!(
        texts[0].starts_with("# Grace\n\n| Status | Owner |"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].starts_with("# Grace tries async\n"),
        "{}",
        texts[1]
    );
}

/// Asserts whether `book` is past the size from which the preprocessor splits
/// its work over the cores: the tests here run on both sides of it.
fn assert_split_over_cores(book: &str, split: bool) {
    let past = book.len() > mdbook_vision::parallel::MIN_PARALLEL_BYTES;
    assert_eq!(past, split, "{} bytes", book.len());
}

#[test]
fn a_chapter_with_content_twice_keeps_the_last_as_json_does() {
    // Small books are read on one thread; past 2 MiB the texts are scanned
    // on the other core while the book is parsed, which must keep the last too.
    let filler = format!(r#""{}""#, "Filler text. ".repeat(100));
    for fillers in [0, 2400] {
        let others: String = (0..fillers)
            .map(|i| {
                format!(
                    r#", {{"Chapter": {{"name": "F{i}", "content": {filler}, "number": null, "sub_items": [],
                      "path": "f{i}.md", "source_path": "f{i}.md", "parent_names": []}}}}"#
                )
            })
            .collect();
        let book = format!(
            r#"[{}, {{"items": [
                {{"Chapter": {{"name": "Grace", "content": "first text, dropped", "number": null, "sub_items": [],
                  "path": "characters/grace.md", "source_path": "characters/grace.md", "parent_names": [],
                  "content": "{CHARACTER}"}}}}{others}
            ]}}]"#,
            context("0.5.4")
        );
        assert_split_over_cores(&book, fillers > 0);
        let (code, out, stderr) = run_bin(&book);
        assert_eq!(code, 0, "{stderr}");
        let texts = contents(&serde_json::from_str(&out).unwrap());
        assert_eq!(texts.len(), 1 + fillers);
        assert!(
            texts[0].starts_with("# Grace\n\n| Status | Owner |"),
            "{}",
            texts[0]
        );
        assert!(!out.contains("dropped"));
    }
}

#[test]
fn an_unreadable_version_reads_the_book_first_and_gives_the_same_result() {
    // Without a version the shape decides the mdBook line, so nothing can be
    // scanned ahead; the result must not differ.
    let (code, ahead, _) = run_bin(&plain_book("0.5.4"));
    let (code2, after, stderr) = run_bin(&plain_book("not-a-version"));
    assert_eq!((code, code2), (0, 0), "{stderr}");
    assert!(
        stderr.contains("unreadable version `not-a-version`"),
        "{stderr}"
    );
    let (ahead, after): (Value, Value) = (
        serde_json::from_str(&ahead).unwrap(),
        serde_json::from_str(&after).unwrap(),
    );
    assert_eq!(contents(&ahead), contents(&after));
}

#[test]
fn a_book_with_both_shapes_is_refused() {
    let book = format!(
        r#"[{}, {{"items": [], "sections": [{{"Chapter": {{"name": "A", "content": "a", "number": null,
            "sub_items": [], "path": "a.md", "source_path": "a.md", "parent_names": []}}}}]}}]"#,
        context("0.5.4")
    );
    let (code, out, stderr) = run_bin(&book);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "mdbook-vision: error: could not read the book from mdBook: the input is not what mdBook sends: the book has both `items` (mdBook 0.5) and `sections` (mdBook 0.4)\n"
    );
}

#[test]
fn a_content_string_outside_the_book_is_left_alone() {
    // `content` and `Chapter` keys in the context, and a `content` that is not
    // a chapter's, are ordinary values: they come back as they went in.
    let book = r#"[{"root": "/b", "config": {"book": {"src": "src"}, "Chapter": {"content": "not a chapter"}},
             "renderer": "html", "mdbook_version": "0.5.4"},
            {"items": [{"PartTitle": "Part"}, "Separator",
              {"Chapter": {"name": "A", "content": "plain text", "number": null, "sub_items": [],
                "path": "a.md", "source_path": "a.md", "parent_names": [], "extra": {"content": "kept"}}}]}]"#;
    let (code, out, stderr) = run_bin(book);
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(contents(&out), vec!["plain text".to_string()]);
    assert_eq!(out["items"][2]["Chapter"]["extra"]["content"], "kept");
    assert_eq!(out["items"][0]["PartTitle"], "Part");
}

#[test]
fn a_book_without_vision_content_comes_back_byte_for_byte() {
    // Keys in mdBook's order, a field a future mdBook might add, the 0.4
    // `__non_exhaustive` marker and other items: the book is written back
    // exactly as serde_json writes what came in (no key sorted, none lost).
    let book = r#"{"sections":[{"Chapter":{"name":"A","content":"plain text\n","number":[1],"sub_items":[{"Chapter":{"name":"B","content":"more","number":[1,1],"sub_items":[],"path":"b.md","source_path":"b.md","parent_names":["A"],"zz_new":{"y":[1,2.5,null]}}}],"path":"a.md","source_path":"a.md","parent_names":[]}},"Separator",{"PartTitle":"Part"}],"__non_exhaustive":null}"#;
    let input = format!("[{}, {book}]", context("0.4.52"));
    let (code, out, stderr) = run_bin(&input);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out, book);
}

#[test]
fn a_chapter_item_with_other_keys_is_refused() {
    let book = format!(
        r#"[{}, {{"items": [{{"Chapter": {{"name": "A", "content": "a", "number": null, "sub_items": [],
            "path": "a.md", "source_path": "a.md", "parent_names": []}}, "Other": 1}}]}}]"#,
        context("0.5.4")
    );
    let (code, out, stderr) = run_bin(&book);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "mdbook-vision: error: could not read the book from mdBook: the input is not what mdBook sends: book item 1: a `Chapter` item has other keys beside `Chapter`\n"
    );
}

/// A book of `n` chapters (a story and a character in turn, every fifth with
/// a sub-chapter), as mdBook 0.5 sends it.
fn many_chapter_book(n: usize) -> String {
    many_chapter_book_with(n, false)
}

/// [`many_chapter_book`], with each chapter's `content` after its
/// `sub_items` when `content_last`: a sub-chapter's text comes first.
fn many_chapter_book_with(n: usize, content_last: bool) -> String {
    let mut items = Vec::new();
    for i in 0..n {
        let text = if i % 2 == 0 { STORY } else { CHARACTER };
        // Long enough that 4,000 chapters are past 2 MiB of text: edits are
        // then made on another core, ahead of the writer.
        let padding = "Some words to read. ".repeat(30);
        let content =
            format!(r#""content": "{text}\n\nChapter {i} \"quoted\" \\ tab\t.\n\n{padding}\n", "#);
        // The first sub-chapter reports on every entry: its table is written
        // straight into the book, the quoted one's made as an edit.
        let sub_text = if i == 0 {
            r"# Sub 0\n\n{{#vision faq-report}}\n\n> {{#vision faq-report}}\n".to_string()
        } else {
            format!(r"# Sub {i}\n")
        };
        let sub = if i % 5 == 0 {
            format!(
                r##"{{"Chapter": {{"name": "Sub {i}", "content": "{sub_text}", "number": null, "sub_items": [],
                    "path": "sub{i}.md", "source_path": "sub{i}.md", "parent_names": ["C{i}"]}}}}"##
            )
        } else {
            String::new()
        };
        let (before, after) = if content_last {
            ("", content.as_str())
        } else {
            (content.as_str(), "")
        };
        items.push(format!(
            r#"{{"Chapter": {{"name": "C{i}", {before}"number": null, "sub_items": [{sub}], {after}
                "path": "c{i}.md", "source_path": "c{i}.md", "parent_names": []}}}}"#
        ));
    }
    format!(
        r#"[{}, {{"items": [{}], "__non_exhaustive": null}}]"#,
        context("0.5.4"),
        items.join(",")
    )
}

/// The book as the plan's texts, applied and put back, serialise it.
fn applied_book(input: &str) -> Vec<u8> {
    // The preprocessor keeps its input to the end of the process.
    let bytes: &'static mut [u8] = input.as_bytes().to_vec().leak();
    let mdbook_vision::Preprocessed {
        mut request,
        texts: chapters,
        plan,
    } = mdbook_vision::preprocess(bytes, &mut |_| {}).unwrap();
    let texts: Vec<String> = plan.apply(chapters).collect();
    mdbook_vision::wire::put_chapters(&mut request, texts);
    let mut out = Vec::new();
    mdbook_vision::wire::write_book(&request, &mut out).unwrap();
    out
}

#[test]
fn the_written_book_holds_the_applied_texts_in_book_order() {
    for n in [3, 40, 333, 4000] {
        let input = many_chapter_book(n);
        // The last is past 2 MiB: scanned on the other core as it is parsed.
        assert_split_over_cores(&input, n == 4000);
        // The preprocessor keeps its input to the end of the process.
        let bytes: &'static mut [u8] = input.as_bytes().to_vec().leak();
        let mdbook_vision::Preprocessed {
            request,
            texts: chapters,
            plan,
        } = mdbook_vision::preprocess(bytes, &mut |_| {}).unwrap();
        assert!(
            plan.edits(&chapters).iter().any(|e| !e.is_empty()),
            "some text changes"
        );
        let mut written = Vec::new();
        plan.write_book(&request, &chapters, &mut written).unwrap();
        let written = String::from_utf8(written).unwrap();
        assert_eq!(
            written,
            String::from_utf8(applied_book(&input)).unwrap(),
            "{n} chapters"
        );
        // Both reports are there, the one written straight into the book
        // (a row per story and character) and the quoted one.
        let out: Value = serde_json::from_str(&written).unwrap();
        let reports = out["items"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"]
            .as_str()
            .unwrap();
        assert!(reports.starts_with("# Sub 0\n\n| Entry | Kind | FAQ |\n| --- | --- | --- |\n| ["));
        assert_eq!(reports.matches("\n| [").count(), n, "{reports}");
        assert_eq!(reports.matches("\n> | [").count(), n, "{reports}");
        assert!(reports.contains(&format!("\n\n**Total:** {n} entries")));
    }
}

/// A vision book of `n` characters, status quo stories and shiny futures,
/// linked every way a book writes it: directives with values plain and
/// quoted, hand-written tables of links and of plain names, headings with
/// markup, FAQs.
fn linked_vision_book(n: usize) -> String {
    let chapter = |path: String, text: String| {
        let text = serde_json::to_string(&text).unwrap();
        format!(
            r#"{{"Chapter": {{"name": "{path}", "content": {text}, "number": null,
                "sub_items": [], "path": "{path}", "source_path": "{path}", "parent_names": []}}}}"#
        )
    };
    let mut items = Vec::new();
    for i in 0..n {
        // One link that lands nowhere (each would be checked against every title).
        let broken = if i == 0 {
            ", [none](../status_quo/missing.md)"
        } else {
            ""
        };
        items.push(chapter(
            format!("characters/grace{i}.md"),
            format!("# Grace{i}: a tester\n\nShe tests *things*.\n"),
        ));
        items.push(chapter(
            format!("status_quo/sq{i}.md"),
            format!(
                "# 😱 Status quo stories: Grace{i} tries `async` (story {i})\n\n\
                 {{{{#vision status-quo character=Grace{i} future=\"Grace{i} has a blast\" \
                 assigned=\"@someone\"}}}}\n\n## The story\n\nShe reads [the guide](../characters/grace{i}.md).\n\n\
                 ## 🤔 Frequently Asked Questions\n\n### What are the morals of the story?\n\n* Tests help.\n"
            ),
        ));
        items.push(chapter(
            format!("shiny_future/sf{i}.md"),
            format!(
                "# ✨ Shiny future stories: Grace{i} has a blast\n\n\
                 | Character | Status quo | Assigned To |\n| --- | --- | --- |\n\
                 | Grace{i} | [Grace{i} tries `async`](../status_quo/sq{i}.md){broken} \
                 | someone |\n\n## The [story](#the-story) itself\n\nAll good.\n"
            ),
        ));
    }
    format!(
        r#"[{}, {{"items": [{}], "__non_exhaustive": null}}]"#,
        context("0.5.4"),
        items.join(",")
    )
}

#[test]
fn a_borrowed_input_gives_the_same_book_and_diagnostics_as_one_kept_to_the_end() {
    // The kept input's scans hold ranges of its texts (and a big book's are
    // made ahead, from copies, then attached); the borrowed one's copy their
    // strings. Both must read the same.
    for n in [10, 3000] {
        let input = linked_vision_book(n);
        assert_split_over_cores(&input, n == 3000);
        let written = |p: mdbook_vision::Preprocessed| {
            let mut out = Vec::new();
            p.plan.write_book(&p.request, &p.texts, &mut out).unwrap();
            let told = mdbook_vision::diag::render_human(&p.plan.diagnostics, false);
            (String::from_utf8(out).unwrap(), told)
        };
        let kept = mdbook_vision::preprocess(input.as_bytes().to_vec().leak(), &mut |_| {});
        let mut bytes = input.as_bytes().to_vec();
        let borrowed = mdbook_vision::preprocess_borrowed(&mut bytes, &mut |_| {});
        let (kept, borrowed) = (written(kept.unwrap()), written(borrowed.unwrap()));
        // The stories' tables name their characters and partners by link.
        let last = n - 1;
        let expanded = format!(
            "| [Grace{last}](../characters/grace{last}.md) | \
             [Grace{last} has a blast](../shiny_future/sf{last}.md) |"
        );
        assert!(kept.0.contains(&expanded), "{expanded}");
        // A character named in plain text is linked.
        let linked = format!("| [Grace{last}](../characters/grace{last}.md) | [Grace{last} tries");
        assert!(kept.0.contains(&linked), "{linked}");
        assert!(kept.1.contains("missing.md"), "{}", kept.1);
        assert_eq!(kept, borrowed, "{n} stories");
    }
}

#[test]
fn texts_asked_for_out_of_book_order_are_written_with_their_own_edits() {
    // Past 2 MiB, so each chapter's edits are made on another core ahead of
    // the writer, in book order; the writer here comes to each sub-chapter's
    // text before its parent's.
    let input = many_chapter_book_with(4000, true);
    assert_split_over_cores(&input, true);
    // The preprocessor keeps its input to the end of the process.
    let bytes: &'static mut [u8] = input.as_bytes().to_vec().leak();
    let mdbook_vision::Preprocessed {
        request,
        texts: chapters,
        plan,
    } = mdbook_vision::preprocess(bytes, &mut |_| {}).unwrap();
    let mut written = Vec::new();
    plan.write_book(&request, &chapters, &mut written).unwrap();
    let written = String::from_utf8(written).unwrap();
    assert_eq!(written, String::from_utf8(applied_book(&input)).unwrap());
    // The parents' texts are changed ones, each in its own place.
    let out: Value = serde_json::from_str(&written).unwrap();
    let first = &out["items"][0]["Chapter"];
    assert!(first["content"].as_str().unwrap().contains("Chapter 0 "));
    assert_ne!(
        first["content"],
        serde_json::from_str::<Value>(&input).unwrap()[1]["items"][0]["Chapter"]["content"]
    );
}

/// Output that takes `left` bytes, then fails.
struct FailingAfter {
    left: usize,
}

impl Write for FailingAfter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "reader went away",
            ));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn output_that_fails_stops_the_writing_with_its_error() {
    let input = many_chapter_book(500);
    // The preprocessor keeps its input to the end of the process.
    let bytes: &'static mut [u8] = input.as_bytes().to_vec().leak();
    let mdbook_vision::Preprocessed {
        request,
        texts: chapters,
        plan,
    } = mdbook_vision::preprocess(bytes, &mut |_| {}).unwrap();
    for left in [0, 1, 5_000, 100_000] {
        let err = plan
            .write_book(&request, &chapters, &mut FailingAfter { left })
            .unwrap_err();
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::BrokenPipe,
            "after {left} bytes"
        );
    }
}
