//! Accounts: who may hold which role and who manages users.

use crate::error::{ConflictReason, FieldProblem, ForbiddenReason, Refusal};
use crate::ids::UserId;
use crate::role::{Actor, Role, Roles};

/// Roles asked for at self-registration: at least one, and only self-service roles.
pub fn check_registration_roles(roles: Roles) -> Result<(), Refusal> {
    if roles.is_empty() {
        return Err(Refusal::invalid("roles", FieldProblem::NoSelfServiceRole));
    }
    if let Some(role) = roles.iter().find(|r| !r.is_self_service()) {
        return Err(Refusal::invalid("roles", FieldProblem::GrantedByAFacilitator { role }));
    }
    Ok(())
}

/// Who may see a user's record: the user and the innovation team.
pub fn can_view(user_id: UserId, actor: &Actor) -> bool {
    actor.is_facilitator() || actor.id == user_id
}

/// Who may list and create users.
pub fn authorize_manage(actor: &Actor) -> Result<(), Refusal> {
    if actor.is_facilitator() {
        Ok(())
    } else {
        Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsManageUsers))
    }
}

/// Checks a change of a user's roles. A facilitator may not remove their own facilitator
/// role, so the system always keeps one.
pub fn decide_set_roles(user_id: UserId, new_roles: Roles, actor: &Actor) -> Result<(), Refusal> {
    if !can_view(user_id, actor) {
        return Err(Refusal::NotVisible);
    }
    authorize_manage(actor)?;
    if new_roles.is_empty() {
        return Err(Refusal::invalid("roles", FieldProblem::NoRole));
    }
    if user_id == actor.id && !new_roles.contains(Role::Facilitator) {
        return Err(Refusal::GuardFailed(ConflictReason::OwnFacilitatorRole));
    }
    Ok(())
}

/// Checks a deactivation. Facilitators may not lock themselves out.
pub fn decide_deactivate(user_id: UserId, active: bool, actor: &Actor) -> Result<(), Refusal> {
    if !can_view(user_id, actor) {
        return Err(Refusal::NotVisible);
    }
    authorize_manage(actor)?;
    if user_id == actor.id {
        return Err(Refusal::GuardFailed(ConflictReason::DeactivatingOneself));
    }
    if !active {
        return Err(Refusal::GuardFailed(ConflictReason::AlreadyDeactivated));
    }
    Ok(())
}

/// Whether `actor` may let the deactivated account `user_id` sign in again: facilitators
/// only, and only an account that is deactivated.
pub fn decide_reactivate(user_id: UserId, active: bool, actor: &Actor) -> Result<(), Refusal> {
    if !can_view(user_id, actor) {
        return Err(Refusal::NotVisible);
    }
    authorize_manage(actor)?;
    if active {
        return Err(Refusal::GuardFailed(ConflictReason::UserActive));
    }
    Ok(())
}

