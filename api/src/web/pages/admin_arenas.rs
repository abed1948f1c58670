//! `/admin/arenas`: the facilitators' registry of arenas — a compact list of every arena
//! with its state and the form for a new one; `/admin/arenas/{id}`: one arena with its
//! "Open" or "Close" (ADR 0029).

use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::FieldProblem;
use sluss_domain::arena::ArenaCommand;
use uuid::Uuid;

use super::challenges::form_version;
use super::labels::{ARENA_KINDS, label, name_of};
use super::{facilitator_only, form_refusal, redirect, refused, signed_in};
use crate::app;
use crate::app::arenas::NewArena;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::arenas::{Arena, ArenaKind};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{
    Input, button, csrf_field, notice, page_with, registry_item, registry_list, respond, tag, textarea,
};
use crate::web::time::datetime_local_to_utc;

const HERE: &str = "/admin/arenas";

/// The command a facilitator may run on an arena in `state` now, and its button's key.
fn command_of(state: &str) -> Option<(&'static str, &'static str)> {
    match state {
        "planned" => Some(("open", "button-open")),
        "open" => Some(("close", "button-close")),
        _ => None,
    }
}

fn registry(ctx: &Ctx, arenas: &[Arena], errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let kind = ctx.field("kind").unwrap_or("physical");
    let kind_error = errors.message_for("kind");
    html! {
        @if ctx.query("saved").is_some() { (notice(&tr.t("registry-saved"))) }
        @if arenas.is_empty() { p class="govuk-body" { (tr.t("arenas-none")) } } @else {
            (registry_list(&tr.t("arenas-title"), html! {
                @for arena in arenas {
                    (registry_item(&arena.name, Some(&format!("{HERE}/{}", arena.id)),
                        tag(&label(tr, "arena-state", &name_of(&arena.state))), &[
                        html! { (label(tr, "arena-kind", &name_of(&arena.kind))) },
                        html! { @if let Some(location) = &arena.location { (location) } },
                        html! { @if let Some(at) = arena.starts_at { (tr.datetime(at)) } },
                    ]))
                }
            }))
        }
        h2 class="govuk-heading-m" id="new" { (tr.t("new-arena-title")) }
        form method="post" action=(HERE) novalidate {
            (csrf_field(ctx))
            (Input::text("name", tr.t("field-name"), &ctx.text("name")).render(errors))
            div class={ "govuk-form-group" @if kind_error.is_some() { " govuk-form-group--error" } } {
                fieldset class="govuk-fieldset" {
                    legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (tr.t("field-kind")) }
                    div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios" id="f-kind" {
                        @for option in ARENA_KINDS {
                            div class="govuk-radios__item" {
                                input class="govuk-radios__input" id={ "f-kind-" (option) } name="kind" type="radio" value=(option) checked[kind == option];
                                label class="govuk-label govuk-radios__label" for={ "f-kind-" (option) } { (label(tr, "arena-kind", option)) }
                            }
                        }
                    }
                }
            }
            (textarea("description", &tr.t("field-description"), &ctx.text("description"), None, errors))
            (Input::text("location", tr.t("field-location"), &ctx.text("location")).render(errors))
            (Input::text("starts_at", tr.t("field-starts-at"), &ctx.text("starts_at")).kind("datetime-local").hint(tr.t("ideas-close-at-hint")).render(errors))
            (Input::text("ends_at", tr.t("field-ends-at"), &ctx.text("ends_at")).kind("datetime-local").render(errors))
            (button(&tr.t("button-save")))
        }
    }
}

