//! Stories as written and as resolved: each story's character, partners
//! (status quo ↔ shiny future) and assignees, from its directive or its
//! hand-written table, and the partner relation made symmetric.

use crate::directive::DirectiveName;
use crate::index::{ChapterInfo, EntryId, Index, LinkTarget, MetaSource, TableShape, Unresolved};
use crate::model::Kind;
use crate::scan::{Cell, Table};
use crate::shared_str::SharedStr;
use crate::text::title_key;
use std::ops::Range;

/// A reference as written: a directive value, a link in a cell, or a cell's plain text.
#[derive(Clone, Debug)]
pub struct Written {
    /// Shared with the scan (a directive value, a cell's or a link's text).
    pub text: SharedStr,
    /// Where it is written ([`Written::span`]; `u32`, as the scan keeps
    /// offsets: a story can name dozens).
    start: u32,
    end: u32,
}

impl Written {
    pub fn new(text: SharedStr, span: Range<usize>) -> Written {
        // Spans come from a scan, which keeps only chapters below 4 GiB.
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Written {
            text,
            start: offset(span.start),
            end: offset(span.end),
        }
    }

    /// Where it is written.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Why a reference does not land on an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefError {
    /// A directive value or plain cell text that names no single entry.
    Unresolved(Unresolved),
    /// A link (to `dest`) to a chapter or anchor that does not exist.
    BrokenLink { dest: SharedStr, target: LinkTarget },
    /// A link that lands somewhere that is not an entry of the wanted kind.
    NotAnEntry,
    /// `character=` in a book that has no character entries: plain text is fine.
    NoCharacters,
}

/// A story's reference: 32 bytes, as a book where every story names a
/// dozen others holds a great many. Where it lands is an entry id; where it
/// does not, the reason is kept in its story's [`Story::errors`].
#[derive(Clone, Debug)]
pub struct Reference {
    pub written: Written,
    /// The entry id, or [`ERROR`] and the index of the reason.
    target: u32,
    /// Whether it was written as a link (its destination is kept only
    /// where it lands nowhere: [`RefError::BrokenLink`]).
    pub by_link: bool,
}

/// The mark of a [`Reference::target`] that is an index into [`Story::errors`].
const ERROR: u32 = 1 << 31;

impl Reference {
    /// A reference to `target`, its reason (if it lands nowhere) added to `errors`.
    fn new(
        written: Written,
        by_link: bool,
        target: Result<EntryId, RefError>,
        errors: &mut Vec<RefError>,
    ) -> Reference {
        // Entry ids count headings of a book in memory; reasons, references.
        let below_mark = |n: usize| u32::try_from(n).ok().filter(|n| n & ERROR == 0);
        let target = match target {
            Ok(id) => below_mark(id).expect("fewer than 2 G entries"),
            Err(e) => {
                errors.push(e);
                ERROR | below_mark(errors.len() - 1).expect("fewer than 2 G references")
            }
        };
        Reference {
            written,
            target,
            by_link,
        }
    }

    /// The entry it lands on, if it lands on one.
    pub fn entry(&self) -> Option<EntryId> {
        (self.target & ERROR == 0).then_some(self.target as EntryId)
    }

    /// Where it lands, or why not; `errors` are its story's.
    fn target<'e>(&self, errors: &'e [RefError]) -> Result<EntryId, &'e RefError> {
        match self.entry() {
            Some(id) => Ok(id),
            None => Err(&errors[(self.target & !ERROR) as usize]),
        }
    }
}

/// Where a story's metadata lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorySource {
    Directive(usize),
    /// A hand-written table and the index of its (first) body row.
    Table(usize),
}

#[derive(Clone, Debug)]
pub struct Story {
    pub source: StorySource,
    pub kind: Kind,
    pub character: Option<Reference>,
    pub partners: Vec<Reference>,
    /// Assignees as written (directive values); tables keep their cell.
    pub assigned: Vec<SharedStr>,
    /// Why the references that land nowhere do not ([`Story::target`]).
    pub errors: Vec<RefError>,
}

impl Story {
    /// Where `r`, one of this story's references, lands, or why not.
    pub fn target(&self, r: &Reference) -> Result<EntryId, &RefError> {
        r.target(&self.errors)
    }
}

#[derive(Debug, Default)]
pub struct Relations {
    /// The story metadata of each entry, by entry id (boxed: most entries
    /// are not stories, and a story is a few hundred bytes).
    pub stories: Vec<Option<Box<Story>>>,
    /// Every story's partners in both directions, in book order, end to
    /// end: entry `id`'s are `partners[partner_starts[id]..partner_starts[id + 1]]`.
    /// One list for the book, as a list an entry cost more in its header and
    /// spare room than in its ids.
    partners: Vec<u32>,
    partner_starts: Vec<u32>,
}

