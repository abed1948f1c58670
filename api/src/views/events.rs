//! Histories: the accepted commands of a resource.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

/// One entry of a history: an accepted command.
#[derive(Debug, Clone, Object)]
pub struct Event {
    /// Position in the log.
    pub seq: i64,
    /// The command, snake_case.
    pub command: String,
    /// The state before (absent for a creation).
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// Who acted (absent where blind assessment hides the innovator).
    pub actor_id: Option<Uuid>,
    /// When.
    pub at: DateTime<Utc>,
    /// The command's data.
    pub payload: serde_json::Value,
}

/// Converts a stored event row.
pub fn event_from_row(row: crate::persistence::entities::events::Model) -> Event {
    let payload = serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
    Event {
        seq: row.seq,
        command: row.command,
        from_state: row.from_state,
        to_state: row.to_state,
        actor_id: Some(row.actor_id),
        at: row.at,
        payload,
    }
}
