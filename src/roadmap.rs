//! The roadmap: its emoji key (from `book.toml`, or a page's own hand-written
//! key table), which tables are roadmap tables, how a status cell matches the
//! key, and the markdown for `{{#vision roadmap-key}}` and `{{#vision roadmap}}`.
//!
//! Checks (`checks/roadmap.rs`) and the renderer both read this module; it
//! neither reports nor edits on its own.

use crate::config::KeyEntry;
use crate::directive::{Arg, Directive, DirectiveName};
use crate::index::EntryId;
use crate::model::Kind;
use crate::render::{entry_link, people, table, Edit};
use crate::scan::{Scan, Table};
use crate::text::{emoji_key, escape_cell, title_key, title_key_eq, title_key_is};
use crate::Analysis;
use std::ops::Range;

/// One row of the key that applies on a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRow {
    pub emoji: String,
    /// The names a status cell may use instead of the emoji (compared by
    /// [`title_key`]); the first is the canonical one.
    pub names: Vec<String>,
    /// The meaning, as markdown ready for a table cell.
    pub meaning: String,
}

/// Where a key comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// `[[preprocessor.vision.roadmap.key]]`, or the default (the seed's key).
    Config,
    /// The hand-written key table (index into the page's tables).
    Page(usize),
}

/// The roadmap key that applies on one page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub rows: Vec<KeyRow>,
    pub source: KeySource,
}

/// How a status cell or value matched the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusMatch {
    /// Written as the row's emoji (variation selectors and spaces ignored).
    Emoji(usize),
    /// Written as one of the row's names; it renders as the emoji.
    Name(usize),
}

impl StatusMatch {
    pub fn row(self) -> usize {
        match self {
            StatusMatch::Emoji(i) | StatusMatch::Name(i) => i,
        }
    }
}

impl Key {
    pub fn from_config(entries: &[KeyEntry]) -> Key {
        Key {
            rows: entries
                .iter()
                .map(|e| KeyRow {
                    emoji: e.emoji.clone(),
                    names: vec![e.name.clone()],
                    meaning: escape_cell(&e.meaning),
                })
                .collect(),
            source: KeySource::Config,
        }
    }

    /// Which row `written` (a cell's text or a directive value) stands for.
    pub fn lookup(&self, written: &str) -> Option<StatusMatch> {
        let emoji = emoji_key(written);
        if emoji.is_empty() {
            return None;
        }
        if let Some(i) = self.rows.iter().position(|r| emoji_key(&r.emoji) == emoji) {
            return Some(StatusMatch::Emoji(i));
        }
        let name = title_key(written);
        if name.is_empty() {
            return None;
        }
        self.rows
            .iter()
            .position(|r| r.names.iter().any(|n| title_key_is(n, &name)))
            .map(StatusMatch::Name)
    }

    /// "`🥬` (healthy), `✏️` (planning), …" for diagnostics.
    pub fn describe(&self) -> String {
        self.rows
            .iter()
            .map(|r| match r.names.first() {
                Some(n) => format!("`{}` ({n})", r.emoji),
                None => format!("`{}`", r.emoji),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every name a status may be written as, canonical ones first.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .rows
            .iter()
            .filter_map(|r| r.names.first().map(String::as_str))
            .collect();
        for r in &self.rows {
            for n in r.names.iter().skip(1) {
                names.push(n);
            }
        }
        names
    }

    /// Where the key is set, for help texts.
    pub fn origin(&self) -> &'static str {
        match self.source {
            KeySource::Config => {
                "set the key with [[preprocessor.vision.roadmap.key]] in book.toml"
            }
            KeySource::Page(_) => "the key is this page's own key table",
        }
    }
}

/// `Emoji | Meaning`, `State | Meaning`, …: a hand-written key table.
pub fn is_key_table(t: &Table) -> bool {
    const FIRST: [&str; 7] = ["emoji", "state", "status", "symbol", "icon", "key", ""];
    match &t.header.cells[..] {
        [first, second] => {
            title_key_is(&second.text, "meaning")
                && FIRST.iter().any(|k| title_key_is(&first.text, k))
        }
        _ => false,
    }
}

/// The key written as a table on a page: emoji in the first column, meaning
/// in the second. Names are the quoted word of the meaning (`"Healthy" -- …`)
/// or its first clause (`Done`), plus the configured name of the same emoji.
pub fn key_from_table(text: &str, t: &Table, ti: usize, config_key: &[KeyEntry]) -> Option<Key> {
    let mut rows = Vec::new();
    for row in &t.rows {
        let (Some(e), Some(m)) = (row.cells.first(), row.cells.get(1)) else {
            continue;
        };
        let emoji = e.text.trim();
        if emoji.is_empty() {
            continue;
        }
        let mut names = Vec::new();
        if let Some(n) = name_from_meaning(&m.text) {
            names.push(n);
        }
        if let Some(c) = config_key
            .iter()
            .find(|c| emoji_key(&c.emoji) == emoji_key(emoji))
        {
            if !names.iter().any(|n| title_key_eq(n, &c.name)) {
                names.push(c.name.clone());
            }
        }
        rows.push(KeyRow {
            emoji: emoji.to_string(),
            names,
            meaning: text[m.span()].to_string(),
        });
    }
    (!rows.is_empty()).then_some(Key {
        rows,
        source: KeySource::Page(ti),
    })
}

/// `"Healthy" -- on track` → `healthy`; `Done` → `done`; `Paused, for now` → `paused`.
fn name_from_meaning(meaning: &str) -> Option<String> {
    let m = meaning.trim();
    let quotes = |c: char| c == '"' || c == '“' || c == '”';
    let name = match m.strip_prefix(quotes) {
        Some(rest) => rest.split(quotes).next().unwrap_or(rest),
        None => {
            let end = [" -- ", " – ", " — ", ",", ".", "(", ":", ";"]
                .iter()
                .filter_map(|sep| m.find(sep))
                .min()
                .unwrap_or(m.len());
            &m[..end]
        }
    };
    let key = title_key(name);
    (!key.is_empty()).then_some(key)
}

fn directives(scan: &Scan) -> impl Iterator<Item = (usize, &Directive)> {
    scan.directives
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.escaped)
        .filter_map(|(i, f)| f.parsed.as_ref().ok().map(|d| (i, d)))
}

