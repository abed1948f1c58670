//! The city's own site (SPEC §16, ADR 0033): the pages a Swedish municipality publishes —
//! `/privacy`, `/accessibility` (in the structure of DIGG's model statement) and
//! `/contact` — the facilitators' `/admin/site`, the page that asks a person to accept a
//! new privacy notice after signing in, and `/site.css`, the city's colour.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::{Data, Multipart, Query};
use poem::{Response, handler};
use sluss_domain::site::LOGO_MAX_KIB;
use sluss_domain::{FieldProblem, Refusal};
use tokio::io::AsyncReadExt;

use super::{facilitator_only, form_refusal, redirect, refused, safe_next, signed_in};
use crate::app::site::{self as app, SitePatch};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::context::CSRF_FIELD;
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::i18n::{Lang, Tr};
use crate::web::layout::{
    Input, button, csrf_field, field_id, notice, ok, page, page_with, percent, respond, secondary_button,
};

const HERE: &str = "/admin/site";

/// Where DIGG takes reports about the accessibility of public services.
const DIGG_REPORT: &str = "https://www.digg.se/tdosanmalan";

/// Pieces of a line of text as written at `/admin/site`: plain text, or a link written
/// `[text](address)` to a path of this site or an `https://` address.
enum Piece<'a> {
    Text(&'a str),
    Link(&'a str, &'a str),
}

