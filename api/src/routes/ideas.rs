//! Step 2, the matching arena: innovators' ideas on published challenges.

use chrono::NaiveDate;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use sluss_domain::Actor;
use sluss_domain::idea::IdeaCommand;
use uuid::Uuid;

use super::optional_body::OptionalJson;
use super::params::{IdempotencyKey, IfMatch};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, Expected, VersionOnly, Versioned, etag};
use crate::app::ideas as app;
use crate::app::invitations;
use crate::auth::Caller;
use crate::cached::ideas as cached_ideas;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::events::Event;
use crate::views::ideas::{ApiDecisionOutcome, ApiIdeaState, ApiTestOutcome, Idea, IdeaPage, TeamMember};
use crate::views::invitations::Invitation;

/// A co-applicant as sent by a client.
#[derive(Debug, Clone, Object)]
pub struct NewTeamMember {
    /// Name.
    pub name: Text,
    /// E-mail address.
    pub email: Text,
    /// The registered organisation the member comes from, if any (`GET /organisations`).
    pub organisation_id: Option<Uuid>,
}

/// The body of `POST /challenges/{id}/ideas`. Summary and description may stay empty
/// while drafting; submitting needs them.
#[derive(Debug, Object)]
pub struct NewIdea {
    /// Title.
    pub title: Text,
    /// Summary.
    #[oai(default)]
    pub summary: Text,
    /// Description.
    #[oai(default)]
    pub description: Text,
    /// Co-applicants (at most 20).
    #[oai(default)]
    pub team: Vec<NewTeamMember>,
    /// UN goals (1..17).
    #[oai(default)]
    pub sdgs: Vec<i64>,
}

/// The body of `PATCH /ideas/{id}`: only the fields given change.
#[derive(Debug, Object)]
pub struct IdeaPatch {
    /// Title.
    pub title: Option<Text>,
    /// Summary.
    pub summary: Option<Text>,
    /// Description.
    pub description: Option<Text>,
    /// The whole team, replacing the old one.
    pub team: Option<Vec<NewTeamMember>>,
    /// UN goals.
    pub sdgs: Option<Vec<i64>>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The optional body of `withdraw`.
#[derive(Debug, Object)]
pub struct IdeaWithdrawBody {
    /// Why, if the innovator wishes to say.
    pub reason: Option<Text>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The optional body of `start-assessment`.
#[derive(Debug, Object)]
pub struct StartAssessmentBody {
    /// The rubric to score with; the default rubric when absent.
    pub rubric_id: Option<Uuid>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `decide`.
#[derive(Debug, Object)]
pub struct DecideBody {
    /// Qualified or not.
    pub outcome: ApiDecisionOutcome,
    /// Why, for the innovator (required).
    pub feedback: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `start-incubation`.
#[derive(Debug, Object)]
pub struct StartIncubationBody {
    /// The incubator, science park or business support.
    pub support_organisation_id: Uuid,
    /// The plan.
    pub plan: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `start-testing`.
#[derive(Debug, Object)]
pub struct StartTestingBody {
    /// Where the test runs.
    pub site: Text,
    /// Who hosts it.
    pub host: Text,
    /// The registered organisation that hosts it (the property or site owner), if any.
    pub host_organisation_id: Option<Uuid>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (not before `starts_on`).
    pub ends_on: NaiveDate,
    /// What success looks like.
    pub success_criteria: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `complete`.
#[derive(Debug, Object)]
pub struct CompleteBody {
    /// How the test ended.
    pub outcome: ApiTestOutcome,
    /// What was measured.
    pub results: Text,
    /// What was learned.
    pub lessons_learned: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `discontinue`.
#[derive(Debug, Object)]
pub struct DiscontinueBody {
    /// Why.
    pub reason: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `put_on_hold`.
#[derive(Debug, Object)]
pub struct PutOnHoldBody {
    /// Why, for the innovator.
    pub reason: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// Ideas.
pub struct IdeasApi {
    /// Shared state.
    pub state: AppState,
}

impl IdeasApi {
    async fn command(
        &self,
        id: Uuid,
        actor: &Actor,
        expected: Option<Expected>,
        command: IdeaCommand,
    ) -> ApiResult<Versioned<Idea>> {
        versioned(app::command(&self.state, actor, id, expected, command).await?)
    }
}

fn versioned(idea: Idea) -> ApiResult<Versioned<Idea>> {
    let version = idea.version;
    Ok(Versioned::Ok(Json(idea), etag(version)))
}

fn team_of(team: Vec<NewTeamMember>) -> Vec<TeamMember> {
    team.into_iter()
        .map(|member| {
            TeamMember::new(
                member.name.into_inner(),
                member.email.into_inner(),
                member.organisation_id,
            )
        })
        .collect()
}

#[OpenApi(tag = "ApiTags::Ideas")]
impl IdeasApi {
    /// Draft an idea on a published challenge (innovators).
    #[oai(
        path = "/challenges/:id/ideas",
        method = "post",
        operation_id = "create_idea",
        transform = "idempotent"
    )]
    async fn create_idea(
        &self,
        caller: Caller,
        _idempotency_key: IdempotencyKey,
        id: Path<Uuid>,
        body: Json<NewIdea>,
    ) -> ApiResult<Created<Idea>> {
        let body = body.0;
        let input = app::NewIdea {
            title: body.title.into_inner(),
            summary: body.summary.into_inner(),
            description: body.description.into_inner(),
            team: team_of(body.team),
            sdgs: body.sdgs,
        };
        let idea = app::create(&self.state, caller.actor(), id.0, input).await?;
        let version = idea.version;
        Ok(Created::Created(Json(idea), etag(version)))
    }

