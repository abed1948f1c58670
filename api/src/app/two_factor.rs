//! Two-factor sign-in with a TOTP app (RFC 6238, SPEC §16).
//!
//! Once an account has confirmed a TOTP app, every password sign-in of it needs a code
//! from that app, or one of its ten one-time recovery codes. With `--require-staff-2fa`, a
//! facilitator without one is sent to set one up after the password step on the web, and
//! the API refuses their password sign-in (403) until then. A code is accepted once: the
//! last time step used is kept per account. Wrong codes are throttled per account like
//! failed logins. See ADR 0037.

use chrono::{DateTime, Duration, Utc};
use sluss_domain::event::UserEventKind;
use sluss_domain::{Actor, ForbiddenReason, Role, UserId};
use totp_rs::{Builder, Secret, Totp};
use uuid::Uuid;

use super::accounts::{count_attempt, refuse_if_throttled};
use super::journal::{self, Entry, Subject};
use crate::error::ApiError;
use crate::persistence::entities::users as user_rows;
use crate::persistence::{sessions, two_factor as repo, users};
use crate::session::{hash_token, new_token};
use crate::state::AppState;
use crate::views::accounts::Session;
use crate::views::users::User;

/// How many recovery codes a set-up gives.
pub const RECOVERY_CODES: usize = 10;

/// How long the code step of a web sign-in may wait after its password step.
pub const PENDING_FOR: Duration = Duration::minutes(10);

/// The issuer an authenticator app shows beside the account.
const ISSUER: &str = "sluss";

/// What a password sign-in still needs after the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: the password is enough.
    Nothing,
    /// A TOTP app is required but not set up yet.
    SetUp,
    /// A code from the account's TOTP app (or a recovery code).
    Code,
}

/// What the account of `user` needs after a right password.
pub async fn need(state: &AppState, user: &user_rows::Model) -> Result<Need, ApiError> {
    let row = repo::find(&state.db, user.id).await?;
    if row.is_some_and(|row| row.confirmed_at.is_some()) {
        return Ok(Need::Code);
    }
    if state.auth.require_staff_2fa && users::roles_of(user)?.contains(Role::Facilitator) {
        return Ok(Need::SetUp);
    }
    Ok(Need::Nothing)
}

/// Whether the account has a confirmed TOTP app.
pub async fn is_on(state: &AppState, user_id: Uuid) -> Result<bool, ApiError> {
    Ok(repo::find(&state.db, user_id)
        .await?
        .is_some_and(|row| row.confirmed_at.is_some()))
}

/// A TOTP app being set up: the secret as text and as an `otpauth://` URI.
#[derive(Debug, Clone)]
pub struct SetUp {
    /// The secret, base32.
    pub secret: String,
    /// The `otpauth://totp/…` URI an app can read.
    pub uri: String,
}

fn totp_of(secret: &str, account: &str) -> Result<Totp, ApiError> {
    let secret =
        Secret::try_from_base32(secret).map_err(|_| ApiError::internal(&"a stored TOTP secret is not base32"))?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account.replace(':', " "))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|error| ApiError::internal(&error))
}

/// Starts (or goes on with) the set-up of a TOTP app: the secret to enter in the app.
/// `None` when the account already has one confirmed: its secret is never shown again.
pub async fn begin_setup(state: &AppState, user_id: Uuid) -> Result<Option<SetUp>, ApiError> {
    let user = users::find(&state.db, user_id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))?;
    let secret = match repo::find(&state.db, user_id).await? {
        Some(row) if row.confirmed_at.is_some() => return Ok(None),
        // A reload shows the same secret, so an app set up from the first view still works.
        Some(row) => row.secret,
        None => {
            let secret = Secret::from(rand::random::<[u8; 20]>()).to_base32();
            let tx = state.begin_write().await?;
            repo::begin(&tx, user_id, secret.clone(), chrono::Utc::now()).await?;
            tx.commit().await?;
            secret
        }
    };
    let uri = totp_of(&secret, &user.email)?
        .to_url()
        .map_err(|error| ApiError::internal(&error))?;
    Ok(Some(SetUp { secret, uri }))
}

/// The throttling key of wrong codes of one account.
fn code_key(user_id: Uuid) -> String {
    format!("totp:user:{user_id}")
}

/// Checks a code for the account: a TOTP code (not used before) or, once set up, an
/// unused recovery code, which is then used up. `confirming` checks against the secret of
/// a set-up not yet confirmed and confirms it. Wrong codes count like failed logins (429
/// from the limit on); a wrong or missing code answers 401.
pub async fn check_code(state: &AppState, user_id: Uuid, code: &str, confirming: bool) -> Result<(), ApiError> {
    let now = Utc::now();
    let key = code_key(user_id);
    let limit = state.auth.login_failures_per_email;
    let attempt = count_attempt(state, &[(&key, limit)], now).await?;
    if accept_code(state, user_id, code, confirming, now).await? {
        attempt.take_back(state).await?;
        return Ok(());
    }
    refuse_if_throttled(state, &key, limit, now).await?;
    Err(ApiError::unauthorized(if code.trim().is_empty() {
        "this account signs in with a code from its TOTP app as well: send `totp_code`"
    } else {
        "wrong or used code"
    }))
}

