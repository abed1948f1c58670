//! The forms of the commands on an idea: the innovator's (submit, withdraw) and the
//! innovation team's (steps 3–5: start the assessment, decide, start testing, complete,
//! discontinue). Which ones a viewer sees is asked of the domain's `offered`, and
//! [`Section`] says on which page each one is shown.

use maud::{Markup, html};
use sluss_domain::FieldProblem;
use sluss_domain::idea::{DecisionOutcome, IdeaCommand, IdeaCommandKind, TestOutcome};
use uuid::Uuid;

use super::labels::{DECISION_OUTCOMES, TEST_OUTCOMES, label};
use super::org_picker::Picker;
use crate::error::ApiError;
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::{Input, button, choice_select, csrf_field, field_id, textarea};
use crate::web::time::parse_date;

/// Where the pages of an idea show a command's form with [`forms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The idea page, under the innovator's actions.
    Innovator,
    /// The idea page, under the team's actions (step 3).
    Assessment,
    /// The test page (step 5).
    Test,
}

impl Section {
    /// Whether this section shows the form of `kind`. Every kind is placed here, so a new
    /// command does not compile until its form has a place.
    pub fn shows(self, kind: IdeaCommandKind) -> bool {
        let sections: &[Section] = match kind {
            IdeaCommandKind::Submit | IdeaCommandKind::Withdraw => &[Section::Innovator],
            IdeaCommandKind::StartAssessment | IdeaCommandKind::Decide => &[Section::Assessment],
            // The incubation page shows its own form, with the support organisations to
            // choose from.
            IdeaCommandKind::StartIncubation => &[],
            IdeaCommandKind::StartTesting | IdeaCommandKind::Complete => &[Section::Test],
            // The incubation page also shows its own form while the idea is in incubation.
            IdeaCommandKind::Discontinue => &[Section::Test],
            // A hold pauses whichever step the idea is at, so the idea page offers it.
            IdeaCommandKind::PutOnHold | IdeaCommandKind::Resume => &[Section::Assessment],
        };
        sections.contains(&self)
    }

    /// The kinds of `offered` this section shows, in the domain's order.
    pub fn pick(self, offered: &[IdeaCommandKind]) -> Vec<IdeaCommandKind> {
        offered.iter().copied().filter(|&kind| self.shows(kind)).collect()
    }
}

fn radios(ctx: &Ctx, name: &str, legend: &str, group: &str, values: &[&str], errors: &FormErrors) -> Markup {
    let error = errors.message_for(name);
    let chosen = ctx.field(name);
    let id = field_id(name);
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[error.map(|_| format!("{id}-error"))] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @if let Some(message) = error { p class="govuk-error-message" id={ (id) "-error" } { (message) } }
                div class="govuk-radios govuk-radios--small" data-module="govuk-radios" id=(id) {
                    @for value in values {
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id={ (id) "-" (value) } name=(name) type="radio" value=(value) checked[chosen == Some(*value)];
                            label class="govuk-label govuk-radios__label" for={ (id) "-" (value) } { (label(&ctx.tr, group, value)) }
                        }
                    }
                }
            }
        }
    }
}

/// Where the forms of [`forms`] post, and what they offer to choose from.
pub struct Target<'a> {
    /// The idea.
    pub id: Uuid,
    /// Its version, sent as `expected_version`.
    pub version: i64,
    /// The path the forms post to, followed by `/{command}`.
    pub base: String,
    /// The rubrics an assessment may start with (id, name; the default one first).
    pub rubrics: &'a [(Uuid, String)],
}

/// The forms of `commands` on the idea of `target`; `errors_for` gives the refusal of the
/// form that was just sent.
pub fn forms<'a>(
    ctx: &Ctx,
    target: &Target<'_>,
    commands: &[IdeaCommandKind],
    errors_for: impl Fn(&str) -> &'a FormErrors,
) -> Markup {
    forms_with_host(ctx, target, commands, errors_for, None)
}

