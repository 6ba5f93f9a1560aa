//! Overviews nobody has to maintain: `{{#vision stories status-quo}}`,
//! `{{#vision stories shiny-future}}` and `{{#vision stories character=NAME}}`.

use crate::directive::Directive;
use crate::index::EntryId;
use crate::model::Kind;
use crate::relations::{resolve_character, Story, StorySource};
use crate::render::{entry_link, partners_cell, people, table, volunteer};
use crate::text::escape_cell;
use crate::Analysis;

/// Which stories an overview lists.
enum Selection {
    Kind(Kind),
    Character(Result<EntryId, String>),
    All,
}

fn selection(a: &Analysis, d: &Directive) -> Selection {
    if let Some(name) = d.value("character") {
        return Selection::Character(
            resolve_character(a.index, &name.value).map_err(|_| name.value.to_string()),
        );
    }
    match d.positional().next().map(|p| p.value.as_str()) {
        Some("status-quo") => Selection::Kind(Kind::StatusQuo),
        Some("shiny-future") => Selection::Kind(Kind::ShinyFuture),
        _ => Selection::All,
    }
}

/// The overview table (or a one-line note when there is nothing to list).
pub fn stories_blocks(a: &Analysis, ci: usize, d: &Directive) -> Vec<String> {
    let selection = selection(a, d);
    let stories: Vec<(EntryId, &Story)> = a
        .relations
        .stories
        .iter()
        .enumerate()
        .filter_map(|(id, s)| s.as_deref().map(|s| (id, s)))
        .filter(|(_, s)| match &selection {
            Selection::Kind(k) => s.kind == *k,
            Selection::Character(Ok(c)) => {
                s.character.as_ref().is_some_and(|r| r.entry() == Some(*c))
            }
            Selection::Character(Err(name)) => s
                .character
                .as_ref()
                .is_some_and(|r| crate::text::title_key_eq(&r.written.text, name)),
            Selection::All => true,
        })
        .collect();
    if stories.is_empty() {
        return vec!["*No stories yet.*".to_string()];
    }
    let rows: Vec<Vec<String>> = stories
        .iter()
        .map(|&(id, s)| {
            let entry = &a.index.entries[id];
            let story = entry_link(entry.display_title(), a, ci, id);
            let partners = partners_cell(a, ci, a.relations.partners(id));
            match selection {
                Selection::Character(_) => vec![story, kind_label(s.kind).to_string(), partners],
                _ => vec![
                    story,
                    character_cell(a, ci, s),
                    partners,
                    assigned_cell(a, ci, id, s),
                ],
            }
        })
        .collect();
    let header: &[&str] = match selection {
        Selection::Kind(Kind::StatusQuo) => &["Story", "Character", "Shiny Future", "Assigned To"],
        Selection::Kind(_) => &["Story", "Character", "Status quo", "Assigned To"],
        Selection::Character(_) => &["Story", "Kind", "Retold as / retells"],
        Selection::All => &["Story", "Character", "Partner stories", "Assigned To"],
    };
    vec![table(header, &rows)]
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::StatusQuo => "😱 Status quo",
        Kind::ShinyFuture => "✨ Shiny future",
        _ => kind.describe(),
    }
}

fn character_cell(a: &Analysis, ci: usize, s: &Story) -> String {
    match &s.character {
        Some(r) => match r.entry() {
            Some(c) => entry_link(a.index.entries[c].character_name(), a, ci, c),
            None => escape_cell(&r.written.text),
        },
        None => String::new(),
    }
}

/// Assignees as the story gives them: a directive's values, or a hand-written
/// cell's markdown as written (links and all; it already sat in a table).
fn assigned_cell(a: &Analysis, ci: usize, id: EntryId, s: &Story) -> String {
    match s.source {
        StorySource::Directive(_) if s.assigned.is_empty() => volunteer(a, ci),
        StorySource::Directive(_) => {
            let names: Vec<&str> = s.assigned.iter().map(|s| s.as_str()).collect();
            people(a.config, &names)
        }
        StorySource::Table(ti) => {
            let chapter = a.index.entries[id].chapter;
            let cell = a.chapters[chapter]
                .scan
                .as_ref()
                .and_then(|scan| scan.tables[ti].rows.first())
                .and_then(|row| row.cells.get(2));
            match cell {
                // Relative and reference-style links only resolve on their own page.
                Some(cell)
                    if chapter == ci
                        || cell
                            .links
                            .iter()
                            .all(|l| !l.by_reference && crate::index::is_external(&l.dest)) =>
                {
                    a.texts[chapter][cell.span()].to_string()
                }
                Some(cell) => escape_cell(&cell.text),
                None => String::new(),
            }
        }
    }
}
