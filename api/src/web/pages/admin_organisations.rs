//! `/admin/organisations`: the facilitators' registry of the organisations that take part
//! (SPEC §12) — search, the list, a new one, and the edit of one (its kind, say, after the
//! migration registered it as `other`).

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::Actor;
use sluss_domain::organisation::OrganisationKind;
use uuid::Uuid;

use super::challenges::form_version;
use super::labels::label;
use super::{facilitator_only, form_refusal, redirect, refused};
use crate::app::organisations::{self as app, OrganisationInput, OrganisationPatch};
use crate::state::AppState;
use crate::views::organisations::{Organisation, OrganisationPage};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{
    Input, button, csrf_field, field_id, next_page, page_with, percent, registry_item, registry_list, respond,
    secondary_button,
};

const HERE: &str = "/admin/organisations";

/// The kind's stored name.
fn kind_name(organisation: &Organisation) -> &'static str {
    OrganisationKind::from(organisation.kind).as_str()
}

/// The select of kinds with `chosen` selected.
fn kind_select(ctx: &Ctx, chosen: Option<&str>, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let error = errors.message_for("kind");
    let id = field_id("kind");
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label govuk-label--s" for=(id) { (tr.t("field-kind")) }
            @if let Some(message) = error { p class="govuk-error-message" id={ (id) "-error" } { (message) } }
            select class="govuk-select" id=(id) name="kind" aria-describedby=[error.map(|_| format!("{id}-error"))] {
                option value="" { (tr.t("choose-one")) }
                @for kind in OrganisationKind::ALL {
                    option value=(kind.as_str()) selected[chosen == Some(kind.as_str())] { (label(tr, "organisation-kind", kind.as_str())) }
                }
            }
        }
    }
}

/// The fields of an organisation, filled with `values` (name, kind, number, website).
fn fields(ctx: &Ctx, values: [&str; 4], errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let [name, kind, org_number, website] = values;
    html! {
        (Input::text("name", tr.t("field-name"), name).autocomplete("organization").render(errors))
        (kind_select(ctx, Some(kind), errors))
        (Input::text("org_number", tr.t("field-org-number"), org_number).autocomplete("off").hint(tr.t("org-number-hint")).render(errors))
        (Input::text("website", tr.t("field-website"), website).kind("url").autocomplete("url").render(errors))
    }
}

fn registry(ctx: &Ctx, q: &str, page: &OrganisationPage, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let none = FormErrors::none();
    html! {
        form method="get" action=(HERE) class="govuk-!-margin-bottom-6" {
            (Input::text("q", tr.t("field-search"), q).kind("search").hint(tr.t("organisations-search-hint")).render(&none))
            (secondary_button(&tr.t("button-filter")))
        }
        @if page.items.is_empty() { p class="govuk-body" { (tr.t("organisations-none")) } } @else {
            (registry_list(&tr.t("organisations-caption"), html! {
                @for organisation in &page.items {
                    (registry_item(&organisation.name, Some(&format!("{HERE}/{}", organisation.id)), html! {}, &[
                        html! { (label(tr, "organisation-kind", kind_name(organisation))) },
                        html! { @if let Some(number) = &organisation.org_number { (number) } },
                        html! { @if let Some(website) = &organisation.website { (website) } },
                    ]))
                }
            }))
        }
        @if let Some(cursor) = &page.next_cursor {
            (next_page(tr, &format!("{HERE}?q={}&cursor={}", percent(q), percent(cursor))))
        }
        h2 class="govuk-heading-m" id="new" { (tr.t("new-organisation-title")) }
        form method="post" action=(HERE) novalidate {
            (csrf_field(ctx))
            (fields(ctx, [&ctx.text("name"), ctx.field("kind").unwrap_or_default(), &ctx.text("org_number"), &ctx.text("website")], errors))
            (button(&tr.t("button-save")))
        }
    }
}

async fn show(ctx: &Ctx, state: &AppState, status: StatusCode, errors: &FormErrors) -> Response {
    let q = ctx.query("q").unwrap_or_default();
    let cursor = ctx.query("cursor").filter(|c| !c.is_empty());
    match app::list(state, Some(50), cursor.as_deref(), Some(&q)).await {
        Ok(page) => respond(
            status,
            page_with(
                ctx,
                &ctx.tr.t("admin-organisations-title"),
                Some(errors),
                registry(ctx, q.trim(), &page, errors),
            ),
        ),
        Err(error) => refused(ctx, &error),
    }
}

fn optional(ctx: &Ctx, name: &str) -> Option<String> {
    ctx.field(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `GET /admin/organisations?q=&cursor=` (facilitators).
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    if let Err(response) = facilitator_only(&ctx) {
        return response;
    }
    show(&ctx, &state, StatusCode::OK, &FormErrors::none()).await
}

/// `POST /admin/organisations`: registers an organisation.
#[handler]
pub async fn create(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let input = OrganisationInput {
        name: ctx.text("name"),
        kind: ctx.text("kind"),
        org_number: optional(&ctx, "org_number"),
        website: optional(&ctx, "website"),
    };
    match app::create(&state, actor, input).await {
        Ok(_) => redirect(HERE),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => show(&ctx, &state, status, &errors).await,
            Err(page) => page,
        },
    }
}

fn edit_page(ctx: &Ctx, organisation: &Organisation, errors: &FormErrors, posted: bool) -> Markup {
    let tr = &ctx.tr;
    let value = |name: &str, stored: &str| if posted { ctx.text(name) } else { stored.to_owned() };
    let name = value("name", &organisation.name);
    let kind = if posted {
        ctx.field("kind").unwrap_or_default().to_owned()
    } else {
        kind_name(organisation).to_owned()
    };
    let org_number = value("org_number", organisation.org_number.as_deref().unwrap_or_default());
    let website = value("website", organisation.website.as_deref().unwrap_or_default());
    page_with(
        ctx,
        &organisation.name,
        Some(errors),
        html! {
            form method="post" action={ (HERE) "/" (organisation.id) } novalidate {
                (csrf_field(ctx))
                input type="hidden" name="expected_version" value=(organisation.version);
                (fields(ctx, [&name, &kind, &org_number, &website], errors))
                (button(&tr.t("button-save")))
            }
            p class="govuk-body" { a class="govuk-link" href=(HERE) { (tr.t("admin-organisations-title")) } }
        },
    )
}

/// `GET /admin/organisations/{id}`: the edit form (facilitators).
#[handler]
pub async fn edit(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    if let Err(response) = facilitator_only(&ctx) {
        return response;
    }
    match app::get(&state, id).await {
        Ok(organisation) => respond(
            StatusCode::OK,
            edit_page(&ctx, &organisation, &FormErrors::none(), false),
        ),
        Err(error) => refused(&ctx, &error),
    }
}

/// `POST /admin/organisations/{id}`: saves the edit.
#[handler]
pub async fn update(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor: &Actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let patch = OrganisationPatch {
        name: Some(ctx.text("name")),
        kind: Some(ctx.text("kind")),
        org_number: Some(optional(&ctx, "org_number")),
        website: Some(optional(&ctx, "website")),
    };
    let here = format!("{HERE}/{id}");
    let result = match form_version(&ctx) {
        Ok(expected) => app::update(&state, actor, id, patch, expected).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => redirect(HERE),
        Err(error) => match form_refusal(&ctx, &error, &here) {
            Ok((status, errors)) => match app::get(&state, id).await {
                Ok(organisation) => respond(status, edit_page(&ctx, &organisation, &errors, true)),
                Err(error) => refused(&ctx, &error),
            },
            Err(page) => page,
        },
    }
}
