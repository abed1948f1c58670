//! The facilitator's reports page (SPEC §10.4 `/reports`): who may see it, the figures
//! of a known history in its tables, the CSV downloads the session authenticates (the
//! same bytes as the JSON API's `?format=csv`) and their XLSX workbooks (read back in
//! `xlsx.rs`), and a refused filter.

use poem::http::StatusCode;

use crate::helpers::{Reply, TestApp, TestUser, reply_of, spawn_app};
use crate::steps::{log_obstacle, submitted_idea};

/// GETs `path` as `who` (anonymous when `None`) in `lang`.
async fn web(app: &TestApp, path: &str, who: Option<&TestUser>, lang: &str) -> Reply {
    let mut request = app.client.get(path).header("accept-language", lang);
    if let Some(user) = who {
        request = request.header("cookie", format!("sluss_session={}", user.token));
    }
    reply_of(request.send().await.0).await
}

/// The table whose caption is `caption`, from its `<caption` to its `</table>`.
#[track_caller]
pub(crate) fn table<'a>(body: &'a str, caption: &str) -> &'a str {
    let at = body
        .find(&format!("govuk-table__caption--s\">{caption}</caption>"))
        .unwrap_or_else(|| panic!("no table captioned {caption:?}"));
    let rest = &body[at..];
    &rest[..rest.find("</table>").unwrap_or(rest.len())]
}

