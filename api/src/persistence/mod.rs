//! Storage: entities, and repository functions that convert rows to and from domain types.
//!
//! Every command runs in one write transaction: load, decide, update the row guarded by
//! its version, append the event. On SQLite write transactions begin `IMMEDIATE`, so
//! writers queue behind the busy timeout instead of failing.

pub mod api_tokens;
pub mod arenas;
pub mod assessment;
pub mod attachments;
pub mod challenges;
pub mod deadlines;
pub mod entities;
pub mod events;
pub mod figures;
pub mod figures_model;
pub mod ideas;
pub mod idempotency;
pub mod identities;
pub mod invitations;
pub mod jobs;
pub mod mail;
pub mod notifications;
pub mod open_data;
pub mod organisations;
pub mod privacy;
pub mod questions;
pub mod reports;
pub mod results;
pub mod sessions;
pub mod site;
mod sql;
pub mod steps;
pub mod throttle;
pub mod two_factor;
pub mod users;
pub mod webhooks;
mod writes;
pub mod written;

pub use sql::statement;
pub use writes::{Deferring, WriteQueue, WriteTx};

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqlErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No such row.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken (e.g. an e-mail already registered).
    #[error("{0}")]
    Conflict(sluss_domain::ConflictReason),
    /// The row changed since the caller read it.
    #[error("stale version; current is {current}")]
    StaleVersion {
        /// The version the row has now.
        current: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl RepoError {
    /// Maps a unique-constraint violation to [`RepoError::Conflict`] with `reason`;
    /// any other database error stays [`RepoError::Db`].
    pub fn on_unique(error: DbErr, reason: sluss_domain::ConflictReason) -> Self {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => RepoError::Conflict(reason),
            _ => RepoError::Db(error),
        }
    }
}

/// An event about to be appended ([`events::append`]); the read models of
/// [`reports`] follow it. It lives here so that neither of the two imports the other.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// What happened, and to which kind of subject.
    pub kind: sluss_domain::event::EventKind,
    /// The resource the event is about.
    pub subject_id: Uuid,
    /// The state before (`None` for a creation).
    pub from_state: Option<&'a str>,
    /// The state after.
    pub to_state: &'a str,
    /// Who acted.
    pub actor_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// The command's data, as JSON.
    pub payload: serde_json::Value,
}

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Connects to the database at `url` (`sqlite://…` or `postgres://…`). SQLite runs in WAL
/// mode with foreign keys on, a busy timeout and `synchronous = FULL`, so a committed
/// transaction is on disk before the request is answered.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    // SQLite: writers have a connection of their own (`WriteQueue`), so the pool serves
    // readers; four connections keep two cores busy without each holding its own page
    // cache and full-text buffers for nothing (ADR 0010).
    open(url, if sqlite { 4 } else { 16 }).await
}

/// A pool of at most `connections` connections to `url`.
async fn open(url: &str, connections: u32) -> Result<DatabaseConnection, DbErr> {
    open_with(url, connections, Checkpoints::OnCommit).await
}

/// Who moves a SQLite database's write-ahead log back into the database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checkpoints {
    /// The connection that commits, when the log has grown past 1,000 pages (SQLite's
    /// default): that commit then waits for the copy and its `fsync`.
    OnCommit,
    /// A task of its own (`writes::checkpoint_now_and_then`): the writer connection
    /// only appends to the log.
    Elsewhere,
}

/// A pool of at most `connections` connections to `url`, with SQLite's checkpoints made
/// as `checkpoints` says.
async fn open_with(url: &str, connections: u32, checkpoints: Checkpoints) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .synchronous(SqliteSynchronous::Full)
                .create_if_missing(true)
                .pragma(
                    "wal_autocheckpoint",
                    if checkpoints == Checkpoints::Elsewhere {
                        "0"
                    } else {
                        "1000"
                    },
                )
        });
    Database::connect(options).await
}

/// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite) outside any [`WriteQueue`]:
/// for tools that run alone (seeding, rebuilding) and for the queue itself.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let mode = match db.get_database_backend() {
        DbBackend::Sqlite => Some(SqliteTransactionMode::Immediate),
        _ => None,
    };
    db.begin_with_options(TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: mode,
    })
    .await
}

