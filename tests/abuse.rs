//! Abuse resistance: login throttling under a burst, limits on string fields, token
//! expiry and the lock-out of deactivated users. (Bodies over 1 MiB: `errors`.)

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sluss_api::persistence::entities::sessions;
use sluss_api::state::AuthSettings;

use crate::helpers::*;

/// Sends `attempts` logins for `email` with `password` at once over real HTTP; the
/// statuses and `Retry-After` headers.
async fn login_burst(server: &ServedApp, email: &str, password: &str, attempts: usize) -> Vec<(u16, Option<String>)> {
    let client = reqwest::Client::new();
    let requests = (0..attempts).map(|_| {
        let request = client
            .post(format!("{}/auth/login", server.base_url))
            .json(&json!({ "email": email, "password": password }))
            .send();
        async move {
            let response = request.await.expect("request sent");
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (response.status().as_u16(), retry_after)
        }
    });
    futures_util::future::join_all(requests).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_passwords_gets_at_most_nine_401s_then_429s_even_for_the_right_password() {
    // Arrange: one account, served on a real socket so the logins run in parallel
    let app = spawn_app().await;
    let user = app.innovator().await;
    let server = app.serve().await;

    // Act: 32 wrong passwords at once
    let replies = login_burst(&server, &user.email, "not the password at all", 32).await;

    // Assert: fewer than ten failures were let through; every other answer is 429 with Retry-After
    let unauthorized = replies.iter().filter(|(status, _)| *status == 401).count();
    assert!(unauthorized <= 9, "{unauthorized} answered 401: {replies:?}");
    for (status, retry_after) in &replies {
        assert!(*status == 401 || *status == 429, "{replies:?}");
        if *status == 429 {
            let seconds: u64 = retry_after.as_deref().expect("Retry-After").parse().expect("seconds");
            assert!((1..=15 * 60 + 1).contains(&seconds), "Retry-After {seconds}");
        }
    }
    // Attempts are counted before they are verified: of a burst, some may be refused before
    // ten failures were verified. Once ten are, the right password is held too.
    for _ in 0..10 {
        if login_burst(&server, &user.email, "not the password at all", 1).await[0].0 == 429 {
            break;
        }
    }
    let right = login_burst(&server, &user.email, PASSWORD, 1).await;
    assert_eq!(right[0].0, 429, "the right password while throttled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_from_one_address_across_emails_is_held_at_the_address_limit() {
    // Arrange: a low per-address limit, so a burst over many e-mails crosses it
    let app = spawn_app_with(AuthSettings {
        login_failures_per_address: 5,
        ..AuthSettings::default()
    })
    .await;
    let server = app.serve().await;
    let client = reqwest::Client::new();

    // Act: 20 logins for 20 unknown e-mails at once
    let requests = (0..20).map(|n| {
        let request = client
            .post(format!("{}/auth/login", server.base_url))
            .json(&json!({ "email": format!("guess{n}@example.org"), "password": PASSWORD }))
            .send();
        async move { request.await.expect("request sent").status().as_u16() }
    });
    let statuses = futures_util::future::join_all(requests).await;

    // Assert: no more failures were answered as such than the limit lets through one by one
    let unauthorized = statuses.iter().filter(|s| **s == 401).count();
    assert!(unauthorized <= 5, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
}

#[tokio::test]
async fn an_over_long_login_email_is_a_wrong_credential_not_a_server_error() {
    let app = spawn_app().await;
    let email = format!("{}@example.org", "a".repeat(100_000));
    app.post("/auth/login", None, json!({ "email": email, "password": PASSWORD }))
        .await
        .expect_problem(401);
}

#[tokio::test]
async fn an_over_long_login_password_is_a_wrong_credential_not_a_server_error() {
    let app = spawn_app().await;
    let user = app.innovator().await;
    let password = "p".repeat(500_000);
    app.post(
        "/auth/login",
        None,
        json!({ "email": user.email, "password": password }),
    )
    .await
    .expect_problem(401);
}

/// `n` characters of two bytes each in UTF-8, so a limit counted in bytes would show.
fn long(n: usize) -> String {
    "å".repeat(n)
}

/// A request with one over-long field, the field the answer must name, and the table
/// that must stay as it was.
struct Case {
    path: String,
    body: Value,
    field: &'static str,
    table: &'static str,
}

async fn refused_and_nothing_stored(app: &TestApp, token: Option<&str>, case: Case) {
    let sql = format!("SELECT COUNT(*) AS n FROM {}", case.table);
    let before = app.count(&sql).await;
    let reply = app.post(&case.path, token, case.body).await;
    let code = reply.code();
    let reply = reply.expect_problem(422);
    assert!(
        reply.fields().iter().any(|f| f == case.field),
        "{} {}: {code} {}",
        case.path,
        case.field,
        reply.text
    );
    assert_eq!(app.count(&sql).await, before, "{} stored something", case.path);
}

#[tokio::test]
async fn every_over_long_string_of_an_account_answers_422_and_stores_nothing() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let account = |field: &str, value: Value| {
        let mut body = json!({ "email": "anna@example.org", "password": PASSWORD, "display_name": "Anna", "organisation": "Brf Sege Park", "roles": ["innovator"] });
        body[field] = value;
        body
    };
    for (field, value) in [
        ("email", json!(format!("{}@example.org", "a".repeat(300)))),
        ("password", json!(long(129))),
        ("display_name", json!(long(201))),
        ("organisation", json!(long(201))),
    ] {
        for path in ["/auth/register", "/users"] {
            let case = Case {
                path: path.into(),
                body: account(field, value.clone()),
                field,
                table: "users",
            };
            refused_and_nothing_stored(&app, Some(&facilitator.token), case).await;
        }
    }
}

#[tokio::test]
async fn every_over_long_string_of_an_arena_or_challenge_answers_422_and_stores_nothing() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let cases = [
        (
            "/arenas",
            json!({ "name": long(201), "kind": "physical" }),
            "name",
            "arenas",
        ),
        (
            "/arenas",
            json!({ "name": "x", "kind": "physical", "description": long(20_001) }),
            "description",
            "arenas",
        ),
        (
            "/arenas",
            json!({ "name": "x", "kind": "physical", "location": long(201) }),
            "location",
            "arenas",
        ),
        (
            "/challenges",
            json!({ "title": "x", "summary": long(1_001) }),
            "summary",
            "challenges",
        ),
        (
            "/challenges",
            json!({ "title": "x", "description": long(20_001) }),
            "description",
            "challenges",
        ),
        (
            "/challenges",
            json!({ "title": "x", "location": long(201) }),
            "location",
            "challenges",
        ),
    ];
    for (path, body, field, table) in cases {
        let token = if table == "arenas" {
            &facilitator.token
        } else {
            &owner.token
        };
        let case = Case {
            path: path.into(),
            body,
            field,
            table,
        };
        refused_and_nothing_stored(&app, Some(token), case).await;
    }
}

#[tokio::test]
async fn every_over_long_string_of_an_idea_question_or_obstacle_answers_422_and_stores_nothing() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let ideas = format!("/challenges/{challenge}/ideas");
    let cases = [
        (ideas.clone(), json!({ "title": long(201) }), "title", "ideas"),
        (
            ideas.clone(),
            json!({ "title": "x", "summary": long(1_001) }),
            "summary",
            "ideas",
        ),
        (
            ideas.clone(),
            json!({ "title": "x", "description": long(20_001) }),
            "description",
            "ideas",
        ),
        (
            ideas.clone(),
            json!({ "title": "x", "team": [{ "name": long(201), "email": "bo@example.org" }] }),
            "team.name",
            "ideas",
        ),
        (
            ideas,
            json!({ "title": "x", "team": [{ "name": "Bo", "email": format!("{}@example.org", "b".repeat(300)) }] }),
            "team.email",
            "ideas",
        ),
        (
            format!("/challenges/{challenge}/questions"),
            json!({ "text": long(5_001) }),
            "text",
            "questions",
        ),
        (
            "/obstacles".to_owned(),
            json!({ "subject_type": "challenge", "subject_id": challenge, "category": "regulation", "description": long(10_001), "step": 2 }),
            "description",
            "obstacles",
        ),
    ];
    for (path, body, field, table) in cases {
        let case = Case {
            path,
            body,
            field,
            table,
        };
        refused_and_nothing_stored(&app, Some(&innovator.token), case).await;
    }
}

