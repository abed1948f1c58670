//! What the figures of SPEC §12 are counted from (ADR 0018): the acts of the event log
//! with whoever they name, the registry, spread activities and obstacles — read in one
//! snapshot, narrowed to one arena's challenges and their ideas when asked, and to a
//! period by each act's own time. The counting itself is the domain's
//! ([`sluss_domain::figures`]).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{AccessMode, ConnectionTrait, DatabaseConnection, IsolationLevel, TransactionTrait, Value};
use sluss_domain::figures::{ActorKey, Facts, Involvement, Participation, Party, Period, Registry};
use sluss_domain::organisation::OrganisationKind;
use uuid::Uuid;

use super::sql::statement;
use super::{RepoError, stored};

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
        let mut sql = String::new();
        let mut values = Vec::new();
        if let Some(arena_id) = self.arena_id {
            sql.push_str(" AND c.arena_id = ?");
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

/// The registry, the facts in `scope`, in one read-only snapshot.
pub async fn facts(db: &DatabaseConnection, scope: &Scope) -> Result<(Registry, Facts), RepoError> {
    let tx = db
        .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
        .await?;
    let registry = registry(&tx).await?;
    let accounts = accounts(&tx).await?;
    let mut facts = Facts::default();
    owned(&tx, scope, &registry, &accounts, &mut facts).await?;
    idea_acts(&tx, scope, &registry, &accounts, &mut facts).await?;
    spread(&tx, scope, &mut facts).await?;
    obstacles(&tx, scope, &mut facts).await?;
    tx.commit().await?;
    Ok((registry, facts))
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

async fn registry(db: &impl ConnectionTrait) -> Result<Registry, RepoError> {
    let mut organisations = Vec::new();
    for row in rows(db, "SELECT id, name, kind FROM organisations", vec![]).await? {
        let kind: String = row.try_get("", "kind")?;
        organisations.push((
            row.try_get::<Uuid>("", "id")?,
            row.try_get::<String>("", "name")?,
            stored(OrganisationKind::parse(&kind), "organisations.kind", &kind)?,
        ));
    }
    Ok(Registry::new(
        organisations.iter().map(|(id, name, kind)| (*id, name.as_str(), *kind)),
    ))
}

/// Every account as a party, by id and by lower-cased e-mail.
struct Accounts {
    by_id: HashMap<Uuid, Party>,
    by_email: HashMap<String, Party>,
}

async fn accounts(db: &impl ConnectionTrait) -> Result<Accounts, RepoError> {
    let mut accounts = Accounts {
        by_id: HashMap::new(),
        by_email: HashMap::new(),
    };
    for row in rows(db, "SELECT id, email, organisation, organisation_id FROM users", vec![]).await? {
        let email: String = row.try_get("", "email")?;
        let party = Party {
            organisation_id: row.try_get("", "organisation_id")?,
            organisation: row.try_get("", "organisation")?,
            email: Some(email.clone()),
        };
        accounts.by_email.insert(email.trim().to_lowercase(), party.clone());
        accounts.by_id.insert(row.try_get("", "id")?, party);
    }
    Ok(accounts)
}

impl Accounts {
    fn actor(&self, registry: &Registry, id: Uuid) -> ActorKey {
        self.by_id
            .get(&id)
            .and_then(|party| registry.actor(party))
            // An account erased or never stored is still one person.
            .unwrap_or_else(|| ActorKey::Person(id.to_string()))
    }
}

/// Challenges owned: each `submit`, by the organisation the challenge is owned on behalf
/// of, else its owner.
async fn owned(
    db: &impl ConnectionTrait,
    scope: &Scope,
    registry: &Registry,
    accounts: &Accounts,
    facts: &mut Facts,
) -> Result<(), RepoError> {
    let (conditions, values) = scope.conditions("e.at");
    let sql = format!(
        "SELECT e.at, c.owner_id, c.organisation_id FROM events e JOIN challenges c ON c.id = e.subject_id \
         WHERE e.subject_type = 'challenge' AND e.command = 'submit'{conditions}"
    );
    for row in rows(db, &sql, values).await? {
        let organisation: Option<Uuid> = row.try_get("", "organisation_id")?;
        let actor = match organisation.filter(|id| registry.kind(*id).is_some()) {
            Some(id) => ActorKey::Organisation(id),
            None => accounts.actor(registry, row.try_get("", "owner_id")?),
        };
        facts.participations.push(Participation {
            actor,
            involvement: Involvement::Owned,
            at: row.try_get("", "at")?,
        });
    }
    Ok(())
}

/// The team members of a stored team (objects with `email` and, optionally,
/// `organisation_id`).
fn team(stored_team: &str) -> Vec<Party> {
    let members: Vec<serde_json::Value> = serde_json::from_str(stored_team).unwrap_or_default();
    members
        .iter()
        .map(|member| Party {
            organisation_id: member
                .get("organisation_id")
                .and_then(|id| id.as_str())
                .and_then(|id| id.parse().ok()),
            organisation: None,
            email: member.get("email").and_then(|e| e.as_str()).map(str::to_owned),
        })
        .collect()
}

/// Ideas submitted (the innovator and the team), scorecards, incubations started (the
/// support organisation), tests started (the host, and the innovation tested).
async fn idea_acts(
    db: &impl ConnectionTrait,
    scope: &Scope,
    registry: &Registry,
    accounts: &Accounts,
    facts: &mut Facts,
) -> Result<(), RepoError> {
    let (conditions, values) = scope.conditions("e.at");
    let sql = format!(
        "SELECT e.command, e.at, e.actor_id, i.id AS idea_id, i.innovator_id, i.team, \
         s.id AS support_id, s.name AS support_name, t.host, t.host_organisation_id \
         FROM events e JOIN ideas i ON i.id = e.subject_id JOIN challenges c ON c.id = i.challenge_id \
         LEFT JOIN incubations n ON n.idea_id = i.id AND e.command = 'start_incubation' \
         LEFT JOIN support_organisations s ON s.id = n.support_organisation_id \
         LEFT JOIN idea_tests t ON t.idea_id = i.id AND e.command = 'start_testing' \
         WHERE e.subject_type = 'idea' \
         AND e.command IN ('submit', 'score', 'start_incubation', 'start_testing'){conditions}"
    );
    for row in rows(db, &sql, values).await? {
        let command: String = row.try_get("", "command")?;
        let at: DateTime<Utc> = row.try_get("", "at")?;
        let mut act = |actor: ActorKey, involvement: Involvement| {
            facts.participations.push(Participation { actor, involvement, at });
        };
        match command.as_str() {
            "submit" => {
                act(
                    accounts.actor(registry, row.try_get("", "innovator_id")?),
                    Involvement::Submitted,
                );
                let stored_team: String = row.try_get("", "team")?;
                for member in team(&stored_team) {
                    if let Some(actor) = registry.team_member(&member, &accounts.by_email) {
                        act(actor, Involvement::Team);
                    }
                }
            }
            // The scorer is the event's actor.
            "score" => act(
                accounts.actor(registry, row.try_get("", "actor_id")?),
                Involvement::Assessed,
            ),
            "start_incubation" => {
                let support: Option<Uuid> = row.try_get("", "support_id")?;
                let name: Option<String> = row.try_get("", "support_name")?;
                if let Some(id) = support {
                    act(
                        registry.support(id, name.as_deref().unwrap_or_default()),
                        Involvement::Supported,
                    );
                }
            }
            "start_testing" => {
                let idea: Uuid = row.try_get("", "idea_id")?;
                let host = Party {
                    organisation_id: row.try_get("", "host_organisation_id")?,
                    organisation: row.try_get("", "host")?,
                    email: None,
                };
                if let Some(actor) = registry.actor(&host) {
                    act(actor, Involvement::Hosted);
                }
                facts.testing_started.push((idea, at));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Spread activities of the ideas in scope, by the day held.
async fn spread(db: &impl ConnectionTrait, scope: &Scope, facts: &mut Facts) -> Result<(), RepoError> {
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
    for row in rows(db, &sql, values).await? {
        let held_on: NaiveDate = row.try_get("", "held_on")?;
        if scope.period.contains_day(held_on) {
            facts.spread.push((row.try_get("", "kind")?, held_on));
        }
    }
    Ok(())
}

/// Obstacles about the challenges in scope or their ideas, by when they were reported.
async fn obstacles(db: &impl ConnectionTrait, scope: &Scope, facts: &mut Facts) -> Result<(), RepoError> {
    let (conditions, values) = scope.conditions("o.reported_at");
    let sql = format!(
        "SELECT o.category, o.reported_at FROM obstacles o \
         LEFT JOIN ideas i ON o.subject_type = 'idea' AND i.id = o.subject_id \
         JOIN challenges c ON c.id = CASE WHEN o.subject_type = 'idea' THEN i.challenge_id ELSE o.subject_id END \
         WHERE 1 = 1{conditions}"
    );
    for row in rows(db, &sql, values).await? {
        facts
            .obstacles
            .push((row.try_get("", "category")?, row.try_get("", "reported_at")?));
    }
    Ok(())
}
