//! Heading ids from `anchor::AnchorMaker` against the ids that REAL builds of
//! mdBook 0.4.52 and 0.5.4 put in their HTML, plus literal cases per line.

use mdbook_vision::anchor::{
    book_parser_options, parser_options, smart_punctuation, AnchorMaker, MdbookLine,
};
use mdbook_vision::scan::{self, ParseSettings};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::fs;
use std::path::Path;

// ---------------------------------------------------------------------------
// Driving AnchorMaker the way the scanner does: one pass, events in order.

/// `(element, id)` for every heading and definition term, in document order.
fn expected_ids(line: MdbookLine, options: Options, md: &str) -> Vec<(String, String)> {
    let mut maker = AnchorMaker::new(line);
    let mut out = Vec::new();
    let mut heading: Option<(Tag, Vec<Event>)> = None;
    let mut term: Option<Vec<Event>> = None;
    for event in Parser::new_ext(md, options) {
        match event {
            Event::Start(tag @ Tag::Heading { .. }) => heading = Some((tag, Vec::new())),
            Event::End(TagEnd::Heading(level)) => {
                let (tag, inline) = heading.take().unwrap();
                out.push((level.to_string(), maker.heading_tag(&tag, &inline)));
            }
            Event::Start(Tag::DefinitionListTitle) => term = Some(Vec::new()),
            Event::End(TagEnd::DefinitionListTitle) => {
                if let Some(id) = maker.definition_term(&term.take().unwrap()) {
                    out.push(("dt".to_string(), id));
                }
            }
            e => match (&mut heading, &mut term) {
                (Some((_, inline)), _) | (None, Some(inline)) => inline.push(e),
                (None, None) => maker.observe(&e),
            },
        }
    }
    out
}

/// Just the ids, parsed with `parser_options(line, smart)`.
fn ids(line: MdbookLine, smart: bool, md: &str) -> Vec<String> {
    expected_ids(line, parser_options(line, smart), md)
        .into_iter()
        .map(|(_, id)| id)
        .collect()
}

// ---------------------------------------------------------------------------
// Reading the built HTML.

/// `(element, id)` of every `<h1>`…`<h6>` and `<dt>` inside `<main>`, in order,
/// skipping the test's raw HTML headings (class `raw`). No id → `""`.
fn built_ids(html: &str) -> Vec<(String, String)> {
    let start = html.find("<main>").expect("<main>") + "<main>".len();
    let end = html[start..].find("</main>").expect("</main>") + start;
    let main = &html[start..end];
    let mut out = Vec::new();
    let mut rest = main;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        if !matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt") {
            continue;
        }
        let tag = &rest[..rest.find('>').expect("end of start tag")];
        if attr(tag, "class").is_some_and(|c| c.split(' ').any(|c| c == "raw")) {
            continue;
        }
        out.push((name.to_string(), attr(tag, "id").unwrap_or_default()));
    }
    out
}

