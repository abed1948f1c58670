//! Who is told of what (SPEC §11.1). An accepted command that concerns someone tells the
//! parties of its row of the table; never the one who acted, never someone who may not
//! see what it is about, never the same person twice.

use crate::UserId;
use crate::event::EventKind;

/// Someone a command may concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// Every active facilitator.
    Facilitators,
    /// The needs-owner of the challenge.
    ChallengeOwner,
    /// Whoever asked the question.
    Asker,
    /// The innovator of the idea.
    Innovator,
    /// The assessor of the assignment.
    Assessor,
}

/// The parties told of an accepted event of `kind` (its row of
/// [`crate::event::IdeaEventKind::rules`] or [`crate::event::ChallengeEventKind::rules`]); none for a kind nobody is
/// told of. A scorecard (`score`) tells anyone only when it is the last one the decision
/// needs: see [`completes_panel`].
pub fn parties(kind: EventKind) -> &'static [Party] {
    match kind {
        EventKind::Challenge(kind) => kind.rules().tells,
        EventKind::Idea(kind) => kind.rules().tells,
        // Accounts, arenas and the registry are the team's own records.
        EventKind::Arena(_) | EventKind::User(_) | EventKind::Organisation(_) => &[],
    }
}

/// Whether a scorecard just submitted is the last one the decision needs: the panel has
/// now handed in exactly as many as required. A revision, or one more beyond that, tells
/// nobody again.
pub fn completes_panel(submitted_before: u32, submitted_after: u32, required: u32) -> bool {
    submitted_before < required && submitted_after >= required
}

/// A person a party resolved to, and what the rules of visibility say of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Who.
    pub id: UserId,
    /// Whether their account is active.
    pub active: bool,
    /// Whether they may see the subject (blind assessment and the rest of §4).
    pub may_see: bool,
}

/// The people told, each once, in the order the parties named them: not `actor`, not a
/// deactivated account, not anyone who may not see the subject.
pub fn recipients(actor: UserId, candidates: &[Candidate]) -> Vec<UserId> {
    let mut told: Vec<UserId> = Vec::new();
    for candidate in candidates {
        if candidate.id != actor && candidate.active && candidate.may_see && !told.contains(&candidate.id) {
            told.push(candidate.id);
        }
    }
    told
}

/// How long an e-mail is tried before it is given up: a notification a day late is news
/// no longer.
pub const MAIL_GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// How long to wait before trying an e-mail again after `attempts` failed ones: 30 seconds,
/// doubling each time, at most an hour.
pub fn mail_retry_after(attempts: u32) -> chrono::Duration {
    let seconds = 30_i64.saturating_mul(1_i64 << attempts.saturating_sub(1).min(20));
    chrono::Duration::seconds(seconds.min(3_600))
}

/// Whether an e-mail first queued at `queued` is still worth trying at `now`.
pub fn mail_still_due(queued: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> bool {
    now - queued < MAIL_GIVE_UP_AFTER
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::event::{ChallengeEventKind, IdeaEventKind};

    fn someone() -> UserId {
        UserId(Uuid::now_v7())
    }

    fn seen(id: UserId) -> Candidate {
        Candidate {
            id,
            active: true,
            may_see: true,
        }
    }

    /// SPEC §11.1's table, row by row; every kind not in it tells nobody.
    #[test]
    fn every_kind_tells_the_parties_of_its_row_of_the_table_and_the_rest_nobody() {
        use ChallengeEventKind as C;
        use IdeaEventKind as I;
        use Party::*;
        let table: [(EventKind, &[Party]); 20] = [
            (C::Submit.into(), &[Facilitators]),
            (C::RequestChanges.into(), &[ChallengeOwner]),
            (C::Publish.into(), &[ChallengeOwner]),
            (C::Close.into(), &[ChallengeOwner]),
            (C::Withdraw.into(), &[ChallengeOwner]),
            (C::Transfer.into(), &[ChallengeOwner]),
            (C::Ask.into(), &[ChallengeOwner]),
            (C::Answer.into(), &[Asker]),
            (I::Submit.into(), &[ChallengeOwner, Facilitators]),
            (I::Assign.into(), &[Assessor]),
            (I::Score.into(), &[Facilitators]),
            (I::Decide.into(), &[Innovator, ChallengeOwner]),
            (I::StartIncubation.into(), &[Innovator, ChallengeOwner]),
            (I::StartTesting.into(), &[Innovator, ChallengeOwner]),
            (I::Complete.into(), &[Innovator, ChallengeOwner]),
            (I::Discontinue.into(), &[Innovator, ChallengeOwner]),
            (I::AddMilestone.into(), &[Innovator, Facilitators]),
            (I::CompleteMilestone.into(), &[Innovator, Facilitators]),
            (I::PutOnHold.into(), &[Innovator]),
            (I::Resume.into(), &[Innovator]),
        ];
        for kind in EventKind::all() {
            let expected = table.iter().find(|(k, _)| *k == kind).map_or(&[][..], |(_, p)| *p);
            assert_eq!(parties(kind), expected, "{kind:?}");
        }
    }

    #[test]
    fn only_the_scorecard_that_completes_the_panel_tells() {
        assert!(completes_panel(1, 2, 2));
        assert!(completes_panel(0, 1, 1));
        assert!(!completes_panel(0, 1, 2), "one of two");
        assert!(!completes_panel(2, 2, 2), "a revision of a complete panel");
        assert!(!completes_panel(2, 3, 2), "one more than needed");
    }

    #[test]
    fn the_actor_is_never_told() {
        let actor = someone();
        let other = someone();
        assert_eq!(recipients(actor, &[seen(actor), seen(other)]), vec![other]);
    }

    #[test]
    fn nobody_is_told_twice() {
        let owner = someone();
        assert_eq!(recipients(someone(), &[seen(owner), seen(owner)]), vec![owner]);
    }

    #[test]
    fn someone_who_may_not_see_the_subject_is_not_told() {
        let hidden = Candidate {
            may_see: false,
            ..seen(someone())
        };
        assert!(recipients(someone(), &[hidden]).is_empty());
    }

    #[test]
    fn a_deactivated_account_is_not_told() {
        let gone = Candidate {
            active: false,
            ..seen(someone())
        };
        assert!(recipients(someone(), &[gone]).is_empty());
    }

    #[test]
    fn mail_is_retried_after_thirty_seconds_doubling_up_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|n| mail_retry_after(n).num_seconds()).collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 480, 960, 1_920, 3_600, 3_600]);
        assert_eq!(mail_retry_after(u32::MAX).num_seconds(), 3_600);
        assert_eq!(mail_retry_after(0).num_seconds(), 30);
    }

    #[test]
    fn mail_is_given_up_a_day_after_it_was_queued() {
        let queued = chrono::Utc::now();
        assert!(mail_still_due(queued, queued + chrono::Duration::hours(23)));
        assert!(!mail_still_due(queued, queued + chrono::Duration::hours(24)));
    }
}
