//! mdBook's preprocessor protocol, for both lines: `[context, book]` JSON in,
//! the book JSON out, in the shape it came (0.4: `sections`, 0.5: `items`).
//!
//! Chapters are read into small typed records and everything else stays JSON,
//! so every field we do not touch — including ones a future mdBook adds — goes
//! back as it came, in the order it came.

use crate::anchor::MdbookLine;
use crate::escape::LoneSurrogate;
use crate::ChapterText;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;

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
    pub book: Book,
    pub shape: Shape,
}

/// The book as mdBook sent it: its keys in the order they came, the list of
/// book items typed (chapters are what we read and change), everything else
/// (`__non_exhaustive`, a field a future mdBook adds) kept as JSON.
///
/// Typed rather than one `serde_json::Value`: a chapter costs a few hundred
/// bytes here instead of a map node per object and a string per key.
#[derive(Debug, Default)]
pub struct Book {
    fields: Vec<(String, BookField)>,
}

#[derive(Debug)]
enum BookField {
    Items(Vec<Item>),
    Value(Value),
}

/// One book item: a chapter, or anything else (`"Separator"`,
/// `{"PartTitle": ...}`, an item kind a future mdBook adds) kept as JSON.
#[derive(Debug)]
pub enum Item {
    Chapter(Chapter),
    Value(Value),
    /// An object with `Chapter` and other keys besides, which no mdBook reads.
    Malformed,
}

/// A chapter object: the fields we read typed, the rest as compact JSON, and
/// the order of all of them as they came.
#[derive(Debug, Default)]
pub struct Chapter {
    name: String,
    content: String,
    /// Where the text still lies in the input, as the JSON string it was
    /// read as (quotes included), until it is unescaped; `content` is empty
    /// meanwhile.
    token: Option<(usize, usize)>,
    sub_items: Vec<Item>,
    fields: Vec<Field>,
    /// The other fields' values, written as compact JSON one after another
    /// as they were read: one string a chapter rather than a tree of values
    /// (`number`, `path`, `parent_names`, …) that are only written back.
    json: String,
}

/// A key of a chapter object, in input order.
#[derive(Debug)]
enum Field {
    /// A string `name`, kept in [`Chapter::name`].
    Name,
    /// A string `content`, kept in [`Chapter::content`].
    Content,
    /// An array `sub_items`, kept in [`Chapter::sub_items`].
    SubItems,
    /// Any other key (or one of the above with a value of another type), and
    /// where its value is in [`Chapter::json`]. 16 bytes: every chapter keeps
    /// several.
    Other(KeyAt, u32, u32),
}

/// A kept field's key: one of [`KNOWN_KEYS`] by its index, or (from
/// `KNOWN_KEYS.len()` on) where the key's own text starts in
/// [`Chapter::json`], right before the value.
#[derive(Clone, Copy, Debug)]
struct KeyAt(u32);

/// The keys mdBook writes, so that most chapters keep no key strings.
const KNOWN_KEYS: [&str; 7] = [
    "name",
    "content",
    "number",
    "sub_items",
    "path",
    "source_path",
    "parent_names",
];

impl Field {
    /// The field's key; `json` is its chapter's [`Chapter::json`].
    fn key<'a>(&self, json: &'a str) -> &'a str {
        match self {
            Field::Name => "name",
            Field::Content => "content",
            Field::SubItems => "sub_items",
            Field::Other(KeyAt(at), start, _) => match KNOWN_KEYS.get(*at as usize) {
                Some(known) => known,
                None => &json[*at as usize - KNOWN_KEYS.len()..*start as usize],
            },
        }
    }
}

impl Chapter {
    /// The value of a field kept as JSON, when it is a string.
    fn string(&self, key: &str) -> Option<String> {
        self.fields.iter().find_map(|f| match f {
            Field::Other(_, start, end) if f.key(&self.json) == key => {
                let json = self.json(*start, *end);
                json.starts_with('"')
                    .then(|| serde_json::from_str(json).ok())
                    .flatten()
            }
            _ => None,
        })
    }

    /// The JSON of a field kept as JSON.
    fn json(&self, start: u32, end: u32) -> &str {
        &self.json[start as usize..end as usize]
    }

    fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.key(&self.json) == key)
    }

    /// Keeps `value` as JSON under `key`.
    fn set_json(&mut self, key: String, value: Value) -> Result<(), String> {
        let key_at = self.keep_key(&key)?;
        let start = self.json.len();
        // Writing to a Vec cannot fail; the writer writes valid UTF-8.
        let mut bytes = std::mem::take(&mut self.json).into_bytes();
        let written = write_value(&value, &mut bytes);
        dismantle(value);
        self.json = String::from_utf8(bytes).map_err(|e| e.to_string())?;
        written.map_err(|e| e.to_string())?;
        self.set_other(key_at, start)
    }

    /// Keeps JSON text as it came under `key`.
    fn set_raw(&mut self, key: String, json: &str) -> Result<(), String> {
        let key_at = self.keep_key(&key)?;
        let start = self.json.len();
        self.json.push_str(json);
        self.set_other(key_at, start)
    }

    /// Where a field's key will be found: a known key's index, or its text
    /// put at the end of [`Chapter::json`], before its value.
    fn keep_key(&mut self, key: &str) -> Result<KeyAt, String> {
        if let Some(i) = KNOWN_KEYS.iter().position(|k| *k == key) {
            return Ok(KeyAt(i as u32));
        }
        let at = offset(self.json.len() + KNOWN_KEYS.len())?;
        self.json.push_str(key);
        Ok(KeyAt(at))
    }

    /// Adds the field whose value is `json[start..]`.
    fn set_other(&mut self, key: KeyAt, start: usize) -> Result<(), String> {
        let field = Field::Other(key, offset(start)?, offset(self.json.len())?);
        self.set(field);
        Ok(())
    }

    /// Adds a field; a key given twice keeps its first place and its last
    /// value, as a JSON object does.
    fn set(&mut self, field: Field) {
        let key = field.key(&self.json);
        match self.fields.iter().position(|f| f.key(&self.json) == key) {
            Some(i) => self.fields[i] = field,
            None => self.fields.push(field),
        }
    }
}

/// An offset in a chapter's kept JSON.
fn offset(n: usize) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| "a chapter's fields are over 4 GiB".to_string())
}

