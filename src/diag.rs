//! Diagnostics as data: named lints with levels, and their human, JSON and
//! GitHub Actions renderings.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How seriously a lint is taken, as set in `[preprocessor.vision.lints]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// What a reported diagnostic is: an error fails the build, a warning does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A named check with the level it has unless the book says otherwise.
#[derive(Debug)]
pub struct Lint {
    pub name: &'static str,
    pub default: Level,
    pub summary: &'static str,
}

macro_rules! lints {
    ($($ident:ident = $name:literal, $level:ident, $summary:literal;)*) => {
        $(pub const $ident: &Lint = &Lint { name: $name, default: Level::$level, summary: $summary };)*
        /// Every lint this tool knows, for config validation and documentation.
        pub const ALL_LINTS: &[&Lint] = &[$($ident),*];
    };
}

lints! {
    INVALID_DIRECTIVE = "invalid-directive", Deny, "a `{{#vision ...}}` directive that cannot be parsed";
    MISPLACED_DIRECTIVE = "misplaced-directive", Deny, "a directive that is not a paragraph of its own, or an entry directive that does not follow a heading";
    UNKNOWN_STATUS = "unknown-status", Deny, "a status that is not configured";
    UNRESOLVED_REFERENCE = "unresolved-reference", Deny, "a reference that names no entry";
    AMBIGUOUS_REFERENCE = "ambiguous-reference", Deny, "a reference that names several entries";
    WRONG_KIND = "wrong-kind", Deny, "a reference to an entry of the wrong kind";
    BROKEN_LINK = "broken-link", Warn, "a link to a chapter or anchor that does not exist";
    INVALID_DATE = "invalid-date", Deny, "a roadmap date that is not YYYY-MM or YYYY-MM-DD";
    STALE_ROADMAP_ITEM = "stale-roadmap-item", Warn, "a roadmap row not updated for too long";
    MISSING_FAQ_SECTION = "missing-faq-section", Warn, "an entry without a Frequently Asked Questions section";
    MISSING_FAQ = "missing-faq", Warn, "an entry that does not ask a required question";
    UNANSWERED_FAQ = "unanswered-faq", Warn, "a required question with an empty or placeholder answer";
}

/// Finds a lint by its name.
pub fn lint_named(name: &str) -> Option<&'static Lint> {
    ALL_LINTS.iter().copied().find(|l| l.name == name)
}

/// One problem, located in a chapter's source file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub lint: &'static str,
    pub level: Severity,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end: Position,
    pub help: Vec<String>,
    /// The source line the diagnostic points at, for the human rendering.
    #[serde(skip)]
    pub source_line: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Collects diagnostics, applying the book's lint levels.
#[derive(Debug, Default)]
pub struct Reporter {
    levels: BTreeMap<String, Level>,
    diagnostics: Vec<Diagnostic>,
}

/// A diagnostic before its level is decided and its position is resolved.
pub struct Draft {
    pub lint: &'static Lint,
    pub message: String,
    pub help: Vec<String>,
}

