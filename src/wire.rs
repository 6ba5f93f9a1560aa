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

/// How deeply the input JSON may nest. A chapter nested `n` deep in
/// `sub_items` sits about `3n` levels down, so this allows books thousands of
/// levels deep while bounding the memory an absurd input can claim.
pub const MAX_DEPTH: usize = 20_000;

/// Parses the `[context, book]` pair.
pub fn parse(bytes: &[u8]) -> Result<Request, WireError> {
    if let Some(depth) = deeper_than(bytes, MAX_DEPTH) {
        return Err(WireError::Json(format!(
            "it nests deeper than {MAX_DEPTH} levels (at byte {depth})"
        )));
    }
    // serde_json stops at 128 levels by default; a deep book is still a book.
    // The stacker grows the stack on the heap so deep nesting cannot overflow it.
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.disable_recursion_limit();
    let value = serde::Deserialize::deserialize(serde_stacker::Deserializer::new(&mut de))
        .and_then(|v: Value| de.end().map(|()| v));
    let value = value.map_err(|e| WireError::Json(e.to_string()))?;
    let Value::Array(mut pair) = value else {
        dismantle(value);
        return Err(WireError::Shape(
            "expected a JSON array `[context, book]`".into(),
        ));
    };
    if pair.len() != 2 {
        let n = pair.len();
        dismantle(Value::Array(pair));
        return Err(WireError::Shape(format!(
            "expected `[context, book]`, found an array of {n} elements"
        )));
    }
    let book = pair.pop().unwrap_or(Value::Null);
    let context = pair.pop().unwrap_or(Value::Null);
    // From here on the pair is a `Request`, whose drop is iterative.
    let request = Request {
        context,
        book,
        shape: Shape::Items,
    };
    check_request(request)
}

/// Where the input first nests deeper than `max` arrays and objects, if it does.
fn deeper_than(bytes: &[u8], max: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Drops a JSON value without recursion, so a deeply nested one cannot
/// overflow the stack.
pub fn dismantle(value: Value) {
    let mut stack = vec![value];
    while let Some(mut v) = stack.pop() {
        match &mut v {
            Value::Array(a) => stack.append(a),
            Value::Object(o) => stack.extend(std::mem::take(o).into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        dismantle(std::mem::take(&mut self.context));
        dismantle(std::mem::take(&mut self.book));
    }
}

/// Checks the pair's shape (the request drops iteratively on every error).
fn check_request(mut request: Request) -> Result<Request, WireError> {
    let (context, book) = (&request.context, &request.book);
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
    check_items(&book[shape.key()]).map_err(WireError::Shape)?;
    request.shape = shape;
    Ok(request)
}

/// Checks that every chapter has the fields we read, so that taking and
/// putting back chapters cannot fail later. Iterative: nesting depth is
/// bounded only by [`MAX_DEPTH`].
fn check_items(items: &Value) -> Result<(), String> {
    // Each level: the items being walked, and the (1-based number, chapter) that holds them.
    type Level<'a> = (
        std::iter::Enumerate<std::slice::Iter<'a, Value>>,
        Option<(usize, &'a Value)>,
    );
    let mut stack: Vec<Level<'_>> = Vec::new();
    let Some(top) = items.as_array() else {
        return Err("book: expected an array of book items".into());
    };
    stack.push((top.iter().enumerate(), None));
    let at = |stack: &[(_, Option<(usize, &Value)>)]| {
        let mut at = String::from("book");
        for (_, holder) in stack {
            if let Some((n, ch)) = holder {
                at.push_str(&format!(
                    " item {n} (\"{}\")",
                    ch["name"].as_str().unwrap_or("")
                ));
            }
        }
        at
    };
    while let Some((iter, _)) = stack.last_mut() {
        let Some((i, item)) = iter.next() else {
            stack.pop();
            continue;
        };
        let Some(chapter) = item.get("Chapter") else {
            continue; // Separator, PartTitle and anything newer pass through untouched
        };
        let here = || format!("{} item {}", at(&stack), i + 1);
        let Some(ch) = chapter.as_object() else {
            return Err(format!("{}: `Chapter` is not an object", here()));
        };
        if !ch.get("content").is_some_and(Value::is_string) {
            return Err(format!("{}: chapter has no string `content`", here()));
        }
        if !ch.get("name").is_some_and(Value::is_string) {
            return Err(format!("{}: chapter has no string `name`", here()));
        }
        if let Some(sub) = ch.get("sub_items") {
            let Some(sub) = sub.as_array() else {
                return Err(format!(
                    "{} (\"{}\"): expected an array of book items",
                    here(),
                    ch["name"].as_str().unwrap_or("")
                ));
            };
            stack.push((sub.iter().enumerate(), Some((i + 1, chapter))));
        }
    }
    Ok(())
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
    write_value(&request.book, writer)
}

/// Writes a JSON value of any depth (the stack grows on the heap as needed).
pub fn write_value<W: std::io::Write>(value: &Value, writer: W) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::new(writer);
    serde::Serialize::serialize(value, serde_stacker::Serializer::new(&mut ser))
        .map_err(std::io::Error::other)
}
