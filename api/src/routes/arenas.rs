//! Matching arenas: facilitators create, edit, open and close them; open arenas are public.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Object, OpenApi};
use sluss_domain::Actor;
use sluss_domain::arena::ArenaCommand;
use uuid::Uuid;

use super::optional_body::OptionalJson;
use super::params::{IdempotencyKey, IfMatch};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, Expected, VersionOnly, Versioned, etag, maybe};
use crate::app::arenas as app;
use crate::auth::{Caller, MaybeCaller};
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::arenas::{Arena, ArenaKind, ArenaPage};

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

fn versioned(arena: Arena) -> ApiResult<Versioned<Arena>> {
    let version = arena.version;
    Ok(Versioned::Ok(Json(arena), etag(version)))
}

impl ArenasApi {
    async fn command(
        &self,
        id: Uuid,
        actor: &Actor,
        expected: Option<Expected>,
        command: ArenaCommand,
    ) -> ApiResult<Versioned<Arena>> {
        versioned(app::command(&self.state, actor, id, expected, command).await?)
    }
}

fn maybe_value<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(value)),
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
        Ok(Json(
            app::list(&self.state, caller.actor(), limit.0, cursor.0.as_deref()).await?,
        ))
    }

    /// Create an arena, planned (facilitators).
    #[oai(path = "/", method = "post", operation_id = "create_arena", transform = "idempotent")]
    async fn create_arena(
        &self,
        caller: Caller,
        _idempotency_key: IdempotencyKey,
        body: Json<NewArena>,
    ) -> ApiResult<Created<Arena>> {
        let body = body.0;
        let input = app::NewArena {
            name: body.name.into_inner(),
            kind: body.kind,
            description: body.description.into_inner(),
            location: body.location.map(Text::into_inner),
            starts_at: body.starts_at,
            ends_at: body.ends_at,
        };
        let arena = app::create(&self.state, caller.actor(), input).await?;
        let version = arena.version;
        Ok(Created::Created(Json(arena), etag(version)))
    }

    /// Read an arena.
    #[oai(path = "/:id", method = "get", operation_id = "get_arena")]
    async fn get_arena(&self, caller: MaybeCaller, id: Path<Uuid>) -> ApiResult<Versioned<Arena>> {
        versioned(app::get(&self.state, caller.actor(), id.0).await?)
    }

    /// Edit an arena until it is closed (facilitators).
    #[oai(path = "/:id", method = "patch", operation_id = "update_arena")]
    async fn update_arena(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<ArenaPatch>,
    ) -> ApiResult<Versioned<Arena>> {
        let patch = body.0;
        let expected = if_match.expected(patch.expected_version)?;
        let input = app::ArenaPatch {
            name: patch.name.map(Text::into_inner),
            kind: patch.kind,
            description: patch.description.map(Text::into_inner),
            location: maybe(patch.location),
            starts_at: maybe_value(patch.starts_at),
            ends_at: maybe_value(patch.ends_at),
        };
        versioned(app::update(&self.state, caller.actor(), id.0, input, expected).await?)
    }

    /// Open a planned arena (facilitators).
    #[oai(path = "/:id/open", method = "post", operation_id = "open_arena")]
    async fn open_arena(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<Arena>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ArenaCommand::Open).await
    }

    /// Close an open arena (facilitators).
    #[oai(path = "/:id/close", method = "post", operation_id = "close_arena")]
    async fn close_arena(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<Arena>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ArenaCommand::Close).await
    }
}
