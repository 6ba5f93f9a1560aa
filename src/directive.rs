//! The `{{#vision KIND key=value ...}}` directive: finding it in chapter text
//! and parsing it with precise errors.

use crate::model::Kind;
use crate::shared_str::{SharedStr, Strings};
use crate::text::did_you_mean;
use std::ops::Range;

pub const OPEN: &str = "{{#vision";

/// What a directive asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectiveName {
    /// Metadata of the entry whose heading it follows.
    Entry(Kind),
    /// The roadmap's emoji key table.
    RoadmapKey,
    /// The roadmap table generated from entries' metadata.
    Roadmap,
    /// An index of stories.
    Stories,
    /// The FAQ completeness table.
    FaqReport,
}

const NAMES: &[&str] = &[
    "character",
    "status-quo",
    "shiny-future",
    "design-doc",
    "conversation",
    "roadmap-key",
    "roadmap",
    "stories",
    "faq-report",
];

impl DirectiveName {
    fn parse(s: &str) -> Option<DirectiveName> {
        Some(match s {
            "roadmap-key" => DirectiveName::RoadmapKey,
            "roadmap" => DirectiveName::Roadmap,
            "stories" => DirectiveName::Stories,
            "faq-report" => DirectiveName::FaqReport,
            other => DirectiveName::Entry(Kind::from_name(other).filter(|k| *k != Kind::Roadmap)?),
        })
    }

    /// The keys this directive accepts.
    fn keys(self) -> &'static [&'static str] {
        match self {
            DirectiveName::Entry(Kind::Character) => &["status", "owner", "roadmap", "updated"],
            DirectiveName::Entry(Kind::StatusQuo) => &[
                "character",
                "future",
                "assigned",
                "status",
                "owner",
                "roadmap",
                "updated",
            ],
            DirectiveName::Entry(Kind::ShinyFuture) => &[
                "character",
                "status-quo",
                "assigned",
                "status",
                "owner",
                "roadmap",
                "updated",
            ],
            DirectiveName::Entry(_) => &["status", "owner", "character", "roadmap", "updated"],
            DirectiveName::Stories => &["character"],
            DirectiveName::RoadmapKey | DirectiveName::Roadmap | DirectiveName::FaqReport => &[],
        }
    }

    /// Whether bare words (not `key=value`) are allowed, and which.
    fn positional(self) -> &'static [&'static str] {
        match self {
            DirectiveName::Stories => &["status-quo", "shiny-future"],
            _ => &[],
        }
    }
}

/// One `key=value` or bare word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// One of the directive's own keys.
    pub key: Option<&'static str>,
    /// Shared with the chapter's other directive values: references copy it for free.
    pub value: SharedStr,
    /// Where the argument stands in the chapter text ([`Arg::span`]; `u32`:
    /// a story's directive can name dozens, and a book's are all held).
    start: u32,
    end: u32,
}

impl Arg {
    fn new(key: Option<&'static str>, value: SharedStr, span: Range<usize>) -> Arg {
        // Directives are read in scanned chapters, which are below 4 GiB.
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Arg {
            key,
            value,
            start: offset(span.start),
            end: offset(span.end),
        }
    }

    /// Where the argument stands in the chapter text.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub name: DirectiveName,
    pub args: Vec<Arg>,
}

impl Directive {
    /// Every value given for a key, in order.
    pub fn values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Arg> + 'a {
        self.args.iter().filter(move |a| a.key == Some(key))
    }

    pub fn value<'a>(&'a self, key: &'a str) -> Option<&'a Arg> {
        self.values(key).next()
    }

    pub fn positional(&self) -> impl Iterator<Item = &Arg> {
        self.args.iter().filter(|a| a.key.is_none())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectiveError {
    pub message: String,
    pub span: Range<usize>,
    pub help: Option<String>,
}

/// A directive found in chapter text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The whole `{{#vision ...}}` (or as much as there is, when unterminated).
    pub span: Range<usize>,
    /// `\{{#vision ...}}`: shown literally, the backslash removed.
    pub escaped: bool,
    pub parsed: Result<Directive, DirectiveError>,
}

