//! Loading a book from disk exactly as mdBook hands it to a preprocessor, for
//! `mdbook-vision check` and `new`: book.toml (as the JSON mdBook sends), the
//! `src` directory, SUMMARY.md parsed by mdBook's own parser, chapters depth
//! first (drafts included, empty and without a path), then what mdBook's
//! built-in `index` and `links` preprocessors do before ours runs.
//!
//! Nothing is written: where mdBook would create a missing chapter file
//! (`build.create-missing`, on by default) the chapter gets the text mdBook
//! would have written.

use crate::ChapterText;
use mdbook_summary::{Link, SummaryItem};
use regex::Regex;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// A problem that stops the book from loading; mdBook would fail too.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct BookError(pub String);

/// A book as found on disk.
#[derive(Debug)]
pub struct DiskBook {
    /// The book root (holds book.toml).
    pub root: PathBuf,
    /// book.toml as JSON (`{}` when there is no book.toml), as mdBook sends it.
    pub config: Value,
    /// The source directory as written in book.toml (`src` by default).
    pub src: String,
    /// Every chapter in SUMMARY order, depth first, after `index` and `links`.
    pub chapters: Vec<ChapterText<'static>>,
}

impl DiskBook {
    /// The absolute-or-relative path of the source directory.
    pub fn src_dir(&self) -> PathBuf {
        self.root.join(&self.src)
    }
}

/// Reads book.toml as JSON; `Ok(None)` when the file does not exist.
pub fn read_config(root: &Path) -> Result<Option<Value>, BookError> {
    let path = root.join("book.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(BookError(format!("cannot read {}: {e}", path.display()))),
    };
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| BookError(format!("{} is not valid TOML: {e}", path.display())))?;
    serde_json::to_value(table)
        .map(Some)
        .map_err(|e| BookError(format!("cannot read {}: {e}", path.display())))
}

fn get<'a>(config: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(config, |v, k| v.get(k))
}

/// A setting of book.toml as mdBook reads it: `Ok(None)` when it is not
/// there; an error naming book.toml's line when it is not a `kind` (mdBook
/// itself refuses such a book, so guessing would check a book mdBook never builds).
fn setting<'a, T>(
    root: &Path,
    config: &'a Value,
    keys: &[&str],
    kind: &str,
    read: impl Fn(&'a Value) -> Option<T>,
) -> Result<Option<T>, BookError> {
    let Some(value) = get(config, keys) else {
        return Ok(None);
    };
    read(value).map(Some).ok_or_else(|| {
        let path = root.join("book.toml");
        let line = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| line_of(&text, keys))
            .map_or(String::new(), |line| format!(":{line}"));
        BookError(format!(
            "{}{line}: `{}` must be {kind}, not `{value}`",
            path.display(),
            keys.join(".")
        ))
    })
}

/// The line (from 1) where the value at `keys` is written in book.toml's `text`.
fn line_of(text: &str, keys: &[&str]) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut item = doc.as_item();
    for key in keys {
        item = item.get(*key)?;
    }
    let start = item.span()?.start;
    Some(text[..start].matches('\n').count() + 1)
}

/// Loads the book at `root`.
pub fn load(root: &Path) -> Result<DiskBook, BookError> {
    let config = match read_config(root)? {
        Some(c) => c,
        None if root.join("src").join("SUMMARY.md").is_file() => Value::Object(Default::default()),
        None => {
            return Err(BookError(format!(
                "no book at {}: there is no book.toml (nor src/SUMMARY.md)",
                root.display()
            )))
        }
    };
    let src = setting(root, &config, &["book", "src"], "a string", Value::as_str)?
        .unwrap_or("src")
        .to_string();
    let src_dir = root.join(&src);
    let summary_path = src_dir.join("SUMMARY.md");
    let summary_text = std::fs::read_to_string(&summary_path)
        .map_err(|e| BookError(format!("cannot read {}: {e}", summary_path.display())))?;
    let summary = mdbook_summary::parse_summary(&summary_text).map_err(|e| {
        BookError(format!(
            "{} cannot be parsed: {}",
            summary_path.display(),
            error_chain(&e)
        ))
    })?;
    let flag = |keys: &[&str]| setting(root, &config, keys, "true or false", Value::as_bool);
    let create_missing = flag(&["build", "create-missing"])?.unwrap_or(true);
    let defaults = flag(&["build", "use-default-preprocessors"])?.unwrap_or(true);
    let has_table = |name: &str| get(&config, &["preprocessor", name]).is_some();
    let run_index = defaults || has_table("index");
    let run_links = (defaults || has_table("links")) && links_runs_first(&config);

    let mut chapters = Vec::new();
    let items = summary
        .prefix_chapters
        .iter()
        .chain(&summary.numbered_chapters)
        .chain(&summary.suffix_chapters);
    for item in items {
        load_item(item, &src_dir, create_missing, &mut chapters)?;
    }
    for ch in &mut chapters {
        let Some(source) = ch.source_path.clone() else {
            continue;
        };
        if run_links {
            let base = src_dir.join(Path::new(&source).parent().unwrap_or(Path::new("")));
            ch.content = replace_all(&ch.content, &base, 0).into();
        }
        if run_index {
            ch.path = Some(index_path(&source));
        }
    }
    Ok(DiskBook {
        root: root.to_path_buf(),
        config,
        src,
        chapters,
    })
}

