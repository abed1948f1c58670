//! Step 2 pages for innovators: the idea form with its team, and the idea page with its
//! state, decision and feedback.

use std::sync::Arc;

use maud::{Markup, html};
use poem::web::{Data, Path};
use poem::{Response, handler};
use sluss_domain::Actor;
use sluss_domain::idea::{self as rules, IdeaCommandKind, IdeaFacts, IdeaState};
use sluss_domain::validate::is_plausible_email;
use uuid::Uuid;

use super::challenges::{form_version, history_table, person_with_organisation};
use super::idea_steps::{self, Section};
use super::labels::{idea_state, label, name_of, sdg};
use super::org_picker::{self, Names, Picker};
use super::panel;
use super::{form_refusal, redirect, refused, signed_in};
use crate::app;
use crate::app::ideas::{IdeaPatch, NewIdea};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::challenges::Challenge;
use crate::views::ideas::{ApiInvitationStatus, Idea, TeamMember};
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{Input, button, csrf_field, ok, page_with, prose, respond, sdg_checkboxes, tag, textarea};

/// The values of the idea form.
#[derive(Debug, Default)]
struct IdeaValues {
    title: String,
    summary: String,
    description: String,
    sdgs: Vec<i64>,
    /// The rows as shown, empty ones included (a row added and not yet filled in).
    team: Vec<TeamMember>,
    /// Each row's organisation, once [resolved](Self::with_organisations).
    organisations: Vec<Picker>,
}

impl IdeaValues {
    fn from_form(ctx: &Ctx) -> Self {
        let names = ctx.all("team_name");
        let emails = ctx.all("team_email");
        let team = names
            .iter()
            .zip(emails.iter())
            .map(|(name, email)| TeamMember::new((*name).to_owned(), (*email).to_owned(), None))
            .collect();
        Self {
            title: ctx.text("title"),
            summary: ctx.text("summary"),
            description: ctx.text("description"),
            sdgs: ctx.all("sdgs").into_iter().filter_map(|v| v.parse().ok()).collect(),
            team,
            organisations: Vec::new(),
        }
    }

    /// The form's values with each team row's organisation read from what was posted.
    async fn with_organisations(mut self, ctx: &Ctx, state: &AppState) -> Self {
        let texts = ctx.all("team_organisation");
        let ids = ctx.all("team_organisation_id");
        for (i, member) in self.team.iter_mut().enumerate() {
            let names = Names::team_row(i);
            let searched = ctx.field(org_picker::FIND) == Some(names.field.as_str());
            let pick = ctx.field(&names.pick).map(str::to_owned);
            let text = texts.get(i).copied().unwrap_or_default();
            let picker = Picker::resolve(state, names, text, ids.get(i).copied(), pick.as_deref(), searched).await;
            member.organisation_id = picker.chosen.as_ref().map(|o| o.id);
            self.organisations.push(picker);
        }
        self
    }

    /// The team to save: the rows with a name or an e-mail; a row's organisation that is
    /// no single registered one is refused on its field.
    fn team_to_save(&self) -> Result<Vec<TeamMember>, ApiError> {
        if let Some(unresolved) = self.organisations.iter().find(|p| p.unresolved) {
            return unresolved.resolved().map(|_| Vec::new());
        }
        Ok(self
            .team
            .iter()
            .filter(|m| !m.name.trim().is_empty() || !m.email.trim().is_empty())
            .cloned()
            .collect())
    }

    /// Words the refusal of a row's organisation with the name typed.
    fn explain(&self, ctx: &Ctx, errors: &mut FormErrors) {
        for picker in &self.organisations {
            picker.explain(ctx, errors);
        }
    }

    async fn from_idea(state: &AppState, idea: &Idea) -> Self {
        let mut organisations = Vec::new();
        for (i, member) in idea.team.iter().enumerate() {
            let chosen = match member.organisation_id {
                Some(id) => app::organisations::get(state, id)
                    .await
                    .ok()
                    .map(|o| crate::views::people::OrganisationRef { id: o.id, name: o.name }),
                None => None,
            };
            organisations.push(Picker::with(Names::team_row(i), chosen));
        }
        Self {
            title: idea.title.clone(),
            summary: idea.summary.clone(),
            description: idea.description.clone(),
            sdgs: idea.sdgs.iter().map(|g| i64::from(*g)).collect(),
            team: idea.team.clone(),
            organisations,
        }
    }
}

