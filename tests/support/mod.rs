//! Shared harness for the integration tests: builds a book with the REAL mdBook of
//! either line (0.4 through the `mdbook04` crate, 0.5 through `mdbook-driver`),
//! in-process, with this crate's `mdbook-vision` binary as `[preprocessor.vision]`.
//!
//! Every build happens in a fresh temporary copy of the book, so one fixture can be
//! built under both lines (and by tests running in parallel) without interference.
//! The preprocessor runs behind a small bash wrapper that records what mdBook sent
//! (`input.json`), what the binary returned (`output.json`) and what it printed on
//! stderr (`stderr.log`).
//!
//! Set `MDBOOK_VISION_KEEP_TMP=1` to keep the temporary directories for inspection;
//! their paths are printed.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The mdBook lines this crate supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Line {
    /// mdBook 0.4.x (the `mdbook` crate, pinned to 0.4.52).
    V04,
    /// mdBook 0.5.x (`mdbook-driver`, pinned to 0.5.4).
    V05,
}

impl Line {
    pub const ALL: [Line; 2] = [Line::V04, Line::V05];

    /// The exact mdBook version string this line reports as `mdbook_version`.
    pub fn mdbook_version(self) -> &'static str {
        match self {
            Line::V04 => "0.4.52",
            Line::V05 => "0.5.4",
        }
    }

    /// The key holding the top-level item list in the book JSON: `sections` (0.4) or
    /// `items` (0.5).
    pub fn book_items_key(self) -> &'static str {
        match self {
            Line::V04 => "sections",
            Line::V05 => "items",
        }
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Line::V04 => "mdBook 0.4",
            Line::V05 => "mdBook 0.5",
        })
    }
}

// ---------------------------------------------------------------------------
// Fixture books
// ---------------------------------------------------------------------------

/// A book written to a temporary directory. The directory lives as long as this value.
pub struct Fixture {
    tmp: TempDir,
    /// The book root (holds `book.toml` and `src/`).
    pub dir: PathBuf,
}

impl Fixture {
    /// The book root.
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

fn keep_tmp() -> bool {
    std::env::var_os("MDBOOK_VISION_KEEP_TMP").is_some_and(|v| !v.is_empty() && v != "0")
}

fn tempdir(prefix: &str) -> TempDir {
    let tmp = tempfile::Builder::new()
        .prefix(prefix)
        .disable_cleanup(keep_tmp())
        .tempdir()
        .expect("create a temporary directory");
    if keep_tmp() {
        eprintln!("[harness] keeping {}", tmp.path().display());
    }
    tmp
}

/// Writes a book from `(path, content)` pairs (e.g. `("book.toml", ...)`,
/// `("src/SUMMARY.md", ...)`, `("src/chapter_1.md", ...)`) into a fresh temporary
/// directory. Content is written byte for byte (CRLF stays CRLF).
pub fn write_book(files: &[(&str, &str)]) -> Fixture {
    let tmp = tempdir("mdbook-vision-fixture-");
    let dir = tmp.path().join("book");
    fs::create_dir_all(&dir).unwrap();
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
    Fixture { tmp, dir }
}

/// `tests/books/NAME` in this crate (not copied; [`build`] always works on a copy).
pub fn book_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("books")
        .join(name);
    assert!(
        dir.join("book.toml").is_file() || dir.join("src").is_dir(),
        "no fixture book at {}",
        dir.display()
    );
    dir
}

/// Copies `tests/books/NAME` into a fresh temporary directory, for tests that want to
/// modify the book before building it.
pub fn copy_book(name: &str) -> Fixture {
    let src = book_dir(name);
    let tmp = tempdir("mdbook-vision-fixture-");
    let dir = tmp.path().join("book");
    copy_dir(&src, &dir, true);
    Fixture { tmp, dir }
}

