//! Typed refusals of the domain rules.
//!
//! A refusal says *why* with a value of [`FieldProblem`], [`ForbiddenReason`] or
//! [`ConflictReason`], never with free text. Each value words itself in English for the
//! API (its `Display`); the web interface matches on the value to find the message in the
//! person's language, so a reworded sentence cannot lose its translation, and a new reason
//! fails to compile until each face has words for it.

use std::net::IpAddr;

use crate::idea::IdeaState;
use crate::role::Role;
use crate::validate::{YEAR_MAX, YEAR_MIN};
use crate::webhook::AddressClass;

/// One invalid or missing value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as named in the API.
    pub field: String,
    /// What is wrong with it.
    pub problem: FieldProblem,
}

impl FieldError {
    /// A field error from its parts.
    pub fn new(field: impl Into<String>, problem: FieldProblem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }

    /// What is wrong, in English, for the API.
    pub fn message(&self) -> String {
        self.problem.to_string()
    }
}

/// What is wrong with one value (422). The English of each is what the API answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldProblem {
    /// Empty, or only white space.
    #[error("must not be empty")]
    Required,
    /// Longer than allowed.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// Shorter than allowed.
    #[error("must be at least {min} characters")]
    TooShort {
        /// The fewest characters allowed.
        min: usize,
    },
    /// Holds a NUL character.
    #[error("must not contain the NUL character")]
    Nul,
    /// A name that breaks a line or holds a control character.
    #[error("must be one line, without control characters")]
    NotOneLine,
    /// Not an e-mail address.
    #[error("must be an e-mail address such as name@example.org")]
    NotAnEmail,
    /// A number that is no UN Sustainable Development Goal.
    #[error("{value} is not a UN goal (1..17)")]
    NotAGoal {
        /// The number given.
        value: i64,
    },
    /// A date or time outside the years [`YEAR_MIN`] to [`YEAR_MAX`].
    #[error("must fall in the years {} to {}", YEAR_MIN, YEAR_MAX)]
    OutsideTheYears,
    /// A moment that has passed.
    #[error("must be in the future")]
    NotInTheFuture,
    /// A day that has passed.
    #[error("must not be before today")]
    BeforeToday,
    /// An end before its start.
    #[error("must not be before {start}")]
    BeforeTheStart {
        /// The field of the start.
        start: &'static str,
    },
    /// A number below the least allowed.
    #[error("must be at least {min}")]
    TooSmall {
        /// The least allowed.
        min: i64,
    },
    /// A number outside its range.
    #[error("must be between {min} and {max}")]
    OutOfRange {
        /// The least allowed.
        min: i64,
        /// The most allowed.
        max: i64,
    },
    /// Nothing chosen of a list.
    #[error("must be chosen")]
    NotChosen,
    /// Not a date.
    #[error("must be a date")]
    NotADate,
    /// Not a date and time.
    #[error("must be a date and time")]
    NotADateTime,
    /// A language the interface does not speak.
    #[error("must be sv or en")]
    NotALanguage,
    /// A search without a word in it.
    #[error("must contain a word")]
    NoWord,
    /// A record that does not exist (or cannot be seen).
    #[error("no such record")]
    NoSuchRecord,
    /// Linking an obstacle as the same issue as itself, or as one linked to it.
    #[error("must name another obstacle, not this one or one already linked to it")]
    SameAsItself,
    /// An arena that does not exist.
    #[error("no such arena")]
    NoSuchArena,
    /// A user that does not exist.
    #[error("no such user")]
    NoSuchUser,
    /// An organisation that is not in the registry.
    #[error("no such organisation")]
    NoSuchOrganisation,
    /// Handing a challenge to an account that is not an active needs-owner.
    #[error("must be an active user with the needs_owner role")]
    NotAnActiveNeedsOwner,
    /// No rubric named, and none is the default.
    #[error("there is no default rubric; name one")]
    NoDefaultRubric,
    /// A registration that asks for no role.
    #[error("ask for needs_owner, innovator or both")]
    NoSelfServiceRole,
    /// A registration that asks for a role only a facilitator grants.
    #[error("{} is granted by a facilitator, not by registration", .role.as_str())]
    GrantedByAFacilitator {
        /// The role asked for.
        role: Role,
    },
    /// A user left without a role.
    #[error("a user holds at least one role")]
    NoRole,
    /// A facilitator erasing their own account.
    #[error("facilitators cannot erase their own account; another facilitator must")]
    OwnAccountErased,
    /// A password on the list of common ones.
    #[error("is too common; choose another")]
    CommonPassword,
    /// The current password given does not match.
    #[error("is not your password")]
    NotYourPassword,
    /// A password-reset link that cannot be used.
    #[error("is unknown, used or expired; ask for a new link")]
    ResetLinkUnusable,
    /// A link that confirms an e-mail address that cannot be used.
    #[error("is unknown, used or expired; register again")]
    ConfirmationLinkUnusable,
    /// A published challenge withdrawn without a reason.
    #[error("required when withdrawing a published challenge")]
    WithdrawalReasonRequired,
    /// A number that is no step of the process.
    #[error("must be a step of the process, 1 to 5")]
    NotAStep,
    /// Not one of the kinds of organisation.
    #[error("must be one of the kinds of organisation")]
    NotAnOrganisationKind,
    /// Not a Swedish organisation number.
    #[error("must be a Swedish organisation number NNNNNN-NNNN")]
    NotAnOrganisationNumber,
    /// Not a web address.
    #[error("must be an http:// or https:// address")]
    NotAWebsite,
    /// An idea's team larger than allowed.
    #[error("at most {max} co-applicants")]
    TeamTooLarge {
        /// The most co-applicants allowed.
        max: usize,
    },
    /// A rubric with too few or too many criteria.
    #[error("must hold 1 to {max} criteria")]
    CriteriaCount {
        /// The most criteria allowed.
        max: usize,
    },
    /// A criterion key that is not snake_case.
    #[error("'{key}' must be snake_case (a-z, 0-9, _)")]
    KeyNotSnakeCase {
        /// The key given.
        key: String,
    },
    /// Two criteria with one key.
    #[error("'{key}' appears twice")]
    KeyTwice {
        /// The key given twice.
        key: String,
    },
    /// A criterion weighing nothing or less.
    #[error("'{key}' must weigh more than 0")]
    WeightNotPositive {
        /// The criterion's key.
        key: String,
    },
    /// A criterion whose highest score is not above its lowest.
    #[error("'{key}' must have scale_min < scale_max")]
    ScaleUpsideDown {
        /// The criterion's key.
        key: String,
    },
    /// A meaning given to a score outside the criterion's scale (or to no number).
    #[error("'{key}' has no score '{score}' on its scale")]
    ScoreNotOnScale {
        /// The criterion's key.
        key: String,
        /// The score as given.
        score: String,
    },
    /// A criterion left without a score.
    #[error("must be scored")]
    NotScored,
    /// A score for a key the rubric does not have.
    #[error("is not a criterion of the rubric")]
    NotACriterion,
    /// An assessor whose account is deactivated.
    #[error("the user is deactivated")]
    AssessorDeactivated,
    /// A user without the assessor role named as assessor.
    #[error("the user does not hold the assessor role")]
    NotAnAssessor,
    /// The idea's innovator named as its assessor.
    #[error("conflict of interest: the assessor is the idea's innovator")]
    ConflictInnovator,
    /// The challenge's owner named as assessor.
    #[error("conflict of interest: the assessor owns the challenge")]
    ConflictOwner,
    /// An assessor of the innovator's organisation.
    #[error("conflict of interest: the assessor belongs to the innovator's organisation")]
    ConflictOrganisation,
    /// An assessor of the organisation the challenge is owned on behalf of.
    #[error("conflict of interest: the assessor belongs to the challenge's organisation")]
    ConflictChallengeOrganisation,
    /// A text that is no absolute URL.
    #[error("must be an absolute URL such as https://example.org/hooks")]
    NotAnAbsoluteUrl,
    /// A URL of another scheme than http or https.
    #[error("must start with http:// or https://")]
    NotHttp,
    /// A URL without a host.
    #[error("must name a host")]
    NoHost,
    /// A URL with a user name or password in it.
    #[error("must not carry a user name or password")]
    CredentialsInUrl,
    /// A URL with a fragment.
    #[error("must not have a #fragment")]
    FragmentInUrl,
    /// A URL that could not be read as http or https.
    #[error("must be an http or https URL")]
    NotAnHttpUrl,
    /// A host name that resolves to no address.
    #[error("the host '{host}' cannot be resolved")]
    HostUnresolved {
        /// The host name.
        host: String,
    },
    /// A URL that leads to an address hooks may not be sent to.
    #[error(
        "must not lead to {} such as {address}{}",
        .class.describe(),
        unless_private(.allowed_when_private)
    )]
    AddressRefused {
        /// The kind of address.
        class: AddressClass,
        /// The address.
        address: IpAddr,
        /// Whether `--webhook-allow-private` would let it through.
        allowed_when_private: bool,
    },
    /// More entries than allowed.
    #[error("at most {max} entries")]
    TooManyEntries {
        /// The most entries allowed.
        max: usize,
    },
    /// Names that name no event.
    #[error(
        "{} names no event; use challenge.<command>, idea.<command> or a command such as submit",
        quoted(.names)
    )]
    UnknownEvents {
        /// The names given.
        names: Vec<String>,
    },
    /// An `Idempotency-Key` sent again with another request.
    #[error("was already used for a different request; send a new key for a new request")]
    KeyReused,
    /// A file of a type sluss does not keep (SPEC §15).
    #[error(
        "must be a PDF, PNG, JPEG, WebP, plain text, CSV, OpenDocument (odt, ods, odp) or Office Open XML (docx, xlsx, pptx) file"
    )]
    FileTypeNotAllowed,
    /// A file without bytes.
    #[error("is empty")]
    EmptyFile,
    /// A colour not written `#rrggbb`.
    #[error("must be a colour written #rrggbb, such as #1d70b8")]
    NotAColour,
    /// A primary colour white text cannot be read on (WCAG AA, 4.5:1).
    #[error(
        "has a contrast of {}:1 with white text; WCAG AA needs at least 4.5:1, so choose a darker colour",
        hundredths_as_ratio(*.hundredths)
    )]
    TooLittleContrast {
        /// The colour's contrast with white, in hundredths, rounded down.
        hundredths: u32,
    },
    /// A logo that is not a PNG or WebP picture within the limit (SPEC §16).
    #[error("must be a PNG or WebP picture of at most {max_kib} KiB")]
    LogoNotAllowed {
        /// The largest logo, in KiB.
        max_kib: usize,
    },
    /// Registering without accepting the privacy notice in force.
    #[error("must be true: read the privacy notice (/privacy) and accept it to register")]
    PrivacyNoticeNotAccepted,
}

