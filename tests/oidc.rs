//! Signing in through a real OpenID Connect provider (SPEC §16, ADR 0036): the npm package
//! oidc-provider under Node, started by `tests/oidc/start.sh`, which exports
//! `SLUSS_TEST_OIDC_ISSUER` (CI always does). Each test serves sluss on a real port and
//! drives the whole flow over HTTP with a cookie-keeping client, as a browser would:
//! sluss's `/auth/oidc/start`, the provider's authorization endpoint (its `login_hint`
//! names the test's account, which the provider signs in at once), and back to sluss's
//! callback, whose code sluss exchanges at the provider's token endpoint.

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use sluss_api::oidc::{OidcProvider, OidcSettings, RoleMap};
use sluss_api::state::{AuthSettings, HttpSettings, IdentitySettings};
use sluss_domain::Role;
use uuid::Uuid;

use crate::helpers::{TestApp, spawn_app_configured};

/// The secret of every client of the test provider (tests/oidc/provider.mjs).
const CLIENT_SECRET: &str = "sluss-test-secret";

/// The provider's issuer, or `None` (and a note) when no provider was started.
fn issuer() -> Option<String> {
    match std::env::var("SLUSS_TEST_OIDC_ISSUER") {
        Ok(issuer) if !issuer.is_empty() => Some(issuer),
        _ => {
            eprintln!(
                "skipped: SLUSS_TEST_OIDC_ISSUER is not set; start the provider with \
                 `eval \"$(bash tests/oidc/start.sh)\"` to run the OpenID Connect tests"
            );
            None
        }
    }
}