/// An attribute's value in a start tag, entities decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!(" {name}=\"");
    let at = tag.find(&pat)? + pat.len();
    let value = &tag[at..at + tag[at..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

// ---------------------------------------------------------------------------
// The book.

const SUMMARY: &str = "# Summary

[Intro](README.md)

- [Tricky](tricky.md)
- [Dupes](dupes.md)
- [Terms](terms.md)
- [Raw](raw.md)
- [Notes](notes.md)
";

const README: &str = "# Vision doc

## 😱 Status quo stories

## ✨ Shiny future stories

## 😱 Status quo stories
";

const TRICKY: &str = r#"# 😱 Status quo stories

## Alan has a blast standing up a web server

## Barbara's "new" project: step 1 -- setup

## It’s curly --- and 'straight'... too

## Équipe Ärger ÖL

## `cargo build` is *slow* and **loud** with [a link](dupes.md#a "title") ~~gone~~

## Tom &amp; Jerry &lt;3 &quot;q&quot; &#39;s &copy; &nbsp;x

## A <span class="x">span</span> inside <em>html</em> <!-- note -->

## #1 priority

## # hash after

##   padded   ##

## ✨

## Ünïcödé İstanbul ΣΑΣ STRASSE straße ǅ

## Link to [`code` in link](https://example.com) and <https://example.org>

## Image ![alt *text*](img.png "t") after

## snake_case and-dashes--double __bold__

## Custom {#custom-id}

## Class only {.fancy}

## Attrs {.fancy data-x=1}

## Both {#both-id data-x=1}

## Id attr {id=attr-id}

## Menu {.menu-title}

## Escaped id {#a&b}

Setext
multi line
----------

Hard\
break
=====

## a < b > c & d

## Emoji 🦀 in the 🌊 middle

## Tab	and  two spaces

## 12345

## Title with `<code>` and \<escaped\>

## C++ & C# -- what's new in 2024?

## Closing hashes ##

## Attr then hashes {#attr-hashes} ##

## Q&A: "Don't" 'panic'...

## a

## a
"#;

const DUPES: &str = "## Repeat

## Repeat

## Repeat

## a

## a

## a-1

## a-1

## Custom {#repeat}

## Repeat

## repeat-2

##

##

#

## Repeat {#a}

## a
";

const TERMS: &str = "## Term

Term
: The definition.

## Term

Other *term*
: A definition.

## Other term

Term
: Again.

`code` term
: Code.
";

const RAW: &str = r#"<h2 class="raw">Raw</h2>

## Raw

Text with inline <h3 class="raw">Inline raw</h3> heading.

## Inline raw

<!-- <h2 class="raw">Commented</h2> -->

## Commented

An image ![with <h3>alt</h3> html](x.png) in a paragraph.

## Alt

## Note[^1]

## Two notes[^a] [^b]

Paragraph with a note[^c] and ![an *image*](x.png "<h3>x</h3>").

## Third[^c]

[^1]: One.
[^a]: A.
[^b]: B.
[^c]: C.
[^d]: D.

## After image[^d]

> [!NOTE]
> An alert.

- list item

  ## Heading in list

> ## Heading in quote

| Table |
| ----- |
| cell  |

## Table
"#;

/// pulldown-cmark 0.10 (mdBook 0.4) reads `[^a][^b]` as the text `[^a]` and a
/// reference to `b`; 0.13 sees two references. So 0.4 is not compared here.
const NOTES: &str = "## Notes[^a][^b]\n\n[^a]: A.\n[^b]: B.\n";

const CHAPTERS: &[(&str, &str)] = &[
    ("README.md", README),
    ("tricky.md", TRICKY),
    ("dupes.md", DUPES),
    ("terms.md", TERMS),
    ("raw.md", RAW),
    ("notes.md", NOTES),
];

/// Writes the book with `html_table` as `[output.html]`; returns its config as
/// JSON, the way mdBook hands it to preprocessors.
fn write_book(dir: &Path, html_table: &str) -> serde_json::Value {
    let toml =
        format!("[book]\ntitle = \"Anchors\"\nlanguage = \"en\"\n\n[output.html]\n{html_table}\n");
    fs::write(dir.join("book.toml"), &toml).unwrap();
    let src = dir.join("src");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("SUMMARY.md"), SUMMARY).unwrap();
    for (name, text) in CHAPTERS {
        fs::write(src.join(name), text).unwrap();
    }
    let value: toml::Value = toml::from_str(&toml).unwrap();
    serde_json::to_value(value).unwrap()
}

fn build(line: MdbookLine, dir: &Path) {
    match line {
        MdbookLine::V04 => mdbook04::MDBook::load(dir).unwrap().build().unwrap(),
        MdbookLine::V05 => mdbook_driver::MDBook::load(dir).unwrap().build().unwrap(),
    }
}

/// Builds the book for real and compares every chapter's ids with ours.
/// `smart` is what the config should mean for smart punctuation.
fn check_real_build(line: MdbookLine, html_table: &str, smart: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let config = write_book(tmp.path(), html_table);
    assert_eq!(
        smart_punctuation(line, &config),
        smart,
        "{line:?} [{html_table}]"
    );
    build(line, tmp.path());
    let options = book_parser_options(line, &config);
    for (name, text) in CHAPTERS {
        if line == MdbookLine::V04 && *name == "notes.md" {
            continue;
        }
        let html_name = match *name {
            "README.md" => "index.html".to_string(),
            n => n.replace(".md", ".html"),
        };
        let html = fs::read_to_string(tmp.path().join("book").join(&html_name)).unwrap();
        let built = built_ids(&html);
        assert_eq!(
            built,
            expected_ids(line, options, text),
            "{line:?} [{html_table}] {name}"
        );
        // The scanner, which feeds the whole pipeline, must see the same ids.
        let scanned = scan::scan(
            text,
            ParseSettings::for_book(line, &config),
            &mdbook_vision::answer::Placeholders::default(),
        );
        let mut ours: Vec<String> = scanned
            .headings
            .iter()
            .map(|h| h.id().to_string())
            .collect();
        ours.extend(scanned.term_ids.iter().cloned());
        let mut theirs: Vec<String> = built.into_iter().map(|(_, id)| id).collect();
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs, "scanner: {line:?} [{html_table}] {name}");
    }
}

