//! The outcome in public (SPEC §14.3): completed tests on public challenges, with what is
//! not personal only — the host by its registered organisation's name, never a person,
//! an e-mail or an account's id (the open data's rule, ADR 0018).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Value};
use uuid::Uuid;

use super::challenges::sdgs_from_stored;
use super::entities::spread_activities;
use super::open_data::{Hosts, TestRow};
use super::{Page, RepoError, statement};

/// What a list of results may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ResultFilter {
    /// How the tests ended, as stored.
    pub outcome: Option<&'static str>,
    /// A goal of the challenge.
    pub sdg: Option<u8>,
    /// The arena the challenge was published in.
    pub arena_id: Option<Uuid>,
    /// Completed within `[from, to)`: a calendar year.
    pub completed: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// One challenge's.
    pub challenge_id: Option<Uuid>,
}

/// A completed test, as the public sees it.
#[derive(Debug, Clone)]
pub struct ResultRow {
    /// The test, its host named as the open data names it.
    pub test: TestRow,
    /// The challenge's title.
    pub challenge_title: String,
    /// Its goals.
    pub sdgs: Vec<u8>,
    /// The arena it was published in.
    pub arena_id: Option<Uuid>,
    /// … and its name.
    pub arena_name: Option<String>,
    /// What was done to spread the outcome, oldest first.
    pub spread: Vec<SpreadRow>,
}

/// Something done to spread an outcome: what and when (its notes stay inside).
#[derive(Debug, Clone)]
pub struct SpreadRow {
    /// Its kind, as stored.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// When.
    pub held_on: NaiveDate,
}

const RESULTS: &str = "SELECT i.id, i.title, i.challenge_id, c.title AS challenge_title, c.sdgs, c.arena_id, \
     a.name AS arena_name, t.site, t.host, o.id AS host_id, o.name AS host_name, o.kind AS host_kind, t.starts_on, t.ends_on, \
     t.outcome, t.results, t.lessons_learned, t.completed_at \
     FROM idea_tests t JOIN ideas i ON i.id = t.idea_id JOIN challenges c ON c.id = i.challenge_id \
     LEFT JOIN arenas a ON a.id = c.arena_id \
     LEFT JOIN organisations o ON o.id = t.host_organisation_id \
     WHERE i.state = 'completed' AND c.state IN ('published', 'closed', 'archived')";

/// One page of the completed tests `filter` keeps, newest idea first, after the idea
/// `after`.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &ResultFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<ResultRow>, RepoError> {
    let mut sql = String::from(RESULTS);
    let mut values: Vec<Value> = Vec::new();
    if let Some(outcome) = filter.outcome {
        sql.push_str(" AND t.outcome = ?");
        values.push(outcome.into());
    }
    if let Some(sdg) = filter.sdg {
        // Stored as ",11,12,": a goal is matched whole.
        sql.push_str(" AND c.sdgs LIKE ?");
        values.push(format!("%,{sdg},%").into());
    }
    if let Some(arena_id) = filter.arena_id {
        sql.push_str(" AND c.arena_id = ?");
        values.push(arena_id.into());
    }
    if let Some((from, to)) = filter.completed {
        sql.push_str(" AND t.completed_at >= ? AND t.completed_at < ?");
        values.push(from.into());
        values.push(to.into());
    }
    if let Some(challenge_id) = filter.challenge_id {
        sql.push_str(" AND i.challenge_id = ?");
        values.push(challenge_id.into());
    }
    if let Some(after) = after {
        sql.push_str(" AND i.id < ?");
        values.push(after.into());
    }
    sql.push_str(" ORDER BY i.id DESC LIMIT ?");
    values.push(i64::try_from(limit + 1).unwrap_or(i64::MAX).into());

    let rows = db
        .query_all_raw(statement(db.get_database_backend(), &sql, values))
        .await?;
    let mut next_after = None;
    let mut kept = rows.as_slice();
    if kept.len() as u64 > limit {
        kept = &kept[..usize::try_from(limit).unwrap_or(usize::MAX)];
        next_after = kept.last().map(|row| row.try_get::<Uuid>("", "id")).transpose()?;
    }
    if kept.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            next_after,
        });
    }
    // The registry names the hosts given only in free text; read it only for them.
    let free_text_host = kept
        .iter()
        .any(|row| matches!(row.try_get::<Option<String>>("", "host_name"), Ok(None)));
    let hosts = if free_text_host {
        Hosts::read(db).await?
    } else {
        Hosts::none()
    };
    let mut items = Vec::with_capacity(kept.len());
    for row in kept {
        let sdgs: String = row.try_get("", "sdgs")?;
        items.push(ResultRow {
            test: hosts.test(row)?,
            challenge_title: row.try_get("", "challenge_title")?,
            sdgs: sdgs_from_stored(&sdgs)?,
            arena_id: row.try_get("", "arena_id")?,
            arena_name: row.try_get("", "arena_name")?,
            spread: Vec::new(),
        });
    }
    let ideas: Vec<Uuid> = items.iter().map(|item| item.test.idea_id).collect();
    let spread = spread_activities::Entity::find()
        .filter(spread_activities::Column::IdeaId.is_in(ideas))
        .order_by_asc(spread_activities::Column::HeldOn)
        .order_by_asc(spread_activities::Column::Id)
        .all(db)
        .await?;
    for activity in spread {
        if let Some(item) = items.iter_mut().find(|item| item.test.idea_id == activity.idea_id) {
            item.spread.push(SpreadRow {
                kind: activity.kind,
                title: activity.title,
                held_on: activity.held_on,
            });
        }
    }
    Ok(Page { items, next_after })
}