impl Draft {
    pub fn new(lint: &'static Lint, message: impl Into<String>) -> Draft {
        Draft {
            lint,
            message: message.into(),
            help: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Draft {
        self.help.push(help.into());
        self
    }
}

impl Reporter {
    pub fn new(levels: BTreeMap<String, Level>) -> Reporter {
        Reporter {
            levels,
            diagnostics: Vec::new(),
        }
    }

    /// The level the book gives this lint.
    pub fn level(&self, lint: &Lint) -> Level {
        self.levels.get(lint.name).copied().unwrap_or(lint.default)
    }

    /// Whether a diagnostic of this lint would be shown at all.
    pub fn enabled(&self, lint: &Lint) -> bool {
        self.level(lint) != Level::Allow
    }

    /// Records a diagnostic at a byte range of a chapter's text.
    pub fn report(&mut self, file: &SourceFile<'_>, span: std::ops::Range<usize>, draft: Draft) {
        let severity = match self.level(draft.lint) {
            Level::Allow => return,
            Level::Warn => Severity::Warning,
            Level::Deny => Severity::Error,
        };
        // One pass from the top of the file to the start; the end and the
        // source line are found from there (a book can have thousands of these).
        let (start, line_start) = file.locate(span.start);
        let (end, _) = file.locate_from(start, line_start, span.end.max(span.start));
        self.diagnostics.push(Diagnostic {
            lint: draft.lint.name,
            level: severity,
            message: draft.message,
            file: file.display_path.to_string(),
            line: start.line,
            column: start.column,
            end,
            help: draft.help,
            source_line: file.line_at(line_start, start.line).to_string(),
        });
    }

    /// The diagnostics sorted by file, line and column (stable for equal positions).
    pub fn finish(mut self) -> Vec<Diagnostic> {
        let d = &mut self.diagnostics;
        // The order is found among their numbers, then the diagnostics are
        // moved into it: a stable sort of the diagnostics themselves would
        // take room for half of them again (a book can have thousands).
        let mut order: Vec<u32> = (0..d.len() as u32).collect();
        order.sort_by(|&i, &j| {
            let (a, b) = (&d[i as usize], &d[j as usize]);
            (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column))
        });
        // Place `order[k]` at `k`, one cycle of the permutation at a time.
        for start in 0..order.len() {
            let mut at = start;
            while order[at] as usize != start {
                let from = order[at] as usize;
                d.swap(at, from);
                order[at] = at as u32;
                at = from;
            }
            order[at] = at as u32;
        }
        self.diagnostics
    }
}

/// A chapter's text with the path it is reported under; turns byte offsets
/// into 1-based lines and character columns.
pub struct SourceFile<'a> {
    pub display_path: &'a str,
    pub text: &'a str,
}

impl SourceFile<'_> {
    pub fn position(&self, offset: usize) -> Position {
        self.locate(offset).0
    }

    /// The position of `offset` and where its line starts.
    fn locate(&self, offset: usize) -> (Position, usize) {
        self.locate_from(Position { line: 1, column: 1 }, 0, offset)
    }

    /// [`SourceFile::locate`], counting on from `from`, a position at or
    /// before `offset` whose line starts at byte `line_start`.
    fn locate_from(&self, from: Position, line_start: usize, offset: usize) -> (Position, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len())).max(line_start);
        let between = &self.text.as_bytes()[line_start..offset];
        let newlines = memchr::memchr_iter(b'\n', between).count();
        let start = memchr::memrchr(b'\n', between).map_or(line_start, |i| line_start + i + 1);
        let mut column_text = &self.text[start..offset];
        // A byte-order mark is not something an editor counts as a column.
        if start == 0 {
            column_text = column_text.strip_prefix('\u{feff}').unwrap_or(column_text);
        }
        let position = Position {
            line: from.line + newlines,
            column: column_text.chars().count() + 1,
        };
        (position, start)
    }

    /// The text of line `line` (1-based), which starts at byte `line_start`,
    /// without its line ending.
    fn line_at(&self, line_start: usize, line: usize) -> &str {
        let rest = &self.text[line_start..];
        let text = rest.split('\n').next().unwrap_or("");
        let text = text.strip_suffix('\r').unwrap_or(text);
        if line == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let text = self
            .text
            .split('\n')
            .nth(line.saturating_sub(1))
            .unwrap_or("");
        let text = text.strip_suffix('\r').unwrap_or(text);
        if line == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Counts of each severity, for the summary line and the exit code.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.level == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
}

/// The rustc-style rendering of all diagnostics followed by one summary line;
/// empty when there is nothing to say.
pub fn render_human(diagnostics: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for d in diagnostics {
        push_human(&mut out, d, color);
    }
    push_human_summary(&mut out, diagnostics);
    out
}

