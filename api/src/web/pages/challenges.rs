//! Step 1 and 2 pages: the public list, a challenge with its questions and the commands
//! the viewer may use, the challenge form, and the forms that post commands.

use chrono::Utc;
use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::challenge::{self as rules, ChallengeCommand, ChallengeCommandKind, ChallengeState};
use sluss_domain::{Actor, ArenaId, FieldProblem, UserId};
use uuid::Uuid;

use super::labels::{challenge_state, idea_state, label, name_of, sdg};
use super::org_picker::{self, Names, Picker};
use super::{form_refusal, redirect, refused, signed_in};
use crate::app;
use crate::app::challenges::{ChallengePatch, ChallengeQuery, NewChallenge};
use crate::error::ApiError;
use crate::persistence::written::Tables;
use crate::state::AppState;
use crate::views::challenges::Challenge;
use crate::views::events::Event;
use crate::views::people::{OrganisationRef, PersonRef};
use crate::views::questions::Question;
use crate::web::context::Ctx;
use crate::web::forms::{FormErrors, from_api_error};
use crate::web::layout::{
    Input, button, csrf_field, field_id, more_filters, next_page, ok, page, page_with, prose, respond, sdg_checkboxes,
    secondary_button, table_region, tag, textarea,
};
use crate::web::time::datetime_local_to_utc;

/// The domain's view of a challenge, for asking which commands the viewer may use.
pub(super) fn domain_of(challenge: &Challenge) -> rules::Challenge {
    rules::Challenge {
        owner_id: UserId(challenge.owner_id),
        state: challenge.state.into(),
        title: challenge.title.clone(),
        summary: challenge.summary.clone(),
        description: challenge.description.clone(),
    }
}

/// `GET /challenges`: the public list with search, goal and arena filters.
///
/// What an anonymous visitor is shown depends on nothing but the language, the query and
/// the stored challenges and arenas, so it is kept (ADR 0019) until a write to those, as
/// the JSON list is: new ideas and questions leave it in place. A signed-in person's page
/// carries their own header (unread count, CSRF token) and is made each time.
#[handler]
pub async fn list(ctx: Ctx, state: Data<&AppState>) -> Response {
    if ctx.auth.is_some() {
        return list_page(&ctx, &state).await;
    }
    let key = format!("page {} {}", ctx.lang().code(), ctx.here);
    let reads = Tables::CHALLENGES.with(Tables::ARENAS).with(Tables::ORGANISATIONS);
    let made = state
        .reads
        .answer(None, key, reads, async { Ok(list_page(&ctx, &state).await) })
        .await;
    made.unwrap_or_else(|error| {
        tracing::error!(error = %error, "cannot keep the list of challenges");
        crate::web::pages::errors::internal(&ctx)
    })
}

async fn list_page(ctx: &Ctx, state: &AppState) -> Response {
    let tr = &ctx.tr;
    let get = |name: &str| ctx.filter(name);
    let q = get("q");
    let sdg_filter = get("sdg").and_then(|s| s.parse::<i64>().ok());
    let arena_filter = get("arena_id").and_then(|s| s.parse::<Uuid>().ok());
    let state_filter = get("state").and_then(|s| match s.as_str() {
        "published" => Some(ChallengeState::Published),
        "closed" => Some(ChallengeState::Closed),
        _ => None,
    });
    let filter = ChallengeQuery {
        state: state_filter,
        arena_id: arena_filter,
        owner_id: None,
        sdg: sdg_filter,
        q: q.clone(),
    };
    let cursor = get("cursor");
    let (page_result, arenas) = tokio::join!(
        app::challenges::list(state, None, filter, Some(20), cursor.as_deref()),
        app::arenas::list(state, None, Some(200), None)
    );
    let arenas = arenas.map(|p| p.items).unwrap_or_default();
    let (challenges, next, errors) = match page_result {
        Ok(page) => (page.items, page.next_cursor, FormErrors::none()),
        Err(error) if error.is_invalid() => (Vec::new(), None, from_api_error(tr, &error, "/challenges").1),
        Err(error) => return refused(ctx, &error),
    };
    let next_href = next.map(|cursor| ctx.with_cursor(&cursor));
    let chosen = [sdg_filter.is_some(), state_filter.is_some(), arena_filter.is_some()]
        .into_iter()
        .filter(|c| *c)
        .count();
    let body = html! {
        form method="get" action="/challenges" class="govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    (Input::text("q", tr.t("field-search"), q.as_deref().unwrap_or_default()).kind("search").render(&errors))
                }
            }
            (more_filters(tr, chosen, html! {
                div class="govuk-grid-row" {
                    div class="govuk-grid-column-one-third" {
                        div class="govuk-form-group" {
                            label class="govuk-label" for="f-sdg" { (tr.t("field-sdg")) }
                            select class="govuk-select" id="f-sdg" name="sdg" {
                                option value="" { (tr.t("filter-any")) }
                                @for goal in 1..=17u8 {
                                    option value=(goal) selected[sdg_filter == Some(i64::from(goal))] { (sdg(tr, goal)) }
                                }
                            }
                        }
                    }
                    div class="govuk-grid-column-one-third" {
                        div class="govuk-form-group" {
                            label class="govuk-label" for="f-state" { (tr.t("field-state")) }
                            select class="govuk-select" id="f-state" name="state" {
                                option value="" { (tr.t("filter-any")) }
                                option value="published" selected[state_filter == Some(ChallengeState::Published)] { (challenge_state(tr, ChallengeState::Published)) }
                                option value="closed" selected[state_filter == Some(ChallengeState::Closed)] { (challenge_state(tr, ChallengeState::Closed)) }
                            }
                        }
                    }
                    @if !arenas.is_empty() {
                        div class="govuk-grid-column-one-third" { (super::arenas::arena_filter(tr, &arenas, arena_filter)) }
                    }
                }
            }))
            (secondary_button(&tr.t("button-filter")))
        }
        @if challenges.is_empty() {
            p class="govuk-body" { (tr.t("challenges-none")) }
        }
        @for challenge in &challenges { (summary_card(ctx, challenge)) }
        @if let Some(href) = next_href {
            (next_page(tr, &href))
        }
    };
    let errors_shown = (!errors.is_empty()).then_some(&errors);
    ok(page_with(ctx, &tr.t("challenges-title"), errors_shown, body))
}

