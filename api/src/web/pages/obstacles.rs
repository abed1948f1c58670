//! `/obstacles`: the obstacle diary. Anyone signed in logs an obstacle on a challenge or
//! idea they can see; facilitators also read the diary, newest first.

use maud::{Markup, html};
use poem::web::Data;
use poem::{Response, handler};
use sluss_domain::idea::IdeaState;
use sluss_domain::{FieldProblem, Role};
use uuid::Uuid;

use super::labels::{OBSTACLE_CATEGORIES, label, name_of};
use super::{redirect, refused, signed_in};
use crate::app;
use crate::app::challenges::ChallengeQuery;
use crate::app::ideas::IdeaQuery;
use crate::app::obstacles::{NewObstacle, ObstacleQuery};
use crate::state::AppState;
use crate::views::obstacles::{CATEGORIES, SubjectType};
use crate::web::context::Ctx;
use crate::web::forms::{FormErrors, from_api_error};
use crate::web::layout::{
    button, csrf_field, next_page, notice, ok, page_with, percent, respond, table_region, textarea,
};
use crate::web::time::query_pairs;

/// A challenge or idea an obstacle can be logged on, as the form offers it.
struct Subject {
    /// `challenge:<id>` or `idea:<id>`.
    value: String,
    /// What the person reads.
    title: String,
    /// The step it is most likely blocked in.
    step: i64,
}

fn parse_subject(value: &str) -> Option<(SubjectType, Uuid)> {
    let (kind, id) = value.split_once(':')?;
    let kind = match kind {
        "challenge" => SubjectType::Challenge,
        "idea" => SubjectType::Idea,
        _ => return None,
    };
    Some((kind, id.parse().ok()?))
}

fn idea_step(state: IdeaState) -> i64 {
    match state {
        IdeaState::Draft | IdeaState::Submitted | IdeaState::Withdrawn => 2,
        IdeaState::InAssessment | IdeaState::NotQualified => 3,
        // A held idea is placed with the steps it is held between (assessment to testing).
        IdeaState::Qualified | IdeaState::InIncubation | IdeaState::Discontinued | IdeaState::OnHold => 4,
        IdeaState::InTesting | IdeaState::Completed => 5,
    }
}

/// The subjects offered: the one named in the query, else the person's own challenges and
/// ideas (and, for facilitators, the newest challenges).
async fn subjects(ctx: &Ctx, state: &AppState) -> Vec<Subject> {
    let Some(actor) = ctx.actor() else {
        return Vec::new();
    };
    let query = query_pairs(&ctx.here);
    let named = query.iter().find(|(k, _)| k == "subject").map(|(_, v)| v.clone());
    if let Some((kind, id)) = named.as_deref().and_then(parse_subject) {
        let found = match kind {
            SubjectType::Challenge => app::challenges::get(state, Some(actor), id)
                .await
                .ok()
                .map(|c| Subject {
                    value: format!("challenge:{id}"),
                    step: if c.feedback.is_some() { 1 } else { 2 },
                    title: c.title,
                }),
            SubjectType::Idea => app::ideas::get(state, actor, id).await.ok().map(|i| Subject {
                value: format!("idea:{id}"),
                step: idea_step(i.state.into()),
                title: i.title,
            }),
        };
        if let Some(subject) = found {
            return vec![subject];
        }
    }
    let mut offered = Vec::new();
    let owner = ChallengeQuery {
        owner_id: (!actor.is_facilitator()).then(|| actor.id.as_uuid()),
        ..ChallengeQuery::default()
    };
    if (actor.has(Role::NeedsOwner) || actor.is_facilitator())
        && let Ok(page) = app::challenges::list(state, Some(actor), owner, Some(50), None).await
    {
        offered.extend(page.items.into_iter().map(|c| Subject {
            value: format!("challenge:{}", c.id),
            step: 1,
            title: c.title,
        }));
    }
    let mine = IdeaQuery {
        mine: true,
        ..IdeaQuery::default()
    };
    if actor.has(Role::Innovator)
        && let Ok(page) = app::ideas::list(state, actor, mine, Some(50), None).await
    {
        offered.extend(page.items.into_iter().map(|i| Subject {
            value: format!("idea:{}", i.id),
            step: idea_step(i.state.into()),
            title: i.title,
        }));
    }
    offered
}

