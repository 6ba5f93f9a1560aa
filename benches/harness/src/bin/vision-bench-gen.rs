//! Generates a synthetic vision book as mdBook sends it to a preprocessor.
//!
//! `vision-bench-gen --chapters N --shape 0.4|0.5 [--refs K] [--seed S] > book.json`
//!
//! Deterministic for a seed. Chapters are 4–8 KB of realistic vision-doc
//! markdown: characters, status quo and shiny future stories (whole-page and
//! several-per-page), design docs on the roadmap, conversations, a roadmap page
//! and an FAQ report. Metadata is written both as directives and as the seed's
//! hand-written tables (links inline, reference-style, `.html`, plain text);
//! FAQ sections come in both forms (`## 🤔 Frequently Asked Questions` with
//! `### **Q?**`, and `<details>` with `* **Q?**` bullets), some with missing
//! questions, typos and placeholder answers (warnings, never errors). Stories
//! are nested up to three levels. `--refs K` makes every status quo story name
//! K shiny futures (each of which then shows K back-links).

use serde_json::{json, Value};
use std::io::{BufWriter, Write};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

const NAMES: &[&str] = &[
    "Alan", "Grace", "Niklaus", "Barbara", "Ada", "Edsger", "Frances", "Ken",
];
const ROLES: &[&str] = &[
    "the startup guy trying to stand up a web stack quickly",
    "the embedded engineer who wants determinism",
    "the student who just learned Rust",
    "the systems programmer porting a C++ codebase",
    "the library author who cares about ergonomics",
];
const ACTIVITIES: &[&str] = &[
    "cache requests",
    "write a stream",
    "debug a deadlock",
    "pick a runtime",
    "spawn a background task",
    "use async fn in traits",
    "cancel a future",
    "profile an async service",
];
const WORDS: &[&str] = &[
    "the",
    "async",
    "runtime",
    "executor",
    "future",
    "task",
    "waker",
    "poll",
    "stream",
    "trait",
    "lifetime",
    "borrow",
    "checker",
    "compiler",
    "error",
    "message",
    "library",
    "crate",
    "tokio",
    "service",
    "request",
    "response",
    "deadline",
    "timeout",
    "and",
    "but",
    "so",
    "then",
    "was",
    "it",
    "she",
    "he",
    "they",
    "found",
    "tried",
    "wanted",
    "needed",
    "could",
    "not",
    "finally",
    "quickly",
    "slowly",
    "surprisingly",
    "because",
    "with",
    "without",
    "into",
    "from",
    "about",
];
const OWNERS: &[&str] = &["@nikomatsakis", "@tmandry", "@estebank", "@rylev", "Shane"];
const STATUSES: &[&str] = &["draft", "review", "accepted", "published"];
const ROADMAP: &[&str] = &["healthy", "planning", "worried", "on-vacation"];

const SQ_FAQ: &[&str] = &[
    "What are the morals of the story?",
    "Are you just making this stuff up?",
    "What are the sources for this story?",
];
const SF_FAQ: &[&str] = &[
    "What is NAME most excited about and why?",
    "What is NAME most disappointed with?",
    "What key things did the Rust org do to make this happen?",
    "What things did the other groups do to make this happen?",
];
const CHAR_FAQ: &[&str] = &[
    "Which of the async tenets would NAME put first and which would they put last? Why?",
    "What does NAME do on weekends?",
];
const DD_FAQ: &[&str] = &[
    "What assumptions are you using as the basis for this design?",
    "Why not do a global executor?",
    "Why not do nothing at all?",
    "What design decisions cannot easily be reversed?",
];

struct Book {
    rng: Rng,
    chars: usize,
    sq: usize,
    sf: usize,
    dd: usize,
    conv: usize,
    refs: usize,
}

fn char_name(c: usize) -> String {
    format!("{}{c}", NAMES[c % NAMES.len()])
}
fn char_path(c: usize) -> String {
    format!("characters/char_{c:05}.md")
}
fn sq_path(i: usize) -> String {
    format!("status_quo/sq_{i:05}.md")
}
fn sf_path(i: usize) -> String {
    format!("shiny_future/sf_{i:05}.md")
}

