//! Registration, login, logout, throttling and token lifetime.

use serde_json::{Value, json};
use sluss_api::state::AuthSettings;
use sluss_domain::Role;

use crate::helpers::*;

fn registration(email: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "Anna Andersson",
        "organisation": "Brf Sege Park",
        "roles": ["needs_owner", "innovator"]
    })
}

fn login(email: &str, password: &str) -> Value {
    json!({ "email": email, "password": password })
}

#[tokio::test]
async fn a_person_registers_logs_in_and_sees_themselves() {
    let app = spawn_app().await;
    let registered = app
        .post("/auth/register", None, registration("Anna@Example.org"))
        .await
        .expect(201);
    assert_eq!(registered.str("email"), "anna@example.org");
    assert_eq!(registered.body["roles"], json!(["needs_owner", "innovator"]));
    assert!(registered.body.get("password").is_none());

    let session = app
        .post("/auth/login", None, login("anna@example.org", PASSWORD))
        .await
        .expect(200);
    let token = session.str("token");
    assert!(token.len() >= 43, "a token carries at least 256 bits");
    assert!(session.body["expires_at"].is_string());

    let me = app.get("/me", Some(token)).await.expect(200);
    assert_eq!(me.str("id"), registered.str("id"));
    assert_eq!(me.header("etag"), Some("\"1\""));
}

#[tokio::test]
async fn only_the_hash_of_a_token_is_stored() {
    let app = spawn_app().await;
    app.post("/auth/register", None, registration("anna@example.org"))
        .await
        .expect(201);
    let token = app
        .post("/auth/login", None, login("anna@example.org", PASSWORD))
        .await
        .expect(200)
        .str("token")
        .to_owned();
    let sql = format!("SELECT COUNT(*) AS n FROM sessions WHERE token_hash = '{token}'");
    assert_eq!(app.count(&sql).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM sessions").await, 1);
}

#[tokio::test]
async fn registering_an_email_twice_answers_409() {
    let app = spawn_app().await;
    app.post("/auth/register", None, registration("anna@example.org"))
        .await
        .expect(201);
    app.post("/auth/register", None, registration("ANNA@example.org"))
        .await
        .expect_problem(409);
}

#[tokio::test]
async fn a_short_password_answers_422() {
    let app = spawn_app().await;
    let mut body = registration("anna@example.org");
    body["password"] = json!("fourteen chars");
    let reply = app.post("/auth/register", None, body).await.expect_problem(422);
    assert_eq!(reply.body["errors"][0]["field"], "password");
}

#[tokio::test]
async fn a_common_password_answers_422() {
    let app = spawn_app().await;
    let mut body = registration("anna@example.org");
    body["password"] = json!("1q2w3e4r5t6y7u8i9o0p");
    let reply = app.post("/auth/register", None, body).await.expect_problem(422);
    assert_eq!(reply.body["errors"][0]["message"], "is too common; choose another");
}

#[tokio::test]
async fn registration_cannot_ask_for_assessor_or_facilitator() {
    let app = spawn_app().await;
    for role in ["assessor", "facilitator"] {
        let mut body = registration(&format!("{role}@example.org"));
        body["roles"] = json!(["innovator", role]);
        app.post("/auth/register", None, body).await.expect_problem(422);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, 0);
}

#[tokio::test]
async fn registration_refuses_a_bad_email_and_names_every_field() {
    let app = spawn_app().await;
    let body = json!({ "email": "not-an-email", "password": "short", "display_name": " ", "roles": ["innovator"] });
    let reply = app.post("/auth/register", None, body).await.expect_problem(422);
    let fields: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["email", "display_name", "password"]);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_both_answer_401() {
    let app = spawn_app().await;
    app.post("/auth/register", None, registration("anna@example.org"))
        .await
        .expect(201);
    let wrong = app
        .post(
            "/auth/login",
            None,
            login("anna@example.org", "not the password at all"),
        )
        .await
        .expect_problem(401);
    let unknown = app
        .post("/auth/login", None, login("nobody@example.org", PASSWORD))
        .await
        .expect_problem(401);
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
}

#[tokio::test]
async fn the_tenth_failure_for_one_email_answers_429_with_retry_after() {
    let app = spawn_app().await;
    app.post("/auth/register", None, registration("anna@example.org"))
        .await
        .expect(201);
    for _ in 0..9 {
        app.post("/auth/login", None, login("anna@example.org", "wrong password guess"))
            .await
            .expect_problem(401);
    }
    let tenth = app
        .post("/auth/login", None, login("anna@example.org", "wrong password guess"))
        .await
        .expect_problem(429);
    let retry_after: u64 = tenth.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=15 * 60 + 1).contains(&retry_after), "Retry-After {retry_after}");
    app.post("/auth/login", None, login("anna@example.org", PASSWORD))
        .await
        .expect_problem(429);
}

