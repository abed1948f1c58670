//! [`WebLayer`] wraps every page: it makes the page's [`Ctx`] from the cookies, refuses a
//! POST whose CSRF token does not match (403, nothing changed), answers an unknown page or
//! a failed one with the error pages in the person's language, and marks answers to
//! signed-in people `Cache-Control: no-store`.

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use sha2::{Digest, Sha256};

use super::context::{CSRF_FIELD, Ctx, SESSION_COOKIE, base_cookie, csrf_cookie, random_token, session_csrf};
use super::i18n::{LANG_COOKIE, Lang, Tr};
use super::layout::same_site;
use super::pages::errors;
use crate::auth::authenticate;
use crate::error::{ApiError, ApiErrorKind};
use crate::state::AppState;

/// Makes the [`Ctx`] of every page request and checks CSRF on every POST.
pub struct WebLayer {
    /// Whether `--public-url` is https (cookies are then `Secure`).
    pub secure: bool,
}

impl<E: Endpoint> Middleware<E> for WebLayer {
    type Output = WebLayerEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        WebLayerEndpoint {
            inner,
            secure: self.secure,
        }
    }
}

/// An endpoint wrapped by [`WebLayer`].
pub struct WebLayerEndpoint<E> {
    inner: E,
    secure: bool,
}

impl<E> WebLayerEndpoint<E> {
    /// The signed-out visitor's CSRF token: the cookie's, or a new one the cookie is set to.
    fn pre_session_token(&self, req: &Request) -> String {
        let name = csrf_cookie(self.secure);
        let existing = req
            .cookie()
            .get(name)
            .map(|c| c.value_str().to_owned())
            .filter(|v| v.len() == 43);
        existing.unwrap_or_else(|| {
            let token = random_token();
            req.cookie().add(base_cookie(name, &token, self.secure));
            token
        })
    }
}

impl<E: Endpoint> Endpoint for WebLayerEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        let (lang, chosen) = Lang::negotiate(&req);
        let tr = Tr::new(lang);
        if chosen {
            let mut cookie = base_cookie(LANG_COOKIE, lang.code(), self.secure);
            cookie.set_max_age(std::time::Duration::from_secs(365 * 24 * 3600));
            req.cookie().add(cookie);
        }
        let state = req.data::<AppState>().cloned();
        let session = req
            .cookie()
            .get(SESSION_COOKIE)
            .map(|c| c.value_str().to_owned())
            .filter(|token| !token.is_empty());
        let auth = match (&state, &session) {
            (Some(state), Some(token)) => authenticate(state, token).await?,
            _ => None,
        };
        let csrf = match (&auth, &session) {
            (Some(_), Some(token)) => session_csrf(token),
            _ => self.pre_session_token(&req),
        };
        let unread = match (&state, &auth) {
            // The header is shown without the count rather than not at all.
            (Some(state), Some(auth)) => crate::app::inbox::unread_count(state, &auth.actor).await.unwrap_or(0),
            _ => 0,
        };
        let here = req
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |pq| same_site(pq.as_str()));
        let client = match req.remote_addr().as_socket_addr() {
            Some(addr) => addr.ip().to_string(),
            None => "unknown".to_owned(),
        };
        let mut form = Vec::new();
        if req.method() == Method::POST {
            // A file's upload (multipart) streams on to its page untouched: its token comes
            // in the form's address, as the body is never read whole here (SPEC §15).
            let upload = is_multipart(&req);
            let body = if upload {
                None
            } else {
                Some(req.take_body().into_bytes().await.unwrap_or_default())
            };
            form = match &body {
                Some(body) => serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default(),
                None => req
                    .uri()
                    .query()
                    .and_then(|query| serde_urlencoded::from_str::<Vec<(String, String)>>(query).ok())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(k, _)| k == CSRF_FIELD)
                    .collect(),
            };
            let sent = form.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.as_str());
            let cross_site = req
                .headers()
                .get("sec-fetch-site")
                .is_some_and(|v| v.as_bytes() == b"cross-site");
            if cross_site || !sent.is_some_and(|sent| same(sent, &csrf)) {
                let ctx = Ctx {
                    tr,
                    auth,
                    csrf,
                    here,
                    form: Vec::new(),
                    secure: self.secure,
                    client,
                    unread,
                };
                return Ok(errors::forbidden(&ctx));
            }
            if let Some(body) = body {
                req.set_body(body);
            }
        }
        let signed_in = auth.is_some();
        let ctx = Ctx {
            tr,
            auth,
            csrf,
            here,
            form,
            secure: self.secure,
            client,
            unread,
        };
        req.extensions_mut().insert(ctx.clone());
        let mut response = match self.inner.call(req).await {
            Ok(response) => response.into_response(),
            // An unknown page, or a path whose id is no UUID: the 404 page in the
            // person's language.
            Err(error) if is_no_such_page(&error) => errors::not_found(&ctx),
            Err(error) => {
                tracing::error!(error = %error, "page failed");
                errors::internal(&ctx)
            }
        };
        let headers = response.headers_mut();
        headers.insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language"));
        if signed_in {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        } else if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        Ok(response)
    }
}

/// Whether an error that reached the top of the pages means there is no such page: a
/// resource the application layer did not find or a malformed request, or poem's own
/// refusal of an unknown path, an id that is no UUID or a method the path does not take
/// (those carry nothing but their status).
fn is_no_such_page(error: &poem::Error) -> bool {
    match error.downcast_ref::<ApiError>().map(ApiError::kind) {
        Some(ApiErrorKind::NotFound | ApiErrorKind::BadRequest(_)) => true,
        Some(_) => false,
        None => matches!(
            error.status(),
            StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
        ),
    }
}

/// Whether a POST carries a multipart body (a file's upload).
fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Compares two tokens in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}
