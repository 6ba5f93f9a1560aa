//! mdbook-vision: an mdBook preprocessor for vision docs.
//!
//! Data flows one way: wire → scan → index → check + render → wire.
//! [`process_chapters`] is the library entry point; [`wire`] speaks mdBook's
//! JSON protocol around it.

pub mod anchor;
pub mod answer;
pub mod book_dir;
pub mod checks;
pub mod config;
pub mod diag;
pub mod directive;
pub mod escape;
pub mod faq;
pub mod index;
pub mod memory;
pub mod model;
pub mod overview;
pub mod parallel;
pub mod path_glob;
pub mod relations;
pub mod render;
pub mod roadmap;
pub mod scan;
pub mod shared_str;
pub mod text;
pub mod wire;

use answer::Placeholders;
use config::Config;
use diag::{Diagnostic, Reporter, SourceFile};
use index::{ChapterInfo, Index};
use scan::ParseSettings;
use std::borrow::Cow;

/// One chapter's text going in and out of the pipeline: borrowed from the
/// input the preprocessor read (see [`wire::take_chapters_in_place`]), or owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterText<'a> {
    pub name: String,
    /// Relative to the book's `src`; `None` for draft chapters.
    pub source_path: Option<String>,
    /// Where mdBook will render it (after its `index` preprocessor: README.md → index.md).
    pub path: Option<String>,
    pub content: std::borrow::Cow<'a, str>,
}

/// A chapter reads as its text wherever only the texts are needed.
impl AsRef<str> for ChapterText<'_> {
    fn as_ref(&self) -> &str {
        &self.content
    }
}

/// Everything the checks and the renderer read: the chapters, their scans,
/// the index and the configuration. Built once, never changed.
pub struct Analysis<'a> {
    pub texts: Vec<&'a str>,
    pub chapters: &'a [ChapterInfo],
    pub index: &'a Index,
    pub relations: &'a relations::Relations,
    pub config: &'a Config,
    pub settings: ParseSettings,
    /// The FAQ analysis, computed once on first use (checks and render share it).
    pub faq: &'a std::sync::OnceLock<Vec<faq::EntryFaq>>,
}

impl Analysis<'_> {
    pub fn source(&self, chapter: usize) -> SourceFile<'_> {
        SourceFile {
            display_path: &self.chapters[chapter].display_path,
            text: self.texts[chapter],
        }
    }
}

/// What an [`Analysis`] reads, owned; it reads the chapters' texts too,
/// which stay where they are.
struct Analyzed {
    chapters: Vec<ChapterInfo>,
    index: Index,
    relations: relations::Relations,
    config: Config,
    settings: ParseSettings,
    faq: std::sync::OnceLock<Vec<faq::EntryFaq>>,
}

impl Analyzed {
    fn new(infos: Vec<ChapterInfo>, config: Config, settings: ParseSettings) -> Analyzed {
        let index = Index::build(&infos, &config);
        let relations = relations::Relations::build(&index, &infos);
        Analyzed {
            chapters: infos,
            index,
            relations,
            config,
            settings,
            faq: std::sync::OnceLock::new(),
        }
    }

    /// The analysis of `chapters`, the texts this was made from.
    fn of<'a>(&'a self, chapters: &'a [impl AsRef<str>]) -> Analysis<'a> {
        Analysis {
            texts: chapters.iter().map(AsRef::as_ref).collect(),
            chapters: &self.chapters,
            index: &self.index,
            relations: &self.relations,
            config: &self.config,
            settings: self.settings,
            faq: &self.faq,
        }
    }
}

/// The result of processing a book's chapters.
pub struct Outcome {
    /// New text for each chapter, `None` where nothing changed.
    pub new_content: Vec<Option<String>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        diag::counts(&self.diagnostics).0 > 0
    }
}

/// What processing a book's chapters would change, not yet applied: the
/// diagnostics, and the analysis each chapter's edits are made from when they
/// are asked for (the book's writer asks one chapter at a time, so the
/// edits of the whole book are never held at once).
pub struct Plan {
    pub diagnostics: Vec<Diagnostic>,
    /// Freed on a thread of its own when it is big (`bytes` of text went
    /// into it); a process that ends after writing the book need not free it at all.
    analyzed: Option<Box<Analyzed>>,
    bytes: usize,
}

impl Drop for Plan {
    fn drop(&mut self) {
        if let Some(analyzed) = self.analyzed.take() {
            parallel::drop_in_background(analyzed, self.bytes);
        }
    }
}

