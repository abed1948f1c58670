//! The assessment panel on an idea page (facilitators): who is assigned and in what
//! state, and "Assign" to add an assessor chosen by name. A refusal by the
//! conflict-of-interest rules is shown in words.

use std::collections::HashMap;

use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::Actor;
use uuid::Uuid;

use super::labels::{label, name_of};
use super::{redirect, signed_in};
use crate::app;
use crate::state::AppState;
use crate::views::assessment::Assignment;
use crate::views::users::{ApiRole, User};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{button, csrf_field, field_id, tag};

/// The panel of one idea, as a facilitator sees it.
#[derive(Debug, Default)]
pub struct Panel {
    assignments: Vec<Assignment>,
    users: HashMap<Uuid, User>,
}

/// The panel of `idea_id`, or `None` for anyone but a facilitator.
pub async fn load(state: &AppState, actor: &Actor, idea_id: Uuid) -> Option<Panel> {
    if !actor.is_facilitator() {
        return None;
    }
    let assignments = app::assessment::list_assignments(state, actor, Some(idea_id), Some(200), None)
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let assigned: Vec<Uuid> = assignments.iter().map(|a| a.assessor_id).collect();
    let users = app::users::panel_people(state, actor, &assigned)
        .await
        .map(|users| users.into_iter().map(|u| (u.id, u)).collect())
        .unwrap_or_default();
    Some(Panel { assignments, users })
}

/// The panel and the form to assign one more.
pub fn render(ctx: &Ctx, idea_id: Uuid, panel: &Panel, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let assigned: Vec<Uuid> = panel.assignments.iter().map(|a| a.assessor_id).collect();
    let mut candidates: Vec<&User> = panel
        .users
        .values()
        .filter(|u| u.active && u.roles.contains(&ApiRole::Assessor) && !assigned.contains(&u.id))
        .collect();
    candidates.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    let error = errors.message_for("assessor_id");
    let id = field_id("assessor_id");
    html! {
        h3 class="govuk-heading-s" { (tr.t("assign-title")) }
        @if panel.assignments.is_empty() { p class="govuk-body" { (tr.t("assign-none")) } } @else {
            ul class="govuk-list" {
                @for assignment in &panel.assignments {
                    li {
                        (panel.users.get(&assignment.assessor_id).map_or("–", |u| u.display_name.as_str()))
                        @if let Some(organisation) = panel.users.get(&assignment.assessor_id).and_then(|u| u.organisation.as_deref()) {
                            " (" (organisation) ")"
                        }
                        " " (tag(&label(tr, "assignment-state", &name_of(&assignment.state))))
                    }
                }
            }
        }
        p class="govuk-body" { a class="govuk-link" href={ "/ideas/" (idea_id) "/assessment" } { (tr.t("assessment-title")) } }
        @if !candidates.is_empty() {
            form method="post" action={ "/ideas/" (idea_id) "/assign" } novalidate {
                (csrf_field(ctx))
                div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                    label class="govuk-label" for=(id) { (tr.t("field-assessor")) }
                    @if let Some(message) = error { p class="govuk-error-message" id={ (id) "-error" } { (message) } }
                    select class="govuk-select" id=(id) name="assessor_id" aria-describedby=[error.map(|_| format!("{id}-error"))] {
                        @for user in &candidates {
                            option value=(user.id) selected[ctx.field("assessor_id") == Some(user.id.to_string().as_str())] {
                                (user.display_name)
                                @if let Some(organisation) = &user.organisation { " – " (organisation) }
                            }
                        }
                    }
                }
                (button(&tr.t("button-assign")))
            }
        }
    }
}

/// `POST /ideas/{id}/assign`: assigns the chosen assessor.
#[handler]
pub async fn assign(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let Some(assessor_id) = ctx.field("assessor_id").and_then(|v| v.parse::<Uuid>().ok()) else {
        let error = crate::error::ApiError::invalid("assessor_id", "no such user");
        return super::ideas::refused_form(&ctx, &state, actor, id, "assign", error).await;
    };
    match app::assessment::assign_assessor(&state, actor, id, assessor_id).await {
        Ok(_) => redirect(&format!("/ideas/{id}")),
        Err(error) => super::ideas::refused_form(&ctx, &state, actor, id, "assign", error).await,
    }
}