/// A challenge in a list: title, state, summary, deadline.
pub fn summary_card(ctx: &Ctx, challenge: &Challenge) -> Markup {
    let tr = &ctx.tr;
    html! {
        div class="sluss-card" {
            h2 class="govuk-heading-m govuk-!-margin-bottom-1" {
                a class="govuk-link" href={ "/challenges/" (challenge.id) } { (challenge.title) }
            }
            p class="govuk-body-s govuk-!-margin-bottom-1" {
                (tag(&challenge_state(tr, challenge.state.into())))
                @if let Some(organisation) = &challenge.organisation { " " (organisation.name) }
                @if let Some(close) = challenge.ideas_close_at {
                    " · " (tr.t("ideas-close-at")) " " (tr.datetime(close))
                }
            }
            p class="govuk-body" { (challenge.summary) }
        }
    }
}

/// What the challenge page shows beside the challenge.
struct Extras {
    questions: Vec<Question>,
    history: Vec<Event>,
    arena_name: Option<String>,
    arenas: Vec<crate::views::arenas::Arena>,
    /// Its completed tests, when it is public (SPEC §14.3).
    results: Vec<crate::views::results::TestResult>,
    /// The ideas on it, for its owner and facilitators (SPEC §14.1): the owner's list holds
    /// no drafts.
    ideas: Option<Vec<crate::views::ideas::Idea>>,
    /// The organisation picker of the "Transfer" form (ADR 0030): empty, or as posted.
    transfer: Picker,
    /// Its files (SPEC §15).
    files: super::files::FilesView,
}

