//! `/admin/users`: the facilitators' registry of users (SPEC §2) — a search by name or
//! e-mail, a compact list of the users found and the form for a new user with any roles;
//! `/admin/users/{id}`: one user's roles to change and the account to deactivate,
//! reactivate or send a reset link for (ADR 0029).

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::{Actor, Role, Roles};
use uuid::Uuid;

use super::challenges::form_version;
use super::labels::role;
use super::{facilitator_only, form_refusal, redirect, refused};
use crate::app;
use crate::app::accounts::Registration;
use crate::app::resets;
use crate::state::AppState;
use crate::views::users::{User, UserPage};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::i18n::Tr;
use crate::web::layout::{
    Input, button, csrf_field, next_page, notice, page_with, percent, registry_item, registry_list, respond,
    secondary_button, tag,
};
use crate::web::time::query_pairs;

const HERE: &str = "/admin/users";

/// Checkboxes named `roles`, one per role, ids prefixed with `id` (one group per form).
fn role_checkboxes(tr: &Tr, id: &str, legend: &str, held: &[Role], error: Option<&str>) -> Markup {
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[error.map(|_| format!("{id}-error"))] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @if let Some(message) = error {
                    p class="govuk-error-message" id={ (id) "-error" } { span class="govuk-visually-hidden" { "! " } (message) }
                }
                div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" id=(id) {
                    @for value in Role::ALL {
                        div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id={ (id) "-" (value.as_str()) } name="roles" type="checkbox"
                                value=(value.as_str()) checked[held.contains(&value)];
                            label class="govuk-label govuk-checkboxes__label" for={ (id) "-" (value.as_str()) } { (role(tr, value)) }
                        }
                    }
                }
            }
        }
    }
}

/// The roles held, in words, or "none".
fn roles_in_words(tr: &Tr, user: &User) -> String {
    if user.roles.is_empty() {
        return tr.t("roles-none");
    }
    let names: Vec<String> = user.roles.iter().map(|r| role(tr, Role::from(*r))).collect();
    names.join(", ")
}

/// The account's state as a tag.
fn state_tag(tr: &Tr, user: &User) -> Markup {
    html! {
        @if user.active { (tag(&tr.t("user-active"))) } @else { strong class="govuk-tag govuk-tag--grey" { (tr.t("user-deactivated")) } }
    }
}

/// The user's own page, keeping the registry's search `q` for the way back.
fn user_href(user: &User, q: &str) -> String {
    if q.is_empty() {
        format!("{HERE}/{}", user.id)
    } else {
        format!("{HERE}/{}?q={}", user.id, percent(q))
    }
}

fn registry(ctx: &Ctx, q: &str, page: &UserPage, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let chosen: Vec<Role> = ctx.all("roles").into_iter().filter_map(Role::parse).collect();
    let none = FormErrors::none();
    html! {
        @if ctx.query("sent").is_some() { (notice(&tr.t("reset-link-sent"))) }
        @if ctx.query("saved").is_some() { (notice(&tr.t("registry-saved"))) }
        form method="get" action=(HERE) class="govuk-!-margin-bottom-6" {
            (Input::text("q", tr.t("field-search"), q).kind("search").hint(tr.t("users-search-hint")).render(&none))
            (secondary_button(&tr.t("button-filter")))
        }
        @if page.items.is_empty() { p class="govuk-body" { (tr.t("users-none")) } } @else {
            (registry_list(&tr.t("users-caption"), html! {
                @for user in &page.items {
                    (registry_item(&user.display_name, Some(&user_href(user, q)), state_tag(tr, user), &[
                        html! { (user.email) },
                        html! { (roles_in_words(tr, user)) },
                        html! { @if let Some(organisation) = &user.organisation { (organisation) } },
                    ]))
                }
            }))
        }
        @if let Some(cursor) = &page.next_cursor {
            (next_page(tr, &format!("{HERE}?q={}&cursor={}", percent(q), percent(cursor))))
        }
        h2 class="govuk-heading-m" id="new" { (tr.t("new-user-title")) }
        form method="post" action=(HERE) novalidate {
            (csrf_field(ctx))
            (Input::text("email", tr.t("field-email"), &ctx.text("email")).kind("email").autocomplete("off").render(errors))
            (Input::text("password", tr.t("field-password"), "").kind("password").autocomplete("new-password").hint(tr.t("password-hint")).render(errors))
            (Input::text("display_name", tr.t("field-display-name"), &ctx.text("display_name")).autocomplete("off").render(errors))
            (Input::text("organisation", tr.t("field-organisation"), &ctx.text("organisation")).autocomplete("off").render(errors))
            (role_checkboxes(tr, "f-roles", &tr.t("field-roles"), &chosen, errors.message_for("roles")))
            (button(&tr.t("button-save")))
        }
    }
}

