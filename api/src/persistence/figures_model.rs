//! The figures' read model (ADR 0024). Each act of the figures is kept as the participants
//! it names (`figures_participants`, one row each), counted per participant, arena and UTC
//! day (`figures_participations`), and the ideas that started testing are counted per arena
//! and day (`figures_tallies`). The rows follow the journal inside the transaction that
//! records the event, and can be rebuilt from the event log at any time.
//!
//! The report reads, in one read-only snapshot: the participants with an act on a whole
//! day of the period (an index probe per participant), each resolved against the registry
//! and accounts as they are now ([`Participant::actor`]); the acts at the period's edges,
//! parts of days, from the event log itself ([`super::figures`]); the tallies of the whole
//! days; and the spread activities and obstacles as before. The counting is the domain's.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, QueryResult, TransactionTrait, Value,
};
use sha2::{Digest, Sha256};
use sluss_domain::figures::{Act, ActorKey, Counted, Facts, Figures, Participant, Period, TeamMember};
use uuid::Uuid;

use super::entities::{challenges, ideas};
use super::figures::{self as log, Reading, Scope};
use super::sql::statement;
use super::{Deferring, RepoError, begin_write, mark_rebuilt, read_model_stale};

const DAY_SECONDS: i64 = 86_400;

/// Events read and rows written per round of a rebuild.
const REBUILD_PAGE: u64 = 5_000;

/// Rows per multi-row statement of a rebuild.
const ROWS_PER_STATEMENT: usize = 200;

/// The UTC day of `at`, as days since the Unix epoch.
fn day_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(DAY_SECONDS)
}

/// The start (00:00 UTC) of `day`.
fn midnight(day: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(day.saturating_mul(DAY_SECONDS), 0).unwrap_or_default()
}

// --- participants and their rows --------------------------------------------------------

