//! Obstacles raised to those who can act (SPEC §18): `/obstacles/{id}`, where the
//! innovation team raises a logged obstacle to a body that can remove it, records the
//! answer, closes it and links it to the same issue met elsewhere; and `/obstacles/raised`,
//! the public record of what was raised, without who logged it or what it was met on.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::obstacle::ObstacleCommand;
use uuid::Uuid;

use super::challenges::form_version;
use super::labels::{label, name_of};
use super::{facilitator_only, form_refusal, redirect, refused};
use crate::app;
use crate::app::obstacles::ObstacleQuery;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::obstacles::{Obstacle, ObstacleState, RaisedObstacle};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{
    Input, button, csrf_field, next_page, notice, ok, page_with, prose, respond, secondary_button, tag, textarea,
};
use crate::web::time::query_pairs;

/// One row of a summary list; nothing when the value is absent.
fn row(key: &str, value: Option<Markup>) -> Markup {
    html! {
        @if let Some(value) = value {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (key) }
                dd class="govuk-summary-list__value" { (value) }
            }
        }
    }
}

/// The state's name in the person's language.
fn state_label(ctx: &Ctx, state: ObstacleState) -> String {
    label(&ctx.tr, "obstacle-state", &name_of(&state))
}

/// What was raised, answered and when: the part of an obstacle the public record shows too.
fn raised_rows(
    ctx: &Ctx,
    raised_to: Option<&str>,
    brief: Option<&str>,
    answer: Option<&str>,
    at: [Option<chrono::DateTime<chrono::Utc>>; 3],
) -> Markup {
    let tr = &ctx.tr;
    let [raised_at, answered_at, closed_at] = at;
    html! {
        (row(&tr.t("field-raised-to"), raised_to.map(|r| html! { (r) })))
        (row(&tr.t("field-brief"), brief.map(prose)))
        (row(&tr.t("obstacle-raised-at"), raised_at.map(|at| html! { (tr.datetime(at)) })))
        (row(&tr.t("field-answer"), answer.map(prose)))
        (row(&tr.t("obstacle-answered-at"), answered_at.map(|at| html! { (tr.datetime(at)) })))
        (row(&tr.t("obstacle-closed-at"), closed_at.map(|at| html! { (tr.datetime(at)) })))
    }
}

/// The forms the obstacle's state offers, each with the version read.
fn forms(ctx: &Ctx, obstacle: &Obstacle, others: &[Obstacle], errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let action = |what: &str| format!("/obstacles/{}/{what}", obstacle.id);
    let version = html! { input type="hidden" name="expected_version" value=(obstacle.version); };
    let raised_to = ctx.text("raised_to");
    html! {
        @if obstacle.state == ObstacleState::Logged {
            h2 class="govuk-heading-m" { (tr.t("obstacle-raise-heading")) }
            p class="govuk-body" { (tr.t("obstacle-raise-intro")) }
            form method="post" action=(action("raise")) novalidate {
                (csrf_field(ctx)) (version)
                (Input::text("raised_to", tr.t("field-raised-to"), &raised_to).hint(tr.t("field-raised-to-hint")).render(errors))
                (textarea("brief", &tr.t("field-brief"), &ctx.text("brief"), Some(&tr.t("field-brief-hint")), errors))
                (button(&tr.t("button-raise-obstacle")))
            }
        }
        @if obstacle.state == ObstacleState::Raised {
            h2 class="govuk-heading-m" { (tr.t("obstacle-answer-heading")) }
            form method="post" action=(action("answer")) novalidate {
                (csrf_field(ctx)) (version)
                (textarea("answer", &tr.t("field-answer"), &ctx.text("answer"), Some(&tr.t("field-answer-hint")), errors))
                (button(&tr.t("button-record-answer")))
            }
        }
        @if obstacle.state != ObstacleState::Closed {
            form method="post" action=(action("close")) novalidate {
                (csrf_field(ctx)) (version)
                (secondary_button(&tr.t("button-close-obstacle")))
            }
        }
        h2 class="govuk-heading-m" { (tr.t("obstacle-same-as-heading")) }
        form method="post" action=(action("same-as")) novalidate {
            (csrf_field(ctx)) (version)
            div class={ "govuk-form-group" @if errors.message_for("obstacle_id").is_some() { " govuk-form-group--error" } } {
                label class="govuk-label" for="f-obstacle_id" { (tr.t("field-same-as")) }
                div class="govuk-hint" id="f-obstacle_id-hint" { (tr.t("field-same-as-hint")) }
                @if let Some(message) = errors.message_for("obstacle_id") {
                    p class="govuk-error-message" id="f-obstacle_id-error" { (message) }
                }
                select class="govuk-select" id="f-obstacle_id" name="obstacle_id" aria-describedby="f-obstacle_id-hint" {
                    option value="" { (tr.t("obstacle-not-linked")) }
                    @for other in others.iter().filter(|o| o.id != obstacle.id) {
                        option value=(other.id) selected[obstacle.same_as == Some(other.id)] {
                            (label(tr, "obstacle-category", &name_of(&other.category))) ", "
                            (tr.datetime(other.reported_at)) ": " (excerpt(&other.description))
                        }
                    }
                }
            }
            (secondary_button(&tr.t("button-link-obstacle")))
        }
    }
}

