//! One pulldown-cmark pass per chapter: headings with their mdBook ids, top-level
//! blocks, tables with their cells and links, directives and the ranges where
//! directives must not be expanded. Everything carries byte spans into the
//! original text so later stages can splice instead of re-serialising.

use crate::anchor::{
    book_parser_options, parser_options, plain_id, plain_id_is, AnchorMaker, MdbookLine,
};
use crate::answer::{Placeholders, Verdict};
use crate::directive::{self, Found};
use crate::shared_str::{SharedStr, Strings};
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// How a chapter is parsed: as the running mdBook parses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseSettings {
    pub line: MdbookLine,
    pub options: Options,
}

impl ParseSettings {
    /// The line's options with smart punctuation on or off (others at their defaults).
    pub fn new(line: MdbookLine, smart_punctuation: bool) -> ParseSettings {
        ParseSettings {
            line,
            options: parser_options(line, smart_punctuation),
        }
    }

    /// Exactly the options this book's `[output.html]` gives the running line.
    pub fn for_book(line: MdbookLine, book_config: &serde_json::Value) -> ParseSettings {
        ParseSettings {
            line,
            options: book_parser_options(line, book_config),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// `Some(line)` when the id is [`plain_id`] of `text` on that line (most
    /// are), which is then not kept: a book's headings are all held.
    plain_id: Option<MdbookLine>,
    /// The whole heading, from its first `#` to its end ([`Heading::span`];
    /// `u32`: a chapter scans only below 4 GiB, and headings are many).
    start: u32,
    end: u32,
    /// The heading's text as a reader sees it (markup removed).
    pub text: SharedStr,
    /// The id, when it is not the plain one (empty then).
    kept_id: SharedStr,
}

impl Heading {
    /// The whole heading, from its first `#` to its end.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The `id` mdBook gives it.
    pub fn id(&self) -> std::borrow::Cow<'_, str> {
        match self.plain_id {
            Some(line) => plain_id(line, &self.text).into(),
            None => self.kept_id.as_str().into(),
        }
    }

    /// Whether its id is `id`.
    pub fn id_is(&self, id: &str) -> bool {
        match self.plain_id {
            Some(line) => plain_id_is(line, &self.text, id),
            None => self.kept_id == id,
        }
    }

    /// How its id is kept, for an entry made of it: the line when it is the
    /// plain one, else the id.
    pub fn kept_id(&self) -> (Option<MdbookLine>, SharedStr) {
        (self.plain_id, self.kept_id.clone())
    }
}

/// A block at the top level of the chapter, in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// [`Block::kind`] as a tag and (for a heading or a table) an index, so
    /// that with `follows` beside them a block is 16 bytes: blocks are many.
    tag: u8,
    /// Whether the block kept before this one is the block right before it
    /// in the chapter (see [`Scan::blocks`]).
    follows: bool,
    index: u32,
    /// Offsets in `u32` (a chapter scans only below 4 GiB).
    start: u32,
    end: u32,
}

impl Block {
    fn new(kind: BlockKind, span: Range<usize>) -> Block {
        let (tag, index) = match kind {
            BlockKind::Heading(i) => (0, i),
            BlockKind::Table(i) => (1, i),
            BlockKind::Paragraph => (2, 0),
            BlockKind::Html => (3, 0),
            BlockKind::Other => (4, 0),
        };
        Block {
            tag,
            follows: true,
            index,
            start: span.start as u32,
            end: span.end as u32,
        }
    }

    pub fn kind(&self) -> BlockKind {
        match self.tag {
            0 => BlockKind::Heading(self.index),
            1 => BlockKind::Table(self.index),
            2 => BlockKind::Paragraph,
            3 => BlockKind::Html,
            _ => BlockKind::Other,
        }
    }

    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A top-level block's kind; headings and tables with their index in the scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Heading(u32),
    Table(u32),
    Paragraph,
    Html,
    Other,
}

/// A link as written: `[text](dest)`, `[text][label]`, `[label]` or `<dest>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Where it is written ([`Link::span`]; `u32` as in [`Heading`]).
    start: u32,
    end: u32,
    /// The resolved destination (reference links are resolved through the page's definitions).
    pub dest: SharedStr,
    pub text: SharedStr,
    /// True for `[text][label]`, `[label][]` and `[label]`.
    pub by_reference: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The cell's content, without the surrounding pipes and spaces
    /// ([`Cell::span`]; `u32` as in [`Heading`]).
    start: u32,
    end: u32,
    pub text: SharedStr,
    pub links: Box<[Link]>,
}

impl Link {
    /// Where it is written.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl Cell {
    /// The cell's content, without the surrounding pipes and spaces.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub span: Range<usize>,
    pub cells: Box<[Cell]>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub span: Range<usize>,
    pub header: Row,
    pub rows: Vec<Row>,
}

impl Table {
    /// The index of the first column whose header has one of `names` as its
    /// title key (case and markup ignored). The names are keys already
    /// (lowercase words), so no header's key is made to compare them.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        debug_assert!(names.iter().all(|n| crate::text::title_key(n) == *n));
        self.header
            .cells
            .iter()
            .position(|c| names.iter().any(|n| crate::text::title_key_is(&c.text, n)))
    }

    /// The header cells' comparison keys: what the tests hold the header
    /// lookups to.
    #[cfg(test)]
    pub fn header_keys(&self) -> Vec<String> {
        self.header
            .cells
            .iter()
            .map(|c| crate::text::title_key(&c.text))
            .collect()
    }
}

