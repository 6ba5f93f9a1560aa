//! The whole book's entries: where they are, what kind they are, their
//! metadata as written, and lookups by title, path and anchor.

use crate::anchor::{plain_id, plain_id_is, MdbookLine};
use crate::config::Config;
use crate::directive::{Directive, DirectiveName};
use crate::model::Kind;
use crate::scan::{BlockKind, Scan, Table};
use crate::shared_str::SharedStr;
use crate::text::{title_key, title_key_chars, title_key_is};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::ops::Range;

/// A chapter as the later stages see it.
#[derive(Debug)]
pub struct ChapterInfo {
    /// The path diagnostics show, e.g. `src/vision/status_quo.md`: it ends
    /// with the source path, which is not kept again (a book's are all held).
    pub display_path: String,
    /// Where the source path starts in `display_path`; `None` for a draft.
    source_at: Option<usize>,
    /// Where mdBook renders it, when that is not the source path.
    rendered_at: Option<Box<str>>,
    /// Boxed: the book's list of chapters is moved about whole while it is made.
    pub scan: Option<Box<Scan>>,
}

impl ChapterInfo {
    /// A chapter whose file is `source_path` (relative to the book's `src`,
    /// shown under `src_dir`; `None` for a draft, shown as `draft_display`),
    /// rendered at `path` (the source path when `None`). Separators become `/`.
    pub fn new(
        src_dir: &str,
        source_path: Option<&str>,
        path: Option<&str>,
        draft_display: impl FnOnce() -> String,
        scan: Option<Box<Scan>>,
    ) -> ChapterInfo {
        let source_path = source_path.map(|p| p.replace('\\', "/"));
        let (display_path, source_at) = match &source_path {
            Some(p) if src_dir.is_empty() => (p.clone(), Some(0)),
            Some(p) => {
                let shown = format!("{}/{p}", src_dir.trim_end_matches('/'));
                let at = shown.len() - p.len();
                (shown, Some(at))
            }
            None => (draft_display(), None),
        };
        let rendered_at = path
            .map(|p| p.replace('\\', "/"))
            .filter(|p| source_path.as_ref() != Some(p))
            .map(String::into_boxed_str);
        ChapterInfo {
            source_at,
            display_path,
            rendered_at,
            scan,
        }
    }

    /// The chapter's file relative to the book's `src`, with `/` separators.
    pub fn source_path(&self) -> Option<&str> {
        self.display_path.get(self.source_at?..)
    }

    /// Where mdBook renders it (README.md becomes index.md).
    pub fn path(&self) -> Option<&str> {
        self.rendered_at.as_deref().or_else(|| self.source_path())
    }
}

/// Where an entry's metadata was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaSource {
    Directive(usize),
    Table(usize),
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub chapter: usize,
    /// Index into the chapter's headings.
    pub heading: usize,
    pub kind: Option<Kind>,
    /// The heading's text and id, shared with the scan.
    pub title: SharedStr,
    /// How the anchor (its heading's id) is kept: see
    /// [`crate::scan::Heading::kept_id`].
    plain_anchor: Option<MdbookLine>,
    kept_anchor: SharedStr,
    /// From the heading to the next heading of the same or a higher level.
    pub extent: Range<usize>,
    /// Boxed to its length: a book's entries are all held, most with one source.
    pub sources: Box<[MetaSource]>,
    /// Where in `title` the [`Entry::display_title`] is: found once, as
    /// every link to the entry shows it.
    display: Range<usize>,
}

impl Entry {
    /// Its heading's id.
    pub fn anchor(&self) -> Cow<'_, str> {
        match self.plain_anchor {
            Some(line) => plain_id(line, &self.title).into(),
            None => self.kept_anchor.as_str().into(),
        }
    }

    /// Whether its heading's id is `id`.
    pub fn anchor_is(&self, id: &str) -> bool {
        match self.plain_anchor {
            Some(line) => plain_id_is(line, &self.title, id),
            None => self.kept_anchor == id,
        }
    }

    /// The title as links show it: without a "Status quo stories:"-style prefix.
    pub fn display_title(&self) -> &str {
        &self.title[self.display.clone()]
    }

    /// The character's name, for a character entry: the heading before `:`.
    pub fn character_name(&self) -> &str {
        self.title.split(':').next().unwrap_or(&self.title).trim()
    }

    /// The entry's directive, if it has one.
    pub fn directive<'a>(&self, scan: &'a Scan) -> Option<&'a Directive> {
        self.sources.iter().find_map(|s| match s {
            MetaSource::Directive(i) => scan.directives[*i].parsed.as_ref().ok(),
            MetaSource::Table(_) => None,
        })
    }

    /// The entry's hand-written metadata tables.
    pub fn tables<'a>(&'a self, scan: &'a Scan) -> impl Iterator<Item = (usize, &'a Table)> + 'a {
        self.sources.iter().filter_map(move |s| match s {
            MetaSource::Table(i) => Some((*i, &scan.tables[*i])),
            MetaSource::Directive(_) => None,
        })
    }
}