/// Recursively copies `from` into `to`. With `skip_output`, a top-level `book/`
/// directory (a previous build's output) is not copied.
fn copy_dir(from: &Path, to: &Path, skip_output: bool) {
    fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = fs::read_dir(from)
        .unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let ty = entry.file_type().unwrap();
        let target = to.join(&name);
        if ty.is_dir() {
            if skip_output && name == "book" {
                continue;
            }
            copy_dir(&entry.path(), &target, false);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

// ---------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------

/// The outcome of building a book with one mdBook line.
pub struct Built {
    /// Which mdBook line built it.
    pub line: Line,
    /// `Err` holds mdBook's error chain, one cause per line (`caused by: ...`).
    pub ok: Result<(), String>,
    /// The (temporary copy of the) book root that was built.
    pub dir: PathBuf,
    /// Where the HTML renderer wrote its output.
    pub html_dir: PathBuf,
    /// `[context, book]` as mdBook sent it to the preprocessor (last run), if it ran.
    pub input_json: Option<Value>,
    /// The book the preprocessor printed on stdout (last run), if it printed valid JSON.
    pub output_json: Option<Value>,
    /// The raw stdout of the preprocessor (last run); empty if it did not run.
    pub output_raw: String,
    /// Everything the preprocessor printed on stderr during `run` (last run).
    pub stderr: String,
    /// Every `supports RENDERER` check mdBook made: (renderer, exit code). Both lines
    /// silently skip a preprocessor whose check exits non-zero.
    pub supports: Vec<(String, i32)>,
    tmp: TempDir,
}

/// The absolute path of this crate's preprocessor binary (built by cargo for the tests).
pub fn preprocessor_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mdbook-vision"))
}

/// Quotes a string for a POSIX shell and for mdBook's shlex split alike.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Writes the bash wrapper that mdBook runs as the vision preprocessor and returns the
/// `command` string for book.toml.
///
/// `supports <renderer>` goes straight to the binary (each call and its exit code is
/// appended to `supports.log`). Otherwise mdBook's JSON is saved
/// to `input.json` (mdBook writes all of it and closes stdin before reading stdout, so
/// saving first changes nothing), fed to the binary, whose stdout is tee'd to
/// `output.json` and stderr saved to `stderr.log` and then forwarded to stderr. The exit
/// code is the binary's (pipefail; `tee` only fails if the disk does).
pub fn write_wrapper(log_dir: &Path) -> String {
    let bin = preprocessor_bin();
    let script = format!(
        r#"#!/usr/bin/env bash
# Generated by tests/support/mod.rs: runs mdbook-vision and records its I/O.
set -o pipefail
BIN={bin}
LOG={log}
if [ "$1" = "supports" ]; then
    "$BIN" "$@"
    status=$?
    printf '%s %s\n' "$2" "$status" >> "$LOG/supports.log"
    exit $status
fi
cat > "$LOG/input.json" || exit 101
"$BIN" "$@" < "$LOG/input.json" 2> "$LOG/stderr.log" | tee "$LOG/output.json"
status=$?
cat "$LOG/stderr.log" >&2
exit $status
"#,
        bin = sh_quote(bin.to_str().expect("utf-8 binary path")),
        log = sh_quote(log_dir.to_str().expect("utf-8 temp path")),
    );
    let wrapper = log_dir.join("vision-wrapper.sh");
    fs::write(&wrapper, script).unwrap();
    // Run through `bash SCRIPT` rather than executing the script itself: a freshly
    // written executable can fail with ETXTBSY when other test threads fork meanwhile.
    format!(
        "bash {}",
        sh_quote(wrapper.to_str().expect("utf-8 temp path"))
    )
}

fn error_chain<'a>(chain: impl Iterator<Item = &'a (dyn std::error::Error + 'static)>) -> String {
    chain
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\ncaused by: ")
}

/// Builds the book at `book_dir` (a fixture, `tests/books/NAME`, anything) with the given
/// mdBook line, in a fresh temporary copy. If book.toml has a `[preprocessor.vision]`
/// table, its `command` is set (through the line's config API, the file is not edited) to
/// the recording wrapper around this crate's binary. Environment overrides (`MDBOOK_*`)
/// are deliberately not applied.
pub fn build(line: Line, book_dir: &Path) -> Built {
    let tmp = tempdir("mdbook-vision-build-");
    let dir = tmp.path().join("book");
    copy_dir(book_dir, &dir, true);
    let log_dir = tmp.path().join("harness");
    fs::create_dir_all(&log_dir).unwrap();
    let command = write_wrapper(&log_dir);

    let (ok, html_dir) = match line {
        Line::V04 => build_v04(&dir, &command),
        Line::V05 => build_v05(&dir, &command),
    };

    let read = |name: &str| fs::read_to_string(log_dir.join(name)).ok();
    let input_json = read("input.json").map(|s| {
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("mdBook sent invalid JSON: {e}"))
    });
    let output_raw = read("output.json").unwrap_or_default();
    let output_json = serde_json::from_str(&output_raw).ok();
    let stderr = read("stderr.log").unwrap_or_default();
    let supports = read("supports.log")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (renderer, code) = l.rsplit_once(' ')?;
            Some((renderer.to_string(), code.parse().ok()?))
        })
        .collect();
    Built {
        line,
        ok,
        dir,
        html_dir,
        input_json,
        output_json,
        output_raw,
        stderr,
        supports,
        tmp,
    }
}