/// sluss on a real port, configured for the test provider.
struct Site {
    app: TestApp,
    base: String,
    issuer: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Options {
    client_id: &'static str,
    password_login: bool,
    role_map: Option<&'static str>,
}

const DEFAULT: Options = Options {
    client_id: "sluss",
    password_login: true,
    role_map: None,
};

async fn site(issuer: &str, options: Options) -> Site {
    use poem::listener::{Acceptor, Listener, TcpListener};
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let provider = OidcProvider::new(OidcSettings {
        issuer: issuer.to_owned(),
        client_id: options.client_id.to_owned(),
        client_secret: CLIENT_SECRET.parse().unwrap(),
        name: "Test-ID".to_owned(),
        roles: options
            .role_map
            .map(|map| ("groups".to_owned(), RoleMap::parse(map).unwrap())),
        public_url: base.clone(),
    })
    .unwrap();
    let http = HttpSettings {
        public_url: base.clone(),
        identity: IdentitySettings {
            password_login: options.password_login,
            oidc: Some(provider),
        },
        ..HttpSettings::default()
    };
    let app = spawn_app_configured(AuthSettings::default(), http).await;
    let endpoint = sluss_api::startup::build_app(app.state.clone());
    let task = tokio::spawn(async move {
        let _ = poem::Server::new_with_acceptor(acceptor).run(endpoint).await;
    });
    Site {
        app,
        base,
        issuer: issuer.to_owned(),
        task,
    }
}

/// A browser: keeps cookies, follows no redirect by itself.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Makes (or replaces) the provider's account `sub` with these claims.
async fn account(issuer: &str, sub: &str, claims: Value) {
    let answer = reqwest::Client::new()
        .put(format!("{issuer}/test/accounts/{sub}"))
        .json(&claims)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
}

/// A new account at the provider with a verified address of its own; its `sub`.
async fn new_person(issuer: &str, email: &str, verified: bool, groups: &[&str]) -> String {
    let sub = Uuid::now_v7().simple().to_string();
    account(
        issuer,
        &sub,
        json!({ "email": email, "email_verified": verified, "name": "Ada Provider", "groups": groups }),
    )
    .await;
    sub
}

struct Answer {
    status: StatusCode,
    location: String,
    body: String,
}

async fn get(client: &reqwest::Client, url: &str) -> Answer {
    let response = client.get(url).header("accept-language", "en").send().await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap_or_default();
    Answer { status, location, body }
}

fn absolute(base: &str, location: &str) -> String {
    reqwest::Url::parse(base).unwrap().join(location).unwrap().to_string()
}

/// Starts a sign-in at sluss: the provider's authorization URL it redirects to.
async fn start(site: &Site, client: &reqwest::Client, next: Option<&str>) -> String {
    let url = match next {
        Some(next) => format!("{}/auth/oidc/start?next={next}", site.base),
        None => format!("{}/auth/oidc/start", site.base),
    };
    let answer = get(client, &url).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert!(answer.location.starts_with(&site.issuer), "{}", answer.location);
    answer.location
}

/// Follows the provider's redirects from `authorize` (signing in as `sub`) until it sends
/// the browser back to sluss: that callback URL, not yet requested.
async fn at_provider(site: &Site, client: &reqwest::Client, authorize: &str, sub: &str) -> String {
    let mut url = format!("{authorize}&login_hint={sub}");
    for _ in 0..10 {
        let answer = get(client, &url).await;
        assert!(
            answer.status.is_redirection(),
            "the provider answered {} at {url}: {}",
            answer.status,
            answer.body
        );
        let next = absolute(&url, &answer.location);
        if next.starts_with(&format!("{}/auth/oidc/callback", site.base)) {
            return next;
        }
        url = next;
    }
    panic!("the provider never sent the browser back");
}

/// The whole sign-in as `sub`: sluss's answer to the callback.
async fn sign_in(site: &Site, client: &reqwest::Client, sub: &str) -> Answer {
    let authorize = start(site, client, None).await;
    let callback = at_provider(site, client, &authorize, sub).await;
    get(client, &callback).await
}

/// Whether the browser is signed in at sluss (its `/me` page answers rather than sending
/// it to the login page).
async fn signed_in(site: &Site, client: &reqwest::Client) -> bool {
    get(client, &format!("{}/me", site.base)).await.status == StatusCode::OK
}

fn replace_param(url: &str, name: &str, value: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let replaced = if k == name { value.to_owned() } else { v.into_owned() };
            (k.into_owned(), replaced)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

fn assert_failure(answer: &Answer, status: StatusCode, failure: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert!(
        answer.body.contains(&format!("data-failure=\"{failure}\"")),
        "expected {failure}: {}",
        answer.body
    );
}

async fn identities(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM user_identities").await
}

async fn accounts_with(app: &TestApp, email: &str) -> i64 {
    app.count(&format!("SELECT COUNT(*) AS n FROM users WHERE email = '{email}'"))
        .await
}

async fn roles_of(app: &TestApp, id: &str) -> Vec<String> {
    let reply = app
        .get(&format!("/users/{id}"), Some(&app.facilitator().await.token))
        .await
        .expect(200);
    let mut roles: Vec<String> = reply.body["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    roles.sort();
    roles
}

fn email() -> String {
    format!("{}@example.org", Uuid::now_v7().simple())
}

#[tokio::test]
async fn a_first_sign_in_creates_an_innovator_and_the_next_finds_it_by_sub() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let address = email();
    let sub = new_person(&issuer, &address, true, &[]).await;

    let browser_one = browser();
    let first = sign_in(&site, &browser_one, &sub).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(first.location, "/me");
    assert!(signed_in(&site, &browser_one).await);
    assert_eq!(accounts_with(&site.app, &address).await, 1);
    let id = site.app.id_of_email(&address).await;
    assert_eq!(roles_of(&site.app, &id).await, vec!["innovator"]);

    // Another browser, and the provider now gives another address: the sub decides.
    account(
        &issuer,
        &sub,
        json!({ "email": email(), "email_verified": true, "name": "Ada Provider" }),
    )
    .await;
    let browser_two = browser();
    let second = sign_in(&site, &browser_two, &sub).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert!(signed_in(&site, &browser_two).await);
    assert_eq!(identities(&site.app).await, 1);
    assert_eq!(
        site.app
            .count("SELECT COUNT(*) AS n FROM users WHERE display_name = 'Ada Provider'")
            .await,
        1
    );
    // The sign-in counts as the account's use (retention), and the export names the link.
    let row = sluss_api::persistence::entities::users::Entity::find_by_id(id.parse::<Uuid>().unwrap())
        .one(&site.app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.last_active_at.is_some());
    let facilitator = site.app.facilitator().await;
    let export = site
        .app
        .get(&format!("/users/{id}/export"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(export.body["identities"][0]["issuer"], json!(issuer));
    assert_eq!(export.body["identities"][0]["subject"], json!(sub));
}

#[tokio::test]
async fn a_sign_in_goes_on_to_next() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let sub = new_person(&issuer, &email(), true, &[]).await;
    let client = browser();
    let authorize = start(&site, &client, Some("/challenges")).await;
    let callback = at_provider(&site, &client, &authorize, &sub).await;
    let answer = get(&client, &callback).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location, "/challenges");
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused_and_changes_nothing() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let address = email();
    let sub = new_person(&issuer, &address, true, &[]).await;
    let client = browser();
    let authorize = start(&site, &client, None).await;
    let callback = at_provider(&site, &client, &authorize, &sub).await;

    let answer = get(&client, &replace_param(&callback, "state", "forged-state")).await;

    assert_failure(&answer, StatusCode::BAD_REQUEST, "oidc-failed-wrong-state");
    assert!(!signed_in(&site, &client).await);
    assert_eq!(accounts_with(&site.app, &address).await, 0);
    assert_eq!(identities(&site.app).await, 0);
}

#[tokio::test]
async fn a_callback_from_a_browser_that_started_no_sign_in_is_refused() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let address = email();
    let sub = new_person(&issuer, &address, true, &[]).await;
    let victim = browser();
    let authorize = start(&site, &victim, None).await;
    let callback = at_provider(&site, &victim, &authorize, &sub).await;

    // The same answer opened in another browser (without the sign-in's cookie).
    let answer = get(&browser(), &callback).await;

    assert_failure(&answer, StatusCode::BAD_REQUEST, "oidc-failed-nothing-waiting");
    assert_eq!(accounts_with(&site.app, &address).await, 0);
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let sub = new_person(&issuer, &email(), true, &[]).await;
    let client = browser();
    let authorize = start(&site, &client, None).await;
    let callback = at_provider(&site, &client, &authorize, &sub).await;
    assert_eq!(get(&client, &callback).await.status, StatusCode::SEE_OTHER);

    let again = get(&client, &callback).await;
    assert_failure(&again, StatusCode::BAD_REQUEST, "oidc-failed-nothing-waiting");

    // The same code under a new sign-in of the same browser (its state put in): the
    // provider refuses a code it has already given tokens for.
    let fresh = start(&site, &client, None).await;
    let fresh_state = reqwest::Url::parse(&fresh)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let replayed = get(&client, &replace_param(&callback, "state", &fresh_state)).await;
    assert_failure(&replayed, StatusCode::BAD_REQUEST, "oidc-failed-not-accepted");
    assert_eq!(identities(&site.app).await, 1);
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let address = email();
    let sub = new_person(&issuer, &address, true, &[]).await;
    let client = browser();
    // sluss's own request, with only the nonce changed: the code is bound to sluss's PKCE
    // challenge and comes back with sluss's state, so only the ID token's nonce differs.
    let authorize = start(&site, &client, None).await;
    let tampered = replace_param(&authorize, "nonce", "a-nonce-sluss-never-sent");
    let callback = at_provider(&site, &client, &tampered, &sub).await;

    let answer = get(&client, &callback).await;

    assert_failure(&answer, StatusCode::BAD_REQUEST, "oidc-failed-not-accepted");
    assert!(!signed_in(&site, &client).await);
    assert_eq!(accounts_with(&site.app, &address).await, 0);
}

/// Signs a new person in through the provider's client `client_id`, whose ID tokens sluss
/// must refuse: nothing is created.
async fn refused_through_client(client_id: &'static str) {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, Options { client_id, ..DEFAULT }).await;
    let address = email();
    let sub = new_person(&issuer, &address, true, &[]).await;
    let client = browser();

    let answer = sign_in(&site, &client, &sub).await;

    assert_failure(&answer, StatusCode::BAD_REQUEST, "oidc-failed-not-accepted");
    assert_eq!(accounts_with(&site.app, &address).await, 0);
}

#[tokio::test]
async fn an_id_token_for_another_audience_is_refused() {
    refused_through_client("sluss-other-aud").await;
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    refused_through_client("sluss-expired").await;
}

#[tokio::test]
async fn an_unverified_address_of_an_existing_account_is_never_linked() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let existing = site.app.innovator().await;
    site.app
        .patch(
            "/site",
            Some(&site.app.facilitator().await.token),
            json!({ "contact_email": "team@malmo.example" }),
        )
        .await
        .expect(200);
    let sub = new_person(&issuer, &existing.email, false, &[]).await;
    let client = browser();