fn error_chain(e: &anyhow::Error) -> String {
    e.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

/// Whether mdBook runs `links` before `vision`: by name unless the book
/// orders them otherwise.
fn links_runs_first(config: &Value) -> bool {
    let list = |name: &str, key: &str| -> Vec<String> {
        get(config, &["preprocessor", name, key])
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let vision_first = list("vision", "before").iter().any(|n| n == "links")
        || list("links", "after").iter().any(|n| n == "vision");
    !vision_first
}

fn load_item(
    item: &SummaryItem,
    src_dir: &Path,
    create_missing: bool,
    out: &mut Vec<ChapterText>,
) -> Result<(), BookError> {
    let SummaryItem::Link(link) = item else {
        return Ok(()); // separators and part titles hold no text
    };
    out.push(load_chapter(link, src_dir, create_missing)?);
    for nested in &link.nested_items {
        load_item(nested, src_dir, create_missing, out)?;
    }
    Ok(())
}

fn load_chapter(
    link: &Link,
    src_dir: &Path,
    create_missing: bool,
) -> Result<ChapterText<'static>, BookError> {
    let Some(location) = &link.location else {
        return Ok(ChapterText {
            name: link.name.clone(),
            source_path: None,
            path: None,
            content: String::new().into(),
        });
    };
    let full = if location.is_absolute() {
        location.clone()
    } else {
        src_dir.join(location)
    };
    let content = match std::fs::read_to_string(&full) {
        Ok(mut c) => {
            if c.starts_with('\u{feff}') {
                c.replace_range(..3, "");
            }
            c
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create_missing => {
            // What mdBook would write into the missing file before loading it.
            format!("# {}\n", escape_html(&link.name))
        }
        Err(e) => {
            return Err(BookError(format!(
                "failed to read chapter `{}`: {e}",
                location.display()
            )))
        }
    };
    let stripped = full.strip_prefix(src_dir).map_err(|_| {
        BookError(format!(
            "chapter `{}` is outside the book's source directory",
            location.display()
        ))
    })?;
    let source = path_string(stripped);
    Ok(ChapterText {
        name: link.name.clone(),
        source_path: Some(source.clone()),
        path: Some(source),
        content: content.into(),
    })
}

fn path_string(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// mdBook's `index` preprocessor: `README.md` (any case) renders as `index.md`.
fn index_path(source: &str) -> String {
    let path = Path::new(source);
    let is_readme = path
        .file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.eq_ignore_ascii_case("readme"));
    if is_readme {
        path_string(&path.with_file_name("index.md"))
    } else {
        source.to_string()
    }
}

// ---------------------------------------------------------------------------
// mdBook's `links` preprocessor: {{#include}}, {{#rustdoc_include}},
// {{#playground}}, {{#title}} and `\{{#...}}` escapes, as mdBook 0.5.4 does them.
// ---------------------------------------------------------------------------

const MAX_LINK_NESTED_DEPTH: usize = 10;

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \\\{\{\#.*\}\}
        |
        \{\{\s*
        \#([a-zA-Z0-9_]+)
        \s+
        ([^}]+)
        \}\}",
    )
    .expect("valid regex")
});
static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*(?P<anchor_name>[\w_-]+)").expect("valid regex"));
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*(?P<anchor_name>[\w_-]+)").expect("valid regex"));