fn pieces(line: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.split_once("](").and_then(|(label, tail)| {
            let (href, tail) = tail.split_once(')')?;
            let safe = (href.starts_with('/') && !href.starts_with("//")) || href.starts_with("https://");
            (safe && !label.is_empty() && !label.contains('[')).then_some((label, href, tail))
        });
        match link {
            Some((label, href, tail)) => {
                if open > 0 {
                    out.push(Piece::Text(&rest[..open]));
                }
                out.push(Piece::Link(label, href));
                rest = tail;
            }
            None => {
                out.push(Piece::Text(&rest[..=open]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

fn line_markup(line: &str) -> Markup {
    html! {
        @for piece in pieces(line) {
            @match piece {
                Piece::Text(text) => (text),
                Piece::Link(label, href) => a class="govuk-link" href=(href) { (label) },
            }
        }
    }
}

/// A page's text as the team wrote it: a blank line starts a paragraph, a paragraph that
/// starts with `## ` is a heading, `[text](address)` is a link.
pub fn written(text: &str) -> Markup {
    html! {
        @for paragraph in text.replace("\r\n", "\n").split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            @if let Some(heading) = paragraph.strip_prefix("## ") {
                @let (heading, body) = heading.split_once('\n').unwrap_or((heading, ""));
                h2 class="govuk-heading-m" { (heading.trim()) }
                @if !body.trim().is_empty() {
                    p class="govuk-body" { (lines(body.trim())) }
                }
            } @else {
                p class="govuk-body" { (lines(paragraph)) }
            }
        }
    }
}

fn lines(paragraph: &str) -> Markup {
    html! {
        @for (i, line) in paragraph.lines().enumerate() {
            @if i > 0 { br; }
            (line_markup(line))
        }
    }
}

/// The default accessibility statement in `tr`'s language, in the form the team writes
/// one: the parts of DIGG's model, filled with the project's own test results.
pub fn default_statement(tr: &Tr, site: &str) -> String {
    let section = |heading: &str, body: String| format!("## {}\n{body}", tr.t(heading));
    [
        tr.t_with("accessibility-intro", &[("site", site.into())]),
        section("accessibility-how-heading", tr.t("accessibility-how")),
        section("accessibility-tested-heading", tr.t("accessibility-tested")),
        section("accessibility-not-heading", tr.t("accessibility-not")),
        section(
            "accessibility-report-heading",
            format!(
                "{} [{}](/contact)",
                tr.t("accessibility-report"),
                tr.t("accessibility-report-link")
            ),
        ),
        section(
            "accessibility-authority-heading",
            format!(
                "{} [{}]({DIGG_REPORT})",
                tr.t("accessibility-authority"),
                tr.t("accessibility-authority-link")
            ),
        ),
    ]
    .join("\n\n")
}

/// `GET /site.css?colour=rrggbb`: the header and buttons in the city's colour. Only a
/// colour with AA contrast for white text is written out; any other answers 404.
#[handler]
pub fn stylesheet(Query(query): Query<Vec<(String, String)>>) -> Response {
    let colour = query
        .iter()
        .find(|(k, _)| k == "colour")
        .map(|(_, v)| format!("#{v}"))
        .and_then(|colour| sluss_domain::site::check_primary_colour(&colour).ok());
    let Some(colour) = colour else {
        return Response::builder().status(StatusCode::NOT_FOUND).finish();
    };
    let css = format!(
        ":root {{ --sluss-primary: {colour}; }}\n\
         .sluss-header {{ background: var(--sluss-primary); }}\n\
         .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning) {{ background-color: var(--sluss-primary); }}\n\
         .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning):hover {{ background-color: var(--sluss-primary); filter: brightness(85%); }}\n"
    );
    Response::builder()
        .content_type("text/css; charset=utf-8")
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .body(css)
}

fn when(tr: &Tr, at: DateTime<Utc>) -> String {
    tr.date(at.date_naive())
}

/// `GET /privacy`: the privacy notice in force, in the page's language.
#[handler]
pub async fn privacy(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    let notice = match app::privacy_notice(&state).await {
        Ok(notice) => notice,
        Err(error) => return refused(&ctx, &error),
    };
    ok(page(
        &ctx,
        &tr.t("privacy-title"),
        html! {
            @if let Some(notice) = &notice {
                p class="govuk-body-s" {
                    (tr.t_with("privacy-version", &[("version", notice.version.into()), ("date", when(tr, notice.published_at).into())]))
                }
                (written(if ctx.lang() == Lang::Sv { &notice.sv } else { &notice.en }))
            } @else {
                p class="govuk-body" { (tr.t("privacy-none")) }
            }
            p class="govuk-body" { a class="govuk-link" href="/contact" { (tr.t("privacy-contact-link")) } }
        },
    ))
}

/// `GET /accessibility`: the statement the team wrote, else the default one.
#[handler]
pub async fn accessibility(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    let row = match app::settings(&state).await {
        Ok(row) => row,
        Err(error) => return refused(&ctx, &error),
    };
    let own = match ctx.lang() {
        Lang::Sv => row.accessibility_sv.as_deref(),
        Lang::En => row.accessibility_en.as_deref(),
    };
    let text = own.map_or_else(|| default_statement(tr, &ctx.site_name()), str::to_owned);
    ok(page(
        &ctx,
        &tr.t("accessibility-title"),
        html! {
            (written(&text))
            @if let (Some(_), Some(at)) = (own, row.accessibility_updated_at) {
                p class="govuk-body-s" { (tr.t_with("accessibility-updated", &[("date", when(tr, at).into())])) }
            }
        },
    ))
}

/// `GET /contact`: the team's contact address.
#[handler]
pub fn contact(ctx: Ctx) -> Response {
    let tr = &ctx.tr;
    ok(page(
        &ctx,
        &tr.t("contact-title"),
        html! {
            p class="govuk-body" { (tr.t_with("contact-intro", &[("site", ctx.site_name().into())])) }
            (contact_line(&ctx))
        },
    ))
}

/// The team's address as a `mailto:` link, or that none is given.
pub fn contact_line(ctx: &Ctx) -> Markup {
    let tr = &ctx.tr;
    html! {
        @if let Some(email) = &ctx.site.contact_email {
            p class="govuk-body" {
                a class="govuk-link" href={ "mailto:" (email) } { (tr.t_with("contact-email", &[("email", email.as_str().into())])) }
            }
        } @else {
            p class="govuk-body" { (tr.t("contact-none")) }
        }
    }
}

/// Which of the three forms of `/admin/site` was sent and refused, with its errors.
enum Refused<'a> {
    None,
    Look(&'a FormErrors),
    Logo(&'a FormErrors),
    Privacy(&'a FormErrors),
    Accessibility(&'a FormErrors),
}

async fn admin_page(ctx: &Ctx, state: &AppState, status: StatusCode, refused_form: Refused<'_>) -> Response {
    let tr = &ctx.tr;
    let (row, in_force) = match (app::settings(state).await, app::privacy_notice(state).await) {
        (Ok(row), Ok(in_force)) => (row, in_force),
        (Err(error), _) | (_, Err(error)) => return refused(ctx, &error),
    };
    let none = FormErrors::none();
    let (look_errors, privacy_errors, accessibility_errors, summary) = match refused_form {
        Refused::None => (&none, &none, &none, &none),
        Refused::Look(errors) | Refused::Logo(errors) => (errors, &none, &none, errors),
        Refused::Privacy(errors) => (&none, errors, &none, errors),
        Refused::Accessibility(errors) => (&none, &none, errors, errors),
    };
    let logo_errors = if matches!(refused_form, Refused::Logo(_)) {
        summary
    } else {
        &none
    };
    let look_errors = if matches!(refused_form, Refused::Logo(_)) {
        &none
    } else {
        look_errors
    };
    let posted = |form: bool, name: &str, stored: Option<&str>| {
        if form {
            ctx.text(name)
        } else {
            stored.unwrap_or_default().to_owned()
        }
    };
    let look_posted = !look_errors.is_empty();
    let site_name = posted(look_posted, "site_name", row.site_name.as_deref());
    let colour = posted(look_posted, "primary_colour", row.primary_colour.as_deref());
    let email = posted(look_posted, "contact_email", row.contact_email.as_deref());
    let privacy_posted = !privacy_errors.is_empty();
    let privacy_sv = posted(privacy_posted, "privacy_sv", in_force.as_ref().map(|n| n.sv.as_str()));
    let privacy_en = posted(privacy_posted, "privacy_en", in_force.as_ref().map(|n| n.en.as_str()));
    let accessibility_posted = !accessibility_errors.is_empty();
    let site = ctx.site_name();
    let default_sv = default_statement(&Tr::new(Lang::Sv), &site);
    let default_en = default_statement(&Tr::new(Lang::En), &site);
    let accessibility_sv = posted(
        accessibility_posted,
        "accessibility_sv",
        Some(row.accessibility_sv.as_deref().unwrap_or(&default_sv)),
    );
    let accessibility_en = posted(
        accessibility_posted,
        "accessibility_en",
        Some(row.accessibility_en.as_deref().unwrap_or(&default_en)),
    );
    let text_hint = tr.t("page-text-hint");
    let saved = ctx.query("saved");
    let markup = page_with(
        ctx,
        &tr.t("admin-site-title"),
        Some(summary),
        html! {
            @if saved.as_deref() == Some("look") {
                (notice(&tr.t("admin-site-look-saved")))
            } @else if saved.as_deref() == Some("logo") {
                (notice(&tr.t("admin-site-logo-saved")))
            } @else if saved.as_deref() == Some("logo-removed") {
                (notice(&tr.t("admin-site-logo-removed")))
            } @else if saved.as_deref() == Some("accessibility") {
                (notice(&tr.t("admin-site-accessibility-saved")))
            } @else if let (Some("privacy"), Some(current)) = (saved.as_deref(), &in_force) {
                (notice(&tr.t_with("admin-site-privacy-published", &[("version", current.version.into())])))
            }
            h2 class="govuk-heading-m" { (tr.t("admin-site-look")) }
            form method="post" action=(HERE) novalidate {
                (csrf_field(ctx))
                (Input::text("site_name", tr.t("field-site-name"), &site_name).hint(tr.t("site-name-hint")).render(look_errors))
                (Input::text("primary_colour", tr.t("field-primary-colour"), &colour).hint(tr.t("primary-colour-hint")).render(look_errors))
                (Input::text("contact_email", tr.t("field-contact-email"), &email).kind("email").autocomplete("email")
                    .hint(tr.t("site-contact-email-hint")).render(look_errors))
                (button(&tr.t("button-save-site")))
            }
            (logo_forms(ctx, &row, logo_errors))
            h2 class="govuk-heading-m" { (tr.t("admin-site-privacy")) }
            @if let Some(current) = &in_force {
                p class="govuk-body" {
                    (tr.t_with("admin-site-privacy-current", &[("version", current.version.into()), ("date", when(tr, current.published_at).into())]))
                }
            } @else {
                p class="govuk-body" { (tr.t("admin-site-privacy-none")) }
            }
            form method="post" action={ (HERE) "/privacy-notice" } novalidate {
                (csrf_field(ctx))
                (big_textarea("privacy_sv", &tr.t("field-privacy-sv"), &privacy_sv, &text_hint, privacy_errors, "sv"))
                (big_textarea("privacy_en", &tr.t("field-privacy-en"), &privacy_en, &text_hint, privacy_errors, "en"))
                (button(&tr.t("button-publish-privacy")))
            }
            h2 class="govuk-heading-m" { (tr.t("admin-site-accessibility")) }
            @if row.accessibility_sv.is_none() {
                p class="govuk-body" { (tr.t("admin-site-accessibility-default")) }
            }
            form method="post" action={ (HERE) "/accessibility-statement" } novalidate {
                (csrf_field(ctx))
                (big_textarea("accessibility_sv", &tr.t("field-accessibility-sv"), &accessibility_sv, &text_hint, accessibility_errors, "sv"))
                (big_textarea("accessibility_en", &tr.t("field-accessibility-en"), &accessibility_en, &text_hint, accessibility_errors, "en"))
                (button(&tr.t("button-save-accessibility")))
            }
        },
    );
    respond(status, markup)
}

/// The logo as it is, the form that sets a new one (`multipart/form-data`, whose token rides
/// in the address as a file's does) and the button that removes it.
fn logo_forms(ctx: &Ctx, row: &crate::persistence::entities::site_settings::Model, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let id = field_id("file");
    let error = errors.message_for("file");
    let described = match error {
        Some(_) => format!("{id}-hint {id}-error"),
        None => format!("{id}-hint"),
    };
    html! {
        h3 class="govuk-heading-s" id="logo" { (tr.t("admin-site-logo")) }
        @if let Some(src) = crate::views::site::logo_path(row) {
            p class="govuk-body" {
                img class="sluss-logo-preview" src=(src) alt=(tr.t_with("logo-alt", &[("site", ctx.site_name().into())]));
            }
            form method="post" action={ (HERE) "/logo/remove" } novalidate {
                (csrf_field(ctx))
                (secondary_button(&tr.t("button-remove-logo")))
            }
        } @else {
            p class="govuk-body" { (tr.t("admin-site-logo-none")) }
        }
        form method="post" enctype="multipart/form-data" action={ (HERE) "/logo?" (CSRF_FIELD) "=" (ctx.csrf) } novalidate {
            div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                label class="govuk-label" for=(id) { (tr.t("field-logo")) }
                div class="govuk-hint" id={ (id) "-hint" } { (tr.t_with("logo-hint", &[("n", LOGO_MAX_KIB.into())])) }
                @if let Some(message) = error {
                    p class="govuk-error-message" id={ (id) "-error" } {
                        span class="govuk-visually-hidden" { "! " }
                        (message)
                    }
                }
                input class={ "govuk-file-upload" @if error.is_some() { " govuk-file-upload--error" } }
                    id=(id) name="file" type="file" accept="image/png,image/webp" aria-describedby=(described);
            }
            (button(&tr.t("button-upload-logo")))
        }
    }
}

/// Reads the form's `file`, stopping one byte past the largest logo: a larger one is
/// refused for its size without being read whole.
async fn read_logo(mut multipart: Multipart) -> Result<Vec<u8>, ApiError> {
    let unreadable = |e: std::io::Error| ApiError::bad_request(format!("the upload could not be read: {e}"));
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(format!("the upload could not be read: {e}")))?
    {
        if field.name() == Some("file") {
            let limit = u64::try_from(LOGO_MAX_KIB * 1024 + 1).unwrap_or(u64::MAX);
            let mut bytes = Vec::new();
            field
                .into_async_read()
                .take(limit)
                .read_to_end(&mut bytes)
                .await
                .map_err(unreadable)?;
            return Ok(bytes);
        }
    }
    Err(Refusal::invalid("file", FieldProblem::Required).into())
}

/// `POST /admin/site/logo`: sets the logo.
#[handler]
pub async fn upload_logo(ctx: Ctx, state: Data<&AppState>, multipart: Multipart) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let result = match read_logo(multipart).await {
        Ok(bytes) => app::set_logo(&state, actor, bytes).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => redirect(&format!("{HERE}?saved=logo")),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => admin_page(&ctx, &state, status, Refused::Logo(&errors)).await,
            Err(page) => page,
        },
    }
}

/// `POST /admin/site/logo/remove`: removes the logo.
#[handler]
pub async fn remove_logo(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    match app::remove_logo(&state, actor).await {
        Ok(_) => redirect(&format!("{HERE}?saved=logo-removed")),
        Err(error) => refused(&ctx, &error),
    }
}

/// A tall labelled text area whose text is in `lang`.
fn big_textarea(name: &str, label: &str, value: &str, hint: &str, errors: &FormErrors, lang: &str) -> Markup {
    let id = field_id(name);
    let error = errors.message_for(name);
    let described = match error {
        Some(_) => format!("{id}-hint {id}-error"),
        None => format!("{id}-hint"),
    };
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for=(id) { (label) }
            div class="govuk-hint" id={ (id) "-hint" } { (hint) }
            @if let Some(message) = error {
                p class="govuk-error-message" id={ (id) "-error" } {
                    span class="govuk-visually-hidden" { "! " }
                    (message)
                }
            }
            textarea class={ "govuk-textarea" @if error.is_some() { " govuk-textarea--error" } }
                id=(id) name=(name) rows="12" lang=(lang) aria-describedby=(described) { (value) }
        }
    }
}

/// `GET /admin/site` (facilitators).
#[handler]
pub async fn admin(ctx: Ctx, state: Data<&AppState>) -> Response {
    if let Err(response) = facilitator_only(&ctx) {
        return response;
    }
    admin_page(&ctx, &state, StatusCode::OK, Refused::None).await
}

/// A form field as a change: empty clears the value.
fn change(ctx: &Ctx, name: &str) -> Option<Option<String>> {
    Some(
        ctx.field(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
    )
}

/// The API's field names in a form of `/admin/site`, whose fields carry a prefix.
fn prefixed(mut errors: FormErrors, prefix: &str) -> FormErrors {
    for (field, _) in &mut errors.fields {
        if matches!(field.as_str(), "sv" | "en") {
            *field = format!("{prefix}_{field}");
        }
    }
    errors
}

/// `POST /admin/site`: the name, colour and contact address.
#[handler]
pub async fn save_look(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let patch = SitePatch {
        site_name: change(&ctx, "site_name"),
        primary_colour: change(&ctx, "primary_colour"),
        contact_email: change(&ctx, "contact_email"),
    };
    match app::update(&state, actor, patch).await {
        Ok(_) => redirect(&format!("{HERE}?saved=look")),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => admin_page(&ctx, &state, status, Refused::Look(&errors)).await,
            Err(page) => page,
        },
    }
}

/// `POST /admin/site/privacy-notice`: publishes a new version.
#[handler]
pub async fn publish_privacy(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    match app::publish_privacy_notice(&state, actor, &ctx.text("privacy_sv"), &ctx.text("privacy_en")).await {
        Ok(_) => redirect(&format!("{HERE}?saved=privacy")),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => {
                let errors = prefixed(errors, "privacy");
                admin_page(&ctx, &state, status, Refused::Privacy(&errors)).await
            }
            Err(page) => page,
        },
    }
}

