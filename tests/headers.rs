//! Security headers on every answer, and CORS: none by default, the configured origins
//! otherwise.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use poem::http::Method;
use serde_json::json;
use sha2::{Digest, Sha256};
use sluss_api::config::AllowedOrigins;
use sluss_api::state::{AuthSettings, HttpSettings};

use crate::helpers::*;

const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const ALLOWED: &str = "https://ideas.malmo.example";

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let answers = [
        ("list", app.get("/challenges", None).await.expect(200)),
        (
            "signed-in read",
            app.get("/me", Some(&facilitator.token)).await.expect(200),
        ),
        ("401", app.get("/me", None).await.expect_problem(401)),
        ("404", app.get("/nowhere", None).await.expect_problem(404)),
        ("400", app.get("/challenges/not-a-uuid", None).await.expect_problem(400)),
        ("docs", app.get("/docs", None).await.expect(200)),
        ("spec", app.get("/api/v1/openapi.json", None).await.expect(200)),
        ("healthz", app.get("/healthz", None).await.expect(200)),
        ("metrics", app.get("/metrics", None).await.expect(200)),
    ];
    for (what, reply) in answers {
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
            ("cross-origin-resource-policy", "same-origin"),
            ("cross-origin-opener-policy", "same-origin"),
        ] {
            assert_eq!(reply.header(name), Some(value), "{name} on the {what} answer");
        }
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'"),
            "CSP of the {what} answer: {csp}"
        );
    }
}

#[tokio::test]
async fn api_answers_forbid_all_content() {
    let app = spawn_app().await;
    for reply in [
        app.get("/challenges", None).await,
        app.get("/nowhere", None).await,
        app.get("/healthz", None).await,
    ] {
        assert_eq!(reply.header("content-security-policy"), Some(API_CSP));
    }
}

/// The text of each `<tag>` element of `html`, as a browser reads it: in document order,
/// up to its first closing tag, whatever a script or style says inside.
fn elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some((start, name)) = ["script", "style"]
        .into_iter()
        .filter_map(|name| rest.find(&format!("<{name}")).map(|at| (at, name)))
        .min()
    {
        let (attributes, after) = rest[start..].split_once('>').expect("a tag ends");
        assert!(
            !attributes.contains("src="),
            "the docs page loads a {name}: {attributes}"
        );
        let (text, tail) = after
            .split_once(format!("</{name}>").as_str())
            .expect("an element ends");
        if name == tag {
            found.push(text);
        }
        rest = tail;
    }
    found
}

/// The sorted `'sha256-…'` sources of the elements, as a browser hashes them.
fn hashes(texts: &[&str]) -> Vec<String> {
    let mut hashes: Vec<String> = texts
        .iter()
        .map(|text| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(text.as_bytes()))))
        .collect();
    hashes.sort();
    hashes
}