    /// The ideas on a challenge that the caller may see, newest first.
    #[oai(
        path = "/challenges/:id/ideas",
        method = "get",
        operation_id = "list_challenge_ideas"
    )]
    async fn list_challenge_ideas(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// Only in this state.
        state: Query<Option<ApiIdeaState>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<IdeaPage>> {
        let page = app::list_for_challenge(
            &self.state,
            caller.actor(),
            id.0,
            state.0.map(Into::into),
            limit.0,
            cursor.0.as_deref(),
        )
        .await?;
        Ok(Json(page))
    }

    /// The ideas the caller may see, newest first: facilitators every idea, drafts
    /// included; an innovator their own; a needs-owner the submitted ideas on their
    /// challenges; an assessor the ideas assigned to them.
    #[oai(
        path = "/ideas",
        method = "get",
        operation_id = "list_ideas",
        transform = "cached_ideas"
    )]
    #[allow(clippy::too_many_arguments)] // one per query parameter, as poem-openapi wants
    async fn list_ideas(
        &self,
        caller: Caller,
        /// Only in this state.
        state: Query<Option<ApiIdeaState>>,
        /// Only on this challenge.
        challenge_id: Query<Option<Uuid>>,
        /// Only on challenges in this arena.
        arena_id: Query<Option<Uuid>>,
        /// Only with every word of this text (up to 200 characters, as word prefixes from
        /// three letters) in title, summary or description.
        q: Query<Option<String>>,
        /// Only the caller's own ideas.
        mine: Query<Option<bool>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<IdeaPage>> {
        let query = app::IdeaQuery {
            state: state.0.map(Into::into),
            challenge_id: challenge_id.0,
            mine: mine.0.unwrap_or(false),
            arena_id: arena_id.0,
            q: q.0,
        };
        Ok(Json(
            app::list(&self.state, caller.actor(), query, limit.0, cursor.0.as_deref()).await?,
        ))
    }

    /// Read an idea.
    #[oai(
        path = "/ideas/:id",
        method = "get",
        operation_id = "get_idea",
        transform = "cached_ideas"
    )]
    async fn get_idea(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Versioned<Idea>> {
        versioned(app::get(&self.state, caller.actor(), id.0).await?)
    }

    /// Edit an idea while it is a draft (its innovator).
    #[oai(path = "/ideas/:id", method = "patch", operation_id = "update_idea")]
    async fn update_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<IdeaPatch>,
    ) -> ApiResult<Versioned<Idea>> {
        let patch = body.0;
        let expected = if_match.expected(patch.expected_version)?;
        let input = app::IdeaPatch {
            title: patch.title.map(Text::into_inner),
            summary: patch.summary.map(Text::into_inner),
            description: patch.description.map(Text::into_inner),
            team: patch.team.map(team_of),
            sdgs: patch.sdgs,
        };
        versioned(app::update(&self.state, caller.actor(), id.0, input, expected).await?)
    }

    /// Send the idea to its challenge while the challenge takes ideas (its innovator).
    #[oai(path = "/ideas/:id/submit", method = "post", operation_id = "submit_idea")]
    async fn submit_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<Idea>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, IdeaCommand::Submit).await
    }

    /// Take the idea back from any non-terminal state (its innovator).
    #[oai(path = "/ideas/:id/withdraw", method = "post", operation_id = "withdraw_idea")]
    async fn withdraw_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<IdeaWithdrawBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let (reason, body_version) = body
            .0
            .map_or((None, None), |b| (b.reason.map(Text::into_inner), b.expected_version));
        let expected = if_match.expected(body_version)?;
        self.command(id.0, caller.actor(), expected, IdeaCommand::Withdraw { reason })
            .await
    }

