//! Deadlines that act (SPEC §17, ADR 0040): the assignments whose assessor may be owed a
//! reminder and the marks that make each reminder go out once, the arenas whose start or
//! end has passed, and the facilitator's lists of what is late.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sluss_domain::arena::ArenaState;
use sluss_domain::assessment::AssignmentState;
use sluss_domain::deadline::{DAYS_BEFORE, Reminder};
use uuid::Uuid;

use super::RepoError;
use super::entities::{arenas, assignments, idea_tests};

/// Up to `limit` assignments (by id, after `after`) still waiting for a scorecard whose due
/// date is at most two days after `today` and whose overdue reminder has not gone out: the
/// ones that may be owed a reminder.
pub async fn to_remind(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<assignments::Model>, RepoError> {
    let mut select = assignments::Entity::find()
        .filter(assignments::Column::State.eq(AssignmentState::Assigned.as_str()))
        .filter(assignments::Column::DueOn.is_not_null())
        .filter(assignments::Column::DueOn.lte(today + Duration::days(DAYS_BEFORE)))
        .filter(assignments::Column::RemindedOverdueAt.is_null());
    if let Some(after) = after {
        select = select.filter(assignments::Column::Id.gt(after));
    }
    Ok(select
        .order_by_asc(assignments::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Records that `reminder` of assignment `id` went out at `now`, if it had not and the
/// assignment still waits for its scorecard; whether this call recorded it (of two
/// concurrent calls only one does).
pub async fn mark_reminded(
    db: &impl ConnectionTrait,
    id: Uuid,
    reminder: Reminder,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let column = match reminder {
        Reminder::Due => assignments::Column::RemindedDueAt,
        Reminder::Overdue => assignments::Column::RemindedOverdueAt,
    };
    let result = assignments::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .filter(assignments::Column::Id.eq(id))
        .filter(assignments::Column::State.eq(AssignmentState::Assigned.as_str()))
        .filter(column.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The arenas that may open or close by themselves at `now`: planned ones whose start has
/// passed, open ones whose end has.
pub async fn arenas_due(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<arenas::Model>, RepoError> {
    Ok(arenas::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(arenas::Column::State.eq(ArenaState::Planned.as_str()))
                        .add(arenas::Column::StartsAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(arenas::Column::State.eq(ArenaState::Open.as_str()))
                        .add(arenas::Column::EndsAt.lte(now)),
                ),
        )
        .order_by_asc(arenas::Column::Id)
        .all(db)
        .await?)
}

/// Up to `limit` assignments waiting for a scorecard after their due date (before
/// `today`), the longest overdue first.
pub async fn overdue(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<assignments::Model>, RepoError> {
    Ok(assignments::Entity::find()
        .filter(assignments::Column::State.eq(AssignmentState::Assigned.as_str()))
        .filter(assignments::Column::DueOn.lt(today))
        .order_by_asc(assignments::Column::DueOn)
        .order_by_asc(assignments::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Up to `limit` tests not completed whose end date is before `today`, the longest past
/// first (the caller keeps those whose idea is still in testing).
pub async fn tests_past_end(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<idea_tests::Model>, RepoError> {
    Ok(idea_tests::Entity::find()
        .filter(idea_tests::Column::CompletedAt.is_null())
        .filter(idea_tests::Column::EndsOn.lt(today))
        .order_by_asc(idea_tests::Column::EndsOn)
        .limit(limit)
        .all(db)
        .await?)
}
