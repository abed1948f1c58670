//! `/admin/support-organisations`: the facilitators' registry of the organisations that
//! support ideas in incubation (SPEC §5) — the list and the form for a new one.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Response, handler};
use sluss_domain::steps::check_support_organisation;
use sluss_domain::{Actor, FieldError, FieldProblem, Refusal};

use super::labels::{label, name_of};
use super::{facilitator_only, form_refusal, redirect, refused};
use crate::app;
use crate::app::steps::NewSupportOrganisation;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::steps::{SUPPORT_KINDS, SupportOrganisation, support_kind_of};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{Input, button, csrf_field, page_with, registry_item, registry_list, respond, textarea};

const HERE: &str = "/admin/support-organisations";

fn registry(ctx: &Ctx, organisations: &[SupportOrganisation], errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let kind = ctx.field("kind");
    let kind_error = errors.message_for("kind");
    html! {
        @if organisations.is_empty() { p class="govuk-body" { (tr.t("support-none")) } } @else {
            (registry_list(&tr.t("support-registered"), html! {
                @for organisation in organisations {
                    (registry_item(&organisation.name, None, html! {}, &[
                        html! { (label(tr, "support-kind", &name_of(&organisation.kind))) },
                        html! {
                            @if let Some(email) = &organisation.contact_email {
                                a class="govuk-link" href={ "mailto:" (email) } { (email) }
                            }
                        },
                        html! { (organisation.description) },
                    ]))
                }
            }))
        }
        h2 class="govuk-heading-m" id="new" { (tr.t("new-support-title")) }
        form method="post" action=(HERE) novalidate {
            (csrf_field(ctx))
            (Input::text("name", tr.t("field-name"), &ctx.text("name")).render(errors))
            div class={ "govuk-form-group" @if kind_error.is_some() { " govuk-form-group--error" } } {
                fieldset class="govuk-fieldset" aria-describedby=[kind_error.map(|_| "f-kind-error")] {
                    legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (tr.t("field-kind")) }
                    @if let Some(message) = kind_error {
                        p class="govuk-error-message" id="f-kind-error" {
                            span class="govuk-visually-hidden" { "! " }
                            (message)
                        }
                    }
                    div class="govuk-radios govuk-radios--small" data-module="govuk-radios" id="f-kind" {
                        @for (_, option) in SUPPORT_KINDS {
                            div class="govuk-radios__item" {
                                input class="govuk-radios__input" id={ "f-kind-" (option) } name="kind" type="radio" value=(option) checked[kind == Some(option)];
                                label class="govuk-label govuk-radios__label" for={ "f-kind-" (option) } { (label(tr, "support-kind", option)) }
                            }
                        }
                    }
                }
            }
            (textarea("description", &tr.t("field-description"), &ctx.text("description"), None, errors))
            (Input::text("contact_email", tr.t("field-contact-email"), &ctx.text("contact_email")).kind("email").autocomplete("off").hint(tr.t("contact-email-hint")).render(errors))
            (button(&tr.t("button-save")))
        }
    }
}

async fn show(ctx: &Ctx, state: &AppState, actor: &Actor, status: StatusCode, errors: &FormErrors) -> Response {
    match app::steps::list_support_organisations(state, actor, Some(200), None).await {
        Ok(page) => respond(
            status,
            page_with(
                ctx,
                &ctx.tr.t("admin-support-title"),
                Some(errors),
                registry(ctx, &page.items, errors),
            ),
        ),
        Err(error) => refused(ctx, &error),
    }
}

/// `GET /admin/support-organisations` (facilitators).
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    show(&ctx, &state, actor, StatusCode::OK, &FormErrors::none()).await
}

/// `POST /admin/support-organisations`: registers an organisation.
#[handler]
pub async fn create(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let kind = ctx.field("kind").and_then(support_kind_of);
    let contact_email = ctx
        .field("contact_email")
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let result = match kind {
        Some(kind) => {
            let input = NewSupportOrganisation {
                name: ctx.text("name"),
                kind,
                description: ctx.text("description"),
                contact_email,
            };
            app::steps::create_support_organisation(&state, actor, input).await
        }
        // Without a kind the other fields are still checked, so that one refusal names
        // every field to mend, in the order of the form.
        None => {
            let mut fields =
                match check_support_organisation(&ctx.text("name"), &ctx.text("description"), contact_email.as_deref())
                {
                    Err(Refusal::Invalid(fields)) => fields,
                    _ => Vec::new(),
                };
            let at = usize::from(fields.first().is_some_and(|f| f.field == "name"));
            fields.insert(at, FieldError::new("kind", FieldProblem::NotChosen));
            Err(ApiError::from(Refusal::Invalid(fields)))
        }
    };
    match result {
        Ok(_) => redirect(HERE),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => show(&ctx, &state, actor, status, &errors).await,
            Err(page) => page,
        },
    }
}
