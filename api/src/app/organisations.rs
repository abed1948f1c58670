//! The organisation registry (SPEC §12): facilitators register and edit organisations;
//! anyone signed in reads them.

use chrono::Utc;
use sluss_domain::event::OrganisationEventKind;
use sluss_domain::organisation::{self as rules, OrganisationValues};
use sluss_domain::{Actor, FieldProblem};
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use super::{Expected, check_version, page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::organisations as repo;
use crate::state::AppState;
use crate::views::organisations::{Organisation, OrganisationPage};

/// An organisation's values as given: checked by [`rules::check_values`].
#[derive(Debug, Clone, Default)]
pub struct OrganisationInput {
    /// Name.
    pub name: String,
    /// Kind, by name.
    pub kind: String,
    /// Organisationsnummer.
    pub org_number: Option<String>,
    /// Website.
    pub website: Option<String>,
}

/// An edit: `None` leaves a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct OrganisationPatch {
    /// Name.
    pub name: Option<String>,
    /// Kind, by name.
    pub kind: Option<String>,
    /// Organisationsnummer.
    pub org_number: Option<Option<String>>,
    /// Website.
    pub website: Option<Option<String>>,
}

/// The registry, newest first; with `matching`, by name or organisationsnummer (anyone
/// signed in).
pub async fn list(
    state: &AppState,
    limit: Option<u32>,
    cursor: Option<&str>,
    matching: Option<&str>,
) -> Result<OrganisationPage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let page = repo::list(&state.db, matching, after, limit).await?;
    Ok(to_list_page(page, Organisation::from_row)?.into())
}

/// The registry by name, at most 1,000, for a person to choose theirs.
pub async fn choices(state: &AppState) -> Result<Vec<Organisation>, ApiError> {
    repo::by_name(&state.db, 1_000)
        .await?
        .into_iter()
        .map(Organisation::from_row)
        .collect()
}

/// One organisation (anyone signed in).
pub async fn get(state: &AppState, id: Uuid) -> Result<Organisation, ApiError> {
    Organisation::from_row(repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?)
}

/// Registers an organisation (facilitators).
pub async fn create(state: &AppState, actor: &Actor, input: OrganisationInput) -> Result<Organisation, ApiError> {
    rules::authorize_manage(actor)?;
    let values = rules::check_values(
        &input.name,
        &input.kind,
        input.org_number.as_deref(),
        input.website.as_deref(),
    )?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let tx = state.begin_write().await?;
    let row = repo::insert(&tx, id, values, now).await?;
    let subject = Subject::Organisation(OrganisationEventKind::Register, id);
    let entry = Entry::new(subject, (None, "registered"), actor.id, now, serde_json::json!({}));
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Organisation::from_row(row)
}

/// Edits an organisation (facilitators).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    patch: OrganisationPatch,
    expected: Option<Expected>,
) -> Result<Organisation, ApiError> {
    let tx = state.begin_write().await?;
    let row = repo::find_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    rules::authorize_manage(actor)?;
    let merged: OrganisationValues = rules::check_values(
        patch.name.as_deref().unwrap_or(&row.name),
        patch.kind.as_deref().unwrap_or(&row.kind),
        patch
            .org_number
            .clone()
            .unwrap_or_else(|| row.org_number.clone())
            .as_deref(),
        patch.website.clone().unwrap_or_else(|| row.website.clone()).as_deref(),
    )?;
    check_version(expected, row.version)?;
    let now = Utc::now();
    let updated = repo::update(&tx, id, row.version, merged, now).await?;
    let subject = Subject::Organisation(OrganisationEventKind::Edit, id);
    let entry = Entry::new(
        subject,
        (Some("registered"), "registered"),
        actor.id,
        now,
        serde_json::json!({}),
    );
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Organisation::from_row(updated)
}

/// Checks that `id`, when given, names a registered organisation: 422 on `field` if not.
pub async fn check_exists(state: &AppState, field: &str, id: Option<Uuid>) -> Result<(), ApiError> {
    match id {
        Some(id) if !repo::exists(&state.db, id).await? => {
            Err(ApiError::invalid(field, FieldProblem::NoSuchOrganisation))
        }
        _ => Ok(()),
    }
}