/// [`forms`], the start-testing form with `host` to choose the host organisation.
pub fn forms_with_host<'a>(
    ctx: &Ctx,
    target: &Target<'_>,
    commands: &[IdeaCommandKind],
    errors_for: impl Fn(&str) -> &'a FormErrors,
    host: Option<&Picker>,
) -> Markup {
    let tr = &ctx.tr;
    let head = html! { (csrf_field(ctx)) input type="hidden" name="expected_version" value=(target.version); };
    let action = |command: IdeaCommandKind| format!("{}/{}", target.base, command.as_str().replace('_', "-"));
    html! {
        @for &command in commands {
            @let errors = errors_for(command.as_str());
            @match command {
                IdeaCommandKind::Submit => {
                    form method="post" action=(action(command)) class="sluss-inline-form" { (head) (button(&tr.t("button-submit"))) }
                }
                IdeaCommandKind::Withdraw => {
                    form method="post" action=(action(command)) novalidate {
                        (head)
                        (textarea("reason", &tr.t("field-reason"), &ctx.text("reason"), Some(&tr.t("idea-withdraw-hint")), errors))
                        button type="submit" class="govuk-button govuk-button--warning" { (tr.t("button-withdraw")) }
                    }
                }
                IdeaCommandKind::StartAssessment => {
                    form method="post" action=(action(command)) {
                        (head)
                        p class="govuk-body" { (tr.t("start-assessment-intro")) }
                        @if !target.rubrics.is_empty() {
                            (rubric_select(ctx, target.rubrics, errors))
                        }
                        (button(&tr.t("button-start-assessment")))
                    }
                }
                IdeaCommandKind::Decide => {
                    form method="post" action=(action(command)) novalidate {
                        (head)
                        h3 class="govuk-heading-s" { (tr.t("decide-title")) }
                        (radios(ctx, "outcome", &tr.t("field-outcome"), "decision", &DECISION_OUTCOMES, errors))
                        (textarea("feedback", &tr.t("field-feedback"), &ctx.text("feedback"), Some(&tr.t("decide-feedback-hint")), errors))
                        (button(&tr.t("button-decide")))
                    }
                }
                IdeaCommandKind::StartTesting => {
                    form method="post" action=(action(command)) novalidate {
                        (head)
                        h3 class="govuk-heading-s" { (tr.t("start-testing-title")) }
                        (Input::text("site", tr.t("field-site"), &ctx.text("site")).render(errors))
                        (Input::text("host", tr.t("field-host"), &ctx.text("host")).hint(tr.t("host-hint")).render(errors))
                        @if let Some(host) = host {
                            (host.render(ctx, &tr.t("field-host-organisation"), &tr.t("host-organisation-hint"), errors))
                        }
                        (Input::text("starts_on", tr.t("field-starts-on"), &ctx.text("starts_on")).kind("date").render(errors))
                        (Input::text("ends_on", tr.t("field-ends-on"), &ctx.text("ends_on")).kind("date").render(errors))
                        (textarea("success_criteria", &tr.t("field-success-criteria"), &ctx.text("success_criteria"), None, errors))
                        (button(&tr.t("button-start-testing")))
                    }
                }
                IdeaCommandKind::Complete => {
                    form method="post" action=(action(command)) novalidate {
                        (head)
                        h3 class="govuk-heading-s" { (tr.t("complete-title")) }
                        (radios(ctx, "outcome", &tr.t("field-outcome"), "test-outcome", &TEST_OUTCOMES, errors))
                        (textarea("results", &tr.t("field-results"), &ctx.text("results"), None, errors))
                        (textarea("lessons_learned", &tr.t("field-lessons-learned"), &ctx.text("lessons_learned"), None, errors))
                        (button(&tr.t("button-complete")))
                    }
                }
                IdeaCommandKind::Discontinue => {
                    form method="post" action=(action(command)) novalidate {
                        (head)
                        (textarea("reason", &tr.t("field-reason"), &ctx.text("reason"), Some(&tr.t("discontinue-hint")), errors))
                        button type="submit" class="govuk-button govuk-button--warning" { (tr.t("button-discontinue")) }
                    }
                }
                IdeaCommandKind::PutOnHold => {
                    form method="post" action=(action(command)) novalidate {
                        (head)
                        h3 class="govuk-heading-s" { (tr.t("put-on-hold-title")) }
                        (textarea("reason", &tr.t("field-reason"), &ctx.text("reason"), Some(&tr.t("put-on-hold-hint")), errors))
                        button type="submit" class="govuk-button govuk-button--secondary" { (tr.t("button-put-on-hold")) }
                    }
                }
                IdeaCommandKind::Resume => {
                    form method="post" action=(action(command)) class="sluss-inline-form" { (head) (button(&tr.t("button-resume"))) }
                }
                // No section picks it: see `Section::shows`.
                IdeaCommandKind::StartIncubation => {}
            }
        }
    }
}

