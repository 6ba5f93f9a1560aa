//! Heading ids exactly as the running mdBook line puts them in its HTML.
//!
//! The two lines make them in very different ways:
//!
//! * 0.4 (`build_header_links` in `hbs_renderer.rs`) runs a regex over the
//!   rendered page, `<h(\d)(?: id="([^"]+)")?(?: class="([^"]+)")?>(.*?)</h\d>`,
//!   and derives the id from the heading's *HTML*: tags stripped, the entities
//!   `&lt; &gt; &amp; &#39; &quot;` dropped, trimmed (and leading `#`s), then
//!   ASCII-lowercased. Duplicates get `-1`, `-2`… by a per-id counter that
//!   never checks what is already taken. Headings that do not fit the regex
//!   (an attribute other than id/class, a line break inside) get no id, while
//!   headings written as raw HTML that do fit it get one and use the counter.
//! * 0.5 (`add_header_links` in mdbook-html's `tree.rs`) works on a DOM: the id
//!   comes from the heading's text nodes, trimmed, Unicode-lowercased, and is
//!   made unique against every id it generated before on the page, including
//!   those of definition-list terms (`<dt>`). Explicit ids are not recorded,
//!   raw HTML headings are left alone.
//!
//! Both keep only `char::is_alphanumeric`, `_` and `-`, and turn whitespace
//! into `-`. A footnote reference in a heading adds its number to the text.
//!
//! Not modelled: places where pulldown-cmark 0.10 (which 0.4 parses with)
//! reads a chapter differently from 0.13 (e.g. `[^a][^b]` is text plus one
//! reference there), and headings inside footnote definitions, which 0.4
//! moves to the end of the page before numbering.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Tag, TagEnd};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Which mdBook line renders the book; heading ids and parser options differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MdbookLine {
    V04,
    V05,
}

impl MdbookLine {
    /// 0.4.x and older → `V04`; 0.5 and newer (pre-releases included) → `V05`.
    pub fn from_version(version: &semver::Version) -> Self {
        if version.major == 0 && version.minor <= 4 {
            MdbookLine::V04
        } else {
            MdbookLine::V05
        }
    }
}

/// The `[output.html]` switches that change how chapters are parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct MarkdownFlags {
    smart_punctuation: bool,
    definition_lists: bool,
    admonitions: bool,
}

impl MarkdownFlags {
    fn defaults(line: MdbookLine) -> Self {
        let on = line == MdbookLine::V05;
        MarkdownFlags {
            smart_punctuation: on,
            definition_lists: on,
            admonitions: on,
        }
    }

    /// Reads `config.output.html` (the book.toml as mdBook sends it). Both lines
    /// fall back to *all* defaults when that table does not deserialize, so a
    /// wrongly typed switch, or on 0.5 a key it no longer knows, resets them all.
    fn from_config(line: MdbookLine, book_config: &serde_json::Value) -> Self {
        let defaults = Self::defaults(line);
        let html = match book_config.get("output").and_then(|o| o.get("html")) {
            None => return defaults,
            Some(serde_json::Value::Object(html)) => html,
            Some(_) => return defaults,
        };
        // `Err` = the table would not deserialize.
        let flag = |key: &str, default: bool| match html.get(key) {
            None => Ok(default),
            Some(serde_json::Value::Bool(b)) => Ok(*b),
            Some(_) => Err(()),
        };
        let read = || -> Result<Self, ()> {
            match line {
                MdbookLine::V04 => Ok(MarkdownFlags {
                    // `curly-quotes` is 0.4's deprecated alias.
                    smart_punctuation: flag("smart-punctuation", false)?
                        | flag("curly-quotes", false)?,
                    ..defaults
                }),
                MdbookLine::V05 => {
                    // 0.5's HtmlConfig denies unknown fields; these are the ones
                    // 0.4 books commonly still have.
                    if ["curly-quotes", "copy-fonts", "google-analytics"]
                        .iter()
                        .any(|k| html.contains_key(*k))
                    {
                        return Err(());
                    }
                    Ok(MarkdownFlags {
                        smart_punctuation: flag("smart-punctuation", true)?,
                        definition_lists: flag("definition-lists", true)?,
                        admonitions: flag("admonitions", true)?,
                    })
                }
            }
        };
        read().unwrap_or(defaults)
    }

