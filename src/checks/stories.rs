//! Story references: partners and characters that do not resolve, resolve to
//! several entries or to the wrong kind, and links that do not land.

use crate::diag::{
    Draft, Reporter, AMBIGUOUS_REFERENCE, BROKEN_LINK, UNRESOLVED_REFERENCE, WRONG_KIND,
};
use crate::directive::DirectiveName;
use crate::index::{EntryId, LinkTarget, Unresolved};
use crate::model::Kind;
use crate::relations::{partner_kind, resolve_character, RefError, StorySource, Written};
use crate::Analysis;

pub fn check(a: &Analysis, reporter: &mut Reporter) {
    for (id, story) in a.relations.stories.iter().enumerate() {
        let Some(story) = story else { continue };
        let ci = a.index.entries[id].chapter;
        let from_directive = matches!(story.source, StorySource::Directive(_));
        let want = partner_kind(story.kind);
        for r in &story.partners {
            let target = story.target(r);
            report_reference(a, reporter, ci, &r.written, target, want, from_directive);
        }
        if let Some(r) = &story.character {
            let (target, want) = (story.target(r), Some(Kind::Character));
            report_reference(a, reporter, ci, &r.written, target, want, from_directive);
        }
    }
    // `{{#vision stories character=NAME}}` must name a character.
    for (ci, chapter) in a.chapters.iter().enumerate() {
        let Some(scan) = &chapter.scan else { continue };
        for found in &scan.directives {
            let Ok(d) = &found.parsed else { continue };
            if found.escaped || d.name != DirectiveName::Stories {
                continue;
            }
            if let Some(arg) = d.value("character") {
                let written = Written::new(arg.value.clone(), arg.span());
                let target = resolve_character(a.index, &arg.value);
                let want = Some(Kind::Character);
                report_reference(
                    a,
                    reporter,
                    ci,
                    &written,
                    target.as_ref().copied(),
                    want,
                    true,
                );
            }
        }
    }
}

/// Reports one reference's problem. Plain text in hand-written tables that
/// names nothing is left alone: it may be a story not written yet.
pub fn report_reference(
    a: &Analysis,
    reporter: &mut Reporter,
    ci: usize,
    written: &Written,
    target: Result<EntryId, &RefError>,
    want: Option<Kind>,
    from_directive: bool,
) {
    let file = a.source(ci);
    let what = want.map_or("entry", Kind::describe);
    let draft = match target {
        Ok(_) | Err(RefError::NoCharacters) | Err(RefError::NotAnEntry) => return,
        Err(RefError::BrokenLink { dest, target }) => broken_link(a, dest, target),
        Err(RefError::Unresolved(_)) if !from_directive => return,
        Err(RefError::Unresolved(Unresolved::NotFound { suggestions })) => {
            let mut d = Draft::new(
                UNRESOLVED_REFERENCE,
                format!("no {what} is called \"{}\"", written.text),
            );
            for s in suggestions {
                d = d.help(format!("did you mean \"{s}\"?"));
            }
            d
        }
        Err(RefError::Unresolved(Unresolved::Ambiguous { candidates })) => {
            let mut d = Draft::new(
                AMBIGUOUS_REFERENCE,
                format!("\"{}\" names {} entries", written.text, candidates.len()),
            );
            for &c in candidates {
                let e = &a.index.entries[c];
                d = d.help(format!(
                    "could be \"{}\" in {}#{}",
                    e.title,
                    a.chapters[e.chapter].display_path,
                    e.anchor()
                ));
            }
            d.help("name it by `path.md#anchor` to pick one")
        }
        Err(RefError::Unresolved(Unresolved::WrongKind { found })) => {
            let e = &a.index.entries[*found];
            Draft::new(
                WRONG_KIND,
                format!(
                    "\"{}\" is a {}, not a {what}",
                    e.title,
                    e.kind.map_or("heading without a kind", Kind::describe)
                ),
            )
            .help(format!(
                "it is in {}#{}",
                a.chapters[e.chapter].display_path,
                e.anchor()
            ))
        }
    };
    reporter.report(&file, written.span(), draft);
}

/// The warning for a link to `dest` that lands nowhere.
pub fn broken_link(a: &Analysis, dest: &str, target: &LinkTarget) -> Draft {
    match target {
        LinkTarget::MissingChapter { path, closest } => {
            let d = Draft::new(
                BROKEN_LINK,
                format!("link `{dest}` points to `{path}`, which is not a chapter of this book"),
            );
            match closest {
                Some(c) => d.help(format!("the closest chapter is `{c}`")),
                None => d,
            }
        }
        LinkTarget::MissingAnchor {
            chapter,
            anchor,
            closest,
        } => {
            let path = a.chapters[*chapter].source_path().unwrap_or("");
            let d = Draft::new(
                BROKEN_LINK,
                format!("link `{dest}`: `{path}` has no heading with id `{anchor}`"),
            );
            match closest {
                Some(c) => d.help(format!("the closest heading id there is `#{c}`")),
                None => d,
            }
        }
        _ => Draft::new(BROKEN_LINK, format!("link `{dest}` does not land")),
    }
}
