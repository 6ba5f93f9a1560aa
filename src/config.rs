//! The `[preprocessor.vision]` table: its schema, defaults and validation.
//!
//! mdBook hands the table over as JSON inside the preprocessor context. Every
//! key is checked by hand so an unknown or mistyped key gets a message that
//! names it and suggests the nearest valid one.

use crate::answer::Placeholders;
use crate::diag::{lint_named, Level, ALL_LINTS};
use crate::model::Kind;
use crate::path_glob::PathGlobs;
use crate::text::did_you_mean;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A problem with the book's configuration; fatal, reported without a line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// A status an entry may have, and how it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub name: String,
    pub label: String,
}

/// One row of the roadmap's emoji key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyEntry {
    pub emoji: String,
    pub name: String,
    pub meaning: String,
}

/// Which chapters hold entries of a kind, by path glob.
#[derive(Clone, Debug)]
pub struct KindGlobs {
    pub kind: Kind,
    pub patterns: Vec<String>,
    /// Chapters matching these hold one entry per page (patterns ending in `/**`).
    per_page: PathGlobs,
    /// Chapters matching any pattern default to this kind.
    any: PathGlobs,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub statuses: Vec<Status>,
    pub owner_url: String,
    pub volunteer_link: Option<String>,
    pub lints: BTreeMap<String, Level>,
    pub kinds: Vec<KindGlobs>,
    pub roadmap_key: Vec<KeyEntry>,
    /// True when the key came from book.toml rather than the defaults.
    pub roadmap_key_configured: bool,
    pub stale_after_months: Option<u32>,
    pub faq: BTreeMap<Kind, Vec<String>>,
    /// Keyed once here: every FAQ text run of the book is compared with them.
    pub placeholders: Placeholders,
    pub show_faq_gaps: bool,
}

/// Keys mdBook itself reads from every `[preprocessor.NAME]` table.
const MDBOOK_KEYS: &[&str] = &["command", "renderers", "before", "after", "optional"];
const OUR_KEYS: &[&str] = &[
    "statuses",
    "owner-url",
    "volunteer-link",
    "lints",
    "kinds",
    "roadmap",
    "faq",
    "show-faq-gaps",
];

pub fn default_statuses() -> Vec<Status> {
    [
        ("draft", "⚠️ Draft ⚠️"),
        ("review", "👀 In review 👀"),
        ("accepted", "✅ Accepted"),
        ("published", "📢 Published"),
        ("obsolete", "🗄️ Obsolete"),
    ]
    .into_iter()
    .map(|(name, label)| Status {
        name: name.into(),
        label: label.into(),
    })
    .collect()
}

/// The seed's roadmap key, in the seed's order.
pub fn default_roadmap_key() -> Vec<KeyEntry> {
    [
        (
            "🥬",
            "healthy",
            "\"Healthy\" -- on track with the plan as described in the doc",
        ),
        (
            "✏️",
            "planning",
            "\"Planning\" -- Still figuring out the plan",
        ),
        (
            "🤒",
            "worried",
            "\"Worried\" -- things are looking a bit tricky, plans aren't working out",
        ),
        (
            "🏖️",
            "on-vacation",
            "\"On vacation\" -- taking a break right now",
        ),
        ("⚰️", "gave-up", "We gave up on this idea =)"),
    ]
    .into_iter()
    .map(|(emoji, name, meaning)| KeyEntry {
        emoji: emoji.into(),
        name: name.into(),
        meaning: meaning.into(),
    })
    .collect()
}

/// The seed's "Required and suggested FAQs".
pub fn default_faq(kind: Kind) -> Vec<String> {
    let list: &[&str] = match kind {
        Kind::StatusQuo => &[
            "What are the morals of the story?",
            "Are you just making this stuff up?",
        ],
        Kind::ShinyFuture => &[
            "What is NAME most excited about and why?",
            "What is NAME most disappointed with?",
            "What key things did the Rust org do to make this happen?",
            "What things did the other groups do to make this happen?",
        ],
        Kind::Character => &[
            "Which of the async tenets would NAME put first and which would they put last? Why?",
        ],
        Kind::DesignDoc => &[
            "What assumptions are you using as the basis for this design?",
            "Why not do ALTERNATIVE-X?",
            "What design decisions cannot easily be reversed?",
        ],
        Kind::Roadmap | Kind::Conversation => &[],
    };
    list.iter().map(|s| s.to_string()).collect()
}

