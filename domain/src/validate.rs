//! Value checks shared by the commands: trimmed text with length bounds, e-mail
//! addresses, SDG numbers, the years of dates and times. Each check appends to a list so
//! one answer names every field.

use chrono::Datelike;

use crate::error::{FieldError, FieldProblem};

/// Longest title or name (the database column holds 200).
pub const TITLE_MAX: usize = 200;
/// Longest summary (the database column holds 1,000).
pub const SUMMARY_MAX: usize = 1_000;
/// Longest description.
pub const DESCRIPTION_MAX: usize = 20_000;
/// Longest location.
pub const LOCATION_MAX: usize = 200;
/// The first year a date or time may fall in.
pub const YEAR_MIN: i32 = 1;
/// The last year a date or time may fall in.
pub const YEAR_MAX: i32 = 9_999;

/// Collects field errors across several checks.
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a field error.
    pub fn fail(&mut self, field: &str, problem: FieldProblem) {
        self.errors.push(FieldError::new(field, problem));
    }

    /// A required text: trimmed, non-empty, at most `max` characters.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(field, FieldProblem::Required);
        } else {
            self.bounded(field, trimmed, max);
        }
        trimmed.to_owned()
    }

    /// An optional text: trimmed, at most `max` characters; empty becomes `None`.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let trimmed = value?.trim();
        self.bounded(field, trimmed, max);
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    }

    /// A required name on one line (a person's display name): as [`Checks::required_text`],
    /// and no control character. A name is written into e-mail headers and page titles,
    /// where a line break would start a new header.
    pub fn required_name(&mut self, field: &str, value: &str, max: usize) -> String {
        let name = self.required_text(field, value, max);
        self.one_line(field, &name);
        name
    }

    /// An optional name on one line (an organisation typed as free text).
    pub fn optional_name(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let name = self.optional_text(field, value, max);
        if let Some(name) = &name {
            self.one_line(field, name);
        }
        name
    }

    fn one_line(&mut self, field: &str, value: &str) {
        if !value.contains('\0') && value.chars().any(breaks_a_line) {
            self.fail(field, FieldProblem::NotOneLine);
        }
    }

    /// A text that may be empty while drafting: trimmed, at most `max` characters.
    pub fn draft_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        self.bounded(field, trimmed, max);
        trimmed.to_owned()
    }

    /// An e-mail address, lower-cased.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let email = value.trim().to_lowercase();
        if !is_plausible_email(&email) {
            self.fail(field, FieldProblem::NotAnEmail);
        }
        email
    }

    /// At most `max` characters, and no NUL: PostgreSQL cannot store one in text, and no
    /// person types one, so it is refused as a value rather than failing in the database.
    fn bounded(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.fail(field, FieldProblem::TooLong { max });
        } else if value.contains('\0') {
            self.fail(field, FieldProblem::Nul);
        }
    }

    /// UN Sustainable Development Goals: integers 1..=17, deduplicated and sorted.
    pub fn sdgs(&mut self, field: &str, values: &[i64]) -> Vec<u8> {
        let mut goals = Vec::with_capacity(values.len());
        for value in values {
            match u8::try_from(*value) {
                Ok(goal @ 1..=17) => goals.push(goal),
                _ => self.fail(field, FieldProblem::NotAGoal { value: *value }),
            }
        }
        goals.sort_unstable();
        goals.dedup();
        goals
    }

    /// A date or time, when given, in the years [`YEAR_MIN`] to [`YEAR_MAX`]: those that
    /// ISO 8601 and RFC 3339 write with four digits. The parsers read years far beyond
    /// them, which PostgreSQL cannot store (its dates begin in 4714 BC and end in 294276),
    /// and a year 0 or 10000 is a typing slip rather than a plan.
    pub fn in_years(&mut self, field: &str, value: Option<impl Datelike>) {
        if value.is_some_and(|value| !(YEAR_MIN..=YEAR_MAX).contains(&value.year())) {
            self.fail(field, FieldProblem::OutsideTheYears);
        }
    }

    /// `Ok` when no check failed, else every field error.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// Whether `c` has no place in a one-line name: a control character (line feed, carriage
