//! The `mdbook-vision` command: the preprocessor itself (book JSON on stdin),
//! `supports`, and the tools around it: `check`, `install` and `new`.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use mdbook_vision::{diag, Preprocessed};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod cli;

#[derive(Parser)]
#[command(
    name = "mdbook-vision",
    version,
    about = "An mdBook preprocessor for vision docs",
    long_about = "An mdBook preprocessor for vision docs.\n\nWithout a command it is the preprocessor: mdBook sends `[context, book]` JSON on stdin and reads the book back on stdout. Add `[preprocessor.vision]` to book.toml (or run `mdbook-vision install`) and run `mdbook build`.",
    after_help = "Examples:\n  mdbook-vision install                 add the preprocessor to ./book.toml\n  mdbook-vision check --format github   report problems as GitHub annotations\n  mdbook-vision new status-quo \"Grace wants to use io-uring\" --character Grace"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Tell mdBook whether a renderer is supported (always yes: the output is plain markdown).
    #[command(after_help = "Example: mdbook-vision supports html")]
    Supports {
        /// The renderer's name, e.g. `html`.
        renderer: String,
    },
    /// Check a book without building it: print the diagnostics `mdbook build` would print.
    #[command(
        long_about = "Check a book without building it.\n\nLoads the book as mdBook does (book.toml, its `src` directory, SUMMARY.md, {{#include}} files), runs every check and prints the same diagnostics the preprocessor prints during `mdbook build`. Writes nothing.\n\nExit status: 1 when there are errors (or warnings, with --deny-warnings), 0 otherwise.",
        after_help = "Examples:\n  mdbook-vision check\n  mdbook-vision check docs --format github --deny-warnings\n  mdbook-vision check --format json > diagnostics.json"
    )]
    Check(cli::check::Args),
    /// Add `[preprocessor.vision]` to book.toml, keeping everything else as it is.
    #[command(
        long_about = "Add `[preprocessor.vision]` (with `after = [\"links\"]`) to BOOK_DIR/book.toml.\n\nComments, order and formatting of the file are kept; only the table is added. If the book already has it, nothing changes.",
        after_help = "Example:\n  mdbook-vision install my-book"
    )]
    Install {
        /// The book's root directory (holding book.toml).
        #[arg(default_value = ".")]
        book_dir: PathBuf,
    },
    /// Create a new character, story or design doc with its required FAQ, and list it in SUMMARY.md.
    #[command(
        long_about = "Create the chapter for a new entry and list it in SUMMARY.md.\n\nThe file is named after the title, in the directory where this book keeps entries of that kind (or --dir). It holds the heading, the `{{#vision ...}}` directive, an outline to fill in and a Frequently Asked Questions section with the book's required questions for the kind. It is listed in SUMMARY.md under the chapter that holds the other entries of the kind, in SUMMARY.md's own indentation style. An existing file is never overwritten.",
        after_help = "Examples:\n  mdbook-vision new status-quo \"Grace wants to use io-uring\" --character Grace\n  mdbook-vision new character \"Grace: the systems programming expert\"\n  mdbook-vision new design-doc \"Async closures\" --book docs"
    )]
    New(cli::new::Args),
}

fn main() -> ExitCode {
    // mdBook runs the preprocessor with no arguments, on every build and every
    // save under `mdbook serve`: that path skips clap, whose code (built up
    // for every subcommand) would be paged in only to find nothing to parse.
    let result = if std::env::args_os().len() <= 1 {
        preprocess()
    } else {
        match Cli::parse().command {
            Some(Command::Supports { .. }) => return ExitCode::SUCCESS,
            Some(Command::Check(args)) => cli::check::run(&args),
            Some(Command::Install { book_dir }) => cli::install::run(&book_dir),
            Some(Command::New(args)) => cli::new::run(&args),
            None => preprocess(),
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mdbook-vision: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs as mdBook's preprocessor. On any error nothing is written to stdout.
fn preprocess() -> anyhow::Result<ExitCode> {
    // Read to the end in large reads (no buffer needed): the chapters'
    // texts are made in this very memory.
    let mut input = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut input)
        .context("could not read the book from mdBook")?;
    // Held to the end of the process, as the texts and their scans are.
    let input: &'static mut [u8] = input.leak();
    let Preprocessed {
        request,
        texts,
        mut plan,
    } = mdbook_vision::preprocess(input, &mut |warning| eprintln!("{warning}"))?;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    {
        let mut stderr = std::io::BufWriter::with_capacity(1 << 14, std::io::stderr().lock());
        // Nothing to do if stderr is gone: the book is still written.
        let _ =
            diag::write_human(&mut stderr, &plan.diagnostics, color).and_then(|()| stderr.flush());
    }
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        eprint!("{}", diag::render_github(&plan.diagnostics));
    }
    if plan.has_errors() {
        return Ok(ExitCode::FAILURE);
    }
    // Told: not held while the book is written.
    drop(std::mem::take(&mut plan.diagnostics));
    mdbook_vision::memory::return_freed();
    let mut out = std::io::BufWriter::with_capacity(1 << 14, book_output());
    plan.write_book(&request, &texts, &mut out)
        .context("could not write the book to stdout")?;
    out.flush().context("could not write the book to stdout")?;
    // The process ends here: the system takes the book's memory back at once,
    // where freeing it piece by piece (the analysis most of all: millions of
    // small pieces) would take a noticeable while.
    std::mem::forget((request, texts, plan));
    Ok(ExitCode::SUCCESS)
}

/// Where the book goes: stdout, past std's line buffering where we can. The
/// book is one long line, yet std's stdout looks for a newline in every
/// write, reading the whole book once more; a duplicate of its descriptor
/// (the same pipe) takes the writes as they are.
fn book_output() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout().lock())
}
