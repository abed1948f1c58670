//! Idempotency keys: a claim on a key per caller while its request runs, then the answer
//! the request got, for replay. The entity lives here rather than in `entities` because
//! nothing else reads the table.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, TryInsertResult,
};
use uuid::Uuid;

use super::RepoError;

/// The table `idempotency_keys`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// A row of `idempotency_keys`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub scope: String,
        pub key: String,
        pub method: String,
        pub path: String,
        pub request_hash: String,
        pub state: String,
        pub status: Option<i32>,
        pub headers: Option<String>,
        pub body: Option<Vec<u8>>,
        pub created_at: DateTimeUtc,
        pub completed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The stored state of a key whose request is still running.
pub const PENDING: &str = "pending";
/// The stored state of a key whose answer is stored.
pub const COMPLETED: &str = "completed";

/// What a request is: who sends it, under which key, to where, with which body.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    /// `user:<id>` or `addr:<ip>`.
    pub scope: String,
    /// The `Idempotency-Key` sent.
    pub key: String,
    /// The HTTP method.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Hex SHA-256 of the request body.
    pub request_hash: String,
}

/// The outcome of trying to claim a key.
#[derive(Debug)]
pub enum Claim {
    /// The key was free; this request owns the row with this id.
    Claimed(Uuid),
    /// The key is taken, by this row.
    Taken(Box<entity::Model>),
}

/// Forgets every key created before `before`. Looks first so that, on SQLite, a request
/// takes the write lock for the purge only when there is something to purge.
pub async fn purge_expired(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<(), RepoError> {
    let any = entity::Entity::find()
        .select_only()
        .column(entity::Column::Id)
        .filter(entity::Column::CreatedAt.lt(before))
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    if any.is_some() {
        entity::Entity::delete_many()
            .filter(entity::Column::CreatedAt.lt(before))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Claims the key of `request` by inserting a pending row; the unique index on
/// (scope, key) lets exactly one of several concurrent requests win.
pub async fn claim(db: &impl ConnectionTrait, request: &Fingerprint, now: DateTime<Utc>) -> Result<Claim, RepoError> {
    // A row that is taken but gone when looked up was purged or released in between;
    // the second attempt settles it.
    for _ in 0..2 {
        let id = Uuid::now_v7();
        let row = entity::ActiveModel {
            id: Set(id),
            scope: Set(request.scope.clone()),
            key: Set(request.key.clone()),
            method: Set(request.method.clone()),
            path: Set(request.path.clone()),
            request_hash: Set(request.request_hash.clone()),
            state: Set(PENDING.to_owned()),
            status: Set(None),
            headers: Set(None),
            body: Set(None),
            created_at: Set(now),
            completed_at: Set(None),
        };
        let inserted = entity::Entity::insert(row)
            .on_conflict_do_nothing_on([entity::Column::Scope, entity::Column::Key])
            .exec_without_returning(db)
            .await?;
        if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            return Ok(Claim::Claimed(id));
        }
        let existing = entity::Entity::find()
            .filter(entity::Column::Scope.eq(request.scope.as_str()))
            .filter(entity::Column::Key.eq(request.key.as_str()))
            .one(db)
            .await?;
        if let Some(existing) = existing {
            return Ok(Claim::Taken(Box::new(existing)));
        }
    }
    Err(RepoError::Conflict(sluss_domain::ConflictReason::KeyBeingClaimed))
}

/// The answer to store for a claimed key.
#[derive(Debug)]
pub struct StoredAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The headers worth replaying, as a JSON array of `[name, value]` pairs.
    pub headers: String,
    /// The body.
    pub body: Vec<u8>,
}

/// Stores the answer of the request that claimed row `id`.
pub async fn complete(
    db: &impl ConnectionTrait,
    id: Uuid,
    answer: StoredAnswer,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    entity::ActiveModel {
        id: Set(id),
        state: Set(COMPLETED.to_owned()),
        status: Set(Some(i32::from(answer.status))),
        headers: Set(Some(answer.headers)),
        body: Set(Some(answer.body)),
        completed_at: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Gives the key of row `id` up, so that a retry runs the request again.
pub async fn release(db: &impl ConnectionTrait, id: Uuid) -> Result<(), RepoError> {
    entity::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
