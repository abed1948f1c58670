//! Steps 2 to 5 as seen by one idea: its lifecycle from draft to a completed test.
//!
//! `draft → submitted → in_assessment → qualified | not_qualified`;
//! `qualified → in_incubation → in_testing → completed`; `qualified → in_testing`;
//! `discontinued` from qualified, in_incubation, in_testing; `withdrawn` by its innovator
//! from any non-terminal state. A facilitator puts an idea in assessment, qualified, in
//! incubation or in testing `on_hold` and resumes it to the state it was held from (§17).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::challenge::ChallengeState;
use crate::error::{ConflictReason, FieldProblem, ForbiddenReason, Refusal};
use crate::event::IdeaEventKind;
use crate::ids::UserId;
use crate::role::Actor;
use crate::validate::Checks;

/// Longest free text of a command (feedback, plan, results, …).
pub const TEXT_MAX: usize = 20_000;
/// Longest short field (site, host).
pub const SHORT_MAX: usize = 200;

/// Where an idea is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum IdeaState {
    /// Being written by its innovator.
    Draft,
    /// Sent to the challenge.
    Submitted,
    /// Being scored by a panel.
    InAssessment,
    /// Chosen for the next step.
    Qualified,
    /// Not chosen (terminal).
    NotQualified,
    /// Supported by an incubator or similar.
    InIncubation,
    /// Tested at a real site.
    InTesting,
    /// Test done (terminal).
    Completed,
    /// Stopped by the innovation team (terminal).
    Discontinued,
    /// Taken back by its innovator (terminal).
    Withdrawn,
    /// Paused by the innovation team; resumes to the state it was held from (§17).
    OnHold,
}

impl IdeaState {
    /// Every state, in lifecycle order.
    pub const ALL: [IdeaState; 11] = [
        IdeaState::Draft,
        IdeaState::Submitted,
        IdeaState::InAssessment,
        IdeaState::Qualified,
        IdeaState::NotQualified,
        IdeaState::InIncubation,
        IdeaState::InTesting,
        IdeaState::Completed,
        IdeaState::Discontinued,
        IdeaState::Withdrawn,
        IdeaState::OnHold,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            IdeaState::Draft => "draft",
            IdeaState::Submitted => "submitted",
            IdeaState::InAssessment => "in_assessment",
            IdeaState::Qualified => "qualified",
            IdeaState::NotQualified => "not_qualified",
            IdeaState::InIncubation => "in_incubation",
            IdeaState::InTesting => "in_testing",
            IdeaState::Completed => "completed",
            IdeaState::Discontinued => "discontinued",
            IdeaState::Withdrawn => "withdrawn",
            IdeaState::OnHold => "on_hold",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }

    /// Whether nothing more can happen to the idea.
    pub fn is_terminal(self) -> bool {
        match self {
            IdeaState::NotQualified | IdeaState::Completed | IdeaState::Discontinued | IdeaState::Withdrawn => true,
            IdeaState::Draft
            | IdeaState::Submitted
            | IdeaState::InAssessment
            | IdeaState::Qualified
            | IdeaState::InIncubation
            | IdeaState::InTesting
            | IdeaState::OnHold => false,
        }
    }

    /// Whether an idea in this state may be put on hold (§17).
    pub fn may_be_held(self) -> bool {
        matches!(
            self,
            IdeaState::InAssessment | IdeaState::Qualified | IdeaState::InIncubation | IdeaState::InTesting
        )
    }
}

/// The team's decision after assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum DecisionOutcome {
    /// Goes on to incubation or testing.
    Qualified,
    /// Stops here.
    NotQualified,
}

impl DecisionOutcome {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::Qualified => "qualified",
            DecisionOutcome::NotQualified => "not_qualified",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(value: &str) -> Option<Self> {
        [DecisionOutcome::Qualified, DecisionOutcome::NotQualified]
            .into_iter()
            .find(|o| o.as_str() == value)
    }
}

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum TestOutcome {
    /// The host adopts the solution.
    Adopted,
    /// Adopted and spread to more sites.
    Scaled,
    /// Promising; needs more work.
    NeedsFurtherDevelopment,
    /// Not adopted.
    NotAdopted,
}