impl Book {
    fn character_of(&self, i: usize) -> usize {
        i % self.chars
    }
    fn sq_title(&self, i: usize) -> String {
        format!(
            "{} tries to {} (story {i})",
            char_name(self.character_of(i)),
            ACTIVITIES[i % ACTIVITIES.len()]
        )
    }
    fn sf_title(&self, i: usize) -> String {
        format!(
            "{} has a blast when they {} (story {i})",
            char_name(self.character_of(i)),
            ACTIVITIES[i % ACTIVITIES.len()]
        )
    }
    /// Every 10th status quo chapter holds three `##` stories, seed style.
    fn multi(i: usize) -> bool {
        i % 10 == 5
    }
    /// The shiny futures status quo story `i` names.
    fn futures_of(&self, i: usize) -> Vec<usize> {
        if self.sf == 0 {
            return Vec::new();
        }
        let k = if self.refs > 0 {
            self.refs
        } else if i % 7 == 3 {
            2
        } else {
            1
        };
        let mut out: Vec<usize> = (0..k.min(self.sf)).map(|m| (i + m) % self.sf).collect();
        out.dedup();
        out
    }

    fn sentence(&mut self, out: &mut String) {
        let n = 8 + self.rng.below(14);
        for w in 0..n {
            let word = self.rng.pick(WORDS);
            if w == 0 {
                let mut c = word.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
            } else {
                out.push(' ');
                match self.rng.below(40) {
                    0 => {
                        out.push('`');
                        out.push_str(word);
                        out.push_str("::spawn`");
                    }
                    1 => {
                        out.push_str("**");
                        out.push_str(word);
                        out.push_str("**");
                    }
                    2 => {
                        out.push('_');
                        out.push_str(word);
                        out.push('_');
                    }
                    3 => {
                        out.push('[');
                        out.push_str(word);
                        out.push_str("](https://rust-lang.github.io/async-book/)");
                    }
                    4 => out.push('🦀'),
                    5 => out.push_str("it’s"),
                    _ => out.push_str(word),
                }
            }
        }
        out.push_str(if self.rng.chance(10) { "! " } else { ". " });
    }

    fn paragraph(&mut self, out: &mut String) {
        let n = 2 + self.rng.below(4);
        for _ in 0..n {
            self.sentence(out);
        }
        out.push_str("\n\n");
    }

    /// Prose, lists, quotes and code until `out` reaches `target` bytes.
    fn filler(&mut self, out: &mut String, target: usize) {
        while out.len() < target {
            match self.rng.below(10) {
                0 => {
                    out.push_str("```rust\nasync fn handle(req: Request) -> Response {\n    // {{#vision status-quo}} is not a directive in code\n    let body = fetch(&req).await?;\n    Response::new(body)\n}\n```\n\n");
                }
                1 => {
                    for _ in 0..3 {
                        out.push_str("* ");
                        self.sentence(out);
                        out.push('\n');
                    }
                    out.push('\n');
                }
                2 => {
                    out.push_str("> ");
                    self.sentence(out);
                    out.push_str("\n\n");
                }
                3 => {
                    out.push_str("<!-- TODO: {{#vision faq-report}} later -->\n\n");
                    self.paragraph(out);
                }
                _ => self.paragraph(out),
            }
        }
    }

    fn target(&mut self) -> usize {
        4096 + self.rng.below(4096)
    }