/// A row nobody has filled in.
fn blank(member: &TeamMember) -> bool {
    member.name.trim().is_empty() && member.email.trim().is_empty()
}

/// The API names a team member's fields `team.name` and `team.email`; the form shows the
/// message at the first row it applies to.
fn team_errors(errors: &FormErrors, team: &[TeamMember]) -> Vec<(Option<String>, Option<String>)> {
    let name_error = errors.message_for("team.name").map(str::to_owned);
    let email_error = errors.message_for("team.email").map(str::to_owned);
    let first_bad_name = team.iter().position(|m| !blank(m) && m.name.trim().is_empty());
    let first_bad_email = team
        .iter()
        .position(|m| !blank(m) && !is_plausible_email(&m.email.trim().to_lowercase()));
    (0..team.len())
        .map(|i| {
            (
                name_error.clone().filter(|_| first_bad_name == Some(i)),
                email_error.clone().filter(|_| first_bad_email == Some(i)),
            )
        })
        .collect()
}

fn idea_form(ctx: &Ctx, action: &str, values: &IdeaValues, version: Option<i64>, errors: &FormErrors) -> Markup {
    let tr = &ctx.tr;
    let mut rows = values.team.clone();
    let adding = ctx.field("add_member").is_some();
    if adding || rows.is_empty() {
        rows.push(TeamMember::new(String::new(), String::new(), None));
    }
    let row_errors = team_errors(errors, &rows);
    html! {
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            @if let Some(version) = version { input type="hidden" name="expected_version" value=(version); }
            (Input::text("title", tr.t("field-title"), &values.title).render(errors))
            (textarea("summary", &tr.t("field-summary"), &values.summary, Some(&tr.t("idea-summary-hint")), errors))
            (textarea("description", &tr.t("field-description"), &values.description, Some(&tr.t("idea-description-hint")), errors))
            (sdg_checkboxes(tr, &values.sdgs, None, errors))
            fieldset class="govuk-fieldset govuk-!-margin-bottom-6" id="f-team" {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { (tr.t("team-title")) }
                div class="govuk-hint" { (tr.t("team-hint")) }
                @for (i, member) in rows.iter().enumerate() {
                    @let (name_error, email_error) = &row_errors[i];
                    fieldset class="govuk-fieldset sluss-card" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" {
                            (tr.t_with("team-member-n", &[("n", (i + 1).into())]))
                        }
                        (member_input("name", i, &tr.t("field-name"), &member.name, name_error.as_deref(), "name"))
                        (member_input("email", i, &tr.t("field-email"), &member.email, email_error.as_deref(), "email"))
                        @let picker = values.organisations.get(i).cloned().unwrap_or_else(|| Picker::with(Names::team_row(i), None));
                        (picker.render(ctx, &tr.t("field-organisation"), &tr.t("team-organisation-hint"), errors))
                    }
                }
                button type="submit" name="add_member" value="1" formnovalidate class="govuk-button govuk-button--secondary" {
                    (tr.t("button-add-team-member"))
                }
            }
            (button(&tr.t("button-save")))
        }
    }
}

fn member_input(part: &str, i: usize, label: &str, value: &str, error: Option<&str>, autocomplete: &str) -> Markup {
    let id = format!("f-team_{part}_{i}");
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for=(id) { (label) }
            @if let Some(error) = error { p class="govuk-error-message" id={ (id) "-error" } { (error) } }
            input class="govuk-input" id=(id) name={ "team_" (part) } type=(if part == "email" { "email" } else { "text" })
                value=(value) autocomplete={ "off" } data-kind=(autocomplete)
                aria-describedby=[error.map(|_| format!("{id}-error"))];
        }
    }
}

/// The page of the idea form; the summary links `team.name` and `team.email` to the row
/// they apply to.
fn form_page(ctx: &Ctx, title: &str, form: Markup, errors: &FormErrors) -> Markup {
    let team = IdeaValues::from_form(ctx).team;
    let rows = team_errors(errors, &team);
    let mut shown = errors.clone();
    for (field, _) in &mut shown.fields {
        if let Some(part) = field.strip_prefix("team.") {
            let position = rows.iter().position(|(name, email)| {
                if part == "name" {
                    name.is_some()
                } else {
                    email.is_some()
                }
            });
            if let Some(i) = position {
                *field = format!("team_{part}_{i}");
            }
        }
    }
    page_with(ctx, title, (!shown.is_empty()).then_some(&shown), form)
}

