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
}

super::list_page!(ObstaclePage, Obstacle);

impl Obstacle {
    /// The view of a stored obstacle.
    pub fn from_row(row: rows::Model) -> Result<Self, ApiError> {
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
        })
    }
}