/// Writes `files` as a book (see [`write_book`]) and builds it with `line`.
pub fn build_files(line: Line, files: &[(&str, &str)]) -> Built {
    let fixture = write_book(files);
    build(line, &fixture.dir)
}

fn build_v04(dir: &Path, command: &str) -> (Result<(), String>, PathBuf) {
    use mdbook04::{Config, MDBook};
    let toml = dir.join("book.toml");
    let html_fallback = dir.join("book");
    let mut config = if toml.exists() {
        match Config::from_disk(&toml) {
            Ok(c) => c,
            Err(e) => return (Err(error_chain(e.chain())), html_fallback),
        }
    } else {
        Config::default()
    };
    if config.get_preprocessor("vision").is_some() {
        config
            .set("preprocessor.vision.command", command)
            .expect("set preprocessor.vision.command");
    }
    let book = match MDBook::load_with_config(dir, config) {
        Ok(b) => b,
        Err(e) => return (Err(error_chain(e.chain())), html_fallback),
    };
    let html_dir = book.build_dir_for("html");
    let ok = book.build().map_err(|e| error_chain(e.chain()));
    (ok, html_dir)
}

fn build_v05(dir: &Path, command: &str) -> (Result<(), String>, PathBuf) {
    use mdbook_driver::config::Config;
    use mdbook_driver::MDBook;
    let toml = dir.join("book.toml");
    let html_fallback = dir.join("book");
    let mut config = if toml.exists() {
        match Config::from_disk(&toml) {
            Ok(c) => c,
            Err(e) => return (Err(error_chain(e.chain())), html_fallback),
        }
    } else {
        Config::default()
    };
    if config.contains_key("preprocessor.vision") {
        config
            .set("preprocessor.vision.command", command)
            .expect("set preprocessor.vision.command");
    }
    let book = match MDBook::load_with_config(dir, config) {
        Ok(b) => b,
        Err(e) => return (Err(error_chain(e.chain())), html_fallback),
    };
    let html_dir = book.build_dir_for("html");
    let ok = book.build().map_err(|e| error_chain(e.chain()));
    (ok, html_dir)
}