/// How many chapters' edits the renderer may make ahead of the writer.
const RENDERED_AHEAD: usize = 64;

impl Plan {
    pub fn has_errors(&self) -> bool {
        diag::counts(&self.diagnostics).0 > 0
    }

    fn analyzed(&self) -> &Analyzed {
        self.analyzed
            .as_deref()
            .expect("a plan holds its analysis until it goes")
    }

    /// The edits of every chapter of `chapters` (the texts the plan was made
    /// from), in book order, sorted by span; empty where nothing changes.
    pub fn edits(&self, chapters: &[impl AsRef<str>]) -> Vec<Vec<render::Edit>> {
        render::render(&self.analyzed().of(chapters))
    }

    /// Writes the book back with every chapter's final text, each escaped
    /// straight into `out` as it is spliced: the preprocessor's output.
    /// Each chapter's edits are made as the writer comes to it, on another
    /// core a few chapters ahead when the book is big.
    /// (Escaping on worker threads ahead of the writer was tried: on two
    /// cores the benchmark showed no gain, and 6 MiB more memory.)
    pub fn write_book(
        &self,
        request: &wire::Request,
        chapters: &[impl AsRef<str>],
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let analysis = self.analyzed().of(chapters);
        let renderer = render::Renderer::streaming(&analysis);
        if !parallel::worth_threads(self.bytes) {
            let content = |n: usize, out: &mut dyn std::io::Write| {
                write_escaped_chapter(&analysis, n, &renderer.chapter(n), out)
            };
            return wire::write_book_with(request, out, &content);
        }
        std::thread::scope(|scope| {
            let (made, taken) = std::sync::mpsc::sync_channel(RENDERED_AHEAD);
            let renderer = &renderer;
            let count = chapters.len();
            scope.spawn(move || {
                for n in 0..count {
                    // The writer has stopped (it failed): so does this.
                    if made.send((n, renderer.chapter(n))).is_err() {
                        break;
                    }
                }
            });
            // The writer asks in book order: a chapter it skips (one without
            // text) is passed over, one asked for again is made once more.
            let ahead: std::cell::RefCell<Option<(usize, Vec<render::Edit>)>> = Default::default();
            let content = |n: usize, out: &mut dyn std::io::Write| {
                let mut ahead = ahead.borrow_mut();
                let edits = loop {
                    let next = ahead.take().or_else(|| taken.recv().ok());
                    match next {
                        Some((m, edits)) if m == n => break edits,
                        Some((m, _)) if m < n => continue,
                        later => {
                            *ahead = later;
                            break renderer.chapter(n);
                        }
                    }
                };
                write_escaped_chapter(&analysis, n, &edits, out)
            };
            let written = wire::write_book_with(request, out, &content);
            drop(taken);
            written
        })
    }

    /// Each chapter's final text, made one at a time as the iterator is read.
    pub fn apply<T: AsRef<str>>(self, chapters: Vec<T>) -> impl Iterator<Item = String> {
        let edits = self.edits(&chapters);
        chapters.into_iter().zip(edits).map(|(c, edits)| {
            render::apply(c.as_ref(), edits).unwrap_or_else(|| c.as_ref().to_owned())
        })
    }
}

/// Writes chapter `n`'s final text (`edits` applied) to `out`, escaped for a
/// JSON string (a [`wire::ContentWriter`]), piece by piece: never made as a
/// string. A FAQ report's table is written here too ([`render::Edit::faq_table`]).
fn write_escaped_chapter(
    analysis: &Analysis,
    n: usize,
    edits: &[render::Edit],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let Some(&text) = analysis.texts.get(n) else {
        return Ok(());
    };
    let mut escaper = escape::Escaper::new(out);
    let mut faq_table = |out: &mut dyn std::fmt::Write| faq::write_report_table(analysis, n, out);
    render::write_applied(&mut escaper, text, edits, &mut faq_table).map_err(|_| {
        escaper.into_error().unwrap_or_else(|| {
            std::io::Error::other(format!("chapter {n}'s text could not be written"))
        })
    })
}

/// What the preprocessor has to say about the book it read: the request (its
/// chapters' texts taken out), the texts and the plan for them.
pub struct Preprocessed<'i> {
    pub request: wire::Request,
    /// Each chapter's text, in book order (the request has their names and
    /// paths).
    pub texts: Vec<std::borrow::Cow<'i, str>>,
    pub plan: Plan,
}

