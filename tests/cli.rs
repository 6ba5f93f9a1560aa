//! The command line around the preprocessor: `check`, `install`, `new`, help and
//! version. Every test runs the built binary on a temporary book.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use support::{build, write_book, Line};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_mdbook-vision"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .stdin(Stdio::null())
        .output()
        .expect("run mdbook-vision");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn line_flag(line: Line) -> &'static str {
    match line {
        Line::V04 => "0.4",
        Line::V05 => "0.5",
    }
}

/// What the preprocessor printed during a build, without the GitHub annotations
/// it adds when the tests themselves run in GitHub Actions.
fn build_stderr(built: &support::Built) -> String {
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        built
            .stderr
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("::"))
            .collect()
    } else {
        built.stderr.clone()
    }
}

// ---------------------------------------------------------------------------
// A book with known problems: errors, warnings, nesting, a draft, a README,
// an {{#include}}, and a link whose anchor only one mdBook line makes.

const PROBLEM_BOOK: &[(&str, &str)] = &[
    (
        "book.toml",
        "[book]\ntitle = \"Problems\"\n\n[preprocessor.vision]\nafter = [\"links\"]\n",
    ),
    (
        "src/SUMMARY.md",
        "# Summary\n\n[Introduction](README.md)\n\n- [Characters](characters.md)\n- [Status quo](status_quo/README.md)\n    - [Grace and pin](status_quo/grace_pin.md)\n    - [Alan](./status_quo/alan.md)\n- [Not written yet]()\n- [Shiny future](shiny_future.md)\n",
    ),
    ("src/README.md", "# Introduction\n\nHello.\n"),
    (
        "src/characters.md",
        "# Characters\n\n## Grace: the systems programming expert\n{{#vision character status=drfat owner=@a}}\n\n## Alan: the startup guy\n{{#vision character status=draft}}\n",
    ),
    ("src/status_quo/README.md", "# 😱 Status quo stories\n"),
    (
        "src/status_quo/grace_pin.md",
        "# Grace tries to pin\n{{#include ../shared/note.md}}\n{{#vision status-quo character=Grase}}\n\n## 🤔 Frequently Asked Questions\n\n### **What are the morals of the story?**\n\n* XXX\n",
    ),
    ("src/shared/note.md", "> A shared note\n> over two lines\n"),
    (
        "src/status_quo/alan.md",
        "# Alan has trouble\n\n| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n| Alan | [Alan has a blast](../shiny_future.md#notes-1-1) | Shane |\n",
    ),
    (
        "src/shiny_future.md",
        "# Shiny future\n\n## Notes\n\n## Notes\n\n## Notes-1\n{{#vision shiny-future character=Alan}}\n",
    ),
];

#[test]
fn check_prints_exactly_what_mdbook_build_prints() {
    let book = write_book(PROBLEM_BOOK);
    let mut outputs = Vec::new();
    for line in Line::ALL {
        let built = build(line, book.path());
        built.assert_failed();
        let expected = build_stderr(&built);
        assert!(
            expected.contains("error[unknown-status]"),
            "{line}: {expected}"
        );
        let check = run_in(book.path(), &["check", "--mdbook", line_flag(line)]);
        assert_eq!(
            check.stdout, expected,
            "{line}: check differs from the build"
        );
        assert_eq!(check.code, 1, "{line}: errors exit 1");
        assert_eq!(check.stderr, "");
        outputs.push(check.stdout);
    }
    // The include shifts lines exactly as in the build.
    assert!(
        outputs[1].contains(" --> src/status_quo/grace_pin.md:4:"),
        "{}",
        outputs[1]
    );
    // `check` writes nothing: no missing file created, no output directory.
    assert!(!book.path().join("book").exists());
    // 0.5 is the default line.
    let default = run_in(book.path(), &["check"]);
    assert_eq!(default.stdout, outputs[1]);
    // The book directory may be given.
    let parent = book.path().parent().unwrap();
    assert_eq!(run_in(parent, &["check", "book"]).stdout, outputs[1]);
}

