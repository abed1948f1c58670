//! Step 1, need formulation: the challenge lifecycle.
//!
//! `draft → submitted → (changes_requested → submitted)* → published → closed → archived`;
//! `withdrawn` from draft, submitted, changes_requested or published.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::arena::ArenaState;
use crate::error::{ConflictReason, FieldProblem, ForbiddenReason, Refusal};
use crate::event::ChallengeEventKind;
use crate::ids::{ArenaId, UserId};
use crate::role::{Actor, Role};
use crate::validate::Checks;

/// Longest feedback or withdrawal reason.
pub const REASON_MAX: usize = 5_000;

/// Where a challenge is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ChallengeState {
    /// Being written by its owner.
    Draft,
    /// Waiting for the innovation team's review.
    Submitted,
    /// Sent back to the owner with feedback.
    ChangesRequested,
    /// Public; open for ideas.
    Published,
    /// Public; no longer takes ideas.
    Closed,
    /// Kept for the record (terminal).
    Archived,
    /// Taken back (terminal).
    Withdrawn,
}

impl ChallengeState {
    /// Every state, in lifecycle order.
    pub const ALL: [ChallengeState; 7] = [
        ChallengeState::Draft,
        ChallengeState::Submitted,
        ChallengeState::ChangesRequested,
        ChallengeState::Published,
        ChallengeState::Closed,
        ChallengeState::Archived,
        ChallengeState::Withdrawn,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeState::Draft => "draft",
            ChallengeState::Submitted => "submitted",
            ChallengeState::ChangesRequested => "changes_requested",
            ChallengeState::Published => "published",
            ChallengeState::Closed => "closed",
            ChallengeState::Archived => "archived",
            ChallengeState::Withdrawn => "withdrawn",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }

    /// Whether nothing more can happen to the challenge.
    pub fn is_terminal(self) -> bool {
        match self {
            ChallengeState::Archived | ChallengeState::Withdrawn => true,
            ChallengeState::Draft
            | ChallengeState::Submitted
            | ChallengeState::ChangesRequested
            | ChallengeState::Published
            | ChallengeState::Closed => false,
        }
    }

    /// Whether anyone, signed in or not, may read a challenge in this state.
    pub fn is_public(self) -> bool {
        match self {
            ChallengeState::Published | ChallengeState::Closed | ChallengeState::Archived => true,
            ChallengeState::Draft
            | ChallengeState::Submitted
            | ChallengeState::ChangesRequested
            | ChallengeState::Withdrawn => false,
        }
    }
}

/// What the rules need to know of a challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The needs-owner who wrote it.
    pub owner_id: UserId,
    /// The current state.
    pub state: ChallengeState,
    /// Title (may be empty while drafting).
    pub title: String,
    /// Summary (may be empty while drafting).
    pub summary: String,
    /// Description (may be empty while drafting).
    pub description: String,
}

/// A change of state asked for by an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ChallengeCommand {
    /// The owner sends the challenge for review.
    Submit,
    /// The facilitator sends it back with feedback.
    RequestChanges {
        /// What to change.
        feedback: String,
    },
    /// The facilitator makes it public.
    Publish {
        /// The arena it is shown in.
        arena_id: Option<ArenaId>,
        /// When idea submission closes.
        ideas_close_at: Option<DateTime<Utc>>,
        /// Whether assessors are kept from seeing who is behind an idea.
        blind_assessment: bool,
    },
    /// The facilitator or the owner stops taking ideas.
    Close,
    /// The facilitator files it away.
    Archive,
    /// The owner or the facilitator takes it back.
    Withdraw {
        /// Why; required once published.
        reason: Option<String>,
    },
    /// The facilitator hands it to another needs-owner (SPEC §14.2), optionally on behalf
    /// of another organisation.
    Transfer {
        /// The new owner.
        owner_id: UserId,
        /// The organisation it is owned on behalf of from now on (the old one if `None`).
        organisation_id: Option<Uuid>,
    },
}

