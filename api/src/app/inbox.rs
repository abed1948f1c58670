//! A person's inbox (SPEC §11.2): their own notifications, newest first, read and unread.

use chrono::Utc;
use sluss_domain::Actor;
use uuid::Uuid;

use super::{page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::notifications as repo;
use crate::persistence::written::Tables;
use crate::state::AppState;
use crate::views::notifications::{MarkedRead, Notification, NotificationPage};

/// The caller's notifications, newest first; only the unread with `unread_only`.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    unread_only: bool,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<NotificationPage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let page = repo::list(&state.db, actor.id.as_uuid(), unread_only, after, limit).await?;
    Ok(to_list_page(page, Notification::from_row)?.into())
}

/// How many of the caller's notifications are unread, for the header of every page. Kept
/// until a write to the tables notifications are among.
pub async fn unread_count(state: &AppState, actor: &Actor) -> Result<u64, ApiError> {
    let key = format!("unread {}", actor.id.as_uuid());
    let read = async { Ok(repo::unread_count(&state.db, actor.id.as_uuid()).await?) };
    state.reads.value(key, Tables::OTHER, read).await
}

/// Marks one of the caller's notifications read (404 for anyone else's).
pub async fn mark_read(state: &AppState, actor: &Actor, id: Uuid) -> Result<Notification, ApiError> {
    let tx = state.begin_write().await?;
    let row = repo::mark_read(&tx, actor.id.as_uuid(), id, Utc::now())
        .await?
        .ok_or_else(ApiError::not_found)?;
    tx.commit().await?;
    Notification::from_row(row)
}

/// Marks every unread notification of the caller read.
pub async fn mark_all_read(state: &AppState, actor: &Actor) -> Result<MarkedRead, ApiError> {
    let tx = state.begin_write().await?;
    let marked = repo::mark_all_read(&tx, actor.id.as_uuid(), Utc::now()).await?;
    tx.commit().await?;
    Ok(MarkedRead { marked })
}
