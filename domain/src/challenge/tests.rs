use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::role::Roles;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

fn facts() -> ChallengeFacts {
    ChallengeFacts {
        now: now(),
        arena: None,
        new_owner: Some(NewOwner {
            needs_owner: true,
            active: true,
        }),
        organisation_registered: true,
    }
}

fn actor(roles: &[Role]) -> Actor {
    Actor {
        id: UserId(Uuid::now_v7()),
        roles: roles.iter().copied().collect(),
    }
}

fn challenge(owner: &Actor, state: ChallengeState) -> Challenge {
    Challenge {
        owner_id: owner.id,
        state,
        title: "Full bins at the recycling station".into(),
        summary: "Residents report full bins by QR code".into(),
        description: "Emptying follows a fixed round; bins overflow before it comes.".into(),
    }
}

fn all_commands() -> Vec<ChallengeCommand> {
    vec![
        ChallengeCommand::Submit,
        ChallengeCommand::RequestChanges {
            feedback: "Say who lives there".into(),
        },
        ChallengeCommand::Publish {
            arena_id: None,
            ideas_close_at: None,
            blind_assessment: false,
        },
        ChallengeCommand::Close,
        ChallengeCommand::Archive,
        ChallengeCommand::Withdraw {
            reason: Some("Solved another way".into()),
        },
        ChallengeCommand::Transfer {
            owner_id: UserId(Uuid::now_v7()),
            organisation_id: None,
        },
    ]
}

/// The table of §3: (from, command) → to, for an actor who is both owner and facilitator.
fn expected(from: ChallengeState, command: &ChallengeCommand) -> Option<ChallengeState> {
    use ChallengeState as S;
    match (from, command) {
        (S::Draft | S::ChangesRequested, ChallengeCommand::Submit) => Some(S::Submitted),
        (S::Submitted, ChallengeCommand::RequestChanges { .. }) => Some(S::ChangesRequested),
        (S::Submitted, ChallengeCommand::Publish { .. }) => Some(S::Published),
        (S::Published, ChallengeCommand::Close) => Some(S::Closed),
        (S::Closed, ChallengeCommand::Archive) => Some(S::Archived),
        (S::Draft | S::Submitted | S::ChangesRequested | S::Published, ChallengeCommand::Withdraw { .. }) => {
            Some(S::Withdrawn)
        }
        (
            S::Draft | S::Submitted | S::ChangesRequested | S::Published | S::Closed,
            ChallengeCommand::Transfer { .. },
        ) => Some(from),
        _ => None,
    }
}

