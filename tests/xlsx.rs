//! Reports as spreadsheets (SPEC §14.5, ADR 0026): every CSV download also comes as an
//! XLSX workbook, read back here with a real reader (calamine): headings in the language
//! of `?lang=`, else the caller's `locale`, else Swedish; the CSV's rows; numbers as
//! numbers, days rounded to one decimal, the period's ends as dates; refused formats as
//! problem documents; the web page's links and downloads.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use poem::http::{HeaderMap, Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::*;
use crate::steps::{log_obstacle, submitted_idea};
use crate::web_reports::link;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The need formulation of every challenge in the funnel's read model, in days: a median
/// with two decimals, that the workbook rounds to one.
const NEED_FORMULATION_DAYS: f64 = 2.37;

/// An answer whose body is bytes (a workbook is no text).
struct Download {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Download {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// Asserts a workbook download named `filename` and opens it.
    #[track_caller]
    fn workbook(&self, filename: &str) -> Workbook {
        assert_eq!(self.status, StatusCode::OK, "{}", String::from_utf8_lossy(&self.bytes));
        assert_eq!(self.header("content-type"), XLSX);
        assert_eq!(
            self.header("content-disposition"),
            format!("attachment; filename=\"{filename}\"")
        );
        assert!(filename.ends_with(".xlsx"));
        open(&self.bytes)
    }
}

/// GETs an API `path` as `token`.
async fn api(app: &TestApp, path: &str, token: &str) -> Download {
    let response = app
        .client
        .get(format!("{}{path}", sluss_api::startup::API_BASE))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .0;
    download_of(response).await
}

/// GETs a web `path` with `user`'s session in `lang`.
async fn web(app: &TestApp, path: &str, user: &TestUser, lang: &str) -> Download {
    let response = app
        .client
        .get(path)
        .header("accept-language", lang)
        .header("cookie", format!("sluss_session={}", user.token))
        .send()
        .await
        .0;
    download_of(response).await
}

async fn download_of(response: poem::Response) -> Download {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().into_vec().await.unwrap();
    Download { status, headers, bytes }
}

/// A workbook as read by calamine: each sheet's name and cells.
struct Workbook {
    sheets: Vec<(String, Vec<Vec<Data>>)>,
}

#[track_caller]
fn open(bytes: &[u8]) -> Workbook {
    assert!(bytes.starts_with(b"PK\x03\x04"), "an Office Open XML file is a zip");
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a workbook calamine reads");
    let sheets = workbook
        .worksheets()
        .into_iter()
        .map(|(name, range)| (name, range.rows().map(<[Data]>::to_vec).collect()))
        .collect();
    Workbook { sheets }
}

impl Workbook {
    fn names(&self) -> Vec<&str> {
        self.sheets.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// The report's sheet: its heading line and its rows.
    fn report(&self) -> &[Vec<Data>] {
        &self.sheets[0].1
    }

    fn headings(&self) -> Vec<String> {
        self.report()[0].iter().map(ToString::to_string).collect()
    }

    /// The rows `(section, key)` in order, each with its value cell.
    fn rows(&self) -> Vec<((String, String), Data)> {
        self.report()[1..]
            .iter()
            .map(|row| ((text(&row[0]), text(&row[1])), row[2].clone()))
            .collect()
    }

    /// The value beside `heading` on the sheet about the report.
    #[track_caller]
    fn about(&self, heading: &str) -> Data {
        self.sheets[1]
            .1
            .iter()
            .find(|row| text(&row[0]) == heading)
            .unwrap_or_else(|| panic!("no {heading:?} on {:?}", self.sheets[1].1))[1]
            .clone()
    }
}

#[track_caller]
fn text(cell: &Data) -> String {
    match cell {
        Data::String(text) => text.clone(),
        other => panic!("not a text cell: {other:?}"),
    }
}

/// A CSV report's rows in order: `(section, key)` and the value (`None` when empty).
fn csv_rows(csv: &str) -> Vec<((String, String), Option<f64>)> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let value = (!fields[2].is_empty()).then(|| fields[2].parse::<f64>().unwrap());
            ((fields[0].to_owned(), fields[1].to_owned()), value)
        })
        .collect()
}

/// Asserts that the workbook holds the CSV's rows in its order, every value a number
/// cell (days rounded to one decimal) and every absent value an empty cell.
#[track_caller]
fn assert_same_rows(workbook: &Workbook, csv: &str) {
    let expected = csv_rows(csv);
    let got = workbook.rows();
    assert!(!expected.is_empty());
    assert_eq!(
        got.iter().map(|(key, _)| key).collect::<Vec<_>>(),
        expected.iter().map(|(key, _)| key).collect::<Vec<_>>(),
    );
    for ((key, cell), (_, value)) in got.iter().zip(&expected) {
        match (cell, value) {
            (Data::Empty, None) => {}
            (Data::Float(got), Some(value)) => {
                let want = if key.0 == "median_days" {
                    (value * 10.0).round() / 10.0
                } else {
                    *value
                };
                assert!(
                    (got - want).abs() < 1e-9,
                    "{key:?}: {got} in the workbook, {value} in the CSV"
                );
            }
            (cell, value) => panic!("{key:?}: {cell:?} in the workbook, {value:?} in the CSV"),
        }
    }
}