async fn extras(state: &AppState, ctx: &Ctx, challenge: &Challenge) -> Extras {
    let actor = ctx.actor();
    let insider = rules::is_insider(&domain_of(challenge), actor);
    let questions = app::questions::list(state, actor, challenge.id, Some(200), None)
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let history = match actor {
        Some(actor) => app::challenges::history(state, actor, challenge.id)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let arena_name = match challenge.arena_id {
        Some(id) => app::arenas::get(state, actor, id).await.ok().map(|a| a.name),
        None => None,
    };
    let arenas = if insider && actor.is_some_and(Actor::is_facilitator) {
        app::arenas::list(state, actor, Some(200), None)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let results = if ChallengeState::from(challenge.state).is_public() {
        let query = crate::app::results::ResultQuery {
            challenge_id: Some(challenge.id),
            ..Default::default()
        };
        app::results::list(state, query, Some(200), None)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let ideas = match actor {
        Some(actor) if insider => app::ideas::list_for_challenge(state, actor, challenge.id, None, Some(200), None)
            .await
            .ok()
            .map(|page| page.items),
        _ => None,
    };
    let files = super::files::load(
        ctx,
        state,
        crate::app::attachments::ParentRef::Challenge(challenge.id),
        format!("/challenges/{}/files", challenge.id),
        false,
    )
    .await;
    Extras {
        questions,
        history,
        arena_name,
        arenas,
        results,
        ideas,
        transfer: transfer_picker(),
        files,
    }
}

/// The "Transfer" form's organisation picker, empty: left so, the challenge keeps its
/// organisation.
fn transfer_picker() -> Picker {
    Picker::with(Names::single("organisation_id"), None)
}

/// `GET /challenges/{id}`.
#[handler]
pub async fn show(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    match app::challenges::get(&state, ctx.actor(), id).await {
        Ok(challenge) => {
            let extras = extras(&state, &ctx, &challenge).await;
            ok(detail(&ctx, &challenge, &extras, &FormErrors::none(), None))
        }
        Err(error) => refused(&ctx, &error),
    }
}

/// The challenge page; `failed` names the form whose refusal `errors` holds.
fn detail(ctx: &Ctx, challenge: &Challenge, extras: &Extras, errors: &FormErrors, failed: Option<&str>) -> Markup {
    let tr = &ctx.tr;
    let actor = ctx.actor();
    let domain = domain_of(challenge);
    let commands = rules::offered(&domain, actor);
    let insider = rules::is_insider(&domain, actor);
    let editable = rules::authorize_edit(&domain, actor).is_ok();
    let state: ChallengeState = challenge.state.into();
    let ideas_open = state == ChallengeState::Published && challenge.ideas_close_at.is_none_or(|at| at > Utc::now());
    let is_innovator = actor.is_some_and(|a| a.has(sluss_domain::Role::Innovator));
    let none = FormErrors::none();
    let errors_for = |form: &str| if failed == Some(form) { errors } else { &none };
    let body = html! {
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("field-state")) }
                dd class="govuk-summary-list__value" { (tag(&challenge_state(tr, state))) }
            }
            @if challenge.owner.is_some() || challenge.organisation.is_some() {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-owner")) }
                    dd class="govuk-summary-list__value" id="owner" {
                        @match &challenge.owner {
                            Some(owner) => (person_with_organisation(&owner.display_name, challenge.organisation.as_ref())),
                            None => @if let Some(organisation) = &challenge.organisation { (organisation.name) },
                        }
                    }
                }
            }
            @if let Some(arena) = &extras.arena_name {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-arena")) }
                    dd class="govuk-summary-list__value" {
                        @if let Some(id) = challenge.arena_id { a class="govuk-link" href={ "/arenas/" (id) } { (arena) } }
                    }
                }
            }
            @if let Some(location) = &challenge.location {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-location")) }
                    dd class="govuk-summary-list__value" { (location) }
                }
            }
            @if let Some(close) = challenge.ideas_close_at {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("ideas-close-at")) }
                    dd class="govuk-summary-list__value" { (tr.datetime(close)) }
                }
            }
            @if !challenge.sdgs.is_empty() {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-sdgs")) }
                    dd class="govuk-summary-list__value" {
                        ul class="govuk-list" { @for goal in &challenge.sdgs { li { (sdg(tr, *goal)) } } }
                    }
                }
            }
        }
        @if let Some(feedback) = &challenge.feedback {
            div class="govuk-inset-text" {
                h2 class="govuk-heading-s" { (tr.t("feedback-from-team")) }
                (prose(feedback))
            }
        }
        h2 class="govuk-heading-m" { (tr.t("field-summary")) }
        (prose(&challenge.summary))
        h2 class="govuk-heading-m" { (tr.t("field-description")) }
        (prose(&challenge.description))
        (super::files::section(ctx, &extras.files))

        @if ideas_open && is_innovator {
            a class="govuk-button" href={ "/challenges/" (challenge.id) "/ideas/new" } { (tr.t("submit-an-idea")) }
        } @else if ideas_open && actor.is_none() {
            p class="govuk-body" {
                a class="govuk-link" href=(crate::web::layout::login_href(&format!("/challenges/{}/ideas/new", challenge.id))) { (tr.t("login-to-submit-idea")) }
            }
        }

        @if let Some(ideas) = &extras.ideas {
            h2 class="govuk-heading-m" id="ideas" { (tr.t("ideas-on-challenge")) }
            @if ideas.is_empty() {
                p class="govuk-body" { (tr.t("ideas-on-challenge-none")) }
            } @else {
                ul class="govuk-list govuk-list--spaced" {
                    @for idea in ideas {
                        li {
                            a class="govuk-link" href={ "/ideas/" (idea.id) } { (idea.title) }
                            " " (tag(&idea_state(tr, idea.state.into())))
                            @if let Some(innovator) = &idea.innovator {
                                br;
                                span class="govuk-body-s sluss-muted" { (person_with_organisation(&innovator.display_name, innovator.organisation.as_ref())) }
                            }
                        }
                    }
                }
            }
        }

        @if !extras.results.is_empty() {
            h2 class="govuk-heading-m" id="results" { (tr.t("results-of-challenge")) }
            @for result in &extras.results { (super::results::result_card(ctx, result, false)) }
        }

        @if insider || !commands.is_empty() {
            h2 class="govuk-heading-m" { (tr.t("actions-title")) }
            @if editable {
                p class="govuk-body" { a class="govuk-link" href={ "/challenges/" (challenge.id) "/edit" } { (tr.t("edit-challenge")) } }
            }
            @if actor.is_some_and(Actor::is_facilitator) && state.is_public() {
                p class="govuk-body" { a class="govuk-link" href={ "/challenges/" (challenge.id) "/ranking" } { (tr.t("ranking-link")) } }
            }
            (command_forms(ctx, challenge, &commands, extras, errors_for))
        }

        h2 class="govuk-heading-m" id="questions" { (tr.t("questions-title")) }
        @if extras.questions.is_empty() { p class="govuk-body" { (tr.t("questions-none")) } }
        @for question in &extras.questions {
            div class="sluss-card" id={ "q-" (question.id) } {
                p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1" { (question.text) }
                p class="govuk-body-s sluss-muted" { (tr.datetime(question.asked_at)) }
                @if let Some(answer) = &question.answer {
                    div class="govuk-inset-text" { (prose(&answer.text)) }
                } @else if insider {
                    (answer_form(ctx, question, if failed == Some("answer") && ctx.field("question_id") == Some(&question.id.to_string()) { errors } else { &none }))
                }
            }
        }
        @if state == ChallengeState::Published {
            @if actor.is_some() {
                form method="post" action={ "/challenges/" (challenge.id) "/questions" } novalidate {
                    (csrf_field(ctx))
                    (textarea("text", &tr.t("field-question"), &if failed == Some("ask") { ctx.text("text") } else { String::new() }, None, errors_for("ask")))
                    (button(&tr.t("button-ask")))
                }
            } @else {
                p class="govuk-body" { a class="govuk-link" href=(crate::web::layout::login_href(&ctx.here)) { (tr.t("login-to-ask")) } }
            }
        }

        @if actor.is_some() {
            p class="govuk-body" {
                a class="govuk-link" href={ "/obstacles?subject=challenge:" (challenge.id) } { (tr.t("log-obstacle-link")) }
            }
        }
        @if !extras.history.is_empty() {
            h2 class="govuk-heading-m" { (tr.t("history-title")) }
            (history_table(ctx, &extras.history, "challenge-state"))
        }
    };
    page_with(ctx, &challenge.title, Some(errors), body)
}

