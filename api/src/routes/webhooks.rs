//! Webhooks (SPEC §11.3): facilitators register URLs that every challenge and idea event
//! is POSTed to, signed, and read how each delivery went.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;

use super::params::IdempotencyKey;
use super::text::Text;
use super::{ApiResult, ApiTags, NoContent};
use crate::app::webhooks::{self as app, NewWebhook};
use crate::auth::Caller;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::webhooks::{CreatedWebhook, DeliveryPage, WebhookPage};

/// Webhooks.
pub struct WebhooksApi {
    /// Shared state.
    pub state: AppState,
}

/// A webhook to register.
#[derive(Debug, Object)]
pub struct WebhookBody {
    /// Where to POST events: `http://` or `https://`; hosts that resolve to loopback,
    /// private or link-local addresses are refused unless the server allows them.
    pub url: Text,
    /// Event types (`challenge.publish`, `idea.submit`) or commands (`decide`, on
    /// challenges and ideas alike) to send; empty or absent for every event.
    pub events: Option<Vec<Text>>,
}

/// A webhook registered.
#[derive(ApiResponse)]
pub enum WebhookCreated {
    /// The webhook, with its signing secret (shown only this once).
    #[oai(status = 201)]
    Created(Json<CreatedWebhook>),
}

#[OpenApi(tag = "ApiTags::Webhooks")]
impl WebhooksApi {
    /// Register a webhook (facilitators). Every challenge and idea event it wants is
    /// POSTed as JSON `{id, type, occurred_at, subject {type, id}, data}` with the headers
    /// `Sluss-Event-Id` and `Sluss-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
    /// "<t>.<body>" keyed with the secret>`; a 2xx answer ends it, anything else is tried
    /// again with backoff for 24 hours. At least once, in event order per subject.
    #[oai(
        path = "/webhooks",
        method = "post",
        operation_id = "create_webhook",
        transform = "idempotent"
    )]
    async fn create_webhook(
        &self,
        caller: Caller,
        /// Makes a retry safe: a repeat with the same key and body answers the first
        /// response again (with `Idempotent-Replayed: true`, the secret included) and
        /// registers nothing twice; the same key with another body answers 422, and while
        /// the first request runs, 409. A UUID, say; kept 24 hours by default.
        _idempotency_key: IdempotencyKey,
        body: Json<WebhookBody>,
    ) -> ApiResult<WebhookCreated> {
        let body = body.0;
        let input = NewWebhook {
            url: body.url.into_inner(),
            events: body
                .events
                .unwrap_or_default()
                .into_iter()
                .map(Text::into_inner)
                .collect(),
        };
        let created = app::register(&self.state, caller.actor(), input).await?;
        Ok(WebhookCreated::Created(Json(created)))
    }

    /// The webhooks, newest first (facilitators); secrets are not shown again.
    #[oai(path = "/webhooks", method = "get", operation_id = "list_webhooks")]
    async fn list_webhooks(
        &self,
        caller: Caller,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<WebhookPage>> {
        Ok(Json(
            app::list(&self.state, caller.actor(), limit.0, cursor.0.as_deref()).await?,
        ))
    }

    /// Remove a webhook (facilitators); what it has not yet received is not sent.
    #[oai(path = "/webhooks/:id", method = "delete", operation_id = "delete_webhook")]
    async fn delete_webhook(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<NoContent> {
        app::delete(&self.state, caller.actor(), id.0).await?;
        Ok(NoContent::NoContent)
    }

    /// A webhook's deliveries, newest first, each with its attempts: when, and the
    /// receiver's status or why there was none (facilitators).
    #[oai(
        path = "/webhooks/:id/deliveries",
        method = "get",
        operation_id = "list_webhook_deliveries"
    )]
    async fn list_webhook_deliveries(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<DeliveryPage>> {
        Ok(Json(
            app::deliveries(&self.state, caller.actor(), id.0, limit.0, cursor.0.as_deref()).await?,
        ))
    }
}
