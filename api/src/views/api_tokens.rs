//! Personal API tokens (SPEC §16).

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::persistence::api_tokens::entity as api_tokens;

/// A personal API token as listed: never its secret.
#[derive(Debug, Clone, Object)]
pub struct ApiToken {
    /// Id, for `DELETE /me/tokens/{id}`.
    pub id: Uuid,
    /// The name its owner gave it.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the hour), or `null` if never.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_tokens::Model> for ApiToken {
    fn from(row: api_tokens::Model) -> Self {
        Self {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// A new personal API token, with its secret, shown this once.
#[derive(Debug, Clone, Object)]
pub struct NewApiToken {
    /// Id, for `DELETE /me/tokens/{id}`.
    pub id: Uuid,
    /// The name its owner gave it.
    pub name: String,
    /// Send as `Authorization: Bearer <token>`. It is not shown again.
    pub token: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}
