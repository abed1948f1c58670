//! The pages of SPEC §10.4, one module per area, and what they share: redirects, the
//! sign-in requirement, and error pages for refusals.

pub mod admin_arenas;
pub mod admin_organisations;
pub mod admin_rubric_form;
pub mod admin_rubrics;
pub mod admin_support;
pub mod admin_users;
pub mod api_tokens;
pub mod arenas;
pub mod assessment;
pub mod auth;
pub mod challenges;
pub mod confirm;
pub mod errors;
pub mod files;
pub mod home;
pub mod idea_list;
pub mod idea_steps;
pub mod ideas;
pub mod invitations;
pub mod irreversible;
pub mod labels;
pub mod me;
pub mod notifications;
pub mod obstacles;
pub mod oidc;
pub mod org_picker;
pub mod panel;
pub mod raised;
pub mod reports;
pub mod reset;
pub mod results;
pub mod settings;
pub mod site;
pub mod steps;
pub mod two_factor;

use poem::Response;
use poem::http::{StatusCode, header};
use sluss_domain::Actor;

use super::context::Ctx;
use super::forms::{FormErrors, from_api_error};
use super::layout::login_href;
use crate::error::{ApiError, ApiErrorKind};

/// 303 See Other to `to` (post-redirect-get).
pub fn redirect(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, to)
        .finish()
}

/// The signed-in actor, or the redirect to the login page that comes back here.
// The refusal is the page's whole answer, returned at once; boxing it would buy nothing.
#[allow(clippy::result_large_err)]
pub fn signed_in(ctx: &Ctx) -> Result<&Actor, Response> {
    ctx.actor().ok_or_else(|| redirect(&login_href(&ctx.here)))
}

/// The signed-in facilitator for a registry page: the login redirect for someone signed
/// out, the 404 page for anyone else (the registries are the team's, SPEC §10.4).
#[allow(clippy::result_large_err)]
pub fn facilitator_only(ctx: &Ctx) -> Result<&Actor, Response> {
    let actor = signed_in(ctx)?;
    if actor.is_facilitator() {
        Ok(actor)
    } else {
        Err(errors::not_found(ctx))
    }
}

/// A refusal that is not about a form's values: its page in the person's language.
pub fn refused(ctx: &Ctx, error: &ApiError) -> Response {
    match error.kind() {
        ApiErrorKind::Unauthorized(_) => redirect(&login_href(&ctx.here)),
        ApiErrorKind::NotFound => errors::not_found(ctx),
        ApiErrorKind::Forbidden(reason) => errors::forbidden_because(ctx, *reason),
        ApiErrorKind::Internal => errors::internal(ctx),
        ApiErrorKind::BadRequest(_)
        | ApiErrorKind::InvalidTransition { .. }
        | ApiErrorKind::Conflict(_)
        | ApiErrorKind::Stale { .. }
        | ApiErrorKind::PayloadTooLarge { .. }
        | ApiErrorKind::Invalid(_)
        | ApiErrorKind::Throttled { .. } => errors::conflict(ctx, error),
    }
}

/// Whether a refusal belongs on the form that was sent: values refused, or a state or
/// version they met that stands in the way. Anything else has a page of its own.
pub fn is_about_the_form(error: &ApiError) -> bool {
    match error.kind() {
        ApiErrorKind::InvalidTransition { .. }
        | ApiErrorKind::Conflict(_)
        | ApiErrorKind::Stale { .. }
        | ApiErrorKind::Invalid(_) => true,
        ApiErrorKind::BadRequest(_)
        | ApiErrorKind::Unauthorized(_)
        | ApiErrorKind::Forbidden(_)
        | ApiErrorKind::NotFound
        | ApiErrorKind::PayloadTooLarge { .. }
        | ApiErrorKind::Throttled { .. }
        | ApiErrorKind::Internal => false,
    }
}

/// Where a refused form post is answered: on the form again when [the refusal is about
/// it](is_about_the_form), with the status and messages (`Ok`); any other refusal on its
/// own page (`Err`).
#[allow(clippy::result_large_err)]
pub fn form_refusal(ctx: &Ctx, error: &ApiError, reload: &str) -> Result<(StatusCode, FormErrors), Response> {
    if is_about_the_form(error) {
        Ok(from_api_error(&ctx.tr, error, reload))
    } else {
        Err(refused(ctx, error))
    }
}

/// Where `next=` may send a person: a path on this site only, else `/me`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(next) if is_same_site_path(next) => next.to_owned(),
        _ => "/me".to_owned(),
    }
}

/// Whether `path` can only lead to this site: one leading `/` not followed by another, and
/// no backslash, control character or white space anywhere. Browsers drop tabs and line
/// breaks from a URL and read `\` as `/`, so `/<TAB>/host` would become `//host`.
fn is_same_site_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_only_leads_to_this_site() {
        assert_eq!(safe_next(Some("/challenges/1")), "/challenges/1");
        assert_eq!(safe_next(Some("//evil.example")), "/me");
        assert_eq!(safe_next(Some("https://evil.example")), "/me");
        assert_eq!(safe_next(Some("/\\evil.example")), "/me");
        assert_eq!(safe_next(None), "/me");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/me");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/me");
        assert_eq!(safe_next(Some("/\u{a0}/evil.example")), "/me");
        assert_eq!(safe_next(Some("/challenges?sdg=3&q=a+b")), "/challenges?sdg=3&q=a+b");
    }
}
