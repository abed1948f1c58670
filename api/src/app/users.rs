//! User administration: facilitators list, create, re-role and deactivate users. The
//! export and erasure of a person's data are in [`privacy`](super::privacy).

use std::sync::Arc;

use chrono::Utc;
use sluss_domain::event::UserEventKind;
use sluss_domain::{Actor, FieldProblem, ForbiddenReason, Role, Roles, UserId, user as rules};
use uuid::Uuid;

use super::accounts::{Registration, prepare_account};
use super::journal::{self, Entry, Subject};
use super::{Expected, check_version, page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::entities::users as rows;
use crate::persistence::users::{self as repo, UserChange};
use crate::persistence::written::Tables;
use crate::persistence::{WriteTx, sessions};
use crate::state::AppState;
use crate::views::users::{User, UserPage};

/// Users, newest first (facilitators); with `matching`, only those whose display name,
/// e-mail or organisation contains that text.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    matching: Option<&str>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<UserPage, ApiError> {
    rules::authorize_manage(actor)?;
    let (limit, after) = page_request(limit, cursor)?;
    let matching = matching.map(str::trim).filter(|text| !text.is_empty());
    let page = repo::list(&state.db, matching, after, limit).await?;
    Ok(to_list_page(page, User::from_row)?.into())
}

/// The most assessors a panel's chooser offers.
const PANEL_CHOICES: u64 = 1_000;

/// The most assessors a search by name offers.
const PANEL_MATCHES: u64 = 50;

/// The people an idea's panel names (facilitators).
#[derive(Debug, Clone, Default)]
pub struct PanelPeople {
    /// Active assessors to choose from, by name: every one (at most [`PANEL_CHOICES`]), or
    /// with a search those whose name, e-mail or organisation holds it (at most
    /// [`PANEL_MATCHES`]).
    pub choices: Arc<Vec<User>>,
    /// The users assigned to the idea, whatever their roles now.
    pub assigned: Vec<User>,
}

/// The people an idea's panel names: the active assessors to choose from, narrowed by
/// `matching` when given, and the users `assigned`. Read by role and by id, not from the
/// newest page of users, so an assessor registered long ago is offered too. The full list
/// is kept until an account changes, as every panel of every idea offers the same.
pub async fn panel_people(
    state: &AppState,
    actor: &Actor,
    assigned: &[Uuid],
    matching: Option<&str>,
) -> Result<PanelPeople, ApiError> {
    rules::authorize_manage(actor)?;
    let choices = match matching.map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => Arc::new(assessors(state, Some(text), PANEL_MATCHES).await?),
        None => {
            // A new account is an insert among the other tables; a changed role or a
            // deactivation is a write to accounts.
            let reads = Tables::ACCOUNTS.with(Tables::OTHER).with(Tables::ORGANISATIONS);
            let read = async { Ok(Arc::new(assessors(state, None, PANEL_CHOICES).await?)) };
            state.reads.value("panel choices".to_owned(), reads, read).await?
        }
    };
    let missing: Vec<Uuid> = assigned
        .iter()
        .copied()
        .filter(|id| !choices.iter().any(|user| user.id == *id))
        .collect();
    let mut people: Vec<User> = choices
        .iter()
        .filter(|user| assigned.contains(&user.id))
        .cloned()
        .collect();
    for row in repo::find_many(&state.db, &missing).await? {
        people.push(User::from_row(row)?);
    }
    Ok(PanelPeople {
        choices,
        assigned: people,
    })
}

async fn assessors(state: &AppState, matching: Option<&str>, limit: u64) -> Result<Vec<User>, ApiError> {
    repo::active_holders(&state.db, Role::Assessor, matching, limit)
        .await?
        .into_iter()
        .map(User::from_row)
        .collect()
}

/// Creates a user with any roles, at least one (facilitators).
pub async fn create(state: &AppState, actor: &Actor, input: Registration) -> Result<User, ApiError> {
    rules::authorize_manage(actor)?;
    if input.roles.is_empty() {
        return Err(ApiError::invalid("roles", FieldProblem::NoRole));
    }
    let new_user = prepare_account(state, input).await?;
    let tx = state.begin_write().await?;
    let row = repo::insert(&tx, new_user, Utc::now()).await?;
    tx.commit().await?;
    User::from_row(row)
}

