//! The domain's reasons for a refusal in the person's language: one Fluent message for
//! each [`FieldProblem`], [`ForbiddenReason`] and [`ConflictReason`], with the numbers it
//! carries as arguments. The matches have no catch-all arm, so a new reason does not
//! build until it has words here (and the words are in both languages, which the tests
//! below check).

use fluent_templates::fluent_bundle::FluentValue;
use sluss_domain::validate::{YEAR_MAX, YEAR_MIN};
use sluss_domain::{ConflictReason, FieldProblem, ForbiddenReason};

use super::i18n::Tr;

/// The argument `n` of a message that counts.
fn n<'a>(n: impl Into<FluentValue<'a>>) -> [(&'static str, FluentValue<'a>); 1] {
    [("n", n.into())]
}

/// What is wrong with a value, as the form shows it beside the field.
pub fn field_message(tr: &Tr, problem: &FieldProblem) -> String {
    use FieldProblem as P;
    match problem {
        P::Required => tr.t("error-required"),
        P::TooLong { max } => tr.t_with("error-too-long", &n(*max)),
        P::TooShort { min } => tr.t_with("error-too-short", &n(*min)),
        P::Nul => tr.t("error-nul"),
        P::NotOneLine => tr.t("error-one-line"),
        P::NotAnEmail => tr.t("error-email"),
        P::NotAGoal { .. } => tr.t("error-sdg"),
        P::OutsideTheYears => tr.t_with("error-years", &[("min", YEAR_MIN.into()), ("max", YEAR_MAX.into())]),
        P::NotInTheFuture => tr.t("error-future"),
        P::BeforeToday => tr.t("error-before-today"),
        P::BeforeTheStart { .. } => tr.t("error-end-before-start"),
        P::TooSmall { min } => tr.t_with("error-too-small", &n(*min)),
        P::OutOfRange { min, max } => {
            tr.t_with("error-out-of-range", &[("min", (*min).into()), ("max", (*max).into())])
        }
        P::NotChosen | P::NotALanguage | P::NotAnOrganisationKind => tr.t("error-choose"),
        P::NotADate => tr.t("error-date"),
        P::NotADateTime => tr.t("error-datetime"),
        P::NoWord => tr.t("error-search-word"),
        P::NoSuchRecord | P::NoSuchArena | P::NoSuchUser => tr.t("error-no-such"),
        P::NoSuchOrganisation => tr.t("error-no-organisation"),
        P::SameAsItself => tr.t("error-same-as-itself"),
        P::NotAnActiveNeedsOwner => tr.t("error-not-an-active-needs-owner"),
        P::NoDefaultRubric => tr.t("error-no-default-rubric"),
        P::NoSelfServiceRole | P::GrantedByAFacilitator { .. } => tr.t("error-roles-self-service"),
        P::NoRole => tr.t("error-roles-one"),
        P::OwnAccountErased => tr.t("error-erase-own-account"),
        P::CommonPassword => tr.t("error-password-common"),
        P::NotYourPassword => tr.t("error-not-your-password"),
        P::ResetLinkUnusable => tr.t("reset-link-invalid"),
        P::ConfirmationLinkUnusable => tr.t("confirm-link-invalid"),
        P::WithdrawalReasonRequired => tr.t("error-withdrawal-reason"),
        P::NotAStep => tr.t("error-step"),
        P::NotAnOrganisationNumber => tr.t("error-org-number"),
        P::NotAWebsite | P::NotHttp | P::NotAnHttpUrl => tr.t("error-website"),
        P::TeamTooLarge { max } => tr.t_with("error-team-size", &n(*max)),
        P::CriteriaCount { max } => tr.t_with("error-rubric-criteria", &n(*max)),
        P::KeyNotSnakeCase { .. } => tr.t("error-rubric-key"),
        P::KeyTwice { .. } => tr.t("error-rubric-key-twice"),
        P::WeightNotPositive { .. } => tr.t("error-rubric-weight"),
        P::ScaleUpsideDown { .. } => tr.t("error-rubric-scale"),
        P::ScoreNotOnScale { score, .. } => {
            tr.t_with("error-rubric-score-not-on-scale", &[("score", score.clone().into())])
        }
        P::NotScored => tr.t("error-must-be-scored"),
        P::NotACriterion => tr.t("error-not-a-criterion"),
        P::AssessorDeactivated => tr.t("error-assessor-deactivated"),
        P::NotAnAssessor => tr.t("error-not-assessor"),
        P::ConflictInnovator => tr.t("error-conflict-innovator"),
        P::ConflictOwner => tr.t("error-conflict-owner"),
        P::ConflictOrganisation => tr.t("error-conflict-organisation"),
        P::ConflictChallengeOrganisation => tr.t("error-conflict-challenge-organisation"),
        P::NotAnAbsoluteUrl => tr.t("error-url-absolute"),
        P::NoHost => tr.t("error-url-host"),
        P::CredentialsInUrl => tr.t("error-url-credentials"),
        P::FragmentInUrl => tr.t("error-url-fragment"),
        P::HostUnresolved { host } => tr.t_with("error-url-unresolved", &[("host", host.as_str().into())]),
        P::AddressRefused { address, .. } => tr.t_with("error-url-address", &[("address", address.to_string().into())]),
        P::TooManyEntries { max } => tr.t_with("error-too-many-entries", &n(*max)),
        P::FileTypeNotAllowed => tr.t("error-file-type-not-allowed"),
        P::EmptyFile => tr.t("error-empty-file"),
        P::UnknownEvents { names } => tr.t_with("error-unknown-events", &[("names", names.join(", ").into())]),
        P::KeyReused => tr.t("error-idempotency-key-reused"),
        P::NotAColour => tr.t("error-colour"),
        P::TooLittleContrast { hundredths } => tr.t_with(
            "error-colour-contrast",
            &[("ratio", tr.number(f64::from(*hundredths) / 100.0, 2).into())],
        ),
        P::PrivacyNoticeNotAccepted => tr.t("error-privacy-notice-not-accepted"),
        P::LogoNotAllowed { max_kib } => tr.t_with("error-logo-not-allowed", &n(*max_kib)),
    }
}

