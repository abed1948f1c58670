//! Arenas.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::NotSet;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sluss_domain::arena::ArenaState;
use uuid::Uuid;

use super::entities::arenas;
use super::{Page, RepoError, keyset_page, stored, update_versioned};

/// The domain state stored on a row.
pub fn state_of(row: &arenas::Model) -> Result<ArenaState, RepoError> {
    stored(ArenaState::parse(&row.state), "arenas.state", &row.state)
}

/// A new arena's checked values.
#[derive(Debug, Clone)]
pub struct NewArena {
    /// Its id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// How it meets, as stored.
    pub kind: &'static str,
    /// What it is about.
    pub description: String,
    /// Where it meets.
    pub location: Option<String>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends.
    pub ends_at: Option<DateTime<Utc>>,
}

/// Stores a new arena, planned.
pub async fn insert(
    db: &impl ConnectionTrait,
    arena: NewArena,
    now: DateTime<Utc>,
) -> Result<arenas::Model, RepoError> {
    let row = arenas::ActiveModel {
        id: Set(arena.id),
        name: Set(arena.name),
        kind: Set(arena.kind.to_owned()),
        description: Set(arena.description),
        location: Set(arena.location),
        starts_at: Set(arena.starts_at),
        ends_at: Set(arena.ends_at),
        state: Set(ArenaState::Planned.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?)
}

/// An edit of an arena, checked: only the fields given change; the period is written whole.
#[derive(Debug, Clone, Default)]
pub struct ArenaEdit {
    /// Name.
    pub name: Option<String>,
    /// How it meets, as stored.
    pub kind: Option<&'static str>,
    /// What it is about.
    pub description: Option<String>,
    /// Where it meets: `Some(None)` clears it.
    pub location: Option<Option<String>>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends.
    pub ends_at: Option<DateTime<Utc>>,
}

/// Writes `edit` to `row` if it still has its version, bumping it.
pub async fn edit(
    db: &impl ConnectionTrait,
    row: &arenas::Model,
    edit: ArenaEdit,
    now: DateTime<Utc>,
) -> Result<arenas::Model, RepoError> {
    let changes = arenas::ActiveModel {
        name: edit.name.map_or(NotSet, Set),
        kind: edit.kind.map_or(NotSet, |kind| Set(kind.to_owned())),
        description: edit.description.map_or(NotSet, Set),
        location: edit.location.map_or(NotSet, Set),
        starts_at: Set(edit.starts_at),
        ends_at: Set(edit.ends_at),
        updated_at: Set(now),
        ..Default::default()
    };
    update(db, row.id, row.version, changes).await
}

/// Moves `row` to the state `to` if it still has its version, bumping it.
pub async fn apply(
    db: &impl ConnectionTrait,
    row: &arenas::Model,
    to: ArenaState,
    now: DateTime<Utc>,
) -> Result<arenas::Model, RepoError> {
    let changes = arenas::ActiveModel {
        state: Set(to.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    update(db, row.id, row.version, changes).await
}

/// The arena with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn find_for_update(tx: &super::WriteTx, id: Uuid) -> Result<Option<arenas::Model>, RepoError> {
    Ok(super::lock_row::<arenas::Entity>(tx, id).await?)
}

/// The arena with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<arenas::Model>, RepoError> {
    Ok(arenas::Entity::find_by_id(id).one(db).await?)
}

/// A page of arenas, newest first, optionally only in some states.
pub async fn list(
    db: &impl ConnectionTrait,
    states: Option<&[ArenaState]>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<arenas::Model>, RepoError> {
    let mut select = arenas::Entity::find();
    if let Some(states) = states {
        select = select.filter(arenas::Column::State.is_in(states.iter().map(|s| s.as_str())));
    }
    keyset_page(db, select, arenas::Column::Id, |a| a.id, after, limit).await
}

/// Writes the fields set on `changes` if the row still has `version`, bumping it.
async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    changes: arenas::ActiveModel,
) -> Result<arenas::Model, RepoError> {
    let columns = (arenas::Column::Id, arenas::Column::Version);
    update_versioned::<arenas::Entity>(db, id, version, changes, columns, |row| row.version).await
}