async fn accept_code(
    state: &AppState,
    user_id: Uuid,
    code: &str,
    confirming: bool,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let Some(row) = repo::find(&state.db, user_id).await? else {
        return Ok(false);
    };
    if confirming == row.confirmed_at.is_some() {
        return Ok(false);
    }
    let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        let totp = totp_of(&row.secret, "")?;
        let seconds = u64::try_from(now.timestamp()).unwrap_or_default();
        let Some(step) = totp.check(&code, seconds) else {
            return Ok(false);
        };
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let tx = state.begin_write().await?;
        let taken = repo::use_step(&tx, user_id, step, confirming.then_some(now)).await?;
        tx.commit().await?;
        return Ok(taken);
    }
    if confirming || code.is_empty() {
        return Ok(false);
    }
    let tx = state.begin_write().await?;
    let used = repo::use_recovery_code(&tx, user_id, &hash_token(&code.to_ascii_uppercase()), now).await?;
    tx.commit().await?;
    Ok(used)
}

/// Ten new recovery codes: 80 random bits each, base32 in four groups of four.
fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let text = Secret::from(rand::random::<[u8; 10]>()).to_base32();
            let groups: Vec<&str> = [&text[0..4], &text[4..8], &text[8..12], &text[12..16]].to_vec();
            groups.join("-")
        })
        .collect()
}

/// Confirms a set-up with a code from the app: the ten recovery codes, to show once.
/// A wrong code answers 401 and leaves the set-up as it was.
pub async fn confirm_setup(state: &AppState, user_id: Uuid, code: &str) -> Result<Vec<String>, ApiError> {
    check_code(state, user_id, code, true).await?;
    let codes = new_recovery_codes();
    let hashes = codes.iter().map(|code| hash_token(&code.replace('-', ""))).collect();
    let now = Utc::now();
    let tx = state.begin_write().await?;
    repo::replace_recovery_codes(&tx, user_id, hashes).await?;
    let entry = Entry::new(
        Subject::User(UserEventKind::SetUpTwoFactor, user_id),
        (Some("active"), "active"),
        UserId(user_id),
        now,
        serde_json::json!({}),
    );
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Ok(codes)
}

/// How many unused recovery codes the account has left.
pub async fn recovery_codes_left(state: &AppState, user_id: Uuid) -> Result<u64, ApiError> {
    Ok(repo::recovery_codes_left(&state.db, user_id).await?)
}

/// A facilitator clears another account's TOTP app (a lost phone); recorded in the
/// account's history. 404 for an unknown account, 403 for anyone but a facilitator.
pub async fn clear(state: &AppState, actor: &Actor, user_id: Uuid) -> Result<(), ApiError> {
    if !actor.roles.contains(Role::Facilitator) {
        return Err(ApiError::forbidden(ForbiddenReason::OnlyFacilitatorsManageUsers));
    }
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let row = users::find_for_update(&tx, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if repo::clear(&tx, user_id).await? {
        let account = if row.active { "active" } else { "deactivated" };
        let entry = Entry::new(
            Subject::User(UserEventKind::ClearTwoFactor, user_id),
            (Some(account), account),
            actor.id,
            now,
            serde_json::json!({}),
        );
        journal::record(state, &tx, entry).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Holds a web sign-in whose password was right until its code comes: a token for the
/// pending-sign-in cookie. It is no session: nothing but the code step accepts it.
pub async fn hold_sign_in(state: &AppState, user_id: Uuid) -> Result<String, ApiError> {
    let (token, token_hash) = new_token();
    let now = Utc::now();
    let tx = state.begin_write().await?;
    repo::create_pending(&tx, token_hash, user_id, now, now + PENDING_FOR).await?;
    tx.commit().await?;
    Ok(token)
}

/// The active account of a held sign-in, if it has not expired.
pub async fn held_account(state: &AppState, token: &str) -> Result<Option<user_rows::Model>, ApiError> {
    let Some(user_id) = repo::find_pending(&state.db, &hash_token(token), Utc::now()).await? else {
        return Ok(None);
    };
    Ok(users::find(&state.db, user_id).await?.filter(|user| user.active))
}

/// Ends a held sign-in and opens the session it was waiting for.
pub async fn finish_sign_in(state: &AppState, held: &str, user: user_rows::Model) -> Result<Session, ApiError> {
    let now = Utc::now();
    let tx = state.begin_write().await?;
    repo::delete_pending(&tx, &hash_token(held)).await?;
    tx.commit().await?;
    open_session(state, user, now).await
}

/// Opens a session for an account whose sign-in is complete.
pub(super) async fn open_session(
    state: &AppState,
    user: user_rows::Model,
    now: DateTime<Utc>,
) -> Result<Session, ApiError> {
    let (token, token_hash) = new_token();
    let expires_at = now + state.auth.token_ttl;
    let tx = state.begin_write().await?;
    sessions::create(&tx, token_hash, user.id, now, expires_at).await?;
    super::activity::signed_in(&tx, user.id, now).await?;
    tx.commit().await?;
    Ok(Session {
        token,
        expires_at,
        user: User::from_row(user)?,
    })
}
