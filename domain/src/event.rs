//! The kinds of event sluss records, one enum per subject. Every list of names derives
//! from them — the `command` column of the event log, the webhook event types, the
//! history's labels, who is told — and what the journal's followers do with an event of a
//! kind is one row of its subject's table of rules ([`IdeaEventKind::rules`],
//! [`ChallengeEventKind::rules`]), so a new kind is placed for all of them at once, here,
//! and the compiler asks for its row.

use crate::figures::{ChallengeActKind, IdeaActKind};
use crate::history::{ChallengeAudience, IdeaAudience};
use crate::notify::Party;
use crate::report::{ChallengeMark, IdeaMark};

/// Declares a fieldless kind enum with its snake_case names, `ALL` and `parse`.
macro_rules! kinds {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every kind, in the order they are declared.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The snake_case name, as the event log and the API spell it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The kind spelt `name`, if there is one.
            pub fn parse(name: &str) -> Option<Self> {
                match name {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    /// What can happen to a challenge, questions on it included.
    ChallengeEventKind {
        /// Drafted.
        Create => "create",
        /// Its text changed.
        Edit => "edit",
        /// Sent for review.
        Submit => "submit",
        /// Sent back with feedback.
        RequestChanges => "request_changes",
        /// Made public.
        Publish => "publish",
        /// No longer takes ideas.
        Close => "close",
        /// Filed away.
        Archive => "archive",
        /// Taken back.
        Withdraw => "withdraw",
        /// Handed to another owner.
        Transfer => "transfer",
        /// Someone asked a question on it.
        Ask => "ask",
        /// A question on it was answered.
        Answer => "answer",
        /// A file was added to it (SPEC §15).
        AttachFile => "attach_file",
        /// A file was removed from it.
        RemoveFile => "remove_file",
    }
}

kinds! {
    /// What can happen to an idea: its own commands, its assessment, and its steps 4 and 5.
    IdeaEventKind {
        /// Drafted.
        Create => "create",
        /// Its text or team changed.
        Edit => "edit",
        /// Sent to its challenge.
        Submit => "submit",
        /// Taken back.
        Withdraw => "withdraw",
        /// Assessment started.
        StartAssessment => "start_assessment",
        /// An assessor assigned.
        Assign => "assign",
        /// An assessor declared a conflict of interest.
        DeclareConflict => "declare_conflict",
        /// An assignment removed.
        Unassign => "unassign",
        /// A scorecard handed in (or revised).
        Score => "score",
        /// Decided after assessment.
        Decide => "decide",
        /// Incubation started.
        StartIncubation => "start_incubation",
        /// A milestone of the incubation planned.
        AddMilestone => "add_milestone",
        /// A milestone reached.
        CompleteMilestone => "complete_milestone",
        /// Test started.
        StartTesting => "start_testing",
        /// Test completed.
        Complete => "complete",
        /// Something done to spread the outcome.
        AddSpreadActivity => "add_spread_activity",
        /// Stopped by the team.
        Discontinue => "discontinue",
        /// A team member accepted the invitation to the team (SPEC §14.2).
        AcceptInvitation => "accept_invitation",
        /// A team member declined the invitation to the team.
        DeclineInvitation => "decline_invitation",
        /// A file was added to it or to its test (SPEC §15).
        AttachFile => "attach_file",
        /// A file was removed from it or from its test.
        RemoveFile => "remove_file",
        /// Paused by the team (SPEC §17).
        PutOnHold => "put_on_hold",
        /// Resumed after a hold.
        Resume => "resume",
    }
}

kinds! {
    /// What can happen to an arena.
    ArenaEventKind {
        /// Planned.
        Create => "create",
        /// Its details changed.
        Edit => "edit",
        /// Started showing challenges.
        Open => "open",
        /// Ended.
        Close => "close",
    }
}

kinds! {
    /// What can happen to an account.
    UserEventKind {
        /// Created by the team or by registering.
        Create => "create",
        /// Its address confirmed by the link sent to it.
        ConfirmEmail => "confirm_email",
        /// Roles changed by the team.
        SetRoles => "set_roles",
        /// Turned off by the team.
        Deactivate => "deactivate",
        /// Turned on again.
        Reactivate => "reactivate",
        /// Its owner changed their settings.
        ChangeSettings => "change_settings",
        /// Its owner changed their password.
        ChangePassword => "change_password",
        /// The team sent a reset link.
        SendResetLink => "send_reset_link",
        /// The password set again through a reset link.
        ResetPassword => "reset_password",
        /// Its data handed out (GDPR art. 15).
        Export => "export",
        /// Its personal data erased (GDPR art. 17).
        Erase => "erase",
        /// Its owner set up a TOTP app for two-factor sign-in.
        SetUpTwoFactor => "set_up_two_factor",
        /// The team cleared its TOTP app (a lost phone).
        ClearTwoFactor => "clear_two_factor",
    }
}

kinds! {
    /// What can happen to an organisation of the registry.
    OrganisationEventKind {
        /// Added to the registry.
        Register => "register",
        /// Its details changed.
        Edit => "edit",
    }
}

/// What the journal's followers do with an event of a challenge of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeRules {
    /// Who is told (SPEC §11.1).
    pub tells: &'static [Party],
    /// Who reads it in the challenge's history (§4).
    pub audience: ChallengeAudience,
    /// The step of the funnel whose first time it marks (§12).
    pub marks: Option<ChallengeMark>,
    /// The act of the funder's figures it is (ADR 0018).
    pub counts: Option<ChallengeActKind>,
}

impl ChallengeEventKind {
    /// The rules of this kind: one row per kind, matched without a catch-all.
    pub const fn rules(self) -> ChallengeRules {
        use ChallengeAudience::{Insiders, Public};
        use ChallengeEventKind as K;
        use Party::{Asker, ChallengeOwner, Facilitators};
        // Drafts and edits are the owner's own work, and review is the owner's and the
        // team's; a question names who asked. Archiving files away what is already closed.
        // Each row: (who is told, who reads it, the step it marks, the act it counts).
        let (tells, audience, marks, counts): (&'static [Party], _, _, _) = match self {
            K::Create => (&[], Insiders, None, None),
            K::Edit => (&[], Insiders, None, None),
            K::Submit => (&[Facilitators], Insiders, None, Some(ChallengeActKind::Owned)),
            K::RequestChanges => (&[ChallengeOwner], Insiders, None, None),
            K::Publish => (
                &[ChallengeOwner],
                Public,
                Some(ChallengeMark::Published),
                Some(ChallengeActKind::Placed),
            ),
            K::Close => (&[ChallengeOwner], Public, None, None),
            K::Archive => (&[], Public, None, None),
            K::Withdraw => (&[ChallengeOwner], Insiders, None, None),
            // The new owner is told; the figures keep counting the owner of the time of
            // each act (ADR 0032).
            K::Transfer => (&[ChallengeOwner], Insiders, None, None),
            K::Ask => (&[ChallengeOwner], Insiders, None, None),
            K::Answer => (&[Asker], Insiders, None, None),
            // Files are the owner's and the team's working material; nobody must act.
            K::AttachFile | K::RemoveFile => (&[], Insiders, None, None),
        };
        ChallengeRules {
            tells,
            audience,
            marks,
            counts,
        }
    }
}

/// What the journal's followers do with an event of an idea of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdeaRules {
    /// Who is told (SPEC §11.1).
    pub tells: &'static [Party],
    /// Who reads it in the idea's history (§4, §6).
    pub audience: IdeaAudience,
    /// The step of the funnel whose first time it marks (§12).
    pub marks: Option<IdeaMark>,
    /// The act of the funder's figures it is (ADR 0018).
    pub counts: Option<IdeaActKind>,
}