    let answer = sign_in(&site, &client, &sub).await;

    assert_failure(&answer, StatusCode::FORBIDDEN, "oidc-failed-unverified-address");
    assert!(answer.body.contains("mailto:team@malmo.example"), "{}", answer.body);
    assert!(!signed_in(&site, &client).await);
    assert_eq!(identities(&site.app).await, 0);
}

#[tokio::test]
async fn a_verified_address_links_the_existing_account() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let existing = site.app.needs_owner().await;
    let sub = new_person(&issuer, &existing.email, true, &[]).await;
    let client = browser();

    let answer = sign_in(&site, &client, &sub).await;

    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert!(signed_in(&site, &client).await);
    assert_eq!(
        site.app
            .count(&format!(
                "SELECT COUNT(*) AS n FROM user_identities i JOIN users u ON u.id = i.user_id WHERE u.email = '{}'",
                existing.email
            ))
            .await,
        1
    );
    assert_eq!(accounts_with(&site.app, &existing.email).await, 1);
    assert_eq!(roles_of(&site.app, &existing.id).await, vec!["needs_owner"]);
}

#[tokio::test]
async fn mapped_roles_follow_the_claim_at_each_sign_in_and_others_stay() {
    let Some(issuer) = issuer() else { return };
    let site = site(
        &issuer,
        Options {
            role_map: Some("facilitator=city-staff,assessor=panel"),
            ..DEFAULT
        },
    )
    .await;
    let existing = site.app.user(&[Role::NeedsOwner]).await;
    let sub = new_person(&issuer, &existing.email, true, &["city-staff", "other"]).await;

    assert_eq!(sign_in(&site, &browser(), &sub).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        roles_of(&site.app, &existing.id).await,
        vec!["facilitator", "needs_owner"]
    );

    // The provider takes facilitator away and grants the panel.
    account(
        &issuer,
        &sub,
        json!({ "email": existing.email, "email_verified": true, "groups": ["panel"] }),
    )
    .await;
    assert_eq!(sign_in(&site, &browser(), &sub).await.status, StatusCode::SEE_OTHER);
    assert_eq!(roles_of(&site.app, &existing.id).await, vec!["assessor", "needs_owner"]);
}

