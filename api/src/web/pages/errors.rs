//! The pages of refusals: not found, forbidden, a conflict, an internal error.

use maud::html;
use poem::Response;
use poem::http::StatusCode;
use sluss_domain::ForbiddenReason;

use crate::error::ApiError;
use crate::web::context::Ctx;
use crate::web::forms::from_api_error;
use crate::web::layout::{page, respond};
use crate::web::refusals::forbidden_message;

/// 404 in the person's language.
pub fn not_found(ctx: &Ctx) -> Response {
    let tr = &ctx.tr;
    respond(
        StatusCode::NOT_FOUND,
        page(
            ctx,
            &tr.t("not-found-title"),
            html! {
                p class="govuk-body" { (tr.t("not-found-body")) }
                p class="govuk-body" { a class="govuk-link" href="/" { (tr.t("back-home")) } }
            },
        ),
    )
}

/// 403: the person may see this but not do it (or the form's CSRF token was wrong).
pub fn forbidden(ctx: &Ctx) -> Response {
    forbidden_page(ctx, None)
}

/// 403 for a reason the rules give, said first.
pub fn forbidden_because(ctx: &Ctx, reason: ForbiddenReason) -> Response {
    forbidden_page(ctx, Some(forbidden_message(&ctx.tr, reason)))
}

fn forbidden_page(ctx: &Ctx, reason: Option<String>) -> Response {
    let tr = &ctx.tr;
    respond(
        StatusCode::FORBIDDEN,
        page(
            ctx,
            &tr.t("forbidden-title"),
            html! {
                @if let Some(reason) = reason { p class="govuk-body" { (reason) } }
                p class="govuk-body" { (tr.t("forbidden-body")) }
                p class="govuk-body" { a class="govuk-link" href="/" { (tr.t("back-home")) } }
            },
        ),
    )
}

/// 409 (or 429) outside a form: what stood in the way.
pub fn conflict(ctx: &Ctx, error: &ApiError) -> Response {
    let tr = &ctx.tr;
    let (status, errors) = from_api_error(tr, error, &ctx.here);
    respond(
        status,
        page(
            ctx,
            &tr.t("conflict-title"),
            html! {
                @if let Some(general) = &errors.general { p class="govuk-body" { (general) } }
                p class="govuk-body" { a class="govuk-link" href=(ctx.here) { (tr.t("error-stale-reload")) } }
            },
        ),
    )
}

/// 500: something broke on our side (the cause is in the log).
pub fn internal(ctx: &Ctx) -> Response {
    let tr = &ctx.tr;
    respond(
        StatusCode::INTERNAL_SERVER_ERROR,
        page(
            ctx,
            &tr.t("internal-title"),
            html! { p class="govuk-body" { (tr.t("error-internal")) } },
        ),
    )
}

/// Any path that is no page: the 404 page.
#[poem::handler]
pub fn unknown(ctx: Ctx) -> Response {
    not_found(&ctx)
}
