//! `mdbook-vision install [BOOK_DIR]`: adds `[preprocessor.vision]` to book.toml.
//!
//! The table is appended to the file's text, so every comment, blank line and
//! odd spacing stays exactly as it was; `toml_edit` checks the file before and
//! the result after (and inserts the table itself in the rare layouts where
//! appending a `[preprocessor.vision]` header would not be valid TOML).

use anyhow::{bail, Context as _};
use std::path::Path;
use std::process::ExitCode;
use toml_edit::{DocumentMut, Item};

/// Whether the document already configures the preprocessor.
fn has_vision(doc: &DocumentMut) -> bool {
    doc.get("preprocessor")
        .and_then(|p| p.as_table_like())
        .is_some_and(|p| p.contains_key("vision"))
}

/// book.toml's text with the vision table added; `None` when it is already there.
pub fn add_table(text: &str) -> Result<Option<String>, String> {
    let doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    if has_vision(&doc) {
        return Ok(None);
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(newline);
    }
    if !out.trim().is_empty() {
        out.push_str(newline);
    }
    out.push_str(&format!(
        "[preprocessor.vision]{newline}after = [\"links\"]{newline}"
    ));
    if let Ok(new_doc) = out.parse::<DocumentMut>() {
        if has_vision(&new_doc) {
            return Ok(Some(out));
        }
    }
    // `preprocessor = { ... }` or dotted keys: edit the document instead.
    let mut doc = doc;
    let mut vision = toml_edit::InlineTable::new();
    let mut after = toml_edit::Array::new();
    after.push("links");
    vision.insert("after", after.into());
    match doc.get_mut("preprocessor") {
        Some(Item::Value(toml_edit::Value::InlineTable(p))) => {
            p.insert("vision", vision.into());
        }
        Some(Item::Table(p)) => {
            p.insert("vision", Item::Table(vision.into_table()));
        }
        Some(_) => return Err("`preprocessor` in book.toml is not a table".into()),
        None => unreachable!("appending works when there is no `preprocessor`"),
    }
    let out = doc.to_string();
    Ok(Some(out))
}

pub fn run(book_dir: &Path) -> anyhow::Result<ExitCode> {
    let path = book_dir.join("book.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "there is no book.toml in {} (is it the book's root directory? `mdbook init` makes a new book)",
            book_dir.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    match add_table(&text) {
        Err(e) => bail!(
            "{} is not valid TOML, nothing changed:\n{e}",
            path.display()
        ),
        Ok(None) => {
            println!(
                "mdbook-vision: {} already has [preprocessor.vision]; nothing to do",
                path.display()
            );
        }
        Ok(Some(new)) => {
            std::fs::write(&path, new)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!(
                "mdbook-vision: added [preprocessor.vision] to {}; `mdbook build` now runs it",
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::add_table;

    #[test]
    fn appends_only_the_table() {
        let text = "# c\n[book]\ntitle   =  \"x\"  # t";
        assert_eq!(
            add_table(text).unwrap().unwrap(),
            "# c\n[book]\ntitle   =  \"x\"  # t\n\n[preprocessor.vision]\nafter = [\"links\"]\n"
        );
        assert_eq!(
            add_table("a = 1\r\n").unwrap().unwrap(),
            "a = 1\r\n\r\n[preprocessor.vision]\r\nafter = [\"links\"]\r\n"
        );
        assert_eq!(add_table("[preprocessor.vision]\n").unwrap(), None);
        assert_eq!(add_table("preprocessor.vision = {}\n").unwrap(), None);
        assert!(add_table("[book\n").is_err());
    }

    #[test]
    fn inline_preprocessor_tables_are_edited_in_place() {
        let out = add_table("preprocessor = { links = {} }\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            "preprocessor = { links = {} , vision = { after = [\"links\"] } }\n"
        );
    }
}
