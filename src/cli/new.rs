//! `mdbook-vision new KIND TITLE`: scaffolds an entry's chapter and lists it in
//! SUMMARY.md.

use anyhow::{bail, Context as _};
use clap::ValueEnum;
use mdbook_vision::anchor::MdbookLine;
use mdbook_vision::config::Config;
use mdbook_vision::diag::Severity;
use mdbook_vision::index::{ChapterInfo, Index};
use mdbook_vision::model::Kind;
use mdbook_vision::scan::{self, ParseSettings};
use mdbook_vision::{book_dir, process_chapters, ChapterText};
use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Character,
    StatusQuo,
    ShinyFuture,
    DesignDoc,
}

impl NewKind {
    fn kind(self) -> Kind {
        match self {
            NewKind::Character => Kind::Character,
            NewKind::StatusQuo => Kind::StatusQuo,
            NewKind::ShinyFuture => Kind::ShinyFuture,
            NewKind::DesignDoc => Kind::DesignDoc,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// What to create.
    #[arg(value_enum)]
    pub kind: NewKind,
    /// The entry's title; the file name is made from it. For a character,
    /// "Name: a short description".
    pub title: String,
    /// The story's character (status-quo and shiny-future).
    #[arg(long, value_name = "NAME")]
    pub character: Option<String>,
    /// The book's root directory (holding book.toml).
    #[arg(long = "book", value_name = "DIR", default_value = ".")]
    pub book_dir: PathBuf,
    /// The directory (inside the book's `src`) for the file, instead of the one
    /// where this book keeps entries of the kind.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<String>,
}

/// The file name a title gets: lowercase ASCII words joined by `_`.
pub fn file_stem(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // "Grace's" → "graces"
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// A directive value: bare when it can be, else quoted.
fn directive_value(v: &str) -> String {
    let bare = !v.is_empty()
        && v.chars()
            .all(|c| !c.is_whitespace() && c != '"' && c != '=' && c != '}' && c != '\\');
    if bare {
        v.to_string()
    } else {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// One list item of SUMMARY.md.
#[derive(Debug)]
struct SummaryLine {
    line: usize,
    indent: String,
    marker: char,
    /// The link target, normalised like a chapter's source path.
    location: String,
}

static ITEM: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(r"^([ \t]*)([-*+])[ \t]+\[.*\]\(\s*<?([^)>]*?)>?\s*\)").expect("valid regex")
});
static LIST_LINE: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(r"^([ \t]*)([-*+])[ \t]").expect("valid regex"));

fn width(indent: &str) -> usize {
    indent.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

fn normalise(location: &str) -> String {
    let l = location.trim().replace('\\', "/");
    let l = l.split('#').next().unwrap_or("").to_string();
    let mut l = l.as_str();
    while let Some(rest) = l.strip_prefix("./") {
        l = rest;
    }
    l.replace("%20", " ")
}

fn summary_items(lines: &[&str]) -> Vec<SummaryLine> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let c = ITEM.captures(l)?;
            Some(SummaryLine {
                line: i,
                indent: c[1].to_string(),
                marker: c[2].chars().next().unwrap_or('-'),
                location: normalise(&c[3]),
            })
        })
        .collect()
}

/// The last line of an item's nested list (the item itself when it has none).
fn subtree_end(lines: &[&str], item: usize) -> usize {
    let own = LIST_LINE.captures(lines[item]).map_or(0, |c| width(&c[1]));
    let mut last = item;
    for (i, l) in lines.iter().enumerate().skip(item + 1) {
        if l.trim().is_empty() {
            continue;
        }
        let indent = width(&l[..l.len() - l.trim_start().len()]);
        if indent > own {
            last = i;
        } else {
            break;
        }
    }
    last
}