impl IdeaEventKind {
    /// The rules of this kind: one row per kind, matched without a catch-all.
    pub const fn rules(self) -> IdeaRules {
        use IdeaAudience::{All, Authors, Panel, Steps};
        use IdeaEventKind as K;
        use Party::{Assessor, ChallengeOwner, Facilitators, Innovator};
        // A draft, its edits and a withdrawal are the innovator's own; the panel's
        // housekeeping (conflicts, removed assignments, the start of assessment) and a
        // spread activity concern nobody who must act. A scorecard tells the team only when
        // it is the last one the decision needs (`notify::completes_panel`).
        const DECISION: &[Party] = &[Innovator, ChallengeOwner];
        const PROGRESS: &[Party] = &[Innovator, Facilitators];
        // Each row: (who is told, who reads it, the step it marks, the act it counts).
        let (tells, audience, marks, counts): (&'static [Party], _, _, _) = match self {
            K::Create | K::Edit => (&[], Authors, None, None),
            K::Submit => (
                &[ChallengeOwner, Facilitators],
                All,
                Some(IdeaMark::Submitted),
                Some(IdeaActKind::Submitted),
            ),
            K::Withdraw => (&[], All, None, None),
            K::StartAssessment => (&[], All, Some(IdeaMark::AssessmentStarted), None),
            K::Assign => (&[Assessor], Panel, None, None),
            K::DeclareConflict | K::Unassign => (&[], Panel, None, None),
            K::Score => (&[Facilitators], Panel, None, Some(IdeaActKind::Assessed)),
            K::Decide => (DECISION, All, Some(IdeaMark::Decided), None),
            K::StartIncubation => (
                DECISION,
                Steps,
                Some(IdeaMark::IncubationStarted),
                Some(IdeaActKind::Supported),
            ),
            K::AddMilestone | K::CompleteMilestone => (PROGRESS, Steps, None, None),
            K::StartTesting => (
                DECISION,
                Steps,
                Some(IdeaMark::TestingStarted),
                Some(IdeaActKind::TestingStarted),
            ),
            K::Complete => (DECISION, Steps, Some(IdeaMark::Completed), None),
            K::AddSpreadActivity => (&[], Steps, None, None),
            K::Discontinue => (DECISION, All, None, None),
            // The team is shown to everyone who sees the idea (§14.1), and so is its
            // answers' history; a hidden innovator hides the member too (`ideas::history`).
            K::AcceptInvitation | K::DeclineInvitation => (&[], All, None, None),
            // A file is the authors' working material (an assessor reads the files, not who
            // added them); nobody must act.
            K::AttachFile | K::RemoveFile => (&[], Authors, None, None),
            // A hold and its end are read by all who see the idea, as a decision is; the
            // innovator is told, as §17 asks, and nothing is marked or counted (ADR 0039).
            K::PutOnHold | K::Resume => (&[Innovator], All, None, None),
        };
        IdeaRules {
            tells,
            audience,
            marks,
            counts,
        }
    }
}

