//! User administration: facilitators list, create, re-role, deactivate and erase users,
//! and export what is stored about a person.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

use super::bodies::{Export, NewAccount};
use super::optional_body::OptionalJson;
use super::params::{IdempotencyKey, IfMatch};
use super::text::Text;
use super::{Accepted, ApiResult, ApiTags, Created, VersionOnly, Versioned, etag};
use crate::app::{privacy, resets, users as app};
use crate::auth::Caller;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::users::{ApiRole, User, UserPage, roles_from};

/// The body of `PUT /users/{id}/roles`.
#[derive(Debug, Object)]
pub struct SetRoles {
    /// The complete new set of roles.
    pub roles: Vec<ApiRole>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The optional body of `POST /users/{id}/erase`.
#[derive(Debug, Object)]
pub struct EraseBody {
    /// Why (e.g. the reference of the person's request). Recorded in the account's
    /// history, so it should name no one.
    pub reason: Option<Text>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// User administration.
pub struct UsersApi {
    /// Shared state.
    pub state: AppState,
}

fn versioned(user: User) -> ApiResult<Versioned<User>> {
    let version = user.version;
    Ok(Versioned::Ok(Json(user), etag(version)))
}

#[OpenApi(prefix_path = "/users", tag = "ApiTags::Users")]
impl UsersApi {
    /// List users (facilitators).
    #[oai(path = "/", method = "get", operation_id = "list_users")]
    async fn list_users(
        &self,
        caller: Caller,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<UserPage>> {
        let page = app::list(&self.state, caller.actor(), None, limit.0, cursor.0.as_deref()).await?;
        Ok(Json(page))
    }

    /// Create a user with any roles (facilitators).
    #[oai(path = "/", method = "post", operation_id = "create_user", transform = "idempotent")]
    async fn create_user(
        &self,
        caller: Caller,
        _idempotency_key: IdempotencyKey,
        body: Json<NewAccount>,
    ) -> ApiResult<Created<User>> {
        let user = app::create(&self.state, caller.actor(), body.0.into()).await?;
        let version = user.version;
        Ok(Created::Created(Json(user), etag(version)))
    }

    /// Read a user (facilitators, or the user themselves).
    #[oai(path = "/:id", method = "get", operation_id = "get_user")]
    async fn get_user(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Versioned<User>> {
        versioned(app::get(&self.state, caller.actor(), id.0).await?)
    }

    /// Replace a user's roles (facilitators).
    #[oai(path = "/:id/roles", method = "put", operation_id = "set_user_roles")]
    async fn set_user_roles(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: Json<SetRoles>,
    ) -> ApiResult<Versioned<User>> {
        let expected = if_match.expected(body.0.expected_version)?;
        let roles = roles_from(&body.0.roles);
        versioned(app::set_roles(&self.state, caller.actor(), id.0, roles, expected).await?)
    }

    /// Let a deactivated user sign in again (facilitators).
    #[oai(path = "/:id/reactivate", method = "post", operation_id = "reactivate_user")]
    async fn reactivate_user(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<User>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        versioned(app::reactivate(&self.state, caller.actor(), id.0, expected).await?)
    }

    /// E-mail a user a link to choose a new password (facilitators).
    ///
    /// 409 when the account is deactivated or the server sends no e-mail.
    #[oai(path = "/:id/password-reset", method = "post", operation_id = "send_password_reset")]
    async fn send_password_reset(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Accepted> {
        resets::send_link(&self.state, caller.actor(), id.0).await?;
        Ok(Accepted::Accepted)
    }

    /// Deactivate a user; their tokens stop working at once (facilitators).
    #[oai(path = "/:id/deactivate", method = "post", operation_id = "deactivate_user")]
    async fn deactivate_user(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<VersionOnly>,
    ) -> ApiResult<Versioned<User>> {
        let expected = if_match.expected(body.0.and_then(|b| b.expected_version))?;
        versioned(app::deactivate(&self.state, caller.actor(), id.0, expected).await?)
    }

    /// Everything stored about a person, as a JSON file (facilitators, or the person).
    ///
    /// For a data-subject request handled by the team; the export is recorded in the
    /// person's history. People download their own with `GET /me/export`.
    #[oai(path = "/:id/export", method = "get", operation_id = "export_user")]
    async fn export_user(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Export> {
        let data = privacy::export(&self.state, caller.actor(), id.0).await?;
        Ok(Export::file(id.0, data))
    }

    /// Erase a person's personal data (facilitators).
    ///
    /// The e-mail becomes an undeliverable placeholder (the address is free again), the
    /// name "Erased user", the organisation empty, the password unusable; the account is
    /// deactivated, its tokens die, and the person leaves every idea team. Ids, states
    /// and the event log stay, so histories and reports count the same. Erasing oneself
    /// is a 422; erasing twice, or the last active facilitator, a 409.
    #[oai(path = "/:id/erase", method = "post", operation_id = "erase_user")]
    async fn erase_user(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        if_match: IfMatch,
        body: OptionalJson<EraseBody>,
    ) -> ApiResult<Versioned<User>> {
        let body = body.0.unwrap_or(EraseBody {
            reason: None,
            expected_version: None,
        });
        let expected = if_match.expected(body.expected_version)?;
        let reason = body.reason.map(Text::into_inner);
        versioned(privacy::erase(&self.state, caller.actor(), id.0, reason, expected).await?)
    }
}