#[tokio::test]
async fn strings_at_their_limit_are_stored_whole_in_characters_not_bytes() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let created = app
        .post(
            "/challenges",
            Some(&owner.token),
            json!({ "title": long(200), "summary": long(1_000), "location": long(200) }),
        )
        .await
        .expect(201);
    assert_eq!(created.str("title").chars().count(), 200);
    assert_eq!(created.str("summary").chars().count(), 1_000);
    assert_eq!(created.str("location").chars().count(), 200);
}

#[tokio::test]
async fn a_nul_character_in_a_string_answers_a_client_error_and_stores_nothing() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let reply = app
        .post("/challenges", Some(&owner.token), json!({ "title": "Sege\u{0}Park" }))
        .await;
    reply.expect_problem(422);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 0);
}

#[tokio::test]
async fn a_nul_character_in_a_search_answers_a_client_error() {
    let app = spawn_app().await;
    app.get("/challenges?q=bins%00", None).await.expect_problem(422);
}

#[tokio::test]
async fn a_token_answers_401_from_the_moment_its_stored_expiry_passes() {
    // Arrange: a session that works
    let app = spawn_app().await;
    let user = app.innovator().await;
    app.get("/me", Some(&user.token)).await.expect(200);

    // Act: its expiry moves into the past (a write of this process, as a logout is)
    let user_id: uuid::Uuid = user.id.parse().expect("a uuid");
    let tx = app.state.begin_write().await.expect("a write transaction");
    sessions::Entity::update_many()
        .col_expr(
            sessions::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::seconds(1)),
        )
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(&tx)
        .await
        .expect("moved the expiry");
    tx.commit().await.expect("committed");

    // Assert
    app.get("/me", Some(&user.token)).await.expect_problem(401);
}

