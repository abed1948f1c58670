//! Safe retries: `Idempotency-Key` on every creating POST.

use poem::http::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use sluss_api::state::{AuthSettings, HttpSettings};
use uuid::Uuid;

use crate::helpers::*;
use crate::matrix::{Cell, prepare_cell, spec_form};

/// Every creating operation, the caller who may create there, and the table it writes.
#[rustfmt::skip]
const CREATING: &[(&str, &str, &str)] = &[
    ("POST /auth/register",                                    "anonymous",   "users"),
    ("POST /users",                                            "facilitator", "users"),
    ("POST /arenas",                                           "facilitator", "arenas"),
    ("POST /challenges",                                       "needs_owner", "challenges"),
    ("POST /challenges/{published}/ideas",                     "innovator",   "ideas"),
    ("POST /challenges/{published}/questions",                 "innovator",   "questions"),
    ("POST /rubrics",                                          "facilitator", "rubrics"),
    ("POST /ideas/{assigned_idea}/assignments",                "facilitator", "assignments"),
    ("POST /support-organisations",                            "facilitator", "support_organisations"),
    ("POST /organisations",                                    "facilitator", "organisations"),
    ("POST /ideas/{in_incubation_idea}/incubation/milestones", "author",      "milestones"),
    ("POST /ideas/{in_testing_idea}/test/spread-activities",   "facilitator", "spread_activities"),
    ("POST /obstacles about {published}",                      "innovator",   "obstacles"),
    ("POST /webhooks",                                         "facilitator", "webhooks"),
    ("POST /site/privacy-notice",                              "facilitator", "privacy_notices"),
    ("POST /me/tokens",                                        "innovator",   "api_tokens"),
];

const KEY: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";

fn arena(name: &str) -> Value {
    json!({ "name": name, "kind": "physical" })
}

/// A fresh key.
fn key() -> String {
    Uuid::now_v7().to_string()
}

async fn rows(app: &TestApp, table: &str) -> i64 {
    app.count(&format!("SELECT COUNT(*) AS n FROM {table}")).await
}

/// Sends a cell's request under `key`.
async fn send_keyed(app: &TestApp, cell: &Cell, key: &str) -> Reply {
    app.call_with(
        cell.method.clone(),
        &cell.path,
        cell.token.as_deref(),
        cell.body.clone(),
        &[(KEY, key)],
    )
    .await
}

async fn create_arena(app: &TestApp, token: &str, key: &str, body: Value) -> Reply {
    app.call_with(Method::POST, "/arenas", Some(token), Some(body), &[(KEY, key)])
        .await
}

