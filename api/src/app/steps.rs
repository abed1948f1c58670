//! Steps 4 and 5: the registry of support organisations, incubations with milestones,
//! tests with their spread activities. The commands that move an idea through these steps
//! (`start-incubation`, `start-testing`, `complete`, `discontinue`) are in
//! [`ideas`](super::ideas).

use chrono::{NaiveDate, Utc};
use sluss_domain::event::IdeaEventKind;
use sluss_domain::idea as idea_rules;
use sluss_domain::steps as rules;
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, Refusal};
use uuid::Uuid;

use super::assessment::hold_idea;
use super::ideas::load_visible_idea;
use super::journal::{self, Entry, Subject};
use super::{page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::entities::ideas as idea_rows;
use crate::persistence::{ideas, steps as repo};
use crate::state::AppState;
use crate::views::steps::{
    Incubation, Milestone, SpreadActivity, SpreadKind, SupportKind, SupportOrganisation, SupportOrganisationPage, Test,
    spread_kind_name, support_kind_name,
};

/// A support organisation to register.
#[derive(Debug, Clone)]
pub struct NewSupportOrganisation {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: SupportKind,
    /// What it offers.
    pub description: String,
    /// Whom to write to.
    pub contact_email: Option<String>,
}

/// A milestone to add to an incubation.
#[derive(Debug, Clone, Default)]
pub struct NewMilestone {
    /// What is to be reached.
    pub title: String,
    /// By when.
    pub due_on: Option<NaiveDate>,
}

/// A spread activity to record about a test.
#[derive(Debug, Clone)]
pub struct NewSpreadActivity {
    /// Kind.
    pub kind: SpreadKind,
    /// Title.
    pub title: String,
    /// When it was held.
    pub held_on: NaiveDate,
    /// Notes.
    pub notes: Option<String>,
}

/// The registry of support organisations, for anyone signed in.
pub async fn list_support_organisations(
    state: &AppState,
    _actor: &Actor,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<SupportOrganisationPage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let page = repo::list_organisations(&state.db, after, limit).await?;
    Ok(to_list_page(page, SupportOrganisation::from_row)?.into())
}

/// Registers a support organisation (facilitators).
pub async fn create_support_organisation(
    state: &AppState,
    actor: &Actor,
    input: NewSupportOrganisation,
) -> Result<SupportOrganisation, ApiError> {
    rules::authorize_facilitator(actor)?;
    let (name, description, contact_email) =
        rules::check_support_organisation(&input.name, &input.description, input.contact_email.as_deref())?;
    let organisation = repo::NewSupportOrganisation {
        name,
        kind: support_kind_name(input.kind),
        description,
        contact_email,
    };
    let row = repo::insert_organisation(&state.db, organisation, Utc::now()).await?;
    SupportOrganisation::from_row(row)
}

/// Loads an idea whose incubation and test `actor` may see (404 otherwise): those who see
/// the idea for another reason than assessing it — the facilitators and the innovator
/// (SPEC §10.4), and the needs-owner, who sees their challenge's ideas. An assessor sees an
/// idea to assess it; its incubation and test name the organisations that support and
/// host it, which may point to the innovator (blind assessment, SPEC §4).
pub async fn load_steps_idea(
    db: &impl sea_orm::ConnectionTrait,
    idea_id: Uuid,
    actor: &Actor,
) -> Result<idea_rows::Model, ApiError> {
    let (idea, _) = load_visible_idea(db, idea_id, actor).await?;
    if !sees_steps(&idea, actor)? {
        return Err(ApiError::not_found());
    }
    Ok(idea)
}

/// Whether `actor` sees the incubation and test of `idea` (see [`load_steps_idea`]).
pub fn sees_steps(idea: &idea_rows::Model, actor: &Actor) -> Result<bool, ApiError> {
    Ok(idea_rules::can_view(&ideas::to_domain(idea)?, Some(actor), false))
}

/// An idea's incubation and its milestones, for those who see the idea's steps.
pub async fn incubation(state: &AppState, actor: &Actor, idea_id: Uuid) -> Result<Incubation, ApiError> {
    let idea = load_steps_idea(&state.db, idea_id, actor).await?;
    let incubation = repo::incubation(&state.db, idea.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let milestones = repo::milestones_of(&state.db, idea.id).await?;
    Ok(Incubation::from_rows(incubation, milestones))
}

/// Adds a milestone while the idea is in incubation (facilitators and the idea's innovator).
pub async fn add_milestone(
    state: &AppState,
    actor: &Actor,
    idea_id: Uuid,
    input: NewMilestone,
) -> Result<Milestone, ApiError> {
    let tx = state.begin_write().await?;
    hold_idea(&tx, idea_id).await?;
    let idea = load_steps_idea(&tx, idea_id, actor).await?;
    let idea_state = ideas::state_of(&idea)?;
    if let Err(refusal @ Refusal::NotPermitted(_)) =
        rules::authorize_milestone(actor, &ideas::to_domain(&idea)?.authors(), idea_state)
    {
        return Err(refusal.into());
    }
    let mut checks = Checks::new();
    let title = checks.required_text("title", &input.title, 200);
    checks.in_years("due_on", input.due_on);
    checks.finish().map_err(Refusal::Invalid)?;
    rules::authorize_milestone(actor, &ideas::to_domain(&idea)?.authors(), idea_state)?;
    let now = Utc::now();
    let row = repo::insert_milestone(&tx, idea.id, title, input.due_on, now).await?;
    let payload = serde_json::json!({ "milestone_id": row.id, "title": row.title, "due_on": row.due_on });
    journal::record(
        state,
        &tx,
        step_entry(&idea, IdeaEventKind::AddMilestone, actor, now, payload)?,
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Marks a milestone done (facilitators and the idea's innovator).
pub async fn complete_milestone(state: &AppState, actor: &Actor, milestone_id: Uuid) -> Result<Milestone, ApiError> {
    let tx = state.begin_write().await?;
    // The idea is held before the milestone, as every writer of an idea holds it first.
    let found = repo::find_milestone(&tx, milestone_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    hold_idea(&tx, found.idea_id).await?;
    let milestone = repo::lock_milestone(&tx, milestone_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let idea = load_steps_idea(&tx, milestone.idea_id, actor).await?;
    rules::authorize_milestone(actor, &ideas::to_domain(&idea)?.authors(), ideas::state_of(&idea)?)?;
    let now = Utc::now();
    let done = repo::complete_milestone(&tx, milestone_id, now).await?;
    let payload = serde_json::json!({ "milestone_id": done.id, "title": done.title });
    let entry = step_entry(&idea, IdeaEventKind::CompleteMilestone, actor, now, payload)?;
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Ok(done.into())
}

/// An idea's test and its spread activities, for those who see the idea's steps.
pub async fn test(state: &AppState, actor: &Actor, idea_id: Uuid) -> Result<Test, ApiError> {
    let idea = load_steps_idea(&state.db, idea_id, actor).await?;
    let test = repo::test_of(&state.db, idea.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let spread = repo::spread_of(&state.db, idea.id).await?;
    Test::from_rows(test, spread)
}

/// Records a learning workshop, property-owner dialogue or publication about a test
/// (facilitators).
pub async fn add_spread_activity(
    state: &AppState,
    actor: &Actor,
    idea_id: Uuid,
    input: NewSpreadActivity,
) -> Result<SpreadActivity, ApiError> {
    let tx = state.begin_write().await?;
    hold_idea(&tx, idea_id).await?;
    let idea = load_steps_idea(&tx, idea_id, actor).await?;
    rules::authorize_facilitator(actor)?;
    let mut checks = Checks::new();
    let title = checks.required_text("title", &input.title, 200);
    let notes = checks.optional_text("notes", input.notes.as_deref(), 10_000);
    checks.in_years("held_on", Some(input.held_on));
    checks.finish().map_err(Refusal::Invalid)?;
    rules::authorize_spread(actor, ideas::state_of(&idea)?)?;
    let now = Utc::now();
    let activity = repo::NewSpread {
        kind: spread_kind_name(input.kind),
        title,
        held_on: input.held_on,
        notes,
    };
    let row = repo::insert_spread(&tx, idea.id, activity, now).await?;
    let payload = serde_json::json!({ "spread_activity_id": row.id, "kind": row.kind, "title": row.title, "held_on": row.held_on });
    let entry = step_entry(&idea, IdeaEventKind::AddSpreadActivity, actor, now, payload)?;
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    SpreadActivity::from_row(row)
}

/// The journal entry of a milestone or a spread activity: an event of the idea, whose
/// state it leaves as it is.
fn step_entry<'a>(
    idea: &'a idea_rows::Model,
    kind: IdeaEventKind,
    actor: &Actor,
    at: chrono::DateTime<Utc>,
    payload: serde_json::Value,
) -> Result<Entry<'a>, ApiError> {
    let current = ideas::state_of(idea)?.as_str();
    let subject = Subject::Idea {
        kind,
        row: idea,
        assessor: None,
    };
    Ok(Entry::new(subject, (Some(current), current), actor.id, at, payload))
}
