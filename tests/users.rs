//! User administration by facilitators.

use poem::http::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_facilitator_creates_an_assessor_and_lists_users() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let created = app
        .post(
            "/users",
            Some(&facilitator.token),
            json!({ "email": "panel@malmo.se", "password": PASSWORD, "display_name": "Panel", "organisation": "Malmö stad", "roles": ["assessor"] }),
        )
        .await
        .expect(201);
    assert_eq!(created.body["roles"], json!(["assessor"]));
    let list = app.get("/users?limit=1", Some(&facilitator.token)).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let cursor = list.str("next_cursor").to_owned();
    let next = app
        .get(&format!("/users?limit=1&cursor={cursor}"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(next.body["items"].as_array().unwrap().len(), 1);
    assert!(next.body["next_cursor"].is_null());
    assert_ne!(list.body["items"][0]["id"], next.body["items"][0]["id"]);
}

#[tokio::test]
async fn creating_a_user_without_roles_answers_422() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    app.post(
        "/users",
        Some(&facilitator.token),
        json!({ "email": "x@malmo.se", "password": PASSWORD, "display_name": "X", "roles": [] }),
    )
    .await
    .expect_problem(422);
}

#[tokio::test]
async fn a_facilitator_grants_roles_and_the_change_takes_effect() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let user = app.innovator().await;
    let reply = app
        .call(
            Method::PUT,
            &format!("/users/{}/roles", user.id),
            Some(&facilitator.token),
            Some(json!({ "roles": ["innovator", "assessor"], "expected_version": 1 })),
        )
        .await
        .expect(200);
    assert_eq!(reply.body["roles"], json!(["innovator", "assessor"]));
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let me = app.get("/me", Some(&user.token)).await.expect(200);
    assert_eq!(me.body["roles"], json!(["innovator", "assessor"]));
}

#[tokio::test]
async fn a_stale_version_answers_409_with_the_current_version() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let user = app.innovator().await;
    let path = format!("/users/{}/roles", user.id);
    let reply = app
        .call(
            Method::PUT,
            &path,
            Some(&facilitator.token),
            Some(json!({ "roles": ["assessor"], "expected_version": 7 })),
        )
        .await
        .expect_problem(409);
    assert_eq!(reply.body["current_version"], 1);
}

#[tokio::test]
async fn a_stale_if_match_answers_412() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let user = app.innovator().await;
    let response = app
        .client
        .put(format!("/api/v1/users/{}/roles", user.id))
        .header("authorization", format!("Bearer {}", facilitator.token))
        .header("if-match", "\"5\"")
        .body_json(&json!({ "roles": ["assessor"] }))
        .send()
        .await;
    let reply = reply_of(response.0).await.expect_problem(412);
    assert_eq!(reply.body["current_version"], 1);
}

#[tokio::test]
async fn a_facilitator_cannot_drop_their_own_facilitator_role_or_deactivate_themselves() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    app.call(
        Method::PUT,
        &format!("/users/{}/roles", facilitator.id),
        Some(&facilitator.token),
        Some(json!({ "roles": ["innovator"] })),
    )
    .await
    .expect_problem(409);
    app.post(
        &format!("/users/{}/deactivate", facilitator.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(409);
}

#[tokio::test]
async fn deactivating_twice_answers_409() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let user = app.needs_owner().await;
    let path = format!("/users/{}/deactivate", user.id);
    let reply = app.post(&path, Some(&facilitator.token), json!({})).await.expect(200);
    assert_eq!(reply.body["active"], false);
    app.post(&path, Some(&facilitator.token), json!({}))
        .await
        .expect_problem(409);
}

#[tokio::test]
async fn role_changes_and_deactivations_are_recorded_as_events() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let user = app.innovator().await;
    app.call(
        Method::PUT,
        &format!("/users/{}/roles", user.id),
        Some(&facilitator.token),
        Some(json!({ "roles": ["assessor"] })),
    )
    .await
    .expect(200);
    app.post(
        &format!("/users/{}/deactivate", user.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM events WHERE subject_type = 'user'")
            .await,
        2
    );
}