impl TestOutcome {
    /// Every outcome.
    pub const ALL: [TestOutcome; 4] = [
        TestOutcome::Adopted,
        TestOutcome::Scaled,
        TestOutcome::NeedsFurtherDevelopment,
        TestOutcome::NotAdopted,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TestOutcome::Adopted => "adopted",
            TestOutcome::Scaled => "scaled",
            TestOutcome::NeedsFurtherDevelopment => "needs_further_development",
            TestOutcome::NotAdopted => "not_adopted",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value)
    }

    /// Whether the outcome counts as adoption in the funnel report.
    pub fn is_adoption(self) -> bool {
        match self {
            TestOutcome::Adopted | TestOutcome::Scaled => true,
            TestOutcome::NeedsFurtherDevelopment | TestOutcome::NotAdopted => false,
        }
    }
}

/// What the rules need to know of an idea.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idea {
    /// The innovator who wrote it.
    pub innovator_id: UserId,
    /// The needs-owner of its challenge.
    pub challenge_owner_id: UserId,
    /// The team members who accepted their invitation (SPEC §14.2): they see and edit the
    /// idea as its innovator does, but only the innovator submits and withdraws.
    pub members: Vec<UserId>,
    /// The current state.
    pub state: IdeaState,
    /// Whether it was ever submitted (the needs-owner sees it from then on).
    pub ever_submitted: bool,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// While on hold, the state it was held from and resumes to.
    pub held_from: Option<IdeaState>,
}

/// A change of state asked for by an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum IdeaCommand {
    /// The innovator sends the idea to the challenge.
    Submit,
    /// The facilitator starts assessment, with a rubric or the default one.
    StartAssessment {
        /// The rubric chosen (the API resolves the default).
        rubric_id: Uuid,
    },
    /// The facilitator decides after assessment.
    Decide {
        /// Qualified or not.
        outcome: DecisionOutcome,
        /// Why, for the innovator.
        feedback: String,
    },
    /// The facilitator starts incubation.
    StartIncubation {
        /// The incubator, science park or business support.
        support_organisation_id: Uuid,
        /// The plan.
        plan: String,
    },
    /// The facilitator starts a test at a site.
    StartTesting {
        /// Where.
        site: String,
        /// Who hosts it.
        host: String,
        /// The registered organisation that hosts it (the property or site owner), if named.
        host_organisation_id: Option<Uuid>,
        /// First day.
        starts_on: NaiveDate,
        /// Last day.
        ends_on: NaiveDate,
        /// What success looks like.
        success_criteria: String,
    },
    /// The facilitator records how the test ended.
    Complete {
        /// The outcome.
        outcome: TestOutcome,
        /// What was measured.
        results: String,
        /// What was learned.
        lessons_learned: String,
    },
    /// The facilitator stops the idea.
    Discontinue {
        /// Why.
        reason: String,
    },
    /// The innovator takes the idea back.
    Withdraw {
        /// Why, if they wish to say.
        reason: Option<String>,
    },
    /// The facilitator pauses the idea (§17).
    PutOnHold {
        /// Why, for the innovator.
        reason: String,
    },
    /// The facilitator resumes a held idea to the state it was held from.
    Resume,
}

/// A record a command names by id: it must exist for the command to be accepted, and the
/// application looks it up before `decide` (a missing one is `facts.missing_references`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// A rubric.
    Rubric(Uuid),
    /// A support organisation.
    SupportOrganisation(Uuid),
    /// An organisation of the registry.
    Organisation(Uuid),
}

