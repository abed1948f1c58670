//! A person's own account (SPEC §11.4): their name, language and e-mail setting, their
//! password; and a facilitator letting a deactivated account in again.

use poem::http::Method;
use serde_json::json;

use crate::helpers::*;

const NEW_PASSWORD: &str = "a new passphrase for the locks";

#[tokio::test]
async fn a_person_changes_their_name_language_and_email_setting() {
    let app = spawn_app().await;
    let me = app.innovator().await;
    let before = app.get("/me", Some(&me.token)).await.expect(200);
    assert_eq!(before.body["locale"], "sv");
    assert_eq!(before.body["email_notifications"], true);
    let changed = app
        .call(
            Method::PATCH,
            "/me",
            Some(&me.token),
            Some(json!({ "display_name": "Lina Berg", "locale": "en", "email_notifications": false, "expected_version": 1 })),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["display_name"], "Lina Berg");
    assert_eq!(changed.body["locale"], "en");
    assert_eq!(changed.body["email_notifications"], false);
    assert_eq!(changed.body["version"], 2);
    // What is left out stays.
    let again = app
        .call(Method::PATCH, "/me", Some(&me.token), Some(json!({ "locale": "sv" })))
        .await
        .expect(200);
    assert_eq!(again.body["display_name"], "Lina Berg");
    assert_eq!(again.body["email_notifications"], false);
    assert_eq!(again.body["locale"], "sv");
}

#[tokio::test]
async fn a_bad_value_or_a_stale_version_changes_nothing() {
    let app = spawn_app().await;
    let me = app.innovator().await;
    for (body, field) in [
        (json!({ "locale": "de" }), "locale"),
        (json!({ "display_name": "   " }), "display_name"),
    ] {
        let refused = app
            .call(Method::PATCH, "/me", Some(&me.token), Some(body))
            .await
            .expect_problem(422);
        assert_eq!(refused.body["errors"][0]["field"], field, "{}", refused.text);
    }
    app.call(
        Method::PATCH,
        "/me",
        Some(&me.token),
        Some(json!({ "locale": "en", "expected_version": 7 })),
    )
    .await
    .expect_problem(409);
    let now = app.get("/me", Some(&me.token)).await.expect(200);
    assert_eq!(now.body["locale"], "sv");
    assert_eq!(now.body["version"], 1);
}

#[tokio::test]
async fn a_new_password_ends_every_other_session_and_keeps_this_one() {
    let app = spawn_app().await;
    let me = app.innovator().await;
    let other = app
        .post("/auth/login", None, json!({ "email": me.email, "password": PASSWORD }))
        .await
        .expect(200);
    let other_token = other.str("token").to_owned();
    app.call(
        Method::PUT,
        "/me/password",
        Some(&me.token),
        Some(json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD })),
    )
    .await
    .expect(204);
    app.get("/me", Some(&me.token)).await.expect(200);
    app.get("/me", Some(&other_token)).await.expect_problem(401);
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
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_changes_nothing() {
    let app = spawn_app().await;
    let me = app.innovator().await;
    let wrong = app
        .call(
            Method::PUT,
            "/me/password",
            Some(&me.token),
            Some(json!({ "current_password": "not the password at all", "new_password": NEW_PASSWORD })),
        )
        .await
        .expect_problem(422);
    assert_eq!(wrong.body["errors"][0]["field"], "current_password");
    let weak = app
        .call(
            Method::PUT,
            "/me/password",
            Some(&me.token),
            Some(json!({ "current_password": PASSWORD, "new_password": "short" })),
        )
        .await
        .expect_problem(422);
    assert_eq!(weak.body["errors"][0]["field"], "new_password");
    app.post("/auth/login", None, json!({ "email": me.email, "password": PASSWORD }))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_facilitator_lets_a_deactivated_account_in_again() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let person = app.innovator().await;
    let path = format!("/users/{}", person.id);
    app.post(&format!("{path}/deactivate"), Some(&facilitator.token), json!({}))
        .await
        .expect(200);
    app.post(
        "/auth/login",
        None,
        json!({ "email": person.email, "password": PASSWORD }),
    )
    .await
    .expect_problem(401);
    // A stale version is refused and changes nothing.
    app.post(
        &format!("{path}/reactivate"),
        Some(&facilitator.token),
        json!({ "expected_version": 1 }),
    )
    .await
    .expect_problem(409);
    let back = app
        .post(&format!("{path}/reactivate"), Some(&facilitator.token), json!({}))
        .await
        .expect(200);
    assert_eq!(back.body["active"], true);
    app.post(
        "/auth/login",
        None,
        json!({ "email": person.email, "password": PASSWORD }),
    )
    .await
    .expect(200);
    // An active account is not reactivated.
    app.post(&format!("{path}/reactivate"), Some(&facilitator.token), json!({}))
        .await
        .expect_problem(409);
    let history = app
        .get(&format!("{path}/export"), Some(&facilitator.token))
        .await
        .expect(200);
    assert!(history.text.contains("reactivate"), "the reactivation is not recorded");
}