/// Which metadata table a header row makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableShape {
    StatusOwner,
    /// `Character | Shiny Future | Assigned To`: on a status quo story.
    StatusQuoStory,
    /// `Character | Status quo | Assigned To`: on a shiny future story.
    ShinyFutureStory,
}

pub fn table_shape(table: &Table) -> Option<TableShape> {
    // Each header cell is compared key by key as it is made: no keys are kept.
    const SHAPES: [(TableShape, &[&[&str]]); 3] = [
        (
            TableShape::StatusOwner,
            &[&["status"], &["owner", "owners"]],
        ),
        (
            TableShape::StatusQuoStory,
            &[
                &["character"],
                &["shiny future", "shiny futures"],
                &["assigned to"],
            ],
        ),
        (
            TableShape::ShinyFutureStory,
            &[
                &["character"],
                &["status quo", "status quo story", "status quo stories"],
                &["assigned to"],
            ],
        ),
    ];
    let cells = &table.header.cells;
    SHAPES.iter().find_map(|(shape, columns)| {
        let fits = cells.len() == columns.len()
            && cells
                .iter()
                .zip(columns.iter())
                .all(|(cell, keys)| keys.iter().any(|k| title_key_is(&cell.text, k)));
        fits.then_some(*shape)
    })
}

pub type EntryId = usize;

/// A directive that names an entry but does not follow one.
#[derive(Clone, Debug)]
pub struct Misplaced {
    pub chapter: usize,
    pub directive: usize,
    pub reason: String,
    /// What to do instead, when there is more to say than the reason.
    pub help: Option<String>,
    /// Not right under its entry's heading. A directive that also stands inside
    /// other text gets that (more precise) error instead.
    pub below_other_content: bool,
}

impl Misplaced {
    /// A misplaced directive with only a reason to give.
    fn new(chapter: usize, directive: usize, reason: String) -> Misplaced {
        Misplaced {
            chapter,
            directive,
            reason,
            help: None,
            below_other_content: false,
        }
    }
}

#[derive(Debug, Default)]
pub struct Index {
    pub entries: Vec<Entry>,
    /// Each entry's title keys, as (hash of the key, entry), sorted: lookups
    /// by title find the hash and then compare the entry's own title, so no
    /// key is kept as a string (16 bytes a key, where a map of owned keys to
    /// lists of entries took about ten times that, in a book's worth).
    by_title: Vec<(u64, u32)>,
    /// Each chapter's entries: a chapter's are made together, so they are
    /// one run of ids (only a path's first chapter is scanned, so a path's
    /// entries are its first chapter's).
    chapter_entries: Vec<Range<u32>>,
    /// chapter source path → chapter index.
    pub chapter_by_path: HashMap<String, usize>,
    /// The entry each directive belongs to: (chapter, directive) → entry.
    pub entry_of_directive: HashMap<(usize, usize), EntryId>,
    pub misplaced: Vec<Misplaced>,
    /// Character name or title key → character entries, in entry order
    /// (built once the kinds are final, so name lookups are not a scan).
    by_character: HashMap<String, Vec<EntryId>>,
    /// What each chapter's path says ([`Config::kind_for_path`]), matched once
    /// per chapter: `None` also for a chapter not scanned.
    path_kinds: Vec<Option<(Kind, bool)>>,
    /// The [`table_shape`] of each chapter's tables, made once: index,
    /// relations, checks and render all ask.
    table_shapes: Vec<Vec<Option<TableShape>>>,
}

/// Why a reference did not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// Nothing is called that (the check that reports it looks for near names).
    NotFound,
    Ambiguous {
        candidates: Vec<EntryId>,
    },
    WrongKind {
        found: EntryId,
    },
}

/// The hash a title key is looked up by in [`Index::by_title`].
fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher as _;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// Words before a colon that only say which section a title is in, as keys.
const SECTION_PREFIXES: [&str; 11] = [
    "status quo",
    "status quo story",
    "status quo stories",
    "shiny future",
    "shiny future story",
    "shiny future stories",
    "character",
    "characters",
    "design doc",
    "design docs",
    "conversation",
];