    fn options(self) -> Options {
        // Both lines: mdBook's `new_cmark_parser`.
        let mut o = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        if self.smart_punctuation {
            o |= Options::ENABLE_SMART_PUNCTUATION;
        }
        if self.definition_lists {
            o |= Options::ENABLE_DEFINITION_LIST;
        }
        if self.admonitions {
            o |= Options::ENABLE_GFM;
        }
        o
    }
}

/// Whether smart punctuation is on for this book, from the book's config as
/// found in the preprocessor context. 0.4: `output.html.smart-punctuation` or
/// its alias `curly-quotes`, default off. 0.5: `output.html.smart-punctuation`,
/// default on.
pub fn smart_punctuation(line: MdbookLine, book_config: &serde_json::Value) -> bool {
    MarkdownFlags::from_config(line, book_config).smart_punctuation
}

/// The pulldown-cmark options that this mdBook line uses when it renders a
/// chapter, assuming 0.5's `definition-lists` and `admonitions` are at their
/// default (on). Prefer [`book_parser_options`], which reads them too.
pub fn parser_options(line: MdbookLine, smart_punctuation: bool) -> Options {
    MarkdownFlags {
        smart_punctuation,
        ..MarkdownFlags::defaults(line)
    }
    .options()
}

/// The pulldown-cmark options that this mdBook line uses for this book: also
/// reads 0.5's `output.html.definition-lists` and `output.html.admonitions`.
pub fn book_parser_options(line: MdbookLine, book_config: &serde_json::Value) -> Options {
    MarkdownFlags::from_config(line, book_config).options()
}

/// 0.4 leaves headings with these classes alone (they are the theme's).
const IGNORED_CLASSES_V04: &[&str] = &["menu-title", "mdbook-help-title"];

/// Makes the heading ids of one chapter, in document order, as that mdBook
/// line does. In one pass over the chapter's events:
/// * the events inside a heading go to [`AnchorMaker::heading_tag`] (or
///   [`AnchorMaker::heading`]) at its end;
/// * those inside a definition-list title go to [`AnchorMaker::definition_term`];
/// * every other event goes to [`AnchorMaker::observe`].
pub struct AnchorMaker {
    line: MdbookLine,
    /// 0.4: how often each generated id was made.
    counts: HashMap<String, usize>,
    /// 0.5: every generated id so far.
    used: HashSet<String>,
    /// Footnote name → the number mdBook shows for it (first reference order).
    footnotes: HashMap<String, usize>,
    /// 0.4: nesting depth inside an image seen by `observe` (0 = not in one).
    image_depth: usize,
    /// 0.4: the page's HTML since the last heading, as far as the header
    /// regex can see it (raw HTML, escaped text, line breaks).
    pending_html: String,
    /// 0.4: whether the last line of `pending_html` holds a raw `<h` from HTML.
    /// A match starts only at raw HTML (text has its `<` escaped) and never
    /// spans lines, so other lines' text need not be kept at all.
    raw_h_line: bool,
}

impl AnchorMaker {
    pub fn new(line: MdbookLine) -> Self {
        AnchorMaker {
            line,
            counts: HashMap::default(),
            used: HashSet::default(),
            footnotes: HashMap::default(),
            image_depth: 0,
            pending_html: String::new(),
            raw_h_line: false,
        }
    }

    /// Given the events between Start(Heading) and End(Heading) (exclusive) and
    /// the heading's explicit `{#id}` if any, returns the id mdBook will put on
    /// that heading, and records it as taken. `""` when the heading gets no id
    /// (0.4 only) or an empty one. Use [`AnchorMaker::heading_tag`] when the
    /// heading may have classes or `key=value` attributes.
    pub fn heading(&mut self, inline: &[Event<'_>], explicit_id: Option<&str>) -> String {
        self.make_heading(HeadingLevel::H1, explicit_id, &[], &[], inline)
    }

    /// Like [`AnchorMaker::heading`], taking the heading's `Start` tag so that
    /// its classes and attributes count too (0.4 gives a heading with
    /// `key=value` attributes no id; both lines honour an `id=…` attribute).
    pub fn heading_tag(&mut self, start: &Tag<'_>, inline: &[Event<'_>]) -> String {
        match start {
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => self.make_heading(*level, id.as_deref(), classes, attrs, inline),
            _ => self.heading(inline, None),
        }
    }

