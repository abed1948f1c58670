//! The "API tokens" section of `/me/settings` (SPEC §16): "Create API token", the list
//! and "Revoke". A new token's secret is shown once, in the answer to its creation.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Response, handler};

use super::settings::{Form, show_with};
use super::{form_refusal, redirect, refused, signed_in};
use crate::app;
use crate::state::AppState;
use crate::views::api_tokens::{ApiToken, NewApiToken};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{Input, button, csrf_field};

/// The section: the secret just created (if any), the list with "Revoke" buttons, and the
/// form that creates one.
pub fn section(ctx: &Ctx, tokens: &[ApiToken], created: Option<&NewApiToken>, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    html! {
        h2 class="govuk-heading-m" id="api-tokens" { (tr.t("api-tokens-title")) }
        p class="govuk-body" { (tr.t("api-tokens-intro")) }
        @if let Some(created) = created {
            div class="govuk-panel govuk-panel--confirmation" role="status" {
                h3 class="govuk-heading-s" { (tr.t_with("api-token-created", &[("name", created.name.clone().into())])) }
                p class="govuk-body" { (tr.t("api-token-shown-once")) }
                p class="govuk-body" {
                    code class="sluss-secret" id="new-api-token" { (created.token) }
                }
            }
        }
        @if tokens.is_empty() {
            p class="govuk-body" { (tr.t("api-tokens-none")) }
        } @else {
            ul class="govuk-list" {
                @for token in tokens {
                    li {
                        strong { (token.name) }
                        " — " (tr.t_with("api-token-created-at", &[("at", tr.datetime(token.created_at).into())]))
                        ", "
                        @match token.last_used_at {
                            Some(at) => (tr.t_with("api-token-last-used", &[("at", tr.datetime(at).into())])),
                            None => (tr.t("api-token-never-used")),
                        }
                        form method="post" action={ "/me/tokens/" (token.id) "/revoke" } {
                            (csrf_field(ctx))
                            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" {
                                (tr.t("button-revoke")) span class="govuk-visually-hidden" { " " (token.name) }
                            }
                        }
                    }
                }
            }
        }
        form method="post" action="/me/tokens" novalidate {
            (csrf_field(ctx))
            (Input::text("name", tr.t("field-token-name"), &ctx.text("name")).hint(tr.t("token-name-hint")).render(errors))
            (button(&tr.t("button-create-api-token")))
        }
    }
}

/// `POST /me/tokens`: creates a token and shows its secret once.
#[handler]
pub async fn create(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    match app::api_tokens::create(&state, actor, &ctx.text("name")).await {
        Ok(created) => {
            show_with(
                &ctx,
                &state,
                StatusCode::CREATED,
                &FormErrors::none(),
                None,
                Some(&created),
            )
            .await
        }
        Err(error) => match form_refusal(&ctx, &error, "/me/settings") {
            Ok((status, errors)) => show_with(&ctx, &state, status, &errors, Some(Form::Tokens), None).await,
            Err(refusal) => refusal,
        },
    }
}

/// `POST /me/tokens/{id}/revoke`.
#[handler]
pub async fn revoke(ctx: Ctx, state: Data<&AppState>, Path(id): Path<String>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let Ok(id) = id.parse() else {
        return refused(&ctx, &crate::error::ApiError::not_found());
    };
    match app::api_tokens::revoke(&state, actor, id).await {
        Ok(()) => redirect("/me/settings?saved=token-revoked#api-tokens"),
        Err(error) => refused(&ctx, &error),
    }
}
