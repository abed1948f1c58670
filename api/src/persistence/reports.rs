//! The funnel's read model (ADR 0009). Each challenge and idea has a row with the first
//! time of each of its steps, and `funnel_tallies` holds the report's additive figures per
//! arena and day of creation. Both follow the event log inside the transaction that appends
//! the event, so the report sums tallies and walks to the middle of a duration index instead
//! of grouping the whole log. They can be rebuilt from the log at any time.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IntoActiveModel,
    IsolationLevel, QueryResult, QueryTrait, TransactionTrait, Value,
};
use sluss_domain::challenge::ChallengeState;
use sluss_domain::event::{ChallengeEventKind, EventKind, IdeaEventKind};
use sluss_domain::idea::{IdeaState, TestOutcome};
use sluss_domain::report::{ChallengeSteps, Funnel, IdeaSteps, MedianDays, Tally, days_of_micros};
use uuid::Uuid;

use super::entities::{challenges, funnel_challenges, funnel_ideas, ideas};
use super::sql::statement;
use super::{Deferring, NewEvent, RepoError, begin_write, mark_rebuilt, read_model_stale, stored};

/// Which items a report covers.
#[derive(Debug, Clone, Default)]
pub struct Period {
    /// Only challenges in this arena (and their ideas).
    pub arena_id: Option<Uuid>,
    /// Created at or after.
    pub since: Option<DateTime<Utc>>,
    /// Created before.
    pub until: Option<DateTime<Utc>>,
}

const DAY_US: i64 = 86_400_000_000;

/// Tally rows per day and arena on PostgreSQL, where concurrent writers take row locks.
const PG_SHARDS: u8 = 8;

fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

fn time(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

fn times(us: Option<i64>) -> Option<DateTime<Utc>> {
    us.map(time)
}

// --- rows and domain steps --------------------------------------------------------------

fn challenge_steps(row: &funnel_challenges::Model) -> Result<ChallengeSteps, RepoError> {
    Ok(ChallengeSteps {
        state: stored(ChallengeState::parse(&row.state), "funnel_challenges.state", &row.state)?,
        created_at: time(row.created_us),
        published_at: times(row.published_us),
    })
}

fn challenge_row(id: Uuid, arena_id: Uuid, steps: &ChallengeSteps) -> funnel_challenges::Model {
    funnel_challenges::Model {
        challenge_id: id,
        arena_id,
        created_us: micros(steps.created_at),
        state: steps.state.as_str().to_owned(),
        published_us: steps.published_at.map(micros),
        need_formulation_us: steps.need_formulation(),
    }
}

fn idea_steps(row: &funnel_ideas::Model) -> Result<IdeaSteps, RepoError> {
    Ok(IdeaSteps {
        state: stored(IdeaState::parse(&row.state), "funnel_ideas.state", &row.state)?,
        created_at: time(row.created_us),
        submitted_at: times(row.submitted_us),
        assessment_started_at: times(row.assessment_started_us),
        decided_at: times(row.decided_us),
        qualified_at: times(row.qualified_us),
        incubation_started_at: times(row.incubation_started_us),
        testing_started_at: times(row.testing_started_us),
        completed_at: times(row.completed_us),
        adopted: row.adopted,
    })
}

fn idea_row(id: Uuid, arena_id: Uuid, steps: &IdeaSteps) -> funnel_ideas::Model {
    let durations = steps.durations();
    funnel_ideas::Model {
        idea_id: id,
        arena_id,
        created_us: micros(steps.created_at),
        state: steps.state.as_str().to_owned(),
        submitted_us: steps.submitted_at.map(micros),
        assessment_started_us: steps.assessment_started_at.map(micros),
        decided_us: steps.decided_at.map(micros),
        qualified_us: steps.qualified_at.map(micros),
        incubation_started_us: steps.incubation_started_at.map(micros),
        testing_started_us: steps.testing_started_at.map(micros),
        completed_us: steps.completed_at.map(micros),
        adopted: steps.adopted,
        matching_us: durations.matching,
        assessment_us: durations.assessment,
        incubation_us: durations.incubation,
        testing_us: durations.testing,
    }
}

// --- tallies ----------------------------------------------------------------------------

/// The tally row an item counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    arena_id: Uuid,
    day: i64,
    shard: i16,
}