/// The name the errors of the answer to question `question_id` go by.
fn answer_field(question_id: &str) -> String {
    format!("answer-{question_id}")
}

fn answer_form(ctx: &Ctx, question: &Question, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let field = answer_field(&question.id.to_string());
    let id = field_id(&field);
    let error = errors.message_for(&field);
    html! {
        form method="post" action={ "/questions/" (question.id) "/answer" } novalidate {
            (csrf_field(ctx))
            input type="hidden" name="question_id" value=(question.id);
            input type="hidden" name="challenge_id" value=(question.challenge_id);
            div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                label class="govuk-label" for=(id) { (tr.t("field-answer")) }
                @if let Some(error) = error { p class="govuk-error-message" id={ (id) "-error" } { (error) } }
                textarea class="govuk-textarea" id=(id) name="text" rows="3"
                    aria-describedby=[error.map(|_| format!("{id}-error"))] {}
            }
            (button(&tr.t("button-answer")))
        }
    }
}

/// The forms of the commands this viewer may use.
fn command_forms<'a>(
    ctx: &Ctx,
    challenge: &Challenge,
    commands: &[ChallengeCommandKind],
    extras: &Extras,
    errors_for: impl Fn(&str) -> &'a FormErrors,
) -> Markup {
    let tr = &ctx.tr;
    let action =
        |command: ChallengeCommandKind| format!("/challenges/{}/{}", challenge.id, command.as_str().replace('_', "-"));
    let version = html! { (csrf_field(ctx)) input type="hidden" name="expected_version" value=(challenge.version); };
    html! {
        @for command in commands {
            @match *command {
                ChallengeCommandKind::Submit => {
                    form method="post" action=(action(ChallengeCommandKind::Submit)) class="sluss-inline-form" { (version) (button(&tr.t("button-submit"))) }
                }
                ChallengeCommandKind::Close => {
                    form method="post" action=(action(ChallengeCommandKind::Close)) class="sluss-inline-form" { (version) (secondary_button(&tr.t("button-close"))) }
                }
                ChallengeCommandKind::Archive => {
                    form method="post" action=(action(ChallengeCommandKind::Archive)) class="sluss-inline-form" { (version) (secondary_button(&tr.t("button-archive"))) }
                }
                ChallengeCommandKind::RequestChanges => {
                    form method="post" action=(action(ChallengeCommandKind::RequestChanges)) novalidate {
                        (version)
                        (textarea("feedback", &tr.t("field-feedback"), &ctx.text("feedback"), Some(&tr.t("feedback-hint")), errors_for("request_changes")))
                        (secondary_button(&tr.t("button-request-changes")))
                    }
                }
                ChallengeCommandKind::Publish => {
                    form method="post" action=(action(ChallengeCommandKind::Publish)) novalidate {
                        (version)
                        @let errors = errors_for("publish");
                        div class="govuk-form-group" {
                            label class="govuk-label" for=(field_id("arena_id")) { (tr.t("field-arena")) }
                            select class="govuk-select" id=(field_id("arena_id")) name="arena_id" {
                                option value="" { (tr.t("arena-none")) }
                                @for arena in extras.arenas.iter().filter(|a| name_of(&a.state) != "closed") {
                                    option value=(arena.id) { (arena.name) " (" (label(tr, "arena-state", &name_of(&arena.state))) ")" }
                                }
                            }
                        }
                        (Input::text("ideas_close_at", tr.t("field-ideas-close-at"), &ctx.text("ideas_close_at"))
                            .kind("datetime-local").hint(tr.t("ideas-close-at-hint")).render(errors))
                        div class="govuk-form-group" {
                            div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                                div class="govuk-checkboxes__item" {
                                    input class="govuk-checkboxes__input" id="f-blind_assessment" name="blind_assessment" type="checkbox" value="true";
                                    label class="govuk-label govuk-checkboxes__label" for="f-blind_assessment" { (tr.t("field-blind-assessment")) }
                                }
                            }
                        }
                        (button(&tr.t("button-publish")))
                    }
                }
                ChallengeCommandKind::Transfer => {
                    form method="post" action=(action(ChallengeCommandKind::Transfer)) novalidate {
                        (version)
                        (Input::text("owner_email", tr.t("field-new-owner-email"), &ctx.text("owner_email"))
                            .kind("email").hint(tr.t("transfer-hint")).render(errors_for("transfer")))
                        (extras.transfer.render(ctx, &tr.t("field-new-organisation"), &tr.t("transfer-organisation-hint"), errors_for("transfer")))
                        (secondary_button(&tr.t("button-transfer")))
                    }
                }
                ChallengeCommandKind::Withdraw => {
                    form method="post" action=(action(ChallengeCommandKind::Withdraw)) novalidate {
                        (version)
                        (textarea("reason", &tr.t("field-reason"), &ctx.text("reason"), Some(&tr.t("withdraw-hint")), errors_for("withdraw")))
                        button type="submit" class="govuk-button govuk-button--warning" { (tr.t("button-withdraw")) }
                    }
                }
            }
        }
    }
}