/// A page that holds a roadmap: its path says so (`roadmap.md`, `roadmap/**`),
/// or it has a key table or a roadmap directive.
pub fn is_roadmap_page(a: &Analysis, ci: usize) -> bool {
    let Some(scan) = &a.chapters[ci].scan else {
        return false;
    };
    let by_path = a
        .index
        .path_kind(ci)
        .is_some_and(|(k, _)| k == Kind::Roadmap);
    by_path
        || scan.tables.iter().any(is_key_table)
        || directives(scan)
            .any(|(_, d)| matches!(d.name, DirectiveName::RoadmapKey | DirectiveName::Roadmap))
}

/// The key on page `ci`: the configured one; without one in `book.toml`, the
/// page's own key table; else the default.
pub fn key_for_page(a: &Analysis, ci: usize) -> Key {
    let config = Key::from_config(&a.config.roadmap_key);
    if a.config.roadmap_key_configured {
        return config;
    }
    let Some(scan) = &a.chapters[ci].scan else {
        return config;
    };
    scan.tables
        .iter()
        .enumerate()
        .filter(|(_, t)| is_key_table(t))
        .find_map(|(ti, t)| key_from_table(a.texts[ci], t, ti, &a.config.roadmap_key))
        .unwrap_or(config)
}

/// The key entries' `roadmap=` values are read with: the key of the first
/// page that generates the roadmap table (which is the configured key unless
/// that page has its own).
pub fn items_key(a: &Analysis) -> Key {
    let page = (0..a.chapters.len()).find(|&ci| {
        a.chapters[ci]
            .scan
            .as_ref()
            .is_some_and(|s| directives(s).any(|(_, d)| d.name == DirectiveName::Roadmap))
    });
    match page {
        Some(ci) => key_for_page(a, ci),
        None => Key::from_config(&a.config.roadmap_key),
    }
}

/// The columns of a roadmap table that this tool reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoadmapColumns {
    pub status: usize,
    pub plan: Option<usize>,
    pub owner: Option<usize>,
    pub updated: Option<usize>,
}

/// The roadmap tables on page `ci` (tables with a `Status` or `State` column,
/// not the key table and not an entry's `Status | Owner` table).
pub fn roadmap_tables<'s>(
    a: &Analysis,
    ci: usize,
    scan: &'s Scan,
) -> Vec<(&'s Table, RoadmapColumns)> {
    if !is_roadmap_page(a, ci) {
        return Vec::new();
    }
    scan.tables
        .iter()
        .enumerate()
        .filter(|&(ti, t)| !is_key_table(t) && a.index.table_shape_at(ci, ti).is_none())
        .filter_map(|(_, t)| {
            let status = t.column(&["status", "state"])?;
            Some((
                t,
                RoadmapColumns {
                    status,
                    plan: t.column(&["plan", "item", "roadmap item", "plans"]),
                    owner: t.column(&["owner", "owners"]),
                    updated: t.column(&["last updated", "updated", "last update", "date"]),
                },
            ))
        })
        .collect()
}

/// An entry that is on the roadmap: its directive carries `roadmap=STATUS`.
pub struct Item<'a> {
    pub id: EntryId,
    pub chapter: usize,
    pub status: &'a Arg,
    pub directive: &'a Directive,
}

