//! Step 1: challenges.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use sluss_domain::Actor;
use sluss_domain::challenge::{self as rules, ChallengeState};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::challenges as repo;
use crate::persistence::entities::challenges as rows;
use crate::views::people::{Names, OrganisationRef, PersonRef};

/// Where a challenge is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiChallengeState {
    /// Being written.
    Draft,
    /// Waiting for review.
    Submitted,
    /// Sent back with feedback.
    ChangesRequested,
    /// Public, taking ideas.
    Published,
    /// Public, no more ideas.
    Closed,
    /// Filed away.
    Archived,
    /// Taken back.
    Withdrawn,
}

impl From<ChallengeState> for ApiChallengeState {
    fn from(state: ChallengeState) -> Self {
        match state {
            ChallengeState::Draft => Self::Draft,
            ChallengeState::Submitted => Self::Submitted,
            ChallengeState::ChangesRequested => Self::ChangesRequested,
            ChallengeState::Published => Self::Published,
            ChallengeState::Closed => Self::Closed,
            ChallengeState::Archived => Self::Archived,
            ChallengeState::Withdrawn => Self::Withdrawn,
        }
    }
}

impl From<ApiChallengeState> for ChallengeState {
    fn from(state: ApiChallengeState) -> Self {
        match state {
            ApiChallengeState::Draft => Self::Draft,
            ApiChallengeState::Submitted => Self::Submitted,
            ApiChallengeState::ChangesRequested => Self::ChangesRequested,
            ApiChallengeState::Published => Self::Published,
            ApiChallengeState::Closed => Self::Closed,
            ApiChallengeState::Archived => Self::Archived,
            ApiChallengeState::Withdrawn => Self::Withdrawn,
        }
    }
}

/// A need, written up so that innovators can act on it.
#[derive(Debug, Clone, Object)]
pub struct Challenge {
    /// Identifier.
    pub id: Uuid,
    /// The needs-owner.
    pub owner_id: Uuid,
    /// The needs-owner by name, for signed-in viewers (absent for anonymous ones).
    pub owner: Option<PersonRef>,
    /// Title.
    pub title: String,
    /// One-paragraph summary.
    pub summary: String,
    /// The full description.
    pub description: String,
    /// Where the need is.
    pub location: Option<String>,
    /// UN Sustainable Development Goals (1..17).
    pub sdgs: Vec<u8>,
    /// The arena it is published in.
    pub arena_id: Option<Uuid>,
    /// The registered organisation it is owned on behalf of (by default its owner's).
    pub organisation_id: Option<Uuid>,
    /// … and its name.
    pub organisation: Option<OrganisationRef>,
    /// When idea submission closes.
    pub ideas_close_at: Option<DateTime<Utc>>,
    /// Whether assessors are kept from seeing who is behind an idea.
    pub blind_assessment: bool,
    /// The facilitator's latest feedback (shown to the owner and facilitators only).
    pub feedback: Option<String>,
    /// Lifecycle state.
    pub state: ApiChallengeState,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

super::list_page!(ChallengePage, Challenge);

impl Challenge {
    /// The view of a stored challenge for `viewer`: feedback only for insiders, the owner's
    /// name only for signed-in viewers (SPEC §14.1). `names` holds the owner and the
    /// organisation ([`Self::names`]).
    pub fn from_row(row: rows::Model, viewer: Option<&Actor>, names: &Names) -> Result<Self, ApiError> {
        let domain = repo::to_domain(&row)?;
        let insider = rules::is_insider(&domain, viewer);
        Ok(Self {
            id: row.id,
            owner_id: row.owner_id,
            owner: viewer.map(|_| names.person(row.owner_id)),
            organisation: names.organisation(row.organisation_id),
            title: row.title,
            summary: row.summary,
            description: row.description,
            location: row.location,
            sdgs: repo::sdgs_from_stored(&row.sdgs)?,
            arena_id: row.arena_id,
            organisation_id: row.organisation_id,
            ideas_close_at: row.ideas_close_at,
            blind_assessment: row.blind_assessment,
            feedback: if insider { row.feedback } else { None },
            state: domain.state.into(),
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    /// The names the views of `rows` for `viewer` show: their organisations, and their
    /// owners for a signed-in viewer (an anonymous one reads no account).
    pub async fn names(
        db: &impl sea_orm::ConnectionTrait,
        rows: &[rows::Model],
        viewer: Option<&Actor>,
    ) -> Result<Names, ApiError> {
        let owners = rows.iter().filter(|_| viewer.is_some()).map(|row| row.owner_id);
        Names::read(db, owners, rows.iter().map(|row| row.organisation_id)).await
    }
}