/// A person's name, with their organisation after it where one is known.
pub fn person_with_organisation(name: &str, organisation: Option<&OrganisationRef>) -> Markup {
    html! {
        (name)
        @if let Some(organisation) = organisation { ", " (organisation.name) }
    }
}

/// Who acted in a history entry: their name, or their part in the idea where blind
/// assessment hides them.
fn actor_name(tr: &crate::web::i18n::Tr, actor: &PersonRef) -> String {
    match actor.id {
        Some(_) => actor.display_name.clone(),
        None if actor.display_name == crate::views::people::HIDDEN_MEMBER => tr.t("history-actor-member"),
        None => tr.t("history-actor-innovator"),
    }
}

/// A history as a table: when, what, and the state after; `states` names the group of
/// state names (`challenge-state` or `idea-state`).
pub fn history_table(ctx: &Ctx, events: &[Event], states: &str) -> Markup {
    let tr = &ctx.tr;
    html! {
        (table_region(&tr.t("history-title"), html! {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-visually-hidden" { (tr.t("history-title")) }
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("history-when")) }
                        th scope="col" class="govuk-table__header" { (tr.t("history-what")) }
                        th scope="col" class="govuk-table__header" { (tr.t("history-state")) }
                    }
                }
                tbody class="govuk-table__body" {
                    @for event in events {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (tr.datetime(event.at)) }
                            td class="govuk-table__cell" {
                                (label(tr, "command", &event.command))
                                br;
                                span class="govuk-body-s sluss-muted" { (tr.t_with("history-by", &[("name", actor_name(tr, &event.actor).into())])) }
                            }
                            td class="govuk-table__cell" { (label(tr, states, &event.to_state)) }
                        }
                    }
                }
            }
        }))
    }
}