/// Every roadmap item in book order.
pub fn items<'a>(a: &'a Analysis<'_>) -> Vec<Item<'a>> {
    let mut out = Vec::new();
    for (ci, chapter) in a.chapters.iter().enumerate() {
        let Some(scan) = &chapter.scan else { continue };
        for (di, d) in directives(scan) {
            if !matches!(d.name, DirectiveName::Entry(_)) {
                continue;
            }
            let (Some(status), Some(&id)) = (
                d.value("roadmap"),
                a.index.entry_of_directive.get(&(ci, di)),
            ) else {
                continue;
            };
            out.push(Item {
                id,
                chapter: ci,
                status,
                directive: d,
            });
        }
    }
    out
}

/// `{{#vision roadmap-key}}`: the `| Emoji | Meaning |` table in key order.
pub fn key_table(key: &Key) -> String {
    let rows: Vec<Vec<String>> = key
        .rows
        .iter()
        .map(|r| vec![r.emoji.clone(), r.meaning.clone()])
        .collect();
    table(&["Emoji", "Meaning"], &rows)
}

/// `{{#vision roadmap}}` on page `ci`: the table of every roadmap item
/// (ordered by key order, then title) and a line of counts per status.
pub fn roadmap_blocks(a: &Analysis, ci: usize) -> Vec<String> {
    let key = key_for_page(a, ci);
    let mut items: Vec<(usize, String, Item)> = items(a)
        .into_iter()
        .map(|it| {
            let row = key
                .lookup(&it.status.value)
                .map_or(usize::MAX, StatusMatch::row);
            let title = title_key(&a.index.entries[it.id].title);
            (row, title, it)
        })
        .collect();
    items.sort_by(|x, y| (x.0, &x.1, x.2.id).cmp(&(y.0, &y.1, y.2.id)));
    let mut counts = vec![0usize; key.rows.len()];
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|(row, _, it)| {
            let status = match key.rows.get(*row) {
                Some(r) => {
                    counts[*row] += 1;
                    r.emoji.clone()
                }
                None => escape_cell(&it.status.value),
            };
            let owners: Vec<&str> = it
                .directive
                .values("owner")
                .map(|o| o.value.as_str())
                .collect();
            vec![
                entry_link(&a.index.entries[it.id].title, a, ci, it.id),
                people(a.config, &owners),
                status,
                it.directive
                    .value("updated")
                    .map_or(String::new(), |u| escape_cell(&u.value)),
            ]
        })
        .collect();
    let mut blocks = vec![table(&["Plan", "Owner", "Status", "Last updated"], &rows)];
    let line: Vec<String> = key
        .rows
        .iter()
        .zip(&counts)
        .filter(|(_, &n)| n > 0)
        .map(|(r, n)| format!("{} {n}", r.emoji))
        .collect();
    if !line.is_empty() {
        blocks.push(line.join(" · "));
    }
    blocks
}

/// Edits inside hand-written roadmap tables: a status written as a name
/// becomes its emoji, `@name` owners become profile links.
pub fn table_edits(a: &Analysis, ci: usize, scan: &Scan) -> Vec<Edit> {
    let tables = roadmap_tables(a, ci, scan);
    if tables.is_empty() {
        return Vec::new();
    }
    let key = key_for_page(a, ci);
    let mut edits = Vec::new();
    for (t, cols) in tables {
        for row in &t.rows {
            if let Some(cell) = row.cells.get(cols.status) {
                if let Some(StatusMatch::Name(i)) = key.lookup(&cell.text) {
                    edits.push(Edit {
                        span: cell.span(),
                        text: key.rows[i].emoji.clone(),
                        faq_table: false,
                    });
                }
            }
            if let Some(cell) = cols.owner.and_then(|c| row.cells.get(c)) {
                let links: Vec<Range<usize>> = cell.links.iter().map(|l| l.span()).collect();
                edits.extend(crate::render::owner_links(
                    a.config,
                    a.texts[ci],
                    cell.span(),
                    &links,
                ));
            }
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first `is_key_table`, reading the header's keys as strings.
    fn reference_is_key_table(t: &Table) -> bool {
        let keys = t.header_keys();
        keys.len() == 2
            && keys[1] == "meaning"
            && matches!(
                keys[0].as_str(),
                "emoji" | "state" | "status" | "symbol" | "icon" | "key" | ""
            )
    }

    const HEADERS: &[&str] = &[
        "Emoji",
        "**State**",
        "Meaning",
        " meaning!",
        "",
        "Icons",
        "Key",
        "Plan",
    ];

    proptest::proptest! {
        #[test]
        fn key_tables_match_header_keys(
            header in proptest::collection::vec(proptest::sample::select(HEADERS), 1..4)
        ) {
            let scan = crate::scan::scan_of_table_with_header(&header);
            let table = &scan.tables[0];
            proptest::prop_assert_eq!(is_key_table(table), reference_is_key_table(table));
        }
    }
}