/// The figure a table shows in the row headed `row`.
#[track_caller]
pub(crate) fn cell(table: &str, row: &str) -> String {
    let head = format!("<th scope=\"row\" class=\"govuk-table__header\">{row}</th>");
    let at = table.find(&head).unwrap_or_else(|| panic!("no row {row:?} in {table}"));
    let rest = &table[at + head.len()..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest.find("</td>").unwrap();
    rest[start..end].to_owned()
}

/// The `href` of the link whose address starts with `prefix`, unescaped.
#[track_caller]
pub(crate) fn link(body: &str, prefix: &str) -> String {
    let at = body
        .find(&format!("href=\"{prefix}"))
        .unwrap_or_else(|| panic!("no link to {prefix}"));
    let rest = &body[at + 6..];
    rest[..rest.find('"').unwrap()].replace("&amp;", "&")
}

#[tokio::test]
async fn only_facilitators_see_the_reports_and_their_downloads() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let assessor = app.assessor().await;

    for path in [
        "/reports",
        "/reports/funnel.csv",
        "/reports/obstacles.csv",
        "/reports/funnel.xlsx",
        "/reports/obstacles.xlsx",
        "/reports/figures.xlsx",
        "/reports/figures.csv?format=xlsx",
    ] {
        let anonymous = web(&app, path, None, "sv").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{path} anonymous");
        let next = anonymous.header("location").unwrap_or_default().to_owned();
        assert!(next.starts_with("/login?next=%2Freports"), "{path}: {next}");
        for (name, user) in [
            ("needs_owner", &owner),
            ("innovator", &innovator),
            ("assessor", &assessor),
        ] {
            let refused = web(&app, path, Some(user), "sv").await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path} as {name}");
            let content_type = refused.header("content-type").unwrap_or_default();
            assert!(
                !content_type.starts_with("text/csv") && !content_type.contains("spreadsheetml"),
                "{path} as {name}: {content_type}"
            );
            assert!(
                !refused.text.contains("section,key,value"),
                "{path} as {name} got the CSV"
            );
        }
    }

    let shown = web(&app, "/reports", Some(&facilitator), "sv").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text.contains("<html lang=\"sv\""));
    assert_eq!(shown.text.matches("<h1").count(), 1);
    assert!(shown.text.contains(">Rapporter</h1>"), "the Swedish title");
    assert_eq!(shown.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn the_page_charts_and_tables_the_figures_of_a_small_history() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    submitted_idea(&app, &innovator, &challenge).await;
    log_obstacle(&app, &owner, "challenge", &challenge, "regulation", 1).await;

    let page = web(&app, "/reports", Some(&facilitator), "en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let body = &page.text;
    assert!(!body.contains(" style="), "the CSP allows no inline style");
    // Six charts, each an image with a name, each followed by its table.
    assert_eq!(body.matches("role=\"img\"").count(), 6, "{body}");
    for id in [
        "chart-challenges",
        "chart-ideas",
        "chart-conversion",
        "chart-median-days",
        "chart-obstacle-categories",
        "chart-obstacle-steps",
    ] {
        let svg = &body[body.find(&format!("id=\"{id}\"")).unwrap()..];
        assert!(svg.contains(&format!("aria-labelledby=\"{id}-title\"")), "{id}");
        // The table follows in a region of its own that scrolls on a narrow screen.
        let after = svg[svg.find("</svg>").unwrap()..].trim_start_matches("</svg>");
        assert!(
            after.starts_with("<div class=\"sluss-table-region\" role=\"region\" tabindex=\"0\" aria-label="),
            "{id}"
        );
        let inside = &after[after.find('>').unwrap() + 1..];
        assert!(inside.starts_with("<table class=\"govuk-table\">"), "{id}");
    }

    let challenges = table(body, "Challenges by state");
    assert_eq!(cell(challenges, "Open for ideas"), "1");
    assert_eq!(cell(challenges, "Draft"), "0");
    assert_eq!(cell(table(body, "Ideas by state"), "Submitted"), "1");
    let conversion = table(body, "Conversion between steps");
    assert_eq!(cell(conversion, "Submitted ideas later qualified"), "0%");
    assert_eq!(cell(conversion, "Qualified ideas later tested"), "–");
    let median_chart = &body[body.find("id=\"chart-median-days\"").unwrap()..];
    let median_chart = &median_chart[..median_chart.find("</svg>").unwrap()];
    assert!(
        !median_chart.contains("<rect"),
        "minutes draw no bar beside \"0.0 days\""
    );
    let medians = table(body, "Median days per step");
    assert_eq!(cell(medians, "1. Need formulation"), "0.0 days");
    assert_eq!(cell(medians, "3. Assessment"), "–");
    assert_eq!(cell(table(body, "Obstacles by category"), "Regulation"), "1");
    assert_eq!(cell(table(body, "Obstacles by category"), "Procurement"), "0");
    assert_eq!(cell(table(body, "Obstacles by step"), "1. Need formulation"), "1");

    let swedish = web(&app, "/reports", Some(&facilitator), "sv").await;
    let medians = table(&swedish.text, "Mediantid i dagar per steg");
    assert_eq!(
        cell(medians, "1. Behovsformulering"),
        "0,0 dagar",
        "the Swedish decimal sign"
    );
    assert_eq!(
        cell(
            table(&swedish.text, "Andel som gick vidare"),
            "Inskickade idéer som sedan kvalificerades"
        ),
        "0 %"
    );
}

#[tokio::test]
async fn the_downloads_answer_the_same_csv_as_the_api_for_the_same_filters() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    submitted_idea(&app, &innovator, &challenge).await;
    log_obstacle(&app, &innovator, "challenge", &challenge, "financing", 2).await;
    let arena = app.open_arena(&facilitator).await;

    // The dates are days in Stockholm: 2020-01-01 starts at 23:00 UTC the day before, and
    // "until 2099-12-31" ends when 2100-01-01 starts there.
    let cases: Vec<(String, String)> = vec![
        (String::new(), String::new()),
        (
            "?since=2020-01-01&until=2099-12-31".into(),
            "&since=2019-12-31T23:00:00Z&until=2099-12-31T23:00:00Z".into(),
        ),
        ("?since=2099-07-01".into(), "&since=2099-06-30T22:00:00Z".into()),
        (format!("?arena_id={arena}"), format!("&arena_id={arena}")),
    ];
    let mut bodies = Vec::new();
    for (filters, api_filters) in &cases {
        let page = web(&app, &format!("/reports{filters}"), Some(&facilitator), "en").await;
        assert_eq!(page.status, StatusCode::OK, "{filters}");
        let href = link(&page.text, "/reports/funnel.csv");
        assert_eq!(href, format!("/reports/funnel.csv{filters}"));
        let download = web(&app, &href, Some(&facilitator), "en").await;
        assert_eq!(download.status, StatusCode::OK, "{href}");
        assert_eq!(download.header("content-type"), Some("text/csv; charset=utf-8"));
        let disposition = download.header("content-disposition").unwrap_or_default();
        assert!(disposition.starts_with("attachment; filename="), "{disposition}");
        let api = app
            .get(
                &format!("/reports/funnel?format=csv{api_filters}"),
                Some(&facilitator.token),
            )
            .await
            .expect(200);
        assert_eq!(download.text, api.text, "{href}");
        bodies.push(download.text);
    }
    assert!(bodies[0].contains("challenges,published,1"), "{}", bodies[0]);
    assert_eq!(bodies[0], bodies[1], "the whole period counts everything");
    assert_ne!(bodies[0], bodies[2], "a later period counts nothing");
    assert_ne!(bodies[0], bodies[3], "an empty arena counts nothing");

    let page = web(&app, "/reports?since=2020-01-01", Some(&facilitator), "en").await;
    let href = link(&page.text, "/reports/obstacles.csv");
    let download = web(&app, &href, Some(&facilitator), "en").await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header("content-type"), Some("text/csv; charset=utf-8"));
    let api = app
        .get("/reports/obstacles?format=csv", Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(download.text, api.text);
    assert!(download.text.contains("by_category,financing,1"), "{}", download.text);
}

#[tokio::test]
async fn a_date_that_is_not_a_date_is_refused_with_the_error_summary() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    let refused = web(&app, "/reports?since=yesterday", Some(&facilitator), "en").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("govuk-error-summary"), "{}", refused.text);
    assert!(refused.text.contains("role=\"alert\""));
    assert!(
        refused.text.contains("href=\"#f-since\""),
        "the summary links to the field"
    );
    assert!(refused.text.contains("Enter a date such as 2026-12-24"));
    assert!(refused.text.contains("value=\"yesterday\""), "the input is kept");
    assert!(!refused.text.contains("role=\"img\""), "no charts for a refused filter");

    let backwards = web(
        &app,
        "/reports?since=2026-12-24&until=2026-12-01",
        Some(&facilitator),
        "en",
    )
    .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.text.contains("href=\"#f-until\""), "{}", backwards.text);

    let download = web(&app, "/reports/funnel.csv?since=yesterday", Some(&facilitator), "en").await;
    assert_eq!(download.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !download
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/csv")
    );
}