#[test]
fn every_state_and_command_follows_the_table() {
    let owner_facilitator = actor(&[Role::NeedsOwner, Role::Facilitator]);
    for state in ChallengeState::ALL {
        for command in all_commands() {
            let result = decide(
                &challenge(&owner_facilitator, state),
                &command,
                Some(&owner_facilitator),
                &facts(),
            );
            match expected(state, &command) {
                Some(to) => {
                    let events = result.unwrap_or_else(|r| panic!("{state:?} {command:?} refused: {r:?}"));
                    assert_eq!(events.len(), 1);
                    assert_eq!(evolve(state, &events[0]), to);
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
fn owner_submits_a_draft() {
    let owner = actor(&[Role::NeedsOwner]);
    let events = decide(
        &challenge(&owner, ChallengeState::Draft),
        &ChallengeCommand::Submit,
        Some(&owner),
        &facts(),
    );
    assert_eq!(events, Ok(vec![ChallengeEvent::Submitted]));
}

#[test]
fn submit_refuses_missing_content_naming_each_field() {
    let owner = actor(&[Role::NeedsOwner]);
    let mut draft = challenge(&owner, ChallengeState::Draft);
    draft.summary = " ".into();
    draft.description = String::new();
    let Err(Refusal::Invalid(errors)) = decide(&draft, &ChallengeCommand::Submit, Some(&owner), &facts()) else {
        panic!("expected 422");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["summary", "description"]);
}

#[test]
fn facilitator_who_is_not_owner_cannot_submit() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    let result = decide(
        &challenge(&owner, ChallengeState::Draft),
        &ChallengeCommand::Submit,
        Some(&facilitator),
        &facts(),
    );
    assert!(matches!(result, Err(Refusal::NotPermitted(_))));
}

#[test]
fn owner_cannot_request_changes_publish_or_archive() {
    let owner = actor(&[Role::NeedsOwner]);
    for (state, command) in [
        (ChallengeState::Submitted, all_commands()[1].clone()),
        (ChallengeState::Submitted, all_commands()[2].clone()),
        (ChallengeState::Closed, ChallengeCommand::Archive),
    ] {
        let result = decide(&challenge(&owner, state), &command, Some(&owner), &facts());
        assert!(matches!(result, Err(Refusal::NotPermitted(_))), "{command:?}");
    }
}

#[test]
fn request_changes_requires_feedback() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    let command = ChallengeCommand::RequestChanges { feedback: "  ".into() };
    let result = decide(
        &challenge(&owner, ChallengeState::Submitted),
        &command,
        Some(&facilitator),
        &facts(),
    );
    assert_eq!(result, Err(Refusal::invalid("feedback", FieldProblem::Required)));
}

#[test]
fn invalid_values_are_reported_before_the_state() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    let command = ChallengeCommand::RequestChanges {
        feedback: String::new(),
    };
    let result = decide(
        &challenge(&owner, ChallengeState::Published),
        &command,
        Some(&facilitator),
        &facts(),
    );
    assert!(matches!(result, Err(Refusal::Invalid(_))));
}

#[test]
fn publish_refuses_a_closing_time_in_the_past() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    let command = ChallengeCommand::Publish {
        arena_id: None,
        ideas_close_at: Some(now() - Duration::hours(1)),
        blind_assessment: false,
    };
    let result = decide(
        &challenge(&owner, ChallengeState::Submitted),
        &command,
        Some(&facilitator),
        &facts(),
    );
    assert_eq!(
        result,
        Err(Refusal::invalid("ideas_close_at", FieldProblem::NotInTheFuture))
    );
}

#[test]
fn publish_into_an_open_arena_records_arena_deadline_and_blindness() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    let arena_id = ArenaId(Uuid::now_v7());
    let close_at = now() + Duration::days(30);
    let command = ChallengeCommand::Publish {
        arena_id: Some(arena_id),
        ideas_close_at: Some(close_at),
        blind_assessment: true,
    };
    let facts = ChallengeFacts {
        arena: Some(ArenaState::Open),
        ..facts()
    };
    let result = decide(
        &challenge(&owner, ChallengeState::Submitted),
        &command,
        Some(&facilitator),
        &facts,
    );
    assert_eq!(
        result,
        Ok(vec![ChallengeEvent::Published {
            arena_id: Some(arena_id),
            ideas_close_at: Some(close_at),
            blind_assessment: true
        }])
    );
}

#[test]
fn publish_refuses_a_closed_arena_as_a_guard() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    let command = ChallengeCommand::Publish {
        arena_id: Some(ArenaId(Uuid::now_v7())),
        ideas_close_at: None,
        blind_assessment: false,
    };
    let facts = ChallengeFacts {
        arena: Some(ArenaState::Closed),
        ..facts()
    };
    let result = decide(
        &challenge(&owner, ChallengeState::Submitted),
        &command,
        Some(&facilitator),
        &facts,
    );
    assert!(matches!(result, Err(Refusal::GuardFailed(_))));
}

#[test]
fn publish_refuses_an_unknown_arena_as_invalid() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    let command = ChallengeCommand::Publish {
        arena_id: Some(ArenaId(Uuid::now_v7())),
        ideas_close_at: None,
        blind_assessment: false,
    };
    let result = decide(
        &challenge(&owner, ChallengeState::Submitted),
        &command,
        Some(&facilitator),
        &facts(),
    );
    assert_eq!(result, Err(Refusal::invalid("arena_id", FieldProblem::NoSuchArena)));
}

#[test]
fn owner_and_facilitator_close_but_others_may_not() {
    let owner = actor(&[Role::NeedsOwner]);
    let published = challenge(&owner, ChallengeState::Published);
    assert!(decide(&published, &ChallengeCommand::Close, Some(&owner), &facts()).is_ok());
    assert!(
        decide(
            &published,
            &ChallengeCommand::Close,
            Some(&actor(&[Role::Facilitator])),
            &facts()
        )
        .is_ok()
    );
    for role in [Role::NeedsOwner, Role::Innovator, Role::Assessor] {
        let result = decide(&published, &ChallengeCommand::Close, Some(&actor(&[role])), &facts());
        assert!(matches!(result, Err(Refusal::NotPermitted(_))), "{role:?}");
    }
    assert!(matches!(
        decide(&published, &ChallengeCommand::Close, None, &facts()),
        Err(Refusal::NotPermitted(_))
    ));
}

