use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::role::Role;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// A published challenge without a deadline, and enough scorecards for a decision.
fn facts() -> IdeaFacts {
    IdeaFacts {
        now: now(),
        challenge_state: ChallengeState::Published,
        ideas_close_at: None,
        scorecards_submitted: 2,
        scorecards_required: 2,
        missing_references: Vec::new(),
    }
}

fn actor(roles: &[Role]) -> Actor {
    Actor {
        id: UserId(Uuid::now_v7()),
        roles: roles.iter().copied().collect(),
    }
}

/// The cast of one idea: its innovator, the challenge's needs-owner, and a facilitator.
struct Cast {
    innovator: Actor,
    /// A team member who accepted the invitation.
    member: Actor,
    owner: Actor,
    facilitator: Actor,
}

fn cast() -> Cast {
    Cast {
        innovator: actor(&[Role::Innovator]),
        member: actor(&[Role::Innovator]),
        owner: actor(&[Role::NeedsOwner]),
        facilitator: actor(&[Role::Facilitator]),
    }
}

/// An idea in `state`; it counts as ever submitted unless it is a draft.
fn idea(cast: &Cast, state: IdeaState) -> Idea {
    Idea {
        innovator_id: cast.innovator.id,
        challenge_owner_id: cast.owner.id,
        state,
        ever_submitted: state != IdeaState::Draft,
        members: vec![cast.member.id],
        title: "Waste pick-up for people without a car".into(),
        summary: "A cargo-bike round collects bulky waste on request".into(),
        description: "Residents book a pick-up by QR code at the recycling station.".into(),
        held_from: (state == IdeaState::OnHold).then_some(IdeaState::Qualified),
    }
}

fn submit() -> IdeaCommand {
    IdeaCommand::Submit
}

fn start_assessment() -> IdeaCommand {
    IdeaCommand::StartAssessment { rubric_id: Uuid::nil() }
}

fn decide_command(outcome: DecisionOutcome, feedback: &str) -> IdeaCommand {
    IdeaCommand::Decide {
        outcome,
        feedback: feedback.into(),
    }
}

fn start_incubation(plan: &str) -> IdeaCommand {
    IdeaCommand::StartIncubation {
        support_organisation_id: Uuid::nil(),
        plan: plan.into(),
    }
}

fn start_testing(site: &str, host: &str, starts_on: NaiveDate, ends_on: NaiveDate, criteria: &str) -> IdeaCommand {
    IdeaCommand::StartTesting {
        site: site.into(),
        host: host.into(),
        host_organisation_id: None,
        starts_on,
        ends_on,
        success_criteria: criteria.into(),
    }
}

fn a_test() -> IdeaCommand {
    start_testing(
        "Sege Park block 4",
        "MKB Fastighets AB",
        date(2027, 3, 1),
        date(2027, 8, 31),
        "Half the households book at least once",
    )
}

fn complete(outcome: TestOutcome, results: &str, lessons_learned: &str) -> IdeaCommand {
    IdeaCommand::Complete {
        outcome,
        results: results.into(),
        lessons_learned: lessons_learned.into(),
    }
}

fn discontinue(reason: &str) -> IdeaCommand {
    IdeaCommand::Discontinue { reason: reason.into() }
}

fn put_on_hold(reason: &str) -> IdeaCommand {
    IdeaCommand::PutOnHold { reason: reason.into() }
}

fn withdraw(reason: Option<&str>) -> IdeaCommand {
    IdeaCommand::Withdraw {
        reason: reason.map(str::to_owned),
    }
}

/// One valid command of each kind (decide twice: once per outcome).
fn all_commands() -> Vec<IdeaCommand> {
    vec![
        submit(),
        start_assessment(),
        decide_command(DecisionOutcome::Qualified, "Strong need fit"),
        decide_command(DecisionOutcome::NotQualified, "Too close to an existing service"),
        start_incubation("Three months at the science park"),
        a_test(),
        complete(TestOutcome::Adopted, "62% booked", "Cargo bikes need a charging spot"),
        discontinue("The team left the project"),
        withdraw(Some("Moved to another city")),
        put_on_hold("Waiting for the building permit"),
        IdeaCommand::Resume,
    ]
}

/// Whether the innovator (rather than a facilitator) runs the command.
fn run_by_innovator(command: &IdeaCommand) -> bool {
    matches!(command, IdeaCommand::Submit | IdeaCommand::Withdraw { .. })
}

/// The table of §3: (from, command) → to.
fn expected(from: IdeaState, command: &IdeaCommand) -> Option<IdeaState> {
    use IdeaState as S;
    match (from, command) {
        (S::Draft, IdeaCommand::Submit) => Some(S::Submitted),
        (S::Submitted, IdeaCommand::StartAssessment { .. }) => Some(S::InAssessment),
        (
            S::InAssessment,
            IdeaCommand::Decide {
                outcome: DecisionOutcome::Qualified,
                ..
            },
        ) => Some(S::Qualified),
        (
            S::InAssessment,
            IdeaCommand::Decide {
                outcome: DecisionOutcome::NotQualified,
                ..
            },
        ) => Some(S::NotQualified),
        (S::Qualified, IdeaCommand::StartIncubation { .. }) => Some(S::InIncubation),
        (S::Qualified | S::InIncubation, IdeaCommand::StartTesting { .. }) => Some(S::InTesting),
        (S::InTesting, IdeaCommand::Complete { .. }) => Some(S::Completed),
        (S::Qualified | S::InIncubation | S::InTesting | S::OnHold, IdeaCommand::Discontinue { .. }) => {
            Some(S::Discontinued)
        }
        (
            S::Draft | S::Submitted | S::InAssessment | S::Qualified | S::InIncubation | S::InTesting | S::OnHold,
            IdeaCommand::Withdraw { .. },
        ) => Some(S::Withdrawn),
        (S::InAssessment | S::Qualified | S::InIncubation | S::InTesting, IdeaCommand::PutOnHold { .. }) => {
            Some(S::OnHold)
        }
        // The fixture's held idea was held from qualified.
        (S::OnHold, IdeaCommand::Resume) => Some(S::Qualified),
        _ => None,
    }
}

