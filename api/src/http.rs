//! Middleware around the whole route tree: request ids, access logs and metrics, the body
//! limit, and problem+json for every error.

use std::time::Instant;

use poem::http::{HeaderValue, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use tracing::Instrument;

use crate::error::{ApiError, render_any_error};
use crate::state::AppState;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 1024 * 1024;

const REQUEST_ID: &str = "x-request-id";

/// Reads the body with a byte limit (covering chunked bodies, which carry no
/// Content-Length) and answers 413 over it. An empty body without a content type is
/// treated as an empty JSON body, so commands without data need no body at all.
pub async fn limit_body<E: Endpoint>(next: E, mut req: Request) -> Result<Response> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > BODY_LIMIT as u64) {
        return Err(ApiError::payload_too_large(BODY_LIMIT).into());
    }
    let body = req
        .take_body()
        .into_bytes_limit(BODY_LIMIT)
        .await
        .map_err(|e| match e {
            poem::error::ReadBodyError::PayloadTooLarge => ApiError::payload_too_large(BODY_LIMIT),
            other => ApiError::bad_request(format!("the request body could not be read: {other}")),
        })?;
    if body.is_empty() && !req.headers().contains_key(header::CONTENT_TYPE) {
        req.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    req.set_body(body);
    Ok(next.call(req).await?.into_response())
}

/// Gives every request an id (reusing a sane incoming `x-request-id`), runs it inside a
/// span carrying that id, turns every error into problem+json, logs one line per request
/// and records the metrics.
pub async fn observe<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let state = req.data::<AppState>().cloned();
    let span = tracing::info_span!("request", request.id = %request_id, http.method = %method, http.path = %path);
    let mut response = async {
        match next.call(req).await {
            Ok(response) => response.into_response(),
            Err(error) => render_any_error(error),
        }
    }
    .instrument(span.clone())
    .await;
    let elapsed = started.elapsed();
    let operation = response.data::<poem_openapi::OperationId>().map_or("other", |op| op.0);
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            http.status = status,
            operation,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            "request finished"
        );
    });
    if let Some(state) = state {
        state
            .metrics
            .observe(operation, method.as_str(), status, elapsed.as_secs_f64());
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}
