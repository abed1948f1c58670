//! Ideas.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, TryIntoModel,
};
use sluss_domain::idea::{Idea, IdeaState};
use sluss_domain::{Actor, UserId};
use uuid::Uuid;

use super::entities::{assignments, ideas};
use super::{Deferring, Page, RepoError, keyset_page, stored, update_versioned};

/// The domain state stored on a row.
pub fn state_of(row: &ideas::Model) -> Result<IdeaState, RepoError> {
    stored(IdeaState::parse(&row.state), "ideas.state", &row.state)
}

/// What the rules need of a row.
pub fn to_domain(row: &ideas::Model) -> Result<Idea, RepoError> {
    Ok(Idea {
        innovator_id: UserId(row.innovator_id),
        challenge_owner_id: UserId(row.challenge_owner_id),
        state: state_of(row)?,
        ever_submitted: row.submitted_at.is_some(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        description: row.description.clone(),
    })
}

/// Stores a new idea.
///
/// On SQLite the idea is given back as built (every column is set, and SQLite stores each
/// value as given) and its insert is deferred; PostgreSQL gives back what it stored (it
/// keeps times to the microsecond).
pub async fn insert(db: &impl Deferring, idea: ideas::ActiveModel) -> Result<ideas::Model, RepoError> {
    let backend = db.get_database_backend();
    if backend != DbBackend::Sqlite {
        return Ok(idea.insert(db).await?);
    }
    let built = idea.clone().try_into_model()?;
    db.defer(ideas::Entity::insert(idea).build(backend)).await?;
    Ok(built)
}

/// The idea with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn find_for_update(tx: &super::WriteTx, id: Uuid) -> Result<Option<ideas::Model>, RepoError> {
    Ok(super::lock_row::<ideas::Entity>(tx, id).await?)
}

/// The idea with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<ideas::Model>, RepoError> {
    Ok(ideas::Entity::find_by_id(id).one(db).await?)
}

/// Filters of the idea lists.
#[derive(Debug, Default, Clone)]
pub struct IdeaFilter {
    /// Only this state.
    pub state: Option<IdeaState>,
    /// Only on this challenge.
    pub challenge_id: Option<Uuid>,
    /// Only the viewer's own.
    pub mine: bool,
}

/// A page of the ideas `viewer` may see, newest first: all for facilitators; otherwise
/// their own, the submitted ideas on challenges they own, and those assigned to them.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Actor,
    filter: &IdeaFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<ideas::Model>, RepoError> {
    let me = viewer.id.as_uuid();
    let mut select = ideas::Entity::find();
    if filter.mine {
        select = select.filter(ideas::Column::InnovatorId.eq(me));
    } else if !viewer.is_facilitator() {
        select = select.filter(
            Condition::any()
                .add(ideas::Column::InnovatorId.eq(me))
                .add(
                    Condition::all()
                        .add(ideas::Column::ChallengeOwnerId.eq(me))
                        .add(ideas::Column::SubmittedAt.is_not_null()),
                )
                .add(
                    ideas::Column::Id.in_subquery(
                        Query::select()
                            .column(assignments::Column::IdeaId)
                            .from(assignments::Entity)
                            .and_where(assignments::Column::AssessorId.eq(me))
                            .to_owned(),
                    ),
                ),
        );
    }
    if let Some(state) = filter.state {
        select = select.filter(ideas::Column::State.eq(state.as_str()));
    }
    if let Some(challenge_id) = filter.challenge_id {
        select = select.filter(ideas::Column::ChallengeId.eq(challenge_id));
    }
    keyset_page(db, select, ideas::Column::Id, |i| i.id, after, limit).await
}

/// The titles of the ideas `ids` (those that exist).
pub async fn titles_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, RepoError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(ideas::Entity::find()
        .select_only()
        .column(ideas::Column::Id)
        .column(ideas::Column::Title)
        .filter(ideas::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Writes the fields set on `changes` if the row still has `version`, bumping it.
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    changes: ideas::ActiveModel,
) -> Result<ideas::Model, RepoError> {
    let columns = (ideas::Column::Id, ideas::Column::Version);
    update_versioned::<ideas::Entity>(db, id, version, changes, columns, |row| row.version).await
}

/// The ideas of a challenge that were ever submitted (for rankings).
pub async fn submitted_on(db: &impl ConnectionTrait, challenge_id: Uuid) -> Result<Vec<ideas::Model>, RepoError> {
    Ok(ideas::Entity::find()
        .filter(ideas::Column::ChallengeId.eq(challenge_id))
        .filter(ideas::Column::SubmittedAt.is_not_null())
        .all(db)
        .await?)
}
