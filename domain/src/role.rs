//! Roles and the acting user.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// A role a user holds. A user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Role {
    /// Owns challenges: a residents' association, housing company, property owner, business or non-profit.
    NeedsOwner,
    /// Writes and submits ideas.
    Innovator,
    /// Scores the ideas assigned to them.
    Assessor,
    /// The innovation team.
    Facilitator,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 4] = [Role::NeedsOwner, Role::Innovator, Role::Assessor, Role::Facilitator];

    /// The snake_case name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::NeedsOwner => "needs_owner",
            Role::Innovator => "innovator",
            Role::Assessor => "assessor",
            Role::Facilitator => "facilitator",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Whether a person may ask for this role when registering themselves.
    pub fn is_self_service(self) -> bool {
        match self {
            Role::NeedsOwner | Role::Innovator => true,
            Role::Assessor | Role::Facilitator => false,
        }
    }

    fn bit(self) -> u8 {
        match self {
            Role::NeedsOwner => 1,
            Role::Innovator => 2,
            Role::Assessor => 4,
            Role::Facilitator => 8,
        }
    }
}

/// A set of roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Roles(u8);

impl Roles {
    /// The empty set.
    pub fn empty() -> Self {
        Self(0)
    }

    /// Whether the set holds `role`.
    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// The set with `role` added.
    pub fn with(self, role: Role) -> Self {
        Self(self.0 | role.bit())
    }

    /// The set with `role` removed.
    pub fn without(self, role: Role) -> Self {
        Self(self.0 & !role.bit())
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles, in the order of [`Role::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |role| self.contains(*role))
    }

    /// A comma-separated list of snake_case names (the stored form).
    pub fn to_csv(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }

    /// Parses the stored form; `None` when a name is unknown.
    pub fn from_csv(value: &str) -> Option<Self> {
        value
            .split(',')
            .filter(|part| !part.is_empty())
            .try_fold(Roles::empty(), |roles, part| Some(roles.with(Role::parse(part)?)))
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<T: IntoIterator<Item = Role>>(iter: T) -> Self {
        iter.into_iter().fold(Roles::empty(), Roles::with)
    }
}

/// An authenticated, active user acting on the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Who acts.
    pub id: UserId,
    /// The roles they hold now.
    pub roles: Roles,
}

impl Actor {
    /// Whether the actor holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    /// Whether the actor is on the innovation team.
    pub fn is_facilitator(&self) -> bool {
        self.has(Role::Facilitator)
    }
}

/// Whether `actor` (`None` when anonymous) is a facilitator.
pub fn is_facilitator(actor: Option<&Actor>) -> bool {
    actor.is_some_and(Actor::is_facilitator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_form() {
        let roles: Roles = [Role::Facilitator, Role::NeedsOwner].into_iter().collect();
        assert_eq!(roles.to_csv(), "needs_owner,facilitator");
        assert_eq!(Roles::from_csv(&roles.to_csv()), Some(roles));
    }

    #[test]
    fn unknown_stored_role_is_an_error_not_a_default() {
        assert_eq!(Roles::from_csv("innovator,admin"), None);
    }

    #[test]
    fn only_needs_owner_and_innovator_are_self_service() {
        let self_service: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_self_service()).collect();
        assert_eq!(self_service, vec![Role::NeedsOwner, Role::Innovator]);
    }

    #[test]
    fn without_removes_only_that_role() {
        let roles = Roles::empty().with(Role::Assessor).with(Role::Innovator);
        assert_eq!(roles.without(Role::Assessor), Roles::empty().with(Role::Innovator));
    }
}
