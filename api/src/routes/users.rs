//! User administration: facilitators list, create, re-role, deactivate and erase users,
//! and export what is stored about a person.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, Refusal, Role, Roles, UserId, password, privacy as privacy_rules, user as rules};
use uuid::Uuid;

use super::privacy::{self, Export};
use super::text::Text;
use super::{ApiResult, ApiTags, Created, VersionOnly, Versioned, check_version, etag, expected_version, page_request};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::persistence::entities::users as rows;
use crate::persistence::users::{self as repo, NewUser, UserChange};
use crate::persistence::{events, sessions};
use crate::state::AppState;

/// A role in the accelerator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiRole {
    /// Owns challenges.
    NeedsOwner,
    /// Writes ideas.
    Innovator,
    /// Scores assigned ideas.
    Assessor,
    /// The innovation team.
    Facilitator,
}

impl From<ApiRole> for Role {
    fn from(role: ApiRole) -> Self {
        match role {
            ApiRole::NeedsOwner => Role::NeedsOwner,
            ApiRole::Innovator => Role::Innovator,
            ApiRole::Assessor => Role::Assessor,
            ApiRole::Facilitator => Role::Facilitator,
        }
    }
}

impl From<Role> for ApiRole {
    fn from(role: Role) -> Self {
        match role {
            Role::NeedsOwner => ApiRole::NeedsOwner,
            Role::Innovator => ApiRole::Innovator,
            Role::Assessor => ApiRole::Assessor,
            Role::Facilitator => ApiRole::Facilitator,
        }
    }
}

/// The set of roles in a request.
pub fn roles_from(roles: &[ApiRole]) -> Roles {
    roles.iter().map(|r| Role::from(*r)).collect()
}

/// A person with an account.
#[derive(Debug, Clone, Object)]
pub struct User {
    /// Identifier.
    pub id: Uuid,
    /// E-mail address (unique, lower-cased).
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Organisation, if any.
    pub organisation: Option<String>,
    /// Roles held.
    pub roles: Vec<ApiRole>,
    /// Whether the account may sign in.
    pub active: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

super::list_page!(UserPage, User);

impl User {
    /// The API form of a stored user.
    pub fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let roles = repo::roles_of(&row)?.iter().map(ApiRole::from).collect();
        Ok(Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            organisation: row.organisation,
            roles,
            active: row.active,
            created_at: row.created_at,
            version: row.version,
        })
    }
}

/// A new account: the body of `POST /auth/register` and `POST /users`.
#[derive(Debug, Object)]
pub struct NewAccount {
    /// E-mail address.
    pub email: Text,
    /// 15..128 characters, not a common password.
    #[oai(write_only)]
    pub password: Text,
    /// Name shown to others.
    pub display_name: Text,
    /// Organisation, if any (used for conflict-of-interest checks).
    pub organisation: Option<Text>,
    /// Roles asked for. At registration only `needs_owner` and `innovator`.
    pub roles: Vec<ApiRole>,
}

/// Checks a new account's values and hashes its password.
pub async fn prepare_account(state: &AppState, account: NewAccount) -> Result<NewUser, ApiError> {
    let mut checks = Checks::new();
    let email = checks.email("email", &account.email);
    let display_name = checks.required_text("display_name", &account.display_name, 200);
    let organisation = checks.optional_text("organisation", account.organisation.as_deref(), 200);
    if let Err(error) = password::check("password", &account.password) {
        checks.fail(&error.field, error.message);
    }
    checks.finish().map_err(Refusal::Invalid)?;
    let password_hash = state.passwords.hash(account.password.into_inner()).await?;
    Ok(NewUser {
        email,
        display_name,
        organisation,
        roles: roles_from(&account.roles),
        password_hash,
    })
}

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

impl UsersApi {
    async fn load_visible(&self, id: Uuid, actor: &Actor) -> Result<rows::Model, ApiError> {
        if !rules::can_view(UserId(id), actor) {
            return Err(ApiError::not_found());
        }
        repo::find(&self.state.db, id).await?.ok_or_else(ApiError::not_found)
    }