/// The preprocessor's work, short of writing anything: parses mdBook's
/// `[context, book]` JSON in `input`, scanning chapters on the other cores
/// while the rest is still being parsed, then checks the book and plans its
/// edits. `warn` hears about an mdBook version this build was not made for.
///
/// The chapters' texts are unescaped where they lie in `input` and borrowed
/// from it: the book is in memory once, not as the input and again as texts.
/// The input is never given back (the binary's process ends once the book
/// is written) so that the scans, which live as long, keep their strings as
/// ranges of the texts rather than copies.
pub fn preprocess(
    input: &'static mut [u8],
    warn: &mut dyn FnMut(String),
) -> anyhow::Result<Preprocessed<'static>> {
    preprocess_keeping(input, warn, Some(&|text| text))
}

/// [`preprocess`] for an input that is given back once the result goes (a
/// fuzz target's, a library caller's that runs many books): the scans copy
/// their strings, and no chapter is scanned while the book is still read.
pub fn preprocess_borrowed<'i>(
    input: &'i mut [u8],
    warn: &mut dyn FnMut(String),
) -> anyhow::Result<Preprocessed<'i>> {
    preprocess_keeping(input, warn, None)
}

/// The texts as the scans may keep ranges of (the identity, for an input
/// that lasts as long as the process), or `None` when the scans copy.
type Lasting<'a, 'i> = Option<&'a (dyn Fn(&'i str) -> &'static str + Sync)>;

fn preprocess_keeping<'i>(
    input: &'i mut [u8],
    warn: &mut dyn FnMut(String),
    lasting: Lasting<'_, 'i>,
) -> anyhow::Result<Preprocessed<'i>> {
    use anyhow::Context as _;
    // The configuration is read once, as soon as the context is: the scans
    // made ahead need its placeholders.
    let mut config_read: Option<Result<Config, config::ConfigError>> = None;
    let (request, scanned) = std::thread::scope(|scope| {
        // A small book is read on this thread alone: a helper would cost more than it saves.
        // Scans made ahead read from their texts once these are unescaped
        // in place, so they need texts that last.
        let small = !parallel::worth_threads(input.len()) || lasting.is_none();
        let start = |context: &serde_json::Value| {
            let book_config = context.get("config").unwrap_or(&serde_json::Value::Null);
            let config = config_read.insert(Config::from_book_config(book_config));
            if small {
                return None;
            }
            // A configuration that does not read is reported after the parse.
            let placeholders = config.as_ref().ok()?.placeholders.clone();
            ScanAhead::start(scope, context, placeholders)
        };
        let (request, scan_ahead) = wire::parse_streaming(&*input, start);
        (request, scan_ahead.map(ScanAhead::finish))
    });
    let mut request = request.context("could not read the book from mdBook")?;
    memory::return_freed();
    if let Some(warning) = wire::version_warning(request.mdbook_version()) {
        warn(warning);
    }
    let config = match config_read {
        Some(read) => read,
        None => Config::from_book_config(request.book_config()),
    }
    .context("invalid configuration in book.toml")?;
    let settings = ParseSettings::for_book(request.line(), request.book_config());
    let placeholders = &config.placeholders;
    let mut scans: Vec<Option<scan::Unattached>> = match scanned {
        Some((scanned_with, scans)) if scanned_with == settings => scans,
        _ => Vec::new(),
    };
    // Each text not scanned ahead is scanned as soon as it is unescaped.
    // Scanning costs far more than unescaping, which is all the others need.
    let ahead = |n: usize| scans.get(n).is_some_and(Option::is_some);
    let cost = |n: usize, bytes: usize| if ahead(n) { bytes / 16 } else { bytes };
    let scan_rest = |n: usize, text: &'i str| {
        (!ahead(n)).then(|| match lasting {
            Some(lasting) => {
                let text = lasting(text);
                scan::scan_in_place(text, settings, placeholders).attach(text)
            }
            None => scan::scan(text, settings, placeholders),
        })
    };
    let (chapters, rest) = wire::take_chapters_in_place(&mut request, input, cost, scan_rest)
        .context("could not read the book from mdBook")?;
    // A scan made ahead reads from its chapter's text, now where it stays.
    // (Every text scanned ahead is in the input; one that is not would be
    // scanned again with the chapters not scanned yet.)
    let attach = |n: usize, ahead: scan::Unattached| match (&chapters[n].content, lasting) {
        (Cow::Borrowed(text), Some(lasting)) => Some(ahead.attach(lasting(text))),
        _ => None,
    };
    // One scan a chapter (`rest` has one place a chapter), whichever made it.
    let all_scans = rest
        .into_iter()
        .enumerate()
        .map(|(n, made)| {
            made.flatten()
                .or_else(|| attach(n, scans.get_mut(n)?.take()?))
        })
        .collect();
    drop(scans); // emptied, and a book's worth of slots: not held through the analysis
    let src_dir = request.src_dir();
    let infos = chapter_infos(&chapters, all_scans, &config, settings, &src_dir);
    // The records hold what is read of the chapters' names and paths, and the
    // book is written from the request's own: only the texts stay.
    let mut texts: Vec<_> = chapters.into_iter().map(|c| c.content).collect();
    texts.shrink_to_fit();
    memory::return_freed();
    let analyzed = Analyzed::new(infos, config, settings);
    memory::return_freed();
    let plan = check(&texts, analyzed);
    memory::return_freed();
    Ok(Preprocessed {
        request,
        texts,
        plan,
    })
}

