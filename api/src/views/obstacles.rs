//! The obstacle diary.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::obstacles as rows;
use crate::persistence::stored;

/// What an obstacle or a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SubjectType {
    /// A challenge.
    Challenge,
    /// An idea.
    Idea,
}

/// What kind of obstacle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ObstacleCategory {
    /// Laws and rules.
    Regulation,
    /// Public procurement.
    Procurement,
    /// How organisations are set up.
    Organisation,
    /// Habits and attitudes.
    Culture,
    /// Missing know-how.
    Competence,
    /// Money.
    Financing,
    /// Access to data.
    Data,
    /// Something else.
    Other,
}

/// Every category with its stored name.
pub const CATEGORIES: [(ObstacleCategory, &str); 8] = [
    (ObstacleCategory::Regulation, "regulation"),
    (ObstacleCategory::Procurement, "procurement"),
    (ObstacleCategory::Organisation, "organisation"),
    (ObstacleCategory::Culture, "culture"),
    (ObstacleCategory::Competence, "competence"),
    (ObstacleCategory::Financing, "financing"),
    (ObstacleCategory::Data, "data"),
    (ObstacleCategory::Other, "other"),
];

/// The stored name of a category.
pub fn category_name(category: ObstacleCategory) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map_or("other", |(_, name)| name)
}

/// Where an obstacle stands (SPEC §18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ObstacleState {
    /// In the diary, not raised.
    Logged,
    /// Raised to a body that can act.
    Raised,
    /// That body has answered.
    Answered,
    /// Nothing more is done about it.
    Closed,
}

impl From<sluss_domain::obstacle::ObstacleState> for ObstacleState {
    fn from(state: sluss_domain::obstacle::ObstacleState) -> Self {
        use sluss_domain::obstacle::ObstacleState as S;
        match state {
            S::Logged => Self::Logged,
            S::Raised => Self::Raised,
            S::Answered => Self::Answered,
            S::Closed => Self::Closed,
        }
    }
}

fn state_of(row: &rows::Model) -> Result<sluss_domain::obstacle::ObstacleState, ApiError> {
    Ok(stored(
        sluss_domain::obstacle::ObstacleState::parse(&row.state),
        "obstacles.state",
        &row.state,
    )?)
}

/// An entry of the obstacle diary.
#[derive(Debug, Clone, Object)]
pub struct Obstacle {
    /// Identifier.
    pub id: Uuid,
    /// What it is about.
    pub subject_type: SubjectType,
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// Kind of obstacle.
    pub category: ObstacleCategory,
    /// What happened.
    pub description: String,
    /// The step it blocked (1..5).
    pub step: i16,
    /// Who logged it.
    pub reported_by: Uuid,
    /// When.
    pub reported_at: DateTime<Utc>,
    /// Where it stands.
    pub state: ObstacleState,
    /// The body it was raised to.
    pub raised_to: Option<String>,
    /// What that body was asked.
    pub brief: Option<String>,
    /// Its answer.
    pub answer: Option<String>,
    /// When it was raised.
    pub raised_at: Option<DateTime<Utc>>,
    /// When the answer was recorded.
    pub answered_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The first obstacle of the group it is the same issue as, or `null`.
    pub same_as: Option<Uuid>,
    /// Version, for `If-Match`.
    pub version: i64,
}

super::list_page!(ObstaclePage, Obstacle);

/// An obstacle on the public record of those raised (SPEC §18): never who logged it, nor
/// the title of the challenge or idea it was met on.
#[derive(Debug, Clone, Object)]
pub struct RaisedObstacle {
    /// Identifier.
    pub id: Uuid,
    /// Kind of obstacle.
    pub category: ObstacleCategory,
    /// The step it blocked (1..5).
    pub step: i16,
    /// Where it stands: raised, answered or closed.
    pub state: ObstacleState,
    /// The body it was raised to.
    pub raised_to: String,
    /// What that body was asked.
    pub brief: String,
    /// Its answer, once given.
    pub answer: Option<String>,
    /// When it was raised.
    pub raised_at: DateTime<Utc>,
    /// When the answer was recorded.
    pub answered_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The first obstacle of the group it is the same issue as, or `null`.
    pub same_as: Option<Uuid>,
}

super::list_page!(RaisedObstaclePage, RaisedObstacle);

impl RaisedObstacle {
    /// The public view of a stored obstacle, which must have been raised.
    pub fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let state = state_of(&row)?;
        let raised_at = stored(row.raised_at, "obstacles.raised_at", "null")?;
        let raised_to = stored(row.raised_to.clone(), "obstacles.raised_to", "null")?;
        let brief = stored(row.brief.clone(), "obstacles.brief", "null")?;
        let diary = Obstacle::from_row(row)?;
        Ok(Self {
            id: diary.id,
            category: diary.category,
            step: diary.step,
            state: state.into(),
            raised_to,
            brief,
            answer: diary.answer,
            raised_at,
            answered_at: diary.answered_at,
            closed_at: diary.closed_at,
            same_as: diary.same_as,
        })
    }
}

impl Obstacle {
    /// The view of a stored obstacle.
    pub fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let state = state_of(&row)?;
        let category = CATEGORIES.iter().find(|(_, n)| *n == row.category).map(|(c, _)| *c);
        let subject_type = match row.subject_type.as_str() {
            "challenge" => Some(SubjectType::Challenge),
            "idea" => Some(SubjectType::Idea),
            _ => None,
        };
        Ok(Self {
            category: stored(category, "obstacles.category", &row.category)?,
            subject_type: stored(subject_type, "obstacles.subject_type", &row.subject_type)?,
            id: row.id,
            subject_id: row.subject_id,
            description: row.description,
            step: row.step,
            reported_by: row.reported_by,
            reported_at: row.reported_at,
            state: state.into(),
            raised_to: row.raised_to,
            brief: row.brief,
            answer: row.answer,
            raised_at: row.raised_at,
            answered_at: row.answered_at,
            closed_at: row.closed_at,
            same_as: row.same_as,
            version: row.version,
        })
    }
}