#[test]
fn withdrawing_a_published_challenge_requires_a_reason() {
    let owner = actor(&[Role::NeedsOwner]);
    let command = ChallengeCommand::Withdraw { reason: None };
    let published = challenge(&owner, ChallengeState::Published);
    assert_eq!(
        decide(&published, &command, Some(&owner), &facts()),
        Err(Refusal::invalid("reason", FieldProblem::WithdrawalReasonRequired))
    );
    let draft = challenge(&owner, ChallengeState::Draft);
    assert_eq!(
        decide(&draft, &command, Some(&owner), &facts()),
        Ok(vec![ChallengeEvent::Withdrawn { reason: None }])
    );
}

#[test]
fn unpublished_challenges_are_invisible_to_everyone_but_owner_and_facilitators() {
    let owner = actor(&[Role::NeedsOwner]);
    for state in [
        ChallengeState::Draft,
        ChallengeState::Submitted,
        ChallengeState::ChangesRequested,
        ChallengeState::Withdrawn,
    ] {
        let c = challenge(&owner, state);
        assert!(can_view(&c, Some(&owner)));
        assert!(can_view(&c, Some(&actor(&[Role::Facilitator]))));
        for role in [Role::NeedsOwner, Role::Innovator, Role::Assessor] {
            assert!(!can_view(&c, Some(&actor(&[role]))), "{state:?} {role:?}");
            assert_eq!(
                decide(&c, &ChallengeCommand::Submit, Some(&actor(&[role])), &facts()),
                Err(Refusal::NotVisible)
            );
        }
        assert!(!can_view(&c, None));
    }
}

#[test]
fn public_states_are_visible_to_anonymous_callers() {
    let owner = actor(&[Role::NeedsOwner]);
    for state in [
        ChallengeState::Published,
        ChallengeState::Closed,
        ChallengeState::Archived,
    ] {
        assert!(can_view(&challenge(&owner, state), None));
    }
}

#[test]
fn only_needs_owners_and_facilitators_create_challenges() {
    assert!(authorize_create(&actor(&[Role::NeedsOwner])).is_ok());
    assert!(authorize_create(&actor(&[Role::Facilitator])).is_ok());
    assert!(authorize_create(&actor(&[Role::Innovator])).is_err());
    assert!(authorize_create(&actor(&[Role::Assessor])).is_err());
}

#[test]
fn owner_edits_only_in_draft_or_changes_requested() {
    let owner = actor(&[Role::NeedsOwner]);
    for state in ChallengeState::ALL {
        let result = authorize_edit(&challenge(&owner, state), Some(&owner));
        let allowed = matches!(state, ChallengeState::Draft | ChallengeState::ChangesRequested);
        assert_eq!(result.is_ok(), allowed, "{state:?}");
        if !allowed {
            assert!(matches!(
                result,
                Err(Refusal::InvalidTransition { command: "edit", .. })
            ));
        }
    }
}

#[test]
fn facilitator_edits_in_any_non_terminal_state() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    for state in ChallengeState::ALL {
        let result = authorize_edit(&challenge(&owner, state), Some(&facilitator));
        assert_eq!(result.is_ok(), !state.is_terminal(), "{state:?}");
    }
}

#[test]
fn others_may_not_edit_a_published_challenge() {
    let owner = actor(&[Role::NeedsOwner]);
    let published = challenge(&owner, ChallengeState::Published);
    assert!(matches!(
        authorize_edit(&published, Some(&actor(&[Role::Innovator]))),
        Err(Refusal::NotPermitted(_))
    ));
    assert!(matches!(
        authorize_edit(&published, None),
        Err(Refusal::NotPermitted(_))
    ));
    let draft = challenge(&owner, ChallengeState::Draft);
    assert_eq!(
        authorize_edit(&draft, Some(&actor(&[Role::Innovator]))),
        Err(Refusal::NotVisible)
    );
}

#[test]
fn states_round_trip_through_their_names() {
    for state in ChallengeState::ALL {
        assert_eq!(ChallengeState::parse(state.as_str()), Some(state));
    }
    assert_eq!(ChallengeState::parse("deleted"), None);
}

