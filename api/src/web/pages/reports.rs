//! `/reports` (facilitators): the funnel and the obstacle counts as charts drawn on the
//! server, each followed by a table of the same figures, and the funder's figures of SPEC
//! §12 as a table, with arena and period filters and CSV downloads
//! (`/reports/funnel.csv`, `/reports/obstacles.csv`, `/reports/figures.csv`) that the
//! session authenticates and that answer exactly what the JSON API answers for
//! `?format=csv`; beside each, the same rows as an XLSX workbook in the page's language
//! (`/reports/funnel.xlsx`, …, SPEC §14.5; the `.csv` addresses with `?format=xlsx` answer
//! it too).

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{Response, handler};
use sluss_domain::FieldProblem;
use sluss_domain::challenge::ChallengeState;
use sluss_domain::figures::Figures;
use sluss_domain::idea::IdeaState;
use sluss_domain::report::Funnel;
use uuid::Uuid;

use super::labels::{OBSTACLE_CATEGORIES, challenge_state, idea_state, label};
use super::{refused, signed_in};
use crate::app;
use crate::app::reports::{FiguresQuery, FunnelQuery};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::arenas::Arena;
use crate::views::reports::{ObstacleReport, figures_csv, funnel_csv};
use crate::views::workbook::{ReportKind, Selection, XLSX_CONTENT_TYPE, report_workbook};
use crate::web::chart::{Bar, bar_chart, figures_table};
use crate::web::context::Ctx;
use crate::web::forms::{FormErrors, from_api_error};
use crate::web::i18n::Tr;
use crate::web::layout::{Input, ok, page_with, percent, respond, secondary_button};
use crate::web::time::{parse_date, query_pairs};

/// The filters as the form sent them (kept as typed, to show them again).
struct Filters {
    arena_id: String,
    since: String,
    until: String,
}

impl Filters {
    fn of(ctx: &Ctx) -> Self {
        let query = query_pairs(&ctx.here);
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        Self {
            arena_id: get("arena_id"),
            since: get("since"),
            until: get("until"),
        }
    }

    /// The query string the download links carry, so that they count what the page shows.
    fn query_string(&self) -> String {
        let pairs = [
            ("arena_id", &self.arena_id),
            ("since", &self.since),
            ("until", &self.until),
        ];
        let kept: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", percent(v)))
            .collect();
        if kept.is_empty() {
            String::new()
        } else {
            format!("?{}", kept.join("&"))
        }
    }

    /// The application layer's query. The dates are days in Stockholm (SPEC §10.2: people
    /// read and mean Stockholm's calendar): `since` is the start of its day there, and
    /// `until` includes its day, so it is the start of the next day there. An arena that
    /// is not a UUID cannot have been chosen from the list and counts as any arena.
    fn query(&self) -> Result<FunnelQuery, ApiError> {
        let day = |field: &str, value: &str, next: bool| -> Result<Option<DateTime<Utc>>, ApiError> {
            if value.is_empty() {
                return Ok(None);
            }
            let date = parse_date(value)
                .and_then(|d| {
                    if next {
                        d.checked_add_days(Days::new(1))
                    } else {
                        Some(d)
                    }
                })
                .ok_or_else(|| ApiError::invalid(field, FieldProblem::NotADate))?;
            start_of_day(date)
                .map(Some)
                .ok_or_else(|| ApiError::invalid(field, FieldProblem::NotADate))
        };
        Ok(FunnelQuery {
            arena_id: self.arena_id.parse::<Uuid>().ok(),
            since: day("since", &self.since, false)?,
            until: day("until", &self.until, true)?,
        })
    }
}

impl From<FunnelQuery> for FiguresQuery {
    fn from(query: FunnelQuery) -> Self {
        Self {
            arena_id: query.arena_id,
            since: query.since,
            until: query.until,
        }
    }
}

