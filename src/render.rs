//! Rendering: tables, links and keys as markdown, spliced into chapter text at
//! exact byte ranges. Markdown is never re-serialised; a chapter with nothing
//! to change keeps its original string.

use crate::config::Config;
use crate::directive::{Directive, DirectiveName, Found};
use crate::index::EntryId;
use crate::index::TableShape;
use crate::model::Kind;
use crate::relations::{is_placeholder_partner, Story, StorySource};
use crate::scan::{BlockKind, Scan};
use crate::text::escape_cell;
use crate::text::escape_url;
use crate::Analysis;
use std::ops::Range;

/// Replace `span` of a chapter's text with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub text: String,
    /// The chapter's FAQ report table goes before `text`, written straight
    /// into the book as it is written ([`Renderer::streaming`]): a
    /// book-wide table runs to megabytes, and is then never held whole.
    pub faq_table: bool,
}

/// The edits of every chapter, sorted by span (none for a chapter that keeps its text).
/// Applying them is left to the caller, one chapter at a time, so the new
/// book never sits in memory next to the whole old one.
pub fn render(a: &Analysis) -> Vec<Vec<Edit>> {
    let renderer = Renderer::new(a);
    // Chapters render on their own, so they share the cores.
    crate::parallel::map(&a.texts, |text| text.len(), |ci, _| renderer.chapter(ci))
}

/// Makes each chapter's edits on its own, when it is asked for: the book's
/// writer asks for them one chapter at a time, so they are never all held.
pub struct Renderer<'a> {
    a: &'a Analysis<'a>,
    /// The stories of each chapter, found once (not by a scan per chapter).
    stories: Vec<Vec<EntryId>>,
    /// Whether FAQ report tables are left to the writer ([`Edit::faq_table`]).
    streaming: bool,
}

impl<'a> Renderer<'a> {
    pub fn new(a: &'a Analysis<'a>) -> Renderer<'a> {
        let mut stories: Vec<Vec<EntryId>> = vec![Vec::new(); a.chapters.len()];
        for (id, story) in a.relations.stories.iter().enumerate() {
            if story.is_some() {
                stories[a.index.entries[id].chapter].push(id);
            }
        }
        Renderer {
            a,
            stories,
            streaming: false,
        }
    }

    /// A renderer for [`write_applied`] to write the book with: a FAQ
    /// report's table is not made here but written straight into the book
    /// ([`Edit::faq_table`]).
    pub fn streaming(a: &'a Analysis<'a>) -> Renderer<'a> {
        Renderer {
            streaming: true,
            ..Renderer::new(a)
        }
    }

    /// Chapter `ci`'s edits, sorted by span (none past the book's end).
    pub fn chapter(&self, ci: usize) -> Vec<Edit> {
        let Some(scan) = self.a.chapters.get(ci).and_then(|c| c.scan.as_deref()) else {
            return Vec::new();
        };
        let mut edits = chapter_edits(self.a, ci, scan, &self.stories[ci], self.streaming);
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        edits
    }
}

