//! Signing in through the city's OpenID Connect provider (SPEC §16, ADR 0036): the
//! settings, discovery, the authorization request (code flow with PKCE, `state` and
//! `nonce`) and the checks of the ID token that comes back. What an account becomes of the
//! claims is [`crate::app::identity`]'s business; the pages are `web::pages::oidc`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use sluss_domain::Role;
use tokio::sync::Mutex;

use crate::config::Secret;

/// The path the provider sends the browser back to.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

/// How long discovery's answer (endpoints and signing keys) is kept before it is read
/// again, so that a provider's new signing key is learnt within the hour.
const DISCOVERY_KEPT_FOR: Duration = Duration::from_secs(3600);

/// How long the provider may take to answer one request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Which roles follow which values of the role claim: `facilitator=<value>,…`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap(pub Vec<(Role, String)>);

impl RoleMap {
    /// Reads `role=value` pairs separated by commas. A role may be named more than once
    /// (any of its values grants it); an unknown role, an empty value or a pair without
    /// `=` is refused.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut pairs = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((role, value)) = entry.split_once('=') else {
                return Err(format!(
                    "'{entry}' is not role=value, as in facilitator=innovation-team"
                ));
            };
            let role = Role::parse(role.trim()).ok_or_else(|| {
                format!(
                    "unknown role '{}' in '{entry}': the roles are needs_owner, innovator, assessor and facilitator",
                    role.trim()
                )
            })?;
            let value = value.trim();
            if value.is_empty() {
                return Err(format!("'{entry}' names no value of the claim"));
            }
            pairs.push((role, value.to_owned()));
        }
        if pairs.is_empty() {
            return Err("names no role, as in facilitator=innovation-team,assessor=panel".to_owned());
        }
        Ok(Self(pairs))
    }

    /// The roles the map names.
    pub fn roles(&self) -> Vec<Role> {
        let mut roles = Vec::new();
        for (role, _) in &self.0 {
            if !roles.contains(role) {
                roles.push(*role);
            }
        }
        roles
    }

    /// Whether `values` (the claim's) grant `role`.
    pub fn grants(&self, role: Role, values: &[String]) -> bool {
        self.0
            .iter()
            .any(|(mapped, value)| *mapped == role && values.iter().any(|v| v == value))
    }
}

/// An issuer URL: `https://…`, or `http://` on a loopback address only (a provider on the
/// same machine, as in the tests). No trailing slash is added or removed: discovery
/// compares the provider's `issuer` with it exactly.
pub fn parse_issuer(value: &str) -> Result<String, String> {
    let url = url::Url::parse(value.trim()).map_err(|e| format!("'{value}' is not a URL: {e}"))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if !loopback {
                return Err(format!(
                    "'{value}' is http://: an issuer must be https:// (http:// only on a loopback address such as 127.0.0.1)"
                ));
            }
        }
        other => return Err(format!("'{value}' has the scheme {other}: an issuer is https://")),
    }
    if url.query().is_some() || url.fragment().is_some() || url.host().is_none() {
        return Err(format!("'{value}' is not an issuer: a host and a path, no query"));
    }
    Ok(value.trim().to_owned())
}

/// The provider as configured (`--oidc-*`).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer, as the provider names itself.
    pub issuer: String,
    /// sluss's client id at the provider.
    pub client_id: String,
    /// sluss's client secret at the provider.
    pub client_secret: Secret,
    /// The provider's name on the login page ("Log in with {name}").
    pub name: String,
    /// The claim whose values grant roles, with the map.
    pub roles: Option<(String, RoleMap)>,
    /// The address people reach sluss at (the redirect URI is under it).
    pub public_url: String,
}

type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// The provider: its settings and, once discovery has answered, its client.
#[derive(Debug)]
pub struct OidcProvider {
    /// The settings.
    pub settings: OidcSettings,
    http: reqwest::Client,
    discovered: Mutex<Option<(Client, Instant)>>,
}

/// A sign-in on its way to the provider.
#[derive(Debug)]
pub struct Started {
    /// Where the browser goes.
    pub url: String,
    /// `state`, checked when it comes back.
    pub state: String,
    /// `nonce`, checked in the ID token.
    pub nonce: String,
    /// The PKCE verifier, sent with the code.
    pub pkce_verifier: String,
}

/// What sluss takes from a checked ID token.
#[derive(Debug, Clone)]
pub struct Claims {
    /// The issuer (the configured one: the token's was checked against it).
    pub issuer: String,
    /// The provider's id for the person.
    pub subject: String,
    /// The e-mail address, lower-cased, if the provider shares one.
    pub email: Option<String>,
    /// Whether the provider says it verified that address.
    pub email_verified: bool,
    /// The person's name, if shared.
    pub name: Option<String>,
    /// The values of the role claim (empty without one).
    pub role_values: Vec<String>,
}

/// Why a sign-in through the provider failed. None of them changes anything in sluss.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// Discovery or the token endpoint could not be reached or answered nonsense.
    #[error("the identity provider could not be reached: {0}")]
    Unavailable(String),
    /// The provider refused the code (used, expired, or issued for another request).
    #[error("the identity provider refused the sign-in: {0}")]
    Refused(String),
    /// The ID token failed a check (signature, issuer, audience, expiry, nonce).
    #[error("the identity provider's token was not accepted: {0}")]
    BadToken(String),
}

