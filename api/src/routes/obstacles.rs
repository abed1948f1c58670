//! The obstacle diary: what blocked innovation, logged as it is met.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use sea_orm::Set;
use sluss_domain::challenge as challenge_rules;
use sluss_domain::steps as rules;
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, Refusal};
use uuid::Uuid;

use super::ideas::load_visible_idea;
use super::text::Text;
use super::{ApiResult, ApiTags, Created, etag, page_request};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::persistence::entities::obstacles as rows;
use crate::persistence::steps::{self as repo, ObstacleFilter};
use crate::persistence::{challenges, stored};
use crate::state::AppState;

/// What an obstacle is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SubjectType {
    /// A challenge.
    Challenge,
    /// An idea.
    Idea,
}

/// What kind of obstacle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ObstacleCategory {
    /// Laws and rules.
    Regulation,
    /// Public procurement.
    Procurement,
    /// How organisations are set up.
    Organisation,
    /// Habits and attitudes.
    Culture,
    /// Missing know-how.
    Competence,
    /// Money.
    Financing,
    /// Access to data.
    Data,
    /// Something else.
    Other,
}

/// Every category with its stored name.
pub const CATEGORIES: [(ObstacleCategory, &str); 8] = [
    (ObstacleCategory::Regulation, "regulation"),
    (ObstacleCategory::Procurement, "procurement"),
    (ObstacleCategory::Organisation, "organisation"),
    (ObstacleCategory::Culture, "culture"),
    (ObstacleCategory::Competence, "competence"),
    (ObstacleCategory::Financing, "financing"),
    (ObstacleCategory::Data, "data"),
    (ObstacleCategory::Other, "other"),
];

fn category_name(category: ObstacleCategory) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map_or("other", |(_, name)| name)
}

/// An entry of the obstacle diary.
#[derive(Debug, Clone, Object)]
pub struct Obstacle {
    /// Identifier.
    pub id: Uuid,
    /// What it is about.
    pub subject_type: SubjectType,
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// Kind of obstacle.
    pub category: ObstacleCategory,
    /// What happened.
    pub description: String,
    /// The step it blocked (1..5).
    pub step: i16,
    /// Who logged it.
    pub reported_by: Uuid,
    /// When.
    pub reported_at: DateTime<Utc>,
}

super::list_page!(ObstaclePage, Obstacle);

impl Obstacle {
    fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let category = CATEGORIES.iter().find(|(_, n)| *n == row.category).map(|(c, _)| *c);
        let subject_type = match row.subject_type.as_str() {
            "challenge" => Some(SubjectType::Challenge),
            "idea" => Some(SubjectType::Idea),
            _ => None,
        };
        Ok(Self {
            category: stored(category, "obstacles.category", &row.category)?,
            subject_type: stored(subject_type, "obstacles.subject_type", &row.subject_type)?,
            id: row.id,
            subject_id: row.subject_id,
            description: row.description,
            step: row.step,
            reported_by: row.reported_by,
            reported_at: row.reported_at,
        })
    }
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

impl ObstaclesApi {
    async fn check_subject_visible(&self, subject_type: SubjectType, id: Uuid, actor: &Actor) -> Result<(), ApiError> {
        match subject_type {
            SubjectType::Challenge => {
                let row = challenges::find(&self.state.db, id)
                    .await?
                    .ok_or_else(ApiError::not_found)?;
                if !challenge_rules::can_view(&challenges::to_domain(&row)?, Some(actor)) {
                    return Err(ApiError::not_found());
                }
            }
            SubjectType::Idea => {
                load_visible_idea(&self.state.db, id, actor).await?;
            }
        }
        Ok(())
    }
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
        /// Makes a retry safe: a repeat with the same key and body answers the first
        /// response again (with `Idempotent-Replayed: true`) and creates nothing twice; the
        /// same key with another body answers 422, and while the first request runs, 409.
        /// A UUID, say; kept 24 hours by default.
        #[oai(
            name = "Idempotency-Key",
            validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$")
        )]
        _idempotency_key: Header<Option<String>>,
        body: Json<NewObstacle>,
    ) -> ApiResult<Created<Obstacle>> {
        let actor = caller.actor();
        let body = body.0;
        self.check_subject_visible(body.subject_type, body.subject_id, actor)
            .await?;
        let mut checks = Checks::new();
        let description = checks.required_text("description", &body.description, 10_000);
        rules::check_step(&mut checks, body.step);
        checks.finish().map_err(Refusal::Invalid)?;
        let row = repo::insert_obstacle(
            &self.state.db,
            rows::ActiveModel {
                id: Set(Uuid::now_v7()),
                subject_type: Set(match body.subject_type {
                    SubjectType::Challenge => "challenge".to_owned(),
                    SubjectType::Idea => "idea".to_owned(),
                }),
                subject_id: Set(body.subject_id),
                category: Set(category_name(body.category).to_owned()),
                description: Set(description),
                step: Set(i16::try_from(body.step).unwrap_or(0)),
                reported_by: Set(actor.id.as_uuid()),
                reported_at: Set(Utc::now()),
            },
        )
        .await?;
        Ok(Created::Created(Json(Obstacle::from_row(row)?), etag(1)))
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
        rules::authorize_facilitator(caller.actor())?;
        let mut checks = Checks::new();
        if let Some(step) = step.0 {
            rules::check_step(&mut checks, step);
        }
        checks.finish().map_err(Refusal::Invalid)?;
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let filter = ObstacleFilter {
            category: category.0.map(|c| category_name(c).to_owned()),
            step: step.0.and_then(|s| i16::try_from(s).ok()),
            subject_id: subject_id.0,
        };
        let page = repo::list_obstacles(&self.state.db, &filter, after, limit).await?;
        Ok(Json(super::to_list_page(page, Obstacle::from_row)?.into()))
    }
}