/// `POST /challenges/{id}/{command}`: runs the command and returns to the challenge, or
/// shows the page again with the refusal.
#[handler]
pub async fn run_command(ctx: Ctx, state: Data<&AppState>, Path((id, name)): Path<(Uuid, String)>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let text = |field: &str| {
        ctx.field(field)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let command = match name.as_str() {
        "submit" => ChallengeCommand::Submit,
        "close" => ChallengeCommand::Close,
        "archive" => ChallengeCommand::Archive,
        "request-changes" => ChallengeCommand::RequestChanges {
            feedback: ctx.text("feedback"),
        },
        "withdraw" => ChallengeCommand::Withdraw { reason: text("reason") },
        "transfer" => {
            // "Search" shows the form again with the organisations that match, nothing saved.
            let picker = Picker::read(&ctx, &state, Names::single("organisation_id")).await;
            if org_picker::searching(&ctx) {
                return match app::challenges::get(&state, Some(actor), id).await {
                    Ok(challenge) => {
                        let mut extras = extras(&state, &ctx, &challenge).await;
                        extras.transfer = picker;
                        ok(detail(&ctx, &challenge, &extras, &FormErrors::none(), Some("transfer")))
                    }
                    Err(error) => refused(&ctx, &error),
                };
            }
            let organisation_id = match picker.resolved() {
                Ok(organisation_id) => organisation_id,
                Err(error) => return refuse_command(&ctx, &state, id, "transfer", error).await,
            };
            // The form names the new owner by e-mail; the command by account.
            let address = text("owner_email").unwrap_or_default().to_lowercase();
            let owner = match crate::persistence::users::find_by_email(&state.db, &address).await {
                Ok(Some(account)) => account.id,
                Ok(None) => {
                    let problem = if address.is_empty() {
                        FieldProblem::Required
                    } else {
                        FieldProblem::NoSuchUser
                    };
                    return refuse_command(&ctx, &state, id, "transfer", ApiError::invalid("owner_email", problem))
                        .await;
                }
                Err(error) => return refused(&ctx, &ApiError::from(error)),
            };
            ChallengeCommand::Transfer {
                owner_id: UserId(owner),
                organisation_id,
            }
        }
        "publish" => {
            let ideas_close_at = match text("ideas_close_at").map(|v| datetime_local_to_utc(&v)) {
                Some(Some(at)) => Some(at),
                Some(None) => {
                    return refuse_command(
                        &ctx,
                        &state,
                        id,
                        "publish",
                        ApiError::invalid("ideas_close_at", FieldProblem::NotADateTime),
                    )
                    .await;
                }
                None => None,
            };
            ChallengeCommand::Publish {
                arena_id: text("arena_id").and_then(|v| v.parse().ok()).map(ArenaId),
                ideas_close_at,
                blind_assessment: ctx.field("blind_assessment") == Some("true"),
            }
        }
        _ => return super::errors::not_found(&ctx),
    };
    if let Some(page) = super::irreversible::challenge(&ctx, &state, actor, id, command.kind()).await {
        return page;
    }
    let form = command.name();
    let expected = match form_version(&ctx) {
        Ok(expected) => expected,
        Err(error) => return refuse_command(&ctx, &state, id, form, error).await,
    };
    match app::challenges::command(&state, actor, id, expected, command).await {
        Ok(_) if form == "submit" => redirect(&format!("/challenges/{id}?done=challenge-submitted")),
        Ok(_) if form == "transfer" => redirect(&format!("/challenges/{id}?done=challenge-transferred")),
        Ok(_) => redirect(&format!("/challenges/{id}")),
        Err(error) => refuse_command(&ctx, &state, id, form, error).await,
    }
}

/// The version a form says it read.
pub fn form_version(ctx: &Ctx) -> Result<Option<app::Expected>, ApiError> {
    app::expected_version(None, ctx.field("expected_version").and_then(|v| v.parse().ok()))
}

async fn refuse_command(ctx: &Ctx, state: &AppState, id: Uuid, form: &str, error: ApiError) -> Response {
    let (status, mut errors) = match form_refusal(ctx, &error, &format!("/challenges/{id}")) {
        Ok(refusal) => refusal,
        Err(page) => return page,
    };
    if form == "transfer" {
        for (name, _) in &mut errors.fields {
            if name == "owner_id" {
                "owner_email".clone_into(name);
            }
        }
        errors.label("owner_email", ctx.tr.t("field-new-owner-email"));
        errors.label("organisation_id", ctx.tr.t("field-new-organisation"));
    }
    if form == "answer" {
        // Each question has its own answer field: the summary links to the one refused.
        let field = answer_field(ctx.field("question_id").unwrap_or_default());
        for (name, _) in &mut errors.fields {
            if name == "text" {
                name.clone_from(&field);
            }
        }
        errors.label(&field, ctx.tr.t("field-answer"));
    } else {
        errors.label("text", ctx.tr.t("field-question"));
    }
    match app::challenges::get(state, ctx.actor(), id).await {
        // What a submit lacks is filled in on the challenge form: its fields are there.
        Ok(challenge) if form == "submit" && !errors.fields.is_empty() => {
            let action = format!("/challenges/{id}/edit");
            let values = ChallengeValues::from_challenge(&challenge);
            let picker = organisation_of(&challenge);
            let form = challenge_form(ctx, &action, &values, &picker, Some(challenge.version), &errors);
            let title = ctx
                .tr
                .t_with("edit-challenge-title", &[("title", challenge.title.into())]);
            let body = html! { p class="govuk-body" { (ctx.tr.t("submit-missing-intro")) } (form) };
            respond(status, page_with(ctx, &title, Some(&errors), body))
        }
        Ok(challenge) => {
            let mut extras = extras(state, ctx, &challenge).await;
            if form == "transfer" {
                // The organisation typed stays on the form, with the matches to choose from.
                extras.transfer = Picker::read(ctx, state, Names::single("organisation_id")).await;
                extras.transfer.explain(ctx, &mut errors);
            }
            respond(status, detail(ctx, &challenge, &extras, &errors, Some(form)))
        }
        Err(error) => refused(ctx, &error),
    }
}

/// `POST /challenges/{id}/questions`: asks a question.
#[handler]
pub async fn ask(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    match app::questions::ask(&state, actor, id, &ctx.text("text")).await {
        Ok(question) => redirect(&format!("/challenges/{id}?done=question-asked#q-{}", question.id)),
        Err(error) => refuse_command(&ctx, &state, id, "ask", error).await,
    }
}

/// `POST /questions/{id}/answer`: answers a question.
#[handler]
pub async fn answer_question(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    match app::questions::answer(&state, actor, id, &ctx.text("text")).await {
        Ok(question) => redirect(&format!("/challenges/{}#q-{id}", question.challenge_id)),
        Err(error) => match ctx.field("challenge_id").and_then(|v| v.parse::<Uuid>().ok()) {
            Some(challenge_id) => refuse_command(&ctx, &state, challenge_id, "answer", error).await,
            None => refused(&ctx, &error),
        },
    }
}

fn challenge_form(
    ctx: &Ctx,
    action: &str,
    values: &ChallengeValues,
    organisation: &Picker,
    version: Option<i64>,
    errors: &FormErrors,
) -> Markup {
    let tr = &ctx.tr;
    html! {
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            @if let Some(version) = version { input type="hidden" name="expected_version" value=(version); }
            (Input::text("title", tr.t("field-title"), &values.title).hint(tr.t("title-hint")).render(errors))
            (textarea("summary", &tr.t("field-summary"), &values.summary, Some(&tr.t("summary-hint")), errors))
            (textarea("description", &tr.t("field-description"), &values.description, Some(&tr.t("description-hint")), errors))
            (Input::text("location", tr.t("field-location"), &values.location).render(errors))
            @let hint = if version.is_some() { "challenge-organisation-edit-hint" } else { "challenge-organisation-hint" };
            (organisation.render(ctx, &tr.t("field-organisation"), &tr.t(hint), errors))
            (sdg_checkboxes(tr, &values.sdgs, Some(&tr.t("sdgs-hint")), errors))
            (button(&tr.t("button-save")))
        }
    }
}

