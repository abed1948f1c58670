//! When an account was last used (SPEC §16 retention, ADR 0038): every sign-in writes it
//! down, and so does the use of a token, at most once a day per account so that a request
//! costs no write.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::users as user_rows;
use crate::persistence::jobs;
use crate::state::AppState;

/// How stale the recorded use of an account may be before a token's use writes it again.
pub const TOKEN_USE_RECORDED_EVERY: Duration = Duration::days(1);

/// Records a sign-in of `user_id` at `now`, in the transaction `db` that opens the session.
/// Every way of signing in calls this (password, and any other that opens a session).
pub async fn signed_in(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), ApiError> {
    jobs::touch(db, user_id, now).await?;
    Ok(())
}

/// Records that `user` (as just read with its session) used a token at `now`, unless its use
/// was recorded within [`TOKEN_USE_RECORDED_EVERY`]. A failure is logged, never the
/// request's: the request itself is allowed either way.
pub async fn token_used(state: &AppState, user: &user_rows::Model, now: DateTime<Utc>) {
    if user
        .last_active_at
        .is_some_and(|at| now - at < TOKEN_USE_RECORDED_EVERY)
    {
        return;
    }
    let written = async {
        let tx = state.begin_write().await?;
        jobs::touch(&tx, user.id, now).await?;
        tx.commit().await?;
        Ok::<(), ApiError>(())
    };
    if let Err(error) = written.await {
        tracing::warn!(%error, user.id = %user.id, "the use of an account could not be recorded");
    }
}