/// A participant's columns: kind, account, organisation, name, address.
type Columns = (&'static str, Option<Uuid>, Option<Uuid>, Option<String>, Option<String>);

fn columns(participant: &Participant) -> Columns {
    match participant {
        Participant::Account(id) => ("account", Some(*id), None, None, None),
        Participant::Owner {
            organisation_id,
            account,
        } => ("owner", Some(*account), Some(*organisation_id), None, None),
        Participant::TeamMember(member) => (
            "team_member",
            None,
            member.organisation_id,
            None,
            member.address.clone(),
        ),
        Participant::Support(id) => ("support", None, Some(*id), None, None),
        Participant::Host { organisation_id, name } => ("host", None, *organisation_id, name.clone(), None),
    }
}

/// A participant's id: the first 16 bytes of a SHA-256 of its columns, so that every
/// writer finds the same row for the same participant without reading first.
fn id_of(columns: &Columns) -> Uuid {
    let text = serde_json::json!([columns.0, columns.1, columns.2, columns.3, columns.4]).to_string();
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

fn participant_of(row: &QueryResult) -> Result<Participant, RepoError> {
    let kind: String = row.try_get("", "kind")?;
    let account: Option<Uuid> = row.try_get("", "account_id")?;
    let organisation_id: Option<Uuid> = row.try_get("", "organisation_id")?;
    let name: Option<String> = row.try_get("", "name")?;
    let address: Option<String> = row.try_get("", "address")?;
    let unknown = || {
        RepoError::Db(sea_orm::DbErr::Type(format!(
            "a figures participant of kind '{kind}' lacks a column"
        )))
    };
    Ok(match kind.as_str() {
        "account" => Participant::Account(account.ok_or_else(unknown)?),
        "owner" => Participant::Owner {
            organisation_id: organisation_id.ok_or_else(unknown)?,
            account: account.ok_or_else(unknown)?,
        },
        "team_member" => Participant::TeamMember(TeamMember {
            organisation_id,
            address,
        }),
        "support" => Participant::Support(organisation_id.ok_or_else(unknown)?),
        "host" => Participant::Host { organisation_id, name },
        _ => {
            return Err(RepoError::Db(sea_orm::DbErr::Type(format!(
                "unknown value '{kind}' in column figures_participants.kind"
            ))));
        }
    })
}

// --- writing ------------------------------------------------------------------------------

/// `INSERT` of `rows` rows of `width` values into `table (columns)`, then `tail`.
fn insert(
    backend: DbBackend,
    table: &str,
    columns: &str,
    rows: usize,
    tail: &str,
    values: Vec<Value>,
) -> sea_orm::Statement {
    let width = columns.split(',').count();
    let row = format!("({})", vec!["?"; width].join(", "));
    let sql = format!(
        "INSERT INTO {table} ({columns}) VALUES {} {tail}",
        vec![row; rows].join(", ")
    );
    statement(backend, &sql, values)
}

const PARTICIPANT_COLUMNS: &str = "id, kind, account_id, organisation_id, name, address";
const NEW_PARTICIPANT: &str = "ON CONFLICT (id) DO NOTHING";
const PARTICIPATION_COLUMNS: &str = "participant_id, arena_id, day, acts";
const ADD_ACTS: &str =
    "ON CONFLICT (participant_id, arena_id, day) DO UPDATE SET acts = figures_participations.acts + excluded.acts";
const TALLY_COLUMNS: &str = "arena_id, day, innovations_tested";
const ADD_TESTED: &str = "ON CONFLICT (arena_id, day) DO UPDATE SET innovations_tested = figures_tallies.innovations_tested + excluded.innovations_tested";

fn participant_values(id: Uuid, columns: Columns) -> Vec<Value> {
    let (kind, account, organisation, name, address) = columns;
    vec![
        id.into(),
        kind.into(),
        account.into(),
        organisation.into(),
        name.into(),
        address.into(),
    ]
}

/// Counts `participants` `times` more (fewer, when negative) in `arena_id` on the day of
/// `at`, and an idea tested when `tested`. Rows are touched in key order, so two writers
/// never wait for each other in a cycle.
async fn count(
    db: &impl Deferring,
    participants: &[Participant],
    tested: bool,
    (arena_id, at): (Uuid, DateTime<Utc>),
    times: i64,
) -> Result<(), RepoError> {
    let backend = db.get_database_backend();
    let day = day_of(at);
    // A participant named twice by one act (a member twice on a team) counts twice.
    let mut named: BTreeMap<Uuid, (Columns, i64)> = BTreeMap::new();
    for participant in participants {
        let columns = columns(participant);
        named.entry(id_of(&columns)).or_insert((columns, 0)).1 += times;
    }
    for (id, (columns, n)) in named {
        if n > 0 {
            let values = participant_values(id, columns);
            db.defer(insert(
                backend,
                "figures_participants",
                PARTICIPANT_COLUMNS,
                1,
                NEW_PARTICIPANT,
                values,
            ))
            .await?;
            let values = vec![id.into(), arena_id.into(), day.into(), n.into()];
            db.defer(insert(
                backend,
                "figures_participations",
                PARTICIPATION_COLUMNS,
                1,
                ADD_ACTS,
                values,
            ))
            .await?;
        } else if n < 0 {
            let key = || vec![Value::from(id), Value::from(arena_id), Value::from(day)];
            let mut values = vec![Value::from(-n)];
            values.extend(key());
            db.defer(statement(
                backend,
                "UPDATE figures_participations SET acts = acts - ? WHERE participant_id = ? AND arena_id = ? AND day = ?",
                values,
            ))
            .await?;
            db.defer(statement(
                backend,
                "DELETE FROM figures_participations WHERE participant_id = ? AND arena_id = ? AND day = ? AND acts <= 0",
                key(),
            ))
            .await?;
        }
    }
    if tested {
        let values = vec![arena_id.into(), day.into(), times.into()];
        db.defer(insert(backend, "figures_tallies", TALLY_COLUMNS, 1, ADD_TESTED, values))
            .await?;
    }
    Ok(())
}

fn participants(act: &Act) -> Vec<Participant> {
    act.participants()
        .into_iter()
        .map(|(participant, _)| participant)
        .collect()
}

/// Counts an act just recorded in the same transaction, in the arena of its challenge
/// (the nil UUID for none).
pub async fn record(db: &impl Deferring, act: &Act, arena_id: Uuid, at: DateTime<Utc>) -> Result<(), RepoError> {
    count(db, &participants(act), act.tested().is_some(), (arena_id, at), 1).await
}

/// The times of the events `command` of one subject, oldest first.
async fn times_of(
    db: &impl ConnectionTrait,
    (subject_type, subject_id): (&str, Uuid),
    command: &str,
) -> Result<Vec<DateTime<Utc>>, RepoError> {
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            "SELECT at FROM events WHERE subject_id = ? AND subject_type = ? AND command = ? ORDER BY seq",
            vec![subject_id.into(), subject_type.into(), command.into()],
        ))
        .await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get("", "at"))
        .collect::<Result<Vec<_>, _>>()?)
}

