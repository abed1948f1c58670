//! The HTTP layer: fuzz bytes as requests to the real app.
//!
//! The app is built once per process exactly as `sluss serve` builds it
//! (`startup::build_app` on a migrated SQLite database in a temp dir), with users of each
//! role and resources in several states (see `fixture.rs`). Each input is one request:
//!
//! | byte | chooses |
//! |---|---|
//! | 0 | the operation, from [`ROUTES`] |
//! | 1 | the caller (anonymous, a role's token, a dead or malformed token) |
//! | 2 | the id put in the path (a fixture of the right kind, unknown, malformed, of another kind) |
//! | 3 | the `Content-Type` |
//! | 4 | the `If-Match` header |
//! | 5 | the query string, from [`QUERIES`]; the last choice takes the body's first line |
//! | 6 | flags: `Accept: text/csv`, `Accept: application/json`, an `Idempotency-Key`, an odd `x-request-id` |
//! | 7.. | the body, with `@arena`, `@assessor`, `@rubric`, `@support`, `@user`, `@idea`, `@challenge` replaced by fixture ids |
//!
//! The invariants: no answer is 5xx (nor a panic), every 4xx is `application/problem+json`
//! whose `status` is the HTTP status, and every JSON success parses as JSON.
#![no_main]

mod fixture;

use std::cell::RefCell;

use arbitrary::Unstructured;
use fixture::{Fixture, Kind};
use libfuzzer_sys::fuzz_target;
use poem::http::{Method, Uri, header};
use poem::{Body, Endpoint, Request};
use serde_json::Value;

/// Inputs after which the fixture's resources are made anew: commands move them towards
/// terminal states, and fresh ones keep every state reachable.
const REFRESH_EVERY: u64 = 2_000;

/// Every operation of the API (the committed OpenAPI spec's), plus routes outside it.
const ROUTES: &[(Method, &str)] = &[
    (Method::POST, "/api/v1/auth/register"),
    (Method::POST, "/api/v1/auth/login"),
    (Method::POST, "/api/v1/auth/logout"),
    (Method::GET, "/api/v1/me"),
    (Method::GET, "/api/v1/users"),
    (Method::POST, "/api/v1/users"),
    (Method::GET, "/api/v1/users/{user}"),
    (Method::PUT, "/api/v1/users/{user}/roles"),
    (Method::POST, "/api/v1/users/{user}/deactivate"),
    (Method::GET, "/api/v1/arenas"),
    (Method::POST, "/api/v1/arenas"),
    (Method::GET, "/api/v1/arenas/{arena}"),
    (Method::PATCH, "/api/v1/arenas/{arena}"),
    (Method::POST, "/api/v1/arenas/{arena}/open"),
    (Method::POST, "/api/v1/arenas/{arena}/close"),
    (Method::GET, "/api/v1/challenges"),
    (Method::POST, "/api/v1/challenges"),
    (Method::GET, "/api/v1/challenges/{challenge}"),
    (Method::PATCH, "/api/v1/challenges/{challenge}"),
    (Method::POST, "/api/v1/challenges/{challenge}/submit"),
    (Method::POST, "/api/v1/challenges/{challenge}/request-changes"),
    (Method::POST, "/api/v1/challenges/{challenge}/publish"),
    (Method::POST, "/api/v1/challenges/{challenge}/close"),
    (Method::POST, "/api/v1/challenges/{challenge}/archive"),
    (Method::POST, "/api/v1/challenges/{challenge}/withdraw"),
    (Method::GET, "/api/v1/challenges/{challenge}/history"),
    (Method::GET, "/api/v1/challenges/{challenge}/questions"),
    (Method::POST, "/api/v1/challenges/{challenge}/questions"),
    (Method::POST, "/api/v1/questions/{question}/answer"),
    (Method::POST, "/api/v1/challenges/{challenge}/ideas"),
    (Method::GET, "/api/v1/challenges/{challenge}/ideas"),
    (Method::GET, "/api/v1/ideas"),
    (Method::GET, "/api/v1/ideas/{idea}"),
    (Method::PATCH, "/api/v1/ideas/{idea}"),
    (Method::POST, "/api/v1/ideas/{idea}/submit"),
    (Method::POST, "/api/v1/ideas/{idea}/withdraw"),
    (Method::POST, "/api/v1/ideas/{idea}/start-assessment"),
    (Method::POST, "/api/v1/ideas/{idea}/decide"),
    (Method::POST, "/api/v1/ideas/{idea}/start-incubation"),
    (Method::POST, "/api/v1/ideas/{idea}/start-testing"),
    (Method::POST, "/api/v1/ideas/{idea}/complete"),
    (Method::POST, "/api/v1/ideas/{idea}/discontinue"),
    (Method::GET, "/api/v1/ideas/{idea}/history"),
    (Method::GET, "/api/v1/rubrics"),
    (Method::POST, "/api/v1/rubrics"),
    (Method::GET, "/api/v1/rubrics/{rubric}"),
    (Method::PUT, "/api/v1/rubrics/{rubric}"),
    (Method::POST, "/api/v1/ideas/{idea}/assignments"),
    (Method::GET, "/api/v1/assignments"),
    (Method::POST, "/api/v1/assignments/{assignment}/declare-conflict"),
    (Method::DELETE, "/api/v1/assignments/{assignment}"),
    (Method::PUT, "/api/v1/ideas/{idea}/scorecard"),
    (Method::GET, "/api/v1/ideas/{idea}/scorecards"),
    (Method::GET, "/api/v1/ideas/{idea}/assessment"),
    (Method::GET, "/api/v1/challenges/{challenge}/ranking"),
    (Method::GET, "/api/v1/support-organisations"),
    (Method::POST, "/api/v1/support-organisations"),
    (Method::GET, "/api/v1/ideas/{idea}/incubation"),
    (Method::POST, "/api/v1/ideas/{idea}/incubation/milestones"),
    (Method::POST, "/api/v1/milestones/{milestone}/complete"),
    (Method::GET, "/api/v1/ideas/{idea}/test"),
    (Method::POST, "/api/v1/ideas/{idea}/test/spread-activities"),
    (Method::POST, "/api/v1/obstacles"),
    (Method::GET, "/api/v1/obstacles"),
    (Method::GET, "/api/v1/reports/funnel"),
    (Method::GET, "/api/v1/reports/obstacles"),
    (Method::GET, "/healthz"),
    (Method::GET, "/readyz"),
    (Method::GET, "/metrics"),
    (Method::GET, "/api/v1/nowhere"),
    (Method::DELETE, "/api/v1/challenges/{challenge}"),
    (Method::PUT, "/api/v1/ideas/{idea}"),
];