    /// A definition-list term (`<dt>`): on 0.5 it gets an id from the same pool
    /// as headings, which is returned. 0.4 has no definition lists: `None`.
    pub fn definition_term(&mut self, inline: &[Event<'_>]) -> Option<String> {
        match self.line {
            MdbookLine::V04 => None,
            MdbookLine::V05 => {
                let text = self.text_v05(inline);
                Some(self.unique_v05(id_from_text_v05(&text)))
            }
        }
    }

    /// Every event outside headings and definition terms, in order: footnote
    /// references set the numbers that a reference inside a heading shows, and
    /// on 0.4 raw HTML headings (`<h2>…</h2>` in `Html`/`InlineHtml`, even in
    /// comments) take ids from the counter.
    #[inline]
    pub fn observe(&mut self, event: &Event<'_>) {
        let in_image = self.image_depth > 0;
        match event {
            Event::Start(_) if in_image => self.image_depth += 1,
            Event::End(_) if in_image => self.image_depth -= 1,
            Event::Start(Tag::Image { .. }) => self.image_depth = 1,
            _ => {}
        }
        if let Event::FootnoteReference(name) = event {
            let n = self.footnote_number(name);
            if self.line == MdbookLine::V04 && !in_image && self.raw_h_line {
                self.pending_html.push_str(&n.to_string());
            }
        }
        // 0.4 puts an image's text in its alt attribute, out of the regex's way.
        if self.line == MdbookLine::V04 && !in_image {
            self.pend_v04(event);
        }
    }

    /// 0.4: adds what the header regex would see of `event` to the pending HTML.
    /// Tags are left out (they cannot form `<h\d`), but line breaks matter:
    /// the regex does not match across them.
    fn pend_v04(&mut self, event: &Event<'_>) {
        let out = &mut self.pending_html;
        let newline = |out: &mut String, raw_h_line: &mut bool| {
            if std::mem::take(raw_h_line) {
                out.push('\n');
            }
        };
        match event {
            Event::Text(t) | Event::Code(t) if self.raw_h_line => escape_body(out, t),
            Event::Text(_) | Event::Code(_) => {}
            Event::Html(h) | Event::InlineHtml(h) if self.raw_h_line || h.contains("<h") => {
                out.push_str(h);
                let last_line = h.rsplit('\n').next().unwrap_or("");
                self.raw_h_line =
                    last_line.contains("<h") || (self.raw_h_line && !h.contains('\n'));
            }
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::SoftBreak | Event::HardBreak | Event::Rule | Event::TaskListMarker(_) => {
                newline(out, &mut self.raw_h_line)
            }
            // Inline elements and table cells stay on one line in 0.10's HTML.
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::TableCell,
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::TableCell,
            ) => {}
            Event::Start(_) | Event::End(_) => newline(out, &mut self.raw_h_line),
            _ => {}
        }
        // Matches never span a line, so complete lines can go now.
        if self.pending_html.len() > 4096 {
            if let Some(nl) = self.pending_html.rfind('\n') {
                let rest = self.pending_html.split_off(nl);
                let done = std::mem::replace(&mut self.pending_html, rest);
                self.flush_v04(&done);
            }
        }
    }

    /// 0.4: runs the header regex over HTML that precedes the next heading.
    fn flush_v04(&mut self, html: &str) {
        for m in header_matches(html) {
            self.link_v04(&m);
        }
    }

