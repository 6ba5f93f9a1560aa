//! Small text helpers: comparison keys, suggestions and escaping.

/// Whether a character is an emoji or emoji modifier (pictographs, symbols,
/// variation selectors, zero-width joiners, skin tones, regional indicators).
pub fn is_emoji_like(c: char) -> bool {
    matches!(c as u32,
        0x200D | 0x20E3 | 0xFE0E | 0xFE0F
        | 0x2190..=0x21FF   // arrows
        | 0x2300..=0x23FF   // technical (⌛ ⏰)
        | 0x2460..=0x24FF   // enclosed alphanumerics
        | 0x25A0..=0x27BF   // shapes, misc symbols, dingbats (✋ ✏ ⚠ ⚰)
        | 0x2900..=0x297F
        | 0x2B00..=0x2BFF
        | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0x1F000..=0x1FAFF // pictographs, emoticons, transport, skin tones …
        | 0xE0020..=0xE007F // tag sequences (flags)
    )
}

/// Whether a heading opens a Frequently Asked Questions section.
pub fn is_faq_title(text: &str) -> bool {
    // Every such key holds a `q`, and only an ASCII `q` or `Q` lowercases to
    // one: most headings are told apart without making their key.
    if !text.bytes().any(|b| b == b'q' || b == b'Q') {
        return false;
    }
    let key = title_key(text);
    key.contains("frequently asked questions") || key == "faq" || key == "faqs"
}

/// The comparison key for titles and questions: lowercase, without emoji,
/// punctuation or markup, curly quotes folded, whitespace collapsed.
pub fn title_key(s: &str) -> String {
    // The key `title_key_chars` gives, made in one loop: ASCII, the most of
    // any title, byte by byte.
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let lower = if b.is_ascii() {
            i += 1;
            if !b.is_ascii_alphanumeric() {
                if b != b'\'' {
                    pending_space = true;
                }
                continue;
            }
            None
        } else {
            let c = s[i..].chars().next().unwrap_or_default();
            i += c.len_utf8();
            if !c.is_alphanumeric() {
                // "doesn't" and "doesn’t" and "doesnt" compare equal.
                if c != '’' && c != '‘' {
                    pending_space = true;
                }
                continue;
            }
            Some(c.to_lowercase())
        };
        if std::mem::take(&mut pending_space) && !out.is_empty() {
            out.push(' ');
        }
        match lower {
            None => out.push(b.to_ascii_lowercase() as char),
            Some(lower) => out.extend(lower),
        }
    }
    out
}

/// Whether two texts have the same [`title_key`], without making either key.
pub fn title_key_eq(a: &str, b: &str) -> bool {
    title_key_chars(a).eq(title_key_chars(b))
}

/// Whether the [`title_key`] of `s` is `key`, without making it.
pub fn title_key_is(s: &str, key: &str) -> bool {
    if !s.is_ascii() {
        return title_key_chars(s).eq(key.chars());
    }
    // An ASCII text (most titles) is compared byte by byte: every title
    // lookup checks the entries its key's hash finds this way.
    let key = key.as_bytes();
    let mut matched = 0;
    let mut pending_space = false;
    for &b in s.as_bytes() {
        if !b.is_ascii_alphanumeric() {
            if b != b'\'' {
                pending_space = true;
            }
            continue;
        }
        // The key never starts with a space: one comes only after a character.
        if std::mem::take(&mut pending_space) && matched > 0 {
            if key.get(matched) != Some(&b' ') {
                return false;
            }
            matched += 1;
        }
        if key.get(matched) != Some(&b.to_ascii_lowercase()) {
            return false;
        }
        matched += 1;
    }
    matched == key.len()
}

/// Whether the [`title_key`] of `s` starts with `prefix`, reading no more
/// of `s` than that takes.
pub fn title_key_starts_with(s: &str, prefix: &str) -> bool {
    let mut key = title_key_chars(s);
    prefix.chars().all(|p| key.next() == Some(p))
}