/// The field names of an `Invalid` refusal, or a panic naming what came instead.
fn invalid_fields(result: Result<Vec<IdeaEvent>, Refusal>) -> Vec<String> {
    match result {
        Err(Refusal::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected 422, got {other:?}"),
    }
}

fn long(chars: usize) -> String {
    "x".repeat(chars)
}

#[test]
fn every_state_and_command_follows_the_table() {
    let cast = cast();
    for state in IdeaState::ALL {
        for command in all_commands() {
            let who = if run_by_innovator(&command) {
                &cast.innovator
            } else {
                &cast.facilitator
            };
            let result = decide(&idea(&cast, state), &command, Some(who), false, &facts());
            match expected(state, &command) {
                Some(to) => {
                    let events = result.unwrap_or_else(|r| panic!("{state:?} {command:?} refused: {r:?}"));
                    assert_eq!(events.len(), 1, "{state:?} {command:?}");
                    assert_eq!(events[0].to_state(), to, "{state:?} {command:?}");
                    assert_eq!(evolve(state, &events[0]), to, "{state:?} {command:?}");
                    assert_eq!(events[0].command(), command.name());
                }
                None => assert_eq!(
                    result,
                    Err(Refusal::InvalidTransition {
                        from: state.as_str(),
                        command: command.name()
                    }),
                    "{state:?} {command:?}"
                ),
            }
        }
    }
}

#[test]
fn an_actor_holding_both_roles_runs_the_whole_table_on_their_own_idea() {
    let both = actor(&[Role::Innovator, Role::Facilitator]);
    let mut cast = cast();
    cast.innovator = both.clone();
    for state in IdeaState::ALL {
        for command in all_commands() {
            let result = decide(&idea(&cast, state), &command, Some(&both), false, &facts());
            assert_eq!(
                result.ok().map(|events| events[0].to_state()),
                expected(state, &command),
                "{state:?} {command:?}"
            );
        }
    }
}

#[test]
fn innovator_submits_a_draft() {
    let cast = cast();
    let result = decide(
        &idea(&cast, IdeaState::Draft),
        &submit(),
        Some(&cast.innovator),
        false,
        &facts(),
    );
    assert_eq!(result, Ok(vec![IdeaEvent::Submitted]));
}

#[test]
fn facilitator_cannot_submit_or_withdraw_someone_elses_idea() {
    let cast = cast();
    let draft = idea(&cast, IdeaState::Draft);
    for command in [submit(), withdraw(None)] {
        let result = decide(&draft, &command, Some(&cast.facilitator), false, &facts());
        assert!(matches!(result, Err(Refusal::NotPermitted(_))), "{command:?}");
    }
}

#[test]
fn another_innovator_cannot_submit_even_when_assigned_to_see_it() {
    let cast = cast();
    let other = actor(&[Role::Innovator, Role::Assessor]);
    let result = decide(&idea(&cast, IdeaState::Draft), &submit(), Some(&other), true, &facts());
    assert!(matches!(result, Err(Refusal::NotPermitted(_))));
}

#[test]
fn innovator_cannot_run_the_facilitator_steps() {
    let cast = cast();
    for (state, command) in [
        (IdeaState::Submitted, start_assessment()),
        (
            IdeaState::InAssessment,
            decide_command(DecisionOutcome::Qualified, "Good"),
        ),
        (IdeaState::Qualified, start_incubation("A plan")),
        (IdeaState::Qualified, a_test()),
        (
            IdeaState::InTesting,
            complete(TestOutcome::Scaled, "Results", "Lessons"),
        ),
        (IdeaState::InTesting, discontinue("Out of money")),
    ] {
        let result = decide(&idea(&cast, state), &command, Some(&cast.innovator), false, &facts());
        assert!(matches!(result, Err(Refusal::NotPermitted(_))), "{command:?}");
    }
}

#[test]
fn needs_owner_and_assigned_assessor_see_but_may_not_act() {
    let cast = cast();
    let assessor = actor(&[Role::Assessor]);
    let in_assessment = idea(&cast, IdeaState::InAssessment);
    let command = decide_command(DecisionOutcome::Qualified, "Good");
    for (who, assigned) in [(&cast.owner, false), (&assessor, true)] {
        let result = decide(&in_assessment, &command, Some(who), assigned, &facts());
        assert!(matches!(result, Err(Refusal::NotPermitted(_))), "{who:?}");
        let result = decide(&in_assessment, &withdraw(None), Some(who), assigned, &facts());
        assert!(matches!(result, Err(Refusal::NotPermitted(_))), "{who:?}");
    }
}

#[test]
fn other_innovators_and_anonymous_callers_never_see_an_idea() {
    let cast = cast();
    let other = actor(&[Role::Innovator]);
    for state in IdeaState::ALL {
        let subject = idea(&cast, state);
        assert!(!can_view(&subject, Some(&other), false), "{state:?}");
        assert!(!can_view(&subject, None, false), "{state:?}");
        for command in all_commands() {
            assert_eq!(
                decide(&subject, &command, Some(&other), false, &facts()),
                Err(Refusal::NotVisible),
                "{state:?} {command:?}"
            );
            assert_eq!(
                decide(&subject, &command, None, false, &facts()),
                Err(Refusal::NotVisible),
                "{state:?} {command:?}"
            );
        }
    }
}

#[test]
fn unassigned_assessors_and_other_needs_owners_do_not_see_an_idea() {
    let cast = cast();
    let submitted = idea(&cast, IdeaState::Submitted);
    for role in [Role::Assessor, Role::NeedsOwner] {
        let stranger = actor(&[role]);
        assert!(!can_view(&submitted, Some(&stranger), false), "{role:?}");
        assert_eq!(
            decide(&submitted, &start_assessment(), Some(&stranger), false, &facts()),
            Err(Refusal::NotVisible),
            "{role:?}"
        );
    }
}

#[test]
fn needs_owner_does_not_see_an_idea_that_was_never_submitted() {
    let cast = cast();
    for state in [IdeaState::Draft, IdeaState::Withdrawn] {
        let mut never_submitted = idea(&cast, state);
        never_submitted.ever_submitted = false;
        assert!(!can_view(&never_submitted, Some(&cast.owner), false), "{state:?}");
        assert_eq!(
            decide(&never_submitted, &submit(), Some(&cast.owner), false, &facts()),
            Err(Refusal::NotVisible),
            "{state:?}"
        );
    }
}

#[test]
fn needs_owner_sees_an_idea_from_its_submission_on_even_after_withdrawal() {
    let cast = cast();
    for state in IdeaState::ALL.into_iter().filter(|s| *s != IdeaState::Draft) {
        assert!(can_view(&idea(&cast, state), Some(&cast.owner), false), "{state:?}");
    }
}

#[test]
fn innovator_assigned_assessor_and_facilitators_see_the_idea_in_every_state() {
    let cast = cast();
    let assessor = actor(&[Role::Assessor]);
    for state in IdeaState::ALL {
        let subject = idea(&cast, state);
        assert!(can_view(&subject, Some(&cast.innovator), false), "{state:?}");
        assert!(can_view(&subject, Some(&cast.facilitator), false), "{state:?}");
        assert!(can_view(&subject, Some(&assessor), true), "{state:?}");
    }
}

#[test]
fn visibility_is_checked_before_permission_and_permission_before_values() {
    let cast = cast();
    let in_assessment = idea(&cast, IdeaState::InAssessment);
    let blank = decide_command(DecisionOutcome::Qualified, " ");
    assert_eq!(
        decide(
            &in_assessment,
            &blank,
            Some(&actor(&[Role::Innovator])),
            false,
            &facts()
        ),
        Err(Refusal::NotVisible)
    );
    assert!(matches!(
        decide(&in_assessment, &blank, Some(&cast.innovator), false, &facts()),
        Err(Refusal::NotPermitted(_))
    ));
}

#[test]
fn invalid_values_are_reported_before_the_state() {
    let cast = cast();
    let draft = idea(&cast, IdeaState::Draft);
    let result = decide(
        &draft,
        &decide_command(DecisionOutcome::Qualified, ""),
        Some(&cast.facilitator),
        false,
        &facts(),
    );
    assert_eq!(invalid_fields(result), vec!["feedback"]);
}

#[test]
fn decide_requires_feedback() {
    let cast = cast();
    let in_assessment = idea(&cast, IdeaState::InAssessment);
    for feedback in ["", "  \n\t "] {
        let result = decide(
            &in_assessment,
            &decide_command(DecisionOutcome::NotQualified, feedback),
            Some(&cast.facilitator),
            false,
            &facts(),
        );
        assert_eq!(
            result,
            Err(Refusal::invalid("feedback", FieldProblem::Required)),
            "{feedback:?}"
        );
    }
}

#[test]
fn decide_not_qualified_leads_to_not_qualified_with_trimmed_feedback() {
    let cast = cast();
    let result = decide(
        &idea(&cast, IdeaState::InAssessment),
        &decide_command(DecisionOutcome::NotQualified, "  Too close to the existing service \n"),
        Some(&cast.facilitator),
        false,
        &facts(),
    );
    let expected_event = IdeaEvent::Decided {
        outcome: DecisionOutcome::NotQualified,
        feedback: "Too close to the existing service".into(),
    };
    assert_eq!(result, Ok(vec![expected_event.clone()]));
    assert_eq!(expected_event.to_state(), IdeaState::NotQualified);
    assert_eq!(
        evolve(IdeaState::InAssessment, &expected_event),
        IdeaState::NotQualified
    );
}

#[test]
fn decide_needs_the_required_number_of_scorecards() {
    let cast = cast();
    let in_assessment = idea(&cast, IdeaState::InAssessment);
    let command = decide_command(DecisionOutcome::Qualified, "Strong need fit");
    for (submitted, required, allowed) in [(0, 2, false), (1, 2, false), (2, 2, true), (3, 2, true), (0, 0, true)] {
        let facts = IdeaFacts {
            scorecards_submitted: submitted,
            scorecards_required: required,
            ..facts()
        };
        let result = decide(&in_assessment, &command, Some(&cast.facilitator), false, &facts);
        if allowed {
            assert!(result.is_ok(), "{submitted} of {required}: {result:?}");
        } else {
            assert!(
                matches!(result, Err(Refusal::GuardFailed(_))),
                "{submitted} of {required}: {result:?}"
            );
        }
    }
}

#[test]
fn start_assessment_records_the_rubric() {
    let cast = cast();
    let rubric_id = Uuid::now_v7();
    let result = decide(
        &idea(&cast, IdeaState::Submitted),
        &IdeaCommand::StartAssessment { rubric_id },
        Some(&cast.facilitator),
        false,
        &facts(),
    );
    assert_eq!(result, Ok(vec![IdeaEvent::AssessmentStarted { rubric_id }]));
}

#[test]
fn start_incubation_requires_a_plan() {
    let cast = cast();
    let qualified = idea(&cast, IdeaState::Qualified);
    for plan in ["", "   "] {
        let result = decide(
            &qualified,
            &start_incubation(plan),
            Some(&cast.facilitator),
            false,
            &facts(),
        );
        assert_eq!(
            result,
            Err(Refusal::invalid("plan", FieldProblem::Required)),
            "{plan:?}"
        );
    }
}

#[test]
fn start_incubation_records_the_organisation_and_the_trimmed_plan() {
    let cast = cast();
    let organisation = Uuid::now_v7();
    let command = IdeaCommand::StartIncubation {
        support_organisation_id: organisation,
        plan: " Three months at Medeon \n".into(),
    };
    let result = decide(
        &idea(&cast, IdeaState::Qualified),
        &command,
        Some(&cast.facilitator),
        false,
        &facts(),
    );
    assert_eq!(
        result,
        Ok(vec![IdeaEvent::IncubationStarted {
            support_organisation_id: organisation,
            plan: "Three months at Medeon".into(),
        }])
    );
}

#[test]
fn start_testing_names_every_blank_field() {
    let cast = cast();
    let command = start_testing("", "  ", date(2027, 3, 1), date(2027, 3, 2), "\t");
    let result = decide(
        &idea(&cast, IdeaState::Qualified),
        &command,
        Some(&cast.facilitator),
        false,
        &facts(),
    );
    assert_eq!(invalid_fields(result), vec!["site", "host", "success_criteria"]);
}

#[test]
fn start_testing_refuses_an_end_before_the_start() {
    let cast = cast();
    let command = start_testing("Botildenborg", "MKB", date(2027, 3, 2), date(2027, 3, 1), "Adopted");
    let result = decide(
        &idea(&cast, IdeaState::InIncubation),
        &command,
        Some(&cast.facilitator),
        false,
        &facts(),
    );
    assert_eq!(invalid_fields(result), vec!["ends_on"]);
}

#[test]
fn start_testing_allows_a_one_day_test_and_records_trimmed_values() {
    let cast = cast();
    let day = date(2027, 5, 12);
    let command = start_testing(" Botildenborg ", " MKB ", day, day, " Residents join in ");
    let result = decide(
        &idea(&cast, IdeaState::Qualified),
        &command,
        Some(&cast.facilitator),
        false,
        &facts(),
    );
    assert_eq!(
        result,
        Ok(vec![IdeaEvent::TestingStarted {
            site: "Botildenborg".into(),
            host: "MKB".into(),
            host_organisation_id: None,
            starts_on: day,
            ends_on: day,
            success_criteria: "Residents join in".into(),
        }])
    );
}

#[test]
fn complete_requires_results_and_lessons_learned() {
    let cast = cast();
    let result = decide(
        &idea(&cast, IdeaState::InTesting),
        &complete(TestOutcome::NotAdopted, " ", ""),
        Some(&cast.facilitator),
        false,
        &facts(),
    );
    assert_eq!(invalid_fields(result), vec!["results", "lessons_learned"]);
}

#[test]
fn complete_records_every_outcome() {
    let cast = cast();
    for outcome in TestOutcome::ALL {
        let result = decide(
            &idea(&cast, IdeaState::InTesting),
            &complete(outcome, " 62% booked ", " Bikes need charging "),
            Some(&cast.facilitator),
            false,
            &facts(),
        );
        assert_eq!(
            result,
            Ok(vec![IdeaEvent::Completed {
                outcome,
                results: "62% booked".into(),
                lessons_learned: "Bikes need charging".into(),
            }]),
            "{outcome:?}"
        );
    }
}

#[test]
fn discontinue_requires_a_reason() {
    let cast = cast();
    for reason in ["", " "] {
        let result = decide(
            &idea(&cast, IdeaState::InIncubation),
            &discontinue(reason),
            Some(&cast.facilitator),
            false,
            &facts(),
        );
        assert_eq!(
            result,
            Err(Refusal::invalid("reason", FieldProblem::Required)),
            "{reason:?}"
        );
    }
}

#[test]
fn withdraw_takes_an_optional_trimmed_reason() {
    let cast = cast();
    let submitted = idea(&cast, IdeaState::Submitted);
    for (reason, recorded) in [
        (None, None),
        (Some("   "), None),
        (Some(" Moved away "), Some("Moved away".to_owned())),
    ] {
        let result = decide(&submitted, &withdraw(reason), Some(&cast.innovator), false, &facts());
        assert_eq!(
            result,
            Ok(vec![IdeaEvent::Withdrawn { reason: recorded }]),
            "{reason:?}"
        );
    }
}

#[test]
fn over_long_texts_are_invalid_and_the_longest_allowed_pass() {
    let cast = cast();
    let text = long(TEXT_MAX);
    let short = long(SHORT_MAX);
    let too_long = long(TEXT_MAX + 1);
    let too_short_long = long(SHORT_MAX + 1);
    let (starts, ends) = (date(2027, 3, 1), date(2027, 4, 1));
    let cases: Vec<(IdeaState, IdeaCommand, IdeaCommand, Vec<&str>)> = vec![
        (
            IdeaState::InAssessment,
            decide_command(DecisionOutcome::Qualified, &too_long),
            decide_command(DecisionOutcome::Qualified, &text),
            vec!["feedback"],
        ),
        (
            IdeaState::Qualified,
            start_incubation(&too_long),
            start_incubation(&text),
            vec!["plan"],
        ),
        (
            IdeaState::Qualified,
            start_testing(&too_short_long, &too_short_long, starts, ends, &too_long),
            start_testing(&short, &short, starts, ends, &text),
            vec!["site", "host", "success_criteria"],
        ),
        (
            IdeaState::InTesting,
            complete(TestOutcome::Adopted, &too_long, &too_long),
            complete(TestOutcome::Adopted, &text, &text),
            vec!["results", "lessons_learned"],
        ),
        (
            IdeaState::InTesting,
            discontinue(&too_long),
            discontinue(&text),
            vec!["reason"],
        ),
        (
            IdeaState::InTesting,
            withdraw(Some(&too_long)),
            withdraw(Some(&text)),
            vec!["reason"],
        ),
    ];
    for (state, refused, accepted, fields) in cases {
        let who = if run_by_innovator(&refused) {
            &cast.innovator
        } else {
            &cast.facilitator
        };
        let subject = idea(&cast, state);
        let result = decide(&subject, &refused, Some(who), false, &facts());
        assert_eq!(invalid_fields(result), fields, "{}", refused.name());
        let result = decide(&subject, &accepted, Some(who), false, &facts());
        assert!(result.is_ok(), "{}: {result:?}", accepted.name());
    }
}

#[test]
fn missing_references_are_reported_as_invalid() {
    let cast = cast();
    let facts_missing = |fields: Vec<&'static str>| IdeaFacts {
        missing_references: fields,
        ..facts()
    };
    let result = decide(
        &idea(&cast, IdeaState::Submitted),
        &start_assessment(),
        Some(&cast.facilitator),
        false,
        &facts_missing(vec!["rubric_id"]),
    );
    assert_eq!(result, Err(Refusal::invalid("rubric_id", FieldProblem::NoSuchRecord)));

    let result = decide(
        &idea(&cast, IdeaState::Qualified),
        &start_incubation(" "),
        Some(&cast.facilitator),
        false,
        &facts_missing(vec!["support_organisation_id"]),
    );
    assert_eq!(invalid_fields(result), vec!["plan", "support_organisation_id"]);
}