/// Loads a user `actor` may see (404 otherwise).
async fn load_visible(state: &AppState, actor: &Actor, id: Uuid) -> Result<rows::Model, ApiError> {
    if !rules::can_view(UserId(id), actor) {
        return Err(ApiError::not_found());
    }
    repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)
}

/// One user (facilitators, or the user themselves).
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> Result<User, ApiError> {
    User::from_row(load_visible(state, actor, id).await?)
}

/// Replaces a user's roles (facilitators).
pub async fn set_roles(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    roles: Roles,
    expected: Option<Expected>,
) -> Result<User, ApiError> {
    load_visible(state, actor, id).await?;
    change(state, actor, id, expected, Managed::Roles(roles)).await
}

/// Lets a deactivated user sign in again (facilitators).
pub async fn reactivate(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
) -> Result<User, ApiError> {
    load_visible(state, actor, id).await?;
    change(state, actor, id, expected, Managed::Reactivate).await
}

/// Deactivates a user; their sessions end at once (facilitators).
pub async fn deactivate(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
) -> Result<User, ApiError> {
    load_visible(state, actor, id).await?;
    change(state, actor, id, expected, Managed::Deactivate).await
}

/// What a facilitator changes on someone's account.
#[derive(Debug, Clone, Copy)]
enum Managed {
    Roles(Roles),
    Deactivate,
    Reactivate,
}

impl From<Managed> for UserChange {
    fn from(change: Managed) -> Self {
        match change {
            Managed::Roles(roles) => UserChange::Roles(roles),
            Managed::Deactivate => UserChange::Deactivate,
            Managed::Reactivate => UserChange::Reactivate,
        }
    }
}

/// Locks the rows of the acting facilitator and of the user `id` (in the order of their
/// ids, so two facilitators acting on each other cannot deadlock) and returns the user's.
/// The actor is checked again under the lock: a facilitator deactivated, or stripped of
/// the role, by a change committed since their token was read has lost the right to act —
/// 401 when deactivated (their sessions ended with it), 403 when no longer a facilitator.
/// So of two facilitators deactivating each other at once exactly one succeeds.
async fn lock_actor_and_user(tx: &WriteTx, actor: &Actor, id: Uuid) -> Result<rows::Model, ApiError> {
    let me = actor.id.as_uuid();
    let mut order = [me, id];
    order.sort_unstable();
    let mut locked = Vec::with_capacity(2);
    for user in order {
        locked.push(repo::find_for_update(tx, user).await?);
    }
    let find = |user: Uuid| locked.iter().flatten().find(|row| row.id == user).cloned();
    let current = find(me).filter(|row| row.active);
    let Some(current) = current else {
        return Err(ApiError::unauthorized("your account was deactivated"));
    };
    if !repo::roles_of(&current)?.contains(Role::Facilitator) {
        return Err(ApiError::forbidden(ForbiddenReason::OnlyFacilitatorsManageUsers));
    }
    find(id).ok_or_else(ApiError::not_found)
}

async fn change(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
    change: Managed,
) -> Result<User, ApiError> {
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let row = lock_actor_and_user(&tx, actor, id).await?;
    let (command, payload) = match change {
        Managed::Roles(roles) => {
            rules::decide_set_roles(UserId(id), roles, actor)?;
            (
                UserEventKind::SetRoles,
                serde_json::json!({ "roles": roles.iter().map(Role::as_str).collect::<Vec<_>>() }),
            )
        }
        Managed::Deactivate => {
            rules::decide_deactivate(UserId(id), row.active, actor)?;
            (UserEventKind::Deactivate, serde_json::json!({}))
        }
        Managed::Reactivate => {
            rules::decide_reactivate(UserId(id), row.active, actor)?;
            (UserEventKind::Reactivate, serde_json::json!({}))
        }
    };
    check_version(expected, row.version)?;
    let updated = repo::update(&tx, id, row.version, &UserChange::from(change), now).await?;
    if let Managed::Deactivate = change {
        sessions::delete_for_user(&tx, id, now).await?;
    }
    let to = if updated.active { "active" } else { "deactivated" };
    let from = if row.active { "active" } else { "deactivated" };
    let entry = Entry::new(Subject::User(command, id), (Some(from), to), actor.id, now, payload);
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    User::from_row(updated)
}
