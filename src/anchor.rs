//! Heading ids exactly as the running mdBook line makes them.
//! (Provisional version; the full one with real-build tests replaces it.)

use pulldown_cmark::{Event, Options};
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MdbookLine {
    V04,
    V05,
}

impl MdbookLine {
    pub fn from_version(version: &semver::Version) -> Self {
        if version.major == 0 && version.minor <= 4 {
            MdbookLine::V04
        } else {
            MdbookLine::V05
        }
    }
}

pub fn smart_punctuation(line: MdbookLine, book_config: &serde_json::Value) -> bool {
    let html = &book_config["output"]["html"];
    let flag = |k: &str| html.get(k).and_then(serde_json::Value::as_bool);
    match line {
        MdbookLine::V04 => flag("smart-punctuation")
            .or(flag("curly-quotes"))
            .unwrap_or(false),
        MdbookLine::V05 => flag("smart-punctuation").unwrap_or(true),
    }
}

pub fn parser_options(line: MdbookLine, smart_punctuation: bool) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    if line == MdbookLine::V05 {
        o |= Options::ENABLE_DEFINITION_LIST | Options::ENABLE_GFM;
    }
    o
}

pub struct AnchorMaker {
    line: MdbookLine,
    counts: HashMap<String, usize>,
    used: HashSet<String>,
}

impl AnchorMaker {
    pub fn new(line: MdbookLine) -> Self {
        AnchorMaker {
            line,
            counts: HashMap::new(),
            used: HashSet::new(),
        }
    }

    pub fn heading(&mut self, inline: &[Event<'_>], explicit_id: Option<&str>) -> String {
        if let Some(id) = explicit_id {
            return id.to_string();
        }
        let mut text = String::new();
        for e in inline {
            if let Event::Text(t) | Event::Code(t) = e {
                text.push_str(t);
            }
        }
        match self.line {
            MdbookLine::V04 => {
                let id: String = text
                    .trim()
                    .chars()
                    .filter_map(|ch| {
                        if ch.is_alphanumeric() || ch == '_' || ch == '-' {
                            Some(ch.to_ascii_lowercase())
                        } else if ch.is_whitespace() {
                            Some('-')
                        } else {
                            None
                        }
                    })
                    .collect();
                let n = self.counts.entry(id.clone()).or_insert(0);
                let out = if *n == 0 { id } else { format!("{id}-{n}") };
                *n += 1;
                out
            }
            MdbookLine::V05 => {
                let id: String = text
                    .trim()
                    .to_lowercase()
                    .chars()
                    .filter_map(|ch| {
                        if ch.is_alphanumeric() || ch == '_' || ch == '-' {
                            Some(ch)
                        } else if ch.is_whitespace() {
                            Some('-')
                        } else {
                            None
                        }
                    })
                    .collect();
                self.unique(id)
            }
        }
    }

    fn unique(&mut self, id: String) -> String {
        if self.used.insert(id.clone()) {
            return id;
        }
        let mut n = 1;
        loop {
            let c = format!("{id}-{n}");
            if self.used.insert(c.clone()) {
                return c;
            }
            n += 1;
        }
    }

    pub fn definition_term(&mut self, inline: &[Event<'_>]) {
        if self.line == MdbookLine::V05 {
            let _ = self.heading(inline, None);
        }
    }
}
