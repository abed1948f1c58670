//! `/arenas` and `/arenas/{id}`: the matching arenas and the challenges shown in them.

use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use uuid::Uuid;

use super::challenges::summary_card;
use super::labels::{label, name_of};
use super::refused;
use crate::app;
use crate::app::challenges::ChallengeQuery;
use crate::state::AppState;
use crate::views::arenas::Arena;
use crate::web::context::Ctx;
use crate::web::i18n::Tr;
use crate::web::layout::{ok, page, prose, tag};

/// `GET /arenas`: open arenas for everyone, every arena for facilitators.
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    let arenas = match app::arenas::list(&state, ctx.actor(), Some(200), None).await {
        Ok(page) => page.items,
        Err(error) => return refused(&ctx, &error),
    };
    let body = html! {
        p class="govuk-body" { (tr.t("arenas-intro")) }
        @if arenas.is_empty() { p class="govuk-body" { (tr.t("arenas-none")) } }
        @for arena in &arenas {
            div class="sluss-card" {
                h2 class="govuk-heading-m govuk-!-margin-bottom-1" {
                    a class="govuk-link" href={ "/arenas/" (arena.id) } { (arena.name) }
                }
                p class="govuk-body-s" {
                    (tag(&label(tr, "arena-state", &name_of(&arena.state)))) " "
                    (label(tr, "arena-kind", &name_of(&arena.kind)))
                    @if let Some(location) = &arena.location { ", " (location) }
                }
            }
        }
    };
    ok(page(&ctx, &tr.t("arenas-title"), body))
}

/// `GET /arenas/{id}`: an arena and its public challenges.
#[handler]
pub async fn show(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let tr = &ctx.tr;
    let arena = match app::arenas::get(&state, ctx.actor(), id).await {
        Ok(arena) => arena,
        Err(error) => return refused(&ctx, &error),
    };
    let filter = ChallengeQuery {
        arena_id: Some(id),
        ..ChallengeQuery::default()
    };
    let challenges = app::challenges::list(&state, None, filter, Some(200), None)
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let body = html! {
        (facts(tr, &arena))
        (prose(&arena.description))
        h2 class="govuk-heading-m" { (tr.t("arena-challenges")) }
        @if challenges.is_empty() { p class="govuk-body" { (tr.t("challenges-none")) } }
        @for challenge in &challenges { (summary_card(&ctx, challenge)) }
    };
    ok(page(&ctx, &arena.name, body))
}

/// The arena filter of a list's form: any arena, or one of `arenas`, `chosen` selected.
pub fn arena_filter(tr: &Tr, arenas: &[Arena], chosen: Option<Uuid>) -> Markup {
    html! {
        div class="govuk-form-group" {
            label class="govuk-label" for="f-arena_id" { (tr.t("field-arena")) }
            select class="govuk-select" id="f-arena_id" name="arena_id" {
                option value="" { (tr.t("filter-any")) }
                @for arena in arenas {
                    option value=(arena.id) selected[chosen == Some(arena.id)] { (arena.name) }
                }
            }
        }
    }
}

/// An arena's facts: state, kind, place and times (the public page and the team's page of
/// an arena show the same list).
pub fn facts(tr: &Tr, arena: &Arena) -> Markup {
    html! {
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("field-state")) }
                dd class="govuk-summary-list__value" { (tag(&label(tr, "arena-state", &name_of(&arena.state)))) }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("field-kind")) }
                dd class="govuk-summary-list__value" { (label(tr, "arena-kind", &name_of(&arena.kind))) }
            }
            @if let Some(location) = &arena.location {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-location")) }
                    dd class="govuk-summary-list__value" { (location) }
                }
            }
            @if let Some(at) = arena.starts_at {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-starts-at")) }
                    dd class="govuk-summary-list__value" { (tr.datetime(at)) }
                }
            }
            @if let Some(at) = arena.ends_at {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-ends-at")) }
                    dd class="govuk-summary-list__value" { (tr.datetime(at)) }
                }
            }
        }
    }
}