/// The characters of [`title_key`], made one at a time as they are read.
pub fn title_key_chars(s: &str) -> TitleKeyChars<'_> {
    TitleKeyChars {
        text: s,
        at: 0,
        queued: None,
        lower: None,
        pending_space: false,
        started: false,
    }
}

/// The iterator of [`title_key_chars`].
#[derive(Clone, Debug)]
pub struct TitleKeyChars<'a> {
    text: &'a str,
    /// How far `text` is read.
    at: usize,
    /// The character after a separating space just given out.
    queued: Option<char>,
    /// The rest of a letter's lowercase form, when it is more than one character.
    lower: Option<std::char::ToLowercase>,
    /// A separator was read since the last character of the key.
    pending_space: bool,
    /// The key has a character already (it never starts with a space).
    started: bool,
}

impl Iterator for TitleKeyChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(c) = self.queued.take() {
            return Some(c);
        }
        if let Some(lower) = &mut self.lower {
            match lower.next() {
                Some(c) => return Some(c),
                None => self.lower = None,
            }
        }
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.at) {
            // ASCII, the most of any title, is read byte by byte.
            let c = if b.is_ascii() {
                self.at += 1;
                if !b.is_ascii_alphanumeric() {
                    if b != b'\'' {
                        self.pending_space = true;
                    }
                    continue;
                }
                b.to_ascii_lowercase() as char
            } else {
                let c = self.text[self.at..].chars().next()?;
                self.at += c.len_utf8();
                if !c.is_alphanumeric() {
                    // "doesn't" and "doesn’t" and "doesnt" compare equal.
                    if c != '’' && c != '‘' {
                        self.pending_space = true;
                    }
                    continue;
                }
                let mut lower = c.to_lowercase();
                let first = lower.next()?;
                if lower.len() > 0 {
                    self.lower = Some(lower);
                }
                first
            };
            if std::mem::take(&mut self.pending_space) && self.started {
                self.queued = Some(c);
                return Some(' ');
            }
            self.started = true;
            return Some(c);
        }
        None
    }
}

/// The emoji key for status cells: the text without variation selectors and
/// surrounding whitespace.
pub fn emoji_key(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|&c| c != '\u{FE0F}' && c != '\u{FE0E}')
        .collect()
}

/// The closest candidate by edit distance, if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(input, candidates, 1).into_iter().next()
}

/// Up to `n` candidates close to `input`, best first (ties keep input order).
pub fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let input_key = input.to_lowercase();
    let mut scored: Vec<(f64, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (
                strsim::normalized_damerau_levenshtein(&input_key, &c.to_lowercase()),
                i,
                c,
            )
        })
        .filter(|(score, _, _)| *score >= 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(n).map(|(_, _, c)| c).collect()
}

/// Escapes text for a markdown table cell: `|` cannot end the cell and HTML or
/// markdown syntax in a title cannot inject markup.
pub fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped_cell(&mut out, s);
    out
}

/// [`escape_cell`], appending to `out`.
pub fn push_escaped_cell(out: &mut String, s: &str) {
    // Every special byte is ASCII, so the runs between them are whole characters.
    let mut safe_from = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if !CELL_SPECIAL[b as usize] {
            continue;
        }
        out.push_str(&s[safe_from..i]);
        safe_from = i + 1;
        match b {
            b'|' => out.push_str("&#124;"),
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'&' => out.push_str("&amp;"),
            b'\n' | b'\r' => out.push(' '),
            _ => {
                out.push('\\');
                out.push(b as char);
            }
        }
    }
    out.push_str(&s[safe_from..]);
}

/// The bytes [`push_escaped_cell`] replaces, as a table to look them up in.
const CELL_SPECIAL: [bool; 256] = byte_set(b"|<>&\\`*_[]#~\n\r");

