//! Personal API tokens (SPEC §16): `GET/POST /me/tokens`, `DELETE /me/tokens/{id}`.

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;

use super::params::IdempotencyKey;
use super::text::Text;
use super::{ApiResult, ApiTags, NoContent};
use crate::app::api_tokens as app;
use crate::auth::Caller;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::api_tokens::{ApiToken, NewApiToken};

/// Personal API tokens.
pub struct TokensApi {
    /// Shared state.
    pub state: AppState,
}

/// The body of `POST /me/tokens`.
#[derive(Debug, Object)]
pub struct TokenBody {
    /// A name to know the token by: 1 to 100 characters on one line.
    pub name: Text,
}

/// A token created.
#[derive(ApiResponse)]
pub enum TokenCreated {
    /// The token, with its secret (shown only this once).
    #[oai(status = 201)]
    Created(Json<NewApiToken>),
}

#[OpenApi(tag = "ApiTags::Auth")]
impl TokensApi {
    /// Create a personal API token that acts as the caller (any role).
    ///
    /// Send it as `Authorization: Bearer <token>`, like a session's token; it does not
    /// expire, and stops when revoked, or when the account is deactivated or erased. The
    /// secret is in this answer only. An account holds at most 20 (409 beyond); a blank or
    /// too long name answers 422.
    #[oai(
        path = "/me/tokens",
        method = "post",
        operation_id = "create_api_token",
        transform = "idempotent"
    )]
    async fn create_api_token(
        &self,
        caller: Caller,
        /// A retry with the same key and body answers the first response again (the
        /// token included) and creates nothing twice; kept 24 hours by default.
        _idempotency_key: IdempotencyKey,
        body: Json<TokenBody>,
    ) -> ApiResult<TokenCreated> {
        let created = app::create(&self.state, caller.actor(), &body.0.name).await?;
        Ok(TokenCreated::Created(Json(created)))
    }

    /// The caller's personal API tokens, oldest first, without their secrets.
    #[oai(path = "/me/tokens", method = "get", operation_id = "list_api_tokens")]
    async fn list_api_tokens(&self, caller: Caller) -> ApiResult<Json<Vec<ApiToken>>> {
        Ok(Json(app::list(&self.state, caller.actor()).await?))
    }

    /// Revoke one of the caller's personal API tokens; it stops working at once. Another
    /// person's token, or none, answers 404.
    #[oai(path = "/me/tokens/:id", method = "delete", operation_id = "revoke_api_token")]
    async fn revoke_api_token(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<NoContent> {
        app::revoke(&self.state, caller.actor(), id.0).await?;
        Ok(NoContent::NoContent)
    }
}
