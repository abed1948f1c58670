//! Password reset by e-mail (SPEC §11.4): a person who forgot their password asks for a
//! link; a facilitator can send one. The link's token is stored only as a hash, valid one
//! hour and usable once; setting the password through it ends every session.

use chrono::{DateTime, Duration, Utc};
use sluss_domain::event::UserEventKind;
use sluss_domain::validate::is_plausible_email;
use sluss_domain::{Actor, FieldProblem, Refusal, UserId, password, user as rules};
use uuid::Uuid;

use super::accounts::count_attempt;
use super::journal::{self, Entry, Subject};
use crate::error::ApiError;
use crate::persistence::mail::{self, Letter};
use crate::persistence::users::UserChange;
use crate::persistence::{WriteTx, sessions, users};
use crate::session::{hash_token, new_token};
use crate::state::AppState;

/// How long a reset link can be used.
pub const LINK_VALID_FOR: Duration = Duration::hours(1);

/// The throttling key of reset requests for one (lower-cased) e-mail, hashed like login's.
fn email_key(email: &str) -> String {
    format!("reset:email:{}", hash_token(email))
}

/// Asks for a reset link to be e-mailed to `email`. Whether an account has that address or
/// not, the caller learns nothing: the answer is the same, and so is the work — one lookup
/// and one write transaction; for an active account (and a configured mail server) the
/// transaction also holds the token and the e-mail. Throttled per e-mail and per client
/// address: 429 beyond the limits, counted for every request.
pub async fn request(state: &AppState, client_addr: &str, email: &str) -> Result<(), ApiError> {
    let now = Utc::now();
    let settings = &state.auth;
    let email = email.trim().to_lowercase();
    // An empty address is a malformed request, not an account to hide.
    if email.is_empty() {
        return Err(ApiError::invalid("email", FieldProblem::Required));
    }
    let email_key = email_key(&email);
    let address_key = format!("reset:addr:{client_addr}");
    // Counted before anything is looked up or sent, so a burst cannot send more links than
    // the limit; every request stays counted.
    let _counted = count_attempt(
        state,
        &[
            (&email_key, settings.password_resets_per_email),
            (&address_key, settings.password_resets_per_address),
        ],
        now,
    )
    .await?;
    let user = if is_plausible_email(&email) {
        users::find_by_email(&state.db, &email).await?
    } else {
        None
    };
    let (token, token_hash) = new_token();
    let tx = state.begin_write().await?;
    match user {
        Some(user) if user.active && state.http.mail_enabled => {
            mail::insert_reset(&tx, token_hash, user.id, now, now + LINK_VALID_FOR).await?;
            mail::enqueue(&tx, user.id, Letter::PasswordReset(&token), now).await?;
        }
        Some(_) if !state.http.mail_enabled => {
            tracing::warn!("a password reset was asked for, but no mail server is configured (--smtp-url)");
        }
        _ => {}
    }
    tx.commit().await?;
    Ok(())
}

/// Sends a reset link to the account `id` (facilitators); recorded in its history.
pub async fn send_link(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    let now = Utc::now();
    let (token, token_hash) = new_token();
    let tx = state.begin_write().await?;
    let row = users::find_for_update(&tx, id).await?;
    let Some(row) = row.filter(|_| rules::can_view(UserId(id), actor)) else {
        return Err(ApiError::not_found());
    };
    rules::decide_send_reset(UserId(id), row.active, state.http.mail_enabled, actor)?;
    mail::insert_reset(&tx, token_hash, id, now, now + LINK_VALID_FOR).await?;
    mail::enqueue(&tx, id, Letter::PasswordReset(&token), now).await?;
    let subject = Subject::User(UserEventKind::SendResetLink, id);
    let entry = Entry::new(
        subject,
        (Some("active"), "active"),
        actor.id,
        now,
        serde_json::json!({}),
    );
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with the token of a reset link. Every session of the account ends.
/// An unknown, used or expired token — or one of an account deactivated since — answers
/// 422 on `token` and changes nothing; so does a weak password, which leaves the token
/// usable. The token is checked before the new password is hashed, and attempts are
/// throttled per client address like login failures (429 beyond the limit), so guessed
/// tokens cost the server no hashing.
pub async fn confirm(state: &AppState, client_addr: &str, token: &str, new_password: String) -> Result<(), ApiError> {
    if let Err(error) = password::check("password", &new_password) {
        return Err(Refusal::Invalid(vec![error]).into());
    }
    let now = Utc::now();
    let refused = || ApiError::invalid("token", FieldProblem::ResetLinkUnusable);
    let key = format!("reset-confirm:addr:{client_addr}");
    let attempt = count_attempt(state, &[(&key, state.auth.password_resets_per_address)], now).await?;
    let token_hash = hash_token(token.trim());
    if !mail::reset_is_open(&state.db, &token_hash, now).await? {
        return Err(refused());
    }
    attempt.take_back(state).await?;
    let hash = state.passwords.hash(new_password).await?;
    let tx = state.begin_write().await?;
    let Some(user_id) = mail::take_reset(&tx, &token_hash, now).await? else {
        return Err(refused());
    };
    let row = users::find_for_update(&tx, user_id).await?;
    let Some(row) = row.filter(|row| row.active) else {
        return Err(refused());
    };
    users::update(&tx, user_id, row.version, &UserChange::Password(hash), now).await?;
    sessions::delete_for_user(&tx, user_id, now).await?;
    let subject = Subject::User(UserEventKind::ResetPassword, user_id);
    let entry = Entry::new(
        subject,
        (Some("active"), "active"),
        UserId(user_id),
        now,
        serde_json::json!({}),
    );
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Uses up every open reset link of `user_id`, in the transaction `tx` that sets their
/// password another way (`PUT /me/password`, the settings page): a link asked for before
/// the change must not undo it.
pub async fn use_up_links(tx: &WriteTx, user_id: Uuid, now: DateTime<Utc>) -> Result<(), ApiError> {
    mail::use_up_resets(tx, user_id, now).await?;
    Ok(())
}
