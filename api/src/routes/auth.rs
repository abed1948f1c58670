//! Registration, login, logout and the caller's own account.

use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::param::Header;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use sluss_domain::user as rules;
use sluss_domain::validate::is_plausible_email;

use super::privacy::Export;
use super::text::Text;
use super::users::{NewAccount, User, prepare_account, roles_from};
use super::{ApiResult, ApiTags, Created, NoContent, Versioned, etag};
use crate::auth::{Caller, hash_token, new_token};
use crate::error::ApiError;
use crate::idempotency::idempotent_public;
use crate::persistence::{sessions, throttle, users};
use crate::state::AppState;

/// The body of `POST /auth/login`.
#[derive(Debug, Object)]
pub struct Credentials {
    /// E-mail address.
    pub email: Text,
    /// Password.
    #[oai(write_only)]
    pub password: Text,
}

/// A new session.
#[derive(Debug, Object)]
pub struct Session {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// Who signed in.
    pub user: User,
}

/// Authentication.
pub struct AuthApi {
    /// Shared state.
    pub state: AppState,
}

/// The client address used for per-address throttling.
pub(crate) fn client_address(req: &Request) -> String {
    match req.remote_addr().as_socket_addr() {
        Some(addr) => addr.ip().to_string(),
        None => "unknown".to_owned(),
    }
}

impl AuthApi {
    /// Answers 429 when `key` has `limit` or more entries in the window.
    async fn refuse_if_throttled(&self, key: &str, limit: u64, now: DateTime<Utc>) -> ApiResult<()> {
        let window = self.state.auth.throttle_window;
        let (count, oldest) = throttle::count_since(&self.state.db, key, now - window).await?;
        if count >= limit {
            let retry_at = oldest.unwrap_or(now) + window;
            return Err(ApiError::too_many_requests(seconds_until(retry_at, now)));
        }
        Ok(())
    }
}

/// The throttling key of login failures for one (lower-cased) e-mail. It holds a hash,
/// so that the failure log keeps no address and its key fits the column whatever was sent.
pub fn login_email_key(email: &str) -> String {
    format!("login:email:{}", hash_token(email))
}

fn seconds_until(at: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((at - now).num_seconds()).unwrap_or(0) + 1
}