impl IdeaCommand {
    /// The snake_case command name.
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The records the command names, each with the field that names it.
    pub fn references(&self) -> Option<(&'static str, Reference)> {
        match self {
            IdeaCommand::StartAssessment { rubric_id } => Some(("rubric_id", Reference::Rubric(*rubric_id))),
            IdeaCommand::StartIncubation {
                support_organisation_id,
                ..
            } => Some((
                "support_organisation_id",
                Reference::SupportOrganisation(*support_organisation_id),
            )),
            IdeaCommand::StartTesting {
                host_organisation_id: Some(host),
                ..
            } => Some(("host_organisation_id", Reference::Organisation(*host))),
            IdeaCommand::Submit
            | IdeaCommand::Decide { .. }
            | IdeaCommand::StartTesting { .. }
            | IdeaCommand::Complete { .. }
            | IdeaCommand::Discontinue { .. }
            | IdeaCommand::Withdraw { .. }
            | IdeaCommand::PutOnHold { .. }
            | IdeaCommand::Resume => None,
        }
    }

    /// Which command this is, without its values.
    pub fn kind(&self) -> IdeaCommandKind {
        match self {
            IdeaCommand::Submit => IdeaCommandKind::Submit,
            IdeaCommand::StartAssessment { .. } => IdeaCommandKind::StartAssessment,
            IdeaCommand::Decide { .. } => IdeaCommandKind::Decide,
            IdeaCommand::StartIncubation { .. } => IdeaCommandKind::StartIncubation,
            IdeaCommand::StartTesting { .. } => IdeaCommandKind::StartTesting,
            IdeaCommand::Complete { .. } => IdeaCommandKind::Complete,
            IdeaCommand::Discontinue { .. } => IdeaCommandKind::Discontinue,
            IdeaCommand::Withdraw { .. } => IdeaCommandKind::Withdraw,
            IdeaCommand::PutOnHold { .. } => IdeaCommandKind::PutOnHold,
            IdeaCommand::Resume => IdeaCommandKind::Resume,
        }
    }
}

/// An [`IdeaCommand`] without its values: what a face offers before anyone has typed them.
///
/// The faces key their forms by it, so a new command fails to compile at every form list
/// instead of silently showing no button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdeaCommandKind {
    /// See [`IdeaCommand::Submit`].
    Submit,
    /// See [`IdeaCommand::StartAssessment`].
    StartAssessment,
    /// See [`IdeaCommand::Decide`].
    Decide,
    /// See [`IdeaCommand::StartIncubation`].
    StartIncubation,
    /// See [`IdeaCommand::StartTesting`].
    StartTesting,
    /// See [`IdeaCommand::Complete`].
    Complete,
    /// See [`IdeaCommand::Discontinue`].
    Discontinue,
    /// See [`IdeaCommand::Withdraw`].
    Withdraw,
    /// See [`IdeaCommand::PutOnHold`].
    PutOnHold,
    /// See [`IdeaCommand::Resume`].
    Resume,
}

impl IdeaCommandKind {
    /// Every kind, in lifecycle order (the order the pages show their forms in).
    pub const ALL: [IdeaCommandKind; 10] = [
        IdeaCommandKind::Submit,
        IdeaCommandKind::StartAssessment,
        IdeaCommandKind::Decide,
        IdeaCommandKind::StartIncubation,
        IdeaCommandKind::StartTesting,
        IdeaCommandKind::Complete,
        IdeaCommandKind::Discontinue,
        IdeaCommandKind::PutOnHold,
        IdeaCommandKind::Resume,
        IdeaCommandKind::Withdraw,
    ];

    /// The snake_case name, as recorded in the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            IdeaCommandKind::Submit => "submit",
            IdeaCommandKind::StartAssessment => "start_assessment",
            IdeaCommandKind::Decide => "decide",
            IdeaCommandKind::StartIncubation => "start_incubation",
            IdeaCommandKind::StartTesting => "start_testing",
            IdeaCommandKind::Complete => "complete",
            IdeaCommandKind::Discontinue => "discontinue",
            IdeaCommandKind::Withdraw => "withdraw",
            IdeaCommandKind::PutOnHold => "put_on_hold",
            IdeaCommandKind::Resume => "resume",
        }
    }
}

/// What the API layer read for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdeaFacts {
    /// The current time.
    pub now: DateTime<Utc>,
    /// The state of the idea's challenge.
    pub challenge_state: ChallengeState,
    /// When the challenge stops taking ideas.
    pub ideas_close_at: Option<DateTime<Utc>>,
    /// Scorecards submitted for the idea.
    pub scorecards_submitted: u32,
    /// Scorecards the rubric requires before a decision.
    pub scorecards_required: u32,
    /// Fields whose referenced record does not exist (e.g. `rubric_id`).
    pub missing_references: Vec<&'static str>,
}

