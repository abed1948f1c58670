//! `/invitations`: the team invitations sent to the signed-in person's address, and
//! `/invitations/{token}`, where the invitation's e-mail or notification leads, with
//! "Accept" and "Decline" (SPEC §14.2).

use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use uuid::Uuid;

use super::{redirect, refused, signed_in};
use crate::app::invitations as app;
use crate::state::AppState;
use crate::views::ideas::ApiInvitationStatus;
use crate::views::invitations::Invitation;
use crate::web::context::Ctx;
use crate::web::layout::{button, csrf_field, ok, page, secondary_button};
use crate::web::pages::errors;

/// What the invitation is to, and the two answers while it is open.
fn invitation_card(ctx: &Ctx, invitation: &Invitation) -> Markup {
    let tr = &ctx.tr;
    html! {
        div class="govuk-summary-card" {
            div class="govuk-summary-card__title-wrapper" {
                h2 class="govuk-summary-card__title" { (invitation.idea_title) }
            }
            div class="govuk-summary-card__content" {
                p class="govuk-body" {
                    (tr.t_with("invitation-from", &[
                        ("name", invitation.invited_by.clone().into()),
                        ("challenge", invitation.challenge_title.clone().into()),
                    ]))
                }
                @match invitation.status {
                    ApiInvitationStatus::Invited => {
                        p class="govuk-body" { (tr.t("invitation-what-accepting-means")) }
                        // Side by side and to the left, as the other commands' forms; never
                        // centred on a narrow screen as a button group is.
                        form method="post" action={ "/invitations/" (invitation.id) "/accept" } class="sluss-inline-form" {
                            (csrf_field(ctx))
                            (button(&tr.t("button-accept")))
                        }
                        form method="post" action={ "/invitations/" (invitation.id) "/decline" } class="sluss-inline-form" {
                            (csrf_field(ctx))
                            (secondary_button(&tr.t("button-decline")))
                        }
                    }
                    ApiInvitationStatus::Accepted => {
                        p class="govuk-body" { (tr.t("invitation-accepted")) }
                        p class="govuk-body" {
                            a class="govuk-link" href={ "/ideas/" (invitation.idea_id) } { (tr.t("invitation-open-idea")) }
                        }
                    }
                    ApiInvitationStatus::Declined => {
                        p class="govuk-body" { (tr.t("invitation-declined")) }
                    }
                }
            }
        }
    }
}

/// `GET /invitations`: the open invitations to the person's address.
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let open = match app::open_for(&state, actor).await {
        Ok(open) => open,
        Err(error) => return refused(&ctx, &error),
    };
    ok(page(
        &ctx,
        &tr.t("invitations-title"),
        html! {
            @if open.is_empty() {
                p class="govuk-body" { (tr.t("invitations-none")) }
            }
            @for invitation in &open {
                (invitation_card(&ctx, invitation))
            }
        },
    ))
}

/// `GET /invitations/{token}`: the invitation, for the account it was sent to; anyone
/// signed out is sent to log in (or register) and back here.
#[handler]
pub async fn show(ctx: Ctx, state: Data<&AppState>, Path(token): Path<String>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let Ok(token) = token.parse::<Uuid>() else {
        return errors::not_found(&ctx);
    };
    match app::get(&state, actor, token).await {
        Ok(invitation) => ok(page(
            &ctx,
            &ctx.tr.t("invitation-title"),
            invitation_card(&ctx, &invitation),
        )),
        Err(error) => refused(&ctx, &error),
    }
}

/// `POST /invitations/{token}/accept` and `/decline`: the answer, then the invitation's
/// page saying what it means (or, accepted, the idea).
#[handler]
pub async fn answer(ctx: Ctx, state: Data<&AppState>, Path((token, answer)): Path<(String, String)>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let (Ok(token), Some(accept)) = (
        token.parse::<Uuid>(),
        match answer.as_str() {
            "accept" => Some(true),
            "decline" => Some(false),
            _ => None,
        },
    ) else {
        return errors::not_found(&ctx);
    };
    match app::answer(&state, actor, token, accept).await {
        Ok(invitation) if accept => redirect(&format!("/ideas/{}", invitation.idea_id)),
        Ok(invitation) => redirect(&format!("/invitations/{}", invitation.id)),
        Err(error) => refused(&ctx, &error),
    }
}
