//! Steps 4 and 5 around an idea: support organisations, incubation milestones, spread
//! activities, and the obstacle diary.

use crate::error::{ConflictReason, FieldProblem, ForbiddenReason, Refusal};
use crate::idea::IdeaState;
use crate::ids::UserId;
use crate::role::Actor;
use crate::validate::Checks;

/// Who manages the registry of support organisations and records tests: facilitators.
pub fn authorize_facilitator(actor: &Actor) -> Result<(), Refusal> {
    if actor.is_facilitator() {
        Ok(())
    } else {
        Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsRecord))
    }
}

/// Checks a support organisation's values; returns the trimmed name, description and e-mail.
pub fn check_support_organisation(
    name: &str,
    description: &str,
    contact_email: Option<&str>,
) -> Result<(String, String, Option<String>), Refusal> {
    let mut checks = Checks::new();
    let name = checks.required_text("name", name, 200);
    let description = checks.draft_text("description", description, 5_000);
    let email = contact_email
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| checks.email("contact_email", e));
    checks.finish().map_err(Refusal::Invalid)?;
    Ok((name, description, email))
}

/// Milestones are added and completed by facilitators and the idea's `authors` (its
/// innovator and accepted team members), while the idea is in incubation.
pub fn authorize_milestone(actor: &Actor, authors: &[UserId], idea_state: IdeaState) -> Result<(), Refusal> {
    if !(actor.is_facilitator() || authors.contains(&actor.id)) {
        return Err(Refusal::not_permitted(ForbiddenReason::OnlyTheTeamKeepsMilestones));
    }
    match idea_state {
        IdeaState::InIncubation => Ok(()),
        IdeaState::Draft
        | IdeaState::Submitted
        | IdeaState::InAssessment
        | IdeaState::Qualified
        | IdeaState::NotQualified
        | IdeaState::InTesting
        | IdeaState::Completed
        | IdeaState::Discontinued
        | IdeaState::Withdrawn
        | IdeaState::OnHold => Err(Refusal::GuardFailed(ConflictReason::MilestonesOutsideIncubation {
            state: idea_state,
        })),
    }
}

/// Spread activities are recorded by facilitators while the idea is tested or after.
pub fn authorize_spread(actor: &Actor, idea_state: IdeaState) -> Result<(), Refusal> {
    authorize_facilitator(actor)?;
    match idea_state {
        IdeaState::InTesting | IdeaState::Completed => Ok(()),
        IdeaState::Draft
        | IdeaState::Submitted
        | IdeaState::InAssessment
        | IdeaState::Qualified
        | IdeaState::NotQualified
        | IdeaState::InIncubation
        | IdeaState::Discontinued
        | IdeaState::Withdrawn
        | IdeaState::OnHold => Err(Refusal::GuardFailed(ConflictReason::SpreadBeforeATest {
            state: idea_state,
        })),
    }
}

/// The step of the process an obstacle blocked: 1..=5.
pub fn check_step(checks: &mut Checks, step: i64) {
    if !(1..=5).contains(&step) {
        checks.fail("step", FieldProblem::NotAStep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::{Role, Roles};
    use uuid::Uuid;

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            id: UserId(Uuid::now_v7()),
            roles: roles.iter().copied().collect::<Roles>(),
        }
    }

    #[test]
    fn a_support_organisation_needs_a_name_and_a_valid_email() {
        assert_eq!(
            check_support_organisation(" Minc ", "Incubator in Malmö", Some(" Hello@Minc.se ")),
            Ok(("Minc".into(), "Incubator in Malmö".into(), Some("hello@minc.se".into())))
        );
        assert!(check_support_organisation(" ", "", None).is_err());
        assert!(check_support_organisation("Minc", "", Some("not-mail")).is_err());
        assert_eq!(
            check_support_organisation("Minc", "", Some(" ")),
            Ok(("Minc".into(), String::new(), None))
        );
    }

    #[test]
    fn milestones_belong_to_facilitators_and_the_innovator_during_incubation() {
        let innovator = actor(&[Role::Innovator]);
        assert!(authorize_milestone(&innovator, &[innovator.id], IdeaState::InIncubation).is_ok());
        assert!(authorize_milestone(&actor(&[Role::Facilitator]), &[innovator.id], IdeaState::InIncubation).is_ok());
        assert!(matches!(
            authorize_milestone(&actor(&[Role::NeedsOwner]), &[innovator.id], IdeaState::InIncubation),
            Err(Refusal::NotPermitted(_))
        ));
        for state in IdeaState::ALL.into_iter().filter(|s| *s != IdeaState::InIncubation) {
            assert!(matches!(
                authorize_milestone(&innovator, &[innovator.id], state),
                Err(Refusal::GuardFailed(_))
            ));
        }
    }

    #[test]
    fn spread_activities_follow_a_test_and_are_recorded_by_facilitators() {
        let facilitator = actor(&[Role::Facilitator]);
        assert!(authorize_spread(&facilitator, IdeaState::InTesting).is_ok());
        assert!(authorize_spread(&facilitator, IdeaState::Completed).is_ok());
        assert!(matches!(
            authorize_spread(&facilitator, IdeaState::InIncubation),
            Err(Refusal::GuardFailed(_))
        ));
        assert!(matches!(
            authorize_spread(&actor(&[Role::Innovator]), IdeaState::InTesting),
            Err(Refusal::NotPermitted(_))
        ));
    }

    #[test]
    fn steps_run_from_1_to_5() {
        for (step, ok) in [(0, false), (1, true), (5, true), (6, false)] {
            let mut checks = Checks::new();
            check_step(&mut checks, step);
            assert_eq!(checks.finish().is_ok(), ok, "{step}");
        }
    }
}