/// Dropping is iterative: a book thousands of levels deep cannot overflow the stack.
impl Drop for Chapter {
    fn drop(&mut self) {
        drop_items(std::mem::take(&mut self.sub_items));
    }
}

/// Drops book items without recursion.
fn drop_items(mut stack: Vec<Item>) {
    while let Some(item) = stack.pop() {
        match item {
            // Its own drop finds its sub-items taken.
            Item::Chapter(mut ch) => stack.append(&mut ch.sub_items),
            Item::Value(v) => dismantle(v),
            Item::Malformed => {}
        }
    }
}

impl Book {
    fn items_mut(&mut self, key: &str) -> Option<&mut Vec<Item>> {
        self.fields.iter_mut().find_map(|(k, f)| match f {
            BookField::Items(items) if k == key => Some(items),
            _ => None,
        })
    }

    fn items(&self, key: &str) -> Option<&[Item]> {
        self.fields.iter().find_map(|(k, f)| match f {
            BookField::Items(items) if k == key => Some(items.as_slice()),
            _ => None,
        })
    }
}

impl Drop for Book {
    fn drop(&mut self) {
        for (_, field) in self.fields.drain(..) {
            match field {
                BookField::Items(items) => drop_items(items),
                BookField::Value(v) => dismantle(v),
            }
        }
    }
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

impl Drop for Request {
    fn drop(&mut self) {
        dismantle(std::mem::take(&mut self.context));
    }
}

/// How deeply the input JSON may nest. A chapter nested `n` deep in
/// `sub_items` sits about `3n` levels down, so this allows books thousands of
/// levels deep while bounding the memory an absurd input can claim.
pub const MAX_DEPTH: usize = 20_000;

/// Parses the `[context, book]` pair from bytes, each chapter's text
/// unescaped into a string of its own.
pub fn parse(bytes: &[u8]) -> Result<Request, WireError> {
    let mut request = parse_streaming(bytes, |_| None::<Keep>).0?;
    let mut failed = None;
    walk(&mut request, &mut |ch| {
        if let Some((start, end)) = ch.token.take() {
            let token = std::str::from_utf8(&bytes[start..end]);
            let token = token.map_err(|e| WireError::Json(e.to_string()));
            let unescaped = token.and_then(|token| {
                crate::escape::unescape_into(token, &mut ch.content)
                    .map_err(|LoneSurrogate(at)| lone_surrogate(start + at))
            });
            if let Err(e) = unescaped {
                failed.get_or_insert(e);
            }
        }
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(request),
    }
}

fn lone_surrogate(at: usize) -> WireError {
    WireError::Json(format!(
        "a chapter's text has a `\\u` escape of a lone surrogate at byte {at}"
    ))
}

/// Hears of each chapter's text the moment it is parsed, so work on it can
/// start while the rest of the book is still being parsed.
pub trait ContentSink<'de> {
    /// `chapter` is the chapter's number in book order (as [`take_chapters`]
    /// lists them), `token` its text as the JSON string it is in the input
    /// (quotes included), checked by serde_json: see
    /// [`unescape_into`](crate::escape::unescape_into).
    fn content(&mut self, chapter: usize, token: &'de str);
}

/// No sink.
enum Keep {}

impl ContentSink<'_> for Keep {
    fn content(&mut self, _: usize, _: &str) {
        match *self {}
    }
}

/// Parses the `[context, book]` pair from bytes, handing every chapter's
/// text to the sink that `start` makes from the context (which precedes the
/// book), if it makes one. The texts are left in `bytes`, still escaped:
/// [`take_chapters_in_place`] unescapes them there. The sink is returned
/// even when parsing fails.
pub fn parse_streaming<'de, S, F>(
    bytes: &'de [u8],
    start: F,
) -> (Result<Request, WireError>, Option<S>)
where
    S: ContentSink<'de>,
    F: FnOnce(&Value) -> Option<S>,
{
    let mut sink = None;
    // From a slice, serde_json reads strings many bytes at a time; from a
    // reader, one byte at a time (about twice as slow on a big book).
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // serde_json stops at 128 levels by default; a deep book is still a book.
    // The stacker grows the stack on the heap so deep nesting cannot overflow
    // it, and the depth counted by the seeds stops absurd nesting before it
    // claims much memory.
    de.disable_recursion_limit();
    let root = Root {
        start,
        sink: &mut sink,
        base: bytes.as_ptr() as usize,
    };
    let read =
        serde::de::DeserializeSeed::deserialize(root, serde_stacker::Deserializer::new(&mut de))
            .and_then(|read| de.end().map(|()| read));
    let request = read
        .map_err(|e| WireError::Json(e.to_string()))
        .and_then(into_request);
    (request, sink)
}

/// What the top level held.
enum RootRead {
    /// An array: its first element, its second (the book) and how many more.
    Pair {
        context: Option<Value>,
        book: Option<BookRead>,
        more: usize,
    },
    NotArray(Value),
}

/// The second element of the pair.
enum BookRead {
    Object(Book),
    NotObject(Value),
}

fn into_request(read: RootRead) -> Result<Request, WireError> {
    let (context, book, more) = match read {
        RootRead::NotArray(v) => {
            dismantle(v);
            return Err(WireError::Shape(
                "expected a JSON array `[context, book]`".into(),
            ));
        }
        RootRead::Pair {
            context,
            book,
            more,
        } => (context, book, more),
    };
    match (context, book, more) {
        (Some(context), Some(book), 0) => check_request(context, book),
        (context, book, more) => {
            let n = usize::from(context.is_some()) + usize::from(book.is_some()) + more;
            if let Some(context) = context {
                dismantle(context);
            }
            Err(WireError::Shape(format!(
                "expected `[context, book]`, found an array of {n} elements"
            )))
        }
    }
}

/// Chapter numbers handed out so far, where the input starts (to find each
/// text's place in it) and who hears of the texts.
struct Capture<'s, 'de> {
    chapters: usize,
    base: usize,
    sink: Option<&'s mut dyn ContentSink<'de>>,
}

/// The depth of a value and the capture its chapters report to: what every
/// seed below carries.
struct Walk<'a, 's, 'de> {
    depth: usize,
    capture: &'a mut Capture<'s, 'de>,
}