impl IdeaFacts {
    /// Facts for commands that need only the time and the challenge.
    pub fn at(now: DateTime<Utc>, challenge_state: ChallengeState, ideas_close_at: Option<DateTime<Utc>>) -> Self {
        Self {
            now,
            challenge_state,
            ideas_close_at,
            scorecards_submitted: 0,
            scorecards_required: 0,
            missing_references: Vec::new(),
        }
    }
}

/// What happened, with its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IdeaEvent {
    /// Sent to the challenge.
    Submitted,
    /// Assessment started.
    AssessmentStarted {
        /// The rubric used.
        rubric_id: Uuid,
    },
    /// Decided.
    Decided {
        /// Qualified or not.
        outcome: DecisionOutcome,
        /// Why.
        feedback: String,
    },
    /// Incubation started.
    IncubationStarted {
        /// The support organisation.
        support_organisation_id: Uuid,
        /// The plan.
        plan: String,
    },
    /// Test started.
    TestingStarted {
        /// Where.
        site: String,
        /// Who hosts it.
        host: String,
        /// The registered organisation that hosts it (the property or site owner), if named.
        host_organisation_id: Option<Uuid>,
        /// First day.
        starts_on: NaiveDate,
        /// Last day.
        ends_on: NaiveDate,
        /// What success looks like.
        success_criteria: String,
    },
    /// Test completed.
    Completed {
        /// The outcome.
        outcome: TestOutcome,
        /// What was measured.
        results: String,
        /// What was learned.
        lessons_learned: String,
    },
    /// Stopped by the team.
    Discontinued {
        /// Why.
        reason: String,
    },
    /// Taken back.
    Withdrawn {
        /// Why.
        reason: Option<String>,
    },
    /// Paused by the team.
    PutOnHold {
        /// Why.
        reason: String,
        /// The state it was in, and resumes to.
        held_from: IdeaState,
    },
    /// Resumed after a hold.
    Resumed {
        /// The state it returns to (the one it was held from).
        to: IdeaState,
    },
}

impl IdeaEvent {
    /// Its kind.
    pub fn kind(&self) -> IdeaEventKind {
        match self {
            IdeaEvent::Submitted => IdeaEventKind::Submit,
            IdeaEvent::AssessmentStarted { .. } => IdeaEventKind::StartAssessment,
            IdeaEvent::Decided { .. } => IdeaEventKind::Decide,
            IdeaEvent::IncubationStarted { .. } => IdeaEventKind::StartIncubation,
            IdeaEvent::TestingStarted { .. } => IdeaEventKind::StartTesting,
            IdeaEvent::Completed { .. } => IdeaEventKind::Complete,
            IdeaEvent::Discontinued { .. } => IdeaEventKind::Discontinue,
            IdeaEvent::Withdrawn { .. } => IdeaEventKind::Withdraw,
            IdeaEvent::PutOnHold { .. } => IdeaEventKind::PutOnHold,
            IdeaEvent::Resumed { .. } => IdeaEventKind::Resume,
        }
    }

    /// The snake_case name of the command that caused it.
    pub fn command(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The state the event leads to.
    pub fn to_state(&self) -> IdeaState {
        match self {
            IdeaEvent::Submitted => IdeaState::Submitted,
            IdeaEvent::AssessmentStarted { .. } => IdeaState::InAssessment,
            IdeaEvent::Decided {
                outcome: DecisionOutcome::Qualified,
                ..
            } => IdeaState::Qualified,
            IdeaEvent::Decided {
                outcome: DecisionOutcome::NotQualified,
                ..
            } => IdeaState::NotQualified,
            IdeaEvent::IncubationStarted { .. } => IdeaState::InIncubation,
            IdeaEvent::TestingStarted { .. } => IdeaState::InTesting,
            IdeaEvent::Completed { .. } => IdeaState::Completed,
            IdeaEvent::Discontinued { .. } => IdeaState::Discontinued,
            IdeaEvent::Withdrawn { .. } => IdeaState::Withdrawn,
            IdeaEvent::PutOnHold { .. } => IdeaState::OnHold,
            IdeaEvent::Resumed { to } => *to,
        }
    }
}

/// Folds an event into a state. Total: every event names the state it leads to.
pub fn evolve(_state: IdeaState, event: &IdeaEvent) -> IdeaState {
    event.to_state()
}

impl Idea {
    /// Whether `id` writes the idea: its innovator or an accepted team member.
    pub fn is_author(&self, id: UserId) -> bool {
        id == self.innovator_id || self.members.contains(&id)
    }

