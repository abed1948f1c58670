//! Webhooks and their outbox (SPEC §11.3, ADR 0016): the hooks, one delivery row per event
//! and hook that wants it (written in the event's transaction), and each attempt to send it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set};
use uuid::Uuid;

use super::entities::{webhook_attempts as attempts, webhook_deliveries as deliveries, webhooks};
use super::{Deferring, Page, RepoError, keyset_page};

/// A delivery waits to be sent (or sent again).
pub const PENDING: &str = "pending";
/// A receiver answered 2xx.
pub const DELIVERED: &str = "delivered";
/// The retry window passed without a 2xx.
pub const FAILED: &str = "failed";

/// Stores a new hook.
pub async fn insert(db: &impl ConnectionTrait, row: webhooks::Model) -> Result<webhooks::Model, RepoError> {
    let active = webhooks::ActiveModel {
        id: Set(row.id),
        url: Set(row.url.clone()),
        events: Set(row.events.clone()),
        secret: Set(row.secret.clone()),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
    };
    webhooks::Entity::insert(active).exec_without_returning(db).await?;
    Ok(row)
}

/// One hook.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<webhooks::Model>, RepoError> {
    Ok(webhooks::Entity::find_by_id(id).one(db).await?)
}

/// A page of the hooks, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<webhooks::Model>, RepoError> {
    keyset_page(
        db,
        webhooks::Entity::find(),
        webhooks::Column::Id,
        |w| w.id,
        after,
        limit,
    )
    .await
}

/// The most hooks an event is offered to.
const HOOKS_MAX: u64 = 1_000;

/// Every hook, for an event to find those that want it.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<webhooks::Model>, RepoError> {
    Ok(webhooks::Entity::find()
        .order_by_asc(webhooks::Column::Id)
        .limit(HOOKS_MAX)
        .all(db)
        .await?)
}

/// Removes a hook with its deliveries and their attempts; whether it existed.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, RepoError> {
    let of_hook = Query::select()
        .column(deliveries::Column::Id)
        .from(deliveries::Entity)
        .and_where(Expr::col(deliveries::Column::WebhookId).eq(id))
        .to_owned();
    attempts::Entity::delete_many()
        .filter(attempts::Column::DeliveryId.in_subquery(of_hook))
        .exec(db)
        .await?;
    deliveries::Entity::delete_many()
        .filter(deliveries::Column::WebhookId.eq(id))
        .exec(db)
        .await?;
    Ok(webhooks::Entity::delete_by_id(id).exec(db).await?.rows_affected > 0)
}

/// One event for one hook, about to join the outbox.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    /// The hook.
    pub webhook_id: Uuid,
    /// The event's id (the same for every hook), sent as `Sluss-Event-Id`.
    pub event_id: Uuid,
    /// `challenge.submit`, …
    pub event_type: &'a str,
    /// `challenge` or `idea`.
    pub subject_type: &'a str,
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// The JSON to send.
    pub body: &'a str,
    /// When the event happened: the delivery is due at once.
    pub at: DateTime<Utc>,
}

/// Adds a delivery to the outbox, in the transaction of its event. Its id is a UUIDv7
/// made now, so the deliveries of one subject sort in the order of their events.
pub async fn enqueue(db: &impl Deferring, delivery: NewDelivery<'_>) -> Result<(), RepoError> {
    let row = deliveries::ActiveModel {
        id: Set(Uuid::now_v7()),
        webhook_id: Set(delivery.webhook_id),
        event_id: Set(delivery.event_id),
        event_type: Set(delivery.event_type.to_owned()),
        subject_type: Set(delivery.subject_type.to_owned()),
        subject_id: Set(delivery.subject_id),
        body: Set(delivery.body.to_owned()),
        state: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(delivery.at),
        created_at: Set(delivery.at),
        finished_at: Set(None),
    };
    db.defer(deliveries::Entity::insert(row).build(db.get_database_backend()))
        .await?;
    Ok(())
}