impl Built {
    /// Panics (showing the error chain and the preprocessor's stderr) unless the build
    /// succeeded.
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        if let Err(e) = &self.ok {
            panic!(
                "{} build failed:\n{e}\n--- preprocessor stderr ---\n{}",
                self.line, self.stderr
            );
        }
        self
    }

    /// Panics unless the build failed; returns the error chain.
    #[track_caller]
    pub fn assert_failed(&self) -> &str {
        match &self.ok {
            Ok(()) => panic!(
                "{} build unexpectedly succeeded\n--- preprocessor stderr ---\n{}",
                self.line, self.stderr
            ),
            Err(e) => e,
        }
    }

    #[track_caller]
    fn input(&self) -> &Value {
        self.input_json.as_ref().unwrap_or_else(|| {
            panic!(
                "{}: mdBook never ran the preprocessor (supports checks: {:?}; build: {:?})",
                self.line, self.supports, self.ok
            )
        })
    }

    /// The `PreprocessorContext` mdBook sent (`input_json[0]`).
    #[track_caller]
    pub fn input_context(&self) -> &Value {
        &self.input()[0]
    }

    /// The book mdBook sent (`input_json[1]`).
    #[track_caller]
    pub fn input_book(&self) -> &Value {
        &self.input()[1]
    }

    /// The book the preprocessor returned.
    #[track_caller]
    pub fn output_book(&self) -> &Value {
        self.output_json.as_ref().unwrap_or_else(|| {
            panic!(
                "the preprocessor printed no valid JSON; stdout was:\n{}\nstderr:\n{}",
                self.output_raw, self.stderr
            )
        })
    }

    /// Chapters of the book the preprocessor returned, depth first.
    pub fn output_chapters(&self) -> Vec<ChapterJson> {
        chapters(self.output_book())
    }

    /// Chapters of the book mdBook sent, depth first.
    pub fn input_chapters(&self) -> Vec<ChapterJson> {
        chapters(self.input_book())
    }

    /// The returned chapter whose `source_path` (or, failing that, `name`) is `key`.
    #[track_caller]
    pub fn output_chapter(&self, key: &str) -> ChapterJson {
        let all = self.output_chapters();
        all.iter()
            .find(|c| c.source_path.as_deref() == Some(key))
            .or_else(|| all.iter().find(|c| c.name == key))
            .cloned()
            .unwrap_or_else(|| {
                let known: Vec<_> = all
                    .iter()
                    .map(|c| c.source_path.clone().unwrap_or_else(|| c.name.clone()))
                    .collect();
                panic!("no chapter {key:?} in the output; chapters: {known:?}")
            })
    }

    /// The raw HTML of a generated page. `rel` is relative to the HTML output directory;
    /// a `.md` suffix is replaced by `.html` (`README.md` by `index.html`).
    #[track_caller]
    pub fn page_html(&self, rel: &str) -> String {
        let rel = match rel.strip_suffix(".md") {
            // mdBook's `index` preprocessor renders README.md as index.html.
            Some(stem) if stem == "README" || stem.ends_with("/README") => {
                format!("{}index.html", &stem[..stem.len() - "README".len()])
            }
            Some(stem) => format!("{stem}.html"),
            None => rel.to_string(),
        };
        let path = self.html_dir.join(&rel);
        fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: cannot read {}: {e}; pages: {:?}",
                self.line,
                path.display(),
                self.all_html_files()
            )
        })
    }

    /// The main content of a chapter page: the HTML inside `<main>...</main>` (both lines'
    /// themes wrap the rendered chapter in it). `rel` as in [`Built::page_html`].
    #[track_caller]
    pub fn chapter_html(&self, rel: &str) -> String {
        let html = self.page_html(rel);
        main_content(&html)
            .unwrap_or_else(|| panic!("{}: no <main> in {rel}", self.line))
            .to_string()
    }

    /// Every `.html` file under the HTML output directory, relative to it, sorted, with
    /// `/` separators.
    pub fn all_html_files(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk_html(&self.html_dir, &self.html_dir, &mut out);
        out.sort();
        out
    }

    /// Runs [`check_links`] on this build's HTML output.
    pub fn check_links(&self) -> LinkReport {
        check_links(&self.html_dir)
    }
}

