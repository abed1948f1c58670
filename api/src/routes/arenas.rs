//! Matching arenas: facilitators create, edit, open and close them; open arenas are public.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Enum, Object, OpenApi};
use sea_orm::Set;
use sluss_domain::arena::{self as rules, ArenaCommand, ArenaState};
use sluss_domain::validate::{Checks, DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX};
use sluss_domain::{Actor, Refusal};
use uuid::Uuid;

use super::text::Text;
use super::{
    ApiResult, ApiTags, Created, Expected, VersionOnly, Versioned, check_version, etag, expected_version, page_request,
};
use crate::auth::{Caller, MaybeCaller};
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::persistence::arenas as repo;
use crate::persistence::entities::arenas as rows;
use crate::persistence::events;
use crate::state::AppState;

/// How an arena meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ArenaKind {
    /// In a room.
    Physical,
    /// Online.
    Digital,
    /// Both.
    Hybrid,
}

impl ArenaKind {
    fn as_str(self) -> &'static str {
        match self {
            ArenaKind::Physical => "physical",
            ArenaKind::Digital => "digital",
            ArenaKind::Hybrid => "hybrid",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [ArenaKind::Physical, ArenaKind::Digital, ArenaKind::Hybrid]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// Where an arena is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiArenaState {
    /// Being prepared.
    Planned,
    /// Running.
    Open,
    /// Over.
    Closed,
}

impl From<ArenaState> for ApiArenaState {
    fn from(state: ArenaState) -> Self {
        match state {
            ArenaState::Planned => ApiArenaState::Planned,
            ArenaState::Open => ApiArenaState::Open,
            ArenaState::Closed => ApiArenaState::Closed,
        }
    }
}

/// A competition, workshop or open call where challenges meet innovators.
#[derive(Debug, Clone, Object)]
pub struct Arena {
    /// Identifier.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// How it meets.
    pub kind: ArenaKind,
    /// What it is about.
    pub description: String,
    /// Where, if physical.
    pub location: Option<String>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends.
    pub ends_at: Option<DateTime<Utc>>,
    /// Lifecycle state.
    pub state: ApiArenaState,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

super::list_page!(ArenaPage, Arena);

impl Arena {
    fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let state = repo::state_of(&row)?;
        let kind = crate::persistence::stored(ArenaKind::parse(&row.kind), "arenas.kind", &row.kind)?;
        Ok(Self {
            id: row.id,
            name: row.name,
            kind,
            description: row.description,
            location: row.location,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            state: state.into(),
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn versioned(row: rows::Model) -> ApiResult<Versioned<Arena>> {
    let version = row.version;
    Ok(Versioned::Ok(Json(Arena::from_row(row)?), etag(version)))
}

/// The body of `POST /arenas`.
#[derive(Debug, Object)]
pub struct NewArena {
    /// Name.
    pub name: Text,
    /// How it meets.
    pub kind: ArenaKind,
    /// What it is about.
    #[oai(default)]
    pub description: Text,
    /// Where, if physical.
    pub location: Option<Text>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends (not before `starts_at`).
    pub ends_at: Option<DateTime<Utc>>,
}

/// The body of `PATCH /arenas/{id}`: only the fields given change; `null` clears an optional one.
#[derive(Debug, Object)]
pub struct ArenaPatch {
    /// Name.
    pub name: Option<Text>,
    /// How it meets.
    pub kind: Option<ArenaKind>,
    /// What it is about.
    pub description: Option<Text>,
    /// Where.
    pub location: MaybeUndefined<Text>,
    /// When it starts.
    pub starts_at: MaybeUndefined<DateTime<Utc>>,
    /// When it ends.
    pub ends_at: MaybeUndefined<DateTime<Utc>>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// Arenas.
pub struct ArenasApi {
    /// Shared state.
    pub state: AppState,
}

impl ArenasApi {
    async fn command(
        &self,
        id: Uuid,
        actor: &Actor,
        expected: Option<Expected>,
        command: ArenaCommand,
    ) -> ApiResult<Versioned<Arena>> {
        let now = Utc::now();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
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
        events::Recorder::new("arena", id, actor.id.as_uuid(), now)
            .record(
                &tx,
                command.name(),
                Some(from.as_str()),
                to.as_str(),
                serde_json::json!({}),
            )
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        versioned(updated)
    }
}

#[OpenApi(prefix_path = "/arenas", tag = "ApiTags::Arenas")]
impl ArenasApi {
    /// List arenas: all for facilitators, open ones for everyone else.
    #[oai(path = "/", method = "get", operation_id = "list_arenas")]
    async fn list_arenas(
        &self,
        caller: MaybeCaller,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ArenaPage>> {
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let visible: Vec<ArenaState> = ArenaState::ALL
            .into_iter()
            .filter(|s| rules::can_view(*s, caller.actor()))
            .collect();
        let page = repo::list(&self.state.db, Some(&visible), after, limit).await?;
        Ok(Json(super::to_list_page(page, Arena::from_row)?.into()))
    }

    /// Create an arena, planned (facilitators).
    #[oai(path = "/", method = "post", operation_id = "create_arena", transform = "idempotent")]
    async fn create_arena(
        &self,
        caller: Caller,
        /// Makes a retry safe: a repeat with the same key and body answers the first
        /// response again (with `Idempotent-Replayed: true`) and creates nothing twice; the
        /// same key with another body answers 422, and while the first request runs, 409.
        /// A UUID, say; kept 24 hours by default.
        #[oai(
            name = "Idempotency-Key",
            validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$")
        )]
        _idempotency_key: Header<Option<String>>,
        body: Json<NewArena>,
    ) -> ApiResult<Created<Arena>> {
        let actor = caller.actor();
        rules::authorize_create(actor)?;
        let body = body.0;
        let mut checks = Checks::new();
        let name = checks.required_text("name", &body.name, TITLE_MAX);
        let description = checks.draft_text("description", &body.description, DESCRIPTION_MAX);
        let location = checks.optional_text("location", body.location.as_deref(), LOCATION_MAX);
        rules::check_period(&mut checks, body.starts_at, body.ends_at);
        checks.finish().map_err(Refusal::Invalid)?;
        let now = Utc::now();
        let id = Uuid::now_v7();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::insert(
            &tx,
            rows::ActiveModel {
                id: Set(id),
                name: Set(name),
                kind: Set(body.kind.as_str().to_owned()),
                description: Set(description),
                location: Set(location),
                starts_at: Set(body.starts_at),
                ends_at: Set(body.ends_at),
                state: Set(ArenaState::Planned.as_str().to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            },
        )
        .await?;
        events::Recorder::new("arena", id, actor.id.as_uuid(), now)
            .record(&tx, "create", None, ArenaState::Planned.as_str(), serde_json::json!({}))
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = row.version;
        Ok(Created::Created(Json(Arena::from_row(row)?), etag(version)))
    }

    /// Read an arena.
    #[oai(path = "/:id", method = "get", operation_id = "get_arena")]
    async fn get_arena(&self, caller: MaybeCaller, id: Path<Uuid>) -> ApiResult<Versioned<Arena>> {
        let row = repo::find(&self.state.db, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if !rules::can_view(repo::state_of(&row)?, caller.actor()) {
            return Err(ApiError::not_found());
        }
        versioned(row)
    }

    /// Edit an arena until it is closed (facilitators).
    #[oai(path = "/:id", method = "patch", operation_id = "update_arena")]
    async fn update_arena(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<ArenaPatch>,
    ) -> ApiResult<Versioned<Arena>> {
        let actor = caller.actor();
        let patch = body.0;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::find_for_update(&tx, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let state = repo::state_of(&row)?;
        if !rules::can_view(state, Some(actor)) {
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
        if !patch.location.is_undefined() {
            changes.location =
                Set(checks.optional_text("location", patch.location.as_opt_deref().flatten(), LOCATION_MAX));
        }
        let mut starts_at = row.starts_at;
        patch.starts_at.update_to(&mut starts_at);
        let mut ends_at = row.ends_at;
        patch.ends_at.update_to(&mut ends_at);
        rules::check_period(&mut checks, starts_at, ends_at);
        changes.starts_at = Set(starts_at);
        changes.ends_at = Set(ends_at);
        checks.finish().map_err(Refusal::Invalid)?;
        rules::authorize_edit(state, Some(actor))?;
        check_version(
            expected_version(if_match.0.as_deref(), patch.expected_version)?,
            row.version,
        )?;
        let now = Utc::now();
        changes.updated_at = Set(now);
        let updated = repo::update(&tx, id.0, row.version, changes).await?;
        events::Recorder::new("arena", id.0, actor.id.as_uuid(), now)
            .record(&tx, "edit", Some(state.as_str()), state.as_str(), serde_json::json!({}))
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        versioned(updated)
    }

    /// Open a planned arena (facilitators).
    #[oai(path = "/:id/open", method = "post", operation_id = "open_arena")]
    async fn open_arena(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<VersionOnly>>,
    ) -> ApiResult<Versioned<Arena>> {
        let expected = expected_version(if_match.0.as_deref(), body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ArenaCommand::Open).await
    }

    /// Close an open arena (facilitators).
    #[oai(path = "/:id/close", method = "post", operation_id = "close_arena")]
    async fn close_arena(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<VersionOnly>>,
    ) -> ApiResult<Versioned<Arena>> {
        let expected = expected_version(if_match.0.as_deref(), body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ArenaCommand::Close).await
    }
}