/// return, tab, escape…) or a Unicode line or paragraph separator.
pub fn breaks_a_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Longest e-mail address accepted (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;

/// A deliberately permissive syntax check: one `@`, a non-empty local part, a domain
/// with a dot, no white space. Deliverability cannot be checked without mail.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= EMAIL_MAX
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        let mut checks = Checks::new();
        assert_eq!(checks.required_text("title", "  Sege Park  ", 10), "Sege Park");
        checks.required_text("summary", "   ", 10);
        checks.required_text("description", "eleven char", 10);
        let errors = checks.finish().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["summary", "description"]);
    }

    #[test]
    fn a_nul_character_is_refused_in_every_kind_of_text() {
        let mut checks = Checks::new();
        checks.required_text("title", "Sege\0Park", 200);
        checks.optional_text("location", Some("Sege\0"), 200);
        checks.draft_text("summary", "\0", 200);
        checks.email("email", "anna\0@malmo.se");
        let fields: Vec<String> = checks.finish().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["title", "location", "summary", "email"]);
    }

    #[test]
    fn a_name_is_one_line_without_control_characters() {
        let mut checks = Checks::new();
        assert_eq!(checks.required_name("display_name", " Eve Ek ", 200), "Eve Ek");
        assert_eq!(
            checks.optional_name("organisation", Some("Brf Ros"), 200).as_deref(),
            Some("Brf Ros")
        );
        assert!(checks.finish().is_ok());
        for bad in [
            "Eve\nBcc: x@evil.example",
            "Eve\r\nTo: y",
            "Eve\tEk",
            "Eve\u{1b}[31m",
            "Eve\u{2028}Ek",
            "Eve\u{85}Ek",
        ] {
            let mut checks = Checks::new();
            checks.required_name("display_name", bad, 200);
            checks.optional_name("organisation", Some(bad), 200);
            let fields: Vec<String> = checks.finish().unwrap_err().into_iter().map(|e| e.field).collect();
            assert_eq!(fields, vec!["display_name", "organisation"], "{bad:?}");
        }
    }

    #[test]
    fn optional_text_turns_blank_into_none() {
        let mut checks = Checks::new();
        assert_eq!(checks.optional_text("location", Some("  "), 5), None);
        assert_eq!(checks.optional_text("location", None, 5), None);
        assert_eq!(
            checks.optional_text("location", Some("Sege"), 5).as_deref(),
            Some("Sege")
        );
        assert!(checks.finish().is_ok());
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        let mut checks = Checks::new();
        assert_eq!(checks.email("email", " Anna@Malmo.SE "), "anna@malmo.se");
        assert!(checks.finish().is_ok());
        for bad in ["anna", "@malmo.se", "anna@malmo", "an na@malmo.se", "a@b@c.se", "a@.se"] {
            assert!(!is_plausible_email(bad), "{bad} accepted");
        }
    }

    #[test]
    fn dates_and_times_fall_in_the_years_1_to_9999() {
        use chrono::{DateTime, NaiveDate, Utc};
        let day = |text: &str| text.parse::<NaiveDate>().unwrap_or_else(|e| panic!("{text}: {e}"));
        let time = |text: &str| text.parse::<DateTime<Utc>>().unwrap_or_else(|e| panic!("{text}: {e}"));
        let mut checks = Checks::new();
        checks.in_years("first", Some(day("0001-01-01")));
        checks.in_years("last", Some(time("9999-12-31T23:59:59Z")));
        checks.in_years("none", None::<NaiveDate>);
        assert!(checks.finish().is_ok());
        let mut checks = Checks::new();
        checks.in_years("before", Some(day("-5000-01-01")));
        checks.in_years("zero", Some(day("0000-12-31")));
        checks.in_years("after", Some(time("+10000-01-01T00:00:00Z")));
        let fields: Vec<String> = checks.finish().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["before", "zero", "after"]);
    }

    #[test]
    fn sdgs_are_between_1_and_17_and_deduplicated() {
        let mut checks = Checks::new();
        assert_eq!(checks.sdgs("sdgs", &[11, 3, 11]), vec![3, 11]);
        assert!(checks.finish().is_ok());
        let mut checks = Checks::new();
        checks.sdgs("sdgs", &[0, 18, -1]);
        assert_eq!(checks.finish().unwrap_err().len(), 3);
    }
}
