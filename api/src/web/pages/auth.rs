//! `/login`, `/register` and `POST /logout`: the session cookie (SPEC §10.5). Login and
//! registration are throttled exactly as the API's, since both call the same use cases.

use maud::{Markup, html};
use poem::web::Data;
use poem::{IntoResponse, Response, handler};
use sluss_domain::{Role, Roles};

use super::{redirect, safe_next};
use crate::app::accounts::{self, Registered, Registration};
use crate::state::{AppState, IdentitySettings};
use crate::web::context::Ctx;
use crate::web::forms::{FormErrors, from_api_error};
use crate::web::layout::{Input, button, csrf_field, notice, ok, page, page_with, percent, respond};

fn next_of(ctx: &Ctx) -> Option<String> {
    let query = ctx.here.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let from_query: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    ctx.field("next")
        .map(str::to_owned)
        .or_else(|| from_query.into_iter().find(|(k, _)| k == "next").map(|(_, v)| v))
}

/// The way to registration from the login page, going on to the same page afterwards.
fn register_link(next: Option<&str>) -> String {
    match next {
        Some(next) => format!("/register?next={}", percent(&safe_next(Some(next)))),
        None => "/register".to_owned(),
    }
}

fn login_form(ctx: &Ctx, identity: &IdentitySettings, email: &str, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let next = next_of(ctx);
    page_with(
        ctx,
        &tr.t("login-title"),
        Some(errors),
        html! {
            @if ctx.query("reset").as_deref() == Some("done") { (notice(&tr.t("reset-done"))) }
            @if ctx.query("confirmed").as_deref() == Some("1") { (notice(&tr.t("confirm-done"))) }
            // The city's identity provider first: with it, most people need no password here.
            @if let Some(provider) = &identity.oidc {
                (super::oidc::sign_in_button(ctx, &provider.settings.name, next.as_deref()))
            }
            @if identity.password_login {
                @if identity.oidc.is_some() {
                    h2 class="govuk-heading-m" { (tr.t("oidc-or-password")) }
                }
                form method="post" action="/login" novalidate {
                    (csrf_field(ctx))
                    @if let Some(next) = &next { input type="hidden" name="next" value=(next); }
                    (Input::text("email", tr.t("field-email"), email).kind("email").autocomplete("email").render(errors))
                    (Input::text("password", tr.t("field-password"), "").kind("password").autocomplete("current-password").render(errors))
                    (button(&tr.t("button-log-in")))
                }
                p class="govuk-body" {
                    a class="govuk-link" href="/forgot-password" { (tr.t("login-forgot")) }
                }
                p class="govuk-body" {
                    (tr.t("login-no-account")) " "
                    a class="govuk-link" href=(register_link(next.as_deref())) { (tr.t("button-register")) }
                }
            }
        },
    )
}

/// `GET /login`.
#[handler]
pub fn login_page(ctx: Ctx, state: Data<&AppState>) -> Response {
    ok(login_form(&ctx, &state.http.identity, "", &FormErrors::none()))
}

/// `POST /login`: on success the session cookie and a redirect to `next`. Refused (403)
/// with `--password-login off`.
#[handler]
pub async fn login(ctx: Ctx, state: Data<&AppState>) -> Response {
    if let Err(error) = accounts::refuse_if_password_login_off(&state) {
        return super::refused(&ctx, &error);
    }
    let email = ctx.text("email");
    let signed_in = accounts::login_with(
        &state,
        &ctx.client,
        &email,
        &ctx.text("password"),
        accounts::SecondFactor::Later,
    )
    .await;
    match signed_in {
        // Two-factor (SPEC §16): held, not signed in, until the code step.
        Ok(accounts::SignIn::Held { token, set_up }) => {
            let next = safe_next(next_of(&ctx).as_deref());
            let step = if set_up {
                "/login/two-factor/set-up"
            } else {
                "/login/two-factor"
            };
            let mut response = redirect(&format!("{step}?next={}", percent(&next)));
            response.headers_mut().append(
                poem::http::header::SET_COOKIE,
                super::two_factor::pending_cookie(&ctx, &token),
            );
            response
        }
        Ok(accounts::SignIn::Session(session)) => {
            let lifetime = (session.expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
            // A privacy notice published since they last accepted one is asked first.
            let next = safe_next(next_of(&ctx).as_deref());
            let mut response = redirect(&super::site::after_sign_in(&state, session.user.id, &next).await);
            response.headers_mut().append(
                poem::http::header::SET_COOKIE,
                cookie_header(&ctx, &session.token, lifetime),
            );
            response
        }
        Err(error) => {
            let (status, errors) = from_api_error(&ctx.tr, &error, "/login");
            respond(status, login_form(&ctx, &state.http.identity, &email, &errors))
        }
    }
}

fn cookie_header(ctx: &Ctx, token: &str, lifetime: std::time::Duration) -> poem::http::HeaderValue {
    let cookie = ctx.session_cookie(token, lifetime);
    poem::http::HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| poem::http::HeaderValue::from_static(""))
}

