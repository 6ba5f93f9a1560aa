//! The directive finder and parser on arbitrary text and protected ranges.
//! Checks: no panic; every span lies inside the text on char boundaries;
//! directives come in order without overlapping.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_vision::directive;

fuzz_target!(|data: &[u8]| {
    // The first byte says how many protected ranges the next bytes describe.
    let (ranges, rest) = match data.split_first() {
        Some((&n, rest)) => {
            let n = (n as usize % 8).min(rest.len() / 4);
            (&rest[..n * 4], &rest[n * 4..])
        }
        None => (&[][..], data),
    };
    let text = String::from_utf8_lossy(rest);
    let mut protected: Vec<std::ops::Range<usize>> = ranges
        .chunks(4)
        .map(|c| {
            let a = u16::from_le_bytes([c[0], c[1]]) as usize;
            let b = u16::from_le_bytes([c[2], c[3]]) as usize;
            a.min(b)..a.max(b)
        })
        .collect();
    protected.sort_by_key(|r| r.start);
    let found = directive::find_all(&text, &protected);
    let mut last_end = 0;
    for f in &found {
        assert!(f.span.start <= f.span.end && f.span.end <= text.len());
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        assert!(f.span.start >= last_end, "directives overlap");
        last_end = f.span.end;
        match &f.parsed {
            Ok(d) => {
                for arg in &d.args {
                    assert!(arg.span().start >= f.span.start && arg.span().end <= f.span.end);
                    assert!(text.is_char_boundary(arg.span().start));
                    assert!(text.is_char_boundary(arg.span().end));
                }
            }
            Err(e) => {
                assert!(e.span.start <= e.span.end && e.span.end <= text.len());
                assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
                assert!(!e.message.contains('\n'));
            }
        }
    }
});