impl Key {
    fn of(backend: DbBackend, item: Uuid, arena_id: Uuid, created_us: i64) -> Self {
        let shard = match backend {
            DbBackend::Postgres => i16::from(item.as_bytes()[15] % PG_SHARDS),
            _ => 0,
        };
        Self {
            arena_id,
            day: created_us.div_euclid(DAY_US),
            shard,
        }
    }
}

/// Adds `delta` to the tally row `key`, creating it when missing.
async fn add_tally(db: &impl Deferring, key: Key, delta: &Tally) -> Result<(), RepoError> {
    let changed: Vec<(String, i64)> = Tally::names()
        .into_iter()
        .zip(delta.values())
        .filter(|(_, value)| *value != 0)
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let columns: Vec<&str> = changed.iter().map(|(name, _)| name.as_str()).collect();
    let sql = format!(
        "INSERT INTO funnel_tallies (arena_id, day, shard, {}) VALUES (?, ?, ?, {}) \
         ON CONFLICT (arena_id, day, shard) DO UPDATE SET {}",
        columns.join(", "),
        vec!["?"; columns.len()].join(", "),
        columns
            .iter()
            .map(|c| format!("{c} = funnel_tallies.{c} + excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let mut values: Vec<Value> = vec![key.arena_id.into(), key.day.into(), key.shard.into()];
    values.extend(changed.iter().map(|(_, value)| Value::from(*value)));
    db.defer(statement(db.get_database_backend(), &sql, values)).await?;
    Ok(())
}

/// Moves an item's contribution from `before` in `old` to `after` in `new`, touching the
/// rows in key order so two writers never wait for each other in a cycle.
async fn move_tally(
    db: &impl Deferring,
    (old, before): (Key, Tally),
    (new, after): (Key, Tally),
) -> Result<(), RepoError> {
    if old == new {
        return add_tally(db, new, &(after - before)).await;
    }
    let mut changes = [(old, Tally::default() - before), (new, after)];
    changes.sort_by_key(|(key, _)| *key);
    for (key, delta) in &changes {
        add_tally(db, *key, delta).await?;
    }
    Ok(())
}

// --- following the event log ------------------------------------------------------------

/// Brings the read model up to date with one event just appended in the same transaction.
pub async fn follow(db: &impl Deferring, event: &NewEvent<'_>) -> Result<(), RepoError> {
    match event.kind {
        EventKind::Challenge(kind) => follow_challenge(db, event, kind).await,
        EventKind::Idea(kind) => follow_idea(db, event, kind).await,
        // The funnel counts challenges and ideas only.
        EventKind::Arena(_) | EventKind::User(_) | EventKind::Organisation(_) => Ok(()),
    }
}

/// The event's time as the read model keeps it (whole microseconds), so steps computed on
/// write and steps read back agree exactly.
fn event_time(event: &NewEvent<'_>) -> DateTime<Utc> {
    time(micros(event.at))
}

/// The `arena_id` an event's payload names: `Some(None)` for an explicit null, `None`
/// when the payload does not say.
fn payload_arena(event: &NewEvent<'_>) -> Option<Option<Uuid>> {
    match event.payload.get("arena_id")? {
        serde_json::Value::Null => Some(None),
        value => value.as_str().and_then(|v| v.parse().ok()).map(Some),
    }
}

fn stale(table: &str, id: Uuid) -> RepoError {
    RepoError::Db(sea_orm::DbErr::Custom(format!(
        "{table} has no row for {id}; the funnel read model needs a rebuild"
    )))
}

async fn challenge(db: &impl ConnectionTrait, id: Uuid) -> Result<challenges::Model, RepoError> {
    challenges::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| stale("challenges", id))
}

async fn follow_challenge(
    db: &impl Deferring,
    event: &NewEvent<'_>,
    kind: ChallengeEventKind,
) -> Result<(), RepoError> {
    let backend = db.get_database_backend();
    let id = event.subject_id;
    let to_state = stored(ChallengeState::parse(event.to_state), "events.to_state", event.to_state)?;
    if kind == ChallengeEventKind::Create {
        // A challenge is created at its creation event's time.
        let steps = ChallengeSteps::new(to_state, event_time(event));
        let arena_id = match payload_arena(event) {
            Some(arena_id) => arena_id,
            None => challenge(db, id).await?.arena_id,
        };
        let new = challenge_row(id, arena_id.unwrap_or_default(), &steps);
        let key = Key::of(backend, id, new.arena_id, new.created_us);
        db.defer(funnel_challenges::Entity::insert(new.into_active_model().reset_all()).build(backend))
            .await?;
        return add_tally(db, key, &Tally::of_challenge(&steps)).await;
    }
    if event.from_state == Some(event.to_state) && !ChallengeSteps::step_kinds().any(|step| step == kind) {
        // Neither its state nor a step's time changes.
        return Ok(());
    }
    let old = funnel_challenges::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| stale("funnel_challenges", id))?;
    let before = challenge_steps(&old)?;
    let mut after = before.clone();
    after.apply(kind, to_state, event_time(event));
    // Publishing places the challenge in its arena: the only time the arena changes.
    let arena_id = match (kind, payload_arena(event)) {
        (ChallengeEventKind::Publish, Some(arena_id)) => arena_id.unwrap_or_default(),
        (ChallengeEventKind::Publish, None) => challenge(db, id).await?.arena_id.unwrap_or_default(),
        _ => old.arena_id,
    };
    let new = challenge_row(id, arena_id, &after);
    if new == old {
        return Ok(());
    }
    let (old_key, new_key) = (
        Key::of(backend, id, old.arena_id, old.created_us),
        Key::of(backend, id, new.arena_id, new.created_us),
    );
    new.into_active_model().reset_all().update(db).await?;
    move_tally(
        db,
        (old_key, Tally::of_challenge(&before)),
        (new_key, Tally::of_challenge(&after)),
    )
    .await
}

async fn follow_idea(db: &impl Deferring, event: &NewEvent<'_>, kind: IdeaEventKind) -> Result<(), RepoError> {
    let backend = db.get_database_backend();
    let id = event.subject_id;
    let to_state = stored(IdeaState::parse(event.to_state), "events.to_state", event.to_state)?;
    if kind == IdeaEventKind::Create {
        // An idea is created at its creation event's time; the event names the arena of
        // its challenge (or, failing that, the idea names the challenge).
        let steps = IdeaSteps::new(to_state, event_time(event));
        let arena_id = match payload_arena(event) {
            Some(arena_id) => arena_id,
            None => {
                let idea = ideas::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .ok_or_else(|| stale("ideas", id))?;
                challenge(db, idea.challenge_id).await?.arena_id
            }
        };
        let new = idea_row(id, arena_id.unwrap_or_default(), &steps);
        let key = Key::of(backend, id, new.arena_id, new.created_us);
        db.defer(funnel_ideas::Entity::insert(new.into_active_model().reset_all()).build(backend))
            .await?;
        return add_tally(db, key, &Tally::of_idea(&steps)).await;
    }
    if event.from_state == Some(event.to_state) && !IdeaSteps::step_kinds().any(|step| step == kind) {
        // Neither its state nor a step's time changes.
        return Ok(());
    }
    let old = funnel_ideas::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| stale("funnel_ideas", id))?;
    let before = idea_steps(&old)?;
    let mut after = before.clone();
    let outcome = event
        .payload
        .get("outcome")
        .and_then(|o| o.as_str())
        .and_then(TestOutcome::parse);
    after.apply(kind, to_state, event_time(event), outcome);
    let new = idea_row(id, old.arena_id, &after);
    if new == old {
        return Ok(());
    }
    let key = Key::of(backend, id, old.arena_id, old.created_us);
    new.into_active_model().reset_all().update(db).await?;
    add_tally(db, key, &(Tally::of_idea(&after) - Tally::of_idea(&before))).await
}

