//! Step 3, assessment: rubrics, assignments, conflicts of interest, scorecards, summaries
//! and the ranking of a challenge's ideas.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use sluss_domain::assessment::{self as rules, AssignmentState, Candidate, Criterion, Rubric, ScoreAccess};
use sluss_domain::challenge as challenge_rules;
use sluss_domain::idea::IdeaState;
use sluss_domain::{Actor, Refusal, Role, UserId};
use uuid::Uuid;

use super::ideas::{ApiIdeaState, load_visible_idea};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, NoContent, Versioned, check_version, etag, expected_version, page_request};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::persistence::entities::{assignments as assignment_rows, ideas as idea_rows, rubrics as rubric_rows};
use crate::persistence::{assessment as repo, challenges, events, ideas, users};
use crate::state::AppState;

/// A criterion of a rubric.
#[derive(Debug, Clone, Object)]
pub struct ApiCriterion {
    /// Stable key used in scorecards (snake_case).
    pub key: String,
    /// Name shown to assessors.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Relative weight (> 0).
    pub weight: f64,
    /// Lowest score.
    pub scale_min: i64,
    /// Highest score.
    pub scale_max: i64,
}

/// A scoring rubric.
#[derive(Debug, Clone, Object)]
pub struct ApiRubric {
    /// Identifier.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Scorecards needed before a decision.
    pub min_scorecards: u32,
    /// Whether ideas are assessed with it unless another is chosen.
    pub is_default: bool,
    /// The criteria.
    pub criteria: Vec<ApiCriterion>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

super::list_page!(RubricPage, ApiRubric);

impl ApiRubric {
    fn from_row(row: rubric_rows::Model) -> Result<Self, ApiError> {
        let rubric = repo::rubric_of(&row)?;
        Ok(Self {
            id: row.id,
            name: rubric.name,
            min_scorecards: rubric.min_scorecards,
            is_default: row.is_default,
            criteria: rubric
                .criteria
                .into_iter()
                .map(|c| ApiCriterion {
                    key: c.key,
                    name: c.name,
                    description: c.description,
                    weight: c.weight,
                    scale_min: c.scale_min,
                    scale_max: c.scale_max,
                })
                .collect(),
            version: row.version,
            created_at: row.created_at,
        })
    }
}

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

impl RubricBody {
    fn to_rubric(&self) -> Rubric {
        Rubric {
            name: self.name.to_string(),
            min_scorecards: self.min_scorecards.unwrap_or(2),
            criteria: self
                .criteria
                .iter()
                .map(|c| Criterion {
                    key: c.key.trim().to_owned(),
                    name: c.name.trim().to_owned(),
                    description: c.description.trim().to_owned(),
                    weight: c.weight,
                    scale_min: c.scale_min.unwrap_or(1),
                    scale_max: c.scale_max.unwrap_or(5),
                })
                .collect(),
        }
    }
}

/// Where an assignment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiAssignmentState {
    /// Waiting for a scorecard.
    Assigned,
    /// The assessor declared a conflict of interest.
    ConflictDeclared,
    /// The scorecard is in.
    Submitted,
}

impl From<AssignmentState> for ApiAssignmentState {
    fn from(state: AssignmentState) -> Self {
        match state {
            AssignmentState::Assigned => Self::Assigned,
            AssignmentState::ConflictDeclared => Self::ConflictDeclared,
            AssignmentState::Submitted => Self::Submitted,
        }
    }
}

