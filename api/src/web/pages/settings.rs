//! `/me/settings`: a person's own name, the language sluss writes to them in, whether they
//! want e-mail, and their password (SPEC §11.4).

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Response, handler};

use super::challenges::form_version;
use super::{form_refusal, redirect, refused, signed_in};
use crate::app;
use crate::app::accounts::{LOCALES, Settings};
use crate::state::AppState;
use crate::views::organisations::Organisation;
use crate::views::users::User;
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{Input, button, csrf_field, field_id, notice, page_with, respond};
use sluss_domain::assessment::organisation_key;

const HERE: &str = "/me/settings";

fn invalid_organisation(ctx: &Ctx) -> FormErrors {
    let mut errors = FormErrors::default();
    errors
        .fields
        .push(("organisation_id".to_owned(), ctx.tr.t("error-no-organisation")));
    errors
}

/// Which form of the page a refusal belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Settings,
    Password,
    /// "Create API token" (SPEC §16).
    Tokens,
}

/// The one organisation of the registry named `name` (compared as the conflict rule
/// compares names), if there is exactly one.
fn registered_as(organisations: &[Organisation], name: &str) -> Option<uuid::Uuid> {
    let key = organisation_key(name);
    let mut named = organisations.iter().filter(|o| organisation_key(&o.name) == key);
    match (named.next(), named.next()) {
        (Some(one), None) if !key.is_empty() => Some(one.id),
        _ => None,
    }
}

fn settings_form(
    ctx: &Ctx,
    user: &User,
    errors: &FormErrors,
    mail_enabled: bool,
    organisations: &[Organisation],
) -> Markup {
    let tr = &ctx.tr;
    let name = ctx.field("display_name").unwrap_or(&user.display_name);
    let locale = ctx.field("locale").unwrap_or(&user.locale);
    let wants_email = match ctx.field("settings") {
        Some(_) => ctx.field("email_notifications").is_some(),
        None => user.email_notifications,
    };
    let locale_id = field_id("locale");
    // Someone who wrote their organisation's name at registration finds it chosen when
    // exactly one organisation of the registry has that name.
    let written = user.organisation.as_deref().filter(|name| !name.trim().is_empty());
    let chosen_organisation = match ctx.field("settings") {
        Some(_) => ctx.field("organisation_id").map(str::to_owned),
        None => user
            .organisation_id
            .or_else(|| written.and_then(|name| registered_as(organisations, name)))
            .map(|id| id.to_string()),
    };
    let organisation_error = errors.message_for("organisation_id");
    html! {
        form method="post" action=(HERE) novalidate {
            (csrf_field(ctx))
            input type="hidden" name="settings" value="1";
            input type="hidden" name="expected_version" value=(user.version);
            (Input::text("display_name", tr.t("field-display-name"), name).autocomplete("name").render(errors))
            div class={ "govuk-form-group" @if errors.message_for("locale").is_some() { " govuk-form-group--error" } } {
                fieldset class="govuk-fieldset" {
                    legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (tr.t("field-locale")) }
                    div class="govuk-hint" { (tr.t("locale-hint")) }
                    @if let Some(message) = errors.message_for("locale") { p class="govuk-error-message" { (message) } }
                    div class="govuk-radios govuk-radios--small" data-module="govuk-radios" id=(locale_id) {
                        @for code in LOCALES {
                            div class="govuk-radios__item" {
                                input class="govuk-radios__input" id={ (locale_id) "-" (code) } name="locale" type="radio" value=(code) checked[locale == code];
                                label class="govuk-label govuk-radios__label" for={ (locale_id) "-" (code) } lang=(code) { (tr.t(&format!("locale-{code}"))) }
                            }
                        }
                    }
                }
            }
            @if !organisations.is_empty() {
                div class={ "govuk-form-group" @if organisation_error.is_some() { " govuk-form-group--error" } } {
                    label class="govuk-label govuk-label--s" for="f-organisation_id" { (tr.t("field-organisation")) }
                    div class="govuk-hint" id="f-organisation_id-hint" {
                        (tr.t("organisation-choice-hint"))
                        @if let (None, Some(name)) = (user.organisation_id, written) {
                            " " (tr.t_with("organisation-written", &[("name", name.to_owned().into())]))
                        }
                    }
                    @if let Some(message) = organisation_error { p class="govuk-error-message" id="f-organisation_id-error" { (message) } }
                    select class="govuk-select" id="f-organisation_id" name="organisation_id" aria-describedby="f-organisation_id-hint" {
                        option value="" { (tr.t("organisation-none-chosen")) }
                        @for organisation in organisations {
                            @let id = organisation.id.to_string();
                            option value=(id) selected[chosen_organisation.as_deref() == Some(id.as_str())] { (organisation.name) }
                        }
                    }
                }
            }
            div class="govuk-form-group" {
                div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                    div class="govuk-checkboxes__item" {
                        input class="govuk-checkboxes__input" id="f-email_notifications" name="email_notifications" type="checkbox" value="true" checked[wants_email] aria-describedby="f-email_notifications-hint";
                        label class="govuk-label govuk-checkboxes__label" for="f-email_notifications" { (tr.t("field-email-notifications")) }
                        div class="govuk-hint govuk-checkboxes__hint" id="f-email_notifications-hint" { (tr.t(if mail_enabled { "email-notifications-hint-on" } else { "email-notifications-hint" })) }
                    }
                }
            }
            (button(&tr.t("button-save")))
        }
    }
}

