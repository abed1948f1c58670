//! The obstacle diary: what blocked innovation, logged as it is met.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use sluss_domain::obstacle::ObstacleCommand;
use uuid::Uuid;

use super::optional_body::OptionalJson;
use super::params::{IdempotencyKey, IfMatch};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, VersionOnly, Versioned, etag};
use crate::app::obstacles as app;
use crate::auth::Caller;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::obstacles::{Obstacle, ObstacleCategory, ObstaclePage, RaisedObstaclePage, SubjectType};

/// The body of `POST /obstacles/{id}/raise`.
#[derive(Debug, Object)]
pub struct RaiseObstacle {
    /// The body that can act, e.g. "Boverket" (one line, at most 200 characters).
    pub raised_to: Text,
    /// What that body is asked; it is public.
    pub brief: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `POST /obstacles/{id}/answer`.
#[derive(Debug, Object)]
pub struct AnswerObstacle {
    /// The body's answer; it is public.
    pub answer: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `PUT /obstacles/{id}/same-as`.
#[derive(Debug, Object)]
pub struct SameAs {
    /// The obstacle this one is the same issue as; `null` unlinks it.
    pub obstacle_id: Option<Uuid>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

fn versioned(obstacle: Obstacle) -> ApiResult<Versioned<Obstacle>> {
    let version = obstacle.version;
    Ok(Versioned::Ok(Json(obstacle), etag(version)))
}

/// The body of `POST /obstacles`.
#[derive(Debug, Object)]
pub struct NewObstacle {
    /// What it is about.
    pub subject_type: SubjectType,
    /// The challenge or idea (one the caller can see).
    pub subject_id: Uuid,
    /// Kind of obstacle.
    pub category: ObstacleCategory,
    /// What happened.
    pub description: Text,
    /// The step it blocked (1..5).
    pub step: i64,
}

/// The obstacle diary.
pub struct ObstaclesApi {
    /// Shared state.
    pub state: AppState,
}

#[OpenApi(tag = "ApiTags::Obstacles")]
impl ObstaclesApi {
    /// Log an obstacle met on a challenge or idea the caller can see.
    #[oai(
        path = "/obstacles",
        method = "post",
        operation_id = "create_obstacle",
        transform = "idempotent"
    )]
    async fn create_obstacle(
        &self,
        caller: Caller,
        _idempotency_key: IdempotencyKey,
        body: Json<NewObstacle>,
    ) -> ApiResult<Created<Obstacle>> {
        let body = body.0;
        let input = app::NewObstacle {
            subject_type: body.subject_type,
            subject_id: body.subject_id,
            category: body.category,
            description: body.description.into_inner(),
            step: body.step,
        };
        let obstacle = app::create(&self.state, caller.actor(), input).await?;
        Ok(Created::Created(Json(obstacle), etag(1)))
    }

    /// The obstacle diary, newest first (facilitators).
    #[oai(path = "/obstacles", method = "get", operation_id = "list_obstacles")]
    async fn list_obstacles(
        &self,
        caller: Caller,
        /// Only this category.
        category: Query<Option<ObstacleCategory>>,
        /// Only this step (1..5).
        step: Query<Option<i64>>,
        /// Only about this challenge or idea.
        subject_id: Query<Option<Uuid>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ObstaclePage>> {
        let query = app::ObstacleQuery {
            category: category.0,
            step: step.0,
            subject_id: subject_id.0,
        };
        Ok(Json(
            app::list(&self.state, caller.actor(), query, limit.0, cursor.0.as_deref()).await?,
        ))
    }

    /// The obstacles raised to a body that can act, newest first: public, without who
    /// logged them or what they were met on.
    #[oai(path = "/obstacles/raised", method = "get", operation_id = "list_raised_obstacles")]
    async fn list_raised_obstacles(
        &self,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<RaisedObstaclePage>> {
        Ok(Json(app::list_raised(&self.state, limit.0, cursor.0.as_deref()).await?))
    }

    /// One obstacle of the diary (facilitators).
    #[oai(path = "/obstacles/:id", method = "get", operation_id = "get_obstacle")]
    async fn get_obstacle(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Versioned<Obstacle>> {
        versioned(app::get(&self.state, caller.actor(), id.0).await?)
    }

    /// Raise a logged obstacle to a body that can act on it (facilitators).
    #[oai(path = "/obstacles/:id/raise", method = "post", operation_id = "raise_obstacle")]
    async fn raise_obstacle(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<RaiseObstacle>,
    ) -> ApiResult<Versioned<Obstacle>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let command = ObstacleCommand::Raise {
            raised_to: body.raised_to.into_inner(),
            brief: body.brief.into_inner(),
        };
        versioned(app::command(&self.state, caller.actor(), id.0, expected, command).await?)
    }

    /// Record the answer of the body a raised obstacle went to (facilitators).
    #[oai(path = "/obstacles/:id/answer", method = "post", operation_id = "answer_obstacle")]
    async fn answer_obstacle(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<AnswerObstacle>,
    ) -> ApiResult<Versioned<Obstacle>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let command = ObstacleCommand::Answer {
            answer: body.answer.into_inner(),
        };
        versioned(app::command(&self.state, caller.actor(), id.0, expected, command).await?)
    }

    /// Close an obstacle: nothing more is done about it (facilitators).
    #[oai(path = "/obstacles/:id/close", method = "post", operation_id = "close_obstacle")]
    async fn close_obstacle(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<Obstacle>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        versioned(app::command(&self.state, caller.actor(), id.0, expected, ObstacleCommand::Close).await?)
    }

    /// Link an obstacle as the same issue met elsewhere, or unlink it with `null`
    /// (facilitators). The link names the first obstacle of the group.
    #[oai(path = "/obstacles/:id/same-as", method = "put", operation_id = "link_obstacle")]
    async fn link_obstacle(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<SameAs>,
    ) -> ApiResult<Versioned<Obstacle>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        versioned(app::link(&self.state, caller.actor(), id.0, expected, body.obstacle_id).await?)
    }
}
