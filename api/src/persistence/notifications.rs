//! The notification outbox and inbox (SPEC §11.1–11.2).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryTrait, Set};
use uuid::Uuid;

use super::entities::notifications;
use super::{Deferring, Page, RepoError, keyset_page};

/// One person told of one accepted command.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    /// Who is told.
    pub recipient_id: Uuid,
    /// The command (`submit`, `assign`, …).
    pub kind: &'a str,
    /// `challenge` or `idea`: the page it leads to.
    pub subject_type: &'a str,
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// The subject's title when it happened.
    pub title: &'a str,
    /// When.
    pub at: DateTime<Utc>,
}

/// Stores a notification in the transaction of the command that caused it; its id.
pub async fn insert(db: &impl Deferring, notification: NewNotification<'_>) -> Result<Uuid, RepoError> {
    let id = Uuid::now_v7();
    let row = notifications::ActiveModel {
        id: Set(id),
        recipient_id: Set(notification.recipient_id),
        kind: Set(notification.kind.to_owned()),
        subject_type: Set(notification.subject_type.to_owned()),
        subject_id: Set(notification.subject_id),
        title: Set(notification.title.chars().take(200).collect()),
        created_at: Set(notification.at),
        read_at: Set(None),
    };
    db.defer(notifications::Entity::insert(row).build(db.get_database_backend()))
        .await?;
    Ok(id)
}

/// A page of `recipient_id`'s notifications, newest first; only the unread ones with
/// `unread_only`.
pub async fn list(
    db: &impl ConnectionTrait,
    recipient_id: Uuid,
    unread_only: bool,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<notifications::Model>, RepoError> {
    let mut select = notifications::Entity::find().filter(notifications::Column::RecipientId.eq(recipient_id));
    if unread_only {
        select = select.filter(notifications::Column::ReadAt.is_null());
    }
    keyset_page(db, select, notifications::Column::Id, |n| n.id, after, limit).await
}

/// One notification.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<notifications::Model>, RepoError> {
    Ok(notifications::Entity::find_by_id(id).one(db).await?)
}

/// How many of `recipient_id`'s notifications are unread.
pub async fn unread_count(db: &impl ConnectionTrait, recipient_id: Uuid) -> Result<u64, RepoError> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::RecipientId.eq(recipient_id))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks one of `recipient_id`'s notifications read (once: a second time keeps the first
/// time); the row, or `None` when it is not theirs.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    recipient_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<notifications::Model>, RepoError> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(now))
        .filter(notifications::Column::Id.eq(id))
        .filter(notifications::Column::RecipientId.eq(recipient_id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(notifications::Entity::find_by_id(id)
        .filter(notifications::Column::RecipientId.eq(recipient_id))
        .one(db)
        .await?)
}

/// Marks every unread notification of `recipient_id` read; how many.
pub async fn mark_all_read(
    db: &impl ConnectionTrait,
    recipient_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, RepoError> {
    Ok(notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(now))
        .filter(notifications::Column::RecipientId.eq(recipient_id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes every notification of `recipient_id` (the erasure of a person).
pub async fn delete_for(db: &impl ConnectionTrait, recipient_id: Uuid) -> Result<(), RepoError> {
    notifications::Entity::delete_many()
        .filter(notifications::Column::RecipientId.eq(recipient_id))
        .exec(db)
        .await?;
    Ok(())
}
