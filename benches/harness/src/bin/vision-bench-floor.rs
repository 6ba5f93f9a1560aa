//! The floors mdbook-vision is measured against: preprocessors that do nothing.
//!
//! `vision-bench-floor MODE` reads `[context, book]` on stdin and writes the
//! book back on stdout, unchanged:
//!
//! - `unbuffered`: the usual skeleton, `serde_json::from_reader(io::stdin())`
//!   and `serde_json::to_writer(io::stdout(), …)` (no buffering);
//! - `a`: the same with a `BufReader` on stdin and a `BufWriter` on stdout;
//! - `b`: (a) plus one pulldown-cmark 0.13 offset-iterator pass over every
//!   chapter, with the options mdBook parses chapters with.
//!
//! The book is deserialised into typed structs shaped like mdBook's own
//! (`BookItem::Chapter`, `Separator`, `PartTitle`, both `sections` (0.4) and
//! `items` (0.5)); the context's `config` is a `serde_json::Value`.

use pulldown_cmark::{Options, Parser};
use serde::{Deserialize, Deserializer, Serialize};
use std::io::{self, BufReader, BufWriter, Write};

#[derive(Serialize, Deserialize)]
struct Context {
    root: String,
    config: serde_json::Value,
    renderer: String,
    mdbook_version: String,
}

#[derive(Serialize, Deserialize)]
struct Book {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sections: Option<Vec<BookItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    items: Option<Vec<BookItem>>,
    /// 0.4 writes `"__non_exhaustive": null`; kept when present.
    #[serde(
        rename = "__non_exhaustive",
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    non_exhaustive: Option<serde_json::Value>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

#[derive(Serialize, Deserialize)]
enum BookItem {
    Chapter(Chapter),
    Separator,
    PartTitle(String),
}

#[derive(Serialize, Deserialize)]
struct Chapter {
    name: String,
    content: String,
    number: Option<Vec<u32>>,
    sub_items: Vec<BookItem>,
    path: Option<String>,
    source_path: Option<String>,
    parent_names: Vec<String>,
}

fn each_chapter(items: &[BookItem], f: &mut dyn FnMut(&Chapter)) {
    for item in items {
        if let BookItem::Chapter(ch) = item {
            f(ch);
            each_chapter(&ch.sub_items, f);
        }
    }
}

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("vision-bench-floor: {e}");
    std::process::exit(1)
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    match mode.as_str() {
        "unbuffered" => {
            let (ctx, book): (Context, Book) =
                serde_json::from_reader(io::stdin()).unwrap_or_else(|e| fail(e));
            drop(ctx);
            serde_json::to_writer(io::stdout(), &book).unwrap_or_else(|e| fail(e));
        }
        "a" | "b" => {
            let input = BufReader::new(io::stdin().lock());
            let (ctx, book): (Context, Book) =
                serde_json::from_reader(input).unwrap_or_else(|e| fail(e));
            if mode == "b" {
                // mdBook's options: 0.4 without, 0.5 with smart punctuation,
                // definition lists and admonitions (GFM).
                let mut options = Options::ENABLE_TABLES
                    | Options::ENABLE_FOOTNOTES
                    | Options::ENABLE_STRIKETHROUGH
                    | Options::ENABLE_TASKLISTS
                    | Options::ENABLE_HEADING_ATTRIBUTES;
                if !ctx.mdbook_version.starts_with("0.4") {
                    options |= Options::ENABLE_SMART_PUNCTUATION
                        | Options::ENABLE_DEFINITION_LIST
                        | Options::ENABLE_GFM;
                }
                let mut checksum = 0usize;
                let items = book.items.as_ref().or(book.sections.as_ref());
                each_chapter(items.map_or(&[], Vec::as_slice), &mut |ch| {
                    for (_event, range) in Parser::new_ext(&ch.content, options).into_offset_iter()
                    {
                        checksum = checksum.wrapping_add(range.start);
                    }
                });
                std::hint::black_box(checksum);
            }
            let mut out = BufWriter::new(io::stdout().lock());
            serde_json::to_writer(&mut out, &book).unwrap_or_else(|e| fail(e));
            out.flush().unwrap_or_else(|e| fail(e));
        }
        _ => fail("usage: vision-bench-floor unbuffered|a|b < book.json > out.json"),
    }
}
