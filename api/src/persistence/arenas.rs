//! Arenas.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sluss_domain::arena::ArenaState;
use uuid::Uuid;

use super::entities::arenas;
use super::{Page, RepoError, keyset_page, stored, update_versioned};

/// The domain state stored on a row.
pub fn state_of(row: &arenas::Model) -> Result<ArenaState, RepoError> {
    stored(ArenaState::parse(&row.state), "arenas.state", &row.state)
}

/// Stores a new arena.
pub async fn insert(db: &impl ConnectionTrait, arena: arenas::ActiveModel) -> Result<arenas::Model, RepoError> {
    Ok(arena.insert(db).await?)
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
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    changes: arenas::ActiveModel,
) -> Result<arenas::Model, RepoError> {
    let columns = (arenas::Column::Id, arenas::Column::Version);
    update_versioned::<arenas::Entity>(db, id, version, changes, columns, |row| row.version).await
}
