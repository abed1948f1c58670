//! Two-factor sign-in on the web (SPEC §16).
//!
//! After a right password, an account that needs a code is held, not signed in: the
//! `sluss_pending` cookie carries a token that only these pages accept, for ten minutes.
//! `/login/two-factor` asks for the "Code"; `/login/two-factor/set-up` shows a new secret
//! (as text and as an `otpauth://` URI) to a facilitator who must set up an app first.
//! Signed-in people set one up of their own accord at `/me/two-factor`. The ten recovery
//! codes are shown once, when a set-up is confirmed.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};

use super::{redirect, refused, safe_next, signed_in};
use crate::app::two_factor::{self, SetUp};
use crate::error::{ApiError, ApiErrorKind};
use crate::persistence::entities::users as user_rows;
use crate::state::AppState;
use crate::web::context::{Ctx, base_cookie};
use crate::web::forms::{FormErrors, from_api_error};
use crate::web::layout::{Input, button, csrf_field, notice, page, page_with, percent, respond};

/// The cookie of a sign-in held for its code.
pub const PENDING_COOKIE: &str = "sluss_pending";

fn next_of(ctx: &Ctx) -> String {
    safe_next(
        ctx.field("next")
            .map(str::to_owned)
            .or_else(|| ctx.query("next"))
            .as_deref(),
    )
}

fn with_next(path: &str, next: &str) -> String {
    format!("{path}?next={}", percent(next))
}

/// The cookie that holds a sign-in, for `token`.
pub fn pending_cookie(ctx: &Ctx, token: &str) -> poem::http::HeaderValue {
    let mut cookie = base_cookie(PENDING_COOKIE, token, ctx.secure);
    cookie.set_max_age(two_factor::PENDING_FOR.to_std().unwrap_or_default());
    header(&cookie)
}

fn header(cookie: &poem::web::cookie::Cookie) -> poem::http::HeaderValue {
    poem::http::HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| poem::http::HeaderValue::from_static(""))
}

fn session_cookie(ctx: &Ctx, session: &crate::views::accounts::Session) -> poem::http::HeaderValue {
    let lifetime = (session.expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
    header(&ctx.session_cookie(&session.token, lifetime))
}

fn expired_pending(ctx: &Ctx) -> poem::http::HeaderValue {
    let mut cookie = base_cookie(PENDING_COOKIE, "", ctx.secure);
    cookie.set_max_age(std::time::Duration::ZERO);
    header(&cookie)
}

/// The held sign-in of this request: its token and account.
async fn held(req: &Request, state: &AppState) -> Result<Option<(String, user_rows::Model)>, ApiError> {
    let Some(token) = req.cookie().get(PENDING_COOKIE).map(|c| c.value_str().to_owned()) else {
        return Ok(None);
    };
    if token.is_empty() {
        return Ok(None);
    }
    Ok(two_factor::held_account(state, &token).await?.map(|user| (token, user)))
}

/// A refused code as the form shows it: a wrong or used code on the field, else as any
/// refusal (429 and its wait, for one).
fn code_errors(ctx: &Ctx, error: &ApiError, reload: &str) -> (StatusCode, FormErrors) {
    if let ApiErrorKind::Unauthorized(_) = error.kind() {
        let mut errors = FormErrors::default();
        errors.fields.push(("code".to_owned(), ctx.tr.t("error-wrong-code")));
        return (StatusCode::UNAUTHORIZED, errors);
    }
    from_api_error(&ctx.tr, error, reload)
}

fn code_form(ctx: &Ctx, action: &str, next: Option<&str>, errors: &FormErrors, recovery: bool) -> Markup {
    let tr = &ctx.tr;
    html! {
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            @if let Some(next) = next { input type="hidden" name="next" value=(next); }
            (Input::text("code", tr.t("field-code"), "").autocomplete("one-time-code")
                .hint(tr.t(if recovery { "code-hint-recovery" } else { "code-hint" })).render(errors))
            (button(&tr.t("button-continue")))
        }
    }
}

