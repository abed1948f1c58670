//! Reports as spreadsheets (SPEC §14.5, ADR 0026): the rows of a CSV download written as
//! an Office Open XML workbook for people, with its headings in their language, numbers
//! as numbers, days rounded to one decimal and the period's times as dates.
//!
//! The first sheet holds the same `section, key, value` rows as the CSV, in the same
//! order, under a heading line in the reader's language; the second says what was
//! counted: the report, the arena, the period and when it was made, in Stockholm's time
//! (spreadsheet dates carry no zone).

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Europe::Stockholm;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use uuid::Uuid;

use crate::error::ApiError;
use crate::web::i18n::Tr;

/// The media type of an XLSX workbook.
pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The reports that come as workbooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// The funnel of challenges and ideas.
    Funnel,
    /// The obstacle counts.
    Obstacles,
    /// The funder's figures.
    Figures,
}

impl ReportKind {
    /// The download's file name (`sluss-funnel.xlsx`), as the CSV's but for the extension.
    pub fn filename(self) -> &'static str {
        match self {
            ReportKind::Funnel => "sluss-funnel.xlsx",
            ReportKind::Obstacles => "sluss-obstacles.xlsx",
            ReportKind::Figures => "sluss-figures.xlsx",
        }
    }

    /// The `Content-Disposition` of the download.
    pub fn disposition(self) -> String {
        format!("attachment; filename=\"{}\"", self.filename())
    }

    /// The message naming the report (also the first sheet's name).
    fn title_key(self) -> &'static str {
        match self {
            ReportKind::Funnel => "reports-funnel",
            ReportKind::Obstacles => "reports-obstacles",
            ReportKind::Figures => "reports-figures",
        }
    }
}

/// What a report counted: an arena and a period (either end open).
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Only this arena's challenges and their ideas.
    pub arena_id: Option<Uuid>,
    /// At or after.
    pub since: Option<DateTime<Utc>>,
    /// Before.
    pub until: Option<DateTime<Utc>>,
}

/// How a value of a section reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A count, or any other plain number.
    Number,
    /// A share between 0 and 1, shown as a percentage.
    Share,
    /// Days, rounded to one decimal.
    Days,
}

impl Kind {
    fn of(section: &str) -> Self {
        match section {
            "conversion" => Kind::Share,
            "median_days" => Kind::Days,
            _ => Kind::Number,
        }
    }
}

/// Days rounded to one decimal, as the page shows them.
fn one_decimal(days: f64) -> f64 {
    (days * 10.0).round() / 10.0
}

/// A moment as a spreadsheet date and time in Stockholm; `None` for a year a spreadsheet
/// cannot hold (before 1900 or after 9999).
fn excel_datetime(at: DateTime<Utc>) -> Option<ExcelDateTime> {
    let local = at.with_timezone(&Stockholm);
    let year = u16::try_from(local.year()).ok()?;
    ExcelDateTime::from_ymd(year, local.month() as u8, local.day() as u8)
        .and_then(|day| day.and_hms(local.hour() as u16, local.minute() as u8, local.second()))
        .ok()
}

/// The workbook's formats.
struct Formats {
    heading: Format,
    share: Format,
    days: Format,
    datetime: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            heading: Format::new().set_bold(),
            share: Format::new().set_num_format("0%"),
            days: Format::new().set_num_format("0.0"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        }
    }
}

/// A report's `(section, key, value)` rows as an XLSX workbook with headings in `tr`'s
/// language; `selection` is what was counted (`None` for a report of everything), `made`
/// when.
pub fn report_workbook(
    tr: &Tr,
    kind: ReportKind,
    rows: &[(String, String, Option<f64>)],
    selection: Option<&Selection>,
    made: DateTime<Utc>,
) -> Result<Vec<u8>, ApiError> {
    write(tr, kind, rows, selection, made).map_err(|error| ApiError::internal(&error))
}