// --- rebuilding from the event log ------------------------------------------------------

/// `{page}` is the subquery selecting one page of items.
const CHALLENGE_STEPS: &str = "SELECT c.id, c.arena_id, c.state, c.created_at, MIN(e.at) AS published_at \
     FROM ({page}) c LEFT JOIN events e \
     ON e.subject_id = c.id AND e.subject_type = 'challenge' AND e.command = 'publish' \
     GROUP BY c.id, c.arena_id, c.state, c.created_at";

/// `{page}` is the subquery selecting one page of items.
const IDEA_ROWS: &str = "SELECT i.id, c.arena_id, i.state, i.created_at \
     FROM ({page}) i JOIN challenges c ON c.id = i.challenge_id";

/// The events of one page of ideas that [`IdeaSteps::apply`] keeps the first time of,
/// named by the domain ([`IdeaSteps::step_kinds`]); `{page}` is the page's subquery.
fn idea_step_events() -> String {
    let kinds: Vec<String> = IdeaSteps::step_kinds()
        .map(|kind| format!("'{}'", kind.as_str()))
        .collect();
    format!(
        "SELECT e.subject_id, e.command, e.to_state, e.at, e.payload \
         FROM ({{page}}) i JOIN events e ON e.subject_id = i.id AND e.subject_type = 'idea' \
         AND e.command IN ({})",
        kinds.join(", ")
    )
}