    async fn change(
        &self,
        id: Uuid,
        actor: &Actor,
        expected: Option<super::Expected>,
        change: UserChange,
    ) -> ApiResult<Versioned<User>> {
        let now = Utc::now();
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::find_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
        let (command, payload) = match change {
            UserChange::Roles(roles) => {
                rules::decide_set_roles(UserId(id), roles, actor)?;
                (
                    "set_roles",
                    serde_json::json!({ "roles": roles.iter().map(Role::as_str).collect::<Vec<_>>() }),
                )
            }
            UserChange::Deactivate => {
                rules::decide_deactivate(UserId(id), row.active, actor)?;
                ("deactivate", serde_json::json!({}))
            }
        };
        check_version(expected, row.version)?;
        let updated = repo::update(&tx, id, row.version, change, now).await?;
        if let UserChange::Deactivate = change {
            sessions::delete_for_user(&tx, id, now).await?;
        }
        let state = if updated.active { "active" } else { "deactivated" };
        let from = if row.active { "active" } else { "deactivated" };
        events::Recorder::new("user", id, actor.id.as_uuid(), now)
            .record(&tx, command, Some(from), state, payload)
            .await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = updated.version;
        Ok(Versioned::Ok(Json(User::from_row(updated)?), etag(version)))
    }
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
        rules::authorize_manage(caller.actor())?;
        let (limit, after) = page_request(limit.0, cursor.0.as_deref())?;
        let page = repo::list(&self.state.db, after, limit).await?;
        Ok(Json(super::to_list_page(page, User::from_row)?.into()))
    }

    /// Create a user with any roles (facilitators).
    #[oai(path = "/", method = "post", operation_id = "create_user", transform = "idempotent")]
    async fn create_user(
        &self,
        caller: Caller,
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
        rules::authorize_manage(caller.actor())?;
        if body.0.roles.is_empty() {
            return Err(ApiError::invalid("roles", "a user holds at least one role"));
        }
        let new_user = prepare_account(&self.state, body.0).await?;
        let tx = self.state.begin_write().await.map_err(|e| ApiError::internal(&e))?;
        let row = repo::insert(&tx, new_user, Utc::now()).await?;
        tx.commit().await.map_err(|e| ApiError::internal(&e))?;
        let version = row.version;
        Ok(Created::Created(Json(User::from_row(row)?), etag(version)))
    }

    /// Read a user (facilitators, or the user themselves).
    #[oai(path = "/:id", method = "get", operation_id = "get_user")]
    async fn get_user(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Versioned<User>> {
        let row = self.load_visible(id.0, caller.actor()).await?;
        let version = row.version;
        Ok(Versioned::Ok(Json(User::from_row(row)?), etag(version)))
    }

    /// Replace a user's roles (facilitators).
    #[oai(path = "/:id/roles", method = "put", operation_id = "set_user_roles")]
    async fn set_user_roles(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<SetRoles>,
    ) -> ApiResult<Versioned<User>> {
        self.load_visible(id.0, caller.actor()).await?;
        let expected = expected_version(if_match.0.as_deref(), body.0.expected_version)?;
        let roles = roles_from(&body.0.roles);
        self.change(id.0, caller.actor(), expected, UserChange::Roles(roles))
            .await
    }

    /// Deactivate a user; their tokens stop working at once (facilitators).
    #[oai(path = "/:id/deactivate", method = "post", operation_id = "deactivate_user")]
    async fn deactivate_user(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<VersionOnly>>,
    ) -> ApiResult<Versioned<User>> {
        self.load_visible(id.0, caller.actor()).await?;
        let expected = expected_version(if_match.0.as_deref(), body.0.and_then(|b| b.expected_version))?;
        self.change(id.0, caller.actor(), expected, UserChange::Deactivate)
            .await
    }

    /// Everything stored about a person, as a JSON file (facilitators, or the person).
    ///
    /// For a data-subject request handled by the team; the export is recorded in the
    /// person's history. People download their own with `GET /me/export`.
    #[oai(path = "/:id/export", method = "get", operation_id = "export_user")]
    async fn export_user(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Export> {
        privacy::export(&self.state, id.0, caller.actor()).await
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
        /// `"N"`: the version read; stale answers 412.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: Json<Option<EraseBody>>,
    ) -> ApiResult<Versioned<User>> {
        let actor = caller.actor();
        privacy_rules::authorize_erase(UserId(id.0), actor)?;
        let body = body.0.unwrap_or(EraseBody {
            reason: None,
            expected_version: None,
        });
        let mut checks = Checks::new();
        let reason = checks.optional_text("reason", body.reason.as_deref(), privacy_rules::REASON_MAX);
        checks.finish().map_err(Refusal::Invalid)?;
        let expected = expected_version(if_match.0.as_deref(), body.expected_version)?;
        privacy::erase(&self.state, id.0, actor, expected, reason).await
    }
}
