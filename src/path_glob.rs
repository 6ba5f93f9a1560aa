//! The path globs that decide a chapter's kind.
//!
//! The shapes nearly every book uses (the defaults are all of them) are
//! matched by hand: `**/NAME/**` and `**/NAME`. Any other glob goes to
//! globset, which compiles each to a regex; for a small book under
//! `mdbook serve`, that compiler's code and automata were a large share of the
//! whole run's memory. The hand-matched shapes mean exactly what globset
//! makes of them (a property test holds the two side by side).

use globset::{Candidate, Glob, GlobSet, GlobSetBuilder};

/// A set of globs; a path matches when any of them does.
#[derive(Clone, Debug, Default)]
pub struct PathGlobs {
    /// `**/NAME/**`: a directory NAME somewhere above the file.
    under_dir: Vec<String>,
    /// `**/NAME`: the file itself is NAME.
    named: Vec<String>,
    /// Every other glob, when there are any.
    others: Option<GlobSet>,
}

impl PathGlobs {
    /// Parses each pattern; the error names the pattern that is not a glob.
    pub fn new<'p>(
        patterns: impl IntoIterator<Item = &'p str>,
    ) -> Result<PathGlobs, (String, globset::Error)> {
        let mut set = PathGlobs::default();
        let mut others = GlobSetBuilder::new();
        let mut other_patterns = Vec::new();
        for pattern in patterns {
            let inner = pattern.strip_prefix("**/").filter(|rest| !rest.is_empty());
            if let Some(dir) = inner
                .and_then(|rest| rest.strip_suffix("/**"))
                .filter(|dir| is_plain_name(dir))
            {
                set.under_dir.push(dir.to_string());
            } else if let Some(name) = inner.filter(|name| is_plain_name(name)) {
                set.named.push(name.to_string());
            } else {
                let glob = Glob::new(pattern).map_err(|e| (pattern.to_string(), e))?;
                others.add(glob);
                other_patterns.push(pattern);
            }
        }
        if !other_patterns.is_empty() {
            let built = others
                .build()
                .map_err(|e| (other_patterns.join("`, `"), e))?;
            set.others = Some(built);
        }
        Ok(set)
    }

    /// Whether `path` (with `/` separators) matches any glob of the set.
    pub fn is_match(&self, path: &str) -> bool {
        self.under_dir.iter().any(|dir| has_dir(path, dir))
            || self.named.iter().any(|name| has_name(path, name))
            || self
                .others
                .as_ref()
                .is_some_and(|set| set.is_match_candidate(&Candidate::new(path)))
    }
}

/// A name with nothing globset would read as a pattern or a separator.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .bytes()
            .any(|b| matches!(b, b'*' | b'?' | b'[' | b']' | b'{' | b'}' | b'\\' | b'/'))
}

/// `**/dir/**`: `dir/` at the start of the path or right after a `/`.
/// Non-overlapping matches miss none of those: a match that overlapped one
/// would have to hold the `/` before it, and `dir` has none.
fn has_dir(path: &str, dir: &str) -> bool {
    path.match_indices(dir).any(|(at, _)| {
        (at == 0 || path.as_bytes()[at - 1] == b'/')
            && path.as_bytes().get(at + dir.len()) == Some(&b'/')
    })
}

/// `**/name`: the whole path, or its part after a `/`.
fn has_name(path: &str, name: &str) -> bool {
    path.strip_suffix(name)
        .is_some_and(|before| before.is_empty() || before.ends_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn globset_says(pattern: &str, path: &str) -> bool {
        Glob::new(pattern).unwrap().compile_matcher().is_match(path)
    }

    #[test]
    fn default_shapes_are_matched_by_hand() {
        let set = PathGlobs::new(["**/status_quo/**", "**/status_quo.md"]).unwrap();
        assert!(set.others.is_none());
        assert_eq!(set.under_dir, ["status_quo"]);
        assert_eq!(set.named, ["status_quo.md"]);
        for (path, want) in [
            ("status_quo/grace.md", true),
            ("vision/status_quo/grace.md", true),
            ("vision/status_quo/a/b.md", true),
            ("status_quo.md", true),
            ("vision/status_quo.md", true),
            ("not_status_quo/grace.md", false),
            ("status_quo_x/grace.md", false),
            ("xstatus_quo.md", false),
            ("status_quo", false),
            ("grace.md", false),
        ] {
            assert_eq!(set.is_match(path), want, "{path}");
        }
    }

    #[test]
    fn other_globs_go_to_globset_and_bad_ones_are_named() {
        let set = PathGlobs::new(["stories/*.md", "**/roadmap/**"]).unwrap();
        assert!(set.others.is_some());
        assert!(set.is_match("stories/a.md"));
        assert!(set.is_match("x/roadmap/y.md"));
        assert!(!set.is_match("other/a.md"));
        let (pattern, _) = PathGlobs::new(["**/ok/**", "bad/[z"]).unwrap_err();
        assert_eq!(pattern, "bad/[z");
    }

    proptest! {
        /// The hand-matched shapes agree with globset on paths made of names
        /// that overlap the pattern's (prefixes, suffixes, dots, empty parts).
        #[test]
        fn hand_matching_agrees_with_globset(
            name in "[ab.]{1,3}",
            dir_shape in any::<bool>(),
            parts in proptest::collection::vec("[ab./]{0,4}", 1..5),
        ) {
            let pattern = if dir_shape { format!("**/{name}/**") } else { format!("**/{name}") };
            let set = PathGlobs::new([pattern.as_str()]).unwrap();
            prop_assert!(set.others.is_none());
            let path = parts.join("/");
            prop_assert_eq!(set.is_match(&path), globset_says(&pattern, &path), "{} on {}", pattern, path);
        }
    }
}
