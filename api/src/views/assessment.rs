//! Step 3: rubrics, assignments, scorecards, summaries and rankings.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use sluss_domain::assessment::AssignmentState;
use uuid::Uuid;

use super::ideas::ApiIdeaState;
use crate::error::ApiError;
use crate::persistence::assessment as repo;
use crate::persistence::entities::{
    assignments as assignment_rows, rubrics as rubric_rows, scorecards as scorecard_rows,
};

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
    /// What the scores mean, by score (`{"1": "Does not answer the need", …}`); empty
    /// when none is given.
    pub scale_labels: BTreeMap<String, String>,
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
    /// The API form of a stored rubric.
    pub fn from_row(row: rubric_rows::Model) -> Result<Self, ApiError> {
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
                    scale_labels: c.scale_labels,
                })
                .collect(),
            version: row.version,
            created_at: row.created_at,
        })
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
    /// The day (in Stockholm) the scorecard is due, if any.
    pub due_on: Option<NaiveDate>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

super::list_page!(AssignmentPage, Assignment);

impl Assignment {
    /// The API form of a stored assignment.
    pub fn from_row(row: assignment_rows::Model) -> Result<Self, ApiError> {
        let state = repo::assignment_state(&row)?;
        Ok(Self {
            id: row.id,
            idea_id: row.idea_id,
            assessor_id: row.assessor_id,
            state: state.into(),
            conflict_reason: row.conflict_reason,
            due_on: row.due_on,
            created_at: row.created_at,
            version: row.version,
        })
    }
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

impl Scorecard {
    /// The API form of a stored scorecard.
    pub fn from_row(row: scorecard_rows::Model) -> Result<Self, ApiError> {
        Ok(Self {
            scores: repo::scores_of(&row)?,
            idea_id: row.idea_id,
            assessor_id: row.assessor_id,
            comment: row.comment,
            submitted_at: row.submitted_at,
            updated_at: row.updated_at,
        })
    }
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
