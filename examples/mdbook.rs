//! A tiny mdBook command line for newcomers and CI, where only cargo is installed:
//! it builds a book with the real mdBook of either line, in-process.
//!
//! ```text
//! cargo build --release          # builds target/release/mdbook-vision
//! cargo run --release --example mdbook -- build [BOOK_DIR] [--mdbook 0.4|0.5]
//! ```
//!
//! `BOOK_DIR` defaults to `.`, `--mdbook` to `0.5`. The vision preprocessor runs with
//! whatever command book.toml gives it; if `[preprocessor.vision]` has none, the
//! `mdbook-vision` binary in this example's target directory is used when it exists
//! (book.toml itself is never edited), otherwise mdBook's default, `mdbook-vision` on PATH.
//! `MDBOOK_*` environment overrides apply, as with the real `mdbook` command.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run --release --example mdbook -- build [BOOK_DIR] [--mdbook 0.4|0.5]

Builds the book in BOOK_DIR (default `.`) with mdBook 0.5 (default) or 0.4, in-process.";

#[derive(Clone, Copy, PartialEq)]
enum Line {
    V04,
    V05,
}

struct Args {
    dir: PathBuf,
    line: Line,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("build") => {}
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            std::process::exit(0);
        }
        Some("serve" | "watch") => return Err("only `build` is supported".into()),
        Some(other) => return Err(format!("unknown command `{other}`")),
        None => return Err("missing command".into()),
    }
    let mut dir = None;
    let mut line = Line::V05;
    while let Some(arg) = args.next() {
        let version = if arg == "--mdbook" {
            Some(args.next().ok_or("--mdbook needs a value: 0.4 or 0.5")?)
        } else {
            arg.strip_prefix("--mdbook=").map(str::to_string)
        };
        if let Some(v) = version {
            line = match v.as_str() {
                "0.4" | "0.4.52" | "4" => Line::V04,
                "0.5" | "0.5.4" | "5" => Line::V05,
                _ => return Err(format!("unknown mdBook line `{v}`: use 0.4 or 0.5")),
            };
        } else if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        } else if arg.starts_with('-') {
            return Err(format!("unknown option `{arg}`"));
        } else if dir.replace(PathBuf::from(&arg)).is_some() {
            return Err(format!("unexpected argument `{arg}`"));
        }
    }
    Ok(Args {
        dir: dir.unwrap_or_else(|| PathBuf::from(".")),
        line,
    })
}

/// `target/<profile>/mdbook-vision` next to this example (`target/<profile>/examples/`).
fn sibling_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let bin = profile_dir.join(format!("mdbook-vision{}", std::env::consts::EXE_SUFFIX));
    bin.is_file().then_some(bin)
}

fn on_path(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        let candidate = dir.join(format!("{program}{}", std::env::consts::EXE_SUFFIX));
        candidate.is_file()
    })
}

/// Quotes a path for mdBook's shlex split of `command`.
fn quote(path: &Path) -> String {
    let s = path.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/\\._-:+".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// What to do about `preprocessor.vision.command`, given whether the table exists and
/// whether it has a command. Returns the command to set, if any.
fn vision_command(has_table: bool, has_command: bool) -> Result<Option<String>, String> {
    if !has_table {
        eprintln!(
            "note: book.toml has no [preprocessor.vision]; the vision preprocessor is not used"
        );
        return Ok(None);
    }
    if has_command {
        eprintln!("note: using preprocessor.vision.command from the book's configuration");
        return Ok(None);
    }
    if let Some(bin) = sibling_binary() {
        eprintln!("note: preprocessor.vision runs {}", bin.display());
        return Ok(Some(quote(&bin)));
    }
    if on_path("mdbook-vision") {
        eprintln!("note: preprocessor.vision runs `mdbook-vision` from PATH");
        return Ok(None);
    }
    // mdBook 0.5 fails on a missing preprocessor, 0.4 only logs a warning and skips it:
    // fail on both so CI cannot pass without the checks.
    Err(
        "the `mdbook-vision` preprocessor was not found: build it first \
         (`cargo build --release`, or `cargo build` for a debug run), \
         install it, or set `command` in [preprocessor.vision]"
            .into(),
    )
}

fn print_error(err: &anyhow::Error) {
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

fn build_v04(dir: &Path) -> anyhow::Result<PathBuf> {
    use mdbook04::{Config, MDBook};
    let toml = dir.join("book.toml");
    let mut config = if toml.exists() {
        Config::from_disk(&toml)?
    } else {
        Config::default()
    };
    config.update_from_env();
    let table = config.get_preprocessor("vision");
    let has_command = table.is_some_and(|t| t.contains_key("command"));
    if let Some(cmd) = vision_command(table.is_some(), has_command).map_err(anyhow::Error::msg)? {
        config.set("preprocessor.vision.command", cmd)?;
    }
    let book = MDBook::load_with_config(dir, config)?;
    book.build()?;
    Ok(book.build_dir_for("html"))
}

fn build_v05(dir: &Path) -> anyhow::Result<PathBuf> {
    use mdbook_driver::config::Config;
    use mdbook_driver::MDBook;
    let toml = dir.join("book.toml");
    let mut config = if toml.exists() {
        Config::from_disk(&toml)?
    } else {
        Config::default()
    };
    config.update_from_env()?;
    let has_table = config.contains_key("preprocessor.vision");
    let has_command = config.contains_key("preprocessor.vision.command");
    if let Some(cmd) = vision_command(has_table, has_command).map_err(anyhow::Error::msg)? {
        config.set("preprocessor.vision.command", cmd)?;
    }
    let book = MDBook::load_with_config(dir, config)?;
    book.build()?;
    Ok(book.build_dir_for("html"))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (name, result) = match args.line {
        Line::V04 => ("mdBook 0.4.52", build_v04(&args.dir)),
        Line::V05 => ("mdBook 0.5.4", build_v05(&args.dir)),
    };
    match result {
        Ok(out) => {
            println!("{name} built {} into {}", args.dir.display(), out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{name} failed to build {}", args.dir.display());
            print_error(&e);
            ExitCode::FAILURE
        }
    }
}
