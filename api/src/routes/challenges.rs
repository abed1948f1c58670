//! Step 1, need formulation: challenges, their commands and their history.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Enum, Object, OpenApi};
use sea_orm::Set;
use sluss_domain::challenge::{self as rules, ChallengeCommand, ChallengeEvent, ChallengeFacts, ChallengeState};
use sluss_domain::validate::{Checks, DESCRIPTION_MAX, LOCATION_MAX, SUMMARY_MAX, TITLE_MAX};
use sluss_domain::{Actor, ArenaId, Refusal};
use uuid::Uuid;

use super::text::Text;
use super::{
    ApiResult, ApiTags, Created, Expected, VersionOnly, Versioned, check_version, etag, expected_version, page_request,
};
use crate::auth::{Caller, MaybeCaller};
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::persistence::challenges::{self as repo, ChallengeFilter};
use crate::persistence::entities::challenges as rows;
use crate::persistence::{arenas, events};
use crate::read_cache::cached;
use crate::state::AppState;

const QUERY_MAX: usize = 200;

/// Where a challenge is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiChallengeState {
    /// Being written.
    Draft,
    /// Waiting for review.
    Submitted,
    /// Sent back with feedback.
    ChangesRequested,
    /// Public, taking ideas.
    Published,
    /// Public, no more ideas.
    Closed,
    /// Filed away.
    Archived,
    /// Taken back.
    Withdrawn,
}

impl From<ChallengeState> for ApiChallengeState {
    fn from(state: ChallengeState) -> Self {
        match state {
            ChallengeState::Draft => Self::Draft,
            ChallengeState::Submitted => Self::Submitted,
            ChallengeState::ChangesRequested => Self::ChangesRequested,
            ChallengeState::Published => Self::Published,
            ChallengeState::Closed => Self::Closed,
            ChallengeState::Archived => Self::Archived,
            ChallengeState::Withdrawn => Self::Withdrawn,
        }
    }
}

impl From<ApiChallengeState> for ChallengeState {
    fn from(state: ApiChallengeState) -> Self {
        match state {
            ApiChallengeState::Draft => Self::Draft,
            ApiChallengeState::Submitted => Self::Submitted,
            ApiChallengeState::ChangesRequested => Self::ChangesRequested,
            ApiChallengeState::Published => Self::Published,
            ApiChallengeState::Closed => Self::Closed,
            ApiChallengeState::Archived => Self::Archived,
            ApiChallengeState::Withdrawn => Self::Withdrawn,
        }
    }
}