impl fmt::Debug for Built {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Built")
            .field("line", &self.line)
            .field("ok", &self.ok)
            .field("dir", &self.dir)
            .field("html_dir", &self.html_dir)
            .field("stderr", &self.stderr)
            .field("supports", &self.supports)
            .finish_non_exhaustive()
    }
}

/// The text between `<main>` and `</main>`, if any.
pub fn main_content(html: &str) -> Option<&str> {
    let start = html.find("<main>")? + "<main>".len();
    let end = html[start..].rfind("</main>")? + start;
    Some(&html[start..end])
}

fn walk_html(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk_html(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            let rel = path.strip_prefix(root).unwrap();
            let rel: Vec<_> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(rel.join("/"));
        }
    }
}

// ---------------------------------------------------------------------------
// Book JSON of either shape
// ---------------------------------------------------------------------------

/// One chapter of a book JSON, flattened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterJson {
    pub name: String,
    /// Relative to `src`; `None` for draft chapters.
    pub source_path: Option<String>,
    /// The output path (`README.md` becomes `index.md` after mdBook's `index`
    /// preprocessor); `None` for drafts.
    pub path: Option<String>,
    pub content: String,
    /// Names of the enclosing chapters, outermost first (from the nesting, not from
    /// `parent_names`).
    pub parents: Vec<String>,
}

/// The top-level item list of a book JSON: `sections` (0.4) or `items` (0.5).
#[track_caller]
pub fn book_items(book: &Value) -> &Vec<Value> {
    book.get("sections")
        .or_else(|| book.get("items"))
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("not a book (no `sections`/`items` array): {book}"))
}

/// Every chapter of a book JSON (0.4 or 0.5 shape), depth first, in book order.
/// Separators and part titles are skipped (see [`book_outline`] for those).
pub fn chapters(book: &Value) -> Vec<ChapterJson> {
    let mut out = Vec::new();
    let mut parents = Vec::new();
    walk_items(book_items(book), &mut parents, &mut |item, parents| {
        if let Some(ch) = item.get("Chapter") {
            let s = |k: &str| ch.get(k).and_then(Value::as_str).map(str::to_string);
            out.push(ChapterJson {
                name: s("name").unwrap_or_default(),
                source_path: s("source_path"),
                path: s("path"),
                content: s("content").unwrap_or_default(),
                parents: parents.to_vec(),
            });
        }
    });
    out
}

/// `(name, source_path, content)` of every chapter, depth first.
pub fn chapter_triples(book: &Value) -> Vec<(String, Option<String>, String)> {
    chapters(book)
        .into_iter()
        .map(|c| (c.name, c.source_path, c.content))
        .collect()
}

/// A compact outline of the book for assertions: one line per item, indented by depth:
/// `Chapter NAME (SOURCE_PATH|draft)`, `Separator`, `PartTitle TITLE`.
pub fn book_outline(book: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut parents = Vec::new();
    walk_items(book_items(book), &mut parents, &mut |item, parents| {
        let indent = "  ".repeat(parents.len());
        let line = if let Some(ch) = item.get("Chapter") {
            let name = ch["name"].as_str().unwrap_or_default();
            let src = ch["source_path"].as_str().unwrap_or("draft");
            format!("Chapter {name} ({src})")
        } else if let Some(title) = item.get("PartTitle") {
            format!("PartTitle {}", title.as_str().unwrap_or_default())
        } else if item.as_str() == Some("Separator") {
            "Separator".to_string()
        } else {
            format!("Unknown {item}")
        };
        out.push(format!("{indent}{line}"));
    });
    out
}

