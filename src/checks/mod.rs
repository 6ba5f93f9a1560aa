//! Checks read the analysis and report diagnostics; they never edit text.

mod directives;
mod faq;
mod roadmap;
mod status;
mod stories;

use crate::diag::Reporter;
use crate::Analysis;

/// Runs every check over the book.
pub fn run(a: &Analysis, reporter: &mut Reporter) {
    directives::check(a, reporter);
    status::check(a, reporter);
    stories::check(a, reporter);
    faq::check(a, reporter);
    roadmap::check(a, reporter);
}