fn chapter_edits(
    a: &Analysis,
    ci: usize,
    scan: &Scan,
    stories: &[EntryId],
    streaming: bool,
) -> Vec<Edit> {
    let text = a.texts[ci];
    let mut edits = Vec::new();
    // Only a directive that is a paragraph of its own is expanded (the others
    // are `misplaced-directive` errors): replacing one inside other text would
    // change how that text parses, so the output would not be a fixed point.
    let mut placed = None;
    for (di, found) in scan.directives.iter().enumerate() {
        if found.escaped {
            edits.push(Edit {
                span: found.span.start..found.span.start + 1,
                text: String::new(),
                faq_table: false,
            });
            continue;
        }
        let Ok(directive) = &found.parsed else {
            continue;
        };
        let placed = placed.get_or_insert_with(|| placements(text, scan, a.settings.options));
        if placed[di] != Placement::Alone {
            continue;
        }
        let rendered = match directive.name {
            DirectiveName::Entry(_) => {
                let Some(&id) = a.index.entry_of_directive.get(&(ci, di)) else {
                    continue;
                };
                entry_tables(a, ci, id, directive)
            }
            DirectiveName::RoadmapKey => {
                vec![crate::roadmap::key_table(&crate::roadmap::key_for_page(
                    a, ci,
                ))]
            }
            DirectiveName::Roadmap => crate::roadmap::roadmap_blocks(a, ci),
            // The table then goes straight into the book: this edit is
            // what follows it, as `block_edit` would join them.
            DirectiveName::FaqReport if streaming && stands_plain(text, found) => {
                edits.push(Edit {
                    span: found.span.clone(),
                    text: format!("\n\n{}", crate::faq::report_totals(a)),
                    faq_table: true,
                });
                continue;
            }
            DirectiveName::FaqReport => crate::faq::report_blocks(a, ci),
            DirectiveName::Stories => crate::overview::stories_blocks(a, ci, directive),
        };
        edits.push(block_edit(text, found, rendered));
    }
    for &id in stories {
        if let Some(
            story @ Story {
                source: StorySource::Table(ti),
                ..
            },
        ) = a.relations.stories[id].as_deref()
        {
            edits.extend(story_table_edits(a, ci, id, story, &scan.tables[*ti]));
        }
    }
    edits.extend(crate::roadmap::table_edits(a, ci, scan));
    edits.extend(crate::faq::gap_edits(a, ci, scan));
    for (ti, table) in scan.tables.iter().enumerate() {
        if a.index.table_shape_at(ci, ti) == Some(TableShape::StatusOwner) {
            if let Some(col) = table.column(&["owner", "owners"]) {
                for row in &table.rows {
                    if let Some(cell) = row.cells.get(col) {
                        let links: Vec<Range<usize>> =
                            cell.links.iter().map(|l| l.span()).collect();
                        edits.extend(owner_links(a.config, text, cell.span(), &links));
                    }
                }
            }
        }
    }
    edits
}

/// The markdown tables an entry directive stands for.
fn entry_tables(a: &Analysis, ci: usize, id: EntryId, d: &Directive) -> Vec<String> {
    let config = a.config;
    let mut tables = Vec::new();
    let status = d.value("status").map(|s| {
        config
            .status_named(&s.value)
            .map_or_else(|| escape_cell(&s.value), |st| escape_cell(&st.label))
    });
    let owners: Vec<&str> = d.values("owner").map(|a| a.value.as_str()).collect();
    // With nothing else to show (`{{#vision character}}`) the table still
    // stands, its cells empty: it is what marks the entry on the next run.
    if status.is_some() || !owners.is_empty() || a.relations.stories[id].is_none() {
        tables.push(table(
            &["Status", "Owner"],
            &[vec![status.unwrap_or_default(), people(config, &owners)]],
        ));
    }
    if let Some(story) = &a.relations.stories[id] {
        let partner_header = match story.kind {
            Kind::StatusQuo => "Shiny Future",
            _ => "Status quo",
        };
        let character = story
            .character
            .as_ref()
            .map_or(String::new(), |r| match r.entry() {
                // A path names the character for us; a reader sees the name.
                Some(c) if crate::index::looks_like_path(r.written.text.trim()) => {
                    entry_link(a.index.entries[c].character_name(), a, ci, c)
                }
                // Blanks inside the quotes (`character=" Alan "`) are not the name's.
                Some(c) => entry_link(r.written.text.trim(), a, ci, c),
                None => escape_cell(r.written.text.trim()),
            });
        let partners = partners_cell(a, ci, a.relations.partners(id));
        let assigned: Vec<&str> = story.assigned.iter().map(|s| s.as_str()).collect();
        let assigned = if assigned.is_empty() {
            volunteer(a, ci)
        } else {
            people(config, &assigned)
        };
        tables.push(table(
            &["Character", partner_header, "Assigned To"],
            &[vec![character, partners, assigned]],
        ));
    }
    tables
}

