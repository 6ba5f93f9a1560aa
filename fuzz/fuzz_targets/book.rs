//! Whole-book processing from raw bytes, as the binary does it (but with
//! the input given back after each run, so its scans copy their strings):
//! parse `[context, book]`, read the config, process every chapter, put the
//! text back and serialise. Checks: no panic; the output spliced straight
//! into the JSON (as the binary writes it) equals the texts applied and put
//! back; and when it succeeds the output is a book of the same shape that
//! processing again leaves unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_vision::{preprocess_borrowed, wire, Preprocessed};

/// The book written back and, per chapter, whether its text changed.
fn run(bytes: &[u8]) -> Option<(Vec<u8>, Vec<bool>)> {
    let mut input = bytes.to_vec();
    let Preprocessed {
        mut request,
        texts: chapters,
        plan,
    } = preprocess_borrowed(&mut input, &mut |_| {}).ok()?;
    let _ = mdbook_vision::diag::render_human(&plan.diagnostics, false);
    let _ = mdbook_vision::diag::render_github(&plan.diagnostics);
    if plan.has_errors() {
        return None;
    }
    // The binary's way: each text spliced straight into the output.
    let mut streamed = Vec::new();
    plan.write_book(&request, &chapters, &mut streamed)
        .expect("serialising cannot fail");
    let before: Vec<String> = chapters.iter().map(|c| c.to_string()).collect();
    let after: Vec<String> = plan.apply(chapters).collect();
    let changed = before.iter().zip(&after).map(|(b, a)| b != a).collect();
    wire::put_chapters(&mut request, after);
    let mut out = Vec::new();
    wire::write_book(&request, &mut out).expect("serialising the book cannot fail");
    assert_eq!(streamed, out, "spliced output differs from the applied texts");
    Some((out, changed))
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
        second.iter().all(|changed| !changed),
        "processing the output again changed it"
    );
});
