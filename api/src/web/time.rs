//! Times as forms send them: `datetime-local` and `date` inputs carry no zone, and a
//! person in Malmö means Stockholm's time.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;

/// A `datetime-local` value (`2026-12-24T12:00`, seconds optional) read as Stockholm time.
/// In the hour skipped when clocks go forward the later reading is taken; in the hour
/// repeated when they go back, the earlier.
pub fn datetime_local_to_utc(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    let local = Stockholm.from_local_datetime(&naive).earliest().or_else(|| {
        Stockholm
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
    })?;
    Some(local.with_timezone(&Utc))
}

/// The value a `datetime-local` input shows for a moment.
pub fn utc_to_datetime_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Stockholm).format("%Y-%m-%dT%H:%M").to_string()
}

/// A `date` input's value (`2026-12-24`).
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// The query string of `path_and_query` as ordered pairs.
pub fn query_pairs(path_and_query: &str) -> Vec<(String, String)> {
    let query = path_and_query.split_once('?').map(|(_, q)| q).unwrap_or_default();
    serde_urlencoded::from_str(query).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_is_read_in_stockholm() {
        let summer = datetime_local_to_utc("2026-07-01T12:00").unwrap();
        assert_eq!(summer.to_rfc3339(), "2026-07-01T10:00:00+00:00");
        let winter = datetime_local_to_utc("2026-12-24T12:00").unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-12-24T11:00:00+00:00");
        assert_eq!(utc_to_datetime_local(winter), "2026-12-24T12:00");
        assert!(datetime_local_to_utc("tomorrow").is_none());
    }

    #[test]
    fn the_skipped_hour_of_spring_is_read_as_the_next() {
        let skipped = datetime_local_to_utc("2026-03-29T02:30").unwrap();
        assert_eq!(skipped.to_rfc3339(), "2026-03-29T01:30:00+00:00");
    }
}