pub(crate) fn partners_cell(
    a: &Analysis,
    ci: usize,
    partners: impl ExactSizeIterator<Item = EntryId>,
) -> String {
    if partners.len() == 0 {
        return "not yet written".to_string();
    }
    let mut out = String::new();
    for (i, p) in partners.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_entry_link(&mut out, a.index.entries[p].display_title(), a, ci, p);
    }
    out
}

/// "✋ Volunteer wanted ✋", linked to the configured page (a path relative
/// to `src`, optionally with `#anchor`) relative to the linking chapter.
pub(crate) fn volunteer(a: &Analysis, ci: usize) -> String {
    match &a.config.volunteer_link {
        Some(target) if crate::index::is_external(target) => {
            format!("✋ [Volunteer wanted]({}) ✋", escape_url(target))
        }
        Some(target) => {
            let from = a.chapters[ci].source_path().unwrap_or("");
            let (path, anchor) = target
                .split_once('#')
                .map_or((target.as_str(), None), |(p, a)| (p, Some(a)));
            let mut dest = relative_path(from, path.trim_start_matches("./"));
            if let Some(anchor) = anchor {
                dest = format!("{dest}#{anchor}");
            }
            format!("✋ [Volunteer wanted]({}) ✋", escape_url(&dest))
        }
        None => "✋ Volunteer wanted ✋".to_string(),
    }
}

/// `[text](dest)` with the text escaped for a table cell.
pub fn link(text: &str, dest: &str) -> String {
    let mut out = String::with_capacity(text.len() + dest.len() + 4);
    push_link(&mut out, text, dest);
    out
}

/// [`link`], appending to `out`.
pub fn push_link(out: &mut String, text: &str, dest: &str) {
    push_link_with(out, text, |write| write(dest));
}

/// [`push_link`], the destination given piece by piece by `dest`, each
/// escaped as it comes (escaping goes character by character).
fn push_link_with(out: &mut String, text: &str, dest: impl FnOnce(&mut dyn FnMut(&str))) {
    out.push('[');
    crate::text::push_escaped_cell(out, text);
    out.push_str("](");
    dest(&mut |piece| crate::text::push_escaped_url(out, piece));
    out.push(')');
}

/// [`link`] to an entry: to its heading, from chapter `from`.
pub fn entry_link(text: &str, a: &Analysis, from: usize, id: EntryId) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    push_entry_link(&mut out, text, a, from, id);
    out
}

/// [`entry_link`], appending to `out`, its destination escaped as it is
/// written: a table of links makes no string per link.
pub fn push_entry_link(out: &mut String, text: &str, a: &Analysis, from: usize, id: EntryId) {
    push_link_with(out, text, |write| write_link_to(a, from, id, write));
}

/// The destination of a link from chapter `from` to an entry, given piece
/// by piece to `write`: relative path (`.md`, so mdBook rewrites it) and the
/// entry's anchor; `#anchor` on the same page.
fn write_link_to(a: &Analysis, from: usize, id: EntryId, mut write: impl FnMut(&str)) {
    let entry = &a.index.entries[id];
    let whole_page = entry.extent.end == usize::MAX && entry.heading == 0;
    let target = &a.chapters[entry.chapter];
    if entry.chapter != from {
        let from_path = a.chapters[from].source_path().unwrap_or("");
        write_relative_path(from_path, &rendered_path(target), &mut write);
        if whole_page {
            return;
        }
    }
    write("#");
    write(&entry.anchor());
}

/// Where mdBook serves a chapter from, as an `.md` path: README.md becomes index.md.
fn rendered_path(c: &crate::index::ChapterInfo) -> std::borrow::Cow<'_, str> {
    served_path(c.path().unwrap_or(""))
}

/// [`rendered_path`] of a chapter path: links ask it once each, so only
/// the path's end is looked at.
fn served_path(path: &str) -> std::borrow::Cow<'_, str> {
    const README: &str = "README.md";
    let dir_len = path.len().saturating_sub(README.len());
    let is_readme = path.len() >= README.len()
        && path
            .get(dir_len..)
            .is_some_and(|file| file.eq_ignore_ascii_case(README))
        && (dir_len == 0 || path.as_bytes()[dir_len - 1] == b'/');
    if is_readme {
        format!("{}index.md", &path[..dir_len]).into()
    } else {
        path.into()
    }
}

