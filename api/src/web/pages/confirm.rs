//! `/confirm-email?token=`: the page the registration e-mail links to (SPEC §7, §19). The
//! link itself changes nothing — a mail scanner that follows it confirms no one; the
//! "Confirm" button posts, and the person goes on to log in and then where they were going
//! when they registered.

use maud::html;
use poem::web::Data;
use poem::{Response, handler};

use super::reset::token_of;
use super::{redirect, safe_next};
use crate::app::accounts;
use crate::state::AppState;
use crate::web::context::Ctx;
use crate::web::forms::from_api_error;
use crate::web::layout::{button, csrf_field, ok, page, respond};

fn link_not_valid(ctx: &Ctx) -> Response {
    let tr = &ctx.tr;
    respond(
        poem::http::StatusCode::NOT_FOUND,
        page(
            ctx,
            &tr.t("confirm-link-invalid-title"),
            html! {
                p class="govuk-body" { (tr.t("confirm-link-invalid")) }
                p class="govuk-body" { a class="govuk-link" href="/register" { (tr.t("button-register")) } }
            },
        ),
    )
}

/// `GET /confirm-email?token=`: the "Confirm" button, offered only while the link can be
/// used (looking it up changes nothing).
#[handler]
pub async fn confirm_page(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    let token = token_of(&ctx);
    if token.is_empty() || !accounts::confirmation_link_open(&state, &token).await.unwrap_or(false) {
        return link_not_valid(&ctx);
    }
    ok(page(
        &ctx,
        &tr.t("confirm-title"),
        html! {
            p class="govuk-body" { (tr.t("confirm-intro")) }
            form method="post" action="/confirm-email" novalidate {
                (csrf_field(&ctx))
                input type="hidden" name="token" value=(token);
                (button(&tr.t("button-confirm")))
            }
        },
    ))
}

/// `POST /confirm-email`: confirms, then on to log in, and from there to where the person
/// was going.
#[handler]
pub async fn confirm(ctx: Ctx, state: Data<&AppState>) -> Response {
    match accounts::confirm_email(&state, &ctx.client, &token_of(&ctx)).await {
        Ok((_, next)) => {
            let next = safe_next(next.as_deref());
            let query = serde_urlencoded::to_string([("confirmed", "1"), ("next", next.as_str())]).unwrap_or_default();
            redirect(&format!("/login?{query}"))
        }
        Err(error) => {
            let (status, errors) = from_api_error(&ctx.tr, &error, "/confirm-email");
            if errors.fields.iter().any(|(field, _)| field == "token") {
                return link_not_valid(&ctx);
            }
            respond(status, page(&ctx, &ctx.tr.t("confirm-title"), html! {}))
        }
    }
}
