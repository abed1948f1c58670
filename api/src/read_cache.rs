//! Answers to repeated reads, kept until this process next writes (ADR 0011).
//!
//! Two caches, both on SQLite only, where one process owns the database:
//!
//! - signed-in callers: token hash → the caller and the moment the session expires, so a
//!   request with a token needs no session query; kept across writes that update or
//!   delete no row of `users` or `sessions`;
//! - answers of the read operations marked `transform = "cached"` (see
//!   [`cached`](crate::cached)): (caller, path and query) → status, headers and body.
//!
//! An entry is served only while no write transaction of this process has ended since the
//! read it holds began (the [`WriteQueue`](crate::persistence::WriteQueue) counts them), and
//! for at most [`MAX_AGE`], which bounds what a write of another process (`sluss` commands
//! on the same file) or the passing of time can leave stale. So a client always reads its
//! own writes, and what anyone reads is never older than the last write plus a second.

use std::future::Future;
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
use crate::session::Authenticated;

/// The longest an entry is served, writes or not.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// Signed-in callers kept.
const SESSIONS: usize = 10_000;

/// Bytes of answers kept (bodies and headers), within the RSS ceiling of SPEC §9.
const ANSWER_BYTES: u64 = 8 * 1024 * 1024;

/// Answers larger than this are not kept.
const ANSWER_MAX: usize = 512 * 1024;

/// When an entry was read: the counts of ended writes and of account changes, and the
/// instant its read began.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    writes: u64,
    account_changes: u64,
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

/// The caches of one process; disabled where other processes write the same database.
pub struct ReadCache {
    writes: WriteQueue,
    sessions: Option<Cache<String, Session>>,
    answers: Option<Cache<AnswerKey, Answer, AnswerWeight>>,
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
        }
    }

    /// The stamp of a read that begins now.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            // Read first: a write counts an account change before it counts as ended.
            account_changes: self.writes.account_changes(),
            writes: self.writes.ended(),
            at: Instant::now(),
        }
    }

    /// Whether an answer read at `stamp` is still what a read now would give.
    fn is_fresh(&self, stamp: Stamp) -> bool {
        stamp.writes == self.writes.ended() && stamp.at.elapsed() < MAX_AGE
    }

    /// Whether a session read at `stamp` is still valid (until its expiry): writes that
    /// touch neither accounts nor sessions leave it so.
    fn is_valid_session(&self, stamp: Stamp) -> bool {
        stamp.account_changes == self.writes.account_changes() && stamp.at.elapsed() < MAX_AGE
    }

    /// The caller behind `token_hash` as read before, if that read is still fresh and the
    /// session has not expired since.
    pub fn caller(&self, token_hash: &str, now: DateTime<Utc>) -> Option<Authenticated> {
        let session = self.sessions.as_ref()?.get(token_hash)?;
        (self.is_valid_session(session.stamp) && now < session.expires_at).then_some(session.caller)
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

    /// Whether answers are kept at all (SQLite, one writing process).
    pub fn is_enabled(&self) -> bool {
        self.answers.is_some()
    }

    /// The answer of `viewer`'s read of `path_and_query`: kept from before while fresh,
    /// else what `read` answers, kept when it is a small 200. `read` is awaited at most
    /// once, and not at all when a fresh answer is kept.
    pub async fn answer(
        &self,
        viewer: Option<UserId>,
        path_and_query: String,
        read: impl Future<Output = Result<Response>>,
    ) -> Result<Response> {
        let Some(answers) = &self.answers else {
            return read.await;
        };
        let key = AnswerKey { viewer, path_and_query };
        // A stale answer makes way, so that one fresh read can take its place while the
        // same requests arriving meanwhile wait for it instead of all reading at once.
        answers.remove_if(&key, |answer| !self.is_fresh(answer.stamp));
        let guard = match answers.get_value_or_guard_async(&key).await {
            Ok(answer) if self.is_fresh(answer.stamp) => return Ok(answer.into_response()),
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
            });
        }
        Ok(Response::from_parts(parts, Body::from(body)))
    }
}

impl Answer {
    fn into_response(self) -> Response {
        let mut response = Response::builder().status(self.status).body(Body::from(self.body));
        *response.headers_mut() = self.headers;
        response
    }
}