fn command_strategy() -> impl Strategy<Value = (usize, bool)> {
    (0..7usize, any::<bool>())
}

proptest! {
    /// Random command sequences by random actors never leave the table, and replaying
    /// the accepted events from `draft` rebuilds the state.
    #[test]
    fn random_sequences_stay_in_the_machine_and_replay(steps in proptest::collection::vec(command_strategy(), 0..40)) {
        let owner = actor(&[Role::NeedsOwner]);
        let facilitator = actor(&[Role::Facilitator]);
        let mut current = challenge(&owner, ChallengeState::Draft);
        let mut log = Vec::new();
        for (index, by_facilitator) in steps {
            let command = all_commands()[index].clone();
            let who = if by_facilitator { &facilitator } else { &owner };
            let before = current.state;
            if let Ok(events) = decide(&current, &command, Some(who), &facts()) {
                for event in events {
                    prop_assert_eq!(Some(evolve(before, &event)), expected(before, &command));
                    current.state = evolve(current.state, &event);
                    log.push(event);
                }
            } else {
                prop_assert_eq!(current.state, before);
            }
        }
        let replayed = log.iter().fold(ChallengeState::Draft, evolve);
        prop_assert_eq!(replayed, current.state);
    }
}

#[test]
fn roles_helper_builds_sets() {
    assert!(Roles::empty().with(Role::Assessor).contains(Role::Assessor));
}

// ---------------------------------------------------------------- offered

/// A command of `kind` with values the rules accept in every state (a withdrawal reason,
/// which a published challenge needs).
fn sample(kind: ChallengeCommandKind) -> ChallengeCommand {
    match kind {
        ChallengeCommandKind::Submit => ChallengeCommand::Submit,
        ChallengeCommandKind::RequestChanges => ChallengeCommand::RequestChanges {
            feedback: "Say who lives there".into(),
        },
        ChallengeCommandKind::Publish => ChallengeCommand::Publish {
            arena_id: None,
            ideas_close_at: None,
            blind_assessment: false,
        },
        ChallengeCommandKind::Close => ChallengeCommand::Close,
        ChallengeCommandKind::Archive => ChallengeCommand::Archive,
        ChallengeCommandKind::Withdraw => ChallengeCommand::Withdraw {
            reason: Some("Solved another way".into()),
        },
        ChallengeCommandKind::Transfer => ChallengeCommand::Transfer {
            owner_id: UserId(Uuid::now_v7()),
            organisation_id: None,
        },
    }
}

/// Who looks at the challenge.
#[derive(Debug, Clone, Copy)]
enum Viewer {
    Owner,
    Facilitator,
    OwnerAndFacilitator,
    OtherNeedsOwner,
    Innovator,
    Anonymous,
}

const VIEWERS: [Viewer; 6] = [
    Viewer::Owner,
    Viewer::Facilitator,
    Viewer::OwnerAndFacilitator,
    Viewer::OtherNeedsOwner,
    Viewer::Innovator,
    Viewer::Anonymous,
];

/// The owner of the challenge and the viewer's actor.
fn seen_by(viewer: Viewer) -> (Actor, Option<Actor>) {
    let owner = actor(&[Role::NeedsOwner]);
    match viewer {
        Viewer::Owner => (owner.clone(), Some(owner)),
        Viewer::Facilitator => (owner, Some(actor(&[Role::Facilitator]))),
        Viewer::OwnerAndFacilitator => {
            let both = actor(&[Role::NeedsOwner, Role::Facilitator]);
            (both.clone(), Some(both))
        }
        Viewer::OtherNeedsOwner => (owner, Some(actor(&[Role::NeedsOwner]))),
        Viewer::Innovator => (owner, Some(actor(&[Role::Innovator]))),
        Viewer::Anonymous => (owner, None),
    }
}

#[test]
fn command_kinds_name_their_commands_and_list_each_once() {
    for kind in ChallengeCommandKind::ALL {
        assert_eq!(sample(kind).kind(), kind);
        assert_eq!(sample(kind).name(), kind.as_str());
    }
    let mut names: Vec<&str> = ChallengeCommandKind::ALL.iter().map(|k| k.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ChallengeCommandKind::ALL.len());
}