/// Folds one page's step events into the steps of its ideas, as the domain takes them in
/// (the order does not matter: each step keeps its first time).
fn fold_idea_events(
    events: &[QueryResult],
    steps: &mut std::collections::HashMap<Uuid, IdeaSteps>,
) -> Result<(), RepoError> {
    for event in events {
        let id: Uuid = event.try_get("", "subject_id")?;
        let Some(item) = steps.get_mut(&id) else { continue };
        let command: String = event.try_get("", "command")?;
        let to_state: String = event.try_get("", "to_state")?;
        let at: DateTime<Utc> = event.try_get("", "at")?;
        let payload: String = event.try_get("", "payload")?;
        let kind = stored(IdeaEventKind::parse(&command), "events.command", &command)?;
        let state = item.state;
        let outcome = serde_json::from_str::<serde_json::Value>(&payload)
            .ok()
            .and_then(|payload| payload.get("outcome")?.as_str().and_then(TestOutcome::parse));
        let to = stored(IdeaState::parse(&to_state), "events.to_state", &to_state)?;
        item.apply(kind, to, time(micros(at)), outcome);
        // The item's state is the idea's, not that of its last step event.
        item.state = state;
    }
    Ok(())
}

/// Items read and written per round of a rebuild.
const REBUILD_PAGE: u64 = 2_000;

fn at(row: &QueryResult, column: &str) -> Result<Option<DateTime<Utc>>, RepoError> {
    Ok(row
        .try_get::<Option<DateTime<Utc>>>("", column)?
        .map(|at| time(micros(at))))
}