/// Query strings worth trying on any route (most routes ignore them).
const QUERIES: &[&str] = &[
    "",
    "limit=1",
    "limit=0",
    "limit=201",
    "limit=-1",
    "limit=99999999999999999999",
    "cursor=not-a-cursor",
    "cursor=",
    "limit=1&cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "state=published",
    "state=draft",
    "state=bogus",
    "sdg=11",
    "sdg=18",
    "sdg=-9223372036854775808",
    "q=sege%20park",
    "q=%00%27%22",
    "q=%E2%80%AE",
    "arena_id=not-a-uuid",
    "mine=true",
    "mine=maybe",
    "format=csv",
    "format=xml",
    "since=2020-01-01T00:00:00Z&until=2999-01-01T00:00:00Z",
    "since=yesterday",
    "until=2020-01-01T00:00:00Z&since=2030-01-01T00:00:00Z",
    "step=0",
    "step=3",
    "category=regulation",
    "category=nope",
    "idea_id=00000000-0000-0000-0000-000000000000",
];

const CONTENT_TYPES: &[Option<&str>] = &[
    Some("application/json"),
    None,
    Some("application/json; charset=utf-8"),
    Some("text/plain"),
    Some("application/x-www-form-urlencoded"),
    Some("multipart/form-data; boundary=x"),
    Some("application/problem+json"),
    Some("application/json; charset=latin1"),
    Some("text/csv"),
];

const IF_MATCH: &[Option<&str>] = &[
    None,
    Some("\"1\""),
    Some("\"2\""),
    Some("*"),
    Some("W/\"1\""),
    Some("\"abc\""),
    Some("\"99999999999999999999\""),
    Some("\"-1\""),
    Some("1"),
    Some(""),
];