fn setup_body(ctx: &Ctx, setup: &SetUp, action: &str, next: Option<&str>, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    html! {
        p class="govuk-body" { (tr.t("two-factor-setup-intro")) }
        h2 class="govuk-heading-s" { (tr.t("two-factor-secret")) }
        p class="govuk-body" { code class="sluss-secret" id="totp-secret" { (setup.secret) } }
        h2 class="govuk-heading-s" { (tr.t("two-factor-uri")) }
        p class="govuk-body" {
            a class="govuk-link sluss-secret" id="totp-uri" href=(setup.uri) { (setup.uri) }
        }
        p class="govuk-body" { (tr.t("two-factor-setup-confirm")) }
        (code_form(ctx, action, next, errors, false))
    }
}

fn recovery_page(ctx: &Ctx, codes: &[String], next: &str) -> Markup {
    let tr = &ctx.tr;
    page(
        ctx,
        &tr.t("recovery-codes-title"),
        html! {
            (notice(&tr.t("two-factor-on")))
            p class="govuk-body" { (tr.t("recovery-codes-intro")) }
            ul class="govuk-list" id="recovery-codes" {
                @for one in codes { li { code { (one) } } }
            }
            p class="govuk-body" { strong { (tr.t("recovery-codes-once")) } }
            p class="govuk-body" { a class="govuk-button" href=(next) { (tr.t("button-continue")) } }
        },
    )
}

/// `GET /login/two-factor`: the code step of a held sign-in.
#[handler]
pub async fn code_page(ctx: Ctx, req: &Request, state: Data<&AppState>) -> Response {
    let next = next_of(&ctx);
    match held(req, &state).await {
        Ok(Some((_, user))) => match two_factor::is_on(&state, user.id).await {
            Ok(true) => ok_page(&ctx, StatusCode::OK, &next, &FormErrors::none()),
            Ok(false) => redirect(&with_next("/login/two-factor/set-up", &next)),
            Err(error) => refused(&ctx, &error),
        },
        Ok(None) => redirect(&with_next("/login", &next)),
        Err(error) => refused(&ctx, &error),
    }
}

fn ok_page(ctx: &Ctx, status: StatusCode, next: &str, errors: &FormErrors) -> Response {
    let tr = &ctx.tr;
    respond(
        status,
        page_with(
            ctx,
            &tr.t("two-factor-code-title"),
            Some(errors),
            code_form(ctx, "/login/two-factor", Some(next), errors, true),
        ),
    )
}

/// `POST /login/two-factor`: a right code (or recovery code) signs the person in.
#[handler]
pub async fn code(ctx: Ctx, req: &Request, state: Data<&AppState>) -> Response {
    let next = next_of(&ctx);
    let (token, user) = match held(req, &state).await {
        Ok(Some(found)) => found,
        Ok(None) => return redirect(&with_next("/login", &next)),
        Err(error) => return refused(&ctx, &error),
    };
    let user_id = user.id;
    let result = match two_factor::check_code(&state, user_id, &ctx.text("code"), false).await {
        Ok(()) => two_factor::finish_sign_in(&state, &token, user).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(session) => {
            let mut response = redirect(&super::site::after_sign_in(&state, user_id, &next).await);
            response
                .headers_mut()
                .append(poem::http::header::SET_COOKIE, session_cookie(&ctx, &session));
            response
                .headers_mut()
                .append(poem::http::header::SET_COOKIE, expired_pending(&ctx));
            response
        }
        Err(error) => {
            let (status, errors) = code_errors(&ctx, &error, "/login/two-factor");
            ok_page(&ctx, status, &next, &errors)
        }
    }
}

fn setup_page(
    ctx: &Ctx,
    status: StatusCode,
    setup: &SetUp,
    action: &str,
    next: Option<&str>,
    errors: &FormErrors,
) -> Response {
    respond(
        status,
        page_with(
            ctx,
            &ctx.tr.t("two-factor-setup-title"),
            Some(errors),
            setup_body(ctx, setup, action, next, errors),
        ),
    )
}