/// [`render_human`]'s text written to `out` a diagnostic at a time, never
/// made whole: a big book's warnings run to megabytes, and the book is
/// still in memory while they are shown.
pub fn write_human(
    out: &mut dyn std::io::Write,
    diagnostics: &[Diagnostic],
    color: bool,
) -> std::io::Result<()> {
    let mut chunk = String::new();
    for d in diagnostics {
        chunk.clear();
        push_human(&mut chunk, d, color);
        out.write_all(chunk.as_bytes())?;
    }
    chunk.clear();
    push_human_summary(&mut chunk, diagnostics);
    out.write_all(chunk.as_bytes())
}

/// The line that counts the errors and warnings, if there are any.
fn push_human_summary(out: &mut String, diagnostics: &[Diagnostic]) {
    let (errors, warnings) = counts(diagnostics);
    if errors + warnings > 0 {
        let _ = writeln!(out, "{}", summary_line(errors, warnings));
    }
}

/// One diagnostic as [`render_human`] shows it.
fn push_human(out: &mut String, d: &Diagnostic, color: bool) {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let (code, label) = match d.level {
        Severity::Error => ("1;31", "error"),
        Severity::Warning => ("1;33", "warning"),
    };
    let gutter = " ".repeat(d.line.to_string().len());
    let _ = writeln!(
        out,
        "{}{}",
        paint(code, &format!("{label}[{}]", d.lint)),
        paint("1", &format!(": {}", d.message))
    );
    let _ = writeln!(
        out,
        "{gutter}{} {}:{}:{}",
        paint("1;34", "-->"),
        d.file,
        d.line,
        d.column
    );
    let bar = paint("1;34", "|");
    let _ = writeln!(out, "{gutter} {bar}");
    let _ = writeln!(
        out,
        "{} {bar} {}",
        paint("1;34", &d.line.to_string()),
        d.source_line
    );
    let _ = writeln!(out, "{gutter} {bar}");
    for help in &d.help {
        let _ = writeln!(out, "{gutter} {} help: {help}", paint("1;34", "="));
    }
    out.push('\n');
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "mdbook-vision: 2 errors, 1 warning" and the like.
pub fn summary_line(errors: usize, warnings: usize) -> String {
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    if parts.is_empty() {
        "mdbook-vision: no problems found".to_string()
    } else {
        format!("mdbook-vision: {}", parts.join(", "))
    }
}

/// All diagnostics as one JSON array.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(diagnostics).unwrap_or_else(|_| "[]".to_string()) + "\n"
}

/// GitHub Actions workflow commands, one line per diagnostic.
pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let mut message = d.message.clone();
        for help in &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            d.level.as_str(),
            escape_property(&d.file),
            d.line,
            d.column,
            d.end.line,
            d.end.column,
            escape_property(d.lint),
            escape_data(&message)
        );
    }
    out
}