/// The title without a "Status quo stories:"-style prefix, if it has one.
fn strip_section_prefix(title: &str) -> Option<&str> {
    let (prefix, rest) = title.split_once(':')?;
    // The prefixes' keys are short and ASCII: the key is made on the stack,
    // and a longer or other one is none of them.
    let mut key = [0u8; 24];
    let mut len = 0;
    for c in title_key_chars(prefix) {
        if !c.is_ascii() || len == key.len() {
            return None;
        }
        key[len] = c as u8;
        len += 1;
    }
    SECTION_PREFIXES
        .iter()
        .any(|k| k.as_bytes() == &key[..len])
        .then_some(rest.trim())
}

impl Index {
    pub fn build(chapters: &[ChapterInfo], config: &Config) -> Index {
        // Each chapter's entries are found on their own, so the chapters share
        // the cores; the lookups are then filled in book order.
        let parts = crate::parallel::map(
            chapters,
            |c| c.scan.as_ref().map_or(0, |s| s.text_len),
            |ci, chapter| {
                let mut part = ChapterPart::default();
                if let Some(scan) = &chapter.scan {
                    part.path_kind = chapter.source_path().and_then(|p| config.kind_for_path(p));
                    let shapes: Vec<Option<TableShape>> =
                        scan.tables.iter().map(table_shape).collect();
                    part.add_chapter(ci, chapter, scan, &shapes);
                    part.shapes = shapes;
                }
                let keys = part.title_keys();
                (part, keys)
            },
        );
        let mut index = Index::default();
        // Sized once: growing maps of this many keys rehashes them again and again.
        index
            .entries
            .reserve(parts.iter().map(|(p, _)| p.entries.len()).sum());
        index
            .by_title
            .reserve_exact(parts.iter().map(|(_, keys)| keys.len()).sum());
        index.chapter_entries.reserve(chapters.len());
        index.chapter_by_path.reserve(chapters.len());
        index.entry_of_directive.reserve(index.entries.capacity());
        index.path_kinds.reserve(chapters.len());
        index.table_shapes.reserve(chapters.len());
        for (ci, (chapter, (part, keys))) in chapters.iter().zip(parts).enumerate() {
            if let Some(path) = chapter.source_path() {
                index.chapter_by_path.entry(path.to_string()).or_insert(ci);
            }
            index.join(ci, part, keys);
        }
        // Parts join in book order, so the ids of one hash stay in entry order.
        // Two keys of one entry with one hash would list it twice.
        index.by_title.sort_unstable();
        index.by_title.dedup();
        for (id, e) in index.entries.iter().enumerate() {
            if e.kind == Some(Kind::Character) {
                let (name, title) = (title_key(e.character_name()), title_key(&e.title));
                let same = name == title;
                index.by_character.entry(name).or_default().push(id);
                if !same {
                    index.by_character.entry(title).or_default().push(id);
                }
            }
        }
        index
    }

    /// Adds chapter `ci`'s part (made by [`ChapterPart::add_chapter`], with its [`Index::title_keys`]) after the entries here.
    fn join(&mut self, ci: usize, part: ChapterPart, keys: Vec<(EntryId, u64)>) {
        let offset = self.entries.len();
        self.path_kinds.push(part.path_kind);
        self.table_shapes.push(part.shapes);
        self.entries.extend(part.entries);
        self.misplaced.extend(part.misplaced);
        for (id, hash) in keys {
            // An entry id is below 4 G: it counts headings of a book in memory.
            let id = u32::try_from(offset + id).expect("fewer than 4 G entries");
            self.by_title.push((hash, id));
        }
        self.chapter_entries
            .push(offset as u32..self.entries.len() as u32);
        // Directive → entry, once the ids are final.
        for id in offset..self.entries.len() {
            for s in &self.entries[id].sources {
                if let MetaSource::Directive(di) = s {
                    self.entry_of_directive.insert((ci, *di), id);
                }
            }
        }
    }

    /// The kind chapter `ci`'s path suggests, and whether it is one entry per
    /// page ([`Config::kind_for_path`]); `None` for a chapter not scanned.
    pub fn path_kind(&self, ci: usize) -> Option<(Kind, bool)> {
        self.path_kinds.get(ci).copied().flatten()
    }

    /// The [`table_shape`] of table `ti` of chapter `ci`'s scan.
    pub fn table_shape_at(&self, ci: usize, ti: usize) -> Option<TableShape> {
        self.table_shapes.get(ci)?.get(ti).copied().flatten()
    }

