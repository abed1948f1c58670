//! The obstacle diary: what blocked innovation, logged as it is met.

use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

use super::params::IdempotencyKey;
use super::text::Text;
use super::{ApiResult, ApiTags, Created, etag};
use crate::app::obstacles as app;
use crate::auth::Caller;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::obstacles::{Obstacle, ObstacleCategory, ObstaclePage, SubjectType};

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
}