/// `GET /challenges/{id}/ideas/new`.
#[handler]
pub async fn new_page(ctx: Ctx, state: Data<&AppState>, Path(challenge_id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let challenge = match app::challenges::get(&state, Some(actor), challenge_id).await {
        Ok(challenge) => challenge,
        Err(error) => return refused(&ctx, &error),
    };
    if rules::authorize_create(actor, challenge.state.into()).is_err() {
        return super::errors::forbidden(&ctx);
    }
    let errors = FormErrors::none();
    let action = format!("/challenges/{challenge_id}/ideas/new");
    let form = idea_form(&ctx, &action, &IdeaValues::default(), None, &errors);
    ok(form_page(
        &ctx,
        &ctx.tr
            .t_with("new-idea-title", &[("challenge", challenge.title.into())]),
        form,
        &errors,
    ))
}

/// `POST /challenges/{id}/ideas/new`: saves the draft (or adds a team member row).
#[handler]
pub async fn create(ctx: Ctx, state: Data<&AppState>, Path(challenge_id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let values = IdeaValues::from_form(&ctx).with_organisations(&ctx, &state).await;
    let action = format!("/challenges/{challenge_id}/ideas/new");
    // The heading keeps naming the challenge when the form comes back.
    let title = match app::challenges::get(&state, Some(actor), challenge_id).await {
        Ok(challenge) => ctx
            .tr
            .t_with("new-idea-title", &[("challenge", challenge.title.into())]),
        Err(_) => ctx.tr.t("new-idea-generic"),
    };
    if ctx.field("add_member").is_some() || org_picker::searching(&ctx) {
        let errors = FormErrors::none();
        return ok(form_page(
            &ctx,
            &title,
            idea_form(&ctx, &action, &values, None, &errors),
            &errors,
        ));
    }
    let result = match values.team_to_save() {
        Ok(team) => {
            let input = NewIdea {
                title: values.title.clone(),
                summary: values.summary.clone(),
                description: values.description.clone(),
                sdgs: values.sdgs.clone(),
                team,
            };
            app::ideas::create(&state, actor, challenge_id, input).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(idea) => redirect(&format!("/ideas/{}", idea.id)),
        Err(error) => match form_refusal(&ctx, &error, &action) {
            Ok((status, mut errors)) => {
                values.explain(&ctx, &mut errors);
                respond(
                    status,
                    form_page(&ctx, &title, idea_form(&ctx, &action, &values, None, &errors), &errors),
                )
            }
            Err(page) => page,
        },
    }
}

/// `GET /ideas/{id}/edit`.
#[handler]
pub async fn edit_page(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let idea = match app::ideas::get(&state, actor, id).await {
        Ok(idea) => idea,
        Err(error) => return refused(&ctx, &error),
    };
    // The innovator and the team members who accepted (SPEC §14.2) edit a draft.
    if !idea.authors().contains(&actor.id) || IdeaState::from(idea.state) != IdeaState::Draft {
        return super::errors::forbidden(&ctx);
    }
    let errors = FormErrors::none();
    let action = format!("/ideas/{id}/edit");
    let form = idea_form(
        &ctx,
        &action,
        &IdeaValues::from_idea(&state, &idea).await,
        Some(idea.version),
        &errors,
    );
    ok(form_page(
        &ctx,
        &ctx.tr.t_with("edit-idea-title", &[("title", idea.title.into())]),
        form,
        &errors,
    ))
}

/// `POST /ideas/{id}/edit`.
#[handler]
pub async fn update(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let values = IdeaValues::from_form(&ctx).with_organisations(&ctx, &state).await;
    let action = format!("/ideas/{id}/edit");
    let title = ctx.tr.t("edit-idea-generic");
    let version = ctx.field("expected_version").and_then(|v| v.parse().ok());
    if ctx.field("add_member").is_some() || org_picker::searching(&ctx) {
        let errors = FormErrors::none();
        return ok(form_page(
            &ctx,
            &title,
            idea_form(&ctx, &action, &values, version, &errors),
            &errors,
        ));
    }
    let result = match (form_version(&ctx), values.team_to_save()) {
        (Ok(expected), Ok(team)) => {
            let patch = IdeaPatch {
                title: Some(values.title.clone()),
                summary: Some(values.summary.clone()),
                description: Some(values.description.clone()),
                sdgs: Some(values.sdgs.clone()),
                team: Some(team),
            };
            app::ideas::update(&state, actor, id, patch, expected).await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(_) => redirect(&format!("/ideas/{id}")),
        Err(error) => match form_refusal(&ctx, &error, &action) {
            Ok((status, mut errors)) => {
                values.explain(&ctx, &mut errors);
                respond(
                    status,
                    form_page(
                        &ctx,
                        &title,
                        idea_form(&ctx, &action, &values, version, &errors),
                        &errors,
                    ),
                )
            }
            Err(page) => page,
        },
    }
}

/// `GET /ideas/{id}`.
#[handler]
pub async fn show(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    render(
        &ctx,
        &state,
        actor,
        id,
        &FormErrors::none(),
        None,
        crate::web::layout::ok,
    )
    .await
}

async fn render(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    errors: &FormErrors,
    failed: Option<&str>,
    answer: impl Fn(Markup) -> Response,
) -> Response {
    let idea = match app::ideas::get(state, actor, id).await {
        Ok(idea) => idea,
        Err(error) => return refused(ctx, &error),
    };
    let challenge = match app::challenges::get(state, Some(actor), idea.challenge_id).await {
        Ok(challenge) => challenge,
        Err(error) => return refused(ctx, &error),
    };
    let (history, panel, rubrics, offered) = tokio::join!(
        app::ideas::history(state, actor, id),
        team_panel(ctx, state, actor, &idea),
        rubric_choices(state, actor, &idea),
        app::ideas::offered(state, actor, id)
    );
    let history = history.unwrap_or_default();
    let (offered, facts) = match offered {
        Ok(offered) => offered,
        Err(error) => return refused(ctx, &error),
    };
    let files = super::files::load(
        ctx,
        state,
        crate::app::attachments::ParentRef::Idea(idea.id),
        format!("/ideas/{}/files", idea.id),
        challenge.blind_assessment,
    )
    .await;
    let shown = Shown {
        idea: &idea,
        challenge: &challenge,
        history: &history,
        panel: panel.as_ref(),
        rubrics: &rubrics,
        offered: &offered,
        facts: &facts,
        files: &files,
    };
    answer(detail(ctx, actor, &shown, errors, failed))
}

/// What the idea page shows beside the refusal of a form.
#[derive(Clone, Copy)]
struct Shown<'a> {
    idea: &'a Idea,
    challenge: &'a Challenge,
    history: &'a [crate::views::events::Event],
    panel: Option<&'a panel::Panel>,
    rubrics: &'a [(Uuid, String)],
    /// The commands the domain offers this viewer now.
    offered: &'a [IdeaCommandKind],
    /// The facts it judged them on.
    facts: &'a IdeaFacts,
    /// Its files (SPEC §15).
    files: &'a super::files::FilesView,
}

/// The panel of an idea in assessment, for a facilitator; none otherwise (it is shown only
/// then).
async fn team_panel(ctx: &Ctx, state: &AppState, actor: &Actor, idea: &Idea) -> Option<panel::Panel> {
    if !actor.is_facilitator() || IdeaState::from(idea.state) != IdeaState::InAssessment {
        return None;
    }
    panel::load(state, actor, idea.id, panel::find_term(ctx)).await
}

/// The rubrics a facilitator may start the assessment of a submitted idea with, the
/// default one first; none for anyone else.
async fn rubric_choices(state: &AppState, actor: &Actor, idea: &Idea) -> Arc<Vec<(Uuid, String)>> {
    if !actor.is_facilitator() || IdeaState::from(idea.state) != IdeaState::Submitted {
        return Arc::default();
    }
    app::assessment::rubric_choices(state, actor).await.unwrap_or_default()
}

fn detail(ctx: &Ctx, actor: &Actor, shown: &Shown<'_>, errors: &FormErrors, failed: Option<&str>) -> Markup {
    let Shown {
        idea,
        challenge,
        history,
        panel,
        rubrics,
        offered,
        facts,
        files,
    } = *shown;
    let tr = &ctx.tr;
    let state: IdeaState = idea.state.into();
    let commands = Section::Innovator.pick(offered);
    let team_commands = Section::Assessment.pick(offered);
    // A decision waits for the panel: the page says how many scorecards are missing.
    let awaiting_scorecards = actor.is_facilitator()
        && state == IdeaState::InAssessment
        && !offered.contains(&IdeaCommandKind::Decide)
        && facts.scorecards_submitted < facts.scorecards_required;
    let target = idea_steps::Target {
        id: idea.id,
        version: idea.version,
        base: format!("/ideas/{}", idea.id),
        rubrics,
    };
    let later_steps = matches!(
        state,
        IdeaState::Qualified
            | IdeaState::InIncubation
            | IdeaState::InTesting
            | IdeaState::Completed
            | IdeaState::Discontinued
            | IdeaState::OnHold
    );
    let none = FormErrors::none();
    let errors_for = |form: &str| if failed == Some(form) { errors } else { &none };
    // The innovator and accepted team members (SPEC §14.2).
    let is_innovator = idea.authors().contains(&actor.id);
    let body = html! {
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("field-challenge")) }
                dd class="govuk-summary-list__value" { a class="govuk-link" href={ "/challenges/" (challenge.id) } { (challenge.title) } }
            }
            @if let Some(innovator) = &idea.innovator {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-innovator")) }
                    dd class="govuk-summary-list__value" id="innovator" { (person_with_organisation(&innovator.display_name, innovator.organisation.as_ref())) }
                }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { (tr.t("field-state")) }
                dd class="govuk-summary-list__value" { (tag(&idea_state(tr, state))) }
            }
            @if let Some(at) = idea.submitted_at {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("submitted-at")) }
                    dd class="govuk-summary-list__value" { (tr.datetime(at)) }
                }
            }
            @if !idea.sdgs.is_empty() {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (tr.t("field-sdgs")) }
                    dd class="govuk-summary-list__value" { ul class="govuk-list" { @for goal in &idea.sdgs { li { (sdg(tr, *goal)) } } } }
                }
            }
        }
        @if let Some(decision) = &idea.decision {
            div class="govuk-inset-text" {
                h2 class="govuk-heading-m" { (tr.t("decision-title")) }
                p class="govuk-body" { (tag(&label(tr, "decision", &name_of(&decision.outcome)))) " " (tr.datetime(decision.decided_at)) }
                h3 class="govuk-heading-s" { (tr.t("field-feedback")) }
                (prose(&decision.feedback))
            }
        }
        h2 class="govuk-heading-m" { (tr.t("field-summary")) }
        (prose(&idea.summary))
        h2 class="govuk-heading-m" { (tr.t("field-description")) }
        (prose(&idea.description))
        @if !idea.team.is_empty() {
            h2 class="govuk-heading-m" { (tr.t("team-title")) }
            ul class="govuk-list govuk-list--bullet" {
                @for member in &idea.team {
                    li {
                        (member.name) " (" (member.email) ")"
                        @if let Some(status) = member.status {
                            " "
                            strong class=(match status {
                                ApiInvitationStatus::Accepted => "govuk-tag govuk-tag--green",
                                ApiInvitationStatus::Invited => "govuk-tag govuk-tag--blue",
                                ApiInvitationStatus::Declined => "govuk-tag govuk-tag--grey",
                            }) { (tr.t(match status {
                                ApiInvitationStatus::Accepted => "team-status-accepted",
                                ApiInvitationStatus::Invited => "team-status-invited",
                                ApiInvitationStatus::Declined => "team-status-declined",
                            })) }
                        }
                    }
                }
            }
        }
        (super::files::section(ctx, files))
        @if is_innovator && (state == IdeaState::Draft || !commands.is_empty()) {
            h2 class="govuk-heading-m" { (tr.t("actions-title")) }
            @if state == IdeaState::Draft {
                p class="govuk-body" { a class="govuk-link" href={ "/ideas/" (idea.id) "/edit" } { (tr.t("edit-idea")) } }
            }
            (idea_steps::forms(ctx, &target, &commands, errors_for))
        }
        @if !team_commands.is_empty() || (panel.is_some() && state == IdeaState::InAssessment) {
            h2 class="govuk-heading-m" { (tr.t("team-actions-title")) }
            @if let (Some(panel), IdeaState::InAssessment) = (panel, state) {
                (panel::render(ctx, idea.id, panel, errors_for("assign")))
            }
            @if awaiting_scorecards {
                p class="govuk-body" id="decide-waits" {
                    (tr.t_with("error-too-few-scorecards", &[("submitted", facts.scorecards_submitted.into()), ("required", facts.scorecards_required.into())]))
                }
            }
            (idea_steps::forms(ctx, &target, &team_commands, errors_for))
        }
        @if later_steps {
            h2 class="govuk-heading-m" { (tr.t("later-steps-title")) }
            ul class="govuk-list" {
                li { a class="govuk-link" href={ "/ideas/" (idea.id) "/incubation" } { (tr.t("incubation-link")) } }
                li { a class="govuk-link" href={ "/ideas/" (idea.id) "/test" } { (tr.t("test-link")) } }
            }
        }
        @if state == IdeaState::InAssessment && actor.has(sluss_domain::Role::Assessor) && !is_innovator && !actor.is_facilitator() {
            p class="govuk-body" {
                a class="govuk-button" href={ "/ideas/" (idea.id) "/scorecard" } { (tr.t("button-save-scorecard")) }
            }
        }
        p class="govuk-body" {
            a class="govuk-link" href={ "/obstacles?subject=idea:" (idea.id) } { (tr.t("log-obstacle-link")) }
        }
        @if !history.is_empty() {
            h2 class="govuk-heading-m" { (tr.t("history-title")) }
            (history_table(ctx, history, "idea-state"))
        }
    };
    page_with(ctx, &idea.title, Some(errors), body)
}