impl Relations {
    /// Story `id`'s partners in both directions, in book order.
    pub fn partners(&self, id: EntryId) -> impl ExactSizeIterator<Item = EntryId> + Clone + '_ {
        let at = |i: usize| self.partner_starts.get(i).map_or(0, |&n| n as usize);
        self.partners[at(id)..at(id + 1).max(at(id))]
            .iter()
            .map(|&p| p as EntryId)
    }
}

/// The kind a story's partners must have.
pub fn partner_kind(kind: Kind) -> Option<Kind> {
    match kind {
        Kind::StatusQuo => Some(Kind::ShinyFuture),
        Kind::ShinyFuture => Some(Kind::StatusQuo),
        _ => None,
    }
}

/// Cell texts that mean "no partner yet".
pub fn is_placeholder_partner(text: &str) -> bool {
    matches!(
        title_key(text).as_str(),
        "" | "not yet written" | "none" | "tbd" | "n a" | "todo"
    )
}

impl Relations {
    pub fn build(index: &Index, chapters: &[ChapterInfo]) -> Relations {
        // Each story's references resolve on their own: the stories share the
        // cores. The infos hold no text, so an entry counts as a typical
        // chapter's 4 KiB towards the size where splitting pays.
        let weight =
            |e: &crate::index::Entry| chapters[e.chapter].scan.as_ref().map_or(0, |_| 1 << 12);
        let stories: Vec<Option<Box<Story>>> =
            crate::parallel::map(&index.entries, weight, |_, entry| {
                let scan = chapters[entry.chapter].scan.as_ref()?;
                let kind = entry.kind.filter(|k| partner_kind(*k).is_some())?;
                entry
                    .sources
                    .iter()
                    .find_map(|s| match s {
                        MetaSource::Directive(di) => match &scan.directives[*di].parsed {
                            Ok(d) if matches!(d.name, DirectiveName::Entry(_)) => {
                                Some(from_directive(index, *di, d, kind))
                            }
                            _ => None,
                        },
                        MetaSource::Table(_) => None,
                    })
                    .or_else(|| {
                        entry.tables(scan).find_map(|(ti, t)| {
                            from_table(index, chapters, entry.chapter, ti, t, kind)
                        })
                    })
                    .map(Box::new)
            });
        // Each pair both ways, sorted: each entry's partners are then one run.
        // Entry ids are below 4 G (they count headings of a book in memory).
        let id32 = |id: EntryId| u32::try_from(id).expect("fewer than 4 G entries");
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (id, story) in stories.iter().enumerate() {
            let Some(story) = story else { continue };
            let want = partner_kind(story.kind);
            for r in &story.partners {
                if let Some(other) = r.entry() {
                    if index.entries[other].kind == want && other != id {
                        pairs.push((id32(id), id32(other)));
                        pairs.push((id32(other), id32(id)));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut partner_starts = Vec::with_capacity(index.entries.len() + 1);
        let mut next = 0;
        for id in 0..=index.entries.len() {
            while pairs
                .get(next)
                .is_some_and(|&(from, _)| (from as usize) < id)
            {
                next += 1;
            }
            partner_starts.push(next as u32);
        }
        let mut partners: Vec<u32> = pairs.into_iter().map(|(_, to)| to).collect();
        // Collected in place, it would keep the pairs' room: twice its own.
        partners.shrink_to_fit();
        Relations {
            stories,
            partners,
            partner_starts,
        }
    }
}

fn from_directive(index: &Index, di: usize, d: &crate::directive::Directive, kind: Kind) -> Story {
    let want = partner_kind(kind).into_iter().collect::<Vec<_>>();
    let key = if kind == Kind::StatusQuo {
        "future"
    } else {
        "status-quo"
    };
    let mut errors = Vec::new();
    let partners = d
        .values(key)
        .map(|arg| {
            let target = index.resolve(&arg.value, &want);
            let written = Written::new(arg.value.clone(), arg.span());
            Reference::new(
                written,
                false,
                target.map_err(RefError::Unresolved),
                &mut errors,
            )
        })
        .collect();
    let character = d.value("character").map(|arg| {
        let written = Written::new(arg.value.clone(), arg.span());
        Reference::new(
            written,
            false,
            resolve_character(index, &arg.value),
            &mut errors,
        )
    });
    Story {
        source: StorySource::Directive(di),
        kind,
        character,
        partners,
        assigned: d.values("assigned").map(|a| a.value.clone()).collect(),
        errors,
    }
}

pub fn resolve_character(index: &Index, name: &str) -> Result<EntryId, RefError> {
    if !index.has_characters() {
        return Err(RefError::NoCharacters);
    }
    // By path or anchor, as the ambiguous-reference help suggests, which is
    // the only way to tell two characters of one name apart.
    if crate::index::looks_like_path(name.trim()) {
        return index
            .resolve(name, &[Kind::Character])
            .map_err(RefError::Unresolved);
    }
    match index.characters_named(name).as_slice() {
        [one] => Ok(*one),
        [] => Err(RefError::Unresolved(Unresolved::NotFound)),
        many => Err(RefError::Unresolved(Unresolved::Ambiguous {
            candidates: many.to_vec(),
        })),
    }
}

fn from_table(
    index: &Index,
    chapters: &[ChapterInfo],
    ci: usize,
    ti: usize,
    table: &Table,
    kind: Kind,
) -> Option<Story> {
    let shape = index.table_shape_at(ci, ti)?;
    let expected = match kind {
        Kind::StatusQuo => TableShape::StatusQuoStory,
        _ => TableShape::ShinyFutureStory,
    };
    if shape != expected {
        return None;
    }
    let row = table.rows.first()?;
    let want = partner_kind(kind);
    let mut errors = Vec::new();
    let character = row.cells.first().and_then(|cell| {
        let resolve = |text: &str| resolve_character(index, text);
        cell_refs(index, chapters, ci, cell, resolve, &mut errors)
            .into_iter()
            .next()
    });
    let partners = row
        .cells
        .get(1)
        .map(|cell| {
            let resolve = |text: &str| {
                if is_placeholder_partner(text) {
                    Err(RefError::NotAnEntry)
                } else {
                    index
                        .resolve(text, want.as_slice())
                        .map_err(RefError::Unresolved)
                }
            };
            cell_refs(index, chapters, ci, cell, resolve, &mut errors)
        })
        .unwrap_or_default();
    Some(Story {
        source: StorySource::Table(ti),
        kind,
        character,
        partners,
        assigned: Vec::new(),
        errors,
    })
}

/// The references in a hand-written cell: its links, or else its plain text;
/// the reasons of those that land nowhere are added to `errors`.
fn cell_refs(
    index: &Index,
    chapters: &[ChapterInfo],
    ci: usize,
    cell: &Cell,
    plain: impl Fn(&str) -> Result<EntryId, RefError>,
    errors: &mut Vec<RefError>,
) -> Vec<Reference> {
    if cell.links.is_empty() {
        let text = cell.text.trimmed();
        if text.is_empty() {
            return Vec::new();
        }
        let target = plain(&text);
        return vec![Reference::new(
            Written::new(text, cell.span()),
            false,
            target,
            errors,
        )];
    }
    cell.links
        .iter()
        .map(|link| {
            let target = match index.resolve_link(chapters, ci, &link.dest) {
                LinkTarget::Entry(id) => Ok(id),
                t @ (LinkTarget::MissingChapter { .. } | LinkTarget::MissingAnchor { .. }) => {
                    Err(RefError::BrokenLink {
                        dest: link.dest.clone(),
                        target: t,
                    })
                }
                LinkTarget::External | LinkTarget::Chapter(_) => Err(RefError::NotAnEntry),
            };
            Reference::new(
                Written::new(link.text.clone(), link.span()),
                true,
                target,
                errors,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_reference_stays_32_bytes() {
        // A book of 20,000 chapters with a dozen references per story holds
        // well over 100,000 of them.
        assert_eq!(std::mem::size_of::<Reference>(), 32);
    }

    #[test]
    fn a_reference_that_lands_nowhere_keeps_its_reason() {
        let mut errors = Vec::new();
        let written = || Written::new(SharedStr::from("Grace"), 3..8);
        let landed = Reference::new(written(), false, Ok(7), &mut errors);
        let broken = Reference::new(written(), true, Err(RefError::NotAnEntry), &mut errors);
        let none = Reference::new(written(), false, Err(RefError::NoCharacters), &mut errors);
        assert_eq!(landed.target(&errors), Ok(7));
        assert_eq!(broken.target(&errors), Err(&RefError::NotAnEntry));
        assert_eq!(none.target(&errors), Err(&RefError::NoCharacters));
        assert_eq!((landed.entry(), broken.entry()), (Some(7), None));
        assert_eq!(broken.written.span(), 3..8);
    }
}
