//! Bearer tokens and the caller extractors.
//!
//! Tokens and [`Authenticated`] live in [`session`](crate::session) and are re-exported
//! here. [`Caller`] requires a valid token (401 otherwise); [`MaybeCaller`] lets anonymous
//! callers through but still refuses a token that is present and invalid.

use poem::Request;
use poem_openapi::auth::Bearer;
use poem_openapi::registry::Registry;
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions, SecurityScheme};
use sluss_domain::{Actor, UserId};

use crate::error::ApiError;
use crate::persistence::{api_tokens, sessions, users};
pub use crate::session::{Authenticated, hash_token, new_token};
use crate::state::AppState;

/// The caller behind a bearer token (a session's or a personal API token's), or `None`
/// when the token is unknown, expired or revoked, or its user is deactivated. Answered from the [`ReadCache`](crate::read_cache)
/// when it can be.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<Authenticated>, ApiError> {
    let token_hash = hash_token(token);
    let now = chrono::Utc::now();
    if let Some(caller) = state.reads.caller(&token_hash, now) {
        return Ok(Some(caller));
    }
    let stamp = state.reads.stamp();
    let (user, expires_at) = match sessions::find_user(&state.db, &token_hash, now).await? {
        Some(found) => found,
        // A personal API token (SPEC §16) acts as its owner like a session does.
        None => match api_tokens::find_user(&state.db, &token_hash).await? {
            Some((user, token)) => {
                crate::app::api_tokens::note_use(state, token.id, token.last_used_at, now).await?;
                (user, now + crate::app::api_tokens::LAST_USED_GRAIN)
            }
            None => return Ok(None),
        },
    };
    // The account's use is written down at most once a day (retention, ADR 0038).
    crate::app::activity::token_used(state, &user, now).await;
    let caller = Authenticated {
        actor: Actor {
            id: UserId(user.id),
            roles: users::roles_of(&user)?,
        },
        token_hash,
    };
    state.reads.keep_caller(&caller, expires_at, stamp);
    Ok(Some(caller))
}

/// The client address used for per-address throttling.
pub fn client_address(req: &Request) -> String {
    match req.remote_addr().as_socket_addr() {
        Some(addr) => addr.ip().to_string(),
        None => "unknown".to_owned(),
    }
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(req: &Request) -> Option<&str> {
    let value = req.headers().get(poem::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Authenticated> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| ApiError::internal(&"application state missing"))?;
    Ok(authenticate(state, &bearer.token)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the token is unknown, expired or revoked"))?)
}

/// A caller with a valid bearer token (from `POST /auth/login`).
#[derive(SecurityScheme)]
#[oai(ty = "bearer", rename = "bearerAuth", checker = "check_bearer")]
pub struct Caller(pub Authenticated);

impl Caller {
    /// The acting user.
    pub fn actor(&self) -> &Actor {
        &self.0.actor
    }
}

/// A caller who may be anonymous. A token that is sent must be valid.
pub struct MaybeCaller(pub Option<Authenticated>);

impl MaybeCaller {
    /// The acting user, if signed in.
    pub fn actor(&self) -> Option<&Actor> {
        self.0.as_ref().map(|a| &a.actor)
    }
}

impl<'a> ApiExtractor<'a> for MaybeCaller {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        <Caller as ApiExtractor>::register(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        <Caller as ApiExtractor>::security_schemes()
    }

    fn has_security_fallback() -> bool {
        true
    }

    async fn from_request(
        req: &'a Request,
        body: &mut poem::RequestBody,
        param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        if req.headers().contains_key(poem::http::header::AUTHORIZATION) {
            let caller = <Caller as ApiExtractor>::from_request(req, body, param_opts).await?;
            Ok(MaybeCaller(Some(caller.0)))
        } else {
            Ok(MaybeCaller(None))
        }
    }
}
