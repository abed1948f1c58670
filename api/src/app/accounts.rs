//! Accounts: registration, login, logout, the caller's own account and the first
//! facilitator. Registration and login are throttled per client address (and login per
//! e-mail) as SPEC §7 asks; the faces pass the address they read from the connection.

use chrono::{DateTime, Utc};
use sluss_domain::event::UserEventKind;
use sluss_domain::validate::{Checks, is_plausible_email};
use sluss_domain::{Actor, FieldError, FieldProblem, Refusal, Role, Roles, UserId, password, user as rules};
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use super::{Expected, check_version};
use crate::error::ApiError;
use crate::persistence::mail::{self, Letter, Pending};
use crate::persistence::users::{NewUser, UserChange};
use crate::persistence::{organisations, sessions, site, throttle, users};
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
    prepare_checked(state, account, Ok(())).await
}

/// [`prepare_account`], refusing with the values' problems and the roles' (`roles`) at
/// once, so that a form is refused in one round.
async fn prepare_checked(
    state: &AppState,
    account: Registration,
    roles: Result<(), Refusal>,
) -> Result<NewUser, ApiError> {
    let mut checks = Checks::new();
    let email = checks.email("email", &account.email);
    let display_name = checks.required_name("display_name", &account.display_name, 200);
    let organisation = checks.optional_name("organisation", account.organisation.as_deref(), 200);
    if let Err(error) = password::check("password", &account.password) {
        checks.fail(&error.field, error.problem);
    }
    match roles {
        Ok(()) => {}
        Err(Refusal::Invalid(errors)) => {
            for error in errors {
                checks.fail(&error.field, error.problem);
            }
        }
        Err(refusal) => return Err(refusal.into()),
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

/// Attempts counted before the work they limit (see [`count_attempt`]).
#[derive(Debug)]
#[must_use = "an attempt is kept as a failure unless taken back"]
pub(super) struct Attempt {
    ids: Vec<i64>,
}

impl Attempt {
    /// Takes the attempt back: it succeeded and counts as no failure.
    pub(super) async fn take_back(self, state: &AppState) -> Result<(), ApiError> {
        let tx = state.begin_write().await?;
        throttle::remove(&tx, &self.ids).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Counts one attempt under each `(key, limit)` before the expensive or guessable work it
/// limits is done, so that a burst of concurrent attempts cannot all pass one check
/// together. The attempt is written and committed first, then counted with every attempt
/// committed before it: the n-th to commit sees at least n, so at most `limit` of any
/// burst go on. Past a limit the attempt is taken back at once and the answer is 429 with
/// the seconds until the oldest attempt leaves the window. An attempt that goes on stays
/// counted (a failure) unless [`Attempt::take_back`] is called.
pub(super) async fn count_attempt(
    state: &AppState,
    keys: &[(&str, u64)],
    now: DateTime<Utc>,
) -> Result<Attempt, ApiError> {
    let window = state.auth.throttle_window;
    let since = now - window;
    let tx = state.begin_write().await?;
    let mut ids = Vec::with_capacity(keys.len());
    for (key, _) in keys {
        ids.push(throttle::record(&tx, key, now, since).await?);
    }
    tx.commit().await?;
    let attempt = Attempt { ids };
    for (key, limit) in keys {
        let (count, oldest) = throttle::count_since(&state.db, key, since).await?;
        if count > *limit {
            attempt.take_back(state).await?;
            let retry_at = oldest.unwrap_or(now) + window;
            return Err(ApiError::too_many_requests(seconds_until(retry_at, now)));
        }
    }
    Ok(attempt)
}

/// The throttling key of login failures for one (lower-cased) e-mail. It holds a hash,
/// so that the failure log keeps no address and its key fits the column whatever was sent.
pub fn login_email_key(email: &str) -> String {
    format!("login:email:{}", hash_token(email))
}

fn seconds_until(at: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((at - now).num_seconds()).unwrap_or(0) + 1
}

/// What a registration gives back.
#[derive(Debug)]
pub enum Registered {
    /// Without a mail server: the account, which can sign in at once.
    Account(User),
    /// With a mail server: an e-mail is on its way to the address — a link that confirms
    /// the registration, or a note to the owner of the account that already has it. The
    /// answer is the same either way, so it tells nobody whether the address has an
    /// account.
    Confirming,
}

/// How long a confirmation link can be used.
pub const CONFIRMATION_VALID_FOR: chrono::Duration = chrono::Duration::hours(24);

/// How many registrations one address may receive e-mail about within the throttle
/// window, so that registering a stranger's address again and again cannot flood them.
const REGISTRATIONS_PER_EMAIL: u64 = 5;

/// Registers a needs-owner and/or innovator. At most `registrations_per_address`
/// attempts per client address within the throttle window (429 beyond, counted before
/// the password is hashed, so a burst is held too). Without a mail server an e-mail
/// already registered answers 409; with one, registration confirms the address (SPEC §7):
/// see [`Registered::Confirming`]. `next` is where the person goes after confirming.
/// Once a privacy notice is published, the person must have accepted it
/// (`accepted_notice`; 422 on `accept_privacy_notice` otherwise), and the version in force
/// is stored with the time (SPEC §16).
pub async fn register(
    state: &AppState,
    client_addr: &str,
    input: Registration,
    next: Option<String>,
    accepted_notice: bool,
) -> Result<Registered, ApiError> {
    refuse_if_password_login_off(state)?;
    let now = Utc::now();
    let address_key = format!("register:addr:{client_addr}");
    // With e-mail, each address also receives at most so many registrations' e-mails.
    let email_key = format!("register:email:{}", hash_token(&input.email.trim().to_lowercase()));
    let mut keys = vec![(address_key.as_str(), state.auth.registrations_per_address)];
    if state.http.mail_enabled {
        keys.push((email_key.as_str(), REGISTRATIONS_PER_EMAIL));
    }
    // Counted in one step before the hash; the attempt counts even when it is refused (an
    // e-mail already taken, a bad value).
    let _counted = count_attempt(state, &keys, now).await?;
    let roles = rules::check_registration_roles(input.roles);
    let notice = super::site::notice_to_accept(state).await?;
    let roles = match (notice, accepted_notice) {
        (Some(_), false) => {
            let refused = FieldError::new("accept_privacy_notice", FieldProblem::PrivacyNoticeNotAccepted);
            match roles {
                Ok(()) => Err(Refusal::Invalid(vec![refused])),
                Err(Refusal::Invalid(mut errors)) => {
                    errors.push(refused);
                    Err(Refusal::Invalid(errors))
                }
                Err(other) => Err(other),
            }
        }
        _ => roles,
    };
    let new_user = prepare_checked(state, input, roles).await?;
    if state.http.mail_enabled {
        return register_by_email(state, new_user, next, notice, now).await;
    }
    let tx = state.begin_write().await?;
    let row = users::insert(&tx, new_user, now).await?;
    if let Some(version) = notice {
        site::record_consent(&tx, row.id, version, now).await?;
    }
    tx.commit().await?;
    Ok(Registered::Account(User::from_row(row)?))
}

/// Registration when sluss sends e-mail. A new address gets an account that cannot sign in
/// yet and a link to confirm it; an address with an unconfirmed account gets another link,
/// carrying this registration's values (only the registration whose link is followed
/// counts, so one made by someone else with the address cannot take the account); an
/// address with a confirmed account gets a note that someone tried. Each costs one
/// argon2 hash (already done, after the attempt was counted) and one write transaction.
async fn register_by_email(
    state: &AppState,
    new_user: NewUser,
    next: Option<String>,
    notice: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Registered, ApiError> {
    let (token, token_hash) = new_token();
    let tx = state.begin_write().await?;
    let existing = users::find_by_email(&tx, &new_user.email).await?;
    let user_id = match existing {
        Some(row) if row.email_confirmed_at.is_some() => {
            if row.active {
                mail::enqueue(&tx, row.id, Letter::AlreadyRegistered, now).await?;
            }
            tx.commit().await?;
            return Ok(Registered::Confirming);
        }
        Some(row) => row.id,
        None => {
            let pending = new_user.clone();
            let row = users::insert(&tx, pending, now).await?;
            users::mark_unconfirmed(&tx, row.id).await?;
            row.id
        }
    };
    let pending = Pending {
        user_id,
        display_name: new_user.display_name,
        organisation: new_user.organisation,
        roles: new_user.roles.to_csv(),
        password_hash: new_user.password_hash,
        locale: new_user.locale.to_owned(),
        next,
    };
    mail::insert_confirmation(&tx, token_hash, pending, now, now + CONFIRMATION_VALID_FOR).await?;
    // The consent is the registering person's: kept with the unconfirmed account, which
    // only the holder of the address can go on to use.
    if let Some(version) = notice {
        site::record_consent(&tx, user_id, version, now).await?;
    }
    mail::enqueue(&tx, user_id, Letter::ConfirmEmail(&token), now).await?;
    tx.commit().await?;
    Ok(Registered::Confirming)
}

/// Whether a confirmation link can still be used (read only: looking changes nothing).
pub async fn confirmation_link_open(state: &AppState, token: &str) -> Result<bool, ApiError> {
    Ok(mail::confirmation_is_open(&state.db, &hash_token(token.trim()), Utc::now()).await?)
}

/// Confirms a registration with the token of its e-mailed link: the account takes the
/// values that registration was made with and can sign in; where the person was going
/// when they registered. An unknown, used or expired token answers 422 on `token`.
/// Attempts are throttled per client address like reset confirmations.
pub async fn confirm_email(
    state: &AppState,
    client_addr: &str,
    token: &str,
) -> Result<(User, Option<String>), ApiError> {
    let now = Utc::now();
    let key = format!("confirm-email:addr:{client_addr}");
    let attempt = count_attempt(state, &[(&key, state.auth.password_resets_per_address)], now).await?;
    let refused = || ApiError::invalid("token", FieldProblem::ConfirmationLinkUnusable);
    let token_hash = hash_token(token.trim());
    if !mail::confirmation_is_open(&state.db, &token_hash, now).await? {
        return Err(refused());
    }
    attempt.take_back(state).await?;
    let tx = state.begin_write().await?;
    let Some(pending) = mail::take_confirmation(&tx, &token_hash, now).await? else {
        return Err(refused());
    };
    let row = users::find_for_update(&tx, pending.user_id).await?;
    let Some(row) = row.filter(|row| row.active) else {
        return Err(refused());
    };
    let next = pending.next.clone();
    let from = if row.email_confirmed_at.is_some() {
        "active"
    } else {
        "unconfirmed"
    };
    let row = users::update(&tx, row.id, row.version, &UserChange::ConfirmEmail(pending), now).await?;
    let subject = Subject::User(UserEventKind::ConfirmEmail, row.id);
    let entry = Entry::new(
        subject,
        (Some(from), "active"),
        UserId(row.id),
        now,
        serde_json::json!({}),
    );
    journal::record(state, &tx, entry).await?;
    tx.commit().await?;
    Ok((User::from_row(row)?, next))
}

/// Logs in with e-mail and password and opens a session. From the 10th failure within
/// the window for one e-mail (or the 100th from one client address) the answer is 429;
/// a wrong e-mail or password answers 401. An account that signs in with a TOTP code as
/// well is refused (see [`login_with`]).
pub async fn login(state: &AppState, client_addr: &str, email: &str, password: &str) -> Result<Session, ApiError> {
    match login_with(state, client_addr, email, password, SecondFactor::Code(None)).await? {
        SignIn::Session(session) => Ok(session),
        SignIn::Held { .. } => Err(ApiError::internal(&"a sign-in with a code was held")),
    }
}

/// How a password sign-in gives the second factor, where its account needs one (SPEC §16).
#[derive(Debug, Clone, Copy)]
pub enum SecondFactor<'a> {
    /// With the password (the API's `totp_code`): missing or wrong answers 401, and an
    /// account that must set up a TOTP app first answers 403.
    Code(Option<&'a str>),
    /// In a later step (the web): the sign-in is held until the code comes.
    Later,
}

/// What a right password gives.
#[derive(Debug)]
pub enum SignIn {
    /// A session.
    Session(Session),
    /// A sign-in held for its code step (only with [`SecondFactor::Later`]): the token of
    /// the held sign-in, and whether the TOTP app is still to be set up.
    Held {
        /// The token for the pending-sign-in cookie.
        token: String,
        /// Whether the account must set up a TOTP app first.
        set_up: bool,
    },
}

/// [`login`], with the second factor of an account that uses two-factor sign-in.
pub async fn login_with(
    state: &AppState,
    client_addr: &str,
    email: &str,
    password: &str,
    second: SecondFactor<'_>,
) -> Result<SignIn, ApiError> {
    refuse_if_password_login_off(state)?;
    let now = Utc::now();
    let settings = &state.auth;
    let email = email.trim().to_lowercase();
    let email_key = login_email_key(&email);
    let address_key = format!("login:addr:{client_addr}");
    // Counted before the password is verified: of a burst, at most the limit are verified.
    let attempt = count_attempt(
        state,
        &[
            (&email_key, settings.login_failures_per_email),
            (&address_key, settings.login_failures_per_address),
        ],
        now,
    )
    .await?;

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
        Some(user) if verified && user.active && user.email_confirmed_at.is_some() => user,
        // The right password of an account whose address is not confirmed yet: whoever
        // knows it may learn that much (SPEC §7: an unconfirmed account cannot sign in).
        Some(user) if verified && user.active => {
            attempt.take_back(state).await?;
            return Err(ApiError::unauthorized(
                "confirm your e-mail address first: follow the link in the e-mail sluss sent",
            ));
        }
        _ => {
            // The attempt stays counted as a failure. From the limit-th failure on the
            // answer is 429, so the one that reaches the limit says so too.
            refuse_if_throttled(state, &email_key, settings.login_failures_per_email, now).await?;
            refuse_if_throttled(state, &address_key, settings.login_failures_per_address + 1, now).await?;
            return Err(ApiError::unauthorized("wrong e-mail or password"));
        }
    };
    // Two-factor (SPEC §16): the password was right, so it counts as no failure; wrong
    // codes are counted per account by the code check.
    let need = super::two_factor::need(state, &user).await?;
    if need != super::two_factor::Need::Nothing {
        let tx = state.begin_write().await?;
        throttle::clear(&tx, &email_key).await?;
        throttle::remove(&tx, &attempt.ids).await?;
        tx.commit().await?;
        return second_factor(state, user, need, second, now).await;
    }
    let (token, token_hash) = new_token();
    let expires_at = now + settings.token_ttl;
    let tx = state.begin_write().await?;
    throttle::clear(&tx, &email_key).await?;
    throttle::remove(&tx, &attempt.ids).await?;
    sessions::create(&tx, token_hash, user.id, now, expires_at).await?;
    super::activity::signed_in(&tx, user.id, now).await?;
    tx.commit().await?;
    Ok(SignIn::Session(Session {
        token,
        expires_at,
        user: User::from_row(user)?,
    }))
}

/// The step after a right password for an account that needs a second factor.
async fn second_factor(
    state: &AppState,
    user: crate::persistence::entities::users::Model,
    need: super::two_factor::Need,
    second: SecondFactor<'_>,
    now: DateTime<Utc>,
) -> Result<SignIn, ApiError> {
    use super::two_factor::{self, Need};
    match (second, need) {
        (SecondFactor::Later, _) => Ok(SignIn::Held {
            token: two_factor::hold_sign_in(state, user.id).await?,
            set_up: need == Need::SetUp,
        }),
        (SecondFactor::Code(_), Need::SetUp) => Err(ApiError::forbidden(
            sluss_domain::ForbiddenReason::SetUpTwoFactorOnTheWebFirst,
        )),
        (SecondFactor::Code(code), _) => {
            two_factor::check_code(state, user.id, code.unwrap_or_default(), false).await?;
            Ok(SignIn::Session(two_factor::open_session(state, user, now).await?))
        }
    }
}

/// With `--password-login off` (SPEC §16) passwords neither sign in nor register: 403.
pub fn refuse_if_password_login_off(state: &AppState) -> Result<(), ApiError> {
    if state.http.identity.password_login {
        Ok(())
    } else {
        Err(ApiError::forbidden(sluss_domain::ForbiddenReason::PasswordLoginOff))
    }
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
        .map(|name| checks.required_name("display_name", name, 200));
    let locale = match settings.locale.as_deref() {
        None => None,
        Some(code) => match LOCALES.iter().find(|known| **known == code) {
            Some(known) => Some(*known),
            None => {
                checks.fail("locale", FieldProblem::NotALanguage);
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
                .ok_or_else(|| ApiError::invalid("organisation_id", FieldProblem::NoSuchOrganisation))?;
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
/// ends, the one of `token_hash` stays. Wrong current passwords are throttled per account
/// like login failures (429 from the limit on), counted before the password is verified.
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
    let now = Utc::now();
    let key = format!("password:user:{}", row.id);
    let limit = state.auth.login_failures_per_email;
    let attempt = count_attempt(state, &[(&key, limit)], now).await?;
    if !state.passwords.verify(current, Some(row.password_hash)).await? {
        refuse_if_throttled(state, &key, limit, now).await?;
        return Err(ApiError::invalid("current_password", FieldProblem::NotYourPassword));
    }
    attempt.take_back(state).await?;
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
        UserChange::Password(_) => UserEventKind::ChangePassword,
        _ => UserEventKind::ChangeSettings,
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
    let entry = Entry::new(
        Subject::User(command, id),
        (Some(account), account),
        actor.id,
        now,
        serde_json::json!({}),
    );
    journal::record(state, &tx, entry).await?;
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
