//! The strings a chapter's scan makes (heading texts and ids, table cells'
//! and links' texts, directive values): each is a range of one buffer that all of the chapter's
//! strings share. A book's scans are all held at once, and a chapter has
//! dozens of such strings, mostly short: one allocation a chapter rather than
//! one a string saves the allocator's header and rounding on each, and the
//! room each `String` grew by.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A chapter's finished buffer of strings. The `Box` inside makes the `Arc`
/// a thin pointer, so a [`SharedStr`] is 16 bytes rather than 24.
pub type Buffer = Arc<Box<str>>;

/// A string in a buffer shared with others: cloning it copies no text.
#[derive(Clone)]
pub struct SharedStr {
    /// `None` while its chapter is still being scanned (no reference count
    /// to keep up for a buffer not made yet).
    buffer: Option<Buffer>,
    start: u32,
    end: u32,
}

impl SharedStr {
    /// The text (empty for a string not sealed yet).
    pub fn as_str(&self) -> &str {
        self.buffer
            .as_ref()
            .and_then(|b| b.get(self.start as usize..self.end as usize))
            .unwrap_or("")
    }

    /// The string without the blanks around it, in the same buffer.
    pub fn trimmed(&self) -> SharedStr {
        let s = self.as_str();
        let lead = s.len() - s.trim_start().len();
        let text = s.trim();
        // Both fit: they are within the string's own range.
        let start = self.start + lead as u32;
        SharedStr {
            buffer: self.buffer.clone(),
            start,
            end: start + text.len() as u32,
        }
    }
}

/// A string with a buffer of its own (tests, and strings made outside a scan).
impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        let end = u32::try_from(s.len()).expect("a shared string is below 4 GiB");
        SharedStr {
            buffer: Some(Arc::new(Box::from(s))),
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
pub struct Strings {
    buffer: String,
}

thread_local! {
    /// Each thread's buffer, reused from chapter to chapter: growing a new
    /// one for each chapter costs more than the copy [`Strings::finish`] makes.
    static SPARE: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

impl Strings {
    pub fn new() -> Strings {
        let mut buffer = SPARE.take();
        buffer.clear();
        Strings { buffer }
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

    /// Keeps `s` as one of the chapter's strings.
    pub fn keep(&mut self, s: &str) -> SharedStr {
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

    /// The text of a string kept here and not sealed yet.
    pub fn kept(&self, s: &SharedStr) -> &str {
        self.buffer
            .get(s.start as usize..s.end as usize)
            .unwrap_or("")
    }

    /// The finished buffer: every string kept from it is given it with
    /// [`Strings::seal`].
    pub fn finish(mut self) -> Buffer {
        let finished = Arc::new(Box::from(self.buffer.as_str()));
        SPARE.set(std::mem::take(&mut self.buffer));
        finished
    }

    /// Points a string kept while scanning at the finished buffer.
    pub fn seal(s: &mut SharedStr, buffer: &Buffer) {
        s.buffer = Some(Arc::clone(buffer));
    }
}

impl Default for Strings {
    fn default() -> Strings {
        Strings::new()
    }
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
}