/// Midnight of `date` in Stockholm, in UTC (clocks there never change at midnight).
fn start_of_day(date: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = date.and_hms_opt(0, 0, 0)?;
    Stockholm
        .from_local_datetime(&midnight)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// The filter form: a GET, so that a filtered page can be bookmarked.
fn filter_form(ctx: &Ctx, filters: &Filters, arenas: &[Arena], errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let hint = tr.t("reports-date-hint");
    html! {
        form method="get" action="/reports" novalidate {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-third" { (super::arenas::arena_filter(tr, arenas, filters.arena_id.parse().ok())) }
                div class="govuk-grid-column-one-third" {
                    (Input::text("since", tr.t("reports-since"), &filters.since).kind("date").hint(hint.clone()).render(errors))
                }
                div class="govuk-grid-column-one-third" {
                    (Input::text("until", tr.t("reports-until"), &filters.until).kind("date").hint(hint).render(errors))
                }
            }
            (secondary_button(&tr.t("button-filter")))
        }
    }
}

/// A share (0..1) as a whole percentage in the language's way.
fn share(tr: &Tr, value: Option<f64>) -> String {
    value.map_or_else(
        || "–".to_owned(),
        |v| tr.t_with("reports-percent", &[("n", tr.number(v * 100.0, 0).into())]),
    )
}

/// Days rounded to one decimal, with the language's decimal sign ("3,5 dagar").
fn days(tr: &Tr, value: Option<f64>) -> String {
    value.map_or_else(
        || "–".to_owned(),
        |v| tr.t_with("reports-days", &[("days", tr.number(v, 1).into())]),
    )
}

fn count_bars(rows: impl Iterator<Item = (String, u64)>) -> Vec<Bar> {
    rows.map(|(label, n)| Bar {
        label,
        value: Some(n as f64),
        shown: n.to_string(),
    })
    .collect()
}

/// A chart and its table, under a heading that names both.
fn figure(id: &str, title: &str, what: &str, figure: &str, bars: &[Bar], max: Option<f64>) -> Markup {
    html! {
        h3 class="govuk-heading-s" { (title) }
        (bar_chart(id, title, bars, max))
        (figures_table(title, what, figure, bars))
    }
}

fn funnel_section(tr: &Tr, funnel: &Funnel) -> Markup {
    let count = |map: &std::collections::BTreeMap<&'static str, u64>, key: &str| map.get(key).copied().unwrap_or(0);
    let challenges = count_bars(
        ChallengeState::ALL
            .iter()
            .map(|s| (challenge_state(tr, *s), count(&funnel.challenges, s.as_str()))),
    );
    let ideas = count_bars(
        IdeaState::ALL
            .iter()
            .map(|s| (idea_state(tr, *s), count(&funnel.ideas, s.as_str()))),
    );
    let c = &funnel.conversion;
    let conversion: Vec<Bar> = [
        ("submitted_to_qualified", c.submitted_to_qualified),
        ("qualified_to_tested", c.qualified_to_tested),
        ("tested_to_adopted", c.tested_to_adopted),
    ]
    .into_iter()
    .map(|(key, value)| Bar {
        label: tr.t(&format!("reports-conversion-{key}")),
        value,
        shown: share(tr, value),
    })
    .collect();
    let m = &funnel.median_days;
    let medians: Vec<Bar> = [m.need_formulation, m.matching, m.assessment, m.incubation, m.testing]
        .into_iter()
        .enumerate()
        .map(|(i, value)| Bar {
            label: format!("{}. {}", i + 1, label(tr, "step", &(i + 1).to_string())),
            // The bar is as long as the figure beside it reads: a few minutes would
            // otherwise draw a full bar next to "0.0 days".
            value: value.map(|v| (v * 10.0).round() / 10.0),
            shown: days(tr, value),
        })
        .collect();
    let (state, number) = (tr.t("field-state"), tr.t("reports-number"));
    html! {
        h2 class="govuk-heading-m" { (tr.t("reports-funnel")) }
        p class="govuk-body" { (tr.t("reports-funnel-intro")) }
        (figure("chart-challenges", &tr.t("reports-challenges-by-state"), &state, &number, &challenges, None))
        (figure("chart-ideas", &tr.t("reports-ideas-by-state"), &state, &number, &ideas, None))
        (figure("chart-conversion", &tr.t("reports-conversion"), &tr.t("reports-from-to"), &tr.t("reports-share"), &conversion, Some(1.0)))
        (figure("chart-median-days", &tr.t("reports-median-days"), &tr.t("reports-step"), &tr.t("reports-median"), &medians, None))
    }
}