/// Percent-encodes what a URI may not carry, leaving `%`, `&`, `=` and `+` so the
/// fuzzer can still write broken escapes and odd pairs.
fn encode_query(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for &byte in raw {
        if byte.is_ascii_alphanumeric() || b"-._~%&=+,:".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Replaces every `needle` in `haystack` by `with`.
fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// One request built from the input, or `None` when no client could send it.
fn request_of(fixture: &Fixture, data: &[u8]) -> Option<(Method, String, Request)> {
    let mut u = Unstructured::new(data);
    let pick = |u: &mut Unstructured, len: usize| u.choose_index(len).unwrap_or(0);
    let (method, template) = ROUTES[pick(&mut u, ROUTES.len())].clone();
    let caller = u.arbitrary::<u8>().unwrap_or(0);
    let id_choice = u.arbitrary::<u8>().unwrap_or(0);
    let content_type = CONTENT_TYPES[pick(&mut u, CONTENT_TYPES.len())];
    let if_match = IF_MATCH[pick(&mut u, IF_MATCH.len())];
    let query_choice = pick(&mut u, QUERIES.len() + 1);
    let flags = u.arbitrary::<u8>().unwrap_or(0);
    let mut body = u.take_rest().to_vec();

    let query = if query_choice == QUERIES.len() {
        let line_end = body.iter().position(|b| *b == b'\n').unwrap_or(body.len());
        let raw: Vec<u8> = body.drain(..line_end).collect();
        encode_query(&raw)
    } else {
        QUERIES[query_choice].to_owned()
    };
    for (placeholder, kind) in Kind::PLACEHOLDERS {
        body = replace(&body, placeholder.as_bytes(), fixture.id(kind, 0).as_bytes());
    }
    let mut path = template.to_owned();
    for (placeholder, kind) in Kind::PLACEHOLDERS {
        let segment = format!("{{{}}}", &placeholder[1..]);
        if path.contains(&segment) {
            path = path.replace(&segment, &fixture.path_id(kind, id_choice));
        }
    }
    let uri_text = if query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{query}")
    };
    let uri = Uri::try_from(uri_text).ok()?;

    let mut builder = Request::builder().method(method.clone()).uri(uri);
    if let Some(authorization) = fixture.authorization(caller) {
        builder = builder.header(header::AUTHORIZATION, authorization);
    }
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(if_match) = if_match {
        builder = builder.header(header::IF_MATCH, if_match);
    }
    if flags & 1 != 0 {
        builder = builder.header(header::ACCEPT, "text/csv");
    }
    if flags & 2 != 0 {
        builder = builder.header(header::ACCEPT, "application/json");
    }
    if flags & 4 != 0 {
        builder = builder.header("idempotency-key", "fuzz-1");
    }
    if flags & 8 != 0 {
        builder = builder.header("x-request-id", "../../etc/passwd");
    }
    Some((method, path, builder.body(Body::from(body))))
}

/// Sends one request and checks the answer; true when it may have ended a session.
fn exercise(fixture: &Fixture, data: &[u8]) -> bool {
    let Some((method, path, request)) = request_of(fixture, data) else {
        return false;
    };
    let ends_sessions = path.ends_with("/auth/logout") || path.ends_with("/deactivate");
    fixture.runtime.block_on(async {
        let response = match fixture.app.call(request).await {
            Ok(response) => response,
            Err(error) => error.into_response(),
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.into_body().into_vec().await.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!status.is_server_error(), "{method} {path} answered {status}: {text}");
        if status.is_client_error() {
            assert_eq!(
                content_type.as_deref(),
                Some("application/problem+json"),
                "{method} {path} answered {status} without a problem: {text}"
            );
            let problem: Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{method} {path}: problem is not JSON ({e}): {text}"));
            assert_eq!(problem["status"], status.as_u16(), "{method} {path}: {text}");
            for field in ["type", "title", "detail"] {
                assert!(
                    problem[field].is_string(),
                    "{method} {path}: problem without {field}: {text}"
                );
            }
        } else if content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/json"))
        {
            if let Err(e) = serde_json::from_slice::<Value>(&bytes) {
                panic!("{method} {path} answered {status} with broken JSON ({e}): {text}");
            }
        }
        ends_sessions && status.is_success()
    })
}

thread_local! {
    static FIXTURE: RefCell<Option<(Fixture, u64)>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    FIXTURE.with_borrow_mut(|slot| {
        let (fixture, runs) = slot.get_or_insert_with(|| (Fixture::new(), 0));
        *runs += 1;
        if *runs % REFRESH_EVERY == 0 {
            fixture.refresh();
        }
        if exercise(fixture, data) {
            // Keeps every role a caller: a logged-out token would turn the rest into 401s.
            fixture.renew_sessions();
        }
    });
});
