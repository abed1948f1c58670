//! Signing in through the city's OpenID Connect provider (SPEC §16, ADR 0036):
//! `GET /auth/oidc/start` sends the browser to the provider, `GET /auth/oidc/callback`
//! takes it back. What went out waits in `oidc_logins` under the hash of a random cookie
//! that only this browser holds, for ten minutes and once. Every failure shows a page that
//! says what to do, and changes nothing.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::web::cookie::{Cookie, CookieJar};
use poem::{Response, handler};

use super::{redirect, safe_next};
use crate::app::identity::{self, Refused};
use crate::oidc::OidcError;
use crate::persistence::identities::{self, Pending};
use crate::session::{hash_token, new_token};
use crate::state::AppState;
use crate::web::context::{Ctx, base_cookie};
use crate::web::layout::{page, percent, respond};

/// The cookie that binds a sign-in gone to the provider to this browser.
pub const LOGIN_COOKIE: &str = "sluss_oidc";

/// How long a sign-in may stay at the provider.
const PENDING_FOR: chrono::Duration = chrono::Duration::minutes(10);

/// The button on `/login`: "Log in with {name}", going on to `next` afterwards.
pub fn sign_in_button(ctx: &Ctx, name: &str, next: Option<&str>) -> Markup {
    let href = match next {
        Some(next) => format!("/auth/oidc/start?next={}", percent(&safe_next(Some(next)))),
        None => "/auth/oidc/start".to_owned(),
    };
    html! {
        a class="govuk-button" href=(href) role="button" draggable="false" data-module="govuk-button" {
            (ctx.tr.t_with("oidc-log-in-with", &[("name", name.to_owned().into())]))
        }
    }
}

fn login_cookie(ctx: &Ctx, value: &str, max_age: std::time::Duration) -> Cookie {
    let mut cookie = base_cookie(LOGIN_COOKIE, value, ctx.secure);
    cookie.set_path("/auth/oidc");
    cookie.set_max_age(max_age);
    cookie
}

/// Why a sign-in through the provider came to nothing, as its page says.
#[derive(Debug, Clone, Copy)]
enum Failure {
    /// No sign-in of this browser waits (none started, expired, or already come back).
    NothingWaiting,
    /// `state` is not the one sent.
    WrongState,
    /// The provider answered with an error (the person cancelled, or it refused).
    ProviderSaidNo,
    /// The provider refused the code, or its token failed a check.
    NotAccepted,
    /// The provider could not be reached.
    Unavailable,
    /// The account is deactivated.
    Deactivated,
    /// The address belongs to an account and the provider has not verified it.
    UnverifiedAddress,
    /// The provider shares no e-mail address, needed for a new account.
    NoAddress,
}

fn failure_page(ctx: &Ctx, failure: Failure) -> Response {
    let tr = &ctx.tr;
    let (status, key) = match failure {
        Failure::NothingWaiting => (StatusCode::BAD_REQUEST, "oidc-failed-nothing-waiting"),
        Failure::WrongState => (StatusCode::BAD_REQUEST, "oidc-failed-wrong-state"),
        Failure::ProviderSaidNo => (StatusCode::BAD_REQUEST, "oidc-failed-provider-said-no"),
        Failure::NotAccepted => (StatusCode::BAD_REQUEST, "oidc-failed-not-accepted"),
        Failure::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "oidc-failed-unavailable"),
        Failure::Deactivated => (StatusCode::FORBIDDEN, "oidc-failed-deactivated"),
        Failure::UnverifiedAddress => (StatusCode::FORBIDDEN, "oidc-failed-unverified-address"),
        Failure::NoAddress => (StatusCode::FORBIDDEN, "oidc-failed-no-address"),
    };
    let contact = ctx.site.contact_email.clone();
    let mut response = respond(
        status,
        page(
            ctx,
            &tr.t("oidc-failed-title"),
            html! {
                p class="govuk-body" data-failure=(key) { (tr.t(key)) }
                @match &contact {
                    Some(address) => p class="govuk-body" {
                        (tr.t("oidc-failed-contact")) " "
                        a class="govuk-link" href={ "mailto:" (address) } { (address) }
                    },
                    None => p class="govuk-body" { (tr.t("oidc-failed-contact-team")) },
                }
                p class="govuk-body" { a class="govuk-link" href="/login" { (tr.t("oidc-failed-again")) } }
            },
        ),
    );
    if let Ok(value) = poem::http::HeaderValue::from_str(&login_cookie(ctx, "", std::time::Duration::ZERO).to_string())
    {
        response.headers_mut().append(poem::http::header::SET_COOKIE, value);
    }
    response
}