#[tokio::test]
async fn a_retry_of_every_creating_operation_answers_the_first_response_and_creates_nothing() {
    let app = spawn_app().await;
    let mut mismatches = Vec::new();
    for &(endpoint, caller, table) in CREATING {
        // Arrange: the cell's resources, body and caller
        let cell = prepare_cell(&app, endpoint, caller).await;
        let key = key();

        // Act: the request and its retry
        let first = send_keyed(&app, &cell, &key).await;
        let before = rows(&app, table).await;
        let retry = send_keyed(&app, &cell, &key).await;

        // Assert: the same answer, marked as replayed, and no second row
        let after = rows(&app, table).await;
        if first.code() != 201 {
            mismatches.push(format!("{endpoint}: first answer {}: {}", first.code(), first.text));
            continue;
        }
        if first.header(REPLAYED).is_some() {
            mismatches.push(format!("{endpoint}: the first answer claims to be replayed"));
        }
        if retry.code() != 201 || retry.text != first.text || retry.header("etag") != first.header("etag") {
            mismatches.push(format!("{endpoint}: retry answered {} {}", retry.code(), retry.text));
        }
        if retry.header(REPLAYED) != Some("true") {
            mismatches.push(format!("{endpoint}: the retry is not marked as replayed"));
        }
        if retry.header("content-type") != first.header("content-type") {
            mismatches.push(format!("{endpoint}: the retry changed the content type"));
        }
        if after != before {
            mismatches.push(format!("{endpoint}: {table} went from {before} to {after} rows"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn exactly_the_operations_answering_201_take_an_idempotency_key() {
    let spec: Value = serde_json::from_str(include_str!("../openapi/openapi.json")).expect("committed spec is JSON");
    let mut creating = std::collections::BTreeSet::new();
    let mut keyed = std::collections::BTreeSet::new();
    for (path, methods) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in methods.as_object().expect("operations") {
            let name = format!("{} {path}", method.to_uppercase());
            if operation["responses"]["201"].is_object() {
                creating.insert(name.clone());
            }
            let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
            if parameters
                .iter()
                .any(|p| p["in"] == "header" && p["name"] == "Idempotency-Key")
            {
                keyed.insert(name);
            }
        }
    }
    // A file's upload is the one creation without a key: its body streams to disk and is
    // never held whole to be fingerprinted (ADR 0035); a retried upload adds a second file
    // that its uploader can remove.
    let uploads: std::collections::BTreeSet<String> = [
        "POST /challenges/{id}/attachments",
        "POST /ideas/{id}/attachments",
        "POST /tests/{id}/attachments",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert!(uploads.is_subset(&creating), "the uploads answer 201");
    assert!(keyed.is_disjoint(&uploads), "an upload documents no Idempotency-Key");
    let creating: std::collections::BTreeSet<String> = creating.difference(&uploads).cloned().collect();
    let tabled: std::collections::BTreeSet<String> = CREATING.iter().map(|(e, _, _)| spec_form(e)).collect();
    assert_eq!(
        keyed, creating,
        "operations answering 201 and those documenting Idempotency-Key differ"
    );
    assert_eq!(tabled, creating, "the table of this module misses a creating operation");
}

#[tokio::test]
async fn the_same_key_with_another_body_answers_422_and_creates_nothing() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let key = key();
    create_arena(&app, &facilitator.token, &key, arena("Sege Park competition"))
        .await
        .expect(201);

    // Act
    let reply = create_arena(&app, &facilitator.token, &key, arena("Another arena"))
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["Idempotency-Key"]);
    assert_eq!(rows(&app, "arenas").await, 1);
}

#[tokio::test]
async fn the_same_key_on_another_path_answers_422_and_creates_nothing() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let key = key();
    create_arena(&app, &facilitator.token, &key, arena("Sege Park competition"))
        .await
        .expect(201);
    let organisation = json!({ "name": "Minc", "kind": "incubator", "description": "Incubator in Malmö" });

    // Act
    let reply = app
        .call_with(
            Method::POST,
            "/support-organisations",
            Some(&facilitator.token),
            Some(organisation),
            &[(KEY, key.as_str())],
        )
        .await;

    // Assert
    reply.expect_problem(422);
    assert_eq!(rows(&app, "support_organisations").await, 0);
}

#[tokio::test]
async fn two_users_sending_the_same_key_each_create_their_own_resource() {
    // Arrange
    let app = spawn_app().await;
    let (first, second) = (app.facilitator().await, app.facilitator().await);
    let key = key();

    // Act
    let mine = create_arena(&app, &first.token, &key, arena("Open call"))
        .await
        .expect(201);
    let theirs = create_arena(&app, &second.token, &key, arena("Open call"))
        .await
        .expect(201);

    // Assert
    assert_ne!(mine.id(), theirs.id());
    assert_eq!(theirs.header(REPLAYED), None);
    assert_eq!(rows(&app, "arenas").await, 2);
}

#[tokio::test]
async fn a_refused_request_replays_its_refusal() {
    // Arrange: a needs-owner may not create arenas
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let key = key();
    let refused = create_arena(&app, &owner.token, &key, arena("Open call"))
        .await
        .expect_problem(403);

    // Act
    let retry = create_arena(&app, &owner.token, &key, arena("Open call")).await;

    // Assert
    let retry = retry.expect_problem(403);
    assert_eq!(retry.text, refused.text);
    assert_eq!(retry.header(REPLAYED), Some("true"));
}

#[tokio::test]
async fn an_invalid_body_is_refused_again_on_retry_even_once_it_could_succeed() {
    // Arrange: a 422 for a missing name, under a key
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let key = key();
    let body = json!({ "kind": "physical" });
    create_arena(&app, &facilitator.token, &key, body.clone())
        .await
        .expect_problem(422);

    // Act
    let retry = create_arena(&app, &facilitator.token, &key, body).await;

    // Assert
    assert_eq!(retry.expect_problem(422).header(REPLAYED), Some("true"));
    assert_eq!(rows(&app, "arenas").await, 0);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_create_exactly_one_resource() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let server = app.serve().await;
    let client = reqwest::Client::new();
    let key = key();

    // Act: ten identical requests at once, over real HTTP
    let attempts = (0..10).map(|_| {
        let request = client
            .post(format!("{}/arenas", server.base_url))
            .bearer_auth(&facilitator.token)
            .header(KEY, &key)
            .json(&arena("Sege Park competition"))
            .send();
        async move {
            let response = request.await.expect("request sent");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("a JSON body");
            (status, body)
        }
    });
    let answers = futures_util::future::join_all(attempts).await;

    // Assert: each is the one creation or "in progress"; one arena exists
    assert!(answers.iter().all(|(s, _)| *s == 201 || *s == 409), "{answers:?}");
    let created: std::collections::BTreeSet<&str> = answers
        .iter()
        .filter(|(s, _)| *s == 201)
        .map(|(_, body)| body["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    assert_eq!(rows(&app, "arenas").await, 1);
}

#[tokio::test]
async fn a_key_whose_request_is_still_running_answers_409() {
    // Arrange: a request whose key is claimed and not yet answered
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let key = key();
    create_arena(&app, &facilitator.token, &key, arena("Open call"))
        .await
        .expect(201);
    app.state
        .db
        .execute_unprepared("UPDATE idempotency_keys SET state = 'pending'")
        .await
        .unwrap();

    // Act
    let reply = create_arena(&app, &facilitator.token, &key, arena("Open call")).await;

    // Assert
    reply.expect_problem(409);
    assert_eq!(rows(&app, "arenas").await, 1);
}

#[tokio::test]
async fn a_malformed_key_answers_400_and_creates_nothing() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let too_long = "k".repeat(256);
    for bad in ["", "two words", too_long.as_str()] {
        create_arena(&app, &facilitator.token, bad, arena("Open call"))
            .await
            .expect_problem(400);
    }
    let not_ascii = app
        .client
        .post("/api/v1/arenas")
        .header("authorization", format!("Bearer {}", facilitator.token))
        .header(KEY, poem::http::HeaderValue::from_bytes("nyckel-å".as_bytes()).unwrap())
        .body_json(&arena("Open call"))
        .send()
        .await;
    reply_of(not_ascii.0).await.expect_problem(400);
    assert_eq!(rows(&app, "arenas").await, 0);
}

#[tokio::test]
async fn a_key_of_the_longest_length_is_accepted() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let longest = "k".repeat(255);
    create_arena(&app, &facilitator.token, &longest, arena("Open call"))
        .await
        .expect(201);
}

#[tokio::test]
async fn a_key_without_a_valid_token_answers_401_before_anything_else() {
    let app = spawn_app().await;
    let reply = app
        .call_with(
            Method::POST,
            "/arenas",
            None,
            Some(arena("Open call")),
            &[(KEY, "two words")],
        )
        .await;
    reply.expect_problem(401);
    let reply = create_arena(&app, "not-a-token", &key(), arena("Open call")).await;
    reply.expect_problem(401);
    assert_eq!(rows(&app, "idempotency_keys").await, 0);
}

#[tokio::test]
async fn requests_without_a_key_are_neither_remembered_nor_replayed() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    for _ in 0..2 {
        let reply = app
            .post("/arenas", Some(&facilitator.token), arena("Open call"))
            .await
            .expect(201);
        assert_eq!(reply.header(REPLAYED), None);
    }
    assert_eq!(rows(&app, "arenas").await, 2);
    assert_eq!(rows(&app, "idempotency_keys").await, 0);
}

#[tokio::test]
async fn registration_replays_for_a_retry_from_the_same_address() {
    // Arrange
    let app = spawn_app().await;
    let body =
        json!({ "email": "ida@example.org", "password": PASSWORD, "display_name": "Ida", "roles": ["innovator"] });
    let key = key();
    let register = || async {
        app.call_with(Method::POST, "/auth/register", None, Some(body.clone()), &[(KEY, &key)])
            .await
    };
    let first = register().await.expect(201);

    // Act: without the key this would be 409 (the e-mail is taken)
    let retry = register().await.expect(201);

    // Assert
    assert_eq!(retry.id(), first.id());
    assert_eq!(retry.header(REPLAYED), Some("true"));
    assert_eq!(rows(&app, "users").await, 1);
}

#[tokio::test]
async fn a_refused_anonymous_registration_keeps_no_key() {
    let app = spawn_app().await;
    let refused =
        json!({ "email": "not an address", "password": PASSWORD, "display_name": "Ida", "roles": ["innovator"] });
    for _ in 0..5 {
        app.call_with(
            Method::POST,
            "/auth/register",
            None,
            Some(refused.clone()),
            &[(KEY, &key())],
        )
        .await
        .expect_problem(422);
    }
    assert_eq!(rows(&app, "idempotency_keys").await, 0);
    // A retry of a refused one runs again (and is refused again), it is not replayed.
    let key = key();
    for _ in 0..2 {
        let reply = app
            .call_with(
                Method::POST,
                "/auth/register",
                None,
                Some(refused.clone()),
                &[(KEY, &key)],
            )
            .await
            .expect_problem(422);
        assert_eq!(reply.header(REPLAYED), None);
    }
}

/// Moves every stored key `minutes` into the past.
async fn age_keys(app: &TestApp, minutes: i64) {
    let backend = app.state.db.get_database_backend();
    let at = chrono::Utc::now() - chrono::Duration::minutes(minutes);
    app.state
        .db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => "UPDATE idempotency_keys SET created_at = $1",
                _ => "UPDATE idempotency_keys SET created_at = ?",
            },
            [at.into()],
        ))
        .await
        .unwrap();
}

