//! The challenge, idea and arena state machines under arbitrary command sequences.
//!
//! Each input holds one run per machine: a sequence of (command, actor, facts) applied
//! from the initial state, folding every accepted command's events with `evolve`. Each
//! answer is checked against an oracle written from the SPEC §3 tables (not from the
//! domain code): who sees the item (404), who may act (403), which values are valid (422),
//! which transition the table allows (409) and which guard applies. The invariants:
//! `decide` never panics; an accepted command yields exactly one event, named after the
//! command, that evolves into the state the table promises; a terminal state accepts
//! nothing; every refusal is the typed one the checks' order (404 → 403 → 422 → 409) names.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{DateTime, Datelike, Utc};
use libfuzzer_sys::fuzz_target;
use sluss_domain::arena::{self, ArenaCommand, ArenaState};
use sluss_domain::challenge::{
    self, Challenge, ChallengeCommand, ChallengeEvent, ChallengeFacts, ChallengeState, NewOwner,
};
use sluss_domain::idea::{self, DecisionOutcome, Idea, IdeaCommand, IdeaEvent, IdeaFacts, IdeaState};
use sluss_domain::{Actor, Refusal, Role, Roles, UserId, validate};
use uuid::Uuid;

/// Longest sequence run per machine (longer inputs are cut, keeping runs fast).
const MAX_STEPS: usize = 48;

const OWNER: UserId = UserId(Uuid::from_u128(1));
const INNOVATOR: UserId = UserId(Uuid::from_u128(2));
const OTHER: UserId = UserId(Uuid::from_u128(3));

/// A set of roles, one flag each.
#[derive(Debug, Clone, Copy, Arbitrary)]
struct RoleFlags {
    needs_owner: bool,
    innovator: bool,
    assessor: bool,
    facilitator: bool,
}

impl RoleFlags {
    fn roles(self) -> Roles {
        let mut roles = Roles::empty();
        for (held, role) in [
            (self.needs_owner, Role::NeedsOwner),
            (self.innovator, Role::Innovator),
            (self.assessor, Role::Assessor),
            (self.facilitator, Role::Facilitator),
        ] {
            if held {
                roles = roles.with(role);
            }
        }
        roles
    }
}

/// Who acts: nobody, one of the item's people, or someone else; each with any roles.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Who {
    Anonymous,
    Owner(RoleFlags),
    Innovator(RoleFlags),
    Other(RoleFlags),
}

impl Who {
    fn actor(self) -> Option<Actor> {
        let (id, flags) = match self {
            Who::Anonymous => return None,
            Who::Owner(flags) => (OWNER, flags),
            Who::Innovator(flags) => (INNOVATOR, flags),
            Who::Other(flags) => (OTHER, flags),
        };
        Some(Actor {
            id,
            roles: flags.roles(),
        })
    }
}

/// The refusal or acceptance the oracle expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect<S> {
    NotVisible,
    NotPermitted,
    Invalid,
    InvalidTransition,
    GuardFailed,
    Accept(S),
}

/// Checks the shape of a refusal and returns the kind it is, as an `Expect`.
fn kind_of<S>(refusal: &Refusal, from: &str, command: &str) -> Expect<S> {
    match refusal {
        Refusal::NotVisible => Expect::NotVisible,
        Refusal::NotPermitted(reason) => {
            assert!(!reason.to_string().is_empty(), "a 403 without a reason");
            Expect::NotPermitted
        }
        Refusal::Invalid(errors) => {
            assert!(!errors.is_empty(), "a 422 naming no field");
            assert!(errors.iter().all(|e| !e.field.is_empty() && !e.message().is_empty()));
            Expect::Invalid
        }
        Refusal::InvalidTransition { from: f, command: c } => {
            assert_eq!((*f, *c), (from, command), "a 409 naming the wrong state or command");
            Expect::InvalidTransition
        }
        Refusal::GuardFailed(reason) => {
            assert!(!reason.to_string().is_empty(), "a guard refusal without a reason");
            Expect::GuardFailed
        }
    }
}

/// Trimmed, non-empty, at most `max` characters and free of NUL.
fn required(text: &str, max: usize) -> bool {
    let trimmed = text.trim();
    !trimmed.is_empty() && trimmed.chars().count() <= max && !trimmed.contains('\0')
}