/// `POST /admin/site/accessibility-statement`: writes the statement.
#[handler]
pub async fn save_accessibility(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match facilitator_only(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let (sv, en) = (ctx.text("accessibility_sv"), ctx.text("accessibility_en"));
    match app::set_accessibility_statement(&state, actor, &sv, &en).await {
        Ok(_) => redirect(&format!("{HERE}?saved=accessibility")),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => {
                let errors = prefixed(errors, "accessibility");
                admin_page(&ctx, &state, status, Refused::Accessibility(&errors)).await
            }
            Err(page) => page,
        },
    }
}

/// Where a person goes after signing in: on to `next`, or first to accept a privacy
/// notice published since they last accepted one.
pub async fn after_sign_in(state: &AppState, user_id: uuid::Uuid, next: &str) -> String {
    match app::pending_notice(state, user_id).await {
        Ok(Some(_)) => format!("/privacy/accept?next={}", percent(next)),
        _ => next.to_owned(),
    }
}

fn next_param(ctx: &Ctx) -> String {
    safe_next(
        ctx.field("next")
            .map(str::to_owned)
            .or_else(|| ctx.query("next"))
            .as_deref(),
    )
}

/// `GET /privacy/accept?next=`: the notice in force and a button that accepts it.
#[handler]
pub async fn consent_page(ctx: Ctx, state: Data<&AppState>) -> Response {
    let tr = &ctx.tr;
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let next = next_param(&ctx);
    let notice = match app::privacy_notice(&state).await {
        Ok(Some(notice)) => notice,
        Ok(None) => return redirect(&next),
        Err(error) => return refused(&ctx, &error),
    };
    if let Ok(None) = app::pending_notice(&state, actor.id.as_uuid()).await {
        return redirect(&next);
    }
    ok(page(
        &ctx,
        &tr.t("consent-title"),
        html! {
            p class="govuk-body" { (tr.t("consent-intro")) }
            p class="govuk-body-s" {
                (tr.t_with("privacy-version", &[("version", notice.version.into()), ("date", when(tr, notice.published_at).into())]))
            }
            div class="sluss-notice-text" {
                (written(if ctx.lang() == Lang::Sv { &notice.sv } else { &notice.en }))
            }
            form method="post" action="/privacy/accept" novalidate {
                (csrf_field(&ctx))
                input type="hidden" name="version" value=(notice.version);
                input type="hidden" name="next" value=(next);
                (button(&tr.t("button-accept-privacy")))
            }
        },
    ))
}

/// `POST /privacy/accept`: accepts the version shown and goes on; if a newer one was
/// published meanwhile, that one is shown.
#[handler]
pub async fn accept(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let next = next_param(&ctx);
    let version = ctx
        .field("version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    match app::accept(&state, actor, version).await {
        Ok(_) => redirect(&next),
        Err(error) if matches!(error.kind(), crate::error::ApiErrorKind::Conflict(_)) => {
            redirect(&format!("/privacy/accept?next={}", percent(&next)))
        }
        Err(error) => refused(&ctx, &error),
    }
}