/// Everything one chapter holds that the later stages need. Its lists are
/// boxed to their length: a book's scans are all held at once.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub headings: Box<[Heading]>,
    /// The top-level blocks the later stages look at, in document order:
    /// headings, tables, blocks holding a directive, and the block right
    /// after each of those. Most of a page is prose no stage reads, and a
    /// book's scans are all held at once. [`Scan::block_after`] tells
    /// whether two kept blocks are neighbours.
    pub blocks: Box<[Block]>,
    /// The length of the chapter's text.
    pub text_len: usize,
    pub tables: Box<[Table]>,
    pub directives: Box<[Found]>,
    /// Ids of definition-list terms (0.5 gives `<dt>`s ids; links may target them).
    pub term_ids: Box<[String]>,
    /// List items, text runs and `<details>` tags, for finding FAQ questions and answers.
    pub outline: Outline,
}

/// A scan's lists while the chapter is read.
#[derive(Default)]
struct Lists {
    headings: Vec<Heading>,
    blocks: Vec<Block>,
    tables: Vec<Table>,
    term_ids: Vec<String>,
}

impl Scan {
    /// Points every string the scan kept at the chapter's finished buffer.
    fn seal(&mut self, buffer: &crate::shared_str::Buffer) {
        directive::seal(&mut self.directives, buffer);
        for h in &mut self.headings {
            Strings::seal(&mut h.text, buffer);
            Strings::seal(&mut h.kept_id, buffer);
        }
        for table in &mut self.tables {
            for row in std::iter::once(&mut table.header).chain(&mut table.rows) {
                for cell in &mut row.cells {
                    Strings::seal(&mut cell.text, buffer);
                    for link in &mut cell.links {
                        Strings::seal(&mut link.dest, buffer);
                        Strings::seal(&mut link.text, buffer);
                    }
                }
            }
        }
    }

    /// The top-level block that comes right after block `i` in the chapter,
    /// if it was kept (it is, after a heading, a table or a block holding a directive).
    pub fn block_after(&self, i: usize) -> Option<&Block> {
        self.blocks.get(i + 1).filter(|b| b.follows)
    }

    /// Keeps only the blocks [`Scan::blocks`] promises, once the
    /// directives are known.
    fn drop_unread_blocks(blocks: &mut Vec<Block>, directives: &[Found]) {
        let mut next_directive = 0;
        let mut previous_read = false;
        let mut previous_kept = false;
        blocks.retain_mut(|b| {
            while directives
                .get(next_directive)
                .is_some_and(|d| d.span.start < b.start as usize)
            {
                next_directive += 1;
            }
            let holds_directive = directives
                .get(next_directive)
                .is_some_and(|d| d.span.start < b.end as usize);
            let read =
                holds_directive || matches!(b.kind(), BlockKind::Heading(_) | BlockKind::Table(_));
            let keep = read || previous_read;
            b.follows = previous_kept;
            previous_read = read;
            previous_kept = keep;
            keep
        });
    }

    /// The index of the top-level block that contains `offset`.
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.start as usize <= offset);
        i.checked_sub(1)
            .filter(|&i| self.blocks[i].end as usize > offset)
    }
}

/// A heading being read: its start tag and span (its inline events go to
/// the scan's one reused buffer).
type OpenHeading<'a> = (Tag<'a>, Range<usize>);

/// Scans one chapter. A chapter of 4 GiB or more (offsets are kept in `u32`)
/// is left alone: it scans as empty, so nothing in it is read or changed.
/// `placeholders` are the book's, for the verdict on each FAQ text run.
/// The scan's strings are copies: it does not need `text` once made.
pub fn scan(text: &str, settings: ParseSettings, placeholders: &Placeholders) -> Box<Scan> {
    scan_keeping(text, settings, placeholders, Strings::new()).0
}

/// A scan whose strings are, where they can be, ranges of the text it was
/// made from ([`scan_in_place`]); they read once the text that stays is
/// given to it.
pub struct Unattached {
    scan: Box<Scan>,
    strings: crate::shared_str::Buffer,
}

impl Unattached {
    /// The scan, its strings reading from `text`: the text it was made from,
    /// or one equal to it.
    pub fn attach(self, text: &'static str) -> Box<Scan> {
        debug_assert_eq!(text.len(), self.scan.text_len, "attached to another text");
        crate::shared_str::attach(&self.strings, text);
        self.scan
    }
}

/// [`scan`] for a text that will stay in memory as long as its scan (the
/// preprocessor's input): strings written in the text as they are (most link
/// texts and targets, plain headings, directive values) are not copied.
pub fn scan_in_place(
    text: &str,
    settings: ParseSettings,
    placeholders: &Placeholders,
) -> Unattached {
    let (scan, strings) = scan_keeping(text, settings, placeholders, Strings::over(text));
    Unattached { scan, strings }
}

