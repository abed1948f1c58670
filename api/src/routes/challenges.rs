//! Step 1, need formulation: challenges, their commands and their history.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Object, OpenApi};
use sluss_domain::challenge::ChallengeCommand;
use sluss_domain::{Actor, ArenaId, UserId};
use uuid::Uuid;

use super::optional_body::OptionalJson;
use super::params::{IdempotencyKey, IfMatch};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, Expected, VersionOnly, Versioned, etag, maybe};
use crate::app::challenges as app;
use crate::auth::{Caller, MaybeCaller};
use crate::cached::challenges as cached_challenges;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::challenges::{ApiChallengeState, Challenge, ChallengePage};
use crate::views::events::Event;

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
    /// The registered organisation it is owned on behalf of (`GET /organisations`); by
    /// default the owner's.
    pub organisation_id: Option<Uuid>,
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
    /// The registered organisation it is owned on behalf of; `null` clears it.
    pub organisation_id: MaybeUndefined<Uuid>,
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

/// Body of `POST /challenges/{id}/transfer`.
#[derive(Debug, Object)]
pub struct TransferBody {
    /// The new owner: an active user with the needs_owner role (422 otherwise).
    pub owner_id: Uuid,
    /// The registered organisation it is owned on behalf of from now on; the old one is
    /// kept when absent.
    pub organisation_id: Option<Uuid>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// Challenges.
pub struct ChallengesApi {
    /// Shared state.
    pub state: AppState,
}

fn versioned(challenge: Challenge) -> ApiResult<Versioned<Challenge>> {
    let version = challenge.version;
    Ok(Versioned::Ok(Json(challenge), etag(version)))
}

impl ChallengesApi {
    async fn command(
        &self,
        id: Uuid,
        actor: &Actor,
        expected: Option<Expected>,
        command: ChallengeCommand,
    ) -> ApiResult<Versioned<Challenge>> {
        versioned(app::command(&self.state, actor, id, expected, command).await?)
    }
}

#[OpenApi(prefix_path = "/challenges", tag = "ApiTags::Challenges")]
impl ChallengesApi {
    /// List the challenges the caller may see, newest first.
    #[oai(
        path = "/",
        method = "get",
        operation_id = "list_challenges",
        transform = "cached_challenges"
    )]
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
        let filter = app::ChallengeQuery {
            state: state.0.map(Into::into),
            arena_id: arena_id.0,
            owner_id: owner_id.0,
            sdg: sdg.0,
            q: q.0,
        };
        let page = app::list(&self.state, caller.actor(), filter, limit.0, cursor.0.as_deref()).await?;
        Ok(Json(page))
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
        _idempotency_key: IdempotencyKey,
        body: Json<NewChallenge>,
    ) -> ApiResult<Created<Challenge>> {
        let body = body.0;
        let input = app::NewChallenge {
            title: body.title.into_inner(),
            summary: body.summary.into_inner(),
            description: body.description.into_inner(),
            location: body.location.map(Text::into_inner),
            sdgs: body.sdgs,
            organisation_id: body.organisation_id,
        };
        let challenge = app::create(&self.state, caller.actor(), input).await?;
        let version = challenge.version;
        Ok(Created::Created(Json(challenge), etag(version)))
    }

    /// Read a challenge.
    #[oai(
        path = "/:id",
        method = "get",
        operation_id = "get_challenge",
        transform = "cached_challenges"
    )]
    async fn get_challenge(&self, caller: MaybeCaller, id: Path<Uuid>) -> ApiResult<Versioned<Challenge>> {
        versioned(app::get(&self.state, caller.actor(), id.0).await?)
    }

    /// Edit a challenge: its owner in draft or changes_requested, a facilitator until it is archived or withdrawn.
    #[oai(path = "/:id", method = "patch", operation_id = "update_challenge")]
    async fn update_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<ChallengePatch>,
    ) -> ApiResult<Versioned<Challenge>> {
        let patch = body.0;
        let expected = if_match.expected(patch.expected_version)?;
        let input = app::ChallengePatch {
            title: patch.title.map(Text::into_inner),
            summary: patch.summary.map(Text::into_inner),
            description: patch.description.map(Text::into_inner),
            location: maybe(patch.location),
            sdgs: patch.sdgs,
            organisation_id: match patch.organisation_id {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(id) => Some(Some(id)),
            },
        };
        versioned(app::update(&self.state, caller.actor(), id.0, input, expected).await?)
    }

    /// Send a challenge for review (its owner).
    #[oai(path = "/:id/submit", method = "post", operation_id = "submit_challenge")]
    async fn submit_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
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
        if_match: IfMatch,
        body: Json<RequestChangesBody>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = if_match.expected(body.0.expected_version)?;
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
        if_match: IfMatch,
        body: OptionalJson<PublishBody>,
    ) -> ApiResult<Versioned<Challenge>> {
        let body = body.0.unwrap_or(PublishBody {
            arena_id: None,
            ideas_close_at: None,
            blind_assessment: false,
            expected_version: None,
        });
        let expected = if_match.expected(body.expected_version)?;
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
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ChallengeCommand::Close)
            .await
    }

    /// File a closed challenge away (facilitators).
    #[oai(path = "/:id/archive", method = "post", operation_id = "archive_challenge")]
    async fn archive_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, ChallengeCommand::Archive)
            .await
    }

    /// Take a challenge back (the owner or facilitators); a reason is required once published.
    #[oai(path = "/:id/withdraw", method = "post", operation_id = "withdraw_challenge")]
    async fn withdraw_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<WithdrawBody>,
    ) -> ApiResult<Versioned<Challenge>> {
        let (reason, body_version) = body
            .0
            .map_or((None, None), |b| (b.reason.map(Text::into_inner), b.expected_version));
        let expected = if_match.expected(body_version)?;
        self.command(id.0, caller.actor(), expected, ChallengeCommand::Withdraw { reason })
            .await
    }

    /// Hand the challenge to another needs-owner (facilitators; SPEC §14.2), optionally on
    /// behalf of another organisation. The state stays; the new owner is told, and the
    /// ideas on it are theirs to see from now on.
    #[oai(path = "/:id/transfer", method = "post", operation_id = "transfer_challenge")]
    async fn transfer_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<TransferBody>,
    ) -> ApiResult<Versioned<Challenge>> {
        let expected = if_match.expected(body.expected_version)?;
        let command = ChallengeCommand::Transfer {
            owner_id: UserId(body.owner_id),
            organisation_id: body.organisation_id,
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// The challenge's history, oldest first. Owners and facilitators see every event;
    /// others see the public lifecycle (publish, close, archive).
    #[oai(path = "/:id/history", method = "get", operation_id = "challenge_history")]
    async fn challenge_history(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Vec<Event>>> {
        Ok(Json(app::history(&self.state, caller.actor(), id.0).await?))
    }
}