/// The steps of one page of items of `table` (the first ones in id order after `after`),
/// in no particular order:
/// `select` with the page as its subquery, so each page groups only its own events.
async fn steps_page(
    db: &impl ConnectionTrait,
    select: &str,
    (table, columns): (&str, &str),
    after: Option<Uuid>,
) -> Result<Vec<QueryResult>, RepoError> {
    let (condition, values) = match after {
        Some(id) => (" WHERE id > ?", vec![Value::from(id)]),
        None => ("", Vec::new()),
    };
    let page = format!("SELECT {columns} FROM {table}{condition} ORDER BY id LIMIT {REBUILD_PAGE}");
    let sql = select.replace("{page}", &page);
    Ok(db
        .query_all_raw(statement(db.get_database_backend(), &sql, values))
        .await?)
}

/// Rebuilds the read model from the challenges, ideas and event log, in `db`'s transaction.
pub async fn rebuild(db: &impl Deferring) -> Result<(), RepoError> {
    let backend = db.get_database_backend();
    for table in ["funnel_tallies", "funnel_ideas", "funnel_challenges"] {
        db.execute_unprepared(&format!("DELETE FROM {table}")).await?;
    }
    let mut tallies: BTreeMap<Key, Tally> = BTreeMap::new();

    let mut after = None;
    loop {
        let rows = steps_page(
            db,
            CHALLENGE_STEPS,
            ("challenges", "id, arena_id, state, created_at"),
            after,
        )
        .await?;
        let mut models = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: Uuid = row.try_get("", "id")?;
            let state: String = row.try_get("", "state")?;
            let created_at: DateTime<Utc> = row.try_get("", "created_at")?;
            let steps = ChallengeSteps {
                state: stored(ChallengeState::parse(&state), "challenges.state", &state)?,
                created_at: time(micros(created_at)),
                published_at: at(row, "published_at")?,
            };
            let model = challenge_row(
                id,
                row.try_get::<Option<Uuid>>("", "arena_id")?.unwrap_or_default(),
                &steps,
            );
            *tallies
                .entry(Key::of(backend, id, model.arena_id, model.created_us))
                .or_default() += Tally::of_challenge(&steps);
            models.push(model.into_active_model());
            after = after.max(Some(id));
        }
        if !models.is_empty() {
            funnel_challenges::Entity::insert_many(models).exec(db).await?;
        }
        if (rows.len() as u64) < REBUILD_PAGE {
            break;
        }
    }

    let mut after = None;
    loop {
        let page = ("ideas", "id, challenge_id, state, created_at");
        let rows = steps_page(db, IDEA_ROWS, page, after).await?;
        let mut steps = std::collections::HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: Uuid = row.try_get("", "id")?;
            let state: String = row.try_get("", "state")?;
            let created_at: DateTime<Utc> = row.try_get("", "created_at")?;
            let state = stored(IdeaState::parse(&state), "ideas.state", &state)?;
            steps.insert(id, IdeaSteps::new(state, time(micros(created_at))));
        }
        fold_idea_events(&steps_page(db, &idea_step_events(), page, after).await?, &mut steps)?;
        let mut models = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: Uuid = row.try_get("", "id")?;
            let steps = &steps[&id];
            let model = idea_row(
                id,
                row.try_get::<Option<Uuid>>("", "arena_id")?.unwrap_or_default(),
                steps,
            );
            *tallies
                .entry(Key::of(backend, id, model.arena_id, model.created_us))
                .or_default() += Tally::of_idea(steps);
            models.push(model.into_active_model());
            after = after.max(Some(id));
        }
        if !models.is_empty() {
            funnel_ideas::Entity::insert_many(models).exec(db).await?;
        }
        if (rows.len() as u64) < REBUILD_PAGE {
            break;
        }
    }

    for (key, tally) in &tallies {
        add_tally(db, *key, tally).await?;
    }
    Ok(())
}

/// Rebuilds the read model when a migration has marked it stale; one process does it while
/// others wait for its transaction. Returns whether it rebuilt.
pub async fn rebuild_if_stale(db: &DatabaseConnection) -> Result<bool, RepoError> {
    let tx = begin_write(db).await?;
    let stale = read_model_stale(&tx, "funnel").await?;
    if stale {
        rebuild(&tx).await?;
        mark_rebuilt(&tx, "funnel").await?;
    }
    tx.commit().await?;
    Ok(stale)
}

