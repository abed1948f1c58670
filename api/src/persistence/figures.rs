//! The figures of SPEC §12 counted from the event log (ADR 0018): the acts of the log with
//! whoever they name, the registry and accounts, spread activities and obstacles — read in
//! one snapshot, narrowed to one arena's challenges and their ideas when asked, and to a
//! period by each act's own time. This is the figures' definition as stored; the report is
//! served by their read model ([`super::figures_model`], ADR 0024), which reads the acts
//! of the log here for the parts of days at a period's edges, and is rebuilt from them. The
//! counting itself is the domain's ([`sluss_domain::figures`]).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, TransactionTrait, Value};
use sha2::{Digest, Sha256};
use sluss_domain::figures::{
    Act, Directory, Facts, ObstacleFact, Participation, Party, Period, Registry, TeamMember, normalised_address,
};
use sluss_domain::organisation::OrganisationKind;
use uuid::Uuid;

use super::sql::statement;
use super::{RepoError, stored};

/// The commands of the event log that are acts of the figures. The partial index of the
/// log by time (`idx_events_figures_acts`) holds these events only, and a query names
/// them in these words so that SQLite, which matches an index's condition by its terms,
/// can use it.
const ACT_COMMANDS: &str = "e.command IN ('submit', 'score', 'start_incubation', 'start_testing')";

/// Which acts are read: those about one arena's challenges and their ideas, in a period.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    /// Only challenges in this arena, and their ideas.
    pub arena_id: Option<Uuid>,
    /// The period (each act by its own time).
    pub period: Period,
}

impl Scope {
    /// ` AND …` conditions on the challenge `c` and the time column `at`, and their values.
    fn conditions(&self, at: &str) -> (String, Vec<Value>) {
        self.conditions_on("c.arena_id", at)
    }

    /// The same, with the arena read from `arena` (an expression of `c.arena_id`).
    fn conditions_on(&self, arena: &str, at: &str) -> (String, Vec<Value>) {
        let mut sql = String::new();
        let mut values = Vec::new();
        if let Some(arena_id) = self.arena_id {
            sql.push_str(&format!(" AND {arena} = ?"));
            values.push(Value::from(arena_id));
        }
        if let Some(since) = self.period.since {
            sql.push_str(&format!(" AND {at} >= ?"));
            values.push(Value::from(since));
        }
        if let Some(until) = self.period.until {
            sql.push_str(&format!(" AND {at} < ?"));
            values.push(Value::from(until));
        }
        (sql, values)
    }
}

/// How acts are read from the log.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reading {
    /// Every act in the scope, as the database sees fit.
    All,
    /// A run of the log in order: the acts after `after` (a `seq`), at most `limit`.
    Page { after: i64, limit: u64 },
    /// The acts of a few hours, along the log's index of acts by time, each compared with
    /// the arena in turn. Without stored statistics SQLite would rather walk the arena's
    /// challenges and every event of their ideas; `+` keeps it from using the arena's
    /// index.
    ByTime,
}

impl Reading {
    /// The scope's conditions and this reading's order and limit, and their values.
    fn sql(self, backend: DbBackend, scope: &Scope) -> (String, Vec<Value>) {
        let arena = match (self, backend) {
            (Reading::ByTime, DbBackend::Sqlite) => "+c.arena_id",
            _ => "c.arena_id",
        };
        let (mut sql, mut values) = scope.conditions_on(arena, "e.at");
        if let Reading::Page { after, limit } = self {
            sql.push_str(&format!(" AND e.seq > ? ORDER BY e.seq LIMIT {limit}"));
            values.push(after.into());
        }
        (sql, values)
    }
}

/// One act of the log: what it names, its time, the arena of its challenge (the nil UUID
/// for none) and its place in the log.
#[derive(Debug, Clone)]
pub(crate) struct LoggedAct {
    pub act: Act,
    pub at: DateTime<Utc>,
    pub arena_id: Uuid,
    pub seq: i64,
}

/// The registry, the facts in `scope`, in one read-only snapshot.
pub async fn facts(db: &DatabaseConnection, scope: &Scope) -> Result<(Registry, Facts), RepoError> {
    let tx = db
        .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
        .await?;
    let directory = directory(&tx).await?;
    let mut facts = Facts::default();
    participations(&tx, &directory, scope, &mut facts).await?;
    facts.spread = spread(&tx, scope).await?;
    facts.obstacles = obstacles(&tx, scope).await?;
    tx.commit().await?;
    Ok((directory.registry, facts))
}

