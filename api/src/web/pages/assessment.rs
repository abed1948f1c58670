//! Step 3 pages: the assessor's queue (`/assignments`), the scorecard form built from the
//! rubric with "Declare conflict" (`/ideas/{id}/scorecard`), and the panel's summary
//! (`/ideas/{id}/assessment`) with the disagreement flag.

use std::collections::BTreeMap;

use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::Actor;
use sluss_domain::idea::IdeaState;
use uuid::Uuid;

use super::challenges::form_version;
use super::labels::{label, name_of};
use super::{form_refusal, redirect, refused, signed_in};
use crate::app;
use crate::app::assessment::{ScorecardInput, ScorecardSheet};
use crate::state::AppState;
use crate::views::assessment::Assignment;
use crate::views::ideas::Idea;
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{
    button, csrf_field, field_id, next_page, ok, page, page_with, percent, prose, respond, table_region, tag, textarea,
};

/// How many assignments a page of the queue shows, as many as the other lists of the
/// team's pages.
const QUEUE_PAGE: u32 = 50;

/// `GET /assignments?cursor=`: an assessor's queue (every assignment for a facilitator).
#[handler]
pub async fn queue(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let cursor = ctx.query("cursor");
    let (assignments, next) =
        match app::assessment::assignment_queue(&state, actor, QUEUE_PAGE, cursor.as_deref()).await {
            Ok(queue) => queue,
            Err(error) => return refused(&ctx, &error),
        };
    let body = html! {
        p class="govuk-body" { (tr.t("assignments-intro")) }
        (assignment_table(&ctx, actor, &assignments))
        @if let Some(next) = &next { (next_page(tr, &format!("/assignments?cursor={}", percent(next)))) }
    };
    ok(page(&ctx, &tr.t("assignments-title"), body))
}

/// Assignments as a table: the idea (leading an assessor to their scorecard), the state,
/// when assigned.
pub fn assignment_table(ctx: &Ctx, actor: &Actor, assignments: &[(Assignment, String)]) -> Markup {
    let tr = &ctx.tr;
    html! {
    @if assignments.is_empty() { p class="govuk-body" { (tr.t("list-empty")) } } @else {
        (table_region(&tr.t("me-my-assignments"), html! {
            table class="govuk-table" {
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("field-idea")) }
                        th scope="col" class="govuk-table__header" { (tr.t("field-state")) }
                        th scope="col" class="govuk-table__header" { (tr.t("assigned-at")) }
                        th scope="col" class="govuk-table__header" { (tr.t("field-due-on")) }
                    }
                }
                tbody class="govuk-table__body" {
                    @for (assignment, title) in assignments {
                        @let title = if title.is_empty() { tr.t("idea-untitled") } else { title.clone() };
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                @if assignment.assessor_id == actor.id.as_uuid() {
                                    a class="govuk-link" href={ "/ideas/" (assignment.idea_id) "/scorecard" } { (title) }
                                } @else {
                                    a class="govuk-link" href={ "/ideas/" (assignment.idea_id) } { (title) }
                                }
                            }
                            td class="govuk-table__cell" { (tag(&label(tr, "assignment-state", &name_of(&assignment.state)))) }
                            td class="govuk-table__cell" { (tr.datetime(assignment.created_at)) }
                            td class="govuk-table__cell" { (assignment.due_on.map_or_else(|| "–".to_owned(), |day| tr.date(day))) }
                        }
                    }
                }
            }
        }))
    }
    }
}

