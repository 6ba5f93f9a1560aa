//! Whole-book processing from raw bytes, exactly as the binary does it:
//! parse `[context, book]`, read the config, process every chapter, put the
//! text back and serialise. Checks: no panic, and when it succeeds the output
//! is a book of the same shape that processing again leaves unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_vision::config::Config;
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{process_chapters, wire};

fn run(bytes: &[u8]) -> Option<(Vec<u8>, Vec<Option<String>>)> {
    let mut request = wire::parse(bytes).ok()?;
    let _ = wire::version_warning(request.mdbook_version());
    let config = Config::from_book_config(request.book_config()).ok()?;
    let settings = ParseSettings::for_book(request.line(), request.book_config());
    let chapters = wire::take_chapters(&mut request);
    let outcome = process_chapters(&chapters, &config, settings, &request.src_dir());
    let _ = mdbook_vision::diag::render_human(&outcome.diagnostics, false);
    let _ = mdbook_vision::diag::render_github(&outcome.diagnostics);
    if outcome.has_errors() {
        return None;
    }
    let new = outcome.new_content.clone();
    wire::put_chapters(&mut request, chapters, outcome.new_content);
    let mut out = Vec::new();
    wire::write_book(&request, &mut out).expect("serialising the book cannot fail");
    Some((out, new))
}

fuzz_target!(|data: &[u8]| {
    let Some((out, _)) = run(data) else { return };
    // `\{{#vision` shows a directive literally by dropping the backslash: the
    // output then holds a live directive by design, so stability is not expected.
    if data.windows(11).any(|w| w == b"\\\\{{#vision") {
        return;
    }
    // The output is the book alone; wrap it in the same context to run again.
    let input: serde_json::Value = serde_json::from_slice(data).unwrap();
    let again = serde_json::to_vec(&serde_json::json!([
        input[0],
        serde_json::from_slice::<serde_json::Value>(&out).unwrap()
    ]))
    .unwrap();
    let (_, second) = run(&again).expect("the output processes without errors again");
    assert!(
        second.iter().all(Option::is_none),
        "processing the output again changed it"
    );
});
