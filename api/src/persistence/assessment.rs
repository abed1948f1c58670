//! Rubrics, assignments and scorecards.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sluss_domain::assessment::{AssignmentState, Criterion, Rubric};
use uuid::Uuid;

use super::entities::{assignments, ideas, rubrics, scorecards};
use super::{Page, RepoError, keyset_page, stored};

/// A criterion as stored in `rubrics.criteria`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredCriterion {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Weight.
    pub weight: f64,
    /// Lowest score.
    pub scale_min: i64,
    /// Highest score.
    pub scale_max: i64,
    /// What the scores mean, by score (absent in rubrics stored before there were any).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scale_labels: BTreeMap<String, String>,
}

/// The domain rubric of a row.
pub fn rubric_of(row: &rubrics::Model) -> Result<Rubric, RepoError> {
    let criteria: Vec<StoredCriterion> = stored(
        serde_json::from_str(&row.criteria).ok(),
        "rubrics.criteria",
        &row.criteria,
    )?;
    Ok(Rubric {
        name: row.name.clone(),
        min_scorecards: u32::try_from(row.min_scorecards).unwrap_or(0),
        criteria: criteria
            .into_iter()
            .map(|c| Criterion {
                key: c.key,
                name: c.name,
                description: c.description,
                weight: c.weight,
                scale_min: c.scale_min,
                scale_max: c.scale_max,
                scale_labels: c.scale_labels,
            })
            .collect(),
    })
}

