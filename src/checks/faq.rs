//! Required FAQ questions: a missing section, missing questions (or likely
//! typos of them) and placeholder answers.

use crate::diag::{Draft, Reporter, MISSING_FAQ, MISSING_FAQ_SECTION, UNANSWERED_FAQ};
use crate::faq::{analyse, Form};
use crate::Analysis;

pub fn check(a: &Analysis, reporter: &mut Reporter) {
    if ![MISSING_FAQ, MISSING_FAQ_SECTION, UNANSWERED_FAQ]
        .iter()
        .any(|l| reporter.enabled(l))
    {
        return;
    }
    for f in analyse(a) {
        let entry = &a.index.entries[f.id];
        let file = a.source(entry.chapter);
        let Some(scan) = &a.chapters[entry.chapter].scan else {
            continue;
        };
        let heading = scan.headings[entry.heading].span();
        let heading =
            heading.start..heading.start + a.texts[entry.chapter][heading].trim_end().len();
        let what = format!("{} \"{}\"", f.kind.describe(), entry.title);
        if !f.has_section {
            let level = (scan.headings[entry.heading].level as usize + 1).min(6);
            let asks = f
                .missing
                .iter()
                .map(|m| format!("`{}`", Form::Bullet.line(&m.question)))
                .collect::<Vec<_>>()
                .join(", ");
            reporter.report(
                &file,
                heading,
                Draft::new(
                    MISSING_FAQ_SECTION,
                    format!("{what} has no Frequently Asked Questions section"),
                )
                .help(format!(
                    "add a `{} 🤔 Frequently Asked Questions` section asking {asks}",
                    "#".repeat(level)
                )),
            );
            continue;
        }
        for m in &f.missing {
            match &m.typo {
                Some((asked, at)) => reporter.report(
                    &file,
                    *at..*at + 1,
                    Draft::new(
                        MISSING_FAQ,
                        format!(
                            "{what} asks \"{asked}\", which looks like a typo of the required question \"{}\"",
                            m.question
                        ),
                    )
                    .help(format!("write it as `{}`", f.form.line(&m.question))),
                ),
                None => reporter.report(
                    &file,
                    heading.clone(),
                    Draft::new(
                        MISSING_FAQ,
                        format!("{what} does not ask \"{}\"", m.question),
                    )
                    .help(format!(
                        "add `{}` to its Frequently Asked Questions",
                        f.form.line(&m.question)
                    )),
                ),
            }
        }
        for u in &f.unanswered {
            let help = match &u.placeholder {
                Some(p) => format!("replace the placeholder `{p}` with an answer"),
                None => "write the answer under the question".to_string(),
            };
            reporter.report(
                &file,
                u.at..u.at + 1,
                Draft::new(
                    UNANSWERED_FAQ,
                    format!("{what} does not answer \"{}\" yet", u.question),
                )
                .help(help),
            );
        }
    }
}