/// The scorecard form: each criterion of the rubric with its description, weight and
/// scale as radio buttons, a comment, and the conflict declaration.
fn scorecard_page(ctx: &Ctx, idea: &Idea, sheet: &ScorecardSheet, errors: &FormErrors, failed: Option<&str>) -> Markup {
    let tr = &ctx.tr;
    let none = FormErrors::none();
    let score_errors = if failed == Some("score") { errors } else { &none };
    let conflict_errors = if failed == Some("conflict") { errors } else { &none };
    let own: BTreeMap<String, i64> = sheet.own.as_ref().map(|c| c.scores.clone()).unwrap_or_default();
    let chosen = |key: &str| -> Option<i64> {
        ctx.field(&format!("scores.{key}"))
            .and_then(|v| v.parse().ok())
            .or_else(|| own.get(key).copied())
    };
    let comment = ctx
        .field("comment")
        .map(str::to_owned)
        .or_else(|| sheet.own.as_ref().map(|c| c.comment.clone()))
        .unwrap_or_default();
    let state: IdeaState = idea.state.into();
    let conflicted = name_of(&sheet.assignment.state) == "conflict_declared";
    let body = html! {
        p class="govuk-body" { a class="govuk-link" href={ "/ideas/" (idea.id) } { (tr.t("scorecard-read-idea")) } }
        h2 class="govuk-heading-m" { (tr.t("field-summary")) }
        (prose(&idea.summary))
        @if let Some(at) = sheet.own.as_ref().map(|c| c.updated_at) {
            div class="govuk-inset-text" {
                (tr.t_with("scorecard-saved-at", &[("at", tr.datetime(at).into())])) " "
                a class="govuk-link" href={ "/ideas/" (idea.id) "/assessment" } { (tr.t("assessment-title")) }
            }
        }
        @if conflicted {
            div class="govuk-inset-text" {
                p class="govuk-body" { (tr.t("conflict-declared")) }
                @if let Some(reason) = &sheet.assignment.conflict_reason { (prose(reason)) }
            }
        } @else if state == IdeaState::InAssessment {
            form method="post" action={ "/ideas/" (idea.id) "/scorecard" } novalidate {
                (csrf_field(ctx))
                h2 class="govuk-heading-m" { (sheet.rubric.name) }
                @for criterion in &sheet.rubric.criteria {
                    @let name = format!("scores.{}", criterion.key);
                    @let id = field_id(&name);
                    @let error = score_errors.message_for(&name);
                    div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                        fieldset class="govuk-fieldset" aria-describedby={ (id) "-hint" @if error.is_some() { " " (id) "-error" } } {
                            legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (criterion.name) }
                            div class="govuk-hint" id={ (id) "-hint" } {
                                (criterion.description) " "
                                (tr.t_with("criterion-weight-scale", &[
                                    ("weight", criterion.weight.into()),
                                    ("min", criterion.scale_min.into()),
                                    ("max", criterion.scale_max.into()),
                                ]))
                            }
                            @if let Some(message) = error { p class="govuk-error-message" id={ (id) "-error" } { (message) } }
                            // With the meanings of the scores beside them, one score a line.
                            div class={ "govuk-radios govuk-radios--small" @if criterion.scale_labels.is_empty() { " govuk-radios--inline" } } data-module="govuk-radios" id=(id) {
                                @for value in criterion.scale_min..=criterion.scale_max {
                                    div class="govuk-radios__item" {
                                        input class="govuk-radios__input" id={ (id) "-" (value) } name=(name) type="radio"
                                            value=(value) checked[chosen(&criterion.key) == Some(value)];
                                        label class="govuk-label govuk-radios__label" for={ (id) "-" (value) } {
                                            (value)
                                            @if let Some(meaning) = criterion.scale_labels.get(&value.to_string()) { " – " (meaning) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (textarea("comment", &tr.t("field-comment"), &comment, Some(&tr.t("comment-hint")), score_errors))
                (button(&tr.t("button-save-scorecard")))
            }
            @if sheet.own.is_none() {
                h2 class="govuk-heading-m" { (tr.t("conflict-of-interest-title")) }
                form method="post" action={ "/assignments/" (sheet.assignment.id) "/declare-conflict" } novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="expected_version" value=(sheet.assignment.version);
                    input type="hidden" name="idea_id" value=(idea.id);
                    (textarea("reason", &tr.t("field-reason"), &ctx.text("reason"), Some(&tr.t("conflict-hint")), conflict_errors))
                    button type="submit" class="govuk-button govuk-button--warning" { (tr.t("button-declare-conflict")) }
                }
            }
        } @else {
            p class="govuk-body" { (tr.t("scorecard-locked")) }
        }
    };
    // The summary names the criterion each message is about.
    let mut listed = errors.clone();
    for criterion in &sheet.rubric.criteria {
        listed.label(&format!("scores.{}", criterion.key), criterion.name.clone());
    }
    page_with(
        ctx,
        &tr.t_with("scorecard-title", &[("title", idea.title.clone().into())]),
        Some(&listed),
        body,
    )
}

async fn show_scorecard(ctx: &Ctx, state: &AppState, id: Uuid, errors: &FormErrors, failed: Option<&str>) -> Response {
    let Some(actor) = ctx.actor() else {
        return redirect(&crate::web::layout::login_href(&ctx.here));
    };
    let (idea, sheet) = tokio::join!(
        app::ideas::get(state, actor, id),
        app::assessment::scorecard_sheet(state, actor, id)
    );
    match (idea, sheet) {
        (Ok(idea), Ok(sheet)) => {
            let status = if errors.is_empty() {
                poem::http::StatusCode::OK
            } else if errors.fields.is_empty() {
                poem::http::StatusCode::CONFLICT
            } else {
                poem::http::StatusCode::UNPROCESSABLE_ENTITY
            };
            respond(status, scorecard_page(ctx, &idea, &sheet, errors, failed))
        }
        (Err(error), _) | (_, Err(error)) => refused(ctx, &error),
    }
}

/// `GET /ideas/{id}/scorecard`.
#[handler]
pub async fn scorecard(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    if let Err(redirect) = signed_in(&ctx) {
        return redirect;
    }
    show_scorecard(&ctx, &state, id, &FormErrors::none(), None).await
}

/// `POST /ideas/{id}/scorecard`: saves (or revises) the assessor's scorecard.
#[handler]
pub async fn save_scorecard(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let scores = ctx
        .form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("scores.")?.to_owned(), v.parse::<i64>().ok()?)))
        .collect();
    let input = ScorecardInput {
        scores,
        comment: ctx.text("comment"),
    };
    match app::assessment::put_scorecard(&state, actor, id, input).await {
        Ok(_) => redirect(&format!("/ideas/{id}/scorecard?done=scorecard-saved")),
        Err(error) => match form_refusal(&ctx, &error, &format!("/ideas/{id}/scorecard")) {
            Ok((_, errors)) => show_scorecard(&ctx, &state, id, &errors, Some("score")).await,
            Err(page) => page,
        },
    }
}

/// `POST /assignments/{id}/declare-conflict`.
#[handler]
pub async fn declare_conflict(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let idea_id = ctx.field("idea_id").and_then(|v| v.parse::<Uuid>().ok());
    let result = match form_version(&ctx) {
        Ok(expected) => app::assessment::declare_conflict(&state, actor, id, ctx.text("reason"), expected).await,
        Err(error) => Err(error),
    };
    match (result, idea_id) {
        (Ok(assignment), _) => redirect(&format!("/ideas/{}/scorecard", assignment.idea_id)),
        (Err(error), Some(idea_id)) => match form_refusal(&ctx, &error, &format!("/ideas/{idea_id}/scorecard")) {
            Ok((_, errors)) => show_scorecard(&ctx, &state, idea_id, &errors, Some("conflict")).await,
            Err(page) => page,
        },
        (Err(error), _) => refused(&ctx, &error),
    }
}

/// `GET /ideas/{id}/assessment`: the panel's summary — the weighted score, per criterion
/// mean, min, max and standard deviation, and where assessors disagree.
#[handler]
pub async fn summary(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let (idea, summary, cards) = tokio::join!(
        app::ideas::get(&state, actor, id),
        app::assessment::summary(&state, actor, id),
        app::assessment::list_scorecards(&state, actor, id)
    );
    let (idea, summary) = match (idea, summary) {
        (Ok(idea), Ok(summary)) => (idea, summary),
        (Err(error), _) | (_, Err(error)) => return refused(&ctx, &error),
    };
    let cards = cards.unwrap_or_default();
    let rubric = app::assessment::get_rubric(&state, actor, summary.rubric_id).await.ok();
    let name_of_criterion = |key: &str| {
        rubric
            .as_ref()
            .and_then(|r| r.criteria.iter().find(|c| c.key == key))
            .map_or_else(|| key.to_owned(), |c| c.name.clone())
    };
    let one = |value: f64| tr.number(value, 2);
    let body = html! {
        p class="govuk-body" { a class="govuk-link" href={ "/ideas/" (idea.id) } { (tr.t("scorecard-read-idea")) } }
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("weighted-score")) }
                dd class="govuk-summary-list__value" { (summary.weighted_score.map_or_else(|| "–".to_owned(), one)) }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("scorecards-in")) }
                dd class="govuk-summary-list__value" {
                    (tr.t_with("scorecards-of", &[("submitted", summary.scorecards_submitted.into()), ("required", summary.scorecards_required.into())]))
                }
            }
        }
        @if summary.disagreement {
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" {
                    span class="govuk-visually-hidden" { (tr.t("warning")) " " }
                    (tr.t("disagreement"))
                }
            }
        }
        (table_region(&tr.t("criteria-title"), html! {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { (tr.t("criteria-title")) }
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("criterion")) }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("stat-mean")) }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("stat-min")) }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("stat-max")) }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("stat-std-dev")) }
                    }
                }
                tbody class="govuk-table__body" {
                    @for stats in &summary.criteria {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" {
                                (name_of_criterion(&stats.key))
                                @if stats.std_dev > 1.0 { " " strong class="govuk-tag govuk-tag--orange" { (tr.t("disagreement-tag")) } }
                            }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (one(stats.mean)) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (stats.min) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (stats.max) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (one(stats.std_dev)) }
                        }
                    }
                }
            }
        }))
        h2 class="govuk-heading-m" { (tr.t("comments-title")) }
        @for card in &cards {
            div class="sluss-card" { (prose(&card.comment)) p class="govuk-body-s sluss-muted" { (tr.datetime(card.updated_at)) } }
        }
    };
    ok(page(
        &ctx,
        &tr.t_with("assessment-page-title", &[("title", idea.title.clone().into())]),
        body,
    ))
}

