//! Directives that cannot be parsed or that stand where no entry is.

use crate::diag::{Draft, Reporter, INVALID_DIRECTIVE, MISPLACED_DIRECTIVE};
use crate::Analysis;

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
    for m in &a.index.misplaced {
        let scan = a.chapters[m.chapter].scan.as_ref();
        let Some(found) = scan.and_then(|s| s.directives.get(m.directive)) else {
            continue;
        };
        reporter.report(
            &a.source(m.chapter),
            found.span.clone(),
            Draft::new(MISPLACED_DIRECTIVE, m.reason.clone()),
        );
    }
}