/// One kind of event of any subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Of a challenge.
    Challenge(ChallengeEventKind),
    /// Of an idea.
    Idea(IdeaEventKind),
    /// Of an arena.
    Arena(ArenaEventKind),
    /// Of an account.
    User(UserEventKind),
    /// Of an organisation.
    Organisation(OrganisationEventKind),
}

impl EventKind {
    /// Every kind of every subject.
    pub fn all() -> impl Iterator<Item = EventKind> {
        let challenges = ChallengeEventKind::ALL.iter().copied().map(EventKind::Challenge);
        let ideas = IdeaEventKind::ALL.iter().copied().map(EventKind::Idea);
        let arenas = ArenaEventKind::ALL.iter().copied().map(EventKind::Arena);
        let users = UserEventKind::ALL.iter().copied().map(EventKind::User);
        let organisations = OrganisationEventKind::ALL.iter().copied().map(EventKind::Organisation);
        challenges.chain(ideas).chain(arenas).chain(users).chain(organisations)
    }

    /// The subject's type, as the event log spells it.
    pub fn subject(self) -> &'static str {
        match self {
            EventKind::Challenge(_) => "challenge",
            EventKind::Idea(_) => "idea",
            EventKind::Arena(_) => "arena",
            EventKind::User(_) => "user",
            EventKind::Organisation(_) => "organisation",
        }
    }

    /// The snake_case name within its subject (the event log's `command`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Challenge(kind) => kind.as_str(),
            EventKind::Idea(kind) => kind.as_str(),
            EventKind::Arena(kind) => kind.as_str(),
            EventKind::User(kind) => kind.as_str(),
            EventKind::Organisation(kind) => kind.as_str(),
        }
    }

    /// The kind a stored row names by its subject type and command.
    pub fn parse(subject: &str, command: &str) -> Option<Self> {
        match subject {
            "challenge" => ChallengeEventKind::parse(command).map(EventKind::Challenge),
            "idea" => IdeaEventKind::parse(command).map(EventKind::Idea),
            "arena" => ArenaEventKind::parse(command).map(EventKind::Arena),
            "user" => UserEventKind::parse(command).map(EventKind::User),
            "organisation" => OrganisationEventKind::parse(command).map(EventKind::Organisation),
            _ => None,
        }
    }

    /// The webhook event type (`idea.submit`), for the kinds hooks are sent: those of
    /// challenges and ideas. Accounts, arenas and the registry are the team's own
    /// business and leave sluss by no hook.
    pub fn webhook_type(self) -> Option<String> {
        match self {
            EventKind::Challenge(_) | EventKind::Idea(_) => Some(format!("{}.{}", self.subject(), self.as_str())),
            EventKind::Arena(_) | EventKind::User(_) | EventKind::Organisation(_) => None,
        }
    }
}