#[test]
fn v04_default_has_no_smart_punctuation() {
    check_real_build(MdbookLine::V04, "", false);
}

#[test]
fn v04_smart_punctuation() {
    check_real_build(MdbookLine::V04, "smart-punctuation = true", true);
}

#[test]
fn v04_curly_quotes_alias() {
    check_real_build(MdbookLine::V04, "curly-quotes = true", true);
}

#[test]
fn v05_default_has_smart_punctuation() {
    check_real_build(MdbookLine::V05, "", true);
}

#[test]
fn v05_smart_punctuation_off() {
    check_real_build(MdbookLine::V05, "smart-punctuation = false", false);
}

#[test]
fn v05_unknown_html_key_resets_everything_to_defaults() {
    // 0.5 rejects the whole [output.html] table over `curly-quotes` and renders
    // with its defaults: smart punctuation back on.
    check_real_build(
        MdbookLine::V05,
        "smart-punctuation = false\ncurly-quotes = false",
        true,
    );
}

#[test]
fn v05_definition_lists_off() {
    check_real_build(MdbookLine::V05, "definition-lists = false", true);
}

// ---------------------------------------------------------------------------
// Literal cases: a regression shows a readable diff.

#[test]
fn v04_literal_ids() {
    let md = "# 😱 Status quo stories\n\
              ## Barbara's \"new\" project: step 1 -- setup\n\
              ## Équipe Ärger\n\
              ## `--passes`: add *more* [rustdoc](x.md) passes\n\
              ## Tom &amp; Jerry\n\
              ## # hash\n\
              ## Custom {#my-id}\n\
              ## Attrs {data-x=1}\n\
              ## a\n## a\n## a-1\n##\n##\n";
    assert_eq!(
        ids(MdbookLine::V04, false, md),
        [
            "-status-quo-stories",
            "barbaras-new-project-step-1----setup",
            "Équipe-Ärger",
            "--passes-add-more-rustdoc-passes",
            "tom--jerry",
            "hash",
            "my-id",
            "", // attributes other than id/class: 0.4 gives no id
            "a",
            "a-1",
            "a-1", // 0.4 does not check for collisions
            "",
            "-1",
        ]
    );
    // Smart punctuation turns `--` into `–`, which is dropped.
    assert_eq!(
        ids(MdbookLine::V04, true, "## step 1 -- setup\n"),
        ["step-1--setup"]
    );
    // A multi-line (setext) heading does not fit 0.4's regex: no id.
    assert_eq!(ids(MdbookLine::V04, false, "Two\nlines\n---\n"), [""]);
}

#[test]
fn v05_literal_ids() {
    let md = "# 😱 Status quo stories\n\
              ## Barbara's \"new\" project: step 1 -- setup\n\
              ## Équipe Ärger\n\
              ## `--passes`: add *more* [rustdoc](x.md) passes\n\
              ## Tom &amp; Jerry\n\
              ## # hash\n\
              ## Custom {#my-id}\n\
              ## Attrs {data-x=1}\n\
              ## a\n## a\n## a-1\n##\n##\n\
              Two\nlines\n---\n";
    assert_eq!(
        ids(MdbookLine::V05, true, md),
        [
            "-status-quo-stories",
            "barbaras-new-project-step-1--setup",
            "équipe-ärger",
            "--passes-add-more-rustdoc-passes",
            "tom--jerry",
            "-hash",
            "my-id",
            "attrs",
            "a",
            "a-1",
            "a-1-1", // 0.5 skips ids already taken
            "",
            "-1",
            "two-lines",
        ]
    );
    assert_eq!(
        ids(MdbookLine::V05, false, "## step 1 -- setup\n"),
        ["step-1----setup"]
    );
}

#[test]
fn v05_definition_terms_share_the_pool() {
    let md = "## Term\n\nTerm\n: def\n\n## Term\n";
    let opts = parser_options(MdbookLine::V05, true);
    assert_eq!(
        expected_ids(MdbookLine::V05, opts, md),
        [
            ("h2".to_string(), "term".to_string()),
            ("dt".to_string(), "term-1".to_string()),
            ("h2".to_string(), "term-2".to_string()),
        ]
    );
    // 0.4 has no definition lists at all.
    let opts = parser_options(MdbookLine::V04, false);
    assert_eq!(
        expected_ids(MdbookLine::V04, opts, md),
        [
            ("h2".to_string(), "term".to_string()),
            ("h2".to_string(), "term-1".to_string()),
        ]
    );
}