fn obstacles_section(tr: &Tr, report: &ObstacleReport) -> Markup {
    let count = |key: &str, map: &std::collections::BTreeMap<String, u64>| map.get(key).copied().unwrap_or(0);
    let by_category = count_bars(
        OBSTACLE_CATEGORIES
            .iter()
            .map(|k| (label(tr, "obstacle-category", k), count(k, &report.by_category))),
    );
    let by_step = count_bars((1..=5).map(|s: u8| {
        let key = s.to_string();
        (
            format!("{s}. {}", label(tr, "step", &key)),
            count(&key, &report.by_step),
        )
    }));
    let number = tr.t("reports-number");
    html! {
        h2 class="govuk-heading-m" { (tr.t("reports-obstacles")) }
        p class="govuk-body" { (tr.t_with("reports-obstacles-intro", &[("total", report.total.into())])) }
        (figure("chart-obstacle-categories", &tr.t("reports-obstacles-by-category"), &tr.t("field-category"), &number, &by_category, None))
        (figure("chart-obstacle-steps", &tr.t("reports-obstacles-by-step"), &tr.t("reports-step"), &number, &by_step, None))
    }
}

/// The funder's figures (SPEC §12) of the filters' arena and period, as one table; until
/// asked for, a link that counts them.
fn figures_section(tr: &Tr, figures: Option<&Figures>, filters: &str) -> Markup {
    let Some(figures) = figures else {
        let joiner = if filters.is_empty() { "?" } else { "&" };
        return html! {
            h2 class="govuk-heading-m" id="figures" { (tr.t("reports-figures")) }
            p class="govuk-body" { (tr.t("reports-figures-intro")) }
            p class="govuk-body" {
                a class="govuk-link" href={ "/reports" (filters) (joiner) "figures=1#figures" } { (tr.t("reports-count-figures")) }
            }
        };
    };
    let mut rows = count_bars(
        [
            ("reports-actors-involved", figures.actors_involved),
            (
                "reports-property-owners-and-builders",
                figures.property_owners_and_builders,
            ),
            ("reports-innovations-tested", figures.innovations_tested),
            ("reports-learning-kinds-used", figures.learning_kinds_used),
        ]
        .into_iter()
        .map(|(key, n)| (tr.t(key), n)),
    );
    rows.extend(count_bars(
        figures
            .forms_of_learning
            .iter()
            .map(|(kind, n)| (label(tr, "spread-kind", kind), *n)),
    ));
    rows.extend(count_bars(std::iter::once((
        tr.t("reports-obstacles-logged"),
        figures.obstacles.values().sum(),
    ))));
    rows.extend(count_bars(sluss_domain::obstacle::ObstacleState::ALL.iter().map(
        |state| {
            let n = figures.obstacles_by_state.get(state.as_str()).copied().unwrap_or(0);
            (tr.t(&format!("reports-obstacles-state-{}", state.as_str())), n)
        },
    )));
    let title = tr.t("reports-figures");
    html! {
        h2 class="govuk-heading-m" id="figures" { (title) }
        p class="govuk-body" { (tr.t("reports-figures-intro")) }
        (figures_table(&title, &tr.t("reports-figure"), &tr.t("reports-number"), &rows))
    }
}