/// Finds every directive in `text` that does not start inside a protected
/// range (code, HTML comments). `protected` must be sorted by start.
pub fn find_all(text: &str, protected: &[Range<usize>]) -> Vec<Found> {
    let mut values = Strings::new();
    let mut found = find_all_keeping(text, protected, &mut values);
    seal(&mut found, &values.finish());
    found
}

/// [`find_all`], keeping the values in `values` (a chapter's scan keeps its
/// strings in one buffer): they read as empty until [`seal`]ed.
pub fn find_all_keeping(
    text: &str,
    protected: &[Range<usize>],
    values: &mut Strings,
) -> Vec<Found> {
    let mut found = Vec::new();
    let mut from = 0;
    let mut guard = 0;
    let finder = memchr::memmem::Finder::new(OPEN);
    while let Some(pos) = finder.find(&text.as_bytes()[from..]).map(|p| p + from) {
        from = pos + OPEN.len();
        while guard < protected.len() && protected[guard].end <= pos {
            guard += 1;
        }
        if protected.get(guard).is_some_and(|r| r.start <= pos) {
            continue;
        }
        // `{{#visionary` is not ours.
        if text[from..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '}')
        {
            continue;
        }
        let escaped = pos > 0 && text.as_bytes()[pos - 1] == b'\\';
        let (end, parsed) = parse_at(text, pos, values);
        if escaped {
            found.push(Found {
                span: pos - 1..end,
                escaped: true,
                parsed,
            });
        } else {
            found.push(Found {
                span: pos..end,
                escaped: false,
                parsed,
            });
        }
        from = end.max(from);
    }
    found
}

/// Points the values of directives found by [`find_all_keeping`] at their finished buffer.
pub fn seal(found: &mut [Found], values: &crate::shared_str::Buffer) {
    let args = found
        .iter_mut()
        .flat_map(|f| f.parsed.iter_mut())
        .flat_map(|d| &mut d.args);
    for arg in args {
        Strings::seal(&mut arg.value, values);
    }
}

/// Parses the directive starting at `start` (which points at `{{#vision`).
/// Returns where it ends and the result; its values are kept in `values`.
fn parse_at(
    text: &str,
    start: usize,
    values: &mut Strings,
) -> (usize, Result<Directive, DirectiveError>) {
    let mut lexer = Lexer {
        text,
        pos: start + OPEN.len(),
    };
    let mut words: Vec<Word> = Vec::new();
    loop {
        lexer.skip_space();
        if lexer.rest().starts_with("}}") {
            lexer.pos += 2;
            break;
        }
        if lexer.at_end_of_directive_text() {
            let end = lexer.pos;
            return (
                end,
                Err(DirectiveError {
                    message: "this directive is missing its closing `}}`".into(),
                    span: start..end,
                    help: Some(
                        "directives end with `}}`, e.g. `{{#vision character status=draft}}`"
                            .into(),
                    ),
                }),
            );
        }
        match lexer.word() {
            Ok(w) => words.push(w),
            Err(e) => {
                // Skip to the closing braces if there are any so one mistake is one error.
                let end = lexer.recover();
                return (end, Err(e));
            }
        }
    }
    let end = lexer.pos;
    (end, build(words, start..end, values))
}

type Word = (Option<(String, Range<usize>)>, String, Range<usize>);