/// The path from the directory of `from` to `to` (both relative to `src`).
pub fn relative_path(from: &str, to: &str) -> String {
    let mut out = String::new();
    write_relative_path(from, to, |piece| out.push_str(piece));
    out
}

/// [`relative_path`], given piece by piece to `write`.
fn write_relative_path(from: &str, to: &str, mut write: impl FnMut(&str)) {
    let from_dirs = from.bytes().filter(|&b| b == b'/').count();
    let to_dirs = to.bytes().filter(|&b| b == b'/').count();
    let common = from
        .split('/')
        .take(from_dirs)
        .zip(to.split('/'))
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_dirs);
    for _ in common..from_dirs {
        write("../");
    }
    // What is left of `to` after its first `common` directories.
    write(to.splitn(common + 1, '/').last().unwrap_or(to));
}

/// Edits that complete a hand-written story table: plain names become links,
/// missing back-links are added, everything else stays as written.
fn story_table_edits(
    a: &Analysis,
    ci: usize,
    id: EntryId,
    story: &Story,
    t: &crate::scan::Table,
) -> Vec<Edit> {
    let text = a.texts[ci];
    let mut edits = Vec::new();
    let Some(row) = t.rows.first() else {
        return edits;
    };
    if let Some(r) = &story.character {
        if let (Some(c), false) = (r.entry(), r.by_link) {
            edits.push(Edit {
                span: r.written.span(),
                text: entry_link(&r.written.text, a, ci, c),
                faq_table: false,
            });
        }
    }
    if let Some(cell) = row.cells.get(1).filter(|c| is_written_cell(text, row, c)) {
        let mut present = Vec::new();
        for r in &story.partners {
            if let Some(p) = r.entry() {
                present.push(p);
                if !r.by_link {
                    edits.push(Edit {
                        span: r.written.span(),
                        text: entry_link(a.index.entries[p].display_title(), a, ci, p),
                        faq_table: false,
                    });
                }
            }
        }
        let missing: Vec<EntryId> = a
            .relations
            .partners(id)
            .filter(|p| !present.contains(p))
            .collect();
        if !missing.is_empty() {
            if present.is_empty() && is_placeholder_partner(&cell.text) {
                edits.push(Edit {
                    span: cell.span(),
                    text: partners_cell(a, ci, missing.iter().copied()),
                    faq_table: false,
                });
            } else {
                let added = partners_cell(a, ci, missing.iter().copied());
                edits.push(Edit {
                    span: cell.span().end..cell.span().end,
                    text: format!(", {added}"),
                    faq_table: false,
                });
            }
        }
    }
    if let Some(cell) = row.cells.get(2) {
        let links: Vec<Range<usize>> = cell.links.iter().map(|l| l.span()).collect();
        edits.extend(owner_links(a.config, text, cell.span(), &links));
    }
    edits
}

/// A markdown table; cells must already be escaped.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = table_head(header);
    for row in rows {
        out.push_str("\n| ");
        out.push_str(&row.join(" | "));
        out.push_str(" |");
    }
    out
}

/// A markdown table's header and delimiter rows; each body row follows as
/// `\n| a | b |`.
pub fn table_head(header: &[&str]) -> String {
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push('|');
    for _ in header {
        out.push_str(" --- |");
    }
    out
}

/// Owners or assignees as a cell: `@name` linked to its profile, others plain.
pub fn people(config: &Config, names: &[&str]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_person(&mut out, config, name);
    }
    out
}

pub fn person(config: &Config, name: &str) -> String {
    let mut out = String::new();
    push_person(&mut out, config, name);
    out
}

/// [`person`], appending to `out`.
fn push_person(out: &mut String, config: &Config, name: &str) {
    match name.strip_prefix('@') {
        Some(handle) if is_handle(handle) => push_profile_link(out, config, handle),
        _ => {
            // Link the `@name`s a hand-written cell would get linked on the next
            // run (`@a?`, `@a and @b`), so processing the output changes nothing.
            let escaped = escape_cell(name);
            let edits = owner_links(config, &escaped, 0..escaped.len(), &[]);
            out.push_str(&apply(&escaped, edits).unwrap_or(escaped));
        }
    }
}