/// The rubric to assess with: the first (the default one) unless the form says otherwise.
fn rubric_select(ctx: &Ctx, rubrics: &[(Uuid, String)], errors: &FormErrors) -> Markup {
    let choices: Vec<(String, String)> = rubrics
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    choice_select(ctx, "rubric_id", &ctx.tr.t("field-rubric"), &choices, None, errors)
}

/// The rubric a start-assessment form chose: `None` leaves it to the default one.
pub fn chosen_rubric(ctx: &Ctx) -> Result<Option<Uuid>, ApiError> {
    match ctx.field("rubric_id").map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(value) => Uuid::parse_str(value)
            .map(Some)
            .map_err(|_| ApiError::invalid("rubric_id", FieldProblem::NotChosen)),
    }
}

/// The command a form posted to `/ideas/{id}/{name}`, or `None` when `name` is none of
/// them. `start-assessment` is `Ok(None)` inside: the rubric is read by
/// [`chosen_rubric`] and the use case falls back to the default one. The kind is matched
/// without a catch-all, so a new command is either read here or said to be posted
/// elsewhere.
pub fn parse(ctx: &Ctx, name: &str) -> Option<Result<Option<IdeaCommand>, ApiError>> {
    let text = |field: &str| ctx.text(field);
    let date =
        |field: &str| parse_date(&ctx.text(field)).ok_or_else(|| ApiError::invalid(field, FieldProblem::NotADate));
    let kind = IdeaCommandKind::ALL
        .into_iter()
        .find(|kind| kind.as_str().replace('_', "-") == name)?;
    let command = match kind {
        IdeaCommandKind::StartAssessment => return Some(Ok(None)),
        IdeaCommandKind::Decide => DecisionOutcome::parse(ctx.field("outcome").unwrap_or_default())
            .ok_or_else(|| ApiError::invalid("outcome", FieldProblem::NotChosen))
            .map(|outcome| IdeaCommand::Decide {
                outcome,
                feedback: text("feedback"),
            }),
        IdeaCommandKind::StartTesting => date("starts_on").and_then(|starts_on| {
            Ok(IdeaCommand::StartTesting {
                site: text("site"),
                host: text("host"),
                host_organisation_id: None,
                starts_on,
                ends_on: date("ends_on")?,
                success_criteria: text("success_criteria"),
            })
        }),
        IdeaCommandKind::Complete => TestOutcome::parse(ctx.field("outcome").unwrap_or_default())
            .ok_or_else(|| ApiError::invalid("outcome", FieldProblem::NotChosen))
            .map(|outcome| IdeaCommand::Complete {
                outcome,
                results: text("results"),
                lessons_learned: text("lessons_learned"),
            }),
        IdeaCommandKind::Discontinue => Ok(IdeaCommand::Discontinue { reason: text("reason") }),
        IdeaCommandKind::PutOnHold => Ok(IdeaCommand::PutOnHold { reason: text("reason") }),
        IdeaCommandKind::Resume => Ok(IdeaCommand::Resume),
        IdeaCommandKind::Submit => Ok(IdeaCommand::Submit),
        IdeaCommandKind::Withdraw => Ok(IdeaCommand::Withdraw {
            reason: Some(text("reason").trim().to_owned()).filter(|reason| !reason.is_empty()),
        }),
        // Incubation starts from its own page, with its support organisation.
        IdeaCommandKind::StartIncubation => return None,
    };
    Some(command.map(Some))
}
