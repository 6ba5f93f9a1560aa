//! The strings a chapter's scan makes (heading texts and ids, table cells'
//! and links' texts, directive values): each is a range of one buffer that all of the chapter's
//! strings share. A book's scans are all held at once, and a chapter has
//! dozens of such strings, mostly short: one allocation a chapter rather than
//! one a string saves the allocator's header and rounding on each, and the
//! room each `String` grew by.
//!
//! Where the chapter's text stays in memory as long as its scan (the
//! preprocessor's, whose texts are its input), a string that is written out
//! in the text as it is (most link texts and targets, plain headings,
//! directive values) is a range of the text instead, and is not copied at all.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::{Arc, OnceLock};

/// A chapter's finished strings, shared by all of them. An `Arc` of a sized
/// struct is a thin pointer, so a [`SharedStr`] is 16 bytes.
pub type Buffer = Arc<Held>;

/// What a chapter's strings are ranges of.
pub struct Held {
    /// The strings made for the chapter: those not found in its text as they are.
    copies: Box<str>,
    /// The chapter's text, for the strings that are ranges of it: given by
    /// [`attach`] once the text is where it stays.
    text: OnceLock<&'static str>,
}

impl Held {
    /// A buffer of `copies`, its text not attached yet.
    fn copies(copies: &str) -> Buffer {
        Arc::new(Held {
            copies: Box::from(copies),
            text: OnceLock::new(),
        })
    }
}

/// Marks a string's start as an offset in the chapter's text rather than in
/// its copies. Texts of 2 GiB or more keep copies only.
const IN_TEXT: u32 = 1 << 31;

/// A string in a buffer shared with others: cloning it copies no text.
#[derive(Clone)]
pub struct SharedStr {
    /// `None` while its chapter is still being scanned (no reference count
    /// to keep up for a buffer not made yet).
    buffer: Option<Buffer>,
    /// With [`IN_TEXT`] set, where it starts in the chapter's text.
    start: u32,
    end: u32,
}

impl SharedStr {
    /// The text (empty for a string not sealed yet, or a range of a text not
    /// attached yet).
    pub fn as_str(&self) -> &str {
        let Some(held) = &self.buffer else {
            return "";
        };
        self.read_from(&held.copies, held.text.get().copied())
    }

    /// The string as its range of `copies`, or of `text` when it is marked
    /// [`IN_TEXT`] (empty where that is not there).
    fn read_from<'a>(&self, copies: &'a str, text: Option<&'a str>) -> &'a str {
        let range = (self.start & !IN_TEXT) as usize..self.end as usize;
        let from = match self.start & IN_TEXT {
            0 => Some(copies),
            _ => text,
        };
        from.and_then(|s| s.get(range)).unwrap_or("")
    }

    /// The string without the blanks around it, in the same buffer.
    pub fn trimmed(&self) -> SharedStr {
        let s = self.as_str();
        let lead = s.len() - s.trim_start().len();
        let text = s.trim();
        // Both fit: they are within the string's own range (and the mark
        // stays: the offset is below it).
        let start = self.start + lead as u32;
        SharedStr {
            buffer: self.buffer.clone(),
            start,
            end: (start & !IN_TEXT) + text.len() as u32,
        }
    }
}

/// A string with a buffer of its own (tests, and strings made outside a scan).
impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        let end = u32::try_from(s.len()).expect("a shared string is below 4 GiB");
        SharedStr {
            buffer: Some(Held::copies(s)),
            start: 0,
            end,
        }
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

/// A chapter's strings while it is scanned: each [`SharedStr`] handed out
/// reads as empty until [`Strings::seal`] gives it the finished buffer.
pub struct Strings<'t> {
    buffer: String,
    /// The text being scanned, when its strings may be ranges of it
    /// ([`Strings::over`]).
    text: Option<&'t str>,
}

thread_local! {
    /// Each thread's buffer, reused from chapter to chapter: growing a new
    /// one for each chapter costs more than the copy [`Strings::finish`] makes.
    static SPARE: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

impl Strings<'static> {
    /// Strings that are all copies: they read back as soon as they are sealed.
    pub fn new() -> Strings<'static> {
        Strings::with_text(None)
    }
}

/// How many places [`Strings::find`] tries, by their first byte (which
/// bounds its work on a text of one repeated byte).
const CANDIDATES: usize = 8;