#[test]
fn submit_refuses_blank_content_naming_each_field() {
    let cast = cast();
    let mut draft = idea(&cast, IdeaState::Draft);
    draft.title = "  ".into();
    draft.summary = String::new();
    draft.description = "\n".into();
    let result = decide(&draft, &submit(), Some(&cast.innovator), false, &facts());
    assert_eq!(invalid_fields(result), vec!["title", "summary", "description"]);

    let mut draft = idea(&cast, IdeaState::Draft);
    draft.summary = " ".into();
    let result = decide(&draft, &submit(), Some(&cast.innovator), false, &facts());
    assert_eq!(result, Err(Refusal::invalid("summary", FieldProblem::Required)));
}

#[test]
fn submit_reports_blank_content_before_a_closed_challenge() {
    let cast = cast();
    let mut draft = idea(&cast, IdeaState::Draft);
    draft.title = String::new();
    let closed = IdeaFacts {
        challenge_state: ChallengeState::Closed,
        ..facts()
    };
    let result = decide(&draft, &submit(), Some(&cast.innovator), false, &closed);
    assert_eq!(invalid_fields(result), vec!["title"]);
}

#[test]
fn submit_requires_a_published_challenge() {
    let cast = cast();
    let draft = idea(&cast, IdeaState::Draft);
    for challenge_state in ChallengeState::ALL {
        let facts = IdeaFacts {
            challenge_state,
            ..facts()
        };
        let result = decide(&draft, &submit(), Some(&cast.innovator), false, &facts);
        if challenge_state == ChallengeState::Published {
            assert_eq!(result, Ok(vec![IdeaEvent::Submitted]));
        } else {
            assert!(
                matches!(result, Err(Refusal::GuardFailed(_))),
                "{challenge_state:?}: {result:?}"
            );
        }
    }
}