#[tokio::test]
async fn the_docs_policy_admits_exactly_the_inline_scripts_and_styles_of_the_page() {
    // Arrange
    let app = spawn_app().await;
    let docs = app.get("/docs", None).await.expect(200);
    let csp = docs.header("content-security-policy").unwrap_or_default().to_owned();
    let directive = |name: &str| {
        let mut sources: Vec<String> = csp
            .split(';')
            .map(str::trim)
            .find_map(|d| d.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {csp}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        sources.sort();
        sources
    };

    // Act
    let scripts = elements(&docs.text, "script");
    let styles = elements(&docs.text, "style");

    // Assert: each inline element by its hash and nothing else; nothing fetched elsewhere
    assert!(!scripts.is_empty() && !styles.is_empty());
    assert_eq!(directive("script-src "), hashes(&scripts), "script-src of {csp}");
    assert_eq!(directive("style-src "), hashes(&styles), "style-src of {csp}");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(directive("connect-src "), vec!["'self'"]);
    assert_eq!(directive("frame-ancestors "), vec!["'none'"]);
    assert!(!docs.text.contains("<link"), "the docs page loads a stylesheet");
}

#[tokio::test]
async fn answers_to_signed_in_callers_are_never_stored() {
    let app = spawn_app().await;
    let innovator = app.innovator().await;
    let read = app.get("/me", Some(&innovator.token)).await.expect(200);
    let refused = app.get("/users", Some(&innovator.token)).await.expect_problem(403);
    assert_eq!(read.header("cache-control"), Some("no-store"));
    assert_eq!(refused.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn answers_that_carry_a_token_or_a_secret_are_never_stored() {
    // Arrange: an account with a reset link waiting, and a facilitator
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    let facilitator = app.facilitator().await;
    app.post("/auth/password-reset", None, json!({ "email": me.email }))
        .await
        .expect(202);
    let reset = app.reset_token_of(&me.id).await;

    // Act: log in (a token), register a hook (its secret), set a password by a reset
    // link (the link's token), register an account
    let login = app
        .post("/auth/login", None, json!({ "email": me.email, "password": PASSWORD }))
        .await
        .expect(200);
    let hook = app
        .post(
            "/webhooks",
            Some(&facilitator.token),
            json!({ "url": "https://93.184.216.34/hook", "events": [] }),
        )
        .await
        .expect(201);
    let confirmed = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({ "token": reset, "password": "a new passphrase for the locks" }),
        )
        .await
        .expect(204);
    let refused_login = app
        .post("/auth/login", None, json!({ "email": me.email, "password": PASSWORD }))
        .await
        .expect_problem(401);

    // Assert
    for (what, reply) in [
        ("login", login),
        ("webhook", hook),
        ("reset confirm", confirmed),
        ("refused login", refused_login),
    ] {
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
    }
}

/// A preflight from `origin` for a POST with the headers the API takes.
async fn preflight(app: &TestApp, origin: &str) -> Reply {
    app.call_with(
        Method::OPTIONS,
        "/arenas",
        None,
        None,
        &[
            ("origin", origin),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization, content-type, idempotency-key, if-match",
            ),
        ],
    )
    .await
}

async fn app_allowing(origins: AllowedOrigins) -> TestApp {
    let http = HttpSettings {
        cors_origins: origins,
        ..HttpSettings::default()
    };
    spawn_app_configured(AuthSettings::default(), http).await
}

fn allowed() -> AllowedOrigins {
    AllowedOrigins::List(vec![ALLOWED.to_owned()])
}

fn listed(reply: &Reply, header: &str) -> Vec<String> {
    reply
        .header(header)
        .unwrap_or_default()
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn by_default_no_origin_gets_cross_origin_access() {
    let app = spawn_app().await;
    let before = preflight(&app, ALLOWED).await;
    let read = app
        .call_with(Method::GET, "/challenges", None, None, &[("origin", ALLOWED)])
        .await
        .expect(200);
    assert_eq!(before.header("access-control-allow-origin"), None);
    assert_eq!(read.header("access-control-allow-origin"), None);
    assert_eq!(read.header("access-control-expose-headers"), None);
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_is_granted_the_methods_and_headers_of_the_api() {
    let app = app_allowing(allowed()).await;
    let reply = preflight(&app, ALLOWED).await.expect(200);
    assert_eq!(reply.header("access-control-allow-origin"), Some(ALLOWED));
    let methods = listed(&reply, "access-control-allow-methods");
    for method in ["get", "post", "put", "patch", "delete"] {
        assert!(methods.contains(&method.to_owned()), "{method} in {methods:?}");
    }
    let headers = listed(&reply, "access-control-allow-headers");
    for header in ["authorization", "content-type", "if-match", "idempotency-key"] {
        assert!(headers.contains(&header.to_owned()), "{header} in {headers:?}");
    }
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    assert!(reply.header("access-control-max-age").is_some());
}

#[tokio::test]
async fn an_allowed_origin_may_read_the_etag_retry_after_and_request_id() {
    let app = app_allowing(allowed()).await;
    let reply = app
        .call_with(Method::GET, "/challenges", None, None, &[("origin", ALLOWED)])
        .await
        .expect(200);
    assert_eq!(reply.header("access-control-allow-origin"), Some(ALLOWED));
    let exposed = listed(&reply, "access-control-expose-headers");
    for header in ["etag", "retry-after", "x-request-id", "idempotent-replayed"] {
        assert!(exposed.contains(&header.to_owned()), "{header} in {exposed:?}");
    }
    assert_eq!(reply.header("vary"), Some("Origin, Accept-Encoding"));
}

#[tokio::test]
async fn another_origin_is_refused_without_cors_headers() {
    let app = app_allowing(allowed()).await;
    let refused = preflight(&app, "https://elsewhere.example").await.expect_problem(403);
    let read = app
        .call_with(
            Method::GET,
            "/challenges",
            None,
            None,
            &[("origin", "https://elsewhere.example")],
        )
        .await
        .expect_problem(403);
    assert_eq!(refused.header("access-control-allow-origin"), None);
    assert_eq!(read.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn a_same_origin_write_is_not_refused_for_its_origin_header() {
    // Browsers send Origin on same-origin writes, e.g. from the docs page
    let app = app_allowing(allowed()).await;
    let facilitator = app.facilitator().await;
    let reply = app
        .call_with(
            Method::POST,
            "/arenas",
            Some(&facilitator.token),
            Some(serde_json::json!({ "name": "Open call", "kind": "digital" })),
            &[
                ("origin", "https://sluss.malmo.example"),
                ("host", "sluss.malmo.example"),
            ],
        )
        .await;
    reply.expect(201);
}

#[tokio::test]
async fn a_star_grants_any_origin() {
    let app = app_allowing(AllowedOrigins::Any).await;
    let reply = preflight(&app, "https://anywhere.example").await.expect(200);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://anywhere.example")
    );
}

#[tokio::test]
async fn an_error_to_an_allowed_origin_is_still_a_problem_document() {
    let app = app_allowing(allowed()).await;
    let reply = app
        .call_with(Method::GET, "/nowhere", None, None, &[("origin", ALLOWED)])
        .await
        .expect_problem(404);
    assert_eq!(reply.header("access-control-allow-origin"), Some(ALLOWED));
}

/// GETs `path` signed out, accepting `encoding`: the answer's status, headers and raw body.
async fn get_encoded(app: &TestApp, path: &str, encoding: &str) -> (u16, poem::http::HeaderMap, Vec<u8>) {
    let response = app.client.get(path).header("accept-encoding", encoding).send().await;
    let status = response.0.status().as_u16();
    let headers = response.0.headers().clone();
    let body = response.0.into_body().into_vec().await.expect("a body");
    (status, headers, body)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut plain)
        .expect("a gzip stream");
    plain
}

#[tokio::test]
async fn pages_answers_and_the_document_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app().await;
    for path in [
        "/docs",
        "/api/v1/openapi.json",
        "/challenges",
        "/api/v1/challenges",
        "/api/v1/nowhere",
    ] {
        let (status, plain_headers, plain) = get_encoded(&app, path, "identity").await;
        assert_eq!(plain_headers.get("content-encoding"), None, "{path} compressed unasked");
        let (gz_status, headers, gzipped) = get_encoded(&app, path, "gzip, deflate").await;
        assert_eq!(gz_status, status, "{path}");
        assert_eq!(
            headers.get("content-encoding").map(|v| v.as_bytes()),
            Some(&b"gzip"[..]),
            "{path}"
        );
        assert!(
            headers
                .get("vary")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("Accept-Encoding")),
            "{path} does not vary on the encoding"
        );
        let unpacked = gunzip(&gzipped);
        if path == "/docs" || path.ends_with("openapi.json") {
            assert_eq!(unpacked, plain, "{path} is not the same once unpacked");
            assert!(
                gzipped.len() * 3 < plain.len(),
                "{path}: {} of {} bytes",
                gzipped.len(),
                plain.len()
            );
        } else {
            // Pages and lists carry per-request tokens or ids; their shape is the same.
            assert_eq!(unpacked.first(), plain.first(), "{path}");
        }
        let (_, headers, _) = get_encoded(&app, path, "gzip;q=0.5, br").await;
        assert_eq!(
            headers.get("content-encoding").map(|v| v.as_bytes()),
            Some(&b"br"[..]),
            "{path}"
        );
    }
}

#[tokio::test]
async fn archives_and_answers_without_a_body_are_not_compressed() {
    let app = spawn_app().await;
    let (status, headers, _) = get_encoded(&app, "/open-data.zip", "gzip, br").await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-encoding"), None, "the zip is compressed twice");
    let etag = headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_owned();
    let response = app
        .client
        .get("/open-data.zip")
        .header("accept-encoding", "gzip, br")
        .header("if-none-match", etag)
        .send()
        .await;
    response.assert_status(poem::http::StatusCode::NOT_MODIFIED);
    assert_eq!(
        response.0.headers().get("content-encoding"),
        None,
        "a 304 carries an encoding"
    );
    let head = app
        .client
        .head("/api/v1/challenges")
        .header("accept-encoding", "gzip")
        .send()
        .await;
    assert_eq!(head.0.headers().get("content-encoding"), None, "HEAD is encoded");
}
