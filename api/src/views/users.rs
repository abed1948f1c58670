//! People with accounts.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use sluss_domain::{Role, Roles};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::users as rows;
use crate::persistence::users as repo;

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
    /// Organisation, if any, by name.
    pub organisation: Option<String>,
    /// The registered organisation, if any (SPEC §12).
    pub organisation_id: Option<Uuid>,
    /// Roles held.
    pub roles: Vec<ApiRole>,
    /// Whether the account may sign in.
    pub active: bool,
    /// The language sluss writes to them in: `sv` or `en`.
    pub locale: String,
    /// Whether they want notifications by e-mail.
    pub email_notifications: bool,
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
            organisation_id: row.organisation_id,
            roles,
            active: row.active,
            locale: row.locale,
            email_notifications: row.email_notifications,
            created_at: row.created_at,
            version: row.version,
        })
    }
}
