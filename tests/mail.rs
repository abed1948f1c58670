//! E-mail (SPEC §11.2, §11.4): the outbox rows written beside the notifications, the
//! password reset by e-mailed link, a facilitator sending one, and the worker's retry when
//! the mail server cannot be reached. Sending to a real mail server is checked by
//! `tests/reliability/mail.py`.

use poem::http::Method;
use serde_json::json;
use sluss_api::mail::{Mailer, send_due};
use sluss_api::state::AuthSettings;

use crate::helpers::*;

const NEW_PASSWORD: &str = "a new passphrase for the locks";

async fn ask(app: &TestApp, asker: &TestUser, challenge: &str) {
    app.post(
        &format!("/challenges/{challenge}/questions"),
        Some(&asker.token),
        json!({ "text": "Which bins fill first?" }),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn a_notification_is_queued_for_e_mail_to_those_who_want_it() {
    let app = spawn_app_with_mail().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let innovator = app.innovator().await;
    ask(&app, &innovator, &challenge).await;
    let mail = app.mail_to(&owner.id).await;
    assert_eq!(mail.len(), 2, "published and asked: {mail:?}");
    let inbox = app.get("/notifications", Some(&owner.token)).await.expect(200);
    let notified: Vec<&str> = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for row in &mail {
        let id = row.notification_id.expect("a notification's e-mail").to_string();
        assert!(notified.contains(&id.as_str()), "{id} not in {notified:?}");
        assert!(row.due_at.is_some() && row.sent_at.is_none() && row.reset_token.is_none());
    }
    // The asker is the actor: told of nothing, mailed nothing.
    assert!(app.mail_to(&innovator.id).await.is_empty());

    // Turned off: still told in the inbox, no longer mailed.
    app.patch("/me", Some(&owner.token), json!({ "email_notifications": false }))
        .await
        .expect(200);
    ask(&app, &innovator, &challenge).await;
    assert_eq!(app.notifications_of(&owner.id).await, 3);
    assert_eq!(app.mail_to(&owner.id).await.len(), 2);
}

#[tokio::test]
async fn a_refused_command_queues_no_e_mail() {
    let app = spawn_app_with_mail().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let before = app.mail_to(&owner.id).await.len();
    let innovator = app.innovator().await;
    app.post(
        &format!("/challenges/{challenge}/questions"),
        Some(&innovator.token),
        json!({ "text": "   " }),
    )
    .await
    .expect_problem(422);
    app.post(
        &format!("/challenges/{challenge}/publish"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(409);
    assert_eq!(app.mail_to(&owner.id).await.len(), before);
}

#[tokio::test]
async fn without_a_mail_server_nothing_is_queued_and_no_link_is_made() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    ask(&app, &app.innovator().await, &challenge).await;
    assert_eq!(app.notifications_of(&owner.id).await, 2);
    app.post("/auth/password-reset", None, json!({ "email": owner.email }))
        .await
        .expect(202);
    assert!(app.mail_to(&owner.id).await.is_empty());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM password_resets").await, 0);
    let refused = app
        .post(
            &format!("/users/{}/password-reset", owner.id),
            Some(&facilitator.token),
            json!({}),
        )
        .await
        .expect_problem(409);
    assert!(refused.text.contains("no e-mail"), "{}", refused.text);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_e_mailed_link() {
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    app.post(
        "/auth/password-reset",
        None,
        json!({ "email": me.email.to_uppercase() }),
    )
    .await
    .expect(202);
    let token = app.reset_token_of(&me.id).await;
    // Only the hash is kept beside the account.
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = '{}'",
            sluss_api::session::hash_token(&token)
        ))
        .await;
    assert_eq!(stored, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
    app.post(
        "/auth/password-reset/confirm",
        None,
        json!({ "token": token, "password": NEW_PASSWORD }),
    )
    .await
    .expect(204);
    // Every session ends; the old password no longer works, the new one does.
    app.get("/me", Some(&me.token)).await.expect_problem(401);
    app.post("/auth/login", None, json!({ "email": me.email, "password": PASSWORD }))
        .await
        .expect_problem(401);
    app.post(
        "/auth/login",
        None,
        json!({ "email": me.email, "password": NEW_PASSWORD }),
    )
    .await
    .expect(200);
    // Once only.
    let again = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({ "token": token, "password": "yet another passphrase here" }),
        )
        .await
        .expect_problem(422);
    assert_eq!(again.body["errors"][0]["field"], "token");
    let recorded = app
        .count("SELECT COUNT(*) AS n FROM events WHERE command = 'reset_password'")
        .await;
    assert_eq!(recorded, 1);
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_nothing_is_made() {
    let app = spawn_app_with_mail().await;
    for email in ["nobody@example.org", "not an address"] {
        app.post("/auth/password-reset", None, json!({ "email": email }))
            .await
            .expect(202);
    }
    // No address at all is a malformed request.
    for body in [json!({ "email": "  " }), json!({})] {
        app.post("/auth/password-reset", None, body).await.expect_problem(422);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM password_resets").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM mail_outbox").await, 0);
}

#[tokio::test]
async fn a_deactivated_account_gets_no_link() {
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    let facilitator = app.facilitator().await;
    app.post(
        &format!("/users/{}/deactivate", me.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    app.post("/auth/password-reset", None, json!({ "email": me.email }))
        .await
        .expect(202);
    assert!(app.mail_to(&me.id).await.is_empty());
    let refused = app
        .post(
            &format!("/users/{}/password-reset", me.id),
            Some(&facilitator.token),
            json!({}),
        )
        .await
        .expect_problem(409);
    assert!(refused.text.contains("deactivated"), "{}", refused.text);
}

#[tokio::test]
async fn a_weak_password_leaves_the_link_usable_and_bad_or_expired_links_are_refused() {
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    app.post("/auth/password-reset", None, json!({ "email": me.email }))
        .await
        .expect(202);
    let token = app.reset_token_of(&me.id).await;
    let weak = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({ "token": token, "password": "short" }),
        )
        .await
        .expect_problem(422);
    assert_eq!(weak.body["errors"][0]["field"], "password");
    app.get("/me", Some(&me.token)).await.expect(200);
    for bad in ["", "not-a-token", &"x".repeat(5_000)] {
        let refused = app
            .post(
                "/auth/password-reset/confirm",
                None,
                json!({ "token": bad, "password": NEW_PASSWORD }),
            )
            .await;
        assert_eq!(refused.code(), 422, "{bad:.20}: {}", refused.text);
    }
    // An hour later the link is dead.
    let backend = app.state.db.get_database_backend();
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => format!("UPDATE password_resets SET expires_at = '{past}'::timestamptz"),
        _ => format!("UPDATE password_resets SET expires_at = '{past}'"),
    };
    use sea_orm::ConnectionTrait;
    app.state
        .db
        .execute_raw(sea_orm::Statement::from_string(backend, sql))
        .await
        .unwrap();
    let expired = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({ "token": token, "password": NEW_PASSWORD }),
        )
        .await
        .expect_problem(422);
    assert_eq!(expired.body["errors"][0]["field"], "token");
    app.get("/me", Some(&me.token)).await.expect(200);
}

#[tokio::test]
async fn a_newer_link_and_a_used_one_make_the_others_useless() {
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    for _ in 0..2 {
        app.post("/auth/password-reset", None, json!({ "email": me.email }))
            .await
            .expect(202);
    }
    let tokens: Vec<String> = app
        .mail_to(&me.id)
        .await
        .into_iter()
        .filter_map(|row| row.reset_token)
        .collect();
    assert_eq!(tokens.len(), 2);
    app.post(
        "/auth/password-reset/confirm",
        None,
        json!({ "token": tokens[1], "password": NEW_PASSWORD }),
    )
    .await
    .expect(204);
    app.post(
        "/auth/password-reset/confirm",
        None,
        json!({ "token": tokens[0], "password": "yet another passphrase here" }),
    )
    .await
    .expect_problem(422);
}

#[tokio::test]
async fn reset_requests_are_throttled_per_e_mail_whether_or_not_it_has_an_account() {
    let app = spawn_app_with_mail_and(AuthSettings {
        password_resets_per_email: 2,
        ..AuthSettings::default()
    })
    .await;
    let me = app.innovator().await;
    for email in [me.email.as_str(), "nobody@example.org"] {
        for _ in 0..2 {
            app.post("/auth/password-reset", None, json!({ "email": email }))
                .await
                .expect(202);
        }
        let throttled = app
            .post("/auth/password-reset", None, json!({ "email": email }))
            .await
            .expect_problem(429);
        assert!(throttled.header("retry-after").is_some());
    }
    assert_eq!(app.mail_to(&me.id).await.len(), 2);
}

#[tokio::test]
async fn a_facilitator_sends_a_reset_link_and_it_is_recorded() {
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    let facilitator = app.facilitator().await;
    app.post(
        &format!("/users/{}/password-reset", me.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(202);
    let token = app.reset_token_of(&me.id).await;
    app.call(
        Method::POST,
        "/auth/password-reset/confirm",
        None,
        Some(json!({ "token": token, "password": NEW_PASSWORD })),
    )
    .await
    .expect(204);
    let sent = app
        .count("SELECT COUNT(*) AS n FROM events WHERE command = 'send_reset_link'")
        .await;
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn erasing_a_person_removes_their_e_mail_and_links() {
    let app = spawn_app_with_mail().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    app.published_challenge(&owner, &facilitator).await;
    app.post("/auth/password-reset", None, json!({ "email": owner.email }))
        .await
        .expect(202);
    assert_eq!(app.mail_to(&owner.id).await.len(), 2);
    app.post(
        &format!("/users/{}/erase", owner.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    assert!(app.mail_to(&owner.id).await.is_empty());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM password_resets").await, 0);
}

#[tokio::test]
async fn an_unreachable_mail_server_is_tried_again_later() {
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    app.post("/auth/password-reset", None, json!({ "email": me.email }))
        .await
        .expect(202);
    // A port nobody listens on: the connection is refused, a passing failure.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "sluss@city.example",
        "http://127.0.0.1:8080",
    )
    .unwrap();
    let before = chrono::Utc::now();
    assert_eq!(send_due(&app.state, &mailer).await.unwrap(), 1);
    let row = app.mail_to(&me.id).await.remove(0);
    assert_eq!(row.attempts, 1);
    assert!(row.sent_at.is_none());
    assert!(row.last_error.is_some());
    assert!(row.reset_token.is_some(), "kept for the next try");
    let next = row.due_at.expect("tried again");
    assert!(next >= before + chrono::Duration::seconds(29), "{next} vs {before}");
    // Not due yet: the next pass leaves it alone.
    assert_eq!(send_due(&app.state, &mailer).await.unwrap(), 0);
}

#[tokio::test]
async fn a_person_asks_for_a_link_and_sets_a_password_on_the_web_pages() {
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    let (status, page) = app.page("/login", None, "en").await;
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/forgot-password\""));
    for email in [me.email.as_str(), "nobody@example.org"] {
        let answer = anonymous_form(&app, "/forgot-password", &[("email", email)]).await;
        assert_eq!(
            (answer.0, answer.1.as_str()),
            (303, "/forgot-password?sent=1"),
            "{}",
            answer.2
        );
    }
    let (_, sent) = app.page("/forgot-password?sent=1", None, "en").await;
    assert!(sent.contains("If an account has that address"), "{sent}");
    let token = app.reset_token_of(&me.id).await;
    let (status, page) = app.page(&format!("/reset-password?token={token}"), None, "sv").await;
    assert_eq!(status, 200);
    assert!(page.contains("Välj ditt nya lösenord"));
    let weak = anonymous_form(&app, "/reset-password", &[("token", &token), ("password", "short")]).await;
    assert_eq!(weak.0, 422);
    let done = anonymous_form(
        &app,
        "/reset-password",
        &[("token", &token), ("password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!((done.0, done.1.as_str()), (303, "/login?reset=done"), "{}", done.2);
    let (_, login) = app.page("/login?reset=done", None, "en").await;
    assert!(login.contains("Your new password is saved"), "{login}");
    let used = anonymous_form(
        &app,
        "/reset-password",
        &[("token", &token), ("password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(used.0, 422);
    assert!(used.2.contains("The link does not work"));
}

#[tokio::test]
async fn the_registry_offers_a_reset_link_only_when_e_mail_is_on() {
    let with_mail = spawn_app_with_mail().await;
    let facilitator = with_mail.facilitator().await;
    let me = with_mail.innovator().await;
    let (_, registry) = with_mail
        .page(&format!("/admin/users/{}", me.id), Some(&facilitator), "en")
        .await;
    assert!(registry.contains("/password-reset"), "{registry}");
    let sent = with_mail
        .form(&format!("/admin/users/{}/password-reset", me.id), &facilitator, &[])
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location, "/admin/users?sent=1");
    assert_eq!(with_mail.mail_to(&me.id).await.len(), 1);
    let without = spawn_app().await;
    let facilitator = without.facilitator().await;
    let someone = without.innovator().await;
    let (_, registry) = without
        .page(&format!("/admin/users/{}", someone.id), Some(&facilitator), "en")
        .await;
    assert!(registry.contains("/deactivate"), "{registry}");
    assert!(!registry.contains("/password-reset"));
}

/// POSTs a form as a signed-out visitor, in English: the status, where it redirects to
/// and the page.
pub(crate) async fn anonymous_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let mut pairs = vec![("csrf", CSRF)];
    pairs.extend_from_slice(fields);
    let response = app
        .client
        .post(path)
        .header("cookie", format!("sluss_csrf={CSRF}"))
        .header("accept-language", "en")
        .content_type("application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&pairs).unwrap())
        .send()
        .await;
    let status = response.0.status().as_u16();
    let location = response
        .0
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        location,
        response.0.into_body().into_string().await.unwrap_or_default(),
    )
}

/// Asks for a reset link for `me` and returns its token.
async fn reset_link_of(app: &TestApp, me: &TestUser) -> String {
    app.post("/auth/password-reset", None, json!({ "email": me.email }))
        .await
        .expect(202);
    app.reset_token_of(&me.id).await
}

#[tokio::test]
async fn a_password_change_uses_up_the_reset_links_asked_for_before_it() {
    // Arrange: a reset link is asked for, then the password changed
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    let token = reset_link_of(&app, &me).await;
    app.call(
        Method::PUT,
        "/me/password",
        Some(&me.token),
        Some(json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD })),
    )
    .await
    .expect(204);

    // Act: the old link is used
    let used = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({ "token": token, "password": "someone else's passphrase" }),
        )
        .await;

    // Assert: refused, and the changed password still holds
    assert_eq!(used.expect_problem(422).fields(), vec!["token"]);
    app.post(
        "/auth/login",
        None,
        json!({ "email": me.email, "password": NEW_PASSWORD }),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn a_password_changed_on_the_settings_page_uses_up_the_reset_links_too() {
    // Arrange: a reset link is asked for, then the password changed by the form
    let app = spawn_app_with_mail().await;
    let me = app.innovator().await;
    let token = reset_link_of(&app, &me).await;
    let changed = app
        .form(
            "/me/password",
            &me,
            &[("current_password", PASSWORD), ("new_password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(changed.status.as_u16(), 303, "{}", changed.body);

    // Act
    let used = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({ "token": token, "password": "someone else's passphrase" }),
        )
        .await;

    // Assert
    used.expect_problem(422);
}