impl ChallengeCommand {
    /// The snake_case command name recorded in the event log.
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    /// Which command this is, without its values.
    pub fn kind(&self) -> ChallengeCommandKind {
        match self {
            ChallengeCommand::Submit => ChallengeCommandKind::Submit,
            ChallengeCommand::RequestChanges { .. } => ChallengeCommandKind::RequestChanges,
            ChallengeCommand::Publish { .. } => ChallengeCommandKind::Publish,
            ChallengeCommand::Close => ChallengeCommandKind::Close,
            ChallengeCommand::Archive => ChallengeCommandKind::Archive,
            ChallengeCommand::Withdraw { .. } => ChallengeCommandKind::Withdraw,
            ChallengeCommand::Transfer { .. } => ChallengeCommandKind::Transfer,
        }
    }
}

/// A [`ChallengeCommand`] without its values: what a face offers before anyone has typed
/// them.
///
/// The faces key their forms by it, so a new command fails to compile at every form list
/// instead of silently showing no button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChallengeCommandKind {
    /// See [`ChallengeCommand::Submit`].
    Submit,
    /// See [`ChallengeCommand::RequestChanges`].
    RequestChanges,
    /// See [`ChallengeCommand::Publish`].
    Publish,
    /// See [`ChallengeCommand::Close`].
    Close,
    /// See [`ChallengeCommand::Archive`].
    Archive,
    /// See [`ChallengeCommand::Withdraw`].
    Withdraw,
    /// See [`ChallengeCommand::Transfer`].
    Transfer,
}

impl ChallengeCommandKind {
    /// Every kind, in lifecycle order (the order the page shows their forms in).
    pub const ALL: [ChallengeCommandKind; 7] = [
        ChallengeCommandKind::Submit,
        ChallengeCommandKind::RequestChanges,
        ChallengeCommandKind::Publish,
        ChallengeCommandKind::Close,
        ChallengeCommandKind::Archive,
        ChallengeCommandKind::Withdraw,
        ChallengeCommandKind::Transfer,
    ];

    /// The snake_case name, as recorded in the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeCommandKind::Submit => "submit",
            ChallengeCommandKind::RequestChanges => "request_changes",
            ChallengeCommandKind::Publish => "publish",
            ChallengeCommandKind::Close => "close",
            ChallengeCommandKind::Archive => "archive",
            ChallengeCommandKind::Withdraw => "withdraw",
            ChallengeCommandKind::Transfer => "transfer",
        }
    }
}

/// What the API layer read for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeFacts {
    /// The current time.
    pub now: DateTime<Utc>,
    /// For `publish` with an arena: the arena's state, or `None` when no such arena exists.
    pub arena: Option<ArenaState>,
    /// For `transfer`: the new owner's account, or `None` when no such account exists.
    pub new_owner: Option<NewOwner>,
    /// For `transfer` naming an organisation: whether it is in the registry.
    pub organisation_registered: bool,
}

/// What `transfer` reads of the account it hands a challenge to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct NewOwner {
    /// Whether it holds the needs_owner role.
    pub needs_owner: bool,
    /// Whether it is active.
    pub active: bool,
}

/// What happened, with the data that belongs to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChallengeEvent {
    /// Sent for review.
    Submitted,
    /// Sent back with feedback.
    ChangesRequested {
        /// The facilitator's feedback.
        feedback: String,
    },
    /// Made public.
    Published {
        /// The arena it is shown in.
        arena_id: Option<ArenaId>,
        /// When idea submission closes.
        ideas_close_at: Option<DateTime<Utc>>,
        /// Whether assessment is blind.
        blind_assessment: bool,
    },
    /// No longer takes ideas.
    Closed,
    /// Filed away.
    Archived,
    /// Taken back.
    Withdrawn {
        /// Why.
        reason: Option<String>,
    },
    /// Handed to another owner; the state stays.
    Transferred {
        /// The new owner.
        owner_id: UserId,
        /// The organisation it is owned on behalf of, if changed.
        organisation_id: Option<Uuid>,
    },
}

