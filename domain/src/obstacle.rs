//! Obstacles raised to those who can act on them (SPEC §18): an obstacle in the diary is
//! `logged`; a facilitator raises it to a body that can remove it (`raised`, with a name
//! and a brief), records that body's `answer` (`answered`) and closes it (`closed`).
//! Obstacles met elsewhere can be linked as the same issue (`same_as`), in flat groups: each
//! link names the group's first obstacle.

use uuid::Uuid;

use crate::error::{FieldProblem, Refusal};
use crate::role::Actor;
use crate::steps::authorize_facilitator;
use crate::validate::Checks;

/// Where an obstacle stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObstacleState {
    /// In the diary, not raised.
    Logged,
    /// Raised to a body that can act.
    Raised,
    /// That body has answered.
    Answered,
    /// Nothing more is done about it.
    Closed,
}

impl ObstacleState {
    /// Every state, in the order an obstacle goes through them.
    pub const ALL: [ObstacleState; 4] = [Self::Logged, Self::Raised, Self::Answered, Self::Closed];

    /// The state's stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Logged => "logged",
            Self::Raised => "raised",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    /// The state of a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// What a facilitator does with an obstacle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObstacleCommand {
    /// Raise it to a body that can act (`raised_to`, e.g. "Boverket") with a brief.
    Raise {
        /// The body it is raised to.
        raised_to: String,
        /// What the body is asked, for the public record.
        brief: String,
    },
    /// Record the body's answer.
    Answer {
        /// The answer.
        answer: String,
    },
    /// Close it.
    Close,
}

impl ObstacleCommand {
    /// The command's API name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Raise { .. } => "raise",
            Self::Answer { .. } => "answer",
            Self::Close => "close",
        }
    }
}

/// What a command changes: checked, trimmed values and the new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObstacleChange {
    /// Raised.
    Raised {
        /// The body, trimmed.
        raised_to: String,
        /// The brief, trimmed.
        brief: String,
    },
    /// Answered.
    Answered {
        /// The answer, trimmed.
        answer: String,
    },
    /// Closed.
    Closed,
}

impl ObstacleChange {
    /// The state the change leads to.
    pub fn to_state(&self) -> ObstacleState {
        match self {
            Self::Raised { .. } => ObstacleState::Raised,
            Self::Answered { .. } => ObstacleState::Answered,
            Self::Closed => ObstacleState::Closed,
        }
    }
}

/// The longest name of a body an obstacle is raised to.
pub const RAISED_TO_MAX: usize = 200;
/// The longest brief or answer.
pub const TEXT_MAX: usize = 10_000;

/// Decides a command on an obstacle in `state`: facilitators only; raised from logged,
/// answered once raised, closed from any state but closed.
pub fn decide(actor: &Actor, state: ObstacleState, command: &ObstacleCommand) -> Result<ObstacleChange, Refusal> {
    authorize_facilitator(actor)?;
    let allowed = match command {
        ObstacleCommand::Raise { .. } => state == ObstacleState::Logged,
        ObstacleCommand::Answer { .. } => state == ObstacleState::Raised,
        ObstacleCommand::Close => state != ObstacleState::Closed,
    };
    if !allowed {
        return Err(Refusal::InvalidTransition {
            from: state.as_str(),
            command: command.name(),
        });
    }
    let mut checks = Checks::new();
    let change = match command {
        ObstacleCommand::Raise { raised_to, brief } => ObstacleChange::Raised {
            raised_to: checks.required_name("raised_to", raised_to, RAISED_TO_MAX),
            brief: checks.required_text("brief", brief, TEXT_MAX),
        },
        ObstacleCommand::Answer { answer } => ObstacleChange::Answered {
            answer: checks.required_text("answer", answer, TEXT_MAX),
        },
        ObstacleCommand::Close => ObstacleChange::Closed,
    };
    checks.finish().map_err(Refusal::Invalid)?;
    Ok(change)
}

/// An obstacle another is said to be the same as: its id and its own link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked {
    /// The obstacle named.
    pub id: Uuid,
    /// The group it is in already, if any.
    pub same_as: Option<Uuid>,
}

