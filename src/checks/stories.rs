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
    let mut refs = References {
        a,
        reporter,
        suggestions_left: SUGGESTION_BUDGET,
        told_budget: false,
    };
    for (id, story) in a.relations.stories.iter().enumerate() {
        let Some(story) = story else { continue };
        let ci = a.index.entries[id].chapter;
        let from_directive = matches!(story.source, StorySource::Directive(_));
        let want = partner_kind(story.kind);
        for r in &story.partners {
            refs.report(ci, &r.written, story.target(r), want, from_directive);
        }
        if let Some(r) = &story.character {
            let want = Some(Kind::Character);
            refs.report(ci, &r.written, story.target(r), want, from_directive);
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
                refs.report(
                    ci,
                    &written,
                    target.as_ref().copied(),
                    Some(Kind::Character),
                    true,
                );
            }
        }
    }
}

/// How many entries the suggestions for names that land nowhere may look at
/// in one run, all told. Each looks at every entry of the book, so a book
/// with thousands of such names would take time growing with the square of
/// its size (7 s for 2,000 of them among 4,000 entries); this bounds it to
/// about 0.2 s. A book of 500 entries still gets suggestions for 200 names.
const SUGGESTION_BUDGET: usize = 100_000;

/// Reports references' problems, with suggestions while their budget lasts.
struct References<'r, 'a> {
    a: &'r Analysis<'a>,
    reporter: &'r mut Reporter,
    /// Entries the suggestions may still look at.
    suggestions_left: usize,
    /// Whether a diagnostic has said that the rest get no suggestions.
    told_budget: bool,
}

impl References<'_, '_> {
    /// Reports one reference's problem. Plain text in hand-written tables
    /// that names nothing is left alone: it may be a story not written yet.
    fn report(
        &mut self,
        ci: usize,
        written: &Written,
        target: Result<EntryId, &RefError>,
        want: Option<Kind>,
        from_directive: bool,
    ) {
        let a = self.a;
        let file = a.source(ci);
        let what = want.map_or("entry", Kind::describe);
        let draft = match target {
            Ok(_) | Err(RefError::NoCharacters) | Err(RefError::NotAnEntry) => return,
            Err(RefError::BrokenLink { dest, target }) => broken_link(a, dest, target),
            Err(RefError::Unresolved(_)) if !from_directive => return,
            Err(RefError::Unresolved(Unresolved::NotFound)) => {
                let d = Draft::new(
                    UNRESOLVED_REFERENCE,
                    format!("no {what} is called \"{}\"", written.text),
                );
                self.with_suggestions(d, written.text.trim(), want)
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
        self.reporter.report(&file, written.span(), draft);
    }

    /// `d` with the names near `name` among the entries of kind `want`, while
    /// the budget lasts; the first past it says why it has none.
    fn with_suggestions(&mut self, mut d: Draft, name: &str, want: Option<Kind>) -> Draft {
        let looked_at = self.a.index.entries.len();
        if looked_at <= self.suggestions_left {
            self.suggestions_left -= looked_at;
            for s in self.a.index.suggest(name, want.as_slice()) {
                d = d.help(format!("did you mean \"{s}\"?"));
            }
        } else if !self.told_budget {
            self.told_budget = true;
            let searched = SUGGESTION_BUDGET / looked_at.max(1);
            d = d.help(format!(
                "near names are looked for only for the first {searched} names that land \
                 nowhere in a book of {looked_at} entries"
            ));
        }
        d
    }
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
