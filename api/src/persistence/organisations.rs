//! The organisation registry (SPEC §12).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sluss_domain::organisation::OrganisationValues;
use uuid::Uuid;

use super::entities::organisations;
use super::{Page, RepoError, keyset_page, update_versioned};

/// What a second organisation with a registered organisationsnummer is told.
const NUMBER_TAKEN: sluss_domain::ConflictReason = sluss_domain::ConflictReason::OrganisationNumberTaken;

/// Stores a new organisation; a registered organisationsnummer is a [`RepoError::Conflict`].
pub async fn insert(
    db: &impl ConnectionTrait,
    id: Uuid,
    values: OrganisationValues,
    now: DateTime<Utc>,
) -> Result<organisations::Model, RepoError> {
    organisations::ActiveModel {
        id: Set(id),
        name: Set(values.name),
        kind: Set(values.kind.as_str().to_owned()),
        org_number: Set(values.org_number),
        website: Set(values.website),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| RepoError::on_unique(e, NUMBER_TAKEN))
}

/// The organisation with this id, locked for the update of a write transaction.
pub async fn find_for_update(tx: &super::WriteTx, id: Uuid) -> Result<Option<organisations::Model>, RepoError> {
    Ok(super::lock_row::<organisations::Entity>(tx, id).await?)
}

/// The organisation with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<organisations::Model>, RepoError> {
    Ok(organisations::Entity::find_by_id(id).one(db).await?)
}

/// Whether an organisation has this id.
pub async fn exists(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, RepoError> {
    Ok(find(db, id).await?.is_some())
}

/// Which of `ids` are registered, in one query.
pub async fn registered(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Uuid>, RepoError> {
    Ok(names(db, ids).await?.into_keys().collect())
}

/// The names of those of `ids` that are registered, in one query.
pub async fn names(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, RepoError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.name))
        .collect())
}

/// A page of organisations, newest first; with `matching`, those whose name or
/// organisationsnummer contains it.
pub async fn list(
    db: &impl ConnectionTrait,
    matching: Option<&str>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<organisations::Model>, RepoError> {
    let mut select = organisations::Entity::find();
    if let Some(term) = matching.map(str::trim).filter(|t| !t.is_empty()) {
        // Lower-cased on both sides, as the users' search (SQLite folds ASCII only).
        let pattern = format!("%{}%", term.to_lowercase());
        let name = Expr::expr(Func::lower(Expr::col((
            organisations::Entity,
            organisations::Column::Name,
        ))));
        select = select.filter(
            Condition::any()
                .add(name.like(pattern.clone()))
                .add(organisations::Column::OrgNumber.like(pattern)),
        );
    }
    keyset_page(db, select, organisations::Column::Id, |o| o.id, after, limit).await
}

/// Up to `limit` organisations by name, for a choice.
pub async fn by_name(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<organisations::Model>, RepoError> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(organisations::Entity::find()
        .order_by_asc(organisations::Column::Name)
        .limit(limit)
        .all(db)
        .await?)
}

/// Writes the fields set on `changes` if the row still has `version`, bumping it.
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    values: OrganisationValues,
    now: DateTime<Utc>,
) -> Result<organisations::Model, RepoError> {
    let changes = organisations::ActiveModel {
        name: Set(values.name),
        kind: Set(values.kind.as_str().to_owned()),
        org_number: Set(values.org_number),
        website: Set(values.website),
        updated_at: Set(now),
        ..Default::default()
    };
    let columns = (organisations::Column::Id, organisations::Column::Version);
    update_versioned::<organisations::Entity>(db, id, version, changes, columns, |row| row.version)
        .await
        .map_err(|e| match e {
            RepoError::Db(db) => RepoError::on_unique(db, NUMBER_TAKEN),
            other => other,
        })
}
