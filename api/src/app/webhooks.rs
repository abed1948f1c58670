//! Webhooks (SPEC §11.3, ADR 0016): facilitators register URLs; every challenge and idea
//! event is written to the outbox of each hook that wants it, in the event's own
//! transaction, with the body it will send: the resource as a facilitator sees it then.
//! [`crate::webhook_worker`] sends them.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use poem_openapi::types::ToJSON;
use sha2::Sha256;
use sluss_domain::validate::Checks;
use sluss_domain::webhook::{self as rules, AddressClass};
use sluss_domain::{Actor, FieldProblem, ForbiddenReason, Refusal, Role, UserId, assessment as assessment_rules};
use url::Url;
use uuid::Uuid;

use super::journal::{Entry, Subject};
use super::{page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::entities::webhooks as rows;
use crate::persistence::webhooks::{self as repo, NewDelivery};
use crate::persistence::{Deferring, RepoError};
use crate::state::AppState;
use crate::views::challenges::Challenge;
use crate::views::ideas::Idea;
use crate::views::webhooks::{CreatedWebhook, DeliveryPage, Webhook, WebhookPage, events_of};

/// How long a host name may take to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// A hook to register.
#[derive(Debug, Clone, Default)]
pub struct NewWebhook {
    /// Where to POST.
    pub url: String,
    /// Event types or commands; empty for every event.
    pub events: Vec<String>,
}

/// Webhooks are the facilitators' alone (403 for everyone else signed in).
fn authorize(actor: &Actor) -> Result<(), ApiError> {
    if actor.is_facilitator() {
        Ok(())
    } else {
        Err(ApiError::forbidden(ForbiddenReason::OnlyFacilitatorsManageWebhooks))
    }
}

/// Registers a hook: a valid http(s) URL whose host resolves to addresses it may be sent
/// to, and known event names. The answer carries the signing secret, this once.
pub async fn register(state: &AppState, actor: &Actor, input: NewWebhook) -> Result<CreatedWebhook, ApiError> {
    authorize(actor)?;
    let mut checks = Checks::new();
    let url = rules::parse_url(&input.url).map_err(|why| checks.fail("url", why)).ok();
    let events = if input.events.len() > rules::EVENTS_MAX {
        checks.fail("events", FieldProblem::TooManyEntries { max: rules::EVENTS_MAX });
        Vec::new()
    } else {
        rules::parse_events(&input.events).unwrap_or_else(|names| {
            checks.fail("events", FieldProblem::UnknownEvents { names });
            Vec::new()
        })
    };
    checks.finish().map_err(Refusal::Invalid)?;
    let Some(url) = url else {
        return Err(ApiError::invalid("url", FieldProblem::NotAnHttpUrl));
    };
    destination(&url, state.http.webhooks.allow_private)
        .await
        .map_err(|why| ApiError::invalid("url", why))?;
    let secret_bytes: [u8; 32] = rand::random();
    let row = rows::Model {
        id: Uuid::now_v7(),
        url: url.to_string(),
        events: events.join(","),
        secret: format!("whsec_{}", hex::encode(secret_bytes)),
        created_by: actor.id.as_uuid(),
        created_at: Utc::now(),
    };
    let tx = state.begin_write().await?;
    let row = repo::insert(&tx, row).await?;
    tx.commit().await?;
    Ok(CreatedWebhook::from_row(row))
}

/// The hooks, newest first (without their secrets).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<WebhookPage, ApiError> {
    authorize(actor)?;
    let (limit, after) = page_request(limit, cursor)?;
    let page = repo::list(&state.db, after, limit).await?;
    Ok(to_list_page(page, |row| Ok(Webhook::from_row(row)))?.into())
}

/// Removes a hook; what it had not yet delivered is not sent.
pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    authorize(actor)?;
    let tx = state.begin_write().await?;
    if !repo::delete(&tx, id).await? {
        return Err(ApiError::not_found());
    }
    tx.commit().await?;
    Ok(())
}

/// A hook's deliveries, newest first, each with its attempts.
pub async fn deliveries(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<DeliveryPage, ApiError> {
    authorize(actor)?;
    let (limit, after) = page_request(limit, cursor)?;
    repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    let page = repo::deliveries_of(&state.db, id, after, limit).await?;
    Ok(to_list_page(page, |(delivery, attempts)| {
        crate::views::webhooks::Delivery::from_rows(delivery, attempts)
    })?
    .into())
}

/// Where a hook may be sent: the addresses `url` names, each one allowed (public, or
/// private with `allow_private`); else why not, in words.
pub async fn destination(url: &Url, allow_private: bool) -> Result<Vec<SocketAddr>, FieldProblem> {
    let port = url.port_or_known_default().unwrap_or(80);
    if let Some(address) = rules::literal_address(url) {
        return allowed(&[SocketAddr::new(address, port)], allow_private);
    }
    let host = url.host_str().unwrap_or_default();
    let found = resolve(host, port).await?;
    allowed(&found, allow_private)
}

/// The addresses of `host`.
pub async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, FieldProblem> {
    let cannot = || FieldProblem::HostUnresolved { host: host.to_owned() };
    let found: Vec<SocketAddr> = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port)))
        .await
        .map_err(|_| cannot())?
        .map_err(|_| cannot())?
        .collect();
    if found.is_empty() {
        return Err(cannot());
    }
    Ok(found)
}

