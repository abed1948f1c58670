//! Bearer sessions. Only the SHA-256 of a token is stored.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::RepoError;
use super::entities::{sessions, users};

/// Stores a new session.
pub async fn create(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), RepoError> {
    sessions::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The active user behind an unexpired session, with the moment the session expires, if
/// any (one query).
pub async fn find_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(users::Model, DateTime<Utc>)>, RepoError> {
    let found = sessions::Entity::find_by_id(token_hash.to_owned())
        .filter(sessions::Column::ExpiresAt.gt(now))
        .find_also_related(users::Entity)
        .filter(users::Column::Active.eq(true))
        .one(db)
        .await?;
    Ok(found.and_then(|(session, user)| user.map(|user| (user, session.expires_at))))
}

/// Ends one session.
pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), RepoError> {
    sessions::Entity::delete_by_id(token_hash.to_owned()).exec(db).await?;
    Ok(())
}

/// Ends every session of a user but the one of `kept` (a token hash), and any expired
/// session.
pub async fn delete_others(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    kept: &str,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    sessions::Entity::delete_many()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(sessions::Column::UserId.eq(user_id))
                        .add(sessions::Column::TokenHash.ne(kept)),
                )
                .add(sessions::Column::ExpiresAt.lte(now)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user, and any expired session.
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), RepoError> {
    sessions::Entity::delete_many()
        .filter(
            Condition::any()
                .add(sessions::Column::UserId.eq(user_id))
                .add(sessions::Column::ExpiresAt.lte(now)),
        )
        .exec(db)
        .await?;
    Ok(())
}