/// A facilitator and a small history: a published challenge with a submitted idea, an
/// obstacle, and a need formulation of [`NEED_FORMULATION_DAYS`].
async fn history(app: &TestApp) -> TestUser {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    submitted_idea(app, &innovator, &challenge).await;
    log_obstacle(app, &owner, "challenge", &challenge, "regulation", 1).await;
    let micros = (NEED_FORMULATION_DAYS * 86_400_000_000.0) as i64;
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE funnel_challenges SET need_formulation_us = {micros} WHERE need_formulation_us IS NOT NULL"
        ))
        .await
        .unwrap();
    facilitator
}

#[tokio::test]
async fn the_funnel_as_xlsx_holds_the_csv_rows_with_numbers_and_days_to_one_decimal() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = history(&app).await;
    let token = &facilitator.token;
    let csv = app
        .get("/reports/funnel?format=csv", Some(token))
        .await
        .expect(200)
        .text;

    // Act
    let workbook = api(&app, "/reports/funnel?format=xlsx&lang=en", token)
        .await
        .workbook("sluss-funnel.xlsx");

    // Assert
    assert_eq!(workbook.names(), ["The funnel", "About the report"]);
    assert_eq!(workbook.headings(), ["Section", "Key", "Value"]);
    assert_same_rows(&workbook, &csv);
    let rows = workbook.rows();
    let value = |section: &str, key: &str| {
        rows.iter()
            .find(|((s, k), _)| s == section && k == key)
            .map(|(_, cell)| cell.clone())
            .unwrap()
    };
    assert_eq!(
        value("challenges", "published"),
        Data::Float(1.0),
        "a count is a number"
    );
    assert_eq!(value("ideas", "submitted"), Data::Float(1.0));
    assert_eq!(
        value("median_days", "need_formulation"),
        Data::Float(2.4),
        "days to one decimal"
    );
    assert!(csv.contains("median_days,need_formulation,2.37"), "{csv}");
    assert_eq!(value("median_days", "assessment"), Data::Empty, "absent as in the CSV");
    assert_eq!(value("conversion", "submitted_to_qualified"), Data::Float(0.0));
}

#[tokio::test]
async fn headings_follow_lang_else_the_callers_locale_else_swedish() {
    let app = spawn_app().await;
    let facilitator = history(&app).await;
    let token = &facilitator.token;
    let swedish = ["Avsnitt", "Nyckel", "Värde"];
    let english = ["Section", "Key", "Value"];

    // A new account writes Swedish.
    let default = api(&app, "/reports/obstacles?format=xlsx", token).await;
    let default = default.workbook("sluss-obstacles.xlsx");
    assert_eq!(default.headings(), swedish);
    assert_eq!(default.names(), ["Hinder", "Om rapporten"]);
    let english_by_lang = api(&app, "/reports/obstacles?format=xlsx&lang=en", token).await;
    assert_eq!(english_by_lang.workbook("sluss-obstacles.xlsx").headings(), english);

    // The caller's locale, unless `lang` says otherwise.
    app.call(Method::PATCH, "/me", Some(token), Some(json!({ "locale": "en" })))
        .await
        .expect(200);
    let by_locale = api(&app, "/reports/obstacles?format=xlsx", token).await;
    let by_locale = by_locale.workbook("sluss-obstacles.xlsx");
    assert_eq!(by_locale.headings(), english);
    assert_eq!(by_locale.names(), ["Obstacles", "About the report"]);
    let swedish_by_lang = api(&app, "/reports/funnel?format=xlsx&lang=sv", token).await;
    let swedish_by_lang = swedish_by_lang.workbook("sluss-funnel.xlsx");
    assert_eq!(swedish_by_lang.headings(), swedish);
    assert_eq!(swedish_by_lang.names(), ["Tratten", "Om rapporten"]);
}

#[tokio::test]
async fn the_obstacles_and_the_figures_as_xlsx_hold_the_rows_of_their_csv() {
    let app = spawn_app().await;
    let facilitator = history(&app).await;
    let token = &facilitator.token;

    for (report, filename) in [("obstacles", "sluss-obstacles.xlsx"), ("figures", "sluss-figures.xlsx")] {
        let csv = app
            .get(&format!("/reports/{report}?format=csv"), Some(token))
            .await
            .expect(200)
            .text;
        let workbook = api(&app, &format!("/reports/{report}?format=xlsx"), token).await;
        assert_same_rows(&workbook.workbook(filename), &csv);
    }
    let obstacles = api(&app, "/reports/obstacles?format=xlsx", token).await;
    let rows = obstacles.workbook("sluss-obstacles.xlsx").rows();
    let regulation = rows
        .iter()
        .find(|((s, k), _)| s == "by_category" && k == "regulation")
        .unwrap();
    assert_eq!(regulation.1, Data::Float(1.0));
}

