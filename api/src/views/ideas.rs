//! Step 2 on: innovators' ideas.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use sluss_domain::UserId;
use sluss_domain::idea::{DecisionOutcome, IdeaState, TestOutcome};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::{ideas as rows, team_invitations};
use crate::persistence::ideas as repo;
use crate::persistence::invitations::{self, Status};
use crate::persistence::{challenges, stored};
use crate::views::people::{Innovator, Names};

/// Where an idea is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiIdeaState {
    /// Being written.
    Draft,
    /// Sent to the challenge.
    Submitted,
    /// Being scored.
    InAssessment,
    /// Chosen for the next step.
    Qualified,
    /// Not chosen.
    NotQualified,
    /// In incubation.
    InIncubation,
    /// Being tested.
    InTesting,
    /// Test done.
    Completed,
    /// Stopped by the team.
    Discontinued,
    /// Taken back.
    Withdrawn,
    /// Paused by the team; resumes to the state it was held from.
    OnHold,
}

impl From<IdeaState> for ApiIdeaState {
    fn from(state: IdeaState) -> Self {
        match state {
            IdeaState::Draft => Self::Draft,
            IdeaState::Submitted => Self::Submitted,
            IdeaState::InAssessment => Self::InAssessment,
            IdeaState::Qualified => Self::Qualified,
            IdeaState::NotQualified => Self::NotQualified,
            IdeaState::InIncubation => Self::InIncubation,
            IdeaState::InTesting => Self::InTesting,
            IdeaState::Completed => Self::Completed,
            IdeaState::Discontinued => Self::Discontinued,
            IdeaState::Withdrawn => Self::Withdrawn,
            IdeaState::OnHold => Self::OnHold,
        }
    }
}

impl From<ApiIdeaState> for IdeaState {
    fn from(state: ApiIdeaState) -> Self {
        match state {
            ApiIdeaState::Draft => Self::Draft,
            ApiIdeaState::Submitted => Self::Submitted,
            ApiIdeaState::InAssessment => Self::InAssessment,
            ApiIdeaState::Qualified => Self::Qualified,
            ApiIdeaState::NotQualified => Self::NotQualified,
            ApiIdeaState::InIncubation => Self::InIncubation,
            ApiIdeaState::InTesting => Self::InTesting,
            ApiIdeaState::Completed => Self::Completed,
            ApiIdeaState::Discontinued => Self::Discontinued,
            ApiIdeaState::Withdrawn => Self::Withdrawn,
            ApiIdeaState::OnHold => Self::OnHold,
        }
    }
}

/// The outcome of assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiDecisionOutcome {
    /// Goes on.
    Qualified,
    /// Stops here.
    NotQualified,
}

impl From<DecisionOutcome> for ApiDecisionOutcome {
    fn from(outcome: DecisionOutcome) -> Self {
        match outcome {
            DecisionOutcome::Qualified => Self::Qualified,
            DecisionOutcome::NotQualified => Self::NotQualified,
        }
    }
}

impl From<ApiDecisionOutcome> for DecisionOutcome {
    fn from(outcome: ApiDecisionOutcome) -> Self {
        match outcome {
            ApiDecisionOutcome::Qualified => Self::Qualified,
            ApiDecisionOutcome::NotQualified => Self::NotQualified,
        }
    }
}

/// A co-applicant.
#[derive(Debug, Clone, PartialEq, Eq, Object, serde::Serialize, serde::Deserialize)]
pub struct TeamMember {
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// The registered organisation the member comes from, if named (SPEC §12).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    /// The answer to the invitation the address was sent when the team was saved (SPEC
    /// §14.2); absent for an entry saved before invitations were sent.
    #[oai(read_only, skip_serializing_if_is_none)]
    #[serde(skip)]
    pub status: Option<ApiInvitationStatus>,
    /// The account that accepted.
    #[oai(read_only, skip_serializing_if_is_none)]
    #[serde(skip)]
    pub user_id: Option<Uuid>,
}

impl TeamMember {
    /// A member as typed: name, address and organisation, no answer yet.
    pub fn new(name: String, email: String, organisation_id: Option<Uuid>) -> Self {
        Self {
            name,
            email,
            organisation_id,
            status: None,
            user_id: None,
        }
    }
}

/// The answer to a team invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiInvitationStatus {
    /// Told, not yet answered.
    Invited,
    /// Accepted: the member acts with the innovator.
    Accepted,
    /// Declined.
    Declined,
}

impl From<Status> for ApiInvitationStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Invited => Self::Invited,
            Status::Accepted => Self::Accepted,
            Status::Declined => Self::Declined,
        }
    }
}

/// What the views of some ideas name: the people behind them and the answers of their
/// teams' invitations.
#[derive(Debug)]
pub struct IdeaNames {
    /// The innovators, with their organisations.
    pub people: Names,
    invitations: HashMap<Uuid, Vec<team_invitations::Model>>,
}

