//! JSON string escaping, byte for byte as serde_json does it, but scanning
//! eight bytes at a time and copying each run that needs no escape at once
//! (serde_json looks at every byte on its own).
//!
//! Escaped: `"`, `\` and the control bytes below 0x20 (`\b \t \n \f \r` by
//! name, the others as `\u00XX` in lowercase hex). Everything else, DEL
//! (0x7f) and multi-byte UTF-8 included, is copied as it is.

use std::io;

/// Writes `s` as a JSON string, quotes included.
pub fn write_str<W: io::Write + ?Sized>(out: &mut W, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    write_contents(out, s)?;
    out.write_all(b"\"")
}

/// Writes `s` escaped for the inside of a JSON string, without quotes.
pub fn write_contents<W: io::Write + ?Sized>(out: &mut W, s: &str) -> io::Result<()> {
    let bytes = s.as_bytes();
    // Bytes from `start` on are still to be written.
    let mut start = 0;
    while let Some(at) = find_escape(bytes, start) {
        out.write_all(&bytes[start..at])?;
        write_escape(out, bytes[at])?;
        start = at + 1;
    }
    out.write_all(&bytes[start..])
}

/// The index of the first byte at or after `from` that needs an escape.
fn find_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let (words, tail) = bytes[from..].as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let mask = escape_mask(u64::from_le_bytes(*word));
        if mask != 0 {
            // Little-endian: the lowest flagged byte comes first.
            return Some(from + 8 * i + (mask.trailing_zeros() / 8) as usize);
        }
    }
    let at = from + 8 * words.len();
    tail.iter().position(|&b| needs_escape(b)).map(|i| at + i)
}

const ONES: u64 = u64::MAX / 0xff;
const HIGHS: u64 = ONES * 0x80;

/// The high bit of each byte of `w` that needs an escape is set. Bytes above
/// the first flagged one may be flagged wrongly (a borrow runs upward), but
/// the lowest flag is always right, which is all [`find_escape`] reads.
fn escape_mask(w: u64) -> u64 {
    // Flipping bit 1 turns `"` (0x22) into 0x20 and keeps control bytes
    // below 0x20, so one test for bytes below 0x21 finds both.
    let low = below(w ^ (ONES * 0x02), 0x21);
    let backslash = below(w ^ (ONES * u64::from(b'\\')), 1);
    (low | backslash) & HIGHS
}

/// The classic has-less-than test: flags (in its high bit, where `!v` keeps
/// it only for bytes below 0x80) each byte of `v` below `n` (`n` <= 0x80),
/// exactly up to the first one: subtracting `n` borrows into its high bit.
fn below(v: u64, n: u64) -> u64 {
    v.wrapping_sub(ONES * n) & !v
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Writes the escape of a byte that [`needs_escape`].
fn write_escape<W: io::Write + ?Sized>(out: &mut W, b: u8) -> io::Result<()> {
    let named = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let code = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ];
            return out.write_all(&code);
        }
    };
    out.write_all(&[b'\\', named])
}

/// A [`std::fmt::Write`] that escapes what it is given into an
/// [`io::Write`]: text written in pieces lands in the JSON string as it comes.
/// The first I/O error stops it and is kept for the caller.
pub struct Escaper<'a, W: io::Write + ?Sized> {
    out: &'a mut W,
    error: Option<io::Error>,
}

impl<'a, W: io::Write + ?Sized> Escaper<'a, W> {
    pub fn new(out: &'a mut W) -> Self {
        Escaper { out, error: None }
    }

    /// The I/O error that stopped the writing, if one did.
    pub fn into_error(self) -> Option<io::Error> {
        self.error
    }
}

impl<W: io::Write + ?Sized> std::fmt::Write for Escaper<'_, W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        write_contents(self.out, s).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// A `\u` escape in a JSON string that names half of a surrogate pair
/// without its other half: valid JSON syntax, but no character. The offset
/// of its backslash in the string token.
#[derive(Debug, PartialEq, Eq)]
pub struct LoneSurrogate(pub usize);

