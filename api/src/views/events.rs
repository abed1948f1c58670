//! Histories: the accepted commands of a resource.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::events;
use crate::views::people::{HIDDEN_INNOVATOR, HIDDEN_MEMBER, Names, PersonRef};

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
    /// … by name; where blind assessment hides them, `id` is absent and `display_name` is
    /// "the innovator" (SPEC §14.1, §19).
    pub actor: PersonRef,
    /// When.
    pub at: DateTime<Utc>,
    /// The command's data.
    pub payload: serde_json::Value,
}

impl Event {
    /// Hides who acted, naming them by their part in the idea instead: the innovator, or
    /// (`member`) a team member.
    pub fn hide_actor(&mut self, member: bool) {
        self.actor_id = None;
        self.actor = PersonRef {
            id: None,
            display_name: if member { HIDDEN_MEMBER } else { HIDDEN_INNOVATOR }.to_owned(),
        };
    }
}

/// The names a history of `rows` shows: the actors.
pub async fn names(db: &impl sea_orm::ConnectionTrait, rows: &[events::Model]) -> Result<Names, ApiError> {
    Names::read(db, rows.iter().map(|row| row.actor_id), []).await
}

/// The name of the actor of what sluss did by itself (ADR 0040).
pub const SYSTEM_ACTOR: &str = "sluss";

/// Converts a stored event row; `names` holds its actor ([`names`]).
pub fn event_from_row(row: events::Model, names: &Names) -> Event {
    let payload = serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
    Event {
        seq: row.seq,
        command: row.command,
        from_state: row.from_state,
        to_state: row.to_state,
        // What sluss did by itself (an arena opening at its time) has the nil id.
        actor_id: (!row.actor_id.is_nil()).then_some(row.actor_id),
        actor: if row.actor_id.is_nil() {
            PersonRef {
                id: None,
                display_name: SYSTEM_ACTOR.to_owned(),
            }
        } else {
            names.person(row.actor_id)
        },
        at: row.at,
        payload,
    }
}