/// The values of the challenge form.
#[derive(Debug, Default)]
struct ChallengeValues {
    title: String,
    summary: String,
    description: String,
    location: String,
    sdgs: Vec<i64>,
}

impl ChallengeValues {
    fn from_form(ctx: &Ctx) -> Self {
        Self {
            title: ctx.text("title"),
            summary: ctx.text("summary"),
            description: ctx.text("description"),
            location: ctx.text("location"),
            sdgs: ctx.all("sdgs").into_iter().filter_map(|v| v.parse().ok()).collect(),
        }
    }

    fn from_challenge(challenge: &Challenge) -> Self {
        Self {
            title: challenge.title.clone(),
            summary: challenge.summary.clone(),
            description: challenge.description.clone(),
            location: challenge.location.clone().unwrap_or_default(),
            sdgs: challenge.sdgs.iter().map(|g| i64::from(*g)).collect(),
        }
    }
}

/// The organisation picker of the challenge form, showing the challenge's organisation.
fn organisation_of(challenge: &Challenge) -> Picker {
    Picker::with(Names::single("organisation_id"), challenge.organisation.clone())
}

/// `GET /challenges/new`: the organisation is the owner's own to begin with.
#[handler]
pub async fn new_page(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    if rules::authorize_create(actor).is_err() {
        return super::errors::forbidden(&ctx);
    }
    let own = match crate::persistence::users::find(&state.db, actor.id.as_uuid()).await {
        Ok(user) => user.and_then(|user| user.organisation_id),
        Err(_) => None,
    };
    let own = match own {
        Some(id) => app::organisations::get(&state, id)
            .await
            .ok()
            .map(|o| OrganisationRef { id: o.id, name: o.name }),
        None => None,
    };
    let picker = Picker::with(Names::single("organisation_id"), own);
    let errors = FormErrors::none();
    let form = challenge_form(
        &ctx,
        "/challenges/new",
        &ChallengeValues::default(),
        &picker,
        None,
        &errors,
    );
    ok(page(
        &ctx,
        &ctx.tr.t("new-challenge-title"),
        html! {
            p class="govuk-body" { (ctx.tr.t("new-challenge-intro")) }
            (form)
        },
    ))
}