/// `[@handle](profile)`, the profile link made in place: the configured
/// URL with each `{}` replaced by the handle, as [`Config::owner_link`] does.
fn push_profile_link(out: &mut String, config: &Config, handle: &str) {
    out.push_str("[@");
    out.push_str(handle);
    out.push_str("](");
    for (i, piece) in config.owner_url.split("{}").enumerate() {
        if i > 0 {
            out.push_str(handle);
        }
        out.push_str(piece);
    }
    out.push(')');
}

/// GitHub-style user names: letters, digits, `-`, `_`, `.`.
fn is_handle(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// Links each bare `@name` in a hand-written cell, leaving links and all other text as written.
pub(crate) fn owner_links(
    config: &Config,
    text: &str,
    cell: Range<usize>,
    links: &[Range<usize>],
) -> Vec<Edit> {
    let mut edits = Vec::new();
    let slice = &text[cell.clone()];
    let mut i = 0;
    while let Some(at) = slice[i..].find('@').map(|p| p + i) {
        let start = cell.start + at;
        let handle_len = slice[at + 1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(slice.len() - at - 1);
        let end = start + 1 + handle_len;
        i = at + 1 + handle_len;
        let preceded_by_word = slice[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '[' || c == '\\');
        let in_link = links.iter().any(|l| l.start <= start && start < l.end);
        if handle_len == 0 || preceded_by_word || in_link {
            continue;
        }
        let mut link = String::new();
        push_profile_link(&mut link, config, &text[start + 1..end]);
        edits.push(Edit {
            span: start..end,
            text: link,
            faq_table: false,
        });
    }
    edits
}

/// Whether a cell stands in the row's text (a row with too few cells gets empty
/// ones that are nowhere in the source): only such a cell can be edited.
fn is_written_cell(text: &str, row: &crate::scan::Row, cell: &crate::scan::Cell) -> bool {
    let line_end = row.span.start + text[row.span.clone()].trim_end().len();
    if cell.span().end > line_end || cell.span().start < row.span.start {
        return false;
    }
    if !cell.span().is_empty() {
        return true;
    }
    // An empty cell is written as `|  |`: pipes on both sides.
    let before = text[row.span.start..cell.span().start].trim_end();
    let after = text[cell.span().end..line_end].trim_start();
    before.ends_with('|') && after.starts_with('|')
}

/// Replaces a directive that stands alone in its paragraph with rendered
/// block content (tables separated by a blank line), continuing any list or
/// quote prefix on the following lines.
/// Whether `found` starts its line and ends with `\n` (or the text's end):
/// its blocks then go in as they are, joined by blank lines.
fn stands_plain(text: &str, found: &Found) -> bool {
    let before = &text[..found.span.start];
    (before.is_empty() || before.ends_with('\n')) && !text[found.span.end..].starts_with("\r\n")
}

fn block_edit(text: &str, found: &Found, blocks: Vec<String>) -> Edit {
    let span = found.span.clone();
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    // The directive is its paragraph's first text, so what stands before it on
    // its line are container markers: `>` continues a quote, and a list
    // marker (`* `, `1. `) becomes the indent that continues its item.
    let continuation: String = text[line_start..span.start]
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '>' {
                c
            } else {
                ' '
            }
        })
        .collect();
    // Keep a CRLF chapter's line endings.
    let newline = if text[span.end..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    // A book-wide report can run to megabytes: it is not copied line by
    // line where nothing is to be put before its lines.
    if continuation.is_empty() && newline == "\n" {
        let mut blocks = blocks.into_iter();
        let mut body = blocks.next().unwrap_or_default();
        for block in blocks {
            body.push_str("\n\n");
            body.push_str(&block);
        }
        return Edit {
            span,
            text: body,
            faq_table: false,
        };
    }
    // Made in one string, not joined, split into lines and joined again.
    let lines = blocks.iter().map(|b| b.split('\n').count()).sum::<usize>() + blocks.len();
    let mut body = String::with_capacity(
        blocks.iter().map(String::len).sum::<usize>() + lines * (continuation.len() + 2),
    );
    let blank = continuation.trim_end();
    for (bi, block) in blocks.iter().enumerate() {
        if bi > 0 {
            body.push_str(newline);
            body.push_str(blank);
        }
        for (li, line) in block.split('\n').enumerate() {
            if bi > 0 || li > 0 {
                body.push_str(newline);
                body.push_str(if line.is_empty() {
                    blank
                } else {
                    &continuation
                });
            }
            body.push_str(line);
        }
    }
    Edit {
        span,
        text: body,
        faq_table: false,
    }
}

/// Where a directive stands, as far as expanding it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// The whole of its paragraph (or of a tight list item's own text): it can
    /// be replaced by tables in place.
    Alone,
    /// Inside other content: what it is ("a paragraph with other text", "a
    /// heading", "a table", ...) and where that starts. Replacing the directive
    /// there would change how the text around it parses, so it is not expanded.
    Within(&'static str, usize),
}

/// The placement of each of a chapter's directives (escaped ones included).
///
/// A directive is usually its own top-level paragraph, which the scan already
/// shows; otherwise the top-level block holding it is parsed again to find the
/// innermost block around it (each such block once).
pub fn placements(text: &str, scan: &Scan, options: pulldown_cmark::Options) -> Vec<Placement> {
    // Only a link reference definition is text outside every block.
    let mut out: Vec<Placement> = scan
        .directives
        .iter()
        .map(|f| Placement::Within("a link reference definition", f.span.start))
        .collect();
    let mut to_parse: Vec<(usize, Vec<usize>)> = Vec::new();
    for (di, found) in scan.directives.iter().enumerate() {
        let Some(bi) = scan.block_at(found.span.start) else {
            continue;
        };
        let block = &scan.blocks[bi];
        let at = block.span().start;
        out[di] = match block.kind() {
            BlockKind::Paragraph
                if text[block.span()].trim() == text[found.span.clone()].trim() =>
            {
                Placement::Alone
            }
            BlockKind::Paragraph => Placement::Within("a paragraph with other text", at),
            BlockKind::Heading(_) => Placement::Within("a heading", at),
            BlockKind::Table(_) => Placement::Within("a table", at),
            BlockKind::Html => Placement::Within("an HTML block", at),
            // Lists, quotes, footnotes: look inside.
            BlockKind::Other => {
                match to_parse.last_mut() {
                    Some((b, dis)) if *b == bi => dis.push(di),
                    _ => to_parse.push((bi, vec![di])),
                }
                continue;
            }
        };
    }
    for (bi, dis) in to_parse {
        let span = scan.blocks[bi].span();
        let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let inner = inner_blocks(&text[start..span.end], start, options);
        for di in dis {
            let d = &scan.directives[di].span;
            // The innermost block around it: the last to open before it that
            // has not closed yet.
            let opened = inner.partition_point(|b| b.span.start <= d.start);
            out[di] = match inner[..opened].iter().rev().find(|b| b.span.end > d.start) {
                None => Placement::Within("a link reference definition", d.start),
                Some(b) => match (b.kind, b.inline.clone()) {
                    (InnerKind::Text(what), Some(inline)) if inline.contains(&d.start) => {
                        if text[inline.clone()].trim() == text[d.clone()].trim() {
                            Placement::Alone
                        } else {
                            Placement::Within(what, inline.start)
                        }
                    }
                    (InnerKind::Text(what) | InnerKind::Other(what), _) => {
                        Placement::Within(what, b.span.start)
                    }
                },
            };
        }
    }
    out
}

#[derive(Clone, Copy, Debug)]
enum InnerKind {
    /// A paragraph or a list item: its own text may be replaced by tables.
    /// The name says where a directive with other text is.
    Text(&'static str),
    /// A block whose content cannot become a table.
    Other(&'static str),
}

/// A block inside a top-level block, with the span of its own inline text
/// (a list item's text before any nested block).
struct InnerBlock {
    kind: InnerKind,
    span: Range<usize>,
    inline: Option<Range<usize>>,
}

/// Every block in `source` (offsets shifted by `base`), in the order they open.
fn inner_blocks(source: &str, base: usize, options: pulldown_cmark::Options) -> Vec<InnerBlock> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let is_inline = |t: &Tag| {
        matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        )
    };
    let is_inline_end = |t: &TagEnd| {
        matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        )
    };
    let mut blocks: Vec<InnerBlock> = Vec::new();
    // Open blocks (indices into `blocks`), innermost last; whether the
    // innermost has had a nested block (its own text ends there).
    let mut open: Vec<(usize, bool)> = Vec::new();
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        let range = range.start + base..range.end + base;
        match &event {
            Event::Start(tag) if !is_inline(tag) => {
                if let Some(top) = open.last_mut() {
                    top.1 = true;
                }
                let kind = match tag {
                    Tag::Paragraph => InnerKind::Text("a paragraph with other text"),
                    Tag::Item => InnerKind::Text("a list item with other text"),
                    Tag::Heading { .. } => InnerKind::Other("a heading"),
                    Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell => {
                        InnerKind::Other("a table")
                    }
                    Tag::HtmlBlock => InnerKind::Other("an HTML block"),
                    Tag::CodeBlock(_) => InnerKind::Other("a code block"),
                    Tag::DefinitionList
                    | Tag::DefinitionListTitle
                    | Tag::DefinitionListDefinition => InnerKind::Other("a definition list"),
                    _ => InnerKind::Other("a block that cannot hold a table"),
                };
                open.push((blocks.len(), false));
                blocks.push(InnerBlock {
                    kind,
                    span: range,
                    inline: None,
                });
            }
            Event::End(end) if !is_inline_end(end) => {
                open.pop();
            }
            Event::Html(_) | Event::Rule => {
                if let Some(top) = open.last_mut() {
                    top.1 = true;
                }
            }
            _ => {
                // Inline content of the innermost open block.
                if let Some(&(i, false)) = open.last() {
                    let inline = blocks[i].inline.get_or_insert(range.clone());
                    inline.start = inline.start.min(range.start);
                    inline.end = inline.end.max(range.end);
                }
            }
        }
    }
    blocks
}