/// `POST /ideas/{id}/{command}`: the innovator's commands (submit, withdraw) and the
/// team's (start assessment, decide, start testing, complete, discontinue).
#[handler]
pub async fn run_command(ctx: Ctx, state: Data<&AppState>, Path((id, name)): Path<(Uuid, String)>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let command = match idea_steps::parse(&ctx, &name) {
        Some(Ok(Some(command))) => command,
        Some(Ok(None)) => {
            let result = match (form_version(&ctx), idea_steps::chosen_rubric(&ctx)) {
                (Ok(expected), Ok(rubric)) => app::ideas::start_assessment(&state, actor, id, expected, rubric).await,
                (Err(error), _) | (_, Err(error)) => Err(error),
            };
            return answered(&ctx, &state, actor, id, "start_assessment", result).await;
        }
        Some(Err(error)) => {
            let form = name.replace('-', "_");
            return answered(&ctx, &state, actor, id, &form, Err(error)).await;
        }
        None => return super::errors::not_found(&ctx),
    };
    let here = format!("/ideas/{id}");
    if let Some(page) = super::irreversible::idea(&ctx, &state, actor, id, command.kind(), &here).await {
        return page;
    }
    let form = command.name();
    let result: Result<Idea, ApiError> = match form_version(&ctx) {
        Ok(expected) => app::ideas::command(&state, actor, id, expected, command).await,
        Err(error) => Err(error),
    };
    answered(&ctx, &state, actor, id, form, result).await
}

