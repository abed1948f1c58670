//! Middleware around the whole route tree: request ids, access logs and metrics, the body
//! limit, problem+json for every error, security headers and CORS.

use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::StreamExt;
use poem::endpoint::BoxEndpoint;
use poem::http::{HeaderName, HeaderValue, Method, header};
use poem::middleware::{Cors, CorsEndpoint};
use poem::{Endpoint, EndpointExt, IntoResponse, Middleware, Request, Response, Result};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::config::AllowedOrigins;
use crate::error::ApiError;
use crate::idempotency::{KEY_HEADER, REPLAYED_HEADER};
use crate::problem::render_any_error;
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
    if is_upload(req.method(), req.uri().path()) {
        let limit = req
            .data::<AppState>()
            .map_or(BODY_LIMIT as u64, |state| state.http.files.max_upload_bytes)
            + UPLOAD_OVERHEAD;
        return stream_limited(next, req, declared, limit).await;
    }
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

/// What an upload's body may hold besides its file: the multipart framing and a description.
const UPLOAD_OVERHEAD: u64 = 64 * 1024;

/// Whether the request uploads a file (SPEC §15): `POST …/attachments` in the API, `POST
/// …/files` on the pages. These bodies stream through to a temporary file; the 1 MiB limit
/// is theirs to exceed, up to the largest file allowed.
fn is_upload(method: &Method, path: &str) -> bool {
    method == Method::POST && (path.ends_with("/attachments") || path.ends_with("/files") || path == LOGO_FORM)
}

/// The page that takes the city's logo: a picture from a phone may be larger than any
/// form, and the page should say so rather than the server (SPEC §16).
const LOGO_FORM: &str = "/admin/site/logo";

/// Passes an upload's body on as a stream that fails once more than `limit` bytes have
/// come, and answers 413 when that happened: the body is never read whole into memory.
async fn stream_limited<E: Endpoint>(next: E, mut req: Request, declared: Option<u64>, limit: u64) -> Result<Response> {
    let too_large = || ApiError::payload_too_large(usize::try_from(limit - UPLOAD_OVERHEAD).unwrap_or(usize::MAX));
    if declared.is_some_and(|len| len > limit) {
        return Err(too_large().into());
    }
    let over = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&over);
    let mut seen = 0u64;
    let stream = req.take_body().into_bytes_stream().map(move |chunk| {
        let chunk = chunk?;
        seen += chunk.len() as u64;
        if seen > limit {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
            return Err(std::io::Error::other("the upload is larger than allowed"));
        }
        Ok(chunk)
    });
    req.set_body(poem::Body::from_bytes_stream(stream));
    let response = next.call(req).await;
    if over.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(too_large().into());
    }
    Ok(response?.into_response())
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
        state.metrics.observe(operation, &method, status, elapsed.as_secs_f64());
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

/// The policy of every answer but the docs page: it is data, never a document to render.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of the web interface's pages: its own stylesheets, forms posting to itself,
/// and nothing else (no script, no frames, no other site).
const WEB_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";

/// Whether `path` is the API or an operations endpoint rather than a page.
fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// Whether answers at `path` may carry a token, a secret or a link's token, signed in or
/// not: logging in (the token, or a session cookie), registering, the password reset
/// (the reset page carries the link's token in its form), and webhooks (the secret of a
/// new hook). No cache may keep them.
fn carries_credentials(path: &str) -> bool {
    let api = |rest: &str| path.strip_prefix("/api/v1").is_some_and(|tail| tail.starts_with(rest));
    api("/auth/") || api("/webhooks") || matches!(path, "/login" | "/register" | "/forgot-password" | "/reset-password")
}

/// Where the interactive docs live.
pub const DOCS_PATH: &str = "/docs";

/// Adds the security headers to every answer (API, docs, ops, errors): no sniffing, no
/// framing, no referrer, a content security policy (a strict one, and for the docs page
/// one that admits exactly its own inline scripts), same-origin resources only, and
/// `Cache-Control: no-store` on answers to requests carrying a token and on answers that
/// may carry a credential ([`carries_credentials`]).
pub struct SecurityHeaders {
    docs_csp: HeaderValue,
}

impl SecurityHeaders {
    /// The headers, with the docs page's policy derived from its HTML.
    pub fn new(docs_html: &str) -> Self {
        Self {
            docs_csp: HeaderValue::from_str(&docs_csp(docs_html)).unwrap_or_else(|_| HeaderValue::from_static(API_CSP)),
        }
    }
}

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        SecurityHeadersEndpoint {
            inner,
            docs_csp: self.docs_csp.clone(),
        }
    }
}

/// An endpoint wrapped by [`SecurityHeaders`].
pub struct SecurityHeadersEndpoint<E> {
    inner: E,
    docs_csp: HeaderValue,
}

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let path = req.uri().path();
        let docs = path == DOCS_PATH || path.starts_with("/docs/");
        let page = !docs && !is_api_path(path);
        let signed_in = req.headers().contains_key(header::AUTHORIZATION) || carries_credentials(path);
        let mut response = self.inner.get_response(req).await;
        let headers = response.headers_mut();
        let csp = if docs {
            self.docs_csp.clone()
        } else if page {
            HeaderValue::from_static(WEB_CSP)
        } else {
            HeaderValue::from_static(API_CSP)
        };
        // A file served as it was uploaded brings its own, stricter policy (`sandbox`).
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        );
        headers.insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
        if signed_in {
            // What a token may read is that user's alone: no cache keeps a copy.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Ok(response)
    }
}