/// `GET /auth/oidc/start?next=`: keeps what goes out and sends the browser to the provider.
#[handler]
pub async fn start(ctx: Ctx, state: Data<&AppState>) -> Response {
    let Some(provider) = state.http.identity.oidc.clone() else {
        return super::errors::not_found(&ctx);
    };
    let started = match provider.start().await {
        Ok(started) => started,
        Err(error) => {
            tracing::warn!(%error, "the sign-in could not start at the identity provider");
            return failure_page(&ctx, Failure::Unavailable);
        }
    };
    let (browser, browser_hash) = new_token();
    let now = chrono::Utc::now();
    let pending = Pending {
        state: started.state,
        nonce: started.nonce,
        pkce_verifier: started.pkce_verifier,
        next: ctx.query("next").map(|next| safe_next(Some(&next))),
    };
    let kept = async {
        let tx = state.begin_write().await?;
        identities::keep_pending(&tx, browser_hash, pending, now, now + PENDING_FOR).await?;
        tx.commit().await?;
        Ok::<_, crate::error::ApiError>(())
    }
    .await;
    if let Err(error) = kept {
        return super::refused(&ctx, &error);
    }
    let mut response = redirect(&started.url);
    let max_age = PENDING_FOR.to_std().unwrap_or_default();
    if let Ok(value) = poem::http::HeaderValue::from_str(&login_cookie(&ctx, &browser, max_age).to_string()) {
        response.headers_mut().append(poem::http::header::SET_COOKIE, value);
    }
    response
}

/// `GET /auth/oidc/callback?code=&state=` (or `?error=`): checks what came back against
/// what went out, has the provider check the code and checks its ID token, then opens the
/// session of the account it stands for, as a password sign-in does.
#[handler]
pub async fn callback(ctx: Ctx, state: Data<&AppState>, jar: &CookieJar) -> Response {
    let Some(provider) = state.http.identity.oidc.clone() else {
        return super::errors::not_found(&ctx);
    };
    let Some(browser) = jar.get(LOGIN_COOKIE).map(|c| c.value_str().to_owned()) else {
        return failure_page(&ctx, Failure::NothingWaiting);
    };
    let taken = async {
        let tx = state.begin_write().await?;
        let pending = identities::take_pending(&tx, &hash_token(&browser), chrono::Utc::now()).await?;
        tx.commit().await?;
        Ok::<_, crate::error::ApiError>(pending)
    }
    .await;
    let pending = match taken {
        Ok(Some(pending)) => pending,
        Ok(None) => return failure_page(&ctx, Failure::NothingWaiting),
        Err(error) => return super::refused(&ctx, &error),
    };
    if let Some(error) = ctx.query("error") {
        tracing::info!(oidc.error = %error, "the identity provider answered the sign-in with an error");
        return failure_page(&ctx, Failure::ProviderSaidNo);
    }
    let returned_state = ctx.query("state").unwrap_or_default();
    if !constant_time_eq(returned_state.as_bytes(), pending.state.as_bytes()) {
        return failure_page(&ctx, Failure::WrongState);
    }
    let Some(code) = ctx.query("code").filter(|code| !code.is_empty()) else {
        return failure_page(&ctx, Failure::NotAccepted);
    };
    let claims = match provider.finish(&code, &pending.pkce_verifier, &pending.nonce).await {
        Ok(claims) => claims,
        Err(error) => {
            tracing::warn!(%error, "a sign-in through the identity provider was not accepted");
            return failure_page(
                &ctx,
                match error {
                    OidcError::Unavailable(_) => Failure::Unavailable,
                    OidcError::Refused(_) | OidcError::BadToken(_) => Failure::NotAccepted,
                },
            );
        }
    };
    let map = provider.settings.roles.as_ref().map(|(_, map)| map);
    let session = match identity::sign_in(&state, &claims, map, ctx.lang().code()).await {
        Ok(session) => session,
        Err(Refused::Deactivated) => return failure_page(&ctx, Failure::Deactivated),
        Err(Refused::UnverifiedAddressTaken) => return failure_page(&ctx, Failure::UnverifiedAddress),
        Err(Refused::NoAddress) => return failure_page(&ctx, Failure::NoAddress),
        Err(Refused::Failed(error)) => return super::refused(&ctx, &error),
    };
    let next = safe_next(pending.next.as_deref());
    let lifetime = (session.expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
    let mut response = redirect(&super::site::after_sign_in(&state, session.user.id, &next).await);
    let cookies = [
        ctx.session_cookie(&session.token, lifetime),
        login_cookie(&ctx, "", std::time::Duration::ZERO),
    ];
    for cookie in cookies {
        if let Ok(value) = poem::http::HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(poem::http::header::SET_COOKIE, value);
        }
    }
    response
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