fn build(
    words: Vec<Word>,
    span: Range<usize>,
    values: &mut Strings,
) -> Result<Directive, DirectiveError> {
    let mut words = words.into_iter();
    let Some((key, kind_word, kind_span)) = words.next() else {
        return Err(DirectiveError {
            message: "this directive names nothing to do".into(),
            span,
            help: Some(format!("start it with one of {}", NAMES.join(", "))),
        });
    };
    if key.is_some() {
        return Err(DirectiveError {
            message: "a directive starts with what it is, before any `key=value`".into(),
            span: kind_span,
            help: Some(format!("start it with one of {}", NAMES.join(", "))),
        });
    }
    let Some(name) = DirectiveName::parse(&kind_word) else {
        let help = match did_you_mean(&kind_word, NAMES.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("valid kinds are {}", NAMES.join(", ")),
        };
        return Err(DirectiveError {
            message: format!("unknown directive `{kind_word}`"),
            span: kind_span,
            help: Some(help),
        });
    };
    let mut args = Vec::new();
    for (key, value, span) in words {
        match key {
            Some((key, key_span)) => {
                let Some(&key) = name.keys().iter().find(|k| **k == key) else {
                    let help = match did_you_mean(&key, name.keys().iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if name.keys().is_empty() => format!("`{kind_word}` takes no keys"),
                        None => format!("`{kind_word}` takes {}", name.keys().join(", ")),
                    };
                    return Err(DirectiveError {
                        message: format!("unknown key `{key}` for `{kind_word}`"),
                        span: key_span,
                        help: Some(help),
                    });
                };
                args.push(Arg::new(
                    Some(key),
                    values.keep_found(&value, span.clone()),
                    span,
                ));
            }
            None => {
                if !name.positional().contains(&value.as_str()) {
                    let help = if name.positional().is_empty() {
                        "write it as `key=value`".to_string()
                    } else {
                        format!(
                            "`{kind_word}` takes one of {}",
                            name.positional().join(", ")
                        )
                    };
                    return Err(DirectiveError {
                        message: format!("unexpected `{value}` in `{kind_word}`"),
                        span,
                        help: Some(help),
                    });
                }
                args.push(Arg::new(
                    None,
                    values.keep_found(&value, span.clone()),
                    span,
                ));
            }
        }
    }
    // A book's directives are all held at once: a story's list of sixteen
    // partners would otherwise keep room for thirty-two.
    args.shrink_to_fit();
    Ok(Directive { name, args })
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_space(&mut self) {
        let text = self.text;
        let rest = &text[self.pos..];
        let trimmed = rest.trim_start();
        // A blank line ends the paragraph, so the directive cannot go on past it.
        let skipped = &rest[..rest.len() - trimmed.len()];
        if skipped.matches('\n').count() >= 2 {
            let first = skipped.find('\n').unwrap_or(0);
            self.pos += first;
            return;
        }
        self.pos += skipped.len();
    }

    fn at_end_of_directive_text(&self) -> bool {
        let rest = self.rest();
        rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n")
    }

    /// `key=value`, `key="value"` or a bare word.
    fn word(&mut self) -> Result<Word, DirectiveError> {
        let start = self.pos;
        let bare = self.bare();
        if bare.is_empty() {
            let c = self.rest().chars().next().unwrap_or(' ');
            return Err(DirectiveError {
                message: format!("unexpected `{c}` in directive"),
                span: start..start + c.len_utf8(),
                help: Some("values with spaces go in double quotes: key=\"some value\"".into()),
            });
        }
        if !self.rest().starts_with('=') {
            return Ok((None, bare, start..self.pos));
        }
        let key_span = start..self.pos;
        self.pos += 1;
        let value = if self.rest().starts_with('"') {
            self.quoted()?
        } else {
            let v = self.bare();
            if v.is_empty() {
                return Err(DirectiveError {
                    message: format!("`{bare}=` has no value"),
                    span: start..self.pos,
                    help: Some(format!("write `{bare}=value` or `{bare}=\"a value\"`")),
                });
            }
            v
        };
        Ok((Some((bare, key_span)), value, start..self.pos))
    }

    fn bare(&mut self) -> String {
        let text = self.text;
        let rest = &text[self.pos..];
        let mut len = 0;
        for (i, c) in rest.char_indices() {
            if c.is_whitespace() || c == '=' || c == '"' || rest[i..].starts_with("}}") {
                break;
            }
            len = i + c.len_utf8();
        }
        self.pos += len;
        rest[..len].to_string()
    }

    fn quoted(&mut self) -> Result<String, DirectiveError> {
        let start = self.pos;
        let mut value = String::new();
        let mut chars = self.rest().char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(value);
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => value.push(e),
                    Some((_, other)) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => break,
                },
                '\n' if value.ends_with('\n') || value.trim_end_matches('\r').ends_with('\n') => {
                    break
                }
                _ => value.push(c),
            }
        }
        let line_end = self
            .rest()
            .find('\n')
            .map_or(self.text.len(), |i| self.pos + i);
        Err(DirectiveError {
            message: "unterminated quote in directive".into(),
            span: start..line_end.max(start + 1),
            help: Some("close the value with `\"`".into()),
        })
    }

    /// After an error: the end of the directive if `}}` follows in the same
    /// paragraph, else the end of the line.
    fn recover(&self) -> usize {
        let rest = self.rest();
        let paragraph_end = rest.find("\n\n").unwrap_or(rest.len());
        match rest[..paragraph_end].find("}}") {
            Some(i) => self.pos + i + 2,
            None => self.pos + rest.find('\n').unwrap_or(rest.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Found {
        let mut all = find_all(text, &[]);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn parses_keys_quotes_and_repeats() {
        let text = r#"x {{#vision status-quo character=Alan future="Alan has a \"blast\"" assigned=Shane assigned=@estebank}} y"#;
        let f = one(text);
        let d = f.parsed.unwrap();
        assert_eq!(d.name, DirectiveName::Entry(Kind::StatusQuo));
        assert_eq!(d.value("future").unwrap().value, "Alan has a \"blast\"");
        let assigned: Vec<_> = d.values("assigned").map(|a| a.value.as_str()).collect();
        assert_eq!(assigned, ["Shane", "@estebank"]);
        assert_eq!(&text[f.span], &text[2..text.len() - 2]);
    }

    #[test]
    fn unknown_kind_suggests() {
        let e = one("{{#vision charactre status=draft}}")
            .parsed
            .unwrap_err();
        assert_eq!(e.message, "unknown directive `charactre`");
        assert_eq!(e.help.as_deref(), Some("did you mean `character`?"));
        assert_eq!(e.span, 10..19);
    }

    #[test]
    fn unknown_key_for_kind() {
        let e = one("{{#vision character stauts=draft}}")
            .parsed
            .unwrap_err();
        assert_eq!(e.message, "unknown key `stauts` for `character`");
        assert_eq!(e.help.as_deref(), Some("did you mean `status`?"));
    }

    #[test]
    fn unterminated_quote_and_missing_braces() {
        let e = one("{{#vision character owner=\"Alan}}\n")
            .parsed
            .unwrap_err();
        assert_eq!(e.message, "unterminated quote in directive");
        let f = one("{{#vision character status=draft\n\nnext");
        assert_eq!(
            f.parsed.unwrap_err().message,
            "this directive is missing its closing `}}`"
        );
        let f = one("{{#vision character status=draft");
        assert_eq!(f.span, 0..32);
        assert!(f.parsed.is_err());
    }

    #[test]
    fn a_directive_may_span_lines() {
        let f = one("{{#vision status-quo\n  character=Alan\n  assigned=Shane}}");
        assert_eq!(f.parsed.unwrap().args.len(), 2);
    }

    #[test]
    fn escaped_and_protected() {
        let f = one(r"\{{#vision x}}");
        assert!(f.escaped);
        assert_eq!(f.span, 0..14);
        let code = std::iter::once(0..15).collect::<Vec<_>>();
        assert!(find_all("`{{#vision x}}`", &code).is_empty());
        assert!(find_all("{{#visionary}}", &[]).is_empty());
    }

    #[test]
    fn positional_words() {
        let d = one("{{#vision stories status-quo}}").parsed.unwrap();
        assert_eq!(d.positional().next().unwrap().value, "status-quo");
        let e = one("{{#vision stories sideways}}").parsed.unwrap_err();
        assert_eq!(e.message, "unexpected `sideways` in `stories`");
    }
}
