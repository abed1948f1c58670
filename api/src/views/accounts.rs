//! Sessions.

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use super::users::User;

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