/// `POST /logout`: ends the session and removes the cookie.
#[handler]
pub async fn logout(ctx: Ctx, state: Data<&AppState>) -> Response {
    if let Some(auth) = &ctx.auth
        && let Err(error) = accounts::logout(&state, &auth.token_hash).await
    {
        return super::refused(&ctx, &error);
    }
    let mut response = redirect("/");
    if let Ok(value) = poem::http::HeaderValue::from_str(&ctx.expired_session_cookie().to_string()) {
        response.headers_mut().append(poem::http::header::SET_COOKIE, value);
    }
    response
}

/// The box a registration ticks once a privacy notice is published (SPEC §16).
fn accept_privacy_box(ctx: &Ctx, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let error = errors.message_for("accept_privacy_notice");
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            @if let Some(message) = error {
                p class="govuk-error-message" id="f-accept_privacy_notice-error" { (message) }
            }
            div class="govuk-checkboxes" data-module="govuk-checkboxes" {
                div class="govuk-checkboxes__item" {
                    input class="govuk-checkboxes__input" id="f-accept_privacy_notice" name="accept_privacy_notice"
                        type="checkbox" value="true" checked[ctx.field("accept_privacy_notice").is_some()]
                        aria-describedby={ "f-accept_privacy_notice-hint" @if error.is_some() { " f-accept_privacy_notice-error" } };
                    label class="govuk-label govuk-checkboxes__label" for="f-accept_privacy_notice" { (tr.t("field-accept-privacy-notice")) }
                    div class="govuk-hint govuk-checkboxes__hint" id="f-accept_privacy_notice-hint" {
                        a class="govuk-link" href="/privacy" { (tr.t("accept-privacy-hint")) }
                    }
                }
            }
        }
    }
}

fn register_form(ctx: &Ctx, errors: &FormErrors, notice_published: bool) -> Markup {
    let tr = &ctx.tr;
    let roles = ctx.all("roles");
    let role_error = errors.message_for("roles");
    html! {
        form method="post" action="/register" novalidate {
            (csrf_field(ctx))
            @if let Some(next) = next_of(ctx) { input type="hidden" name="next" value=(next); }
            (Input::text("email", tr.t("field-email"), &ctx.text("email")).kind("email").autocomplete("email").render(errors))
            // A refused form never sends the password back: the hint says to type it again.
            (Input::text("password", tr.t("field-password"), "").kind("password").autocomplete("new-password")
                .hint(if ctx.field("password").is_some_and(|p| !p.is_empty()) && errors.message_for("password").is_none() {
                    format!("{} {}", tr.t("password-hint"), tr.t("password-again"))
                } else {
                    tr.t("password-hint")
                }).render(errors))
            (Input::text("display_name", tr.t("field-display-name"), &ctx.text("display_name")).autocomplete("name").render(errors))
            (Input::text("organisation", tr.t("field-organisation"), &ctx.text("organisation")).autocomplete("organization")
                .hint(tr.t("organisation-hint")).render(errors))
            div class={ "govuk-form-group" @if role_error.is_some() { " govuk-form-group--error" } } {
                fieldset class="govuk-fieldset" aria-describedby={ "f-roles-hint" @if role_error.is_some() { " f-roles-error" } } {
                    legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (tr.t("register-roles")) }
                    div class="govuk-hint" id="f-roles-hint" { (tr.t("register-roles-hint")) }
                    @if let Some(message) = role_error {
                        p class="govuk-error-message" id="f-roles-error" { (message) }
                    }
                    div class="govuk-checkboxes" data-module="govuk-checkboxes" id="f-roles" {
                        @for (value, key) in [("needs_owner", "role-needs_owner"), ("innovator", "role-innovator")] {
                            div class="govuk-checkboxes__item" {
                                input class="govuk-checkboxes__input" id={ "f-roles-" (value) } name="roles" type="checkbox"
                                    value=(value) checked[roles.contains(&value)];
                                label class="govuk-label govuk-checkboxes__label" for={ "f-roles-" (value) } { (tr.t(key)) }
                            }
                        }
                    }
                }
            }
            @if notice_published { (accept_privacy_box(ctx, errors)) }
            (button(&tr.t("button-register")))
        }
    }
}