/// The team's decision and why.
#[derive(Debug, Clone, Object)]
pub struct Decision {
    /// Qualified or not.
    pub outcome: ApiDecisionOutcome,
    /// Why, for the innovator.
    pub feedback: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// An innovator's answer to a challenge.
#[derive(Debug, Clone, Object)]
pub struct Idea {
    /// Identifier.
    pub id: Uuid,
    /// The challenge it answers.
    pub challenge_id: Uuid,
    /// Its innovator (absent for assessors when the challenge's assessment is blind).
    pub innovator_id: Option<Uuid>,
    /// … by name, with their organisation (absent where `innovator_id` is).
    pub innovator: Option<Innovator>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Co-applicants (empty for assessors when the challenge's assessment is blind).
    pub team: Vec<TeamMember>,
    /// Whether the challenge's assessment is blind.
    pub blind_assessment: bool,
    /// UN Sustainable Development Goals (1..17).
    pub sdgs: Vec<u8>,
    /// Lifecycle state.
    pub state: ApiIdeaState,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The decision, once assessed.
    pub decision: Option<Decision>,
    /// When it was first submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

super::list_page!(IdeaPage, Idea);

impl Idea {
    /// The accounts that write it, as far as this view shows them: its innovator and the
    /// team members who accepted.
    pub fn authors(&self) -> Vec<UserId> {
        self.innovator_id
            .into_iter()
            .chain(
                self.team
                    .iter()
                    .filter(|member| member.status == Some(ApiInvitationStatus::Accepted))
                    .filter_map(|member| member.user_id),
            )
            .map(UserId)
            .collect()
    }

    /// The names the views of `rows` show: their innovators, and their teams' answers.
    pub async fn names(db: &impl sea_orm::ConnectionTrait, rows: &[rows::Model]) -> Result<IdeaNames, ApiError> {
        let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
        Ok(IdeaNames {
            people: Names::read(db, rows.iter().map(|row| row.innovator_id), []).await?,
            invitations: invitations::of_ideas(db, &ids).await?,
        })
    }

    /// The API form of a stored idea; `hide_identity` drops who is behind it. `names` holds
    /// the innovator ([`Self::names`]).
    pub fn from_row(row: rows::Model, hide_identity: bool, names: &IdeaNames) -> Result<Self, ApiError> {
        let state = repo::state_of(&row)?;
        let mut team: Vec<TeamMember> = stored(serde_json::from_str(&row.team).ok(), "ideas.team", &row.team)?;
        let answers = names.invitations.get(&row.id).map(Vec::as_slice).unwrap_or_default();
        for member in &mut team {
            let key = invitations::email_key(&member.email);
            if let Some(answer) = answers.iter().find(|answer| answer.email_key == key) {
                member.status = Some(invitations::status_of(answer)?.into());
                member.user_id = answer.user_id;
            }
        }
        let decision = match (row.decision_outcome.as_deref(), row.decision_feedback, row.decided_at) {
            (Some(outcome), Some(feedback), Some(decided_at)) => Some(Decision {
                outcome: stored(DecisionOutcome::parse(outcome), "ideas.decision_outcome", outcome)?.into(),
                feedback,
                decided_at,
            }),
            _ => None,
        };
        Ok(Self {
            id: row.id,
            challenge_id: row.challenge_id,
            innovator_id: (!hide_identity).then_some(row.innovator_id),
            innovator: (!hide_identity).then(|| names.people.innovator(row.innovator_id)),
            title: row.title,
            summary: row.summary,
            description: row.description,
            team: if hide_identity { Vec::new() } else { team },
            blind_assessment: row.blind_assessment,
            sdgs: challenges::sdgs_from_stored(&row.sdgs)?,
            state: state.into(),
            version: row.version,
            decision,
            submitted_at: row.submitted_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiTestOutcome {
    /// The host adopts the solution.
    Adopted,
    /// Adopted and spread to more sites.
    Scaled,
    /// Promising; needs more work.
    NeedsFurtherDevelopment,
    /// Not adopted.
    NotAdopted,
}

impl From<ApiTestOutcome> for TestOutcome {
    fn from(outcome: ApiTestOutcome) -> Self {
        match outcome {
            ApiTestOutcome::Adopted => Self::Adopted,
            ApiTestOutcome::Scaled => Self::Scaled,
            ApiTestOutcome::NeedsFurtherDevelopment => Self::NeedsFurtherDevelopment,
            ApiTestOutcome::NotAdopted => Self::NotAdopted,
        }
    }
}

impl From<TestOutcome> for ApiTestOutcome {
    fn from(outcome: TestOutcome) -> Self {
        match outcome {
            TestOutcome::Adopted => Self::Adopted,
            TestOutcome::Scaled => Self::Scaled,
            TestOutcome::NeedsFurtherDevelopment => Self::NeedsFurtherDevelopment,
            TestOutcome::NotAdopted => Self::NotAdopted,
        }
    }
}