/// One command's form on the user's page: its hidden fields and its button.
fn command_form(ctx: &Ctx, user: &User, q: &str, command: &str, key: &str, warning: bool) -> Markup {
    let class = if warning {
        "govuk-button govuk-button--warning"
    } else {
        "govuk-button govuk-button--secondary"
    };
    html! {
        form method="post" action={ (HERE) "/" (user.id) "/" (command) } class="sluss-inline-form" {
            (csrf_field(ctx))
            input type="hidden" name="q" value=(q);
            input type="hidden" name="expected_version" value=(user.version);
            button type="submit" class=(class) data-module="govuk-button" { (ctx.tr.t(key)) }
        }
    }
}

/// `/admin/users/{id}`: the account, its roles to change, and its commands.
fn user_page(ctx: &Ctx, user: &User, q: &str, errors: &FormErrors, mail: bool) -> Markup {
    let tr = &ctx.tr;
    let viewer = ctx.actor().map(|a| a.id.as_uuid());
    let held: Vec<Role> = if errors.is_empty() {
        user.roles.iter().map(|r| Role::from(*r)).collect()
    } else {
        ctx.all("roles").into_iter().filter_map(Role::parse).collect()
    };
    let back = if q.is_empty() {
        HERE.to_owned()
    } else {
        format!("{HERE}?q={}", percent(q))
    };
    html! {
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("field-email")) }
                dd class="govuk-summary-list__value" { (user.email) }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("field-organisation")) }
                dd class="govuk-summary-list__value" { (user.organisation.as_deref().unwrap_or_default()) }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("field-state")) }
                dd class="govuk-summary-list__value" { (state_tag(tr, user)) }
            }
        }
        form method="post" action={ (HERE) "/" (user.id) "/roles" } novalidate {
            (csrf_field(ctx))
            input type="hidden" name="q" value=(q);
            input type="hidden" name="expected_version" value=(user.version);
            (role_checkboxes(tr, "f-roles", &tr.t("field-roles"), &held, errors.message_for("roles")))
            (button(&tr.t("button-save")))
        }
        @if !user.active || mail || viewer != Some(user.id) {
            h2 class="govuk-heading-m" { (tr.t("user-account-title")) }
            div {
                @if !user.active { (command_form(ctx, user, q, "reactivate", "button-reactivate", false)) }
                @if user.active && mail { (command_form(ctx, user, q, "password-reset", "button-send-link", false)) }
                @if user.active && viewer != Some(user.id) { (command_form(ctx, user, q, "deactivate", "button-deactivate", true)) }
            }
        }
        h2 class="govuk-heading-m" { (tr.t("two-factor-title")) }
        @if ctx.query("two_factor").as_deref() == Some("cleared") { (notice(&tr.t("two-factor-cleared"))) }
        p class="govuk-body" { (tr.t("two-factor-clear-intro")) }
        form method="post" action={ (HERE) "/" (user.id) "/clear-two-factor" } {
            (csrf_field(ctx))
            input type="hidden" name="q" value=(q);
            (secondary_button(&tr.t("button-clear-two-factor")))
        }
        p class="govuk-body" { a class="govuk-link" href=(back) { (tr.t("users-back")) } }
    }
}

