//! `/ideas`: the ideas the viewer may see (SPEC §14.1) — for facilitators every idea,
//! drafts included — with text search and state, challenge and arena filters, a page at a
//! time.

use maud::{Markup, html};
use poem::web::Data;
use poem::{Response, handler};
use sluss_domain::idea::IdeaState;
use uuid::Uuid;

use super::challenges::person_with_organisation;
use super::labels::idea_state;
use super::{refused, signed_in};
use crate::app;
use crate::app::challenges::ChallengeQuery;
use crate::app::ideas::IdeaQuery;
use crate::state::AppState;
use crate::views::ideas::Idea;
use crate::web::context::Ctx;
use crate::web::forms::{FormErrors, from_api_error};
use crate::web::layout::{Input, more_filters, next_page, ok, page_with, secondary_button, tag};

/// How many ideas a page lists.
const PAGE_SIZE: u32 = 20;

/// How many challenges the challenge filter offers, newest first.
const CHALLENGES_OFFERED: u32 = 200;

/// `GET /ideas`.
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let get = |name: &str| ctx.filter(name);
    let q = get("q");
    let query = IdeaQuery {
        state: get("state").and_then(|s| IdeaState::parse(&s)),
        challenge_id: get("challenge_id").and_then(|s| s.parse::<Uuid>().ok()),
        arena_id: get("arena_id").and_then(|s| s.parse::<Uuid>().ok()),
        q: q.clone(),
        mine: false,
    };
    let cursor = get("cursor");
    let (ideas, challenges, arenas) = tokio::join!(
        app::ideas::list(&state, actor, query.clone(), Some(PAGE_SIZE), cursor.as_deref()),
        app::challenges::list(
            &state,
            Some(actor),
            ChallengeQuery::default(),
            Some(CHALLENGES_OFFERED),
            None
        ),
        app::arenas::list(&state, Some(actor), Some(200), None)
    );
    let challenges = challenges.map(|p| p.items).unwrap_or_default();
    let arenas = arenas.map(|p| p.items).unwrap_or_default();
    let (ideas, next, errors) = match ideas {
        Ok(page) => (page.items, page.next_cursor, FormErrors::none()),
        Err(error) if error.is_invalid() => (Vec::new(), None, from_api_error(tr, &error, "/ideas").1),
        Err(error) => return refused(&ctx, &error),
    };
    let titles = app::ideas::challenge_titles(&state, &ideas).await.unwrap_or_default();
    let next_href = next.map(|cursor| ctx.with_cursor(&cursor));
    let chosen = [
        query.state.is_some(),
        query.challenge_id.is_some(),
        query.arena_id.is_some(),
    ]
    .into_iter()
    .filter(|c| *c)
    .count();
    let body = html! {
        form method="get" action="/ideas" class="sluss-filters govuk-!-margin-bottom-6" {
            (Input::text("q", tr.t("field-search"), q.as_deref().unwrap_or_default()).kind("search").hint(tr.t("ideas-search-hint")).render(&errors))
            (more_filters(tr, chosen, html! {
                div class="govuk-grid-row" {
                    div class="govuk-grid-column-one-third" {
                        div class="govuk-form-group" {
                            label class="govuk-label" for="f-state" { (tr.t("field-state")) }
                            select class="govuk-select" id="f-state" name="state" {
                                option value="" { (tr.t("filter-any")) }
                                @for state in IdeaState::ALL {
                                    option value=(state.as_str()) selected[query.state == Some(state)] { (idea_state(tr, state)) }
                                }
                            }
                        }
                    }
                    div class="govuk-grid-column-one-third" {
                        div class="govuk-form-group" {
                            label class="govuk-label" for="f-challenge_id" { (tr.t("field-challenge")) }
                            select class="govuk-select" id="f-challenge_id" name="challenge_id" {
                                option value="" { (tr.t("filter-any")) }
                                @for challenge in &challenges {
                                    option value=(challenge.id) selected[query.challenge_id == Some(challenge.id)] { (challenge.title) }
                                }
                            }
                        }
                    }
                    div class="govuk-grid-column-one-third" { (super::arenas::arena_filter(tr, &arenas, query.arena_id)) }
                }
            }))
            (secondary_button(&tr.t("button-filter")))
        }
        @if ideas.is_empty() { p class="govuk-body" { (tr.t("ideas-none")) } }
        @for idea in &ideas { (idea_card(&ctx, idea, titles.get(&idea.challenge_id).map(String::as_str))) }
        @if let Some(href) = next_href { (next_page(tr, &href)) }
    };
    let errors_shown = (!errors.is_empty()).then_some(&errors);
    ok(page_with(&ctx, &tr.t("ideas-title"), errors_shown, body))
}

/// An idea in a list: title, state, who is behind it (where the viewer may see it) and the
/// challenge it answers.
fn idea_card(ctx: &Ctx, idea: &Idea, challenge_title: Option<&str>) -> Markup {
    let tr = &ctx.tr;
    html! {
        div class="sluss-card" {
            h2 class="govuk-heading-m govuk-!-margin-bottom-1" {
                a class="govuk-link" href={ "/ideas/" (idea.id) } { (idea.title) }
            }
            p class="govuk-body-s govuk-!-margin-bottom-1" {
                (tag(&idea_state(tr, idea.state.into())))
                @if let Some(innovator) = &idea.innovator {
                    " " (person_with_organisation(&innovator.display_name, innovator.organisation.as_ref()))
                }
            }
            @if let Some(title) = challenge_title {
                p class="govuk-body-s sluss-muted govuk-!-margin-bottom-1" {
                    (tr.t("field-challenge")) ": "
                    a class="govuk-link" href={ "/challenges/" (idea.challenge_id) } { (title) }
                }
            }
            @if !idea.summary.is_empty() { p class="govuk-body" { (idea.summary) } }
        }
    }
}