/// Why the person may not do what they tried.
pub fn forbidden_message(tr: &Tr, reason: ForbiddenReason) -> String {
    use ForbiddenReason as F;
    match reason {
        F::OnlyInnovatorsWriteIdeas => tr.t("error-only-innovators-write-ideas"),
        F::OnlyTheInnovatorEdits | F::OnlyTheInnovatorSubmits | F::OnlyTheInnovatorWithdraws => {
            tr.t("error-only-the-innovator")
        }
        F::OnlyFacilitatorsRunSteps => tr.t("error-only-facilitators-run-steps"),
        F::OnlyFacilitatorsRunArenas => tr.t("error-only-facilitators-run-arenas"),
        F::OnlyFacilitatorsManageUsers => tr.t("error-only-facilitators-manage-users"),
        F::OnlyNeedsOwnersWriteChallenges => tr.t("error-only-needs-owners-write-challenges"),
        F::SignInToEdit | F::SignInToChange => tr.t("error-sign-in-first"),
        F::OnlyTheOwnerEdits | F::OnlyTheOwnerCloses | F::OnlyTheOwnerWithdraws => tr.t("error-only-the-owner"),
        F::OnlyTheOwnerSubmits => tr.t("error-only-the-owner-submits"),
        F::OnlyFacilitatorsRequestChanges | F::OnlyFacilitatorsPublish | F::OnlyFacilitatorsArchive => {
            tr.t("error-only-facilitators-review-challenges")
        }
        F::OnlyFacilitatorsRecord => tr.t("error-only-facilitators-record"),
        F::OnlyTheTeamKeepsMilestones => tr.t("error-only-the-team-keeps-milestones"),
        F::OnlyFacilitatorsManageOrganisations => tr.t("error-only-facilitators-manage-organisations"),
        F::OnlyFacilitatorsErase => tr.t("error-only-facilitators-erase"),
        F::OnlyFacilitatorsSetUpAssessment => tr.t("error-only-facilitators-set-up-assessment"),
        F::OnlyTheAssessorDeclaresConflicts => tr.t("error-only-the-assessor-declares"),
        F::ScorecardsAreForThePanel => tr.t("error-scorecards-for-the-panel"),
        F::OnlyFacilitatorsManageWebhooks => tr.t("error-only-facilitators-manage-webhooks"),
        F::AssignmentsAreForAssessors => tr.t("error-assignments-for-assessors"),
        F::OnlyAssignedAssessorsScore => tr.t("error-only-assigned-assessors-score"),
        F::OwnScorecardFirst => tr.t("error-own-scorecard-first"),
        F::OnlyTheOwnerAnswers => tr.t("error-only-the-owner-answers"),
        F::NotYourInvitation => tr.t("error-not-your-invitation"),
        F::OnlyFacilitatorsTransfer => tr.t("error-only-facilitators-transfer"),
        F::OnlyEditorsChangeFiles => tr.t("error-only-editors-change-files"),
        F::OnlyFacilitatorsSetUpTheSite => tr.t("error-only-facilitators-set-up-the-site"),
        F::SetUpTwoFactorOnTheWebFirst => tr.t("error-set-up-two-factor-first"),
        F::PasswordLoginOff => tr.t("error-password-login-off"),
    }
}

