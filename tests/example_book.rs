//! Issue 7: the example book is the whole seed; it builds under both mdBook
//! lines with exactly the diagnostics its content deserves, and every link in
//! the output that points inside the book lands on a file and an id.

mod support;

use std::fs;
use support::{book_dir, build, Line};

const EXPECTED: &str = "tests/example_book.diagnostics";

#[test]
fn the_example_book_builds_with_exactly_the_expected_diagnostics() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/example_book.diagnostics"
    );
    for line in Line::ALL {
        let built = build(line, &book_dir("../../example-book"));
        built.assert_ok();
        if std::env::var_os("UPDATE_EXPECTED").is_some() {
            fs::write(path, &built.stderr).unwrap();
        }
        let expected = fs::read_to_string(path).unwrap();
        assert_eq!(
            built.stderr, expected,
            "{line}: diagnostics changed; if that is intended, rerun with UPDATE_EXPECTED=1 and review {EXPECTED}"
        );
    }
}

#[test]
fn every_internal_link_of_the_example_book_lands() {
    for line in Line::ALL {
        let built = build(line, &book_dir("../../example-book"));
        built.assert_ok();
        let report = built.check_links();
        assert!(report.failures.is_empty(), "{line}: {:#?}", report.failures);
        println!(
            "{line}: {} internal links and {} anchors checked",
            report.checked_links, report.checked_anchors
        );
        assert!(report.checked_links > 150, "{line}: {report:?}");
        assert!(report.checked_anchors > 100, "{line}: {report:?}");
    }
}

/// Every story, character, roadmap row and design doc of the seed is in the book.
#[test]
fn the_whole_seed_is_in_the_example_book() {
    let built = build(Line::V05, &book_dir("../../example-book"));
    built.assert_ok();
    let all: String = built
        .output_chapters()
        .iter()
        .map(|c| c.content.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let seed_entries = [
        "## Alan: the startup guy trying to stand-up a web stack quickly",
        "## Grace: the principal engineer hacking on T4, a new storage service",
        "## Niklaus: the developer building generic Rust libraries and frameworks",
        "## Barbara: embedded developer doing networking",
        "## Alan has trouble getting started",
        "## Alan finds the experience of writing async code is a lot more painful than sync code",
        "## Grace tries to write a stream and pin breaks her mind",
        "## Grace deploys her service and hits obstacles",
        "## Grace wants to use io-uring",
        "## Niklaus goes to write SLOW but it’s annoying",
        "## Niklaus builds his web framework",
        "## Barbara tries to use the embedded runtime",
        "## Alan has a blast standing up a web server",
        "## Grace deploys her service and is able to fix problems",
        "## Grace discovers the joy of generators",
        "# Async functions in traits",
        "| [Async functions in traits](design_docs/async_fn_in_traits.md) | [@nikomatsakis](https://github.com/nikomatsakis) | 🥬 | 2021-02 |",
        "| 🥬 | \"Healthy\" -- on track with the plan as described in the doc |",
        "| ⚰️ | We gave up on this idea =) |",
        "# ✏️ Design tenets for vision docs",
        "# 💬 Conversations",
        "# ❓ How to vision doc",
    ];
    for entry in seed_entries {
        assert!(
            all.contains(entry),
            "missing from the example book: {entry}"
        );
    }
}
