//! Answers to repeated reads, kept until this process next writes what they were read from
//! (ADR 0011, ADR 0013).
//!
//! Two caches, on SQLite, where one process owns the database, and on PostgreSQL, where
//! each process hears the others' writes (ADR 0019):
//!
//! - signed-in callers: token hash → the caller and the moment the session expires, so a
//!   request with a token needs no session query; kept across writes that update or
//!   delete no row of `users` or `sessions`;
//! - answers of the read operations wrapped by [`cached`](crate::cached): (caller, path
//!   and query) → status, headers and body, with the groups of tables ([`Tables`]) the
//!   operation reads.
//!
//! An entry is served only while no write transaction of this process that wrote to a
//! group it was read from (or to accounts) has ended since its read began (the
//! [`WriteQueue`](crate::persistence::WriteQueue) counts them per group), and for at most
//! [`MAX_AGE`], which bounds what a write of another process (`sluss` commands on the same
//! file, a PostgreSQL server whose announcement has not arrived yet) or the passing of
//! time can leave stale. So a client always reads its own writes,
//! what anyone reads is never older than the last write plus a second, and a write to
//! other tables (a new idea, for the list of challenges) leaves an answer in place.

use std::any::Any;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use poem::http::{HeaderMap, StatusCode};
use poem::{Body, Response, Result};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sluss_domain::UserId;

use crate::error::ApiError;
use crate::persistence::WriteQueue;
use crate::persistence::written::Tables;
use crate::session::Authenticated;

/// The longest an entry is served, writes or not.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// Signed-in callers kept.
const SESSIONS: usize = 10_000;

/// Bytes of answers kept (bodies and headers), within the RSS ceiling of SPEC §9.
const ANSWER_BYTES: u64 = 8 * 1024 * 1024;

/// Answers larger than this are not kept.
const ANSWER_MAX: usize = 512 * 1024;

/// When an entry was read: the counts of ended writes per group of tables, and the instant
/// its read began.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    written: [u64; Tables::GROUPS],
    at: Instant,
}

#[derive(Clone)]
struct Session {
    caller: Authenticated,
    expires_at: DateTime<Utc>,
    stamp: Stamp,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct AnswerKey {
    viewer: Option<UserId>,
    path_and_query: String,
}

#[derive(Clone)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    stamp: Stamp,
    /// What the answer was read from.
    reads: Tables,
}

#[derive(Clone)]
struct AnswerWeight;

impl Weighter<AnswerKey, Answer> for AnswerWeight {
    fn weight(&self, key: &AnswerKey, answer: &Answer) -> u64 {
        let headers: usize = answer
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len())
            .sum();
        (key.path_and_query.len() + headers + answer.body.len() + 64) as u64
    }
}

/// Values kept (reports, work queues): few, each a read that is slow to repeat.
const VALUES: usize = 256;

/// A value an application operation computed, with what it was read from.
struct Value {
    value: Arc<dyn Any + Send + Sync>,
    stamp: Stamp,
    reads: Tables,
    /// Set once a reader has taken on reading it again after [`MAX_AGE`].
    renewing: AtomicBool,
}

/// How long a value kept by [`ReadCache::lasting`] is served while every write to the
/// database is heard: it bounds what a write nobody announces (a `sluss` command on the
/// same SQLite file, SQL typed by hand) can leave stale.
pub const LASTING_MAX_AGE: Duration = Duration::from_secs(600);

/// A value kept by [`ReadCache::lasting`].
struct Lasting {
    value: Arc<dyn Any + Send + Sync>,
    stamp: Stamp,
    reads: Tables,
}

/// Where one value of [`ReadCache::lasting`] is kept; its lock is held while it is read.
type LastingSlot = Arc<tokio::sync::Mutex<Option<Lasting>>>;

/// The caches of one process; disabled where other processes write the same database.
pub struct ReadCache {
    writes: WriteQueue,
    sessions: Option<Cache<String, Session>>,
    answers: Option<Cache<AnswerKey, Answer, AnswerWeight>>,
    values: Option<Cache<String, Arc<Value>>>,
    lasting: std::sync::Mutex<std::collections::HashMap<&'static str, LastingSlot>>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache")
            .field("enabled", &self.sessions.is_some())
            .finish_non_exhaustive()
    }
}

impl ReadCache {
    /// Caches that watch the writes of `writes`, or none at all when `enabled` is false.
    pub fn new(writes: WriteQueue, enabled: bool) -> Self {
        Self {
            writes,
            sessions: enabled.then(|| Cache::new(SESSIONS)),
            answers: enabled.then(|| Cache::with_weighter(4096, ANSWER_BYTES, AnswerWeight)),
            values: enabled.then(|| Cache::new(VALUES)),
            lasting: std::sync::Mutex::default(),
        }
    }

