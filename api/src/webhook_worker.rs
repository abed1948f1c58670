//! Sends the webhook outbox (SPEC §11.3, ADR 0016): a task started by `sluss serve` that
//! picks the due deliveries, POSTs each signed, and records the attempt. A 2xx delivers it;
//! anything else is tried again with backoff for 24 hours, then marked failed. A delivery
//! stays pending until a 2xx is recorded, so a crash or a stop sends it again later (at
//! least once). Only the first pending delivery of each hook and subject is due, so a
//! subject's events arrive in order. Each hook is sent to by a lane of its own, so a slow
//! receiver holds up only its own hook. Nothing here runs in a request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sluss_domain::FieldProblem;
use sluss_domain::webhook::{self as rules, Retry};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use uuid::Uuid;

use crate::app::webhooks::{allowed, resolve, signature};
use crate::error::ApiError;
use crate::persistence::entities::{webhook_deliveries, webhooks};
use crate::persistence::webhooks::{self as repo, Attempt, DELIVERED, FAILED, PENDING};
use crate::state::{AppState, WebhookSettings};

/// The most deliveries taken in one round.
const ROUND: u64 = 100;
/// The most sent at once in one round, or in one hook's lane.
const PARALLEL: usize = 8;
/// The most hooks sent to at once, each by its own lane.
const LANES: usize = 16;
/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the worker waits before it looks for due deliveries again.
const IDLE: Duration = Duration::from_secs(1);

/// Sends deliveries: an HTTP client that connects only to addresses a hook may be sent
/// to, checked again at every connection (a name may resolve elsewhere since it was
/// registered), and follows no redirect and no proxy.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    /// A sender under `settings`.
    pub fn new(settings: WebhookSettings) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("sluss-webhooks/", env!("CARGO_PKG_VERSION")))
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: settings.allow_private,
            }))
            .build()?;
        Ok(Self {
            client,
            allow_private: settings.allow_private,
        })
    }
}

/// Resolves host names for the client, refusing a name that leads to an address hooks may
/// not be sent to.
#[derive(Debug)]
struct GuardedResolver {
    allow_private: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(FieldProblem);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found = resolve(name.as_str(), 0).await.map_err(Refused)?;
            let addresses = allowed(&found, allow_private).map_err(Refused)?;
            let addresses: Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

/// Sends every delivery due at `now` (with `now` as the time of the attempts and of the
/// signatures) and records each attempt; how many were attempted. Tests drive this
/// directly; `sluss serve` runs it in [`start`]'s loop.
pub async fn deliver_due(state: &AppState, sender: &Sender, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let due = repo::due(&state.db, now, ROUND, &[]).await?;
    let count = due.len();
    deliver_all(state, sender, due, now).await?;
    Ok(count)
}

/// A due delivery and its hook.
type Due = (webhook_deliveries::Model, webhooks::Model);

/// Sends `due`, [`PARALLEL`] at once, and records each attempt.
async fn deliver_all(state: &AppState, sender: &Sender, due: Vec<Due>, now: DateTime<Utc>) -> Result<(), ApiError> {
    let results: Vec<Result<(), ApiError>> = futures_util::stream::iter(due)
        .map(|(delivery, hook)| deliver(state, sender, delivery, hook, now))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    results.into_iter().collect()
}

/// The lanes of the running worker: a task per hook being sent to, each sending the
/// deliveries of its hook that were due when it started, then ending. A hook with a lane
/// running is left out of the next look for due deliveries, so its events still go one at
/// a time per subject, in order; every other hook gets its own lane meanwhile.
#[derive(Default)]
struct Lanes {
    running: JoinSet<Result<(), ApiError>>,
    hooks: HashMap<tokio::task::Id, Uuid>,
}

impl Lanes {
    /// Starts a lane for each hook (up to [`LANES`] in all) with deliveries due at `now`
    /// and no lane running.
    async fn start_due(&mut self, state: &AppState, sender: &Sender, now: DateTime<Utc>) -> Result<(), ApiError> {
        if self.hooks.len() >= LANES {
            return Ok(());
        }
        let busy: Vec<Uuid> = self.hooks.values().copied().collect();
        let mut by_hook: HashMap<Uuid, Vec<Due>> = HashMap::new();
        for (delivery, hook) in repo::due(&state.db, now, ROUND, &busy).await? {
            by_hook.entry(hook.id).or_default().push((delivery, hook));
        }
        for (hook_id, due) in by_hook.into_iter().take(LANES - self.hooks.len()) {
            let (state, sender) = (state.clone(), sender.clone());
            let lane = self
                .running
                .spawn(async move { deliver_all(&state, &sender, due, now).await });
            self.hooks.insert(lane.id(), hook_id);
        }
        Ok(())
    }

