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
        P::NotScored => tr.t("error-must-be-scored"),
        P::NotACriterion => tr.t("error-not-a-criterion"),
        P::AssessorDeactivated => tr.t("error-assessor-deactivated"),
        P::NotAnAssessor => tr.t("error-not-assessor"),
        P::ConflictInnovator => tr.t("error-conflict-innovator"),
        P::ConflictOwner => tr.t("error-conflict-owner"),
        P::ConflictOrganisation => tr.t("error-conflict-organisation"),
        P::NotAnAbsoluteUrl => tr.t("error-url-absolute"),
        P::NoHost => tr.t("error-url-host"),
        P::CredentialsInUrl => tr.t("error-url-credentials"),
        P::FragmentInUrl => tr.t("error-url-fragment"),
        P::HostUnresolved { host } => tr.t_with("error-url-unresolved", &[("host", host.as_str().into())]),
        P::AddressRefused { address, .. } => tr.t_with("error-url-address", &[("address", address.to_string().into())]),
        P::TooManyEntries { max } => tr.t_with("error-too-many-entries", &n(*max)),
        P::UnknownEvents { names } => tr.t_with("error-unknown-events", &[("names", names.join(", ").into())]),
        P::KeyReused => tr.t("error-idempotency-key-reused"),
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
    }
}

