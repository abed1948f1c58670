//! `/admin/rubrics`: the facilitators' registry of scoring rubrics (SPEC §4) — a compact
//! list of every rubric with its criteria by name, the default one marked and those in use
//! shown as what they are (their content can no longer change), and the form for a new
//! one; `/admin/rubrics/{id}`: one rubric's criteria, and "Change" while no idea uses it.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::{Actor, ConflictReason};
use uuid::Uuid;

use super::admin_rubric_form::{read_form, rubric_form, values_of};
use super::challenges::form_version;
use super::{facilitator_only, form_refusal, redirect, refused};
use crate::app;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::assessment::ApiRubric;
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::i18n::Tr;
use crate::web::layout::{page_with, registry_item, registry_list, respond, tag};

const HERE: &str = "/admin/rubrics";

/// The rubric's tags: the default one, and one in use.
fn rubric_tags(tr: &Tr, rubric: &ApiRubric, in_use: bool) -> Markup {
    html! {
        @if rubric.is_default { (tag(&tr.t("rubric-default"))) " " }
        @if in_use { strong class="govuk-tag govuk-tag--grey" { (tr.t("rubric-in-use")) } }
    }
}

/// The rubric's entry in the registry's list: its name, tags, how many scorecards a
/// decision needs and its criteria by name.
fn rubric_item(tr: &Tr, rubric: &ApiRubric, in_use: bool) -> Markup {
    let criteria: Vec<&str> = rubric.criteria.iter().map(|c| c.name.as_str()).collect();
    registry_item(
        &rubric.name,
        Some(&format!("{HERE}/{}", rubric.id)),
        rubric_tags(tr, rubric, in_use),
        &[
            html! { (tr.t_with("rubric-min-scorecards-n", &[("n", rubric.min_scorecards.into())])) },
            html! { (tr.t_with("rubric-criteria-named", &[("names", criteria.join(", ").into())])) },
        ],
    )
}

/// `/admin/rubrics/{id}`: the rubric with each criterion, and "Change" while no idea uses it.
fn rubric_page(tr: &Tr, rubric: &ApiRubric, in_use: bool) -> Markup {
    html! {
        p class="govuk-body" { (rubric_tags(tr, rubric, in_use)) }
        p class="govuk-body" { (tr.t_with("rubric-min-scorecards-n", &[("n", rubric.min_scorecards.into())])) }
        @if !in_use {
            p class="govuk-body" {
                a class="govuk-link" href={ (HERE) "/" (rubric.id) "/edit" } {
                    (tr.t("change-rubric")) span class="govuk-visually-hidden" { ": " (rubric.name) }
                }
            }
        }
        h2 class="govuk-heading-m" { (tr.t_with("rubric-criteria-of", &[("name", rubric.name.clone().into())])) }
        @for criterion in &rubric.criteria {
            h3 class="govuk-heading-s govuk-!-margin-bottom-2" { (criterion.name) }
            @if !criterion.description.is_empty() { p class="govuk-body" { (criterion.description) } }
            dl class="govuk-summary-list govuk-!-margin-bottom-6" {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-weight")) }
                    dd class="govuk-summary-list__value" { (criterion.weight) }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("criterion-scale-title")) }
                    dd class="govuk-summary-list__value" {
                        (tr.t_with("criterion-scale", &[("min", criterion.scale_min.into()), ("max", criterion.scale_max.into())]))
                        @if !criterion.scale_labels.is_empty() {
                            ul class="govuk-list govuk-!-margin-top-2 govuk-!-margin-bottom-0" {
                                @for (score, meaning) in &criterion.scale_labels { li { (score) ": " (meaning) } }
                            }
                        }
                    }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-key")) }
                    dd class="govuk-summary-list__value" { code { (criterion.key) } }
                }
            }
        }
        p class="govuk-body" { a class="govuk-link" href=(HERE) { (tr.t("admin-rubrics-title")) } }
    }
}

/// `GET /admin/rubrics/{id}` (facilitators).
#[handler]
pub async fn show_one(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let rubric = match app::assessment::get_rubric(&state, actor, id).await {
        Ok(rubric) => rubric,
        Err(error) => return refused(&ctx, &error),
    };
    let in_use = match app::assessment::rubrics_in_use(&state, &[id]).await {
        Ok(in_use) => !in_use.is_empty(),
        Err(error) => return refused(&ctx, &error),
    };
    respond(
        StatusCode::OK,
        page_with(&ctx, &rubric.name, None, rubric_page(&ctx.tr, &rubric, in_use)),
    )
}

