//! The scheduled jobs' leases and the accounts' activity (SPEC §16, ADR 0038).
//!
//! A job's lease is one row of `job_leases`, taken by a conditional UPDATE: of several
//! processes only the one whose UPDATE changed the row runs the job, on SQLite and
//! PostgreSQL alike.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sluss_domain::Role;
use uuid::Uuid;

use super::RepoError;
use super::entities::{job_leases, users};

/// Makes sure job `name` has its row (a job added since the database was made has none).
pub async fn ensure(db: &impl ConnectionTrait, name: &str) -> Result<(), RepoError> {
    let row = job_leases::ActiveModel {
        name: Set(name.to_owned()),
        holder: Set(None),
        lease_until: Set(None),
        last_run_at: Set(None),
    };
    job_leases::Entity::insert(row)
        .on_conflict_do_nothing_on([job_leases::Column::Name])
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Takes the lease of job `name` for `holder` until `until`, if no one else holds it at
/// `now` and, with `due_before`, if the job last ran on schedule before that moment (or
/// never). Whether it was taken.
pub async fn take(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    due_before: Option<DateTime<Utc>>,
) -> Result<bool, RepoError> {
    let mut update = job_leases::Entity::update_many()
        .col_expr(job_leases::Column::Holder, Expr::value(holder))
        .col_expr(job_leases::Column::LeaseUntil, Expr::value(until))
        .filter(job_leases::Column::Name.eq(name))
        .filter(
            Condition::any()
                .add(job_leases::Column::LeaseUntil.is_null())
                .add(job_leases::Column::LeaseUntil.lte(now))
                .add(job_leases::Column::Holder.eq(holder)),
        );
    if let Some(due_before) = due_before {
        update = update.filter(
            Condition::any()
                .add(job_leases::Column::LastRunAt.is_null())
                .add(job_leases::Column::LastRunAt.lte(due_before)),
        );
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Gives back the lease of job `name` held by `holder`; with `ran_at`, records that the job
/// ran on schedule then.
pub async fn release(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    ran_at: Option<DateTime<Utc>>,
) -> Result<(), RepoError> {
    let mut update = job_leases::Entity::update_many()
        .col_expr(job_leases::Column::Holder, Expr::value(Option::<String>::None))
        .col_expr(
            job_leases::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(job_leases::Column::Name.eq(name))
        .filter(job_leases::Column::Holder.eq(holder));
    if let Some(at) = ran_at {
        update = update.col_expr(job_leases::Column::LastRunAt, Expr::value(at));
    }
    update.exec(db).await?;
    Ok(())
}

/// The row of job `name`, if it has one.
pub async fn find(db: &impl ConnectionTrait, name: &str) -> Result<Option<job_leases::Model>, RepoError> {
    Ok(job_leases::Entity::find_by_id(name.to_owned()).one(db).await?)
}

/// Records that account `user_id` was used at `now`.
pub async fn touch(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), RepoError> {
    users::Entity::update_many()
        .col_expr(users::Column::LastActiveAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// When the account was last used: its last sign-in or token use, else its making.
pub fn last_active(user: &users::Model) -> DateTime<Utc> {
    user.last_active_at.unwrap_or(user.created_at)
}

/// `COALESCE(last_active_at, created_at)`.
fn last_active_expr() -> Expr {
    Func::coalesce([
        Expr::col(users::Column::LastActiveAt),
        Expr::col(users::Column::CreatedAt),
    ])
    .into()
}

/// Active accounts without the facilitator role, unused since `unused_since`, by id from
/// after `after`.
fn unused(unused_since: DateTime<Utc>, after: Option<Uuid>) -> sea_orm::Select<users::Entity> {
    let mut select = users::Entity::find();
    if let Some(after) = after {
        select = select.filter(users::Column::Id.gt(after));
    }
    select
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Roles.not_like(format!("%{}%", Role::Facilitator.as_str())))
        .filter(last_active_expr().lte(unused_since))
        .order_by_asc(users::Column::Id)
}

/// Up to `limit` accounts (by id, after `after`) unused since `unused_since` that have not been warned since they
/// were last used.
pub async fn to_warn(
    db: &impl ConnectionTrait,
    unused_since: DateTime<Utc>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<users::Model>, RepoError> {
    Ok(unused(unused_since, after)
        .filter(
            Condition::any()
                .add(users::Column::RetentionWarnedAt.is_null())
                .add(Expr::col(users::Column::RetentionWarnedAt).lt(last_active_expr())),
        )
        .limit(limit)
        .all(db)
        .await?)
}

/// Up to `limit` accounts (by id, after `after`) unused since `unused_since`, warned since they were last used and
/// no later than `warned_by`.
pub async fn to_erase(
    db: &impl ConnectionTrait,
    unused_since: DateTime<Utc>,
    warned_by: DateTime<Utc>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<users::Model>, RepoError> {
    Ok(unused(unused_since, after)
        .filter(users::Column::RetentionWarnedAt.lte(warned_by))
        .filter(Expr::col(users::Column::RetentionWarnedAt).gte(last_active_expr()))
        .limit(limit)
        .all(db)
        .await?)
}

/// Records that account `user_id`, read when it was last used at `last_active`, was warned
/// at `now`; whether it still was unused then (an account used meanwhile is not marked).
pub async fn mark_warned(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    last_active: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let result = users::Entity::update_many()
        .col_expr(users::Column::RetentionWarnedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::Active.eq(true))
        .filter(last_active_expr().lte(last_active))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// How long a lease lasts when its holder dies without giving it back.
pub const LEASE: Duration = Duration::minutes(15);