async fn show_user(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    status: StatusCode,
    errors: &FormErrors,
) -> Response {
    let q = ctx
        .field("q")
        .map(str::to_owned)
        .or_else(|| ctx.query("q"))
        .unwrap_or_default();
    match app::users::get(state, actor, id).await {
        Ok(user) => respond(
            status,
            page_with(
                ctx,
                &user.display_name,
                Some(errors),
                user_page(ctx, &user, q.trim(), errors, state.http.mail_enabled),
            ),
        ),
        Err(error) => refused(ctx, &error),
    }
}

/// `GET /admin/users/{id}` (facilitators).
#[handler]
pub async fn show_one(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    show_user(&ctx, &state, actor, id, StatusCode::OK, &FormErrors::none()).await
}

async fn show(ctx: &Ctx, state: &AppState, actor: &Actor, status: StatusCode, errors: &FormErrors) -> Response {
    let query = query_pairs(&ctx.here);
    let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned());
    let q = get("q").unwrap_or_default();
    let cursor = get("cursor").filter(|c| !c.is_empty());
    match app::users::list(state, actor, Some(&q), Some(50), cursor.as_deref()).await {
        Ok(page) => respond(
            status,
            page_with(
                ctx,
                &ctx.tr.t("admin-users-title"),
                Some(errors),
                registry(ctx, &q, &page, errors),
            ),
        ),
        Err(error) => refused(ctx, &error),
    }
}

/// `GET /admin/users?q=&cursor=` (facilitators).
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    show(&ctx, &state, actor, StatusCode::OK, &FormErrors::none()).await
}

fn chosen_roles(ctx: &Ctx) -> Roles {
    ctx.all("roles").into_iter().filter_map(Role::parse).collect()
}

/// `POST /admin/users`: a new user with the chosen roles.
#[handler]
pub async fn create(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let input = Registration {
        email: ctx.text("email"),
        password: ctx.text("password"),
        display_name: ctx.text("display_name"),
        organisation: ctx
            .field("organisation")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        roles: chosen_roles(&ctx),
        locale: ctx.lang().code(),
    };
    match app::users::create(&state, actor, input).await {
        Ok(_) => redirect(HERE),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, mut errors)) => {
                for (field, message) in &mut errors.fields {
                    if field == "roles" {
                        *message = ctx.tr.t("error-roles-one");
                    }
                }
                show(&ctx, &state, actor, status, &errors).await
            }
            Err(page) => page,
        },
    }
}

/// `POST /admin/users/{id}/roles|deactivate`.
#[handler]
pub async fn run_command(ctx: Ctx, state: Data<&AppState>, Path((id, name)): Path<(Uuid, String)>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let result = match (name.as_str(), form_version(&ctx)) {
        // A lost TOTP app (SPEC §16): the person sets one up again at their next sign-in.
        ("clear-two-factor", _) => match app::two_factor::clear(&state, actor, id).await {
            Ok(()) => return redirect(&format!("{HERE}/{id}?two_factor=cleared")),
            Err(error) => Err(error),
        },
        ("password-reset", _) => match resets::send_link(&state, actor, id).await {
            Ok(()) => return redirect(&format!("{HERE}?sent=1")),
            Err(error) => Err(error),
        },
        (_, Err(error)) => Err(error),
        ("roles", Ok(expected)) => app::users::set_roles(&state, actor, id, chosen_roles(&ctx), expected).await,
        ("deactivate", Ok(expected)) => match super::irreversible::deactivate_user(&ctx, &state, actor, id).await {
            Some(page) => return page,
            None => app::users::deactivate(&state, actor, id, expected).await,
        },
        ("reactivate", Ok(expected)) => app::users::reactivate(&state, actor, id, expected).await,
        _ => return super::errors::not_found(&ctx),
    };
    match result {
        // Back to the same search, saying the change is saved.
        Ok(_) => redirect(&format!(
            "{HERE}?q={}&saved=1",
            percent(ctx.field("q").unwrap_or_default())
        )),
        Err(error) => match form_refusal(&ctx, &error, &format!("{HERE}/{id}")) {
            Ok((status, mut errors)) => {
                for (field, message) in &mut errors.fields {
                    if field == "roles" {
                        *message = ctx.tr.t("error-roles-one");
                    }
                }
                show_user(&ctx, &state, actor, id, status, &errors).await
            }
            Err(page) => page,
        },
    }
}