/// Moves a challenge just published into its arena: its submissions were counted in no
/// arena, since a challenge has one only from its publication on (and never another).
pub async fn place_published(db: &impl Deferring, challenge: &challenges::Model) -> Result<(), RepoError> {
    let Some(arena_id) = challenge.arena_id.filter(|id| !id.is_nil()) else {
        return Ok(());
    };
    let act = Act::Owned {
        organisation_id: challenge.organisation_id,
        owner: challenge.owner_id,
    };
    let named = participants(&act);
    for at in times_of(db, ("challenge", challenge.id), "submit").await? {
        let mut moves = [(Uuid::nil(), -1), (arena_id, 1)];
        moves.sort_by_key(|(arena, _)| *arena);
        for (arena, times) in moves {
            count(db, &named, false, (arena, at), times).await?;
        }
    }
    Ok(())
}

/// Moves the submissions of a challenge handed on (ADR 0032) from its owner before to the
/// owner (and organisation) after: the figures count the owner as it is now, as their
/// rebuild does.
pub async fn reown(
    db: &impl Deferring,
    before: &challenges::Model,
    owner: Uuid,
    organisation_id: Option<Uuid>,
) -> Result<(), RepoError> {
    let old = participants(&Act::Owned {
        organisation_id: before.organisation_id,
        owner: before.owner_id,
    });
    let new = participants(&Act::Owned { organisation_id, owner });
    if old == new {
        return Ok(());
    }
    let arena_id = before.arena_id.unwrap_or_default();
    for at in times_of(db, ("challenge", before.id), "submit").await? {
        count(db, &old, false, (arena_id, at), -1).await?;
        count(db, &new, false, (arena_id, at), 1).await?;
    }
    Ok(())
}

/// Forgets the team members `removed` from a submitted idea's team (an erasure, ADR 0005):
/// the figures read the team as it is now.
pub async fn forget_team_members(
    db: &impl Deferring,
    idea: &ideas::Model,
    removed: &[TeamMember],
) -> Result<(), RepoError> {
    let named: Vec<Participant> = removed.iter().filter_map(TeamMember::participant).collect();
    if named.is_empty() {
        return Ok(());
    }
    let arena_id = arena_of(db, idea.challenge_id).await?;
    for at in times_of(db, ("idea", idea.id), "submit").await? {
        count(db, &named, false, (arena_id, at), -1).await?;
    }
    Ok(())
}