fn log_form(ctx: &Ctx, subjects: &[Subject], errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let chosen = ctx.field("subject").map(str::to_owned);
    let chosen_step = ctx
        .field("step")
        .and_then(|s| s.parse::<i64>().ok())
        .or_else(|| subjects.first().map(|s| s.step));
    let chosen_category = ctx.field("category");
    let category_error = errors.message_for("category");
    let subject_error = errors.message_for("subject_id");
    html! {
        @if subjects.is_empty() {
            p class="govuk-body" { (tr.t("obstacles-no-subject")) }
        } @else {
            form method="post" action="/obstacles" novalidate {
                (csrf_field(ctx))
                div class={ "govuk-form-group" @if subject_error.is_some() { " govuk-form-group--error" } } {
                    label class="govuk-label" for="f-subject_id" { (tr.t("field-subject")) }
                    @if let Some(message) = subject_error { p class="govuk-error-message" id="f-subject_id-error" { (message) } }
                    select class="govuk-select" id="f-subject_id" name="subject" {
                        @for subject in subjects {
                            option value=(subject.value) selected[chosen.as_deref() == Some(subject.value.as_str())] { (subject.title) }
                        }
                    }
                }
                div class={ "govuk-form-group" @if category_error.is_some() { " govuk-form-group--error" } } {
                    fieldset class="govuk-fieldset" aria-describedby=[category_error.map(|_| "f-category-error")] {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (tr.t("field-category")) }
                        @if let Some(message) = category_error { p class="govuk-error-message" id="f-category-error" { (message) } }
                        div class="govuk-radios govuk-radios--small" data-module="govuk-radios" id="f-category" {
                            @for category in OBSTACLE_CATEGORIES {
                                div class="govuk-radios__item" {
                                    input class="govuk-radios__input" id={ "f-category-" (category) } name="category" type="radio"
                                        value=(category) checked[chosen_category == Some(category)];
                                    label class="govuk-label govuk-radios__label" for={ "f-category-" (category) } { (label(tr, "obstacle-category", category)) }
                                }
                            }
                        }
                    }
                }
                div class="govuk-form-group" {
                    label class="govuk-label" for="f-step" { (tr.t("field-step")) }
                    select class="govuk-select" id="f-step" name="step" {
                        @for step in 1..=5i64 {
                            option value=(step) selected[chosen_step == Some(step)] { (step) ". " (label(tr, "step", &step.to_string())) }
                        }
                    }
                }
                (textarea("description", &tr.t("field-description"), &ctx.text("description"), Some(&tr.t("obstacle-description-hint")), errors))
                (button(&tr.t("button-log-obstacle")))
            }
        }
    }
}

async fn diary(ctx: &Ctx, state: &AppState) -> Markup {
    let tr = &ctx.tr;
    let Some(actor) = ctx.actor().filter(|a| a.is_facilitator()) else {
        return html! {};
    };
    let query = query_pairs(&ctx.here);
    let cursor = query.iter().find(|(k, _)| k == "cursor").map(|(_, v)| v.as_str());
    let (page, counts) = tokio::join!(
        app::obstacles::list(state, actor, ObstacleQuery::default(), Some(50), cursor),
        app::reports::obstacles(state, actor)
    );
    let Ok(page) = page else {
        return html! {};
    };
    html! {
        @if let Ok(counts) = counts {
            h2 class="govuk-heading-m" { (tr.t_with("obstacles-counts", &[("total", counts.total.into())])) }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" {
                    (count_table(&tr.t("field-category"), counts.by_category.iter().map(|(k, n)| (label(tr, "obstacle-category", k), *n))))
                }
                div class="govuk-grid-column-one-half" {
                    (count_table(&tr.t("field-step"), counts.by_step.iter().map(|(k, n)| (format!("{k}. {}", label(tr, "step", k)), *n))))
                }
            }
        }
        h2 class="govuk-heading-m" { (tr.t("obstacles-diary")) }
        p class="govuk-body" { a class="govuk-link" href="/obstacles/raised" { (tr.t("raised-link")) } }
        @if page.items.is_empty() { p class="govuk-body" { (tr.t("list-empty")) } } @else {
            (table_region(&tr.t("obstacles-diary"), html! {
                table class="govuk-table" {
                    thead class="govuk-table__head" {
                        tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { (tr.t("history-when")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-category")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-step")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-description")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-state")) }
                        }
                    }
                    tbody class="govuk-table__body" {
                        @for obstacle in &page.items {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (tr.datetime(obstacle.reported_at)) }
                                td class="govuk-table__cell" { (label(tr, "obstacle-category", &name_of(&obstacle.category))) }
                                td class="govuk-table__cell" { (label(tr, "step", &obstacle.step.to_string())) }
                                td class="govuk-table__cell" {
                                    (obstacle.description) " "
                                    a class="govuk-link" href={ "/" (if name_of(&obstacle.subject_type) == "idea" { "ideas" } else { "challenges" }) "/" (obstacle.subject_id) } {
                                        (tr.t("obstacle-subject-link"))
                                    }
                                }
                                td class="govuk-table__cell" {
                                    a class="govuk-link" href={ "/obstacles/" (obstacle.id) } {
                                        (label(tr, "obstacle-state", &name_of(&obstacle.state)))
                                    }
                                }
                            }
                        }
                    }
                }
            }))
            @if let Some(next) = &page.next_cursor {
                (next_page(tr, &format!("/obstacles?cursor={}", percent(next))))
            }
        }
    }
}