    /// Entries on one chapter (by its source path), in order.
    pub fn entries_in(&self, path: &str) -> Range<EntryId> {
        let run = self
            .chapter_by_path
            .get(path)
            .and_then(|&ci| self.chapter_entries.get(ci))
            .map_or(0..0, Clone::clone);
        run.start as usize..run.end as usize
    }

    /// Resolves a reference written in a directive: a chapter path relative to
    /// `src`, `path#anchor`, or a title.
    pub fn resolve(&self, reference: &str, want: &[Kind]) -> Result<EntryId, Unresolved> {
        let reference = reference.trim();
        if looks_like_path(reference) {
            let (path, anchor) = match reference.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (reference, None),
            };
            let path = normalize_chapter_path(path);
            let on_page = self.entries_in(&path);
            return match anchor {
                Some(a) => {
                    let candidates = on_page.filter(|&id| self.entries[id].anchor_is(a));
                    self.pick(candidates, want)
                }
                None => self.pick(on_page, want),
            };
        }
        let mut found = self.titled(&title_key(reference));
        if found.is_empty() {
            if let Some(stripped) = strip_section_prefix(reference) {
                found = self.titled(&title_key(stripped));
            }
        }
        self.pick(found.into_iter(), want)
    }

    /// The entries one of whose title keys is `key`, in entry order (made
    /// once a lookup: [`Index::pick`] goes over them more than once).
    fn titled(&self, key: &str) -> Vec<EntryId> {
        let hash = key_hash(key);
        let from = self.by_title.partition_point(|&(h, _)| h < hash);
        self.by_title[from..]
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .map(|&(_, id)| id as EntryId)
            // Another key may share the hash: the entry's own keys decide.
            .filter(|&id| {
                let e = &self.entries[id];
                title_key_is(&e.title, key) || title_key_is(e.display_title(), key)
            })
            .collect()
    }

    fn pick(
        &self,
        candidates: impl Iterator<Item = EntryId> + Clone,
        want: &[Kind],
    ) -> Result<EntryId, Unresolved> {
        let wanted = |id: &EntryId| {
            want.is_empty() || self.entries[*id].kind.is_some_and(|k| want.contains(&k))
        };
        let mut matching = candidates.clone().filter(wanted);
        match (matching.next(), matching.next(), candidates.clone().next()) {
            (Some(only), None, _) => Ok(only),
            (None, _, Some(found)) => Err(Unresolved::WrongKind { found }),
            (None, _, None) => Err(Unresolved::NotFound),
            (Some(_), Some(_), _) => Err(Unresolved::Ambiguous {
                candidates: candidates.filter(wanted).collect(),
            }),
        }
    }

    /// Up to three titles close to `reference`, of the wanted kinds
    /// (characters are suggested by name).
    pub fn suggest(&self, reference: &str, want: &[Kind]) -> Vec<String> {
        let key = title_key(reference);
        let mut scored: Vec<(f64, &str)> = self
            .entries
            .iter()
            .filter(|e| want.is_empty() || e.kind.is_some_and(|k| want.contains(&k)))
            .map(|e| {
                let shown = if e.kind == Some(Kind::Character) {
                    e.character_name()
                } else {
                    e.display_title()
                };
                let score = [e.title.as_str(), shown]
                    .iter()
                    .map(|t| {
                        let tk = title_key(t);
                        let contained = !key.is_empty() && tk.contains(&key);
                        strsim::normalized_levenshtein(&key, &tk).max(if contained {
                            0.7
                        } else {
                            0.0
                        })
                    })
                    .fold(0.0, f64::max);
                (score, shown)
            })
            .filter(|(s, _)| *s >= 0.4)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.dedup_by(|a, b| a.1 == b.1);
        scored
            .into_iter()
            .take(3)
            .map(|(_, t)| t.to_string())
            .collect()
    }

    /// Character entries whose name matches (case, emoji and punctuation ignored).
    pub fn characters_named(&self, name: &str) -> Vec<EntryId> {
        self.by_character
            .get(&title_key(name))
            .cloned()
            .unwrap_or_default()
    }

    pub fn has_characters(&self) -> bool {
        !self.by_character.is_empty()
    }
}

/// What one chapter adds to the index, made on its own (on any core) and
/// joined in book order by [`Index::join`]: only a chapter's worth of lists,
/// as a book's worth of these is held at once.
#[derive(Debug, Default)]
struct ChapterPart {
    entries: Vec<Entry>,
    misplaced: Vec<Misplaced>,
    path_kind: Option<(Kind, bool)>,
    shapes: Vec<Option<TableShape>>,
}