pub fn default_placeholders() -> Vec<String> {
    [
        "XXX",
        "TODO",
        "TBD",
        "Write these",
        "(Explain your key points here)",
        "(Cite important sources here; …)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn default_kind_patterns(kind: Kind) -> Vec<String> {
    let dirs: &[&str] = match kind {
        Kind::Character => &["characters"],
        Kind::StatusQuo => &["status_quo", "status-quo"],
        Kind::ShinyFuture => &["shiny_future", "shiny-future"],
        Kind::DesignDoc => &["design_docs", "design-docs"],
        Kind::Roadmap => &["roadmap"],
        Kind::Conversation => &["conversations"],
    };
    let mut patterns = Vec::new();
    for dir in dirs {
        patterns.push(format!("**/{dir}/**"));
        patterns.push(format!("**/{dir}.md"));
    }
    patterns
}

impl KindGlobs {
    fn new(kind: Kind, patterns: Vec<String>) -> Result<KindGlobs, ConfigError> {
        let invalid = |(pattern, e): (String, globset::Error)| {
            ConfigError(format!(
                "[preprocessor.vision.kinds] {}: invalid glob `{pattern}`: {e}",
                kind.name()
            ))
        };
        let per_page = patterns
            .iter()
            .map(String::as_str)
            .filter(|p| p.ends_with("/**"));
        Ok(KindGlobs {
            kind,
            per_page: PathGlobs::new(per_page).map_err(invalid)?,
            any: PathGlobs::new(patterns.iter().map(String::as_str)).map_err(invalid)?,
            patterns,
        })
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::from_table(None).expect("the defaults are valid")
    }
}

impl Config {
    /// Reads `config.preprocessor.vision` from mdBook's context JSON.
    pub fn from_book_config(book_config: &Value) -> Result<Config, ConfigError> {
        let table = book_config
            .get("preprocessor")
            .and_then(|p| p.get("vision"));
        Config::from_table(table)
    }

    /// Reads the `[preprocessor.vision]` table itself (absent: all defaults).
    pub fn from_table(table: Option<&Value>) -> Result<Config, ConfigError> {
        let empty = Map::new();
        let table = match table {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(ConfigError(format!(
                    "[preprocessor.vision] must be a table, found {}",
                    type_name(other)
                )))
            }
        };
        check_keys("[preprocessor.vision]", table, OUR_KEYS, MDBOOK_KEYS)?;

        let statuses = match table.get("statuses") {
            None => default_statuses(),
            Some(v) => string_map("[preprocessor.vision.statuses]", v)?
                .into_iter()
                .map(|(name, label)| Status { name, label })
                .collect(),
        };
        let owner_url = optional_string(table, "owner-url")?
            .unwrap_or_else(|| "https://github.com/{}".to_string());
        if !owner_url.contains("{}") {
            return Err(ConfigError(format!(
                "`owner-url` must contain `{{}}` where the name goes, found `{owner_url}`"
            )));
        }
        let volunteer_link = optional_string(table, "volunteer-link")?;
        let show_faq_gaps = match table.get("show-faq-gaps") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(ConfigError(format!(
                    "`show-faq-gaps` must be true or false, found {}",
                    type_name(other)
                )))
            }
        };

        let mut lints = BTreeMap::new();
        if let Some(v) = table.get("lints") {
            for (name, level) in string_map("[preprocessor.vision.lints]", v)? {
                if lint_named(&name).is_none() {
                    let names: Vec<&str> = ALL_LINTS.iter().map(|l| l.name).collect();
                    return Err(ConfigError(format!(
                        "unknown lint `{name}` in [preprocessor.vision.lints]{}",
                        did_you_mean(&name, names.iter().copied())
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default()
                    )));
                }
                let Some(level) = Level::parse(&level) else {
                    return Err(ConfigError(format!(
                        "lint `{name}` has level `{level}`; use `allow`, `warn` or `deny`"
                    )));
                };
                lints.insert(name, level);
            }
        }

        let kinds_table = object("[preprocessor.vision.kinds]", table.get("kinds"))?;
        let kind_names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        check_keys(
            "[preprocessor.vision.kinds]",
            &kinds_table,
            &kind_names,
            &[],
        )?;
        let mut kinds = Vec::new();
        for kind in Kind::ALL {
            let patterns = match kinds_table.get(kind.name()) {
                Some(v) => string_list(&format!("kinds.{}", kind.name()), v)?,
                None => default_kind_patterns(kind),
            };
            kinds.push(KindGlobs::new(kind, patterns)?);
        }

        let roadmap = object("[preprocessor.vision.roadmap]", table.get("roadmap"))?;
        check_keys(
            "[preprocessor.vision.roadmap]",
            &roadmap,
            &["key", "stale-after-months"],
            &[],
        )?;
        let roadmap_key_configured = roadmap.contains_key("key");
        let roadmap_key = match roadmap.get("key") {
            None => default_roadmap_key(),
            Some(v) => parse_key(v)?,
        };
        let stale_after_months = match roadmap.get("stale-after-months") {
            None => None,
            Some(v) => Some(
                v.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| {
                        ConfigError(format!(
                            "`roadmap.stale-after-months` must be a positive whole number, found {v}"
                        ))
                    })?,
            ),
        };

        let faq_table = object("[preprocessor.vision.faq]", table.get("faq"))?;
        let mut faq_keys = kind_names.clone();
        faq_keys.push("placeholders");
        check_keys("[preprocessor.vision.faq]", &faq_table, &faq_keys, &[])?;
        let mut faq = BTreeMap::new();
        for kind in Kind::ALL {
            let list = match faq_table.get(kind.name()) {
                Some(v) => string_list(&format!("faq.{}", kind.name()), v)?,
                None => default_faq(kind),
            };
            faq.insert(kind, list);
        }
        let placeholders = Placeholders::new(&match faq_table.get("placeholders") {
            Some(v) => string_list("faq.placeholders", v)?,
            None => default_placeholders(),
        });

        Ok(Config {
            statuses,
            owner_url,
            volunteer_link,
            lints,
            kinds,
            roadmap_key,
            roadmap_key_configured,
            stale_after_months,
            faq,
            placeholders,
            show_faq_gaps,
        })
    }

    /// The kind that a chapter's path suggests, and whether the chapter is
    /// one entry per page.
    pub fn kind_for_path(&self, path: &str) -> Option<(Kind, bool)> {
        let path: std::borrow::Cow<str> = if path.contains('\\') {
            path.replace('\\', "/").into()
        } else {
            path.into()
        };
        self.kinds
            .iter()
            .find(|k| k.any.is_match(&path))
            .map(|k| (k.kind, k.per_page.is_match(&path)))
    }

    pub fn status_named(&self, name: &str) -> Option<&Status> {
        self.statuses.iter().find(|s| s.name == name)
    }

    /// The profile link for an `@name` owner.
    pub fn owner_link(&self, name: &str) -> String {
        self.owner_url.replace("{}", name)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

fn check_keys(
    table_name: &str,
    table: &Map<String, Value>,
    ours: &[&str],
    passthrough: &[&str],
) -> Result<(), ConfigError> {
    for key in table.keys() {
        if ours.contains(&key.as_str()) || passthrough.contains(&key.as_str()) {
            continue;
        }
        let suggestion = did_you_mean(key, ours.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| format!("; valid keys are {}", backticked(ours)));
        return Err(ConfigError(format!(
            "unknown key `{key}` in {table_name}{suggestion}"
        )));
    }
    Ok(())
}

fn backticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn object(name: &str, v: Option<&Value>) -> Result<Map<String, Value>, ConfigError> {
    match v {
        None => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(other) => Err(ConfigError(format!(
            "{name} must be a table, found {}",
            type_name(other)
        ))),
    }
}

fn optional_string(table: &Map<String, Value>, key: &str) -> Result<Option<String>, ConfigError> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ConfigError(format!(
            "`{key}` must be a string, found {}",
            type_name(other)
        ))),
    }
}