    /// The stamp of a read that begins now.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            written: self.writes.written(),
            at: Instant::now(),
        }
    }

    /// Whether what was read from `reads` at `stamp` is still what a read now would give:
    /// no write to those groups, or to accounts, has ended since, and it is young enough.
    fn is_fresh(&self, stamp: Stamp, reads: Tables) -> bool {
        stamp.at.elapsed() < MAX_AGE && self.unwritten_since(stamp, reads)
    }

    /// Whether no write of this process to the groups `reads`, or to accounts, has ended
    /// since `stamp`.
    fn unwritten_since(&self, stamp: Stamp, reads: Tables) -> bool {
        self.writes.counts_are_complete() && self.uncounted_since(stamp, reads)
    }

    /// Whether no write that this process counted (its own, and those it heard) to the
    /// groups `reads`, or to accounts, has ended since `stamp`, whether or not every write
    /// is counted.
    fn uncounted_since(&self, stamp: Stamp, reads: Tables) -> bool {
        let now = self.writes.written();
        reads
            .with(Tables::ACCOUNTS)
            .positions()
            .all(|group| stamp.written[group] == now[group])
    }

    /// The caller behind `token_hash` as read before, if that read is still fresh and the
    /// session has not expired since.
    pub fn caller(&self, token_hash: &str, now: DateTime<Utc>) -> Option<Authenticated> {
        let session = self.sessions.as_ref()?.get(token_hash)?;
        (self.is_fresh(session.stamp, Tables::ACCOUNTS) && now < session.expires_at).then_some(session.caller)
    }

    /// Keeps the caller of a session read at `stamp`.
    pub fn keep_caller(&self, caller: &Authenticated, expires_at: DateTime<Utc>, stamp: Stamp) {
        if let Some(sessions) = &self.sessions {
            sessions.insert(
                caller.token_hash.clone(),
                Session {
                    caller: caller.clone(),
                    expires_at,
                    stamp,
                },
            );
        }
    }

    /// Whether answers are kept at all (SQLite, one writing process; PostgreSQL, hearing
    /// the other processes).
    pub fn is_enabled(&self) -> bool {
        self.answers.is_some()
    }

    /// The answer of `viewer`'s read of `path_and_query`, which reads the groups of tables
    /// `reads`: kept from before while fresh, else what `read` answers, kept when it is a
    /// small 200. `read` is awaited at most once, and not at all when a fresh answer is kept.
    pub async fn answer(
        &self,
        viewer: Option<UserId>,
        path_and_query: String,
        reads: Tables,
        read: impl Future<Output = Result<Response>>,
    ) -> Result<Response> {
        let Some(answers) = &self.answers else {
            return read.await;
        };
        let key = AnswerKey { viewer, path_and_query };
        // A stale answer makes way, so that one fresh read can take its place while the
        // same requests arriving meanwhile wait for it instead of all reading at once.
        answers.remove_if(&key, |answer| !self.is_fresh(answer.stamp, answer.reads));
        let guard = match answers.get_value_or_guard_async(&key).await {
            Ok(answer) if self.is_fresh(answer.stamp, answer.reads) => return Ok(answer.into_response()),
            // Read before a write that has ended since: read again, uncached.
            Ok(_) => return read.await,
            Err(guard) => guard,
        };
        let stamp = self.stamp();
        let response = read.await?;
        if response.status() != StatusCode::OK {
            return Ok(response);
        }
        let (parts, body) = response.into_parts();
        let body = body
            .into_bytes()
            .await
            .map_err(|e| ApiError::internal(&format!("cannot read an answer: {e}")))?;
        if body.len() <= ANSWER_MAX {
            let _ = guard.insert(Answer {
                status: parts.status,
                headers: parts.headers.clone(),
                body: body.clone(),
                stamp,
                reads,
            });
        }
        Ok(Response::from_parts(parts, Body::from(body)))
    }
}

