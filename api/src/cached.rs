//! The transforms of cached read operations: they name the caller and the tables the
//! operation reads, and hand the request to the [`ReadCache`](crate::read_cache::ReadCache).
//!
//! Kept apart from the cache itself, which needs neither the caller extractors of
//! [`auth`](crate::auth) nor the [`AppState`] that holds it.

use std::sync::Arc;

use poem::http::Method;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

use crate::auth;
use crate::error::ApiError;
use crate::persistence::written::Tables;
use crate::state::AppState;

/// Serves the successful answers of a read of challenges from the cache
/// (`transform = "crate::cached::challenges"`): they are read from `challenges`, the
/// accounts (the owners' names) and the registry of organisations.
pub fn challenges<E: Endpoint + 'static>(ep: E) -> Cached<E> {
    Cached::new(ep, Tables::CHALLENGES.with(Tables::ORGANISATIONS))
}

/// Serves the successful answers of a read of ideas from the cache
/// (`transform = "crate::cached::ideas"`): they are read from `ideas`, from `assignments`
/// (which ideas an assessor may see), from `challenges` (the arena filter), the accounts
/// (the innovators' names) and the registry of organisations.
pub fn ideas<E: Endpoint + 'static>(ep: E) -> Cached<E> {
    Cached::new(
        ep,
        Tables::IDEAS
            .with(Tables::ASSIGNMENTS)
            .with(Tables::CHALLENGES)
            .with(Tables::ORGANISATIONS),
    )
}

/// A read operation whose successful answers the cache serves. Only for operations whose
/// answer depends on nothing but the caller, the path and query, and the stored data of
/// the groups of tables `reads`.
pub struct Cached<E> {
    inner: Arc<E>,
    reads: Tables,
}

impl<E: Endpoint + 'static> Endpoint for Cached<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| ApiError::internal(&"application state missing"))?;
        if req.method() != Method::GET || !state.reads.is_enabled() {
            return self.pass(req).await;
        }
        let viewer = match auth::bearer_token(&req) {
            None => None,
            Some(token) => match auth::authenticate(&state, token).await? {
                Some(caller) => Some(caller.actor.id),
                // The operation answers the refusal.
                None => return self.pass(req).await,
            },
        };
        let path_and_query = req
            .uri()
            .path_and_query()
            .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
        state
            .reads
            .answer(viewer, path_and_query, self.reads, self.pass(req))
            .await
    }
}

impl<E: Endpoint + 'static> Cached<E> {
    fn new(ep: E, reads: Tables) -> Self {
        Self {
            inner: Arc::new(ep),
            reads,
        }
    }

    async fn pass(&self, req: Request) -> Result<Response> {
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}
