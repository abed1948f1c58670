//! Questions on challenges and their answers.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::entities::questions;
use super::{Page, RepoError, keyset_page};

/// Stores a new question.
pub async fn insert(
    db: &impl ConnectionTrait,
    challenge_id: Uuid,
    text: String,
    asked_by: Uuid,
    now: DateTime<Utc>,
) -> Result<questions::Model, RepoError> {
    Ok(questions::ActiveModel {
        id: Set(Uuid::now_v7()),
        challenge_id: Set(challenge_id),
        text: Set(text),
        asked_by: Set(asked_by),
        asked_at: Set(now),
        answer_text: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
    }
    .insert(db)
    .await?)
}

/// The question with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<questions::Model>, RepoError> {
    Ok(questions::Entity::find_by_id(id).one(db).await?)
}

/// A page of a challenge's questions, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    challenge_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<questions::Model>, RepoError> {
    let select = questions::Entity::find().filter(questions::Column::ChallengeId.eq(challenge_id));
    keyset_page(db, select, questions::Column::Id, |q| q.id, after, limit).await
}

/// Records the answer if the question has none yet; `Conflict` otherwise.
pub async fn answer(
    db: &impl ConnectionTrait,
    id: Uuid,
    text: String,
    answered_by: Uuid,
    now: DateTime<Utc>,
) -> Result<questions::Model, RepoError> {
    let result = questions::Entity::update_many()
        .col_expr(questions::Column::AnswerText, Expr::value(text))
        .col_expr(questions::Column::AnsweredBy, Expr::value(answered_by))
        .col_expr(questions::Column::AnsweredAt, Expr::value(now))
        .filter(questions::Column::Id.eq(id))
        .filter(questions::Column::AnsweredAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(RepoError::Conflict(sluss_domain::ConflictReason::QuestionAnswered));
    }
    find(db, id).await?.ok_or(RepoError::NotFound)
}
