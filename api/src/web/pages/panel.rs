//! The assessment panel on an idea page (facilitators): who is assigned and in what
//! state, a search for an assessor by name, e-mail or organisation, and "Assign" to add
//! one chosen by name. A refusal by the conflict-of-interest rules is shown in words.

use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::{Actor, FieldProblem};
use uuid::Uuid;

use super::labels::{label, name_of};
use super::{redirect, signed_in};
use crate::app;
use crate::app::users::PanelPeople;
use crate::state::AppState;
use crate::views::assessment::Assignment;
use crate::views::users::{ApiRole, User};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{Input, button, csrf_field, field_id, secondary_button, tag};
use crate::web::time::parse_date;

/// The panel of one idea, as a facilitator sees it.
#[derive(Debug, Default)]
pub struct Panel {
    assignments: Vec<Assignment>,
    people: PanelPeople,
    /// The search that narrowed the assessors offered, if any.
    find: String,
}

impl Panel {
    fn person(&self, id: Uuid) -> Option<&User> {
        self.people.assigned.iter().find(|user| user.id == id)
    }
}

/// The search for an assessor by name: the `find` of the page's address, or of the form
/// that was refused.
pub fn find_term(ctx: &Ctx) -> String {
    let asked = ctx.query("find");
    asked
        .as_deref()
        .or_else(|| ctx.field("find"))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The panel of `idea_id`, the assessors offered narrowed by `find` when it is not empty.
pub async fn load(state: &AppState, actor: &Actor, idea_id: Uuid, find: String) -> Option<Panel> {
    let assignments = app::assessment::list_assignments(state, actor, Some(idea_id), Some(200), None)
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let assigned: Vec<Uuid> = assignments.iter().map(|a| a.assessor_id).collect();
    let matching = Some(find.as_str()).filter(|text| !text.is_empty());
    let people = app::users::panel_people(state, actor, &assigned, matching).await.ok()?;
    Some(Panel {
        assignments,
        people,
        find,
    })
}

/// The panel, the search for an assessor, and the form to assign one more.
pub fn render(ctx: &Ctx, idea_id: Uuid, panel: &Panel, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let assigned: Vec<Uuid> = panel.assignments.iter().map(|a| a.assessor_id).collect();
    let candidates: Vec<&User> = panel
        .people
        .choices
        .iter()
        .filter(|u| u.active && u.roles.contains(&ApiRole::Assessor) && !assigned.contains(&u.id))
        .collect();
    let error = errors.message_for("assessor_id");
    let id = field_id("assessor_id");
    let here = format!("/ideas/{idea_id}");
    html! {
        h3 class="govuk-heading-s" id="panel" { (tr.t("assign-title")) }
        @if panel.assignments.is_empty() { p class="govuk-body" { (tr.t("assign-none")) } } @else {
            ul class="govuk-list" {
                @for assignment in &panel.assignments {
                    @let person = panel.person(assignment.assessor_id);
                    li {
                        (person.map_or("–", |u| u.display_name.as_str()))
                        @if let Some(organisation) = person.and_then(|u| u.organisation.as_deref()) {
                            " (" (organisation) ")"
                        }
                        " " (tag(&label(tr, "assignment-state", &name_of(&assignment.state))))
                        @if let Some(day) = assignment.due_on {
                            " " (tr.t_with("assignment-due-on", &[("date", tr.date(day).into())]))
                        }
                    }
                }
            }
        }
        p class="govuk-body" { a class="govuk-link" href={ (here) "/assessment" } { (tr.t("assessment-title")) } }
        form method="get" action={ (here) "#panel" } role="search" class="govuk-!-margin-bottom-4" {
            (Input::text("find", tr.t("field-find-assessor"), &panel.find).kind("search").autocomplete("off").hint(tr.t("find-assessor-hint")).render(&FormErrors::none()))
            (secondary_button(&tr.t("field-search")))
        }
        @if !panel.find.is_empty() {
            p class="govuk-body" role="status" {
                @if candidates.is_empty() {
                    (tr.t_with("find-assessor-none", &[("find", panel.find.clone().into())]))
                } @else {
                    (tr.t_with("find-assessor-found", &[("count", candidates.len().into()), ("find", panel.find.clone().into())]))
                }
                " "
                a class="govuk-link" href={ (here) "#panel" } { (tr.t("find-assessor-all")) }
            }
        }
        @if !candidates.is_empty() {
            form method="post" action={ (here) "/assign" } novalidate {
                (csrf_field(ctx))
                @if !panel.find.is_empty() { input type="hidden" name="find" value=(panel.find); }
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
                (Input::text("due_on", tr.t("field-due-on"), &ctx.text("due_on")).kind("date").hint(tr.t("field-due-on-hint")).render(errors))
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
        let error = crate::error::ApiError::invalid("assessor_id", FieldProblem::NoSuchUser);
        return super::ideas::refused_form(&ctx, &state, actor, id, "assign", error).await;
    };
    let due_on = match ctx.text("due_on").trim() {
        "" => None,
        text => match parse_date(text) {
            Some(day) => Some(day),
            None => {
                let error = crate::error::ApiError::invalid("due_on", FieldProblem::NotADate);
                return super::ideas::refused_form(&ctx, &state, actor, id, "assign", error).await;
            }
        },
    };
    match app::assessment::assign_assessor(&state, actor, id, assessor_id, due_on).await {
        Ok(_) => redirect(&format!("/ideas/{id}")),
        Err(error) => super::ideas::refused_form(&ctx, &state, actor, id, "assign", error).await,
    }
}
