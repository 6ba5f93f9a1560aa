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
    // Every FAQ key has a `q`, and only `q` or `Q` put one in a key: most
    // headings are told apart without making their key.
    if !text.contains(['q', 'Q']) {
        return false;
    }
    let key = title_key(text);
    key.contains("frequently asked questions") || key == "faq" || key == "faqs"
}

/// The comparison key for titles and questions: lowercase, without emoji,
/// punctuation or markup, curly quotes folded, whitespace collapsed.
pub fn title_key(s: &str) -> String {
    title_key_upto(s, usize::MAX)
}

/// [`title_key`], but only its first `limit` bytes or a little more: enough
/// to compare it with keys no longer than `limit`, without reading all of a
/// long text.
pub fn title_key_upto(s: &str, limit: usize) -> String {
    let mut out = String::with_capacity(s.len().min(limit.saturating_add(8)));
    let mut pending_space = false;
    for c in s.chars() {
        if out.len() > limit {
            break;
        }
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
            // "doesn't" and "doesn’t" and "doesnt" compare equal.
        } else {
            pending_space = true;
        }
    }
    out
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
    let special = |b: u8| b"|<>&\\`*_[]#~\n\r".contains(&b);
    if !s.bytes().any(special) {
        return out.push_str(s);
    }
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
}

/// Escapes a link destination so it stays one destination inside `(...)`.
pub fn escape_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped_url(&mut out, s);
    out
}

/// [`escape_url`], appending to `out`.
pub fn push_escaped_url(out: &mut String, s: &str) {
    let special = |b: u8| b" ()<>|\"`\\".contains(&b) || b.is_ascii_control() || b >= 0x80;
    if !s.bytes().any(special) {
        return out.push_str(s);
    }
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
}

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

    proptest::proptest! {
        /// The `q` shortcut never changes the answer the key gives.
        #[test]
        fn faq_titles_are_told_as_their_keys_tell(
            text in "(Frequently|FAQ|faq|F\\.A\\.Q\\.|Asked|Questions|QUESTIONS|s|[ :*_'’?!😱ÉéKİ]|[a-z]){0,8}"
        ) {
            let key = title_key(&text);
            let by_key = key.contains("frequently asked questions") || key == "faq" || key == "faqs";
            proptest::prop_assert_eq!(is_faq_title(&text), by_key);
        }
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

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(escape_cell("a|b <script>"), "a&#124;b &lt;script&gt;");
        assert_eq!(escape_cell("[x](y) `c`"), "\\[x\\](y) \\`c\\`");
    }
}