impl<'s, 'de> Walk<'_, 's, 'de> {
    /// The walk one level further down.
    fn nested<E: serde::de::Error>(&mut self) -> Result<Walk<'_, 's, 'de>, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!(
                "it nests deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(Walk {
            depth: self.depth + 1,
            capture: &mut *self.capture,
        })
    }

    /// A seed for plain JSON at this depth.
    fn value(&self) -> Bounded {
        Bounded { depth: self.depth }
    }
}

/// The top-level `[context, book]`: the context first, then the sink it
/// makes hears of the book's chapter texts.
struct Root<'o, S, F> {
    start: F,
    sink: &'o mut Option<S>,
    base: usize,
}

impl<'de, S: ContentSink<'de>, F: FnOnce(&Value) -> Option<S>> serde::de::DeserializeSeed<'de>
    for Root<'_, S, F>
{
    type Value = RootRead;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<RootRead, D::Error> {
        d.deserialize_any(self)
    }
}

/// A seed that is its own visitor, for any JSON value: `deserialize_any(self)`.
macro_rules! seed_by_visitor {
    ($seed:ident, $value:ty) => {
        impl<'de> serde::de::DeserializeSeed<'de> for $seed<'_, '_, 'de> {
            type Value = $value;

            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<$value, D::Error> {
                d.deserialize_any(self)
            }
        }
    };
}

/// The visits of scalars, for visitors whose value can also be plain JSON.
macro_rules! scalars_as {
    ($wrap:expr) => {
        fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
            Ok($wrap(Value::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok($wrap(Value::from(v)))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok($wrap(Value::from(v)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok($wrap(
                serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
            ))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok($wrap(Value::String(v.to_owned())))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok($wrap(Value::String(v)))
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($wrap(Value::Null))
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok($wrap(Value::Null))
        }
    };
}

impl<'de, S: ContentSink<'de>, F: FnOnce(&Value) -> Option<S>> serde::de::Visitor<'de>
    for Root<'_, S, F>
{
    type Value = RootRead;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the `[context, book]` pair")
    }

    scalars_as!(RootRead::NotArray);

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RootRead, A::Error> {
        let element = Bounded { depth: 1 };
        let Some(context) = seq.next_element_seed(element)? else {
            return Ok(RootRead::Pair {
                context: None,
                book: None,
                more: 0,
            });
        };
        *self.sink = (self.start)(&context);
        let mut capture = Capture {
            chapters: 0,
            base: self.base,
            sink: self
                .sink
                .as_mut()
                .map(|sink| sink as &mut dyn ContentSink<'de>),
        };
        let book_walk = Walk {
            depth: 1,
            capture: &mut capture,
        };
        let book = match seq.next_element_seed(BookSeed(book_walk)) {
            Ok(book) => book,
            Err(e) => {
                dismantle(context);
                return Err(e);
            }
        };
        let mut more = 0;
        if book.is_some() {
            loop {
                match seq.next_element_seed(element) {
                    Ok(Some(v)) => {
                        dismantle(v);
                        more += 1;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        dismantle(context);
                        return Err(e);
                    }
                }
            }
        }
        Ok(RootRead::Pair {
            context: Some(context),
            book,
            more,
        })
    }

    // Anything else is not a pair; it parses as a value and is refused after.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RootRead, A::Error> {
        Bounded::top().visit_map(map).map(RootRead::NotArray)
    }
}

/// The book object.
struct BookSeed<'a, 's, 'de>(Walk<'a, 's, 'de>);

seed_by_visitor!(BookSeed, BookRead);

impl<'de> serde::de::Visitor<'de> for BookSeed<'_, '_, 'de> {
    type Value = BookRead;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the book")
    }

    scalars_as!(BookRead::NotObject);

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<BookRead, A::Error> {
        self.0.value().visit_seq(seq).map(BookRead::NotObject)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<BookRead, A::Error> {
        let mut book = Book::default();
        while let Some(key) = map.next_key::<String>()? {
            let field = if key == "items" || key == "sections" {
                map.next_value_seed(ItemsSeed(self.0.nested()?))?
            } else {
                BookField::Value(map.next_value_seed(self.0.nested()?.value())?)
            };
            match book.fields.iter().position(|(k, _)| *k == key) {
                Some(i) => book.fields[i].1 = field,
                None => book.fields.push((key, field)),
            }
        }
        Ok(BookRead::Object(book))
    }
}

/// A list of book items (or, if it is not a list, the JSON it is).
struct ItemsSeed<'a, 's, 'de>(Walk<'a, 's, 'de>);

seed_by_visitor!(ItemsSeed, BookField);

impl<'de> serde::de::Visitor<'de> for ItemsSeed<'_, '_, 'de> {
    type Value = BookField;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of book items")
    }

    scalars_as!(BookField::Value);

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        mut self,
        mut seq: A,
    ) -> Result<BookField, A::Error> {
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(ItemSeed(self.0.nested()?)) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => {
                    // The book's items are held to the end: no room to spare.
                    items.shrink_to_fit();
                    return Ok(BookField::Items(items));
                }
                Err(e) => {
                    drop_items(items);
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<BookField, A::Error> {
        self.0.value().visit_map(map).map(BookField::Value)
    }
}

/// One book item.
struct ItemSeed<'a, 's, 'de>(Walk<'a, 's, 'de>);

seed_by_visitor!(ItemSeed, Item);

impl<'de> serde::de::Visitor<'de> for ItemSeed<'_, '_, 'de> {
    type Value = Item;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a book item")
    }

    scalars_as!(Item::Value);

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Item, A::Error> {
        self.0.value().visit_seq(seq).map(Item::Value)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<Item, A::Error> {
        let mut chapter: Option<Chapter> = None;
        let mut others = Map::new();
        let mut malformed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "Chapter" && chapter.is_none() && others.is_empty() && !malformed {
                match map.next_value_seed(ChapterSeed(self.0.nested()?))? {
                    Ok(ch) => chapter = Some(ch),
                    // Not an object: kept as it is, refused by the shape check.
                    Err(v) => {
                        others.insert(key, v);
                    }
                }
                continue;
            }
            let v = map.next_value_seed(self.0.nested()?.value())?;
            malformed |= chapter.is_some();
            if let Some(old) = others.insert(key, v) {
                dismantle(old);
            }
        }
        Ok(match chapter {
            Some(_) if malformed => Item::Malformed,
            Some(ch) => Item::Chapter(ch),
            None => Item::Value(Value::Object(others)),
        })
    }
}

