//! Privacy: a person's copy of everything stored about them, and the erasure of their
//! personal data by the innovation team.
//!
//! Erasure replaces what identifies a person (e-mail, name, organisation, the password
//! hash) and keeps what the pipeline's history needs (ids, states, the event log), so
//! reports count the same before and after.

use crate::error::{ConflictReason, FieldProblem, ForbiddenReason, Refusal};
use crate::ids::UserId;
use crate::role::Actor;
use crate::user::can_view;

/// The display name of an erased account.
pub const ERASED_NAME: &str = "Erased user";

/// The stored password hash of an erased account. It is no PHC string, so no password
/// verifies against it.
pub const UNUSABLE_PASSWORD_HASH: &str = "!erased";

/// The state an erased account's history ends in.
pub const ERASED_STATE: &str = "erased";

/// The e-mail of an erased account: unique (it carries the id), never deliverable
/// (`.invalid` is reserved by RFC 2606) and never registrable (a domain without a dot
/// fails the e-mail check), so the person's own address is free again.
pub fn erased_email(user_id: UserId) -> String {
    format!("erased-{}@invalid", user_id.as_uuid().simple())
}

/// Who may download everything stored about a person: the person and the innovation
/// team (a data-subject request handled by the team). Others do not see the person.
pub fn authorize_export(user_id: UserId, actor: &Actor) -> Result<(), Refusal> {
    if can_view(user_id, actor) {
        Ok(())
    } else {
        Err(Refusal::NotVisible)
    }
}

/// What an erasure decision needs to know, read by the API layer in its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErasureFacts {
    /// The person's data has been erased before.
    pub already_erased: bool,
    /// The person is an active facilitator.
    pub active_facilitator: bool,
    /// Active facilitators other than the person.
    pub other_active_facilitators: u64,
}

/// Longest reason a facilitator may give for an erasure.
pub const REASON_MAX: usize = 2_000;

/// Checks an erasure: facilitators only (others do not see the person, or may not act
/// on themselves), never one's own account (422: the request names the wrong person),
/// never twice, and never the last active facilitator, so someone can still run the
/// accelerator (409).
pub fn decide_erase(user_id: UserId, actor: &Actor, facts: ErasureFacts) -> Result<(), Refusal> {
    authorize_erase(user_id, actor)?;
    check_erasable(facts)
}

/// The checks of [`decide_erase`] that need no stored facts: visibility (404),
/// permission (403) and the person named (422). The API runs them before reading.
pub fn authorize_erase(user_id: UserId, actor: &Actor) -> Result<(), Refusal> {
    if !can_view(user_id, actor) {
        return Err(Refusal::NotVisible);
    }
    if !actor.is_facilitator() {
        return Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsErase));
    }
    if user_id == actor.id {
        return Err(Refusal::invalid("id", FieldProblem::OwnAccountErased));
    }
    Ok(())
}

/// The checks of [`decide_erase`] on the stored facts (409).
pub fn check_erasable(facts: ErasureFacts) -> Result<(), Refusal> {
    if facts.already_erased {
        return Err(Refusal::GuardFailed(ConflictReason::AlreadyErased));
    }
    if facts.active_facilitator && facts.other_active_facilitators == 0 {
        return Err(Refusal::GuardFailed(ConflictReason::LastFacilitator));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;
    use uuid::Uuid;

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            id: UserId(Uuid::now_v7()),
            roles: roles.iter().copied().collect(),
        }
    }

    fn other() -> UserId {
        UserId(Uuid::now_v7())
    }

    const PLAIN: ErasureFacts = ErasureFacts {
        already_erased: false,
        active_facilitator: false,
        other_active_facilitators: 1,
    };

    #[test]
    fn a_facilitator_erases_another_person() {
        assert_eq!(decide_erase(other(), &actor(&[Role::Facilitator]), PLAIN), Ok(()));
    }

    #[test]
    fn a_facilitator_erases_another_facilitator_while_one_stays_active() {
        let facts = ErasureFacts {
            active_facilitator: true,
            ..PLAIN
        };
        assert_eq!(decide_erase(other(), &actor(&[Role::Facilitator]), facts), Ok(()));
    }

    #[test]
    fn others_do_not_see_the_person_to_erase() {
        for role in [Role::NeedsOwner, Role::Innovator, Role::Assessor] {
            assert_eq!(decide_erase(other(), &actor(&[role]), PLAIN), Err(Refusal::NotVisible));
        }
    }

    #[test]
    fn a_person_who_is_no_facilitator_may_not_erase_themselves() {
        let innovator = actor(&[Role::Innovator]);
        assert!(matches!(
            decide_erase(innovator.id, &innovator, PLAIN),
            Err(Refusal::NotPermitted(_))
        ));
    }

    #[test]
    fn a_facilitator_may_not_erase_themselves() {
        let facilitator = actor(&[Role::Facilitator]);
        assert!(matches!(
            decide_erase(facilitator.id, &facilitator, PLAIN),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn erasing_twice_is_refused() {
        let facts = ErasureFacts {
            already_erased: true,
            ..PLAIN
        };
        assert!(matches!(
            decide_erase(other(), &actor(&[Role::Facilitator]), facts),
            Err(Refusal::GuardFailed(_))
        ));
    }

    #[test]
    fn the_last_active_facilitator_is_kept() {
        let facts = ErasureFacts {
            already_erased: false,
            active_facilitator: true,
            other_active_facilitators: 0,
        };
        assert!(matches!(
            decide_erase(other(), &actor(&[Role::Facilitator]), facts),
            Err(Refusal::GuardFailed(_))
        ));
    }

    #[test]
    fn the_person_and_the_team_may_export_no_one_else() {
        let innovator = actor(&[Role::Innovator]);
        assert_eq!(authorize_export(innovator.id, &innovator), Ok(()));
        assert_eq!(authorize_export(other(), &actor(&[Role::Facilitator])), Ok(()));
        for role in [Role::NeedsOwner, Role::Innovator, Role::Assessor] {
            assert_eq!(authorize_export(other(), &actor(&[role])), Err(Refusal::NotVisible));
        }
    }

    #[test]
    fn the_erased_email_is_unique_undeliverable_and_unregistrable() {
        let (a, b) = (other(), other());
        assert_ne!(erased_email(a), erased_email(b));
        assert!(erased_email(a).ends_with("@invalid"));
        assert!(!crate::validate::is_plausible_email(&erased_email(a)));
    }
}