/// The stored form of criteria.
pub fn criteria_to_stored(criteria: &[Criterion]) -> String {
    let stored: Vec<StoredCriterion> = criteria
        .iter()
        .map(|c| StoredCriterion {
            key: c.key.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            weight: c.weight,
            scale_min: c.scale_min,
            scale_max: c.scale_max,
            scale_labels: c.scale_labels.clone(),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned())
}

/// Stores a new rubric; when it is the default, the old default stops being one.
pub async fn insert_rubric(
    db: &impl ConnectionTrait,
    rubric: &Rubric,
    is_default: bool,
    now: DateTime<Utc>,
) -> Result<rubrics::Model, RepoError> {
    if is_default {
        rubrics::Entity::update_many()
            .col_expr(rubrics::Column::IsDefault, Expr::value(false))
            .filter(rubrics::Column::IsDefault.eq(true))
            .exec(db)
            .await?;
    }
    Ok(rubrics::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(rubric.name.trim().to_owned()),
        min_scorecards: Set(i32::try_from(rubric.min_scorecards).unwrap_or(i32::MAX)),
        is_default: Set(is_default),
        criteria: Set(criteria_to_stored(&rubric.criteria)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// The rubric with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn lock_rubric(tx: &super::WriteTx, id: Uuid) -> Result<Option<rubrics::Model>, RepoError> {
    Ok(super::lock_row::<rubrics::Entity>(tx, id).await?)
}

/// The rubric with this id.
pub async fn find_rubric(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<rubrics::Model>, RepoError> {
    Ok(rubrics::Entity::find_by_id(id).one(db).await?)
}

/// The default rubric.
pub async fn default_rubric(db: &impl ConnectionTrait) -> Result<Option<rubrics::Model>, RepoError> {
    Ok(rubrics::Entity::find()
        .filter(rubrics::Column::IsDefault.eq(true))
        .order_by_desc(rubrics::Column::Id)
        .one(db)
        .await?)
}

/// A page of rubrics, newest first.
pub async fn list_rubrics(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<rubrics::Model>, RepoError> {
    keyset_page(db, rubrics::Entity::find(), rubrics::Column::Id, |r| r.id, after, limit).await
}

/// Whether any idea is assessed with the rubric (then it is immutable).
pub async fn rubric_in_use(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, RepoError> {
    // One row found is the answer; `idx_ideas_rubric_id` finds it, or its absence, at once.
    Ok(ideas::Entity::find()
        .filter(ideas::Column::RubricId.eq(id))
        .one(db)
        .await?
        .is_some())
}

/// Which of `ids` some idea is assessed with: one query, in which each rubric's probe of
/// `idx_ideas_rubric_id` stops at the first idea (a `DISTINCT` over the index would walk
/// every idea of a rubric used a hundred thousand times).
pub async fn rubrics_in_use(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Uuid>, RepoError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let used = Query::select()
        .expr(Expr::val(1))
        .from(ideas::Entity)
        .and_where(Expr::col((ideas::Entity, ideas::Column::RubricId)).equals((rubrics::Entity, rubrics::Column::Id)))
        .to_owned();
    Ok(rubrics::Entity::find()
        .select_only()
        .column(rubrics::Column::Id)
        .filter(rubrics::Column::Id.is_in(ids.iter().copied()))
        .filter(Expr::exists(used))
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// Replaces a rubric's content if it still has `version`.
pub async fn update_rubric(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    rubric: &Rubric,
    now: DateTime<Utc>,
) -> Result<rubrics::Model, RepoError> {
    let result = rubrics::Entity::update_many()
        .col_expr(rubrics::Column::Name, Expr::value(rubric.name.trim().to_owned()))
        .col_expr(
            rubrics::Column::MinScorecards,
            Expr::value(i32::try_from(rubric.min_scorecards).unwrap_or(i32::MAX)),
        )
        .col_expr(
            rubrics::Column::Criteria,
            Expr::value(criteria_to_stored(&rubric.criteria)),
        )
        .col_expr(rubrics::Column::UpdatedAt, Expr::value(now))
        .col_expr(rubrics::Column::Version, Expr::col(rubrics::Column::Version).add(1))
        .filter(rubrics::Column::Id.eq(id))
        .filter(rubrics::Column::Version.eq(version))
        .exec(db)
        .await?;
    let row = find_rubric(db, id).await?.ok_or(RepoError::NotFound)?;
    if result.rows_affected == 0 {
        return Err(RepoError::StaleVersion { current: row.version });
    }
    Ok(row)
}

/// The domain state of an assignment row.
pub fn assignment_state(row: &assignments::Model) -> Result<AssignmentState, RepoError> {
    stored(AssignmentState::parse(&row.state), "assignments.state", &row.state)
}

/// Stores a new assignment; the same assessor twice on one idea is a conflict.
pub async fn insert_assignment(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    assessor_id: Uuid,
    due_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<assignments::Model, RepoError> {
    assignments::ActiveModel {
        id: Set(Uuid::now_v7()),
        idea_id: Set(idea_id),
        assessor_id: Set(assessor_id),
        state: Set(AssignmentState::Assigned.as_str().to_owned()),
        conflict_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        due_on: Set(due_on),
        reminded_due_at: Set(None),
        reminded_overdue_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(|e| RepoError::on_unique(e, sluss_domain::ConflictReason::AlreadyAssigned))
}

/// The assignment with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn lock_assignment(tx: &super::WriteTx, id: Uuid) -> Result<Option<assignments::Model>, RepoError> {
    Ok(super::lock_row::<assignments::Entity>(tx, id).await?)
}

/// The assignment with this id.
pub async fn find_assignment(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<assignments::Model>, RepoError> {
    Ok(assignments::Entity::find_by_id(id).one(db).await?)
}

/// The assignment of `assessor_id` on `idea_id`, if any.
pub async fn assignment_for(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    assessor_id: Uuid,
) -> Result<Option<assignments::Model>, RepoError> {
    Ok(assignments::Entity::find()
        .filter(assignments::Column::IdeaId.eq(idea_id))
        .filter(assignments::Column::AssessorId.eq(assessor_id))
        .one(db)
        .await?)
}

/// The ids of the ideas assigned to `assessor_id`.
pub async fn assigned_idea_ids(db: &impl ConnectionTrait, assessor_id: Uuid) -> Result<Vec<Uuid>, RepoError> {
    Ok(assignments::Entity::find()
        .filter(assignments::Column::AssessorId.eq(assessor_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.idea_id)
        .collect())
}

/// A page of assignments: an assessor's own queue, or all (`assessor_id = None`).
pub async fn list_assignments(
    db: &impl ConnectionTrait,
    assessor_id: Option<Uuid>,
    idea_id: Option<Uuid>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<assignments::Model>, RepoError> {
    let mut select = assignments::Entity::find();
    if let Some(assessor_id) = assessor_id {
        select = select.filter(assignments::Column::AssessorId.eq(assessor_id));
    }
    if let Some(idea_id) = idea_id {
        select = select.filter(assignments::Column::IdeaId.eq(idea_id));
    }
    keyset_page(db, select, assignments::Column::Id, |a| a.id, after, limit).await
}

/// Moves an assignment to `state` if it still has `version`.
pub async fn set_assignment_state(
    db: &impl ConnectionTrait,
    row: &assignments::Model,
    state: AssignmentState,
    conflict_reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<assignments::Model, RepoError> {
    let mut update = assignments::Entity::update_many()
        .col_expr(assignments::Column::State, Expr::value(state.as_str()))
        .col_expr(assignments::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            assignments::Column::Version,
            Expr::col(assignments::Column::Version).add(1),
        );
    if let Some(reason) = conflict_reason {
        update = update.col_expr(assignments::Column::ConflictReason, Expr::value(reason));
    }
    let result = update
        .filter(assignments::Column::Id.eq(row.id))
        .filter(assignments::Column::Version.eq(row.version))
        .exec(db)
        .await?;
    let current = find_assignment(db, row.id).await?.ok_or(RepoError::NotFound)?;
    if result.rows_affected == 0 {
        return Err(RepoError::StaleVersion {
            current: current.version,
        });
    }
    Ok(current)
}

/// Removes an assignment (its scorecard goes with it).
pub async fn delete_assignment(db: &impl ConnectionTrait, id: Uuid) -> Result<(), RepoError> {
    scorecards::Entity::delete_many()
        .filter(scorecards::Column::AssignmentId.eq(id))
        .exec(db)
        .await?;
    assignments::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Moves an assignment to `submitted` with its scorecard, in statements deferred to the
/// transaction's next round trip (ADR 0011): for a command that read the assignment in
/// the same transaction and holds its idea, so no other writer can have moved it since.
/// The update is still guarded by the version read. Nothing is read back: the caller reads
/// the idea's scorecards afterwards, which sends these first.
pub async fn defer_submitted_scorecard(
    db: &impl super::Deferring,
    assignment: &assignments::Model,
    scores: &BTreeMap<String, i64>,
    comment: String,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::OnConflict;
    let backend = db.get_database_backend();
    let moved = assignments::Entity::update_many()
        .col_expr(
            assignments::Column::State,
            Expr::value(AssignmentState::Submitted.as_str()),
        )
        .col_expr(assignments::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            assignments::Column::Version,
            Expr::col(assignments::Column::Version).add(1),
        )
        .filter(assignments::Column::Id.eq(assignment.id))
        .filter(assignments::Column::Version.eq(assignment.version))
        .build(backend);
    db.defer(moved).await?;
    let card = scorecards::ActiveModel {
        assignment_id: Set(assignment.id),
        idea_id: Set(assignment.idea_id),
        assessor_id: Set(assignment.assessor_id),
        scores: Set(serde_json::to_string(scores).unwrap_or_else(|_| "{}".to_owned())),
        comment: Set(comment),
        submitted_at: Set(now),
        updated_at: Set(now),
    };
    // A revision keeps the card's first `submitted_at`.
    let replace = OnConflict::column(scorecards::Column::AssignmentId)
        .update_columns([
            scorecards::Column::Scores,
            scorecards::Column::Comment,
            scorecards::Column::UpdatedAt,
        ])
        .to_owned();
    db.defer(scorecards::Entity::insert(card).on_conflict(replace).build(backend))
        .await?;
    Ok(())
}

/// The scores of a scorecard row.
pub fn scores_of(row: &scorecards::Model) -> Result<BTreeMap<String, i64>, RepoError> {
    stored(serde_json::from_str(&row.scores).ok(), "scorecards.scores", &row.scores)
}

/// The scorecards of one idea, oldest first.
pub async fn scorecards_for(db: &impl ConnectionTrait, idea_id: Uuid) -> Result<Vec<scorecards::Model>, RepoError> {
    Ok(scorecards::Entity::find()
        .filter(scorecards::Column::IdeaId.eq(idea_id))
        .order_by_asc(scorecards::Column::SubmittedAt)
        .all(db)
        .await?)
}

/// The scorecards of many ideas.
pub async fn scorecards_for_ideas(
    db: &impl ConnectionTrait,
    idea_ids: &[Uuid],
) -> Result<Vec<scorecards::Model>, RepoError> {
    if idea_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scorecards::Entity::find()
        .filter(scorecards::Column::IdeaId.is_in(idea_ids.iter().copied()))
        .all(db)
        .await?)
}