    /// Its innovator and accepted team members.
    pub fn authors(&self) -> Vec<UserId> {
        std::iter::once(self.innovator_id)
            .chain(self.members.iter().copied())
            .collect()
    }
}

/// Who may see an idea: the innovation team; its innovator and accepted team members; the
/// challenge's needs-owner once it has been submitted; an assessor assigned to it.
pub fn can_view(idea: &Idea, actor: Option<&Actor>, assigned_assessor: bool) -> bool {
    let Some(actor) = actor else {
        return false;
    };
    actor.is_facilitator()
        || idea.is_author(actor.id)
        || (actor.id == idea.challenge_owner_id && idea.ever_submitted)
        || assigned_assessor
}

/// Who may draft an idea: innovators, on a challenge that is published.
pub fn authorize_create(actor: &Actor, challenge_state: ChallengeState) -> Result<(), Refusal> {
    if !actor.has(crate::role::Role::Innovator) {
        return Err(Refusal::not_permitted(ForbiddenReason::OnlyInnovatorsWriteIdeas));
    }
    match challenge_state {
        ChallengeState::Published => Ok(()),
        ChallengeState::Draft
        | ChallengeState::Submitted
        | ChallengeState::ChangesRequested
        | ChallengeState::Closed
        | ChallengeState::Archived
        | ChallengeState::Withdrawn => Err(Refusal::GuardFailed(ConflictReason::ChallengeTakesNoIdeas)),
    }
}

/// Whether the challenge still takes new drafts: not once its `ideas_close_at` has passed
/// (a draft could never be submitted).
pub fn check_open_for_drafts(ideas_close_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), Refusal> {
    if ideas_close_at.is_some_and(|close| now >= close) {
        Err(Refusal::GuardFailed(ConflictReason::IdeasClosed))
    } else {
        Ok(())
    }
}

/// Who may edit an idea's content: its innovator and accepted team members, while it is a
/// draft.
pub fn authorize_edit(idea: &Idea, actor: Option<&Actor>, assigned_assessor: bool) -> Result<(), Refusal> {
    if !can_view(idea, actor, assigned_assessor) {
        return Err(Refusal::NotVisible);
    }
    if actor.is_none_or(|a| !idea.is_author(a.id)) {
        return Err(Refusal::not_permitted(ForbiddenReason::OnlyTheInnovatorEdits));
    }
    match idea.state {
        IdeaState::Draft => Ok(()),
        IdeaState::Submitted
        | IdeaState::InAssessment
        | IdeaState::Qualified
        | IdeaState::NotQualified
        | IdeaState::InIncubation
        | IdeaState::InTesting
        | IdeaState::Completed
        | IdeaState::Discontinued
        | IdeaState::Withdrawn
        | IdeaState::OnHold => Err(Refusal::InvalidTransition {
            from: idea.state.as_str(),
            command: "edit",
        }),
    }
}

/// Who may run a command of `kind`, given the actor sees the idea (403).
fn authorize_command(idea: &Idea, kind: IdeaCommandKind, actor: &Actor) -> Result<(), Refusal> {
    let is_innovator = actor.id == idea.innovator_id;
    let (allowed, reason) = match kind {
        IdeaCommandKind::Submit => (is_innovator, ForbiddenReason::OnlyTheInnovatorSubmits),
        IdeaCommandKind::Withdraw => (is_innovator, ForbiddenReason::OnlyTheInnovatorWithdraws),
        IdeaCommandKind::StartAssessment
        | IdeaCommandKind::Decide
        | IdeaCommandKind::StartIncubation
        | IdeaCommandKind::StartTesting
        | IdeaCommandKind::Complete
        | IdeaCommandKind::Discontinue
        | IdeaCommandKind::PutOnHold
        | IdeaCommandKind::Resume => (actor.is_facilitator(), ForbiddenReason::OnlyFacilitatorsRunSteps),
    };
    if allowed {
        Ok(())
    } else {
        Err(Refusal::not_permitted(reason))
    }
}

fn check_values(command: &IdeaCommand, facts: &IdeaFacts) -> Result<(), Refusal> {
    let mut checks = Checks::new();
    match command {
        IdeaCommand::Decide { feedback, .. } => {
            checks.required_text("feedback", feedback, TEXT_MAX);
        }
        IdeaCommand::StartIncubation { plan, .. } => {
            checks.required_text("plan", plan, TEXT_MAX);
        }
        IdeaCommand::StartTesting {
            site,
            host,
            starts_on,
            ends_on,
            success_criteria,
            ..
        } => {
            checks.required_text("site", site, SHORT_MAX);
            checks.required_text("host", host, SHORT_MAX);
            checks.required_text("success_criteria", success_criteria, TEXT_MAX);
            checks.in_years("starts_on", Some(*starts_on));
            checks.in_years("ends_on", Some(*ends_on));
            if ends_on < starts_on {
                checks.fail("ends_on", FieldProblem::BeforeTheStart { start: "starts_on" });
            }
        }
        IdeaCommand::Complete {
            results,
            lessons_learned,
            ..
        } => {
            checks.required_text("results", results, TEXT_MAX);
            checks.required_text("lessons_learned", lessons_learned, TEXT_MAX);
        }
        IdeaCommand::Discontinue { reason } => {
            checks.required_text("reason", reason, TEXT_MAX);
        }
        IdeaCommand::Withdraw { reason } => {
            checks.optional_text("reason", reason.as_deref(), TEXT_MAX);
        }
        IdeaCommand::PutOnHold { reason } => {
            checks.required_text("reason", reason, TEXT_MAX);
        }
        IdeaCommand::Submit | IdeaCommand::StartAssessment { .. } | IdeaCommand::Resume => {}
    }
    for field in &facts.missing_references {
        checks.fail(field, FieldProblem::NoSuchRecord);
    }
    checks.finish().map_err(Refusal::Invalid)
}

fn trimmed(text: &str) -> String {
    text.trim().to_owned()
}

/// The actor behind a command, if they see the idea (404 otherwise: an anonymous caller
/// learns nothing either).
fn seeing_actor<'a>(idea: &Idea, actor: Option<&'a Actor>, assigned_assessor: bool) -> Result<&'a Actor, Refusal> {
    match actor {
        Some(actor) if can_view(idea, Some(actor), assigned_assessor) => Ok(actor),
        Some(_) | None => Err(Refusal::NotVisible),
    }
}

