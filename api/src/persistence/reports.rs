//! What the reports read: the selected challenges and ideas, and the events of the funnel.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use sluss_domain::challenge::ChallengeState;
use sluss_domain::idea::{IdeaState, TestOutcome};
use sluss_domain::report::{ChallengeFact, EventFact, IdeaFact};
use uuid::Uuid;

use super::entities::{challenges, events, ideas};
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

/// The commands the funnel reads.
const FUNNEL_COMMANDS: [&str; 7] = [
    "publish",
    "submit",
    "start_assessment",
    "decide",
    "start_incubation",
    "start_testing",
    "complete",
];

/// The challenges selected by `period`.
pub async fn challenge_facts(db: &impl ConnectionTrait, period: &Period) -> Result<Vec<ChallengeFact>, RepoError> {
    let mut select = challenges::Entity::find()
        .select_only()
        .column(challenges::Column::Id)
        .column(challenges::Column::State)
        .column(challenges::Column::CreatedAt);
    if let Some(arena_id) = period.arena_id {
        select = select.filter(challenges::Column::ArenaId.eq(arena_id));
    }
    if let Some(since) = period.since {
        select = select.filter(challenges::Column::CreatedAt.gte(since));
    }
    if let Some(until) = period.until {
        select = select.filter(challenges::Column::CreatedAt.lt(until));
    }
    select
        .into_tuple::<(Uuid, String, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, state, created_at)| {
            Ok(ChallengeFact {
                id,
                state: stored(ChallengeState::parse(&state), "challenges.state", &state)?,
                created_at,
            })
        })
        .collect()
}

/// The ideas selected by `period` (by their own creation time and their challenge's arena).
pub async fn idea_facts(db: &impl ConnectionTrait, period: &Period) -> Result<Vec<IdeaFact>, RepoError> {
    let mut select = ideas::Entity::find()
        .select_only()
        .column(ideas::Column::Id)
        .column(ideas::Column::State)
        .column(ideas::Column::CreatedAt);
    if let Some(arena_id) = period.arena_id {
        select = select.filter(
            ideas::Column::ChallengeId.in_subquery(
                Query::select()
                    .column(challenges::Column::Id)
                    .from(challenges::Entity)
                    .and_where(challenges::Column::ArenaId.eq(arena_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(since) = period.since {
        select = select.filter(ideas::Column::CreatedAt.gte(since));
    }
    if let Some(until) = period.until {
        select = select.filter(ideas::Column::CreatedAt.lt(until));
    }
    select
        .into_tuple::<(Uuid, String, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, state, created_at)| {
            Ok(IdeaFact {
                id,
                state: stored(IdeaState::parse(&state), "ideas.state", &state)?,
                created_at,
            })
        })
        .collect()
}

/// Every event the funnel reads.
pub async fn funnel_events(db: &impl ConnectionTrait) -> Result<Vec<EventFact>, RepoError> {
    let rows = events::Entity::find()
        .select_only()
        .column(events::Column::SubjectId)
        .column(events::Column::Command)
        .column(events::Column::ToState)
        .column(events::Column::At)
        .column(events::Column::Payload)
        .filter(events::Column::SubjectType.is_in(["challenge", "idea"]))
        .filter(events::Column::Command.is_in(FUNNEL_COMMANDS))
        .into_tuple::<(Uuid, String, String, DateTime<Utc>, String)>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(subject_id, command, to_state, at, payload)| {
            let outcome = if command == "complete" {
                serde_json::from_str::<serde_json::Value>(&payload)
                    .ok()
                    .and_then(|p| p["outcome"].as_str().and_then(TestOutcome::parse))
            } else {
                None
            };
            EventFact {
                subject_id,
                command,
                to_state,
                at,
                outcome,
            }
        })
        .collect())
}
