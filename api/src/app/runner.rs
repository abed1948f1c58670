//! The one command runner: every state-changing command on an aggregate (a challenge's
//! submit or publish, an idea's decide or start-testing, an arena's open or close) runs
//! through [`run`], in one transaction and one order — load the aggregate for update,
//! read the facts the rules need, let the domain `decide`, check the expected version,
//! persist the events, hand each to the [journal](super::journal), commit.
//!
//! What differs between aggregates is said once, by an [`Aggregate`] implementation next
//! to the aggregate's use cases; the order is not theirs to change.

use chrono::{DateTime, Utc};
use sluss_domain::Actor;
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use super::{Expected, check_version};
use crate::error::ApiError;
use crate::persistence::WriteTx;
use crate::state::AppState;

/// An aggregate whose commands [`run`] runs: how it is loaded, what its rules are told,
/// how its events are persisted and journalled.
pub(crate) trait Aggregate {
    /// The stored row.
    type Row: Send + Sync;
    /// The state of its state machine.
    type State: Copy + Send;
    /// A command on it.
    type Command: Send + Sync;
    /// An event a command produces.
    type Event: Send + Sync;
    /// What the rules are told besides the aggregate and the actor, read in the
    /// transaction (and given back with the row, for the answer).
    type Facts: Send;

    /// The row, locked for the transaction's update.
    async fn load_for_update(tx: &WriteTx, id: Uuid) -> Result<Option<Self::Row>, ApiError>;

    /// The row's version, for `If-Match` and `expected_version`.
    fn version(row: &Self::Row) -> i64;

    /// The row's state.
    fn state(row: &Self::Row) -> Result<Self::State, ApiError>;

    /// The state's stored name.
    fn state_name(state: Self::State) -> &'static str;

    /// Reads what the rules need to decide `command` on `row`.
    async fn facts(
        tx: &WriteTx,
        row: &Self::Row,
        actor: &Actor,
        command: &Self::Command,
        now: DateTime<Utc>,
    ) -> Result<Self::Facts, ApiError>;

    /// The domain's decision: the events `command` produces, or why it is refused.
    fn decide(
        row: &Self::Row,
        command: &Self::Command,
        actor: &Actor,
        facts: &Self::Facts,
    ) -> Result<Vec<Self::Event>, ApiError>;

    /// The state after `event`.
    fn evolve(state: Self::State, event: &Self::Event) -> Self::State;

    /// Writes `events` to the row (guarded by its version) and to the records kept beside
    /// it; gives back the row as it is after them.
    async fn persist(
        tx: &WriteTx,
        row: &Self::Row,
        events: &[Self::Event],
        to: Self::State,
        now: DateTime<Utc>,
    ) -> Result<Self::Row, ApiError>;

    /// The data the journal keeps of `event`.
    fn payload(event: &Self::Event) -> serde_json::Value;

    /// What `event` happened to, for the journal.
    fn subject<'a>(row: &'a Self::Row, event: &Self::Event) -> Subject<'a>;
}

/// Runs `command` on the aggregate `id` for `actor` in one transaction; gives back the row
/// after it and the facts it was decided on.
pub(crate) async fn run<A: Aggregate>(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
    command: A::Command,
) -> Result<(A::Row, A::Facts), ApiError> {
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let row = A::load_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    let facts = A::facts(&tx, &row, actor, &command, now).await?;
    let events = A::decide(&row, &command, actor, &facts)
        .map_err(|refusal| super::stale_too(refusal, expected, A::version(&row)))?;
    check_version(expected, A::version(&row))?;
    let before = A::state(&row)?;
    let after = events.iter().fold(before, A::evolve);
    let updated = A::persist(&tx, &row, &events, after, now).await?;
    let mut from = before;
    for event in &events {
        let to = A::evolve(from, event);
        let states = (Some(A::state_name(from)), A::state_name(to));
        let entry = Entry::new(A::subject(&updated, event), states, actor.id, now, A::payload(event));
        journal::record(state, &tx, entry).await?;
        from = to;
    }
    tx.commit().await?;
    Ok((updated, facts))
}