#[tokio::test]
async fn a_login_token_lives_as_long_as_the_configured_ttl() {
    let app = spawn_app_with(AuthSettings {
        token_ttl: Duration::minutes(5),
        ..AuthSettings::default()
    })
    .await;
    let user = app.innovator().await;
    let before = Utc::now();
    let session = app
        .post(
            "/auth/login",
            None,
            json!({ "email": user.email, "password": PASSWORD }),
        )
        .await
        .expect(200);
    let expires_at: chrono::DateTime<Utc> = session.str("expires_at").parse().expect("RFC 3339");
    assert!(expires_at > before + Duration::minutes(4), "{expires_at}");
    assert!(expires_at <= Utc::now() + Duration::minutes(5), "{expires_at}");
}

#[tokio::test]
async fn a_deactivated_user_loses_every_token_and_write_access_at_once() {
    // Arrange: one user with two sessions, one of them from a real login
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let second = app
        .post(
            "/auth/login",
            None,
            json!({ "email": owner.email, "password": PASSWORD }),
        )
        .await
        .expect(200)
        .str("token")
        .to_owned();

    // Act
    app.post(
        &format!("/users/{}/deactivate", owner.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);

    // Assert: both tokens fail on the very next request, writes included, and no session is left
    for token in [&owner.token, &second] {
        app.get("/me", Some(token)).await.expect_problem(401);
        app.post("/challenges", Some(token), json!({ "title": "Still here?" }))
            .await
            .expect_problem(401);
    }
    let owner_id: uuid::Uuid = owner.id.parse().expect("a uuid");
    let left = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(owner_id))
        .count(&app.state.db)
        .await
        .expect("counted");
    assert_eq!(left, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM sessions").await,
        1,
        "the facilitator's stays"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 0);
}