    /// Waits until a lane ends (for ever while none runs), and logs a failed one.
    async fn next_done(&mut self) {
        let Some(ended) = self.running.join_next_with_id().await else {
            return std::future::pending().await;
        };
        let id = match ended {
            Ok((id, Ok(()))) => id,
            Ok((id, Err(e))) => {
                tracing::error!(error = %e, "webhook lane failed");
                id
            }
            Err(e) => {
                tracing::error!(error = %e, "webhook lane stopped");
                e.id()
            }
        };
        self.hooks.remove(&id);
    }
}

/// Sends one delivery and records the attempt.
async fn deliver(
    state: &AppState,
    sender: &Sender,
    delivery: webhook_deliveries::Model,
    hook: webhooks::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (status_code, error) = send(sender, &delivery, &hook, now).await;
    let delivered = status_code.is_some_and(|code| (200..300).contains(&code));
    let failures = u32::try_from(delivery.attempts).unwrap_or(0).saturating_add(1);
    let (next_state, next_attempt_at) = if delivered {
        (DELIVERED, now)
    } else {
        match rules::after_failure(now - delivery.created_at, failures) {
            Retry::After(wait) => (PENDING, now + wait),
            Retry::GiveUp => (FAILED, now),
        }
    };
    if !delivered {
        tracing::info!(
            webhook.id = %hook.id,
            delivery.id = %delivery.id,
            status = ?status_code,
            error = error.as_deref().unwrap_or_default(),
            state = next_state,
            "webhook delivery not accepted"
        );
    }
    let tx = state.begin_write().await?;
    repo::record_attempt(
        &tx,
        &delivery,
        Attempt {
            at: now,
            status_code,
            error,
            state: next_state,
            next_attempt_at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// POSTs the delivery's body, signed; the receiver's status, or why there was none.
async fn send(
    sender: &Sender,
    delivery: &webhook_deliveries::Model,
    hook: &webhooks::Model,
    now: DateTime<Utc>,
) -> (Option<u16>, Option<String>) {
    let url = match rules::parse_url(&hook.url) {
        Ok(url) => url,
        Err(why) => return (None, Some(format!("the URL {why}"))),
    };
    // A literal address never reaches the resolver: check it here.
    if let Some(address) = rules::literal_address(&url) {
        let port = url.port_or_known_default().unwrap_or(80);
        if let Err(why) = allowed(&[SocketAddr::new(address, port)], sender.allow_private) {
            return (None, Some(format!("refused: the URL {why}")));
        }
    }
    let t = now.timestamp();
    let signed = match signature(&hook.secret, t, &delivery.body) {
        Ok(signed) => signed,
        Err(why) => return (None, Some(format!("cannot sign: {why}"))),
    };
    let sent = sender
        .client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Sluss-Event-Id", delivery.event_id.to_string())
        .header("Sluss-Signature", signed)
        .body(delivery.body.clone())
        .send()
        .await;
    match sent {
        Ok(response) => (Some(response.status().as_u16()), None),
        Err(error) => (None, Some(describe(&error))),
    }
}

/// An error and its causes, in words, without the URL (it is the hook's own).
fn describe(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    if error.is_timeout() {
        parts.push("timed out".to_owned());
    }
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        cause = inner.source();
    }
    if parts.is_empty() {
        parts.push("the request failed".to_owned());
    }
    parts.join(": ")
}

/// The running worker.
#[derive(Debug)]
pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    /// Stops the worker and waits for it: an attempt in flight is dropped unrecorded, so
    /// its delivery stays pending and goes out after the next start.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts sending the outbox: looks for due deliveries and starts a lane for each hook
/// that has some ([`Lanes`]); looks again as soon as a lane ends, and at the latest after a
/// second, for the deliveries of new events.
pub fn start(state: AppState) -> Worker {
    let (stop, stopped) = watch::channel(false);
    // Supervised (`crate::tasks`): started again if it ever dies, seen by /readyz and
    // /metrics; what it was sending stays pending and goes out after the restart.
    let tasks = state.tasks.clone();
    let task = tasks.supervise("webhooks", move || run(state.clone(), stopped.clone()));
    Worker { stop, task }
}

/// The worker's loop, until `stopped` says so.
async fn run(state: AppState, mut stopped: watch::Receiver<bool>) {
    let sender = match Sender::new(state.http.webhooks) {
        Ok(sender) => sender,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook client; webhooks are not sent");
            return;
        }
    };
    let mut lanes = Lanes::default();
    loop {
        let started = tokio::select! {
            started = lanes.start_due(&state, &sender, Utc::now()) => started,
            _ = stopped.changed() => break,
        };
        if let Err(e) = started {
            tracing::error!(error = %e, "webhook round failed");
        }
        tokio::select! {
            () = lanes.next_done() => {}
            () = tokio::time::sleep(IDLE) => {}
            _ = stopped.changed() => break,
        }
    }
    lanes.running.shutdown().await;
}