/// Loads the row `id` inside a write transaction for the command that will update it. On
/// PostgreSQL the row stays locked until commit (`SELECT … FOR UPDATE`), so the command's
/// checks (state, version, guards) see exactly the version its guarded update needs, and a
/// concurrent command waits instead of failing its update: a stale `If-Match` is then always
/// a 412 and a plain update never loses to a race it did not ask to detect. SQLite needs no
/// row lock: `BEGIN IMMEDIATE` already admits one writer at a time.
pub async fn lock_row<E>(tx: &WriteTx, id: uuid::Uuid) -> Result<Option<E::Model>, DbErr>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<uuid::Uuid>,
{
    use sea_orm::{ConnectionTrait, QuerySelect};
    let select = E::find_by_id(id);
    match tx.get_database_backend() {
        DbBackend::Postgres => select.lock_exclusive().one(tx).await,
        _ => select.one(tx).await,
    }
}

/// The names of the fields an edit changes, in the order given: those marked `true`.
pub(crate) fn changed_fields<const N: usize>(fields: [(&'static str, bool); N]) -> Vec<&'static str> {
    fields
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
}

/// Parses a stored enum value; an unknown value is an error, never a default.
pub fn stored<T>(value: Option<T>, column: &str, raw: &str) -> Result<T, RepoError> {
    value.ok_or_else(|| RepoError::Db(DbErr::Type(format!("unknown value '{raw}' in column {column}"))))
}

/// Whether the read model `name` is marked stale by a migration, holding its mark for the
/// rest of `tx` on PostgreSQL (on SQLite the write transaction already excludes others),
/// so that one process rebuilds it while the others wait.
pub async fn read_model_stale(tx: &impl sea_orm::ConnectionTrait, name: &str) -> Result<bool, RepoError> {
    let backend = tx.get_database_backend();
    let lock = if backend == DbBackend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT rebuilt_at FROM read_models WHERE name = ?{lock}");
    let row = tx.query_one_raw(statement(backend, &sql, vec![name.into()])).await?;
    Ok(match &row {
        Some(row) => row.try_get::<Option<DateTime<Utc>>>("", "rebuilt_at")?.is_none(),
        None => false,
    })
}

/// Marks the read model `name` rebuilt now.
pub async fn mark_rebuilt(tx: &impl sea_orm::ConnectionTrait, name: &str) -> Result<(), RepoError> {
    tx.execute_raw(statement(
        tx.get_database_backend(),
        "UPDATE read_models SET rebuilt_at = ? WHERE name = ?",
        vec![Utc::now().into(), name.into()],
    ))
    .await?;
    Ok(())
}

/// One page of a keyset-paginated list.
#[derive(Debug)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// The id to continue after, when there are more rows.
    pub next_after: Option<uuid::Uuid>,
}

/// Reads one page of `select`, newest first by id (UUID v7 ids sort by creation time),
/// continuing after the id `after`. Never uses OFFSET: each page costs the same.
pub async fn keyset_page<E>(
    db: &impl sea_orm::ConnectionTrait,
    select: sea_orm::Select<E>,
    id_column: E::Column,
    id_of: fn(&E::Model) -> uuid::Uuid,
    after: Option<uuid::Uuid>,
    limit: u64,
) -> Result<Page<E::Model>, RepoError>
where
    E: sea_orm::EntityTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let select = match after {
        Some(after) => select.filter(id_column.lt(after)),
        None => select,
    };
    let mut items = select.order_by_desc(id_column).limit(limit + 1).all(db).await?;
    let next_after = if items.len() as u64 > limit {
        items.truncate(limit as usize);
        items.last().map(id_of)
    } else {
        None
    };
    Ok(Page { items, next_after })
}

/// Writes the fields set on `changes` to the row `id` if it still has `version`, bumping
/// the version; the row as it is afterwards, or `StaleVersion` with its current version.
pub async fn update_versioned<E>(
    db: &impl sea_orm::ConnectionTrait,
    id: uuid::Uuid,
    version: i64,
    changes: E::ActiveModel,
    (id_column, version_column): (E::Column, E::Column),
    version_of: fn(&E::Model) -> i64,
) -> Result<E::Model, RepoError>
where
    E: sea_orm::EntityTrait,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E>,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<uuid::Uuid>,
{
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, QueryFilter};
    let result = E::update_many()
        .set(changes)
        .col_expr(version_column, Expr::col(version_column).add(1))
        .filter(id_column.eq(id))
        .filter(version_column.eq(version))
        .exec(db)
        .await?;
    let row = E::find_by_id(id).one(db).await?.ok_or(RepoError::NotFound)?;
    if result.rows_affected == 0 {
        return Err(RepoError::StaleVersion {
            current: version_of(&row),
        });
    }
    Ok(row)
}
