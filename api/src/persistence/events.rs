//! The append-only event log: every accepted command, in the same transaction as its change.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, QueryTrait, Set};
use uuid::Uuid;

pub use super::NewEvent;
use super::entities::events;
use super::{Deferring, RepoError};

/// Appends one event.
pub async fn append(db: &impl Deferring, event: NewEvent<'_>) -> Result<(), RepoError> {
    let row = events::ActiveModel {
        seq: NotSet,
        subject_type: Set(event.subject_type.to_owned()),
        subject_id: Set(event.subject_id),
        command: Set(event.command.to_owned()),
        from_state: Set(event.from_state.map(str::to_owned)),
        to_state: Set(event.to_state.to_owned()),
        actor_id: Set(event.actor_id),
        at: Set(event.at),
        payload: Set(event.payload.to_string()),
    };
    db.defer(events::Entity::insert(row).build(db.get_database_backend()))
        .await?;
    super::reports::follow(db, &event).await
}

/// Every event of one subject, oldest first.
pub async fn for_subject(db: &impl ConnectionTrait, subject_id: Uuid) -> Result<Vec<events::Model>, RepoError> {
    Ok(events::Entity::find()
        .filter(events::Column::SubjectId.eq(subject_id))
        .order_by_asc(events::Column::Seq)
        .all(db)
        .await?)
}

/// Records events about one subject by one actor at one time.
#[derive(Debug, Clone, Copy)]
pub struct Recorder {
    subject_type: &'static str,
    subject_id: Uuid,
    actor_id: Uuid,
    at: DateTime<Utc>,
}

impl Recorder {
    /// A recorder for `subject_type`/`subject_id`, acted on by `actor_id` at `at`.
    pub fn new(subject_type: &'static str, subject_id: Uuid, actor_id: Uuid, at: DateTime<Utc>) -> Self {
        Self {
            subject_type,
            subject_id,
            actor_id,
            at,
        }
    }

    /// Appends one event.
    pub async fn record(
        &self,
        db: &impl Deferring,
        command: &str,
        from_state: Option<&str>,
        to_state: &str,
        payload: serde_json::Value,
    ) -> Result<(), RepoError> {
        append(
            db,
            NewEvent {
                subject_type: self.subject_type,
                subject_id: self.subject_id,
                command,
                from_state,
                to_state,
                actor_id: self.actor_id,
                at: self.at,
                payload,
            },
        )
        .await
    }
}
