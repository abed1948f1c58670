//! Failure counting for login and registration throttling. Kept in the database so that
//! several `sluss` processes behind one load balancer share the count.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::RepoError;
use super::entities::auth_failures;

/// Records one failure (or attempt) under `key` and forgets that key's failures older than
/// `since`; the new row's id.
pub async fn record(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
) -> Result<i64, RepoError> {
    auth_failures::Entity::delete_many()
        .filter(auth_failures::Column::Key.eq(key))
        .filter(auth_failures::Column::At.lt(since))
        .exec(db)
        .await?;
    let row = auth_failures::ActiveModel {
        id: NotSet,
        key: Set(key.to_owned()),
        at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Takes back the rows `ids` (attempts that were refused, or that succeeded).
pub async fn remove(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), RepoError> {
    if ids.is_empty() {
        return Ok(());
    }
    auth_failures::Entity::delete_many()
        .filter(auth_failures::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// The number of failures under `key` since `since`, and the oldest of them.
pub async fn count_since(
    db: &impl ConnectionTrait,
    key: &str,
    since: DateTime<Utc>,
) -> Result<(u64, Option<DateTime<Utc>>), RepoError> {
    let recent = auth_failures::Entity::find()
        .filter(auth_failures::Column::Key.eq(key))
        .filter(auth_failures::Column::At.gte(since));
    let count = recent.clone().count(db).await?;
    if count == 0 {
        return Ok((0, None));
    }
    let oldest = recent.order_by_asc(auth_failures::Column::At).one(db).await?;
    Ok((count, oldest.map(|row| row.at)))
}

/// Forgets every failure under `key` (after a successful login).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), RepoError> {
    auth_failures::Entity::delete_many()
        .filter(auth_failures::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}