/// The page: the filters, the downloads and the figures; or, for filters that cannot be
/// read, the form again with its error summary (422).
async fn render(ctx: &Ctx, state: &AppState) -> Response {
    let actor = match signed_in(ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let filters = Filters::of(ctx);
    // The funder's figures read the event log (no read model yet, unlike the funnel):
    // counted when asked for, so that the page itself stays fast on a large history.
    let counting = ctx.query("figures").is_some();
    let (funnel, funder) = match filters.query() {
        Ok(query) => {
            let figures = async {
                if counting {
                    app::reports::figures(state, actor, query.clone().into())
                        .await
                        .map(Some)
                } else {
                    Ok(None)
                }
            };
            tokio::join!(app::reports::funnel(state, actor, query.clone()), figures)
        }
        Err(error) => (Err(error.clone()), Err(error)),
    };
    let (obstacles, arenas) = tokio::join!(
        app::reports::obstacles(state, actor),
        app::arenas::list(state, Some(actor), Some(200), None)
    );
    let arenas = arenas.map(|p| p.items).unwrap_or_default();
    let funnel = funnel.and_then(|funnel| funder.map(|funder| (funnel, funder)));
    let (status, errors, figures) = match (funnel, obstacles) {
        (Ok((funnel, funder)), Ok(obstacles)) => (
            StatusCode::OK,
            FormErrors::none(),
            Some(html! {
                (funnel_section(tr, &funnel))
                (obstacles_section(tr, &obstacles))
                (figures_section(tr, funder.as_ref(), &filters.query_string()))
            }),
        ),
        // A refused person is told so before anything about the filters.
        (_, Err(error)) => return refused(ctx, &error),
        (Err(error), Ok(_)) if error.is_invalid() => {
            let (status, errors) = from_api_error(tr, &error, "/reports");
            (status, errors, None)
        }
        (Err(error), Ok(_)) => return refused(ctx, &error),
    };
    let downloads = filters.query_string();
    let body = html! {
        p class="govuk-body" { (tr.t("reports-intro")) }
        (filter_form(ctx, &filters, &arenas, &errors))
        @if let Some(figures) = figures {
            h2 class="govuk-heading-m" { (tr.t("reports-downloads")) }
            ul class="govuk-list" {
                @for (name, key) in [("funnel", "reports-download-funnel"), ("obstacles", "reports-download-obstacles"), ("figures", "reports-download-figures")] {
                    li {
                        a class="govuk-link" href={ "/reports/" (name) ".csv" (downloads) } download { (tr.t(key)) }
                        " · "
                        a class="govuk-link" href={ "/reports/" (name) ".xlsx" (downloads) } download { (tr.t(&format!("{key}-xlsx"))) }
                    }
                }
            }
            (figures)
        }
    };
    let markup = page_with(ctx, &tr.t("reports-title"), Some(&errors), body);
    if status == StatusCode::OK {
        ok(markup)
    } else {
        respond(status, markup)
    }
}

/// `GET /reports` (facilitators): the funnel and the obstacles, charted and tabled.
#[handler]
pub async fn reports(ctx: Ctx, state: Data<&AppState>) -> Response {
    render(&ctx, &state).await
}

/// The two forms of a download: the API's CSV, or a workbook of its rows in the page's
/// language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Download {
    Csv,
    Xlsx,
}

impl Download {
    /// What a `.csv` address answers: the workbook when `?format=xlsx` asks for it, as the
    /// API's parameter does.
    fn of_csv_address(ctx: &Ctx) -> Self {
        if ctx.query("format").as_deref() == Some("xlsx") {
            Download::Xlsx
        } else {
            Download::Csv
        }
    }
}

/// A download named `filename`.
fn file(content_type: &str, body: impl Into<poem::Body>, filename: &str) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        )
        .body(body)
}

/// A CSV download named `filename`.
fn csv(body: String, filename: &str) -> Response {
    file("text/csv; charset=utf-8", body, filename)
}

/// The workbook of `rows` in the page's language, or the refusal of a failure to write it.
fn workbook(
    ctx: &Ctx,
    kind: ReportKind,
    rows: &[(String, String, Option<f64>)],
    selection: Option<&Selection>,
) -> Response {
    match report_workbook(&ctx.tr, kind, rows, selection, Utc::now()) {
        Ok(bytes) => file(XLSX_CONTENT_TYPE, bytes, kind.filename()),
        Err(error) => refused(ctx, &error),
    }
}

/// What the filters select, for a workbook's sheet about it.
fn selection(query: &FunnelQuery) -> Selection {
    Selection {
        arena_id: query.arena_id,
        since: query.since,
        until: query.until,
    }
}