/// Runs the whole pipeline over a book's chapters (in book order) and makes
/// the new text of each chapter that changes.
pub fn process_chapters(
    chapters: &[ChapterText],
    config: &Config,
    settings: ParseSettings,
    src_dir: &str,
) -> Outcome {
    let mut plan = plan_chapters(chapters, config, settings, src_dir);
    Outcome {
        new_content: chapters
            .iter()
            .zip(plan.edits(chapters))
            .map(|(c, edits)| render::apply(&c.content, edits))
            .collect(),
        diagnostics: std::mem::take(&mut plan.diagnostics),
    }
}

/// Runs the whole pipeline over a book's chapters (in book order), up to the
/// edits. `src_dir` is the book's source directory as diagnostics show it (`src`).
pub fn plan_chapters(
    chapters: &[ChapterText],
    config: &Config,
    settings: ParseSettings,
    src_dir: &str,
) -> Plan {
    plan_scanned(chapters, Vec::new(), config, settings, src_dir)
}

/// [`plan_chapters`] for chapters of which some are scanned already (with
/// the book's settings); the others (`None`, or past the end of `scans`) are
/// scanned here. The plan's edits are made when they are asked for.
pub fn plan_scanned(
    chapters: &[ChapterText],
    scans: Vec<Option<Box<scan::Scan>>>,
    config: &Config,
    settings: ParseSettings,
    src_dir: &str,
) -> Plan {
    let infos = chapter_infos(chapters, scans, config, settings, src_dir);
    check(chapters, Analyzed::new(infos, config.clone(), settings))
}

/// Each chapter's record for the analysis, with its scan: the first copy of
/// each path is scanned (here, if `scans` has no scan for it), the others
/// are not.
fn chapter_infos(
    chapters: &[ChapterText],
    mut scans: Vec<Option<Box<scan::Scan>>>,
    config: &Config,
    settings: ParseSettings,
    src_dir: &str,
) -> Vec<ChapterInfo> {
    let first = first_copies(chapters);
    scans.resize_with(chapters.len(), || None);
    for (scan, &first) in scans.iter_mut().zip(&first) {
        if !first {
            *scan = None;
        }
    }
    // Every first copy is scanned (links into it need its heading ids); those
    // not scanned yet are scanned now, each on its own, so they share the cores.
    let unscanned: Vec<usize> = (0..chapters.len())
        .filter(|&i| first[i] && scans[i].is_none())
        .collect();
    let made = parallel::map(
        &unscanned,
        |&i| chapters[i].content.len(),
        |_, &i| scan::scan(&chapters[i].content, settings, &config.placeholders),
    );
    for (i, scan) in unscanned.into_iter().zip(made) {
        scans[i] = Some(scan);
    }
    let infos: Vec<ChapterInfo> = chapters
        .iter()
        .zip(scans.iter_mut())
        .map(|(c, scan)| chapter_info(c, scan.take(), src_dir))
        .collect();
    infos
}

/// Checks the chapters against their analysis: the plan.
fn check(chapters: &[impl AsRef<str>], analyzed: Analyzed) -> Plan {
    let analysis = analyzed.of(chapters);
    let mut reporter = Reporter::new(analyzed.config.lints.clone());
    checks::run(&analysis, &mut reporter);
    let bytes = analysis.texts.iter().map(|t| t.len()).sum();
    drop(analysis);
    Plan {
        diagnostics: reporter.finish(),
        analyzed: Some(Box::new(analyzed)),
        bytes,
    }
}

