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

/// Parses the `[context, book]` pair from bytes.
pub fn parse(bytes: &[u8]) -> Result<Request, WireError> {
    parse_reader(bytes)
}

/// Parses the `[context, book]` pair as it streams in, so the input never
/// sits in memory next to the parsed book.
pub fn parse_reader<R: std::io::Read>(reader: R) -> Result<Request, WireError> {
    parse_streaming(reader, |_| None::<Keep>).0
}

/// Receives each chapter's text the moment it is parsed, so work on it can
/// start while the rest of the book is still arriving.
pub trait ContentSink {
    /// `chapter` is the chapter's number in book order (as [`take_chapters`]
    /// lists them).
    fn content(&mut self, chapter: usize, text: String);
}

/// No sink: every text stays in the book.
enum Keep {}

impl ContentSink for Keep {
    fn content(&mut self, _: usize, _: String) {
        match *self {}
    }
}

/// Like [`parse_reader`], handing every chapter's text to the sink that
/// `start` makes from the context (which precedes the book), if it makes
/// one. A chapter whose text went to the sink holds its number (in decimal)
/// instead, which [`take_chapters`] hands back as [`ChapterText::content`].
/// The sink is returned even when parsing fails.
pub fn parse_streaming<R, S, F>(reader: R, start: F) -> (Result<Request, WireError>, Option<S>)
where
    R: std::io::Read,
    S: ContentSink,
    F: FnOnce(&Value) -> Option<S>,
{
    let mut sink = None;
    // serde_json stops at 128 levels by default; a deep book is still a book.
    // The stacker grows the stack on the heap so deep nesting cannot overflow
    // it, and `Bounded` stops absurd nesting before it claims much memory.
    let mut de = serde_json::Deserializer::from_reader(reader);
    de.disable_recursion_limit();
    let root = Root {
        start,
        sink: &mut sink,
    };
    let value =
        serde::de::DeserializeSeed::deserialize(root, serde_stacker::Deserializer::new(&mut de))
            .and_then(|v: Value| match de.end() {
                Ok(()) => Ok(v),
                Err(e) => {
                    dismantle(v);
                    Err(e)
                }
            });
    let request = value
        .map_err(|e| WireError::Json(e.to_string()))
        .and_then(into_request);
    (request, sink)
}

fn into_request(value: Value) -> Result<Request, WireError> {
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

/// Where in mdBook's JSON a value sits, as far as finding chapter texts goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Other,
    /// The book: its `items` / `sections` hold the chapters.
    Book,
    /// A list of book items.
    Items,
    /// One book item: `{"Chapter": {...}}`, `"Separator"`, ...
    Item,
    Chapter,
    /// The `content` of the chapter with this number.
    Content(usize),
}

/// Chapter numbers handed out so far, and where their texts go.
struct Capture<'s> {
    chapters: usize,
    sink: &'s mut dyn ContentSink,
}

/// The top-level `[context, book]`: the context first, then the sink it
/// makes takes the book's chapter texts.
struct Root<'o, S, F> {
    start: F,
    sink: &'o mut Option<S>,
}

impl<'de, S: ContentSink, F: FnOnce(&Value) -> Option<S>> serde::de::DeserializeSeed<'de>
    for Root<'_, S, F>
{
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: ContentSink, F: FnOnce(&Value) -> Option<S>> serde::de::Visitor<'de>
    for Root<'_, S, F>
{
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the `[context, book]` pair")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        let mut start = Some(self.start);
        loop {
            let place = if out.len() == 1 {
                Place::Book
            } else {
                Place::Other
            };
            let sink = match (out.first(), start.take()) {
                (Some(context), Some(start)) if place == Place::Book => {
                    *self.sink = start(context);
                    self.sink.as_mut()
                }
                (_, start_again) => {
                    start = start_again;
                    None
                }
            };
            let mut capture = sink.map(|sink| Capture {
                chapters: 0,
                sink: sink as &mut dyn ContentSink,
            });
            let seed = Bounded {
                depth: 1,
                place,
                capture: capture.as_mut(),
                chapter: None,
            };
            match seq.next_element_seed(seed) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Ok(Value::Array(out)),
                Err(e) => {
                    dismantle(Value::Array(out));
                    return Err(e);
                }
            }
        }
    }
    // Anything else is not a pair; it parses as a value and is refused after.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        Bounded::top().visit_map(map)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// Deserializes a JSON value no deeper than [`MAX_DEPTH`], handing chapter
/// texts to the capture (if any) on the way.
struct Bounded<'a, 's> {
    depth: usize,
    place: Place,
    capture: Option<&'a mut Capture<'s>>,
    /// At a chapter object: its number.
    chapter: Option<usize>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Bounded<'_, '_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'s> Bounded<'_, 's> {
    fn top() -> Bounded<'static, 'static> {
        Bounded {
            depth: 0,
            place: Place::Other,
            capture: None,
            chapter: None,
        }
    }

    /// The seed for a value inside this one.
    fn nested<E: serde::de::Error>(&mut self, place: Place) -> Result<Bounded<'_, 's>, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!(
                "it nests deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(Bounded {
            depth: self.depth + 1,
            place,
            capture: self.capture.as_deref_mut(),
            chapter: None,
        })
    }

    /// Where the value under `key` of a map at this place sits.
    fn place_of(&self, key: &str) -> Place {
        match (self.place, key) {
            (Place::Book, "items" | "sections") | (Place::Chapter, "sub_items") => Place::Items,
            (Place::Item, "Chapter") => Place::Chapter,
            (Place::Chapter, "content") => self.chapter.map_or(Place::Other, Place::Content),
            _ => Place::Other,
        }
    }

    fn string(self, v: String) -> Value {
        match (self.place, self.capture) {
            (Place::Content(chapter), Some(capture)) => {
                capture.sink.content(chapter, v);
                Value::String(chapter.to_string())
            }
            _ => Value::String(v),
        }
    }
}

impl<'de> serde::de::Visitor<'de> for Bounded<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(self.string(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(self.string(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::de::DeserializeSeed::deserialize(self, d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        let place = match self.place {
            Place::Items => Place::Item,
            _ => Place::Other,
        };
        let mut out = Vec::new();
        loop {
            match seq.next_element_seed(self.nested(place)?) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Ok(Value::Array(out)),
                Err(e) => {
                    dismantle(Value::Array(out));
                    return Err(e);
                }
            }
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        if let (Place::Chapter, Some(capture)) = (self.place, self.capture.as_deref_mut()) {
            // Numbered as the chapter opens: book order, whatever the key order.
            self.chapter = Some(capture.chapters);
            capture.chapters += 1;
        }
        let mut out = Map::new();
        loop {
            let key = match map.next_key::<String>() {
                Ok(Some(k)) => k,
                Ok(None) => return Ok(Value::Object(out)),
                Err(e) => {
                    dismantle(Value::Object(out));
                    return Err(e);
                }
            };
            let place = self.place_of(&key);
            match map.next_value_seed(self.nested(place)?) {
                Ok(v) => {
                    out.insert(key, v);
                }
                Err(e) => {
                    dismantle(Value::Object(out));
                    return Err(e);
                }
            }
        }
    }
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
    if b.contains_key("items") && b.contains_key("sections") {
        return Err(WireError::Shape(
            "the book has both `items` (mdBook 0.5) and `sections` (mdBook 0.4)".into(),
        ));
    }
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

/// Puts each chapter's final text back, in the order [`take_chapters`] took
/// them (the iterator may make each text as it is asked for it).
pub fn put_chapters(request: &mut Request, texts: impl IntoIterator<Item = String>) {
    let mut texts = texts.into_iter();
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