/// A table that is true for each of `bytes`.
const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// Escapes a link destination so it stays one destination inside `(...)`.
pub fn escape_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped_url(&mut out, s);
    out
}

/// [`escape_url`], appending to `out`.
pub fn push_escaped_url(out: &mut String, s: &str) {
    // Runs of other bytes are copied whole.
    let bytes = s.as_bytes();
    let mut plain_from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !URL_SPECIAL[b as usize] {
            continue;
        }
        // U+0080 to U+00BF start with 0xC2; only those to U+009F are controls.
        let c1_control = b == 0xC2 && bytes.get(i + 1).is_some_and(|&next| next < 0xA0);
        if b == 0xC2 && !c1_control {
            continue;
        }
        out.push_str(&s[plain_from..i]);
        plain_from = if c1_control { i + 2 } else { i + 1 };
        match b {
            b' ' => out.push_str("%20"),
            b'(' => out.push_str("%28"),
            b')' => out.push_str("%29"),
            b'<' => out.push_str("%3C"),
            b'>' => out.push_str("%3E"),
            b'|' => out.push_str("%7C"),
            b'"' => out.push_str("%22"),
            b'`' => out.push_str("%60"),
            b'\\' => out.push_str("%5C"),
            _ => {} // a control character is dropped
        }
    }
    out.push_str(&s[plain_from..]);
}

