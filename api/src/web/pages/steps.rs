//! Steps 4 and 5 (SPEC §10.4): `/ideas/{id}/incubation` — the support organisation, the
//! plan and the milestones, kept by the innovation team and the idea's innovator — and
//! `/ideas/{id}/test` — the site, host, dates and success criteria, the spread activities,
//! and the commands that start, complete or discontinue the test.

use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::idea::{IdeaCommand, IdeaCommandKind, IdeaState};
use sluss_domain::steps as step_rules;
use sluss_domain::{Actor, FieldProblem};
use uuid::Uuid;

use super::challenges::form_version;
use super::idea_steps::Section;
use super::labels::{label, name_of};
use super::org_picker::{self, Names, Picker};
use super::{form_refusal, idea_steps, irreversible, redirect, refused, signed_in};
use crate::app;
use crate::app::steps::{NewMilestone, NewSpreadActivity};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::challenges::Challenge;
use crate::views::ideas::Idea;
use crate::views::steps::{Incubation, SPREAD_KINDS, SupportOrganisation, Test, spread_kind_of};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{
    Input, button, choice_select, csrf_field, ok, page_with, prose, respond, secondary_button, table_region, tag,
    textarea,
};
use crate::web::time::parse_date;

/// The idea, its challenge, and the team's commands the viewer may use on it now.
struct Loaded {
    idea: Idea,
    challenge: Challenge,
    offered: Vec<IdeaCommandKind>,
}

impl Loaded {
    fn state(&self) -> IdeaState {
        self.idea.state.into()
    }

    fn offers(&self, command: IdeaCommandKind) -> bool {
        self.offered.contains(&command)
    }

    /// Whether `actor` keeps the milestones now (facilitators, the idea's innovator and
    /// accepted team members, while the idea is in incubation).
    fn keeps_milestones(&self, actor: &Actor) -> bool {
        step_rules::authorize_milestone(actor, &self.idea.authors(), self.state()).is_ok()
    }
}

async fn load(ctx: &Ctx, state: &AppState, actor: &Actor, id: Uuid) -> Result<Loaded, Response> {
    let idea = app::ideas::get(state, actor, id).await.map_err(|e| refused(ctx, &e))?;
    // An idea's assessors see the idea, not its steps: the 404 page, not an empty one.
    app::steps::load_steps_idea(&state.db, id, actor)
        .await
        .map_err(|e| refused(ctx, &e))?;
    let challenge = app::challenges::get(state, Some(actor), idea.challenge_id)
        .await
        .map_err(|e| refused(ctx, &e))?;
    let (offered, _) = app::ideas::offered(state, actor, id)
        .await
        .map_err(|e| refused(ctx, &e))?;
    Ok(Loaded {
        idea,
        challenge,
        offered,
    })
}

/// `Ok(None)` for a step the idea has not reached (the use case answers 404).
fn reached<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(found) => Ok(Some(found)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}

fn back_link(ctx: &Ctx, loaded: &Loaded) -> Markup {
    html! {
        p class="govuk-body" {
            a class="govuk-back-link govuk-!-margin-top-0" href={ "/ideas/" (loaded.idea.id) } { (ctx.tr.t("back-to-idea")) }
        }
        p class="govuk-body" {
            (ctx.tr.t("field-challenge")) ": "
            a class="govuk-link" href={ "/challenges/" (loaded.challenge.id) } { (loaded.challenge.title) }
        }
    }
}

fn row(key: &str, value: Markup) -> Markup {
    html! {
        div class="govuk-summary-list__row" {
            dt class="govuk-summary-list__key" { (key) }
            dd class="govuk-summary-list__value" { (value) }
        }
    }
}

fn version_fields(ctx: &Ctx, loaded: &Loaded) -> Markup {
    html! { (csrf_field(ctx)) input type="hidden" name="expected_version" value=(loaded.idea.version); }
}