/// The funnel for the page's filters, as the API's CSV or as a workbook. Filters that
/// cannot be read show the page with its error summary.
async fn funnel_file(ctx: Ctx, state: &AppState, download: Download) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let query = match Filters::of(&ctx).query() {
        Ok(query) => query,
        Err(_) => return render(&ctx, state).await,
    };
    let selected = selection(&query);
    match app::reports::funnel(state, actor, query).await {
        Ok(funnel) => match download {
            Download::Csv => csv(funnel_csv(&funnel), "sluss-funnel.csv"),
            Download::Xlsx => workbook(&ctx, ReportKind::Funnel, &funnel.rows(), Some(&selected)),
        },
        Err(error) if error.is_invalid() => render(&ctx, state).await,
        Err(error) => refused(&ctx, &error),
    }
}

/// The obstacle counts, as the API's CSV or as a workbook.
async fn obstacles_file(ctx: Ctx, state: &AppState, download: Download) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    match app::reports::obstacles(state, actor).await {
        Ok(report) => match download {
            Download::Csv => csv(report.to_csv(), "sluss-obstacles.csv"),
            Download::Xlsx => workbook(&ctx, ReportKind::Obstacles, &report.rows(), None),
        },
        Err(error) => refused(&ctx, &error),
    }
}

/// The funder's figures for the page's filters, as the API's CSV or as a workbook.
/// Filters that cannot be read show the page with its error summary.
async fn figures_file(ctx: Ctx, state: &AppState, download: Download) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let query = match Filters::of(&ctx).query() {
        Ok(query) => query,
        Err(_) => return render(&ctx, state).await,
    };
    let selected = selection(&query);
    match app::reports::figures(state, actor, query.into()).await {
        Ok(figures) => match download {
            Download::Csv => csv(figures_csv(&figures), "sluss-figures.csv"),
            Download::Xlsx => workbook(&ctx, ReportKind::Figures, &figures.rows(), Some(&selected)),
        },
        Err(error) if error.is_invalid() => render(&ctx, state).await,
        Err(error) => refused(&ctx, &error),
    }
}

/// `GET /reports/funnel.csv`: the funnel for the page's filters, as the API's CSV.
#[handler]
pub async fn funnel_download(ctx: Ctx, state: Data<&AppState>) -> Response {
    let download = Download::of_csv_address(&ctx);
    funnel_file(ctx, &state, download).await
}

/// `GET /reports/funnel.xlsx`: the funnel for the page's filters, as a workbook.
#[handler]
pub async fn funnel_workbook(ctx: Ctx, state: Data<&AppState>) -> Response {
    funnel_file(ctx, &state, Download::Xlsx).await
}

/// `GET /reports/obstacles.csv`: the obstacle counts, as the API's CSV.
#[handler]
pub async fn obstacles_download(ctx: Ctx, state: Data<&AppState>) -> Response {
    let download = Download::of_csv_address(&ctx);
    obstacles_file(ctx, &state, download).await
}

/// `GET /reports/obstacles.xlsx`: the obstacle counts, as a workbook.
#[handler]
pub async fn obstacles_workbook(ctx: Ctx, state: Data<&AppState>) -> Response {
    obstacles_file(ctx, &state, Download::Xlsx).await
}

/// `GET /reports/figures.csv`: the funder's figures for the page's filters, as the API's
/// CSV.
#[handler]
pub async fn figures_download(ctx: Ctx, state: Data<&AppState>) -> Response {
    let download = Download::of_csv_address(&ctx);
    figures_file(ctx, &state, download).await
}

/// `GET /reports/figures.xlsx`: the funder's figures for the page's filters, as a
/// workbook.
#[handler]
pub async fn figures_workbook(ctx: Ctx, state: Data<&AppState>) -> Response {
    figures_file(ctx, &state, Download::Xlsx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_days_in_stockholm_and_until_includes_its_day() {
        let filters = Filters {
            arena_id: String::new(),
            since: "2026-07-01".into(),
            until: "2026-12-24".into(),
        };
        let query = filters.query().unwrap();
        assert_eq!(query.since.unwrap().to_rfc3339(), "2026-06-30T22:00:00+00:00");
        assert_eq!(query.until.unwrap().to_rfc3339(), "2026-12-24T23:00:00+00:00");
        let bad = Filters {
            since: "yesterday".into(),
            ..filters
        };
        assert!(bad.query().unwrap_err().is_invalid());
    }
}