#[test]
fn submit_is_refused_at_and_after_the_deadline_and_allowed_just_before() {
    let cast = cast();
    let draft = idea(&cast, IdeaState::Draft);
    for (close_at, allowed) in [
        (now() - Duration::days(1), false),
        (now() - Duration::seconds(1), false),
        (now(), false),
        (now() + Duration::seconds(1), true),
        (now() + Duration::days(30), true),
    ] {
        let facts = IdeaFacts::at(now(), ChallengeState::Published, Some(close_at));
        let result = decide(&draft, &submit(), Some(&cast.innovator), false, &facts);
        if allowed {
            assert_eq!(result, Ok(vec![IdeaEvent::Submitted]), "{close_at}");
        } else {
            assert!(matches!(result, Err(Refusal::GuardFailed(_))), "{close_at}: {result:?}");
        }
    }
}

#[test]
fn innovators_draft_ideas_on_published_challenges() {
    assert_eq!(
        authorize_create(&actor(&[Role::Innovator]), ChallengeState::Published),
        Ok(())
    );
    assert_eq!(
        authorize_create(&actor(&[Role::Innovator, Role::NeedsOwner]), ChallengeState::Published),
        Ok(())
    );
}

#[test]
fn only_innovators_draft_ideas() {
    for role in [Role::NeedsOwner, Role::Assessor, Role::Facilitator] {
        let result = authorize_create(&actor(&[role]), ChallengeState::Published);
        assert!(matches!(result, Err(Refusal::NotPermitted(_))), "{role:?}");
    }
    let result = authorize_create(&actor(&[]), ChallengeState::Published);
    assert!(matches!(result, Err(Refusal::NotPermitted(_))));
}