/// The arena of a challenge, the nil UUID for none.
pub async fn arena_of(db: &impl ConnectionTrait, challenge_id: Uuid) -> Result<Uuid, RepoError> {
    let row = db
        .query_one_raw(statement(
            db.get_database_backend(),
            "SELECT arena_id FROM challenges WHERE id = ?",
            vec![challenge_id.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<Option<Uuid>>("", "arena_id")?.unwrap_or_default(),
        None => Uuid::nil(),
    })
}

// --- rebuilding from the event log --------------------------------------------------------

/// What one page of the log adds to the read model.
#[derive(Default)]
struct Added {
    participants: BTreeMap<Uuid, Columns>,
    acts: BTreeMap<(Uuid, Uuid, i64), i64>,
    tested: BTreeMap<(Uuid, i64), i64>,
}

impl Added {
    fn act(&mut self, logged: &log::LoggedAct) {
        let day = day_of(logged.at);
        for (participant, _) in logged.act.participants() {
            let columns = columns(&participant);
            let id = id_of(&columns);
            self.participants.insert(id, columns);
            *self.acts.entry((id, logged.arena_id, day)).or_default() += 1;
        }
        if logged.act.tested().is_some() {
            *self.tested.entry((logged.arena_id, day)).or_default() += 1;
        }
    }

    /// Writes the page in multi-row statements, adding to what earlier pages wrote.
    async fn write(self, db: &impl Deferring) -> Result<(), RepoError> {
        let backend = db.get_database_backend();
        let participants: Vec<(Uuid, Columns)> = self.participants.into_iter().collect();
        for chunk in participants.chunks(ROWS_PER_STATEMENT) {
            let values = chunk
                .iter()
                .flat_map(|(id, columns)| participant_values(*id, columns.clone()))
                .collect();
            db.defer(insert(
                backend,
                "figures_participants",
                PARTICIPANT_COLUMNS,
                chunk.len(),
                NEW_PARTICIPANT,
                values,
            ))
            .await?;
        }
        let acts: Vec<((Uuid, Uuid, i64), i64)> = self.acts.into_iter().collect();
        for chunk in acts.chunks(ROWS_PER_STATEMENT) {
            let values = chunk
                .iter()
                .flat_map(|((id, arena, day), n)| [(*id).into(), (*arena).into(), (*day).into(), (*n).into()])
                .collect();
            db.defer(insert(
                backend,
                "figures_participations",
                PARTICIPATION_COLUMNS,
                chunk.len(),
                ADD_ACTS,
                values,
            ))
            .await?;
        }
        let tested: Vec<((Uuid, i64), i64)> = self.tested.into_iter().collect();
        for chunk in tested.chunks(ROWS_PER_STATEMENT) {
            let values = chunk
                .iter()
                .flat_map(|((arena, day), n)| [(*arena).into(), (*day).into(), (*n).into()])
                .collect();
            db.defer(insert(
                backend,
                "figures_tallies",
                TALLY_COLUMNS,
                chunk.len(),
                ADD_TESTED,
                values,
            ))
            .await?;
        }
        Ok(())
    }
}

/// Rebuilds the read model from the event log, in `db`'s transaction, a page of the log
/// at a time.
pub async fn rebuild(db: &impl Deferring) -> Result<(), RepoError> {
    for table in ["figures_participations", "figures_participants", "figures_tallies"] {
        db.execute_unprepared(&format!("DELETE FROM {table}")).await?;
    }
    for ideas in [false, true] {
        let mut after = i64::MIN;
        loop {
            let page = Reading::Page {
                after,
                limit: REBUILD_PAGE,
            };
            let acts = if ideas {
                log::idea_acts(db, &Scope::default(), page).await?
            } else {
                log::owned(db, &Scope::default(), page).await?
            };
            let mut added = Added::default();
            for logged in &acts {
                added.act(logged);
                after = after.max(logged.seq);
            }
            added.write(db).await?;
            if (acts.len() as u64) < REBUILD_PAGE {
                break;
            }
        }
    }
    Ok(())
}

/// Rebuilds the read model when a migration has marked it stale; one process does it
/// while others wait for its transaction. Returns whether it rebuilt.
pub async fn rebuild_if_stale(db: &DatabaseConnection) -> Result<bool, RepoError> {
    let tx = begin_write(db).await?;
    let stale = read_model_stale(&tx, "figures").await?;
    if stale {
        rebuild(&tx).await?;
        mark_rebuilt(&tx, "figures").await?;
    }
    tx.commit().await?;
    Ok(stale)
}

// --- the report ---------------------------------------------------------------------------

/// Days since the epoch as `[first, end)`, either side open.
type Days = (Option<i64>, Option<i64>);

/// The whole days inside a period, if any, and the parts of days at its edges as periods
/// of their own.
fn split(period: Period) -> (Option<Days>, Vec<Period>) {
    let first = period.since.map(|since| {
        let day = day_of(since);
        if midnight(day) == since { day } else { day + 1 }
    });
    let end = period.until.map(day_of);
    if let (Some(since), Some(until), Some(first), Some(end)) = (period.since, period.until, first, end)
        && first >= end
    {
        let inside = (since < until).then_some(period);
        return (None, inside.into_iter().collect());
    }
    let mut edges = Vec::new();
    if let (Some(since), Some(first)) = (period.since, first)
        && since < midnight(first)
    {
        edges.push(Period {
            since: Some(since),
            until: Some(midnight(first)),
        });
    }
    if let (Some(until), Some(end)) = (period.until, end)
        && midnight(end) < until
    {
        edges.push(Period {
            since: Some(midnight(end)),
            until: Some(until),
        });
    }
    (Some((first, end)), edges)
}

/// ` AND …` conditions on an arena and a range of days, and their values.
fn conditions(arena_id: Option<Uuid>, (first, end): Days, prefix: &str) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut values = Vec::new();
    if let Some(arena_id) = arena_id {
        sql.push_str(&format!(" AND {prefix}arena_id = ?"));
        values.push(arena_id.into());
    }
    if let Some(first) = first {
        sql.push_str(&format!(" AND {prefix}day >= ?"));
        values.push(first.into());
    }
    if let Some(end) = end {
        sql.push_str(&format!(" AND {prefix}day < ?"));
        values.push(end.into());
    }
    (sql, values)
}

