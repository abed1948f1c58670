//! Safe retries of creating requests (`Idempotency-Key`).
//!
//! A creating operation is wrapped with [`idempotent`] (or [`idempotent_public`] for
//! registration) through poem-openapi's `transform`. A request without the header is
//! untouched. With it, the key is claimed for the caller in `idempotency_keys` before the
//! handler runs, and the answer is stored when it is final; a retry with the same key,
//! path and body gets that answer again (`Idempotent-Replayed: true`) and creates nothing.
//! The same key for a different request answers 422, a key whose request still runs 409.
//! See ADR 0007.

use std::sync::Arc;

use chrono::Utc;
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use sluss_domain::{ConflictReason, FieldProblem};

use crate::auth::{authenticate, bearer_token, client_address};
use crate::error::ApiError;
use crate::persistence::idempotency::{self as repo, COMPLETED, Claim, Fingerprint, StoredAnswer};
use crate::problem::render_any_error;
use crate::state::AppState;

/// The request header carrying the key.
pub const KEY_HEADER: &str = "idempotency-key";
/// The response header marking a replayed answer.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// The headers of an answer that are stored and replayed with its body.
const REPLAYED_HEADERS: [header::HeaderName; 3] = [header::CONTENT_TYPE, header::ETAG, header::LOCATION];

/// Makes a creating operation of signed-in callers safe to retry. A request without a
/// valid token passes straight through: the operation answers 401 before any key counts.
pub fn idempotent<E: Endpoint + 'static>(ep: E) -> Idempotent<E> {
    Idempotent {
        inner: Arc::new(ep),
        public: false,
    }
}

/// Makes an anonymous creating operation (registration) safe to retry; keys are scoped by
/// the client address.
pub fn idempotent_public<E: Endpoint + 'static>(ep: E) -> Idempotent<E> {
    Idempotent {
        inner: Arc::new(ep),
        public: true,
    }
}

/// An operation wrapped by [`idempotent`] or [`idempotent_public`].
pub struct Idempotent<E> {
    inner: Arc<E>,
    public: bool,
}

impl<E: Endpoint + 'static> Endpoint for Idempotent<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        let Some(raw_key) = req.headers().get(KEY_HEADER).cloned() else {
            return self.pass(req).await;
        };
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| ApiError::internal(&"application state missing"))?;
        let Some(scope) = self.scope(&state, &req).await? else {
            return self.pass(req).await;
        };
        let key = parse_key(&raw_key)?;
        let body = req
            .take_body()
            .into_bytes()
            .await
            .map_err(|e| ApiError::bad_request(format!("the request body could not be read: {e}")))?;
        let request = Fingerprint {
            scope,
            key,
            method: req.method().as_str().to_owned(),
            path: req
                .uri()
                .path_and_query()
                .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned()),
            request_hash: hex::encode(Sha256::digest(&body)),
        };
        req.set_body(body);
        let now = Utc::now();
        let tx = state.begin_write().await.map_err(ApiError::from)?;
        repo::purge_expired(&tx, now - state.http.idempotency_ttl)
            .await
            .map_err(ApiError::from)?;
        let claim = repo::claim(&tx, &request, now).await.map_err(ApiError::from)?;
        tx.commit().await.map_err(ApiError::from)?;
        match claim {
            Claim::Claimed(id) => self.run(state, req, id).await,
            Claim::Taken(row) => answer_for_taken(&row, &request),
        }
    }
}

impl<E: Endpoint + 'static> Idempotent<E> {
    async fn pass(&self, req: Request) -> Result<Response> {
        self.inner.call(req).await.map(IntoResponse::into_response)
    }

    /// Whose keys these are: the signed-in user, or for public operations the client
    /// address. `None` when a signed-in operation gets no valid token.
    async fn scope(&self, state: &AppState, req: &Request) -> Result<Option<String>> {
        if self.public {
            return Ok(Some(format!("addr:{}", client_address(req))));
        }
        let Some(token) = bearer_token(req) else {
            return Ok(None);
        };
        let caller = authenticate(state, token).await?;
        Ok(caller.map(|caller| format!("user:{}", caller.actor.id.as_uuid())))
    }

    /// Runs the request that claimed row `id` and stores its answer. The handler runs in
    /// its own task, so that a client that gives up mid-request (the usual reason to
    /// retry) does not cancel it between the commit and the storing of the answer.
    async fn run(&self, state: AppState, req: Request, id: uuid::Uuid) -> Result<Response> {
        let inner = Arc::clone(&self.inner);
        let writer = state.clone();
        let public = self.public;
        let task = tokio::spawn(
            async move {
                let response = match inner.call(req).await {
                    Ok(response) => response.into_response(),
                    Err(error) => render_any_error(error),
                };
                let kept = if public {
                    is_kept_for_anyone(response.status())
                } else {
                    is_final(response.status())
                };
                store(&writer, id, response, kept).await
            }
            .in_current_span(),
        );
        match task.await {
            Ok(response) => Ok(response),
            Err(panicked) => {
                if let Err(e) = release(&state, id).await {
                    tracing::error!(error = %e, "cannot release an idempotency key");
                }
                Err(ApiError::internal(&panicked).into())
            }
        }
    }
}