fn discontinue_form(ctx: &Ctx, loaded: &Loaded, action: &str, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    html! {
        form method="post" action=(action) novalidate {
            (version_fields(ctx, loaded))
            h2 class="govuk-heading-m" { (tr.t("discontinue-title")) }
            (textarea("reason", &tr.t("field-reason"), &ctx.text("reason"), Some(&tr.t("discontinue-hint")), errors))
            button type="submit" class="govuk-button govuk-button--warning" { (tr.t("button-discontinue")) }
        }
    }
}

// ----- incubation ---------------------------------------------------------------------

/// What the incubation page shows.
struct IncubationPage<'a> {
    loaded: &'a Loaded,
    incubation: Option<&'a Incubation>,
    organisations: &'a [SupportOrganisation],
}

fn organisation_select(ctx: &Ctx, organisations: &[SupportOrganisation], errors: &FormErrors) -> Markup {
    let choices: Vec<(String, String)> = organisations
        .iter()
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    let tr = &ctx.tr;
    let (label, blank) = (tr.t("field-support-organisation"), tr.t("choose-one"));
    choice_select(ctx, "support_organisation_id", &label, &choices, Some(&blank), errors)
}

fn incubation_body(
    ctx: &Ctx,
    actor: &Actor,
    shown: &IncubationPage<'_>,
    errors: &FormErrors,
    failed: Option<&str>,
) -> Markup {
    let tr = &ctx.tr;
    let loaded = shown.loaded;
    let id = loaded.idea.id;
    let none = FormErrors::none();
    let errors_for = |form: &str| if failed == Some(form) { errors } else { &none };
    let keeps = loaded.keeps_milestones(actor);
    html! {
        (back_link(ctx, loaded))
        @match shown.incubation {
            Some(incubation) => {
                @let organisation = shown.organisations.iter().find(|o| o.id == incubation.support_organisation_id);
                dl class="govuk-summary-list" {
                    (row(&tr.t("field-state"), tag(&super::labels::idea_state(tr, loaded.state()))))
                    (row(&tr.t("field-support-organisation"), html! {
                        @match organisation {
                            Some(organisation) => {
                                (organisation.name)
                                @if let Some(email) = &organisation.contact_email {
                                    br; a class="govuk-link" href={ "mailto:" (email) } { (email) }
                                }
                            }
                            None => { (tr.t("unknown-organisation")) }
                        }
                    }))
                    (row(&tr.t("incubation-started-at"), html! { (tr.datetime(incubation.started_at)) }))
                }
                h2 class="govuk-heading-m" { (tr.t("field-plan")) }
                (prose(&incubation.plan))
                h2 class="govuk-heading-m" { (tr.t("milestones-title")) }
                @if incubation.milestones.is_empty() {
                    p class="govuk-body" { (tr.t("milestones-none")) }
                } @else {
                    (table_region(&tr.t("milestones-title"), html! {
                        table class="govuk-table" {
                            caption class="govuk-table__caption govuk-visually-hidden" { (tr.t("milestones-title")) }
                            thead class="govuk-table__head" {
                                tr class="govuk-table__row" {
                                    th scope="col" class="govuk-table__header" { (tr.t("field-title")) }
                                    th scope="col" class="govuk-table__header" { (tr.t("field-due-on")) }
                                    th scope="col" class="govuk-table__header" { (tr.t("field-state")) }
                                    @if keeps { th scope="col" class="govuk-table__header" { (tr.t("actions-title")) } }
                                }
                            }
                            tbody class="govuk-table__body" {
                                @for milestone in &incubation.milestones {
                                    tr class="govuk-table__row" {
                                        td class="govuk-table__cell" { (milestone.title) }
                                        td class="govuk-table__cell" { @if let Some(due) = milestone.due_on { (tr.date(due)) } @else { "–" } }
                                        td class="govuk-table__cell" {
                                            @match milestone.done_at {
                                                Some(at) => { (tag(&tr.t("milestone-done"))) " " (tr.datetime(at)) }
                                                None => { (tag(&tr.t("milestone-open"))) }
                                            }
                                        }
                                        @if keeps {
                                            td class="govuk-table__cell" {
                                                @if milestone.done_at.is_none() {
                                                    form method="post" action={ "/ideas/" (id) "/incubation/milestones/" (milestone.id) "/complete" } class="govuk-!-margin-bottom-0" {
                                                        (csrf_field(ctx))
                                                        button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                                                            aria-label={ (tr.t("button-complete-milestone")) ": " (milestone.title) } { (tr.t("button-complete-milestone")) }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }))
                }
                @if keeps {
                    form method="post" action={ "/ideas/" (id) "/incubation/milestones" } novalidate {
                        (csrf_field(ctx))
                        h3 class="govuk-heading-s" { (tr.t("new-milestone-title")) }
                        (Input::text("title", tr.t("field-title"), &ctx.text("title")).render(errors_for("add_milestone")))
                        (Input::text("due_on", tr.t("field-due-on"), &ctx.text("due_on")).kind("date").hint(tr.t("date-hint")).render(errors_for("add_milestone")))
                        (secondary_button(&tr.t("button-add-milestone")))
                    }
                }
            }
            None => {
                @if loaded.offers(IdeaCommandKind::StartIncubation) {
                    @if shown.organisations.is_empty() {
                        p class="govuk-body" { (tr.t("incubation-no-organisations")) }
                    } @else {
                        form method="post" action={ "/ideas/" (id) "/incubation/start" } novalidate {
                            (version_fields(ctx, loaded))
                            p class="govuk-body" { (tr.t("incubation-start-intro")) }
                            (organisation_select(ctx, shown.organisations, errors_for("start_incubation")))
                            (textarea("plan", &tr.t("field-plan"), &ctx.text("plan"), Some(&tr.t("plan-hint")), errors_for("start_incubation")))
                            (button(&tr.t("button-start-incubation")))
                        }
                    }
                } @else {
                    p class="govuk-body" { (tr.t("incubation-not-started")) }
                }
            }
        }
        @if loaded.offers(IdeaCommandKind::Discontinue) && loaded.state() == IdeaState::InIncubation {
            (discontinue_form(ctx, loaded, &format!("/ideas/{id}/incubation/discontinue"), errors_for("discontinue")))
        }
    }
}

async fn render_incubation(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    errors: &FormErrors,
    failed: Option<&str>,
    answer: impl Fn(Markup) -> Response,
) -> Response {
    let loaded = match load(ctx, state, actor, id).await {
        Ok(loaded) => loaded,
        Err(response) => return response,
    };
    let (incubation, organisations) = tokio::join!(
        app::steps::incubation(state, actor, id),
        app::steps::list_support_organisations(state, actor, Some(200), None)
    );
    let incubation = match reached(incubation) {
        Ok(incubation) => incubation,
        Err(error) => return refused(ctx, &error),
    };
    let organisations = organisations.map(|page| page.items).unwrap_or_default();
    let shown = IncubationPage {
        loaded: &loaded,
        incubation: incubation.as_ref(),
        organisations: &organisations,
    };
    let title = ctx
        .tr
        .t_with("incubation-page-title", &[("idea", loaded.idea.title.clone().into())]);
    answer(page_with(
        ctx,
        &title,
        Some(errors),
        incubation_body(ctx, actor, &shown, errors, failed),
    ))
}

/// `GET /ideas/{id}/incubation`.
#[handler]
pub async fn incubation_page(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    render_incubation(&ctx, &state, actor, id, &FormErrors::none(), None, ok).await
}

/// The answer to a form of the incubation page: back to it, or the page again with the
/// refusal at the form `form`.
async fn incubation_answer<T>(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &str,
    result: Result<T, ApiError>,
) -> Response {
    let here = format!("/ideas/{id}/incubation");
    match result {
        Ok(_) => redirect(&here),
        Err(error) => match form_refusal(ctx, &error, &here) {
            Ok((status, errors)) => {
                render_incubation(ctx, state, actor, id, &errors, Some(form), |markup| {
                    respond(status, markup)
                })
                .await
            }
            Err(page) => page,
        },
    }
}

/// `POST /ideas/{id}/incubation/{start|discontinue}`.
#[handler]
pub async fn incubation_command(ctx: Ctx, state: Data<&AppState>, Path((id, name)): Path<(Uuid, String)>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let command = match name.as_str() {
        "start" => ctx
            .field("support_organisation_id")
            .and_then(|v| Uuid::parse_str(v.trim()).ok())
            .ok_or_else(|| ApiError::invalid("support_organisation_id", FieldProblem::NotChosen))
            .map(|support_organisation_id| IdeaCommand::StartIncubation {
                support_organisation_id,
                plan: ctx.text("plan"),
            }),
        "discontinue" => Ok(IdeaCommand::Discontinue {
            reason: ctx.text("reason"),
        }),
        _ => return super::errors::not_found(&ctx),
    };
    let form = if name == "start" {
        "start_incubation"
    } else {
        "discontinue"
    };
    if let Ok(command) = &command {
        let here = format!("/ideas/{id}/incubation");
        if let Some(page) = irreversible::idea(&ctx, &state, actor, id, command.kind(), &here).await {
            return page;
        }
    }
    let result = match (form_version(&ctx), command) {
        (Ok(expected), Ok(command)) => app::ideas::command(&state, actor, id, expected, command).await,
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    incubation_answer(&ctx, &state, actor, id, form, result).await
}

/// `POST /ideas/{id}/incubation/milestones`: a new milestone.
#[handler]
pub async fn add_milestone(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let due = ctx.text("due_on");
    let result = match due.trim() {
        "" => Ok(None),
        value => parse_date(value)
            .map(Some)
            .ok_or_else(|| ApiError::invalid("due_on", FieldProblem::NotADate)),
    };
    let result = match result {
        Ok(due_on) => {
            let input = NewMilestone {
                title: ctx.text("title"),
                due_on,
            };
            app::steps::add_milestone(&state, actor, id, input).await
        }
        Err(error) => Err(error),
    };
    incubation_answer(&ctx, &state, actor, id, "add_milestone", result).await
}

/// `POST /ideas/{id}/incubation/milestones/{milestone}/complete`.
#[handler]
pub async fn complete_milestone(
    ctx: Ctx,
    state: Data<&AppState>,
    Path((id, milestone)): Path<(Uuid, Uuid)>,
) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    // The milestone must be one of this idea's: a path naming another idea's milestone is
    // refused before anything changes.
    let ours = match reached(app::steps::incubation(&state, actor, id).await) {
        Ok(incubation) => incubation.is_some_and(|i| i.milestones.iter().any(|m| m.id == milestone)),
        Err(error) => return refused(&ctx, &error),
    };
    if !ours {
        return super::errors::not_found(&ctx);
    }
    let result = app::steps::complete_milestone(&state, actor, milestone).await;
    incubation_answer(&ctx, &state, actor, id, "complete_milestone", result).await
}

// ----- test ---------------------------------------------------------------------------

fn spread_kind_radios(ctx: &Ctx, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let error = errors.message_for("kind");
    let chosen = ctx.field("kind");
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[error.map(|_| "f-kind-error")] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (tr.t("field-kind")) }
                @if let Some(message) = error { p class="govuk-error-message" id="f-kind-error" { (message) } }
                div class="govuk-radios govuk-radios--small" data-module="govuk-radios" id="f-kind" {
                    @for (_, value) in SPREAD_KINDS {
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id={ "f-kind-" (value) } name="kind" type="radio" value=(value) checked[chosen == Some(value)];
                            label class="govuk-label govuk-radios__label" for={ "f-kind-" (value) } { (label(tr, "spread-kind", value)) }
                        }
                    }
                }
            }
        }
    }
}

fn test_facts(ctx: &Ctx, test: &Test) -> Markup {
    let tr = &ctx.tr;
    html! {
        dl class="govuk-summary-list" {
            (row(&tr.t("field-site"), html! { (test.site) }))
            (row(&tr.t("field-host"), html! { (test.host) }))
            (row(&tr.t("test-period"), html! { (tr.date(test.starts_on)) " – " (tr.date(test.ends_on)) }))
            (row(&tr.t("test-started-at"), html! { (tr.datetime(test.started_at)) }))
            @if let Some(outcome) = &test.outcome {
                (row(&tr.t("field-outcome"), tag(&label(tr, "test-outcome", &name_of(outcome)))))
            }
            @if let Some(at) = test.completed_at {
                (row(&tr.t("test-completed-at"), html! { (tr.datetime(at)) }))
            }
        }
        h2 class="govuk-heading-m" { (tr.t("field-success-criteria")) }
        (prose(&test.success_criteria))
        @if let Some(results) = &test.results {
            h2 class="govuk-heading-m" { (tr.t("field-results")) }
            (prose(results))
        }
        @if let Some(lessons) = &test.lessons_learned {
            h2 class="govuk-heading-m" { (tr.t("field-lessons-learned")) }
            (prose(lessons))
        }
    }
}

fn spread_section(ctx: &Ctx, actor: &Actor, loaded: &Loaded, test: &Test, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let records = step_rules::authorize_spread(actor, loaded.state()).is_ok();
    html! {
        h2 class="govuk-heading-m" { (tr.t("spread-title")) }
        @if test.spread_activities.is_empty() {
            p class="govuk-body" { (tr.t("spread-none")) }
        } @else {
            (table_region(&tr.t("spread-title"), html! {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-visually-hidden" { (tr.t("spread-title")) }
                    thead class="govuk-table__head" {
                        tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { (tr.t("field-held-on")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-kind")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-title")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-notes")) }
                        }
                    }
                    tbody class="govuk-table__body" {
                        @for activity in &test.spread_activities {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (tr.date(activity.held_on)) }
                                td class="govuk-table__cell" { (label(tr, "spread-kind", &name_of(&activity.kind))) }
                                td class="govuk-table__cell" { (activity.title) }
                                td class="govuk-table__cell" { (activity.notes.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }))
        }
        @if records {
            form method="post" action={ "/ideas/" (loaded.idea.id) "/test/spread-activities" } novalidate {
                (csrf_field(ctx))
                h3 class="govuk-heading-s" { (tr.t("new-spread-title")) }
                (spread_kind_radios(ctx, errors))
                (Input::text("title", tr.t("field-title"), &ctx.text("title")).render(errors))
                (Input::text("held_on", tr.t("field-held-on"), &ctx.text("held_on")).kind("date").hint(tr.t("date-hint")).render(errors))
                (textarea("notes", &tr.t("field-notes"), &ctx.text("notes"), None, errors))
                (secondary_button(&tr.t("button-add-spread")))
            }
        }
    }
}

async fn render_test(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    errors: &FormErrors,
    failed: Option<&str>,
    answer: impl Fn(Markup) -> Response,
) -> Response {
    let loaded = match load(ctx, state, actor, id).await {
        Ok(loaded) => loaded,
        Err(response) => return response,
    };
    let test = match reached(app::steps::test(state, actor, id).await) {
        Ok(test) => test,
        Err(error) => return refused(ctx, &error),
    };
    let files = match &test {
        Some(test) => Some(
            super::files::load(
                ctx,
                state,
                crate::app::attachments::ParentRef::Test(test.id),
                format!("/ideas/{id}/test/files"),
                false,
            )
            .await,
        ),
        None => None,
    };
    let tr = &ctx.tr;
    let none = FormErrors::none();
    let errors_for = |form: &str| if failed == Some(form) { errors } else { &none };
    let commands = Section::Test.pick(&loaded.offered);
    // The host organisation as the start-testing form was posted (empty on a fresh page).
    let host = if commands.contains(&IdeaCommandKind::StartTesting) {
        let mut host = Picker::read(ctx, state, Names::single("host_organisation_id")).await;
        if failed != Some(IdeaCommandKind::StartTesting.as_str()) {
            host = Picker::with(host.names, None);
        }
        Some(host)
    } else {
        None
    };
    let target = idea_steps::Target {
        id,
        version: loaded.idea.version,
        base: format!("/ideas/{id}/test"),
        rubrics: &[],
    };
    let body = html! {
        (back_link(ctx, &loaded))
        @match &test {
            Some(test) => {
                (test_facts(ctx, test))
                @if let Some(files) = &files { (super::files::section(ctx, files)) }
                (spread_section(ctx, actor, &loaded, test, errors_for("add_spread_activity")))
            }
            None => {
                @if !loaded.offers(IdeaCommandKind::StartTesting) { p class="govuk-body" { (tr.t("test-not-started")) } }
            }
        }
        @if !commands.is_empty() {
            h2 class="govuk-heading-m" { (tr.t("team-actions-title")) }
            (idea_steps::forms_with_host(ctx, &target, &commands, errors_for, host.as_ref()))
        }
    };
    let title = tr.t_with("test-page-title", &[("idea", loaded.idea.title.clone().into())]);
    answer(page_with(ctx, &title, Some(errors), body))
}

/// `GET /ideas/{id}/test`.
#[handler]
pub async fn test_page(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    render_test(&ctx, &state, actor, id, &FormErrors::none(), None, ok).await
}

/// `POST /ideas/{id}/test/{start-testing|complete|discontinue|spread-activities}`.
#[handler]
pub async fn test_command(ctx: Ctx, state: Data<&AppState>, Path((id, name)): Path<(Uuid, String)>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let (form, result): (String, Result<(), ApiError>) = if name == "spread-activities" {
        (
            "add_spread_activity".to_owned(),
            add_spread(&ctx, &state, actor, id).await,
        )
    } else if !matches!(name.as_str(), "start-testing" | "complete" | "discontinue") {
        return super::errors::not_found(&ctx);
    } else {
        let form = name.replace('-', "_");
        if name == "start-testing" && org_picker::searching(&ctx) {
            return render_test(&ctx, &state, actor, id, &FormErrors::none(), Some(&form), ok).await;
        }
        let mut parsed = idea_steps::parse(&ctx, &name);
        if let Some(Ok(Some(IdeaCommand::StartTesting {
            host,
            host_organisation_id,
            ..
        }))) = &mut parsed
        {
            let picker = Picker::read(&ctx, &state, Names::single("host_organisation_id")).await;
            match picker.resolved() {
                Ok(chosen) => {
                    *host_organisation_id = chosen;
                    // The host is the organisation's name unless another is written.
                    if let (true, Some(organisation)) = (host.trim().is_empty(), &picker.chosen) {
                        host.clone_from(&organisation.name);
                    }
                }
                Err(error) => parsed = Some(Err(error)),
            }
        }
        if let Some(Ok(Some(command))) = &parsed {
            let here = format!("/ideas/{id}/test");
            if let Some(page) = irreversible::idea(&ctx, &state, actor, id, command.kind(), &here).await {
                return page;
            }
        }
        let result = match (form_version(&ctx), parsed) {
            (Ok(expected), Some(Ok(Some(command)))) => app::ideas::command(&state, actor, id, expected, command)
                .await
                .map(drop),
            (Err(error), _) | (_, Some(Err(error))) => Err(error),
            (_, _) => return super::errors::not_found(&ctx),
        };
        (form, result)
    };
    let here = format!("/ideas/{id}/test");
    match result {
        Ok(()) => redirect(&here),
        Err(error) => match form_refusal(&ctx, &error, &here) {
            Ok((status, mut errors)) => {
                if form == IdeaCommandKind::StartTesting.as_str() {
                    Picker::read(&ctx, &state, Names::single("host_organisation_id"))
                        .await
                        .explain(&ctx, &mut errors);
                }
                render_test(&ctx, &state, actor, id, &errors, Some(&form), |markup| {
                    respond(status, markup)
                })
                .await
            }
            Err(page) => page,
        },
    }
}

async fn add_spread(ctx: &Ctx, state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    let kind = ctx
        .field("kind")
        .and_then(spread_kind_of)
        .ok_or_else(|| ApiError::invalid("kind", FieldProblem::NotChosen));
    let held_on = parse_date(&ctx.text("held_on")).ok_or_else(|| ApiError::invalid("held_on", FieldProblem::NotADate));
    let input = NewSpreadActivity {
        kind: kind?,
        title: ctx.text("title"),
        held_on: held_on?,
        notes: ctx
            .field("notes")
            .map(str::trim)
            .filter(|notes| !notes.is_empty())
            .map(str::to_owned),
    };
    app::steps::add_spread_activity(state, actor, id, input).await.map(drop)
}
