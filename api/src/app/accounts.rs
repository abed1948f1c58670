//! Accounts: registration, login, logout, the caller's own account and the first
//! facilitator. Registration and login are throttled per client address (and login per
//! e-mail) as SPEC §7 asks; the faces pass the address they read from the connection.

use chrono::{DateTime, Utc};
use sluss_domain::validate::{Checks, is_plausible_email};
use sluss_domain::{Actor, Refusal, Role, Roles, password, user as rules};
use uuid::Uuid;

use super::{Expected, check_version};
use crate::error::ApiError;
use crate::persistence::users::{NewUser, UserChange};
use crate::persistence::{events, organisations, sessions, throttle, users};
use crate::session::{hash_token, new_token};
use crate::state::AppState;
use crate::views::accounts::Session;
use crate::views::users::User;

/// A new account, as registered by a person or created by a facilitator.
#[derive(Debug, Clone)]
pub struct Registration {
    /// E-mail address.
    pub email: String,
    /// 15..128 characters, not a common password.
    pub password: String,
    /// Name shown to others.
    pub display_name: String,
    /// Organisation, if any (used for conflict-of-interest checks).
    pub organisation: Option<String>,
    /// Roles asked for. At registration only needs-owner and innovator.
    pub roles: Roles,
    /// The language sluss writes to them in.
    pub locale: &'static str,
}

/// The languages a person may choose to be written to in.
pub const LOCALES: [&str; 2] = ["sv", "en"];

/// The language of an account that chose none: Swedish, the city's.
pub const DEFAULT_LOCALE: &str = "sv";

/// Checks a new account's values and hashes its password.
pub async fn prepare_account(state: &AppState, account: Registration) -> Result<NewUser, ApiError> {
    let mut checks = Checks::new();
    let email = checks.email("email", &account.email);
    let display_name = checks.required_text("display_name", &account.display_name, 200);
    let organisation = checks.optional_text("organisation", account.organisation.as_deref(), 200);
    if let Err(error) = password::check("password", &account.password) {
        checks.fail(&error.field, error.message);
    }
    checks.finish().map_err(Refusal::Invalid)?;
    let password_hash = state.passwords.hash(account.password).await?;
    Ok(NewUser {
        email,
        display_name,
        organisation,
        organisation_id: None,
        roles: account.roles,
        password_hash,
        locale: account.locale,
    })
}

/// Answers 429 when `key` has `limit` or more entries in the window.
pub(super) async fn refuse_if_throttled(
    state: &AppState,
    key: &str,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let window = state.auth.throttle_window;
    let (count, oldest) = throttle::count_since(&state.db, key, now - window).await?;
    if count >= limit {
        let retry_at = oldest.unwrap_or(now) + window;
        return Err(ApiError::too_many_requests(seconds_until(retry_at, now)));
    }
    Ok(())
}

/// The throttling key of login failures for one (lower-cased) e-mail. It holds a hash,
/// so that the failure log keeps no address and its key fits the column whatever was sent.
pub fn login_email_key(email: &str) -> String {
    format!("login:email:{}", hash_token(email))
}

fn seconds_until(at: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((at - now).num_seconds()).unwrap_or(0) + 1
}

/// Registers a needs-owner and/or innovator. At most `registrations_per_address`
/// attempts per client address within the throttle window (429 beyond); an e-mail
/// already registered answers 409.
pub async fn register(state: &AppState, client_addr: &str, input: Registration) -> Result<User, ApiError> {
    let now = Utc::now();
    let settings = &state.auth;
    let key = format!("register:addr:{client_addr}");
    refuse_if_throttled(state, &key, settings.registrations_per_address, now).await?;
    rules::check_registration_roles(input.roles)?;
    let new_user = prepare_account(state, input).await?;
    // The attempt counts even when the insert is refused (an e-mail already taken).
    let tx = state.begin_write().await?;
    throttle::record(&tx, &key, now, now - settings.throttle_window).await?;
    tx.commit().await?;
    let tx = state.begin_write().await?;
    let row = users::insert(&tx, new_user, now).await?;
    tx.commit().await?;
    User::from_row(row)
}

/// Logs in with e-mail and password and opens a session. From the 10th failure within
/// the window for one e-mail (or the 100th from one client address) the answer is 429;
/// a wrong e-mail or password answers 401.
pub async fn login(state: &AppState, client_addr: &str, email: &str, password: &str) -> Result<Session, ApiError> {
    let now = Utc::now();
    let settings = &state.auth;
    let since = now - settings.throttle_window;
    let email = email.trim().to_lowercase();
    let email_key = login_email_key(&email);
    let address_key = format!("login:addr:{client_addr}");
    refuse_if_throttled(state, &email_key, settings.login_failures_per_email, now).await?;
    refuse_if_throttled(state, &address_key, settings.login_failures_per_address, now).await?;

    // No account has an implausible address (too long, a NUL…): skip the lookup, which
    // PostgreSQL would refuse, but still verify against the decoy so it costs the same.
    let user = if is_plausible_email(&email) {
        users::find_by_email(&state.db, &email).await?
    } else {
        None
    };
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified = state.passwords.verify(password.to_owned(), stored_hash).await?;
    let user = match user {
        Some(user) if verified && user.active => user,
        _ => {
            let tx = state.begin_write().await?;
            throttle::record(&tx, &email_key, now, since).await?;
            throttle::record(&tx, &address_key, now, since).await?;
            tx.commit().await?;
            // Counted again after recording, so that of a burst that passed the checks
            // above together only the failures within each limit answer 401. The
            // address limit lets `limit` failures through, as its check above does.
            refuse_if_throttled(state, &email_key, settings.login_failures_per_email, now).await?;
            refuse_if_throttled(state, &address_key, settings.login_failures_per_address + 1, now).await?;
            return Err(ApiError::unauthorized("wrong e-mail or password"));
        }
    };
    let (token, token_hash) = new_token();
    let expires_at = now + settings.token_ttl;
    let tx = state.begin_write().await?;
    throttle::clear(&tx, &email_key).await?;
    sessions::create(&tx, token_hash, user.id, now, expires_at).await?;
    tx.commit().await?;
    Ok(Session {
        token,
        expires_at,
        user: User::from_row(user)?,
    })
}