/// A two-column table of counts: what, and how many.
fn count_table(caption: &str, rows: impl Iterator<Item = (String, u64)>) -> Markup {
    html! {
        (table_region(caption, html! {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--s" { (caption) }
                tbody class="govuk-table__body" {
                    @for (what, n) in rows {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" { (what) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (n) }
                        }
                    }
                }
            }
        }))
    }
}

/// `GET /obstacles`: the form, and the diary for facilitators.
#[handler]
pub async fn diary_page(ctx: Ctx, state: Data<&AppState>) -> Response {
    if let Err(redirect) = signed_in(&ctx) {
        return redirect;
    }
    let logged = query_pairs(&ctx.here).iter().any(|(k, _)| k == "logged");
    let subjects = subjects(&ctx, &state).await;
    let errors = FormErrors::none();
    let body = html! {
        @if logged { (notice(&ctx.tr.t("obstacle-logged"))) }
        p class="govuk-body" { (ctx.tr.t("obstacles-intro")) }
        (log_form(&ctx, &subjects, &errors))
        (diary(&ctx, &state).await)
    };
    ok(page_with(&ctx, &ctx.tr.t("obstacles-title"), None, body))
}

/// `POST /obstacles`: logs one and returns to the diary.
#[handler]
pub async fn log(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let subject = ctx.field("subject").and_then(parse_subject);
    let category = ctx
        .field("category")
        .and_then(|name| CATEGORIES.iter().find(|(_, n)| *n == name).map(|(c, _)| *c));
    let result = match (subject, category) {
        (Some((subject_type, subject_id)), Some(category)) => {
            let input = NewObstacle {
                subject_type,
                subject_id,
                category,
                description: ctx.text("description"),
                step: ctx.field("step").and_then(|s| s.parse().ok()).unwrap_or(0),
            };
            app::obstacles::create(&state, actor, input).await.map(|_| ())
        }
        (None, _) => Err(crate::error::ApiError::invalid(
            "subject_id",
            FieldProblem::NoSuchRecord,
        )),
        (_, None) => Err(crate::error::ApiError::invalid("category", FieldProblem::NotChosen)),
    };
    match result {
        Ok(()) => redirect("/obstacles?logged=1"),
        Err(error) if error.is_not_found() || super::is_about_the_form(&error) => {
            // A subject that cannot be found is one the list never offered.
            let error = if error.is_not_found() {
                crate::error::ApiError::invalid("subject_id", FieldProblem::NoSuchRecord)
            } else {
                error
            };
            let (status, errors) = from_api_error(&ctx.tr, &error, "/obstacles");
            let subjects = subjects(&ctx, &state).await;
            let body = html! {
                p class="govuk-body" { (ctx.tr.t("obstacles-intro")) }
                (log_form(&ctx, &subjects, &errors))
            };
            respond(
                status,
                page_with(&ctx, &ctx.tr.t("obstacles-title"), Some(&errors), body),
            )
        }
        Err(error) => refused(&ctx, &error),
    }
}