#[test]
fn ideas_are_drafted_only_on_published_challenges() {
    let innovator = actor(&[Role::Innovator]);
    for state in ChallengeState::ALL
        .into_iter()
        .filter(|s| *s != ChallengeState::Published)
    {
        let result = authorize_create(&innovator, state);
        assert!(matches!(result, Err(Refusal::GuardFailed(_))), "{state:?}: {result:?}");
    }
}

#[test]
fn innovator_edits_only_a_draft() {
    let cast = cast();
    for state in IdeaState::ALL {
        let result = authorize_edit(&idea(&cast, state), Some(&cast.innovator), false);
        if state == IdeaState::Draft {
            assert_eq!(result, Ok(()));
        } else {
            assert_eq!(
                result,
                Err(Refusal::InvalidTransition {
                    from: state.as_str(),
                    command: "edit"
                }),
                "{state:?}"
            );
        }
    }
}

#[test]
fn those_who_see_an_idea_but_did_not_write_it_may_not_edit_it() {
    let cast = cast();
    let assessor = actor(&[Role::Assessor]);
    let draft = idea(&cast, IdeaState::Draft);
    let submitted = idea(&cast, IdeaState::Submitted);
    for (subject, who, assigned) in [
        (&draft, &cast.facilitator, false),
        (&draft, &assessor, true),
        (&submitted, &cast.facilitator, false),
        (&submitted, &cast.owner, false),
        (&submitted, &assessor, true),
    ] {
        let result = authorize_edit(subject, Some(who), assigned);
        assert!(
            matches!(result, Err(Refusal::NotPermitted(_))),
            "{:?} {who:?}: {result:?}",
            subject.state
        );
    }
}

#[test]
fn those_who_do_not_see_an_idea_are_told_it_does_not_exist_when_editing() {
    let cast = cast();
    let draft = idea(&cast, IdeaState::Draft);
    let submitted = idea(&cast, IdeaState::Submitted);
    let other = actor(&[Role::Innovator]);
    let assessor = actor(&[Role::Assessor]);
    assert_eq!(
        authorize_edit(&draft, Some(&cast.owner), false),
        Err(Refusal::NotVisible)
    );
    for subject in [&draft, &submitted] {
        assert_eq!(authorize_edit(subject, Some(&other), false), Err(Refusal::NotVisible));
        assert_eq!(
            authorize_edit(subject, Some(&assessor), false),
            Err(Refusal::NotVisible)
        );
        assert_eq!(authorize_edit(subject, None, false), Err(Refusal::NotVisible));
    }
}

#[test]
fn states_round_trip_through_their_names() {
    for state in IdeaState::ALL {
        assert_eq!(IdeaState::parse(state.as_str()), Some(state));
    }
    assert_eq!(IdeaState::parse("in_assessment"), Some(IdeaState::InAssessment));
    assert_eq!(IdeaState::parse("deleted"), None);
    assert_eq!(IdeaState::parse("Draft"), None);
}

#[test]
fn decision_outcomes_round_trip_through_their_names() {
    for outcome in [DecisionOutcome::Qualified, DecisionOutcome::NotQualified] {
        assert_eq!(DecisionOutcome::parse(outcome.as_str()), Some(outcome));
    }
    assert_eq!(
        DecisionOutcome::parse("not_qualified"),
        Some(DecisionOutcome::NotQualified)
    );
    assert_eq!(DecisionOutcome::parse("maybe"), None);
}

#[test]
fn test_outcomes_round_trip_through_their_names() {
    for outcome in TestOutcome::ALL {
        assert_eq!(TestOutcome::parse(outcome.as_str()), Some(outcome));
    }
    let names: Vec<&str> = TestOutcome::ALL.into_iter().map(TestOutcome::as_str).collect();
    assert_eq!(
        names,
        vec!["adopted", "scaled", "needs_further_development", "not_adopted"]
    );
    assert_eq!(TestOutcome::parse("abandoned"), None);
}

