//! The append-only event log: every accepted command, in the same transaction as its change.
//! Commands append through the journal (`app::journal`), which hands each event on to its
//! followers.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, QueryTrait, Set};
use uuid::Uuid;

pub use super::NewEvent;
use super::entities::events;
use super::{Deferring, RepoError};

/// Appends one event.
pub async fn append(db: &impl Deferring, event: &NewEvent<'_>) -> Result<(), RepoError> {
    let row = events::ActiveModel {
        seq: NotSet,
        subject_type: Set(event.kind.subject().to_owned()),
        subject_id: Set(event.subject_id),
        command: Set(event.kind.as_str().to_owned()),
        from_state: Set(event.from_state.map(str::to_owned)),
        to_state: Set(event.to_state.to_owned()),
        actor_id: Set(event.actor_id),
        at: Set(event.at),
        payload: Set(event.payload.to_string()),
    };
    Ok(db
        .defer(events::Entity::insert(row).build(db.get_database_backend()))
        .await?)
}

/// Every event of one subject, oldest first.
pub async fn for_subject(db: &impl ConnectionTrait, subject_id: Uuid) -> Result<Vec<events::Model>, RepoError> {
    Ok(events::Entity::find()
        .filter(events::Column::SubjectId.eq(subject_id))
        .order_by_asc(events::Column::Seq)
        .all(db)
        .await?)
}