/// An assessor assigned to an idea.
#[derive(Debug, Clone, Object)]
pub struct Assignment {
    /// Identifier.
    pub id: Uuid,
    /// The idea.
    pub idea_id: Uuid,
    /// The assessor.
    pub assessor_id: Uuid,
    /// Where it is.
    pub state: ApiAssignmentState,
    /// The declared conflict of interest, if any.
    pub conflict_reason: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

super::list_page!(AssignmentPage, Assignment);

impl Assignment {
    fn from_row(row: assignment_rows::Model) -> Result<Self, ApiError> {
        let state = repo::assignment_state(&row)?;
        Ok(Self {
            id: row.id,
            idea_id: row.idea_id,
            assessor_id: row.assessor_id,
            state: state.into(),
            conflict_reason: row.conflict_reason,
            created_at: row.created_at,
            version: row.version,
        })
    }
}

/// The body of `POST /ideas/{id}/assignments`.
#[derive(Debug, Object)]
pub struct NewAssignment {
    /// A user holding the assessor role.
    pub assessor_id: Uuid,
}

/// The body of `declare-conflict`.
#[derive(Debug, Object)]
pub struct DeclareConflict {
    /// The conflict of interest.
    pub reason: Text,
    /// The version of the assignment read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// One assessor's scores.
#[derive(Debug, Clone, Object)]
pub struct Scorecard {
    /// The idea.
    pub idea_id: Uuid,
    /// The assessor.
    pub assessor_id: Uuid,
    /// Criterion key → score.
    pub scores: BTreeMap<String, i64>,
    /// The assessor's comment.
    pub comment: String,
    /// When first submitted.
    pub submitted_at: DateTime<Utc>,
    /// When last revised.
    pub updated_at: DateTime<Utc>,
}

/// The body of `PUT /ideas/{id}/scorecard`.
#[derive(Debug, Object)]
pub struct ScorecardBody {
    /// Criterion key → integer score within the criterion's scale; every criterion.
    pub scores: BTreeMap<String, i64>,
    /// A comment (required).
    pub comment: Text,
}

/// Statistics of one criterion.
#[derive(Debug, Clone, Object)]
pub struct CriterionStats {
    /// The criterion.
    pub key: String,
    /// Mean score.
    pub mean: f64,
    /// Lowest score.
    pub min: i64,
    /// Highest score.
    pub max: i64,
    /// Population standard deviation.
    pub std_dev: f64,
}

/// The summary of an idea's assessment.
#[derive(Debug, Clone, Object)]
pub struct AssessmentSummary {
    /// The idea.
    pub idea_id: Uuid,
    /// The rubric used.
    pub rubric_id: Uuid,
    /// Mean over scorecards of each one's weighted average (unrounded); absent with none.
    pub weighted_score: Option<f64>,
    /// Scorecards in.
    pub scorecards_submitted: u32,
    /// Scorecards the rubric requires before a decision.
    pub scorecards_required: u32,
    /// Per criterion.
    pub criteria: Vec<CriterionStats>,
    /// Whether any criterion's standard deviation exceeds 1.
    pub disagreement: bool,
}

/// One line of a ranking.
#[derive(Debug, Clone, Object)]
pub struct RankingItem {
    /// The idea.
    pub idea_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its state.
    pub state: ApiIdeaState,
    /// Its weighted score; absent until scored.
    pub weighted_score: Option<f64>,
    /// Scorecards in.
    pub scorecards_submitted: u32,
}

/// A challenge's submitted ideas, best weighted score first (unscored last).
#[derive(Debug, Clone, Object)]
pub struct Ranking {
    /// The ideas.
    pub items: Vec<RankingItem>,
}

fn scorecard_from_row(row: crate::persistence::entities::scorecards::Model) -> Result<Scorecard, ApiError> {
    Ok(Scorecard {
        scores: repo::scores_of(&row)?,
        idea_id: row.idea_id,
        assessor_id: row.assessor_id,
        comment: row.comment,
        submitted_at: row.submitted_at,
        updated_at: row.updated_at,
    })
}

/// Scores of each scorecard in criterion order (criteria missing from a stored card count as absent).
fn ordered_scores(
    rubric: &Rubric,
    cards: &[crate::persistence::entities::scorecards::Model],
) -> Result<Vec<Vec<i64>>, ApiError> {
    cards
        .iter()
        .map(|card| {
            let scores = repo::scores_of(card)?;
            Ok(rubric
                .criteria
                .iter()
                .filter_map(|c| scores.get(&c.key).copied())
                .collect())
        })
        .collect()
}

fn idea_state(row: &idea_rows::Model) -> Result<IdeaState, ApiError> {
    Ok(ideas::state_of(row)?)
}

/// Assessment.
pub struct AssessmentApi {
    /// Shared state.
    pub state: AppState,
}

impl AssessmentApi {
    async fn record(
        &self,
        db: &impl crate::persistence::Deferring,
        idea: &idea_rows::Model,
        command: &'static str,
        actor: &Actor,
        assignment: &assignment_rows::Model,
    ) -> Result<(), ApiError> {
        let state = idea_state(idea)?;
        events::Recorder::new("idea", idea.id, actor.id.as_uuid(), Utc::now())
            .record(
                db,
                command,
                Some(state.as_str()),
                state.as_str(),
                serde_json::json!({ "assignment_id": assignment.id, "assessor_id": assignment.assessor_id }),
            )
            .await?;
        Ok(())
    }

