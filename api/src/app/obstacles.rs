//! The obstacle diary: what blocked innovation, logged as it is met.

use chrono::Utc;
use sluss_domain::challenge as challenge_rules;
use sluss_domain::obstacle::{self as obstacle_rules, Linked, ObstacleCommand, ObstacleState};
use sluss_domain::steps as rules;
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, FieldProblem, Refusal};
use uuid::Uuid;

use super::ideas::load_visible_idea;
use super::{Expected, check_version, page_request, stale_too, to_list_page};
use crate::error::ApiError;
use crate::persistence::steps::{self as repo, ObstacleFilter};
use crate::persistence::{challenges, stored};
use crate::state::AppState;
use crate::views::obstacles::{
    Obstacle, ObstacleCategory, ObstaclePage, RaisedObstacle, RaisedObstaclePage, SubjectType, category_name,
};

/// An obstacle met on a challenge or an idea.
#[derive(Debug, Clone)]
pub struct NewObstacle {
    /// What it was met on.
    pub subject_type: SubjectType,
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// What kind of obstacle.
    pub category: ObstacleCategory,
    /// What happened.
    pub description: String,
    /// The step of the process (1..5).
    pub step: i64,
}

/// What to list: every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct ObstacleQuery {
    /// Only of this category.
    pub category: Option<ObstacleCategory>,
    /// Only in this step (1..5).
    pub step: Option<i64>,
    /// Only on this challenge or idea.
    pub subject_id: Option<Uuid>,
}

async fn check_subject_visible(
    state: &AppState,
    subject_type: SubjectType,
    id: Uuid,
    actor: &Actor,
) -> Result<(), ApiError> {
    match subject_type {
        SubjectType::Challenge => {
            let row = challenges::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
            if !challenge_rules::can_view(&challenges::to_domain(&row)?, Some(actor)) {
                return Err(ApiError::not_found());
            }
        }
        SubjectType::Idea => {
            load_visible_idea(&state.db, id, actor).await?;
        }
    }
    Ok(())
}

/// Logs an obstacle on a challenge or idea the actor sees.
pub async fn create(state: &AppState, actor: &Actor, input: NewObstacle) -> Result<Obstacle, ApiError> {
    check_subject_visible(state, input.subject_type, input.subject_id, actor).await?;
    let mut checks = Checks::new();
    let description = checks.required_text("description", &input.description, 10_000);
    rules::check_step(&mut checks, input.step);
    checks.finish().map_err(Refusal::Invalid)?;
    let obstacle = repo::NewObstacle {
        subject_type: match input.subject_type {
            SubjectType::Challenge => "challenge",
            SubjectType::Idea => "idea",
        },
        subject_id: input.subject_id,
        category: category_name(input.category),
        description,
        step: i16::try_from(input.step).unwrap_or(0),
        reported_by: actor.id.as_uuid(),
    };
    let row = repo::insert_obstacle(&state.db, obstacle, Utc::now()).await?;
    Obstacle::from_row(row)
}

/// The obstacle diary, newest first (facilitators).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    query: ObstacleQuery,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<ObstaclePage, ApiError> {
    rules::authorize_facilitator(actor)?;
    let mut checks = Checks::new();
    if let Some(step) = query.step {
        rules::check_step(&mut checks, step);
    }
    checks.finish().map_err(Refusal::Invalid)?;
    let (limit, after) = page_request(limit, cursor)?;
    let filter = ObstacleFilter {
        category: query.category.map(|c| category_name(c).to_owned()),
        step: query.step.and_then(|s| i16::try_from(s).ok()),
        subject_id: query.subject_id,
    };
    let page = repo::list_obstacles(&state.db, &filter, after, limit).await?;
    Ok(to_list_page(page, Obstacle::from_row)?.into())
}

/// One obstacle of the diary (facilitators).
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> Result<Obstacle, ApiError> {
    rules::authorize_facilitator(actor)?;
    let row = repo::find_obstacle(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Obstacle::from_row(row)
}

/// Raises, answers or closes an obstacle (facilitators; SPEC §18).
pub async fn command(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
    command: ObstacleCommand,
) -> Result<Obstacle, ApiError> {
    rules::authorize_facilitator(actor)?;
    let tx = state.begin_write().await?;
    let row = repo::lock_obstacle(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    let current = stored(ObstacleState::parse(&row.state), "obstacles.state", &row.state)?;
    let change = obstacle_rules::decide(actor, current, &command).map_err(|r| stale_too(r, expected, row.version))?;
    check_version(expected, row.version)?;
    let changed = repo::change_obstacle(&tx, id, row.version, change, Utc::now()).await?;
    tx.commit().await?;
    Obstacle::from_row(changed)
}

/// Links an obstacle as the same issue met elsewhere as `same_as`, or unlinks it with
/// `None` (facilitators). An unknown obstacle named is refused on `obstacle_id`.
pub async fn link(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
    same_as: Option<Uuid>,
) -> Result<Obstacle, ApiError> {
    rules::authorize_facilitator(actor)?;
    let tx = state.begin_write().await?;
    let row = repo::lock_obstacle(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    let target = match same_as {
        Some(target) => {
            let found = repo::find_obstacle(&tx, target)
                .await?
                .ok_or_else(|| ApiError::invalid("obstacle_id", FieldProblem::NoSuchRecord))?;
            Some(Linked {
                id: found.id,
                same_as: found.same_as,
            })
        }
        None => None,
    };
    let first = obstacle_rules::same_as(actor, id, target).map_err(|r| stale_too(r, expected, row.version))?;
    check_version(expected, row.version)?;
    let linked = repo::link_obstacle(&tx, id, row.version, first).await?;
    tx.commit().await?;
    Obstacle::from_row(linked)
}

/// The public record of obstacles raised to a body that can act, newest first: anyone,
/// signed in or not.
pub async fn list_raised(
    state: &AppState,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<RaisedObstaclePage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let page = repo::list_raised(&state.db, after, limit).await?;
    Ok(to_list_page(page, RaisedObstacle::from_row)?.into())
}
