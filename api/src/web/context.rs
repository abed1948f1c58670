//! What every page request carries: the language, the signed-in person (from the
//! `sluss_session` cookie), the CSRF token, and the submitted form (SPEC §10.5).
//!
//! [`WebLayer`] wraps every page: it reads the cookies, refuses a POST whose CSRF token
//! does not match (403, nothing changed), and marks answers to signed-in people
//! `Cache-Control: no-store`.
//!
//! A signed-in person's forms carry [`session_csrf`] of their session token, so a token
//! only works with the session it was made for. Signed-out visitors (logging in,
//! registering, resetting a password) have no session yet: their forms repeat a random
//! pre-session token held in the CSRF cookie ([`csrf_cookie`]).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::cookie::{Cookie, SameSite};
use poem::{Endpoint, FromRequest, IntoResponse, Middleware, Request, RequestBody, Response, Result};
use sha2::{Digest, Sha256};
use sluss_domain::Actor;

use super::i18n::{LANG_COOKIE, Lang, Tr};
use crate::auth::{Authenticated, authenticate};
use crate::error::{ApiError, ApiErrorKind};
use crate::state::AppState;

/// The session cookie: the same opaque token as `POST /api/v1/auth/login` gives.
pub const SESSION_COOKIE: &str = "sluss_session";
/// The cookie of the pre-session CSRF token over plain http.
pub const CSRF_COOKIE: &str = "sluss_csrf";
/// The cookie of the pre-session CSRF token over https. Browsers keep a `__Host-` cookie
/// only when it is `Secure`, for this host alone and for path `/`, so a neighbouring
/// subdomain cannot plant one.
pub const HOST_CSRF_COOKIE: &str = "__Host-sluss_csrf";
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// The name of the CSRF cookie: with the `__Host-` prefix when cookies are `Secure`.
pub fn csrf_cookie(secure: bool) -> &'static str {
    if secure { HOST_CSRF_COOKIE } else { CSRF_COOKIE }
}

/// The CSRF token of the forms of the session `session_token`: an HMAC-SHA-256 of a fixed
/// label keyed by the session token. The same on every page of one session, another for
/// every other session, and not to be made without the token, which only the `HttpOnly`
/// session cookie holds.
pub fn session_csrf(session_token: &str) -> String {
    match Hmac::<Sha256>::new_from_slice(session_token.as_bytes()) {
        Ok(mut mac) => {
            mac.update(b"sluss web form");
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes a key of any length; were one refused, no form would be accepted.
        Err(_) => random_token(),
    }
}

/// A fresh random token of 43 characters.
fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The request's context, made by [`WebLayer`].
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The texts of the chosen language.
    pub tr: Tr,
    /// The signed-in person, if any.
    pub auth: Option<Authenticated>,
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// The path and query of this request, with one leading `/` (for `next=`, the
    /// language link and reloads).
    pub here: String,
    /// The submitted form of a POST, as ordered pairs.
    pub form: Vec<(String, String)>,
    /// Whether cookies are to be marked `Secure`.
    pub secure: bool,
    /// The client address, for throttling.
    pub client: String,
    /// How many of the signed-in person's notifications are unread.
    pub unread: u64,
}

impl Ctx {
    /// The signed-in actor.
    pub fn actor(&self) -> Option<&Actor> {
        self.auth.as_ref().map(|a| &a.actor)
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.tr.lang
    }

    /// The first value of a form field, trimmed of nothing.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first value of a parameter of this request's query string.
    pub fn query(&self, name: &str) -> Option<String> {
        crate::web::time::query_pairs(&self.here)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The value of a form field, or empty.
    pub fn text(&self, name: &str) -> String {
        self.field(name).unwrap_or_default().to_owned()
    }

    /// Every value of a repeated form field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.form
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A session cookie for `token`, living `max_age`.
    pub fn session_cookie(&self, token: &str, max_age: std::time::Duration) -> Cookie {
        let mut cookie = base_cookie(SESSION_COOKIE, token, self.secure);
        cookie.set_max_age(max_age);
        cookie
    }

    /// A cookie that removes the session.
    pub fn expired_session_cookie(&self) -> Cookie {
        let mut cookie = base_cookie(SESSION_COOKIE, "", self.secure);
        cookie.set_max_age(std::time::Duration::ZERO);
        cookie
    }
}

fn base_cookie(name: &str, value: &str, secure: bool) -> Cookie {
    let mut cookie = Cookie::new_with_str(name, value);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(secure);
    cookie
}

impl<'a> FromRequest<'a> for Ctx {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> Result<Self> {
        req.extensions()
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))
    }
}

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
            .map_or_else(|| "/".to_owned(), |pq| super::layout::same_site(pq.as_str()));
        let client = match req.remote_addr().as_socket_addr() {
            Some(addr) => addr.ip().to_string(),
            None => "unknown".to_owned(),
        };
        let mut form = Vec::new();
        if req.method() == Method::POST {
            let body = req.take_body().into_bytes().await.unwrap_or_default();
            form = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default();
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
                return Ok(super::pages::errors::forbidden(&ctx));
            }
            req.set_body(body);
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
            Err(error) if is_no_such_page(&error) => super::pages::errors::not_found(&ctx),
            Err(error) => {
                tracing::error!(error = %error, "page failed");
                super::pages::errors::internal(&ctx)
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

/// Compares two tokens in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}
