//! The inbox (SPEC §11.2).

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use super::obstacles::SubjectType;
use crate::error::ApiError;
use crate::persistence::entities::notifications as rows;
use crate::persistence::stored;

/// Something that happened that concerns the caller.
#[derive(Debug, Clone, Object)]
pub struct Notification {
    /// Identifier.
    pub id: Uuid,
    /// The command that caused it (`submit`, `assign`, `decide`, …).
    pub kind: String,
    /// What it is about.
    pub subject_type: SubjectType,
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// The title of the challenge or idea when it happened.
    pub title: String,
    /// When it happened.
    pub created_at: DateTime<Utc>,
    /// When the caller marked it read; absent while unread.
    pub read_at: Option<DateTime<Utc>>,
}

super::list_page!(NotificationPage, Notification);

impl Notification {
    /// The view of a stored notification.
    pub fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let subject_type = match row.subject_type.as_str() {
            "challenge" => Some(SubjectType::Challenge),
            "idea" => Some(SubjectType::Idea),
            _ => None,
        };
        Ok(Self {
            subject_type: stored(subject_type, "notifications.subject_type", &row.subject_type)?,
            id: row.id,
            kind: row.kind,
            subject_id: row.subject_id,
            title: row.title,
            created_at: row.created_at,
            read_at: row.read_at,
        })
    }
}

/// The answer of `POST /notifications/read-all`.
#[derive(Debug, Clone, Object)]
pub struct MarkedRead {
    /// How many were unread and are read now.
    pub marked: u64,
}