fn one_hour_keys() -> HttpSettings {
    HttpSettings {
        idempotency_ttl: chrono::Duration::hours(1),
        ..HttpSettings::default()
    }
}

#[tokio::test]
async fn an_expired_key_may_be_used_for_a_new_request() {
    // Arrange: keys live an hour; this one is two hours old
    let app = spawn_app_configured(AuthSettings::default(), one_hour_keys()).await;
    let facilitator = app.facilitator().await;
    let key = key();
    let first = create_arena(&app, &facilitator.token, &key, arena("Open call"))
        .await
        .expect(201);
    age_keys(&app, 120).await;

    // Act
    let again = create_arena(&app, &facilitator.token, &key, arena("Open call"))
        .await
        .expect(201);

    // Assert: a second arena, and the old key is gone
    assert_ne!(again.id(), first.id());
    assert_eq!(again.header(REPLAYED), None);
    assert_eq!(rows(&app, "arenas").await, 2);
    assert_eq!(rows(&app, "idempotency_keys").await, 1);
}

#[tokio::test]
async fn a_key_younger_than_its_lifetime_still_replays() {
    // Arrange: keys live an hour; this one is half an hour old
    let app = spawn_app_configured(AuthSettings::default(), one_hour_keys()).await;
    let facilitator = app.facilitator().await;
    let key = key();
    let first = create_arena(&app, &facilitator.token, &key, arena("Open call"))
        .await
        .expect(201);
    age_keys(&app, 30).await;

    // Act
    let again = create_arena(&app, &facilitator.token, &key, arena("Open call"))
        .await
        .expect(201);

    // Assert
    assert_eq!(again.id(), first.id());
    assert_eq!(again.header(REPLAYED), Some("true"));
    assert_eq!(rows(&app, "arenas").await, 1);
}