fn walk_items(items: &[Value], parents: &mut Vec<String>, f: &mut dyn FnMut(&Value, &[String])) {
    for item in items {
        f(item, parents);
        if let Some(ch) = item.get("Chapter") {
            if let Some(subs) = ch.get("sub_items").and_then(Value::as_array) {
                parents.push(ch["name"].as_str().unwrap_or_default().to_string());
                walk_items(subs, parents, f);
                parents.pop();
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Link checker
// ---------------------------------------------------------------------------

/// One broken link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkFailure {
    /// The page holding the link, relative to the HTML dir.
    pub page: String,
    /// The `href` as written (entities decoded).
    pub href: String,
    pub reason: String,
}

impl fmt::Display for LinkFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: href=\"{}\": {}", self.page, self.href, self.reason)
    }
}

/// What [`check_links`] found.
#[derive(Clone, Debug, Default)]
pub struct LinkReport {
    /// Internal links checked (target file).
    pub checked_links: usize,
    /// Of those, links with a `#fragment` whose anchor was checked.
    pub checked_anchors: usize,
    pub failures: Vec<LinkFailure>,
}

impl LinkReport {
    #[track_caller]
    pub fn assert_clean(&self) {
        if !self.failures.is_empty() {
            let list: Vec<_> = self.failures.iter().map(ToString::to_string).collect();
            panic!(
                "{} broken link(s) of {} checked:\n{}",
                self.failures.len(),
                self.checked_links,
                list.join("\n")
            );
        }
    }
}

/// Pages mdBook generates that are not chapters.
const NON_CHAPTER_PAGES: &[&str] = &["print.html", "toc.html", "404.html"];