/// Whether a command of `kind` leads anywhere from `state` (SPEC §3).
fn leaves(state: IdeaState, kind: IdeaCommandKind) -> bool {
    use IdeaCommandKind as K;
    use IdeaState as S;
    match (state, kind) {
        (S::Draft, K::Submit)
        | (S::Submitted, K::StartAssessment)
        | (S::InAssessment, K::Decide)
        | (S::Qualified, K::StartIncubation)
        | (S::Qualified | S::InIncubation, K::StartTesting)
        | (S::InTesting, K::Complete)
        | (S::Qualified | S::InIncubation | S::InTesting | S::OnHold, K::Discontinue)
        | (
            S::Draft | S::Submitted | S::InAssessment | S::Qualified | S::InIncubation | S::InTesting | S::OnHold,
            K::Withdraw,
        )
        | (S::InAssessment | S::Qualified | S::InIncubation | S::InTesting, K::PutOnHold)
        | (S::OnHold, K::Resume) => true,
        (
            S::Submitted
            | S::InAssessment
            | S::Qualified
            | S::NotQualified
            | S::InIncubation
            | S::InTesting
            | S::Completed
            | S::Discontinued
            | S::Withdrawn
            | S::OnHold,
            K::Submit,
        )
        | (
            S::Draft
            | S::InAssessment
            | S::Qualified
            | S::NotQualified
            | S::InIncubation
            | S::InTesting
            | S::Completed
            | S::Discontinued
            | S::Withdrawn
            | S::OnHold,
            K::StartAssessment,
        )
        | (
            S::Draft
            | S::Submitted
            | S::Qualified
            | S::NotQualified
            | S::InIncubation
            | S::InTesting
            | S::Completed
            | S::Discontinued
            | S::Withdrawn
            | S::OnHold,
            K::Decide,
        )
        | (
            S::Draft
            | S::Submitted
            | S::InAssessment
            | S::NotQualified
            | S::InIncubation
            | S::InTesting
            | S::Completed
            | S::Discontinued
            | S::Withdrawn
            | S::OnHold,
            K::StartIncubation,
        )
        | (
            S::Draft
            | S::Submitted
            | S::InAssessment
            | S::NotQualified
            | S::InTesting
            | S::Completed
            | S::Discontinued
            | S::Withdrawn
            | S::OnHold,
            K::StartTesting,
        )
        | (
            S::Draft
            | S::Submitted
            | S::InAssessment
            | S::Qualified
            | S::NotQualified
            | S::InIncubation
            | S::Completed
            | S::Discontinued
            | S::Withdrawn
            | S::OnHold,
            K::Complete,
        )
        | (
            S::Draft | S::Submitted | S::InAssessment | S::NotQualified | S::Completed | S::Discontinued | S::Withdrawn,
            K::Discontinue,
        )
        | (S::NotQualified | S::Completed | S::Discontinued | S::Withdrawn, K::Withdraw)
        | (
            S::Draft | S::Submitted | S::NotQualified | S::Completed | S::Discontinued | S::Withdrawn | S::OnHold,
            K::PutOnHold,
        )
        | (
            S::Draft
            | S::Submitted
            | S::InAssessment
            | S::Qualified
            | S::NotQualified
            | S::InIncubation
            | S::InTesting
            | S::Completed
            | S::Discontinued
            | S::Withdrawn,
            K::Resume,
        ) => false,
    }
}