/// Absent, or trimmed at most `max` characters and free of NUL.
fn optional(text: Option<&str>, max: usize) -> bool {
    text.is_none_or(|t| t.trim().chars().count() <= max && !t.contains('\0'))
}

/// A required text after trimming: the form events carry.
fn trimmed_reason(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

// ---------------------------------------------------------------- challenge

#[derive(Debug, Arbitrary)]
enum ChallengeStep {
    Command {
        command: ChallengeCommand,
        who: Who,
        now: DateTime<Utc>,
        /// The arena's state when the command names one (`None`: no such arena).
        arena: Option<ArenaState>,
        /// The new owner's account when the command hands the challenge on.
        new_owner: Option<NewOwner>,
        /// Whether the organisation a transfer names is registered.
        organisation_registered: bool,
    },
    Edit {
        who: Who,
        title: String,
        summary: String,
        description: String,
    },
}

#[derive(Debug, Arbitrary)]
struct ChallengeRun {
    title: String,
    summary: String,
    description: String,
    steps: Vec<ChallengeStep>,
}

/// SPEC §3, challenge: the state each command leads to from each state, if any.
fn challenge_table(from: ChallengeState, command: &ChallengeCommand) -> Option<ChallengeState> {
    use ChallengeCommand as C;
    use ChallengeState as S;
    match (from, command) {
        (S::Draft | S::ChangesRequested, C::Submit) => Some(S::Submitted),
        (S::Submitted, C::RequestChanges { .. }) => Some(S::ChangesRequested),
        (S::Submitted, C::Publish { .. }) => Some(S::Published),
        (S::Published, C::Close) => Some(S::Closed),
        (S::Closed, C::Archive) => Some(S::Archived),
        (S::Draft | S::Submitted | S::ChangesRequested | S::Published, C::Withdraw { .. }) => Some(S::Withdrawn),
        (S::Draft | S::Submitted | S::ChangesRequested | S::Published | S::Closed, C::Transfer { .. }) => Some(from),
        _ => None,
    }
}

/// The years a date may fall in (the domain's `YEAR_MIN..=YEAR_MAX`).
fn in_years(year: i32) -> bool {
    (validate::YEAR_MIN..=validate::YEAR_MAX).contains(&year)
}

fn challenge_expect(
    c: &Challenge,
    command: &ChallengeCommand,
    actor: Option<&Actor>,
    facts: &ChallengeFacts,
) -> Expect<ChallengeState> {
    use ChallengeCommand as C;
    let insider = actor.is_some_and(|a| a.is_facilitator() || a.id == c.owner_id);
    if !c.state.is_public() && !insider {
        return Expect::NotVisible;
    }
    let Some(actor) = actor else {
        return Expect::NotPermitted;
    };
    let (owner, facilitator) = (actor.id == c.owner_id, actor.is_facilitator());
    let permitted = match command {
        C::Submit => owner,
        C::RequestChanges { .. } | C::Publish { .. } | C::Archive | C::Transfer { .. } => facilitator,
        C::Close | C::Withdraw { .. } => owner || facilitator,
    };
    if !permitted {
        return Expect::NotPermitted;
    }
    let values_ok = match command {
        C::RequestChanges { feedback } => required(feedback, challenge::REASON_MAX),
        C::Publish {
            arena_id,
            ideas_close_at,
            ..
        } => {
            ideas_close_at.is_none_or(|at| at > facts.now && in_years(at.year()))
                && (arena_id.is_none() || facts.arena.is_some())
        }
        C::Withdraw { reason } => optional(reason.as_deref(), challenge::REASON_MAX),
        C::Transfer { organisation_id, .. } => {
            facts.new_owner.is_some_and(|o| o.needs_owner && o.active)
                && (organisation_id.is_none() || facts.organisation_registered)
        }
        C::Submit | C::Close | C::Archive => true,
    };
    if !values_ok {
        return Expect::Invalid;
    }
    let Some(to) = challenge_table(c.state, command) else {
        return Expect::InvalidTransition;
    };
    match command {
        C::Submit
            if [&c.title, &c.summary, &c.description]
                .iter()
                .any(|t| t.trim().is_empty() || t.contains('\0')) =>
        {
            Expect::Invalid
        }
        C::Publish { .. } if facts.arena == Some(ArenaState::Closed) => Expect::GuardFailed,
        C::Withdraw { reason }
            if c.state == ChallengeState::Published && trimmed_reason(reason.as_deref()).is_none() =>
        {
            Expect::Invalid
        }
        _ => Expect::Accept(to),
    }
}

/// The event must carry the command's data in the form the history shows.
fn check_challenge_event(command: &ChallengeCommand, event: &ChallengeEvent) {
    match (command, event) {
        (ChallengeCommand::RequestChanges { feedback }, ChallengeEvent::ChangesRequested { feedback: kept }) => {
            assert_eq!(kept, feedback.trim());
        }
        (
            ChallengeCommand::Publish {
                arena_id,
                ideas_close_at,
                blind_assessment,
            },
            ChallengeEvent::Published {
                arena_id: a,
                ideas_close_at: at,
                blind_assessment: b,
            },
        ) => assert_eq!((arena_id, ideas_close_at, blind_assessment), (a, at, b)),
        (ChallengeCommand::Withdraw { reason }, ChallengeEvent::Withdrawn { reason: kept }) => {
            assert_eq!(kept, &trimmed_reason(reason.as_deref()));
        }
        (
            ChallengeCommand::Transfer {
                owner_id,
                organisation_id,
            },
            ChallengeEvent::Transferred {
                owner_id: o,
                organisation_id: g,
            },
        ) => assert_eq!((owner_id, organisation_id), (o, g)),
        _ => {}
    }
    let json = serde_json::to_value(event).unwrap_or_else(|e| panic!("event does not serialise: {e}"));
    assert!(json["type"].is_string(), "event without a type: {json}");
}

fn run_challenge(run: ChallengeRun) {
    let mut c = Challenge {
        owner_id: OWNER,
        state: ChallengeState::Draft,
        title: run.title,
        summary: run.summary,
        description: run.description,
    };
    for step in run.steps.into_iter().take(MAX_STEPS) {
        match step {
            ChallengeStep::Command {
                command,
                who,
                now,
                arena,
                new_owner,
                organisation_registered,
            } => {
                let actor = who.actor();
                let names_arena = matches!(command, ChallengeCommand::Publish { arena_id: Some(_), .. });
                // The API reads an arena only when the command names one.
                let transfers = matches!(command, ChallengeCommand::Transfer { .. });
                let facts = ChallengeFacts {
                    now,
                    arena: if names_arena { arena } else { None },
                    new_owner: if transfers { new_owner } else { None },
                    organisation_registered: organisation_registered || !transfers,
                };
                let expected = challenge_expect(&c, &command, actor.as_ref(), &facts);
                let result = challenge::decide(&c, &command, actor.as_ref(), &facts);
                if c.state.is_terminal() {
                    assert!(result.is_err(), "terminal {:?} accepted {command:?}", c.state);
                }
                match result {
                    Ok(events) => {
                        let [event] = events.as_slice() else {
                            panic!("{command:?} gave {} events", events.len());
                        };
                        assert_eq!(event.command(), command.name());
                        check_challenge_event(&command, event);
                        let next = challenge::evolve(c.state, event);
                        assert_eq!(Expect::Accept(next), expected, "{:?} + {command:?}", c.state);
                        c.state = next;
                    }
                    Err(refusal) => {
                        let got = kind_of(&refusal, c.state.as_str(), command.name());
                        assert_eq!(got, expected, "{:?} + {command:?} by {who:?}: {refusal:?}", c.state);
                    }
                }
            }
            ChallengeStep::Edit {
                who,
                title,
                summary,
                description,
            } => {
                let actor = who.actor();
                let result = challenge::authorize_edit(&c, actor.as_ref());
                let insider = actor.as_ref().is_some_and(|a| a.is_facilitator() || a.id == c.owner_id);
                let expected: Expect<()> = if !c.state.is_public() && !insider {
                    Expect::NotVisible
                } else if !insider {
                    Expect::NotPermitted
                } else {
                    let facilitator = actor.as_ref().is_some_and(Actor::is_facilitator);
                    let editable = if facilitator {
                        !c.state.is_terminal()
                    } else {
                        matches!(c.state, ChallengeState::Draft | ChallengeState::ChangesRequested)
                    };
                    if editable {
                        Expect::Accept(())
                    } else {
                        Expect::InvalidTransition
                    }
                };
                match result {
                    Ok(()) => {
                        assert_eq!(expected, Expect::Accept(()), "edit in {:?} by {who:?}", c.state);
                        (c.title, c.summary, c.description) = (title, summary, description);
                    }
                    Err(refusal) => assert_eq!(kind_of(&refusal, c.state.as_str(), "edit"), expected),
                }
            }
        }
    }
}

// ---------------------------------------------------------------- idea

#[derive(Debug, Arbitrary)]
struct IdeaFactsInput {
    now: DateTime<Utc>,
    challenge_state: ChallengeState,
    ideas_close_at: Option<DateTime<Utc>>,
    scorecards_submitted: u32,
    scorecards_required: u32,
    rubric_missing: bool,
}

#[derive(Debug, Arbitrary)]
enum IdeaStep {
    Command {
        command: IdeaCommand,
        who: Who,
        assigned_assessor: bool,
        facts: IdeaFactsInput,
    },
    Edit {
        who: Who,
        assigned_assessor: bool,
        title: String,
    },
}

#[derive(Debug, Arbitrary)]
struct IdeaRun {
    title: String,
    summary: String,
    description: String,
    steps: Vec<IdeaStep>,
}

/// SPEC §3 and §17, idea: the state each command leads to from each state, if any (a
/// resume leads back to `held_from`).
fn idea_table(from: IdeaState, held_from: Option<IdeaState>, command: &IdeaCommand) -> Option<IdeaState> {
    use IdeaCommand as C;
    use IdeaState as S;
    match (from, command) {
        (S::Draft, C::Submit) => Some(S::Submitted),
        (S::Submitted, C::StartAssessment { .. }) => Some(S::InAssessment),
        (S::InAssessment, C::Decide { outcome, .. }) => Some(match outcome {
            DecisionOutcome::Qualified => S::Qualified,
            DecisionOutcome::NotQualified => S::NotQualified,
        }),
        (S::Qualified, C::StartIncubation { .. }) => Some(S::InIncubation),
        (S::Qualified | S::InIncubation, C::StartTesting { .. }) => Some(S::InTesting),
        (S::InTesting, C::Complete { .. }) => Some(S::Completed),
        (S::Qualified | S::InIncubation | S::InTesting | S::OnHold, C::Discontinue { .. }) => Some(S::Discontinued),
        (state, C::Withdraw { .. }) if !is_idea_terminal(state) => Some(S::Withdrawn),
        (S::InAssessment | S::Qualified | S::InIncubation | S::InTesting, C::PutOnHold { .. }) => Some(S::OnHold),
        (S::OnHold, C::Resume) => held_from,
        _ => None,
    }
}

/// SPEC §3: not_qualified, completed, discontinued and withdrawn are terminal.
fn is_idea_terminal(state: IdeaState) -> bool {
    matches!(
        state,
        IdeaState::NotQualified | IdeaState::Completed | IdeaState::Discontinued | IdeaState::Withdrawn
    )
}

fn idea_visible(idea: &Idea, actor: Option<&Actor>, assigned: bool) -> bool {
    actor.is_some_and(|a| {
        a.is_facilitator()
            || a.id == idea.innovator_id
            || (a.id == idea.challenge_owner_id && idea.ever_submitted)
            || assigned
    })
}

fn idea_expect(
    idea: &Idea,
    command: &IdeaCommand,
    actor: Option<&Actor>,
    assigned: bool,
    facts: &IdeaFacts,
) -> Expect<IdeaState> {
    use IdeaCommand as C;
    let Some(actor) = actor.filter(|_| idea_visible(idea, actor, assigned)) else {
        return Expect::NotVisible;
    };
    let permitted = match command {
        C::Submit | C::Withdraw { .. } => actor.id == idea.innovator_id,
        _ => actor.is_facilitator(),
    };
    if !permitted {
        return Expect::NotPermitted;
    }
    let (text, short) = (idea::TEXT_MAX, idea::SHORT_MAX);
    let values_ok = match command {
        C::Decide { feedback, .. } => required(feedback, text),
        C::StartIncubation { plan, .. } => required(plan, text),
        C::StartTesting {
            site,
            host,
            starts_on,
            ends_on,
            success_criteria,
            ..
        } => {
            required(site, short)
                && required(host, short)
                && required(success_criteria, text)
                && ends_on >= starts_on
                && in_years(starts_on.year())
                && in_years(ends_on.year())
        }
        C::Complete {
            results,
            lessons_learned,
            ..
        } => required(results, text) && required(lessons_learned, text),
        C::Discontinue { reason } => required(reason, text),
        C::Withdraw { reason } => optional(reason.as_deref(), text),
        C::PutOnHold { reason } => required(reason, text),
        C::Submit | C::StartAssessment { .. } | C::Resume => true,
    };
    if !values_ok || !facts.missing_references.is_empty() {
        return Expect::Invalid;
    }
    let Some(to) = idea_table(idea.state, idea.held_from, command) else {
        return Expect::InvalidTransition;
    };
    match command {
        C::Submit
            if [&idea.title, &idea.summary, &idea.description]
                .iter()
                .any(|t| t.trim().is_empty() || t.contains('\0')) =>
        {
            Expect::Invalid
        }
        C::Submit if facts.challenge_state != ChallengeState::Published => Expect::GuardFailed,
        C::Submit if facts.ideas_close_at.is_some_and(|close| facts.now >= close) => Expect::GuardFailed,
        C::Decide { .. } if facts.scorecards_submitted < facts.scorecards_required => Expect::GuardFailed,
        _ => Expect::Accept(to),
    }
}

fn check_idea_event(command: &IdeaCommand, event: &IdeaEvent) {
    match (command, event) {
        (IdeaCommand::StartAssessment { rubric_id }, IdeaEvent::AssessmentStarted { rubric_id: kept }) => {
            assert_eq!(rubric_id, kept);
        }
        (
            IdeaCommand::Decide { outcome, feedback },
            IdeaEvent::Decided {
                outcome: o,
                feedback: f,
            },
        ) => {
            assert_eq!((outcome, feedback.trim()), (o, f.as_str()));
        }
        (IdeaCommand::StartTesting { site, host, .. }, IdeaEvent::TestingStarted { site: s, host: h, .. }) => {
            assert_eq!((site.trim(), host.trim()), (s.as_str(), h.as_str()));
        }
        (IdeaCommand::Complete { outcome, .. }, IdeaEvent::Completed { outcome: kept, .. }) => {
            assert_eq!(outcome, kept);
        }
        (IdeaCommand::Withdraw { reason }, IdeaEvent::Withdrawn { reason: kept }) => {
            assert_eq!(kept, &trimmed_reason(reason.as_deref()));
        }
        _ => {}
    }
    let json = serde_json::to_value(event).unwrap_or_else(|e| panic!("event does not serialise: {e}"));
    assert!(json["type"].is_string(), "event without a type: {json}");
}

fn run_idea(run: IdeaRun) {
    let mut idea = Idea {
        innovator_id: INNOVATOR,
        challenge_owner_id: OWNER,
        state: IdeaState::Draft,
        ever_submitted: false,
        members: Vec::new(),
        title: run.title,
        summary: run.summary,
        description: run.description,
        held_from: None,
    };
    for step in run.steps.into_iter().take(MAX_STEPS) {
        match step {
            IdeaStep::Command {
                command,
                who,
                assigned_assessor,
                facts,
            } => {
                let actor = who.actor();
                let facts = IdeaFacts {
                    scorecards_submitted: facts.scorecards_submitted,
                    scorecards_required: facts.scorecards_required,
                    missing_references: if facts.rubric_missing {
                        vec!["rubric_id"]
                    } else {
                        Vec::new()
                    },
                    ..IdeaFacts::at(facts.now, facts.challenge_state, facts.ideas_close_at)
                };
                let expected = idea_expect(&idea, &command, actor.as_ref(), assigned_assessor, &facts);
                let result = idea::decide(&idea, &command, actor.as_ref(), assigned_assessor, &facts);
                assert_eq!(idea.state.is_terminal(), is_idea_terminal(idea.state));
                if idea.state.is_terminal() {
                    assert!(result.is_err(), "terminal {:?} accepted {command:?}", idea.state);
                }
                match result {
                    Ok(events) => {
                        let [event] = events.as_slice() else {
                            panic!("{command:?} gave {} events", events.len());
                        };
                        assert_eq!(event.command(), command.name());
                        check_idea_event(&command, event);
                        let next = idea::evolve(idea.state, event);
                        assert_eq!(Expect::Accept(next), expected, "{:?} + {command:?}", idea.state);
                        idea.ever_submitted |= next == IdeaState::Submitted;
                        idea.held_from = match event {
                            IdeaEvent::PutOnHold { held_from, .. } => Some(*held_from),
                            _ => None,
                        };
                        idea.state = next;
                    }
                    Err(refusal) => {
                        let got = kind_of(&refusal, idea.state.as_str(), command.name());
                        assert_eq!(got, expected, "{:?} + {command:?} by {who:?}: {refusal:?}", idea.state);
                    }
                }
            }
            IdeaStep::Edit {
                who,
                assigned_assessor,
                title,
            } => {
                let actor = who.actor();
                let expected: Expect<()> = if !idea_visible(&idea, actor.as_ref(), assigned_assessor) {
                    Expect::NotVisible
                } else if actor.as_ref().is_none_or(|a| a.id != idea.innovator_id) {
                    Expect::NotPermitted
                } else if idea.state == IdeaState::Draft {
                    Expect::Accept(())
                } else {
                    Expect::InvalidTransition
                };
                match idea::authorize_edit(&idea, actor.as_ref(), assigned_assessor) {
                    Ok(()) => {
                        assert_eq!(expected, Expect::Accept(()));
                        idea.title = title;
                    }
                    Err(refusal) => assert_eq!(kind_of(&refusal, idea.state.as_str(), "edit"), expected),
                }
            }
        }
    }
}

// ---------------------------------------------------------------- arena

fn run_arena(steps: Vec<(ArenaCommand, Who, bool)>) {
    let mut state = ArenaState::Planned;
    for (command, who, edit) in steps.into_iter().take(MAX_STEPS) {
        let actor = who.actor();
        let facilitator = actor.as_ref().is_some_and(Actor::is_facilitator);
        let visible = state == ArenaState::Open || facilitator;
        let refusal_expected = if !visible {
            Some(Expect::NotVisible)
        } else if !facilitator {
            Some(Expect::NotPermitted)
        } else {
            None
        };
        if edit {
            let expected = refusal_expected.unwrap_or(if state == ArenaState::Closed {
                Expect::InvalidTransition
            } else {
                Expect::Accept(state)
            });
            match arena::authorize_edit(state, actor.as_ref()) {
                Ok(()) => assert_eq!(expected, Expect::Accept(state)),
                Err(refusal) => assert_eq!(kind_of(&refusal, state.as_str(), "edit"), expected),
            }
            continue;
        }
        let table = match (state, command) {
            (ArenaState::Planned, ArenaCommand::Open) => Some(ArenaState::Open),
            (ArenaState::Open, ArenaCommand::Close) => Some(ArenaState::Closed),
            _ => None,
        };
        let expected = refusal_expected.unwrap_or(table.map_or(Expect::InvalidTransition, Expect::Accept));
        let result = arena::decide(state, command, actor.as_ref());
        if state == ArenaState::Closed {
            assert!(result.is_err(), "a closed arena accepted {command:?}");
        }
        match result {
            Ok(next) => {
                assert_eq!(Expect::Accept(next), expected, "{state:?} + {command:?}");
                state = next;
            }
            Err(refusal) => assert_eq!(kind_of(&refusal, state.as_str(), command.name()), expected),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    challenge: ChallengeRun,
    idea: IdeaRun,
    arena: Vec<(ArenaCommand, Who, bool)>,
}

fuzz_target!(|input: Input| {
    run_challenge(input.challenge);
    run_idea(input.idea);
    run_arena(input.arena);
});