/// The docs page's policy. The embedded Swagger UI is one HTML page with an inline style,
/// the inline UI bundle and an inline start script, and fetches nothing but the API
/// itself. Each inline script and style is admitted by its hash, so nothing else runs or
/// styles the page; the icons of the stylesheet are `data:` images.
pub fn docs_csp(html: &str) -> String {
    let hashes = |tag: &str| {
        inline_elements(html, tag)
            .into_iter()
            .map(|text| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(text.as_bytes()))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src 'self' data:; connect-src 'self'; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        hashes("script"),
        hashes("style")
    )
}

/// The text of each inline `<tag>` element of `html` (`script` or `style`), read as a
/// browser does: in document order, each element running to its first closing tag, and
/// nothing inside a script or style taken for a tag (the UI bundle mentions `<script` and
/// `<style` in its code). Elements loading their content (`src=`) are skipped.
pub fn inline_elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = html;
    loop {
        let next = ["script", "style"]
            .into_iter()
            .filter_map(|name| rest.find(&format!("<{name}")).map(|at| (at, name)))
            .min();
        let Some((start, name)) = next else {
            break;
        };
        let Some((attributes, after)) = rest[start..].split_once('>') else {
            break;
        };
        let Some((text, tail)) = after.split_once(format!("</{name}>").as_str()) else {
            break;
        };
        if name == tag && !attributes.contains("src=") {
            found.push(text);
        }
        rest = tail;
    }
    found
}

/// The methods a page of another origin may use.
const CORS_METHODS: [Method; 5] = [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE];
/// The request headers a page of another origin may send.
const CORS_REQUEST_HEADERS: [&str; 5] = ["authorization", "content-type", "if-match", KEY_HEADER, REQUEST_ID];
/// The answer headers a page of another origin may read.
const CORS_EXPOSED_HEADERS: [&str; 5] = ["etag", "retry-after", "location", REQUEST_ID, REPLAYED_HEADER];
/// How long a browser may cache a preflight answer, in seconds.
const CORS_MAX_AGE: i32 = 3600;

/// Wraps `app` in CORS for the allowed origins; with none allowed it stays as it is and
/// answers without any CORS header.
pub fn with_cors<E: Endpoint + 'static>(app: E, origins: &AllowedOrigins) -> BoxEndpoint<'static> {
    let cors = Cors::new()
        .allow_methods(CORS_METHODS)
        .allow_headers(CORS_REQUEST_HEADERS)
        .expose_headers(CORS_EXPOSED_HEADERS)
        .allow_credentials(false)
        .max_age(CORS_MAX_AGE);
    let cors = match origins {
        AllowedOrigins::None => return app.map_to_response().boxed(),
        // poem's Cors allows any origin when given none.
        AllowedOrigins::Any => cors,
        AllowedOrigins::List(list) => cors.allow_origins(list.iter().map(String::as_str)),
    };
    // poem's Cors turns the errors of what it wraps into plain-text answers; render them
    // as problem+json first.
    let plain = Arc::new(app.around(render_errors));
    CorsGate {
        with_cors: cors.transform(Arc::clone(&plain)),
        plain,
    }
    .boxed()
}

/// CORS for requests from other origins only. Browsers send `Origin` on same-origin
/// writes too (the docs page's "Try it out"); those need no CORS and must not be refused
/// for an origin missing from the list. Every answer varies by `Origin`, so that a cache
/// never hands one origin's answer to another.
struct CorsGate<E> {
    plain: Arc<E>,
    with_cors: CorsEndpoint<Arc<E>>,
}

impl<E: Endpoint> Endpoint for CorsGate<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let mut response = if is_same_origin(&req) {
            self.plain.call(req).await.map(IntoResponse::into_response)?
        } else {
            // A refused origin, method or header is an error, rendered by `observe`.
            self.with_cors.call(req).await?
        };
        let varies_by_origin = response
            .headers()
            .get_all(header::VARY)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|name| name.trim().eq_ignore_ascii_case("origin"));
        if !varies_by_origin {
            response
                .headers_mut()
                .append(header::VARY, HeaderValue::from_static("Origin"));
        }
        Ok(response)
    }
}

/// Renders every error as problem+json right here, keeping the operation id for metrics.
async fn render_errors<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    Ok(match next.call(req).await {
        Ok(response) => response.into_response(),
        Err(error) => render_any_error(error),
    })
}

/// Whether the request's `Origin` names the host it was sent to.
fn is_same_origin(req: &Request) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((_, authority)) = origin.split_once("://") else {
        return false;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    host.is_some_and(|host| host.eq_ignore_ascii_case(authority))
}