/// The start of a description, for a list to choose from.
fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

async fn detail_page(
    ctx: &Ctx,
    state: &AppState,
    obstacle: &Obstacle,
    status: StatusCode,
    errors: &FormErrors,
) -> Response {
    let tr = &ctx.tr;
    let Some(actor) = ctx.actor() else {
        return refused(ctx, &ApiError::not_found());
    };
    let others = app::obstacles::list(state, actor, ObstacleQuery::default(), Some(100), None)
        .await
        .map(|page| page.items)
        .unwrap_or_default();
    let done = query_pairs(&ctx.here).iter().any(|(k, _)| k == "saved");
    let subject = if name_of(&obstacle.subject_type) == "idea" {
        "ideas"
    } else {
        "challenges"
    };
    let body = html! {
        @if done { (notice(&tr.t("obstacle-saved"))) }
        dl class="govuk-summary-list govuk-!-margin-bottom-6" {
            (row(&tr.t("field-state"), Some(tag(&state_label(ctx, obstacle.state)))))
            (row(&tr.t("field-category"), Some(html! { (label(tr, "obstacle-category", &name_of(&obstacle.category))) })))
            (row(&tr.t("field-step"), Some(html! { (obstacle.step) ". " (label(tr, "step", &obstacle.step.to_string())) })))
            (row(&tr.t("obstacle-reported-at"), Some(html! { (tr.datetime(obstacle.reported_at)) })))
            (row(&tr.t("field-description"), Some(html! {
                (prose(&obstacle.description))
                a class="govuk-link" href={ "/" (subject) "/" (obstacle.subject_id) } { (tr.t("obstacle-open-subject")) }
            })))
            (raised_rows(ctx, obstacle.raised_to.as_deref(), obstacle.brief.as_deref(), obstacle.answer.as_deref(),
                [obstacle.raised_at, obstacle.answered_at, obstacle.closed_at]))
            (row(&tr.t("field-same-as"), obstacle.same_as.map(|first| html! {
                a class="govuk-link" href={ "/obstacles/" (first) } { (tr.t("obstacle-open-first")) }
            })))
        }
        (forms(ctx, obstacle, &others, errors))
        p class="govuk-body" {
            a class="govuk-link" href="/obstacles" { (tr.t("obstacles-title")) }
            " · "
            a class="govuk-link" href="/obstacles/raised" { (tr.t("raised-title")) }
        }
    };
    respond(status, page_with(ctx, &tr.t("obstacle-title"), Some(errors), body))
}

/// `GET /obstacles/{id}`: one obstacle and what the team can do with it (facilitators).
#[handler]
pub async fn detail(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    match app::obstacles::get(&state, actor, id).await {
        Ok(obstacle) => detail_page(&ctx, &state, &obstacle, StatusCode::OK, &FormErrors::none()).await,
        Err(error) => refused(&ctx, &error),
    }
}

