//! Matching arenas.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use sluss_domain::arena::ArenaState;
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::arenas as repo;
use crate::persistence::entities::arenas as rows;

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
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ArenaKind::Physical => "physical",
            ArenaKind::Digital => "digital",
            ArenaKind::Hybrid => "hybrid",
        }
    }

    /// The kind with this stored name.
    pub fn parse(value: &str) -> Option<Self> {
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
    /// The view of a stored arena.
    pub fn from_row(row: rows::Model) -> Result<Self, ApiError> {
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
