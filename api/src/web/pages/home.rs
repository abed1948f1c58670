//! `/`: what the accelerator is, its open challenges and arenas.

use maud::html;
use poem::web::Data;
use poem::{Response, handler};
use sluss_domain::challenge::ChallengeState;

use super::challenges::summary_card;
use super::labels::{label, name_of};
use crate::app;
use crate::app::challenges::ChallengeQuery;
use crate::state::AppState;
use crate::web::context::Ctx;
use crate::web::layout::{ok, page};

/// `GET /`, and the 404 page for any path that is no page.
#[handler]
pub async fn home_or_unknown(ctx: Ctx, state: Data<&AppState>, req: &poem::Request) -> Response {
    if req.uri().path() != "/" {
        return super::errors::not_found(&ctx);
    }
    let tr = &ctx.tr;
    let filter = ChallengeQuery {
        state: Some(ChallengeState::Published),
        ..ChallengeQuery::default()
    };
    let (challenges, arenas) = tokio::join!(
        app::challenges::list(&state, None, filter, Some(6), None),
        app::arenas::list(&state, None, Some(20), None)
    );
    let challenges = challenges.map(|p| p.items).unwrap_or_default();
    let arenas = arenas.map(|p| p.items).unwrap_or_default();
    let body = html! {
        p class="govuk-body-l" { (tr.t("home-lead")) }
        h2 class="govuk-heading-m" { (tr.t("home-steps-title")) }
        ol class="govuk-list govuk-list--number" {
            @for step in 1..=5 {
                li {
                    strong { (label(tr, "step", &step.to_string())) } " – "
                    (tr.t(match step { 1 => "home-step-1", 2 => "home-step-2", 3 => "home-step-3", 4 => "home-step-4", _ => "home-step-5" }))
                }
            }
        }
        @if ctx.auth.is_none() {
            p class="govuk-body" {
                a class="govuk-button govuk-!-margin-right-2" href="/register" { (tr.t("home-register")) }
                a class="govuk-button govuk-button--secondary" href="/login" { (tr.t("button-log-in")) }
            }
        }
        h2 class="govuk-heading-m" { (tr.t("home-open-challenges")) }
        @if challenges.is_empty() { p class="govuk-body" { (tr.t("challenges-none")) } }
        @for challenge in &challenges { (summary_card(&ctx, challenge)) }
        p class="govuk-body" { a class="govuk-link" href="/challenges" { (tr.t("home-all-challenges")) } }
        h2 class="govuk-heading-m" { (tr.t("home-results-title")) }
        p class="govuk-body" {
            (tr.t("home-results-lead")) " "
            a class="govuk-link" href="/results" { (tr.t("home-results-link")) }
        }
        h2 class="govuk-heading-m" { (tr.t("nav-arenas")) }
        @if arenas.is_empty() { p class="govuk-body" { (tr.t("arenas-none")) } }
        ul class="govuk-list" {
            @for arena in &arenas {
                li {
                    a class="govuk-link" href={ "/arenas/" (arena.id) } { (arena.name) }
                    " (" (label(tr, "arena-kind", &name_of(&arena.kind))) ")"
                }
            }
        }
    };
    ok(page(&ctx, &tr.t("home-title"), body))
}
