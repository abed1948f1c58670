//! Team invitations (SPEC §14.2).

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use super::ideas::ApiInvitationStatus;

/// An invitation to an idea's team, as its addressee sees it.
#[derive(Debug, Clone, Object)]
pub struct Invitation {
    /// The token of the invitation's link.
    pub id: Uuid,
    /// The idea.
    pub idea_id: Uuid,
    /// Its title.
    pub idea_title: String,
    /// The title of the challenge it answers.
    pub challenge_title: String,
    /// The display name of the account that added the address to the team.
    pub invited_by: String,
    /// The answer so far.
    pub status: ApiInvitationStatus,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it was answered.
    pub responded_at: Option<DateTime<Utc>>,
}
