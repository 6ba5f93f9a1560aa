//! Chapters of arbitrary markdown (split at NUL bytes, up to four, placed where
//! the default kind globs apply) through the whole pipeline. Checks: no panic;
//! idempotent when it builds; a chapter without `{{#vision` or `|` comes back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_vision::anchor::MdbookLine;
use mdbook_vision::config::Config;
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{process_chapters, ChapterText};

const PATHS: [&str; 4] = [
    "status_quo.md",
    "shiny_future.md",
    "characters.md",
    "roadmap.md",
];

fn chapters(texts: &[String]) -> Vec<ChapterText<'static>> {
    texts
        .iter()
        .zip(PATHS)
        .map(|(t, p)| ChapterText {
            name: p.into(),
            source_path: Some(p.into()),
            path: Some(p.into()),
            content: t.clone().into(),
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // `\{{#vision` shows a directive literally by dropping the backslash: the
    // output holds a live directive by design, so leave escapes out.
    let text = text.replace("\\{{#vision", "{{#vision");
    let texts: Vec<String> = text.splitn(4, '\0').map(str::to_string).collect();
    let config = Config::default();
    let line = if data.first().is_some_and(|b| b & 1 == 1) {
        MdbookLine::V04
    } else {
        MdbookLine::V05
    };
    let settings = ParseSettings::new(line, true);
    let first = process_chapters(&chapters(&texts), &config, settings, "src");
    for (t, new) in texts.iter().zip(&first.new_content) {
        if !t.contains("{{#vision") && !t.contains('|') {
            assert!(new.is_none(), "a chapter without vision content changed");
        }
    }
    // Only a book without errors is written out; only that output must be stable.
    if first.has_errors() {
        return;
    }
    let out: Vec<String> = texts
        .iter()
        .zip(&first.new_content)
        .map(|(t, n)| n.clone().unwrap_or_else(|| t.clone()))
        .collect();
    let second = process_chapters(&chapters(&out), &config, settings, "src");
    assert!(
        second.new_content.iter().all(Option::is_none),
        "not idempotent"
    );
});
