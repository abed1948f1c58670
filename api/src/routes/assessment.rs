//! Step 3, assessment: rubrics, assignments, conflicts of interest, scorecards, summaries
//! and the ranking of a challenge's ideas.

use chrono::NaiveDate;
use std::collections::BTreeMap;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

use super::params::{IdempotencyKey, IfMatch};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, NoContent, Versioned, etag};
use crate::app::assessment as app;
use crate::auth::Caller;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::assessment::{
    ApiRubric, AssessmentSummary, Assignment, AssignmentPage, Ranking, RubricPage, Scorecard,
};

/// A criterion as sent by a client.
#[derive(Debug, Object)]
pub struct NewCriterion {
    /// Stable key (snake_case: a-z, 0-9, _).
    pub key: Text,
    /// Name.
    pub name: Text,
    /// What it means.
    #[oai(default)]
    pub description: Text,
    /// Relative weight (> 0).
    pub weight: f64,
    /// Lowest score (default 1).
    pub scale_min: Option<i64>,
    /// Highest score (default 5).
    pub scale_max: Option<i64>,
    /// What some or all of the scores mean, by score within the scale (each up to 200
    /// characters), shown beside the scores.
    #[oai(default)]
    pub scale_labels: BTreeMap<String, String>,
}

/// The body of `POST /rubrics` and `PUT /rubrics/{id}`.
#[derive(Debug, Object)]
pub struct RubricBody {
    /// Name.
    pub name: Text,
    /// Scorecards needed before a decision (default 2).
    pub min_scorecards: Option<u32>,
    /// Make it the default rubric (only on create).
    #[oai(default)]
    pub is_default: bool,
    /// The criteria (1..30).
    pub criteria: Vec<NewCriterion>,
    /// On update: the version read; stale answers 409.
    pub expected_version: Option<i64>,
}

impl From<RubricBody> for app::RubricInput {
    fn from(body: RubricBody) -> Self {
        Self {
            name: body.name.into_inner(),
            min_scorecards: body.min_scorecards,
            is_default: body.is_default,
            criteria: body
                .criteria
                .into_iter()
                .map(|c| app::NewCriterion {
                    key: c.key.into_inner(),
                    name: c.name.into_inner(),
                    description: c.description.into_inner(),
                    weight: c.weight,
                    scale_min: c.scale_min,
                    scale_max: c.scale_max,
                    scale_labels: c.scale_labels,
                })
                .collect(),
        }
    }
}

/// The body of `POST /ideas/{id}/assignments`.
#[derive(Debug, Object)]
pub struct NewAssignment {
    /// A user holding the assessor role.
    pub assessor_id: Uuid,
    /// The day (in Stockholm) the scorecard is due: today or later. The assessor is
    /// reminded two days before and on the day after it passes.
    pub due_on: Option<NaiveDate>,
}

/// The body of `declare-conflict`.
#[derive(Debug, Object)]
pub struct DeclareConflict {
    /// The conflict of interest.
    pub reason: Text,
    /// The version of the assignment read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `PUT /ideas/{id}/scorecard`.
#[derive(Debug, Object)]
pub struct ScorecardBody {
    /// Criterion key → integer score within the criterion's scale; every criterion.
    pub scores: BTreeMap<String, i64>,
    /// A comment (required).
    pub comment: Text,
}

/// Assessment.
pub struct AssessmentApi {
    /// Shared state.
    pub state: AppState,
}

fn versioned<T: poem_openapi::types::ToJSON>(value: T, version: i64) -> ApiResult<Versioned<T>> {
    Ok(Versioned::Ok(Json(value), etag(version)))
}

#[OpenApi(tag = "ApiTags::Assessment")]
impl AssessmentApi {
    /// List rubrics (anyone signed in: the criteria are public to the panel and the applicants).
    #[oai(path = "/rubrics", method = "get", operation_id = "list_rubrics")]
    async fn list_rubrics(
        &self,
        caller: Caller,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<RubricPage>> {
        let page = app::list_rubrics(&self.state, caller.actor(), limit.0, cursor.0.as_deref()).await?;
        Ok(Json(page))
    }

    /// Create a rubric (facilitators).
    #[oai(
        path = "/rubrics",
        method = "post",
        operation_id = "create_rubric",
        transform = "idempotent"
    )]
    async fn create_rubric(
        &self,
        caller: Caller,
        _idempotency_key: IdempotencyKey,
        body: Json<RubricBody>,
    ) -> ApiResult<Created<ApiRubric>> {
        let rubric = app::create_rubric(&self.state, caller.actor(), body.0.into()).await?;
        let version = rubric.version;
        Ok(Created::Created(Json(rubric), etag(version)))
    }

