//! The `mdbook-vision` command: the preprocessor itself (book JSON on stdin),
//! `supports`, and the tools around it.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use mdbook_vision::config::Config;
use mdbook_vision::scan::ParseSettings;
use mdbook_vision::{diag, process_chapters, wire};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mdbook-vision",
    version,
    about = "An mdBook preprocessor for vision docs",
    long_about = "An mdBook preprocessor for vision docs.\n\nWithout a command it is the preprocessor: mdBook sends `[context, book]` JSON on stdin and reads the book back on stdout. Add `[preprocessor.vision]` to book.toml and run `mdbook build`."
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Supports { .. }) => ExitCode::SUCCESS,
        None => match preprocess() {
            Ok(code) => code,
            Err(e) => {
                eprintln!("mdbook-vision: error: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Runs as mdBook's preprocessor. On any error nothing is written to stdout.
fn preprocess() -> anyhow::Result<ExitCode> {
    let mut input = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut input)
        .context("could not read the book from stdin")?;
    let mut request = wire::parse(&input).context("could not read the book from mdBook")?;
    drop(input);
    if let Some(warning) = wire::version_warning(request.mdbook_version()) {
        eprintln!("{warning}");
    }
    let config = Config::from_book_config(request.book_config())
        .context("invalid configuration in book.toml")?;
    let settings = ParseSettings::for_book(request.line(), request.book_config());
    let chapters = wire::take_chapters(&mut request);
    let outcome = process_chapters(&chapters, &config, settings, &request.src_dir());
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", diag::render_human(&outcome.diagnostics, color));
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        eprint!("{}", diag::render_github(&outcome.diagnostics));
    }
    if outcome.has_errors() {
        return Ok(ExitCode::FAILURE);
    }
    wire::put_chapters(&mut request, chapters, outcome.new_content);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    wire::write_book(&request, &mut out).context("could not write the book to stdout")?;
    out.flush().context("could not write the book to stdout")?;
    Ok(ExitCode::SUCCESS)
}