#[test]
fn anchors_follow_the_chosen_mdbook_line() {
    let book = write_book(PROBLEM_BOOK);
    let v04 = run_in(book.path(), &["check", "--mdbook", "0.4"]).stdout;
    let v05 = run_in(book.path(), &["check", "--mdbook", "0.5"]).stdout;
    assert!(!v05.contains("broken-link"), "{v05}");
    assert!(
        v04.contains("warning[broken-link]") && v04.contains("notes-1-1"),
        "0.4 numbers repeated ids differently: {v04}"
    );
}

const WARNING_BOOK: &[(&str, &str)] = &[
    ("book.toml", "[book]\ntitle = \"W\"\n\n[preprocessor.vision]\n"),
    ("src/SUMMARY.md", "# Summary\n\n- [Status quo](status_quo/README.md)\n  - [Pin](status_quo/pin.md)\n"),
    ("src/status_quo/README.md", "# Status quo\n"),
    (
        "src/status_quo/pin.md",
        "# Grace, 50%: pin\n\n## 🤔 Frequently Asked Questions\n\n### **What are the morals of the story?**\n\n* XXX\n\n### **Are you just making this stuff up?**\n\n* No.\n",
    ),
];

#[test]
fn exit_codes_follow_errors_and_deny_warnings() {
    let book = write_book(WARNING_BOOK);
    let warn = run_in(book.path(), &["check"]);
    assert_eq!(warn.code, 0, "{}", warn.stdout);
    assert!(
        warn.stdout.starts_with("warning[unanswered-faq]: "),
        "{}",
        warn.stdout
    );
    assert!(warn.stdout.ends_with("\nmdbook-vision: 1 warning\n"));
    assert_eq!(run_in(book.path(), &["check", "--deny-warnings"]).code, 1);

    let clean = write_book(&[
        ("book.toml", "[preprocessor.vision]\n"),
        ("src/SUMMARY.md", "# Summary\n\n- [Hello](hello.md)\n"),
        ("src/hello.md", "# Hello\n"),
    ]);
    let ok = run_in(clean.path(), &["check", "--deny-warnings"]);
    assert_eq!(
        (ok.code, ok.stdout.as_str()),
        (0, "mdbook-vision: no problems found\n")
    );
    let json = run_in(clean.path(), &["check", "--format", "json"]);
    assert_eq!((json.code, json.stdout.trim()), (0, "[]"));

    let none = tempfile::tempdir().unwrap();
    let missing = run_in(none.path(), &["check"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .starts_with("mdbook-vision: error: no book at ."),
        "{}",
        missing.stderr
    );

    let bad = write_book(&[
        ("book.toml", "[preprocessor.vision]\nowner-ulr = \"x\"\n"),
        ("src/SUMMARY.md", "# Summary\n"),
    ]);
    let bad = run_in(bad.path(), &["check"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("invalid configuration in book.toml")
            && bad.stderr.contains("owner-url"),
        "{}",
        bad.stderr
    );
}

#[test]
fn json_carries_every_field_and_paths_from_the_working_directory() {
    let book = write_book(PROBLEM_BOOK);
    let parent = book.path().parent().unwrap();
    let out = run_in(parent, &["check", "book", "--format", "json"]);
    assert_eq!(out.code, 1);
    let v: Value = serde_json::from_str(&out.stdout).expect("one JSON array");
    let all = v.as_array().unwrap();
    assert!(all.len() >= 3, "{out:?}", out = out.stdout);
    for d in all {
        for key in [
            "lint", "level", "message", "file", "line", "column", "end", "help",
        ] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
        assert!(d["file"].as_str().unwrap().starts_with("book/src/"), "{d}");
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
        assert!(d["end"]["line"].is_u64() && d["end"]["column"].is_u64());
    }
    let status = all.iter().find(|d| d["lint"] == "unknown-status").unwrap();
    assert_eq!(status["level"], "error");
    assert_eq!(status["file"], "book/src/characters.md");
    assert_eq!(
        (status["line"].as_u64(), status["column"].as_u64()),
        (Some(4), Some(21))
    );
    assert_eq!(status["message"], "unknown status `drfat`");
}

#[test]
fn github_format_is_workflow_commands_with_escapes() {
    let book = write_book(WARNING_BOOK);
    let out = run_in(book.path(), &["check", "--format", "github"]);
    assert_eq!(out.code, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    let line = lines[0];
    assert!(
        line.starts_with("::warning file=src/status_quo/pin.md,line=5,col=1,"),
        "{line}"
    );
    assert!(line.contains(",title=unanswered-faq::"), "{line}");
    // The title "Grace, 50%: pin" is in the message: `%` escaped, `,`/`:` kept there.
    assert!(line.contains("Grace, 50%25: pin"), "{line}");
    assert!(!line.contains('\r'));

    // A book directory with `,` and `:` in its name: escaped in the file property.
    let tmp = tempfile::tempdir().unwrap();
    let odd = tmp.path().join("a,b:c");
    fs::create_dir_all(&odd).unwrap();
    for (rel, content) in WARNING_BOOK {
        let p = odd.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }
    let out = run_in(tmp.path(), &["check", "a,b:c", "--format", "github"]);
    assert!(
        out.stdout
            .starts_with("::warning file=a%2Cb%3Ac/src/status_quo/pin.md,line=5,"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_preprocessor_annotates_pull_requests_in_github_actions() {
    let book = write_book(WARNING_BOOK);
    let built = build(Line::V05, book.path());
    built.assert_ok();
    let input = serde_json::to_string(built.input_json.as_ref().unwrap()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdbook-vision"))
        .env("GITHUB_ACTIONS", "true")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let human = build_stderr(&built);
    assert!(stderr.starts_with(&human), "{stderr}");
    assert!(
        stderr[human.len()..].starts_with("::warning file=src/status_quo/pin.md,line=5,col=1,"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------
// install

const MESSY_TOML: &str = "# My book   \n\n[book]\nauthors=[ \"A\" ,\"B\"]   # who\n  title =   'Messy'\n\n\n# output comes last\n[output.html]   # html\n\tdefault-theme=\"light\"\n# trailing comment without newline";

#[test]
fn install_adds_only_the_table_and_is_idempotent() {
    let book = write_book(&[
        ("book.toml", MESSY_TOML),
        ("src/SUMMARY.md", "# Summary\n\n- [Hello](hello.md)\n"),
        ("src/hello.md", "# Hello\n"),
    ]);
    let first = run_in(book.path(), &["install"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        first.stdout,
        "mdbook-vision: added [preprocessor.vision] to ./book.toml; `mdbook build` now runs it\n"
    );
    let after = fs::read_to_string(book.path().join("book.toml")).unwrap();
    assert_eq!(
        after,
        format!("{MESSY_TOML}\n\n[preprocessor.vision]\nafter = [\"links\"]\n")
    );
    let second = run_in(book.path(), &["install", "."]);
    assert_eq!(second.code, 0);
    assert_eq!(
        second.stdout,
        "mdbook-vision: ./book.toml already has [preprocessor.vision]; nothing to do\n"
    );
    assert_eq!(
        fs::read_to_string(book.path().join("book.toml")).unwrap(),
        after
    );
    for line in Line::ALL {
        let built = build(line, book.path());
        built.assert_ok();
        assert!(built.input_json.is_some(), "{line}: the preprocessor ran");
        assert_eq!(built.stderr, "", "{line}");
    }
}

#[test]
fn install_next_to_other_preprocessors_and_with_crlf() {
    let toml = "[book]\r\ntitle = \"x\"\r\n\r\n[preprocessor.links]\r\n\r\n[output.html]\r\n";
    let book = write_book(&[
        ("book.toml", toml),
        ("src/SUMMARY.md", "# Summary\n\n- [Hello](hello.md)\n"),
        ("src/hello.md", "# Hello\n"),
    ]);
    let parent = book.path().parent().unwrap();
    assert_eq!(run_in(parent, &["install", "book"]).code, 0);
    let after = fs::read_to_string(book.path().join("book.toml")).unwrap();
    assert_eq!(
        after,
        format!("{toml}\r\n[preprocessor.vision]\r\nafter = [\"links\"]\r\n")
    );
    build(Line::V04, book.path()).assert_ok();
}

#[test]
fn install_explains_a_missing_or_invalid_book_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = run_in(tmp.path(), &["install"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .starts_with("mdbook-vision: error: there is no book.toml in ."),
        "{}",
        missing.stderr
    );
    fs::write(tmp.path().join("book.toml"), "[book\ntitle = 1\n").unwrap();
    let invalid = run_in(tmp.path(), &["install"]);
    assert_eq!(invalid.code, 1);
    assert!(
        invalid
            .stderr
            .contains("book.toml is not valid TOML, nothing changed"),
        "{}",
        invalid.stderr
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("book.toml")).unwrap(),
        "[book\ntitle = 1\n"
    );
}

// ---------------------------------------------------------------------------
// new

const STORY_SUMMARY: &str = "# Summary\n\n[Intro](README.md)\n\n* [🙋 Characters](characters.md)\n* [😱 Status quo](status_quo/README.md)\n  * [Grace and pin](status_quo/grace_pin.md)\n* [✨ Shiny future](shiny_future.md)\n";

fn story_book() -> support::Fixture {
    write_book(&[
        ("book.toml", "[book]\ntitle = \"Stories\"\n\n[preprocessor.vision]\nafter = [\"links\"]\n"),
        ("src/SUMMARY.md", STORY_SUMMARY),
        ("src/README.md", "# Intro\n"),
        (
            "src/characters.md",
            "# Characters\n\n## Grace: the systems programming expert\n{{#vision character status=draft}}\n\n### 🤔 Frequently Asked Questions\n\n#### **Which of the async tenets would Grace put first and which would they put last? Why?**\n\n* Performance first, productivity last.\n",
        ),
        ("src/status_quo/README.md", "# Status quo\n"),
        (
            "src/status_quo/grace_pin.md",
            "# Grace and pin\n{{#vision status-quo character=Grace}}\n\n## 🤔 Frequently Asked Questions\n\n### **What are the morals of the story?**\n\n* Pin is hard.\n\n### **Are you just making this stuff up?**\n\n* No.\n",
        ),
        ("src/shiny_future.md", "# Shiny future\n"),
    ])
}

#[test]
fn new_status_quo_story_checks_is_listed_and_builds() {
    let book = story_book();
    assert_eq!(
        run_in(book.path(), &["check"]).stdout,
        "mdbook-vision: no problems found\n"
    );
    let out = run_in(
        book.path(),
        &[
            "new",
            "status-quo",
            "Grace wants to use io-uring",
            "--character",
            "Grace",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "mdbook-vision: created src/status_quo/grace_wants_to_use_io_uring.md\nmdbook-vision: listed it in src/SUMMARY.md under `* [😱 Status quo](status_quo/README.md)`\n"
    );
    let text = fs::read_to_string(
        book.path()
            .join("src/status_quo/grace_wants_to_use_io_uring.md"),
    )
    .unwrap();
    assert!(text.starts_with(
        "# Grace wants to use io-uring\n\n{{#vision status-quo character=Grace}}\n\n## The story\n"
    ), "{text}");
    assert!(text.ends_with(
        "## 🤔 Frequently Asked Questions\n\n### **What are the morals of the story?**\n\n* XXX\n\n### **Are you just making this stuff up?**\n\n* XXX\n"
    ), "{text}");
    assert_eq!(
        fs::read_to_string(book.path().join("src/SUMMARY.md")).unwrap(),
        STORY_SUMMARY.replace(
            "  * [Grace and pin](status_quo/grace_pin.md)\n",
            "  * [Grace and pin](status_quo/grace_pin.md)\n  * [Grace wants to use io-uring](status_quo/grace_wants_to_use_io_uring.md)\n"
        )
    );
    let check = run_in(book.path(), &["check"]);
    assert_eq!(check.code, 0);
    let lints: Vec<&str> = check
        .stdout
        .lines()
        .filter(|l| l.starts_with("warning[") || l.starts_with("error["))
        .collect();
    assert_eq!(lints.len(), 2, "{}", check.stdout);
    assert!(
        lints
            .iter()
            .all(|l| l.starts_with("warning[unanswered-faq]")),
        "{}",
        check.stdout
    );
    assert!(check
        .stdout
        .contains("--> src/status_quo/grace_wants_to_use_io_uring.md:"));
    for line in Line::ALL {
        let built = build(line, book.path());
        built.assert_ok();
        let ch = built.output_chapter("status_quo/grace_wants_to_use_io_uring.md");
        assert_eq!(ch.parents, ["😱 Status quo"], "{line}");
        assert!(
            ch.content.contains("| Character |"),
            "{line}: the directive expanded"
        );
    }

    // Never overwrites, and SUMMARY.md is left alone.
    let summary = fs::read_to_string(book.path().join("src/SUMMARY.md")).unwrap();
    let again = run_in(
        book.path(),
        &[
            "new",
            "status-quo",
            "Grace wants to use io-uring",
            "--character",
            "Grace",
        ],
    );
    assert_eq!(again.code, 1);
    assert_eq!(
        again.stderr,
        "mdbook-vision: error: src/status_quo/grace_wants_to_use_io_uring.md already exists; not overwriting it\n"
    );
    assert_eq!(
        fs::read_to_string(book.path().join("src/SUMMARY.md")).unwrap(),
        summary
    );
    assert_eq!(
        fs::read_to_string(
            book.path()
                .join("src/status_quo/grace_wants_to_use_io_uring.md")
        )
        .unwrap(),
        text
    );
}

#[test]
fn new_uses_the_books_own_questions_and_fills_in_the_name() {
    let book = story_book();
    let toml = book.path().join("book.toml");
    let mut config = fs::read_to_string(&toml).unwrap();
    config.push_str("\n[preprocessor.vision.faq]\nshiny-future = [\"Why is NAME happy?\"]\n");
    fs::write(&toml, config).unwrap();
    let out = run_in(
        book.path(),
        &[
            "new",
            "shiny-future",
            "Grace has io-uring for free",
            "--character",
            "Grace",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // No shiny future chapters yet: the default directory, under shiny_future.md.
    let text = fs::read_to_string(
        book.path()
            .join("src/shiny_future/grace_has_io_uring_for_free.md"),
    )
    .unwrap();
    assert!(text.contains("{{#vision shiny-future character=Grace}}"));
    assert!(
        text.ends_with(
            "## 🤔 Frequently Asked Questions\n\n### **Why is Grace happy?**\n\n* XXX\n"
        ),
        "{text}"
    );
    assert!(fs::read_to_string(book.path().join("src/SUMMARY.md"))
        .unwrap()
        .ends_with("* [✨ Shiny future](shiny_future.md)\n  * [Grace has io-uring for free](shiny_future/grace_has_io_uring_for_free.md)\n"));

    let no_name = run_in(book.path(), &["new", "shiny-future", "Someone is happy"]);
    assert_eq!(no_name.code, 1);
    assert_eq!(
        no_name.stderr,
        "mdbook-vision: error: the book's questions for a shiny future story name its character: pass --character NAME\n"
    );
}

#[test]
fn new_character_and_design_doc_go_where_the_book_keeps_them() {
    let book = story_book();
    let out = run_in(
        book.path(),
        &["new", "character", "Niklaus: the new programmer"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = fs::read_to_string(
        book.path()
            .join("src/characters/niklaus_the_new_programmer.md"),
    )
    .unwrap();
    assert!(
        text.starts_with("# Niklaus: the new programmer\n\n{{#vision character status=draft}}\n")
    );
    assert!(text.contains("### **Which of the async tenets would Niklaus put first and which would they put last? Why?**\n\n* XXX\n"));
    let summary = fs::read_to_string(book.path().join("src/SUMMARY.md")).unwrap();
    assert!(summary.contains("* [🙋 Characters](characters.md)\n  * [Niklaus: the new programmer](characters/niklaus_the_new_programmer.md)\n* [😱"), "{summary}");

    // No design docs anywhere: a top-level item in the default directory.
    let out = run_in(
        book.path(),
        &["new", "design-doc", "Async closures", "--dir", "designs"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(book.path().join("src/designs/async_closures.md").is_file());
    let summary = fs::read_to_string(book.path().join("src/SUMMARY.md")).unwrap();
    assert!(
        summary.ends_with(
            "* [✨ Shiny future](shiny_future.md)\n* [Async closures](designs/async_closures.md)\n"
        ),
        "{summary}"
    );
    let check = run_in(book.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(!check.stdout.contains("error["), "{}", check.stdout);
    build(Line::V05, book.path()).assert_ok();
}

#[test]
fn new_refuses_a_story_whose_character_does_not_exist() {
    let book = story_book();
    let out = run_in(
        book.path(),
        &[
            "new",
            "status-quo",
            "Gracie is lost",
            "--character",
            "Gracie",
        ],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("would not check; nothing written"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("unresolved-reference"),
        "{}",
        out.stderr
    );
    assert!(!book
        .path()
        .join("src/status_quo/gracie_is_lost.md")
        .exists());
    assert_eq!(
        fs::read_to_string(book.path().join("src/SUMMARY.md")).unwrap(),
        STORY_SUMMARY
    );
}

// ---------------------------------------------------------------------------
// help, version, the preprocessor's own commands

#[test]
fn every_command_has_help_with_an_example_and_there_is_a_version() {
    let tmp = tempfile::tempdir().unwrap();
    for (cmd, example) in [
        ("check", "mdbook-vision check --format json"),
        ("install", "mdbook-vision install my-book"),
        (
            "new",
            "mdbook-vision new status-quo \"Grace wants to use io-uring\" --character Grace",
        ),
        ("supports", "mdbook-vision supports html"),
    ] {
        let out = run_in(tmp.path(), &[cmd, "--help"]);
        assert_eq!(out.code, 0, "{cmd}");
        assert!(out.stdout.contains(example), "{cmd}: {}", out.stdout);
    }
    let top = run_in(tmp.path(), &["--help"]);
    assert!(
        top.stdout.contains("check")
            && top.stdout.contains("install")
            && top.stdout.contains("new")
    );
    let version = run_in(tmp.path(), &["--version"]);
    assert_eq!(
        version.stdout,
        format!("mdbook-vision {}\n", env!("CARGO_PKG_VERSION"))
    );
    for renderer in ["html", "markdown", "epub", "anything"] {
        assert_eq!(run_in(tmp.path(), &["supports", renderer]).code, 0);
    }
}

#[test]
fn check_matches_the_build_on_the_fixture_books() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-book");
    let books = ["minimal", "seed_directives", "seed_stories"]
        .map(|name| (name, support::book_dir(name)))
        .into_iter()
        .chain([("example-book", example)]);
    for (name, dir) in books {
        for line in Line::ALL {
            let built = build(line, &dir);
            let check = run_in(&dir, &["check", "--mdbook", line_flag(line)]);
            let expected = build_stderr(&built);
            if expected.is_empty() {
                assert_eq!(
                    check.stdout, "mdbook-vision: no problems found\n",
                    "{name} {line}"
                );
            } else {
                assert_eq!(check.stdout, expected, "{name} {line}");
            }
            assert_eq!(check.code, i32::from(built.ok.is_err()), "{name} {line}");
        }
    }
}
