//! The `cached` transform of read operations: it names the caller and hands the request
//! to the [`ReadCache`](crate::read_cache::ReadCache).
//!
//! Kept apart from the cache itself, which needs neither the caller extractors of
//! [`auth`](crate::auth) nor the [`AppState`] that holds it.

use std::sync::Arc;

use poem::http::Method;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

use crate::auth;
use crate::error::ApiError;
use crate::state::AppState;

/// Serves a read operation's successful answers from the cache (`transform = "cached"`).
/// Only for operations whose answer depends on nothing but the caller, the path and query,
/// and the stored data.
pub fn cached<E: Endpoint + 'static>(ep: E) -> Cached<E> {
    Cached { inner: Arc::new(ep) }
}

/// An operation wrapped by [`cached`].
pub struct Cached<E> {
    inner: Arc<E>,
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
        state.reads.answer(viewer, path_and_query, self.pass(req)).await
    }
}

impl<E: Endpoint + 'static> Cached<E> {
    async fn pass(&self, req: Request) -> Result<Response> {
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}
