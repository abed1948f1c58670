//! Step 2, the matching arena: innovators' ideas on published challenges.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use sea_orm::Set;
use sluss_domain::assessment::{self as assessment_rules, AssignmentState, ScoreAccess};
use sluss_domain::challenge::{self as challenge_rules};
use sluss_domain::idea::{self as rules, DecisionOutcome, IdeaCommand, IdeaEvent, IdeaFacts, IdeaState, TestOutcome};
use sluss_domain::validate::{Checks, DESCRIPTION_MAX, SUMMARY_MAX, TITLE_MAX};
use sluss_domain::{Actor, Refusal, Role, UserId};
use uuid::Uuid;

use super::challenges::{Event, event_from_row};
use super::text::Text;
use super::{
    ApiResult, ApiTags, Created, Expected, VersionOnly, Versioned, check_version, etag, expected_version, page_request,
};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::persistence::entities::{assignments, ideas as rows};
use crate::persistence::ideas::{self as repo, IdeaFilter};
use crate::persistence::{assessment, steps};
use crate::persistence::{challenges, events, stored};
use crate::read_cache::cached;
use crate::state::AppState;

const TEAM_MAX: usize = 20;

/// Where an idea is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiIdeaState {
    /// Being written.
    Draft,
    /// Sent to the challenge.
    Submitted,
    /// Being scored.
    InAssessment,
    /// Chosen for the next step.
    Qualified,
    /// Not chosen.
    NotQualified,
    /// In incubation.
    InIncubation,
    /// Being tested.
    InTesting,
    /// Test done.
    Completed,
    /// Stopped by the team.
    Discontinued,
    /// Taken back.
    Withdrawn,
}

impl From<IdeaState> for ApiIdeaState {
    fn from(state: IdeaState) -> Self {
        match state {
            IdeaState::Draft => Self::Draft,
            IdeaState::Submitted => Self::Submitted,
            IdeaState::InAssessment => Self::InAssessment,
            IdeaState::Qualified => Self::Qualified,
            IdeaState::NotQualified => Self::NotQualified,
            IdeaState::InIncubation => Self::InIncubation,
            IdeaState::InTesting => Self::InTesting,
            IdeaState::Completed => Self::Completed,
            IdeaState::Discontinued => Self::Discontinued,
            IdeaState::Withdrawn => Self::Withdrawn,
        }
    }
}

impl From<ApiIdeaState> for IdeaState {
    fn from(state: ApiIdeaState) -> Self {
        match state {
            ApiIdeaState::Draft => Self::Draft,
            ApiIdeaState::Submitted => Self::Submitted,
            ApiIdeaState::InAssessment => Self::InAssessment,
            ApiIdeaState::Qualified => Self::Qualified,
            ApiIdeaState::NotQualified => Self::NotQualified,
            ApiIdeaState::InIncubation => Self::InIncubation,
            ApiIdeaState::InTesting => Self::InTesting,
            ApiIdeaState::Completed => Self::Completed,
            ApiIdeaState::Discontinued => Self::Discontinued,
            ApiIdeaState::Withdrawn => Self::Withdrawn,
        }
    }
}

/// The outcome of assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiDecisionOutcome {
    /// Goes on.
    Qualified,
    /// Stops here.
    NotQualified,
}

impl From<DecisionOutcome> for ApiDecisionOutcome {
    fn from(outcome: DecisionOutcome) -> Self {
        match outcome {
            DecisionOutcome::Qualified => Self::Qualified,
            DecisionOutcome::NotQualified => Self::NotQualified,
        }
    }
}

impl From<ApiDecisionOutcome> for DecisionOutcome {
    fn from(outcome: ApiDecisionOutcome) -> Self {
        match outcome {
            ApiDecisionOutcome::Qualified => Self::Qualified,
            ApiDecisionOutcome::NotQualified => Self::NotQualified,
        }
    }
}

