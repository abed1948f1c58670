//! Teams that act together (SPEC §14.2): a team entry with an e-mail is invited when the
//! idea is saved with it; the account with that address accepts or declines at
//! `/invitations/{token}`, and once accepted sees and edits the idea as its innovator does.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sluss_domain::event::IdeaEventKind;
use sluss_domain::{Actor, ConflictReason, ForbiddenReason};
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use crate::error::ApiError;
use crate::persistence::entities::{ideas as idea_rows, team_invitations as rows};
use crate::persistence::invitations::{self as repo, Status};
use crate::persistence::mail::{self as mail_repo, Letter};
use crate::persistence::notifications::{self as notifications, NewNotification};
use crate::persistence::{WriteTx, challenges, ideas, users};
use crate::state::AppState;
use crate::views::ideas::ApiInvitationStatus;
use crate::views::invitations::Invitation;

/// The notification kind of an invitation (its page is the account's invitations).
pub const INVITE: &str = "invite";

/// Brings the invitations of the saved idea `row` in line with its team (inside the save's
/// transaction): new addresses are invited — an account with the address by notification,
/// an address without one by e-mail — removed ones lose their access. Gives back the row
/// with its accepted members written.
pub async fn follow_team(
    state: &AppState,
    tx: &WriteTx,
    row: idea_rows::Model,
    inviter: &Actor,
    now: DateTime<Utc>,
) -> Result<idea_rows::Model, ApiError> {
    let team: Vec<crate::views::ideas::TeamMember> = serde_json::from_str(&row.team).unwrap_or_default();
    let addresses: Vec<String> = team.into_iter().map(|member| member.email).collect();
    let (invited, members) = repo::sync(tx, row.id, &addresses, inviter.id.as_uuid(), now).await?;
    for invitation in &invited {
        match users::find_by_email(tx, &invitation.email_key).await? {
            Some(account) if account.id == inviter.id.as_uuid() => {}
            Some(account) => {
                let notification = notifications::insert(
                    tx,
                    NewNotification {
                        recipient_id: account.id,
                        kind: INVITE,
                        subject_type: "idea",
                        subject_id: row.id,
                        title: &row.title,
                        at: now,
                    },
                )
                .await?;
                if state.http.mail_enabled && account.email_notifications && account.active {
                    mail_repo::enqueue(tx, account.id, Letter::Notification(notification), now).await?;
                }
            }
            None if state.http.mail_enabled => {
                let token = invitation.id.to_string();
                mail_repo::enqueue(tx, inviter.id.as_uuid(), Letter::Invitation(&token), now).await?;
            }
            None => {}
        }
    }
    let stored = repo::stored_members(&members);
    if stored == row.member_ids {
        return Ok(row);
    }
    Ok(ideas::set_members(tx, &row, stored).await?)
}

/// The invitation with `token`, for the account it was sent to (403 for any other).
pub async fn get(state: &AppState, actor: &Actor, token: Uuid) -> Result<Invitation, ApiError> {
    let row = repo::find(&state.db, token).await?.ok_or_else(ApiError::not_found)?;
    check_addressee(&state.db, actor, &row).await?;
    one(&state.db, row).await
}

/// The invitations sent to `actor`'s address that are not answered, newest first.
pub async fn open_for(state: &AppState, actor: &Actor) -> Result<Vec<Invitation>, ApiError> {
    let account = users::find(&state.db, actor.id.as_uuid())
        .await?
        .ok_or_else(ApiError::not_found)?;
    let open = repo::open_for_address(&state.db, &repo::email_key(&account.email)).await?;
    views(&state.db, open).await
}

/// Accepts (`accept`) or declines the invitation with `token`, as the account it was sent
/// to, while it is not answered.
pub async fn answer(state: &AppState, actor: &Actor, token: Uuid, accept: bool) -> Result<Invitation, ApiError> {
    let tx = state.begin_write().await?;
    let found = repo::find(&tx, token).await?.ok_or_else(ApiError::not_found)?;
    // The idea is held first, as every writer of an idea holds it.
    let idea = ideas::find_for_update(&tx, found.idea_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let row = repo::find(&tx, token).await?.ok_or_else(ApiError::not_found)?;
    check_addressee(&tx, actor, &row).await?;
    if repo::status_of(&row)? != Status::Invited {
        return Err(ApiError::conflict(ConflictReason::InvitationAnswered));
    }
    let now = Utc::now();
    let status = if accept { Status::Accepted } else { Status::Declined };
    let members = repo::answer(&tx, &row, actor.id.as_uuid(), status, now).await?;
    let idea = ideas::set_members(&tx, &idea, repo::stored_members(&members)).await?;
    // The answer is an entry of the idea's history; the idea's state stays as it is.
    let kind = if accept {
        IdeaEventKind::AcceptInvitation
    } else {
        IdeaEventKind::DeclineInvitation
    };
    let subject = Subject::Idea {
        kind,
        row: &idea,
        assessor: None,
    };
    let states = (Some(idea.state.as_str()), idea.state.as_str());
    let payload = serde_json::json!({ "invitation_id": row.id });
    journal::record(state, &tx, Entry::new(subject, states, actor.id, now, payload)).await?;
    tx.commit().await?;
    let answered = repo::find(&state.db, token).await?.ok_or_else(ApiError::not_found)?;
    one(&state.db, answered).await
}

/// Refuses (403) an account whose address is not the invited one.
async fn check_addressee(db: &impl sea_orm::ConnectionTrait, actor: &Actor, row: &rows::Model) -> Result<(), ApiError> {
    let account = users::find(db, actor.id.as_uuid()).await?;
    if account.is_some_and(|account| repo::email_key(&account.email) == row.email_key) {
        Ok(())
    } else {
        Err(ApiError::forbidden(ForbiddenReason::NotYourInvitation))
    }
}

async fn one(db: &impl sea_orm::ConnectionTrait, row: rows::Model) -> Result<Invitation, ApiError> {
    views(db, vec![row]).await?.pop().ok_or_else(ApiError::not_found)
}

/// The views of `rows`, their ideas, challenges and inviters read once for all of them; an
/// invitation whose idea is gone is left out.
async fn views(db: &impl sea_orm::ConnectionTrait, rows: Vec<rows::Model>) -> Result<Vec<Invitation>, ApiError> {
    let idea_ids: Vec<Uuid> = rows.iter().map(|row| row.idea_id).collect();
    let ideas: HashMap<Uuid, idea_rows::Model> = ideas::find_many(db, &idea_ids)
        .await?
        .into_iter()
        .map(|idea| (idea.id, idea))
        .collect();
    let challenge_ids: Vec<Uuid> = ideas.values().map(|idea| idea.challenge_id).collect();
    let challenge_titles = challenges::titles_of(db, &challenge_ids).await?;
    let inviter_ids: Vec<Uuid> = rows.iter().map(|row| row.invited_by).collect();
    let inviters: HashMap<Uuid, String> = users::find_many(db, &inviter_ids)
        .await?
        .into_iter()
        .map(|account| (account.id, account.display_name))
        .collect();
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(idea) = ideas.get(&row.idea_id) else { continue };
        views.push(Invitation {
            id: row.id,
            idea_id: row.idea_id,
            idea_title: idea.title.clone(),
            challenge_title: challenge_titles.get(&idea.challenge_id).cloned().unwrap_or_default(),
            invited_by: inviters.get(&row.invited_by).cloned().unwrap_or_default(),
            status: ApiInvitationStatus::from(repo::status_of(&row)?),
            created_at: row.created_at,
            responded_at: row.responded_at,
        });
    }
    Ok(views)
}