#[test]
fn only_adopted_and_scaled_count_as_adoption() {
    let adoptions: Vec<TestOutcome> = TestOutcome::ALL.into_iter().filter(|o| o.is_adoption()).collect();
    assert_eq!(adoptions, vec![TestOutcome::Adopted, TestOutcome::Scaled]);
}

#[test]
fn terminal_states_are_exactly_not_qualified_completed_discontinued_and_withdrawn() {
    let terminal: Vec<IdeaState> = IdeaState::ALL.into_iter().filter(|s| s.is_terminal()).collect();
    assert_eq!(
        terminal,
        vec![
            IdeaState::NotQualified,
            IdeaState::Completed,
            IdeaState::Discontinued,
            IdeaState::Withdrawn
        ]
    );
}

#[test]
fn no_command_leaves_a_terminal_state() {
    let cast = cast();
    let both = actor(&[Role::Innovator, Role::Facilitator]);
    let cast = Cast {
        innovator: both.clone(),
        ..cast
    };
    for state in IdeaState::ALL.into_iter().filter(|s| s.is_terminal()) {
        for command in all_commands() {
            let result = decide(&idea(&cast, state), &command, Some(&both), false, &facts());
            assert!(
                matches!(result, Err(Refusal::InvalidTransition { .. })),
                "{state:?} {command:?}"
            );
        }
    }
}

fn command_strategy() -> impl Strategy<Value = (usize, bool)> {
    (0..11usize, any::<bool>())
}

proptest! {
    /// Random command sequences by random actors never leave the table, and replaying
    /// the accepted events from `draft` rebuilds the state.
    #[test]
    fn random_sequences_stay_in_the_machine_and_replay(steps in proptest::collection::vec(command_strategy(), 0..40)) {
        let cast = cast();
        let mut current = idea(&cast, IdeaState::Draft);
        let mut log = Vec::new();
        for (index, by_facilitator) in steps {
            let command = all_commands()[index].clone();
            let who = if by_facilitator { &cast.facilitator } else { &cast.innovator };
            let before = current.state;
            let want = match command {
                IdeaCommand::Resume if before == IdeaState::OnHold => current.held_from,
                _ => expected(before, &command),
            };
            match decide(&current, &command, Some(who), false, &facts()) {
                Ok(events) => {
                    prop_assert_eq!(events.len(), 1);
                    prop_assert_eq!(by_facilitator, !run_by_innovator(&command));
                    for event in events {
                        prop_assert_eq!(Some(event.to_state()), want);
                        prop_assert_eq!(event.command(), command.name());
                        current.held_from = match &event {
                            IdeaEvent::PutOnHold { held_from, .. } => Some(*held_from),
                            _ => None,
                        };
                        current.state = evolve(current.state, &event);
                        current.ever_submitted |= current.state == IdeaState::Submitted;
                        log.push(event);
                    }
                }
                Err(refusal) => {
                    let right_actor = by_facilitator != run_by_innovator(&command);
                    if right_actor {
                        prop_assert!(expected(before, &command).is_none());
                        prop_assert!(matches!(refusal, Refusal::InvalidTransition { .. }), "{:?}", refusal);
                    } else {
                        prop_assert!(matches!(refusal, Refusal::NotPermitted(_)), "{:?}", refusal);
                    }
                    prop_assert_eq!(current.state, before);
                }
            }
        }
        let replayed = log.iter().fold(IdeaState::Draft, evolve);
        prop_assert_eq!(replayed, current.state);
    }
}

#[test]
fn drafts_are_refused_once_the_challenge_closed_for_ideas() {
    let close = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).single().unwrap();
    assert!(check_open_for_drafts(None, close).is_ok());
    assert!(check_open_for_drafts(Some(close), close - chrono::Duration::seconds(1)).is_ok());
    assert!(matches!(
        check_open_for_drafts(Some(close), close),
        Err(Refusal::GuardFailed(_))
    ));
}

// ---------------------------------------------------------------- offered

/// A command of `kind` with values the rules accept (withdraw with its reason left out).
fn sample(kind: IdeaCommandKind) -> IdeaCommand {
    match kind {
        IdeaCommandKind::Submit => submit(),
        IdeaCommandKind::StartAssessment => start_assessment(),
        IdeaCommandKind::Decide => decide_command(DecisionOutcome::Qualified, "Strong need fit"),
        IdeaCommandKind::StartIncubation => start_incubation("Three months at the science park"),
        IdeaCommandKind::StartTesting => a_test(),
        IdeaCommandKind::Complete => complete(TestOutcome::Adopted, "62% booked", "Cargo bikes need a charging spot"),
        IdeaCommandKind::Discontinue => discontinue("The team left the project"),
        IdeaCommandKind::Withdraw => withdraw(None),
        IdeaCommandKind::PutOnHold => put_on_hold("Waiting for the building permit"),
        IdeaCommandKind::Resume => IdeaCommand::Resume,
    }
}

/// Who looks at the idea, and whether they are assigned to assess it.
#[derive(Debug, Clone, Copy)]
enum Viewer {
    Innovator,
    NeedsOwner,
    Facilitator,
    InnovatorAndFacilitator,
    AssignedAssessor,
    OtherInnovator,
    Anonymous,
}

const VIEWERS: [Viewer; 7] = [
    Viewer::Innovator,
    Viewer::NeedsOwner,
    Viewer::Facilitator,
    Viewer::InnovatorAndFacilitator,
    Viewer::AssignedAssessor,
    Viewer::OtherInnovator,
    Viewer::Anonymous,
];

/// The viewer's actor and whether they are assigned, with the cast whose idea they see
/// (the innovator holding both roles is the idea's innovator).
fn seen_by(viewer: Viewer) -> (Cast, Option<Actor>, bool) {
    let mut cast = cast();
    let (who, assigned) = match viewer {
        Viewer::Innovator => (Some(cast.innovator.clone()), false),
        Viewer::NeedsOwner => (Some(cast.owner.clone()), false),
        Viewer::Facilitator => (Some(cast.facilitator.clone()), false),
        Viewer::InnovatorAndFacilitator => {
            cast.innovator = actor(&[Role::Innovator, Role::Facilitator]);
            (Some(cast.innovator.clone()), false)
        }
        Viewer::AssignedAssessor => (Some(actor(&[Role::Assessor])), true),
        Viewer::OtherInnovator => (Some(actor(&[Role::Innovator])), false),
        Viewer::Anonymous => (None, false),
    };
    (cast, who, assigned)
}