#[test]
fn explicit_ids_are_not_taken_from_the_pool() {
    // Neither line records explicit ids, so a later heading can repeat one.
    for line in [MdbookLine::V04, MdbookLine::V05] {
        assert_eq!(
            ids(line, false, "## X {#a}\n## a\n"),
            ["a", "a"],
            "{line:?}"
        );
    }
}

#[test]
fn raw_html_headings_count_on_v04_only() {
    let md = "<h2>Raw</h2>\n\n## Raw\n";
    assert_eq!(ids(MdbookLine::V04, false, md), ["raw-1"]);
    assert_eq!(ids(MdbookLine::V05, true, md), ["raw"]);
}

#[test]
fn footnote_numbers_show_in_ids() {
    let md = "Text[^x].\n\n## Note[^y]\n\n[^x]: X.\n[^y]: Y.\n";
    assert_eq!(ids(MdbookLine::V04, false, md), ["note2"]);
    assert_eq!(ids(MdbookLine::V05, true, md), ["note2"]);
}

#[test]
fn versions_map_to_lines() {
    let line = |v: &str| MdbookLine::from_version(&semver::Version::parse(v).unwrap());
    assert_eq!(line("0.4.52"), MdbookLine::V04);
    assert_eq!(line("0.3.7"), MdbookLine::V04);
    assert_eq!(line("0.5.0-alpha.1"), MdbookLine::V05);
    assert_eq!(line("0.5.4"), MdbookLine::V05);
    assert_eq!(line("0.6.0"), MdbookLine::V05);
    assert_eq!(line("1.0.0"), MdbookLine::V05);
}

#[test]
fn config_switches() {
    let cfg = |html: serde_json::Value| serde_json::json!({ "output": { "html": html } });
    let none = serde_json::json!({});
    assert!(!smart_punctuation(MdbookLine::V04, &none));
    assert!(smart_punctuation(MdbookLine::V05, &none));
    let off = cfg(serde_json::json!({ "smart-punctuation": false }));
    assert!(!smart_punctuation(MdbookLine::V05, &off));
    let on = cfg(serde_json::json!({ "curly-quotes": true }));
    assert!(smart_punctuation(MdbookLine::V04, &on));
    // A wrongly typed switch makes mdBook drop the whole table: defaults.
    let bad = cfg(serde_json::json!({ "smart-punctuation": false, "admonitions": "no" }));
    assert!(smart_punctuation(MdbookLine::V05, &bad));
    let bad = cfg(serde_json::json!({ "smart-punctuation": "yes" }));
    assert!(!smart_punctuation(MdbookLine::V04, &bad));

    let no_dl = cfg(serde_json::json!({ "definition-lists": false, "admonitions": false }));
    let o = book_parser_options(MdbookLine::V05, &no_dl);
    assert!(!o.contains(Options::ENABLE_DEFINITION_LIST));
    assert!(!o.contains(Options::ENABLE_GFM));
    assert!(o.contains(Options::ENABLE_SMART_PUNCTUATION));
    let o = book_parser_options(MdbookLine::V04, &none);
    assert_eq!(
        o,
        Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES
    );
}

#[test]
fn never_panics_on_odd_input() {
    let odd = [
        "## <h",
        "## <h1",
        "## <h1>",
        "## <h1 id=\"\">x</h",
        "<h2 id=\"a\" class=\"b\">x</h2></h9>",
        "<h2 id=\"a",
        "<h2 class=\"menu-title\">x</h2>",
        "<h٣>x</h٣>",
        "## é<\n## <é>\n",
        "## [^]\n",
        "## ![![x](y)](z)\n",
        "##\u{0}\n",
    ];
    for md in odd {
        for line in [MdbookLine::V04, MdbookLine::V05] {
            for smart in [false, true] {
                ids(line, smart, md);
            }
        }
    }
}

proptest::proptest! {
    #[test]
    fn never_panics_on_random_markdown(
        md in "([<>/h1-6 \"'#{}=.\n*_`\\[\\]()^:!&;|~\\\\-]|[a-zé😱İ]){0,120}"
    ) {
        for line in [MdbookLine::V04, MdbookLine::V05] {
            for smart in [false, true] {
                ids(line, smart, &md);
            }
        }
    }
}

#[test]
fn long_lines_of_unclosed_tags_stay_fast() {
    let md = format!("{}\n\n## End\n", "x <h1> <h2 id=\"a\"> ".repeat(20_000));
    assert_eq!(ids(MdbookLine::V04, false, &md), ["end"]);
    let md = format!("## {}\n", "<h1>".repeat(20_000));
    assert_eq!(ids(MdbookLine::V04, false, &md), [""]);
}
