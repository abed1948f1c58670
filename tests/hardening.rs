//! What one self-registered account or one client address must not be able to do: put a
//! line break into an e-mail header through its name, poison the mail worker, or get more
//! password guesses, registrations or reset attempts than the limits by sending them all at
//! once.

use poem::http::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use sluss_api::mail::{Mailer, send_due};
use sluss_api::persistence::entities::users;
use sluss_api::state::AuthSettings;

use crate::helpers::*;

const EVIL_NAME: &str = "Eve\nBcc: x@evil.example";

fn registration(email: &str, display_name: &str) -> serde_json::Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": display_name,
        "roles": ["innovator"]
    })
}

/// A mail server nobody listens on: building the message happens before the connection
/// is refused, so a message that cannot be built shows as such.
fn unreachable_mailer() -> Mailer {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "sluss@city.example",
        "http://127.0.0.1:8080",
    )
    .unwrap()
}

#[tokio::test]
async fn a_name_with_a_line_break_or_control_character_is_refused_everywhere_it_is_set() {
    let app = spawn_app().await;
    for name in [EVIL_NAME, "Eve\r\nTo: y@evil.example", "Eve\tEk", "Eve\u{1b}[2J"] {
        let reply = app
            .post("/auth/register", None, registration("eve@example.org", name))
            .await
            .expect_problem(422);
        assert_eq!(reply.fields(), vec!["display_name"], "{name:?}");
    }
    let mut body = registration("eve@example.org", "Eve");
    body["organisation"] = json!("Evil\nCorp");
    assert_eq!(
        app.post("/auth/register", None, body)
            .await
            .expect_problem(422)
            .fields(),
        vec!["organisation"]
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, 0);

    let me = app.innovator().await;
    let reply = app
        .patch("/me", Some(&me.token), json!({ "display_name": EVIL_NAME }))
        .await
        .expect_problem(422);
    assert_eq!(reply.fields(), vec!["display_name"]);

    let facilitator = app.facilitator().await;
    let mut body = registration("bo@example.org", EVIL_NAME);
    body["roles"] = json!(["assessor"]);
    let reply = app
        .post("/users", Some(&facilitator.token), body)
        .await
        .expect_problem(422);
    assert_eq!(reply.fields(), vec!["display_name"]);

    let answer = app
        .form(
            "/me/settings",
            &me,
            &[
                ("display_name", EVIL_NAME),
                ("locale", "en"),
                ("email_notifications", "on"),
            ],
        )
        .await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(answer.body.contains("without line breaks"), "{}", answer.body);
    let stored = app.get("/me", Some(&me.token)).await.expect(200);
    assert_eq!(stored.str("display_name"), "Test User");
}

#[tokio::test]
async fn a_team_member_name_with_a_line_break_is_refused() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let innovator = app.innovator().await;
    let reply = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({
                "title": "Bins that report themselves",
                "summary": "QR codes",
                "description": "Residents scan.",
                "team": [{ "name": EVIL_NAME, "email": "eve@example.org" }]
            }),
        )
        .await
        .expect_problem(422);
    assert_eq!(reply.fields(), vec!["team.name"]);
}

#[tokio::test]
async fn a_stored_name_with_a_line_break_neither_stops_the_mail_worker_nor_reaches_a_header() {
    let app = spawn_app_with_mail().await;
    let eve = app.innovator().await;
    let anna = app.innovator().await;
    // A name stored before names were checked.
    users::Entity::update_many()
        .col_expr(users::Column::DisplayName, Expr::value(EVIL_NAME))
        .filter(users::Column::Id.eq(uuid::Uuid::parse_str(&eve.id).unwrap()))
        .exec(&app.state.db)
        .await
        .unwrap();
    for person in [&eve, &anna] {
        app.post("/auth/password-reset", None, json!({ "email": person.email }))
            .await
            .expect(202);
    }
    // Both rows are tried in one pass: the first one does not end it.
    assert_eq!(send_due(&app.state, &unreachable_mailer()).await.unwrap(), 2);
    for person in [&eve, &anna] {
        let row = app.mail_to(&person.id).await.remove(0);
        assert_eq!(row.attempts, 1);
        let error = row.last_error.expect("the refused connection is recorded");
        assert!(!error.contains("could not be made"), "{error}");
    }
}