/// The indentation one level deeper than `parent`, in this file's style.
fn child_indent(lines: &[&str], items: &[SummaryLine], parent: &SummaryLine) -> String {
    // The parent's own children show the style best.
    if let Some(child) = items.iter().find(|i| i.line > parent.line) {
        if width(&child.indent) > width(&parent.indent)
            && subtree_end(lines, parent.line) >= child.line
        {
            return child.indent.clone();
        }
    }
    // Otherwise the first nesting anywhere in the file.
    let unit = items
        .windows(2)
        .find_map(|w| {
            let (a, b) = (&w[0], &w[1]);
            (width(&b.indent) > width(&a.indent) && b.indent.starts_with(a.indent.as_str()))
                .then(|| b.indent[a.indent.len()..].to_string())
        })
        .unwrap_or_else(|| "    ".to_string());
    format!("{}{unit}", parent.indent)
}

/// What a chapter needs to be analysed.
fn infos(
    chapters: &[ChapterText],
    src: &str,
    settings: ParseSettings,
    config: &Config,
) -> Vec<ChapterInfo> {
    chapters
        .iter()
        .map(|c| {
            ChapterInfo::new(
                src,
                c.source_path.as_deref(),
                c.path.as_deref(),
                || c.name.clone(),
                Some(scan::scan(&c.content, settings, &config.placeholders)),
            )
        })
        .collect()
}

fn parent_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..i].to_string(),
        None => String::new(),
    }
}

/// The directory a kind's glob patterns name, e.g. `status_quo` for `**/status_quo/**`.
fn default_dir(config: &Config, kind: Kind) -> String {
    let fallback = kind.name().replace('-', "_")
        + match kind {
            Kind::Character => "s",
            Kind::DesignDoc => "s",
            _ => "",
        };
    config
        .kinds
        .iter()
        .find(|k| k.kind == kind)
        .and_then(|k| {
            k.patterns.iter().find_map(|p| {
                let dir = p.strip_suffix("/**")?;
                let dir = dir.strip_prefix("**/").unwrap_or(dir);
                (!dir.is_empty() && !dir.contains(['*', '?', '[', '{'])).then(|| dir.to_string())
            })
        })
        .unwrap_or(fallback)
}

