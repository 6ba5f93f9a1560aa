//! The roadmap: status cells and `roadmap=` values must be in the key, dates
//! must be `YYYY-MM` or `YYYY-MM-DD` (and not older than `stale-after-months`),
//! plan links must land.

use crate::diag::{Draft, Reporter, SourceFile, INVALID_DATE, STALE_ROADMAP_ITEM, UNKNOWN_STATUS};
use crate::index::LinkTarget;
use crate::roadmap::{items, items_key, key_for_page, roadmap_tables, Key};
use crate::text::{did_you_mean, title_key};
use crate::Analysis;
use std::ops::Range;

pub fn check(a: &Analysis, reporter: &mut Reporter) {
    let today = today();
    for (ci, chapter) in a.chapters.iter().enumerate() {
        let Some(scan) = &chapter.scan else { continue };
        let tables = roadmap_tables(a, ci, scan);
        if tables.is_empty() {
            continue;
        }
        let file = a.source(ci);
        let key = key_for_page(a, ci);
        for (t, cols) in tables {
            for row in &t.rows {
                if let Some(cell) = row.cells.get(cols.status) {
                    let written = cell.text.trim();
                    if !written.is_empty() && key.lookup(written).is_none() {
                        report_status(reporter, &file, cell.span(), written, &key);
                    }
                }
                if let Some(cell) = cols.updated.and_then(|c| row.cells.get(c)) {
                    let written = cell.text.trim();
                    if !written.is_empty() {
                        check_date(a, reporter, &file, cell.span(), written, today);
                    }
                }
                if let Some(cell) = cols.plan.and_then(|c| row.cells.get(c)) {
                    for l in &cell.links {
                        let target = a.index.resolve_link(a.chapters, ci, &l.dest);
                        if matches!(
                            target,
                            LinkTarget::MissingChapter { .. } | LinkTarget::MissingAnchor { .. }
                        ) {
                            let draft = super::stories::broken_link(a, &l.dest, &target);
                            reporter.report(&file, l.span(), draft);
                        }
                    }
                }
            }
        }
    }

    let key = items_key(a);
    for item in items(a) {
        let file = a.source(item.chapter);
        if key.lookup(&item.status.value).is_none() {
            report_status(
                reporter,
                &file,
                item.status.span(),
                &item.status.value,
                &key,
            );
        }
        if let Some(u) = item.directive.value("updated") {
            check_date(a, reporter, &file, u.span(), u.value.trim(), today);
        }
    }
}

fn report_status(
    reporter: &mut Reporter,
    file: &SourceFile<'_>,
    span: Range<usize>,
    written: &str,
    key: &Key,
) {
    let mut draft = Draft::new(
        UNKNOWN_STATUS,
        format!("unknown roadmap status `{written}`"),
    );
    let names = key.names();
    if !title_key(written).is_empty() {
        if let Some(n) = did_you_mean(written.trim(), names.iter().copied()) {
            let emoji = key
                .lookup(n)
                .map(|m| key.rows[m.row()].emoji.as_str())
                .unwrap_or_default();
            draft = draft.help(format!("did you mean `{n}` ({emoji})?"));
        }
    }
    draft = draft.help(format!(
        "valid statuses are {} ({})",
        key.describe(),
        key.origin()
    ));
    reporter.report(file, span, draft);
}

fn check_date(
    a: &Analysis,
    reporter: &mut Reporter,
    file: &SourceFile<'_>,
    span: Range<usize>,
    written: &str,
    today: Date,
) {
    let Some(date) = Date::parse(written) else {
        reporter.report(
            file,
            span,
            Draft::new(INVALID_DATE, format!("`{written}` is not a date"))
                .help("write the date as YYYY-MM or YYYY-MM-DD, e.g. `2021-02` or `2021-02-15`"),
        );
        return;
    };
    let Some(limit) = a.config.stale_after_months else {
        return;
    };
    let age = today.months_since(date);
    if age > i64::from(limit) {
        reporter.report(
            file,
            span,
            Draft::new(
                STALE_ROADMAP_ITEM,
                format!(
                    "roadmap item last updated {written}, {age} months ago (more than {limit})"
                ),
            )
            .help(format!(
                "today is {today}; update the item and its date, or raise `stale-after-months`"
            )),
        );
    }
}

/// A calendar date as roadmaps write it: a month, optionally a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: Option<u32>,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Date {
    /// `YYYY-MM` or `YYYY-MM-DD`, with a real month and day.
    pub fn parse(s: &str) -> Option<Date> {
        let parts: Vec<&str> = s.split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        let (y, m, d) = match parts.as_slice() {
            [y, m] if digits(y, 4) && digits(m, 2) => (y, m, None),
            [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => (y, m, Some(d)),
            _ => return None,
        };
        let year: i64 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        if !(1..=12).contains(&month) {
            return None;
        }
        let day = match d {
            Some(d) => {
                let day: u32 = d.parse().ok()?;
                if day == 0 || day > days_in_month(year, month) {
                    return None;
                }
                Some(day)
            }
            None => None,
        };
        Some(Date { year, month, day })
    }

    /// Whole months from `earlier` to `self` (a month-only date counts as its first day).
    pub fn months_since(self, earlier: Date) -> i64 {
        let mut months = (self.year * 12 + i64::from(self.month))
            - (earlier.year * 12 + i64::from(earlier.month));
        if self.day.unwrap_or(1) < earlier.day.unwrap_or(1) {
            months -= 1;
        }
        months
    }

    /// The UTC date of a unix timestamp (days-from-civil inverted, after
    /// Howard Hinnant's algorithm).
    pub fn from_unix(secs: i64) -> Date {
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year,
            month,
            day: Some(day),
        }
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Today: `SOURCE_DATE_EPOCH` when set (reproducible builds), else the clock.
pub fn today() -> Date {
    let from_env = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok());
    let secs = from_env.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    Date::from_unix(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_with_real_months_and_days() {
        assert_eq!(
            Date::parse("2021-02"),
            Some(Date {
                year: 2021,
                month: 2,
                day: None
            })
        );
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2021-02-29").is_none());
        assert!(Date::parse("2021-13").is_none());
        assert!(Date::parse("2021-00").is_none());
        assert!(Date::parse("Feb 2021").is_none());
        assert!(Date::parse("2021-2").is_none());
        assert!(Date::parse("2021-04-31").is_none());
    }

    #[test]
    fn unix_seconds_become_utc_dates() {
        assert_eq!(Date::from_unix(0).to_string(), "1970-01-01");
        // 2021-03-01T00:00:00Z
        assert_eq!(Date::from_unix(1_614_556_800).to_string(), "2021-03-01");
        // 2024-02-29T12:00:00Z
        assert_eq!(Date::from_unix(1_709_208_000).to_string(), "2024-02-29");
        assert_eq!(Date::from_unix(-86_400).to_string(), "1969-12-31");
    }

    #[test]
    fn months_between_dates() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(d("2021-09-01").months_since(d("2021-02")), 7);
        assert_eq!(d("2021-09-14").months_since(d("2021-08-15")), 0);
        assert_eq!(d("2022-01").months_since(d("2021-12")), 1);
    }
}