#[test]
fn the_owner_is_offered_submit_and_withdraw_on_a_draft_and_a_facilitator_the_review() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    assert_eq!(
        offered(&challenge(&owner, ChallengeState::Draft), Some(&owner)),
        vec![ChallengeCommandKind::Submit, ChallengeCommandKind::Withdraw]
    );
    assert_eq!(
        offered(&challenge(&owner, ChallengeState::Submitted), Some(&facilitator)),
        vec![
            ChallengeCommandKind::RequestChanges,
            ChallengeCommandKind::Publish,
            ChallengeCommandKind::Withdraw,
            ChallengeCommandKind::Transfer
        ]
    );
    assert_eq!(offered(&challenge(&owner, ChallengeState::Published), None), vec![]);
}

/// For every state, viewer and content (blank or not), a kind is offered exactly when
/// `decide` with valid values for it takes it or refuses only its values.
#[test]
fn offered_agrees_with_decide_for_every_state_and_viewer() {
    for state in ChallengeState::ALL {
        for viewer in VIEWERS {
            for blank_title in [false, true] {
                let (owner, who) = seen_by(viewer);
                let mut challenge = challenge(&owner, state);
                if blank_title {
                    challenge.title = String::new();
                }
                let offered = offered(&challenge, who.as_ref());
                for kind in ChallengeCommandKind::ALL {
                    let takes = matches!(
                        decide(&challenge, &sample(kind), who.as_ref(), &facts()),
                        Ok(_) | Err(Refusal::Invalid(_))
                    );
                    assert_eq!(
                        offered.contains(&kind),
                        takes,
                        "{state:?} {viewer:?} blank title: {blank_title} {kind:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_facilitator_transfers_a_challenge_to_an_active_needs_owner_and_the_state_stays() {
    let owner = actor(&[Role::NeedsOwner]);
    let facilitator = actor(&[Role::Facilitator]);
    let heir = actor(&[Role::NeedsOwner]);
    let organisation = Uuid::now_v7();
    let command = ChallengeCommand::Transfer {
        owner_id: heir.id,
        organisation_id: Some(organisation),
    };
    for state in [
        ChallengeState::Draft,
        ChallengeState::Submitted,
        ChallengeState::ChangesRequested,
        ChallengeState::Published,
        ChallengeState::Closed,
    ] {
        let events = decide(&challenge(&owner, state), &command, Some(&facilitator), &facts());
        assert_eq!(
            events,
            Ok(vec![ChallengeEvent::Transferred {
                owner_id: heir.id,
                organisation_id: Some(organisation),
            }])
        );
        assert_eq!(evolve(state, &events.unwrap_or_default()[0]), state);
    }
    for state in [ChallengeState::Archived, ChallengeState::Withdrawn] {
        assert!(matches!(
            decide(&challenge(&owner, state), &command, Some(&facilitator), &facts()),
            Err(Refusal::InvalidTransition {
                command: "transfer",
                ..
            })
        ));
    }
    // Only facilitators; the owner may not hand it on.
    assert_eq!(
        decide(
            &challenge(&owner, ChallengeState::Draft),
            &command,
            Some(&owner),
            &facts()
        ),
        Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsTransfer))
    );
    // The new owner must exist and be an active needs-owner; the organisation registered.
    let no_one = ChallengeFacts {
        new_owner: None,
        ..facts()
    };
    assert_eq!(
        decide(
            &challenge(&owner, ChallengeState::Draft),
            &command,
            Some(&facilitator),
            &no_one
        ),
        Err(Refusal::invalid("owner_id", FieldProblem::NoSuchUser))
    );
    for new_owner in [
        NewOwner {
            needs_owner: false,
            active: true,
        },
        NewOwner {
            needs_owner: true,
            active: false,
        },
    ] {
        let facts = ChallengeFacts {
            new_owner: Some(new_owner),
            ..facts()
        };
        assert_eq!(
            decide(
                &challenge(&owner, ChallengeState::Draft),
                &command,
                Some(&facilitator),
                &facts
            ),
            Err(Refusal::invalid("owner_id", FieldProblem::NotAnActiveNeedsOwner))
        );
    }
    let unregistered = ChallengeFacts {
        organisation_registered: false,
        ..facts()
    };
    assert_eq!(
        decide(
            &challenge(&owner, ChallengeState::Draft),
            &command,
            Some(&facilitator),
            &unregistered
        ),
        Err(Refusal::invalid("organisation_id", FieldProblem::NoSuchOrganisation))
    );
}