async fn show(ctx: &Ctx, state: &AppState, actor: &Actor, status: StatusCode, errors: &FormErrors) -> Response {
    let rubrics = match app::assessment::list_rubrics(state, actor, Some(200), None).await {
        Ok(page) => page.items,
        Err(error) => return refused(ctx, &error),
    };
    let ids: Vec<Uuid> = rubrics.iter().map(|r| r.id).collect();
    let in_use = match app::assessment::rubrics_in_use(state, &ids).await {
        Ok(in_use) => in_use,
        Err(error) => return refused(ctx, &error),
    };
    let tr = &ctx.tr;
    let body = html! {
        @if rubrics.is_empty() { p class="govuk-body" { (tr.t("rubrics-none")) } } @else {
            (registry_list(&tr.t("rubrics-caption"), html! {
                @for rubric in &rubrics { (rubric_item(tr, rubric, in_use.contains(&rubric.id))) }
            }))
        }
        h2 class="govuk-heading-m" id="new" { (tr.t("new-rubric-title")) }
        (rubric_form(ctx, HERE, &ctx.form, None, errors))
    };
    respond(status, page_with(ctx, &tr.t("admin-rubrics-title"), Some(errors), body))
}

/// `GET /admin/rubrics` (facilitators).
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    show(&ctx, &state, actor, StatusCode::OK, &FormErrors::none()).await
}

/// `POST /admin/rubrics`: a new rubric from the filled-in rows.
#[handler]
pub async fn create(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let input = match read_form(&ctx) {
        Ok(input) => input,
        Err(errors) => return show(&ctx, &state, actor, StatusCode::UNPROCESSABLE_ENTITY, &errors).await,
    };
    match app::assessment::create_rubric(&state, actor, input).await {
        Ok(_) => redirect(HERE),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => show(&ctx, &state, actor, status, &errors).await,
            Err(page) => page,
        },
    }
}

/// The change form of `rubric` with `values`, answered with `status`.
fn edit_form(
    ctx: &Ctx,
    rubric: &ApiRubric,
    values: &[(String, String)],
    status: StatusCode,
    errors: &FormErrors,
) -> Response {
    let tr = &ctx.tr;
    let action = format!("{HERE}/{}/edit", rubric.id);
    let version = ctx
        .field("expected_version")
        .map_or_else(|| rubric.version.to_string(), str::to_owned);
    let title = tr.t_with("edit-rubric-title", &[("name", rubric.name.clone().into())]);
    let body = html! {
        p class="govuk-body" { (tr.t("new-rubric-intro")) }
        (rubric_form(ctx, &action, values, Some(&version), errors))
        p class="govuk-body" { a class="govuk-link" href=(HERE) { (tr.t("admin-rubrics-title")) } }
    };
    respond(status, page_with(ctx, &title, Some(errors), body))
}

/// The rubric to change, refused while an idea is assessed with it.
async fn changeable(state: &AppState, actor: &Actor, id: Uuid) -> Result<ApiRubric, ApiError> {
    let rubric = app::assessment::get_rubric(state, actor, id).await?;
    if !app::assessment::rubrics_in_use(state, &[id]).await?.is_empty() {
        return Err(ApiError::conflict(ConflictReason::RubricInUse));
    }
    Ok(rubric)
}

/// `GET /admin/rubrics/{id}/edit`: the form of a rubric no idea uses yet (facilitators).
#[handler]
pub async fn edit_page(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    match changeable(&state, actor, id).await {
        Ok(rubric) => edit_form(&ctx, &rubric, &values_of(&rubric), StatusCode::OK, &FormErrors::none()),
        Err(error) => refused(&ctx, &error),
    }
}

/// `POST /admin/rubrics/{id}/edit`: the rubric's new content, while no idea uses it.
#[handler]
pub async fn update(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let rubric = match app::assessment::get_rubric(&state, actor, id).await {
        Ok(rubric) => rubric,
        Err(error) => return refused(&ctx, &error),
    };
    let result = match (read_form(&ctx), form_version(&ctx)) {
        (Err(errors), _) => return edit_form(&ctx, &rubric, &ctx.form, StatusCode::UNPROCESSABLE_ENTITY, &errors),
        (_, Err(error)) => Err(error),
        (Ok(input), Ok(expected)) => app::assessment::update_rubric(&state, actor, id, input, expected).await,
    };
    match result {
        Ok(_) => redirect(HERE),
        Err(error) => match form_refusal(&ctx, &error, &format!("{HERE}/{id}/edit")) {
            Ok((status, errors)) => edit_form(&ctx, &rubric, &ctx.form, status, &errors),
            Err(page) => page,
        },
    }
}