/// The acts in `scope`, each participant resolved against `directory`, added to `facts`
/// with the ideas that started testing.
async fn participations(
    db: &impl ConnectionTrait,
    directory: &Directory,
    scope: &Scope,
    facts: &mut Facts,
) -> Result<(), RepoError> {
    resolve(acts(db, scope, Reading::All).await?, directory, facts);
    Ok(())
}

/// Every act in `scope`, read as `reading` says.
pub(crate) async fn acts(
    db: &impl ConnectionTrait,
    scope: &Scope,
    reading: Reading,
) -> Result<Vec<LoggedAct>, RepoError> {
    let mut acts = owned(db, scope, reading).await?;
    acts.extend(idea_acts(db, scope, reading).await?);
    Ok(acts)
}

/// Adds `acts` to `facts`, each participant resolved against `directory`, with the ideas
/// that started testing.
pub(crate) fn resolve(acts: Vec<LoggedAct>, directory: &Directory, facts: &mut Facts) {
    for logged in acts {
        for (participant, involvement) in logged.act.participants() {
            if let Some(actor) = participant.actor(directory) {
                facts.participations.push(Participation {
                    actor,
                    involvement,
                    at: logged.at,
                });
            }
        }
        if let Some(idea) = logged.act.tested() {
            facts.testing_started.push((idea, logged.at));
        }
    }
}

