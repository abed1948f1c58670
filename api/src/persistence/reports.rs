//! What the reports read: each selected challenge and idea with the first time of each
//! step, aggregated from the event log by the database and streamed.

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::{DatabaseConnection, DbBackend, QueryResult, Statement, StreamTrait};
use sluss_domain::challenge::ChallengeState;
use sluss_domain::idea::IdeaState;
use sluss_domain::report::{ChallengeSteps, Funnel, FunnelBuilder, IdeaSteps};
use uuid::Uuid;

use super::{RepoError, stored};

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

/// Builds `WHERE` conditions with the backend's placeholders.
struct Filters {
    backend: DbBackend,
    conditions: Vec<String>,
    values: Vec<sea_orm::Value>,
}

impl Filters {
    fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            conditions: Vec::new(),
            values: Vec::new(),
        }
    }

    fn add(&mut self, condition: &str, value: impl Into<sea_orm::Value>) {
        self.values.push(value.into());
        let placeholder = match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        };
        self.conditions.push(condition.replace('?', &placeholder));
    }

    fn for_period(backend: DbBackend, period: &Period, alias: &str, arena: &str) -> Self {
        let mut filters = Self::new(backend);
        if let Some(arena_id) = period.arena_id {
            filters.add(arena, arena_id);
        }
        if let Some(since) = period.since {
            filters.add(&format!("{alias}.created_at >= ?"), since);
        }
        if let Some(until) = period.until {
            filters.add(&format!("{alias}.created_at < ?"), until);
        }
        filters
    }

    fn statement(self, select: &str, group_by: &str) -> Statement {
        let where_clause = if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        };
        Statement::from_sql_and_values(self.backend, format!("{select}{where_clause} {group_by}"), self.values)
    }
}

const CHALLENGE_STEPS: &str = "SELECT c.id, c.state, c.created_at, MIN(e.at) AS published_at \
     FROM challenges c LEFT JOIN events e \
     ON e.subject_id = c.id AND e.subject_type = 'challenge' AND e.command = 'publish'";

const IDEA_STEPS: &str = "SELECT i.id, i.state, i.created_at, \
     MIN(CASE WHEN e.command = 'submit' THEN e.at END) AS submitted_at, \
     MIN(CASE WHEN e.command = 'start_assessment' THEN e.at END) AS assessment_started_at, \
     MIN(CASE WHEN e.command = 'decide' THEN e.at END) AS decided_at, \
     MIN(CASE WHEN e.command = 'decide' AND e.to_state = 'qualified' THEN e.at END) AS qualified_at, \
     MIN(CASE WHEN e.command = 'start_incubation' THEN e.at END) AS incubation_started_at, \
     MIN(CASE WHEN e.command = 'start_testing' THEN e.at END) AS testing_started_at, \
     MIN(CASE WHEN e.command = 'complete' THEN e.at END) AS completed_at, \
     CAST(MAX(CASE WHEN e.command = 'complete' AND (e.payload LIKE '%\"outcome\":\"adopted\"%' \
       OR e.payload LIKE '%\"outcome\":\"scaled\"%') THEN 1 ELSE 0 END) AS BIGINT) AS adopted \
     FROM ideas i LEFT JOIN events e ON e.subject_id = i.id AND e.subject_type = 'idea' \
     AND e.command IN ('submit', 'start_assessment', 'decide', 'start_incubation', 'start_testing', 'complete')";

fn at(row: &QueryResult, column: &str) -> Result<Option<DateTime<Utc>>, RepoError> {
    Ok(row.try_get::<Option<DateTime<Utc>>>("", column)?)
}

/// The funnel of `period`, streamed from the database one challenge and one idea at a
/// time: memory holds counts and durations, never the event log.
pub async fn funnel(db: &DatabaseConnection, period: &Period) -> Result<Funnel, RepoError> {
    let backend = db.get_database_backend();
    let mut builder = FunnelBuilder::new();

    let challenges = Filters::for_period(backend, period, "c", "c.arena_id = ?")
        .statement(CHALLENGE_STEPS, "GROUP BY c.id, c.state, c.created_at");
    let mut rows = db.stream_raw(challenges).await?;
    while let Some(row) = rows.next().await {
        let row = row?;
        let state: String = row.try_get("", "state")?;
        builder.add_challenge(&ChallengeSteps {
            state: stored(ChallengeState::parse(&state), "challenges.state", &state)?,
            created_at: row.try_get("", "created_at")?,
            published_at: at(&row, "published_at")?,
        });
    }
    drop(rows);

    let ideas = Filters::for_period(
        backend,
        period,
        "i",
        "i.challenge_id IN (SELECT id FROM challenges WHERE arena_id = ?)",
    )
    .statement(IDEA_STEPS, "GROUP BY i.id, i.state, i.created_at");
    let mut rows = db.stream_raw(ideas).await?;
    while let Some(row) = rows.next().await {
        let row = row?;
        let state: String = row.try_get("", "state")?;
        builder.add_idea(&IdeaSteps {
            state: Some(stored(IdeaState::parse(&state), "ideas.state", &state)?),
            created_at: Some(row.try_get("", "created_at")?),
            submitted_at: at(&row, "submitted_at")?,
            assessment_started_at: at(&row, "assessment_started_at")?,
            decided_at: at(&row, "decided_at")?,
            qualified_at: at(&row, "qualified_at")?,
            incubation_started_at: at(&row, "incubation_started_at")?,
            testing_started_at: at(&row, "testing_started_at")?,
            completed_at: at(&row, "completed_at")?,
            adopted: row.try_get::<i64>("", "adopted")? > 0,
        });
    }
    Ok(builder.finish())
}