/// `GET /login/two-factor/set-up`: a held facilitator sets up a TOTP app.
#[handler]
pub async fn setup_on_sign_in_page(ctx: Ctx, req: &Request, state: Data<&AppState>) -> Response {
    let next = next_of(&ctx);
    let user = match held(req, &state).await {
        Ok(Some((_, user))) => user,
        Ok(None) => return redirect(&with_next("/login", &next)),
        Err(error) => return refused(&ctx, &error),
    };
    match two_factor::begin_setup(&state, user.id).await {
        Ok(Some(setup)) => setup_page(
            &ctx,
            StatusCode::OK,
            &setup,
            "/login/two-factor/set-up",
            Some(&next),
            &FormErrors::none(),
        ),
        Ok(None) => redirect(&with_next("/login/two-factor", &next)),
        Err(error) => refused(&ctx, &error),
    }
}

/// `POST /login/two-factor/set-up`: a right code confirms the app and signs the person
/// in; the recovery codes are shown once.
#[handler]
pub async fn setup_on_sign_in(ctx: Ctx, req: &Request, state: Data<&AppState>) -> Response {
    let next = next_of(&ctx);
    let (token, user) = match held(req, &state).await {
        Ok(Some(found)) => found,
        Ok(None) => return redirect(&with_next("/login", &next)),
        Err(error) => return refused(&ctx, &error),
    };
    let user_id = user.id;
    let codes = match two_factor::confirm_setup(&state, user_id, &ctx.text("code")).await {
        Ok(codes) => codes,
        Err(error) => {
            let (status, errors) = code_errors(&ctx, &error, "/login/two-factor/set-up");
            return match two_factor::begin_setup(&state, user_id).await {
                Ok(Some(setup)) => setup_page(&ctx, status, &setup, "/login/two-factor/set-up", Some(&next), &errors),
                Ok(None) => redirect(&with_next("/login/two-factor", &next)),
                Err(error) => refused(&ctx, &error),
            };
        }
    };
    match two_factor::finish_sign_in(&state, &token, user).await {
        Ok(session) => {
            let then = super::site::after_sign_in(&state, user_id, &next).await;
            let mut response = respond(StatusCode::OK, recovery_page(&ctx, &codes, &then));
            response
                .headers_mut()
                .append(poem::http::header::SET_COOKIE, session_cookie(&ctx, &session));
            response
                .headers_mut()
                .append(poem::http::header::SET_COOKIE, expired_pending(&ctx));
            response
        }
        Err(error) => refused(&ctx, &error),
    }
}

/// `GET /me/two-factor`: a signed-in person sets up a TOTP app of their own accord.
#[handler]
pub async fn setup_page_signed_in(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    match two_factor::begin_setup(&state, actor.id.as_uuid()).await {
        Ok(Some(setup)) => setup_page(
            &ctx,
            StatusCode::OK,
            &setup,
            "/me/two-factor",
            None,
            &FormErrors::none(),
        ),
        Ok(None) => redirect("/me/settings"),
        Err(error) => refused(&ctx, &error),
    }
}

/// `POST /me/two-factor`: a right code turns two-factor sign-in on; the recovery codes
/// are shown once.
#[handler]
pub async fn setup_signed_in(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let user_id = actor.id.as_uuid();
    match two_factor::confirm_setup(&state, user_id, &ctx.text("code")).await {
        Ok(codes) => respond(
            StatusCode::OK,
            recovery_page(&ctx, &codes, "/me/settings?saved=two-factor"),
        ),
        Err(error) => {
            let (status, errors) = code_errors(&ctx, &error, "/me/two-factor");
            match two_factor::begin_setup(&state, user_id).await {
                Ok(Some(setup)) => setup_page(&ctx, status, &setup, "/me/two-factor", None, &errors),
                Ok(None) => redirect("/me/settings"),
                Err(error) => refused(&ctx, &error),
            }
        }
    }
}

/// The "Two-factor sign-in" section of `/me/settings`.
pub fn settings_section(ctx: &Ctx, on: bool) -> Markup {
    let tr = &ctx.tr;
    html! {
        h2 class="govuk-heading-m" id="two-factor" { (tr.t("two-factor-title")) }
        @if on {
            p class="govuk-body" { (tr.t("two-factor-is-on")) }
        } @else {
            p class="govuk-body" { (tr.t("two-factor-is-off")) }
            p class="govuk-body" { a class="govuk-link" href="/me/two-factor" { (tr.t("two-factor-set-up-link")) } }
        }
    }
}