/// Ends the session whose token has this hash.
pub async fn logout(state: &AppState, token_hash: &str) -> Result<(), ApiError> {
    let tx = state.begin_write().await?;
    sessions::delete(&tx, token_hash).await?;
    tx.commit().await?;
    Ok(())
}

/// What a person changes of their own account; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Name shown to others.
    pub display_name: Option<String>,
    /// `sv` or `en`: the language sluss writes to them in.
    pub locale: Option<String>,
    /// Whether they want notifications by e-mail.
    pub email_notifications: Option<bool>,
    /// The registered organisation they belong to; `Some(None)` clears it.
    pub organisation_id: Option<Option<Uuid>>,
}

/// Changes the caller's own settings.
pub async fn update_settings(
    state: &AppState,
    actor: &Actor,
    settings: Settings,
    expected: Option<Expected>,
) -> Result<User, ApiError> {
    let mut checks = Checks::new();
    let display_name = settings
        .display_name
        .as_deref()
        .map(|name| checks.required_text("display_name", name, 200));
    let locale = match settings.locale.as_deref() {
        None => None,
        Some(code) => match LOCALES.iter().find(|known| **known == code) {
            Some(known) => Some(*known),
            None => {
                checks.fail("locale", "must be sv or en".to_owned());
                None
            }
        },
    };
    checks.finish().map_err(Refusal::Invalid)?;
    let organisation = match settings.organisation_id {
        None => None,
        Some(None) => Some(None),
        Some(Some(id)) => {
            let row = organisations::find(&state.db, id)
                .await?
                .ok_or_else(|| ApiError::invalid("organisation_id", "no such organisation"))?;
            Some(Some((row.id, row.name)))
        }
    };
    let change = UserChange::Settings {
        display_name,
        locale,
        email_notifications: settings.email_notifications,
        organisation,
    };
    own_change(state, actor, change, expected, None).await
}

/// Changes the caller's password, given the current one; every other session of theirs
/// ends, the one of `token_hash` stays.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    token_hash: &str,
    current: String,
    new: String,
) -> Result<(), ApiError> {
    if let Err(error) = password::check("new_password", &new) {
        return Err(Refusal::Invalid(vec![error]).into());
    }
    let row = users::find(&state.db, actor.id.as_uuid())
        .await?
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))?;
    if !state.passwords.verify(current, Some(row.password_hash)).await? {
        return Err(ApiError::invalid("current_password", "is not your password"));
    }
    let hash = state.passwords.hash(new).await?;
    own_change(state, actor, UserChange::Password(hash), None, Some(token_hash)).await?;
    Ok(())
}

/// Writes a change of the caller's own account, recorded in their history; with
/// `keep_session`, every other session of theirs ends.
async fn own_change(
    state: &AppState,
    actor: &Actor,
    change: UserChange,
    expected: Option<Expected>,
    keep_session: Option<&str>,
) -> Result<User, ApiError> {
    let id = actor.id.as_uuid();
    let now = Utc::now();
    let command = match change {
        UserChange::Password(_) => "change_password",
        _ => "change_settings",
    };
    let tx = state.begin_write().await?;
    let row = users::find_for_update(&tx, id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))?;
    check_version(expected, row.version)?;
    let updated = users::update(&tx, id, row.version, &change, now).await?;
    if let UserChange::Password(_) = change {
        super::resets::use_up_links(&tx, id, now).await?;
    }
    if let Some(kept) = keep_session {
        sessions::delete_others(&tx, id, kept, now).await?;
    }
    let account = if updated.active { "active" } else { "deactivated" };
    events::Recorder::new("user", id, id, now)
        .record(&tx, command, Some(account), account, serde_json::json!({}))
        .await?;
    tx.commit().await?;
    User::from_row(updated)
}

/// The caller's own account; 401 when it no longer exists.
pub async fn me(state: &AppState, actor: &Actor) -> Result<User, ApiError> {
    let row = users::find(&state.db, actor.id.as_uuid())
        .await?
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))?;
    User::from_row(row)
}

/// Creates the first facilitator when none is active. Returns the e-mail and, when no
/// password was given, the generated one, so the caller can print it once.
pub async fn ensure_facilitator(
    state: &AppState,
    email: Option<String>,
    password: Option<String>,
) -> Result<Option<(String, Option<String>)>, ApiError> {
    if users::active_facilitator_exists(&state.db).await? {
        return Ok(None);
    }
    let email = email.unwrap_or_else(|| "admin@sluss.local".to_owned());
    let (password, generated) = match password {
        Some(password) => (password, false),
        None => (new_token().0, true),
    };
    let account = Registration {
        email: email.clone(),
        password: password.clone(),
        display_name: "Innovation team".to_owned(),
        organisation: None,
        roles: [Role::Facilitator].into_iter().collect(),
        locale: DEFAULT_LOCALE,
    };
    let new_user = prepare_account(state, account).await?;
    users::insert(&state.db, new_user, Utc::now()).await?;
    Ok(Some((email, generated.then_some(password))))
}