fn password_form(ctx: &Ctx, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    html! {
        h2 class="govuk-heading-m" id="password" { (tr.t("password-change-title")) }
        p class="govuk-body" { (tr.t("password-change-intro")) }
        form method="post" action="/me/password" novalidate {
            (csrf_field(ctx))
            (Input::text("current_password", tr.t("field-current-password"), "").kind("password").autocomplete("current-password").render(errors))
            (Input::text("new_password", tr.t("field-new-password"), "").kind("password").autocomplete("new-password").hint(tr.t("password-hint")).render(errors))
            (button(&tr.t("button-change-password")))
        }
    }
}

async fn show(ctx: &Ctx, state: &AppState, status: StatusCode, errors: &FormErrors, failed: Option<Form>) -> Response {
    show_with(ctx, state, status, errors, failed, None).await
}

/// The page, with the secret of a token just created (shown this once).
pub(super) async fn show_with(
    ctx: &Ctx,
    state: &AppState,
    status: StatusCode,
    errors: &FormErrors,
    failed: Option<Form>,
    created: Option<&crate::views::api_tokens::NewApiToken>,
) -> Response {
    let actor = match signed_in(ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let user = match app::accounts::me(state, actor).await {
        Ok(user) => user,
        Err(error) => return refused(ctx, &error),
    };
    let organisations = match app::organisations::choices(state).await {
        Ok(organisations) => organisations,
        Err(error) => return refused(ctx, &error),
    };
    let tokens = match app::api_tokens::list(state, actor).await {
        Ok(tokens) => tokens,
        Err(error) => return refused(ctx, &error),
    };
    let two_factor_on = match app::two_factor::is_on(state, actor.id.as_uuid()).await {
        Ok(on) => on,
        Err(error) => return refused(ctx, &error),
    };
    let none = FormErrors::none();
    let errors_of = |form: Form| if failed == Some(form) { errors } else { &none };
    let saved = ctx.query("saved");
    let body = html! {
        @match saved.as_deref() {
            Some("settings") => (notice(&tr.t("settings-saved"))),
            Some("password") => (notice(&tr.t("password-changed"))),
            Some("token-revoked") => (notice(&tr.t("api-token-revoked"))),
            Some("two-factor") => (notice(&tr.t("two-factor-on"))),
            _ => {},
        }
        p class="govuk-body" { (user.email) }
        (settings_form(ctx, &user, errors_of(Form::Settings), state.http.mail_enabled, &organisations))
        (password_form(ctx, errors_of(Form::Password)))
        (super::two_factor::settings_section(ctx, two_factor_on))
        (super::api_tokens::section(ctx, &tokens, created, errors_of(Form::Tokens)))
    };
    let shown = failed.map(|_| errors);
    respond(status, page_with(ctx, &tr.t("settings-title"), shown, body))
}

/// `GET /me/settings`.
#[handler]
pub async fn page(ctx: Ctx, state: Data<&AppState>) -> Response {
    show(&ctx, &state, StatusCode::OK, &FormErrors::none(), None).await
}

/// `POST /me/settings`.
#[handler]
pub async fn save(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let settings = Settings {
        display_name: Some(ctx.text("display_name")),
        locale: ctx.field("locale").map(str::to_owned),
        email_notifications: Some(ctx.field("email_notifications").is_some()),
        organisation_id: match ctx.field("organisation_id").map(str::trim) {
            // The page without a registry sends no choice: leave it as it is.
            None => None,
            Some("") => Some(None),
            Some(id) => match id.parse() {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    return show(
                        &ctx,
                        &state,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &invalid_organisation(&ctx),
                        Some(Form::Settings),
                    )
                    .await;
                }
            },
        },
    };
    let result = match form_version(&ctx) {
        Ok(expected) => app::accounts::update_settings(&state, actor, settings, expected).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => redirect(&format!("{HERE}?saved=settings")),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => show(&ctx, &state, status, &errors, Some(Form::Settings)).await,
            Err(refusal) => refusal,
        },
    }
}

/// `POST /me/password`: every other session of the person ends, this one stays.
#[handler]
pub async fn change_password(ctx: Ctx, state: Data<&AppState>) -> Response {
    let Some(auth) = ctx.auth.as_ref() else {
        return match signed_in(&ctx) {
            Ok(_) => redirect(HERE),
            Err(redirect) => redirect,
        };
    };
    let result = app::accounts::change_password(
        &state,
        &auth.actor,
        &auth.token_hash,
        ctx.text("current_password"),
        ctx.text("new_password"),
    )
    .await;
    match result {
        Ok(()) => redirect(&format!("{HERE}?saved=password")),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => show(&ctx, &state, status, &errors, Some(Form::Password)).await,
            Err(refusal) => refusal,
        },
    }
}