/// The text of the JSON string token `token` (quotes included), which
/// serde_json has checked as a whole (its escapes are well formed; only a
/// lone surrogate is left to find), unescaped into `out`.
pub fn unescape_into(token: &str, out: &mut String) -> Result<(), LoneSurrogate> {
    let bytes = token.as_bytes();
    let end = bytes.len().saturating_sub(1);
    let mut read = 1.min(end);
    loop {
        // A backslash is ASCII, so `read` and `next` are char boundaries.
        let next = memchr::memchr(b'\\', &bytes[read..end]).map_or(end, |i| read + i);
        out.push_str(&token[read..next]);
        if next == end {
            return Ok(());
        }
        let (c, len) = decode_escape(bytes, next)?;
        out.push(c);
        read = next + len;
    }
}

/// Unescapes the JSON string token that fills `buf` (quotes included, checked
/// by serde_json as for [`unescape_into`]) where it lies: its text is written
/// from the start of `buf` on, and its length returned. The text is never
/// longer than the token (an escape is at least as long as what it stands
/// for), so each byte is read before it is written over.
pub fn unescape_in_place(buf: &mut [u8]) -> Result<usize, LoneSurrogate> {
    let end = buf.len().saturating_sub(1);
    let (mut read, mut write) = (1.min(end), 0);
    loop {
        let next = memchr::memchr(b'\\', &buf[read..end]).map_or(end, |i| read + i);
        buf.copy_within(read..next, write);
        write += next - read;
        if next == end {
            return Ok(write);
        }
        let (c, len) = decode_escape(buf, next)?;
        write += c.encode_utf8(&mut buf[write..next + len]).len();
        read = next + len;
    }
}

/// The character the escape at `bytes[at]` (a backslash) stands for, and the
/// escape's length. The escape is well formed (serde_json checked it).
fn decode_escape(bytes: &[u8], at: usize) -> Result<(char, usize), LoneSurrogate> {
    let c = match bytes.get(at + 1) {
        Some(b'n') => '\n',
        Some(b't') => '\t',
        Some(b'r') => '\r',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'u') => return decode_unicode(bytes, at),
        // `"`, `\\` and `/` stand for themselves.
        Some(&b) => char::from(b),
        // Not in a checked token; refused rather than trusted.
        None => return Err(LoneSurrogate(at)),
    };
    Ok((c, 2))
}