impl ChapterPart {
    fn add_chapter(
        &mut self,
        ci: usize,
        chapter: &ChapterInfo,
        scan: &Scan,
        shapes: &[Option<TableShape>],
    ) {
        let path_kind = self.path_kind;
        let first_entry = self.entries.len();
        // The entry directives right under a heading: the only ones that describe an entry.
        let mut attached: HashMap<usize, EntryId> = HashMap::default();

        // Metadata blocks right under a heading make it an entry.
        for (bi, block) in scan.blocks.iter().enumerate() {
            let BlockKind::Heading(hi) = block.kind() else {
                continue;
            };
            let mut sources = Vec::new();
            let mut next = bi + 1;
            while let Some(b) = scan.block_after(next - 1) {
                match b.kind() {
                    BlockKind::Table(ti) if shapes[ti as usize].is_some() => {
                        sources.push(MetaSource::Table(ti as usize))
                    }
                    BlockKind::Paragraph => match entry_directive_in(scan, b.span()) {
                        Some(di) => sources.push(MetaSource::Directive(di)),
                        None => break,
                    },
                    _ => break,
                }
                next += 1;
            }
            if !sources.is_empty() {
                let directives: Vec<usize> = sources
                    .iter()
                    .filter_map(|s| match s {
                        MetaSource::Directive(di) => Some(*di),
                        MetaSource::Table(_) => None,
                    })
                    .collect();
                let id = self.push_entry(
                    ci,
                    scan,
                    shapes,
                    hi as usize,
                    sources,
                    path_kind.map(|k| k.0),
                );
                attached.extend(directives.into_iter().map(|di| (di, id)));
            }
        }

        // One entry per page: the page's first heading, when nothing else marks entries.
        let is_index_page = chapter.source_path().is_some_and(|p| {
            let file = p.rsplit('/').next().unwrap_or(p);
            file.eq_ignore_ascii_case("README.md") || file.eq_ignore_ascii_case("index.md")
        });
        if let Some((kind, true)) = path_kind {
            if self.entries.len() == first_entry && !is_index_page && !scan.headings.is_empty() {
                let id = self.push_entry(ci, scan, shapes, 0, Vec::new(), Some(kind));
                self.entries[id].extent.end = usize::MAX;
            }
        }

        // An entry directive that is not right under a heading is an error: it
        // would expand to a table that is not right under one either, which the
        // next run would not read as the entry's metadata (the entry would vanish).
        for (di, found) in scan.directives.iter().enumerate() {
            let Ok(d) = &found.parsed else { continue };
            if found.escaped || !matches!(d.name, DirectiveName::Entry(_)) {
                continue;
            }
            let heading = scan
                .headings
                .iter()
                .rposition(|h| h.span().start < found.span.start);
            let Some(hi) = heading else {
                self.misplaced.push(Misplaced::new(
                    ci,
                    di,
                    "an entry directive must follow the heading of the entry it describes".into(),
                ));
                continue;
            };
            let Some(&id) = attached.get(&di) else {
                let title = &scan.headings[hi].text;
                self.misplaced.push(Misplaced {
                    chapter: ci,
                    directive: di,
                    reason: format!(
                        "an entry directive must come right under its entry's heading, but this one is not right under \"{title}\""
                    ),
                    help: Some(format!(
                        "move it to just below the heading \"{title}\", as a paragraph of its own (not in a list or quote); only the entry's other metadata tables may stand in between"
                    )),
                    below_other_content: true,
                });
                continue;
            };
            let existing = self.entries[id]
                .sources
                .iter()
                .any(|s| matches!(s, MetaSource::Directive(other) if *other != di));
            if existing {
                self.misplaced.push(Misplaced::new(
                    ci,
                    di,
                    "this entry already has a directive; give all its metadata in one".into(),
                ));
            }
        }
        // A directive and a hand-written story table that disagree on the kind
        // leave the entry's kind to chance; say so instead of guessing.
        for entry in &self.entries[first_entry..] {
            let table_kind = entry.tables(scan).find_map(|(ti, _)| match shapes[ti] {
                Some(TableShape::StatusQuoStory) => Some(Kind::StatusQuo),
                Some(TableShape::ShinyFutureStory) => Some(Kind::ShinyFuture),
                _ => None,
            });
            let directive = entry.sources.iter().find_map(|s| match s {
                MetaSource::Directive(di) => match &scan.directives[*di].parsed {
                    Ok(Directive {
                        name: DirectiveName::Entry(k),
                        ..
                    }) => Some((*di, *k)),
                    _ => None,
                },
                MetaSource::Table(_) => None,
            });
            // A directive whose table does not say the kind (`Status | Owner`) would
            // leave the chapter path to decide it on the next run: they must agree.
            if let (Some((kind, _)), Some((di, dkind))) = (path_kind, directive) {
                let table_says_kind = matches!(dkind, Kind::StatusQuo | Kind::ShinyFuture);
                if !table_says_kind && dkind != kind {
                    self.misplaced.push(Misplaced::new(
                        ci,
                        di,
                        format!(
                            "this directive says \"{}\" is a {}, but it is in a chapter of {} entries",
                            entry.title,
                            dkind.describe(),
                            kind.describe()
                        ),
                    ));
                    continue;
                }
            }
            if let (Some(table_kind), Some((di, kind))) = (table_kind, directive) {
                if table_kind != kind {
                    self.misplaced.push(Misplaced::new(
                        ci,
                        di,
                        format!(
                            "this directive says \"{}\" is a {}, but its hand-written table makes it a {}",
                            entry.title,
                            kind.describe(),
                            table_kind.describe()
                        ),
                    ));
                }
            }
        }
        self.entries[first_entry..].sort_by_key(|e| e.heading);
    }