impl ChallengeEvent {
    /// Its kind.
    pub fn kind(&self) -> ChallengeEventKind {
        match self {
            ChallengeEvent::Submitted => ChallengeEventKind::Submit,
            ChallengeEvent::ChangesRequested { .. } => ChallengeEventKind::RequestChanges,
            ChallengeEvent::Published { .. } => ChallengeEventKind::Publish,
            ChallengeEvent::Closed => ChallengeEventKind::Close,
            ChallengeEvent::Archived => ChallengeEventKind::Archive,
            ChallengeEvent::Withdrawn { .. } => ChallengeEventKind::Withdraw,
            ChallengeEvent::Transferred { .. } => ChallengeEventKind::Transfer,
        }
    }

    /// The snake_case name of the command that caused it.
    pub fn command(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The state the event leads to.
    pub fn to_state(&self) -> Option<ChallengeState> {
        match self {
            ChallengeEvent::Submitted => Some(ChallengeState::Submitted),
            ChallengeEvent::ChangesRequested { .. } => Some(ChallengeState::ChangesRequested),
            ChallengeEvent::Published { .. } => Some(ChallengeState::Published),
            ChallengeEvent::Closed => Some(ChallengeState::Closed),
            ChallengeEvent::Archived => Some(ChallengeState::Archived),
            ChallengeEvent::Withdrawn { .. } => Some(ChallengeState::Withdrawn),
            ChallengeEvent::Transferred { .. } => None,
        }
    }
}

/// Folds an event into a state: the state it leads to, or the same state for an event
/// that keeps it (a transfer).
pub fn evolve(state: ChallengeState, event: &ChallengeEvent) -> ChallengeState {
    event.to_state().unwrap_or(state)
}

/// Who may see a challenge: everyone once it is public; before that (and once withdrawn)
/// only its owner and the innovation team.
pub fn can_view(challenge: &Challenge, actor: Option<&Actor>) -> bool {
    challenge.state.is_public() || actor.is_some_and(|a| a.is_facilitator() || a.id == challenge.owner_id)
}

/// Whether the actor sees everything of a challenge (its history payloads included).
pub fn is_insider(challenge: &Challenge, actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.is_facilitator() || a.id == challenge.owner_id)
}

/// Who may write a challenge: needs-owners, and facilitators on behalf of one.
pub fn authorize_create(actor: &Actor) -> Result<(), Refusal> {
    if actor.has(Role::NeedsOwner) || actor.is_facilitator() {
        Ok(())
    } else {
        Err(Refusal::not_permitted(ForbiddenReason::OnlyNeedsOwnersWriteChallenges))
    }
}

/// Who may edit the content now: the owner in draft or changes_requested, a facilitator
/// in any non-terminal state.
pub fn authorize_edit(challenge: &Challenge, actor: Option<&Actor>) -> Result<(), Refusal> {
    if !can_view(challenge, actor) {
        return Err(Refusal::NotVisible);
    }
    let Some(actor) = actor else {
        return Err(Refusal::not_permitted(ForbiddenReason::SignInToEdit));
    };
    let is_owner = actor.id == challenge.owner_id;
    if !is_owner && !actor.is_facilitator() {
        return Err(Refusal::not_permitted(ForbiddenReason::OnlyTheOwnerEdits));
    }
    let editable = if actor.is_facilitator() {
        !challenge.state.is_terminal()
    } else {
        match challenge.state {
            ChallengeState::Draft | ChallengeState::ChangesRequested => true,
            ChallengeState::Submitted
            | ChallengeState::Published
            | ChallengeState::Closed
            | ChallengeState::Archived
            | ChallengeState::Withdrawn => false,
        }
    };
    if editable {
        Ok(())
    } else {
        Err(Refusal::InvalidTransition {
            from: challenge.state.as_str(),
            command: "edit",
        })
    }
}