/// A `\uXXXX` escape at `bytes[at]`, or a surrogate pair of two of them.
fn decode_unicode(bytes: &[u8], at: usize) -> Result<(char, usize), LoneSurrogate> {
    let hex = |from: usize| -> Option<u32> {
        let digits = std::str::from_utf8(bytes.get(from..from + 4)?).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    let lone = LoneSurrogate(at);
    let first = hex(at + 2).ok_or(LoneSurrogate(at))?;
    if let Some(c) = char::from_u32(first) {
        return Ok((c, 6));
    }
    // A leading surrogate must be followed at once by a trailing one.
    if !(0xd800..0xdc00).contains(&first) || bytes.get(at + 6..at + 8) != Some(b"\\u") {
        return Err(lone);
    }
    let second = hex(at + 8).ok_or(LoneSurrogate(at))?;
    if !(0xdc00..0xe000).contains(&second) {
        return Err(lone);
    }
    let c = char::from_u32(0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00));
    c.map(|c| (c, 12)).ok_or(lone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, s).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_byte_below_0x80_escapes_as_serde_json_does() {
        // Alone (the byte-by-byte tail) and at every place of three words.
        for b in 0u8..0x80 {
            let s = (b as char).to_string();
            assert_eq!(
                escaped(&s),
                serde_json::to_string(&s).unwrap(),
                "byte {b:#x}"
            );
            for at in 0..24 {
                let mut s = "a".repeat(24);
                s.replace_range(at..at + 1, &(b as char).to_string());
                assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
            }
        }
    }

    #[test]
    fn an_escape_is_found_at_every_place_in_a_word() {
        for len in 0..40 {
            for at in 0..len {
                for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}", "\u{7f}", "é"] {
                    let mut s = "a".repeat(len);
                    s.replace_range(at..at + 1, special);
                    assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
                }
            }
        }
    }

    /// Characters that stress the scan: every kind of escape, the bytes next
    /// to them (0x1f/0x20, 0x7f/0x80) and multi-byte UTF-8.
    fn tricky_char() -> impl Strategy<Value = char> {
        prop_oneof![
            Just('"'),
            Just('\\'),
            Just('/'),
            Just('\u{7f}'),
            Just('\u{80}'),
            Just('\u{a2}'),
            Just('\u{dc}'),
            Just('€'),
            Just('😀'),
            (0u8..0x21).prop_map(char::from),
            any::<char>(),
            (b'a'..=b'z').prop_map(char::from),
        ]
    }

    /// The token unescaped both ways.
    fn round_trip(token: &str) -> (Result<String, LoneSurrogate>, Result<String, LoneSurrogate>) {
        let mut into = String::new();
        let into = unescape_into(token, &mut into).map(|()| into);
        let mut buf = token.as_bytes().to_vec();
        let in_place =
            unescape_in_place(&mut buf).map(|n| String::from_utf8(buf[..n].to_vec()).unwrap());
        (into, in_place)
    }

    #[test]
    fn unescapes_every_escape_and_surrogate_pairs() {
        let token = r#""a\nb\t\"q\"\\ \/ \b\f\r \u00e9 \u20AC \ud83d\ude00 end""#;
        let want: String = serde_json::from_str(token).unwrap();
        assert_eq!(round_trip(token), (Ok(want.clone()), Ok(want)));
        assert_eq!(round_trip(r#""""#), (Ok(String::new()), Ok(String::new())));
    }

    #[test]
    fn a_lone_surrogate_is_refused_where_it_is() {
        for (token, at) in [
            (r#""ab\ud800""#, 3),
            (r#""\udc00x""#, 1),
            (r#""x\ud800\u0041""#, 2),
            (r#""x\ud800\n""#, 2),
        ] {
            assert!(serde_json::from_str::<String>(token).is_err(), "{token}");
            let (into, in_place) = round_trip(token);
            assert_eq!(into, Err(LoneSurrogate(at)), "{token}");
            assert_eq!(in_place, Err(LoneSurrogate(at)), "{token}");
        }
    }

    proptest! {
        #[test]
        fn unescapes_as_serde_json_does(s in any::<String>(), chars in proptest::collection::vec(tricky_char(), 0..40)) {
            for s in [s, chars.into_iter().collect()] {
                // serde_json's own escapes, and every character escaped as `\\uXXXX`.
                let plain = serde_json::to_string(&s).unwrap();
                let mut all_u = String::from("\"");
                for unit in s.encode_utf16() {
                    all_u.push_str(&format!("\\u{unit:04x}"));
                }
                all_u.push('"');
                for token in [plain, all_u] {
                    prop_assert_eq!(round_trip(&token), (Ok(s.clone()), Ok(s.clone())));
                }
            }
        }

        #[test]
        fn matches_serde_json(chars in proptest::collection::vec(tricky_char(), 0..40)) {
            let s: String = chars.into_iter().collect();
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn matches_serde_json_on_any_string(s in any::<String>()) {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn pieces_escape_as_their_whole(chars in proptest::collection::vec(tricky_char(), 0..40), cut in 0usize..40) {
            use std::fmt::Write as _;
            let s: String = chars.into_iter().collect();
            let cut = (0..=cut.min(s.len())).rev().find(|&i| s.is_char_boundary(i)).unwrap();
            let mut out = Vec::new();
            let mut escaper = Escaper::new(&mut out);
            escaper.write_str(&s[..cut]).unwrap();
            escaper.write_str(&s[cut..]).unwrap();
            prop_assert!(escaper.into_error().is_none());
            let mut whole = Vec::new();
            write_contents(&mut whole, &s).unwrap();
            prop_assert_eq!(out, whole);
        }
    }
}
