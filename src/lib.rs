//! mdbook-vision: an mdBook preprocessor for vision docs.
//!
//! Data flows one way: wire → scan → index → check + render → wire.
//! [`process_chapters`] is the library entry point; [`wire`] speaks mdBook's
//! JSON protocol around it.

pub mod anchor;
pub mod book_dir;
pub mod checks;
pub mod config;
pub mod diag;
pub mod directive;
pub mod faq;
pub mod index;
pub mod model;
pub mod overview;
pub mod relations;
pub mod render;
pub mod roadmap;
pub mod scan;
pub mod text;
pub mod wire;

use config::Config;
use diag::{Diagnostic, Reporter, SourceFile};
use index::{ChapterInfo, Index};
use scan::ParseSettings;

/// One chapter's text going in and out of the pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterText {
    pub name: String,
    /// Relative to the book's `src`; `None` for draft chapters.
    pub source_path: Option<String>,
    /// Where mdBook will render it (after its `index` preprocessor: README.md → index.md).
    pub path: Option<String>,
    pub content: String,
}

/// Everything the checks and the renderer read: the chapters, their scans,
/// the index and the configuration. Built once, never changed.
pub struct Analysis<'a> {
    pub texts: Vec<&'a str>,
    pub chapters: Vec<ChapterInfo>,
    pub index: Index,
    pub relations: relations::Relations,
    pub config: &'a Config,
    pub settings: ParseSettings,
    /// The FAQ analysis, computed once on first use (checks and render share it).
    pub faq: std::cell::OnceCell<Vec<faq::EntryFaq>>,
}

impl Analysis<'_> {
    pub fn source(&self, chapter: usize) -> SourceFile<'_> {
        SourceFile {
            display_path: &self.chapters[chapter].display_path,
            text: self.texts[chapter],
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

/// Runs the whole pipeline over a book's chapters (in book order).
/// `src_dir` is the book's source directory as diagnostics show it (`src`).
pub fn process_chapters(
    chapters: &[ChapterText],
    config: &Config,
    settings: ParseSettings,
    src_dir: &str,
) -> Outcome {
    let texts: Vec<&str> = chapters.iter().map(|c| c.content.as_str()).collect();
    // mdBook never sends one file twice; if a book does, only the first copy is
    // read and edited, so links into that path have one meaning.
    let mut seen_paths = std::collections::HashSet::new();
    let infos: Vec<ChapterInfo> = chapters
        .iter()
        .map(|c| {
            let mut own_paths: Vec<String> = [&c.source_path, &c.path]
                .into_iter()
                .flatten()
                .map(|p| p.replace('\\', "/"))
                .collect();
            own_paths.dedup();
            let first_copy = own_paths.into_iter().all(|p| seen_paths.insert(p));
            let source_path = c.source_path.as_ref().map(|p| p.replace('\\', "/"));
            let display_path = match &source_path {
                Some(p) if src_dir.is_empty() => p.clone(),
                Some(p) => format!("{}/{p}", src_dir.trim_end_matches('/')),
                None => format!("(draft chapter \"{}\")", c.name),
            };
            ChapterInfo {
                name: c.name.clone(),
                path: c
                    .path
                    .as_ref()
                    .map(|p| p.replace('\\', "/"))
                    .or_else(|| source_path.clone()),
                source_path,
                display_path,
                // Every chapter is scanned: links into it need its heading ids.
                scan: first_copy.then(|| scan::scan(&c.content, settings)),
            }
        })
        .collect();
    let index = Index::build(&infos, config);
    let relations = relations::Relations::build(&index, &infos);
    let analysis = Analysis {
        texts,
        chapters: infos,
        index,
        relations,
        config,
        settings,
        faq: std::cell::OnceCell::new(),
    };
    let mut reporter = Reporter::new(config.lints.clone());
    checks::run(&analysis, &mut reporter);
    let new_content = render::render(&analysis);
    Outcome {
        new_content,
        diagnostics: reporter.finish(),
    }
}