/// Who may run a command of `kind`, given the actor sees the challenge (403).
fn authorize_command(challenge: &Challenge, kind: ChallengeCommandKind, actor: &Actor) -> Result<(), Refusal> {
    use ChallengeCommandKind as K;
    let is_owner = actor.id == challenge.owner_id;
    let allowed = match kind {
        K::Submit => is_owner,
        K::RequestChanges | K::Publish | K::Archive => actor.is_facilitator(),
        K::Close | K::Withdraw => is_owner || actor.is_facilitator(),
        K::Transfer => actor.is_facilitator(),
    };
    if allowed {
        Ok(())
    } else {
        let who = match kind {
            K::Submit => ForbiddenReason::OnlyTheOwnerSubmits,
            K::RequestChanges => ForbiddenReason::OnlyFacilitatorsRequestChanges,
            K::Publish => ForbiddenReason::OnlyFacilitatorsPublish,
            K::Archive => ForbiddenReason::OnlyFacilitatorsArchive,
            K::Close => ForbiddenReason::OnlyTheOwnerCloses,
            K::Withdraw => ForbiddenReason::OnlyTheOwnerWithdraws,
            K::Transfer => ForbiddenReason::OnlyFacilitatorsTransfer,
        };
        Err(Refusal::not_permitted(who))
    }
}

/// Checks the values a command carries, whatever the state (422).
fn check_values(command: &ChallengeCommand, facts: &ChallengeFacts) -> Result<(), Refusal> {
    let mut checks = Checks::new();
    match command {
        ChallengeCommand::RequestChanges { feedback } => {
            checks.required_text("feedback", feedback, REASON_MAX);
        }
        ChallengeCommand::Publish {
            arena_id,
            ideas_close_at,
            ..
        } => {
            checks.in_years("ideas_close_at", *ideas_close_at);
            if ideas_close_at.is_some_and(|at| at <= facts.now) {
                checks.fail("ideas_close_at", FieldProblem::NotInTheFuture);
            }
            if arena_id.is_some() && facts.arena.is_none() {
                checks.fail("arena_id", FieldProblem::NoSuchArena);
            }
        }
        ChallengeCommand::Withdraw { reason } => {
            checks.optional_text("reason", reason.as_deref(), REASON_MAX);
        }
        ChallengeCommand::Transfer { organisation_id, .. } => {
            match facts.new_owner {
                None => checks.fail("owner_id", FieldProblem::NoSuchUser),
                Some(NewOwner {
                    needs_owner: true,
                    active: true,
                }) => {}
                Some(_) => checks.fail("owner_id", FieldProblem::NotAnActiveNeedsOwner),
            }
            if organisation_id.is_some() && !facts.organisation_registered {
                checks.fail("organisation_id", FieldProblem::NoSuchOrganisation);
            }
        }
        ChallengeCommand::Submit | ChallengeCommand::Close | ChallengeCommand::Archive => {}
    }
    checks.finish().map_err(Refusal::Invalid)
}

/// The signed-in actor behind a command, if they see the challenge: 404 for those who do
/// not, 403 for an anonymous reader of a public one.
fn acting<'a>(challenge: &Challenge, actor: Option<&'a Actor>) -> Result<&'a Actor, Refusal> {
    if !can_view(challenge, actor) {
        return Err(Refusal::NotVisible);
    }
    actor.ok_or(Refusal::NotPermitted(ForbiddenReason::SignInToChange))
}