    /// An FAQ section in one of both forms, with the occasional gap.
    fn faq(&mut self, out: &mut String, level: usize, questions: &[&str], name: &str) {
        let mut qs: Vec<String> = questions.iter().map(|q| q.replace("NAME", name)).collect();
        if self.rng.chance(15) && qs.len() > 1 {
            qs.remove(0); // missing-faq
        }
        if self.rng.chance(3) {
            qs[0] = qs[0].replacen("the", "teh", 1); // a likely typo
        }
        let placeholder = self.rng.chance(15).then(|| self.rng.below(qs.len()));
        if self.rng.chance(50) {
            out.push_str(&format!(
                "{} 🤔 Frequently Asked Questions\n\n",
                "#".repeat(level)
            ));
            for (i, q) in qs.iter().enumerate() {
                out.push_str(&format!("{} **{q}**\n\n", "#".repeat(level + 1)));
                if placeholder == Some(i) {
                    out.push_str("* XXX\n\n");
                } else {
                    out.push_str("* ");
                    self.sentence(out);
                    out.push_str("\n* ");
                    self.sentence(out);
                    out.push_str("\n\n");
                }
            }
        } else {
            out.push_str("<details><summary>🤔 <b>Frequently Asked Questions</b></summary><p>\n\n");
            for (i, q) in qs.iter().enumerate() {
                out.push_str(&format!("* **{q}**\n"));
                if placeholder == Some(i) {
                    out.push_str("    * Write these\n");
                } else {
                    out.push_str("    * ");
                    self.sentence(out);
                    out.push_str("\n    * ");
                    self.sentence(out);
                    out.push('\n');
                }
            }
            out.push_str("\n</p></details>\n\n");
        }
    }

    fn character(&mut self, c: usize) -> String {
        let name = char_name(c);
        let mut out = format!("# {name}: {}\n\n", ROLES[c % ROLES.len()]);
        let status = self.rng.pick(STATUSES);
        let owner = self.rng.pick(OWNERS);
        if self.rng.chance(50) {
            out.push_str(&format!(
                "{{{{#vision character status={status} owner={owner}}}}}\n\n"
            ));
        } else {
            out.push_str(&format!(
                "| Status | Owner |\n| --- | --- |\n| {status} | {owner} |\n\n"
            ));
        }
        let target = self.target();
        self.filler(&mut out, target - 600);
        self.faq(&mut out, 2, CHAR_FAQ, &name);
        out
    }

