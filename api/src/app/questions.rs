//! Step 2: questions on published challenges, answered by the owner or the innovation team.

use chrono::Utc;
use sluss_domain::challenge::{self as challenge_rules, ChallengeState};
use sluss_domain::event::ChallengeEventKind;
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, ConflictReason, ForbiddenReason, Refusal};
use uuid::Uuid;

use super::challenges::load_visible;
use super::journal::{self, Entry, Subject};
use super::{page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::entities::{challenges as challenge_rows, questions as question_rows};
use crate::persistence::{challenges, questions as repo};
use crate::state::AppState;
use crate::views::questions::{Question, QuestionPage};

const TEXT_MAX: usize = 5_000;

fn check_text(text: &str) -> Result<String, ApiError> {
    let mut checks = Checks::new();
    let text = checks.required_text("text", text, TEXT_MAX);
    checks.finish().map_err(Refusal::Invalid)?;
    Ok(text)
}

/// Whether `viewer` sees who asked the questions on `challenge`: everyone does, unless its
/// assessment is blind; then only the innovation team and the challenge's needs-owner. An
/// innovator of the challenge may have asked, and its assessors, who may be assigned
/// later, must never learn who is behind an idea (SPEC §4).
fn sees_askers(challenge: &challenge_rows::Model, viewer: Option<&Actor>) -> Result<bool, ApiError> {
    Ok(!challenge.blind_assessment || challenge_rules::is_insider(&challenges::to_domain(challenge)?, viewer))
}

/// The questions on a challenge `viewer` may see, newest first; who asked is left out
/// where [`sees_askers`] says so, except for the asker's own questions.
pub async fn list(
    state: &AppState,
    viewer: Option<&Actor>,
    challenge_id: Uuid,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<QuestionPage, ApiError> {
    let challenge = load_visible(state, challenge_id, viewer).await?;
    let sees = sees_askers(&challenge, viewer)?;
    let me = viewer.map(|actor| actor.id.as_uuid());
    let (limit, after) = page_request(limit, cursor)?;
    let page = repo::list(&state.db, challenge_id, after, limit).await?;
    let shown = |row| {
        let mut question = Question::from_row(row)?;
        if !sees && question.asked_by != me {
            question.asked_by = None;
        }
        Ok(question)
    };
    Ok(to_list_page(page, shown)?.into())
}

/// Asks a question on a published challenge (anyone signed in who sees it).
pub async fn ask(state: &AppState, actor: &Actor, challenge_id: Uuid, text: &str) -> Result<Question, ApiError> {
    let challenge = load_visible(state, challenge_id, Some(actor)).await?;
    let text = check_text(text)?;
    if challenges::state_of(&challenge)? != ChallengeState::Published {
        return Err(ApiError::conflict(ConflictReason::QuestionsClosed));
    }
    let now = Utc::now();
    let tx = state.begin_write().await?;
    // The challenge is held, as its own commands hold it, so that its events and their
    // deliveries are written one transaction at a time, in order (ADR 0016).
    challenges::find_for_update(&tx, challenge_id).await?;
    let row = repo::insert(&tx, challenge_id, text, actor.id.as_uuid(), now).await?;
    let entry = question_entry(&challenge, ChallengeEventKind::Ask, &row, actor, now)?;
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Question::from_row(row)
}

/// Answers (or re-answers) a question: the challenge's owner or a facilitator.
pub async fn answer(state: &AppState, actor: &Actor, question_id: Uuid, text: &str) -> Result<Question, ApiError> {
    let question = repo::find(&state.db, question_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let challenge = load_visible(state, question.challenge_id, Some(actor)).await?;
    if !challenge_rules::is_insider(&challenges::to_domain(&challenge)?, Some(actor)) {
        return Err(ApiError::forbidden(ForbiddenReason::OnlyTheOwnerAnswers));
    }
    let text = check_text(text)?;
    let now = Utc::now();
    let tx = state.begin_write().await?;
    challenges::find_for_update(&tx, question.challenge_id).await?;
    let answered = repo::answer(&tx, question_id, text, actor.id.as_uuid(), now).await?;
    let entry = question_entry(&challenge, ChallengeEventKind::Answer, &question, actor, now)?;
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Question::from_row(answered)
}

/// The journal entry of a question asked or answered: an event of its challenge (whose
/// state it leaves as it is), naming the question.
fn question_entry<'a>(
    challenge: &'a challenge_rows::Model,
    kind: ChallengeEventKind,
    question: &question_rows::Model,
    actor: &Actor,
    at: chrono::DateTime<Utc>,
) -> Result<Entry<'a>, ApiError> {
    let current = challenges::state_of(challenge)?.as_str();
    let subject = Subject::Challenge {
        kind,
        row: challenge,
        asker: Some(question.asked_by),
    };
    let payload = serde_json::json!({ "question_id": question.id });
    Ok(Entry::new(subject, (Some(current), current), actor.id, at, payload))
}