    /// Read a rubric.
    #[oai(path = "/rubrics/:id", method = "get", operation_id = "get_rubric")]
    async fn get_rubric(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Versioned<ApiRubric>> {
        let rubric = app::get_rubric(&self.state, caller.actor(), id.0).await?;
        let version = rubric.version;
        versioned(rubric, version)
    }

    /// Replace a rubric's name, criteria and `min_scorecards` while no idea uses it (facilitators).
    #[oai(path = "/rubrics/:id", method = "put", operation_id = "update_rubric")]
    async fn update_rubric(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<RubricBody>,
    ) -> ApiResult<Versioned<ApiRubric>> {
        let expected = if_match.expected(body.0.expected_version)?;
        let rubric = app::update_rubric(&self.state, caller.actor(), id.0, body.0.into(), expected).await?;
        let version = rubric.version;
        versioned(rubric, version)
    }

    /// Assign an assessor to a submitted or in-assessment idea (facilitators). Refused (422)
    /// for the idea's innovator, the challenge's needs-owner, a colleague of the innovator's
    /// organisation, or a user without the assessor role.
    #[oai(
        path = "/ideas/:id/assignments",
        method = "post",
        operation_id = "assign_assessor",
        transform = "idempotent"
    )]
    async fn assign_assessor(
        &self,
        caller: Caller,
        _idempotency_key: IdempotencyKey,
        id: Path<Uuid>,
        body: Json<NewAssignment>,
    ) -> ApiResult<Created<Assignment>> {
        let assignment =
            app::assign_assessor(&self.state, caller.actor(), id.0, body.0.assessor_id, body.0.due_on).await?;
        let version = assignment.version;
        Ok(Created::Created(Json(assignment), etag(version)))
    }

    /// Assignments: an assessor's own queue; every assignment for facilitators.
    #[oai(path = "/assignments", method = "get", operation_id = "list_assignments")]
    async fn list_assignments(
        &self,
        caller: Caller,
        /// Only for this idea.
        idea_id: Query<Option<Uuid>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<AssignmentPage>> {
        let page = app::list_assignments(&self.state, caller.actor(), idea_id.0, limit.0, cursor.0.as_deref()).await?;
        Ok(Json(page))
    }

    /// Declare a conflict of interest on one's own assignment; it then cannot score.
    #[oai(
        path = "/assignments/:id/declare-conflict",
        method = "post",
        operation_id = "declare_conflict"
    )]
    async fn declare_conflict(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version of the assignment read; stale answers 412.
        if_match: IfMatch,
        body: Json<DeclareConflict>,
    ) -> ApiResult<Versioned<Assignment>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let reason = body.reason.into_inner();
        let assignment = app::declare_conflict(&self.state, caller.actor(), id.0, reason, expected).await?;
        let version = assignment.version;
        versioned(assignment, version)
    }

    /// Remove an assignment before the decision; its scorecard goes with it (facilitators).
    #[oai(path = "/assignments/:id", method = "delete", operation_id = "delete_assignment")]
    async fn delete_assignment(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<NoContent> {
        app::delete_assignment(&self.state, caller.actor(), id.0).await?;
        Ok(NoContent::NoContent)
    }

    /// Submit or revise one's own scorecard while the idea is in assessment.
    #[oai(path = "/ideas/:id/scorecard", method = "put", operation_id = "put_scorecard")]
    async fn put_scorecard(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        body: Json<ScorecardBody>,
    ) -> ApiResult<Json<Scorecard>> {
        let body = body.0;
        let input = app::ScorecardInput {
            scores: body.scores,
            comment: body.comment.into_inner(),
        };
        Ok(Json(
            app::put_scorecard(&self.state, caller.actor(), id.0, input).await?,
        ))
    }

    /// The scorecards of an idea: all for facilitators and for assessors whose own is in;
    /// only their own for assessors who have not scored yet; never for innovators or needs-owners.
    #[oai(path = "/ideas/:id/scorecards", method = "get", operation_id = "list_scorecards")]
    async fn list_scorecards(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Vec<Scorecard>>> {
        Ok(Json(app::list_scorecards(&self.state, caller.actor(), id.0).await?))
    }

    /// The summary of an idea's assessment (facilitators, and assessors whose own scorecard is in).
    #[oai(path = "/ideas/:id/assessment", method = "get", operation_id = "get_assessment")]
    async fn get_assessment(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<AssessmentSummary>> {
        Ok(Json(app::summary(&self.state, caller.actor(), id.0).await?))
    }

    /// A challenge's submitted ideas ordered by weighted score, best first (facilitators).
    #[oai(path = "/challenges/:id/ranking", method = "get", operation_id = "challenge_ranking")]
    async fn challenge_ranking(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Ranking>> {
        Ok(Json(app::ranking(&self.state, caller.actor(), id.0).await?))
    }
}