/// A key is 1 to 255 visible ASCII characters.
fn parse_key(raw: &HeaderValue) -> Result<String, ApiError> {
    let bytes = raw.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_KEY_LEN || !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(ApiError::bad_request(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters, such as a UUID"
        )));
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// Whether an answer is final, so that a retry should get it again. Server errors,
/// throttling and a failed token check are not: the request did nothing, and a retry
/// should run it again.
fn is_final(status: StatusCode) -> bool {
    !(status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::UNAUTHORIZED)
}

/// Whether an answer to an anonymous operation is kept: only a success. A refusal created
/// nothing, and keeping it would give anyone a row per request; its retry runs again and
/// is refused again.
fn is_kept_for_anyone(status: StatusCode) -> bool {
    status.is_success()
}

/// Forgets the claim of row `id`, so that a retry runs the request again.
async fn release(state: &AppState, id: uuid::Uuid) -> Result<(), ApiError> {
    let tx = state.begin_write().await?;
    repo::release(&tx, id).await?;
    Ok(tx.commit().await?)
}

/// Stores an answer under row `id` when it is `kept`, else releases the key; gives the
/// answer back.
async fn store(state: &AppState, id: uuid::Uuid, response: Response, kept: bool) -> Response {
    if !kept {
        if let Err(e) = release(state, id).await {
            tracing::error!(error = %e, "cannot release an idempotency key");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match body.into_bytes().await {
        Ok(bytes) => bytes,
        Err(e) => {
            // The answer is lost; keeping the key pending makes a retry wait for it to
            // expire rather than create the resource a second time.
            tracing::error!(error = %e, "cannot read an answer to store it");
            return ApiError::internal(&e).into_response();
        }
    };
    let headers: Vec<(&str, &str)> = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = parts.headers.get(name)?.to_str().ok()?;
            Some((name.as_str(), value))
        })
        .collect();
    let answer = StoredAnswer {
        status: parts.status.as_u16(),
        headers: serde_json::to_string(&headers).unwrap_or_else(|_| "[]".to_owned()),
        body: bytes.to_vec(),
    };
    let completed = async {
        let tx = state.begin_write().await?;
        repo::complete(&tx, id, answer, Utc::now()).await?;
        Ok::<(), ApiError>(tx.commit().await?)
    };
    if let Err(e) = completed.await {
        // The client still gets its answer; a retry finds the key pending until it
        // expires, which is safer than creating the resource twice.
        tracing::error!(error = %e, "cannot store the answer of an idempotent request");
    }
    Response::from_parts(parts, bytes.into())
}

/// The answer when the key is already taken: a replay, or why not.
fn answer_for_taken(row: &repo::entity::Model, request: &Fingerprint) -> Result<Response> {
    if row.method != request.method || row.path != request.path || row.request_hash != request.request_hash {
        return Err(ApiError::invalid("Idempotency-Key", FieldProblem::KeyReused).into());
    }
    if row.state != COMPLETED {
        return Err(ApiError::conflict(ConflictReason::KeyInProgress).into());
    }
    replay(row)
}

/// The stored answer of `row`, marked as replayed.
fn replay(row: &repo::entity::Model) -> Result<Response> {
    let status = row
        .status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| ApiError::internal(&"an idempotency key holds no valid status"))?;
    let headers: Vec<(String, String)> = serde_json::from_str(row.headers.as_deref().unwrap_or("[]"))
        .map_err(|e| ApiError::internal(&format!("an idempotency key holds bad headers: {e}")))?;
    let mut response = Response::builder()
        .status(status)
        .header(REPLAYED_HEADER, "true")
        .body(row.body.clone().unwrap_or_default());
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_one_to_255_visible_ascii_characters() {
        assert!(parse_key(&HeaderValue::from_static("0192f0c4-7b1e-7c6e-9a51-3f6f1f4b2c11")).is_ok());
        assert!(parse_key(&HeaderValue::from_str(&"k".repeat(MAX_KEY_LEN)).unwrap()).is_ok());
        for bad in ["", "with space", "tab\there"] {
            assert!(parse_key(&HeaderValue::from_str(bad).unwrap()).is_err(), "{bad:?}");
        }
        assert!(parse_key(&HeaderValue::from_str(&"k".repeat(MAX_KEY_LEN + 1)).unwrap()).is_err());
        assert!(parse_key(&HeaderValue::from_bytes("å".as_bytes()).unwrap()).is_err());
    }

    #[test]
    fn refusals_are_final_but_server_errors_throttling_and_failed_tokens_are_not() {
        for status in [201, 400, 403, 404, 409, 412, 413, 422] {
            assert!(is_final(StatusCode::from_u16(status).unwrap()), "{status}");
        }
        for status in [401, 429, 500, 503] {
            assert!(!is_final(StatusCode::from_u16(status).unwrap()), "{status}");
        }
    }

    #[test]
    fn a_bearer_token_is_read_whatever_the_case_of_the_scheme() {
        let req = Request::builder().header(header::AUTHORIZATION, "bearer abc").finish();
        assert_eq!(bearer_token(&req), Some("abc"));
        let req = Request::builder().header(header::AUTHORIZATION, "Basic abc").finish();
        assert_eq!(bearer_token(&req), None);
    }
}