    /// Start assessing a submitted idea, with a rubric or the default one (facilitators).
    #[oai(
        path = "/ideas/:id/start-assessment",
        method = "post",
        operation_id = "start_assessment_idea"
    )]
    async fn start_assessment_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<StartAssessmentBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let (rubric_id, body_version) = body.0.map_or((None, None), |b| (b.rubric_id, b.expected_version));
        let expected = if_match.expected(body_version)?;
        versioned(app::start_assessment(&self.state, caller.actor(), id.0, expected, rubric_id).await?)
    }

    /// Decide after assessment, with feedback for the innovator, once the rubric's
    /// `min_scorecards` are in (facilitators).
    #[oai(path = "/ideas/:id/decide", method = "post", operation_id = "decide_idea")]
    async fn decide_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<DecideBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let command = IdeaCommand::Decide {
            outcome: body.outcome.into(),
            feedback: body.feedback.into_inner(),
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// Start incubation of a qualified idea with a support organisation and a plan (facilitators).
    #[oai(
        path = "/ideas/:id/start-incubation",
        method = "post",
        operation_id = "start_incubation_idea"
    )]
    async fn start_incubation_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<StartIncubationBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let command = IdeaCommand::StartIncubation {
            support_organisation_id: body.support_organisation_id,
            plan: body.plan.into_inner(),
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// Start a test at a site, from qualified or in incubation (facilitators).
    #[oai(
        path = "/ideas/:id/start-testing",
        method = "post",
        operation_id = "start_testing_idea"
    )]
    async fn start_testing_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<StartTestingBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let command = IdeaCommand::StartTesting {
            site: body.site.into_inner(),
            host: body.host.into_inner(),
            host_organisation_id: body.host_organisation_id,
            starts_on: body.starts_on,
            ends_on: body.ends_on,
            success_criteria: body.success_criteria.into_inner(),
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// Record how the test ended (facilitators).
    #[oai(path = "/ideas/:id/complete", method = "post", operation_id = "complete_idea")]
    async fn complete_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<CompleteBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let command = IdeaCommand::Complete {
            outcome: body.outcome.into(),
            results: body.results.into_inner(),
            lessons_learned: body.lessons_learned.into_inner(),
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// Stop a qualified, incubated or tested idea, with a reason (facilitators).
    #[oai(path = "/ideas/:id/discontinue", method = "post", operation_id = "discontinue_idea")]
    async fn discontinue_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<DiscontinueBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let command = IdeaCommand::Discontinue {
            reason: body.reason.into_inner(),
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// Pause an idea in assessment, qualified, in incubation or in testing, with a reason
    /// for its innovator (facilitators; SPEC §17). While on hold only `resume`,
    /// `discontinue` and the innovator's `withdraw` run.
    #[oai(path = "/ideas/:id/put-on-hold", method = "post", operation_id = "put_idea_on_hold")]
    async fn put_idea_on_hold(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<PutOnHoldBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = if_match.expected(body.expected_version)?;
        let command = IdeaCommand::PutOnHold {
            reason: body.reason.into_inner(),
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// Resume an idea on hold to the state it was held from (facilitators).
    #[oai(path = "/ideas/:id/resume", method = "post", operation_id = "resume_idea")]
    async fn resume_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<Idea>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, IdeaCommand::Resume).await
    }

    /// The idea's history, oldest first, filtered by what the caller may see: the needs-owner
    /// sees it from submission on; innovators and needs-owners never see assessment events;
    /// an assessor sees the panel's events once their own scorecard is in; with blind
    /// assessment, assessors do not see who the innovator is.
    #[oai(path = "/ideas/:id/history", method = "get", operation_id = "idea_history")]
    async fn idea_history(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Vec<Event>>> {
        Ok(Json(app::history(&self.state, caller.actor(), id.0).await?))
    }

    /// The team invitations sent to the caller's address and not yet answered, newest
    /// first (SPEC §14.2).
    #[oai(path = "/invitations", method = "get", operation_id = "list_invitations")]
    async fn list_invitations(&self, caller: Caller) -> ApiResult<Json<Vec<Invitation>>> {
        Ok(Json(invitations::open_for(&self.state, caller.actor()).await?))
    }

    /// A team invitation, for the account with the invited address (403 for any other).
    #[oai(path = "/invitations/:id", method = "get", operation_id = "get_invitation")]
    async fn get_invitation(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Invitation>> {
        Ok(Json(invitations::get(&self.state, caller.actor(), id.0).await?))
    }

    /// Accept a team invitation: the caller then sees the idea as its innovator does, may
    /// edit it while it is a draft and keeps its milestones; only the innovator submits and
    /// withdraws. Signed in as the account with the invited address (case-insensitive);
    /// any other account: 403; an answered invitation: 409.
    #[oai(
        path = "/invitations/:id/accept",
        method = "post",
        operation_id = "accept_invitation"
    )]
    async fn accept_invitation(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Invitation>> {
        Ok(Json(
            invitations::answer(&self.state, caller.actor(), id.0, true).await?,
        ))
    }

    /// Decline a team invitation (as for accepting).
    #[oai(
        path = "/invitations/:id/decline",
        method = "post",
        operation_id = "decline_invitation"
    )]
    async fn decline_invitation(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Invitation>> {
        Ok(Json(
            invitations::answer(&self.state, caller.actor(), id.0, false).await?,
        ))
    }
}
