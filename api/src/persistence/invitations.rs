//! Team invitations (SPEC §14.2): one row per invited address on an idea, and the copy of
//! the accepted members' accounts on the idea's row (`ideas.member_ids`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sluss_domain::UserId;
use uuid::Uuid;

use super::entities::{ideas, team_invitations as rows};
use super::{RepoError, stored};

/// An invitation's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Told, not yet answered.
    Invited,
    /// Accepted: the account acts with the innovator.
    Accepted,
    /// Declined.
    Declined,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Invited => "invited",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
        }
    }

    /// The status of a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Status::Invited, Status::Accepted, Status::Declined]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

/// The status stored on `row`.
pub fn status_of(row: &rows::Model) -> Result<Status, RepoError> {
    stored(Status::parse(&row.status), "team_invitations.status", &row.status)
}

/// How accounts are matched to an address: trimmed, in lower case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The accepted members stored on an idea's row.
pub fn member_ids(row: &ideas::Model) -> Result<Vec<UserId>, RepoError> {
    let ids: Vec<Uuid> = stored(
        serde_json::from_str(&row.member_ids).ok(),
        "ideas.member_ids",
        &row.member_ids,
    )?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// The invitation with this token.
pub async fn find(db: &impl ConnectionTrait, token: Uuid) -> Result<Option<rows::Model>, RepoError> {
    Ok(rows::Entity::find_by_id(token).one(db).await?)
}

/// The invitations to the address `email_key` that are not answered, newest first.
pub async fn open_for_address(db: &impl ConnectionTrait, email_key: &str) -> Result<Vec<rows::Model>, RepoError> {
    Ok(rows::Entity::find()
        .filter(rows::Column::EmailKey.eq(email_key))
        .filter(rows::Column::Status.eq(Status::Invited.as_str()))
        .order_by_desc(rows::Column::CreatedAt)
        .limit(100)
        .all(db)
        .await?)
}

/// The invitations of each of `idea_ids`, oldest first.
pub async fn of_ideas(
    db: &impl ConnectionTrait,
    idea_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<rows::Model>>, RepoError> {
    let mut by_idea: HashMap<Uuid, Vec<rows::Model>> = HashMap::new();
    if idea_ids.is_empty() {
        return Ok(by_idea);
    }
    for row in rows::Entity::find()
        .filter(rows::Column::IdeaId.is_in(idea_ids.iter().copied()))
        .order_by_asc(rows::Column::CreatedAt)
        .all(db)
        .await?
    {
        by_idea.entry(row.idea_id).or_default().push(row);
    }
    Ok(by_idea)
}

/// Brings the invitations of `idea` in line with the addresses of its team: an address
/// new to it is invited, an address no longer in it loses its invitation (and, if it had
/// accepted, its access), a kept address keeps its answer. Gives back the new invitations
/// and the accepted members that remain, to be written to the idea's `member_ids`.
pub async fn sync(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    addresses: &[String],
    invited_by: Uuid,
    now: DateTime<Utc>,
) -> Result<(Vec<rows::Model>, Vec<Uuid>), RepoError> {
    let existing = rows::Entity::find()
        .filter(rows::Column::IdeaId.eq(idea_id))
        .all(db)
        .await?;
    let mut wanted: Vec<(String, &String)> = Vec::new();
    for address in addresses {
        let key = email_key(address);
        if !key.is_empty() && !wanted.iter().any(|(k, _)| *k == key) {
            wanted.push((key, address));
        }
    }
    let gone: Vec<Uuid> = existing
        .iter()
        .filter(|row| !wanted.iter().any(|(key, _)| *key == row.email_key))
        .map(|row| row.id)
        .collect();
    if !gone.is_empty() {
        rows::Entity::delete_many()
            .filter(rows::Column::Id.is_in(gone.iter().copied()))
            .exec(db)
            .await?;
    }
    let mut invited = Vec::new();
    for (key, address) in &wanted {
        if existing.iter().any(|row| row.email_key == *key) {
            continue;
        }
        let row = rows::ActiveModel {
            id: Set(Uuid::new_v4()),
            idea_id: Set(idea_id),
            email: Set(address.trim().to_owned()),
            email_key: Set(key.clone()),
            status: Set(Status::Invited.as_str().to_owned()),
            user_id: Set(None),
            invited_by: Set(invited_by),
            created_at: Set(now),
            responded_at: Set(None),
        }
        .insert(db)
        .await?;
        invited.push(row);
    }
    let members = existing
        .iter()
        .filter(|row| !gone.contains(&row.id) && row.status == Status::Accepted.as_str())
        .filter_map(|row| row.user_id)
        .collect();
    Ok((invited, members))
}

/// Records the answer to `invitation` by `user_id`, and gives back the accepted members of
/// its idea afterwards.
pub async fn answer(
    db: &impl ConnectionTrait,
    invitation: &rows::Model,
    user_id: Uuid,
    status: Status,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, RepoError> {
    rows::ActiveModel {
        id: Set(invitation.id),
        status: Set(status.as_str().to_owned()),
        user_id: Set((status == Status::Accepted).then_some(user_id)),
        responded_at: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    accepted_on(db, invitation.idea_id).await
}

/// The accounts that accepted an invitation to `idea_id`.
pub async fn accepted_on(db: &impl ConnectionTrait, idea_id: Uuid) -> Result<Vec<Uuid>, RepoError> {
    Ok(rows::Entity::find()
        .filter(rows::Column::IdeaId.eq(idea_id))
        .filter(rows::Column::Status.eq(Status::Accepted.as_str()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| row.user_id)
        .collect())
}

/// The stored form of the accepted members `ids`, for `ideas.member_ids`.
pub fn stored_members(ids: &[Uuid]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}

/// Forgets the invitations of the account `user_id` with the address `email` (erasure):
/// those sent to the address and those it accepted end, and each idea it was a member of
/// drops it.
pub async fn forget(db: &impl ConnectionTrait, user_id: Uuid, email: &str) -> Result<(), RepoError> {
    let theirs = sea_orm::Condition::any()
        .add(rows::Column::UserId.eq(user_id))
        .add(rows::Column::EmailKey.eq(email_key(email)));
    let theirs_rows = rows::Entity::find().filter(theirs.clone()).all(db).await?;
    rows::Entity::delete_many().filter(theirs).exec(db).await?;
    let theirs = theirs_rows;
    for row in theirs {
        let members = accepted_on(db, row.idea_id).await?;
        ideas::ActiveModel {
            id: Set(row.idea_id),
            member_ids: Set(stored_members(&members)),
            ..Default::default()
        }
        .update(db)
        .await?;
    }
    Ok(())
}