/// Checks every internal link in the main content (`<main>`) of every generated chapter
/// page under `html_dir`: `href`s that are relative (not `scheme:` such as http(s) or
/// mailto, not `//host`, not `/absolute`). The target file must exist (inside
/// `html_dir`; a directory means its `index.html`) and, with a `#fragment`, the target
/// page must contain an element with that `id`. A bare `#fragment` refers to the page
/// itself.
///
/// Skipped: `print.html`, `toc.html`, `404.html`, and `index.html` when it is the copy
/// of the first chapter mdBook makes (byte-identical to another page); it is checked
/// when it is a chapter of its own (a README.md).
pub fn check_links(html_dir: &Path) -> LinkReport {
    let mut pages = Vec::new();
    walk_html(html_dir, html_dir, &mut pages);
    pages.sort();
    let mut texts = BTreeMap::new();
    for p in &pages {
        texts.insert(
            p.clone(),
            fs::read_to_string(html_dir.join(p)).unwrap_or_default(),
        );
    }
    let index_is_copy = texts.get("index.html").is_some_and(|index| {
        texts.iter().any(|(p, t)| {
            p != "index.html" && !NON_CHAPTER_PAGES.contains(&p.as_str()) && t == index
        })
    });

    let mut ids_cache: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    let mut report = LinkReport::default();
    for page in &pages {
        if NON_CHAPTER_PAGES.contains(&page.as_str()) || (page == "index.html" && index_is_copy) {
            continue;
        }
        let html = &texts[page];
        let Some(main) = main_content(html) else {
            continue;
        };
        for raw in attr_values(main, "href") {
            let href = decode_entities(&raw);
            if !is_internal(&href) {
                continue;
            }
            report.checked_links += 1;
            let fail = |reason: String| LinkFailure {
                page: page.clone(),
                href: href.clone(),
                reason,
            };
            let (path_part, fragment) = match href.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (href.as_str(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or_default();
            let target = if path_part.is_empty() {
                Some(page.clone())
            } else {
                resolve(page, &percent_decode(path_part))
            };
            let Some(mut target) = target else {
                report
                    .failures
                    .push(fail("points outside the HTML output directory".into()));
                continue;
            };
            let mut full = html_dir.join(&target);
            if target.is_empty() || full.is_dir() {
                target = if target.is_empty() {
                    "index.html".into()
                } else {
                    format!("{}/index.html", target.trim_end_matches('/'))
                };
                full = html_dir.join(&target);
            }
            if !full.is_file() {
                report
                    .failures
                    .push(fail(format!("target file {target} does not exist")));
                continue;
            }
            let Some(fragment) = fragment else {
                continue;
            };
            report.checked_anchors += 1;
            let fragment = percent_decode(fragment);
            if fragment.is_empty() {
                continue; // `#` alone: top of the page
            }
            let ids = ids_cache.entry(target.clone()).or_insert_with(|| {
                let text = texts
                    .get(&target)
                    .cloned()
                    .or_else(|| fs::read_to_string(&full).ok());
                text.map(|t| {
                    attr_values(main_content(&t).unwrap_or(&t), "id")
                        .into_iter()
                        .map(|v| decode_entities(&v))
                        .collect()
                })
            });
            match ids {
                Some(ids) if ids.contains(&fragment) => {}
                Some(_) => report.failures.push(fail(format!(
                    "no element with id=\"{fragment}\" in {target}"
                ))),
                None => report
                    .failures
                    .push(fail(format!("cannot read {target} to check #{fragment}"))),
            }
        }
    }
    report
}

/// Relative, inside-the-book links: no URL scheme, not protocol-relative or absolute.
fn is_internal(href: &str) -> bool {
    let href = href.trim();
    if href.starts_with('/') {
        return false;
    }
    // A scheme is `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"` before any `/?#`.
    let head = href.split(['/', '?', '#']).next().unwrap_or_default();
    if let Some((scheme, _)) = head.split_once(':') {
        let mut chars = scheme.chars();
        if chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return false;
        }
    }
    true
}

/// Resolves `rel` against the directory of `page` (both `/`-separated, relative to the
/// HTML dir). `None` if it climbs out of the HTML dir.
fn resolve(page: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop(); // the page's file name
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if rel.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Values of every `NAME="..."` / `NAME='...'` attribute in `html` (a small scanner: it
/// looks for the attribute name preceded by whitespace inside a tag).
fn attr_values(html: &str, name: &str) -> Vec<String> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut in_tag = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !in_tag {
            if b == b'<' {
                if html[i..].starts_with("<!--") {
                    i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
                    continue;
                }
                if bytes[i..].len() >= 7 && bytes[i..i + 7].eq_ignore_ascii_case(b"<script") {
                    // Keep the tag's own attributes, skip the script body.
                    let close = html[i..].find('>').map_or(bytes.len(), |e| i + e);
                    let body_end = html[close..]
                        .find("</script")
                        .map_or(bytes.len(), |e| close + e);
                    let tag = format!("<x{}", &html[i + 7..(close + 1).min(bytes.len())]);
                    out.extend(attr_values(&tag, name));
                    i = body_end + 1;
                    continue;
                }
                in_tag = true;
            }
            i += 1;
            continue;
        }
        match b {
            b'>' => {
                in_tag = false;
                i += 1;
            }
            b'"' | b'\'' => {
                // A quoted value of some other attribute: skip it.
                i = html[i + 1..]
                    .find(b as char)
                    .map_or(bytes.len(), |e| i + 1 + e + 1);
            }
            _ if b.is_ascii_whitespace() => {
                let start = i + 1;
                let rest = &html[start..];
                if rest.len() > name.len()
                    && rest.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes())
                    && !rest.as_bytes()[name.len()].is_ascii_alphanumeric()
                    && rest.as_bytes()[name.len()] != b'-'
                {
                    let mut j = start + name.len();
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j < bytes.len() && bytes[j] == b'=' {
                        j += 1;
                        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                            let q = bytes[j] as char;
                            let end = html[j + 1..].find(q).map_or(bytes.len(), |e| j + 1 + e);
                            out.push(html[j + 1..end].to_string());
                            i = (end + 1).min(bytes.len());
                        } else {
                            let end = html[j..]
                                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                                .map_or(bytes.len(), |e| j + e);
                            out.push(html[j..end].to_string());
                            i = end;
                        }
                        continue;
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
