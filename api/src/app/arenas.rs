//! Matching arenas: facilitators create, edit, open and close them; open arenas are public.

use chrono::{DateTime, Utc};
use sluss_domain::arena::{self as rules, ArenaCommand, ArenaState};
use sluss_domain::event::ArenaEventKind;
use sluss_domain::validate::{Checks, DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX};
use sluss_domain::{Actor, Refusal};
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use super::runner::{self, Aggregate};
use super::{Expected, check_version, page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::WriteTx;
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
    let new = repo::NewArena {
        id,
        name,
        kind: input.kind.as_str(),
        description,
        location,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
    };
    let row = repo::insert(&tx, new, now).await?;
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
    let name = patch.name.map(|name| checks.required_text("name", &name, TITLE_MAX));
    let description = patch
        .description
        .map(|description| checks.draft_text("description", &description, DESCRIPTION_MAX));
    let location = patch
        .location
        .map(|location| checks.optional_text("location", location.as_deref(), LOCATION_MAX));
    let starts_at = patch.starts_at.unwrap_or(row.starts_at);
    let ends_at = patch.ends_at.unwrap_or(row.ends_at);
    rules::check_period(&mut checks, starts_at, ends_at);
    checks.finish().map_err(Refusal::Invalid)?;
    rules::authorize_edit(current, Some(actor))?;
    check_version(expected, row.version)?;
    let now = Utc::now();
    let edit = repo::ArenaEdit {
        name,
        kind: patch.kind.map(ArenaKind::as_str),
        description,
        location,
        starts_at,
        ends_at,
    };
    let updated = repo::edit(&tx, &row, edit, now).await?;
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
    let (updated, ()) = runner::run::<Arenas>(state, actor, id, expected, command).await?;
    Arena::from_row(updated)
}

/// Arenas, as the [runner](runner::run) sees them. An accepted command is its own event,
/// with the state it leads to; it carries no data.
struct Arenas;

impl Aggregate for Arenas {
    type Row = rows::Model;
    type State = ArenaState;
    type Command = ArenaCommand;
    type Event = (ArenaCommand, ArenaState);
    type Facts = ();

    async fn load_for_update(tx: &WriteTx, id: Uuid) -> Result<Option<rows::Model>, ApiError> {
        Ok(repo::find_for_update(tx, id).await?)
    }

    fn version(row: &rows::Model) -> i64 {
        row.version
    }

    fn state(row: &rows::Model) -> Result<ArenaState, ApiError> {
        Ok(repo::state_of(row)?)
    }

    fn state_name(state: ArenaState) -> &'static str {
        state.as_str()
    }

    async fn facts(
        _tx: &WriteTx,
        _row: &rows::Model,
        _actor: &Actor,
        _command: &ArenaCommand,
        _now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        Ok(())
    }

    fn decide(
        row: &rows::Model,
        command: &ArenaCommand,
        actor: &Actor,
        (): &(),
    ) -> Result<Vec<(ArenaCommand, ArenaState)>, ApiError> {
        let to = rules::decide(repo::state_of(row)?, *command, Some(actor))?;
        Ok(vec![(*command, to)])
    }

    fn evolve(_state: ArenaState, (_, to): &(ArenaCommand, ArenaState)) -> ArenaState {
        *to
    }

    async fn persist(
        tx: &WriteTx,
        row: &rows::Model,
        _events: &[(ArenaCommand, ArenaState)],
        to: ArenaState,
        now: DateTime<Utc>,
    ) -> Result<rows::Model, ApiError> {
        Ok(repo::apply(tx, row, to, now).await?)
    }

    fn payload(_event: &(ArenaCommand, ArenaState)) -> serde_json::Value {
        serde_json::json!({})
    }

    fn subject<'a>(row: &'a rows::Model, (command, _): &(ArenaCommand, ArenaState)) -> Subject<'a> {
        Subject::Arena(command.kind(), row.id)
    }
}