/// Whether a command of `kind` leads anywhere from the challenge's state (SPEC §3): 409
/// otherwise.
fn admit(challenge: &Challenge, kind: ChallengeCommandKind) -> Result<(), Refusal> {
    use ChallengeCommandKind as K;
    use ChallengeState as S;
    let leaves = match (challenge.state, kind) {
        (S::Draft | S::ChangesRequested, K::Submit)
        | (S::Submitted, K::RequestChanges | K::Publish)
        | (S::Published, K::Close)
        | (S::Closed, K::Archive)
        | (S::Draft | S::Submitted | S::ChangesRequested | S::Published, K::Withdraw)
        | (S::Draft | S::Submitted | S::ChangesRequested | S::Published | S::Closed, K::Transfer) => true,
        (S::Submitted | S::Published | S::Closed | S::Archived | S::Withdrawn, K::Submit)
        | (
            S::Draft | S::ChangesRequested | S::Published | S::Closed | S::Archived | S::Withdrawn,
            K::RequestChanges | K::Publish,
        )
        | (S::Draft | S::Submitted | S::ChangesRequested | S::Closed | S::Archived | S::Withdrawn, K::Close)
        | (S::Draft | S::Submitted | S::ChangesRequested | S::Published | S::Archived | S::Withdrawn, K::Archive)
        | (S::Closed | S::Archived | S::Withdrawn, K::Withdraw)
        | (S::Archived | S::Withdrawn, K::Transfer) => false,
    };
    if leaves {
        Ok(())
    } else {
        Err(Refusal::InvalidTransition {
            from: challenge.state.as_str(),
            command: kind.as_str(),
        })
    }
}

/// The commands `actor` may run on `challenge` now, in [`ChallengeCommandKind::ALL`]
/// order: those [`decide`] would accept with some values.
///
/// It asks the same visibility, permission and state rules as `decide`. What is left out
/// depends on values the form asks for (feedback, the arena and its state, a withdrawal
/// reason) or on the challenge's own text, whose refusal names the field to fill in.
pub fn offered(challenge: &Challenge, actor: Option<&Actor>) -> Vec<ChallengeCommandKind> {
    let Ok(actor) = acting(challenge, actor) else {
        return Vec::new();
    };
    ChallengeCommandKind::ALL
        .into_iter()
        .filter(|&kind| authorize_command(challenge, kind, actor).is_ok() && admit(challenge, kind).is_ok())
        .collect()
}

/// Decides a command: the events it causes, or why it is refused.
///
/// Visibility (404), then permission (403), then the command's values (422), then the
/// state (409) as [`offered`] asks it, and last what depends on state and values together.
pub fn decide(
    challenge: &Challenge,
    command: &ChallengeCommand,
    actor: Option<&Actor>,
    facts: &ChallengeFacts,
) -> Result<Vec<ChallengeEvent>, Refusal> {
    let actor = acting(challenge, actor)?;
    authorize_command(challenge, command.kind(), actor)?;
    check_values(command, facts)?;
    admit(challenge, command.kind())?;

    let event = match command {
        ChallengeCommand::Submit => {
            let mut checks = Checks::new();
            checks.required_text("title", &challenge.title, usize::MAX);
            checks.required_text("summary", &challenge.summary, usize::MAX);
            checks.required_text("description", &challenge.description, usize::MAX);
            checks.finish().map_err(Refusal::Invalid)?;
            ChallengeEvent::Submitted
        }
        ChallengeCommand::RequestChanges { feedback } => ChallengeEvent::ChangesRequested {
            feedback: feedback.trim().to_owned(),
        },
        ChallengeCommand::Publish {
            arena_id,
            ideas_close_at,
            blind_assessment,
        } => {
            if facts.arena == Some(ArenaState::Closed) {
                return Err(Refusal::GuardFailed(ConflictReason::ArenaClosed));
            }
            ChallengeEvent::Published {
                arena_id: *arena_id,
                ideas_close_at: *ideas_close_at,
                blind_assessment: *blind_assessment,
            }
        }
        ChallengeCommand::Close => ChallengeEvent::Closed,
        ChallengeCommand::Archive => ChallengeEvent::Archived,
        ChallengeCommand::Withdraw { reason } => {
            let reason = reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            if challenge.state == ChallengeState::Published && reason.is_none() {
                return Err(Refusal::invalid("reason", FieldProblem::WithdrawalReasonRequired));
            }
            ChallengeEvent::Withdrawn {
                reason: reason.map(str::to_owned),
            }
        }
        ChallengeCommand::Transfer {
            owner_id,
            organisation_id,
        } => ChallengeEvent::Transferred {
            owner_id: *owner_id,
            organisation_id: *organisation_id,
        },
    };
    Ok(vec![event])
}

#[cfg(test)]
mod tests;
