//! Matching arenas: `planned → open → closed`, run by facilitators.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::{FieldProblem, ForbiddenReason, Refusal};
use crate::event::ArenaEventKind;
use crate::role::Actor;
use crate::validate::Checks;

/// Where an arena is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ArenaState {
    /// Being prepared.
    Planned,
    /// Running; challenges are shown.
    Open,
    /// Over (terminal).
    Closed,
}

impl ArenaState {
    /// Every state, in lifecycle order.
    pub const ALL: [ArenaState; 3] = [ArenaState::Planned, ArenaState::Open, ArenaState::Closed];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ArenaState::Planned => "planned",
            ArenaState::Open => "open",
            ArenaState::Closed => "closed",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }
}

/// A change of state of an arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ArenaCommand {
    /// Start showing challenges.
    Open,
    /// End the arena.
    Close,
}

impl ArenaCommand {
    /// The kind of event it records.
    pub fn kind(self) -> ArenaEventKind {
        match self {
            ArenaCommand::Open => ArenaEventKind::Open,
            ArenaCommand::Close => ArenaEventKind::Close,
        }
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        self.kind().as_str()
    }
}

/// Who may see an arena: the innovation team always, everyone else while it is open.
pub fn can_view(state: ArenaState, actor: Option<&Actor>) -> bool {
    match state {
        ArenaState::Open => true,
        ArenaState::Planned | ArenaState::Closed => actor.is_some_and(Actor::is_facilitator),
    }
}

fn authorize(state: ArenaState, actor: Option<&Actor>) -> Result<(), Refusal> {
    if !can_view(state, actor) {
        return Err(Refusal::NotVisible);
    }
    if actor.is_some_and(Actor::is_facilitator) {
        Ok(())
    } else {
        Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsRunArenas))
    }
}

/// Who may create an arena.
pub fn authorize_create(actor: &Actor) -> Result<(), Refusal> {
    if actor.is_facilitator() {
        Ok(())
    } else {
        Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsRunArenas))
    }
}

/// Who may edit an arena, and when: facilitators, until it is closed.
pub fn authorize_edit(state: ArenaState, actor: Option<&Actor>) -> Result<(), Refusal> {
    authorize(state, actor)?;
    match state {
        ArenaState::Planned | ArenaState::Open => Ok(()),
        ArenaState::Closed => Err(Refusal::InvalidTransition {
            from: state.as_str(),
            command: "edit",
        }),
    }
}

/// Decides an arena command: the state it leads to, or why it is refused.
pub fn decide(state: ArenaState, command: ArenaCommand, actor: Option<&Actor>) -> Result<ArenaState, Refusal> {
    authorize(state, actor)?;
    match (state, command) {
        (ArenaState::Planned, ArenaCommand::Open) => Ok(ArenaState::Open),
        (ArenaState::Open, ArenaCommand::Close) => Ok(ArenaState::Closed),
        (ArenaState::Open | ArenaState::Closed, ArenaCommand::Open)
        | (ArenaState::Planned | ArenaState::Closed, ArenaCommand::Close) => Err(Refusal::InvalidTransition {
            from: state.as_str(),
            command: command.name(),
        }),
    }
}

/// Checks an arena's period: each end in the years a time may fall in, and the end not
/// before the start.
pub fn check_period(checks: &mut Checks, starts_at: Option<DateTime<Utc>>, ends_at: Option<DateTime<Utc>>) {
    checks.in_years("starts_at", starts_at);
    checks.in_years("ends_at", ends_at);
    if let (Some(start), Some(end)) = (starts_at, ends_at)
        && end < start
    {
        checks.fail("ends_at", FieldProblem::BeforeTheStart { start: "starts_at" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::role::{Role, Roles};
    use chrono::TimeZone;
    use uuid::Uuid;

    fn actor(role: Role) -> Actor {
        Actor {
            id: UserId(Uuid::now_v7()),
            roles: Roles::empty().with(role),
        }
    }

    #[test]
    fn facilitator_opens_a_planned_arena_and_closes_an_open_one() {
        let f = actor(Role::Facilitator);
        assert_eq!(
            decide(ArenaState::Planned, ArenaCommand::Open, Some(&f)),
            Ok(ArenaState::Open)
        );
        assert_eq!(
            decide(ArenaState::Open, ArenaCommand::Close, Some(&f)),
            Ok(ArenaState::Closed)
        );
    }

    #[test]
    fn every_other_transition_is_refused_with_the_state() {
        let f = actor(Role::Facilitator);
        for (state, command) in [
            (ArenaState::Open, ArenaCommand::Open),
            (ArenaState::Closed, ArenaCommand::Open),
            (ArenaState::Planned, ArenaCommand::Close),
            (ArenaState::Closed, ArenaCommand::Close),
        ] {
            assert!(matches!(
                decide(state, command, Some(&f)),
                Err(Refusal::InvalidTransition { .. })
            ));
        }
    }

    #[test]
    fn non_facilitators_cannot_see_a_planned_arena() {
        for role in [Role::NeedsOwner, Role::Innovator, Role::Assessor] {
            assert_eq!(
                decide(ArenaState::Planned, ArenaCommand::Open, Some(&actor(role))),
                Err(Refusal::NotVisible)
            );
        }
        assert_eq!(
            decide(ArenaState::Planned, ArenaCommand::Open, None),
            Err(Refusal::NotVisible)
        );
    }

    #[test]
    fn non_facilitators_see_an_open_arena_but_may_not_close_it() {
        for role in [Role::NeedsOwner, Role::Innovator, Role::Assessor] {
            assert!(matches!(
                decide(ArenaState::Open, ArenaCommand::Close, Some(&actor(role))),
                Err(Refusal::NotPermitted(_))
            ));
        }
        assert!(matches!(
            decide(ArenaState::Open, ArenaCommand::Close, None),
            Err(Refusal::NotPermitted(_))
        ));
    }

    #[test]
    fn closed_arena_cannot_be_edited() {
        let f = actor(Role::Facilitator);
        assert!(authorize_edit(ArenaState::Open, Some(&f)).is_ok());
        assert!(matches!(
            authorize_edit(ArenaState::Closed, Some(&f)),
            Err(Refusal::InvalidTransition { .. })
        ));
    }

    #[test]
    fn only_facilitators_create_arenas() {
        assert!(authorize_create(&actor(Role::Facilitator)).is_ok());
        assert!(authorize_create(&actor(Role::NeedsOwner)).is_err());
    }

    #[test]
    fn period_must_not_end_before_it_starts() {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single();
        let end = Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).single();
        let mut checks = Checks::new();
        check_period(&mut checks, start, end);
        assert!(checks.finish().is_err());
        let mut checks = Checks::new();
        check_period(&mut checks, end, start);
        check_period(&mut checks, None, start);
        assert!(checks.finish().is_ok());
    }
}