impl<'t> Strings<'t> {
    /// Strings of `text`'s scan, which are ranges of `text` where they are
    /// written in it as they are. Those read as empty until the text is
    /// [`attach`]ed to the finished buffer.
    pub fn over(text: &'t str) -> Strings<'t> {
        // Past the mark, offsets would not fit: copies only.
        Strings::with_text(
            u32::try_from(text.len())
                .is_ok_and(|n| n < IN_TEXT)
                .then_some(text),
        )
    }

    fn with_text(text: Option<&'t str>) -> Strings<'t> {
        let mut buffer = SPARE.take();
        buffer.clear();
        Strings { buffer, text }
    }

    /// The buffer as it stands, to append a string to; [`Strings::keep_from`]
    /// then hands out what was appended since `start`.
    pub fn buffer(&mut self) -> &mut String {
        &mut self.buffer
    }

    /// The text appended since `start`, still in the buffer.
    pub fn since(&self, start: usize) -> &str {
        &self.buffer[start..]
    }

    /// An empty string, to be given its text later (no allocation of its own).
    pub fn empty(&self) -> SharedStr {
        SharedStr {
            buffer: None,
            start: 0,
            end: 0,
        }
    }

    /// Keeps `s` as one of the chapter's strings: a range of the text when
    /// `s` is a part of it (borrowed from it), a copy otherwise.
    pub fn keep(&mut self, s: &str) -> SharedStr {
        if let Some(text) = self.text {
            let at = (s.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
            if at <= text.len() && s.len() <= text.len() - at && !s.is_empty() {
                return in_text(at..at + s.len());
            }
        }
        self.copy(s)
    }

    /// Keeps `s`, made from the text's range `within`: a range of the text
    /// where `s` is written there as it is, a copy otherwise.
    pub fn keep_found(&mut self, s: &str, within: Range<usize>) -> SharedStr {
        match self.find(s, within) {
            Some(found) => in_text(found),
            None => self.copy(s),
        }
    }

    /// Where `s` is first written in the text's range `within`, if it is.
    fn find(&self, s: &str, within: Range<usize>) -> Option<Range<usize>> {
        let area = self.text?.get(within.clone())?.as_bytes();
        let needle = s.as_bytes();
        let &first = needle.first()?;
        // `s` was read from this very range, so where it is written as it is,
        // it is at one of the first places its first byte is. Only those are
        // tried: a substring search's set-up cost more than whole searches of
        // strings this short (8 % of a run on a book of links), and a string
        // not found is only kept as a copy.
        memchr::memchr_iter(first, area)
            .take(CANDIDATES)
            .find(|&at| area[at..].starts_with(needle))
            .map(|at| within.start + at..within.start + at + needle.len())
    }

    fn copy(&mut self, s: &str) -> SharedStr {
        let start = self.buffer.len();
        self.buffer.push_str(s);
        self.keep_from(start)
    }

    /// Keeps what was appended to the buffer since `start`. The caller checks
    /// that the chapter's strings stay below 4 GiB (a scanned chapter is, and
    /// its strings come from it); past that they read as empty.
    pub fn keep_from(&mut self, start: usize) -> SharedStr {
        let offset = |n: usize| u32::try_from(n).unwrap_or(0);
        SharedStr {
            buffer: None,
            start: offset(start),
            end: offset(self.buffer.len()),
        }
    }

    /// [`Strings::keep_from`], as a range of the text where what was
    /// appended since `start` is written as it is in the text's range `within`.
    pub fn keep_from_found(&mut self, start: usize, within: Range<usize>) -> SharedStr {
        let found = self.buffer.get(start..).and_then(|s| self.find(s, within));
        match found {
            Some(found) => {
                self.buffer.truncate(start);
                in_text(found)
            }
            None => self.keep_from(start),
        }
    }

    /// The text of a string kept here and not sealed yet.
    pub fn kept(&self, s: &SharedStr) -> &str {
        s.read_from(&self.buffer, self.text)
    }

    /// The finished buffer: every string kept from it is given it with
    /// [`Strings::seal`].
    pub fn finish(mut self) -> Buffer {
        let finished = Held::copies(self.buffer.as_str());
        SPARE.set(std::mem::take(&mut self.buffer));
        finished
    }

    /// Points a string kept while scanning at the finished buffer.
    pub fn seal(s: &mut SharedStr, buffer: &Buffer) {
        s.buffer = Some(Arc::clone(buffer));
    }
}

impl Default for Strings<'static> {
    fn default() -> Strings<'static> {
        Strings::new()
    }
}

/// A string that is the range `r` of the chapter's text (which [`Strings::over`] keeps below the mark).
fn in_text(r: Range<usize>) -> SharedStr {
    SharedStr {
        buffer: None,
        start: r.start as u32 | IN_TEXT,
        end: r.end as u32,
    }
}

/// Gives the strings of `buffer` that are ranges of their chapter's text
/// that text, now where it stays: the very text they were found in, or one
/// equal to it. A buffer is attached once; later calls change nothing.
pub fn attach(buffer: &Buffer, text: &'static str) {
    let _ = buffer.text.set(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_strings_read_back_once_sealed_and_compare_as_text() {
        let mut strings = Strings::new();
        let mut a = strings.keep("Status quo");
        let start = strings.buffer().len();
        strings.buffer().push_str("  grace  ");
        assert_eq!(strings.since(start), "  grace  ");
        let mut b = strings.keep_from(start + 2);
        let mut empty = strings.keep("");
        assert_eq!(strings.kept(&a), "Status quo");
        assert_eq!(strings.kept(&b), "grace  ");
        // Not sealed yet: nothing to read.
        assert_eq!(a.as_str().len(), 0);
        let buffer = strings.finish();
        for s in [&mut a, &mut b, &mut empty] {
            Strings::seal(s, &buffer);
        }
        assert_eq!(a, "Status quo");
        assert_eq!(b.as_str(), "grace  ");
        assert_eq!(empty, "");
        assert_eq!(a, SharedStr::from("Status quo"));
        assert_ne!(a, b);
        assert_eq!(format!("{a}|{b:?}"), "Status quo|\"grace  \"");
        assert_eq!(b.trimmed(), "grace");
        assert_eq!(SharedStr::from(" \t x y \n").trimmed(), "x y");
        assert_eq!(empty.trimmed(), "");
        // Clones share the buffer: no text is copied.
        let c = a.clone();
        assert!(Arc::ptr_eq(
            c.buffer.as_ref().unwrap(),
            a.buffer.as_ref().unwrap()
        ));
    }

    #[test]
    fn a_string_is_found_among_the_first_tries_and_else_copied() {
        static TEXT: &str = "a b ab aaaaaaaaaaaaab";
        let mut strings = Strings::over(TEXT);
        // At the third place an `a` is: a range of the text.
        let mut early = strings.keep_found("ab", 0..TEXT.len());
        // Past the first tries, or not written there at all: copies.
        let mut late = strings.keep_found("ab", 7..TEXT.len());
        let mut absent = strings.keep_found("ac", 0..TEXT.len());
        let buffer = strings.finish();
        assert_eq!(&*buffer.copies, "abac");
        for s in [&mut early, &mut late, &mut absent] {
            Strings::seal(s, &buffer);
        }
        attach(&buffer, TEXT);
        assert_eq!(
            (early.as_str(), late.as_str(), absent.as_str()),
            ("ab", "ab", "ac")
        );
        assert_eq!(early.as_str().as_ptr(), TEXT[4..].as_ptr());
    }

    #[test]
    fn strings_over_a_text_are_ranges_of_it_where_it_has_them_as_they_are() {
        static TEXT: &str = "# A  heading\n\n| [Grace](grace.md) |";
        let mut strings = Strings::over(TEXT);
        // Borrowed from the text: a range of it.
        let mut dest = strings.keep(&TEXT[24..32]);
        // Made, and found where it was made from.
        let mut link = strings.keep_found("Grace", 16..33);
        // Made, and not in the text as it is: a copy.
        let mut plain = strings.keep_found("A heading", 0..12);
        let start = strings.buffer().len();
        strings.buffer().push_str(" A  heading");
        let mut heading = strings.keep_from_found(start, 0..12);
        assert_eq!(strings.since(start), "", "found: the copy is dropped");
        assert_eq!(strings.kept(&dest), "grace.md");
        assert_eq!(strings.kept(&link), "Grace");
        assert_eq!(strings.kept(&plain), "A heading");
        assert_eq!(strings.kept(&heading), " A  heading");
        let buffer = strings.finish();
        assert_eq!(
            &*buffer.copies, "A heading",
            "only the string not in the text"
        );
        for s in [&mut dest, &mut link, &mut plain, &mut heading] {
            Strings::seal(s, &buffer);
        }
        // Ranges of the text read once it is attached.
        assert_eq!(dest, "");
        assert_eq!(plain, "A heading");
        attach(&buffer, TEXT);
        assert_eq!(dest, "grace.md");
        assert_eq!(link, "Grace");
        assert_eq!(heading.trimmed(), "A  heading");
        assert_eq!(heading.trimmed().trimmed(), "A  heading");
        assert_eq!(SharedStr::from(" x ").trimmed(), "x");
        // Copies only: nothing needs attaching.
        let mut copies = Strings::new();
        let mut s = copies.keep(&TEXT[24..32]);
        Strings::seal(&mut s, &copies.finish());
        assert_eq!(s, "grace.md");
    }
}