/// The state and the guards a command of `kind` must pass now, whatever values it carries:
/// 409 when the state does not allow it or a guard fails. Submitting also needs the idea's
/// own text, and a blank field is reported (422) before a guard, so the innovator first
/// learns what is missing.
fn admit(idea: &Idea, kind: IdeaCommandKind, facts: &IdeaFacts) -> Result<(), Refusal> {
    if !leaves(idea.state, kind) {
        return Err(Refusal::InvalidTransition {
            from: idea.state.as_str(),
            command: kind.as_str(),
        });
    }
    match kind {
        IdeaCommandKind::Submit => {
            let mut checks = Checks::new();
            checks.required_text("title", &idea.title, usize::MAX);
            checks.required_text("summary", &idea.summary, usize::MAX);
            checks.required_text("description", &idea.description, usize::MAX);
            checks.finish().map_err(Refusal::Invalid)?;
            if facts.challenge_state != ChallengeState::Published {
                return Err(Refusal::GuardFailed(ConflictReason::ChallengeNoLongerTakesIdeas));
            }
            if facts.ideas_close_at.is_some_and(|close| facts.now >= close) {
                return Err(Refusal::GuardFailed(ConflictReason::IdeasClosed));
            }
            Ok(())
        }
        IdeaCommandKind::Decide => {
            if facts.scorecards_submitted < facts.scorecards_required {
                return Err(Refusal::GuardFailed(ConflictReason::TooFewScorecards {
                    submitted: facts.scorecards_submitted,
                    required: facts.scorecards_required,
                }));
            }
            Ok(())
        }
        IdeaCommandKind::StartAssessment
        | IdeaCommandKind::StartIncubation
        | IdeaCommandKind::StartTesting
        | IdeaCommandKind::Complete
        | IdeaCommandKind::Discontinue
        | IdeaCommandKind::Withdraw
        | IdeaCommandKind::PutOnHold => Ok(()),
        IdeaCommandKind::Resume => match idea.held_from {
            Some(state) if state.may_be_held() => Ok(()),
            Some(_) | None => Err(Refusal::InvalidTransition {
                from: idea.state.as_str(),
                command: kind.as_str(),
            }),
        },
    }
}

