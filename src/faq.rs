//! Required FAQ questions: each checked entry's "Frequently Asked Questions"
//! section, the questions it asks and whether they are answered, all read from
//! the scan (never re-parsed). The checks report what this finds; the renderer
//! turns it into the `faq-report` table and the optional gap notes.

use crate::answer::{Placeholders, Verdict};
use crate::index::EntryId;
use crate::model::Kind;
use crate::render::{push_entry_link, table_head, Edit};
use crate::scan::{BlockKind, Scan};
use crate::text::{escape_cell, is_faq_title, push_escaped_cell, title_key};
use crate::Analysis;
use std::borrow::Cow;
use std::ops::Range;

/// How an entry writes its questions, for the line `missing-faq` suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `### **Question?**` at this level.
    Heading(u8),
    /// `* **Question?**`.
    Bullet,
}

impl Form {
    /// The markdown line that asks `question` in this form.
    pub fn line(self, question: &str) -> String {
        match self {
            Form::Heading(level) => format!("{} **{question}**", "#".repeat(level as usize)),
            Form::Bullet => format!("* **{question}**"),
        }
    }
}

/// One question as asked, with the verdicts on its answer's text runs.
#[derive(Clone, Debug)]
pub struct Question {
    pub text: String,
    /// Where the question starts (its heading or list item).
    pub at: usize,
    pub answer: Vec<Verdict>,
}

/// An entry's FAQ section.
#[derive(Clone, Debug)]
pub struct Section {
    /// The FAQ heading or `<details>` tag.
    pub at: usize,
    pub form: Form,
    pub questions: Vec<Question>,
}

/// A required question the entry does not ask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The required question with `NAME` filled in.
    pub question: String,
    /// A question that is asked and looks like a typo of this one: its text and offset.
    pub typo: Option<(String, usize)>,
}

/// A required question asked without a real answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unanswered {
    /// The question as asked.
    pub question: String,
    pub at: usize,
    /// The placeholder standing in for the answer, if any.
    pub placeholder: Option<String>,
}

/// What one checked entry's FAQ lacks.
#[derive(Clone, Debug)]
pub struct EntryFaq {
    pub id: EntryId,
    pub kind: Kind,
    pub has_section: bool,
    pub form: Form,
    pub missing: Vec<Missing>,
    pub unanswered: Vec<Unanswered>,
}

impl EntryFaq {
    pub fn complete(&self) -> bool {
        self.has_section && self.missing.is_empty() && self.unanswered.is_empty()
    }

    /// The questions still to answer, as a reader would read them.
    pub fn gaps(&self) -> Vec<String> {
        self.missing
            .iter()
            .map(|m| m.question.clone())
            .chain(self.unanswered.iter().map(|u| u.question.clone()))
            .collect()
    }

    /// "✅ complete", "2 missing, 1 unanswered" or "no FAQ section".
    pub fn status(&self) -> String {
        if !self.has_section {
            return "no FAQ section".to_string();
        }
        if self.complete() {
            return "✅ complete".to_string();
        }
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!("{} missing", self.missing.len()));
        }
        if !self.unanswered.is_empty() {
            parts.push(format!("{} unanswered", self.unanswered.len()));
        }
        parts.join(", ")
    }
}

/// Every checked entry (its kind requires questions), in book order.
/// Computed once per analysis; the checks and the renderer share it.
pub fn analyse<'x>(a: &'x Analysis) -> &'x [EntryFaq] {
    a.faq.get_or_init(|| analyse_all(a))
}

fn analyse_all(a: &Analysis) -> Vec<EntryFaq> {
    let placeholders = &a.config.placeholders;
    let fixed = FixedPatterns::new(a);
    // Each entry is read on its own, so the entries share the cores; an
    // entry weighs as much as its chapter's text (most books hold few per page).
    let weight = |e: &crate::index::Entry| a.texts[e.chapter].len();
    let analysed = crate::parallel::map(&a.index.entries, weight, |id, entry| {
        analyse_entry(a, placeholders, &fixed, id, entry)
    });
    // Held to the end: sized to what it holds, not grown by doubling.
    let mut faqs = Vec::with_capacity(analysed.iter().flatten().count());
    faqs.extend(analysed.into_iter().flatten());
    faqs
}