/// A co-applicant.
#[derive(Debug, Clone, PartialEq, Eq, Object, serde::Serialize, serde::Deserialize)]
pub struct TeamMember {
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
}

/// A co-applicant as sent by a client.
#[derive(Debug, Clone, Object)]
pub struct NewTeamMember {
    /// Name.
    pub name: Text,
    /// E-mail address.
    pub email: Text,
}

/// The team's decision and why.
#[derive(Debug, Clone, Object)]
pub struct Decision {
    /// Qualified or not.
    pub outcome: ApiDecisionOutcome,
    /// Why, for the innovator.
    pub feedback: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// An innovator's answer to a challenge.
#[derive(Debug, Clone, Object)]
pub struct Idea {
    /// Identifier.
    pub id: Uuid,
    /// The challenge it answers.
    pub challenge_id: Uuid,
    /// Its innovator (absent for assessors when the challenge's assessment is blind).
    pub innovator_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Co-applicants (empty for assessors when the challenge's assessment is blind).
    pub team: Vec<TeamMember>,
    /// Whether the challenge's assessment is blind.
    pub blind_assessment: bool,
    /// UN Sustainable Development Goals (1..17).
    pub sdgs: Vec<u8>,
    /// Lifecycle state.
    pub state: ApiIdeaState,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The decision, once assessed.
    pub decision: Option<Decision>,
    /// When it was first submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

super::list_page!(IdeaPage, Idea);

impl Idea {
    /// The API form of a stored idea; `hide_identity` drops who is behind it.
    pub fn from_row(row: rows::Model, hide_identity: bool) -> Result<Self, ApiError> {
        let state = repo::state_of(&row)?;
        let team: Vec<TeamMember> = stored(serde_json::from_str(&row.team).ok(), "ideas.team", &row.team)?;
        let decision = match (row.decision_outcome.as_deref(), row.decision_feedback, row.decided_at) {
            (Some(outcome), Some(feedback), Some(decided_at)) => Some(Decision {
                outcome: stored(DecisionOutcome::parse(outcome), "ideas.decision_outcome", outcome)?.into(),
                feedback,
                decided_at,
            }),
            _ => None,
        };
        Ok(Self {
            id: row.id,
            challenge_id: row.challenge_id,
            innovator_id: (!hide_identity).then_some(row.innovator_id),
            title: row.title,
            summary: row.summary,
            description: row.description,
            team: if hide_identity { Vec::new() } else { team },
            blind_assessment: row.blind_assessment,
            sdgs: challenges::sdgs_from_stored(&row.sdgs)?,
            state: state.into(),
            version: row.version,
            decision,
            submitted_at: row.submitted_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn versioned(row: rows::Model, view: &Viewer) -> ApiResult<Versioned<Idea>> {
    let version = row.version;
    let hide = !view.sees_identity(&row);
    Ok(Versioned::Ok(Json(Idea::from_row(row, hide)?), etag(version)))
}

/// How one actor relates to one idea.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The actor.
    pub actor: Actor,
    /// Their assignment on the idea, if they assess it.
    pub assignment: Option<assignments::Model>,
}

impl Viewer {
    /// Whether the actor is assigned to assess the idea.
    pub fn assigned(&self) -> bool {
        self.assignment.is_some()
    }

    /// The state of their assignment.
    pub fn assignment_state(&self) -> Result<Option<AssignmentState>, ApiError> {
        Ok(self.assignment.as_ref().map(assessment::assignment_state).transpose()?)
    }

    /// Whether they see who is behind the idea.
    pub fn sees_identity(&self, row: &rows::Model) -> bool {
        assessment_rules::sees_identity(
            &self.actor,
            UserId(row.innovator_id),
            row.blind_assessment,
            self.assigned(),
        )
    }
}

/// Reads how `actor` relates to the idea `row`.
pub async fn viewer_of(
    db: &impl sea_orm::ConnectionTrait,
    row: &rows::Model,
    actor: &Actor,
) -> Result<Viewer, ApiError> {
    let assignment = if actor.has(Role::Assessor) {
        assessment::assignment_for(db, row.id, actor.id.as_uuid()).await?
    } else {
        None
    };
    Ok(Viewer {
        actor: actor.clone(),
        assignment,
    })
}

/// Loads an idea `actor` may see (404 otherwise), with how they relate to it.
pub async fn load_visible_idea(
    db: &impl sea_orm::ConnectionTrait,
    id: Uuid,
    actor: &Actor,
) -> Result<(rows::Model, Viewer), ApiError> {
    let row = repo::find(db, id).await?.ok_or_else(ApiError::not_found)?;
    let viewer = viewer_of(db, &row, actor).await?;
    if !rules::can_view(&repo::to_domain(&row)?, Some(actor), viewer.assigned()) {
        return Err(ApiError::not_found());
    }
    Ok((row, viewer))
}

/// The commands of assessment: seen by the facilitators and the panel, never by the
/// innovator or the needs-owner.
pub const ASSESSMENT_COMMANDS: [&str; 4] = ["assign", "unassign", "declare_conflict", "score"];

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
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (not before `starts_on`).
    pub ends_on: NaiveDate,
    /// What success looks like.
    pub success_criteria: Text,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiTestOutcome {
    /// The host adopts the solution.
    Adopted,
    /// Adopted and spread to more sites.
    Scaled,
    /// Promising; needs more work.
    NeedsFurtherDevelopment,
    /// Not adopted.
    NotAdopted,
}

impl From<ApiTestOutcome> for TestOutcome {
    fn from(outcome: ApiTestOutcome) -> Self {
        match outcome {
            ApiTestOutcome::Adopted => Self::Adopted,
            ApiTestOutcome::Scaled => Self::Scaled,
            ApiTestOutcome::NeedsFurtherDevelopment => Self::NeedsFurtherDevelopment,
            ApiTestOutcome::NotAdopted => Self::NotAdopted,
        }
    }
}

impl From<TestOutcome> for ApiTestOutcome {
    fn from(outcome: TestOutcome) -> Self {
        match outcome {
            TestOutcome::Adopted => Self::Adopted,
            TestOutcome::Scaled => Self::Scaled,
            TestOutcome::NeedsFurtherDevelopment => Self::NeedsFurtherDevelopment,
            TestOutcome::NotAdopted => Self::NotAdopted,
        }
    }
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

fn check_team(checks: &mut Checks, team: &[NewTeamMember]) -> String {
    if team.len() > TEAM_MAX {
        checks.fail("team", format!("at most {TEAM_MAX} co-applicants"));
    }
    let members: Vec<TeamMember> = team
        .iter()
        .map(|member| TeamMember {
            name: checks.required_text("team.name", &member.name, TITLE_MAX),
            email: checks.email("team.email", &member.email),
        })
        .collect();
    serde_json::to_string(&members).unwrap_or_else(|_| "[]".to_owned())
}

/// The data of an event, without its type tag.
fn payload_of(event: &IdeaEvent) -> serde_json::Value {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("type");
    }
    value
}

/// Writes the records that steps 4 and 5 keep beside the idea row.
async fn record_step(
    db: &impl sea_orm::ConnectionTrait,
    idea_id: Uuid,
    event: &IdeaEvent,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    match event {
        IdeaEvent::IncubationStarted {
            support_organisation_id,
            plan,
        } => steps::insert_incubation(db, idea_id, *support_organisation_id, plan.clone(), now).await?,
        IdeaEvent::TestingStarted {
            site,
            host,
            starts_on,
            ends_on,
            success_criteria,
        } => {
            let test = steps::NewTest {
                site: site.clone(),
                host: host.clone(),
                starts_on: *starts_on,
                ends_on: *ends_on,
                success_criteria: success_criteria.clone(),
            };
            steps::insert_test(db, idea_id, test, now).await?;
        }
        IdeaEvent::Completed {
            outcome,
            results,
            lessons_learned,
        } => {
            steps::complete_test(
                db,
                idea_id,
                outcome.as_str(),
                results.clone(),
                lessons_learned.clone(),
                now,
            )
            .await?;
        }
        IdeaEvent::Submitted
        | IdeaEvent::AssessmentStarted { .. }
        | IdeaEvent::Decided { .. }
        | IdeaEvent::Discontinued { .. }
        | IdeaEvent::Withdrawn { .. } => {}
    }
    Ok(())
}

/// Ideas.
pub struct IdeasApi {
    /// Shared state.
    pub state: AppState,
}

impl IdeasApi {
    /// Runs one command in one transaction: load, decide, guarded update, append events.
    pub async fn command(
        &self,
        id: Uuid,
        actor: &Actor,
        expected: Option<Expected>,
        command: IdeaCommand,
    ) -> ApiResult<Versioned<Idea>> {
        let now = Utc::now();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::find_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
        let idea = repo::to_domain(&row)?;
        let viewer = viewer_of(&tx, &row, actor).await?;
        let challenge = challenges::find(&tx, row.challenge_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let mut facts = IdeaFacts::at(now, challenges::state_of(&challenge)?, challenge.ideas_close_at);
        match &command {
            IdeaCommand::StartAssessment { rubric_id } => {
                if assessment::find_rubric(&tx, *rubric_id).await?.is_none() {
                    facts.missing_references.push("rubric_id");
                }
            }
            IdeaCommand::Decide { .. } => {
                if let Some(rubric_id) = row.rubric_id {
                    let rubric = assessment::find_rubric(&tx, rubric_id)
                        .await?
                        .ok_or_else(ApiError::not_found)?;
                    facts.scorecards_required = u32::try_from(rubric.min_scorecards).unwrap_or(u32::MAX);
                }
                facts.scorecards_submitted =
                    u32::try_from(assessment::scorecards_for(&tx, id).await?.len()).unwrap_or(u32::MAX);
            }
            IdeaCommand::StartIncubation {
                support_organisation_id,
                ..
            } => {
                if !steps::organisation_exists(&tx, *support_organisation_id).await? {
                    facts.missing_references.push("support_organisation_id");
                }
            }
            IdeaCommand::Submit
            | IdeaCommand::StartTesting { .. }
            | IdeaCommand::Complete { .. }
            | IdeaCommand::Discontinue { .. }
            | IdeaCommand::Withdraw { .. } => {}
        }
        let produced = rules::decide(&idea, &command, Some(actor), viewer.assigned(), &facts)?;
        check_version(expected, row.version)?;

        let mut changes = rows::ActiveModel {
            updated_at: Set(now),
            ..Default::default()
        };
        let mut state = idea.state;
        for event in &produced {
            match event {
                IdeaEvent::Submitted if row.submitted_at.is_none() => changes.submitted_at = Set(Some(now)),
                IdeaEvent::AssessmentStarted { rubric_id } => changes.rubric_id = Set(Some(*rubric_id)),
                IdeaEvent::Decided { outcome, feedback } => {
                    changes.decision_outcome = Set(Some(outcome.as_str().to_owned()));
                    changes.decision_feedback = Set(Some(feedback.clone()));
                    changes.decided_at = Set(Some(now));
                }
                IdeaEvent::Submitted
                | IdeaEvent::IncubationStarted { .. }
                | IdeaEvent::TestingStarted { .. }
                | IdeaEvent::Completed { .. }
                | IdeaEvent::Discontinued { .. }
                | IdeaEvent::Withdrawn { .. } => {}
            }
            state = rules::evolve(state, event);
        }
        changes.state = Set(state.as_str().to_owned());
        let updated = repo::update(&tx, id, row.version, changes).await?;
        for event in &produced {
            record_step(&tx, id, event, now).await?;
        }
        let mut from = idea.state;
        for event in &produced {
            let to = rules::evolve(from, event);
            events::Recorder::new("idea", id, actor.id.as_uuid(), now)
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
        versioned(updated, &viewer)
    }
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
        body: Json<NewIdea>,
    ) -> ApiResult<Created<Idea>> {
        let actor = caller.actor();
        let challenge = challenges::find(&self.state.db, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let challenge_domain = challenges::to_domain(&challenge)?;
        if !challenge_rules::can_view(&challenge_domain, Some(actor)) {
            return Err(ApiError::not_found());
        }
        if let Err(refusal @ Refusal::NotPermitted(_)) = rules::authorize_create(actor, challenge_domain.state) {
            return Err(refusal.into());
        }
        let body = body.0;
        let mut checks = Checks::new();
        let title = checks.required_text("title", &body.title, TITLE_MAX);
        let summary = checks.draft_text("summary", &body.summary, SUMMARY_MAX);
        let description = checks.draft_text("description", &body.description, DESCRIPTION_MAX);
        let team = check_team(&mut checks, &body.team);
        let sdgs = checks.sdgs("sdgs", &body.sdgs);
        checks.finish().map_err(Refusal::Invalid)?;
        rules::authorize_create(actor, challenge_domain.state)?;
        rules::check_open_for_drafts(challenge.ideas_close_at, Utc::now())?;

        let now = Utc::now();
        let idea_id = Uuid::now_v7();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::insert(
            &tx,
            rows::ActiveModel {
                id: Set(idea_id),
                challenge_id: Set(challenge.id),
                challenge_owner_id: Set(challenge.owner_id),
                blind_assessment: Set(challenge.blind_assessment),
                innovator_id: Set(actor.id.as_uuid()),
                title: Set(title),
                summary: Set(summary),
                description: Set(description),
                team: Set(team),
                sdgs: Set(challenges::sdgs_to_stored(&sdgs)),
                state: Set(IdeaState::Draft.as_str().to_owned()),
                version: Set(1),
                submitted_at: Set(None),
                rubric_id: Set(None),
                decision_outcome: Set(None),
                decision_feedback: Set(None),
                decided_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            },
        )
        .await?;
        events::Recorder::new("idea", idea_id, actor.id.as_uuid(), now)
            .record(
                &tx,
                "create",
                None,
                IdeaState::Draft.as_str(),
                serde_json::json!({ "challenge_id": challenge.id, "arena_id": challenge.arena_id }),
            )
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = row.version;
        Ok(Created::Created(Json(Idea::from_row(row, false)?), etag(version)))
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
        let actor = caller.actor();
        let challenge = challenges::find(&self.state.db, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if !challenge_rules::can_view(&challenges::to_domain(&challenge)?, Some(actor)) {
            return Err(ApiError::not_found());
        }
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let filter = IdeaFilter {
            state: state.0.map(Into::into),
            challenge_id: Some(id.0),
            mine: false,
        };
        let page = repo::list(&self.state.db, actor, &filter, after, limit).await?;
        let viewer = Viewer {
            actor: actor.clone(),
            assignment: None,
        };
        Ok(Json(
            super::to_list_page(page, |row| {
                let hide = !viewer.sees_identity(&row);
                Idea::from_row(row, hide)
            })?
            .into(),
        ))
    }

    /// The ideas the caller may see, newest first.
    #[oai(path = "/ideas", method = "get", operation_id = "list_ideas", transform = "cached")]
    async fn list_ideas(
        &self,
        caller: Caller,
        /// Only in this state.
        state: Query<Option<ApiIdeaState>>,
        /// Only on this challenge.
        challenge_id: Query<Option<Uuid>>,
        /// Only the caller's own ideas.
        mine: Query<Option<bool>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<IdeaPage>> {
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let filter = IdeaFilter {
            state: state.0.map(Into::into),
            challenge_id: challenge_id.0,
            mine: mine.0.unwrap_or(false),
        };
        let actor = caller.actor();
        let page = repo::list(&self.state.db, actor, &filter, after, limit).await?;
        let viewer = Viewer {
            actor: actor.clone(),
            assignment: None,
        };
        Ok(Json(
            super::to_list_page(page, |row| {
                let hide = !viewer.sees_identity(&row);
                Idea::from_row(row, hide)
            })?
            .into(),
        ))
    }

    /// Read an idea.
    #[oai(path = "/ideas/:id", method = "get", operation_id = "get_idea", transform = "cached")]
    async fn get_idea(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Versioned<Idea>> {
        let (row, viewer) = load_visible_idea(&self.state.db, id.0, caller.actor()).await?;
        versioned(row, &viewer)
    }

    /// Edit an idea while it is a draft (its innovator).
    #[oai(path = "/ideas/:id", method = "patch", operation_id = "update_idea")]
    async fn update_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<IdeaPatch>,
    ) -> ApiResult<Versioned<Idea>> {
        let actor = caller.actor();
        let patch = body.0;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::find_for_update(&tx, id.0)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let idea = repo::to_domain(&row)?;
        let viewer = viewer_of(&tx, &row, actor).await?;
        if let Err(refusal @ (Refusal::NotVisible | Refusal::NotPermitted(_))) =
            rules::authorize_edit(&idea, Some(actor), viewer.assigned())
        {
            return Err(refusal.into());
        }
        let mut checks = Checks::new();
        let mut changes = rows::ActiveModel::default();
        let mut changed = Vec::new();
        if let Some(title) = &patch.title {
            changes.title = Set(checks.required_text("title", title, TITLE_MAX));
            changed.push("title");
        }
        if let Some(summary) = &patch.summary {
            changes.summary = Set(checks.draft_text("summary", summary, SUMMARY_MAX));
            changed.push("summary");
        }
        if let Some(description) = &patch.description {
            changes.description = Set(checks.draft_text("description", description, DESCRIPTION_MAX));
            changed.push("description");
        }
        if let Some(team) = &patch.team {
            changes.team = Set(check_team(&mut checks, team));
            changed.push("team");
        }
        if let Some(sdgs) = &patch.sdgs {
            changes.sdgs = Set(challenges::sdgs_to_stored(&checks.sdgs("sdgs", sdgs)));
            changed.push("sdgs");
        }
        checks.finish().map_err(Refusal::Invalid)?;
        rules::authorize_edit(&idea, Some(actor), viewer.assigned())?;
        check_version(
            expected_version(if_match.0.as_deref(), patch.expected_version)?,
            row.version,
        )?;
        let now = Utc::now();
        changes.updated_at = Set(now);
        let updated = repo::update(&tx, id.0, row.version, changes).await?;
        events::Recorder::new("idea", id.0, actor.id.as_uuid(), now)
            .record(
                &tx,
                "edit",
                Some(idea.state.as_str()),
                idea.state.as_str(),
                serde_json::json!({ "fields": changed }),
            )
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        versioned(updated, &viewer)
    }

    /// Send the idea to its challenge while the challenge takes ideas (its innovator).
    #[oai(path = "/ideas/:id/submit", method = "post", operation_id = "submit_idea")]
    async fn submit_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<VersionOnly>>,
    ) -> ApiResult<Versioned<Idea>> {
        let expected = expected_version(if_match.0.as_deref(), body.0.and_then(|b| b.expected_version))?;
        self.command(id.0, caller.actor(), expected, IdeaCommand::Submit).await
    }

    /// Take the idea back from any non-terminal state (its innovator).
    #[oai(path = "/ideas/:id/withdraw", method = "post", operation_id = "withdraw_idea")]
    async fn withdraw_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<IdeaWithdrawBody>>,
    ) -> ApiResult<Versioned<Idea>> {
        let (reason, body_version) = body
            .0
            .map_or((None, None), |b| (b.reason.map(Text::into_inner), b.expected_version));
        let expected = expected_version(if_match.0.as_deref(), body_version)?;
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
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<StartAssessmentBody>>,
    ) -> ApiResult<Versioned<Idea>> {
        let (rubric_id, body_version) = body.0.map_or((None, None), |b| (b.rubric_id, b.expected_version));
        let expected = expected_version(if_match.0.as_deref(), body_version)?;
        let rubric_id = match rubric_id {
            Some(rubric_id) => rubric_id,
            None => {
                assessment::default_rubric(&self.state.db)
                    .await?
                    .ok_or_else(|| ApiError::invalid("rubric_id", "there is no default rubric; name one"))?
                    .id
            }
        };
        self.command(
            id.0,
            caller.actor(),
            expected,
            IdeaCommand::StartAssessment { rubric_id },
        )
        .await
    }

    /// Decide after assessment, with feedback for the innovator, once the rubric's
    /// `min_scorecards` are in (facilitators).
    #[oai(path = "/ideas/:id/decide", method = "post", operation_id = "decide_idea")]
    async fn decide_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<DecideBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = expected_version(if_match.0.as_deref(), body.expected_version)?;
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
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<StartIncubationBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = expected_version(if_match.0.as_deref(), body.expected_version)?;
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
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<StartTestingBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = expected_version(if_match.0.as_deref(), body.expected_version)?;
        let command = IdeaCommand::StartTesting {
            site: body.site.into_inner(),
            host: body.host.into_inner(),
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
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<CompleteBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = expected_version(if_match.0.as_deref(), body.expected_version)?;
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
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<DiscontinueBody>,
    ) -> ApiResult<Versioned<Idea>> {
        let body = body.0;
        let expected = expected_version(if_match.0.as_deref(), body.expected_version)?;
        let command = IdeaCommand::Discontinue {
            reason: body.reason.into_inner(),
        };
        self.command(id.0, caller.actor(), expected, command).await
    }

    /// The idea's history, oldest first, filtered by what the caller may see: the needs-owner
    /// sees it from submission on; innovators and needs-owners never see assessment events;
    /// an assessor sees the panel's events once their own scorecard is in; with blind
    /// assessment, assessors do not see who the innovator is.
    #[oai(path = "/ideas/:id/history", method = "get", operation_id = "idea_history")]
    async fn idea_history(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Vec<Event>>> {
        let actor = caller.actor();
        let (row, viewer) = load_visible_idea(&self.state.db, id.0, actor).await?;
        let me = actor.id.as_uuid();
        let is_innovator = me == row.innovator_id;
        let panel_access = if actor.is_facilitator() {
            Some(ScoreAccess::All)
        } else {
            assessment_rules::score_access(actor, viewer.assignment_state()?).ok()
        };
        let hide_identity = !viewer.sees_identity(&row);
        let history = events::for_subject(&self.state.db, id.0)
            .await?
            .into_iter()
            .filter(|event| {
                let assessment_event = ASSESSMENT_COMMANDS.contains(&event.command.as_str());
                match (assessment_event, panel_access) {
                    (true, Some(ScoreAccess::All)) => true,
                    (true, Some(ScoreAccess::OwnOnly)) => {
                        event.actor_id == me || event.payload.contains(&me.to_string())
                    }
                    (true, None) => false,
                    (false, _) => {
                        actor.is_facilitator() || is_innovator || !matches!(event.command.as_str(), "create" | "edit")
                    }
                }
            })
            .map(|event| {
                let by_innovator = event.actor_id == row.innovator_id;
                let mut event = event_from_row(event);
                if hide_identity && by_innovator {
                    event.actor_id = None;
                }
                event
            })
            .collect();
        Ok(Json(history))
    }
}