/// Decides linking obstacle `this` as the same issue as `target` (`None` unlinks it): the
/// link names the first obstacle of the target's group, so groups stay flat. Linking an
/// obstacle to itself, or to one in its own group through it, is refused on `obstacle_id`.
pub fn same_as(actor: &Actor, this: Uuid, target: Option<Linked>) -> Result<Option<Uuid>, Refusal> {
    authorize_facilitator(actor)?;
    let Some(target) = target else {
        return Ok(None);
    };
    let first = target.same_as.unwrap_or(target.id);
    if first == this {
        return Err(Refusal::invalid("obstacle_id", FieldProblem::SameAsItself));
    }
    Ok(Some(first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{FieldError, ForbiddenReason};
    use crate::ids::UserId;
    use crate::role::{Role, Roles};

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            id: UserId(Uuid::now_v7()),
            roles: roles.iter().copied().collect::<Roles>(),
        }
    }

    fn facilitator() -> Actor {
        actor(&[Role::Facilitator])
    }

    fn raise() -> ObstacleCommand {
        ObstacleCommand::Raise {
            raised_to: "  Boverket ".into(),
            brief: " The building rules forbid a shared pantry. ".into(),
        }
    }

    fn answer() -> ObstacleCommand {
        ObstacleCommand::Answer {
            answer: "We will look at it in the 2027 review.".into(),
        }
    }

    #[test]
    fn a_logged_obstacle_is_raised_with_trimmed_values() {
        assert_eq!(
            decide(&facilitator(), ObstacleState::Logged, &raise()),
            Ok(ObstacleChange::Raised {
                raised_to: "Boverket".into(),
                brief: "The building rules forbid a shared pantry.".into(),
            })
        );
    }

    #[test]
    fn a_raised_obstacle_is_answered_and_any_open_one_closed() {
        assert_eq!(
            decide(&facilitator(), ObstacleState::Raised, &answer()).map(|c| c.to_state()),
            Ok(ObstacleState::Answered)
        );
        for state in [ObstacleState::Logged, ObstacleState::Raised, ObstacleState::Answered] {
            assert_eq!(
                decide(&facilitator(), state, &ObstacleCommand::Close),
                Ok(ObstacleChange::Closed)
            );
        }
    }

    #[test]
    fn each_command_is_refused_in_every_other_state() {
        let allowed = |command: &ObstacleCommand, state: ObstacleState| match command {
            ObstacleCommand::Raise { .. } => state == ObstacleState::Logged,
            ObstacleCommand::Answer { .. } => state == ObstacleState::Raised,
            ObstacleCommand::Close => state != ObstacleState::Closed,
        };
        for command in [raise(), answer(), ObstacleCommand::Close] {
            for state in ObstacleState::ALL {
                let decided = decide(&facilitator(), state, &command);
                if allowed(&command, state) {
                    assert!(decided.is_ok(), "{} from {state:?}", command.name());
                } else {
                    assert_eq!(
                        decided,
                        Err(Refusal::InvalidTransition {
                            from: state.as_str(),
                            command: command.name(),
                        })
                    );
                }
            }
        }
    }

    #[test]
    fn only_facilitators_act_on_obstacles() {
        for role in [Role::Innovator, Role::NeedsOwner, Role::Assessor] {
            let actor = actor(&[role]);
            assert_eq!(
                decide(&actor, ObstacleState::Logged, &raise()),
                Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsRecord))
            );
            assert_eq!(
                same_as(&actor, Uuid::new_v4(), None),
                Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsRecord))
            );
        }
    }

    #[test]
    fn empty_or_overlong_values_are_refused_by_field() {
        let empty = ObstacleCommand::Raise {
            raised_to: " ".into(),
            brief: String::new(),
        };
        let Err(Refusal::Invalid(errors)) = decide(&facilitator(), ObstacleState::Logged, &empty) else {
            panic!("refused as invalid");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["raised_to", "brief"]);
        let two_lines = ObstacleCommand::Raise {
            raised_to: "Boverket\nand more".into(),
            brief: "x".into(),
        };
        assert_eq!(
            decide(&facilitator(), ObstacleState::Logged, &two_lines),
            Err(Refusal::Invalid(vec![FieldError::new(
                "raised_to",
                FieldProblem::NotOneLine
            )]))
        );
        let long = ObstacleCommand::Answer {
            answer: "x".repeat(TEXT_MAX + 1),
        };
        assert_eq!(
            decide(&facilitator(), ObstacleState::Raised, &long),
            Err(Refusal::invalid("answer", FieldProblem::TooLong { max: TEXT_MAX }))
        );
    }

    #[test]
    fn a_link_names_the_first_obstacle_of_the_group() {
        let this = Uuid::new_v4();
        let first = Uuid::new_v4();
        let second = Uuid::new_v4();
        let alone = Linked {
            id: first,
            same_as: None,
        };
        assert_eq!(same_as(&facilitator(), this, Some(alone)), Ok(Some(first)));
        let grouped = Linked {
            id: second,
            same_as: Some(first),
        };
        assert_eq!(same_as(&facilitator(), this, Some(grouped)), Ok(Some(first)));
        assert_eq!(same_as(&facilitator(), this, None), Ok(None));
    }

    #[test]
    fn an_obstacle_is_not_the_same_as_itself_or_its_own_group() {
        let this = Uuid::new_v4();
        let itself = Linked {
            id: this,
            same_as: None,
        };
        assert_eq!(
            same_as(&facilitator(), this, Some(itself)),
            Err(Refusal::invalid("obstacle_id", FieldProblem::SameAsItself))
        );
        let follower = Linked {
            id: Uuid::new_v4(),
            same_as: Some(this),
        };
        assert_eq!(
            same_as(&facilitator(), this, Some(follower)),
            Err(Refusal::invalid("obstacle_id", FieldProblem::SameAsItself))
        );
    }

    #[test]
    fn each_state_reads_back_from_its_name() {
        for state in ObstacleState::ALL {
            assert_eq!(ObstacleState::parse(state.as_str()), Some(state));
        }
        assert_eq!(ObstacleState::parse("open"), None);
    }
}
