//! The organisation registry (SPEC §12): facilitators register and edit; anyone signed in
//! reads.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

use super::params::{IdempotencyKey, IfMatch};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, Versioned, etag, maybe};
use crate::app::organisations as app;
use crate::auth::Caller;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::organisations::{ApiOrganisationKind, Organisation, OrganisationPage};

/// The body of `POST /organisations`.
#[derive(Debug, Object)]
pub struct NewOrganisation {
    /// Name.
    pub name: Text,
    /// What it is.
    pub kind: ApiOrganisationKind,
    /// Swedish organisationsnummer, `NNNNNN-NNNN` (its Luhn digit is checked).
    pub org_number: Option<Text>,
    /// Website, `https://…`.
    pub website: Option<Text>,
}

/// The body of `PATCH /organisations/{id}`: only the fields given change; `null` clears an
/// optional one.
#[derive(Debug, Object)]
pub struct OrganisationPatch {
    /// Name.
    pub name: Option<Text>,
    /// What it is.
    pub kind: Option<ApiOrganisationKind>,
    /// Swedish organisationsnummer, `NNNNNN-NNNN`.
    pub org_number: MaybeUndefined<Text>,
    /// Website.
    pub website: MaybeUndefined<Text>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// Organisations.
pub struct OrganisationsApi {
    /// Shared state.
    pub state: AppState,
}

fn kind_name(kind: ApiOrganisationKind) -> String {
    sluss_domain::organisation::OrganisationKind::from(kind)
        .as_str()
        .to_owned()
}

fn versioned(organisation: Organisation) -> ApiResult<Versioned<Organisation>> {
    let version = organisation.version;
    Ok(Versioned::Ok(Json(organisation), etag(version)))
}

#[OpenApi(prefix_path = "/organisations", tag = "ApiTags::Organisations")]
impl OrganisationsApi {
    /// The registry, newest first (anyone signed in).
    #[oai(path = "/", method = "get", operation_id = "list_organisations")]
    async fn list_organisations(
        &self,
        _caller: Caller,
        /// Only those whose name or organisationsnummer contains this.
        q: Query<Option<String>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<OrganisationPage>> {
        Ok(Json(
            app::list(&self.state, limit.0, cursor.0.as_deref(), q.0.as_deref()).await?,
        ))
    }

    /// Register an organisation (facilitators).
    ///
    /// An organisationsnummer already registered answers 409.
    #[oai(
        path = "/",
        method = "post",
        operation_id = "create_organisation",
        transform = "idempotent"
    )]
    async fn create_organisation(
        &self,
        caller: Caller,
        _idempotency_key: IdempotencyKey,
        body: Json<NewOrganisation>,
    ) -> ApiResult<Created<Organisation>> {
        let body = body.0;
        let input = app::OrganisationInput {
            name: body.name.into_inner(),
            kind: kind_name(body.kind),
            org_number: body.org_number.map(Text::into_inner),
            website: body.website.map(Text::into_inner),
        };
        let organisation = app::create(&self.state, caller.actor(), input).await?;
        let version = organisation.version;
        Ok(Created::Created(Json(organisation), etag(version)))
    }

    /// Read an organisation (anyone signed in).
    #[oai(path = "/:id", method = "get", operation_id = "get_organisation")]
    async fn get_organisation(&self, _caller: Caller, id: Path<Uuid>) -> ApiResult<Versioned<Organisation>> {
        versioned(app::get(&self.state, id.0).await?)
    }

    /// Edit an organisation (facilitators).
    #[oai(path = "/:id", method = "patch", operation_id = "update_organisation")]
    async fn update_organisation(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<OrganisationPatch>,
    ) -> ApiResult<Versioned<Organisation>> {
        let patch = body.0;
        let expected = if_match.expected(patch.expected_version)?;
        let input = app::OrganisationPatch {
            name: patch.name.map(Text::into_inner),
            kind: patch.kind.map(kind_name),
            org_number: maybe(patch.org_number),
            website: maybe(patch.website),
        };
        versioned(app::update(&self.state, caller.actor(), id.0, input, expected).await?)
    }
}