    /// Loads an assignment its assessor or a facilitator may see (404 otherwise).
    async fn visible_assignment(&self, id: Uuid, actor: &Actor) -> Result<assignment_rows::Model, ApiError> {
        let row = repo::find_assignment(&self.state.db, id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if !(actor.is_facilitator() || row.assessor_id == actor.id.as_uuid()) {
            return Err(ApiError::not_found());
        }
        Ok(row)
    }
}

fn open_for_assessment(state: IdeaState) -> bool {
    matches!(state, IdeaState::Submitted | IdeaState::InAssessment)
}

#[OpenApi(tag = "ApiTags::Assessment")]
impl AssessmentApi {
    /// List rubrics (anyone signed in: the criteria are public to the panel and the applicants).
    #[oai(path = "/rubrics", method = "get", operation_id = "list_rubrics")]
    async fn list_rubrics(
        &self,
        _caller: Caller,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<RubricPage>> {
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let page = repo::list_rubrics(&self.state.db, after, limit).await?;
        Ok(Json(super::to_list_page(page, ApiRubric::from_row)?.into()))
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
        /// Makes a retry safe: a repeat with the same key and body answers the first
        /// response again (with `Idempotent-Replayed: true`) and creates nothing twice; the
        /// same key with another body answers 422, and while the first request runs, 409.
        /// A UUID, say; kept 24 hours by default.
        #[oai(
            name = "Idempotency-Key",
            validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$")
        )]
        _idempotency_key: Header<Option<String>>,
        body: Json<RubricBody>,
    ) -> ApiResult<Created<ApiRubric>> {
        rules::authorize_facilitator(caller.actor())?;
        let rubric = body.0.to_rubric();
        rules::check_rubric(&rubric)?;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::insert_rubric(&tx, &rubric, body.0.is_default, Utc::now()).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = row.version;
        Ok(Created::Created(Json(ApiRubric::from_row(row)?), etag(version)))
    }

