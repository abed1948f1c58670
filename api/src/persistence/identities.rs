//! Accounts known to an OpenID Connect provider, and the sign-ins gone to it (ADR 0036).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::RepoError;
use super::entities::{oidc_logins, user_identities};

/// The account that `(issuer, subject)` signs into, if any.
pub async fn find(
    db: &impl ConnectionTrait,
    issuer: &str,
    subject: &str,
) -> Result<Option<user_identities::Model>, RepoError> {
    Ok(user_identities::Entity::find()
        .filter(user_identities::Column::Issuer.eq(issuer))
        .filter(user_identities::Column::Subject.eq(subject))
        .one(db)
        .await?)
}

/// Links `(issuer, subject)` to the account `user_id`; a pair already linked is a
/// [`RepoError::Conflict`].
pub async fn link(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    issuer: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    user_identities::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        issuer: Set(issuer.to_owned()),
        subject: Set(subject.to_owned()),
        created_at: Set(now),
        last_sign_in_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| RepoError::on_unique(e, sluss_domain::ConflictReason::EmailTaken))?;
    Ok(())
}

/// The identities of `user_id`, oldest first (the personal export).
pub async fn of_user(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<user_identities::Model>, RepoError> {
    Ok(user_identities::Entity::find()
        .filter(user_identities::Column::UserId.eq(user_id))
        .order_by_asc(user_identities::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Notes a sign-in through identity `id`.
pub async fn touch(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), RepoError> {
    user_identities::Entity::update_many()
        .col_expr(user_identities::Column::LastSignInAt, Expr::value(now))
        .filter(user_identities::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets every identity of `user_id` (erasure).
pub async fn forget(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), RepoError> {
    user_identities::Entity::delete_many()
        .filter(user_identities::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A sign-in gone to the provider, waiting for the browser to come back.
#[derive(Debug, Clone)]
pub struct Pending {
    /// `state`.
    pub state: String,
    /// `nonce`.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// Keeps a sign-in under the hash of the browser's cookie until `expires_at`, and
/// removes the expired ones.
pub async fn keep_pending(
    db: &impl ConnectionTrait,
    browser_hash: String,
    pending: Pending,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), RepoError> {
    oidc_logins::Entity::delete_many()
        .filter(oidc_logins::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    oidc_logins::ActiveModel {
        browser_hash: Set(browser_hash),
        state: Set(pending.state),
        nonce: Set(pending.nonce),
        pkce_verifier: Set(pending.pkce_verifier),
        next: Set(pending.next),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes the sign-in kept under `browser_hash` (once: it is removed), if it has not
/// expired.
pub async fn take_pending(
    db: &impl ConnectionTrait,
    browser_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Pending>, RepoError> {
    let row = oidc_logins::Entity::find_by_id(browser_hash.to_owned()).one(db).await?;
    let Some(row) = row else { return Ok(None) };
    let removed = oidc_logins::Entity::delete_many()
        .filter(oidc_logins::Column::BrowserHash.eq(browser_hash))
        .exec(db)
        .await?;
    // Of two answers racing with one cookie, only the one that removed the row goes on.
    if removed.rows_affected == 0 || row.expires_at <= now {
        return Ok(None);
    }
    Ok(Some(Pending {
        state: row.state,
        nonce: row.nonce,
        pkce_verifier: row.pkce_verifier,
        next: row.next,
    }))
}