/// The bytes [`push_escaped_url`] may not copy as they are: the escaped
/// ones, the ASCII controls, and the first byte of U+0080 to U+00BF.
const URL_SPECIAL: [bool; 256] = {
    let mut table = byte_set(b" ()<>|\"`\\");
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7F] = true;
    table[0xC2] = true;
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_keys_ignore_case_emoji_and_punctuation() {
        assert_eq!(
            title_key("😱 Status quo: Alan’s *trouble* -- getting started!"),
            "status quo alans trouble getting started"
        );
        assert_eq!(
            title_key("Niklaus goes to write SLOW but it’s annoying"),
            title_key("niklaus goes to write slow but it's annoying")
        );
    }

    #[test]
    fn emoji_keys_ignore_variation_selectors() {
        assert_eq!(emoji_key(" ✏️ "), emoji_key("✏"));
        assert_eq!(emoji_key("🏖️"), "🏖");
    }

    #[test]
    fn suggestions_find_typos() {
        assert_eq!(
            did_you_mean("drfat", ["draft", "review", "accepted"]),
            Some("draft")
        );
        assert_eq!(did_you_mean("zzzz", ["draft", "review"]), None);
    }

    /// The first, allocating `title_key`: the iterator must make the same keys.
    fn reference_title_key(s: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        for c in s.chars() {
            if c.is_ascii_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c.to_ascii_lowercase());
            } else if c.is_ascii() {
                if c != '\'' {
                    pending_space = true;
                }
            } else if c.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.extend(c.to_lowercase());
            } else if c == '’' || c == '‘' {
            } else {
                pending_space = true;
            }
        }
        out
    }

    /// The first `escape_cell`, char by char.
    fn reference_escape_cell(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '|' => out.push_str("&#124;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '\n' | '\r' => out.push(' '),
                _ => out.push(c),
            }
        }
        out
    }

    /// The first `escape_url`, char by char.
    fn reference_escape_url(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                ' ' => out.push_str("%20"),
                '(' => out.push_str("%28"),
                ')' => out.push_str("%29"),
                '<' => out.push_str("%3C"),
                '>' => out.push_str("%3E"),
                '|' => out.push_str("%7C"),
                '"' => out.push_str("%22"),
                '`' => out.push_str("%60"),
                '\\' => out.push_str("%5C"),
                c if c.is_control() => {}
                _ => out.push(c),
            }
        }
        out
    }

    /// Text made of what keys and cells treat specially.
    fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
        "([a-zA-Z0-9 ]|[\\|<>&`*_\\[\\]#~\n\r'’‘.,:?!-]|[éÅİẞǅΣ😱✏️\u{301}\u{FE0F}]|FAQs?|Frequently asked questions){0,12}"
    }

    proptest::proptest! {
        #[test]
        fn title_keys_match_the_reference(s in tricky_text()) {
            proptest::prop_assert_eq!(title_key(&s), reference_title_key(&s));
        }

        #[test]
        fn key_comparisons_match_comparing_keys(a in tricky_text(), b in tricky_text()) {
            let (ka, kb) = (reference_title_key(&a), reference_title_key(&b));
            proptest::prop_assert_eq!(title_key_eq(&a, &b), ka == kb);
            proptest::prop_assert_eq!(title_key_is(&a, &kb), ka == kb);
            proptest::prop_assert_eq!(title_key_starts_with(&a, &kb), ka.starts_with(&kb));
            // And the cases random pairs seldom hit: a key and its own prefixes.
            proptest::prop_assert!(title_key_is(&a, &ka));
            for (i, _) in ka.char_indices() {
                proptest::prop_assert!(title_key_starts_with(&a, &ka[..i]));
                proptest::prop_assert!(!title_key_is(&a, &ka[..i]));
            }
        }

        #[test]
        fn ascii_key_comparisons_match_comparing_keys(
            a in "[a-zA-Z0-9 '.:!-]{0,16}",
            b in "[a-zA-Z0-9 '.:!-]{0,16}",
        ) {
            let (ka, kb) = (reference_title_key(&a), reference_title_key(&b));
            proptest::prop_assert_eq!(title_key_is(&a, &kb), ka == kb);
            proptest::prop_assert!(title_key_is(&a, &ka));
            let longer = format!("{}x", ka);
            proptest::prop_assert!(!title_key_is(&a, &longer));
            for (i, _) in ka.char_indices() {
                proptest::prop_assert!(!title_key_is(&a, &ka[..i]));
            }
        }

        #[test]
        fn faq_titles_match_their_keys(s in tricky_text()) {
            let key = reference_title_key(&s);
            let want = key.contains("frequently asked questions") || key == "faq" || key == "faqs";
            proptest::prop_assert_eq!(is_faq_title(&s), want);
        }

        #[test]
        fn urls_escape_piece_by_piece(a in "[ -~é\u{7}\u{85}😱]{0,8}", b in "[ -~é\u{7}\u{85}😱]{0,8}") {
            // Links are written with their destination escaped in pieces.
            let mut pieces = escape_url(&a);
            push_escaped_url(&mut pieces, &b);
            proptest::prop_assert_eq!(pieces, escape_url(&format!("{a}{b}")));
        }

        #[test]
        fn escaped_urls_match_the_reference(s in "[ -~é\u{0}-\u{1f}\u{7f}-\u{a0}😱ä\u{2028}]{0,12}") {
            proptest::prop_assert_eq!(escape_url(&s), reference_escape_url(&s));
        }

        #[test]
        fn escaped_cells_match_the_reference(s in tricky_text()) {
            proptest::prop_assert_eq!(escape_cell(&s), reference_escape_cell(&s));
        }
    }

    #[test]
    fn controls_are_ascii_or_c1() {
        // `push_escaped_url` looks for controls among these alone.
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let listed = matches!(c as u32, 0..=0x1F | 0x7F..=0x9F);
            assert_eq!(c.is_control(), listed, "{c:?}");
        }
    }

    #[test]
    fn only_ascii_q_lowercases_to_q() {
        // `is_faq_title` skips texts without an ASCII `q` on this ground.
        let others = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii() && c.is_alphanumeric());
        for c in others {
            assert!(!c.to_lowercase().any(|l| l == 'q'), "{c:?}");
        }
    }

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(escape_cell("a|b <script>"), "a&#124;b &lt;script&gt;");
        assert_eq!(escape_cell("[x](y) `c`"), "\\[x\\](y) \\`c\\`");
    }
}