    /// Read a rubric.
    #[oai(path = "/rubrics/:id", method = "get", operation_id = "get_rubric")]
    async fn get_rubric(&self, _caller: Caller, id: Path<Uuid>) -> ApiResult<Versioned<ApiRubric>> {
        let row = repo::find_rubric(&self.state.db, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let version = row.version;
        Ok(Versioned::Ok(Json(ApiRubric::from_row(row)?), etag(version)))
    }

    /// Replace a rubric's name, criteria and `min_scorecards` while no idea uses it (facilitators).
    #[oai(path = "/rubrics/:id", method = "put", operation_id = "update_rubric")]
    async fn update_rubric(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<RubricBody>,
    ) -> ApiResult<Versioned<ApiRubric>> {
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::lock_rubric(&tx, id.0).await?.ok_or_else(ApiError::not_found)?;
        rules::authorize_facilitator(caller.actor())?;
        let rubric = body.0.to_rubric();
        rules::check_rubric(&rubric)?;
        if repo::rubric_in_use(&tx, id.0).await? {
            return Err(ApiError::conflict("the rubric is in use and can no longer change"));
        }
        check_version(
            expected_version(if_match.0.as_deref(), body.0.expected_version)?,
            row.version,
        )?;
        let updated = repo::update_rubric(&tx, id.0, row.version, &rubric, Utc::now()).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = updated.version;
        Ok(Versioned::Ok(Json(ApiRubric::from_row(updated)?), etag(version)))
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
        /// Makes a retry safe: a repeat with the same key and body answers the first
        /// response again (with `Idempotent-Replayed: true`) and creates nothing twice; the
        /// same key with another body answers 422, and while the first request runs, 409.
        /// A UUID, say; kept 24 hours by default.
        #[oai(
            name = "Idempotency-Key",
            validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$")
        )]
        _idempotency_key: Header<Option<String>>,
        id: Path<Uuid>,
        body: Json<NewAssignment>,
    ) -> ApiResult<Created<Assignment>> {
        let actor = caller.actor();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let (idea, _) = load_visible_idea(&tx, id.0, actor).await?;
        rules::authorize_facilitator(actor)?;
        let candidate = users::find(&tx, body.0.assessor_id)
            .await?
            .ok_or_else(|| ApiError::invalid("assessor_id", "no such user"))?;
        let innovator = users::find(&tx, idea.innovator_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let candidate_roles = users::roles_of(&candidate)?;
        rules::check_assignment(
            &Candidate {
                id: UserId(candidate.id),
                is_assessor: candidate_roles.contains(Role::Assessor),
                active: candidate.active,
                organisation: candidate.organisation.as_deref(),
            },
            UserId(idea.innovator_id),
            innovator.organisation.as_deref(),
            UserId(idea.challenge_owner_id),
        )?;
        let state = idea_state(&idea)?;
        if !open_for_assessment(state) {
            return Err(ApiError::conflict(format!(
                "assessors are assigned while the idea is submitted or in assessment, not {}",
                state.as_str()
            )));
        }
        let row = repo::insert_assignment(&tx, idea.id, candidate.id, Utc::now()).await?;
        self.record(&tx, &idea, "assign", actor, &row).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = row.version;
        Ok(Created::Created(Json(Assignment::from_row(row)?), etag(version)))
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
        let actor = caller.actor();
        let assessor = if actor.is_facilitator() {
            None
        } else if actor.has(Role::Assessor) {
            Some(actor.id.as_uuid())
        } else {
            return Err(Refusal::not_permitted("assignments are for assessors and facilitators").into());
        };
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let page = repo::list_assignments(&self.state.db, assessor, idea_id.0, after, limit).await?;
        Ok(Json(super::to_list_page(page, Assignment::from_row)?.into()))
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
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<DeclareConflict>,
    ) -> ApiResult<Versioned<Assignment>> {
        let actor = caller.actor();
        let expected = expected_version(if_match.0.as_deref(), body.0.expected_version)?;
        let row = self.visible_assignment(id.0, actor).await?;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::lock_assignment(&tx, row.id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let to = rules::decide_declare_conflict(
            repo::assignment_state(&row)?,
            UserId(row.assessor_id),
            actor,
            &body.0.reason,
        )?;
        check_version(expected, row.version)?;
        let updated =
            repo::set_assignment_state(&tx, &row, to, Some(body.0.reason.trim().to_owned()), Utc::now()).await?;
        let idea = ideas::find(&tx, row.idea_id).await?.ok_or_else(ApiError::not_found)?;
        self.record(&tx, &idea, "declare_conflict", actor, &row).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = updated.version;
        Ok(Versioned::Ok(Json(Assignment::from_row(updated)?), etag(version)))
    }

    /// Remove an assignment before the decision; its scorecard goes with it (facilitators).
    #[oai(path = "/assignments/:id", method = "delete", operation_id = "delete_assignment")]
    async fn delete_assignment(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<NoContent> {
        let actor = caller.actor();
        let row = self.visible_assignment(id.0, actor).await?;
        rules::authorize_facilitator(actor)?;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let idea = ideas::find(&tx, row.idea_id).await?.ok_or_else(ApiError::not_found)?;
        if !open_for_assessment(idea_state(&idea)?) {
            return Err(ApiError::conflict("the idea is decided; its assessment is locked"));
        }
        repo::delete_assignment(&tx, row.id).await?;
        self.record(&tx, &idea, "unassign", actor, &row).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
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
        let actor = caller.actor();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let (idea, viewer) = load_visible_idea(&tx, id.0, actor).await?;
        let Some(assignment) = viewer.assignment else {
            return Err(Refusal::not_permitted("only assessors assigned to the idea score it").into());
        };
        let rubric_row = match idea.rubric_id {
            Some(rubric_id) => repo::find_rubric(&tx, rubric_id).await?,
            None => None,
        };
        let state = idea_state(&idea)?;
        let (Some(rubric_row), IdeaState::InAssessment) = (rubric_row, state) else {
            return Err(ApiError::conflict(format!(
                "scorecards are taken while the idea is in assessment, not {}",
                state.as_str()
            )));
        };
        let rubric = repo::rubric_of(&rubric_row)?;
        rules::check_scorecard(&rubric, &body.0.scores, &body.0.comment)?;
        let assignment_state = repo::assignment_state(&assignment)?;
        if assignment_state == AssignmentState::ConflictDeclared {
            return Err(ApiError::conflict(
                "a conflict of interest was declared; this assignment cannot score",
            ));
        }
        let now = Utc::now();
        // Moving the assignment on (guarded by its version) first makes concurrent PUTs of
        // one scorecard queue on its row: one wins, the others answer 409.
        repo::set_assignment_state(&tx, &assignment, AssignmentState::Submitted, None, now).await?;
        let card =
            repo::upsert_scorecard(&tx, &assignment, &body.0.scores, body.0.comment.trim().to_owned(), now).await?;
        self.record(&tx, &idea, "score", actor, &assignment).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        Ok(Json(scorecard_from_row(card)?))
    }

    /// The scorecards of an idea: all for facilitators and for assessors whose own is in;
    /// only their own for assessors who have not scored yet; never for innovators or needs-owners.
    #[oai(path = "/ideas/:id/scorecards", method = "get", operation_id = "list_scorecards")]
    async fn list_scorecards(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Vec<Scorecard>>> {
        let actor = caller.actor();
        let (idea, viewer) = load_visible_idea(&self.state.db, id.0, actor).await?;
        let access = rules::score_access(actor, viewer.assignment_state()?)?;
        let me = actor.id.as_uuid();
        let cards = repo::scorecards_for(&self.state.db, idea.id)
            .await?
            .into_iter()
            .filter(|card| access == ScoreAccess::All || card.assessor_id == me)
            .map(scorecard_from_row)
            .collect::<Result<_, _>>()?;
        Ok(Json(cards))
    }

    /// The summary of an idea's assessment (facilitators, and assessors whose own scorecard is in).
    #[oai(path = "/ideas/:id/assessment", method = "get", operation_id = "get_assessment")]
    async fn get_assessment(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<AssessmentSummary>> {
        let actor = caller.actor();
        let (idea, viewer) = load_visible_idea(&self.state.db, id.0, actor).await?;
        if rules::score_access(actor, viewer.assignment_state()?)? != ScoreAccess::All {
            return Err(Refusal::not_permitted("submit your own scorecard to see the panel's").into());
        }
        let Some(rubric_id) = idea.rubric_id else {
            return Err(ApiError::conflict("the idea's assessment has not started"));
        };
        let rubric_row = repo::find_rubric(&self.state.db, rubric_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let rubric = repo::rubric_of(&rubric_row)?;
        let cards = repo::scorecards_for(&self.state.db, idea.id).await?;
        let summary = rules::summarise(&rubric, &ordered_scores(&rubric, &cards)?);
        Ok(Json(AssessmentSummary {
            idea_id: idea.id,
            rubric_id,
            weighted_score: summary.weighted_score,
            scorecards_submitted: u32::try_from(summary.scorecards).unwrap_or(u32::MAX),
            scorecards_required: rubric.min_scorecards,
            criteria: summary
                .criteria
                .into_iter()
                .map(|c| CriterionStats {
                    key: c.key,
                    mean: c.mean,
                    min: c.min,
                    max: c.max,
                    std_dev: c.std_dev,
                })
                .collect(),
            disagreement: summary.disagreement,
        }))
    }

    /// A challenge's submitted ideas ordered by weighted score, best first (facilitators).
    #[oai(path = "/challenges/:id/ranking", method = "get", operation_id = "challenge_ranking")]
    async fn challenge_ranking(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Ranking>> {
        let actor = caller.actor();
        let challenge = challenges::find(&self.state.db, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if !challenge_rules::can_view(&challenges::to_domain(&challenge)?, Some(actor)) {
            return Err(ApiError::not_found());
        }
        rules::authorize_facilitator(actor)?;
        let submitted = ideas::submitted_on(&self.state.db, id.0).await?;
        let ids: Vec<Uuid> = submitted.iter().map(|i| i.id).collect();
        let mut cards_by_idea: HashMap<Uuid, Vec<_>> = HashMap::new();
        for card in repo::scorecards_for_ideas(&self.state.db, &ids).await? {
            cards_by_idea.entry(card.idea_id).or_default().push(card);
        }
        let mut rubrics: HashMap<Uuid, Rubric> = HashMap::new();
        let mut items = Vec::with_capacity(submitted.len());
        for idea in submitted {
            let cards = cards_by_idea.remove(&idea.id).unwrap_or_default();
            let weighted_score = match idea.rubric_id {
                Some(rubric_id) => {
                    let rubric = match rubrics.entry(rubric_id) {
                        std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                        std::collections::hash_map::Entry::Vacant(entry) => {
                            let row = repo::find_rubric(&self.state.db, rubric_id)
                                .await?
                                .ok_or_else(ApiError::not_found)?;
                            entry.insert(repo::rubric_of(&row)?)
                        }
                    };
                    rules::summarise(rubric, &ordered_scores(rubric, &cards)?).weighted_score
                }
                None => None,
            };
            items.push(RankingItem {
                idea_id: idea.id,
                state: idea_state(&idea)?.into(),
                title: idea.title,
                weighted_score,
                scorecards_submitted: u32::try_from(cards.len()).unwrap_or(u32::MAX),
            });
        }
        items.sort_by(|a, b| {
            b.weighted_score
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.weighted_score.unwrap_or(f64::NEG_INFINITY))
                .then_with(|| a.title.cmp(&b.title))
        });
        Ok(Json(Ranking { items }))
    }
}