/// What one entry's FAQ lacks; `None` when its kind requires no questions.
fn analyse_entry(
    a: &Analysis,
    placeholders: &Placeholders,
    fixed: &FixedPatterns,
    id: EntryId,
    entry: &crate::index::Entry,
) -> Option<EntryFaq> {
    let kind = entry.kind?;
    let required = a.config.faq.get(&kind).filter(|l| !l.is_empty())?;
    let scan = a.chapters[entry.chapter].scan.as_ref()?;
    let text = a.texts[entry.chapter];
    let section = find_section(a, id, text, scan, placeholders);
    let names = names(a, id);
    let mut faq = EntryFaq {
        id,
        kind,
        has_section: section.is_some(),
        form: Form::Bullet,
        missing: Vec::new(),
        unanswered: Vec::new(),
    };
    let Some(section) = section else {
        faq.missing = required
            .iter()
            .map(|q| Missing {
                question: fill_name(q, &names),
                typo: None,
            })
            .collect();
        return Some(faq);
    };
    faq.form = section.form;
    let keys: Vec<String> = section
        .questions
        .iter()
        .map(|q| title_key(&q.text))
        .collect();
    let mut used = vec![false; section.questions.len()];
    let patterns: Vec<Cow<[Vec<String>]>> = required
        .iter()
        .enumerate()
        .map(|(ri, r)| match fixed.get(kind, ri, &names) {
            Some(p) => Cow::Borrowed(p),
            None => Cow::Owned(patterns(r, &names)),
        })
        .collect();
    // Exact (tolerant) matches first, so a typo check never takes a question
    // that answers another requirement.
    let mut matched: Vec<Vec<usize>> = vec![Vec::new(); required.len()];
    for (ri, pats) in patterns.iter().enumerate() {
        for (qi, key) in keys.iter().enumerate() {
            if !used[qi] && pats.iter().any(|p| glob_match(p, key)) {
                used[qi] = true;
                matched[ri].push(qi);
            }
        }
    }
    // The keys as characters, for the typo check: made once, if it runs.
    let mut key_chars: Option<Vec<Vec<char>>> = None;
    for (ri, r) in required.iter().enumerate() {
        let mut hits = matched[ri].clone();
        if hits.is_empty() {
            let key_chars =
                key_chars.get_or_insert_with(|| keys.iter().map(|k| k.chars().collect()).collect());
            let typo = typo_of(&patterns[ri], key_chars, &used);
            if let Some(qi) = typo {
                used[qi] = true;
                hits.push(qi);
            }
            faq.missing.push(Missing {
                question: fill_name(r, &names),
                typo: typo.map(|qi| {
                    let q = &section.questions[qi];
                    (q.text.clone(), q.at)
                }),
            });
        }
        for qi in hits {
            let q = &section.questions[qi];
            if let Some(placeholder) = placeholders.unanswered(q.answer.iter().copied()) {
                faq.unanswered.push(Unanswered {
                    question: q.text.clone(),
                    at: q.at,
                    placeholder,
                });
            }
        }
    }
    Some(faq)
}

/// The names `NAME` stands for: a character's own name, or a story's
/// character as resolved and as written. Empty when unknown.
fn names(a: &Analysis, id: EntryId) -> Vec<String> {
    let entry = &a.index.entries[id];
    let mut names = Vec::new();
    if entry.kind == Some(Kind::Character) {
        names.push(entry.character_name().to_string());
    }
    if let Some(Some(story)) = a.relations.stories.get(id) {
        if let Some(r) = &story.character {
            if let Some(c) = r.entry() {
                names.push(a.index.entries[c].character_name().to_string());
            }
            names.push(r.written.text.trim().to_string());
        }
    }
    names.retain(|n| !n.is_empty());
    names.dedup();
    names
}

fn fill_name(required: &str, names: &[String]) -> String {
    match names.first() {
        Some(n) => required.replace("NAME", n),
        None => required.to_string(),
    }
}