fn scan_keeping<'t>(
    text: &'t str,
    settings: ParseSettings,
    placeholders: &Placeholders,
    mut strings: Strings<'t>,
) -> (Box<Scan>, crate::shared_str::Buffer) {
    if u32::try_from(text.len()).is_err() {
        return (Box::default(), strings.finish());
    }
    let parser = Parser::new_ext(text, settings.options);
    let mut events = parser.into_offset_iter();
    let mut out = Lists::default();
    let mut anchors = AnchorMaker::new(settings.line);
    let mut protected: Vec<Range<usize>> = Vec::new();

    let mut depth = 0usize;
    // The heading or definition term being read, and its inline events: one
    // buffer for all of them (they never nest), so a chapter's headings cost
    // no allocations of their own.
    let mut heading: Option<OpenHeading> = None;
    let mut term = false;
    let mut inline: Vec<Event> = Vec::new();
    // The table being read, its current row, cell and link.
    let mut table: Option<(Range<usize>, Vec<Row>)> = None;
    let mut row: Option<Row> = None;
    let mut cell: Option<Cell> = None;
    let mut link: Option<Link> = None;
    // The links of the cell and the cells of the row being read (reused:
    // each cell and row keeps its own boxed to its length, as a book's
    // tables are all held at once).
    let mut cell_links: Vec<Link> = Vec::new();
    let mut row_cells: Vec<Cell> = Vec::new();
    // The texts of the cell and link being read (one buffer each, reused: a
    // link's text grows inside its cell's); `strings` keeps the chapter's.
    let mut cell_text = String::new();
    let mut link_text = String::new();
    let mut html_block: Option<usize> = None;

    let mut outline = OutlineRecorder::new(placeholders);
    for (event, range) in events.by_ref() {
        outline.event(text, &event, &range);
        let mut inside = false;
        if heading.is_some() {
            if !matches!(event, Event::End(TagEnd::Heading(_))) {
                inline.push(event.clone());
            }
            inside = true;
        }
        if term {
            if !matches!(event, Event::End(TagEnd::DefinitionListTitle)) {
                inline.push(event.clone());
            }
            inside = true;
        }
        // Footnote numbers and raw HTML headings outside headings shift ids too.
        let opens_id_holder = matches!(
            event,
            Event::Start(Tag::Heading { .. } | Tag::DefinitionListTitle)
        );
        if !inside && !opens_id_holder {
            anchors.observe(&event);
        }
        match &event {
            Event::Start(tag) => {
                if depth == 0 {
                    let kind = match tag {
                        Tag::Heading { .. } => BlockKind::Heading(out.headings.len() as u32),
                        Tag::Table(_) => BlockKind::Table(out.tables.len() as u32),
                        Tag::Paragraph => BlockKind::Paragraph,
                        Tag::HtmlBlock => BlockKind::Html,
                        _ => BlockKind::Other,
                    };
                    out.blocks.push(Block::new(kind, range.clone()));
                }
                depth += 1;
                match tag {
                    Tag::Heading { .. } => {
                        heading = Some((tag.clone(), range.clone()));
                        inline.clear();
                    }
                    Tag::DefinitionListTitle => {
                        term = true;
                        inline.clear();
                    }
                    Tag::CodeBlock(_) => protected.push(range.clone()),
                    Tag::HtmlBlock => html_block = Some(range.start),
                    Tag::Table(_) => table = Some((range.clone(), Vec::new())),
                    Tag::TableHead | Tag::TableRow => {
                        row = Some(Row {
                            span: range.clone(),
                            cells: Box::default(),
                        })
                    }
                    Tag::TableCell => {
                        cell_text.clear();
                        let span = trim_cell(text, range.clone());
                        cell = Some(Cell {
                            start: span.start as u32,
                            end: span.end as u32,
                            text: strings.empty(),
                            links: Box::default(),
                        })
                    }
                    Tag::Link {
                        link_type,
                        dest_url,
                        ..
                    } if cell.is_some() => {
                        link_text.clear();
                        link = Some(Link {
                            start: range.start as u32,
                            end: range.end as u32,
                            dest: strings.keep(dest_url),
                            text: strings.empty(),
                            by_reference: matches!(
                                link_type,
                                LinkType::Reference
                                    | LinkType::Collapsed
                                    | LinkType::Shortcut
                                    | LinkType::ReferenceUnknown
                                    | LinkType::CollapsedUnknown
                                    | LinkType::ShortcutUnknown
                            ),
                        })
                    }
                    _ => {}
                }
            }
            Event::End(tag_end) => {
                depth = depth.saturating_sub(1);
                match tag_end {
                    TagEnd::Heading(_) => {
                        if let Some((start, span)) = heading.take() {
                            let id = anchors.heading_tag(&start, &inline);
                            let level = match &start {
                                Tag::Heading { level, .. } => *level as u8,
                                _ => 1,
                            };
                            let text = keep_plain_text(&inline, &mut strings);
                            if crate::text::is_faq_title(strings.since(text)) {
                                outline.faq_starts(span.start, level);
                            }
                            let plain = plain_id_is(settings.line, strings.since(text), &id);
                            out.headings.push(Heading {
                                level,
                                plain_id: plain.then_some(settings.line),
                                start: span.start as u32,
                                end: span.end as u32,
                                text: strings.keep_from_found(text, span.clone()),
                                kept_id: if plain {
                                    strings.empty()
                                } else {
                                    strings.keep_found(&id, span.clone())
                                },
                            });
                        }
                    }
                    TagEnd::DefinitionListTitle => {
                        // Always the end of the term `inline` holds.
                        term = false;
                        if let Some(id) = anchors.definition_term(&inline) {
                            out.term_ids.push(id);
                        }
                    }
                    TagEnd::HtmlBlock => {
                        if let Some(start) = html_block.take() {
                            push_comments(text, start..range.end, &mut protected);
                        }
                    }
                    TagEnd::Link => {
                        if let (Some(mut l), Some(_)) = (link.take(), cell.as_ref()) {
                            l.text = strings.keep_found(&link_text, l.span());
                            cell_links.push(l);
                        }
                    }
                    TagEnd::TableCell => {
                        if let (Some(mut c), Some(_)) = (cell.take(), row.as_ref()) {
                            c.links = cell_links.drain(..).collect();
                            // A cell that is one link reads as the link's text: kept once.
                            c.text = match c.links.last() {
                                Some(l) if strings.kept(&l.text) == cell_text => l.text.clone(),
                                _ => strings.keep_found(&cell_text, c.span()),
                            };
                            row_cells.push(c);
                        }
                    }
                    TagEnd::TableHead | TagEnd::TableRow => {
                        if let (Some(mut r), Some((_, rows))) = (row.take(), table.as_mut()) {
                            r.cells = row_cells.drain(..).collect();
                            rows.push(r);
                        }
                    }
                    TagEnd::Table => {
                        if let Some((span, mut rows)) = table.take() {
                            if !rows.is_empty() {
                                let header = rows.remove(0);
                                rows.shrink_to_fit();
                                out.tables.push(Table { span, header, rows });
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Code(code) => {
                protected.push(range.clone());
                push_text(&cell, &link, [&mut cell_text, &mut link_text], code);
            }
            Event::Text(t) => push_text(&cell, &link, [&mut cell_text, &mut link_text], t),
            Event::SoftBreak | Event::HardBreak => {
                push_text(&cell, &link, [&mut cell_text, &mut link_text], " ")
            }
            Event::InlineHtml(html) if html.starts_with("<!--") => {
                protected.push(range.clone());
            }
            _ => {}
        }
    }
    protected.sort_by_key(|r| r.start);
    let directives = directive::find_all_keeping(text, &protected, &mut strings);
    Scan::drop_unread_blocks(&mut out.blocks, &directives);
    let mut scan = Scan {
        headings: out.headings.into_boxed_slice(),
        blocks: out.blocks.into_boxed_slice(),
        text_len: text.len(),
        tables: out.tables.into_boxed_slice(),
        directives: directives.into_boxed_slice(),
        term_ids: out.term_ids.into_boxed_slice(),
        outline: outline.finish(text),
    };
    let buffer = strings.finish();
    scan.seal(&buffer);
    (Box::new(scan), buffer)
}

/// Adds inline text to the cell and the link being read, if any
/// (`texts`: the cell's, then the link's).
fn push_text(cell: &Option<Cell>, link: &Option<Link>, texts: [&mut String; 2], t: &str) {
    let [cell_text, link_text] = texts;
    if cell.is_some() {
        cell_text.push_str(t);
    }
    if link.is_some() {
        link_text.push_str(t);
    }
}

/// Puts the plain text of inline events (what a reader sees, markup
/// removed, trimmed) at the end of `strings`' buffer; gives where it starts.
fn keep_plain_text(inline: &[Event], strings: &mut Strings) -> usize {
    let buffer = strings.buffer();
    let from = buffer.len();
    for e in inline {
        match e {
            Event::Text(t) | Event::Code(t) => buffer.push_str(t),
            Event::SoftBreak | Event::HardBreak => buffer.push(' '),
            _ => {}
        }
    }
    let end = from + buffer[from..].trim_end().len();
    buffer.truncate(end);
    end - buffer[from..].trim_start().len()
}

/// A table cell's range without the pipes and padding around it.
fn trim_cell(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let slice_trimmed_start = slice.trim_start_matches(|c: char| c == '|' || c.is_whitespace());
    let start = range.start + (slice.len() - slice_trimmed_start.len());
    let trimmed = slice_trimmed_start.trim_end_matches(|c: char| c.is_whitespace());
    let mut end = start + trimmed.len();
    // A trailing unescaped pipe belongs to the row, not the cell.
    if text[start..end].ends_with('|') && !text[start..end].ends_with("\\|") {
        end -= 1;
        end = start + text[start..end].trim_end().len();
    }
    start..end.max(start)
}

/// Adds the `<!-- ... -->` comments inside an HTML block to the protected ranges.
fn push_comments(text: &str, block: Range<usize>, protected: &mut Vec<Range<usize>>) {
    let mut from = block.start;
    while let Some(open) = text[from..block.end].find("<!--").map(|i| i + from) {
        let close = text[open + 4..]
            .find("-->")
            .map_or(text.len(), |i| open + 4 + i + 3);
        protected.push(open..close);
        from = close.min(block.end);
        if from >= block.end {
            break;
        }
    }
}

/// What the FAQ checks need from the pass, in document order: from the first
/// FAQ heading or `<details>` on, every list item with its nesting depth and
/// the text of every leaf block (runs of inline text); and every `<details>` /
/// `</details>` tag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    pub items: Box<[ListItem]>,
    pub runs: Box<[Run]>,
    pub details: Box<[DetailsTag]>,
    /// The texts of the lead runs that keep their own, end to end: one
    /// allocation a chapter rather than one a run.
    owned: Box<str>,
}

/// An [`Outline`] being recorded.
#[derive(Default)]
struct OutlineLists {
    items: Vec<ListItem>,
    runs: Vec<Run>,
    details: Vec<DetailsTag>,
    owned: String,
}

impl Outline {
    /// A lead run's plain text (other runs keep only their verdict and read
    /// as empty); `source` is the chapter it was scanned from.
    pub fn run_text<'t>(&'t self, run: &Run, source: &'t str) -> std::borrow::Cow<'t, str> {
        let text = run.text_start as usize..run.text_end as usize;
        if run.owned {
            return self.owned[text].into();
        }
        join_lines(&source[text], run.joins_lines)
    }
}

/// Offsets in `u32` (a chapter scans only below 4 GiB): items are many.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListItem {
    /// 1 for an item of a list that is not inside another list.
    pub depth: u16,
    start: u32,
    end: u32,
}

impl ListItem {
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One stretch of inline content (a paragraph, a tight list item's own text,
/// a heading, a code block, a table cell), with the verdict on its plain
/// text. Only the lead run of an item that may ask a question (the item's
/// first run; not an item inside an item of the same FAQ) keeps its text:
/// most leads are a stretch of the source as it stands (lines joined by
/// spaces), so they keep only its range; one with markup or escapes inside
/// keeps its own text, among the outline's. Read it with
/// [`Outline::run_text`]. A run that leads nothing may stand for several in
/// a row, with their verdicts taken together (blank ones are not kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Offsets in `u32` (a chapter scans only below 4 GiB): runs are many.
    start: u32,
    /// A lead run's text: a range of the source, or of the outline's own texts.
    text_start: u32,
    text_end: u32,
    owned: bool,
    /// Line breaks inside a source range stand for single spaces.
    joins_lines: bool,
    /// The first run of a list item that may ask a question (the only runs
    /// that keep their text).
    pub lead: bool,
    pub verdict: Verdict,
    /// For a lead with its text that opens in bold (`**Question?** answer`):
    /// the length of its text up to the end of the bold; `u32::MAX` if none.
    bold_end: u32,
}

impl Run {
    /// Where the run starts in the chapter.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// How much of a lead's text its opening bold holds, if it opens in bold.
    pub fn bold_len(&self) -> Option<usize> {
        (self.bold_end != u32::MAX).then_some(self.bold_end as usize)
    }
}

/// A run being read. Only one is open at a time, so once it keeps its own
/// text, that text grows at the end of the outline's own texts, from `owned`.
struct OpenRun {
    start: usize,
    end: usize,
    joins_lines: bool,
    owned: Option<usize>,
}

/// A stretch of source as a run reads it: with `joins_lines`, each line break
/// (and the blanks around it) stands for one space.
fn join_lines(raw: &str, joins_lines: bool) -> std::borrow::Cow<'_, str> {
    if !joins_lines {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len());
    for (i, line) in raw.split('\n').enumerate() {
        if i > 0 {
            while out.ends_with([' ', '\t', '\r']) {
                out.pop();
            }
            out.push(' ');
        }
        out.push_str(if i > 0 {
            line.trim_start_matches([' ', '\t'])
        } else {
            line
        });
    }
    out.into()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetailsTag {
    /// Where the `<details` or `</details` starts.
    pub at: usize,
    /// For an opening tag: where its content starts (after `</summary>` if any);
    /// `None` for a closing tag.
    pub content: Option<usize>,
    /// An opening tag whose summary mentions "Frequently Asked Questions".
    pub faq: bool,
}

struct OutlineRecorder<'p> {
    placeholders: &'p Placeholders,
    out: OutlineLists,
    list_depth: u16,
    /// The open list items: the index of each in `out.items` (if kept) and
    /// where it starts.
    open_items: Vec<(Option<usize>, usize)>,
    /// Text runs matter only inside FAQ sections, which start after a FAQ
    /// heading or `<details>`; runs before the first are not kept (they are
    /// most of a chapter's text).
    faq_seen: bool,
    /// Where the last FAQ heading or `<details>` starts.
    last_faq: usize,
    /// The last FAQ heading's level (0 for a `<details>`), while no heading
    /// of that level or higher has come after it.
    faq_level: Option<u8>,
    /// A deeper heading came after that FAQ heading: its section asks its
    /// questions as headings, so no list item in it asks one.
    asked_by_headings: bool,
    run: Option<OpenRun>,
    /// A list item that may ask a question has opened since the last run:
    /// the next run is its lead, and keeps its text.
    lead_next: bool,
    /// The open lead run opened in bold: `None` while the bold lasts, then
    /// the length of the text it held.
    bold: Option<Option<usize>>,
    html_block: Option<usize>,
    /// How far the places a FAQ question or answer may start or end at have
    /// come (headings, `<details>` tags; a list item's question is its lead
    /// run, which no run joins): a run that is no lead joins the run kept
    /// before it when that run starts there or later.
    bounds_to: usize,
}

impl<'p> OutlineRecorder<'p> {
    fn new(placeholders: &'p Placeholders) -> OutlineRecorder<'p> {
        OutlineRecorder {
            placeholders,
            out: OutlineLists::default(),
            list_depth: 0,
            open_items: Vec::new(),
            faq_seen: false,
            last_faq: 0,
            faq_level: None,
            asked_by_headings: false,
            run: None,
            lead_next: false,
            bold: None,
            html_block: None,
            bounds_to: 0,
        }
    }

    /// A FAQ heading of `level` (0 for a `<details>`) starts at `at`.
    fn faq_starts(&mut self, at: usize, level: u8) {
        self.faq_seen = true;
        self.last_faq = at;
        self.faq_level = Some(level);
        self.asked_by_headings = false;
    }

    /// A heading of `level` opens (before it is known whether it is a FAQ's).
    fn heading_opens(&mut self, level: u8) {
        if let Some(faq_level) = self.faq_level {
            if level <= faq_level {
                self.faq_level = None;
                self.asked_by_headings = false;
            } else {
                self.asked_by_headings = true;
            }
        }
    }

    fn event(&mut self, text: &str, event: &Event, range: &Range<usize>) {
        let inline = |t: &Tag| {
            matches!(
                t,
                Tag::Emphasis
                    | Tag::Strong
                    | Tag::Strikethrough
                    | Tag::Link { .. }
                    | Tag::Image { .. }
                    | Tag::Superscript
                    | Tag::Subscript
            )
        };
        match event {
            // A lead that may ask a question, opening in bold.
            Event::Start(Tag::Strong) if self.run.is_none() && self.lead_next && self.faq_seen => {
                self.bold = Some(None);
            }
            Event::End(TagEnd::Strong) if self.bold == Some(None) => {
                let held = self.run.as_ref().map_or(0, |run| match run.owned {
                    Some(from) => self.out.owned.len() - from,
                    None => join_lines(&text[run.start..run.end], run.joins_lines).len(),
                });
                self.bold = Some(Some(held));
            }
            Event::Start(tag) if !inline(tag) => {
                self.flush(text);
                match tag {
                    Tag::Heading { level, .. } => {
                        // Its start and its end (a question's answer starts there).
                        self.bound(range.end);
                        self.heading_opens(*level as u8)
                    }
                    Tag::List(_) => self.list_depth += 1,
                    Tag::Item => {
                        // Questions are the outermost items of a FAQ section,
                        // so an item inside one that opened after the last FAQ
                        // began asks none: it is part of an answer, read only
                        // for its runs' verdicts, so neither it nor its lead
                        // is kept (an answer's items are most of a FAQ).
                        // Nor does one in a section that asks by headings.
                        let may_ask = !self.asked_by_headings
                            && self
                                .open_items
                                .last()
                                .is_none_or(|&(_, outer)| outer < self.last_faq);
                        if may_ask {
                            self.lead_next = true;
                        }
                        // Like runs, items matter only from the first FAQ on.
                        let kept = self.faq_seen && may_ask;
                        self.open_items
                            .push((kept.then_some(self.out.items.len()), range.start));
                        if kept {
                            self.out.items.push(ListItem {
                                depth: self.list_depth,
                                start: range.start as u32,
                                end: range.end as u32,
                            });
                        }
                    }
                    Tag::HtmlBlock => self.html_block = Some(range.start),
                    _ => {}
                }
            }
            Event::End(end)
                if !matches!(
                    end,
                    TagEnd::Emphasis
                        | TagEnd::Strong
                        | TagEnd::Strikethrough
                        | TagEnd::Link
                        | TagEnd::Image
                        | TagEnd::Superscript
                        | TagEnd::Subscript
                ) =>
            {
                self.flush(text);
                match end {
                    TagEnd::List(_) => self.list_depth = self.list_depth.saturating_sub(1),
                    TagEnd::Item => {
                        if let Some((Some(i), _)) = self.open_items.pop() {
                            self.out.items[i].end = range.end as u32;
                        }
                    }
                    TagEnd::HtmlBlock => {
                        if let Some(start) = self.html_block.take() {
                            self.details(text, start..range.end);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => self.push(text, range, t, false),
            // A code span's text is not its source (the backticks).
            Event::Code(t) => self.push(text, &(range.start..range.start), t, false),
            Event::SoftBreak => self.push(text, range, " ", true),
            Event::HardBreak => self.push(text, &(range.start..range.start), " ", false),
            Event::InlineHtml(_) => self.details(text, range.clone()),
            _ => {}
        }
    }

    /// Adds an event's text to the current run. `soft` marks a soft line
    /// break, whose text is a space.
    fn push(&mut self, source: &str, range: &Range<usize>, t: &str, soft: bool) {
        if !self.faq_seen {
            return;
        }
        let run = self.run.get_or_insert(OpenRun {
            start: range.start,
            end: range.start,
            joins_lines: false,
            owned: None,
        });
        if run.owned.is_none() {
            let gap = &source[run.end..range.start.max(run.end)];
            let piece = &source[range.clone()];
            // Blanks may stand between the pieces only around a line break.
            let after_break = source[..run.end].ends_with('\n');
            let joined = gap.is_empty() || ((soft || after_break) && gap.trim().is_empty());
            let verbatim = if soft {
                piece.trim_end_matches(['\r', '\n']).trim().is_empty() && piece.ends_with('\n')
            } else {
                piece == t
            };
            if range.start >= run.end && joined && verbatim {
                run.end = range.end;
                run.joins_lines |= soft;
                return;
            }
            run.owned = Some(self.out.owned.len());
            let so_far = join_lines(&source[run.start..run.end], run.joins_lines);
            self.out.owned.push_str(&so_far);
        }
        self.out.owned.push_str(if soft { " " } else { t });
    }

    /// Ends the open run, if any: its verdict is made now, and a run that
    /// leads no list item that may ask a question gives its text back.
    fn flush(&mut self, source: &str) {
        let Some(run) = self.run.take() else {
            return;
        };
        let lead = std::mem::take(&mut self.lead_next);
        let bold_end = match self.bold.take() {
            Some(Some(held)) if lead => u32::try_from(held).unwrap_or(u32::MAX),
            _ => u32::MAX,
        };
        let (mut text, owned) = match run.owned {
            Some(from) => (from..self.out.owned.len(), true),
            None => (run.start..run.end, false),
        };
        let verdict = if owned {
            self.placeholders.verdict(&self.out.owned[text.clone()])
        } else {
            self.placeholders
                .verdict(&join_lines(&source[text.clone()], run.joins_lines))
        };
        if !lead {
            self.out
                .owned
                .truncate(run.owned.unwrap_or(self.out.owned.len()));
            text = 0..0;
        }
        // The FAQ checks read the runs between two bounds only for their
        // verdicts together (an answer anywhere, or else the first
        // placeholder): a run that leads nothing adds nothing when blank, and
        // is one with the run before it when no bound stands between them.
        if !lead {
            if verdict == Verdict::Blank {
                return;
            }
            if let Some(before) = self
                .out
                .runs
                .last_mut()
                .filter(|r| !r.lead && r.start as usize >= self.bounds_to)
            {
                before.verdict = before.verdict.then(verdict);
                return;
            }
        }
        self.out.runs.push(Run {
            start: run.start as u32,
            text_start: text.start as u32,
            text_end: text.end as u32,
            owned: owned && lead,
            joins_lines: run.joins_lines,
            lead,
            verdict,
            bold_end,
        });
    }

    /// A question or answer may start or end at `at`.
    fn bound(&mut self, at: usize) {
        self.bounds_to = self.bounds_to.max(at);
    }

    /// Records the `<details>` tags in a stretch of HTML.
    fn details(&mut self, text: &str, html: Range<usize>) {
        let lower = text[html.clone()].to_ascii_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find("details").map(|i| i + from) {
            from = i + 7;
            let close = lower[..i].ends_with("</");
            if !close && !lower[..i].ends_with('<') {
                continue;
            }
            let at = html.start + i - if close { 2 } else { 1 };
            self.bound(at);
            if close {
                self.out.details.push(DetailsTag {
                    at,
                    content: None,
                    faq: false,
                });
                continue;
            }
            let next = lower[from..]
                .find("details")
                .map_or(lower.len(), |j| j + from);
            let summary = lower[from..next].find("</summary>").map(|j| j + from);
            let tag_end = lower[from..]
                .find('>')
                .map_or(lower.len(), |j| j + from + 1);
            let content = summary.map_or(tag_end, |j| j + "</summary>".len());
            let faq =
                summary.is_some_and(|j| lower[from..j].contains("frequently asked questions"));
            if faq {
                self.faq_starts(at, 0);
            }
            self.out.details.push(DetailsTag {
                at,
                content: Some(html.start + content),
                faq,
            });
        }
    }

    fn finish(mut self, source: &str) -> Outline {
        self.flush(source);
        let out = self.out;
        Outline {
            items: out.items.into_boxed_slice(),
            runs: out.runs.into_boxed_slice(),
            details: out.details.into_boxed_slice(),
            owned: out.owned.into_boxed_str(),
        }
    }
}

/// The scan of a chapter that is one table with `header` and one row, for
/// tests of what is read from table headers.
#[cfg(test)]
pub fn scan_of_table_with_header(header: &[&str]) -> Scan {
    let text = format!(
        "| {} |\n|{}\n| x |\n",
        header.join(" | "),
        " --- |".repeat(header.len())
    );
    *scan(
        &text,
        ParseSettings::new(MdbookLine::V05, false),
        &Placeholders::default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan05(text: &str) -> Scan {
        *scan(
            text,
            ParseSettings::new(MdbookLine::V05, true),
            &Placeholders::default(),
        )
    }

    #[test]
    fn headings_blocks_and_directives_carry_exact_spans() {
        let text = "# Title\n\n## Alan\n{{#vision character status=draft}}\n\ntext\n";
        let s = scan05(text);
        let spans: Vec<&str> = s.headings.iter().map(|h| &text[h.span()]).collect();
        assert_eq!(spans, ["# Title\n", "## Alan\n"]);
        assert_eq!(s.headings[1].id(), "alan");
        let kinds: Vec<BlockKind> = s.blocks.iter().map(|b| b.kind()).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Heading(0),
                BlockKind::Heading(1),
                BlockKind::Paragraph,
                BlockKind::Paragraph
            ]
        );
        assert_eq!(s.directives.len(), 1);
        assert_eq!(
            &text[s.directives[0].span.clone()],
            "{{#vision character status=draft}}"
        );
    }

    #[test]
    fn only_the_blocks_a_later_stage_reads_are_kept() {
        let text = "# Title\n\nprose\n\nmore prose\n\n> quote\n\nlast prose\n\n\
                    a {{#vision roadmap-key}} here\n\nafter\n\nfar\n";
        let s = scan05(text);
        let kept: Vec<&str> = s.blocks.iter().map(|b| text[b.span()].trim()).collect();
        // The heading and the block after it; the block holding the
        // directive and the block after that. The other prose goes.
        assert_eq!(
            kept,
            [
                "# Title",
                "prose",
                "a {{#vision roadmap-key}} here",
                "after"
            ]
        );
        assert!(s.block_after(0).is_some());
        // "prose" and the directive's paragraph are not neighbours.
        assert!(s.block_after(1).is_none());
        assert_eq!(s.block_after(2).map(|b| b.span()), Some(s.blocks[3].span()));
        assert!(s.block_after(3).is_none());
        assert_eq!(s.block_at(text.find("here").unwrap()), Some(2));
        assert_eq!(s.block_at(text.find("quote").unwrap()), None);
        assert_eq!(s.text_len, text.len());
    }

    #[test]
    fn table_cells_links_and_reference_definitions() {
        let text = "| Character | Shiny Future |\n| --- | --- |\n| [Alan] | [A b](./x.md#a-b) |\n\n[Alan]: ./c.md#alan\n";
        let s = scan05(text);
        let t = &s.tables[0];
        assert_eq!(t.header_keys(), ["character", "shiny future"]);
        let row = &t.rows[0];
        assert_eq!(&text[row.cells[0].span()], "[Alan]");
        assert_eq!(row.cells[0].links[0].dest, "./c.md#alan");
        assert!(row.cells[0].links[0].by_reference);
        assert_eq!(&text[row.cells[1].span()], "[A b](./x.md#a-b)");
        assert_eq!(row.cells[1].links[0].text, "A b");
    }

    #[test]
    fn directives_in_code_and_comments_are_not_found() {
        let text = "```\n{{#vision a}}\n```\n\n    {{#vision b}}\n\n`{{#vision c}}`\n\n<!--\n{{#vision d}}\n-->\n\nx <!-- {{#vision e}} --> y\n\n{{#vision f}}\n";
        let s = scan05(text);
        assert_eq!(s.directives.len(), 1, "{:?}", s.directives);
        assert_eq!(&text[s.directives[0].span.clone()], "{{#vision f}}");
    }

    /// The runs as they read when every run kept its own text: an oracle
    /// built straight from the events, to hold the range-backed runs to.
    fn runs_by_copying(text: &str, settings: ParseSettings) -> Vec<(usize, String)> {
        let mut out: Vec<(usize, String)> = Vec::new();
        let mut open: Option<(usize, String)> = None;
        let inline = |t: &Tag| {
            matches!(
                t,
                Tag::Emphasis
                    | Tag::Strong
                    | Tag::Strikethrough
                    | Tag::Link { .. }
                    | Tag::Image { .. }
            )
        };
        for (event, range) in Parser::new_ext(text, settings.options).into_offset_iter() {
            let piece = match &event {
                Event::Start(t) if !inline(t) => None,
                Event::End(
                    TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Link
                    | TagEnd::Image,
                ) => continue,
                Event::End(_) => None,
                Event::Text(t) | Event::Code(t) => Some(t.to_string()),
                Event::SoftBreak | Event::HardBreak => Some(" ".to_string()),
                _ => continue,
            };
            match piece {
                Some(p) => open
                    .get_or_insert((range.start, String::new()))
                    .1
                    .push_str(&p),
                None => out.extend(open.take()),
            }
        }
        out.extend(open);
        out
    }

    #[test]
    fn runs_keep_their_verdicts_and_leads_read_as_their_text() {
        let text = "Intro text is not kept.\n\n## Frequently Asked Questions\n\n\
            * What are the morals of the story?\n    Plain answer that goes\n    on over lines\n    and more.\n\
            * **Is it *all* true?**  The `code` &amp; an entity\\\n  after a hard break.\n  * A nested **answer** item.\n\n\
            > quoted answer\n> on two lines\n\n\
            Plain paragraph\r\nwith a CRLF break.\n\n```\ncode block\n  kept as is\n```\n\n*TBD*\n\n\
            * Still open?\n\n  *TBD*\n\n  🦀 --\n\n  * TODO\n\n<details><summary>More</summary>\n\nInside.\n\n</details>\n\nAfter.\n\n\
            ## FAQ\n\n### Why?\n\nTBD\n\n### How?\n\nBecause.\n\n### *Who*?\n\n--\n";
        let settings = ParseSettings::new(MdbookLine::V05, true);
        let placeholders = Placeholders::default();
        let s = scan(text, settings, &placeholders);
        let faq = text.find("* What").unwrap();
        let want: Vec<(usize, String)> = runs_by_copying(text, settings)
            .into_iter()
            .filter(|(start, _)| *start >= faq)
            .collect();
        // The FAQ checks read the runs between two places a question or
        // answer may start or end, for their verdicts together: there, the
        // kept runs say what every run as written says.
        let together = |verdicts: &mut dyn Iterator<Item = Verdict>| {
            verdicts.fold(Verdict::Blank, Verdict::then)
        };
        let mut bounds = vec![0, text.len()];
        bounds.extend(
            s.headings
                .iter()
                .flat_map(|h| [h.span().start, h.span().end]),
        );
        bounds.extend(s.outline.items.iter().map(|i| i.span().start));
        bounds.extend(
            s.outline
                .details
                .iter()
                .flat_map(|d| [Some(d.at), d.content])
                .flatten(),
        );
        let leads_at: Vec<usize> = s
            .outline
            .runs
            .iter()
            .filter(|r| r.lead)
            .map(|r| r.start())
            .collect();
        bounds.extend(leads_at.iter().map(|at| at + 1));
        for &from in &bounds {
            for &to in &bounds {
                let kept = s
                    .outline
                    .runs
                    .iter()
                    .filter(|r| (from..to).contains(&r.start()));
                let written = want.iter().filter(|(start, _)| (from..to).contains(start));
                assert_eq!(
                    together(&mut kept.map(|r| r.verdict)),
                    together(&mut written.map(|(_, t)| placeholders.verdict(t))),
                    "{from}..{to}"
                );
            }
        }
        // Which holds with fewer runs than written: blank ones and ones with
        // no such place between them and the run before are not kept apart.
        assert!(
            s.outline.runs.len() + 4 <= want.len(),
            "{:?}",
            s.outline.runs
        );
        // The third question's answer is a placeholder, an emoji and a
        // nested placeholder item: one run, the first placeholder.
        let third = text.find("* Still open?").unwrap();
        let after: Vec<Verdict> = s
            .outline
            .runs
            .iter()
            .filter(|r| !r.lead && r.start() > third && r.start() < text.find("<details>").unwrap())
            .map(|r| r.verdict)
            .collect();
        assert_eq!(after, [Verdict::Placeholder(2)]);
        // The three questions' leads read as their text: one kept as a
        // range (that is the point), one as a copy. The nested item (an
        // answer's, in the same FAQ) is no lead, and keeps no text.
        let leads: Vec<(usize, String)> = s
            .outline
            .runs
            .iter()
            .filter(|r| r.lead)
            .map(|r| (r.start(), s.outline.run_text(r, text).into_owned()))
            .collect();
        let nested = text.find("A nested").unwrap();
        let details = text.find("<details>").unwrap();
        let want_leads: Vec<(usize, String)> = want
            .iter()
            // The items' questions (the headings' are no leads).
            .filter(|(start, t)| *start != nested && t.contains('?') && *start < details)
            .cloned()
            .collect();
        assert_eq!(leads, want_leads);
        assert_eq!(leads.len(), 3);
        let joined =
            "What are the morals of the story? Plain answer that goes on over lines and more.";
        assert_eq!(leads[0].1, joined);
        assert!(s.outline.runs[0].lead && !s.outline.runs[0].owned);
        assert!(s.outline.runs.iter().any(|r| r.lead && r.owned));
        assert!(s
            .outline
            .runs
            .iter()
            .filter(|r| !r.lead)
            .all(|r| s.outline.run_text(r, text).is_empty()));
        assert_eq!(&*s.outline.owned, leads[1].1);
    }

    #[test]
    fn a_faq_that_asks_by_headings_keeps_no_list_item_text() {
        // The answers' items (with markup, so they would keep copies) are
        // not questions once a question heading is under the FAQ heading;
        // a later FAQ that asks by items keeps its items' texts again.
        let text = "## Frequently Asked Questions\n\n* **Early item?** kept\n\n\
            ### **What now?**\n\n* An *answer* item.\n\n## Other\n\n* A *prose* item.\n\n\
            ## Frequently Asked Questions\n\n* **Asked by item?** answer\n";
        let s = scan05(text);
        let leads: Vec<String> = s
            .outline
            .runs
            .iter()
            .filter(|r| r.lead)
            .map(|r| s.outline.run_text(r, text).into_owned())
            .collect();
        assert_eq!(
            leads,
            [
                // Before the question heading it is not yet known: kept.
                "Early item? kept",
                // "An answer item." is no lead: under a question heading.
                // Past the section (a heading of the FAQ's level): kept.
                "A prose item.",
                "Asked by item? answer",
            ]
        );
        assert_eq!(
            &*s.outline.owned,
            "Early item? keptA prose item.Asked by item? answer"
        );
        // Nor is the answer's item itself kept: only the items that may ask.
        let items: Vec<&str> = s
            .outline
            .items
            .iter()
            .map(|i| text[i.span()].trim())
            .collect();
        assert_eq!(
            items,
            [
                "* **Early item?** kept",
                "* A *prose* item.",
                "* **Asked by item?** answer"
            ]
        );
    }
}