    /// The title keys of each entry here (one chapter's, from
    /// [`ChapterPart::add_chapter`]): its title's, and the title's without a
    /// section prefix when that differs.
    fn title_keys(&self) -> Vec<(EntryId, u64)> {
        let mut keys = Vec::with_capacity(self.entries.len());
        for (id, entry) in self.entries.iter().enumerate() {
            let key = title_key(&entry.title);
            let stripped = entry.display.len() != entry.title.len();
            let short = stripped
                .then(|| title_key(entry.display_title()))
                .filter(|k| *k != key);
            keys.push((id, key_hash(&key)));
            keys.extend(short.map(|k| (id, key_hash(&k))));
        }
        keys
    }

    fn push_entry(
        &mut self,
        ci: usize,
        scan: &Scan,
        shapes: &[Option<TableShape>],
        hi: usize,
        sources: Vec<MetaSource>,
        path_kind: Option<Kind>,
    ) -> EntryId {
        let heading = &scan.headings[hi];
        let end = scan.headings[hi + 1..]
            .iter()
            .find(|h| h.level <= heading.level)
            .map_or(usize::MAX, |h| h.span().start);
        let mut kind = path_kind;
        for s in &sources {
            match s {
                MetaSource::Directive(di) => {
                    if let Ok(Directive {
                        name: DirectiveName::Entry(k),
                        ..
                    }) = &scan.directives[*di].parsed
                    {
                        kind = Some(*k);
                    }
                }
                MetaSource::Table(ti) => match shapes[*ti] {
                    Some(TableShape::StatusQuoStory) => kind = Some(Kind::StatusQuo),
                    Some(TableShape::ShinyFutureStory) => kind = Some(Kind::ShinyFuture),
                    _ => {}
                },
            }
        }
        // A directive states the kind outright; let it win over a table.
        if let Some(k) = sources.iter().find_map(|s| match s {
            MetaSource::Directive(di) => match &scan.directives[*di].parsed {
                Ok(Directive {
                    name: DirectiveName::Entry(k),
                    ..
                }) => Some(*k),
                _ => None,
            },
            MetaSource::Table(_) => None,
        }) {
            kind = Some(k);
        }
        let display = match strip_section_prefix(&heading.text) {
            // A trimmed piece of the title: it ends where its trimmed text does.
            Some(shown) => {
                let end = heading.text.trim_end().len();
                end - shown.len()..end
            }
            None => 0..heading.text.len(),
        };
        debug_assert_eq!(
            &heading.text[display.clone()],
            strip_section_prefix(&heading.text).unwrap_or(&heading.text)
        );
        let (plain_anchor, kept_anchor) = heading.kept_id();
        self.entries.push(Entry {
            chapter: ci,
            heading: hi,
            kind,
            display,
            title: heading.text.clone(),
            plain_anchor,
            kept_anchor,
            extent: heading.span().start..end,
            sources: sources.into_boxed_slice(),
        });
        self.entries.len() - 1
    }
}