/// A required question's patterns: one literal-parts list per name it may use.
type Patterns = Vec<Vec<String>>;

/// The patterns of the required questions that are the same for every entry
/// of their kind (no `NAME`, or no name known), made once for the book.
struct FixedPatterns {
    /// Per kind, its required questions' patterns, in order.
    by_kind: Vec<(Kind, Vec<Fixed>)>,
}

/// One required question's patterns that need no entry to make.
struct Fixed {
    /// The patterns, when the question has no `NAME` in it.
    nameless: Option<Patterns>,
    /// The patterns for an entry whose names are unknown.
    unnamed: Patterns,
}

impl FixedPatterns {
    fn new(a: &Analysis) -> FixedPatterns {
        let by_kind = a
            .config
            .faq
            .iter()
            .map(|(&kind, required)| {
                let fixed = required
                    .iter()
                    .map(|r| {
                        let unnamed = patterns(r, &[]);
                        let nameless = (!r.contains("NAME")).then(|| unnamed.clone());
                        Fixed { nameless, unnamed }
                    })
                    .collect();
                (kind, fixed)
            })
            .collect();
        FixedPatterns { by_kind }
    }

    /// The patterns of required question `ri` of `kind` for an entry with
    /// these `names`, when they do not depend on the names.
    fn get(&self, kind: Kind, ri: usize, names: &[String]) -> Option<&[Vec<String>]> {
        let (_, fixed) = self.by_kind.iter().find(|(k, _)| *k == kind)?;
        let Fixed { nameless, unnamed } = fixed.get(ri)?;
        match nameless {
            Some(p) => Some(p),
            None if names.is_empty() => Some(unnamed),
            None => None,
        }
    }
}

/// The comparison patterns of a required question: keyed literal parts with a
/// wildcard between each two (`ALTERNATIVE-X`, and `NAME` when no name is known).
fn patterns(required: &str, names: &[String]) -> Patterns {
    let with_names: Vec<String> = if names.is_empty() || !required.contains("NAME") {
        vec![required.replace("NAME", "\0")]
    } else {
        names.iter().map(|n| required.replace("NAME", n)).collect()
    };
    with_names
        .iter()
        .map(|s| {
            let raw: Vec<String> = s
                .replace("ALTERNATIVE-X", "\0")
                .split('\0')
                .map(title_key)
                .collect();
            let last = raw.len() - 1;
            raw.iter()
                .enumerate()
                .map(|(i, p)| {
                    let mut p = p.clone();
                    if !p.is_empty() && i > 0 {
                        p.insert(0, ' ');
                    }
                    if !p.is_empty() && i < last {
                        p.push(' ');
                    }
                    p
                })
                .collect()
        })
        .collect()
}

/// Whether `key` is the literal parts of `pattern` in order, with non-empty text
/// for each wildcard between them.
fn glob_match(pattern: &[String], key: &str) -> bool {
    let (first, rest) = match pattern.split_first() {
        Some(x) => x,
        None => return key.is_empty(),
    };
    let Some(mut rem) = key.strip_prefix(first.as_str()) else {
        return false;
    };
    if rest.is_empty() {
        return rem.is_empty();
    }
    let (last, middle) = rest.split_last().expect("rest is not empty");
    for part in middle {
        // The wildcard before `part` takes at least one character.
        let Some(i) = rem.get(1..).and_then(|r| r.find(part.as_str())) else {
            return false;
        };
        rem = &rem[1 + i + part.len()..];
    }
    rem.len() > last.len() && rem.ends_with(last.as_str())
}

/// An unused question within a small edit distance of a literal requirement
/// (`keys` are the questions' keys as characters).
fn typo_of(patterns: &[Vec<String>], keys: &[Vec<char>], used: &[bool]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for p in patterns.iter().filter(|p| p.len() == 1) {
        let want: Vec<char> = p[0].chars().collect();
        let limit = (want.len() / 10).max(1);
        for (qi, key) in keys.iter().enumerate() {
            if used[qi] {
                continue;
            }
            let Some(d) = levenshtein_within(&want, key, limit) else {
                continue;
            };
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, qi));
            }
        }
    }
    best.map(|(_, qi)| qi)
}

