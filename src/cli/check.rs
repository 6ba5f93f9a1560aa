//! `mdbook-vision check [BOOK_DIR]`: the preprocessor's diagnostics without a build.

use anyhow::Context as _;
use clap::ValueEnum;
use mdbook_vision::anchor::MdbookLine;
use mdbook_vision::config::Config;
use mdbook_vision::diag::{self, Diagnostic};
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{book_dir, plan_chapters};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style, exactly as `mdbook build` prints them
    Human,
    /// one JSON array of {lint, level, message, file, line, column, end, help}
    Json,
    /// GitHub Actions workflow commands (`::warning file=...::...`)
    Github,
}

/// Which mdBook line's rules (heading ids, markdown options) to check with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Line {
    #[value(name = "0.4")]
    V04,
    #[value(name = "0.5")]
    V05,
}

impl Line {
    pub fn mdbook_line(self) -> MdbookLine {
        match self {
            Line::V04 => MdbookLine::V04,
            Line::V05 => MdbookLine::V05,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// The book's root directory (holding book.toml).
    #[arg(default_value = ".")]
    pub book_dir: PathBuf,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// The mdBook line whose heading ids links must match.
    #[arg(
        long = "mdbook",
        value_enum,
        default_value = "0.5",
        value_name = "VERSION"
    )]
    pub line: Line,
    /// Exit with status 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Loads the book at `dir` and runs the whole pipeline over it.
pub fn analyse(dir: &Path, line: MdbookLine) -> anyhow::Result<Vec<Diagnostic>> {
    let book = book_dir::load(dir)?;
    let config =
        Config::from_book_config(&book.config).context("invalid configuration in book.toml")?;
    let settings = ParseSettings::for_book(line, &book.config);
    // Only the diagnostics are wanted: the edits are never made.
    let mut plan = plan_chapters(&book.chapters, &config, settings, &book.src);
    Ok(std::mem::take(&mut plan.diagnostics))
}

fn color_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Paths in machine-readable output lead from where the command ran, so
/// editors and GitHub find the files: `check docs` reports `docs/src/x.md`.
fn from_cwd(dir: &Path, diagnostics: &mut [Diagnostic]) {
    if dir == Path::new(".") || dir.as_os_str().is_empty() {
        return;
    }
    let prefix = dir.to_string_lossy().replace('\\', "/");
    let prefix = prefix.trim_end_matches('/');
    for d in diagnostics {
        if !d.file.starts_with('(') {
            d.file = format!("{prefix}/{}", d.file);
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut diagnostics = analyse(&args.book_dir, args.line.mdbook_line())?;
    let output = match args.format {
        Format::Human => {
            let text = diag::render_human(&diagnostics, color_wanted());
            if text.is_empty() {
                format!("{}\n", diag::summary_line(0, 0))
            } else {
                text
            }
        }
        Format::Json => {
            from_cwd(&args.book_dir, &mut diagnostics);
            diag::render_json(&diagnostics)
        }
        Format::Github => {
            from_cwd(&args.book_dir, &mut diagnostics);
            diag::render_github(&diagnostics)
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(output.as_bytes())
        .and_then(|()| out.flush())
        .context("could not write to stdout")?;
    let (errors, warnings) = diag::counts(&diagnostics);
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
