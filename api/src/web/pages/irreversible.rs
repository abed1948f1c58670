//! Commands that cannot be undone (SPEC §14.5): withdraw, decide, complete, discontinue,
//! close, archive, deactivate. On the web such a command runs only from its confirmation
//! page (ADR 0027): the command's form posts once without `confirmed` and is answered with
//! a page that names what cannot be undone and carries the form's fields over as hidden
//! inputs; its button posts them again with `confirmed=1`, and only that post runs the
//! command. The API is unchanged.
//!
//! The page is shown only when the domain offers the command to this viewer now. A
//! command it does not offer is run at once, so that the domain refuses it as it would
//! without this page (403 to someone not allowed, 409 in the wrong state): `offered`
//! agrees with `decide` for every state and viewer, a property the domain's tests check.

use maud::html;
use poem::Response;
use sluss_domain::Actor;
use sluss_domain::challenge::{self as challenge_rules, ChallengeCommandKind};
use sluss_domain::idea::IdeaCommandKind;
use uuid::Uuid;

use super::labels::{label, name_of};
use super::refused;
use crate::app;
use crate::state::AppState;
use crate::web::context::{CSRF_FIELD, Ctx};
use crate::web::layout::{csrf_field, ok, page, same_site};

/// The field a confirmation page's form adds.
pub const CONFIRMED_FIELD: &str = "confirmed";

/// Whether the form was posted from its confirmation page.
pub fn confirmed(ctx: &Ctx) -> bool {
    ctx.field(CONFIRMED_FIELD) == Some("1")
}

/// What a confirmation page says.
struct Ask {
    /// The `<h1>`: the action and the thing it acts on.
    title: String,
    /// What cannot be undone.
    warning: String,
    /// The command's button.
    button: String,
    /// Whether the button is the red one (the command ends something).
    ends: bool,
    /// Where "Cancel" leads: the page the form was on.
    cancel: String,
    /// What the form says, label and value, for the person to check.
    details: Vec<(String, String)>,
}

fn show(ctx: &Ctx, ask: Ask) -> Response {
    let tr = &ctx.tr;
    let class = if ask.ends {
        "govuk-button govuk-button--warning"
    } else {
        "govuk-button"
    };
    let carried = ctx
        .form
        .iter()
        .filter(|(name, _)| name != CSRF_FIELD && name != CONFIRMED_FIELD);
    ok(page(
        ctx,
        &ask.title,
        html! {
            @if !ask.details.is_empty() {
                dl class="govuk-summary-list" {
                    @for (key, value) in &ask.details {
                        div class="govuk-summary-list__row" {
                            dt class="govuk-summary-list__key" { (key) }
                            dd class="govuk-summary-list__value" { (value) }
                        }
                    }
                }
            }
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" {
                    span class="govuk-visually-hidden" { (tr.t("confirm-warning-label")) " " }
                    (ask.warning)
                }
            }
            form method="post" action=(same_site(&ctx.here)) novalidate {
                (csrf_field(ctx))
                @for (name, value) in carried {
                    input type="hidden" name=(name) value=(value);
                }
                input type="hidden" name=(CONFIRMED_FIELD) value="1";
                div class="govuk-button-group" {
                    button type="submit" class=(class) data-module="govuk-button" { (ask.button) }
                    a class="govuk-link" href=(ask.cancel) { (tr.t("confirm-cancel")) }
                }
            }
        },
    ))
}

/// A text the person wrote, as a detail when they wrote one.
fn written(ctx: &Ctx, field: &str, label_key: &str) -> Option<(String, String)> {
    let value = ctx.text(field);
    (!value.trim().is_empty()).then(|| (ctx.tr.t(label_key), value))
}

/// The confirmation page of the challenge command `kind` (close, archive, withdraw), or
/// `None` when the command is to run now: it was confirmed, it can be undone, or the
/// domain does not offer it to this viewer.
pub async fn challenge(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    kind: ChallengeCommandKind,
) -> Option<Response> {
    let key = match kind {
        ChallengeCommandKind::Close => "close-challenge",
        ChallengeCommandKind::Archive => "archive-challenge",
        ChallengeCommandKind::Withdraw => "withdraw-challenge",
        ChallengeCommandKind::Submit
        | ChallengeCommandKind::RequestChanges
        | ChallengeCommandKind::Publish
        | ChallengeCommandKind::Transfer => {
            return None;
        }
    };
    if confirmed(ctx) {
        return None;
    }
    let challenge = match app::challenges::get(state, Some(actor), id).await {
        Ok(challenge) => challenge,
        Err(error) => return Some(refused(ctx, &error)),
    };
    if !challenge_rules::offered(&super::challenges::domain_of(&challenge), Some(actor)).contains(&kind) {
        return None;
    }
    let tr = &ctx.tr;
    let details = written(ctx, "reason", "field-reason").into_iter().collect();
    Some(show(
        ctx,
        Ask {
            title: tr.t_with(&format!("confirm-{key}-title"), &[("title", challenge.title.into())]),
            warning: tr.t(&format!("confirm-{key}-warning")),
            button: tr.t(&format!("button-{}", kind.as_str().replace('_', "-"))),
            ends: true,
            cancel: format!("/challenges/{id}"),
            details,
        },
    ))
}