impl From<ChallengeEventKind> for EventKind {
    fn from(kind: ChallengeEventKind) -> Self {
        EventKind::Challenge(kind)
    }
}

impl From<IdeaEventKind> for EventKind {
    fn from(kind: IdeaEventKind) -> Self {
        EventKind::Idea(kind)
    }
}

impl From<ArenaEventKind> for EventKind {
    fn from(kind: ArenaEventKind) -> Self {
        EventKind::Arena(kind)
    }
}

impl From<UserEventKind> for EventKind {
    fn from(kind: UserEventKind) -> Self {
        EventKind::User(kind)
    }
}

impl From<OrganisationEventKind> for EventKind {
    fn from(kind: OrganisationEventKind) -> Self {
        EventKind::Organisation(kind)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::report::ChallengeSteps;

    #[test]
    fn every_kind_reads_back_from_its_subject_and_name() {
        for kind in EventKind::all() {
            assert_eq!(EventKind::parse(kind.subject(), kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn names_are_unique_within_a_subject_and_snake_case() {
        let mut seen = HashSet::new();
        for kind in EventKind::all() {
            assert!(seen.insert((kind.subject(), kind.as_str())), "{kind:?} twice");
            assert!(
                kind.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn an_unknown_subject_or_name_is_no_kind() {
        assert_eq!(EventKind::parse("idea", "fly"), None);
        assert_eq!(EventKind::parse("planet", "create"), None);
    }

    /// ADR 0018: a challenge is counted when submitted and placed in its arena when
    /// published; an idea when submitted, scored, incubated and tested; nothing else.
    #[test]
    fn the_acts_of_the_figures_are_the_kinds_adr_0018_names() {
        let challenge: Vec<_> = ChallengeEventKind::ALL
            .iter()
            .filter_map(|kind| Some((kind.as_str(), kind.rules().counts?)))
            .collect();
        assert_eq!(
            challenge,
            [
                ("submit", ChallengeActKind::Owned),
                ("publish", ChallengeActKind::Placed)
            ]
        );
        let idea: Vec<_> = IdeaEventKind::ALL
            .iter()
            .filter_map(|kind| Some((kind.as_str(), kind.rules().counts?)))
            .collect();
        assert_eq!(
            idea,
            [
                ("submit", IdeaActKind::Submitted),
                ("score", IdeaActKind::Assessed),
                ("start_incubation", IdeaActKind::Supported),
                ("start_testing", IdeaActKind::TestingStarted),
            ]
        );
    }

    /// SPEC §12: the funnel's steps start and end with these kinds, each marking one step.
    #[test]
    fn each_step_of_the_funnel_is_marked_by_one_kind() {
        let marked: Vec<_> = IdeaEventKind::ALL
            .iter()
            .filter_map(|kind| Some((kind.as_str(), kind.rules().marks?)))
            .collect();
        assert_eq!(
            marked,
            [
                ("submit", IdeaMark::Submitted),
                ("start_assessment", IdeaMark::AssessmentStarted),
                ("decide", IdeaMark::Decided),
                ("start_incubation", IdeaMark::IncubationStarted),
                ("start_testing", IdeaMark::TestingStarted),
                ("complete", IdeaMark::Completed),
            ]
        );
        assert_eq!(
            ChallengeSteps::step_kinds().collect::<Vec<_>>(),
            [ChallengeEventKind::Publish]
        );
    }

    /// ADR 0034: a team member's answer to an invitation is read by everyone who sees
    /// the idea, tells nobody, and marks and counts nothing.
    #[test]
    fn the_answers_to_an_invitation_are_read_by_all_and_tell_nobody() {
        for kind in [IdeaEventKind::AcceptInvitation, IdeaEventKind::DeclineInvitation] {
            let rules = kind.rules();
            assert_eq!(rules.audience, IdeaAudience::All, "{kind:?}");
            assert!(
                rules.tells.is_empty() && rules.marks.is_none() && rules.counts.is_none(),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn hooks_carry_the_kinds_of_challenges_and_ideas_only() {
        assert_eq!(
            EventKind::Idea(IdeaEventKind::Submit).webhook_type().as_deref(),
            Some("idea.submit")
        );
        assert_eq!(
            EventKind::Challenge(ChallengeEventKind::Ask).webhook_type().as_deref(),
            Some("challenge.ask")
        );
        assert_eq!(EventKind::User(UserEventKind::Erase).webhook_type(), None);
        assert_eq!(EventKind::Arena(ArenaEventKind::Open).webhook_type(), None);
    }
}