/// The idea page again with the refusal `error` at the form `form`.
pub async fn refused_form(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &str,
    error: ApiError,
) -> Response {
    answered(ctx, state, actor, id, form, Err(error)).await
}

/// A submit refused for what the idea lacks: the idea form, where those fields are, with
/// the refusal.
async fn missing_for_submit(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    status: poem::http::StatusCode,
    errors: &FormErrors,
) -> Response {
    let idea = match app::ideas::get(state, actor, id).await {
        Ok(idea) => idea,
        Err(error) => return refused(ctx, &error),
    };
    let action = format!("/ideas/{id}/edit");
    let values = IdeaValues::from_idea(state, &idea).await;
    let form = idea_form(ctx, &action, &values, Some(idea.version), errors);
    let title = ctx.tr.t_with("edit-idea-title", &[("title", idea.title.into())]);
    let body = html! { p class="govuk-body" { (ctx.tr.t("submit-missing-intro")) } (form) };
    respond(status, form_page(ctx, &title, body, errors))
}

/// The answer to a command form: back to the idea, or the page again with the refusal
/// at the form `form`.
async fn answered(
    ctx: &Ctx,
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &str,
    result: Result<Idea, ApiError>,
) -> Response {
    match result {
        Ok(_) if form == "submit" => redirect(&format!("/ideas/{id}?done=idea-submitted")),
        Ok(_) => redirect(&format!("/ideas/{id}")),
        Err(error) => match form_refusal(ctx, &error, &format!("/ideas/{id}")) {
            Ok((status, errors)) if form == "submit" && !errors.fields.is_empty() => {
                missing_for_submit(ctx, state, actor, id, status, &errors).await
            }
            Ok((status, errors)) => {
                render(ctx, state, actor, id, &errors, Some(form), |markup| {
                    respond(status, markup)
                })
                .await
            }
            Err(page) => page,
        },
    }
}
