//! Who reads which entries of a history (SPEC §4, §6): each kind of event has one
//! audience, chosen in its row of the kind's rules (`event.rs`), so a new kind is placed
//! by a decision.

use crate::event::{ChallengeEventKind, IdeaEventKind};

/// Who reads an entry of a challenge's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeAudience {
    /// Everyone who sees the challenge: its public life.
    Public,
    /// Its owner and the innovation team.
    Insiders,
}

/// The audience of a challenge event (its row of [`ChallengeEventKind::rules`]).
pub fn challenge_audience(kind: ChallengeEventKind) -> ChallengeAudience {
    kind.rules().audience
}

/// Who reads an entry of an idea's history, among those who see the idea.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdeaAudience {
    /// Everyone who sees the idea.
    All,
    /// The drafting: the innovator and the innovation team (a needs-owner sees the idea
    /// from its submission on).
    Authors,
    /// The assessment: the team, and an assessor as far as their access to the panel goes;
    /// never the innovator or the needs-owner.
    Panel,
    /// Steps 4 and 5: everyone who sees the idea reads that it happened, and only those
    /// who see its incubation and test read its data.
    Steps,
}

/// The audience of an idea event (its row of [`IdeaEventKind::rules`]).
pub fn idea_audience(kind: IdeaEventKind) -> IdeaAudience {
    kind.rules().audience
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_public_life_of_a_challenge_is_public() {
        let public: Vec<&str> = ChallengeEventKind::ALL
            .iter()
            .filter(|&&kind| challenge_audience(kind) == ChallengeAudience::Public)
            .map(|kind| kind.as_str())
            .collect();
        assert_eq!(public, ["publish", "close", "archive"]);
    }

    #[test]
    fn the_panels_entries_are_the_assessments_own() {
        let panel: Vec<&str> = IdeaEventKind::ALL
            .iter()
            .filter(|&&kind| idea_audience(kind) == IdeaAudience::Panel)
            .map(|kind| kind.as_str())
            .collect();
        assert_eq!(panel, ["assign", "declare_conflict", "unassign", "score"]);
    }

    #[test]
    fn the_data_of_steps_four_and_five_is_kept_to_those_who_see_them() {
        for kind in [
            IdeaEventKind::StartIncubation,
            IdeaEventKind::AddMilestone,
            IdeaEventKind::CompleteMilestone,
            IdeaEventKind::StartTesting,
            IdeaEventKind::Complete,
            IdeaEventKind::AddSpreadActivity,
        ] {
            assert_eq!(idea_audience(kind), IdeaAudience::Steps, "{kind:?}");
        }
        assert_eq!(idea_audience(IdeaEventKind::Create), IdeaAudience::Authors);
        assert_eq!(idea_audience(IdeaEventKind::Decide), IdeaAudience::All);
    }
}