/// `GET /challenges/{id}/ranking` (facilitators): the challenge's ideas by weighted score,
/// best first.
#[handler]
pub async fn ranking(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let (challenge, ranking) = tokio::join!(
        app::challenges::get(&state, Some(actor), id),
        app::assessment::ranking(&state, actor, id)
    );
    let (challenge, ranking) = match (challenge, ranking) {
        (Ok(challenge), Ok(ranking)) => (challenge, ranking),
        (Err(error), _) | (_, Err(error)) => return refused(&ctx, &error),
    };
    let body = html! {
        p class="govuk-body" { a class="govuk-link" href={ "/challenges/" (challenge.id) } { (challenge.title) } }
        @if ranking.items.is_empty() { p class="govuk-body" { (tr.t("list-empty")) } } @else {
            (table_region(&tr.t_with("ranking-title", &[("title", challenge.title.clone().into())]), html! {
                table class="govuk-table" {
                    thead class="govuk-table__head" {
                        tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("rank")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-idea")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-state")) }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("weighted-score")) }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("scorecards-in")) }
                        }
                    }
                    tbody class="govuk-table__body" {
                        @for (i, item) in ranking.items.iter().enumerate() {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell govuk-table__cell--numeric" { (i + 1) }
                                td class="govuk-table__cell" { a class="govuk-link" href={ "/ideas/" (item.idea_id) "/assessment" } { (item.title) } }
                                td class="govuk-table__cell" { (tag(&label(tr, "idea-state", &name_of(&item.state)))) }
                                td class="govuk-table__cell govuk-table__cell--numeric" {
                                    (item.weighted_score.map_or_else(|| "–".to_owned(), |s| tr.number(s, 2)))
                                }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (item.scorecards_submitted) }
                            }
                        }
                    }
                }
            }))
        }
    };
    ok(page(
        &ctx,
        &tr.t_with("ranking-title", &[("title", challenge.title.clone().into())]),
        body,
    ))
}