/// Applies edits sorted by span, as [`render`] gives them; `None` when
/// there are none or they change nothing.
pub fn apply(text: &str, edits: Vec<Edit>) -> Option<String> {
    if edits.is_empty() {
        return None;
    }
    debug_assert!(
        edits.iter().all(|e| !e.faq_table),
        "a streaming renderer's edits are for write_applied"
    );
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    // Writing to a String cannot fail.
    let _ = write_applied(&mut out, text, &edits, &mut |_| Ok(()));
    (out != text).then_some(out)
}

/// Writes `text` with `edits` (sorted by span) applied, piece by piece, so the
/// new text need not be made as a string of its own. `faq_table` writes the
/// chapter's FAQ report table where an edit asks for it ([`Edit::faq_table`]).
pub fn write_applied(
    out: &mut dyn std::fmt::Write,
    text: &str,
    edits: &[Edit],
    faq_table: &mut dyn FnMut(&mut dyn std::fmt::Write) -> std::fmt::Result,
) -> std::fmt::Result {
    let mut at = 0;
    for e in edits {
        if e.span.start < at {
            continue; // overlapping edits cannot both apply; the first wins
        }
        out.write_str(&text[at..e.span.start])?;
        if e.faq_table {
            faq_table(out)?;
        }
        out.write_str(&e.text)?;
        at = e.span.end;
    }
    out.write_str(&text[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The edit that puts `blocks` where the one directive of `text` is.
    fn expanded(text: &str, blocks: &[&str]) -> String {
        let found = crate::directive::find_all(text, &[]).remove(0);
        let edit = block_edit(text, &found, blocks.iter().map(|b| b.to_string()).collect());
        apply(text, vec![edit]).unwrap()
    }

    #[test]
    fn expanded_blocks_continue_the_container_the_directive_is_in() {
        let two: &[&str] = &["| A |\n| --- |", "| B |\n| --- |"];
        let cases: [(&str, &[&str], &str); 6] = [
            (
                "x\n\n{{#vision roadmap-key}}\n",
                two,
                "x\n\n| A |\n| --- |\n\n| B |\n| --- |\n",
            ),
            // A blank line in a quote is the bare marker, with no space after it.
            (
                "> {{#vision roadmap-key}}\n",
                two,
                "> | A |\n> | --- |\n>\n> | B |\n> | --- |\n",
            ),
            ("> {{#vision roadmap-key}}\n", &["a\n\nb"], "> a\n>\n> b\n"),
            (
                "* {{#vision roadmap-key}}\n",
                two,
                "* | A |\n  | --- |\n\n  | B |\n  | --- |\n",
            ),
            (
                "> {{#vision roadmap-key}}\r\n",
                two,
                "> | A |\r\n> | --- |\r\n>\r\n> | B |\r\n> | --- |\r\n",
            ),
            (
                "{{#vision roadmap-key}}\r\n",
                two,
                "| A |\r\n| --- |\r\n\r\n| B |\r\n| --- |\r\n",
            ),
        ];
        for (text, blocks, want) in cases {
            assert_eq!(expanded(text, blocks), want, "{text:?}");
        }
    }

    #[test]
    fn relative_paths_between_chapters() {
        let cases = [
            ("a.md", "b.md", "b.md"),
            ("a.md", "x/b.md", "x/b.md"),
            ("x/a.md", "b.md", "../b.md"),
            ("x/a.md", "x/b.md", "b.md"),
            ("x/y/a.md", "x/z/b.md", "../z/b.md"),
            ("x/y/a.md", "q/b.md", "../../q/b.md"),
            ("x/a.md", "x", "../x"),
            ("", "x/b.md", "x/b.md"),
            ("x/y/a.md", "x/y", "../y"),
        ];
        for (from, to, want) in cases {
            assert_eq!(relative_path(from, to), want, "{from} → {to}");
        }
    }

    proptest::proptest! {
        #[test]
        fn served_paths_turn_readmes_into_index(
            parts in proptest::collection::vec("(a|é|README\\.md|readme\\.MD|xREADME\\.md|index\\.md|)", 1..4)
        ) {
            let path = parts.join("/");
            let want: String = match path.rsplit_once('/') {
                Some((dir, file)) if file.eq_ignore_ascii_case("README.md") => format!("{dir}/index.md"),
                None if path.eq_ignore_ascii_case("README.md") => "index.md".into(),
                _ => path.clone(),
            };
            proptest::prop_assert_eq!(served_path(&path), want);
        }
    }

    #[test]
    fn profile_links_fill_the_url_as_owner_link_does() {
        let mut config = Config::from_table(None).expect("the defaults are valid");
        for url in [
            "https://github.com/{}",
            "{}",
            "https://x/{}/y?u={}",
            "a{}{}b",
        ] {
            config.owner_url = url.to_string();
            for handle in ["a", "nikomatsakis", "a-b.c"] {
                let mut made = String::new();
                push_profile_link(&mut made, &config, handle);
                let want = format!("[@{handle}]({})", config.owner_link(handle));
                assert_eq!(made, want);
                assert_eq!(person(&config, &format!("@{handle}")), want);
            }
        }
        assert_eq!(
            people(&config, &["@a", "Zoë | x", "@b and @c"]),
            "[@a](aaab), Zoë &#124; x, [@b](abbb) and [@c](accb)"
        );
    }

    #[test]
    fn links_escape_their_text_and_destination() {
        assert_eq!(link("Plain", "a.md#b"), "[Plain](a.md#b)");
        assert_eq!(
            link("A | `b` <c>", "a b(c).md"),
            "[A &#124; \\`b\\` &lt;c&gt;](a%20b%28c%29.md)"
        );
        assert_eq!(link("Zoë", "é.md\u{7}"), "[Zoë](é.md)");
    }
}
