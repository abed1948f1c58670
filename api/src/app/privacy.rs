//! A person's copy of everything stored about them, and the erasure of their personal
//! data. The JSON face serves them at `GET /me/export`, `GET /users/{id}/export` and
//! `POST /users/{id}/erase`.

use chrono::Utc;
use sluss_domain::event::UserEventKind;
use sluss_domain::privacy::{self as rules, ErasureFacts};
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, ConflictReason, Refusal, Role, UserId};
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use super::{Expected, check_version};
use crate::error::ApiError;
use crate::persistence::entities::users as user_rows;
use crate::persistence::privacy::{self as repo, account_state};
use crate::persistence::{attachments, mail, notifications, users};
use crate::state::AppState;
use crate::views::ideas::Idea;
use crate::views::privacy::PersonalData;
use crate::views::users::User;

/// Everything stored about `user_id`, for the person themselves or a facilitator. An
/// export by the team of someone else's data is recorded in that person's history, so
/// they can see it.
pub async fn export(state: &AppState, actor: &Actor, user_id: Uuid) -> Result<PersonalData, ApiError> {
    rules::authorize_export(UserId(user_id), actor)?;
    let row = users::find(&state.db, user_id).await?.ok_or_else(ApiError::not_found)?;
    let now = Utc::now();
    if actor.id.as_uuid() != user_id {
        let erased = repo::is_erased(&state.db, user_id).await?;
        let account = account_state(&row, erased);
        let tx = state.begin_write().await?;
        let subject = Subject::User(UserEventKind::Export, user_id);
        let entry = Entry::new(subject, (Some(account), account), actor.id, now, serde_json::json!({}));
        journal::record(state, &tx, entry).await?;
        tx.commit().await?;
    }
    let footprint = repo::footprint(&state.db, row).await?;
    let names = Idea::names(&state.db, &footprint.ideas).await?;
    PersonalData::from_footprint(footprint, &names, now)
}

/// Erases the personal data of `user_id` (facilitators, never their own) in one
/// transaction, records the erasure with its `reason`, and answers with the account as
/// it is afterwards: the e-mail becomes an undeliverable placeholder, the name "Erased
/// user", the password unusable; the account is deactivated, its tokens die, and the
/// person leaves every idea team. Erasing twice, or the last active facilitator, is a 409.
pub async fn erase(
    state: &AppState,
    actor: &Actor,
    user_id: Uuid,
    reason: Option<String>,
    expected: Option<Expected>,
) -> Result<User, ApiError> {
    rules::authorize_erase(UserId(user_id), actor)?;
    let mut checks = Checks::new();
    let reason = checks.optional_text("reason", reason.as_deref(), rules::REASON_MAX);
    checks.finish().map_err(Refusal::Invalid)?;
    erase_checked(state, actor.id, user_id, reason, expected, |_| Ok(())).await
}

/// The erasure of [`erase`], recorded as done by `actor`, once `still` has accepted the
/// account's row as read under the write lock. The retention job (ADR 0038) erases through
/// this too, with the account itself as the actor and `still` checking that it is still
/// unused.
pub(crate) async fn erase_checked(
    state: &AppState,
    actor: UserId,
    user_id: Uuid,
    reason: Option<String>,
    expected: Option<Expected>,
    still: impl Fn(&user_rows::Model) -> Result<(), ApiError>,
) -> Result<User, ApiError> {
    let found = users::find(&state.db, user_id).await?.ok_or_else(ApiError::not_found)?;
    // The teams are searched before the write lock is taken: a scan must not hold up
    // every writer. Each idea found is re-read and changed under the lock.
    let listed: Vec<Uuid> = repo::listing(&state.db, &found.email)
        .await?
        .iter()
        .map(|idea| idea.id)
        .collect();
    let own_files = super::attachments::own_files(state, user_id).await?;
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let row = users::find_for_update(&tx, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    still(&row)?;
    let facts = facts_of(&tx, &row).await?;
    rules::check_erasable(facts)?;
    check_version(expected, row.version)?;
    if row.email != found.email {
        return Err(ApiError::conflict(ConflictReason::AccountChangedDuringErasure));
    }
    let login_key = super::accounts::login_email_key(&row.email);
    let (updated, erased) = repo::erase(&tx, &row, &listed, &login_key, now).await?;
    // Their inbox goes with them: it told only them what concerned them; and so do the
    // e-mails queued or sent to them and their reset links.
    mail::delete_for(&tx, user_id).await?;
    notifications::delete_for(&tx, user_id).await?;
    // The files they uploaded to their own challenges and ideas go (their bytes once this
    // commits); on other people's records the files stay, without their uploader.
    attachments::delete_all(&tx, &own_files).await?;
    attachments::forget_uploader(&tx, user_id).await?;
    // Which privacy notice they accepted, and when, is about them too (SPEC §16).
    crate::persistence::site::delete_consents_for(&tx, user_id).await?;
    let payload = serde_json::json!({
        "reason": reason,
        "files_deleted": own_files.len(),
        "team_entries_removed": erased.team_entries,
        "ideas_changed": erased.ideas,
        "event_payloads_rewritten": erased.events,
        "stored_answers_forgotten": erased.stored_answers,
    });
    let states = (Some(account_state(&row, false)), rules::ERASED_STATE);
    let entry = Entry::new(
        Subject::User(UserEventKind::Erase, user_id),
        states,
        actor,
        now,
        payload,
    );
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    super::attachments::forget_bytes(state, &own_files).await;
    User::from_row(updated)
}

async fn facts_of(db: &impl sea_orm::ConnectionTrait, row: &user_rows::Model) -> Result<ErasureFacts, ApiError> {
    let roles = users::roles_of(row)?;
    Ok(ErasureFacts {
        already_erased: repo::is_erased(db, row.id).await?,
        active_facilitator: row.active && roles.contains(Role::Facilitator),
        other_active_facilitators: repo::other_active_facilitators(db, row.id).await?,
    })
}