/// Whether a privacy notice is published (registration then asks for it).
async fn notice_published(state: &AppState) -> bool {
    crate::app::site::notice_to_accept(state).await.ok().flatten().is_some()
}

/// `GET /register`, and `?sent=1` once a confirmation link is on its way.
#[handler]
pub async fn register_page(ctx: Ctx, state: Data<&AppState>) -> Response {
    if let Err(error) = accounts::refuse_if_password_login_off(&state) {
        return super::refused(&ctx, &error);
    }
    let tr = &ctx.tr;
    if ctx.query("sent").is_some() {
        return ok(page(
            &ctx,
            &tr.t("register-sent-title"),
            html! {
                (notice(&tr.t("register-sent")))
                p class="govuk-body" { (tr.t("register-sent-hint")) }
            },
        ));
    }
    let errors = FormErrors::none();
    ok(page_with(
        &ctx,
        &ctx.tr.t("register-title"),
        Some(&errors),
        register_form(&ctx, &errors, notice_published(&state).await),
    ))
}

/// `POST /register`: creates the account, signs the person in, and goes on to `next`.
/// With a mail server the address is confirmed first: on to `?sent=1`, and `next` is kept
/// with the registration, followed once the link is.
#[handler]
pub async fn register(ctx: Ctx, state: Data<&AppState>) -> Response {
    if let Err(error) = accounts::refuse_if_password_login_off(&state) {
        return super::refused(&ctx, &error);
    }
    let roles: Roles = ctx.all("roles").into_iter().filter_map(Role::parse).collect();
    let registration = Registration {
        email: ctx.text("email"),
        password: ctx.text("password"),
        display_name: ctx.text("display_name"),
        organisation: ctx.field("organisation").map(str::to_owned),
        roles,
        locale: ctx.lang().code(),
    };
    let next = Some(safe_next(next_of(&ctx).as_deref()));
    let result = async {
        match accounts::register(
            &state,
            &ctx.client,
            registration,
            next,
            ctx.field("accept_privacy_notice").is_some(),
        )
        .await?
        {
            Registered::Account(_) => accounts::login(&state, &ctx.client, &ctx.text("email"), &ctx.text("password"))
                .await
                .map(Some),
            Registered::Confirming => Ok(None),
        }
    }
    .await;
    match result {
        Ok(None) => redirect("/register?sent=1"),
        Ok(Some(session)) => {
            let lifetime = (session.expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
            let mut response = redirect(&safe_next(next_of(&ctx).as_deref()));
            response.headers_mut().append(
                poem::http::header::SET_COOKIE,
                cookie_header(&ctx, &session.token, lifetime),
            );
            response.into_response()
        }
        Err(error) => {
            let (status, errors) = from_api_error(&ctx.tr, &error, "/register");
            respond(
                status,
                page_with(
                    &ctx,
                    &ctx.tr.t("register-title"),
                    Some(&errors),
                    register_form(&ctx, &errors, notice_published(&state).await),
                ),
            )
        }
    }
}