/// A chapter object (or, if it is not an object, the JSON it is).
struct ChapterSeed<'a, 's, 'de>(Walk<'a, 's, 'de>);

seed_by_visitor!(ChapterSeed, Result<Chapter, Value>);

impl<'de> serde::de::Visitor<'de> for ChapterSeed<'_, '_, 'de> {
    type Value = Result<Chapter, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a chapter")
    }

    scalars_as!(Err);

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.value().visit_seq(seq).map(Err)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        mut self,
        mut map: A,
    ) -> Result<Self::Value, A::Error> {
        // Numbered as the chapter opens: book order, whatever the key order.
        let number = self.0.capture.chapters;
        self.0.capture.chapters += 1;
        let mut ch = Chapter::default();
        while let Some(key) = map.next_key::<String>()? {
            let value = match key.as_str() {
                "sub_items" => match map.next_value_seed(ItemsSeed(self.0.nested()?))? {
                    BookField::Items(items) => {
                        ch.sub_items = items;
                        ch.set(Field::SubItems);
                        continue;
                    }
                    BookField::Value(v) => v,
                },
                // The text is left where it is in the input (no copy made
                // while parsing), and its place noted.
                "content" => {
                    let token = map.next_value::<&'de RawValue>()?.get();
                    if !token.starts_with('"') {
                        ch.set_raw(key, token).map_err(serde::de::Error::custom)?;
                        continue;
                    }
                    let start = (token.as_ptr() as usize).wrapping_sub(self.0.capture.base);
                    ch.content.clear();
                    ch.token = Some((start, start + token.len()));
                    ch.set(Field::Content);
                    if let Some(sink) = self.0.capture.sink.as_deref_mut() {
                        sink.content(number, token);
                    }
                    continue;
                }
                "name" => match map.next_value_seed(self.0.nested()?.value())? {
                    Value::String(s) => {
                        ch.name = s;
                        ch.set(Field::Name);
                        continue;
                    }
                    v => v,
                },
                _ => map.next_value_seed(self.0.nested()?.value())?,
            };
            ch.set_json(key, value).map_err(serde::de::Error::custom)?;
        }
        // Every chapter is held to the end: no room to spare.
        ch.fields.shrink_to_fit();
        ch.json.shrink_to_fit();
        Ok(Ok(ch))
    }
}

/// Deserializes a JSON value no deeper than [`MAX_DEPTH`].
#[derive(Clone, Copy)]
struct Bounded {
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for Bounded {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Bounded {
    fn top() -> Bounded {
        Bounded { depth: 0 }
    }

    /// The seed for a value inside this one.
    fn nested<E: serde::de::Error>(&self) -> Result<Bounded, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!(
                "it nests deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(Bounded {
            depth: self.depth + 1,
        })
    }
}

