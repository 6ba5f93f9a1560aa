//! Entry statuses: a directive's `status=` must name a configured status, and a
//! hand-written `Status | Owner` table's status cell must show one.

use crate::diag::{Draft, Reporter, UNKNOWN_STATUS};
use crate::directive::DirectiveName;
use crate::index::TableShape;
use crate::text::{did_you_mean, is_emoji_like, title_key, title_key_is};
use crate::Analysis;

pub fn check(a: &Analysis, reporter: &mut Reporter) {
    let names: Vec<&str> = a.config.statuses.iter().map(|s| s.name.as_str()).collect();
    let valid = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    for (ci, chapter) in a.chapters.iter().enumerate() {
        let Some(scan) = &chapter.scan else { continue };
        let file = a.source(ci);
        for found in &scan.directives {
            let Ok(d) = &found.parsed else { continue };
            if found.escaped || !matches!(d.name, DirectiveName::Entry(_)) {
                continue;
            }
            for arg in d.values("status") {
                if a.config.status_named(&arg.value).is_some() {
                    continue;
                }
                let mut draft =
                    Draft::new(UNKNOWN_STATUS, format!("unknown status `{}`", arg.value));
                if let Some(s) = did_you_mean(&arg.value, names.iter().copied()) {
                    draft = draft.help(format!("did you mean `{s}`?"));
                }
                draft = draft.help(format!(
                    "valid statuses are {valid} (set them in [preprocessor.vision.statuses])"
                ));
                reporter.report(&file, arg.span(), draft);
            }
        }
        for (ti, table) in scan.tables.iter().enumerate() {
            if a.index.table_shape_at(ci, ti) != Some(TableShape::StatusOwner) {
                continue;
            }
            let Some(col) = table.column(&["status"]) else {
                continue;
            };
            for row in &table.rows {
                let Some(cell) = row.cells.get(col) else {
                    continue;
                };
                if cell.text.trim().is_empty() || status_matches(a, &cell.text) {
                    continue;
                }
                let labels = a
                    .config
                    .statuses
                    .iter()
                    .map(|s| format!("`{}`", s.label))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut draft = Draft::new(
                    UNKNOWN_STATUS,
                    format!("unknown status `{}`", cell.text.trim()),
                );
                let stripped: String = cell.text.chars().filter(|c| !is_emoji_like(*c)).collect();
                if let Some(s) = did_you_mean(stripped.trim(), names.iter().copied()) {
                    draft = draft.help(format!("did you mean `{s}`?"));
                }
                draft = draft.help(format!("valid statuses are {labels}"));
                reporter.report(&file, cell.span(), draft);
            }
        }
    }
}

/// A status cell matches a status by its label or name, emoji and variation
/// selectors ignored ("⚠️ Draft ⚠️", "⚠ Draft", "draft").
fn status_matches(a: &Analysis, cell: &str) -> bool {
    let key = title_key(cell);
    a.config
        .statuses
        .iter()
        .any(|s| title_key_is(&s.label, &key) || title_key_is(&s.name, &key))
}