fn write(
    tr: &Tr,
    kind: ReportKind,
    rows: &[(String, String, Option<f64>)],
    selection: Option<&Selection>,
    made: DateTime<Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let title = tr.t(kind.title_key());
    let mut workbook = Workbook::new();

    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&title))?;
    let headings = [
        tr.t("reports-xlsx-section"),
        tr.t("reports-xlsx-key"),
        tr.t("reports-xlsx-value"),
    ];
    for (col, heading) in (0u16..).zip(&headings) {
        sheet.write_string_with_format(0, col, heading, &formats.heading)?;
    }
    for (row, (section, key, value)) in (1u32..).zip(rows) {
        sheet.write_string(row, 0, section)?;
        sheet.write_string(row, 1, key)?;
        // An absent value is an empty cell, as in the CSV.
        if let Some(value) = *value {
            match Kind::of(section) {
                Kind::Number => sheet.write_number(row, 2, value)?,
                Kind::Share => sheet.write_number_with_format(row, 2, value, &formats.share)?,
                Kind::Days => sheet.write_number_with_format(row, 2, one_decimal(value), &formats.days)?,
            };
        }
    }
    let last = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, 2)?;
    sheet.autofit();

    let about = workbook.add_worksheet();
    about.set_name(sheet_name(&tr.t("reports-xlsx-about")))?;
    about_sheet(about, tr, &title, selection, made, &formats)?;
    about.autofit();

    workbook.save_to_buffer()
}

/// The second sheet: a heading and a value per line.
fn about_sheet(
    sheet: &mut Worksheet,
    tr: &Tr,
    title: &str,
    selection: Option<&Selection>,
    made: DateTime<Utc>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let mut row = 0u32;
    let mut heading = |sheet: &mut Worksheet, key: &str| -> Result<u32, XlsxError> {
        sheet.write_string_with_format(row, 0, tr.t(key), &formats.heading)?;
        row += 1;
        Ok(row - 1)
    };
    let at = heading(sheet, "reports-xlsx-report")?;
    sheet.write_string(at, 1, title)?;
    if let Some(selection) = selection {
        let at = heading(sheet, "reports-xlsx-arena")?;
        match selection.arena_id {
            Some(arena) => sheet.write_string(at, 1, arena.to_string())?,
            None => sheet.write_string(at, 1, tr.t("reports-xlsx-any-arena"))?,
        };
        for (key, end) in [
            ("reports-xlsx-since", selection.since),
            ("reports-xlsx-until", selection.until),
        ] {
            let at = heading(sheet, key)?;
            moment(sheet, at, end, tr, formats)?;
        }
    }
    let at = heading(sheet, "reports-xlsx-made")?;
    moment(sheet, at, Some(made), tr, formats)?;
    Ok(())
}

/// A moment as a date in the second column; an open end as words; a year a spreadsheet
/// cannot hold as RFC 3339 text.
fn moment(
    sheet: &mut Worksheet,
    row: u32,
    at: Option<DateTime<Utc>>,
    tr: &Tr,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match at {
        None => sheet.write_string(row, 1, tr.t("reports-xlsx-open"))?,
        Some(at) => match excel_datetime(at) {
            Some(date) => sheet.write_datetime_with_format(row, 1, date, &formats.datetime)?,
            None => sheet.write_string(row, 1, at.to_rfc3339())?,
        },
    };
    Ok(())
}

/// A sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_to_one_decimal() {
        assert_eq!(one_decimal(2.37), 2.4);
        assert_eq!(one_decimal(2.34), 2.3);
        assert_eq!(one_decimal(0.00001), 0.0);
    }

    #[test]
    fn sections_read_as_shares_days_or_plain_numbers() {
        assert_eq!(Kind::of("conversion"), Kind::Share);
        assert_eq!(Kind::of("median_days"), Kind::Days);
        assert_eq!(Kind::of("challenges"), Kind::Number);
        assert_eq!(Kind::of("obstacles"), Kind::Number);
    }

    #[test]
    fn moments_are_stockholm_times_and_far_years_are_none() {
        let summer = DateTime::parse_from_rfc3339("2026-06-30T22:00:00Z").unwrap().to_utc();
        let expected = ExcelDateTime::from_ymd(2026, 7, 1).unwrap().and_hms(0, 0, 0).unwrap();
        assert_eq!(excel_datetime(summer).unwrap().to_excel(), expected.to_excel());
        let early = DateTime::parse_from_rfc3339("1800-01-01T12:00:00Z").unwrap().to_utc();
        assert!(excel_datetime(early).is_none());
    }

    #[test]
    fn a_sheet_name_drops_what_spreadsheets_refuse() {
        assert_eq!(sheet_name("a/b: c?"), "ab c");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }

    #[test]
    fn a_workbook_is_a_zip_archive() {
        let rows = vec![("median_days".to_owned(), "matching".to_owned(), Some(1.25))];
        for lang in crate::web::i18n::Lang::ALL {
            let bytes = report_workbook(
                &Tr::new(lang),
                ReportKind::Funnel,
                &rows,
                Some(&Selection::default()),
                Utc::now(),
            )
            .unwrap();
            assert!(bytes.starts_with(b"PK\x03\x04"));
        }
    }
}
