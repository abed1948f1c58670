//! Step 2: questions on published challenges, answered by the owner or the innovation team.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

use super::params::IdempotencyKey;
use super::text::Text;
use super::{ApiResult, ApiTags, Created, etag};
use crate::app::questions as app;
use crate::auth::{Caller, MaybeCaller};
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::questions::{Question, QuestionPage};

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
        Ok(Json(
            app::list(&self.state, caller.actor(), id.0, limit.0, cursor.0.as_deref()).await?,
        ))
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
        _idempotency_key: IdempotencyKey,
        id: Path<Uuid>,
        body: Json<QuestionText>,
    ) -> ApiResult<Created<Question>> {
        let question = app::ask(&self.state, caller.actor(), id.0, &body.0.text).await?;
        Ok(Created::Created(Json(question), etag(1)))
    }

    /// Answer a question (the challenge's owner or a facilitator). A question is answered once.
    #[oai(path = "/questions/:id/answer", method = "post", operation_id = "answer_question")]
    async fn answer_question(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        body: Json<QuestionText>,
    ) -> ApiResult<Json<Question>> {
        Ok(Json(
            app::answer(&self.state, caller.actor(), id.0, &body.0.text).await?,
        ))
    }
}