/// Whether `decide` takes the command or refuses it only for its values: what `offered`
/// promises for each kind it lists.
fn decide_would_take(
    idea: &Idea,
    kind: IdeaCommandKind,
    who: Option<&Actor>,
    assigned: bool,
    facts: &IdeaFacts,
) -> bool {
    matches!(
        decide(idea, &sample(kind), who, assigned, facts),
        Ok(_) | Err(Refusal::Invalid(_))
    )
}

#[test]
fn command_kinds_name_their_commands_and_list_each_once() {
    for kind in IdeaCommandKind::ALL {
        assert_eq!(sample(kind).kind(), kind);
        assert_eq!(sample(kind).name(), kind.as_str());
    }
    let mut names: Vec<&str> = IdeaCommandKind::ALL.iter().map(|k| k.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), IdeaCommandKind::ALL.len());
}

#[test]
fn offered_agrees_with_decide_for_every_state_and_viewer() {
    for state in IdeaState::ALL {
        for viewer in VIEWERS {
            let (cast, who, assigned) = seen_by(viewer);
            let idea = idea(&cast, state);
            let offered = offered(&idea, who.as_ref(), assigned, &facts());
            for kind in IdeaCommandKind::ALL {
                assert_eq!(
                    offered.contains(&kind),
                    decide_would_take(&idea, kind, who.as_ref(), assigned, &facts()),
                    "{state:?} {viewer:?} {kind:?}"
                );
            }
        }
    }
}

#[test]
fn the_innovator_is_offered_submit_and_withdraw_on_a_draft_and_the_team_its_step() {
    let cast = cast();
    let draft = idea(&cast, IdeaState::Draft);
    assert_eq!(
        offered(&draft, Some(&cast.innovator), false, &facts()),
        vec![IdeaCommandKind::Submit, IdeaCommandKind::Withdraw]
    );
    assert_eq!(offered(&draft, Some(&cast.facilitator), false, &facts()), vec![]);
    let qualified = idea(&cast, IdeaState::Qualified);
    assert_eq!(
        offered(&qualified, Some(&cast.facilitator), false, &facts()),
        vec![
            IdeaCommandKind::StartIncubation,
            IdeaCommandKind::StartTesting,
            IdeaCommandKind::Discontinue,
            IdeaCommandKind::PutOnHold
        ]
    );
    assert_eq!(offered(&qualified, Some(&cast.owner), false, &facts()), vec![]);
    assert_eq!(offered(&qualified, None, false, &facts()), vec![]);
}

#[test]
fn submit_is_not_offered_once_the_challenge_stops_taking_ideas_unless_the_draft_lacks_text() {
    let cast = cast();
    let mut draft = idea(&cast, IdeaState::Draft);
    let closed = IdeaFacts {
        ideas_close_at: Some(now()),
        ..facts()
    };
    assert_eq!(
        offered(&draft, Some(&cast.innovator), false, &closed),
        vec![IdeaCommandKind::Withdraw]
    );
    // Submitting says which field to fill in before it says the challenge closed.
    draft.summary = " ".into();
    assert_eq!(
        offered(&draft, Some(&cast.innovator), false, &closed),
        vec![IdeaCommandKind::Submit, IdeaCommandKind::Withdraw]
    );
}

#[test]
fn decide_is_not_offered_before_the_required_scorecards_are_in() {
    let cast = cast();
    let assessed = idea(&cast, IdeaState::InAssessment);
    let short = IdeaFacts {
        scorecards_submitted: 1,
        ..facts()
    };
    assert!(!offered(&assessed, Some(&cast.facilitator), false, &short).contains(&IdeaCommandKind::Decide));
    assert!(offered(&assessed, Some(&cast.facilitator), false, &facts()).contains(&IdeaCommandKind::Decide));
}

fn facts_strategy() -> impl Strategy<Value = IdeaFacts> {
    (
        proptest::sample::select(ChallengeState::ALL.to_vec()),
        prop_oneof![
            Just(None),
            (-2i64..=2).prop_map(|hours| Some(now() + Duration::hours(hours)))
        ],
        0u32..3,
        0u32..3,
        any::<bool>(),
    )
        .prop_map(
            |(challenge_state, ideas_close_at, scorecards_submitted, scorecards_required, missing)| IdeaFacts {
                now: now(),
                challenge_state,
                ideas_close_at,
                scorecards_submitted,
                scorecards_required,
                missing_references: if missing { vec!["rubric_id"] } else { Vec::new() },
            },
        )
}

proptest! {
    /// Across states, viewers, challenge states, deadlines, scorecard counts and blank
    /// texts, a kind is offered exactly when `decide` with valid values for it takes it
    /// or refuses only its values. Missing references are values: they never hide a form.
    #[test]
    fn offered_agrees_with_decide_whatever_the_facts(
        state in proptest::sample::select(IdeaState::ALL.to_vec()),
        viewer in proptest::sample::select(VIEWERS.to_vec()),
        facts in facts_strategy(),
        blank_summary in any::<bool>(),
    ) {
        let (cast, who, assigned) = seen_by(viewer);
        let mut idea = idea(&cast, state);
        if blank_summary {
            idea.summary = String::new();
        }
        let offered = offered(&idea, who.as_ref(), assigned, &facts);
        let valid = IdeaFacts { missing_references: Vec::new(), ..facts.clone() };
        for kind in IdeaCommandKind::ALL {
            prop_assert_eq!(
                offered.contains(&kind),
                decide_would_take(&idea, kind, who.as_ref(), assigned, &valid),
                "{:?} {:?} {:?}", state, viewer, kind
            );
        }
        prop_assert_eq!(offered, super::offered(&idea, who.as_ref(), assigned, &valid));
    }
}

