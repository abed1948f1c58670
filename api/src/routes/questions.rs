//! Step 2: questions on published challenges, answered by the owner or the innovation team.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use sluss_domain::challenge::{self as challenge_rules, ChallengeState};
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, Refusal};
use uuid::Uuid;

use super::text::Text;
use super::{ApiResult, ApiTags, Created, etag, page_request};
use crate::auth::{Caller, MaybeCaller};
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::persistence::entities::{challenges as challenge_rows, questions as rows};
use crate::persistence::{challenges, events, questions as repo};
use crate::state::AppState;

const TEXT_MAX: usize = 5_000;

/// An answer to a question.
#[derive(Debug, Clone, Object)]
pub struct Answer {
    /// The answer.
    pub text: String,
    /// Who answered.
    pub answered_by: Uuid,
    /// When.
    pub answered_at: DateTime<Utc>,
}

/// A question asked about a challenge.
#[derive(Debug, Clone, Object)]
pub struct Question {
    /// Identifier.
    pub id: Uuid,
    /// The challenge asked about.
    pub challenge_id: Uuid,
    /// The question.
    pub text: String,
    /// Who asked.
    pub asked_by: Uuid,
    /// When.
    pub asked_at: DateTime<Utc>,
    /// The answer, once given.
    pub answer: Option<Answer>,
}

super::list_page!(QuestionPage, Question);

impl Question {
    fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let answer = match (row.answer_text, row.answered_by, row.answered_at) {
            (Some(text), Some(answered_by), Some(answered_at)) => Some(Answer {
                text,
                answered_by,
                answered_at,
            }),
            _ => None,
        };
        Ok(Self {
            id: row.id,
            challenge_id: row.challenge_id,
            text: row.text,
            asked_by: row.asked_by,
            asked_at: row.asked_at,
            answer,
        })
    }
}

/// The body of asking and answering.
#[derive(Debug, Object)]
pub struct QuestionText {
    /// The text.
    pub text: Text,
}

/// Questions and answers.
pub struct QuestionsApi {
    /// Shared state.
    pub state: AppState,
}

impl QuestionsApi {
    async fn visible_challenge(&self, id: Uuid, viewer: Option<&Actor>) -> Result<challenge_rows::Model, ApiError> {
        let row = challenges::find(&self.state.db, id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if !challenge_rules::can_view(&challenges::to_domain(&row)?, viewer) {
            return Err(ApiError::not_found());
        }
        Ok(row)
    }
}

fn check_text(text: &Text) -> Result<String, ApiError> {
    let mut checks = Checks::new();
    let text = checks.required_text("text", text, TEXT_MAX);
    checks.finish().map_err(Refusal::Invalid)?;
    Ok(text)
}

#[OpenApi(tag = "ApiTags::Questions")]
impl QuestionsApi {
    /// The questions on a challenge, newest first.
    #[oai(path = "/challenges/:id/questions", method = "get", operation_id = "list_questions")]
    async fn list_questions(
        &self,
        caller: MaybeCaller,
        id: Path<Uuid>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<QuestionPage>> {
        self.visible_challenge(id.0, caller.actor()).await?;
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let page = repo::list(&self.state.db, id.0, after, limit).await?;
        Ok(Json(super::to_list_page(page, Question::from_row)?.into()))
    }

    /// Ask a question about a published challenge (anyone signed in who sees it).
    #[oai(
        path = "/challenges/:id/questions",
        method = "post",
        operation_id = "ask_question",
        transform = "idempotent"
    )]
    async fn ask_question(
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
        body: Json<QuestionText>,
    ) -> ApiResult<Created<Question>> {
        let actor = caller.actor();
        let challenge = self.visible_challenge(id.0, Some(actor)).await?;
        let text = check_text(&body.0.text)?;
        if challenges::state_of(&challenge)? != ChallengeState::Published {
            return Err(ApiError::conflict(
                "questions are taken while the challenge is published",
            ));
        }
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::insert(&tx, id.0, text, actor.id.as_uuid(), Utc::now()).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        Ok(Created::Created(Json(Question::from_row(row)?), etag(1)))
    }

    /// Answer a question (the challenge's owner or a facilitator). A question is answered once.
    #[oai(path = "/questions/:id/answer", method = "post", operation_id = "answer_question")]
    async fn answer_question(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        body: Json<QuestionText>,
    ) -> ApiResult<Json<Question>> {
        let actor = caller.actor();
        let question = repo::find(&self.state.db, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let challenge = self.visible_challenge(question.challenge_id, Some(actor)).await?;
        if !challenge_rules::is_insider(&challenges::to_domain(&challenge)?, Some(actor)) {
            return Err(Refusal::not_permitted("only the challenge's owner or a facilitator answers").into());
        }
        let text = check_text(&body.0.text)?;
        let now = Utc::now();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let answered = repo::answer(&tx, id.0, text, actor.id.as_uuid(), now).await?;
        let state = challenges::state_of(&challenge)?;
        events::Recorder::new("question", id.0, actor.id.as_uuid(), now)
            .record(
                &tx,
                "answer",
                Some("asked"),
                "answered",
                serde_json::json!({ "challenge_id": challenge.id, "challenge_state": state.as_str() }),
            )
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        Ok(Json(Question::from_row(answered)?))
    }
}