#[tokio::test]
async fn the_workers_run_as_supervised_tasks_seen_by_readyz_and_metrics() {
    let app = spawn_app_with_mail().await;
    sluss_api::mail::start(&app.state, unreachable_mailer());
    let webhooks = sluss_api::webhook_worker::start(app.state.clone());
    for _ in 0..200 {
        let statuses = app.state.tasks.statuses();
        if ["mail", "webhooks"]
            .iter()
            .all(|task| statuses.get(task).is_some_and(|s| s.running))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let ready = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(ready.code(), 200, "{}", ready.text);
    let metrics = app.call(Method::GET, "/metrics", None, None).await;
    for task in ["mail", "webhooks"] {
        assert!(
            metrics
                .text
                .contains(&format!("sluss_background_task_up{{task=\"{task}\"}} 1")),
            "{}",
            metrics.text
        );
    }
    webhooks.stop().await;
    assert!(
        !app.state.tasks.statuses()["webhooks"].running,
        "stopped, not restarted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_concurrent_guesses_has_at_most_the_limit_verified() {
    let app = spawn_app().await;
    let me = app.innovator().await;
    let server = app.serve().await;
    let client = reqwest::Client::new();
    let before = app.state.passwords.verifications();
    let guesses = (0..150).map(|n| {
        let password = if n == 149 {
            PASSWORD.to_owned()
        } else {
            format!("guess number {n} of many")
        };
        let request = client
            .post(format!("{}/auth/login", server.base_url))
            .json(&json!({ "email": me.email, "password": password }))
            .send();
        async move { request.await.expect("sent").status().as_u16() }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let verified = app.state.passwords.verifications() - before;
    assert!(verified <= 10, "{verified} passwords verified: {statuses:?}");
    let metrics = app.call(Method::GET, "/metrics", None, None).await;
    assert!(
        metrics
            .text
            .contains(&format!("sluss_password_verifications_total {}", before + verified)),
        "{}",
        metrics.text
    );
    assert!(statuses.iter().filter(|s| **s == 429).count() >= 140, "{statuses:?}");
    assert!(statuses.iter().all(|s| [200, 401, 429].contains(s)), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_registrations_from_one_address_is_held_at_the_limit() {
    let app = spawn_app_with(AuthSettings {
        registrations_per_address: 5,
        ..AuthSettings::default()
    })
    .await;
    let server = app.serve().await;
    let client = reqwest::Client::new();
    let attempts = (0..30).map(|n| {
        let request = client
            .post(format!("{}/auth/register", server.base_url))
            .json(&registration(&format!("burst{n}@example.org"), "Burst"))
            .send();
        async move { request.await.expect("sent").status().as_u16() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    assert!(created <= 5, "{created} registered: {statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        30 - created,
        "{statuses:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users").await,
        i64::try_from(created).unwrap()
    );
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled() {
    let app = spawn_app_with(AuthSettings {
        login_failures_per_email: 3,
        ..AuthSettings::default()
    })
    .await;
    let me = app.innovator().await;
    let change = |current: &str| json!({ "current_password": current, "new_password": "a brand new passphrase here" });
    let mut statuses = Vec::new();
    for n in 0..5 {
        let reply = app
            .call(
                Method::PUT,
                "/me/password",
                Some(&me.token),
                Some(change(&format!("wrong guess {n} x"))),
            )
            .await;
        statuses.push(reply.code());
    }
    assert_eq!(statuses, vec![422, 422, 429, 429, 429]);
    // Held even for the right one until the window passes.
    let reply = app
        .call(Method::PUT, "/me/password", Some(&me.token), Some(change(PASSWORD)))
        .await;
    assert_eq!(reply.code(), 429);
    assert!(reply.header("retry-after").is_some());
}

#[tokio::test]
async fn a_right_current_password_is_not_counted_against_the_limit() {
    let app = spawn_app_with(AuthSettings {
        login_failures_per_email: 2,
        ..AuthSettings::default()
    })
    .await;
    let me = app.innovator().await;
    let mut current = PASSWORD.to_owned();
    for n in 0..3 {
        let new = format!("passphrase number {n} for the locks");
        app.call(
            Method::PUT,
            "/me/password",
            Some(&me.token),
            Some(json!({ "current_password": current, "new_password": new })),
        )
        .await
        .expect(204);
        current = new;
    }
}

#[tokio::test]
async fn a_guessed_reset_token_costs_no_hashing_and_is_throttled_per_address() {
    let app = spawn_app_with_mail_and(AuthSettings {
        password_resets_per_address: 3,
        ..AuthSettings::default()
    })
    .await;
    let hashes = app.state.passwords.hashes();
    let mut statuses = Vec::new();
    for n in 0..5 {
        let reply = app
            .post(
                "/auth/password-reset/confirm",
                None,
                json!({ "token": format!("guessed-token-{n}"), "password": "a brand new passphrase here" }),
            )
            .await;
        statuses.push(reply.code());
    }
    assert_eq!(statuses, vec![422, 422, 422, 429, 429]);
    assert_eq!(app.state.passwords.hashes(), hashes, "a guessed token was hashed for");

    // While the address is held, even a real link waits for the window to pass.
    let me = app.innovator().await;
    app.post("/auth/password-reset", None, json!({ "email": me.email }))
        .await
        .expect(202);
    let token = app.reset_token_of(&me.id).await;
    let reply = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({ "token": token, "password": "a brand new passphrase here" }),
        )
        .await;
    assert_eq!(reply.code(), 429, "the address is still held: {}", reply.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_guesses_on_the_login_form_has_at_most_the_limit_verified() {
    let app = spawn_app().await;
    let me = app.innovator().await;
    let before = app.state.passwords.verifications();
    let guesses = (0..60).map(|n| {
        let password = if n == 59 {
            PASSWORD.to_owned()
        } else {
            format!("guess number {n} of many")
        };
        let fields = [
            ("csrf", CSRF),
            ("email", me.email.as_str()),
            ("password", password.as_str()),
        ];
        let request = app
            .client
            .post("/login")
            .header("cookie", format!("sluss_csrf={CSRF}"))
            .header("accept-language", "en")
            .content_type("application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap())
            .send();
        async move { request.await.0.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let verified = app.state.passwords.verifications() - before;
    assert!(
        verified <= 10,
        "{verified} passwords verified on the form: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [303, 401, 422, 429].contains(s)),
        "{statuses:?}"
    );
}