/// Hundredths of a contrast ratio as the ratio's number: `447` as `4.47`.
fn hundredths_as_ratio(hundredths: u32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The condition under which a refused address would be allowed, if there is one.
fn unless_private(allowed_when_private: &bool) -> &'static str {
    if *allowed_when_private {
        " (allowed only when the server runs with --webhook-allow-private)"
    } else {
        ""
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why an actor who sees the resource may not act on it (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ForbiddenReason {
    /// Writing an idea without the innovator role.
    #[error("only innovators write ideas")]
    OnlyInnovatorsWriteIdeas,
    /// Editing someone else's idea.
    #[error("only the idea's innovator edits it")]
    OnlyTheInnovatorEdits,
    /// Submitting someone else's idea.
    #[error("only the idea's innovator submits it")]
    OnlyTheInnovatorSubmits,
    /// Withdrawing someone else's idea.
    #[error("only the idea's innovator withdraws it")]
    OnlyTheInnovatorWithdraws,
    /// A step of the idea's process that facilitators take.
    #[error("only facilitators run this step")]
    OnlyFacilitatorsRunSteps,
    /// Creating or changing an arena.
    #[error("only facilitators run arenas")]
    OnlyFacilitatorsRunArenas,
    /// Managing user accounts.
    #[error("only facilitators manage users")]
    OnlyFacilitatorsManageUsers,
    /// Writing a challenge without the needs-owner role.
    #[error("only needs-owners and facilitators write challenges")]
    OnlyNeedsOwnersWriteChallenges,
    /// Editing without being signed in.
    #[error("sign in to edit")]
    SignInToEdit,
    /// Editing someone else's challenge.
    #[error("only the owner or a facilitator edits a challenge")]
    OnlyTheOwnerEdits,
    /// Submitting someone else's challenge.
    #[error("only the owner submits a challenge")]
    OnlyTheOwnerSubmits,
    /// Asking for changes to a challenge.
    #[error("only a facilitator requests changes")]
    OnlyFacilitatorsRequestChanges,
    /// Publishing a challenge.
    #[error("only a facilitator publishes a challenge")]
    OnlyFacilitatorsPublish,
    /// Archiving a challenge.
    #[error("only a facilitator archives a challenge")]
    OnlyFacilitatorsArchive,
    /// Closing someone else's challenge.
    #[error("only the owner or a facilitator closes a challenge")]
    OnlyTheOwnerCloses,
    /// Withdrawing someone else's challenge.
    #[error("only the owner or a facilitator withdraws a challenge")]
    OnlyTheOwnerWithdraws,
    /// Changing a challenge without being signed in.
    #[error("sign in to change a challenge")]
    SignInToChange,
    /// Recording support organisations and spread activities.
    #[error("only facilitators record this")]
    OnlyFacilitatorsRecord,
    /// Keeping another idea's milestones.
    #[error("only facilitators and the idea's innovator keep milestones")]
    OnlyTheTeamKeepsMilestones,
    /// Registering or changing an organisation.
    #[error("only facilitators register and change organisations")]
    OnlyFacilitatorsManageOrganisations,
    /// Erasing someone's personal data.
    #[error("only facilitators erase personal data")]
    OnlyFacilitatorsErase,
    /// Rubrics, assignments and rankings.
    #[error("only facilitators set up assessment")]
    OnlyFacilitatorsSetUpAssessment,
    /// Declaring a conflict of interest on someone else's assignment.
    #[error("only the assigned assessor declares a conflict")]
    OnlyTheAssessorDeclaresConflicts,
    /// Reading scorecards outside the panel and the innovation team.
    #[error("scorecards are for the panel and the innovation team")]
    ScorecardsAreForThePanel,
    /// Registering and reading webhooks.
    #[error("only facilitators manage webhooks")]
    OnlyFacilitatorsManageWebhooks,
    /// Listing assignments without being an assessor.
    #[error("assignments are for assessors and facilitators")]
    AssignmentsAreForAssessors,
    /// Scoring an idea one is not assigned to.
    #[error("only assessors assigned to the idea score it")]
    OnlyAssignedAssessorsScore,
    /// Reading the panel's scorecards before submitting one's own.
    #[error("submit your own scorecard to see the panel's")]
    OwnScorecardFirst,
    /// Answering a question on someone else's challenge.
    #[error("only the challenge's owner or a facilitator answers")]
    OnlyTheOwnerAnswers,
    /// Handing a challenge to another owner.
    #[error("only facilitators transfer a challenge")]
    OnlyFacilitatorsTransfer,
    /// Answering a team invitation sent to another address.
    #[error("the invitation was sent to another e-mail address")]
    NotYourInvitation,
    /// Adding or removing a file of a record one may not edit (SPEC §15).
    #[error("only those who may edit it add or remove its files")]
    OnlyEditorsChangeFiles,
    /// Changing the site's name, colour, contact, privacy notice or accessibility statement.
    #[error("only facilitators set up the site")]
    OnlyFacilitatorsSetUpTheSite,
    /// A password sign-in through the API of an account that must use two-factor but has
    /// not set up its TOTP app (SPEC §16).
    #[error("set up two-factor sign-in on the web first")]
    SetUpTwoFactorOnTheWebFirst,
    /// Signing in or registering with a password where `--password-login off` turned that
    /// off: people sign in through the city's OpenID Connect provider (SPEC §16).
    #[error("password sign-in is turned off: sign in through the city's identity provider")]
    PasswordLoginOff,
}

/// A guard of the current state that is not met (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConflictReason {
    /// Writing an idea for a challenge that is not published.
    #[error("the challenge does not take ideas")]
    ChallengeTakesNoIdeas,
    /// Submitting an idea to a challenge that left the published state.
    #[error("the challenge no longer takes ideas")]
    ChallengeNoLongerTakesIdeas,
    /// The challenge's `ideas_close_at` has passed.
    #[error("the challenge closed for ideas")]
    IdeasClosed,
    /// Answering a team invitation that was answered.
    #[error("the invitation has been answered")]
    InvitationAnswered,
    /// Adding a file to a record that holds the most it may (SPEC §15).
    #[error("it holds {max} files, the most it may; remove one first")]
    TooManyFiles {
        /// The most files a record holds.
        max: usize,
    },
    /// Creating a personal API token when the account holds the most it may (SPEC §16).
    #[error("the account holds {max} API tokens, the most it may; revoke one first")]
    TooManyApiTokens {
        /// The most tokens an account holds.
        max: usize,
    },
    /// Deciding an idea before the panel has scored it.
    #[error("{submitted} of {required} required scorecards are in")]
    TooFewScorecards {
        /// The scorecards submitted.
        submitted: u32,
        /// The scorecards the rubric requires.
        required: u32,
    },
    /// Publishing a challenge in a closed arena.
    #[error("the arena is closed")]
    ArenaClosed,
    /// A facilitator taking their own facilitator role away.
    #[error("facilitators cannot remove their own facilitator role")]
    OwnFacilitatorRole,
    /// A facilitator deactivating their own account.
    #[error("facilitators cannot deactivate themselves")]
    DeactivatingOneself,
    /// Deactivating a deactivated account.
    #[error("the user is already deactivated")]
    AlreadyDeactivated,
    /// Reactivating an active account.
    #[error("the user is active")]
    UserActive,
    /// Sending a reset link to a deactivated account.
    #[error("the account is deactivated; reactivate it first")]
    AccountDeactivated,
    /// Sending e-mail from a server without a mail server.
    #[error("this server sends no e-mail (no --smtp-url)")]
    NoMail,
    /// Keeping milestones outside incubation.
    #[error("milestones are kept while the idea is in incubation, not {}", .state.as_str())]
    MilestonesOutsideIncubation {
        /// The idea's state.
        state: IdeaState,
    },
    /// Recording a spread activity before a test.
    #[error("spread activities follow a test, and the idea is {}", .state.as_str())]
    SpreadBeforeATest {
        /// The idea's state.
        state: IdeaState,
    },
    /// Erasing what is erased.
    #[error("the user's personal data is already erased")]
    AlreadyErased,
    /// Erasing the last active facilitator.
    #[error("the last active facilitator cannot be erased")]
    LastFacilitator,
    /// The account changed while it was being erased.
    #[error("the account changed during the erasure; try again")]
    AccountChangedDuringErasure,
    /// An idea naming the person changed while it was being erased.
    #[error("an idea naming the person changed during the erasure; try again")]
    IdeaChangedDuringErasure,
    /// An e-mail address that has an account.
    #[error("that e-mail address is already registered")]
    EmailTaken,
    /// An organisation number in the registry already.
    #[error("an organisation with that organisation number is already registered")]
    OrganisationNumberTaken,
    /// Changing a rubric that scorecards use.
    #[error("the rubric is in use and can no longer change")]
    RubricInUse,
    /// Assigning an assessor twice.
    #[error("the assessor is already assigned to this idea")]
    AlreadyAssigned,
    /// Assigning assessors outside assessment.
    #[error("assessors are assigned while the idea is submitted or in assessment, not {}", .state.as_str())]
    AssigningOutsideAssessment {
        /// The idea's state.
        state: IdeaState,
    },
    /// Scoring outside assessment.
    #[error("scorecards are taken while the idea is in assessment, not {}", .state.as_str())]
    ScoringOutsideAssessment {
        /// The idea's state.
        state: IdeaState,
    },
    /// Scoring on an assignment with a declared conflict of interest.
    #[error("a conflict of interest was declared; this assignment cannot score")]
    ConflictDeclared,
    /// Changing the assessment of a decided idea.
    #[error("the idea is decided; its assessment is locked")]
    AssessmentLocked,
    /// Scorecards before the assessment started.
    #[error("the idea's assessment has not started")]
    AssessmentNotStarted,
    /// Asking a question on a challenge that is not published.
    #[error("questions are taken while the challenge is published")]
    QuestionsClosed,
    /// Answering an answered question.
    #[error("the question is already answered")]
    QuestionAnswered,
    /// Marking a done milestone done.
    #[error("the milestone is already done")]
    MilestoneDone,
    /// An `Idempotency-Key` whose first request is still being answered.
    #[error("a request with this Idempotency-Key is still in progress; retry once it has been answered")]
    KeyInProgress,
    /// An `Idempotency-Key` two requests claim at once.
    #[error("the Idempotency-Key is being claimed by another request; retry")]
    KeyBeingClaimed,
    /// Accepting a privacy notice that is not the one in force (or none is published).
    #[error("{}", not_current_notice(*.current))]
    NotTheCurrentPrivacyNotice {
        /// The version in force, if one is published.
        current: Option<i64>,
    },
}

fn not_current_notice(current: Option<i64>) -> String {
    match current {
        Some(version) => format!("that is not the privacy notice in force; read version {version} and accept it"),
        None => "no privacy notice has been published".to_owned(),
    }
}

/// Why a command or action was refused. The API maps each variant to one status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor may not see the resource (answers 404, never leaking existence).
    #[error("not found")]
    NotVisible,
    /// The actor sees the resource but its roles do not allow the action (403).
    #[error("{0}")]
    NotPermitted(ForbiddenReason),
    /// Well-formed but invalid or missing values (422).
    #[error("invalid values")]
    Invalid(Vec<FieldError>),
    /// The command is not allowed in the current state (409).
    #[error("'{command}' is not allowed when the state is '{from}'")]
    InvalidTransition {
        /// The current state, snake_case.
        from: &'static str,
        /// The command, snake_case.
        command: &'static str,
    },
    /// A state-dependent guard is not met (409).
    #[error("{0}")]
    GuardFailed(ConflictReason),
}

impl Refusal {
    /// A refusal for a single invalid field.
    pub fn invalid(field: &str, problem: FieldProblem) -> Self {
        Self::Invalid(vec![FieldError::new(field, problem)])
    }

    /// A permission refusal with a reason.
    pub fn not_permitted(reason: ForbiddenReason) -> Self {
        Self::NotPermitted(reason)
    }
}
