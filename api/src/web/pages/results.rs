//! `/results`: the outcome in public (SPEC §14.3) — every completed test on a public
//! challenge, for anyone, narrowed by outcome, goal, arena and year.

use chrono::{Datelike, Utc};
use maud::{Markup, html};
use poem::web::Data;
use poem::{Response, handler};
use sluss_domain::idea::TestOutcome;
use uuid::Uuid;

use super::labels::{label, name_of, sdg};
use super::refused;
use crate::app;
use crate::app::results::{ResultQuery, YEARS};
use crate::state::AppState;
use crate::views::results::TestResult;
use crate::web::context::Ctx;
use crate::web::forms::{FormErrors, from_api_error};
use crate::web::layout::{next_page, ok, page_with, prose, secondary_button, tag};

/// The first year the filter offers; the API takes any of [`YEARS`].
const FIRST_YEAR_OFFERED: i32 = 2020;

/// `GET /results`: a page of results and the filters.
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    let get = |name: &str| ctx.filter(name);
    let query = ResultQuery {
        outcome: get("outcome").and_then(|o| TestOutcome::parse(&o)),
        sdg: get("sdg").and_then(|s| s.parse().ok()),
        arena_id: get("arena_id").and_then(|s| s.parse::<Uuid>().ok()),
        year: get("year").and_then(|s| s.parse().ok()),
        challenge_id: None,
    };
    let cursor = get("cursor");
    let (results, arenas) = tokio::join!(
        app::results::list(&state, query, Some(20), cursor.as_deref()),
        app::arenas::list(&state, None, Some(200), None)
    );
    let arenas = arenas.map(|p| p.items).unwrap_or_default();
    let (results, next, errors) = match results {
        Ok(page) => (page.items, page.next_cursor, FormErrors::none()),
        Err(error) if error.is_invalid() => (Vec::new(), None, from_api_error(tr, &error, "/results").1),
        Err(error) => return refused(&ctx, &error),
    };
    let next_href = next.map(|cursor| ctx.with_cursor(&cursor));
    let this_year = Utc::now().year().min(*YEARS.end());
    let body = html! {
        p class="govuk-body-l" { (tr.t("results-lead")) }
        form method="get" action="/results" class="sluss-filters govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-quarter" {
                    div class="govuk-form-group" {
                        label class="govuk-label" for="f-outcome" { (tr.t("field-outcome")) }
                        select class="govuk-select" id="f-outcome" name="outcome" {
                            option value="" { (tr.t("filter-any")) }
                            @for outcome in TestOutcome::ALL {
                                option value=(outcome.as_str()) selected[query.outcome == Some(outcome)] {
                                    (label(tr, "test-outcome", outcome.as_str()))
                                }
                            }
                        }
                    }
                }
                div class="govuk-grid-column-one-quarter" {
                    div class="govuk-form-group" {
                        label class="govuk-label" for="f-sdg" { (tr.t("field-sdg")) }
                        select class="govuk-select" id="f-sdg" name="sdg" {
                            option value="" { (tr.t("filter-any")) }
                            @for goal in 1..=17u8 {
                                option value=(goal) selected[query.sdg == Some(i64::from(goal))] { (sdg(tr, goal)) }
                            }
                        }
                    }
                }
                div class="govuk-grid-column-one-quarter" { (super::arenas::arena_filter(tr, &arenas, query.arena_id)) }
                div class="govuk-grid-column-one-quarter" {
                    div class="govuk-form-group" {
                        label class="govuk-label" for="f-year" { (tr.t("field-year")) }
                        select class="govuk-select" id="f-year" name="year" {
                            option value="" { (tr.t("filter-any")) }
                            @for year in (FIRST_YEAR_OFFERED..=this_year).rev() {
                                option value=(year) selected[query.year == Some(i64::from(year))] { (year) }
                            }
                        }
                    }
                }
            }
            (secondary_button(&tr.t("button-filter")))
        }
        @if results.is_empty() { p class="govuk-body" { (tr.t("results-none")) } }
        @for result in &results { (result_card(&ctx, result, true)) }
        @if let Some(href) = next_href { (next_page(tr, &href)) }
        p class="govuk-body" {
            a class="govuk-link" href="/open-data.zip" { (tr.t("results-open-data")) }
        }
    };
    let errors_shown = (!errors.is_empty()).then_some(&errors);
    ok(page_with(&ctx, &tr.t("results-title"), errors_shown, body))
}

/// One completed test: where, by whom, how it ended, what was measured and learned, and
/// how it was spread; with its challenge's title when `with_challenge` (the list, not the
/// challenge's own page).
pub fn result_card(ctx: &Ctx, result: &TestResult, with_challenge: bool) -> Markup {
    let tr = &ctx.tr;
    html! {
        div class="sluss-card" {
            // A card of the list is a section of the page; one on a challenge's page sits
            // under its "Results" heading.
            @if with_challenge {
                h2 class="govuk-heading-m govuk-!-margin-bottom-1" { (result.idea_title) }
            } @else {
                h3 class="govuk-heading-m govuk-!-margin-bottom-1" { (result.idea_title) }
            }
            p class="govuk-body-s govuk-!-margin-bottom-2" {
                (tag(&label(tr, "test-outcome", &name_of(&result.outcome))))
                " " (tr.date(result.completed_at.date_naive()))
            }
            dl class="govuk-summary-list govuk-summary-list--no-border" {
                @if with_challenge {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (tr.t("field-challenge")) }
                        dd class="govuk-summary-list__value" {
                            a class="govuk-link" href={ "/challenges/" (result.challenge_id) } { (result.challenge_title) }
                        }
                    }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-site")) }
                    dd class="govuk-summary-list__value" { (result.site) }
                }
                @if let Some(host) = &result.host_organisation {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (tr.t("field-host")) }
                        dd class="govuk-summary-list__value" { (host.name) }
                    }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("results-period")) }
                    dd class="govuk-summary-list__value" {
                        (tr.date(result.starts_on)) " – " (tr.date(result.ends_on))
                    }
                }
                @if let Some(arena) = &result.arena_name {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (tr.t("field-arena")) }
                        dd class="govuk-summary-list__value" { (arena) }
                    }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-results")) }
                    dd class="govuk-summary-list__value" { (prose(&result.results)) }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-lessons-learned")) }
                    dd class="govuk-summary-list__value" { (prose(&result.lessons_learned)) }
                }
                @if !result.spread_activities.is_empty() {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (tr.t("results-spread")) }
                        dd class="govuk-summary-list__value" {
                            ul class="govuk-list" {
                                @for activity in &result.spread_activities {
                                    li {
                                        (activity.title) " (" (label(tr, "spread-kind", &name_of(&activity.kind))) ", "
                                        (tr.date(activity.held_on)) ")"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