#[OpenApi(tag = "ApiTags::Auth")]
impl AuthApi {
    /// Register as a needs-owner and/or innovator.
    ///
    /// An e-mail already registered answers 409 (sluss has no e-mail channel to hide it).
    #[oai(
        path = "/auth/register",
        method = "post",
        operation_id = "register",
        transform = "idempotent_public"
    )]
    async fn register(
        &self,
        req: &Request,
        /// Makes a retry safe: a repeat with the same key and body answers the first
        /// response again (with `Idempotent-Replayed: true`) and creates nothing twice; the
        /// same key with another body answers 422, and while the first request runs, 409.
        /// A UUID, say; kept 24 hours by default.
        #[oai(
            name = "Idempotency-Key",
            validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$")
        )]
        _idempotency_key: Header<Option<String>>,
        body: Json<NewAccount>,
    ) -> ApiResult<Created<User>> {
        let now = Utc::now();
        let settings = &self.state.auth;
        let key = format!("register:addr:{}", client_address(req));
        self.refuse_if_throttled(&key, settings.registrations_per_address, now)
            .await?;
        rules::check_registration_roles(roles_from(&body.0.roles))?;
        let new_user = prepare_account(&self.state, body.0).await?;
        // The attempt counts even when the insert is refused (an e-mail already taken).
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        throttle::record(&tx, &key, now, now - settings.throttle_window).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = users::insert(&tx, new_user, now).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = row.version;
        Ok(Created::Created(Json(User::from_row(row)?), etag(version)))
    }

    /// Log in with e-mail and password; returns a bearer token.
    ///
    /// From the 10th failure within 15 minutes for one e-mail (or 100 from one address)
    /// the answer is 429 with `Retry-After`.
    #[oai(path = "/auth/login", method = "post", operation_id = "login")]
    async fn login(&self, req: &Request, body: Json<Credentials>) -> ApiResult<Json<Session>> {
        let now = Utc::now();
        let settings = &self.state.auth;
        let since = now - settings.throttle_window;
        let email = body.0.email.trim().to_lowercase();
        let email_key = login_email_key(&email);
        let address_key = format!("login:addr:{}", client_address(req));
        self.refuse_if_throttled(&email_key, settings.login_failures_per_email, now)
            .await?;
        self.refuse_if_throttled(&address_key, settings.login_failures_per_address, now)
            .await?;

        // No account has an implausible address (too long, a NUL…): skip the lookup, which
        // PostgreSQL would refuse, but still verify against the decoy so it costs the same.
        let user = if is_plausible_email(&email) {
            users::find_by_email(&self.state.db, &email).await?
        } else {
            None
        };
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let verified = self
            .state
            .passwords
            .verify(body.0.password.into_inner(), stored_hash)
            .await?;
        let user = match user {
            Some(user) if verified && user.active => user,
            _ => {
                let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
                throttle::record(&tx, &email_key, now, since).await?;
                throttle::record(&tx, &address_key, now, since).await?;
                tx.commit().await.map_err(|e| ApiError::internal(&e))?;
                // Counted again after recording, so that of a burst that passed the checks
                // above together only the failures within each limit answer 401. The
                // address limit lets `limit` failures through, as its check above does.
                self.refuse_if_throttled(&email_key, settings.login_failures_per_email, now)
                    .await?;
                self.refuse_if_throttled(&address_key, settings.login_failures_per_address + 1, now)
                    .await?;
                return Err(ApiError::unauthorized("wrong e-mail or password"));
            }
        };
        let (token, token_hash) = new_token();
        let expires_at = now + settings.token_ttl;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        throttle::clear(&tx, &email_key).await?;
        sessions::create(&tx, token_hash, user.id, now, expires_at).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        Ok(Json(Session {
            token,
            expires_at,
            user: User::from_row(user)?,
        }))
    }

    /// End the session of the token used.
    #[oai(path = "/auth/logout", method = "post", operation_id = "logout")]
    async fn logout(&self, caller: Caller) -> ApiResult<NoContent> {
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        sessions::delete(&tx, &caller.0.token_hash).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        Ok(NoContent::NoContent)
    }

    /// The caller's own account.
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn me(&self, caller: Caller) -> ApiResult<Versioned<User>> {
        let row = users::find(&self.state.db, caller.actor().id.as_uuid())
            .await?
            .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))?;
        let version = row.version;
        Ok(Versioned::Ok(Json(User::from_row(row)?), etag(version)))
    }

    /// Everything stored about the caller, as a JSON file to keep: the account (never a
    /// password hash or token), sessions by time, challenges, ideas with their teams,
    /// listings on others' teams, questions and answers, assignments, conflicts of
    /// interest, scorecards, obstacles and the events the caller acted in.
    #[oai(path = "/me/export", method = "get", operation_id = "export_me")]
    async fn export_me(&self, caller: Caller) -> ApiResult<Export> {
        let actor = caller.actor();
        super::privacy::export(&self.state, actor.id.as_uuid(), actor).await
    }
}

/// Creates the first facilitator when none is active. Returns the generated password
/// when none was given, so the caller can print it once.
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
    let account = NewAccount {
        email: Text(email.clone()),
        password: Text(password.clone()),
        display_name: Text::from("Innovation team"),
        organisation: None,
        roles: vec![super::users::ApiRole::Facilitator],
    };
    let new_user = prepare_account(state, account).await?;
    users::insert(&state.db, new_user, Utc::now()).await?;
    Ok(Some((email, generated.then_some(password))))
}