/// A table of string values, in the order given (mdBook's JSON keeps toml order
/// only by key name, so order here is alphabetical unless the book uses an array).
fn string_map(name: &str, v: &Value) -> Result<Vec<(String, String)>, ConfigError> {
    let Value::Object(map) = v else {
        return Err(ConfigError(format!(
            "{name} must be a table of name = \"text\", found {}",
            type_name(v)
        )));
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(ConfigError(format!(
                "{name}: `{k}` must be a string, found {}",
                type_name(other)
            ))),
        })
        .collect()
}

fn string_list(name: &str, v: &Value) -> Result<Vec<String>, ConfigError> {
    let Value::Array(items) = v else {
        return Err(ConfigError(format!(
            "`{name}` must be an array of strings, found {}",
            type_name(v)
        )));
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.clone()),
            other => Err(ConfigError(format!(
                "`{name}` must contain only strings, found {}",
                type_name(other)
            ))),
        })
        .collect()
}

fn parse_key(v: &Value) -> Result<Vec<KeyEntry>, ConfigError> {
    let Value::Array(rows) = v else {
        return Err(ConfigError(format!(
            "`roadmap.key` must be an array of tables ([[preprocessor.vision.roadmap.key]]), found {}",
            type_name(v)
        )));
    };
    let mut key = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let what = format!("[[preprocessor.vision.roadmap.key]] #{}", i + 1);
        let row = object(&what, Some(row))?;
        check_keys(&what, &row, &["emoji", "name", "meaning"], &[])?;
        let field = |k: &str| -> Result<String, ConfigError> {
            match row.get(k) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                Some(Value::String(_)) | None => {
                    Err(ConfigError(format!("{what} needs a non-empty `{k}`")))
                }
                Some(other) => Err(ConfigError(format!(
                    "{what}: `{k}` must be a string, found {}",
                    type_name(other)
                ))),
            }
        };
        key.push(KeyEntry {
            emoji: field("emoji")?,
            name: field("name")?,
            meaning: field("meaning")?,
        });
    }
    if key.is_empty() {
        return Err(ConfigError(
            "`roadmap.key` is empty; give at least one row or leave it out for the default key"
                .into(),
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_without_a_table() {
        let c = Config::from_table(None).unwrap();
        assert_eq!(c.status_named("draft").unwrap().label, "⚠️ Draft ⚠️");
        assert_eq!(c.owner_link("a"), "https://github.com/a");
        assert_eq!(c.roadmap_key.len(), 5);
        assert_eq!(c.faq[&Kind::StatusQuo].len(), 2);
    }

    #[test]
    fn unknown_key_is_named_with_a_suggestion() {
        let err = Config::from_table(Some(&json!({"colour": 1}))).unwrap_err();
        assert!(err.0.contains("`colour`"), "{err}");
        let err = Config::from_table(Some(&json!({"owner-ulr": "x{}"}))).unwrap_err();
        assert_eq!(
            err.0,
            "unknown key `owner-ulr` in [preprocessor.vision]; did you mean `owner-url`?"
        );
    }

    #[test]
    fn mdbook_keys_are_accepted() {
        let t = json!({"command": "x", "after": ["links"], "before": [], "renderers": ["html"], "optional": true});
        assert!(Config::from_table(Some(&t)).is_ok());
    }

    #[test]
    fn wrong_types_are_named() {
        let err = Config::from_table(Some(&json!({"statuses": 3}))).unwrap_err();
        assert_eq!(
            err.0,
            "[preprocessor.vision.statuses] must be a table of name = \"text\", found a number"
        );
        let err =
            Config::from_table(Some(&json!({"lints": {"missing-faqs": "deny"}}))).unwrap_err();
        assert!(err.0.contains("did you mean `missing-faq`"), "{err}");
    }

    #[test]
    fn kinds_from_paths() {
        let c = Config::default();
        assert_eq!(
            c.kind_for_path("vision/status_quo/alan.md"),
            Some((Kind::StatusQuo, true))
        );
        assert_eq!(
            c.kind_for_path("vision/status_quo.md"),
            Some((Kind::StatusQuo, false))
        );
        assert_eq!(
            c.kind_for_path("characters.md"),
            Some((Kind::Character, false))
        );
        assert_eq!(c.kind_for_path("welcome.md"), None);
    }
}