/// Whether a reference names a chapter (`status_quo/alan.md`, `path.md#anchor`,
/// `#anchor`) rather than a title.
pub fn looks_like_path(reference: &str) -> bool {
    reference.ends_with(".md")
        || reference.ends_with(".html")
        || reference.contains(".md#")
        || reference.contains(".html#")
        || reference.starts_with('#')
}

/// The entry directive that makes up the whole paragraph at `span`, if any.
fn entry_directive_in(scan: &Scan, span: Range<usize>) -> Option<usize> {
    let di = scan
        .directives
        .iter()
        .position(|f| f.span.start >= span.start && f.span.start < span.end)?;
    let f = &scan.directives[di];
    let is_entry = matches!(
        f.parsed,
        Ok(Directive {
            name: DirectiveName::Entry(_),
            ..
        })
    );
    (is_entry && !f.escaped).then_some(di)
}

/// `./a/../b.html` → `b.md`; `index.html` and `README.md` stay as written.
pub fn normalize_chapter_path(path: &str) -> String {
    // Built in place: `..` cuts the last part off what is written so far.
    let mut out = String::with_capacity(path.len() + 1);
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => out.truncate(out.rfind('/').unwrap_or(0)),
            p => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(p);
            }
        }
    }
    if out.ends_with(".html") {
        out.truncate(out.len() - ".html".len());
        out.push_str(".md");
    }
    out
}

/// Where a link written in a chapter lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// Outside the book (a URL with a scheme), not checked.
    External,
    /// A heading that is an entry.
    Entry(EntryId),
    /// A chapter, or a heading on it that is not an entry.
    Chapter(usize),
    /// No chapter at that path; the closest chapter path, if any.
    MissingChapter {
        path: String,
        closest: Option<String>,
    },
    /// The chapter exists but has no such anchor; the closest anchor, if any.
    MissingAnchor {
        chapter: usize,
        anchor: String,
        closest: Option<String>,
    },
}

/// Whether a link leaves the book (it has a URL scheme or is protocol-relative).
pub fn is_external(dest: &str) -> bool {
    dest.starts_with("//")
        || dest.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
        })
}

/// The directory part of a chapter path (`a/b.md` → `a/`).
pub fn chapter_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

impl Index {
    /// Finds a chapter by a normalised path (`.md`), accepting `index.md` for a README.md.
    pub fn chapter_at(&self, chapters: &[ChapterInfo], path: &str) -> Option<usize> {
        if let Some(&ci) = self.chapter_by_path.get(path) {
            return Some(ci);
        }
        chapters
            .iter()
            .position(|c| c.path() == Some(path) && c.source_path().is_some())
            .or_else(|| {
                let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
                if file.eq_ignore_ascii_case("index.md") {
                    let readme = if dir.is_empty() {
                        "README.md".to_string()
                    } else {
                        format!("{dir}/README.md")
                    };
                    self.chapter_by_path.get(&readme).copied()
                } else {
                    None
                }
            })
    }

