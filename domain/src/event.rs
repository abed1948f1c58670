//! The kinds of event sluss records, one enum per subject. Every list of names derives
//! from them — the `command` column of the event log, the webhook event types, the
//! history's labels, who is told — and every follower of an event matches on its kind
//! without a catch-all arm, so a new kind cannot be forgotten by one of them silently.

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
        /// Someone asked a question on it.
        Ask => "ask",
        /// A question on it was answered.
        Answer => "answer",
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
