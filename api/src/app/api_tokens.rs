//! Personal API tokens (SPEC §16): a signed-in person of any role makes tokens that act as
//! them, for scripts and for cities that turn password sign-in off. A token is resolved
//! where session tokens are ([`auth::authenticate`](crate::auth::authenticate)), so a
//! deactivated or erased account's tokens stop with its sessions. Tokens do not expire;
//! their owner revokes them, and an account holds at most [`MAX_TOKENS`]. See ADR 0037.

use chrono::{DateTime, Duration, Utc};
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, ConflictReason, Refusal};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::api_tokens as repo;
use crate::session::new_token;
use crate::state::AppState;
use crate::views::api_tokens::{ApiToken, NewApiToken};

/// The most tokens one account holds (409 beyond).
pub const MAX_TOKENS: usize = 20;

/// How stale `last_used_at` may be: a use is written at most once per this time, so that
/// a busy script does not write on every request.
pub const LAST_USED_GRAIN: Duration = Duration::hours(1);

/// Creates a token named `name` (1 to 100 characters on one line, 422 otherwise) for the
/// caller: its secret is in the answer and nowhere else. 409 when the account holds
/// [`MAX_TOKENS`].
pub async fn create(state: &AppState, actor: &Actor, name: &str) -> Result<NewApiToken, ApiError> {
    let mut checks = Checks::new();
    let name = checks.required_name("name", name, 100);
    checks.finish().map_err(Refusal::Invalid)?;
    let user_id = actor.id.as_uuid();
    let now = Utc::now();
    let (token, token_hash) = new_token();
    let tx = state.begin_write().await?;
    // Counted in the write transaction, so two concurrent creations cannot both pass.
    let held = repo::count(&tx, user_id).await?;
    if held >= MAX_TOKENS as u64 {
        return Err(ApiError::conflict(ConflictReason::TooManyApiTokens { max: MAX_TOKENS }));
    }
    let row = repo::create(&tx, user_id, name, token_hash, now).await?;
    tx.commit().await?;
    Ok(NewApiToken {
        id: row.id,
        name: row.name,
        token,
        created_at: row.created_at,
    })
}

/// The caller's tokens, oldest first, without their secrets.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<ApiToken>, ApiError> {
    Ok(repo::list(&state.db, actor.id.as_uuid())
        .await?
        .into_iter()
        .map(ApiToken::from)
        .collect())
}

/// Revokes the caller's token `id` at once; 404 when the caller has no such token.
pub async fn revoke(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    let tx = state.begin_write().await?;
    if !repo::delete(&tx, actor.id.as_uuid(), id).await? {
        return Err(ApiError::not_found());
    }
    tx.commit().await?;
    Ok(())
}

/// Notes a use of token `id`, last noted at `last_used_at`, when that is older than
/// [`LAST_USED_GRAIN`].
pub async fn note_use(
    state: &AppState,
    id: Uuid,
    last_used_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if last_used_at.is_some_and(|at| now - at < LAST_USED_GRAIN) {
        return Ok(());
    }
    let tx = state.begin_write().await?;
    repo::touch(&tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}