    /// Resolves a link destination written in chapter `from`.
    pub fn resolve_link(&self, chapters: &[ChapterInfo], from: usize, dest: &str) -> LinkTarget {
        let dest = dest.trim();
        if is_external(dest) {
            return LinkTarget::External;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let ci = if path.is_empty() {
            from
        } else {
            let base = chapters[from].source_path().map(chapter_dir).unwrap_or("");
            let joined: Cow<str> = match path.strip_prefix('/') {
                Some(abs) => abs.into(),
                None if base.is_empty() => path.into(),
                None => format!("{base}{path}").into(),
            };
            let normalized = normalize_chapter_path(&percent_decode(&joined));
            match self.chapter_at(chapters, &normalized) {
                Some(ci) => ci,
                None => {
                    let mut known: Vec<&str> =
                        self.chapter_by_path.keys().map(String::as_str).collect();
                    known.sort_unstable();
                    return LinkTarget::MissingChapter {
                        closest: crate::text::closest(&normalized, known, 1)
                            .first()
                            .map(|s| s.to_string()),
                        path: normalized,
                    };
                }
            }
        };
        let Some(anchor) = anchor.filter(|a| !a.is_empty()) else {
            let on_page = self.entries_in(chapters[ci].source_path().unwrap_or(""));
            return match on_page.len() {
                1 if self.entries[on_page.start].extent.end == usize::MAX => {
                    LinkTarget::Entry(on_page.start)
                }
                _ => LinkTarget::Chapter(ci),
            };
        };
        let anchor = percent_decode(anchor);
        let Some(scan) = &chapters[ci].scan else {
            return LinkTarget::Chapter(ci);
        };
        // A scanned chapter is the first with its path, so the entries on that
        // path are its own, and their anchors are ids of its headings.
        let path = chapters[ci].source_path().unwrap_or("");
        if let Some(id) = self
            .entries_in(path)
            .find(|&id| self.entries[id].anchor_is(&anchor))
        {
            return LinkTarget::Entry(id);
        }
        if scan.headings.iter().any(|h| h.id_is(&anchor))
            || scan.term_ids.iter().any(|t| *t == anchor)
        {
            return LinkTarget::Chapter(ci);
        }
        let ids: Vec<Cow<str>> = scan.headings.iter().map(|h| h.id()).collect();
        LinkTarget::MissingAnchor {
            chapter: ci,
            closest: crate::text::closest(&anchor, ids.iter().map(|id| &**id), 1)
                .first()
                .map(|s| s.to_string()),
            anchor: anchor.into_owned(),
        }
    }
}

/// Decodes `%XX` escapes in a link (invalid ones stay as written).
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return s.into();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_or(s.into(), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first `table_shape`, matching the header's keys as strings.
    fn reference_table_shape(table: &Table) -> Option<TableShape> {
        let keys = table.header_keys();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        match keys.as_slice() {
            ["status", "owner" | "owners"] => Some(TableShape::StatusOwner),
            ["character", "shiny future" | "shiny futures", "assigned to"] => {
                Some(TableShape::StatusQuoStory)
            }
            ["character", "status quo" | "status quo story" | "status quo stories", "assigned to"] => {
                Some(TableShape::ShinyFutureStory)
            }
            _ => None,
        }
    }

    const HEADERS: &[&str] = &[
        "Status",
        " status ",
        "**Owner**",
        "Owners",
        "Owner(s)",
        "Character",
        "Shiny Future",
        "Shiny futures",
        "Status quo",
        "😱 Status Quo Stories",
        "Status quo story!",
        "Assigned To",
        "Assigned",
        "Meaning",
        "Emoji",
        "",
        "State",
        "Plan",
    ];

    proptest::proptest! {
        #[test]
        fn table_shapes_and_columns_match_header_keys(
            header in proptest::collection::vec(proptest::sample::select(HEADERS), 1..4)
        ) {
            let scan = crate::scan::scan_of_table_with_header(&header);
            let table = &scan.tables[0];
            proptest::prop_assert_eq!(table_shape(table), reference_table_shape(table));
            let keys = table.header_keys();
            for names in [&["owner", "owners"][..], &["status", "state"], &["assigned to"], &[""]] {
                let by_keys = keys.iter().position(|k| names.contains(&k.as_str()));
                proptest::prop_assert_eq!(table.column(names), by_keys);
            }
        }
    }

    /// The first `normalize_chapter_path`, joining the parts kept.
    fn reference_normalize(path: &str) -> String {
        let mut parts: Vec<&str> = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        let mut joined = parts.join("/");
        if let Some(stem) = joined.strip_suffix(".html") {
            joined = format!("{stem}.md");
        }
        joined
    }

    proptest::proptest! {
        #[test]
        fn paths_normalise_as_before(
            parts in proptest::collection::vec("(\\.\\.|\\.|a|bé|c\\.html|\\.html|)", 0..6)
        ) {
            let path = parts.join("/");
            proptest::prop_assert_eq!(normalize_chapter_path(&path), reference_normalize(&path));
        }
    }

    proptest::proptest! {
        #[test]
        fn section_prefixes_match_their_keys(
            prefix in "(Status|status|quo|Quo|stories|Shiny|future|story|Characters|design|docs|Conversation|😱| |\\*|-|é|x){0,6}",
            rest in "( |x|é|:){0,4}",
        ) {
            let title = format!("{prefix}:{rest}");
            let known = SECTION_PREFIXES.contains(&title_key(&prefix).as_str());
            let want = known.then_some(rest.trim());
            proptest::prop_assert_eq!(strip_section_prefix(&title), want);
        }
    }

    #[test]
    fn section_prefixes_are_stripped_by_key() {
        assert_eq!(strip_section_prefix("Status quo: Alan"), Some("Alan"));
        assert_eq!(
            strip_section_prefix("😱 Status *Quo* stories : Alan "),
            Some("Alan")
        );
        assert_eq!(strip_section_prefix("Status quos: Alan"), None);
        assert_eq!(strip_section_prefix("Alan: the startup guy"), None);
        assert_eq!(strip_section_prefix("No colon"), None);
    }
}