/// The commands `actor` may run on `idea` now, in [`IdeaCommandKind::ALL`] order: those
/// [`decide`] would accept with some values, or refuse only for values (422).
///
/// It asks the same visibility, permission, state and guard rules as `decide`, so a face
/// shows a form exactly when sending it could succeed. The values a form asks for are not
/// known yet, and a draft with a blank field is still offered `submit`, whose refusal
/// names the field to fill in. The facts' `missing_references` name values, so they are
/// not asked here.
pub fn offered(idea: &Idea, actor: Option<&Actor>, assigned_assessor: bool, facts: &IdeaFacts) -> Vec<IdeaCommandKind> {
    let Ok(actor) = seeing_actor(idea, actor, assigned_assessor) else {
        return Vec::new();
    };
    IdeaCommandKind::ALL
        .into_iter()
        .filter(|&kind| authorize_command(idea, kind, actor).is_ok())
        .filter(|&kind| matches!(admit(idea, kind, facts), Ok(()) | Err(Refusal::Invalid(_))))
        .collect()
}

/// The event of an admitted command: its values, trimmed as the history shows them.
fn event_of(idea: &Idea, command: &IdeaCommand) -> IdeaEvent {
    match command {
        IdeaCommand::Submit => IdeaEvent::Submitted,
        IdeaCommand::StartAssessment { rubric_id } => IdeaEvent::AssessmentStarted { rubric_id: *rubric_id },
        IdeaCommand::Decide { outcome, feedback } => IdeaEvent::Decided {
            outcome: *outcome,
            feedback: trimmed(feedback),
        },
        IdeaCommand::StartIncubation {
            support_organisation_id,
            plan,
        } => IdeaEvent::IncubationStarted {
            support_organisation_id: *support_organisation_id,
            plan: trimmed(plan),
        },
        IdeaCommand::StartTesting {
            site,
            host,
            host_organisation_id,
            starts_on,
            ends_on,
            success_criteria,
        } => IdeaEvent::TestingStarted {
            site: trimmed(site),
            host: trimmed(host),
            host_organisation_id: *host_organisation_id,
            starts_on: *starts_on,
            ends_on: *ends_on,
            success_criteria: trimmed(success_criteria),
        },
        IdeaCommand::Complete {
            outcome,
            results,
            lessons_learned,
        } => IdeaEvent::Completed {
            outcome: *outcome,
            results: trimmed(results),
            lessons_learned: trimmed(lessons_learned),
        },
        IdeaCommand::Discontinue { reason } => IdeaEvent::Discontinued {
            reason: trimmed(reason),
        },
        IdeaCommand::Withdraw { reason } => IdeaEvent::Withdrawn {
            reason: reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        },
        IdeaCommand::PutOnHold { reason } => IdeaEvent::PutOnHold {
            reason: trimmed(reason),
            held_from: idea.state,
        },
        // `admit` checked that the idea is on hold from a state it may return to.
        IdeaCommand::Resume => IdeaEvent::Resumed {
            to: idea.held_from.unwrap_or(idea.state),
        },
    }
}

/// Decides a command: the events it causes, or why it is refused.
///
/// Visibility (404), then permission (403), then the command's values (422), then the
/// state and guards (409) shared with [`offered`].
pub fn decide(
    idea: &Idea,
    command: &IdeaCommand,
    actor: Option<&Actor>,
    assigned_assessor: bool,
    facts: &IdeaFacts,
) -> Result<Vec<IdeaEvent>, Refusal> {
    let actor = seeing_actor(idea, actor, assigned_assessor)?;
    authorize_command(idea, command.kind(), actor)?;
    check_values(command, facts)?;
    admit(idea, command.kind(), facts)?;
    Ok(vec![event_of(idea, command)])
}

#[cfg(test)]
mod tests;