// --- the report -------------------------------------------------------------------------

/// `WHERE` conditions on the read model's tables for a period.
fn conditions(period: &Period, created: (Option<i64>, Option<i64>)) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut values = Vec::new();
    if let Some(arena_id) = period.arena_id {
        sql.push_str(" AND arena_id = ?");
        values.push(arena_id.into());
    }
    if let Some(since) = created.0 {
        sql.push_str(" AND created_us >= ?");
        values.push(since.into());
    }
    if let Some(until) = created.1 {
        sql.push_str(" AND created_us < ?");
        values.push(until.into());
    }
    (sql, values)
}

/// Days since the epoch as `[first, end)`, either side open.
type DayRange = (Option<i64>, Option<i64>);

/// The days wholly inside the period, as `[first, end)` (either side open), and the parts of
/// days at its edges, as `[from, to)` in microseconds.
fn split_days(since: Option<i64>, until: Option<i64>) -> (DayRange, Vec<(i64, i64)>) {
    let first = since.map(|s| s.div_euclid(DAY_US) + i64::from(s.rem_euclid(DAY_US) != 0));
    let end = until.map(|u| u.div_euclid(DAY_US));
    match (since, until, first, end) {
        (Some(since), Some(until), Some(first), Some(end)) if first >= end => (
            (Some(0), Some(0)),
            if since < until {
                vec![(since, until)]
            } else {
                Vec::new()
            },
        ),
        _ => {
            let mut edges = Vec::new();
            if let (Some(since), Some(first)) = (since, first) {
                edges.push((since, first * DAY_US));
            }
            if let (Some(until), Some(end)) = (until, end) {
                edges.push((end * DAY_US, until));
            }
            edges.retain(|(from, to)| from < to);
            ((first, end), edges)
        }
    }
}

async fn sum_tallies(db: &impl ConnectionTrait, period: &Period, (first, end): DayRange) -> Result<Tally, RepoError> {
    let names = Tally::names();
    let sums: Vec<String> = names
        .iter()
        .map(|n| format!("CAST(COALESCE(SUM({n}), 0) AS BIGINT) AS {n}"))
        .collect();
    let mut sql = format!("SELECT {} FROM funnel_tallies WHERE 1 = 1", sums.join(", "));
    let mut values = Vec::new();
    if let Some(arena_id) = period.arena_id {
        sql.push_str(" AND arena_id = ?");
        values.push(Value::from(arena_id));
    }
    if let Some(first) = first {
        sql.push_str(" AND day >= ?");
        values.push(first.into());
    }
    if let Some(end) = end {
        sql.push_str(" AND day < ?");
        values.push(end.into());
    }
    let row = db
        .query_one_raw(statement(db.get_database_backend(), &sql, values))
        .await?
        .ok_or(RepoError::NotFound)?;
    let values = names
        .iter()
        .map(|n| row.try_get::<i64>("", n))
        .collect::<Result<Vec<_>, _>>()?;
    Tally::from_values(&values).ok_or(RepoError::NotFound)
}

/// The tally of the items created in `[from, to)`, from their rows.
async fn tally_between(db: &impl ConnectionTrait, period: &Period, (from, to): (i64, i64)) -> Result<Tally, RepoError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut tally = Tally::default();
    let mut challenges = funnel_challenges::Entity::find()
        .filter(funnel_challenges::Column::CreatedUs.gte(from))
        .filter(funnel_challenges::Column::CreatedUs.lt(to));
    let mut ideas = funnel_ideas::Entity::find()
        .filter(funnel_ideas::Column::CreatedUs.gte(from))
        .filter(funnel_ideas::Column::CreatedUs.lt(to));
    if let Some(arena_id) = period.arena_id {
        challenges = challenges.filter(funnel_challenges::Column::ArenaId.eq(arena_id));
        ideas = ideas.filter(funnel_ideas::Column::ArenaId.eq(arena_id));
    }
    for row in challenges.all(db).await? {
        tally += Tally::of_challenge(&challenge_steps(&row)?);
    }
    for row in ideas.all(db).await? {
        tally += Tally::of_idea(&idea_steps(&row)?);
    }
    Ok(tally)
}