/// What in the current state stands in the way.
pub fn conflict_message(tr: &Tr, reason: ConflictReason) -> String {
    use ConflictReason as C;
    match reason {
        C::ChallengeTakesNoIdeas | C::ChallengeNoLongerTakesIdeas | C::IdeasClosed => tr.t("error-ideas-closed"),
        C::TooFewScorecards { submitted, required } => tr.t_with(
            "error-too-few-scorecards",
            &[("submitted", submitted.into()), ("required", required.into())],
        ),
        C::ArenaClosed => tr.t("error-arena-closed"),
        C::InvitationAnswered => tr.t("error-invitation-answered"),
        C::TooManyFiles { max } => tr.t_with("error-too-many-files", &n(max)),
        C::TooManyApiTokens { max } => tr.t_with("error-too-many-api-tokens", &n(max)),
        C::OwnFacilitatorRole => tr.t("error-own-facilitator-role"),
        C::DeactivatingOneself => tr.t("error-deactivating-oneself"),
        C::AlreadyDeactivated => tr.t("error-already-deactivated"),
        C::UserActive => tr.t("error-user-active"),
        C::AccountDeactivated => tr.t("error-reset-deactivated"),
        C::NoMail => tr.t("error-no-mail"),
        C::MilestonesOutsideIncubation { .. } => tr.t("error-milestones-in-incubation"),
        C::SpreadBeforeATest { .. } => tr.t("error-spread-after-a-test"),
        C::AlreadyErased => tr.t("error-already-erased"),
        C::LastFacilitator => tr.t("error-last-facilitator"),
        C::AccountChangedDuringErasure | C::IdeaChangedDuringErasure => tr.t("error-changed-during-erasure"),
        C::EmailTaken => tr.t("error-email-taken"),
        C::OrganisationNumberTaken => tr.t("error-org-number-taken"),
        C::RubricInUse => tr.t("error-rubric-in-use"),
        C::AlreadyAssigned => tr.t("error-already-assigned"),
        C::AssigningOutsideAssessment { .. } => tr.t("error-assigning-outside-assessment"),
        C::ScoringOutsideAssessment { .. } | C::AssessmentNotStarted => tr.t("error-scoring-outside-assessment"),
        C::ConflictDeclared => tr.t("error-conflict-declared"),
        C::AssessmentLocked => tr.t("error-assessment-locked"),
        C::QuestionsClosed => tr.t("error-questions-closed"),
        C::QuestionAnswered => tr.t("error-question-answered"),
        C::MilestoneDone => tr.t("error-milestone-done"),
        C::KeyInProgress | C::KeyBeingClaimed => tr.t("error-request-in-progress"),
        C::NotTheCurrentPrivacyNotice { .. } => tr.t("error-privacy-notice-not-current"),
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use sluss_domain::idea::IdeaState;
    use sluss_domain::webhook::AddressClass;
    use sluss_domain::{FieldError, Refusal, Role};

    use super::*;
    use crate::error::ApiError;
    use crate::web::i18n::Lang;

    /// Every field problem, with the English the API has always answered with. A new
    /// problem fails to build in [`field_message`] until it has words; add it here too.
    fn field_problems() -> Vec<(FieldProblem, &'static str)> {
        use FieldProblem as P;
        let key = || "impact".to_owned();
        vec![
            (P::Required, "must not be empty"),
            (P::TooLong { max: 200 }, "must be at most 200 characters"),
            (P::TooShort { min: 12 }, "must be at least 12 characters"),
            (P::Nul, "must not contain the NUL character"),
            (P::NotOneLine, "must be one line, without control characters"),
            (P::NotAnEmail, "must be an e-mail address such as name@example.org"),
            (P::NotAGoal { value: 18 }, "18 is not a UN goal (1..17)"),
            (P::OutsideTheYears, "must fall in the years 1 to 9999"),
            (P::NotInTheFuture, "must be in the future"),
            (P::BeforeToday, "must not be before today"),
            (P::BeforeTheStart { start: "starts_on" }, "must not be before starts_on"),
            (P::TooSmall { min: 1 }, "must be at least 1"),
            (P::OutOfRange { min: 1, max: 200 }, "must be between 1 and 200"),
            (P::NotChosen, "must be chosen"),
            (P::NotADate, "must be a date"),
            (P::NotADateTime, "must be a date and time"),
            (P::NotALanguage, "must be sv or en"),
            (P::NoWord, "must contain a word"),
            (P::NoSuchRecord, "no such record"),
            (P::NoSuchArena, "no such arena"),
            (P::NoSuchUser, "no such user"),
            (P::NoSuchOrganisation, "no such organisation"),
            (
                P::SameAsItself,
                "must name another obstacle, not this one or one already linked to it",
            ),
            (
                P::NotAnActiveNeedsOwner,
                "must be an active user with the needs_owner role",
            ),
            (
                P::NotAnActiveNeedsOwner,
                "must be an active user with the needs_owner role",
            ),
            (P::NoDefaultRubric, "there is no default rubric; name one"),
            (P::NoSelfServiceRole, "ask for needs_owner, innovator or both"),
            (
                P::GrantedByAFacilitator { role: Role::Assessor },
                "assessor is granted by a facilitator, not by registration",
            ),
            (P::NoRole, "a user holds at least one role"),
            (
                P::OwnAccountErased,
                "facilitators cannot erase their own account; another facilitator must",
            ),
            (P::CommonPassword, "is too common; choose another"),
            (P::NotYourPassword, "is not your password"),
            (P::ResetLinkUnusable, "is unknown, used or expired; ask for a new link"),
            (
                P::ConfirmationLinkUnusable,
                "is unknown, used or expired; register again",
            ),
            (
                P::WithdrawalReasonRequired,
                "required when withdrawing a published challenge",
            ),
            (P::NotAStep, "must be a step of the process, 1 to 5"),
            (P::NotAnOrganisationKind, "must be one of the kinds of organisation"),
            (
                P::NotAnOrganisationNumber,
                "must be a Swedish organisation number NNNNNN-NNNN",
            ),
            (P::NotAWebsite, "must be an http:// or https:// address"),
            (P::TeamTooLarge { max: 20 }, "at most 20 co-applicants"),
            (P::CriteriaCount { max: 30 }, "must hold 1 to 30 criteria"),
            (
                P::KeyNotSnakeCase { key: key() },
                "'impact' must be snake_case (a-z, 0-9, _)",
            ),
            (P::KeyTwice { key: key() }, "'impact' appears twice"),
            (P::WeightNotPositive { key: key() }, "'impact' must weigh more than 0"),
            (
                P::ScaleUpsideDown { key: key() },
                "'impact' must have scale_min < scale_max",
            ),
            (
                P::ScoreNotOnScale {
                    key: key(),
                    score: "6".to_owned(),
                },
                "'impact' has no score '6' on its scale",
            ),
            (P::NotScored, "must be scored"),
            (P::NotACriterion, "is not a criterion of the rubric"),
            (P::AssessorDeactivated, "the user is deactivated"),
            (P::NotAnAssessor, "the user does not hold the assessor role"),
            (
                P::ConflictInnovator,
                "conflict of interest: the assessor is the idea's innovator",
            ),
            (
                P::ConflictOwner,
                "conflict of interest: the assessor owns the challenge",
            ),
            (
                P::ConflictOrganisation,
                "conflict of interest: the assessor belongs to the innovator's organisation",
            ),
            (
                P::ConflictChallengeOrganisation,
                "conflict of interest: the assessor belongs to the challenge's organisation",
            ),
            (
                P::NotAnAbsoluteUrl,
                "must be an absolute URL such as https://example.org/hooks",
            ),
            (P::NotHttp, "must start with http:// or https://"),
            (P::NoHost, "must name a host"),
            (P::CredentialsInUrl, "must not carry a user name or password"),
            (P::FragmentInUrl, "must not have a #fragment"),
            (P::NotAnHttpUrl, "must be an http or https URL"),
            (
                P::HostUnresolved {
                    host: "hooks.example".to_owned(),
                },
                "the host 'hooks.example' cannot be resolved",
            ),
            (
                P::AddressRefused {
                    class: AddressClass::Private,
                    address: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
                    allowed_when_private: true,
                },
                "must not lead to a private address such as 10.0.0.1 \
                 (allowed only when the server runs with --webhook-allow-private)",
            ),
            (
                P::AddressRefused {
                    class: AddressClass::Loopback,
                    address: IpAddr::V4(Ipv4Addr::LOCALHOST),
                    allowed_when_private: false,
                },
                "must not lead to a loopback address such as 127.0.0.1",
            ),
            (P::TooManyEntries { max: 64 }, "at most 64 entries"),
            (
                P::FileTypeNotAllowed,
                "must be a PDF, PNG, JPEG, WebP, plain text, CSV, OpenDocument (odt, ods, odp) or Office Open XML (docx, xlsx, pptx) file",
            ),
            (P::EmptyFile, "is empty"),
            (
                P::UnknownEvents {
                    names: vec!["idea.dance".to_owned(), "sing".to_owned()],
                },
                "'idea.dance', 'sing' names no event; use challenge.<command>, idea.<command> or a command \
                 such as submit",
            ),
            (
                P::KeyReused,
                "was already used for a different request; send a new key for a new request",
            ),
            (P::NotAColour, "must be a colour written #rrggbb, such as #1d70b8"),
            (
                P::TooLittleContrast { hundredths: 447 },
                "has a contrast of 4.47:1 with white text; WCAG AA needs at least 4.5:1, so choose a darker colour",
            ),
            (
                P::PrivacyNoticeNotAccepted,
                "must be true: read the privacy notice (/privacy) and accept it to register",
            ),
            (
                P::LogoNotAllowed { max_kib: 512 },
                "must be a PNG or WebP picture of at most 512 KiB",
            ),
        ]
    }

    /// Every reason a permission is refused, with the API's English.
    fn forbidden_reasons() -> Vec<(ForbiddenReason, &'static str)> {
        use ForbiddenReason as F;
        vec![
            (F::OnlyInnovatorsWriteIdeas, "only innovators write ideas"),
            (F::OnlyTheInnovatorEdits, "only the idea's innovator edits it"),
            (F::OnlyTheInnovatorSubmits, "only the idea's innovator submits it"),
            (F::OnlyTheInnovatorWithdraws, "only the idea's innovator withdraws it"),
            (
                F::NotYourInvitation,
                "the invitation was sent to another e-mail address",
            ),
            (F::OnlyFacilitatorsTransfer, "only facilitators transfer a challenge"),
            (
                F::OnlyEditorsChangeFiles,
                "only those who may edit it add or remove its files",
            ),
            (F::OnlyFacilitatorsSetUpTheSite, "only facilitators set up the site"),
            (
                F::SetUpTwoFactorOnTheWebFirst,
                "set up two-factor sign-in on the web first",
            ),
            (
                F::PasswordLoginOff,
                "password sign-in is turned off: sign in through the city's identity provider",
            ),
            (F::OnlyFacilitatorsRunSteps, "only facilitators run this step"),
            (F::OnlyFacilitatorsRunArenas, "only facilitators run arenas"),
            (F::OnlyFacilitatorsManageUsers, "only facilitators manage users"),
            (
                F::OnlyNeedsOwnersWriteChallenges,
                "only needs-owners and facilitators write challenges",
            ),
            (F::SignInToEdit, "sign in to edit"),
            (
                F::OnlyTheOwnerEdits,
                "only the owner or a facilitator edits a challenge",
            ),
            (F::OnlyTheOwnerSubmits, "only the owner submits a challenge"),
            (F::OnlyFacilitatorsRequestChanges, "only a facilitator requests changes"),
            (F::OnlyFacilitatorsPublish, "only a facilitator publishes a challenge"),
            (F::OnlyFacilitatorsArchive, "only a facilitator archives a challenge"),
            (
                F::OnlyTheOwnerCloses,
                "only the owner or a facilitator closes a challenge",
            ),
            (
                F::OnlyTheOwnerWithdraws,
                "only the owner or a facilitator withdraws a challenge",
            ),
            (F::SignInToChange, "sign in to change a challenge"),
            (F::OnlyFacilitatorsRecord, "only facilitators record this"),
            (
                F::OnlyTheTeamKeepsMilestones,
                "only facilitators and the idea's innovator keep milestones",
            ),
            (
                F::OnlyFacilitatorsManageOrganisations,
                "only facilitators register and change organisations",
            ),
            (F::OnlyFacilitatorsErase, "only facilitators erase personal data"),
            (
                F::OnlyFacilitatorsSetUpAssessment,
                "only facilitators set up assessment",
            ),
            (
                F::OnlyTheAssessorDeclaresConflicts,
                "only the assigned assessor declares a conflict",
            ),
            (
                F::ScorecardsAreForThePanel,
                "scorecards are for the panel and the innovation team",
            ),
            (F::OnlyFacilitatorsManageWebhooks, "only facilitators manage webhooks"),
            (
                F::AssignmentsAreForAssessors,
                "assignments are for assessors and facilitators",
            ),
            (
                F::OnlyAssignedAssessorsScore,
                "only assessors assigned to the idea score it",
            ),
            (F::OwnScorecardFirst, "submit your own scorecard to see the panel's"),
            (
                F::OnlyTheOwnerAnswers,
                "only the challenge's owner or a facilitator answers",
            ),
        ]
    }

    /// Every guard of the current state, with the API's English.
    fn conflict_reasons() -> Vec<(ConflictReason, &'static str)> {
        use ConflictReason as C;
        let state = IdeaState::Qualified;
        vec![
            (C::ChallengeTakesNoIdeas, "the challenge does not take ideas"),
            (C::ChallengeNoLongerTakesIdeas, "the challenge no longer takes ideas"),
            (C::IdeasClosed, "the challenge closed for ideas"),
            (C::InvitationAnswered, "the invitation has been answered"),
            (
                C::TooManyFiles { max: 20 },
                "it holds 20 files, the most it may; remove one first",
            ),
            (
                C::TooManyApiTokens { max: 20 },
                "the account holds 20 API tokens, the most it may; revoke one first",
            ),
            (
                C::TooFewScorecards {
                    submitted: 1,
                    required: 3,
                },
                "1 of 3 required scorecards are in",
            ),
            (C::ArenaClosed, "the arena is closed"),
            (
                C::OwnFacilitatorRole,
                "facilitators cannot remove their own facilitator role",
            ),
            (C::DeactivatingOneself, "facilitators cannot deactivate themselves"),
            (C::AlreadyDeactivated, "the user is already deactivated"),
            (C::UserActive, "the user is active"),
            (C::AccountDeactivated, "the account is deactivated; reactivate it first"),
            (C::NoMail, "this server sends no e-mail (no --smtp-url)"),
            (
                C::MilestonesOutsideIncubation { state },
                "milestones are kept while the idea is in incubation, not qualified",
            ),
            (
                C::SpreadBeforeATest { state },
                "spread activities follow a test, and the idea is qualified",
            ),
            (C::AlreadyErased, "the user's personal data is already erased"),
            (C::LastFacilitator, "the last active facilitator cannot be erased"),
            (
                C::AccountChangedDuringErasure,
                "the account changed during the erasure; try again",
            ),
            (
                C::IdeaChangedDuringErasure,
                "an idea naming the person changed during the erasure; try again",
            ),
            (C::EmailTaken, "that e-mail address is already registered"),
            (
                C::OrganisationNumberTaken,
                "an organisation with that organisation number is already registered",
            ),
            (C::RubricInUse, "the rubric is in use and can no longer change"),
            (C::AlreadyAssigned, "the assessor is already assigned to this idea"),
            (
                C::AssigningOutsideAssessment { state },
                "assessors are assigned while the idea is submitted or in assessment, not qualified",
            ),
            (
                C::ScoringOutsideAssessment { state },
                "scorecards are taken while the idea is in assessment, not qualified",
            ),
            (
                C::ConflictDeclared,
                "a conflict of interest was declared; this assignment cannot score",
            ),
            (C::AssessmentLocked, "the idea is decided; its assessment is locked"),
            (C::AssessmentNotStarted, "the idea's assessment has not started"),
            (
                C::QuestionsClosed,
                "questions are taken while the challenge is published",
            ),
            (C::QuestionAnswered, "the question is already answered"),
            (C::MilestoneDone, "the milestone is already done"),
            (
                C::KeyInProgress,
                "a request with this Idempotency-Key is still in progress; retry once it has been answered",
            ),
            (
                C::KeyBeingClaimed,
                "the Idempotency-Key is being claimed by another request; retry",
            ),
            (
                C::NotTheCurrentPrivacyNotice { current: Some(2) },
                "that is not the privacy notice in force; read version 2 and accept it",
            ),
            (
                C::NotTheCurrentPrivacyNotice { current: None },
                "no privacy notice has been published",
            ),
        ]
    }

    /// The messages that say nothing in particular, which no reason may fall back to.
    fn generic(tr: &Tr) -> [String; 4] {
        [
            tr.t("error-invalid-generic"),
            tr.t("error-forbidden-action"),
            tr.t("error-conflict"),
            tr.t("error-internal"),
        ]
    }

    /// `message` is a translation of its own in `tr`'s language: not a generic sentence,
    /// not the English of the API, and not what the other language says.
    fn assert_translated(message: &str, other: &str, english: &str, tr: &Tr) {
        assert!(!message.trim().is_empty(), "an empty message for {english:?}");
        assert!(
            !generic(tr).iter().any(|g| g == message),
            "{english:?} shows a generic message: {message}"
        );
        assert_ne!(message, english, "{english:?} is not translated");
        assert_ne!(
            message, other,
            "{english:?} reads the same in both languages: {message}"
        );
        assert!(
            !message.contains("error-"),
            "{english:?} names a missing message: {message}"
        );
    }

    #[test]
    fn every_field_problem_has_its_english_and_a_message_in_both_languages() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        for (problem, english) in field_problems() {
            assert_eq!(problem.to_string(), english);
            let error = FieldError::new("field", problem.clone());
            assert_eq!(error.message(), english);
            let (in_sv, in_en) = (field_message(&sv, &problem), field_message(&en, &problem));
            assert_translated(&in_sv, &in_en, english, &sv);
            assert_translated(&in_en, &in_sv, english, &en);
        }
    }

    #[test]
    fn every_forbidden_reason_has_its_english_and_a_message_in_both_languages() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        for (reason, english) in forbidden_reasons() {
            assert_eq!(reason.to_string(), english);
            assert_eq!(ApiError::forbidden(reason).detail(), english);
            assert_eq!(ApiError::from(Refusal::NotPermitted(reason)).detail(), english);
            let (in_sv, in_en) = (forbidden_message(&sv, reason), forbidden_message(&en, reason));
            assert_translated(&in_sv, &in_en, english, &sv);
            assert_translated(&in_en, &in_sv, english, &en);
        }
    }

    #[test]
    fn every_conflict_reason_has_its_english_and_a_message_in_both_languages() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        for (reason, english) in conflict_reasons() {
            assert_eq!(reason.to_string(), english);
            assert_eq!(ApiError::conflict(reason).detail(), english);
            assert_eq!(ApiError::from(Refusal::GuardFailed(reason)).detail(), english);
            let (in_sv, in_en) = (conflict_message(&sv, reason), conflict_message(&en, reason));
            assert_translated(&in_sv, &in_en, english, &sv);
            assert_translated(&in_en, &in_sv, english, &en);
        }
    }

    #[test]
    fn the_numbers_a_reason_carries_are_in_its_message() {
        let en = Tr::new(Lang::En);
        let cases = [
            (field_message(&en, &FieldProblem::TooLong { max: 200 }), "200"),
            (field_message(&en, &FieldProblem::TeamTooLarge { max: 20 }), "20"),
            (
                field_message(&en, &FieldProblem::OutOfRange { min: 1, max: 7 }),
                "1 to 7",
            ),
            (field_message(&en, &FieldProblem::OutsideTheYears), "1 to 9999"),
            (
                conflict_message(
                    &en,
                    ConflictReason::TooFewScorecards {
                        submitted: 2,
                        required: 3,
                    },
                ),
                "2 of the 3",
            ),
        ];
        for (message, number) in cases {
            assert!(message.contains(number), "{message} lacks {number}");
        }
    }
}