impl<'de> serde::de::Visitor<'de> for Bounded {
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
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
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
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            match seq.next_element_seed(self.nested()?) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Ok(Value::Array(out)),
                Err(e) => {
                    dismantle(Value::Array(out));
                    return Err(e);
                }
            }
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
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
            match map.next_value_seed(self.nested()?) {
                Ok(v) => {
                    if let Some(old) = out.insert(key, v) {
                        dismantle(old);
                    }
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

/// Checks the pair's shape: the context has the fields mdBook sends, the book
/// has exactly one list of items, and every chapter has the fields we read,
/// so taking and putting back chapters cannot fail later.
fn check_request(context: Value, book: BookRead) -> Result<Request, WireError> {
    let (book, is_object) = match book {
        BookRead::Object(book) => (book, true),
        BookRead::NotObject(v) => {
            dismantle(v);
            (Book::default(), false)
        }
    };
    let mut request = Request {
        context,
        book,
        shape: Shape::Items,
    };
    let Value::Object(ctx) = &request.context else {
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
    if !is_object {
        return Err(WireError::Shape("the book is not a JSON object".into()));
    }
    let has = |key: &str| request.book.fields.iter().any(|(k, _)| k == key);
    if has("items") && has("sections") {
        return Err(WireError::Shape(
            "the book has both `items` (mdBook 0.5) and `sections` (mdBook 0.4)".into(),
        ));
    }
    let shape = if request.book.items("items").is_some() {
        Shape::Items
    } else if request.book.items("sections").is_some() {
        Shape::Sections
    } else {
        return Err(WireError::Shape(
            "the book has neither an `items` (mdBook 0.5) nor a `sections` (mdBook 0.4) array"
                .into(),
        ));
    };
    request.shape = shape;
    check_items(request.book.items(shape.key()).unwrap_or_default()).map_err(WireError::Shape)?;
    Ok(request)
}

/// Checks that every chapter has the fields we read. Iterative: nesting
/// depth is bounded only by [`MAX_DEPTH`].
fn check_items(items: &[Item]) -> Result<(), String> {
    // Each level: the items being walked, and the (1-based number, chapter) that holds them.
    type Level<'a> = (
        std::iter::Enumerate<std::slice::Iter<'a, Item>>,
        Option<(usize, &'a Chapter)>,
    );
    let mut stack: Vec<Level<'_>> = vec![(items.iter().enumerate(), None)];
    let at = |stack: &[Level<'_>]| {
        let mut at = String::from("book");
        for (_, holder) in stack {
            if let Some((n, ch)) = holder {
                at.push_str(&format!(" item {n} (\"{}\")", ch.name));
            }
        }
        at
    };
    while let Some((iter, _)) = stack.last_mut() {
        let Some((i, item)) = iter.next() else {
            stack.pop();
            continue;
        };
        let here = || format!("{} item {}", at(&stack), i + 1);
        let ch = match item {
            Item::Chapter(ch) => ch,
            Item::Malformed => {
                return Err(format!(
                    "{}: a `Chapter` item has other keys beside `Chapter`",
                    here()
                ))
            }
            // Separator, PartTitle and anything newer pass through untouched.
            Item::Value(v) => match v.get("Chapter") {
                Some(Value::Object(_)) => {
                    return Err(format!(
                        "{}: a `Chapter` item has other keys beside `Chapter`",
                        here()
                    ))
                }
                Some(_) => return Err(format!("{}: `Chapter` is not an object", here())),
                None => continue,
            },
        };
        if !ch.fields.iter().any(|f| matches!(f, Field::Content)) {
            return Err(format!("{}: chapter has no string `content`", here()));
        }
        if !ch.fields.iter().any(|f| matches!(f, Field::Name)) {
            return Err(format!("{}: chapter has no string `name`", here()));
        }
        if ch.has("sub_items") && !ch.fields.iter().any(|f| matches!(f, Field::SubItems)) {
            return Err(format!(
                "{} (\"{}\"): expected an array of book items",
                here(),
                ch.name
            ));
        }
        stack.push((ch.sub_items.iter().enumerate(), Some((i + 1, ch))));
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
/// out of the book; [`put_chapters`] moves it back. For a request made by
/// [`parse`] (whose texts are unescaped already).
pub fn take_chapters(request: &mut Request) -> Vec<ChapterText<'static>> {
    let mut out = Vec::new();
    walk(request, &mut |ch| out.push(take_chapter(ch)));
    out
}

fn take_chapter(ch: &mut Chapter) -> ChapterText<'static> {
    ChapterText {
        name: ch.name.clone(),
        source_path: ch.string("source_path"),
        path: ch.string("path"),
        content: Cow::Owned(std::mem::take(&mut ch.content)),
    }
}

/// [`take_chapters`] for a request made by [`parse_streaming`] from `input`:
/// each text is unescaped where it lies in `input` (spread over the cores),
/// so the texts are the input rather than a copy of it. `then(n, text)` runs
/// on chapter `n`'s text right after it is unescaped, on the same core, while
/// the text is fresh in its cache; its results come back by chapter number.
/// `cost(n, bytes)` says how heavy that is for chapter `n` with a text of
/// about `bytes`, so the cores get equal shares.
pub fn take_chapters_in_place<'i, R: Send>(
    request: &mut Request,
    input: &'i mut [u8],
    cost: impl Fn(usize, usize) -> usize,
    then: impl Fn(usize, &'i str) -> R + Sync,
) -> Result<(Vec<ChapterText<'i>>, Vec<Option<R>>), WireError> {
    let mut out = Vec::new();
    // Each text's place in the input, and its chapter's number.
    let mut tokens = Vec::new();
    walk(request, &mut |ch| {
        if let Some((start, end)) = ch.token.take() {
            tokens.push((start, end, out.len()));
        }
        out.push(take_chapter(ch));
    });
    // Held through the whole analysis: no room to spare.
    out.shrink_to_fit();
    tokens.sort_unstable();
    // The input cut into the texts' pieces, each borrowed on its own.
    let mut pieces = Vec::with_capacity(tokens.len());
    let (mut rest, mut at) = (input, 0);
    for (start, end, chapter) in tokens {
        let Some(skip) = start.checked_sub(at).filter(|_| end <= at + rest.len()) else {
            return Err(WireError::Json("chapter texts overlap in the input".into()));
        };
        let (piece, tail) = std::mem::take(&mut rest)[skip..].split_at_mut(end - start);
        (rest, at) = (tail, end);
        pieces.push((chapter, start, piece));
    }
    let texts = crate::parallel::map_owned(
        pieces,
        |(chapter, _, piece)| cost(*chapter, piece.len()),
        |(chapter, start, piece)| {
            let len = crate::escape::unescape_in_place(piece)
                .map_err(|LoneSurrogate(at)| lone_surrogate(start + at))?;
            let text = std::str::from_utf8(&piece[..len]);
            let text = text.map_err(|e| WireError::Json(e.to_string()))?;
            Ok((chapter, text, then(chapter, text)))
        },
    );
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(out.len()).collect();
    for text in texts {
        let (chapter, text, result) = text?;
        out[chapter].content = Cow::Borrowed(text);
        results[chapter] = Some(result);
    }
    Ok((out, results))
}

/// Puts each chapter's final text back, in the order [`take_chapters`] took
/// them (the iterator may make each text as it is asked for it).
pub fn put_chapters(request: &mut Request, texts: impl IntoIterator<Item = String>) {
    let mut texts = texts.into_iter();
    walk(request, &mut |ch| {
        if let Some(text) = texts.next() {
            ch.content = text;
        }
    });
}

/// Visits every chapter depth first, with an explicit stack so deep nesting
/// cannot overflow ours.
fn walk(request: &mut Request, f: &mut dyn FnMut(&mut Chapter)) {
    let key = request.shape.key();
    let mut stack: Vec<std::slice::IterMut<'_, Item>> = Vec::new();
    if let Some(items) = request.book.items_mut(key) {
        stack.push(items.iter_mut());
    }
    while let Some(top) = stack.last_mut() {
        let Some(item) = top.next() else {
            stack.pop();
            continue;
        };
        if let Item::Chapter(ch) = item {
            f(ch);
            stack.push(ch.sub_items.iter_mut());
        }
    }
}

/// The book as mdBook expects it back: every key where it came, each
/// chapter's text as it is now.
pub fn write_book<W: std::io::Write>(request: &Request, writer: W) -> std::io::Result<()> {
    write(request, writer, None)
}

/// [`write_book`], with each chapter's text written by `content(n, out)`
/// instead (`n` its number in book order, as [`take_chapters`] lists them,
/// asked for in that order), already escaped: see [`ContentWriter`].
pub fn write_book_with<W: std::io::Write>(
    request: &Request,
    writer: W,
    content: &ContentWriter<'_>,
) -> std::io::Result<()> {
    write(request, writer, Some(content))
}

/// Writes chapter `n`'s text to `out` escaped for the inside of a JSON
/// string (the quotes are written around it), e.g. through an
/// [`Escaper`](crate::escape::Escaper), or as bytes escaped beforehand.
pub type ContentWriter<'a> = dyn Fn(usize, &mut dyn std::io::Write) -> std::io::Result<()> + 'a;

fn write<W: std::io::Write>(
    request: &Request,
    mut writer: W,
    content: Option<&ContentWriter<'_>>,
) -> std::io::Result<()> {
    let mut out = Writer {
        out: &mut writer,
        content,
        next_chapter: 0,
    };
    out.write(Node::Book(&request.book))
}

/// Writes a JSON value of any depth.
pub fn write_value<W: std::io::Write>(value: &Value, mut writer: W) -> std::io::Result<()> {
    let mut out = Writer {
        out: &mut writer,
        content: None,
        next_chapter: 0,
    };
    out.write(Node::Value(value))
}

/// Writes the book as compact JSON, byte for byte as serde_json would, but
/// with our own string escaping and each chapter's text escaped straight
/// into the output. Iterative: nesting depth costs heap, not stack.
struct Writer<'w, 'c, W: std::io::Write> {
    out: &'w mut W,
    /// Where chapter texts come from; `None`: from the book itself.
    content: Option<&'c ContentWriter<'c>>,
    /// Chapters are numbered as they open, as `take_chapters` numbers them.
    next_chapter: usize,
}

/// Something to write.
#[derive(Clone, Copy)]
enum Node<'a> {
    Book(&'a Book),
    Items(&'a [Item]),
    Item(&'a Item),
    Value(&'a Value),
    Str(&'a str),
    /// JSON written already.
    Json(&'a str),
    /// A chapter's text, with the chapter's number.
    Content(&'a Chapter, usize),
}

/// An array or object being written: what of it is left, and whether
/// anything of it has been written yet (a comma goes before every later entry).
struct Open<'a> {
    rest: Rest<'a>,
    first: bool,
}

enum Rest<'a> {
    Book(std::slice::Iter<'a, (String, BookField)>),
    Items(std::slice::Iter<'a, Item>),
    /// A chapter's fields, inside `{"Chapter":{`, with the chapter's number.
    Chapter(&'a Chapter, usize, std::slice::Iter<'a, Field>),
    Array(std::slice::Iter<'a, Value>),
    Object(serde_json::map::Iter<'a>),
}

impl<'a> Rest<'a> {
    /// The next entry: its key (in an object) and its value.
    fn next(&mut self) -> Option<(Option<&'a str>, Node<'a>)> {
        match self {
            Rest::Book(fields) => fields.next().map(|(key, field)| {
                let node = match field {
                    BookField::Items(items) => Node::Items(items),
                    BookField::Value(v) => Node::Value(v),
                };
                (Some(key.as_str()), node)
            }),
            Rest::Items(items) => items.next().map(|item| (None, Node::Item(item))),
            Rest::Chapter(ch, number, fields) => fields.next().map(|field| {
                let node = match field {
                    Field::Name => Node::Str(&ch.name),
                    Field::Content => Node::Content(ch, *number),
                    Field::SubItems => Node::Items(&ch.sub_items),
                    Field::Other(_, start, end) => Node::Json(ch.json(*start, *end)),
                };
                (Some(field.key(&ch.json)), node)
            }),
            Rest::Array(values) => values.next().map(|v| (None, Node::Value(v))),
            Rest::Object(entries) => entries
                .next()
                .map(|(k, v)| (Some(k.as_str()), Node::Value(v))),
        }
    }

    /// What closes it.
    fn close(&self) -> &'static [u8] {
        match self {
            Rest::Book(_) | Rest::Object(_) => b"}",
            Rest::Items(_) | Rest::Array(_) => b"]",
            Rest::Chapter(..) => b"}}",
        }
    }
}

impl<W: std::io::Write> Writer<'_, '_, W> {
    /// Writes `root` and everything in it.
    fn write(&mut self, root: Node<'_>) -> std::io::Result<()> {
        let mut stack = Vec::new();
        self.node(root, &mut stack)?;
        while let Some(open) = stack.last_mut() {
            let Some((key, node)) = open.rest.next() else {
                self.out.write_all(open.rest.close())?;
                stack.pop();
                continue;
            };
            if !std::mem::replace(&mut open.first, false) {
                self.out.write_all(b",")?;
            }
            if let Some(key) = key {
                crate::escape::write_str(self.out, key)?;
                self.out.write_all(b":")?;
            }
            self.node(node, &mut stack)?;
        }
        Ok(())
    }

    /// Writes a scalar whole, or opens an array or object and leaves the
    /// rest of it on `stack`.
    fn node<'a>(&mut self, node: Node<'a>, stack: &mut Vec<Open<'a>>) -> std::io::Result<()> {
        let (open, rest): (&[u8], Rest<'a>) = match node {
            Node::Book(book) => (b"{", Rest::Book(book.fields.iter())),
            Node::Items(items) => (b"[", Rest::Items(items.iter())),
            Node::Item(Item::Chapter(ch)) => {
                let number = self.next_chapter;
                self.next_chapter += 1;
                (
                    br#"{"Chapter":{"#,
                    Rest::Chapter(ch, number, ch.fields.iter()),
                )
            }
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::Array(values) => (b"[", Rest::Array(values.iter())),
                Value::Object(entries) => (b"{", Rest::Object(entries.iter())),
                Value::String(s) => return crate::escape::write_str(self.out, s),
                Value::Number(n) => {
                    // serde_json's own number formatting, exactly.
                    return serde_json::to_writer(&mut *self.out, n).map_err(std::io::Error::other);
                }
                Value::Bool(true) => return self.out.write_all(b"true"),
                Value::Bool(false) => return self.out.write_all(b"false"),
                Value::Null => return self.out.write_all(b"null"),
            },
            // Refused when the book was read.
            Node::Item(Item::Malformed) => return self.out.write_all(b"null"),
            Node::Str(s) => return crate::escape::write_str(self.out, s),
            Node::Json(json) => return self.out.write_all(json.as_bytes()),
            Node::Content(ch, number) => return self.content(ch, number),
        };
        self.out.write_all(open)?;
        stack.push(Open { rest, first: true });
        Ok(())
    }

    /// Writes a chapter's text as a JSON string: from the content writer,
    /// escaped as it comes, or from the book.
    fn content(&mut self, ch: &Chapter, number: usize) -> std::io::Result<()> {
        let Some(content) = self.content else {
            return crate::escape::write_str(self.out, &ch.content);
        };
        self.out.write_all(b"\"")?;
        content(number, &mut *self.out)?;
        self.out.write_all(b"\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The serde_json path the book was written with before [`Writer`]: the
    /// reference the writer must match byte for byte.
    mod serde_reference {
        use super::super::*;

        /// Writes chapter `n`'s text, unescaped, piece by piece.
        pub type TextWriter<'a> = dyn Fn(usize, &mut dyn std::fmt::Write) -> std::fmt::Result + 'a;

        pub fn write(request: &Request, content: Option<&TextWriter<'_>>) -> Vec<u8> {
            let out = Out {
                next_chapter: std::cell::Cell::new(0),
                content,
            };
            let mut bytes = Vec::new();
            let mut ser = serde_json::Serializer::new(&mut bytes);
            serde::Serialize::serialize(
                &With(&request.book, &out),
                serde_stacker::Serializer::new(&mut ser),
            )
            .unwrap();
            bytes
        }

        pub fn write_value(value: &Value) -> Vec<u8> {
            let mut bytes = Vec::new();
            let mut ser = serde_json::Serializer::new(&mut bytes);
            serde::Serialize::serialize(value, serde_stacker::Serializer::new(&mut ser)).unwrap();
            bytes
        }

        struct Out<'a> {
            next_chapter: std::cell::Cell<usize>,
            content: Option<&'a TextWriter<'a>>,
        }

        struct With<'a, T: ?Sized>(&'a T, &'a Out<'a>);

        impl serde::Serialize for With<'_, Book> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(Some(self.0.fields.len()))?;
                for (key, field) in &self.0.fields {
                    match field {
                        BookField::Items(items) => {
                            map.serialize_entry(key, &With(items.as_slice(), self.1))?
                        }
                        BookField::Value(v) => map.serialize_entry(key, v)?,
                    }
                }
                map.end()
            }
        }

        impl serde::Serialize for With<'_, [Item]> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|item| With(item, self.1)))
            }
        }

        impl serde::Serialize for With<'_, Item> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                match self.0 {
                    Item::Chapter(ch) => {
                        let mut map = s.serialize_map(Some(1))?;
                        map.serialize_entry("Chapter", &With(ch, self.1))?;
                        map.end()
                    }
                    Item::Value(v) => v.serialize(s),
                    Item::Malformed => s.serialize_unit(),
                }
            }
        }

        impl serde::Serialize for With<'_, Chapter> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let (ch, out) = (self.0, self.1);
                let number = out.next_chapter.get();
                out.next_chapter.set(number + 1);
                let mut map = s.serialize_map(Some(ch.fields.len()))?;
                for field in &ch.fields {
                    match field {
                        Field::Name => map.serialize_entry("name", &ch.name)?,
                        Field::Content => match out.content {
                            Some(content) => {
                                map.serialize_entry("content", &Text(&|f| content(number, f)))?
                            }
                            None => map.serialize_entry("content", &ch.content)?,
                        },
                        Field::SubItems => {
                            map.serialize_entry("sub_items", &With(ch.sub_items.as_slice(), out))?
                        }
                        Field::Other(_, start, end) => {
                            let key = field.key(&ch.json);
                            // Through the stacker too: this sits deep in the book.
                            let mut de = serde_json::Deserializer::from_str(ch.json(*start, *end));
                            de.disable_recursion_limit();
                            let v: Value = serde::Deserialize::deserialize(
                                serde_stacker::Deserializer::new(&mut de),
                            )
                            .unwrap();
                            map.serialize_entry(key, &v)?
                        }
                    }
                }
                map.end()
            }
        }

        struct Text<'a>(&'a dyn Fn(&mut dyn std::fmt::Write) -> std::fmt::Result);

        impl serde::Serialize for Text<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl std::fmt::Display for Text<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                (self.0)(f)
            }
        }
    }

    const CONTEXT: &str =
        r#"{"root":"/b","config":{"book":{}},"renderer":"html","mdbook_version":"0.5.4"}"#;

    fn request(book: &str) -> Request {
        parse(format!("[{CONTEXT},{book}]").as_bytes()).expect("a valid request")
    }

    fn written(request: &Request) -> Vec<u8> {
        let mut out = Vec::new();
        write_book(request, &mut out).unwrap();
        out
    }

    /// A content writer that hands each text over in awkward pieces (cut
    /// inside escapes' neighbourhoods) with the chapter's number spliced in.
    fn pieces(
        texts: &[String],
    ) -> impl Fn(usize, &mut dyn std::fmt::Write) -> std::fmt::Result + '_ {
        move |n, out| {
            let text = &texts[n];
            let mid = (0..=text.len() / 2)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap();
            out.write_str(&text[..mid])?;
            write!(out, "<{n}\"\\\n>")?;
            out.write_str("")?;
            out.write_str(&text[mid..])
        }
    }

    /// Both writers, with and without a content writer, agree.
    fn assert_same_as_serde(request: &Request) {
        let want = serde_reference::write(request, None);
        let got = written(request);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
        let mut texts = Vec::new();
        // Chapter texts in book order, as `take_chapters` numbers them.
        let mut stack = vec![request
            .book
            .items(request.shape.key())
            .unwrap_or_default()
            .iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                Some(Item::Chapter(ch)) => {
                    texts.push(format!("{}{}", ch.content, ch.name));
                    stack.push(ch.sub_items.iter());
                }
                Some(_) => {}
                None => {
                    stack.pop();
                }
            }
        }
        let content = pieces(&texts);
        let want = serde_reference::write(request, Some(&content));
        let mut got = Vec::new();
        let escaped = |n: usize, out: &mut dyn std::io::Write| {
            let mut escaper = crate::escape::Escaper::new(out);
            content(n, &mut escaper).map_err(|_| escaper.into_error().unwrap())
        };
        write_book_with(request, &mut got, &escaped).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }

    #[test]
    fn an_04_book_is_written_as_serde_json_writes_it() {
        let book = r#"{"sections":[
            {"Chapter":{"name":"One \"quoted\"","content":"\u0000\u001f\u007f é😀 \\ \/\n\t\r\b\f","number":[1],
                "sub_items":[
                    {"Chapter":{"name":"Deeper","content":"x","number":[1,1],"sub_items":[],"path":"a/b.md",
                        "source_path":"a/b.md","parent_names":["One \"quoted\""]}},
                    "Separator",
                    {"Chapter":{"content":"content first","name":"n","sub_items":[{"PartTitle":"p"}],"path":null}}
                ],"path":"one.md","source_path":"one.md","parent_names":[]}},
            "Separator",
            {"PartTitle":"Part \u0001"},
            {"Chapter":{"name":"Draft","content":"","number":null,"sub_items":[],"path":null,"source_path":null,"parent_names":[]}}
        ],"__non_exhaustive":null}"#;
        let request = request(book);
        assert_eq!(request.shape, Shape::Sections);
        assert_same_as_serde(&request);
    }

    #[test]
    fn an_05_book_with_unknown_fields_is_written_as_serde_json_writes_it() {
        let book = r#"{"future":{"z":1,"a":[true,false,null,-0.0,1.5e300,-7,18446744073709551615,"s\u0002"]},
            "items":[
                {"Chapter":{"name":"A","content":"a\n","number":[1],"sub_items":[
                    {"Chapter":{"name":"B","content":"b","sub_items":[],"we\"ird\nkey":{"nested":[[[{}]],[]]},"number":[1,2],"we\"ird\nkey":"again"}}
                ],"path":"a.md","extra":[1],"source_path":"a.md","parent_names":[],"extra":3.25,"content":"twice"}},
                {"NewKind":{"x":"y"}},
                "Separator"
            ],
            "after":"é"}"#;
        let request = request(book);
        assert_eq!(request.shape, Shape::Items);
        assert_same_as_serde(&request);
    }

    #[test]
    fn texts_unescaped_in_place_are_the_texts_parse_makes() {
        let book = r#"{"items":[
            {"Chapter":{"sub_items":[
                {"Chapter":{"name":"inner","content":"\u00e9\ud83d\ude00 \"q\"\n\\","sub_items":[]}},
                "Separator",
                {"Chapter":{"name":"empty","content":"","sub_items":[]}}
            ],"name":"outer","content":"first","content":"last\ttab\/"}},
            {"Chapter":{"name":"plain","content":"no escapes at all","sub_items":[]}}
        ]}"#;
        let input = format!("[{CONTEXT},{book}]");
        let want = take_chapters(&mut request(book));
        let mut bytes = input.clone().into_bytes();
        let mut heard = Vec::new();
        struct Heard<'a, 'de>(&'a mut Vec<(usize, &'de str)>);
        impl<'de> ContentSink<'de> for Heard<'_, 'de> {
            fn content(&mut self, chapter: usize, token: &'de str) {
                self.0.push((chapter, token));
            }
        }
        let (parsed, _) = parse_streaming(input.as_bytes(), |_| Some(Heard(&mut heard)));
        let mut parsed = parsed.unwrap();
        // Every string went to the sink, the superseded one too, numbered in book order.
        let numbers: Vec<usize> = heard.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [1, 2, 0, 0, 3]);
        for (_, token) in heard {
            let mut text = String::new();
            crate::escape::unescape_into(token, &mut text).unwrap();
            assert_eq!(text, serde_json::from_str::<String>(token).unwrap());
        }
        let (got, lengths) =
            take_chapters_in_place(&mut parsed, &mut bytes, |_, n| n, |_, text| text.len())
                .unwrap();
        assert_eq!(got, want);
        let want_lengths: Vec<_> = want.iter().map(|c| Some(c.content.len())).collect();
        assert_eq!(lengths, want_lengths);
        assert_eq!(got[0].content, "last\ttab/");
        assert_eq!(got[1].content, "\u{e9}\u{1f600} \"q\"\n\\");
        assert!(got.iter().all(|c| matches!(c.content, Cow::Borrowed(_))));
    }

    #[test]
    fn a_thousand_deep_book_is_written_as_serde_json_writes_it() {
        let depth = 1_000;
        let mut book = String::from(r#"{"items":["#);
        for d in 0..depth {
            book.push_str(&format!(
                r#"{{"Chapter":{{"name":"c{d}","content":"t\"{d}","number":[{d}],"deep":{},"sub_items":["#,
                "[".repeat(d % 50 + 1) + &"]".repeat(d % 50 + 1)
            ));
        }
        book.push_str(&"]}}".repeat(depth));
        book.push_str("]}");
        let request = request(&book);
        assert_same_as_serde(&request);
    }

    #[test]
    fn a_deep_value_is_written_as_serde_json_writes_it() {
        let depth = 5_000;
        let json = format!("{}{}", r#"{"a":["#.repeat(depth), "]}".repeat(depth));
        let mut de = serde_json::Deserializer::from_str(&json);
        de.disable_recursion_limit();
        let value: Value =
            serde::Deserialize::deserialize(serde_stacker::Deserializer::new(&mut de)).unwrap();
        let mut got = Vec::new();
        write_value(&value, &mut got).unwrap();
        assert_eq!(got, serde_reference::write_value(&value));
        assert_eq!(got, json.as_bytes());
        dismantle(value);
    }

    /// A JSON value for a chapter's unknown field: shallow, no floats (which
    /// serde_json does not always read back to the same number).
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((any::<String>(), inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// A chapter: name, content, an extra field, and how many of the
    /// chapters after it are its sub-items.
    fn chapter() -> impl Strategy<Value = (String, String, Value, usize)> {
        (any::<String>(), any::<String>(), value(), 0usize..3)
    }

    /// Builds book items from a flat list, each chapter taking the next
    /// `n` chapters (as far as they go) as its sub-items, with separators.
    fn items(
        chapters: &mut std::slice::Iter<'_, (String, String, Value, usize)>,
        up_to: usize,
    ) -> Vec<Value> {
        let mut out = Vec::new();
        for i in 0..up_to {
            let Some((name, content, extra, subs)) = chapters.next() else {
                break;
            };
            let sub_items = items(chapters, *subs);
            out.push(serde_json::json!({"Chapter": {
                "name": name, "content": content, "number": [i], "sub_items": sub_items,
                "path": format!("{name}.md"), "extra": extra,
            }}));
            if i % 3 == 2 {
                out.push(Value::from("Separator"));
            }
        }
        out
    }

    proptest! {
        #[test]
        fn any_book_is_written_as_serde_json_writes_it(
            chapters in proptest::collection::vec(chapter(), 0..12),
            sections in any::<bool>(),
        ) {
            let items = items(&mut chapters.iter(), usize::MAX);
            let book = if sections {
                serde_json::json!({"sections": items, "__non_exhaustive": null})
            } else {
                serde_json::json!({"items": items})
            };
            let text = serde_json::to_string(&book).unwrap();
            let request = request(&text);
            assert_same_as_serde(&request);
            // Nothing changed: the book comes back as it went in.
            prop_assert_eq!(String::from_utf8(written(&request)).unwrap(), text);
        }
    }
}