/// Escaping for the message part of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a property value of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(text: &str, offset: usize) -> Diagnostic {
        let file = SourceFile {
            display_path: "src/x.md",
            text,
        };
        let mut reporter = Reporter::default();
        reporter.report(
            &file,
            offset..offset + 1,
            Draft::new(MISSING_FAQ, "no \"morals\"").help("add it"),
        );
        reporter.finish().remove(0)
    }

    /// Lines and columns the slow way, from the top of the text.
    fn naive(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let lines: Vec<&str> = text[..offset].split('\n').collect();
        let last = lines.last().unwrap().trim_start_matches('\u{feff}');
        let last = if lines.len() == 1 {
            last
        } else {
            lines.last().unwrap()
        };
        Position {
            line: lines.len(),
            column: last.chars().count() + 1,
        }
    }

    #[test]
    fn finished_diagnostics_are_in_file_and_position_order_and_stable_for_ties() {
        let text = "a\nb\nc\nd\n";
        let (x, y) = ("src/x.md", "src/a.md");
        // (file, offset) in report order; messages number them.
        let reports = [
            (x, 6),
            (y, 2),
            (x, 0),
            (x, 6),
            (y, 0),
            (x, 2),
            (x, 6),
            (y, 2),
        ];
        let mut reporter = Reporter::default();
        for (n, (path, at)) in reports.iter().enumerate() {
            let file = SourceFile {
                display_path: path,
                text,
            };
            reporter.report(&file, *at..*at + 1, Draft::new(MISSING_FAQ, n.to_string()));
        }
        let order: Vec<String> = reporter
            .finish()
            .into_iter()
            .map(|d| format!("{}:{}:{}", d.file, d.line, d.message))
            .collect();
        assert_eq!(
            order,
            [
                "src/a.md:1:4",
                "src/a.md:2:1",
                "src/a.md:2:7",
                "src/x.md:1:2",
                "src/x.md:2:5",
                "src/x.md:4:0",
                "src/x.md:4:3",
                "src/x.md:4:6"
            ]
        );
    }

    #[test]
    fn ends_are_counted_on_from_the_start() {
        let text = "\u{feff}x\r\nb😀c\n\nd";
        let file = SourceFile {
            display_path: "src/x.md",
            text,
        };
        for start in 0..=text.len() {
            for end in start..=text.len() + 2 {
                let mut reporter = Reporter::default();
                reporter.report(&file, start..end, Draft::new(MISSING_FAQ, "m"));
                let d = reporter.finish().remove(0);
                let at = naive(text, start);
                assert_eq!((d.line, d.column), (at.line, at.column), "{start}..{end}");
                assert_eq!(d.end, naive(text, end), "{start}..{end}");
                assert_eq!(d.source_line, file.line_text(at.line), "{start}..{end}");
            }
        }
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let d = sample("a\r\nb😀c\nd", 8);
        assert_eq!((d.line, d.column), (2, 3));
        assert_eq!(d.source_line, "b😀c");
        let bom = sample("\u{feff}ab", 4);
        assert_eq!((bom.line, bom.column), (1, 2));
    }

    #[test]
    fn human_rendering_looks_like_rustc() {
        let text = "# T\n\n## Grace\n";
        let d = sample(text, 5);
        let out = render_human(&[d], false);
        assert_eq!(
            out,
            "warning[missing-faq]: no \"morals\"\n --> src/x.md:3:1\n  |\n3 | ## Grace\n  |\n  = help: add it\n\nmdbook-vision: 1 warning\n"
        );
    }

    #[test]
    fn written_a_diagnostic_at_a_time_is_the_same_text() {
        let many = [sample("# T\n\n## Grace\n", 5), sample("a\r\nb😀c\nd", 8)];
        for diagnostics in [&many[..], &many[..1], &[]] {
            for color in [false, true] {
                let mut written = Vec::new();
                write_human(&mut written, diagnostics, color).unwrap();
                let made = render_human(diagnostics, color);
                assert_eq!(String::from_utf8(written).unwrap(), made);
                assert_eq!(made.is_empty(), diagnostics.is_empty());
            }
        }
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let mut d = sample("x", 0);
        d.file = "src/a,b:c.md".into();
        d.message = "50% done\nnext".into();
        d.help.clear();
        let line = render_github(&[d]);
        assert_eq!(
            line,
            "::warning file=src/a%2Cb%3Ac.md,line=1,col=1,endLine=1,endColumn=2,title=missing-faq::50%25 done%0Anext\n"
        );
    }

    #[test]
    fn levels_from_config_override_defaults() {
        let mut levels = BTreeMap::new();
        levels.insert("missing-faq".to_string(), Level::Allow);
        levels.insert("broken-link".to_string(), Level::Deny);
        let r = Reporter::new(levels);
        assert!(!r.enabled(MISSING_FAQ));
        assert_eq!(r.level(BROKEN_LINK), Level::Deny);
        assert_eq!(r.level(UNKNOWN_STATUS), Level::Deny);
    }
}
