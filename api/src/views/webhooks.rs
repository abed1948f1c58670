//! Webhooks and their delivery log (SPEC §11.3).

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use super::obstacles::SubjectType;
use crate::error::ApiError;
use crate::persistence::entities::{webhook_attempts, webhook_deliveries, webhooks as rows};
use crate::persistence::stored;
use crate::persistence::webhooks::{DELIVERED, FAILED, PENDING};

/// A registered webhook. Its secret is shown only once, when it is registered.
#[derive(Debug, Clone, Object)]
pub struct Webhook {
    /// Identifier.
    pub id: Uuid,
    /// Where events are POSTed.
    pub url: String,
    /// The event types (`idea.submit`) or commands (`submit`, on challenges and ideas)
    /// sent; empty for every event.
    pub events: Vec<String>,
    /// The facilitator who registered it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
}

super::list_page!(WebhookPage, Webhook);

/// Splits the stored `events`.
pub fn events_of(row: &rows::Model) -> Vec<String> {
    row.events
        .split(',')
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Webhook {
    /// The view of a stored hook, without its secret.
    pub fn from_row(row: rows::Model) -> Self {
        Self {
            events: events_of(&row),
            id: row.id,
            url: row.url,
            created_by: row.created_by,
            created_at: row.created_at,
        }
    }
}

/// A webhook just registered, with the secret its deliveries are signed with.
#[derive(Debug, Clone, Object)]
pub struct CreatedWebhook {
    /// Identifier.
    pub id: Uuid,
    /// Where events are POSTed.
    pub url: String,
    /// The event types or commands sent; empty for every event.
    pub events: Vec<String>,
    /// The facilitator who registered it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The key of `Sluss-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
    /// Shown this once: keep it with the receiver.
    pub secret: String,
}

impl CreatedWebhook {
    /// The view of a hook just stored, with its secret.
    pub fn from_row(row: rows::Model) -> Self {
        let secret = row.secret.clone();
        let hook = Webhook::from_row(row);
        Self {
            id: hook.id,
            url: hook.url,
            events: hook.events,
            created_by: hook.created_by,
            created_at: hook.created_at,
            secret,
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting to be sent, or to be sent again.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// No 2xx within 24 hours; not tried again.
    Failed,
}

/// The challenge or idea an event is about.
#[derive(Debug, Clone, Object)]
pub struct DeliverySubject {
    /// `challenge` or `idea`.
    #[oai(rename = "type")]
    pub subject_type: SubjectType,
    /// Its id.
    pub id: Uuid,
}

/// One attempt to send a delivery.
#[derive(Debug, Clone, Object)]
pub struct DeliveryAttempt {
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; absent when it did not answer.
    pub status: Option<i32>,
    /// Why there was no answer (a refused address, a timeout, a failed connection).
    pub error: Option<String>,
}

/// One event sent (or to be sent) to a webhook, with its attempts.
#[derive(Debug, Clone, Object)]
pub struct Delivery {
    /// Identifier.
    pub id: Uuid,
    /// The event's id, sent as `Sluss-Event-Id` (the same for every hook).
    pub event_id: Uuid,
    /// `challenge.<command>` or `idea.<command>`.
    #[oai(rename = "type")]
    pub event_type: String,
    /// What the event is about.
    pub subject: DeliverySubject,
    /// Where it stands.
    pub state: DeliveryState,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was delivered or given up.
    pub finished_at: Option<DateTime<Utc>>,
    /// The attempts so far, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
}

super::list_page!(DeliveryPage, Delivery);

impl Delivery {
    /// The view of a stored delivery and its attempts.
    pub fn from_rows(row: webhook_deliveries::Model, attempts: Vec<webhook_attempts::Model>) -> Result<Self, ApiError> {
        let state = match row.state.as_str() {
            PENDING => Some(DeliveryState::Pending),
            DELIVERED => Some(DeliveryState::Delivered),
            FAILED => Some(DeliveryState::Failed),
            _ => None,
        };
        let state = stored(state, "webhook_deliveries.state", &row.state)?;
        let subject_type = match row.subject_type.as_str() {
            "challenge" => Some(SubjectType::Challenge),
            "idea" => Some(SubjectType::Idea),
            _ => None,
        };
        Ok(Self {
            subject: DeliverySubject {
                subject_type: stored(subject_type, "webhook_deliveries.subject_type", &row.subject_type)?,
                id: row.subject_id,
            },
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            next_attempt_at: (state == DeliveryState::Pending).then_some(row.next_attempt_at),
            state,
            created_at: row.created_at,
            finished_at: row.finished_at,
            attempts: attempts
                .into_iter()
                .map(|attempt| DeliveryAttempt {
                    at: attempt.attempted_at,
                    status: attempt.status_code,
                    error: attempt.error,
                })
                .collect(),
        })
    }
}