    fn make_heading(
        &mut self,
        level: HeadingLevel,
        explicit_id: Option<&str>,
        classes: &[CowStr<'_>],
        attrs: &[(CowStr<'_>, Option<CowStr<'_>>)],
        inline: &[Event<'_>],
    ) -> String {
        // An `id=…` attribute is the element's id unless `{#id}` is also there
        // (0.4 writes `#id` first, 0.5 overwrites the attribute with it).
        let attr_id = attrs
            .iter()
            .rev()
            .find(|(k, _)| k.as_ref() == "id")
            .map(|(_, v)| v.as_deref().unwrap_or(""));
        let explicit = explicit_id.or(attr_id);
        match self.line {
            MdbookLine::V04 => {
                let pending = std::mem::take(&mut self.pending_html);
                self.raw_h_line = false;
                self.flush_v04(&pending);
                let html = self.heading_html_v04(level, explicit_id, classes, attrs, inline);
                let mut own = None;
                for m in header_matches(&html) {
                    let id = self.link_v04(&m);
                    if m.start == 0 {
                        own = id;
                    }
                }
                own.or(explicit.map(str::to_string)).unwrap_or_default()
            }
            MdbookLine::V05 => match explicit {
                Some(id) => id.to_string(),
                None => {
                    let text = self.text_v05(inline);
                    self.unique_v05(id_from_text_v05(&text))
                }
            },
        }
    }

    fn footnote_number(&mut self, name: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(name.to_string()).or_insert(next)
    }

    /// 0.4: what `build_header_links` does with one regex match. Returns the
    /// id it generates, `None` when it keeps the element as it is.
    fn link_v04(&mut self, m: &HeaderMatch<'_>) -> Option<String> {
        let ignored = m
            .class
            .is_some_and(|c| c.split(' ').any(|c| IGNORED_CLASSES_V04.contains(&c)));
        if ignored || m.id.is_some() {
            return None;
        }
        let id = id_from_content_v04(m.content);
        let count = self.counts.entry(id.clone()).or_insert(0);
        let unique = match *count {
            0 => id,
            n => format!("{id}-{n}"),
        };
        *count += 1;
        Some(unique)
    }

    /// 0.4: the heading as pulldown-cmark 0.10's `push_html` writes it, after
    /// mdBook's footnote rewrite.
    fn heading_html_v04(
        &mut self,
        level: HeadingLevel,
        id: Option<&str>,
        classes: &[CowStr<'_>],
        attrs: &[(CowStr<'_>, Option<CowStr<'_>>)],
        inline: &[Event<'_>],
    ) -> String {
        let mut out = format!("<{level}");
        if let Some(id) = id {
            out.push_str(" id=\"");
            escape_attr(&mut out, id);
            out.push('"');
        }
        if !classes.is_empty() {
            out.push_str(" class=\"");
            for (i, class) in classes.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                escape_attr(&mut out, class);
            }
            out.push('"');
        }
        for (key, value) in attrs {
            out.push(' ');
            escape_attr(&mut out, key);
            out.push_str("=\"");
            escape_attr(&mut out, value.as_deref().unwrap_or(""));
            out.push('"');
        }
        out.push('>');
        self.inline_html_v04(inline, &mut out);
        out.push_str(&format!("</{level}>"));
        out
    }

    fn inline_html_v04(&mut self, events: &[Event<'_>], out: &mut String) {
        let mut i = 0;
        while let Some(event) = events.get(i) {
            i += 1;
            match event {
                Event::Text(t) => escape_body(out, t),
                Event::Code(t) => {
                    out.push_str("<code>");
                    escape_body(out, t);
                    out.push_str("</code>");
                }
                Event::Html(h) | Event::InlineHtml(h) => out.push_str(h),
                Event::SoftBreak => out.push('\n'),
                Event::HardBreak => out.push_str("<br />\n"),
                Event::FootnoteReference(name) => {
                    let n = self.footnote_number(name);
                    out.push_str(&format!(
                        "<sup class=\"footnote-reference\"><a href=\"#\">{n}</a></sup>"
                    ));
                }
                Event::Start(Tag::Emphasis) => out.push_str("<em>"),
                Event::End(TagEnd::Emphasis) => out.push_str("</em>"),
                Event::Start(Tag::Strong) => out.push_str("<strong>"),
                Event::End(TagEnd::Strong) => out.push_str("</strong>"),
                Event::Start(Tag::Strikethrough) => out.push_str("<del>"),
                Event::End(TagEnd::Strikethrough) => out.push_str("</del>"),
                // The href is percent-encoded, so only the title can matter.
                Event::Start(Tag::Link { title, .. }) => {
                    out.push_str("<a href=\"\"");
                    if !title.is_empty() {
                        out.push_str(" title=\"");
                        escape_attr(out, title);
                        out.push('"');
                    }
                    out.push('>');
                }
                Event::End(TagEnd::Link) => out.push_str("</a>"),
                Event::Start(Tag::Image { title, .. }) => {
                    // The alt text is the image's events as escaped plain text.
                    out.push_str("<img src=\"\" alt=\"");
                    let mut depth = 0usize;
                    while let Some(event) = events.get(i) {
                        i += 1;
                        match event {
                            Event::Start(_) => depth += 1,
                            Event::End(_) if depth == 0 => break,
                            Event::End(_) => depth -= 1,
                            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
                                escape_attr(out, t)
                            }
                            Event::SoftBreak | Event::HardBreak => out.push(' '),
                            _ => {}
                        }
                    }
                    if !title.is_empty() {
                        out.push_str("\" title=\"");
                        escape_attr(out, title);
                    }
                    out.push_str("\" />");
                }
                _ => {}
            }
        }
    }

    /// 0.5: the text of the heading's text nodes (what `text_in_node` collects).
    fn text_v05(&mut self, events: &[Event<'_>]) -> String {
        let mut text = String::new();
        let mut after_footnote = false;
        let mut i = 0;
        while let Some(event) = events.get(i) {
            i += 1;
            match event {
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                Event::InlineMath(t) | Event::DisplayMath(t) => text.push_str(t),
                Event::SoftBreak => text.push('\n'),
                Event::TaskListMarker(_) => text.push(' '),
                Event::FootnoteReference(name) => {
                    // Adjacent references are separated by a space text node.
                    if after_footnote {
                        text.push(' ');
                    }
                    let n = self.footnote_number(name);
                    text.push_str(&n.to_string());
                }
                Event::Start(Tag::Image { .. }) => {
                    // Its text goes into the alt attribute, not a text node.
                    let mut depth = 0usize;
                    while let Some(event) = events.get(i) {
                        i += 1;
                        match event {
                            Event::Start(_) => depth += 1,
                            Event::End(_) if depth == 0 => break,
                            Event::End(_) => depth -= 1,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
            after_footnote = matches!(event, Event::FootnoteReference(_));
        }
        text
    }

    fn unique_v05(&mut self, id: String) -> String {
        if self.used.insert(id.clone()) {
            return id;
        }
        let mut n: u64 = 1;
        loop {
            let candidate = format!("{id}-{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// The id mdBook makes on `line` for a heading whose content is the plain
/// `text` alone (no id of its own, no markup, no earlier heading with that
/// id). Most headings' ids are this, so the scan keeps an id only where it
/// is not (having compared the two with [`plain_id_is`]).
pub fn plain_id(line: MdbookLine, text: &str) -> String {
    if text.is_ascii() {
        // Byte by byte: every link to an entry writes its id.
        return plain_ascii_id(line, text).map(char::from).collect();
    }
    match line {
        MdbookLine::V05 => id_from_text_v05(text),
        MdbookLine::V04 => {
            keep_id_chars(text.trim().trim_start_matches('#').trim()).to_ascii_lowercase()
        }
    }
}

/// Whether [`plain_id`] of `text` is `id`, without making it when the text is
/// ASCII (links to headings compare ids a great many times).
pub fn plain_id_is(line: MdbookLine, text: &str, id: &str) -> bool {
    if !text.is_ascii() {
        return plain_id(line, text) == id;
    }
    plain_ascii_id(line, text).eq(id.bytes())
}

/// [`plain_id`] of an ASCII `text`, byte by byte.
fn plain_ascii_id(line: MdbookLine, text: &str) -> impl Iterator<Item = u8> + '_ {
    let text = match line {
        MdbookLine::V05 => text.trim(),
        MdbookLine::V04 => text.trim().trim_start_matches('#').trim(),
    };
    // ASCII lowercases the same before the filter as after it.
    text.bytes().filter_map(|b| match b {
        b'_' | b'-' => Some(b),
        _ if b.is_ascii_alphanumeric() => Some(b.to_ascii_lowercase()),
        // `char::is_whitespace`, which (unlike `u8::is_ascii_whitespace`)
        // takes in the vertical tab.
        _ if (b as char).is_whitespace() => Some(b'-'),
        _ => None,
    })
}

/// 0.5's `id_from_content`.
fn id_from_text_v05(text: &str) -> String {
    let text = text.trim();
    if text.contains('Σ') {
        // Only capital sigma lowercases by its place in a word.
        return keep_id_chars(&text.to_lowercase());
    }
    // Elsewhere a string lowercases char by char: one pass, no lowercased
    // copy, ASCII the short way.
    let mut id = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii() {
            push_id_char(&mut id, ch.to_ascii_lowercase());
        } else {
            ch.to_lowercase().for_each(|ch| push_id_char(&mut id, ch));
        }
    }
    id
}

/// The filter both lines apply: letters, digits, `_` and `-` stay, whitespace
/// becomes `-`, everything else goes. (They differ in how and when they lowercase.)
fn keep_id_chars(text: &str) -> String {
    // Never longer than the text (`-` for a blank is never longer than it).
    let mut id = String::with_capacity(text.len());
    text.chars().for_each(|ch| push_id_char(&mut id, ch));
    id
}

/// [`keep_id_chars`] for one character.
fn push_id_char(id: &mut String, ch: char) {
    if ch.is_alphanumeric() || ch == '_' || ch == '-' {
        id.push(ch);
    } else if ch.is_whitespace() {
        id.push('-');
    }
}

/// 0.4's `id_from_content`, on the heading's inner HTML.
fn id_from_content_v04(html: &str) -> String {
    let mut content = strip_tags_v04(html);
    for entity in ["&lt;", "&gt;", "&amp;", "&#39;", "&quot;"] {
        content = content.replace(entity, "");
    }
    // ASCII lowercasing keeps letters letters, so filtering first is the same.
    keep_id_chars(content.trim().trim_start_matches('#').trim()).to_ascii_lowercase()
}

/// 0.4's `<.*?>` removal: a `<` up to the next `>` on the same line.
fn strip_tags_v04(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let after = &rest[lt + 1..];
        let line = after.find('\n').map_or(after, |nl| &after[..nl]);
        match line.find('>') {
            Some(gt) => {
                out.push_str(&rest[..lt]);
                rest = &after[gt + 1..];
            }
            None => {
                out.push_str(&rest[..=lt]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One match of 0.4's header regex.
struct HeaderMatch<'a> {
    start: usize,
    id: Option<&'a str>,
    class: Option<&'a str>,
    content: &'a str,
}

/// All matches of `<h(\d)(?: id="([^"]+)")?(?: class="([^"]+)")?>(.*?)</h\d>`,
/// leftmost first, as `Regex::replace_all` finds them.
fn header_matches(html: &str) -> Vec<HeaderMatch<'_>> {
    let mut out = Vec::new();
    let mut ahead = Lookahead::default();
    let mut from = 0;
    while let Some(found) = html.get(from..).and_then(|s| s.find("<h")) {
        let start = from + found;
        match header_at(html, start, &mut ahead) {
            Some((m, end)) => {
                out.push(m);
                from = end;
            }
            // `<` is one byte, so this stays on a char boundary.
            None => from = start + 1,
        }
    }
    out
}

/// The header regex anchored at `start` (where `<h` is); the match and its end.
fn header_at<'a>(
    html: &'a str,
    start: usize,
    ahead: &mut Lookahead,
) -> Option<(HeaderMatch<'a>, usize)> {
    // `\d` also takes non-ASCII digits, on which mdBook 0.4 panics; not modelled.
    if !html.as_bytes().get(start + 2)?.is_ascii_digit() {
        return None;
    }
    let mut pos = start + 3;
    let id = quoted_attr(html, &mut pos, " id=\"");
    let class = quoted_attr(html, &mut pos, " class=\"");
    html.get(pos..)?.strip_prefix('>')?;
    let body = pos + 1;
    // `.*?` stops at a newline; the end tag is the first `</h\d>`.
    let end = Lookahead::find(&mut ahead.end_tag, html, body, find_end_tag)?;
    let newline = Lookahead::find(&mut ahead.newline, html, body, |s| s.find('\n'));
    if newline.is_some_and(|nl| nl < end) {
        return None;
    }
    let m = HeaderMatch {
        start,
        id,
        class,
        content: html.get(body..end)?,
    };
    Some((m, end + "</h1>".len()))
}

fn find_end_tag(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    loop {
        let i = from + s.get(from..)?.find("</h")?;
        if bytes.get(i + 3).is_some_and(u8::is_ascii_digit) && bytes.get(i + 4) == Some(&b'>') {
            return Some(i);
        }
        from = i + 1;
    }
}

/// The last answers to "where is the next newline / end tag from here?".
/// Attempts move forward, so reusing them keeps a long line from being
/// rescanned for every `<h` on it.
#[derive(Default)]
struct Lookahead {
    newline: Option<(usize, Option<usize>)>,
    end_tag: Option<(usize, Option<usize>)>,
}

impl Lookahead {
    /// The first position at or after `from` found by `search`, reusing `memo`
    /// (searched from, found at) while it still answers the question.
    fn find(
        memo: &mut Option<(usize, Option<usize>)>,
        hay: &str,
        from: usize,
        search: fn(&str) -> Option<usize>,
    ) -> Option<usize> {
        if let Some((searched_from, at)) = *memo {
            if searched_from <= from && at.is_none_or(|at| at >= from) {
                return at;
            }
        }
        let at = hay.get(from..).and_then(search).map(|i| from + i);
        *memo = Some((from, at));
        at
    }
}

/// `(?: NAME="([^"]+)")?` at `*pos`: the value, moving `pos` past it.
fn quoted_attr<'a>(html: &'a str, pos: &mut usize, prefix: &str) -> Option<&'a str> {
    let rest = html.get(*pos..)?.strip_prefix(prefix)?;
    let len = rest.find('"')?;
    if len == 0 {
        return None;
    }
    *pos += prefix.len() + len + 1;
    Some(&rest[..len])
}

/// pulldown-cmark's `escape_html_body_text`.
fn escape_body(out: &mut String, s: &str) {
    escape(out, s, false);
}

/// pulldown-cmark's `escape_html` (for attribute values).
fn escape_attr(out: &mut String, s: &str) {
    escape(out, s, true);
}

fn escape(out: &mut String, s: &str, quotes: bool) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_compare_as_made() {
        for line in [MdbookLine::V04, MdbookLine::V05] {
            for text in [
                "Alan tries to write a stream (story 7545)",
                "  What's `new`? A_b-c\u{b}d\te ",
                "# Not # a heading",
                "Ünïcödé Straße ΣΑΣ",
                "",
            ] {
                // What the scan relies on: the comparison says what making
                // the id and comparing it would, for the real id and others.
                let real = AnchorMaker::new(line).heading(&[Event::Text(text.into())], None);
                let plain = plain_id(line, text);
                for id in [
                    real.clone(),
                    plain.clone(),
                    format!("{plain}x"),
                    String::new(),
                ] {
                    assert_eq!(
                        plain_id_is(line, text, &id),
                        plain == id,
                        "{line:?} {text:?} {id:?}"
                    );
                }
            }
            assert_eq!(
                plain_id(line, " Alan tries: to (7545)"),
                "alan-tries-to-7545"
            );
            assert_eq!(plain_id(line, "A\u{b}B"), "a-b");
        }
        // The lines differ on a leading `#` and on lowercasing beyond ASCII.
        assert_eq!(plain_id(MdbookLine::V05, "# Hash"), "-hash");
        assert_eq!(plain_id(MdbookLine::V04, "# Hash"), "hash");
        assert_eq!(plain_id(MdbookLine::V05, "ÜBER"), "über");
        assert_eq!(plain_id(MdbookLine::V04, "ÜBER"), "Über");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The one-pass id is the id of the lowercased text, filtered.
        #[test]
        fn ids_from_text_match_the_general_way(text in "([ \t\n\r\u{0B}\u{0C}A-Za-z0-9_.,:!?'\"#&()*-]|[éÉßİΣσςΆẞǅ😱\u{0345}\u{2126}\u{212A}])*") {
            let general = keep_id_chars(&text.trim().to_lowercase());
            proptest::prop_assert_eq!(id_from_text_v05(&text), general);
        }
    }
}
