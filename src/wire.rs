//! mdBook's preprocessor protocol, for both lines: `[context, book]` JSON in,
//! the book JSON out, in the shape it came (0.4: `sections`, 0.5: `items`).
//!
//! The book is kept as a JSON value so every field we do not touch — including
//! ones a future mdBook adds — goes back exactly as it came.

use crate::anchor::MdbookLine;
use crate::ChapterText;
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// mdBook 0.4: `{"sections": [...], "__non_exhaustive": null}`.
    Sections,
    /// mdBook 0.5: `{"items": [...]}`.
    Items,
}

impl Shape {
    fn key(self) -> &'static str {
        match self {
            Shape::Sections => "sections",
            Shape::Items => "items",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
    #[error("the input is not valid JSON: {0}")]
    Json(String),
    #[error("the input is not what mdBook sends: {0}")]
    Shape(String),
}

/// What mdBook sent.
#[derive(Debug)]
pub struct Request {
    pub context: Value,
    pub book: Value,
    pub shape: Shape,
}

impl Request {
    pub fn mdbook_version(&self) -> &str {
        self.context
            .get("mdbook_version")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The book's configuration (book.toml as JSON).
    pub fn book_config(&self) -> &Value {
        self.context.get("config").unwrap_or(&Value::Null)
    }

    /// The book's source directory as written in book.toml (`src` by default).
    pub fn src_dir(&self) -> String {
        self.book_config()
            .get("book")
            .and_then(|b| b.get("src"))
            .and_then(Value::as_str)
            .unwrap_or("src")
            .to_string()
    }

    /// Which mdBook line renders this book: from the version, else from the shape.
    pub fn line(&self) -> MdbookLine {
        match semver::Version::parse(self.mdbook_version()) {
            Ok(v) => MdbookLine::from_version(&v),
            Err(_) => match self.shape {
                Shape::Sections => MdbookLine::V04,
                Shape::Items => MdbookLine::V05,
            },
        }
    }
}

/// Parses the `[context, book]` pair.
pub fn parse(bytes: &[u8]) -> Result<Request, WireError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| WireError::Json(e.to_string()))?;
    let Value::Array(mut pair) = value else {
        return Err(WireError::Shape(
            "expected a JSON array `[context, book]`".into(),
        ));
    };
    if pair.len() != 2 {
        return Err(WireError::Shape(format!(
            "expected `[context, book]`, found an array of {} elements",
            pair.len()
        )));
    }
    let book = pair.pop().unwrap_or(Value::Null);
    let context = pair.pop().unwrap_or(Value::Null);
    let Value::Object(ctx) = &context else {
        return Err(WireError::Shape("the context is not a JSON object".into()));
    };
    for field in ["root", "config", "renderer", "mdbook_version"] {
        if !ctx.contains_key(field) {
            return Err(WireError::Shape(format!(
                "the context has no `{field}` field"
            )));
        }
    }
    if !ctx["config"].is_object() {
        return Err(WireError::Shape(
            "the context's `config` is not an object".into(),
        ));
    }
    let Value::Object(b) = &book else {
        return Err(WireError::Shape("the book is not a JSON object".into()));
    };
    let shape =
        match (b.get("items"), b.get("sections")) {
            (Some(Value::Array(_)), _) => Shape::Items,
            (_, Some(Value::Array(_))) => Shape::Sections,
            _ => return Err(WireError::Shape(
                "the book has neither an `items` (mdBook 0.5) nor a `sections` (mdBook 0.4) array"
                    .into(),
            )),
        };
    let mut problems = Vec::new();
    check_items(&book[shape.key()], "book", &mut problems);
    if let Some(p) = problems.into_iter().next() {
        return Err(WireError::Shape(p));
    }
    Ok(Request {
        context,
        book,
        shape,
    })
}

/// Checks that every chapter has the fields we read, so that taking and
/// putting back chapters cannot fail later.
fn check_items(items: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(items) = items.as_array() else {
        problems.push(format!("{at}: expected an array of book items"));
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let Some(chapter) = item.get("Chapter") else {
            continue; // Separator, PartTitle and anything newer pass through untouched
        };
        let here = format!("{at} item {}", i + 1);
        let Some(ch) = chapter.as_object() else {
            problems.push(format!("{here}: `Chapter` is not an object"));
            return;
        };
        if !ch.get("content").is_some_and(Value::is_string) {
            problems.push(format!("{here}: chapter has no string `content`"));
            return;
        }
        if !ch.get("name").is_some_and(Value::is_string) {
            problems.push(format!("{here}: chapter has no string `name`"));
            return;
        }
        if let Some(sub) = ch.get("sub_items") {
            check_items(
                sub,
                &format!("{here} (\"{}\")", ch["name"].as_str().unwrap_or("")),
                problems,
            );
        }
    }
}

/// A one-line warning when the running mdBook is of a line this build was not
/// made for; silent for every 0.4.x and 0.5.x.
pub fn version_warning(version: &str) -> Option<String> {
    match semver::Version::parse(version) {
        Ok(v) if v.major == 0 && (v.minor == 4 || v.minor == 5) => None,
        Ok(v) => Some(format!(
            "mdbook-vision: warning: built for mdBook 0.4 and 0.5, called from mdBook {v}; carrying on"
        )),
        Err(_) => Some(format!(
            "mdbook-vision: warning: mdBook sent an unreadable version `{version}`; carrying on"
        )),
    }
}

/// Every chapter's text, in book order (depth first), with its content moved
/// out of the book; [`put_chapters`] moves it back.
pub fn take_chapters(request: &mut Request) -> Vec<ChapterText> {
    let mut out = Vec::new();
    let key = request.shape.key();
    walk(&mut request.book[key], &mut |ch| {
        let string = |k: &str| ch.get(k).and_then(Value::as_str).map(str::to_string);
        let (name, source_path, path) = (string("name"), string("source_path"), string("path"));
        let content = match ch.get_mut("content") {
            Some(Value::String(s)) => std::mem::take(s),
            _ => String::new(),
        };
        out.push(ChapterText {
            name: name.unwrap_or_default(),
            source_path,
            path,
            content,
        });
    });
    out
}

/// Puts each chapter's text back (the new text where there is one).
pub fn put_chapters(request: &mut Request, chapters: Vec<ChapterText>, new: Vec<Option<String>>) {
    let mut texts = chapters
        .into_iter()
        .zip(new)
        .map(|(c, n)| n.unwrap_or(c.content));
    let key = request.shape.key();
    walk(&mut request.book[key], &mut |ch| {
        if let (Some(Value::String(s)), Some(text)) = (ch.get_mut("content"), texts.next()) {
            *s = text;
        }
    });
}

/// Visits every chapter object depth first, with an explicit stack so deep
/// nesting cannot overflow ours.
fn walk(items: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let mut stack: Vec<std::slice::IterMut<'_, Value>> = Vec::new();
    if let Some(a) = items.as_array_mut() {
        stack.push(a.iter_mut());
    }
    while let Some(top) = stack.last_mut() {
        let Some(item) = top.next() else {
            stack.pop();
            continue;
        };
        if let Some(Value::Object(ch)) = item.get_mut("Chapter") {
            f(ch);
            if let Some(Value::Array(sub)) = ch.get_mut("sub_items") {
                stack.push(sub.iter_mut());
            }
        }
    }
}

/// The book as mdBook expects it back.
pub fn write_book<W: std::io::Write>(request: &Request, writer: W) -> std::io::Result<()> {
    serde_json::to_writer(writer, &request.book).map_err(std::io::Error::other)
}