/// The confirmation page of the idea command `kind` (withdraw, decide, complete,
/// discontinue) posted from the page `cancel`, or `None` when the command is to run now.
pub async fn idea(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    kind: IdeaCommandKind,
    cancel: &str,
) -> Option<Response> {
    let tr = &ctx.tr;
    let outcome = |group: &str| {
        ctx.field("outcome")
            .map(|value| (tr.t("field-outcome"), label(tr, group, value)))
    };
    let (key, ends, details): (&str, bool, Vec<Option<(String, String)>>) = match kind {
        IdeaCommandKind::Withdraw => ("withdraw-idea", true, vec![written(ctx, "reason", "field-reason")]),
        IdeaCommandKind::Decide => (
            "decide",
            false,
            vec![outcome("decision"), written(ctx, "feedback", "field-feedback")],
        ),
        IdeaCommandKind::Complete => (
            "complete",
            false,
            vec![
                outcome("test-outcome"),
                written(ctx, "results", "field-results"),
                written(ctx, "lessons_learned", "field-lessons-learned"),
            ],
        ),
        IdeaCommandKind::Discontinue => ("discontinue", true, vec![written(ctx, "reason", "field-reason")]),
        IdeaCommandKind::Submit
        | IdeaCommandKind::StartAssessment
        | IdeaCommandKind::StartIncubation
        | IdeaCommandKind::StartTesting
        | IdeaCommandKind::PutOnHold
        | IdeaCommandKind::Resume => return None,
    };
    if confirmed(ctx) {
        return None;
    }
    let idea = match app::ideas::get(state, actor, id).await {
        Ok(idea) => idea,
        Err(error) => return Some(refused(ctx, &error)),
    };
    match app::ideas::offered(state, actor, id).await {
        Ok((offered, _)) if offered.contains(&kind) => {}
        Ok(_) => return None,
        Err(error) => return Some(refused(ctx, &error)),
    }
    Some(show(
        ctx,
        Ask {
            title: tr.t_with(&format!("confirm-{key}-title"), &[("title", idea.title.into())]),
            warning: tr.t(&format!("confirm-{key}-warning")),
            button: tr.t(&format!("button-{}", kind.as_str().replace('_', "-"))),
            ends,
            cancel: cancel.to_owned(),
            details: details.into_iter().flatten().collect(),
        },
    ))
}

/// The confirmation page of closing the arena `id`, or `None` when it is to run now.
pub async fn close_arena(ctx: &Ctx, state: &AppState, actor: &Actor, id: Uuid) -> Option<Response> {
    if confirmed(ctx) || !actor.is_facilitator() {
        return None;
    }
    let arena = match app::arenas::get(state, Some(actor), id).await {
        Ok(arena) => arena,
        Err(error) => return Some(refused(ctx, &error)),
    };
    if name_of(&arena.state) != "open" {
        return None;
    }
    let tr = &ctx.tr;
    Some(show(
        ctx,
        Ask {
            title: tr.t_with("confirm-close-arena-title", &[("name", arena.name.into())]),
            warning: tr.t("confirm-close-arena-warning"),
            button: tr.t("button-close"),
            ends: true,
            cancel: format!("/admin/arenas/{id}"),
            details: Vec::new(),
        },
    ))
}

/// The confirmation page of deactivating the account `id`, or `None` when it is to run
/// now (`actor` is a facilitator: the registry's pages are theirs alone).
pub async fn deactivate_user(ctx: &Ctx, state: &AppState, actor: &Actor, id: Uuid) -> Option<Response> {
    if confirmed(ctx) || actor.id.as_uuid() == id {
        return None;
    }
    let user = match app::users::get(state, actor, id).await {
        Ok(user) => user,
        Err(error) => return Some(refused(ctx, &error)),
    };
    if !user.active {
        return None;
    }
    let tr = &ctx.tr;
    Some(show(
        ctx,
        Ask {
            title: tr.t_with("confirm-deactivate-title", &[("name", user.display_name.into())]),
            warning: tr.t("confirm-deactivate-warning"),
            button: tr.t("button-deactivate"),
            ends: true,
            cancel: format!("/admin/users/{id}"),
            details: vec![(tr.t("field-email"), user.email)],
        },
    ))
}