/// The pending deliveries due at `now`, oldest first, each with its hook: only the first
/// pending one of each hook and subject, so that a later event waits for an earlier one.
/// The hooks in `busy` (being sent to already) are left out, so that their deliveries do
/// not take the places of other hooks'.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
    busy: &[Uuid],
) -> Result<Vec<(deliveries::Model, webhooks::Model)>, RepoError> {
    let earlier = Alias::new("earlier");
    let earlier_pending = Query::select()
        .expr(Expr::val(1))
        .from_as(deliveries::Entity, earlier.clone())
        .and_where(
            Expr::col((earlier.clone(), deliveries::Column::WebhookId))
                .equals((deliveries::Entity, deliveries::Column::WebhookId)),
        )
        .and_where(
            Expr::col((earlier.clone(), deliveries::Column::SubjectId))
                .equals((deliveries::Entity, deliveries::Column::SubjectId)),
        )
        .and_where(Expr::col((earlier.clone(), deliveries::Column::State)).eq(PENDING))
        .and_where(
            Expr::col((earlier.clone(), deliveries::Column::Id))
                .lt(Expr::col((deliveries::Entity, deliveries::Column::Id))),
        )
        .to_owned();
    let rows = deliveries::Entity::find()
        .filter(deliveries::Column::State.eq(PENDING))
        .filter(deliveries::Column::NextAttemptAt.lte(now))
        .filter(Expr::exists(earlier_pending).not())
        .apply_if((!busy.is_empty()).then_some(busy), |select, busy| {
            select.filter(deliveries::Column::WebhookId.is_not_in(busy.iter().copied()))
        })
        .order_by_asc(deliveries::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let hook_ids: Vec<Uuid> = rows.iter().map(|d| d.webhook_id).collect();
    let hooks: HashMap<Uuid, webhooks::Model> = webhooks::Entity::find()
        .filter(webhooks::Column::Id.is_in(hook_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|hook| (hook.id, hook))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|delivery| {
            let hook = hooks.get(&delivery.webhook_id)?.clone();
            Some((delivery, hook))
        })
        .collect())
}

/// The outcome of one attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The receiver's status, when it answered.
    pub status_code: Option<u16>,
    /// Why it got no answer.
    pub error: Option<String>,
    /// What the delivery is afterwards: [`PENDING`] (with when to try again),
    /// [`DELIVERED`] or [`FAILED`].
    pub state: &'static str,
    /// When to try again, while pending.
    pub next_attempt_at: DateTime<Utc>,
}

/// Records an attempt at a delivery that is still pending (`attempts` made before it);
/// whether it was (a delivery removed with its hook, or finished by another process
/// meanwhile, records nothing).
pub async fn record_attempt(
    db: &impl ConnectionTrait,
    delivery: &deliveries::Model,
    attempt: Attempt,
) -> Result<bool, RepoError> {
    let finished = (attempt.state != PENDING).then_some(attempt.at);
    let updated = deliveries::Entity::update_many()
        .col_expr(deliveries::Column::State, Expr::value(attempt.state))
        .col_expr(deliveries::Column::Attempts, Expr::value(delivery.attempts + 1))
        .col_expr(deliveries::Column::NextAttemptAt, Expr::value(attempt.next_attempt_at))
        .col_expr(deliveries::Column::FinishedAt, Expr::value(finished))
        .filter(deliveries::Column::Id.eq(delivery.id))
        .filter(deliveries::Column::State.eq(PENDING))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    let row = attempts::ActiveModel {
        id: Set(Uuid::now_v7()),
        delivery_id: Set(delivery.id),
        attempted_at: Set(attempt.at),
        status_code: Set(attempt.status_code.map(i32::from)),
        error: Set(attempt.error.map(|e| e.chars().take(300).collect())),
    };
    attempts::Entity::insert(row).exec_without_returning(db).await?;
    Ok(true)
}

/// A page of one hook's deliveries, newest first, each with its attempts, oldest first.
pub async fn deliveries_of(
    db: &impl ConnectionTrait,
    webhook_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<(deliveries::Model, Vec<attempts::Model>)>, RepoError> {
    let page = keyset_page(
        db,
        deliveries::Entity::find().filter(deliveries::Column::WebhookId.eq(webhook_id)),
        deliveries::Column::Id,
        |d| d.id,
        after,
        limit,
    )
    .await?;
    let ids: Vec<Uuid> = page.items.iter().map(|d| d.id).collect();
    let mut made: HashMap<Uuid, Vec<attempts::Model>> = HashMap::new();
    for attempt in attempts::Entity::find()
        .filter(attempts::Column::DeliveryId.is_in(ids))
        .order_by_asc(attempts::Column::Id)
        .all(db)
        .await?
    {
        made.entry(attempt.delivery_id).or_default().push(attempt);
    }
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|delivery| {
                let tried = made.remove(&delivery.id).unwrap_or_default();
                (delivery, tried)
            })
            .collect(),
        next_after: page.next_after,
    })
}

/// Every delivery about `subjects`, sent or not: an erasure rewrites their bodies.
pub async fn about(db: &impl ConnectionTrait, subjects: &[Uuid]) -> Result<Vec<deliveries::Model>, RepoError> {
    Ok(deliveries::Entity::find()
        .filter(deliveries::Column::SubjectId.is_in(subjects.iter().copied()))
        .all(db)
        .await?)
}

/// Replaces the body of a delivery.
pub async fn rewrite_body(db: &impl ConnectionTrait, id: Uuid, body: &str) -> Result<(), RepoError> {
    deliveries::Entity::update_many()
        .col_expr(deliveries::Column::Body, Expr::value(body))
        .filter(deliveries::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
