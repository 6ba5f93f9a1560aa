//! What a stretch of answer text says: nothing, one of the book's
//! placeholders (`TODO`, `(Cite important sources here; …)`), or a real
//! answer. The scan decides it for each text run of a FAQ as the run ends, so
//! the runs need not keep their text for the FAQ checks.

use crate::text::{title_key, title_key_chars, title_key_is, title_key_starts_with};

/// The book's placeholders (`[preprocessor.vision.faq] placeholders`), keyed
/// once for every run they are compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholders {
    /// As written, its key, and whether the key is a prefix (`…` at the end).
    keys: Vec<(String, String, bool)>,
}

/// What one run of answer text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No words at all (markup, emoji, punctuation).
    Blank,
    /// The placeholder with this index, and nothing else.
    Placeholder(u16),
    Answer,
}

impl Verdict {
    /// The verdict on two runs read one after the other, as
    /// [`Placeholders::unanswered`] reads them: an answer in either, or
    /// else the first placeholder.
    pub fn then(self, next: Verdict) -> Verdict {
        match (self, next) {
            (Verdict::Answer, _) | (_, Verdict::Answer) => Verdict::Answer,
            (Verdict::Placeholder(_), _) => self,
            (Verdict::Blank, _) => next,
        }
    }
}

impl Placeholders {
    pub fn new(written: &[String]) -> Placeholders {
        let keys = written
            .iter()
            .map(|w| {
                // `(Cite important sources here; …)`: the ellipsis may sit before closing punctuation.
                let p = w.trim();
                let body =
                    p.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '…' && c != '.');
                match body.strip_suffix('…').or_else(|| body.strip_suffix("...")) {
                    Some(prefix) => (w.clone(), title_key(prefix), true),
                    None => (w.clone(), title_key(p), false),
                }
            })
            .collect();
        Placeholders { keys }
    }

    /// The placeholders as the book wrote them.
    pub fn written(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(w, _, _)| w.as_str())
    }

    pub fn verdict(&self, run: &str) -> Verdict {
        // The run's key is compared as it is made: most differ at once.
        if title_key_chars(run).next().is_none() {
            return Verdict::Blank;
        }
        let found = self.keys.iter().position(|(_, p, prefix)| {
            // A trailing `…` or `...` means "starts with".
            if *prefix {
                !p.is_empty() && title_key_starts_with(run, p)
            } else {
                title_key_is(run, p)
            }
        });
        match found.and_then(|i| u16::try_from(i).ok()) {
            Some(i) => Verdict::Placeholder(i),
            None => Verdict::Answer,
        }
    }

    /// `Some(placeholder)` when an answer (its runs' verdicts) is empty
    /// (`None`) or only placeholders (the first, as written).
    pub fn unanswered(&self, answer: impl Iterator<Item = Verdict>) -> Option<Option<String>> {
        let mut found = None;
        for verdict in answer {
            match verdict {
                Verdict::Blank => {}
                Verdict::Answer => return None,
                Verdict::Placeholder(i) => {
                    found.get_or_insert_with(|| self.keys[i as usize].0.clone());
                }
            }
        }
        Some(found)
    }
}

impl Default for Placeholders {
    /// The placeholders of a book that names none.
    fn default() -> Placeholders {
        Placeholders::new(&crate::config::default_placeholders())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_blank_placeholders_or_answers() {
        let p = Placeholders::default();
        assert_eq!(p.verdict("  **🦀** — "), Verdict::Blank);
        assert_eq!(p.verdict("todo!"), Verdict::Placeholder(1));
        assert_eq!(
            p.verdict("(Cite important sources here; the RFC, the blog post)"),
            Verdict::Placeholder(5)
        );
        assert_eq!(
            p.verdict("Because the borrow checker said so."),
            Verdict::Answer
        );
        let verdicts = |v: &[Verdict]| p.unanswered(v.iter().copied());
        assert_eq!(verdicts(&[]), Some(None));
        assert_eq!(
            verdicts(&[Verdict::Blank, Verdict::Placeholder(0)]),
            Some(Some("XXX".to_string()))
        );
        assert_eq!(verdicts(&[Verdict::Placeholder(0), Verdict::Answer]), None);
    }
}