async fn rows(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<sea_orm::QueryResult>, RepoError> {
    Ok(db
        .query_all_raw(statement(db.get_database_backend(), sql, values))
        .await?)
}

/// The key an address is compared by in the figures: a SHA-256 of it, trimmed and
/// lower-cased, so that the read model holds no address (ADR 0024). `None` when empty.
pub(crate) fn address_key(address: &str) -> Option<String> {
    normalised_address(address).map(|address| hex::encode(Sha256::digest(address.as_bytes())))
}

/// The registry, every account and every support organisation, as stored now.
pub(crate) async fn directory(db: &impl ConnectionTrait) -> Result<Directory, RepoError> {
    let mut organisations = Vec::new();
    for row in rows(db, "SELECT id, name, kind FROM organisations", vec![]).await? {
        let kind: String = row.try_get("", "kind")?;
        organisations.push((
            row.try_get::<Uuid>("", "id")?,
            row.try_get::<String>("", "name")?,
            stored(OrganisationKind::parse(&kind), "organisations.kind", &kind)?,
        ));
    }
    let mut directory = Directory::new(Registry::new(
        organisations.iter().map(|(id, name, kind)| (*id, name.as_str(), *kind)),
    ));
    for row in rows(db, "SELECT id, email, organisation, organisation_id FROM users", vec![]).await? {
        let email: String = row.try_get("", "email")?;
        let party = Party {
            organisation_id: row.try_get("", "organisation_id")?,
            organisation: row.try_get("", "organisation")?,
            email: Some(email.clone()),
        };
        directory.add_account(row.try_get("", "id")?, address_key(&email), party);
    }
    for row in rows(db, "SELECT id, name FROM support_organisations", vec![]).await? {
        directory.add_support_organisation(row.try_get("", "id")?, row.try_get("", "name")?);
    }
    Ok(directory)
}

/// Challenges owned: each `submit`, by the organisation the challenge is owned on behalf
/// of, else its owner.
pub(crate) async fn owned(
    db: &impl ConnectionTrait,
    scope: &Scope,
    reading: Reading,
) -> Result<Vec<LoggedAct>, RepoError> {
    let (conditions, values) = reading.sql(db.get_database_backend(), scope);
    let sql = format!(
        "SELECT e.seq, e.at, c.owner_id, c.organisation_id, c.arena_id FROM events e \
         JOIN challenges c ON c.id = e.subject_id \
         WHERE e.subject_type = 'challenge' AND e.command = 'submit' AND {ACT_COMMANDS}{conditions}"
    );
    let mut acts = Vec::new();
    for row in rows(db, &sql, values).await? {
        acts.push(LoggedAct {
            act: Act::Owned {
                organisation_id: row.try_get("", "organisation_id")?,
                owner: row.try_get("", "owner_id")?,
            },
            at: row.try_get("", "at")?,
            arena_id: row.try_get::<Option<Uuid>>("", "arena_id")?.unwrap_or_default(),
            seq: row.try_get("", "seq")?,
        });
    }
    Ok(acts)
}

/// The members of a stored team (objects with `email` and, optionally,
/// `organisation_id`), each by the key of their address.
pub(crate) fn team(stored_team: &str) -> Vec<TeamMember> {
    let members: Vec<serde_json::Value> = serde_json::from_str(stored_team).unwrap_or_default();
    members.iter().map(team_member).collect()
}

/// One member of a stored team.
pub(crate) fn team_member(member: &serde_json::Value) -> TeamMember {
    TeamMember {
        organisation_id: member
            .get("organisation_id")
            .and_then(|id| id.as_str())
            .and_then(|id| id.parse().ok()),
        address: member.get("email").and_then(|e| e.as_str()).and_then(address_key),
    }
}

/// Ideas submitted (the innovator and the team), scorecards, incubations started (the
/// support organisation), tests started (the host, and the innovation tested).
pub(crate) async fn idea_acts(
    db: &impl ConnectionTrait,
    scope: &Scope,
    reading: Reading,
) -> Result<Vec<LoggedAct>, RepoError> {
    let (conditions, values) = reading.sql(db.get_database_backend(), scope);
    let sql = format!(
        "SELECT e.seq, e.command, e.at, e.actor_id, i.id AS idea_id, i.innovator_id, i.team, c.arena_id, \
         n.support_organisation_id, t.host, t.host_organisation_id \
         FROM events e JOIN ideas i ON i.id = e.subject_id JOIN challenges c ON c.id = i.challenge_id \
         LEFT JOIN incubations n ON n.idea_id = i.id AND e.command = 'start_incubation' \
         LEFT JOIN idea_tests t ON t.idea_id = i.id AND e.command = 'start_testing' \
         WHERE e.subject_type = 'idea' AND {ACT_COMMANDS}{conditions}"
    );
    let mut acts = Vec::new();
    for row in rows(db, &sql, values).await? {
        let command: String = row.try_get("", "command")?;
        let act = match command.as_str() {
            "submit" => Act::Submitted {
                innovator: row.try_get("", "innovator_id")?,
                team: team(&row.try_get::<String>("", "team")?),
            },
            // The scorer is the event's actor.
            "score" => Act::Assessed {
                assessor: row.try_get("", "actor_id")?,
            },
            "start_incubation" => Act::Supported {
                support_organisation_id: row.try_get("", "support_organisation_id")?,
            },
            "start_testing" => Act::TestingStarted {
                idea: row.try_get("", "idea_id")?,
                host_organisation_id: row.try_get("", "host_organisation_id")?,
                host: row.try_get("", "host")?,
            },
            _ => continue,
        };
        acts.push(LoggedAct {
            act,
            at: row.try_get("", "at")?,
            arena_id: row.try_get::<Option<Uuid>>("", "arena_id")?.unwrap_or_default(),
            seq: row.try_get("", "seq")?,
        });
    }
    Ok(acts)
}

/// Spread activities of the ideas in scope held in its period: each one's kind and day.
pub(crate) async fn spread(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<(String, NaiveDate)>, RepoError> {
    // The day is compared in the domain; only the arena narrows here.
    let arena = Scope {
        arena_id: scope.arena_id,
        period: Period::default(),
    };
    let (conditions, values) = arena.conditions("s.held_on");
    let sql = format!(
        "SELECT s.kind, s.held_on FROM spread_activities s JOIN ideas i ON i.id = s.idea_id \
         JOIN challenges c ON c.id = i.challenge_id WHERE 1 = 1{conditions}"
    );
    let mut spread = Vec::new();
    for row in rows(db, &sql, values).await? {
        let held_on: NaiveDate = row.try_get("", "held_on")?;
        if scope.period.contains_day(held_on) {
            spread.push((row.try_get("", "kind")?, held_on));
        }
    }
    Ok(spread)
}

/// Obstacles about the challenges in scope or their ideas, reported in its period: each
/// one's category, state and time.
pub(crate) async fn obstacles(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<ObstacleFact>, RepoError> {
    let (conditions, values) = scope.conditions("o.reported_at");
    let sql = format!(
        "SELECT o.category, o.state, o.reported_at FROM obstacles o \
         LEFT JOIN ideas i ON o.subject_type = 'idea' AND i.id = o.subject_id \
         JOIN challenges c ON c.id = CASE WHEN o.subject_type = 'idea' THEN i.challenge_id ELSE o.subject_id END \
         WHERE 1 = 1{conditions}"
    );
    let mut obstacles = Vec::new();
    for row in rows(db, &sql, values).await? {
        obstacles.push(ObstacleFact {
            category: row.try_get("", "category")?,
            state: row.try_get("", "state")?,
            reported_at: row.try_get("", "reported_at")?,
        });
    }
    Ok(obstacles)
}