enum LinkKind<'a> {
    Escaped,
    Include(&'a str, Lines),
    RustdocInclude(&'a str, Lines),
    Playground(&'a str, Vec<&'a str>),
    Title,
}

enum Lines {
    /// `start..end`, either side open.
    Range(Option<usize>, Option<usize>),
    Anchor(String),
}

fn parse_lines(spec: Option<&str>) -> Lines {
    let mut parts = spec.unwrap_or("").splitn(3, ':');
    let first = parts.next();
    let start = match first {
        Some(v) => match v.parse::<usize>() {
            Ok(n) => Some(n.saturating_sub(1)),
            Err(_) if v.is_empty() => None,
            Err(_) => return Lines::Anchor(v.to_string()),
        },
        None => None,
    };
    let end = parts.next().map(str::parse::<usize>);
    match (start, end) {
        (Some(s), Some(Ok(e))) => Lines::Range(Some(s), Some(e)),
        (Some(s), Some(Err(_))) => Lines::Range(Some(s), None),
        (Some(s), None) => Lines::Range(Some(s), Some(s + 1)),
        (None, Some(Ok(e))) => Lines::Range(None, Some(e)),
        (None, _) => Lines::Range(None, None),
    }
}

fn split_path(arg: &str) -> (&str, Lines) {
    let mut parts = arg.splitn(2, ':');
    let path = parts.next().unwrap_or("");
    (path, parse_lines(parts.next()))
}

fn replace_all(s: &str, base: &Path, depth: usize) -> String {
    let mut out = String::with_capacity(s.len());
    let mut previous_end = 0;
    for cap in LINK.captures_iter(s) {
        let Some(whole) = cap.get(0) else { continue };
        let kind = match (cap.get(1), cap.get(2)) {
            (Some(typ), Some(_)) if typ.as_str() == "title" => LinkKind::Title,
            (Some(typ), Some(rest)) => {
                let mut props = rest.as_str().split_whitespace();
                let file = props.next();
                match (typ.as_str(), file) {
                    ("include", Some(p)) => {
                        let (p, l) = split_path(p);
                        LinkKind::Include(p, l)
                    }
                    ("rustdoc_include", Some(p)) => {
                        let (p, l) = split_path(p);
                        LinkKind::RustdocInclude(p, l)
                    }
                    ("playground" | "playpen", Some(p)) => LinkKind::Playground(p, props.collect()),
                    _ => continue,
                }
            }
            (None, None) if whole.as_str().starts_with('\\') => LinkKind::Escaped,
            _ => continue,
        };
        out.push_str(&s[previous_end..whole.start()]);
        let (rendered, included) = match &kind {
            LinkKind::Escaped => (Some(whole.as_str()[1..].to_string()), None),
            LinkKind::Title => (Some(String::new()), None),
            LinkKind::Include(p, lines) => (
                read(base, p).map(|t| match lines {
                    Lines::Range(a, b) => take_lines(&t, *a, *b),
                    Lines::Anchor(name) => take_anchored_lines(&t, name),
                }),
                Some(*p),
            ),
            LinkKind::RustdocInclude(p, lines) => (
                read(base, p).map(|t| match lines {
                    Lines::Range(a, b) => take_rustdoc_lines(&t, *a, *b),
                    Lines::Anchor(name) => take_rustdoc_anchored_lines(&t, name),
                }),
                Some(*p),
            ),
            LinkKind::Playground(p, attrs) => (
                read(base, p).map(|mut t| {
                    if !t.ends_with('\n') {
                        t.push('\n');
                    }
                    let ftype = if attrs.is_empty() { "rust" } else { "rust," };
                    format!("```{ftype}{}\n{t}```\n", attrs.join(","))
                }),
                Some(*p),
            ),
        };
        match rendered {
            Some(text) => {
                if depth < MAX_LINK_NESTED_DEPTH {
                    match included {
                        Some(p) => {
                            let nested_base = base
                                .join(p)
                                .parent()
                                .map(Path::to_path_buf)
                                .unwrap_or_else(|| base.to_path_buf());
                            out.push_str(&replace_all(&text, &nested_base, depth + 1));
                        }
                        None => out.push_str(&text),
                    }
                }
                previous_end = whole.end();
            }
            // mdBook leaves the directive as written when the file cannot be read.
            None => previous_end = whole.start(),
        }
    }
    out.push_str(&s[previous_end..]);
    out
}

fn read(base: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(base.join(rel)).ok()
}

fn take_lines(s: &str, start: Option<usize>, end: Option<usize>) -> String {
    let start = start.unwrap_or(0);
    let lines = s.lines().skip(start);
    match end {
        Some(end) => lines
            .take(end.saturating_sub(start))
            .collect::<Vec<_>>()
            .join("\n"),
        None => lines.collect::<Vec<_>>().join("\n"),
    }
}

fn take_anchored_lines(s: &str, anchor: &str) -> String {
    let mut retained = Vec::new();
    let mut found = false;
    for l in s.lines() {
        if found {
            match ANCHOR_END.captures(l) {
                Some(cap) if &cap["anchor_name"] == anchor => break,
                Some(_) => {}
                None if !ANCHOR_START.is_match(l) => retained.push(l),
                None => {}
            }
        } else if let Some(cap) = ANCHOR_START.captures(l) {
            if &cap["anchor_name"] == anchor {
                found = true;
            }
        }
    }
    retained.join("\n")
}

fn take_rustdoc_lines(s: &str, start: Option<usize>, end: Option<usize>) -> String {
    let start = start.unwrap_or(0);
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i < start || end.is_some_and(|e| i >= e) {
            out.push_str("# ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out.pop();
    out
}

fn take_rustdoc_anchored_lines(s: &str, anchor: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut within = false;
    for l in s.lines() {
        if within {
            match ANCHOR_END.captures(l) {
                Some(cap) => {
                    if &cap["anchor_name"] == anchor {
                        within = false;
                    }
                }
                None => {
                    if !ANCHOR_START.is_match(l) {
                        out.push_str(l);
                        out.push('\n');
                    }
                }
            }
        } else if let Some(cap) = ANCHOR_START.captures(l) {
            if &cap["anchor_name"] == anchor {
                within = true;
            }
        } else if !ANCHOR_END.is_match(l) {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_expands_includes_and_escapes_like_mdbook() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "one\ntwo\nthree\n").unwrap();
        std::fs::write(
            dir.path().join("b.rs"),
            "x\n// ANCHOR: part\ny\n// ANCHOR_END: part\nz\n",
        )
        .unwrap();
        let text = "A {{#include a.md:2}} B {{#include a.md:2:}} C {{#include b.rs:part}}\n\\{{#vision x}} {{#vision y}}\n{{#title T}}{{#include missing.md}} {{#vision z}}";
        assert_eq!(
            replace_all(text, dir.path(), 0),
            "A two B two\nthree C y\n{{#vision x}} {{#vision y}}\n{{#include missing.md}} {{#vision z}}"
        );
        assert_eq!(
            replace_all("{{#rustdoc_include b.rs:part}}", dir.path(), 0),
            "# x\ny\n# z"
        );
    }

    #[test]
    fn a_setting_of_the_wrong_type_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/SUMMARY.md"), "# Summary\n").unwrap();
        let toml = dir.path().join("book.toml");
        let message = |text: &str| {
            std::fs::write(&toml, text).unwrap();
            load(dir.path()).err().map(|e| e.0)
        };
        let wrong_src = message("[book]\ntitle = \"T\"\nsrc = 3\n").unwrap();
        assert!(
            wrong_src.ends_with("book.toml:3: `book.src` must be a string, not `3`"),
            "{wrong_src}"
        );
        let wrong_flag = message("build.create-missing = \"no\"\n").unwrap();
        assert!(
            wrong_flag.ends_with(
                "book.toml:1: `build.create-missing` must be true or false, not `\"no\"`"
            ),
            "{wrong_flag}"
        );
        assert_eq!(message("[book]\nsrc = \"src\"\n"), None);
    }

    #[test]
    fn readme_renders_as_index() {
        assert_eq!(index_path("README.md"), "index.md");
        assert_eq!(index_path("a/readme.md"), "a/index.md");
        assert_eq!(index_path("a/readme_more.md"), "a/readme_more.md");
    }
}
