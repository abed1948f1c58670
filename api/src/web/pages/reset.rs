//! `/forgot-password` and `/reset-password`: a person who forgot their password asks for a
//! link by e-mail and chooses a new password through it (SPEC §11.4). Both call the same
//! use cases as the API, so the answer never tells whether an account has the address.

use maud::{Markup, html};
use poem::web::Data;
use poem::{Response, handler};

use super::redirect;
use crate::app::resets;
use crate::state::AppState;
use crate::web::context::Ctx;
use crate::web::forms::{FormErrors, from_api_error};
use crate::web::layout::{Input, button, csrf_field, notice, ok, page, page_with, respond};

fn request_form(ctx: &Ctx, email: &str, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    page_with(
        ctx,
        &tr.t("forgot-title"),
        Some(errors),
        html! {
            p class="govuk-body" { (tr.t("forgot-intro")) }
            form method="post" action="/forgot-password" novalidate {
                (csrf_field(ctx))
                (Input::text("email", tr.t("field-email"), email).kind("email").autocomplete("email").render(errors))
                (button(&tr.t("button-send-link")))
            }
        },
    )
}

/// Without a mail server no link can be sent: the page says so, and whom to ask (SPEC §16).
fn no_mail(ctx: &Ctx) -> Markup {
    let tr = &ctx.tr;
    page(
        ctx,
        &tr.t("forgot-no-mail-title"),
        html! {
            p class="govuk-body" { (tr.t("forgot-no-mail")) }
            @if ctx.site.contact_email.is_some() {
                p class="govuk-body" { (tr.t("forgot-no-mail-contact")) }
                (super::site::contact_line(ctx))
            } @else {
                p class="govuk-body" { (tr.t("forgot-no-mail-no-contact")) }
            }
        },
    )
}

/// `GET /forgot-password`, and `?sent=1` after the request; without a mail server, the
/// page that says e-mail is not set up.
#[handler]
pub fn forgot_page(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    if !state.http.mail_enabled {
        return ok(no_mail(&ctx));
    }
    if ctx.query("sent").is_none() {
        return ok(request_form(&ctx, "", &FormErrors::none()));
    }
    ok(page(
        &ctx,
        &tr.t("forgot-sent-title"),
        html! {
            (notice(&tr.t("forgot-sent")))
            p class="govuk-body" { (tr.t("forgot-sent-hint")) }
            p class="govuk-body" { a class="govuk-link" href="/login" { (tr.t("button-log-in")) } }
        },
    ))
}

/// `POST /forgot-password`: the same answer whether or not an account has the address.
#[handler]
pub async fn forgot(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    if !state.http.mail_enabled {
        return ok(no_mail(&ctx));
    }
    let email = ctx.text("email");
    match resets::request(&state, &ctx.client, &email).await {
        Ok(()) => redirect("/forgot-password?sent=1"),
        Err(error) => {
            let (status, errors) = from_api_error(tr, &error, "/forgot-password");
            respond(status, request_form(&ctx, &email, &errors))
        }
    }
}

/// The token of an e-mailed link: from the form, else from the query.
pub(super) fn token_of(ctx: &Ctx) -> String {
    ctx.field("token")
        .map(str::to_owned)
        .or_else(|| ctx.query("token"))
        .unwrap_or_default()
}

fn choose_form(ctx: &Ctx, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    page_with(
        ctx,
        &tr.t("reset-title"),
        Some(errors),
        html! {
            form method="post" action="/reset-password" novalidate {
                (csrf_field(ctx))
                input type="hidden" name="token" value=(token_of(ctx));
                (Input::text("password", tr.t("field-new-password"), "").kind("password").autocomplete("new-password")
                    .hint(tr.t("password-hint")).render(errors))
                (button(&tr.t("button-set-password")))
            }
        },
    )
}

fn link_not_valid(ctx: &Ctx) -> Markup {
    let tr = &ctx.tr;
    page(
        ctx,
        &tr.t("reset-link-invalid-title"),
        html! {
            p class="govuk-body" { (tr.t("reset-link-invalid")) }
            p class="govuk-body" { a class="govuk-link" href="/forgot-password" { (tr.t("forgot-title")) } }
        },
    )
}

/// `GET /reset-password?token=`.
#[handler]
pub fn reset_page(ctx: Ctx) -> Response {
    if token_of(&ctx).is_empty() {
        return respond(poem::http::StatusCode::NOT_FOUND, link_not_valid(&ctx));
    }
    ok(choose_form(&ctx, &FormErrors::none()))
}

/// `POST /reset-password`: sets the password; every session of the account ends. On to
/// the login page, which says so.
#[handler]
pub async fn reset(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    match resets::confirm(&state, &ctx.client, &token_of(&ctx), ctx.text("password")).await {
        Ok(()) => redirect("/login?reset=done"),
        Err(error) => {
            let (status, errors) = from_api_error(tr, &error, "/reset-password");
            if errors.fields.iter().any(|(field, _)| field == "token") {
                return respond(status, link_not_valid(&ctx));
            }
            respond(status, choose_form(&ctx, &errors))
        }
    }
}