impl OidcProvider {
    /// The provider with these settings; nothing is fetched until it is needed.
    pub fn new(settings: OidcSettings) -> Result<Arc<Self>, String> {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send sluss anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| format!("the HTTP client for the identity provider: {e}"))?;
        Ok(Arc::new(Self {
            settings,
            http,
            discovered: Mutex::new(None),
        }))
    }

    /// The redirect URI registered at the provider.
    pub fn redirect_uri(&self) -> String {
        format!("{}{CALLBACK_PATH}", self.settings.public_url.trim_end_matches('/'))
    }

    /// Reads the provider's discovery document (and its keys) now, so that a wrong
    /// issuer shows in the log at start; a provider that is down is tried again at the
    /// first sign-in.
    pub async fn warm_up(&self) {
        match self.client(false).await {
            Ok(_) => tracing::info!(oidc.issuer = %self.settings.issuer, "the identity provider answered discovery"),
            Err(error) => tracing::warn!(oidc.issuer = %self.settings.issuer, %error,
                "the identity provider did not answer discovery; it is tried again at the next sign-in"),
        }
    }

    /// The client from discovery, read again when older than an hour or when `fresh`.
    async fn client(&self, fresh: bool) -> Result<Client, OidcError> {
        let mut discovered = self.discovered.lock().await;
        if !fresh
            && let Some((client, at)) = discovered.as_ref()
            && at.elapsed() < DISCOVERY_KEPT_FOR
        {
            return Ok(client.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| OidcError::Unavailable(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(error_chain(&e)))?;
        let redirect = RedirectUrl::new(self.redirect_uri()).map_err(|e| OidcError::Unavailable(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.expose().to_owned())),
        )
        .set_redirect_uri(redirect);
        *discovered = Some((client.clone(), Instant::now()));
        Ok(client)
    }

    /// Starts a sign-in: the authorization request's address and what must come back.
    pub async fn start(&self) -> Result<Started, OidcError> {
        let client = self.client(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges `code` (with the PKCE verifier) for tokens and checks the ID token:
    /// signature by the provider's key, issuer, audience (sluss's client id), expiry and
    /// `nonce`. A signature by a key sluss does not know yet reads discovery again once.
    pub async fn finish(&self, code: &str, pkce_verifier: &str, nonce: &str) -> Result<Claims, OidcError> {
        let client = self.client(false).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Unavailable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                openidconnect::RequestTokenError::ServerResponse(answer) => OidcError::Refused(answer.to_string()),
                other => OidcError::Unavailable(error_chain(&other)),
            })?;
        let token = response
            .id_token()
            .ok_or_else(|| OidcError::BadToken("the answer holds no ID token".to_owned()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let claims = match token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            Err(openidconnect::ClaimsVerificationError::SignatureVerification(_)) => {
                // Perhaps a new signing key: read the keys again, once.
                let client = self.client(true).await?;
                token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(|e| OidcError::BadToken(e.to_string()))?
                    .clone()
            }
            Err(error) => return Err(OidcError::BadToken(error.to_string())),
        };
        let role_values = match &self.settings.roles {
            Some((claim, _)) => claim_values(&token.to_string(), claim),
            None => Vec::new(),
        };
        Ok(Claims {
            issuer: self.settings.issuer.clone(),
            subject: claims.subject().as_str().to_owned(),
            email: claims.email().map(|e| e.as_str().trim().to_lowercase()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .name()
                .and_then(|name| name.get(None))
                .map(|name| name.as_str().trim().to_owned())
                .filter(|name| !name.is_empty()),
            role_values,
        })
    }
}

/// The values of claim `name` in a JWT whose signature has been checked: a string, or an
/// array of strings (other values are ignored).
fn claim_values(jwt: &str, name: &str) -> Vec<String> {
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')) else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Object(claims)) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Vec::new();
    };
    match claims.get(name) {
        Some(serde_json::Value::String(value)) => vec![value.clone()],
        Some(serde_json::Value::Array(values)) => values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use sluss_domain::Role;

    use super::{RoleMap, claim_values, parse_issuer};

    #[test]
    fn a_role_map_names_known_roles_with_values() {
        let map = RoleMap::parse("facilitator=staff, assessor=panel,facilitator=admins").unwrap();
        assert_eq!(map.roles(), vec![Role::Facilitator, Role::Assessor]);
        assert!(map.grants(Role::Facilitator, &["admins".to_owned()]));
        assert!(!map.grants(Role::Assessor, &["staff".to_owned()]));
    }

    #[test]
    fn a_role_map_refuses_unknown_roles_and_empty_values() {
        for bad in ["boss=staff", "facilitator", "facilitator=", "", " , "] {
            assert!(RoleMap::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn an_http_issuer_is_accepted_only_on_loopback() {
        assert!(parse_issuer("https://login.malmo.se/realms/city").is_ok());
        assert!(parse_issuer("http://127.0.0.1:8081").is_ok());
        assert!(parse_issuer("http://localhost:8081").is_ok());
        assert!(parse_issuer("http://[::1]:8081").is_ok());
        for bad in [
            "http://login.malmo.se",
            "http://10.0.0.1",
            "ftp://login.malmo.se",
            "login.malmo.se",
        ] {
            assert!(parse_issuer(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn claim_values_are_read_as_a_string_or_a_list_of_strings() {
        use base64::Engine;
        let jwt = |claims: &str| {
            format!(
                "e30.{}.sig",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims)
            )
        };
        assert_eq!(
            claim_values(&jwt(r#"{"groups":["a","b",1]}"#), "groups"),
            vec!["a", "b"]
        );
        assert_eq!(claim_values(&jwt(r#"{"groups":"a"}"#), "groups"), vec!["a"]);
        assert!(claim_values(&jwt(r#"{"other":"a"}"#), "groups").is_empty());
    }
}
