//! Steps 4 and 5: the registry of support organisations, incubations with milestones,
//! tests with their spread activities.

use chrono::NaiveDate;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

use super::params::IdempotencyKey;
use super::text::Text;
use super::{ApiResult, ApiTags, Created, etag};
use crate::app::steps as app;
use crate::auth::Caller;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::steps::{
    Incubation, Milestone, SpreadActivity, SpreadKind, SupportKind, SupportOrganisation, SupportOrganisationPage, Test,
};

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

/// The body of `POST /ideas/{id}/incubation/milestones`.
#[derive(Debug, Object)]
pub struct NewMilestone {
    /// What is to be reached.
    pub title: Text,
    /// By when.
    pub due_on: Option<NaiveDate>,
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
        caller: Caller,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<SupportOrganisationPage>> {
        let page = app::list_support_organisations(&self.state, caller.actor(), limit.0, cursor.0.as_deref()).await?;
        Ok(Json(page))
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
        _idempotency_key: IdempotencyKey,
        body: Json<NewSupportOrganisation>,
    ) -> ApiResult<Created<SupportOrganisation>> {
        let body = body.0;
        let input = app::NewSupportOrganisation {
            name: body.name.into_inner(),
            kind: body.kind,
            description: body.description.into_inner(),
            contact_email: body.contact_email.map(Text::into_inner),
        };
        let organisation = app::create_support_organisation(&self.state, caller.actor(), input).await?;
        let version = organisation.version;
        Ok(Created::Created(Json(organisation), etag(version)))
    }

    /// An idea's incubation and its milestones.
    #[oai(path = "/ideas/:id/incubation", method = "get", operation_id = "get_incubation")]
    async fn get_incubation(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Incubation>> {
        Ok(Json(app::incubation(&self.state, caller.actor(), id.0).await?))
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
        _idempotency_key: IdempotencyKey,
        id: Path<Uuid>,
        body: Json<NewMilestone>,
    ) -> ApiResult<Created<Milestone>> {
        let body = body.0;
        let input = app::NewMilestone {
            title: body.title.into_inner(),
            due_on: body.due_on,
        };
        let milestone = app::add_milestone(&self.state, caller.actor(), id.0, input).await?;
        Ok(Created::Created(Json(milestone), etag(1)))
    }

    /// Mark a milestone done (facilitators and the idea's innovator).
    #[oai(
        path = "/milestones/:id/complete",
        method = "post",
        operation_id = "complete_milestone"
    )]
    async fn complete_milestone(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Milestone>> {
        Ok(Json(app::complete_milestone(&self.state, caller.actor(), id.0).await?))
    }

    /// An idea's test and its spread activities.
    #[oai(path = "/ideas/:id/test", method = "get", operation_id = "get_test")]
    async fn get_test(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Test>> {
        Ok(Json(app::test(&self.state, caller.actor(), id.0).await?))
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
        _idempotency_key: IdempotencyKey,
        id: Path<Uuid>,
        body: Json<NewSpreadActivity>,
    ) -> ApiResult<Created<SpreadActivity>> {
        let body = body.0;
        let input = app::NewSpreadActivity {
            kind: body.kind,
            title: body.title.into_inner(),
            held_on: body.held_on,
            notes: body.notes.map(Text::into_inner),
        };
        let activity = app::add_spread_activity(&self.state, caller.actor(), id.0, input).await?;
        Ok(Created::Created(Json(activity), etag(1)))
    }
}