/// The Levenshtein distance of `a` and `b` when it is at most `limit`.
///
/// Only cells within `limit` of the diagonal can lie on such an alignment,
/// so each row computes those alone (the others count as `limit + 1`): the
/// typo check compares every question with every requirement it misses.
fn levenshtein_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let over = limit + 1;
    // prev[j]: the distance of a[..i - 1] and b[..j], at most `over`.
    let mut prev: Vec<usize> = (0..=b.len()).map(|j| j.min(over)).collect();
    let mut cur = vec![over; b.len() + 1];
    for i in 1..=a.len() {
        let lo = i.saturating_sub(limit).max(1);
        let hi = (i + limit).min(b.len());
        cur[0] = i.min(over);
        // The cells left and right of the band are read by the next row.
        if lo > 1 {
            cur[lo - 1] = over;
        }
        for j in lo..=hi {
            let substitute = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = substitute.min(prev[j] + 1).min(cur[j - 1] + 1).min(over);
        }
        if hi < b.len() {
            cur[hi + 1] = over;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// The entry's FAQ section: a FAQ heading or `<details>` within the entry (up
/// to the next entry on the page), or a FAQ heading of the entry's own level
/// right after it.
pub fn find_section(
    a: &Analysis,
    id: EntryId,
    text: &str,
    scan: &Scan,
    placeholders: &Placeholders,
) -> Option<Section> {
    let entry = &a.index.entries[id];
    let own = &scan.headings[entry.heading];
    // Entries are in book order (a chapter's sorted by heading), so the next
    // entry on the page, if any, is the next entry.
    let next_entry = a
        .index
        .entries
        .get(id + 1)
        .filter(|e| e.chapter == entry.chapter && e.heading > entry.heading)
        .map(|e| scan.headings[e.heading].span().start)
        .unwrap_or(usize::MAX);
    let end = entry.extent.end.min(text.len()).min(next_entry);
    let region = own.span().end..end;

    let heading = scan
        .headings
        .iter()
        .enumerate()
        .skip(entry.heading + 1)
        .take_while(|(_, h)| h.span().start < region.end)
        .find(|(_, h)| is_faq_title(&h.text))
        .or_else(|| {
            // `## Story` followed by `## 🤔 Frequently Asked Questions`.
            scan.headings
                .iter()
                .enumerate()
                .skip(entry.heading + 1)
                .find(|(_, h)| h.span().start >= region.end)
                .filter(|(_, h)| {
                    h.span().start == end
                        && end < next_entry
                        && h.level == own.level
                        && is_faq_title(&h.text)
                })
        });
    let details = scan
        .outline
        .details
        .iter()
        .enumerate()
        .find(|(_, d)| d.faq && region.contains(&d.at));

    let (at, body, base) = match (heading, details) {
        (Some((hi, h)), d) if d.is_none_or(|(_, d)| h.span().start < d.at) => {
            let stop = scan.headings[hi + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map_or(text.len(), |n| n.span().start);
            let stop = if h.span().start < end {
                stop.min(end)
            } else {
                stop
            };
            (h.span().start, h.span().end..stop, h.level)
        }
        (_, Some((di, d))) => {
            let mut depth = 0usize;
            let close = scan.outline.details[di + 1..]
                .iter()
                .find(|t| {
                    if t.content.is_some() {
                        depth += 1;
                        false
                    } else if depth == 0 {
                        true
                    } else {
                        depth -= 1;
                        false
                    }
                })
                .map_or(end, |t| t.at.min(end));
            (d.at, d.content.unwrap_or(d.at)..close, 0)
        }
        _ => return None,
    };
    Some(questions(scan, text, placeholders, at, body, base))
}

/// The questions of a section: its shallowest sub-headings, or else the items
/// of its outermost list.
fn questions(
    scan: &Scan,
    text: &str,
    placeholders: &Placeholders,
    at: usize,
    body: Range<usize>,
    base: u8,
) -> Section {
    let runs = &scan.outline.runs;
    let answer = |from: usize, to: usize| -> Vec<Verdict> {
        let i = runs.partition_point(|r| r.start() < from);
        runs[i..]
            .iter()
            .take_while(|r| r.start() < to)
            .map(|r| r.verdict)
            .collect()
    };
    let inside = |s: usize| body.start <= s && s < body.end;
    let heads: Vec<&crate::scan::Heading> = scan
        .headings
        .iter()
        .filter(|h| inside(h.span().start) && h.level > base)
        .collect();
    if let Some(level) = heads.iter().map(|h| h.level).min() {
        let qs: Vec<&&crate::scan::Heading> = heads.iter().filter(|h| h.level == level).collect();
        let questions = qs
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let to = qs.get(i + 1).map_or(body.end, |n| n.span().start);
                Question {
                    text: h.text.to_string(),
                    at: h.span().start,
                    answer: answer(h.span().end, to),
                }
            })
            .collect();
        return Section {
            at,
            form: Form::Heading(level),
            questions,
        };
    }
    let items: Vec<&crate::scan::ListItem> = scan
        .outline
        .items
        .iter()
        .filter(|i| inside(i.span().start))
        .collect();
    let depth = items.iter().map(|i| i.depth).min().unwrap_or(1);
    let tops: Vec<&&crate::scan::ListItem> = items.iter().filter(|i| i.depth == depth).collect();
    let questions = tops
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let span = item.span();
            let to = tops.get(i + 1).map_or(body.end, |n| n.span().start);
            let first = runs.partition_point(|r| r.start() < span.start);
            let lead = runs.get(first).filter(|r| r.start() < span.end)?;
            let mut rest = answer(lead.start() + 1, to);
            // `* **Question?** answer on the same line`: the question is the
            // bold, when it ends in `?` (`**Which …? Why?**` asks one
            // question), or else runs to the first `?`.
            let lead_text = scan.outline.run_text(lead, text);
            let end = lead
                .bold_len()
                .filter(|&n| lead_text[..n].trim_end().ends_with('?'))
                .or_else(|| lead_text.find('?').map(|i| i + 1))
                .unwrap_or(lead_text.len());
            let after = lead_text[end..].trim();
            if !after.is_empty() {
                rest.insert(0, placeholders.verdict(after));
            }
            Some(Question {
                text: lead_text[..end].trim().to_string(),
                at: span.start,
                answer: rest,
            })
        })
        .collect();
    Section {
        at,
        form: Form::Bullet,
        questions,
    }
}