/// `POST /challenges/new`: creates the draft and shows it.
#[handler]
pub async fn create(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let values = ChallengeValues::from_form(&ctx);
    let picker = Picker::read(&ctx, &state, Names::single("organisation_id")).await;
    if org_picker::searching(&ctx) {
        let errors = FormErrors::none();
        let form = challenge_form(&ctx, "/challenges/new", &values, &picker, None, &errors);
        return ok(page(&ctx, &ctx.tr.t("new-challenge-title"), form));
    }
    let result = match picker.resolved() {
        Ok(organisation_id) => {
            let input = NewChallenge {
                title: values.title.clone(),
                summary: values.summary.clone(),
                description: values.description.clone(),
                location: Some(values.location.clone()),
                sdgs: values.sdgs.clone(),
                organisation_id,
            };
            app::challenges::create(&state, actor, input).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(challenge) => redirect(&format!("/challenges/{}", challenge.id)),
        Err(error) => match form_refusal(&ctx, &error, "/challenges/new") {
            Ok((status, mut errors)) => {
                picker.explain(&ctx, &mut errors);
                let form = challenge_form(&ctx, "/challenges/new", &values, &picker, None, &errors);
                respond(
                    status,
                    page_with(&ctx, &ctx.tr.t("new-challenge-title"), Some(&errors), form),
                )
            }
            Err(page) => page,
        },
    }
}

/// `GET /challenges/{id}/edit`.
#[handler]
pub async fn edit_page(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let challenge = match app::challenges::get(&state, Some(actor), id).await {
        Ok(challenge) => challenge,
        Err(error) => return refused(&ctx, &error),
    };
    if rules::authorize_edit(&domain_of(&challenge), Some(actor)).is_err() {
        return super::errors::forbidden(&ctx);
    }
    let errors = FormErrors::none();
    let action = format!("/challenges/{id}/edit");
    let form = challenge_form(
        &ctx,
        &action,
        &ChallengeValues::from_challenge(&challenge),
        &organisation_of(&challenge),
        Some(challenge.version),
        &errors,
    );
    ok(page(
        &ctx,
        &ctx.tr
            .t_with("edit-challenge-title", &[("title", challenge.title.clone().into())]),
        form,
    ))
}

/// `POST /challenges/{id}/edit`: saves the content; a stale version says someone else
/// changed it.
#[handler]
pub async fn update(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let values = ChallengeValues::from_form(&ctx);
    let picker = Picker::read(&ctx, &state, Names::single("organisation_id")).await;
    let action = format!("/challenges/{id}/edit");
    let version = ctx.field("expected_version").and_then(|v| v.parse().ok());
    if org_picker::searching(&ctx) {
        let errors = FormErrors::none();
        let form = challenge_form(&ctx, &action, &values, &picker, version, &errors);
        return ok(page(&ctx, &ctx.tr.t("edit-challenge-generic"), form));
    }
    let result = match (form_version(&ctx), picker.resolved()) {
        (Ok(expected), Ok(organisation_id)) => {
            let patch = ChallengePatch {
                title: Some(values.title.clone()),
                summary: Some(values.summary.clone()),
                description: Some(values.description.clone()),
                location: Some(Some(values.location.clone()).filter(|l| !l.trim().is_empty())),
                sdgs: Some(values.sdgs.clone()),
                // Left empty, the organisation stays as it is.
                organisation_id: organisation_id.map(Some),
            };
            app::challenges::update(&state, actor, id, patch, expected).await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(_) => redirect(&format!("/challenges/{id}")),
        Err(error) => {
            let (status, mut errors) = match form_refusal(&ctx, &error, &action) {
                Ok(refusal) => refusal,
                Err(page) => return page,
            };
            picker.explain(&ctx, &mut errors);
            let form = challenge_form(&ctx, &action, &values, &picker, version, &errors);
            respond(
                status,
                page_with(&ctx, &ctx.tr.t("edit-challenge-generic"), Some(&errors), form),
            )
        }
    }
}