/// Whether `actor` may have a password-reset link sent to `user_id`: facilitators only,
/// to an active account, when the server can send e-mail at all.
pub fn decide_send_reset(user_id: UserId, active: bool, mail_enabled: bool, actor: &Actor) -> Result<(), Refusal> {
    if !can_view(user_id, actor) {
        return Err(Refusal::NotVisible);
    }
    authorize_manage(actor)?;
    if !active {
        return Err(Refusal::GuardFailed(ConflictReason::AccountDeactivated));
    }
    if !mail_enabled {
        return Err(Refusal::GuardFailed(ConflictReason::NoMail));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn registration_accepts_needs_owner_and_innovator() {
        let roles: Roles = [Role::NeedsOwner, Role::Innovator].into_iter().collect();
        assert!(check_registration_roles(roles).is_ok());
    }

    #[test]
    fn registration_refuses_no_role() {
        assert!(matches!(
            check_registration_roles(Roles::empty()),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn registration_refuses_assessor_and_facilitator() {
        for role in [Role::Assessor, Role::Facilitator] {
            let roles = Roles::empty().with(Role::Innovator).with(role);
            assert!(matches!(check_registration_roles(roles), Err(Refusal::Invalid(_))));
        }
    }

    #[test]
    fn facilitator_sets_anyones_roles() {
        let f = actor(&[Role::Facilitator]);
        assert!(decide_set_roles(other(), Roles::empty().with(Role::Assessor), &f).is_ok());
    }

    #[test]
    fn set_roles_is_invisible_for_others_and_forbidden_on_oneself() {
        let innovator = actor(&[Role::Innovator]);
        assert_eq!(
            decide_set_roles(other(), Roles::empty().with(Role::Facilitator), &innovator),
            Err(Refusal::NotVisible)
        );
        assert!(matches!(
            decide_set_roles(innovator.id, Roles::empty().with(Role::Facilitator), &innovator),
            Err(Refusal::NotPermitted(_))
        ));
    }

    #[test]
    fn set_roles_refuses_an_empty_set() {
        let f = actor(&[Role::Facilitator]);
        assert!(matches!(
            decide_set_roles(other(), Roles::empty(), &f),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn facilitator_keeps_own_facilitator_role() {
        let f = actor(&[Role::Facilitator]);
        assert!(matches!(
            decide_set_roles(f.id, Roles::empty().with(Role::Innovator), &f),
            Err(Refusal::GuardFailed(_))
        ));
    }

    #[test]
    fn deactivation_rules() {
        let f = actor(&[Role::Facilitator]);
        assert!(decide_deactivate(other(), true, &f).is_ok());
        assert!(matches!(
            decide_deactivate(other(), false, &f),
            Err(Refusal::GuardFailed(_))
        ));
        assert!(matches!(
            decide_deactivate(f.id, true, &f),
            Err(Refusal::GuardFailed(_))
        ));
        let needs_owner = actor(&[Role::NeedsOwner]);
        assert_eq!(decide_deactivate(other(), true, &needs_owner), Err(Refusal::NotVisible));
        assert!(matches!(
            decide_deactivate(needs_owner.id, true, &needs_owner),
            Err(Refusal::NotPermitted(_))
        ));
    }

    #[test]
    fn a_facilitator_reactivates_a_deactivated_account() {
        let f = actor(&[Role::Facilitator]);
        assert_eq!(decide_reactivate(other(), false, &f), Ok(()));
    }

    #[test]
    fn reactivation_is_invisible_for_others_and_forbidden_on_oneself() {
        let innovator = actor(&[Role::Innovator]);
        assert_eq!(decide_reactivate(other(), false, &innovator), Err(Refusal::NotVisible));
        assert!(matches!(
            decide_reactivate(innovator.id, false, &innovator),
            Err(Refusal::NotPermitted(_))
        ));
    }

    #[test]
    fn an_active_account_is_not_reactivated() {
        let f = actor(&[Role::Facilitator]);
        assert!(matches!(
            decide_reactivate(other(), true, &f),
            Err(Refusal::GuardFailed(_))
        ));
    }

    #[test]
    fn a_facilitator_sends_a_reset_link_to_an_active_account() {
        let f = actor(&[Role::Facilitator]);
        assert_eq!(decide_send_reset(other(), true, true, &f), Ok(()));
    }

    #[test]
    fn only_facilitators_send_reset_links() {
        let innovator = actor(&[Role::Innovator]);
        assert_eq!(
            decide_send_reset(other(), true, true, &innovator),
            Err(Refusal::NotVisible)
        );
        assert!(matches!(
            decide_send_reset(innovator.id, true, true, &innovator),
            Err(Refusal::NotPermitted(_))
        ));
    }

    #[test]
    fn no_reset_link_goes_to_a_deactivated_account_or_without_mail() {
        let f = actor(&[Role::Facilitator]);
        assert!(matches!(
            decide_send_reset(other(), false, true, &f),
            Err(Refusal::GuardFailed(_))
        ));
        assert!(matches!(
            decide_send_reset(other(), true, false, &f),
            Err(Refusal::GuardFailed(_))
        ));
    }
}
