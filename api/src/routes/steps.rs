//! Steps 4 and 5: the registry of support organisations, incubations with milestones,
//! tests with their spread activities.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use sea_orm::Set;
use sluss_domain::Refusal;
use sluss_domain::idea::TestOutcome;
use sluss_domain::steps as rules;
use sluss_domain::validate::Checks;
use uuid::Uuid;

use super::ideas::{ApiTestOutcome, load_visible_idea};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, etag, page_request};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::persistence::entities::{
    idea_tests, milestones as milestone_rows, spread_activities as spread_rows, support_organisations as org_rows,
};
use crate::persistence::{ideas, steps as repo, stored};
use crate::state::AppState;

/// What kind of support an organisation gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SupportKind {
    /// An incubator.
    Incubator,
    /// A science park.
    SciencePark,
    /// Business support.
    BusinessSupport,
    /// Something else.
    Other,
}

const SUPPORT_KINDS: [(SupportKind, &str); 4] = [
    (SupportKind::Incubator, "incubator"),
    (SupportKind::SciencePark, "science_park"),
    (SupportKind::BusinessSupport, "business_support"),
    (SupportKind::Other, "other"),
];

/// An organisation that supports ideas in incubation.
#[derive(Debug, Clone, Object)]
pub struct SupportOrganisation {
    /// Identifier.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: SupportKind,
    /// What it offers.
    pub description: String,
    /// Whom to write to.
    pub contact_email: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

super::list_page!(SupportOrganisationPage, SupportOrganisation);

impl SupportOrganisation {
    fn from_row(row: org_rows::Model) -> Result<Self, ApiError> {
        let kind = SUPPORT_KINDS
            .iter()
            .find(|(_, name)| *name == row.kind)
            .map(|(kind, _)| *kind);
        Ok(Self {
            kind: stored(kind, "support_organisations.kind", &row.kind)?,
            id: row.id,
            name: row.name,
            description: row.description,
            contact_email: row.contact_email,
            version: row.version,
            created_at: row.created_at,
        })
    }
}

/// The body of `POST /support-organisations`.
#[derive(Debug, Object)]
pub struct NewSupportOrganisation {
    /// Name.
    pub name: Text,
    /// Kind.
    pub kind: SupportKind,
    /// What it offers.
    #[oai(default)]
    pub description: Text,
    /// Whom to write to.
    pub contact_email: Option<Text>,
}

/// A milestone of an incubation.
#[derive(Debug, Clone, Object)]
pub struct Milestone {
    /// Identifier.
    pub id: Uuid,
    /// The idea.
    pub idea_id: Uuid,
    /// What is to be reached.
    pub title: String,
    /// By when.
    pub due_on: Option<NaiveDate>,
    /// When it was reached.
    pub done_at: Option<DateTime<Utc>>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

impl From<milestone_rows::Model> for Milestone {
    fn from(row: milestone_rows::Model) -> Self {
        Self {
            id: row.id,
            idea_id: row.idea_id,
            title: row.title,
            due_on: row.due_on,
            done_at: row.done_at,
            created_at: row.created_at,
        }
    }
}

/// The body of `POST /ideas/{id}/incubation/milestones`.
#[derive(Debug, Object)]
pub struct NewMilestone {
    /// What is to be reached.
    pub title: Text,
    /// By when.
    pub due_on: Option<NaiveDate>,
}

/// An idea's incubation.
#[derive(Debug, Clone, Object)]
pub struct Incubation {
    /// The idea.
    pub idea_id: Uuid,
    /// The support organisation.
    pub support_organisation_id: Uuid,
    /// The plan.
    pub plan: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Its milestones, oldest first.
    pub milestones: Vec<Milestone>,
}

/// What kind of spreading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SpreadKind {
    /// A learning workshop.
    LearningWorkshop,
    /// A dialogue with property owners.
    PropertyOwnerDialogue,
    /// A publication.
    Publication,
    /// Something else.
    Other,
}

const SPREAD_KINDS: [(SpreadKind, &str); 4] = [
    (SpreadKind::LearningWorkshop, "learning_workshop"),
    (SpreadKind::PropertyOwnerDialogue, "property_owner_dialogue"),
    (SpreadKind::Publication, "publication"),
    (SpreadKind::Other, "other"),
];

/// How a test's results were spread.
#[derive(Debug, Clone, Object)]
pub struct SpreadActivity {
    /// Identifier.
    pub id: Uuid,
    /// Kind.
    pub kind: SpreadKind,
    /// Title.
    pub title: String,
    /// When it was held.
    pub held_on: NaiveDate,
    /// Notes.
    pub notes: Option<String>,
}

impl SpreadActivity {
    fn from_row(row: spread_rows::Model) -> Result<Self, ApiError> {
        let kind = SPREAD_KINDS
            .iter()
            .find(|(_, name)| *name == row.kind)
            .map(|(kind, _)| *kind);
        Ok(Self {
            kind: stored(kind, "spread_activities.kind", &row.kind)?,
            id: row.id,
            title: row.title,
            held_on: row.held_on,
            notes: row.notes,
        })
    }
}

/// The body of `POST /ideas/{id}/test/spread-activities`.
#[derive(Debug, Object)]
pub struct NewSpreadActivity {
    /// Kind.
    pub kind: SpreadKind,
    /// Title.
    pub title: Text,
    /// When it was held.
    pub held_on: NaiveDate,
    /// Notes.
    pub notes: Option<Text>,
}

/// An idea's test at a real site.
#[derive(Debug, Clone, Object)]
pub struct Test {
    /// The idea.
    pub idea_id: Uuid,
    /// Where.
    pub site: String,
    /// Who hosts it.
    pub host: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// What success looks like.
    pub success_criteria: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How it ended, once completed.
    pub outcome: Option<ApiTestOutcome>,
    /// What was measured.
    pub results: Option<String>,
    /// What was learned.
    pub lessons_learned: Option<String>,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// How the results were spread.
    pub spread_activities: Vec<SpreadActivity>,
}

fn test_from_rows(row: idea_tests::Model, spread: Vec<spread_rows::Model>) -> Result<Test, ApiError> {
    let outcome = match row.outcome.as_deref() {
        Some(raw) => Some(stored(TestOutcome::parse(raw), "idea_tests.outcome", raw)?.into()),
        None => None,
    };
    Ok(Test {
        idea_id: row.idea_id,
        site: row.site,
        host: row.host,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        success_criteria: row.success_criteria,
        started_at: row.started_at,
        outcome,
        results: row.results,
        lessons_learned: row.lessons_learned,
        completed_at: row.completed_at,
        spread_activities: spread
            .into_iter()
            .map(SpreadActivity::from_row)
            .collect::<Result<_, _>>()?,
    })
}

/// Steps 4 and 5.
pub struct StepsApi {
    /// Shared state.
    pub state: AppState,
}

#[OpenApi(tag = "ApiTags::Steps")]
impl StepsApi {
    /// The registry of support organisations (anyone signed in).
    #[oai(
        path = "/support-organisations",
        method = "get",
        operation_id = "list_support_organisations"
    )]
    async fn list_support_organisations(
        &self,
        _caller: Caller,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<SupportOrganisationPage>> {
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let page = repo::list_organisations(&self.state.db, after, limit).await?;
        Ok(Json(super::to_list_page(page, SupportOrganisation::from_row)?.into()))
    }

    /// Register a support organisation (facilitators).
    #[oai(
        path = "/support-organisations",
        method = "post",
        operation_id = "create_support_organisation",
        transform = "idempotent"
    )]
    async fn create_support_organisation(
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
        body: Json<NewSupportOrganisation>,
    ) -> ApiResult<Created<SupportOrganisation>> {
        rules::authorize_facilitator(caller.actor())?;
        let body = body.0;
        let (name, description, contact_email) =
            rules::check_support_organisation(&body.name, &body.description, body.contact_email.as_deref())?;
        let kind = SUPPORT_KINDS
            .iter()
            .find(|(kind, _)| *kind == body.kind)
            .map_or("other", |(_, name)| name);
        let row = repo::insert_organisation(
            &self.state.db,
            org_rows::ActiveModel {
                id: Set(Uuid::now_v7()),
                name: Set(name),
                kind: Set(kind.to_owned()),
                description: Set(description),
                contact_email: Set(contact_email),
                version: Set(1),
                created_at: Set(Utc::now()),
            },
        )
        .await?;
        let version = row.version;
        Ok(Created::Created(
            Json(SupportOrganisation::from_row(row)?),
            etag(version),
        ))
    }

    /// An idea's incubation and its milestones.
    #[oai(path = "/ideas/:id/incubation", method = "get", operation_id = "get_incubation")]
    async fn get_incubation(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Incubation>> {
        let (idea, _) = load_visible_idea(&self.state.db, id.0, caller.actor()).await?;
        let incubation = repo::incubation(&self.state.db, idea.id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let milestones = repo::milestones_of(&self.state.db, idea.id).await?;
        Ok(Json(Incubation {
            idea_id: incubation.idea_id,
            support_organisation_id: incubation.support_organisation_id,
            plan: incubation.plan,
            started_at: incubation.started_at,
            milestones: milestones.into_iter().map(Milestone::from).collect(),
        }))
    }

    /// Add a milestone while the idea is in incubation (facilitators and the idea's innovator).
    #[oai(
        path = "/ideas/:id/incubation/milestones",
        method = "post",
        operation_id = "add_milestone",
        transform = "idempotent"
    )]
    async fn add_milestone(
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
        body: Json<NewMilestone>,
    ) -> ApiResult<Created<Milestone>> {
        let actor = caller.actor();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let (idea, _) = load_visible_idea(&tx, id.0, actor).await?;
        let state = ideas::state_of(&idea)?;
        if let Err(refusal @ Refusal::NotPermitted(_)) =
            rules::authorize_milestone(actor, sluss_domain::UserId(idea.innovator_id), state)
        {
            return Err(refusal.into());
        }
        let mut checks = Checks::new();
        let title = checks.required_text("title", &body.0.title, 200);
        checks.finish().map_err(Refusal::Invalid)?;
        rules::authorize_milestone(actor, sluss_domain::UserId(idea.innovator_id), state)?;
        let row = repo::insert_milestone(&tx, idea.id, title, body.0.due_on, Utc::now()).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        Ok(Created::Created(Json(row.into()), etag(1)))
    }

    /// Mark a milestone done (facilitators and the idea's innovator).
    #[oai(
        path = "/milestones/:id/complete",
        method = "post",
        operation_id = "complete_milestone"
    )]
    async fn complete_milestone(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Milestone>> {
        let actor = caller.actor();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let milestone = repo::lock_milestone(&tx, id.0).await?.ok_or_else(ApiError::not_found)?;
        let (idea, _) = load_visible_idea(&tx, milestone.idea_id, actor).await?;
        rules::authorize_milestone(actor, sluss_domain::UserId(idea.innovator_id), ideas::state_of(&idea)?)?;
        let done = repo::complete_milestone(&tx, id.0, Utc::now()).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        Ok(Json(done.into()))
    }

    /// An idea's test and its spread activities.
    #[oai(path = "/ideas/:id/test", method = "get", operation_id = "get_test")]
    async fn get_test(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Test>> {
        let (idea, _) = load_visible_idea(&self.state.db, id.0, caller.actor()).await?;
        let test = repo::test_of(&self.state.db, idea.id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let spread = repo::spread_of(&self.state.db, idea.id).await?;
        Ok(Json(test_from_rows(test, spread)?))
    }

    /// Record a learning workshop, property-owner dialogue or publication about a test (facilitators).
    #[oai(
        path = "/ideas/:id/test/spread-activities",
        method = "post",
        operation_id = "add_spread_activity",
        transform = "idempotent"
    )]
    async fn add_spread_activity(
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
        body: Json<NewSpreadActivity>,
    ) -> ApiResult<Created<SpreadActivity>> {
        let actor = caller.actor();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let (idea, _) = load_visible_idea(&tx, id.0, actor).await?;
        rules::authorize_facilitator(actor)?;
        let body = body.0;
        let mut checks = Checks::new();
        let title = checks.required_text("title", &body.title, 200);
        let notes = checks.optional_text("notes", body.notes.as_deref(), 10_000);
        checks.finish().map_err(Refusal::Invalid)?;
        rules::authorize_spread(actor, ideas::state_of(&idea)?)?;
        let kind = SPREAD_KINDS
            .iter()
            .find(|(kind, _)| *kind == body.kind)
            .map_or("other", |(_, name)| name);
        let row = repo::insert_spread(
            &tx,
            spread_rows::ActiveModel {
                id: Set(Uuid::now_v7()),
                idea_id: Set(idea.id),
                kind: Set(kind.to_owned()),
                title: Set(title),
                held_on: Set(body.held_on),
                notes: Set(notes),
                created_at: Set(Utc::now()),
            },
        )
        .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        Ok(Created::Created(Json(SpreadActivity::from_row(row)?), etag(1)))
    }
}