#[tokio::test]
async fn failures_from_one_address_are_throttled_across_emails() {
    let app = spawn_app_with(AuthSettings {
        login_failures_per_address: 3,
        ..AuthSettings::default()
    })
    .await;
    for n in 0..3 {
        app.post("/auth/login", None, login(&format!("guess{n}@example.org"), PASSWORD))
            .await
            .expect_problem(401);
    }
    app.post("/auth/login", None, login("another@example.org", PASSWORD))
        .await
        .expect_problem(429);
}

#[tokio::test]
async fn registration_is_throttled_per_address() {
    let app = spawn_app_with(AuthSettings {
        registrations_per_address: 2,
        ..AuthSettings::default()
    })
    .await;
    for n in 0..2 {
        app.post("/auth/register", None, registration(&format!("p{n}@example.org")))
            .await
            .expect(201);
    }
    let reply = app
        .post("/auth/register", None, registration("p3@example.org"))
        .await
        .expect_problem(429);
    assert!(reply.header("retry-after").is_some());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, 2);
}

#[tokio::test]
async fn logout_ends_the_token() {
    let app = spawn_app().await;
    let user = app.innovator().await;
    app.get("/me", Some(&user.token)).await.expect(200);
    app.post("/auth/logout", Some(&user.token), json!({})).await.expect(204);
    app.get("/me", Some(&user.token)).await.expect_problem(401);
}

#[tokio::test]
async fn an_expired_token_answers_401() {
    let app = spawn_app().await;
    let user = app.innovator().await;
    let (token, hash) = sluss_api::auth::new_token();
    let past = chrono::Utc::now() - chrono::Duration::hours(2);
    let user_id = user.id.parse().unwrap();
    sluss_api::persistence::sessions::create(&app.state.db, hash, user_id, past, past + chrono::Duration::hours(1))
        .await
        .unwrap();
    app.get("/me", Some(&token)).await.expect_problem(401);
}

#[tokio::test]
async fn a_deactivated_user_is_locked_out_at_once() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let user = app.user(&[Role::Innovator]).await;
    app.get("/me", Some(&user.token)).await.expect(200);
    app.post(
        &format!("/users/{}/deactivate", user.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    app.get("/me", Some(&user.token)).await.expect_problem(401);
    app.post("/auth/login", None, login(&user.email, PASSWORD))
        .await
        .expect_problem(401);
}

#[tokio::test]
async fn a_factory_user_can_log_in_with_the_shared_password() {
    let app = spawn_app().await;
    let user = app.assessor().await;
    let session = app
        .post("/auth/login", None, login(&user.email, PASSWORD))
        .await
        .expect(200);
    assert_eq!(session.body["user"]["roles"], json!(["assessor"]));
}

#[tokio::test]
async fn a_registration_with_bad_values_and_no_role_is_refused_in_one_round() {
    let app = spawn_app().await;

    let refused = app
        .post(
            "/auth/register",
            None,
            json!({ "email": "not an address", "password": "short", "display_name": " ", "roles": [] }),
        )
        .await
        .expect_problem(422);

    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["email", "display_name", "password", "roles"] {
        assert!(fields.contains(&field), "{field} is not named: {}", refused.text);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, 0);
}

#[tokio::test]
async fn the_register_page_refused_for_a_role_alone_asks_for_the_password_again() {
    let app = spawn_app().await;
    let (status, _, page) = crate::mail::anonymous_form(
        &app,
        "/register",
        &[
            ("email", "anna@example.org"),
            ("password", "correct horse battery staple"),
            ("display_name", "Anna"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("type it again"), "{page}");
}