    /// The metadata of status quo story `i` (directive or hand-written table).
    fn sq_meta(&mut self, out: &mut String, i: usize, part: usize) {
        let c = self.character_of(i);
        let futures = if part == 0 {
            self.futures_of(i)
        } else {
            Vec::new()
        };
        let assigned = match self.rng.below(4) {
            0 => "",
            1 => "Shane and @estebank",
            2 => "pnkfelix?",
            _ => "@tmandry",
        };
        if self.rng.chance(50) {
            let mut d = format!("{{{{#vision status-quo character={}", char_name(c));
            for f in &futures {
                d.push_str(&format!(" future=\"{}\"", self.sf_title(*f)));
            }
            if !assigned.is_empty() {
                d.push_str(" assigned=@estebank");
            }
            d.push_str("}}\n\n");
            out.push_str(&d);
        } else {
            let character = match self.rng.below(3) {
                0 => char_name(c),
                1 => format!("[{}](../{})", char_name(c), char_path(c)),
                _ => format!("[{}]", char_name(c)),
            };
            let partners = if futures.is_empty() {
                "not yet written".to_string()
            } else {
                // Plain text names one story; several are always links.
                let several = futures.len() > 1;
                futures
                    .iter()
                    .map(|&f| match self.rng.below(3) {
                        0 if !several => self.sf_title(f),
                        1 => format!(
                            "[{}](../{})",
                            self.sf_title(f),
                            sf_path(f).replace(".md", ".html")
                        ),
                        _ => format!("[{}](../{})", self.sf_title(f), sf_path(f)),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let assigned = if assigned.is_empty() {
                "✋ [Volunteer wanted] ✋"
            } else {
                assigned
            };
            out.push_str(&format!(
                "| Character | Shiny Future | Assigned To |\n| --- | --- | --- |\n| {character} | {partners} | {assigned} |\n\n"
            ));
        }
    }

    fn status_quo(&mut self, i: usize) -> String {
        let c = self.character_of(i);
        let name = char_name(c);
        let mut out;
        if Self::multi(i) {
            out = format!("# 😱 Status quo stories: batch {i}\n\n");
            self.paragraph(&mut out);
            for part in 0..3 {
                let title = if part == 0 {
                    self.sq_title(i)
                } else {
                    format!("{} part {part}", self.sq_title(i))
                };
                out.push_str(&format!("## {title}\n\n"));
                self.sq_meta(&mut out, i, part);
                let to = out.len() + 1200;
                self.filler(&mut out, to);
                self.faq(&mut out, 3, SQ_FAQ, &name);
            }
        } else {
            out = format!("# 😱 Status quo stories: {}\n\n", self.sq_title(i));
            self.sq_meta(&mut out, i, 0);
            out.push_str("## The story\n\n");
            let target = self.target();
            self.filler(&mut out, target - 700);
            self.faq(&mut out, 2, SQ_FAQ, &name);
        }
        out.push_str(&format!("[{name}]: ../{}\n", char_path(c)));
        out
    }

    fn shiny_future(&mut self, i: usize) -> String {
        let c = self.character_of(i);
        let name = char_name(c);
        let mut out = format!("# ✨ Shiny future stories: {}\n\n", self.sf_title(i));
        // The status quo stories that name this one (without --refs: story i).
        let partner = (i < self.sq).then_some(i);
        if self.rng.chance(50) {
            out.push_str(&format!("{{{{#vision shiny-future character={name}"));
            if let Some(p) = partner.filter(|_| self.rng.chance(50)) {
                out.push_str(&format!(" status-quo=\"{}\"", self.sq_title(p)));
            }
            out.push_str(" assigned=@rylev}}\n\n");
        } else {
            let back = match partner {
                Some(p) if self.rng.chance(50) => self.sq_title(p),
                Some(p) if !Self::multi(p) => format!("[{}](../{})", self.sq_title(p), sq_path(p)),
                _ => "not yet written".to_string(),
            };
            out.push_str(&format!(
                "| Character | Status quo | Assigned To |\n| --- | --- | --- |\n| [{name}](../{}) | {back} | ✋ [Volunteer wanted] ✋ |\n\n",
                char_path(c)
            ));
        }
        out.push_str("## The story\n\n");
        let target = self.target();
        self.filler(&mut out, target - 900);
        self.faq(&mut out, 2, SF_FAQ, &name);
        out
    }

    fn design_doc(&mut self, i: usize) -> String {
        let mut out = format!("# Design doc: an executor interface, take {i}\n\n");
        out.push_str(&format!(
            "{{{{#vision design-doc status={} roadmap={} owner={} owner=@tmandry updated=2021-{:02}}}}}\n\n",
            self.rng.pick(STATUSES),
            self.rng.pick(ROADMAP),
            self.rng.pick(&OWNERS[..4]),
            1 + i % 12
        ));
        let target = self.target();
        self.filler(&mut out, target - 900);
        self.faq(&mut out, 2, DD_FAQ, "");
        out
    }

    fn conversation(&mut self, i: usize) -> String {
        let mut out = format!("# Conversation {i}: notes from a user interview\n\n");
        let target = self.target();
        self.filler(&mut out, target);
        out
    }
}

fn chapter(
    name: &str,
    content: String,
    number: &[u32],
    path: &str,
    parents: &[String],
    subs: Vec<Value>,
) -> Value {
    json!({"Chapter": {
        "name": name,
        "content": content,
        "number": number,
        "sub_items": subs,
        "path": path,
        "source_path": path,
        "parent_names": parents,
    }})
}

/// A section: its README chapter, with the chapters as sub-items; every 10th
/// chapter holds the next three (three levels deep).
fn section(
    book: &mut Book,
    sec: u32,
    title: &str,
    dir: &str,
    n: usize,
    make: &mut dyn FnMut(&mut Book, usize) -> (String, String, String),
) -> Value {
    let mut readme = format!("# {title}\n\n");
    let target = book.target();
    book.filler(&mut readme, target);
    let parents = vec![title.to_string()];
    let mut subs = Vec::new();
    let mut i = 0;
    let mut k = 0u32;
    while i < n {
        k += 1;
        let (name, content, path) = make(book, i);
        let mut nested = Vec::new();
        let mut j = 0u32;
        if i % 10 == 0 {
            let mut inner_parents = parents.clone();
            inner_parents.push(name.clone());
            while j < 3 && i + 1 < n {
                i += 1;
                j += 1;
                let (n2, c2, p2) = make(book, i);
                nested.push(chapter(
                    &n2,
                    c2,
                    &[sec, k, j],
                    &p2,
                    &inner_parents,
                    Vec::new(),
                ));
            }
        }
        subs.push(chapter(&name, content, &[sec, k], &path, &parents, nested));
        i += 1;
    }
    chapter(
        title,
        readme,
        &[sec],
        &format!("{dir}/README.md"),
        &[],
        subs,
    )
}

fn main() {
    let mut chapters = 2000usize;
    let mut shape = "0.5".to_string();
    let mut refs = 0usize;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        match a.as_str() {
            "--chapters" => chapters = v.parse().expect("--chapters N"),
            "--shape" => shape = v,
            "--refs" => refs = v.parse().expect("--refs K"),
            "--seed" => seed = v.parse().expect("--seed S"),
            _ => {
                eprintln!(
                    "usage: vision-bench-gen --chapters N --shape 0.4|0.5 [--refs K] [--seed S]"
                );
                std::process::exit(2);
            }
        }
    }
    // 3 pages of their own + 5 section READMEs; the rest is split by kind.
    let rest = chapters.saturating_sub(8).max(10);
    let chars = (rest / 20).max(2);
    let rest = rest - chars;
    let (sq, sf, dd) = (rest * 4 / 10, rest * 4 / 10, rest / 10);
    let conv = rest - sq - sf - dd;
    let mut book = Book {
        rng: Rng(seed),
        chars,
        sq,
        sf,
        dd,
        conv,
        refs,
    };

    let mut items = Vec::new();
    let mut intro =
        "# Vision doc\n\nThis book is generated for benchmarking.\n\n{{#vision roadmap-key}}\n\n"
            .to_string();
    book.filler(&mut intro, 4096);
    items.push(chapter(
        "Vision doc",
        intro,
        &[1],
        "README.md",
        &[],
        Vec::new(),
    ));
    items.push(json!({"PartTitle": "The cast and the stories"}));
    let sections: [(&str, &str, usize); 5] = [
        ("Characters", "characters", book.chars),
        ("Status quo stories", "status_quo", book.sq),
        ("Shiny future stories", "shiny_future", book.sf),
        ("Design docs", "design_docs", book.dd),
        ("Conversations", "conversations", book.conv),
    ];
    for (k, (title, dir, n)) in sections.into_iter().enumerate() {
        let mut make = |b: &mut Book, i: usize| -> (String, String, String) {
            match dir {
                "characters" => (char_name(i), b.character(i), char_path(i)),
                "status_quo" => (b.sq_title(i), b.status_quo(i), sq_path(i)),
                "shiny_future" => (b.sf_title(i), b.shiny_future(i), sf_path(i)),
                "design_docs" => (
                    format!("Design doc {i}"),
                    b.design_doc(i),
                    format!("design_docs/dd_{i:05}.md"),
                ),
                _ => (
                    format!("Conversation {i}"),
                    b.conversation(i),
                    format!("conversations/conv_{i:05}.md"),
                ),
            }
        };
        items.push(section(&mut book, k as u32 + 2, title, dir, n, &mut make));
    }
    items.push(json!("Separator"));
    let mut roadmap = "# Roadmap\n\n{{#vision roadmap-key}}\n\n{{#vision roadmap}}\n\n".to_string();
    book.filler(&mut roadmap, 4096);
    items.push(chapter(
        "Roadmap",
        roadmap,
        &[7],
        "roadmap.md",
        &[],
        Vec::new(),
    ));
    let mut report = "# FAQ status\n\n{{#vision faq-report}}\n\n".to_string();
    book.filler(&mut report, 4096);
    items.push(chapter(
        "FAQ status",
        report,
        &[8],
        "faq_report.md",
        &[],
        Vec::new(),
    ));

    let (version, book_json) = if shape == "0.4" {
        (
            "0.4.52",
            json!({"sections": items, "__non_exhaustive": null}),
        )
    } else {
        ("0.5.4", json!({"items": items}))
    };
    let context = json!({
        "root": "/tmp/vision-bench",
        "config": {
            "book": {"authors": ["bench"], "language": "en", "src": "src", "title": "Vision bench"},
            "output": {"html": {}},
            "preprocessor": {"vision": {}}
        },
        "renderer": "html",
        "mdbook_version": version,
    });
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    serde_json::to_writer(&mut out, &json!([context, book_json])).expect("write");
    out.flush().expect("flush");
}