/// The `{{#vision faq-report}}` blocks for chapter `ci`: one row per checked
/// entry, then a totals line.
pub fn report_blocks(a: &Analysis, ci: usize) -> Vec<String> {
    let mut report = String::with_capacity(analyse(a).len() * 128);
    // Writing to a String cannot fail.
    let _ = write_report_table(a, ci, &mut report);
    vec![report, report_totals(a)]
}

/// The report's table, a row at a time: written into the book as it is
/// written, a book-wide table is never held whole.
pub fn write_report_table(
    a: &Analysis,
    ci: usize,
    out: &mut dyn std::fmt::Write,
) -> std::fmt::Result {
    let faqs = analyse(a);
    out.write_str(&table_head(&["Entry", "Kind", "FAQ"]))?;
    // One row per checked entry, made in one reused string: no cell is a
    // string of its own.
    let mut row = String::new();
    for f in faqs {
        let e = &a.index.entries[f.id];
        row.clear();
        row.push_str("\n| ");
        push_entry_link(&mut row, &e.title, a, ci, f.id);
        row.push_str(" | ");
        row.push_str(f.kind.describe());
        row.push_str(" | ");
        push_escaped_cell(&mut row, &f.status());
        row.push_str(" |");
        out.write_str(&row)?;
    }
    Ok(())
}