#[tokio::test]
async fn a_deactivated_account_cannot_sign_in() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    let existing = site.app.innovator().await;
    let sub = new_person(&issuer, &existing.email, true, &[]).await;
    assert_eq!(sign_in(&site, &browser(), &sub).await.status, StatusCode::SEE_OTHER);
    let facilitator = site.app.facilitator().await;
    site.app
        .post(
            &format!("/users/{}/deactivate", existing.id),
            Some(&facilitator.token),
            json!({}),
        )
        .await
        .expect(200);
    let client = browser();

    let answer = sign_in(&site, &client, &sub).await;

    assert_failure(&answer, StatusCode::FORBIDDEN, "oidc-failed-deactivated");
    assert!(!signed_in(&site, &client).await);
}

#[tokio::test]
async fn with_password_login_off_the_login_page_has_only_the_provider() {
    let Some(issuer) = issuer() else { return };
    let site = site(
        &issuer,
        Options {
            password_login: false,
            ..DEFAULT
        },
    )
    .await;
    let client = browser();

    let page = get(&client, &format!("{}/login?lang=en", site.base)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Log in with Test-ID"), "{}", page.body);
    assert!(!page.body.contains("name=\"password\""), "{}", page.body);

    let api = client
        .post(format!("{}/api/v1/auth/login", site.base))
        .json(&json!({ "email": "anyone@example.org", "password": "lock gates lift ideas slowly" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        api.headers().get("content-type").unwrap().to_str().unwrap(),
        "application/problem+json"
    );
    let register = client
        .post(format!("{}/api/v1/auth/register", site.base))
        .json(&json!({ "email": email(), "password": "lock gates lift ideas slowly",
            "display_name": "Someone", "roles": ["innovator"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(register.status(), StatusCode::FORBIDDEN);

    let web = site
        .app
        .client
        .post("/login")
        .header("cookie", format!("sluss_csrf={}", crate::helpers::CSRF))
        .content_type("application/x-www-form-urlencoded")
        .body(format!(
            "csrf={}&email=a%40example.org&password=x",
            crate::helpers::CSRF
        ))
        .send()
        .await;
    assert_eq!(web.0.status(), StatusCode::FORBIDDEN);

    // The provider still signs people in.
    let sub = new_person(&issuer, &email(), true, &[]).await;
    assert_eq!(sign_in(&site, &client, &sub).await.status, StatusCode::SEE_OTHER);
    assert!(signed_in(&site, &client).await);
}

#[tokio::test]
async fn the_login_page_offers_the_provider_beside_the_password_form() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, DEFAULT).await;
    for (lang, text) in [("en", "Log in with Test-ID"), ("sv", "Logga in med Test-ID")] {
        let page = get(&browser(), &format!("{}/login?lang={lang}&next=/arenas", site.base)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(text), "{}", page.body);
        assert!(page.body.contains("/auth/oidc/start?next=%2Farenas"), "{}", page.body);
        assert!(page.body.contains("name=\"password\""), "{}", page.body);
    }
}