/// A need, written up so that innovators can act on it.
#[derive(Debug, Clone, Object)]
pub struct Challenge {
    /// Identifier.
    pub id: Uuid,
    /// The needs-owner.
    pub owner_id: Uuid,
    /// Title.
    pub title: String,
    /// One-paragraph summary.
    pub summary: String,
    /// The full description.
    pub description: String,
    /// Where the need is.
    pub location: Option<String>,
    /// UN Sustainable Development Goals (1..17).
    pub sdgs: Vec<u8>,
    /// The arena it is published in.
    pub arena_id: Option<Uuid>,
    /// When idea submission closes.
    pub ideas_close_at: Option<DateTime<Utc>>,
    /// Whether assessors are kept from seeing who is behind an idea.
    pub blind_assessment: bool,
    /// The facilitator's latest feedback (shown to the owner and facilitators only).
    pub feedback: Option<String>,
    /// Lifecycle state.
    pub state: ApiChallengeState,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

super::list_page!(ChallengePage, Challenge);

impl Challenge {
    fn from_row(row: rows::Model, viewer: Option<&Actor>) -> Result<Self, ApiError> {
        let domain = repo::to_domain(&row)?;
        let insider = rules::is_insider(&domain, viewer);
        Ok(Self {
            id: row.id,
            owner_id: row.owner_id,
            title: row.title,
            summary: row.summary,
            description: row.description,
            location: row.location,
            sdgs: repo::sdgs_from_stored(&row.sdgs)?,
            arena_id: row.arena_id,
            ideas_close_at: row.ideas_close_at,
            blind_assessment: row.blind_assessment,
            feedback: if insider { row.feedback } else { None },
            state: domain.state.into(),
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn versioned(row: rows::Model, viewer: Option<&Actor>) -> ApiResult<Versioned<Challenge>> {
    let version = row.version;
    Ok(Versioned::Ok(Json(Challenge::from_row(row, viewer)?), etag(version)))
}

/// The body of `POST /challenges`. Summary and description may stay empty while drafting;
/// submitting needs them.
#[derive(Debug, Object)]
pub struct NewChallenge {
    /// Title.
    pub title: Text,
    /// One-paragraph summary.
    #[oai(default)]
    pub summary: Text,
    /// The full description.
    #[oai(default)]
    pub description: Text,
    /// Where the need is.
    pub location: Option<Text>,
    /// UN Sustainable Development Goals (1..17).
    #[oai(default)]
    pub sdgs: Vec<i64>,
}

/// The body of `PATCH /challenges/{id}`: only the fields given change.
#[derive(Debug, Object)]
pub struct ChallengePatch {
    /// Title.
    pub title: Option<Text>,
    /// Summary.
    pub summary: Option<Text>,
    /// Description.
    pub description: Option<Text>,
    /// Location; `null` clears it.
    pub location: MaybeUndefined<Text>,
    /// UN goals.
    pub sdgs: Option<Vec<i64>>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `request-changes`.
#[derive(Debug, Object)]
pub struct RequestChangesBody {
    /// What the owner should change.
    pub feedback: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The optional body of `publish`.
#[derive(Debug, Object)]
pub struct PublishBody {
    /// The arena to show it in (not closed).
    pub arena_id: Option<Uuid>,
    /// When idea submission closes (in the future).
    pub ideas_close_at: Option<DateTime<Utc>>,
    /// Keep assessors from seeing who is behind an idea.
    #[oai(default)]
    pub blind_assessment: bool,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The optional body of `withdraw`.
#[derive(Debug, Object)]
pub struct WithdrawBody {
    /// Why; required once published.
    pub reason: Option<Text>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// One entry of a history: an accepted command.
#[derive(Debug, Clone, Object)]
pub struct Event {
    /// Position in the log.
    pub seq: i64,
    /// The command, snake_case.
    pub command: String,
    /// The state before (absent for a creation).
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// Who acted (absent where blind assessment hides the innovator).
    pub actor_id: Option<Uuid>,
    /// When.
    pub at: DateTime<Utc>,
    /// The command's data.
    pub payload: serde_json::Value,
}

/// Converts a stored event row.
pub fn event_from_row(row: crate::persistence::entities::events::Model) -> Event {
    let payload = serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
    Event {
        seq: row.seq,
        command: row.command,
        from_state: row.from_state,
        to_state: row.to_state,
        actor_id: Some(row.actor_id),
        at: row.at,
        payload,
    }
}

/// The events of a public challenge that anyone who sees it may read.
fn is_public_event(command: &str) -> bool {
    matches!(command, "publish" | "close" | "archive")
}

/// The data of an event, without its type tag.
fn payload_of(event: &ChallengeEvent) -> serde_json::Value {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("type");
    }
    value
}

fn check_content(
    checks: &mut Checks,
    title: Option<&str>,
    summary: Option<&str>,
    description: Option<&str>,
) -> (Option<String>, Option<String>, Option<String>) {
    (
        title.map(|t| checks.required_text("title", t, TITLE_MAX)),
        summary.map(|s| checks.draft_text("summary", s, SUMMARY_MAX)),
        description.map(|d| checks.draft_text("description", d, DESCRIPTION_MAX)),
    )
}

/// Challenges.
pub struct ChallengesApi {
    /// Shared state.
    pub state: AppState,
}

impl ChallengesApi {
    async fn command(
        &self,
        id: Uuid,
        actor: &Actor,
        expected: Option<Expected>,
        command: ChallengeCommand,
    ) -> ApiResult<Versioned<Challenge>> {
        let now = Utc::now();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::find_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
        let challenge = repo::to_domain(&row)?;
        let arena = match &command {
            ChallengeCommand::Publish {
                arena_id: Some(arena_id),
                ..
            } => match arenas::find(&tx, arena_id.as_uuid()).await? {
                Some(arena) => Some(arenas::state_of(&arena)?),
                None => None,
            },
            _ => None,
        };
        let produced = rules::decide(&challenge, &command, Some(actor), &ChallengeFacts { now, arena })?;
        check_version(expected, row.version)?;

        let mut changes = rows::ActiveModel {
            updated_at: Set(now),
            ..Default::default()
        };
        let mut state = challenge.state;
        for event in &produced {
            match event {
                ChallengeEvent::ChangesRequested { feedback } => changes.feedback = Set(Some(feedback.clone())),
                ChallengeEvent::Published {
                    arena_id,
                    ideas_close_at,
                    blind_assessment,
                } => {
                    changes.arena_id = Set(arena_id.map(|a| a.as_uuid()));
                    changes.ideas_close_at = Set(*ideas_close_at);
                    changes.blind_assessment = Set(*blind_assessment);
                }
                ChallengeEvent::Submitted
                | ChallengeEvent::Closed
                | ChallengeEvent::Archived
                | ChallengeEvent::Withdrawn { .. } => {}
            }
            state = rules::evolve(state, event);
        }
        changes.state = Set(state.as_str().to_owned());
        let updated = repo::update(&tx, id, row.version, changes).await?;
        let mut from = challenge.state;
        for event in &produced {
            let to = rules::evolve(from, event);
            events::Recorder::new("challenge", id, actor.id.as_uuid(), now)
                .record(
                    &tx,
                    event.command(),
                    Some(from.as_str()),
                    to.as_str(),
                    payload_of(event),
                )
                .await?;
            from = to;
        }
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        versioned(updated, Some(actor))
    }

    async fn load_visible(&self, id: Uuid, viewer: Option<&Actor>) -> Result<rows::Model, ApiError> {
        let row = repo::find(&self.state.db, id).await?.ok_or_else(ApiError::not_found)?;
        if !rules::can_view(&repo::to_domain(&row)?, viewer) {
            return Err(ApiError::not_found());
        }
        Ok(row)
    }
}

#[OpenApi(prefix_path = "/challenges", tag = "ApiTags::Challenges")]
impl ChallengesApi {
    /// List the challenges the caller may see, newest first.
    #[oai(path = "/", method = "get", operation_id = "list_challenges", transform = "cached")]
    #[allow(clippy::too_many_arguments)]
    async fn list_challenges(
        &self,
        caller: MaybeCaller,
        /// Only in this state.
        state: Query<Option<ApiChallengeState>>,
        /// Only in this arena.
        arena_id: Query<Option<Uuid>>,
        /// Only of this needs-owner.
        owner_id: Query<Option<Uuid>>,
        /// Only tagged with this UN goal (1..17).
        sdg: Query<Option<i64>>,
        /// Only with every word of this text (as word prefixes) in title, summary or description.
        q: Query<Option<String>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ChallengePage>> {
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let mut checks = Checks::new();
        let sdg = sdg.0.and_then(|goal| checks.sdgs("sdg", &[goal]).first().copied());
        let words = checks
            .optional_text("q", q.0.as_deref(), QUERY_MAX)
            .map(|text| repo::search_words(&text));
        if words.as_ref().is_some_and(Vec::is_empty) {
            checks.fail("q", "must contain a word");
        }
        checks.finish().map_err(Refusal::Invalid)?;
        let filter = ChallengeFilter {
            state: state.0.map(Into::into),
            arena_id: arena_id.0,
            owner_id: owner_id.0,
            sdg,
            words,
        };
        let viewer = caller.actor();
        let page = repo::list(&self.state.db, viewer, &filter, after, limit).await?;
        Ok(Json(
            super::to_list_page(page, |row| Challenge::from_row(row, viewer))?.into(),
        ))
    }

    /// Write a new challenge, in draft (needs-owners and facilitators).
    #[oai(
        path = "/",
        method = "post",
        operation_id = "create_challenge",
        transform = "idempotent"
    )]
    async fn create_challenge(
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
        body: Json<NewChallenge>,
    ) -> ApiResult<Created<Challenge>> {
        let actor = caller.actor();
        rules::authorize_create(actor)?;
        let body = body.0;
        let mut checks = Checks::new();
        let (title, summary, description) = check_content(
            &mut checks,
            Some(&body.title),
            Some(&body.summary),
            Some(&body.description),
        );
        let location = checks.optional_text("location", body.location.as_deref(), LOCATION_MAX);
        let sdgs = checks.sdgs("sdgs", &body.sdgs);
        checks.finish().map_err(Refusal::Invalid)?;
        let now = Utc::now();
        let id = Uuid::now_v7();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::insert(
            &tx,
            rows::ActiveModel {
                id: Set(id),
                owner_id: Set(actor.id.as_uuid()),
                title: Set(title.unwrap_or_default()),
                summary: Set(summary.unwrap_or_default()),
                description: Set(description.unwrap_or_default()),
                location: Set(location),
                sdgs: Set(repo::sdgs_to_stored(&sdgs)),
                arena_id: Set(None),
                ideas_close_at: Set(None),
                blind_assessment: Set(false),
                feedback: Set(None),
                state: Set(ChallengeState::Draft.as_str().to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            },
        )
        .await?;
        events::Recorder::new("challenge", id, actor.id.as_uuid(), now)
            .record(
                &tx,
                "create",
                None,
                ChallengeState::Draft.as_str(),
                serde_json::json!({ "arena_id": null }),
            )
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = row.version;
        Ok(Created::Created(
            Json(Challenge::from_row(row, Some(actor))?),
            etag(version),
        ))
    }

    /// Read a challenge.
    #[oai(path = "/:id", method = "get", operation_id = "get_challenge", transform = "cached")]
    async fn get_challenge(&self, caller: MaybeCaller, id: Path<Uuid>) -> ApiResult<Versioned<Challenge>> {
        let row = self.load_visible(id.0, caller.actor()).await?;
        versioned(row, caller.actor())
    }

    /// Edit a challenge: its owner in draft or changes_requested, a facilitator until it is archived or withdrawn.
    #[oai(path = "/:id", method = "patch", operation_id = "update_challenge")]
    async fn update_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<ChallengePatch>,
    ) -> ApiResult<Versioned<Challenge>> {
        let actor = caller.actor();
        let patch = body.0;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::find_for_update(&tx, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let challenge = repo::to_domain(&row)?;
        if let Err(refusal @ (Refusal::NotVisible | Refusal::NotPermitted(_))) =
            rules::authorize_edit(&challenge, Some(actor))
        {
            return Err(refusal.into());
        }
        let mut checks = Checks::new();
        let (title, summary, description) = check_content(
            &mut checks,
            patch.title.as_deref(),
            patch.summary.as_deref(),
            patch.description.as_deref(),
        );
        let mut changes = rows::ActiveModel::default();
        let mut changed = Vec::new();
        if let Some(title) = title {
            changes.title = Set(title);
            changed.push("title");
        }
        if let Some(summary) = summary {
            changes.summary = Set(summary);
            changed.push("summary");
        }
        if let Some(description) = description {
            changes.description = Set(description);
            changed.push("description");
        }
        if !patch.location.is_undefined() {
            changes.location =
                Set(checks.optional_text("location", patch.location.as_opt_deref().flatten(), LOCATION_MAX));
            changed.push("location");
        }
        if let Some(sdgs) = &patch.sdgs {
            changes.sdgs = Set(repo::sdgs_to_stored(&checks.sdgs("sdgs", sdgs)));
            changed.push("sdgs");
        }
        checks.finish().map_err(Refusal::Invalid)?;
        rules::authorize_edit(&challenge, Some(actor))?;
        check_version(
            expected_version(if_match.0.as_deref(), patch.expected_version)?,
            row.version,
        )?;
        let now = Utc::now();
        changes.updated_at = Set(now);
        let updated = repo::update(&tx, id.0, row.version, changes).await?;
        events::Recorder::new("challenge", id.0, actor.id.as_uuid(), now)
            .record(
                &tx,
                "edit",
                Some(challenge.state.as_str()),
                challenge.state.as_str(),
                serde_json::json!({ "fields": changed }),
            )
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        versioned(updated, Some(actor))
    }

    /// Send a challenge for review (its owner).
    #[oai(path = "/:id/submit", method = "post", operation_id = "submit_challenge")]
    async fn submit_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<VersionOnly>>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = expected_version(if_match.0.as_deref(), body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ChallengeCommand::Submit)
            .await
    }

    /// Send a submitted challenge back with feedback (facilitators).
    #[oai(
        path = "/:id/request-changes",
        method = "post",
        operation_id = "request_changes_challenge"
    )]
    async fn request_changes_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<RequestChangesBody>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = expected_version(if_match.0.as_deref(), body.0.expected_version)?;
        let command = ChallengeCommand::RequestChanges {
            feedback: body.0.feedback.into_inner(),
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// Publish a submitted challenge, optionally into an arena (facilitators).
    #[oai(path = "/:id/publish", method = "post", operation_id = "publish_challenge")]
    async fn publish_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<PublishBody>>,
    ) -> ApiResult<Versioned<Challenge>> {
        let body = body.0.unwrap_or(PublishBody {
            arena_id: None,
            ideas_close_at: None,
            blind_assessment: false,
            expected_version: None,
        });
        let expected = expected_version(if_match.0.as_deref(), body.expected_version)?;
        let command = ChallengeCommand::Publish {
            arena_id: body.arena_id.map(ArenaId),
            ideas_close_at: body.ideas_close_at,
            blind_assessment: body.blind_assessment,
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// Stop taking ideas (facilitators or the owner).
    #[oai(path = "/:id/close", method = "post", operation_id = "close_challenge")]
    async fn close_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<VersionOnly>>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = expected_version(if_match.0.as_deref(), body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ChallengeCommand::Close)
            .await
    }

    /// File a closed challenge away (facilitators).
    #[oai(path = "/:id/archive", method = "post", operation_id = "archive_challenge")]
    async fn archive_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<VersionOnly>>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = expected_version(if_match.0.as_deref(), body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ChallengeCommand::Archive)
            .await
    }

    /// Take a challenge back (the owner or facilitators); a reason is required once published.
    #[oai(path = "/:id/withdraw", method = "post", operation_id = "withdraw_challenge")]
    async fn withdraw_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<WithdrawBody>>,
    ) -> ApiResult<Versioned<Challenge>> {
        let (reason, body_version) = body
            .0
            .map_or((None, None), |b| (b.reason.map(Text::into_inner), b.expected_version));
        let expected = expected_version(if_match.0.as_deref(), body_version)?;
        self.command(id.0, caller.actor(), expected, ChallengeCommand::Withdraw { reason })
            .await
    }

    /// The challenge's history, oldest first. Owners and facilitators see every event;
    /// others see the public lifecycle (publish, close, archive).
    #[oai(path = "/:id/history", method = "get", operation_id = "challenge_history")]
    async fn challenge_history(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Vec<Event>>> {
        let actor = caller.actor();
        let row = self.load_visible(id.0, Some(actor)).await?;
        let insider = rules::is_insider(&repo::to_domain(&row)?, Some(actor));
        let history = events::for_subject(&self.state.db, id.0)
            .await?
            .into_iter()
            .filter(|event| insider || is_public_event(&event.command))
            .map(event_from_row)
            .collect();
        Ok(Json(history))
    }
}
