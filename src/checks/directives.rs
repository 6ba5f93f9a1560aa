//! Directives that cannot be parsed, that stand where no entry is, or that
//! are not a paragraph of their own.

use crate::diag::{Draft, Reporter, INVALID_DIRECTIVE, MISPLACED_DIRECTIVE};
use crate::render::{placements, Placement};
use crate::Analysis;
use std::collections::HashSet;

pub fn check(a: &Analysis, reporter: &mut Reporter) {
    for (ci, chapter) in a.chapters.iter().enumerate() {
        let Some(scan) = &chapter.scan else { continue };
        let file = a.source(ci);
        for found in &scan.directives {
            if found.escaped {
                continue;
            }
            if let Err(e) = &found.parsed {
                let mut draft = Draft::new(INVALID_DIRECTIVE, e.message.clone());
                if let Some(help) = &e.help {
                    draft = draft.help(help.clone());
                }
                reporter.report(&file, e.span.clone(), draft);
            }
        }
    }
    // A directive that shares its paragraph (or sits in a heading, a table, ...)
    // is not expanded: say where it is, unless it is misplaced for another reason
    // (that it is not right under its entry's heading follows from where it is).
    let misplaced: HashSet<(usize, usize)> = a
        .index
        .misplaced
        .iter()
        .filter(|m| !m.below_other_content)
        .map(|m| (m.chapter, m.directive))
        .collect();
    let mut within: HashSet<(usize, usize)> = HashSet::new();
    for (ci, chapter) in a.chapters.iter().enumerate() {
        let Some(scan) = &chapter.scan else { continue };
        if scan
            .directives
            .iter()
            .all(|f| f.escaped || f.parsed.is_err())
        {
            continue;
        }
        let placed = placements(a.texts[ci], scan, a.settings.options);
        let file = a.source(ci);
        for (di, found) in scan.directives.iter().enumerate() {
            let Placement::Within(what, starts) = placed[di] else {
                continue;
            };
            if found.escaped || found.parsed.is_err() || misplaced.contains(&(ci, di)) {
                continue;
            }
            within.insert((ci, di));
            // A directive on its own line can still continue the paragraph above
            // it (a quote or list item without a blank line in between): say so.
            let starts = file.position(starts).line;
            let message = if starts < file.position(found.span.start).line
                && matches!(
                    what,
                    "a paragraph with other text" | "a list item with other text"
                ) {
                format!(
                    "a directive must be a paragraph of its own, but this one continues the paragraph on line {starts}"
                )
            } else {
                format!("a directive must be a paragraph of its own, but this one is inside {what}")
            };
            reporter.report(
                &file,
                found.span.clone(),
                Draft::new(MISPLACED_DIRECTIVE, message)
                .help("put it on its own line, with a blank line before and after it (it is replaced by tables, which cannot stand inside other text)"),
            );
        }
    }
    for m in &a.index.misplaced {
        if m.below_other_content && within.contains(&(m.chapter, m.directive)) {
            continue;
        }
        let scan = a.chapters[m.chapter].scan.as_ref();
        let Some(found) = scan.and_then(|s| s.directives.get(m.directive)) else {
            continue;
        };
        let mut draft = Draft::new(MISPLACED_DIRECTIVE, m.reason.clone());
        if let Some(help) = &m.help {
            draft = draft.help(help.clone());
        }
        reporter.report(&a.source(m.chapter), found.span.clone(), draft);
    }
}
