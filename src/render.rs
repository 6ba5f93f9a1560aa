//! Rendering: tables, links and keys as markdown, spliced into chapter text at
//! exact byte ranges. Markdown is never re-serialised; a chapter with nothing
//! to change keeps its original string.

use crate::config::Config;
use crate::directive::{Directive, DirectiveName, Found};
use crate::index::{table_shape, TableShape};
use crate::model::Kind;
use crate::scan::Scan;
use crate::text::escape_cell;
use crate::Analysis;
use std::ops::Range;

/// Replace `span` of a chapter's text with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub text: String,
}

/// New text for every chapter that changes.
pub fn render(a: &Analysis) -> Vec<Option<String>> {
    (0..a.chapters.len())
        .map(|ci| {
            let Some(scan) = &a.chapters[ci].scan else {
                return None;
            };
            let edits = chapter_edits(a, ci, scan);
            apply(a.texts[ci], edits)
        })
        .collect()
}

fn chapter_edits(a: &Analysis, ci: usize, scan: &Scan) -> Vec<Edit> {
    let text = a.texts[ci];
    let mut edits = Vec::new();
    for (di, found) in scan.directives.iter().enumerate() {
        if found.escaped {
            edits.push(Edit {
                span: found.span.start..found.span.start + 1,
                text: String::new(),
            });
            continue;
        }
        let Ok(directive) = &found.parsed else {
            continue;
        };
        let rendered = match directive.name {
            DirectiveName::Entry(kind) => {
                if !a.index.entry_of_directive.contains_key(&(ci, di)) {
                    continue;
                }
                entry_tables(a.config, kind, directive)
            }
            // Later stages add the overviews; until then the text stays as written.
            _ => continue,
        };
        edits.push(block_edit(text, found, scan, rendered));
    }
    for table in &scan.tables {
        if table_shape(table) == Some(TableShape::StatusOwner) {
            if let Some(col) = table.column(&["owner", "owners"]) {
                for row in &table.rows {
                    if let Some(cell) = row.cells.get(col) {
                        let links: Vec<Range<usize>> =
                            cell.links.iter().map(|l| l.span.clone()).collect();
                        edits.extend(owner_links(a.config, text, cell.span.clone(), &links));
                    }
                }
            }
        }
    }
    edits
}

/// The markdown tables an entry directive stands for.
fn entry_tables(config: &Config, kind: Kind, d: &Directive) -> Vec<String> {
    let mut tables = Vec::new();
    let status = d.value("status").map(|s| {
        config
            .status_named(&s.value)
            .map_or_else(|| escape_cell(&s.value), |st| escape_cell(&st.label))
    });
    let owners: Vec<&str> = d.values("owner").map(|a| a.value.as_str()).collect();
    if status.is_some() || !owners.is_empty() {
        tables.push(table(
            &["Status", "Owner"],
            &[vec![status.unwrap_or_default(), people(config, &owners)]],
        ));
    }
    let _ = kind;
    tables
}

/// A markdown table; cells must already be escaped.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push('|');
    for _ in header {
        out.push_str(" --- |");
    }
    for row in rows {
        out.push_str("\n| ");
        out.push_str(&row.join(" | "));
        out.push_str(" |");
    }
    out
}

/// Owners or assignees as a cell: `@name` linked to its profile, others plain.
pub fn people(config: &Config, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| person(config, n))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn person(config: &Config, name: &str) -> String {
    match name.strip_prefix('@') {
        Some(handle) if is_handle(handle) => {
            format!("[@{handle}]({})", config.owner_link(handle))
        }
        _ => escape_cell(name),
    }
}

/// GitHub-style user names: letters, digits, `-`, `_`, `.`.
fn is_handle(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// Links each bare `@name` in a hand-written cell, leaving links and all other text as written.
fn owner_links(
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
        let handle = &text[start + 1..end];
        edits.push(Edit {
            span: start..end,
            text: format!("[@{handle}]({})", config.owner_link(handle)),
        });
    }
    edits
}

/// Replaces a directive with rendered block content (tables separated by a
/// blank line), keeping it a block of its own and continuing any list or
/// quote prefix on the following lines.
fn block_edit(text: &str, found: &Found, scan: &Scan, blocks: Vec<String>) -> Edit {
    let span = found.span.clone();
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..span.start];
    let continuation: String = if prefix.chars().all(|c| c.is_whitespace() || c == '>') {
        prefix.to_string()
    } else {
        String::new()
    };
    let joined = blocks.join("\n\n");
    let body = joined
        .split('\n')
        .enumerate()
        .map(|(i, line)| match (i, line.is_empty()) {
            (0, _) => line.to_string(),
            (_, true) => continuation.trim_end().to_string(),
            _ => format!("{continuation}{line}"),
        })
        .collect::<Vec<_>>()
        .join("\n");
    // Alone in its paragraph: replace in place. Otherwise, open a new block.
    let alone = scan
        .block_at(span.start)
        .map(|b| text[scan.blocks[b].span.clone()].trim() == text[span.clone()].trim())
        .unwrap_or(false)
        || !continuation.is_empty();
    let body = if alone || body.is_empty() {
        body
    } else {
        format!("\n\n{body}\n\n")
    };
    Edit { span, text: body }
}

/// Applies non-overlapping edits; `None` when there are none.
pub fn apply(text: &str, mut edits: Vec<Edit>) -> Option<String> {
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for e in edits {
        if e.span.start < at {
            continue; // overlapping edits cannot both apply; the first wins
        }
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    (out != text).then_some(out)
}