#[tokio::test]
async fn the_period_and_the_time_made_are_dates_in_stockholm_time() {
    let app = spawn_app().await;
    let facilitator = history(&app).await;

    let workbook = api(
        &app,
        "/reports/figures?format=xlsx&lang=en&since=2026-06-30T22:00:00Z",
        &facilitator.token,
    )
    .await
    .workbook("sluss-figures.xlsx");

    let since = workbook.about("From (Stockholm time)");
    let Data::DateTime(since) = since else {
        panic!("not a date cell: {since:?}")
    };
    assert!(since.is_datetime());
    let midnight = NaiveDate::from_ymd_opt(2026, 7, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert_eq!(since.as_datetime(), Some(midnight), "midnight in Stockholm");
    assert_eq!(workbook.about("Before (Stockholm time)"), Data::String("Open".into()));
    assert_eq!(workbook.about("Arena"), Data::String("Every arena".into()));
    let made = workbook.about("Made (Stockholm time)");
    assert!(matches!(made, Data::DateTime(_)), "{made:?}");
}

#[tokio::test]
async fn a_format_or_language_that_is_not_offered_answers_400_problem() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let token = Some(facilitator.token.as_str());

    for path in [
        "/reports/funnel?format=xls",
        "/reports/obstacles?format=XLSX",
        "/reports/funnel?format=xlsx&lang=de",
    ] {
        app.get(path, token).await.expect_problem(400);
    }
}

#[tokio::test]
async fn a_workbook_is_never_compressed_and_an_accept_of_its_type_asks_for_it() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    let response = app
        .client
        .get(format!("{}/reports/funnel", sluss_api::startup::API_BASE))
        .header("authorization", format!("Bearer {}", facilitator.token))
        .header("accept", XLSX)
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .0;
    let download = download_of(response).await;
    assert_eq!(download.header("content-encoding"), "", "a zip is not packed again");
    let workbook = download.workbook("sluss-funnel.xlsx");
    assert_eq!(workbook.headings(), ["Avsnitt", "Nyckel", "Värde"]);
}

#[tokio::test]
async fn the_page_links_each_csv_to_its_workbook_in_the_pages_language() {
    let app = spawn_app().await;
    let facilitator = history(&app).await;
    let filters = "?since=2020-01-01&until=2099-12-31";

    for (lang, link_text, headings) in [
        (
            "sv",
            "Ladda ned tratten som XLSX (Excel)",
            ["Avsnitt", "Nyckel", "Värde"],
        ),
        ("en", "Download the funnel as XLSX (Excel)", ["Section", "Key", "Value"]),
    ] {
        let page = app.page(&format!("/reports{filters}"), Some(&facilitator), lang).await;
        assert_eq!(page.0, StatusCode::OK);
        assert!(page.1.contains(link_text), "{lang}: {}", page.1);
        for report in ["funnel", "obstacles", "figures"] {
            let csv_href = link(&page.1, &format!("/reports/{report}.csv"));
            let xlsx_href = link(&page.1, &format!("/reports/{report}.xlsx"));
            assert_eq!(
                xlsx_href,
                format!("/reports/{report}.xlsx{filters}"),
                "the page's filters"
            );
            let csv = web(&app, &csv_href, &facilitator, lang).await;
            let csv = String::from_utf8(csv.bytes).unwrap();
            let workbook = web(&app, &xlsx_href, &facilitator, lang).await;
            let workbook = workbook.workbook(&format!("sluss-{report}.xlsx"));
            assert_eq!(workbook.headings(), headings, "{lang} {report}");
            assert_same_rows(&workbook, &csv);
        }
    }

    // The page's period: from the start of its first day in Stockholm.
    let funnel = web(&app, &format!("/reports/funnel.xlsx{filters}"), &facilitator, "en").await;
    let funnel = funnel.workbook("sluss-funnel.xlsx");
    let Data::DateTime(since) = funnel.about("From (Stockholm time)") else {
        panic!("not a date")
    };
    let midnight = NaiveDate::from_ymd_opt(2020, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert_eq!(since.as_datetime(), Some(midnight));

    // A `.csv` address answers the workbook for `?format=xlsx`, as the API does.
    let by_format = web(&app, "/reports/obstacles.csv?format=xlsx", &facilitator, "en").await;
    assert_eq!(
        by_format.workbook("sluss-obstacles.xlsx").headings(),
        ["Section", "Key", "Value"]
    );
}