/// The line under the report's table.
pub fn report_totals(a: &Analysis) -> String {
    let faqs = analyse(a);
    let complete = faqs.iter().filter(|f| f.complete()).count();
    let missing: usize = faqs.iter().map(|f| f.missing.len()).sum();
    let unanswered: usize = faqs.iter().map(|f| f.unanswered.len()).sum();
    format!(
        "**Total:** {} entries, {complete} complete; {missing} questions missing, {unanswered} unanswered",
        faqs.len()
    )
}

const GAP_NOTE: &str = "> ⚠️ Still to answer: ";

/// With `show-faq-gaps`, a note under each incomplete entry's heading block of
/// chapter `ci` (replacing a note already there, so rendering twice adds nothing).
pub fn gap_edits(a: &Analysis, ci: usize, scan: &Scan) -> Vec<Edit> {
    if !a.config.show_faq_gaps {
        return Vec::new();
    }
    let text = a.texts[ci];
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut edits = Vec::new();
    // The analysis is in book order: this chapter's entries are one run of it.
    let faqs = analyse(a);
    let first = faqs.partition_point(|f| a.index.entries[f.id].chapter < ci);
    for f in &faqs[first..] {
        let entry = &a.index.entries[f.id];
        if entry.chapter != ci {
            break;
        }
        if f.complete() {
            continue;
        }
        let note = format!(
            "{GAP_NOTE}{}",
            f.gaps()
                .iter()
                .map(|q| format!("“{}”", escape_cell(q)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // The heading and the metadata blocks right under it.
        let Some(mut bi) = scan
            .blocks
            .iter()
            .position(|b| b.kind() == BlockKind::Heading(entry.heading as u32))
        else {
            continue;
        };
        let meta_end = entry
            .sources
            .iter()
            .filter_map(|s| match s {
                crate::index::MetaSource::Table(t) => Some(scan.tables[*t].span.end),
                crate::index::MetaSource::Directive(d) => scan
                    .block_at(scan.directives[*d].span.start)
                    .map(|b| scan.blocks[b].span().end),
            })
            .max()
            .unwrap_or(0);
        while scan
            .block_after(bi)
            .is_some_and(|b| b.span().end <= meta_end)
        {
            bi += 1;
        }
        if let Some(next) = scan.block_after(bi) {
            if next.kind() == BlockKind::Other && text[next.span()].starts_with(GAP_NOTE) {
                let line_end = text[next.span().start..]
                    .find(['\r', '\n'])
                    .map_or(text.len(), |i| next.span().start + i);
                if text[next.span().start..line_end] != note {
                    edits.push(Edit {
                        span: next.span().start..line_end,
                        text: note,
                        faq_table: false,
                    });
                }
                continue;
            }
        }
        let after = scan.blocks[bi].span().end;
        let at = if text[..after].ends_with('\n') {
            after
        } else {
            text[after..]
                .find('\n')
                .map_or(text.len(), |i| after + i + 1)
        };
        let lead = if at == text.len() && !text.ends_with('\n') {
            format!("{nl}{nl}")
        } else {
            nl.to_string()
        };
        let next_blank = text[at..]
            .split('\n')
            .next()
            .is_none_or(|l| l.trim().is_empty());
        let trail = if next_blank || at == text.len() {
            nl.to_string()
        } else {
            format!("{nl}{nl}")
        };
        edits.push(Edit {
            span: at..at,
            text: format!("{lead}{note}{trail}"),
            faq_table: false,
        });
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn bounded_distance_matches_levenshtein(
            a in "[abcé ]{0,12}",
            b in "[abcé ]{0,12}",
            limit in 0usize..6,
        ) {
            let want = strsim::levenshtein(&a, &b);
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            proptest::prop_assert_eq!(
                levenshtein_within(&a, &b, limit),
                (want <= limit).then_some(want)
            );
        }
    }

    #[test]
    fn bounded_distance_finds_typos() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let want = chars("what are the morals of the story");
        assert_eq!(
            levenshtein_within(&want, &chars("what are the moral of the story"), 3),
            Some(1)
        );
        assert_eq!(
            levenshtein_within(&want, &chars("are you just making this up"), 3),
            None
        );
    }
}