fn chapter_text(
    config: &Config,
    kind: Kind,
    title: &str,
    character: Option<&str>,
) -> anyhow::Result<String> {
    let name = match kind {
        Kind::Character => Some(title.split(':').next().unwrap_or(title).trim().to_string()),
        _ => character.map(str::to_string),
    };
    let questions = config.faq.get(&kind).cloned().unwrap_or_default();
    if name.is_none() && questions.iter().any(|q| q.contains("NAME")) {
        bail!(
            "the book's questions for a {} name its character: pass --character NAME",
            kind.describe()
        );
    }
    let mut directive = format!("{{{{#vision {}", kind.name());
    match kind {
        Kind::Character | Kind::DesignDoc => {
            if let Some(status) = config.statuses.first() {
                let status = config.status_named("draft").unwrap_or(status);
                directive.push_str(&format!(" status={}", directive_value(&status.name)));
            }
        }
        _ => {
            if let Some(c) = character {
                directive.push_str(&format!(" character={}", directive_value(c)));
            }
        }
    }
    directive.push_str("}}");
    let who = name.clone().unwrap_or_else(|| "the character".into());
    let outline = match kind {
        Kind::Character => format!(
            "## Who {who} is\n\n*Their background, what they work on and what they care about.*\n\n## What {who} wants from Rust\n\n*Their goals, and what gets in their way.*\n"
        ),
        Kind::StatusQuo => format!(
            "## The story\n\n*How things are today: what {who} sets out to do, what they try, and where it hurts.*\n"
        ),
        Kind::ShinyFuture => format!(
            "## The story\n\n*How things feel once they are better: what {who} does, and why it is easy now.*\n"
        ),
        _ => "## Summary\n\n*What this design is, in a paragraph.*\n\n## Design\n\n*How it works.*\n\n## Alternatives\n\n*What else was considered.*\n".to_string(),
    };
    let placeholder = config
        .placeholders
        .written()
        .next()
        .unwrap_or("XXX")
        .to_string();
    let mut text =
        format!("# {title}\n\n{directive}\n\n{outline}\n## 🤔 Frequently Asked Questions\n");
    for q in &questions {
        let q = match &name {
            Some(n) => q.replace("NAME", n),
            None => q.clone(),
        };
        text.push_str(&format!("\n### **{q}**\n\n* {placeholder}\n"));
    }
    Ok(text)
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let kind = args.kind.kind();
    if kind == Kind::Character && args.character.is_some() {
        bail!("--character is for stories; a character's name is its title before `:`");
    }
    let title = args.title.trim();
    if title.is_empty() || title.contains('\n') {
        bail!("the title must be one non-empty line");
    }
    let book = book_dir::load(&args.book_dir)?;
    let config =
        Config::from_book_config(&book.config).context("invalid configuration in book.toml")?;
    let settings = ParseSettings::for_book(MdbookLine::V05, &book.config);
    let chapter_infos = infos(&book.chapters, &book.src, settings, &config);
    let index = Index::build(&chapter_infos, &config);

    // Chapters that are one entry of this kind each: where such entries live.
    let mut siblings: Vec<usize> = Vec::new();
    for e in &index.entries {
        let info = &chapter_infos[e.chapter];
        let Some(path) = info.source_path() else {
            continue;
        };
        let per_page = config.kind_for_path(path) == Some((kind, true));
        let level = info
            .scan
            .as_ref()
            .map_or(0, |s| s.headings[e.heading].level);
        if e.kind == Some(kind) && (per_page || level == 1) && !siblings.contains(&e.chapter) {
            siblings.push(e.chapter);
        }
    }
    let dir = match &args.dir {
        Some(d) => normalise(d).trim_end_matches('/').to_string(),
        None => {
            let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
            for (order, &c) in siblings.iter().enumerate() {
                let d = parent_dir(chapter_infos[c].source_path().unwrap_or(""));
                counts.entry(d).or_insert((0, order)).0 += 1;
            }
            counts
                .into_iter()
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
                .map(|(d, _)| d)
                .unwrap_or_else(|| default_dir(&config, kind))
        }
    };
    let stem = file_stem(title);
    if stem.is_empty() {
        bail!("cannot make a file name from the title {title:?}: it needs some ASCII letters or digits");
    }
    let rel = if dir.is_empty() {
        format!("{stem}.md")
    } else {
        format!("{dir}/{stem}.md")
    };
    let src_dir = book.src_dir();
    let file = src_dir.join(&rel);
    let shown = Path::new(&book.src).join(&rel);
    if file.exists() {
        bail!("{} already exists; not overwriting it", shown.display());
    }
    let text = chapter_text(&config, kind, title, args.character.as_deref())?;

    // Where it goes in SUMMARY.md.
    let summary_path = src_dir.join("SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .with_context(|| format!("cannot read {}", summary_path.display()))?;
    let newline = if summary.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let lines: Vec<&str> = summary.lines().collect();
    let items = summary_items(&lines);
    if items.iter().any(|i| i.location == rel) {
        bail!("SUMMARY.md already lists {rel}");
    }
    let item_of = |chapter: usize| {
        let path = chapter_infos[chapter].source_path()?;
        items.iter().find(|i| i.location == path)
    };
    let sibling_items: Vec<&SummaryLine> = siblings
        .iter()
        .filter(|&&c| parent_dir(chapter_infos[c].source_path().unwrap_or("")) == dir)
        .filter_map(|&c| item_of(c))
        .collect();
    let parent_candidates = [
        format!("{dir}.md"),
        format!("{dir}/README.md"),
        format!("{dir}/readme.md"),
        format!("{dir}/index.md"),
    ];
    let parent_item = items
        .iter()
        .find(|i| !dir.is_empty() && parent_candidates.contains(&i.location))
        .or_else(|| {
            items.iter().find(|i| {
                config.kind_for_path(&i.location) == Some((kind, false))
                    && !i.location.contains('/')
            })
        });
    let (insert_after, indent, marker, under) =
        if let Some(last) = sibling_items.iter().max_by_key(|i| i.line) {
            // After the last sibling (and its own nested items), at its level.
            let parent = items
                .iter()
                .filter(|i| i.line < last.line && width(&i.indent) < width(&last.indent))
                .max_by_key(|i| i.line);
            (
                subtree_end(&lines, last.line),
                last.indent.clone(),
                last.marker,
                parent.map(|p| p.line),
            )
        } else if let Some(parent) = parent_item {
            let first_child = items
                .iter()
                .find(|i| i.line > parent.line && i.line <= subtree_end(&lines, parent.line));
            (
                subtree_end(&lines, parent.line),
                child_indent(&lines, &items, parent),
                first_child.map_or(parent.marker, |c| c.marker),
                Some(parent.line),
            )
        } else if let Some(last) = items
            .iter()
            .filter(|i| width(&i.indent) == 0)
            .max_by_key(|i| i.line)
        {
            (
                subtree_end(&lines, last.line),
                String::new(),
                last.marker,
                None,
            )
        } else {
            (lines.len().saturating_sub(1), String::new(), '-', None)
        };
    let link_title = title.replace('[', "\\[").replace(']', "\\]");
    let link_path = rel.replace(' ', "%20");
    let new_line = format!("{indent}{marker} [{link_title}]({link_path})");
    let mut new_summary = String::with_capacity(summary.len() + new_line.len() + 2);
    let mut offset = 0;
    for (i, line) in summary.split_inclusive('\n').enumerate() {
        new_summary.push_str(line);
        offset += line.len();
        if i == insert_after {
            if !line.ends_with('\n') {
                new_summary.push_str(newline);
            }
            new_summary.push_str(&new_line);
            new_summary.push_str(newline);
            new_summary.push_str(&summary[offset..]);
            break;
        }
    }
    if lines.is_empty() {
        new_summary = format!("# Summary{newline}{newline}{new_line}{newline}");
    }

    // Make sure the result is a book mdBook reads, and the new entry checks
    // without errors, before anything is written.
    let parsed = mdbook_summary::parse_summary(&new_summary)
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .context("the updated SUMMARY.md would not parse; nothing written")?;
    let _ = parsed;
    let mut chapters = book.chapters.clone();
    chapters.push(ChapterText {
        name: title.to_string(),
        source_path: Some(rel.clone()),
        path: Some(rel.clone()),
        content: text.clone().into(),
    });
    let outcome = process_chapters(&chapters, &config, settings, &book.src);
    let shown_str = shown.to_string_lossy().replace('\\', "/");
    let errors: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.level == Severity::Error && d.file == shown_str)
        .collect();
    if !errors.is_empty() {
        let list: Vec<String> = errors
            .iter()
            .map(|d| {
                let help = d
                    .help
                    .iter()
                    .map(|h| format!("\n  help: {h}"))
                    .collect::<String>();
                format!("{}: {}{help}", d.lint, d.message)
            })
            .collect();
        bail!(
            "the new {} would not check; nothing written:\n{}",
            kind.describe(),
            list.join("\n")
        );
    }

    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .with_context(|| format!("cannot write {}", shown.display()))?;
    std::fs::write(&summary_path, &new_summary)
        .with_context(|| format!("cannot write {}", summary_path.display()))?;
    println!("mdbook-vision: created {}", shown_str);
    let where_ = match under {
        Some(line) => format!("under `{}`", lines[line].trim()),
        None => "at the top level".to_string(),
    };
    println!(
        "mdbook-vision: listed it in {}/SUMMARY.md {where_}",
        book.src
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_lowercase_ascii_words() {
        assert_eq!(
            file_stem("Grace wants to use io-uring"),
            "grace_wants_to_use_io_uring"
        );
        assert_eq!(file_stem("  Alan's «café» 2: ok!  "), "alans_caf_2_ok");
        assert_eq!(file_stem("😱"), "");
    }

    #[test]
    fn directive_values_are_quoted_when_needed() {
        assert_eq!(directive_value("Grace"), "Grace");
        assert_eq!(directive_value("Grace Hopper"), "\"Grace Hopper\"");
        assert_eq!(directive_value("a\"b"), "\"a\\\"b\"");
    }
}
