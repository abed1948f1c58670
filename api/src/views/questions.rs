//! Step 2: questions on published challenges.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::questions as rows;

/// An answer to a question.
#[derive(Debug, Clone, Object)]
pub struct Answer {
    /// The answer.
    pub text: String,
    /// Who answered.
    pub answered_by: Uuid,
    /// When.
    pub answered_at: DateTime<Utc>,
}

/// A question asked about a challenge.
#[derive(Debug, Clone, Object)]
pub struct Question {
    /// Identifier.
    pub id: Uuid,
    /// The challenge asked about.
    pub challenge_id: Uuid,
    /// The question.
    pub text: String,
    /// Who asked; null on a blind challenge except for the innovation team, the
    /// challenge's needs-owner and the asker (an innovator may have asked, and assessors
    /// must not learn who is behind an idea).
    pub asked_by: Option<Uuid>,
    /// When.
    pub asked_at: DateTime<Utc>,
    /// The answer, once given.
    pub answer: Option<Answer>,
}

super::list_page!(QuestionPage, Question);

impl Question {
    /// The view of a stored question.
    pub fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let answer = match (row.answer_text, row.answered_by, row.answered_at) {
            (Some(text), Some(answered_by), Some(answered_at)) => Some(Answer {
                text,
                answered_by,
                answered_at,
            }),
            _ => None,
        };
        Ok(Self {
            id: row.id,
            challenge_id: row.challenge_id,
            text: row.text,
            asked_by: Some(row.asked_by),
            asked_at: row.asked_at,
            answer,
        })
    }
}