/// The median of `column` over the `count` rows of the period that have it: a walk along
/// its index to the middle.
async fn median_days(
    db: &impl ConnectionTrait,
    period: &Period,
    (table, column): (&str, &str),
    count: i64,
) -> Result<Option<f64>, RepoError> {
    if count <= 0 {
        return Ok(None);
    }
    let (take, skip) = if count % 2 == 0 {
        (2, count / 2 - 1)
    } else {
        (1, count / 2)
    };
    let (filter, values) = conditions(period, (period.since.map(micros), period.until.map(micros)));
    let sql = format!(
        "SELECT {column} AS d FROM {table} WHERE {column} IS NOT NULL{filter} \
         ORDER BY {column} LIMIT {take} OFFSET {skip}"
    );
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), &sql, values))
        .await?;
    let middle = rows
        .iter()
        .map(|row| row.try_get::<i64>("", "d"))
        .collect::<Result<Vec<_>, _>>()?;
    if middle.is_empty() {
        return Ok(None);
    }
    let mean = middle.iter().map(|d| *d as f64).sum::<f64>() / middle.len() as f64;
    Ok(Some(days_of_micros(mean)))
}

const DURATION_COLUMNS: [(&str, &str); 5] = [
    ("funnel_challenges", "need_formulation_us"),
    ("funnel_ideas", "matching_us"),
    ("funnel_ideas", "assessment_us"),
    ("funnel_ideas", "incubation_us"),
    ("funnel_ideas", "testing_us"),
];

/// The funnel of `period`, read from one consistent snapshot of the read model.
pub async fn funnel(db: &DatabaseConnection, period: &Period) -> Result<Funnel, RepoError> {
    let tx = db
        .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
        .await?;
    let (days, edges) = split_days(period.since.map(micros), period.until.map(micros));
    let mut tally = sum_tallies(&tx, period, days).await?;
    for edge in edges {
        tally += tally_between(&tx, period, edge).await?;
    }
    let mut medians = [None; 5];
    for ((slot, column), count) in medians.iter_mut().zip(DURATION_COLUMNS).zip(tally.finished) {
        *slot = median_days(&tx, period, column, count).await?;
    }
    tx.commit().await?;
    Ok(Funnel::from_tally(&tally, MedianDays::in_step_order(medians)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_splits_into_whole_days_and_the_parts_at_its_edges() {
        let d = DAY_US;
        assert_eq!(split_days(None, None), ((None, None), vec![]));
        assert_eq!(split_days(Some(2 * d), Some(5 * d)), ((Some(2), Some(5)), vec![]));
        assert_eq!(
            split_days(Some(2 * d + 7), Some(5 * d + 9)),
            ((Some(3), Some(5)), vec![(2 * d + 7, 3 * d), (5 * d, 5 * d + 9)])
        );
        assert_eq!(
            split_days(Some(2 * d + 7), None),
            ((Some(3), None), vec![(2 * d + 7, 3 * d)])
        );
        assert_eq!(split_days(None, Some(-d + 1)), ((None, Some(-1)), vec![(-d, -d + 1)]));
        // Inside one day: no whole day, one edge.
        assert_eq!(
            split_days(Some(2 * d + 7), Some(2 * d + 9)),
            ((Some(0), Some(0)), vec![(2 * d + 7, 2 * d + 9)])
        );
        assert_eq!(split_days(Some(9), Some(7)), ((Some(0), Some(0)), vec![]));
    }
}