impl ReadCache {
    /// The value named `key`, which `read` computes from the groups of tables `reads`: a
    /// value that depends on nothing but those tables (not on the caller, nor on the
    /// time). Kept from before while no write of this process to those groups (or to
    /// accounts) has ended since its read began, so a caller always sees its own writes.
    ///
    /// After [`MAX_AGE`], which bounds what other processes' writes leave unseen, the first
    /// caller reads it again while the others are still given the kept value: a slow read
    /// (a report over a million ideas) then holds up one request a second, not all of them.
    pub async fn value<V, F>(&self, key: String, reads: Tables, read: F) -> Result<V, ApiError>
    where
        V: Clone + Send + Sync + 'static,
        F: Future<Output = Result<V, ApiError>>,
    {
        let Some(values) = &self.values else {
            return read.await;
        };
        // A value read before a write to its tables makes way, so that one read takes its
        // place while the same calls arriving meanwhile wait for it.
        values.remove_if(&key, |kept| !self.unwritten_since(kept.stamp, kept.reads));
        let guard = match values.get_value_or_guard_async(&key).await {
            Err(guard) => guard,
            Ok(kept) => {
                let value = match kept.value.clone().downcast::<V>() {
                    Ok(value) if self.unwritten_since(kept.stamp, kept.reads) => value,
                    // Written since it was kept (or kept under this key as another type):
                    // read again, uncached.
                    _ => return read.await,
                };
                if kept.stamp.at.elapsed() < MAX_AGE || kept.renewing.swap(true, Ordering::AcqRel) {
                    return Ok((*value).clone());
                }
                let stamp = self.stamp();
                return match read.await {
                    Ok(value) => {
                        values.insert(key, Value::kept(&value, stamp, reads));
                        Ok(value)
                    }
                    Err(error) => {
                        // Another caller may take the renewal on.
                        kept.renewing.store(false, Ordering::Release);
                        Err(error)
                    }
                };
            }
        };
        let stamp = self.stamp();
        let value = read.await?;
        let _ = guard.insert(Value::kept(&value, stamp, reads));
        Ok(value)
    }
}

impl ReadCache {
    /// The value named `key`, which `read` computes from the groups of tables `reads`, for
    /// a value too large or too slow to read again every [`MAX_AGE`] (the open data
    /// archive). `current` tells whether a kept value still holds for the present (the
    /// year it was made in).
    ///
    /// One caller reads it at a time: the callers arriving meanwhile wait for that read
    /// instead of each reading. A kept value is served
    ///
    /// - to a caller that arrived before its read began (it holds every write answered
    ///   before the caller asked);
    /// - while every write to the database is heard and none to `reads` (or to accounts)
    ///   has ended since its read began, for up to [`LASTING_MAX_AGE`];
    /// - when writes may go unheard (PostgreSQL without its listener, or caching off),
    ///   only while no write this process counted has ended since and for at most
    ///   [`MAX_AGE`], the bound of every other kept answer.
    ///
    /// The kept value is dropped before it is read again, so that two are never held.
    pub async fn lasting<V, F>(
        &self,
        key: &'static str,
        reads: Tables,
        current: impl Fn(&V) -> bool,
        read: F,
    ) -> Result<V, ApiError>
    where
        V: Clone + Send + Sync + 'static,
        F: Future<Output = Result<V, ApiError>>,
    {
        let arrived = Instant::now();
        let slot = self.lasting_slot(key);
        let mut kept = slot.lock().await;
        if let Some(value) = kept
            .as_ref()
            .and_then(|kept| self.servable::<V>(kept, arrived))
            .filter(|value| current(value))
        {
            return Ok((*value).clone());
        }
        *kept = None;
        let stamp = self.stamp();
        let value = read.await?;
        *kept = Some(Lasting {
            value: Arc::new(value.clone()),
            stamp,
            reads,
        });
        Ok(value)
    }

    /// The slot of the value named `key`.
    fn lasting_slot(&self, key: &'static str) -> LastingSlot {
        let mut slots = self.lasting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(slots.entry(key).or_default())
    }

    /// The kept value, if it may be served to a caller that arrived at `arrived`.
    fn servable<V: Send + Sync + 'static>(&self, kept: &Lasting, arrived: Instant) -> Option<Arc<V>> {
        let value = kept.value.clone().downcast::<V>().ok()?;
        let age = kept.stamp.at.elapsed();
        let heard = self.is_enabled() && self.unwritten_since(kept.stamp, kept.reads);
        let counted = self.uncounted_since(kept.stamp, kept.reads);
        let fresh = kept.stamp.at >= arrived || (heard && age < LASTING_MAX_AGE) || (counted && age < MAX_AGE);
        fresh.then_some(value)
    }
}

impl Value {
    fn kept<V: Clone + Send + Sync + 'static>(value: &V, stamp: Stamp, reads: Tables) -> Arc<Self> {
        Arc::new(Self {
            value: Arc::new(value.clone()),
            stamp,
            reads,
            renewing: AtomicBool::new(false),
        })
    }
}

impl Answer {
    fn into_response(self) -> Response {
        let mut response = Response::builder().status(self.status).body(Body::from(self.body));
        *response.headers_mut() = self.headers;
        response
    }
}
