//! A person's copy of everything stored about them (`GET /me/export`,
//! `GET /users/{id}/export`) and the erasure of their personal data
//! (`POST /users/{id}/erase`). The endpoints live with `/me` and `/users`; this module
//! holds what they share.

use chrono::{DateTime, Utc};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use sluss_domain::privacy::{self as rules, ErasureFacts};
use sluss_domain::{Actor, Role, UserId};
use uuid::Uuid;

use super::ideas::{Idea, TeamMember};
use super::users::User;
use super::{ApiResult, Expected, Versioned, check_version, etag};
use crate::error::ApiError;
use crate::persistence::entities::{events as event_rows, users as user_rows};
use crate::persistence::privacy::{self as repo, ERASE_COMMAND, account_state};
use crate::persistence::{events, stored, users};
use crate::state::AppState;

/// A signed-in session, without its token.
#[derive(Debug, Clone, Object)]
pub struct SessionRecord {
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A challenge the person owns.
#[derive(Debug, Clone, Object)]
pub struct ChallengeRecord {
    /// Identifier.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Where the need is.
    pub location: Option<String>,
    /// The facilitators' latest feedback.
    pub feedback: Option<String>,
    /// Lifecycle state.
    pub state: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The person as a co-applicant on someone else's idea: only their own entry.
#[derive(Debug, Clone, Object)]
pub struct TeamListing {
    /// The idea.
    pub idea_id: Uuid,
    /// The entry naming the person.
    pub member: TeamMember,
}

/// A question the person asked.
#[derive(Debug, Clone, Object)]
pub struct QuestionRecord {
    /// Identifier.
    pub id: Uuid,
    /// The challenge asked about.
    pub challenge_id: Uuid,
    /// The question.
    pub text: String,
    /// When.
    pub asked_at: DateTime<Utc>,
}

/// An answer the person gave.
#[derive(Debug, Clone, Object)]
pub struct AnswerRecord {
    /// The question answered.
    pub question_id: Uuid,
    /// Its challenge.
    pub challenge_id: Uuid,
    /// The answer.
    pub text: String,
    /// When.
    pub answered_at: Option<DateTime<Utc>>,
}

/// An assignment of the person as an assessor, with any conflict of interest declared.
#[derive(Debug, Clone, Object)]
pub struct AssignmentRecord {
    /// Identifier.
    pub id: Uuid,
    /// The idea to score.
    pub idea_id: Uuid,
    /// `assigned`, `conflict_declared` or `submitted`.
    pub state: String,
    /// The conflict of interest declared, if any.
    pub conflict_reason: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A scorecard of the person.
#[derive(Debug, Clone, Object)]
pub struct ScorecardRecord {
    /// The assignment it answers.
    pub assignment_id: Uuid,
    /// The idea scored.
    pub idea_id: Uuid,
    /// Criterion key → score.
    pub scores: serde_json::Value,
    /// The comment.
    pub comment: String,
    /// When first submitted.
    pub submitted_at: DateTime<Utc>,
    /// When last revised.
    pub updated_at: DateTime<Utc>,
}

/// An obstacle the person logged.
#[derive(Debug, Clone, Object)]
pub struct ObstacleRecord {
    /// Identifier.
    pub id: Uuid,
    /// `challenge` or `idea`.
    pub subject_type: String,
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// Kind of obstacle.
    pub category: String,
    /// What happened.
    pub description: String,
    /// The step it blocked (1..5).
    pub step: i16,
    /// When.
    pub reported_at: DateTime<Utc>,
}

/// An event the person acted in, or one about their account.
#[derive(Debug, Clone, Object)]
pub struct EventRecord {
    /// Position in the log.
    pub seq: i64,
    /// `challenge`, `idea`, `arena`, `user`, …
    pub subject_type: String,
    /// What it is about.
    pub subject_id: Uuid,
    /// The command, snake_case.
    pub command: String,
    /// The state before.
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// Who acted.
    pub actor_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// The command's data.
    pub payload: serde_json::Value,
}

/// Everything sluss stores about one person. Never a password hash or a token.
/// Milestones and spread activities are not kept per person, so they are not here.
#[derive(Debug, Clone, Object)]
pub struct PersonalData {
    /// When this copy was made.
    pub exported_at: DateTime<Utc>,
    /// The account.
    pub user: User,
    /// Live sessions, by time only.
    pub sessions: Vec<SessionRecord>,
    /// Challenges owned.
    pub challenges: Vec<ChallengeRecord>,
    /// Ideas written, with their teams.
    pub ideas: Vec<Idea>,
    /// Other people's ideas whose team lists the person.
    pub team_listings: Vec<TeamListing>,
    /// Questions asked.
    pub questions: Vec<QuestionRecord>,
    /// Answers given.
    pub answers: Vec<AnswerRecord>,
    /// Assignments as an assessor, conflicts of interest included.
    pub assignments: Vec<AssignmentRecord>,
    /// Scorecards.
    pub scorecards: Vec<ScorecardRecord>,
    /// Obstacles logged.
    pub obstacles: Vec<ObstacleRecord>,
    /// Events the person acted in, and events about the account, oldest first.
    pub events: Vec<EventRecord>,
}

/// The answer of an export: a JSON file to keep.
#[derive(ApiResponse)]
pub enum Export {
    /// Everything stored about the person.
    #[oai(status = 200)]
    Ok(
        Json<PersonalData>,
        /// `attachment; filename="sluss-export-<id>.json"`.
        #[oai(header = "Content-Disposition")]
        String,
        /// `no-store`: personal data stays out of caches.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

/// Exports everything stored about `user_id` for `actor`. An export by the team of
/// someone else's data is recorded in that person's history, so they can see it.
pub async fn export(state: &AppState, user_id: Uuid, actor: &Actor) -> ApiResult<Export> {
    rules::authorize_export(UserId(user_id), actor)?;
    let row = users::find(&state.db, user_id).await?.ok_or_else(ApiError::not_found)?;
    let now = Utc::now();
    if actor.id.as_uuid() != user_id {
        let erased = repo::is_erased(&state.db, user_id).await?;
        let account = account_state(&row, erased);
        let tx = state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        events::Recorder::new("user", user_id, actor.id.as_uuid(), now)
            .record(&tx, "export", Some(account), account, serde_json::json!({}))
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
    }
    let footprint = repo::footprint(&state.db, row).await?;
    let data = personal_data(footprint, now)?;
    let disposition = format!("attachment; filename=\"sluss-export-{user_id}.json\"");
    Ok(Export::Ok(Json(data), disposition, "no-store".to_owned()))
}

fn personal_data(footprint: repo::Footprint, now: DateTime<Utc>) -> Result<PersonalData, ApiError> {
    let email = footprint.user.email.clone();
    let team_listings = footprint
        .listed_on
        .iter()
        .flat_map(|idea| repo::members_with(&idea.team, &email).map(move |member| (idea.id, member)))
        .map(|(idea_id, member)| {
            let member = stored(serde_json::from_value(member).ok(), "ideas.team", &idea_id.to_string())?;
            Ok(TeamListing { idea_id, member })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(PersonalData {
        exported_at: now,
        user: User::from_row(footprint.user)?,
        sessions: footprint
            .sessions
            .into_iter()
            .map(|s| SessionRecord {
                created_at: s.created_at,
                expires_at: s.expires_at,
            })
            .collect(),
        challenges: footprint
            .challenges
            .into_iter()
            .map(|c| ChallengeRecord {
                id: c.id,
                title: c.title,
                summary: c.summary,
                description: c.description,
                location: c.location,
                feedback: c.feedback,
                state: c.state,
                created_at: c.created_at,
                updated_at: c.updated_at,
            })
            .collect(),
        ideas: footprint
            .ideas
            .into_iter()
            .map(|idea| Idea::from_row(idea, false))
            .collect::<Result<_, _>>()?,
        team_listings,
        questions: footprint
            .questions_asked
            .into_iter()
            .map(|q| QuestionRecord {
                id: q.id,
                challenge_id: q.challenge_id,
                text: q.text,
                asked_at: q.asked_at,
            })
            .collect(),
        answers: footprint
            .questions_answered
            .into_iter()
            .map(|q| AnswerRecord {
                question_id: q.id,
                challenge_id: q.challenge_id,
                text: q.answer_text.unwrap_or_default(),
                answered_at: q.answered_at,
            })
            .collect(),
        assignments: footprint
            .assignments
            .into_iter()
            .map(|a| AssignmentRecord {
                id: a.id,
                idea_id: a.idea_id,
                state: a.state,
                conflict_reason: a.conflict_reason,
                created_at: a.created_at,
            })
            .collect(),
        scorecards: footprint
            .scorecards
            .into_iter()
            .map(|card| {
                let scores = stored(
                    serde_json::from_str(&card.scores).ok(),
                    "scorecards.scores",
                    &card.scores,
                )?;
                Ok(ScorecardRecord {
                    assignment_id: card.assignment_id,
                    idea_id: card.idea_id,
                    scores,
                    comment: card.comment,
                    submitted_at: card.submitted_at,
                    updated_at: card.updated_at,
                })
            })
            .collect::<Result<_, ApiError>>()?,
        obstacles: footprint
            .obstacles
            .into_iter()
            .map(|o| ObstacleRecord {
                id: o.id,
                subject_type: o.subject_type,
                subject_id: o.subject_id,
                category: o.category,
                description: o.description,
                step: o.step,
                reported_at: o.reported_at,
            })
            .collect(),
        events: footprint.events.into_iter().map(event_record).collect(),
    })
}

fn event_record(row: event_rows::Model) -> EventRecord {
    EventRecord {
        payload: serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null),
        seq: row.seq,
        subject_type: row.subject_type,
        subject_id: row.subject_id,
        command: row.command,
        from_state: row.from_state,
        to_state: row.to_state,
        actor_id: row.actor_id,
        at: row.at,
    }
}

/// Erases the personal data of `user_id` in one transaction (the checks of
/// [`rules::authorize_erase`] and the reason have passed), records the erasure, and
/// answers with the account as it is afterwards.
pub async fn erase(
    state: &AppState,
    user_id: Uuid,
    actor: &Actor,
    expected: Option<Expected>,
    reason: Option<String>,
) -> ApiResult<Versioned<User>> {
    let found = users::find(&state.db, user_id).await?.ok_or_else(ApiError::not_found)?;
    // The teams are searched before the write lock is taken: a scan must not hold up
    // every writer. Each idea found is re-read and changed under the lock.
    let listed: Vec<Uuid> = repo::listing(&state.db, &found.email)
        .await?
        .iter()
        .map(|idea| idea.id)
        .collect();
    let now = Utc::now();
    let tx = state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
    let row = users::find_for_update(&tx, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let facts = facts_of(&tx, &row).await?;
    rules::check_erasable(facts)?;
    check_version(expected, row.version)?;
    if row.email != found.email {
        return Err(ApiError::conflict("the account changed during the erasure; try again"));
    }
    let login_key = super::auth::login_email_key(&row.email);
    let (updated, erased) = repo::erase(&tx, &row, &listed, &login_key, now).await?;
    let payload = serde_json::json!({
        "reason": reason,
        "team_entries_removed": erased.team_entries,
        "ideas_changed": erased.ideas,
        "event_payloads_rewritten": erased.events,
        "stored_answers_forgotten": erased.stored_answers,
    });
    events::Recorder::new("user", user_id, actor.id.as_uuid(), now)
        .record(
            &tx,
            ERASE_COMMAND,
            Some(account_state(&row, false)),
            rules::ERASED_STATE,
            payload,
        )
        .await?;
    tx.commit().await.map_err(|e| ApiError::internal(&e))?;
    let version = updated.version;
    Ok(Versioned::Ok(Json(User::from_row(updated)?), etag(version)))
}

async fn facts_of(db: &impl sea_orm::ConnectionTrait, row: &user_rows::Model) -> Result<ErasureFacts, ApiError> {
    let roles = users::roles_of(row)?;
    Ok(ErasureFacts {
        already_erased: repo::is_erased(db, row.id).await?,
        active_facilitator: row.active && roles.contains(Role::Facilitator),
        other_active_facilitators: repo::other_active_facilitators(db, row.id).await?,
    })
}