/// `addresses`, if every one of them may be sent to.
pub fn allowed(addresses: &[SocketAddr], allow_private: bool) -> Result<Vec<SocketAddr>, FieldProblem> {
    for address in addresses {
        if let Some(class) = rules::refusal(address.ip(), allow_private) {
            return Err(refused(address.ip(), class, allow_private));
        }
    }
    Ok(addresses.to_vec())
}

fn refused(address: IpAddr, class: AddressClass, allow_private: bool) -> FieldProblem {
    FieldProblem::AddressRefused {
        class,
        address,
        allowed_when_private: class.allowed_when_private_is() && !allow_private,
    }
}

/// The `Sluss-Signature` of `body` sent at `t` (unix seconds): `t=<t>,v1=<hex HMAC-SHA256
/// of "<t>.<body>" keyed with the secret>`.
pub fn signature(secret: &str, t: i64, body: &str) -> Result<String, String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|e| e.to_string())?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes())))
}

/// Someone with the facilitator's view of everything, to render what hooks are sent.
fn facilitator() -> Actor {
    Actor {
        id: UserId(Uuid::nil()),
        roles: [Role::Facilitator].into_iter().collect(),
    }
}

/// Writes the deliveries of the event `entry` (journal's follower), with the challenge or
/// idea as it is after it, in the event's transaction.
pub async fn send(tx: &impl Deferring, entry: &Entry<'_>) -> Result<(), ApiError> {
    let Some(event_type) = entry.subject.kind().webhook_type() else {
        return Ok(());
    };
    let hooks = wanting(tx, &event_type).await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let (subject, data) = match entry.subject {
        Subject::Challenge { row, .. } => {
            let viewer = facilitator();
            let names = Challenge::names(tx, std::slice::from_ref(row), Some(&viewer)).await?;
            let challenge = Challenge::from_row(row.clone(), Some(&viewer), &names)?;
            (("challenge", row.id), challenge.to_json())
        }
        Subject::Idea { row, .. } => {
            let hide = !assessment_rules::sees_identity(
                &facilitator(),
                &[UserId(row.innovator_id)],
                row.blind_assessment,
                false,
            );
            let names = Idea::names(tx, std::slice::from_ref(row)).await?;
            (("idea", row.id), Idea::from_row(row.clone(), hide, &names)?.to_json())
        }
        // No hook is sent of these (`EventKind::webhook_type`).
        Subject::Arena(..) | Subject::User(..) | Subject::Organisation(..) => return Ok(()),
    };
    enqueue(tx, &hooks, &event_type, subject, data, entry.at).await
}

/// The hooks that want `event_type`.
async fn wanting(tx: &impl Deferring, event_type: &str) -> Result<Vec<rows::Model>, RepoError> {
    Ok(repo::all(tx)
        .await?
        .into_iter()
        .filter(|hook| rules::wants(&events_of(hook), event_type))
        .collect())
}

async fn enqueue(
    tx: &impl Deferring,
    hooks: &[rows::Model],
    event_type: &str,
    (subject_type, subject_id): (&str, Uuid),
    data: Option<serde_json::Value>,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let event_id = Uuid::now_v7();
    let body = serde_json::json!({
        "id": event_id,
        "type": event_type,
        "occurred_at": at.to_json(),
        "subject": { "type": subject_type, "id": subject_id },
        "data": data,
    })
    .to_string();
    for hook in hooks {
        repo::enqueue(
            tx,
            NewDelivery {
                webhook_id: hook.id,
                event_id,
                event_type,
                subject_type,
                subject_id,
                body: &body,
                at,
            },
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hex_hmac_of_time_dot_body() {
        // Computed apart from this code (Python's hmac module).
        assert_eq!(
            signature("whsec_test", 1_764_806_400, r#"{"id":1}"#).as_deref(),
            Ok("t=1764806400,v1=1de726aa2c5147f5e1c83a77fe111f18661734242f884ff24832972d77b9b1bb")
        );
        assert_eq!(
            signature("Jefe", 0, "what do ya want for nothing?").as_deref(),
            Ok("t=0,v1=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc")
        );
    }

    #[test]
    fn the_unspecified_and_loopback_addresses_are_refused_in_words() {
        let loopback: SocketAddr = "127.0.0.1:80".parse().unwrap_or_else(|e| panic!("{e}"));
        let refusal = allowed(&[loopback], false)
            .err()
            .map(|problem| problem.to_string())
            .unwrap_or_default();
        assert!(
            refusal.contains("loopback") && refusal.contains("--webhook-allow-private"),
            "{refusal}"
        );
        assert!(allowed(&[loopback], true).is_ok());
        let nowhere: SocketAddr = "0.0.0.0:80".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(allowed(&[nowhere], true).is_err());
    }
}
