//! What every page request carries: the language, the signed-in person (from the
//! `sluss_session` cookie), the CSRF token, and the submitted form (SPEC §10.5).
//!
//! [`WebLayer`](super::layer::WebLayer) makes it for every page.
//!
//! A signed-in person's forms carry [`session_csrf`] of their session token, so a token
//! only works with the session it was made for. Signed-out visitors (logging in,
//! registering, resetting a password) have no session yet: their forms repeat a random
//! pre-session token held in the CSRF cookie ([`csrf_cookie`]).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use poem::http::StatusCode;
use poem::web::cookie::{Cookie, SameSite};
use poem::{FromRequest, Request, RequestBody, Result};
use sha2::Sha256;
use sluss_domain::Actor;

use super::i18n::{Lang, Tr};
use crate::auth::Authenticated;

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
pub(super) fn random_token() -> String {
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
    /// The city's own name, colour and contact address (SPEC §16).
    pub site: SiteLook,
}

/// What every page shows of the city's own site: its name, colour and contact address,
/// each `None` for the default.
#[derive(Debug, Clone, Default)]
pub struct SiteLook {
    /// The name in the header and titles, in place of "sluss".
    pub name: Option<String>,
    /// The header's and buttons' colour, `#rrggbb`.
    pub colour: Option<String>,
    /// The team's contact address.
    pub contact_email: Option<String>,
    /// Where the city's logo is served, if it has one.
    pub logo: Option<String>,
}

impl SiteLook {
    /// What the stored settings say.
    pub fn from_row(row: &crate::persistence::entities::site_settings::Model) -> Self {
        Self {
            name: row.site_name.clone(),
            colour: row.primary_colour.clone(),
            contact_email: row.contact_email.clone(),
            logo: crate::views::site::logo_path(row),
        }
    }
}

impl Ctx {
    /// The signed-in actor.
    pub fn actor(&self) -> Option<&Actor> {
        self.auth.as_ref().map(|a| &a.actor)
    }

    /// The site's name: the city's own, else the service's.
    pub fn site_name(&self) -> String {
        self.site.name.clone().unwrap_or_else(|| self.tr.t("service-name"))
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

    /// A query parameter as a list's filter: trimmed, `None` when absent or blank.
    pub fn filter(&self, name: &str) -> Option<String> {
        self.query(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// This page's address with its query kept and the list's `cursor` set: the link to
    /// the next page.
    pub fn with_cursor(&self, cursor: &str) -> String {
        let path = self.here.split_once('?').map_or(self.here.as_str(), |(path, _)| path);
        let mut pairs: Vec<(String, String)> = crate::web::time::query_pairs(&self.here)
            .into_iter()
            .filter(|(k, _)| k != "cursor")
            .collect();
        pairs.push(("cursor".to_owned(), cursor.to_owned()));
        format!("{path}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
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

pub(super) fn base_cookie(name: &str, value: &str, secure: bool) -> Cookie {
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