#[test]
fn an_accepted_member_sees_and_edits_a_draft_but_only_the_innovator_submits_and_withdraws() {
    let cast = cast();
    let draft = idea(&cast, IdeaState::Draft);
    let stranger = actor(&[Role::Innovator]);
    assert!(can_view(&draft, Some(&cast.member), false));
    assert!(!can_view(&draft, Some(&stranger), false));
    assert!(authorize_edit(&draft, Some(&cast.member), false).is_ok());
    assert_eq!(authorize_edit(&draft, Some(&stranger), false), Err(Refusal::NotVisible));
    let facts = facts();
    assert_eq!(
        decide(&draft, &submit(), Some(&cast.member), false, &facts),
        Err(Refusal::not_permitted(ForbiddenReason::OnlyTheInnovatorSubmits))
    );
    assert_eq!(
        decide(
            &draft,
            &IdeaCommand::Withdraw { reason: None },
            Some(&cast.member),
            false,
            &facts
        ),
        Err(Refusal::not_permitted(ForbiddenReason::OnlyTheInnovatorWithdraws))
    );
    let submitted = idea(&cast, IdeaState::Submitted);
    assert_eq!(
        authorize_edit(&submitted, Some(&cast.member), false),
        Err(Refusal::InvalidTransition {
            from: "submitted",
            command: "edit"
        })
    );
}

// ---------------------------------------------------------------- hold (SPEC §17)

const HOLDABLE: [IdeaState; 4] = [
    IdeaState::InAssessment,
    IdeaState::Qualified,
    IdeaState::InIncubation,
    IdeaState::InTesting,
];

#[test]
fn a_facilitator_puts_an_idea_on_hold_from_each_of_the_four_states_and_resumes_it_there() {
    let cast = cast();
    for from in HOLDABLE {
        let mut current = idea(&cast, from);
        let events = decide(
            &current,
            &put_on_hold("  Waiting for the building permit "),
            Some(&cast.facilitator),
            false,
            &facts(),
        )
        .unwrap_or_else(|r| panic!("{from:?}: {r:?}"));
        assert_eq!(
            events,
            vec![IdeaEvent::PutOnHold {
                reason: "Waiting for the building permit".into(),
                held_from: from,
            }]
        );
        current.state = evolve(current.state, &events[0]);
        current.held_from = Some(from);
        assert_eq!(current.state, IdeaState::OnHold);
        let resumed = decide(&current, &IdeaCommand::Resume, Some(&cast.facilitator), false, &facts());
        assert_eq!(resumed, Ok(vec![IdeaEvent::Resumed { to: from }]), "{from:?}");
        assert_eq!(evolve(current.state, &IdeaEvent::Resumed { to: from }), from);
    }
}

#[test]
fn put_on_hold_is_refused_from_every_other_state_and_resume_from_every_state_but_on_hold() {
    let cast = cast();
    for state in IdeaState::ALL {
        let held = decide(
            &idea(&cast, state),
            &put_on_hold("Paused"),
            Some(&cast.facilitator),
            false,
            &facts(),
        );
        assert_eq!(held.is_ok(), HOLDABLE.contains(&state), "{state:?}");
        if !HOLDABLE.contains(&state) {
            assert_eq!(
                held,
                Err(Refusal::InvalidTransition {
                    from: state.as_str(),
                    command: "put_on_hold"
                })
            );
        }
        let resumed = decide(
            &idea(&cast, state),
            &IdeaCommand::Resume,
            Some(&cast.facilitator),
            false,
            &facts(),
        );
        assert_eq!(resumed.is_ok(), state == IdeaState::OnHold, "{state:?}");
    }
}

#[test]
fn resume_without_a_state_to_return_to_is_refused() {
    let cast = cast();
    let mut held = idea(&cast, IdeaState::OnHold);
    held.held_from = None;
    assert_eq!(
        decide(&held, &IdeaCommand::Resume, Some(&cast.facilitator), false, &facts()),
        Err(Refusal::InvalidTransition {
            from: "on_hold",
            command: "resume"
        })
    );
}

#[test]
fn only_facilitators_hold_and_resume() {
    let cast = cast();
    let assessor = actor(&[Role::Assessor]);
    for (command, state) in [
        (put_on_hold("Paused"), IdeaState::Qualified),
        (IdeaCommand::Resume, IdeaState::OnHold),
    ] {
        let current = idea(&cast, state);
        for who in [&cast.innovator, &cast.member, &cast.owner] {
            assert_eq!(
                decide(&current, &command, Some(who), false, &facts()),
                Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsRunSteps)),
                "{command:?}"
            );
        }
        assert_eq!(
            decide(&current, &command, Some(&assessor), true, &facts()),
            Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsRunSteps))
        );
        assert_eq!(
            decide(&current, &command, Some(&assessor), false, &facts()),
            Err(Refusal::NotVisible)
        );
        assert_eq!(
            decide(&current, &command, None, false, &facts()),
            Err(Refusal::NotVisible)
        );
    }
}

#[test]
fn put_on_hold_requires_a_reason_of_at_most_text_max() {
    let cast = cast();
    let qualified = idea(&cast, IdeaState::Qualified);
    for blank in ["", "   \n"] {
        assert_eq!(
            invalid_fields(decide(
                &qualified,
                &put_on_hold(blank),
                Some(&cast.facilitator),
                false,
                &facts()
            )),
            vec!["reason"]
        );
    }
    assert_eq!(
        invalid_fields(decide(
            &qualified,
            &put_on_hold(&long(TEXT_MAX + 1)),
            Some(&cast.facilitator),
            false,
            &facts()
        )),
        vec!["reason"]
    );
    // The reason is checked before the state: a blank reason on a draft is still 422.
    assert_eq!(
        invalid_fields(decide(
            &idea(&cast, IdeaState::Draft),
            &put_on_hold(""),
            Some(&cast.facilitator),
            false,
            &facts()
        )),
        vec!["reason"]
    );
}

#[test]
fn while_on_hold_the_team_may_resume_or_discontinue_and_the_innovator_only_withdraw() {
    let cast = cast();
    let held = idea(&cast, IdeaState::OnHold);
    assert_eq!(
        offered(&held, Some(&cast.facilitator), false, &facts()),
        vec![IdeaCommandKind::Discontinue, IdeaCommandKind::Resume]
    );
    assert_eq!(
        offered(&held, Some(&cast.innovator), false, &facts()),
        vec![IdeaCommandKind::Withdraw]
    );
    assert_eq!(offered(&held, Some(&cast.member), false, &facts()), vec![]);
    assert_eq!(offered(&held, Some(&cast.owner), false, &facts()), vec![]);
    assert!(!held.state.is_terminal());
}