/// `/admin/arenas/{id}`: the arena in short, its "Open" or "Close", and its public page.
fn arena_page(ctx: &Ctx, arena: &Arena) -> Markup {
    let tr = &ctx.tr;
    let state = name_of(&arena.state);
    html! {
        (super::arenas::facts(tr, arena))
        @if let Some((command, key)) = command_of(&state) {
            form method="post" action={ (HERE) "/" (arena.id) "/" (command) } {
                (csrf_field(ctx))
                input type="hidden" name="expected_version" value=(arena.version);
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { (tr.t(key)) }
            }
        }
        p class="govuk-body" { a class="govuk-link" href={ "/arenas/" (arena.id) } { (tr.t("arena-public-page")) } }
        p class="govuk-body" { a class="govuk-link" href=(HERE) { (tr.t("admin-arenas-title")) } }
    }
}

async fn show_arena(
    ctx: &Ctx,
    state: &AppState,
    id: Uuid,
    status: poem::http::StatusCode,
    errors: &FormErrors,
) -> Response {
    match app::arenas::get(state, ctx.actor(), id).await {
        Ok(arena) => respond(
            status,
            page_with(ctx, &arena.name, Some(errors), arena_page(ctx, &arena)),
        ),
        Err(error) => refused(ctx, &error),
    }
}

/// `GET /admin/arenas/{id}` (facilitators).
#[handler]
pub async fn show_one(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    if let Err(response) = facilitator_only(&ctx) {
        return response;
    }
    show_arena(&ctx, &state, id, poem::http::StatusCode::OK, &FormErrors::none()).await
}

async fn show(ctx: &Ctx, state: &AppState, status: poem::http::StatusCode, errors: &FormErrors) -> Response {
    let actor = ctx.actor();
    match app::arenas::list(state, actor, Some(200), None).await {
        Ok(page) => respond(
            status,
            page_with(
                ctx,
                &ctx.tr.t("admin-arenas-title"),
                Some(errors),
                registry(ctx, &page.items, errors),
            ),
        ),
        Err(error) => refused(ctx, &error),
    }
}

/// `GET /admin/arenas` (facilitators).
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    if let Err(response) = facilitator_only(&ctx) {
        return response;
    }
    show(&ctx, &state, poem::http::StatusCode::OK, &FormErrors::none()).await
}

fn moment(ctx: &Ctx, field: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    match ctx.field(field).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(value) => datetime_local_to_utc(value)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(field, FieldProblem::NotADateTime)),
    }
}

/// `POST /admin/arenas`: a new arena, planned.
#[handler]
pub async fn create(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let kind = ctx.field("kind").and_then(ArenaKind::parse);
    let result = async {
        let input = NewArena {
            name: ctx.text("name"),
            kind: kind.ok_or_else(|| ApiError::invalid("kind", FieldProblem::NotChosen))?,
            description: ctx.text("description"),
            location: ctx.field("location").map(str::to_owned),
            starts_at: moment(&ctx, "starts_at")?,
            ends_at: moment(&ctx, "ends_at")?,
        };
        app::arenas::create(&state, actor, input).await
    }
    .await;
    match result {
        Ok(_) => redirect(HERE),
        Err(error) => match form_refusal(&ctx, &error, HERE) {
            Ok((status, errors)) => show(&ctx, &state, status, &errors).await,
            Err(page) => page,
        },
    }
}

/// `POST /admin/arenas/{id}/open|close`.
#[handler]
pub async fn run_command(ctx: Ctx, state: Data<&AppState>, Path((id, name)): Path<(Uuid, String)>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let command = match name.as_str() {
        "open" => ArenaCommand::Open,
        "close" => ArenaCommand::Close,
        _ => return super::errors::not_found(&ctx),
    };
    if matches!(command, ArenaCommand::Close)
        && let Some(page) = super::irreversible::close_arena(&ctx, &state, actor, id).await
    {
        return page;
    }
    let result = match form_version(&ctx) {
        Ok(expected) => app::arenas::command(&state, actor, id, expected, command).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => redirect(&format!("{HERE}?saved=1")),
        Err(error) => match form_refusal(&ctx, &error, &format!("{HERE}/{id}")) {
            Ok((status, errors)) => show_arena(&ctx, &state, id, status, &errors).await,
            Err(page) => page,
        },
    }
}