/// Scans chapters while the rest of the book is still being read: a
/// [`wire::ContentSink`] that hands each text to the other cores.
pub struct ScanAhead<'s> {
    settings: ParseSettings,
    stream: parallel::Stream<'s, Pushed<'s>, (Pushed<'s>, scan::Unattached)>,
    pushed: usize,
    /// For each chapter (by number), the order of its last text pushed: a
    /// chapter object with its `content` twice keeps the last (as JSON does).
    last_pushed: Vec<usize>,
}

/// A chapter text as it went to [`ScanAhead`]: the order it came in, the
/// chapter's number and the text as the JSON string it is in the input.
type Pushed<'s> = (usize, usize, &'s str);

impl<'s> ScanAhead<'s> {
    /// A sink for the book that `context` describes, scanning on threads of
    /// `scope` with the book's `placeholders`; `None` when the context does not say which mdBook runs (the
    /// book's shape will, after reading).
    pub fn start(
        scope: &'s std::thread::Scope<'s, '_>,
        context: &serde_json::Value,
        placeholders: Placeholders,
    ) -> Option<ScanAhead<'s>> {
        let version = context.get("mdbook_version")?.as_str()?;
        let line = anchor::MdbookLine::from_version(&semver::Version::parse(version).ok()?);
        let config = context.get("config").unwrap_or(&serde_json::Value::Null);
        let settings = ParseSettings::for_book(line, config);
        Some(ScanAhead {
            settings,
            stream: parallel::Stream::new(scope, move |pushed: Pushed<'s>| {
                // Unescaped for the scan only: the text that stays is made
                // in the input itself once it is parsed, and is the same.
                // (A lone surrogate fails the read then; what it scans here
                // is never used.)
                // Each helper reuses one buffer for them all.
                thread_local!(static TEXT: std::cell::RefCell<String> = Default::default());
                let scan = TEXT.with_borrow_mut(|text| {
                    text.clear();
                    let _ = escape::unescape_into(pushed.2, text);
                    scan::scan_in_place(text, settings, &placeholders)
                });
                (pushed, scan)
            }),
            pushed: 0,
            last_pushed: Vec::new(),
        })
    }

    /// The settings the chapters were scanned with, and the scans made so
    /// far by chapter number (each to be attached to its chapter's text once
    /// that is unescaped in place). The texts not scanned yet
    /// are left for after the parse: by then they lie unescaped in the input,
    /// so unescaping a copy just to scan it would be work done twice.
    pub fn finish(self) -> (ParseSettings, Vec<Option<scan::Unattached>>) {
        let (done, _not_started) = self.stream.stop();
        let mut by_chapter: Vec<Option<scan::Unattached>> = Vec::new();
        by_chapter.resize_with(self.last_pushed.len(), || None);
        for ((order, chapter, _), scan) in done {
            if self.last_pushed[chapter] == order {
                by_chapter[chapter] = Some(scan);
            }
        }
        (self.settings, by_chapter)
    }
}

impl<'s> wire::ContentSink<'s> for ScanAhead<'s> {
    fn content(&mut self, chapter: usize, token: &'s str) {
        if self.last_pushed.len() <= chapter {
            self.last_pushed.resize(chapter + 1, 0);
        }
        self.last_pushed[chapter] = self.pushed;
        self.stream.push((self.pushed, chapter, token));
        self.pushed += 1;
    }
}

/// Whether each chapter is the first with its paths. mdBook never sends one
/// file twice; if a book does, only the first copy is read and edited, so
/// links into that path have one meaning.
fn first_copies(chapters: &[ChapterText]) -> Vec<bool> {
    let mut seen_paths = std::collections::HashSet::new();
    chapters
        .iter()
        .map(|c| {
            let mut own_paths: Vec<String> = [&c.source_path, &c.path]
                .into_iter()
                .flatten()
                .map(|p| p.replace('\\', "/"))
                .collect();
            own_paths.dedup();
            own_paths.into_iter().all(|p| seen_paths.insert(p))
        })
        .collect()
}

fn chapter_info(c: &ChapterText, scan: Option<Box<scan::Scan>>, src_dir: &str) -> ChapterInfo {
    ChapterInfo::new(
        src_dir,
        c.source_path.as_deref(),
        c.path.as_deref(),
        || format!("(draft chapter \"{}\")", c.name),
        scan,
    )
}
