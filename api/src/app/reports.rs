//! Reports for the innovation team: the funnel of challenges and ideas, the counts of
//! the obstacle diary, and the figures a city reports to its funder.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sluss_domain::figures::{Figures, Period as FiguresPeriod};
use sluss_domain::report::Funnel;
use sluss_domain::steps as rules;
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, FieldProblem, Refusal};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::obstacles;
use crate::persistence::figures as figures_repo;
use crate::persistence::figures_model;
use crate::persistence::reports::{self as repo, Period};
use crate::persistence::steps;
use crate::persistence::written::Tables;
use crate::state::AppState;
use crate::views::obstacles::CATEGORIES;
use crate::views::reports::ObstacleReport;

/// Which challenges (and their ideas) a funnel counts: every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct FunnelQuery {
    /// Only challenges in this arena, and their ideas.
    pub arena_id: Option<Uuid>,
    /// Created at or after.
    pub since: Option<DateTime<Utc>>,
    /// Created before.
    pub until: Option<DateTime<Utc>>,
}

/// Checks the period of a report: each end in the years a time may fall in, and the end
/// not before the start (422).
fn check_period(since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Result<(), ApiError> {
    let mut checks = Checks::new();
    checks.in_years("since", since);
    checks.in_years("until", until);
    if let (Some(since), Some(until)) = (since, until)
        && until < since
    {
        checks.fail("until", FieldProblem::BeforeTheStart { start: "since" });
    }
    Ok(checks.finish().map_err(Refusal::Invalid)?)
}

/// The funnel of the challenges and ideas created in a period, optionally in one arena
/// (facilitators): counts per state, conversions and median days, from the event log.
/// Its JSON form is [`FunnelReport`](crate::views::reports::FunnelReport); its CSV rows are the domain's own
/// ([`Funnel::rows`]).
pub async fn funnel(state: &AppState, actor: &Actor, query: FunnelQuery) -> Result<Funnel, ApiError> {
    rules::authorize_facilitator(actor)?;
    check_period(query.since, query.until)?;
    let period = Period {
        arena_id: query.arena_id,
        since: query.since,
        until: query.until,
    };
    // Counted from the read model and the event log (other tables), which every change of
    // a challenge or an idea writes to as well, and the arenas it may be narrowed to.
    let key = format!("funnel {:?} {:?} {:?}", period.arena_id, period.since, period.until);
    let reads = Tables::CHALLENGES
        .with(Tables::IDEAS)
        .with(Tables::OTHER)
        .with(Tables::ARENAS);
    state
        .reads
        .value(key, reads, async { Ok(repo::funnel(&state.db, &period).await?) })
        .await
}

/// Obstacle counts by category and by step, every category and step included
/// (facilitators).
pub async fn obstacles(state: &AppState, actor: &Actor) -> Result<ObstacleReport, ApiError> {
    rules::authorize_facilitator(actor)?;
    let key = "obstacles by category and step".to_owned();
    state.reads.value(key, Tables::OTHER, count_obstacles(state)).await
}

async fn count_obstacles(state: &AppState) -> Result<ObstacleReport, ApiError> {
    let mut by_category: BTreeMap<String, u64> = CATEGORIES.iter().map(|(_, n)| ((*n).to_owned(), 0)).collect();
    for (category, n) in steps::count_obstacles_by::<String>(&state.db, obstacles::Column::Category).await? {
        by_category.insert(category, u64::try_from(n).unwrap_or(0));
    }
    let mut by_step: BTreeMap<String, u64> = (1..=5).map(|s: i16| (s.to_string(), 0)).collect();
    for (step, n) in steps::count_obstacles_by::<i16>(&state.db, obstacles::Column::Step).await? {
        by_step.insert(step.to_string(), u64::try_from(n).unwrap_or(0));
    }
    let total = by_category.values().sum();
    Ok(ObstacleReport {
        by_category,
        by_step,
        total,
    })
}

/// The period and arena the figures of SPEC §12 cover: every field narrows them.
#[derive(Debug, Clone, Default)]
pub struct FiguresQuery {
    /// Only challenges in this arena, and their ideas.
    pub arena_id: Option<Uuid>,
    /// Acts at or after.
    pub since: Option<DateTime<Utc>>,
    /// Acts before.
    pub until: Option<DateTime<Utc>>,
}

/// The stored names of the spread-activity kinds, in the spec's order.
pub fn spread_kind_names() -> Vec<&'static str> {
    crate::views::steps::SPREAD_KINDS
        .iter()
        .map(|(_, name)| *name)
        .collect()
}

/// The stored names of the obstacle categories, in the spec's order.
pub fn category_names() -> Vec<&'static str> {
    CATEGORIES.iter().map(|(_, name)| *name).collect()
}

/// The figures a city reports to its funder (SPEC §12), of the acts in a period,
/// optionally about one arena's challenges and their ideas (facilitators). Each act counts
/// by its own time (ADR 0018).
pub async fn figures(state: &AppState, actor: &Actor, query: FiguresQuery) -> Result<Figures, ApiError> {
    rules::authorize_facilitator(actor)?;
    check_period(query.since, query.until)?;
    let scope = figures_repo::Scope {
        arena_id: query.arena_id,
        period: FiguresPeriod {
            since: query.since,
            until: query.until,
        },
    };
    let key = format!("figures {:?} {:?} {:?}", scope.arena_id, query.since, query.until);
    // Read from the read model, accounts, the registry, challenges, ideas, assessment and
    // the other tables.
    state
        .reads
        .value(key, Tables::ALL, async {
            Ok(figures_model::figures(&state.db, &scope, &spread_kind_names(), &category_names()).await?)
        })
        .await
}
