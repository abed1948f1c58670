//! Matching arenas: facilitators create, edit, open and close them; open arenas are public.

use chrono::{DateTime, Utc};
use sea_orm::Set;
use sluss_domain::arena::{self as rules, ArenaCommand, ArenaState};
use sluss_domain::event::ArenaEventKind;
use sluss_domain::validate::{Checks, DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX};
use sluss_domain::{Actor, Refusal};
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use super::{Expected, check_version, page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::arenas as repo;
use crate::persistence::entities::arenas as rows;
use crate::state::AppState;
use crate::views::arenas::{Arena, ArenaKind, ArenaPage};

/// A new arena, planned.
#[derive(Debug, Clone)]
pub struct NewArena {
    /// Name.
    pub name: String,
    /// How it meets.
    pub kind: ArenaKind,
    /// What it is about.
    pub description: String,
    /// Where it meets.
    pub location: Option<String>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends (not before it starts).
    pub ends_at: Option<DateTime<Utc>>,
}

/// An edit of an arena: `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ArenaPatch {
    /// Name.
    pub name: Option<String>,
    /// How it meets.
    pub kind: Option<ArenaKind>,
    /// What it is about.
    pub description: Option<String>,
    /// Where it meets.
    pub location: Option<Option<String>>,
    /// When it starts.
    pub starts_at: Option<Option<DateTime<Utc>>>,
    /// When it ends.
    pub ends_at: Option<Option<DateTime<Utc>>>,
}

/// The arenas `viewer` may see (open and closed ones for everyone), newest first.
pub async fn list(
    state: &AppState,
    viewer: Option<&Actor>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<ArenaPage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let visible: Vec<ArenaState> = ArenaState::ALL
        .into_iter()
        .filter(|s| rules::can_view(*s, viewer))
        .collect();
    let page = repo::list(&state.db, Some(&visible), after, limit).await?;
    Ok(to_list_page(page, Arena::from_row)?.into())
}

/// One arena, if `viewer` may see it.
pub async fn get(state: &AppState, viewer: Option<&Actor>, id: Uuid) -> Result<Arena, ApiError> {
    let row = repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    if !rules::can_view(repo::state_of(&row)?, viewer) {
        return Err(ApiError::not_found());
    }
    Arena::from_row(row)
}

/// Creates an arena, planned (facilitators).
pub async fn create(state: &AppState, actor: &Actor, input: NewArena) -> Result<Arena, ApiError> {
    rules::authorize_create(actor)?;
    let mut checks = Checks::new();
    let name = checks.required_text("name", &input.name, TITLE_MAX);
    let description = checks.draft_text("description", &input.description, DESCRIPTION_MAX);
    let location = checks.optional_text("location", input.location.as_deref(), LOCATION_MAX);
    rules::check_period(&mut checks, input.starts_at, input.ends_at);
    checks.finish().map_err(Refusal::Invalid)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let tx = state.begin_write().await?;
    let row = repo::insert(
        &tx,
        rows::ActiveModel {
            id: Set(id),
            name: Set(name),
            kind: Set(input.kind.as_str().to_owned()),
            description: Set(description),
            location: Set(location),
            starts_at: Set(input.starts_at),
            ends_at: Set(input.ends_at),
            state: Set(ArenaState::Planned.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    let subject = Subject::Arena(ArenaEventKind::Create, id);
    let states = (None, ArenaState::Planned.as_str());
    journal::record(
        state,
        &tx,
        Entry::new(subject, states, actor.id, now, serde_json::json!({})),
    )
    .await?;
    tx.commit().await?;
    Arena::from_row(row)
}

/// Edits an arena until it is closed (facilitators).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    patch: ArenaPatch,
    expected: Option<Expected>,
) -> Result<Arena, ApiError> {
    let tx = state.begin_write().await?;
    let row = repo::find_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    let current = repo::state_of(&row)?;
    if !rules::can_view(current, Some(actor)) {
        return Err(ApiError::not_found());
    }
    rules::authorize_create(actor)?;
    let mut checks = Checks::new();
    let mut changes = rows::ActiveModel::default();
    if let Some(name) = &patch.name {
        changes.name = Set(checks.required_text("name", name, TITLE_MAX));
    }
    if let Some(kind) = patch.kind {
        changes.kind = Set(kind.as_str().to_owned());
    }
    if let Some(description) = &patch.description {
        changes.description = Set(checks.draft_text("description", description, DESCRIPTION_MAX));
    }
    if let Some(location) = &patch.location {
        changes.location = Set(checks.optional_text("location", location.as_deref(), LOCATION_MAX));
    }
    let starts_at = patch.starts_at.unwrap_or(row.starts_at);
    let ends_at = patch.ends_at.unwrap_or(row.ends_at);
    rules::check_period(&mut checks, starts_at, ends_at);
    changes.starts_at = Set(starts_at);
    changes.ends_at = Set(ends_at);
    checks.finish().map_err(Refusal::Invalid)?;
    rules::authorize_edit(current, Some(actor))?;
    check_version(expected, row.version)?;
    let now = Utc::now();
    changes.updated_at = Set(now);
    let updated = repo::update(&tx, id, row.version, changes).await?;
    let subject = Subject::Arena(ArenaEventKind::Edit, id);
    let states = (Some(current.as_str()), current.as_str());
    journal::record(
        state,
        &tx,
        Entry::new(subject, states, actor.id, now, serde_json::json!({})),
    )
    .await?;
    tx.commit().await?;
    Arena::from_row(updated)
}

/// Opens or closes an arena (facilitators).
pub async fn command(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
    command: ArenaCommand,
) -> Result<Arena, ApiError> {
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let row = repo::find_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    let from = repo::state_of(&row)?;
    let to = rules::decide(from, command, Some(actor))?;
    check_version(expected, row.version)?;
    let changes = rows::ActiveModel {
        state: Set(to.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    let updated = repo::update(&tx, id, row.version, changes).await?;
    let subject = Subject::Arena(command.kind(), id);
    let states = (Some(from.as_str()), to.as_str());
    journal::record(
        state,
        &tx,
        Entry::new(subject, states, actor.id, now, serde_json::json!({})),
    )
    .await?;
    tx.commit().await?;
    Arena::from_row(updated)
}