/// Runs a posted form on the obstacle and returns to its page, or shows the page again with
/// what was refused.
async fn act(
    ctx: &Ctx,
    state: &AppState,
    id: Uuid,
    command: impl AsyncFnOnce(&sluss_domain::Actor, Option<app::Expected>) -> Result<Obstacle, ApiError>,
) -> Response {
    let actor = match facilitator_only(ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let result = match form_version(ctx) {
        Ok(expected) => command(actor, expected).await,
        Err(error) => Err(error),
    };
    let here = format!("/obstacles/{id}");
    match result {
        Ok(_) => redirect(&format!("{here}?saved=1")),
        Err(error) => match form_refusal(ctx, &error, &here) {
            Ok((status, errors)) => match app::obstacles::get(state, actor, id).await {
                Ok(obstacle) => detail_page(ctx, state, &obstacle, status, &errors).await,
                Err(error) => refused(ctx, &error),
            },
            Err(page) => page,
        },
    }
}

/// `POST /obstacles/{id}/raise`.
#[handler]
pub async fn post_raise(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let command = ObstacleCommand::Raise {
        raised_to: ctx.text("raised_to"),
        brief: ctx.text("brief"),
    };
    act(&ctx, &state, id, async |actor, expected| {
        app::obstacles::command(&state, actor, id, expected, command).await
    })
    .await
}

/// `POST /obstacles/{id}/answer`.
#[handler]
pub async fn post_answer(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let command = ObstacleCommand::Answer {
        answer: ctx.text("answer"),
    };
    act(&ctx, &state, id, async |actor, expected| {
        app::obstacles::command(&state, actor, id, expected, command).await
    })
    .await
}

/// `POST /obstacles/{id}/close`.
#[handler]
pub async fn post_close(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    act(&ctx, &state, id, async |actor, expected| {
        app::obstacles::command(&state, actor, id, expected, ObstacleCommand::Close).await
    })
    .await
}

/// `POST /obstacles/{id}/same-as`: an empty choice unlinks.
#[handler]
pub async fn post_same_as(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let chosen = ctx
        .field("obstacle_id")
        .filter(|v| !v.is_empty())
        .map(str::parse::<Uuid>);
    let target = match chosen {
        None => Ok(None),
        Some(Ok(target)) => Ok(Some(target)),
        Some(Err(_)) => Err(ApiError::invalid(
            "obstacle_id",
            sluss_domain::FieldProblem::NoSuchRecord,
        )),
    };
    act(&ctx, &state, id, async |actor, expected| match target {
        Ok(target) => app::obstacles::link(&state, actor, id, expected, target).await,
        Err(error) => Err(error),
    })
    .await
}

fn raised_item(ctx: &Ctx, obstacle: &RaisedObstacle) -> Markup {
    let tr = &ctx.tr;
    html! {
        div class="govuk-summary-card" {
            div class="govuk-summary-card__title-wrapper" {
                h2 class="govuk-summary-card__title" {
                    (tr.t_with("raised-to-heading", &[("body", obstacle.raised_to.clone().into())]))
                }
                p class="govuk-body govuk-!-margin-bottom-0" {
                    (tag(&state_label(ctx, obstacle.state))) " "
                    (tag(&label(tr, "obstacle-category", &name_of(&obstacle.category))))
                }
            }
            div class="govuk-summary-card__content" {
                dl class="govuk-summary-list" {
                    (row(&tr.t("field-step"), Some(html! { (obstacle.step) ". " (label(tr, "step", &obstacle.step.to_string())) })))
                    (raised_rows(ctx, None, Some(&obstacle.brief), obstacle.answer.as_deref(),
                        [Some(obstacle.raised_at), obstacle.answered_at, obstacle.closed_at]))
                }
            }
        }
    }
}

/// `GET /obstacles/raised`: the public record of obstacles raised to those who can act.
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    let cursor = ctx.filter("cursor");
    let page = match app::obstacles::list_raised(&state, Some(20), cursor.as_deref()).await {
        Ok(page) => page,
        Err(error) => return refused(&ctx, &error),
    };
    let body = html! {
        p class="govuk-body-l" { (tr.t("raised-lead")) }
        @if page.items.is_empty() {
            p class="govuk-body" { (tr.t("raised-empty")) }
        }
        @for obstacle in &page.items { (raised_item(&ctx, obstacle)) }
        @if let Some(next) = &page.next_cursor {
            (next_page(tr, &ctx.with_cursor(next)))
        }
    };
    ok(page_with(&ctx, &tr.t("raised-title"), None, body))
}