/// The participants with an act on one of `days` (in one arena, when asked): one probe of
/// the index per participant.
async fn participants_on(
    db: &impl ConnectionTrait,
    arena_id: Option<Uuid>,
    days: Days,
) -> Result<Vec<Participant>, RepoError> {
    let (filter, values) = conditions(arena_id, days, "a.");
    let sql = format!(
        "SELECT p.kind, p.account_id, p.organisation_id, p.name, p.address FROM figures_participants p \
         WHERE EXISTS (SELECT 1 FROM figures_participations a WHERE a.participant_id = p.id{filter})"
    );
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter().map(participant_of).collect()
}

/// The ideas that started testing on one of `days` (in one arena, when asked).
async fn tested_on(db: &impl ConnectionTrait, arena_id: Option<Uuid>, days: Days) -> Result<u64, RepoError> {
    let (filter, values) = conditions(arena_id, days, "");
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(innovations_tested), 0) AS BIGINT) AS n FROM figures_tallies WHERE 1 = 1{filter}"
    );
    let row = db
        .query_one_raw(statement(db.get_database_backend(), &sql, values))
        .await?
        .ok_or(RepoError::NotFound)?;
    Ok(u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0))
}

/// The figures of `scope`, read from one consistent snapshot of the read model and the
/// tables it resolves participants against. Every name of `spread_kinds` and
/// `obstacle_categories` appears in its map.
pub async fn figures(
    db: &DatabaseConnection,
    scope: &Scope,
    spread_kinds: &[&str],
    obstacle_categories: &[&str],
) -> Result<Figures, RepoError> {
    let tx = db
        .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
        .await?;
    let directory = log::directory(&tx).await?;
    // The nil UUID stands for "no arena" in the read model; as an arena asked for, it is
    // none, like any unknown arena.
    let (days, edges) = match scope.arena_id {
        Some(arena_id) if arena_id.is_nil() => (None, Vec::new()),
        _ => split(scope.period),
    };
    let mut actors: BTreeSet<ActorKey> = BTreeSet::new();
    let mut innovations_tested = 0;
    if let Some(days) = days {
        for participant in participants_on(&tx, scope.arena_id, days).await? {
            actors.extend(participant.actor(&directory));
        }
        innovations_tested += tested_on(&tx, scope.arena_id, days).await?;
    }
    for edge in edges {
        let edge = Scope {
            arena_id: scope.arena_id,
            period: edge,
        };
        let mut facts = Facts::default();
        log::resolve(log::acts(&tx, &edge, Reading::ByTime).await?, &directory, &mut facts);
        actors.extend(facts.participations.into_iter().map(|p| p.actor));
        let tested: BTreeSet<Uuid> = facts.testing_started.into_iter().map(|(idea, _)| idea).collect();
        innovations_tested += tested.len() as u64;
    }
    let spread = log::spread(&tx, scope).await?;
    let obstacles = log::obstacles(&tx, scope).await?;
    tx.commit().await?;
    let counted = Counted {
        actors: actors.iter().collect(),
        innovations_tested,
        spread: spread.iter().map(|(kind, _)| kind.as_str()).collect(),
        obstacles: obstacles
            .iter()
            .map(|o| (o.category.as_str(), o.state.as_str()))
            .collect(),
    };
    Ok(Figures::of(
        counted,
        &directory.registry,
        spread_kinds,
        obstacle_categories,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    fn period(since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Period {
        Period { since, until }
    }

    #[test]
    fn a_period_splits_into_whole_days_and_the_parts_at_its_edges() {
        let (d2, d5) = (day_of(at(2, 0)), day_of(at(5, 0)));
        assert_eq!(split(Period::default()), (Some((None, None)), vec![]));
        assert_eq!(
            split(period(Some(at(2, 0)), Some(at(5, 0)))),
            (Some((Some(d2), Some(d5))), vec![])
        );
        assert_eq!(
            split(period(Some(at(2, 10)), Some(at(5, 9)))),
            (
                Some((Some(d2 + 1), Some(d5))),
                vec![
                    period(Some(at(2, 10)), Some(at(3, 0))),
                    period(Some(at(5, 0)), Some(at(5, 9)))
                ]
            )
        );
        assert_eq!(
            split(period(Some(at(2, 10)), None)),
            (
                Some((Some(d2 + 1), None)),
                vec![period(Some(at(2, 10)), Some(at(3, 0)))]
            )
        );
        assert_eq!(
            split(period(None, Some(at(5, 9)))),
            (Some((None, Some(d5))), vec![period(Some(at(5, 0)), Some(at(5, 9)))])
        );
        // Inside one day: no whole day, one edge; and an empty period reads nothing.
        assert_eq!(
            split(period(Some(at(2, 10)), Some(at(2, 12)))),
            (None, vec![period(Some(at(2, 10)), Some(at(2, 12)))])
        );
        assert_eq!(split(period(Some(at(2, 10)), Some(at(2, 10)))), (None, vec![]));
        // From one midnight to the next: one whole day.
        assert_eq!(
            split(period(Some(at(2, 0)), Some(at(3, 0)))),
            (Some((Some(d2), Some(d2 + 1))), vec![])
        );
    }

    #[test]
    fn a_participant_is_the_same_row_whoever_writes_it() {
        let member = Participant::TeamMember(TeamMember {
            organisation_id: None,
            address: Some("ab12".into()),
        });
        assert_eq!(id_of(&columns(&member)), id_of(&columns(&member.clone())));
        let host = Participant::Host {
            organisation_id: None,
            name: Some("ab12".into()),
        };
        assert_ne!(id_of(&columns(&member)), id_of(&columns(&host)));
    }
}
