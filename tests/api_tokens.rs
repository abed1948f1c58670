//! Personal API tokens (SPEC §16): `GET/POST /me/tokens`, `DELETE /me/tokens/{id}`, and the
//! "API tokens" section of `/me/settings`.

use poem::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, TestUser, spawn_app};

async fn create(app: &TestApp, who: &TestUser, name: &str) -> crate::helpers::Reply {
    app.post("/me/tokens", Some(&who.token), json!({ "name": name })).await
}

#[tokio::test]
async fn a_created_token_answers_201_once_with_its_secret_and_acts_as_its_owner() {
    let app = spawn_app().await;
    let person = app.innovator().await;
    let reply = create(&app, &person, "Nightly export").await.expect(201);
    assert_eq!(reply.body["name"], json!("Nightly export"));
    assert!(reply.body["id"].is_string());
    assert!(reply.body["created_at"].is_string());
    let token = reply.str("token").to_owned();
    assert!(token.len() >= 40, "{token}");
    let me = app.get("/me", Some(&token)).await.expect(200);
    assert_eq!(me.body["email"], json!(person.email));
    // Stored as a hash only.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM api_tokens WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn every_role_may_create_tokens() {
    let app = spawn_app().await;
    for person in [
        app.facilitator().await,
        app.needs_owner().await,
        app.innovator().await,
        app.assessor().await,
    ] {
        create(&app, &person, "script").await.expect(201);
    }
    app.post("/me/tokens", None, json!({ "name": "x" }))
        .await
        .expect_problem(401);
}

#[tokio::test]
async fn the_list_shows_names_and_dates_but_never_the_secret() {
    let app = spawn_app().await;
    let person = app.innovator().await;
    let created = create(&app, &person, "first").await.expect(201);
    let token = created.str("token").to_owned();
    // A use is noted.
    app.get("/me", Some(&token)).await.expect(200);
    let list = app.get("/me/tokens", Some(&person.token)).await.expect(200);
    let items = list.body.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], json!("first"));
    assert_eq!(items[0]["id"], created.body["id"]);
    assert!(items[0]["created_at"].is_string());
    assert!(items[0]["last_used_at"].is_string(), "{}", list.body);
    assert!(items[0].get("token").is_none());
    assert!(!list.body.to_string().contains(&token));
}

#[tokio::test]
async fn a_revoked_token_answers_401_at_once() {
    let app = spawn_app().await;
    let person = app.innovator().await;
    let created = create(&app, &person, "short-lived").await.expect(201);
    let token = created.str("token").to_owned();
    app.get("/me", Some(&token)).await.expect(200);
    app.call(
        Method::DELETE,
        &format!("/me/tokens/{}", created.id()),
        Some(&person.token),
        None,
    )
    .await
    .expect(204);
    app.get("/me", Some(&token)).await.expect_problem(401);
    let list = app.get("/me/tokens", Some(&person.token)).await.expect(200);
    assert_eq!(list.body, json!([]));
}

#[tokio::test]
async fn another_persons_token_id_answers_404_and_stays() {
    let app = spawn_app().await;
    let owner = app.innovator().await;
    let other = app.facilitator().await;
    let created = create(&app, &owner, "mine").await.expect(201);
    app.call(
        Method::DELETE,
        &format!("/me/tokens/{}", created.id()),
        Some(&other.token),
        None,
    )
    .await
    .expect_problem(404);
    app.call(
        Method::DELETE,
        &format!("/me/tokens/{}", uuid::Uuid::now_v7()),
        Some(&owner.token),
        None,
    )
    .await
    .expect_problem(404);
    app.get("/me", Some(created.str("token"))).await.expect(200);
}

#[tokio::test]
async fn the_21st_token_answers_409() {
    let app = spawn_app().await;
    let person = app.needs_owner().await;
    for n in 0..20 {
        create(&app, &person, &format!("token {n}")).await.expect(201);
    }
    create(&app, &person, "one too many").await.expect_problem(409);
    let list = app.get("/me/tokens", Some(&person.token)).await.expect(200);
    assert_eq!(list.body.as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn a_blank_too_long_or_multi_line_name_answers_422() {
    let app = spawn_app().await;
    let person = app.innovator().await;
    let long = "x".repeat(101);
    for name in ["", "   ", long.as_str(), "two\nlines"] {
        let reply = create(&app, &person, name).await.expect_problem(422);
        assert!(reply.body.to_string().contains("name"), "{}", reply.body);
    }
    app.post("/me/tokens", Some(&person.token), json!({}))
        .await
        .expect_problem(422);
    let list = app.get("/me/tokens", Some(&person.token)).await.expect(200);
    assert_eq!(list.body, json!([]));
}

#[tokio::test]
async fn a_deactivated_persons_token_answers_401() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let person = app.innovator().await;
    let token = create(&app, &person, "script")
        .await
        .expect(201)
        .str("token")
        .to_owned();
    app.get("/me", Some(&token)).await.expect(200);
    app.post(
        &format!("/users/{}/deactivate", person.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    app.get("/me", Some(&token)).await.expect_problem(401);
}

#[tokio::test]
async fn an_erased_persons_tokens_are_removed() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let person = app.innovator().await;
    let token = create(&app, &person, "script")
        .await
        .expect(201)
        .str("token")
        .to_owned();
    app.post(
        &format!("/users/{}/erase", person.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    app.get("/me", Some(&token)).await.expect_problem(401);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM api_tokens").await, 0);
}

#[tokio::test]
async fn the_settings_page_creates_lists_and_revokes_tokens() {
    let app = spawn_app().await;
    let person = app.innovator().await;
    let (status, page) = app.page("/me/settings", Some(&person), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("API tokens"), "{page}");
    assert!(page.contains("Create API token"));

    let created = app.form("/me/tokens", &person, &[("name", "Spreadsheet")]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert!(created.body.contains("will not be shown again"));
    let secret = created
        .body
        .split("id=\"new-api-token\"")
        .nth(1)
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    app.get("/me", Some(&secret)).await.expect(200);

    let (_, page) = app.page("/me/settings", Some(&person), "en").await;
    assert!(page.contains("Spreadsheet"));
    assert!(!page.contains(&secret), "the secret is shown only once");
    let id = app.get("/me/tokens", Some(&person.token)).await.expect(200).body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = app.form(&format!("/me/tokens/{id}/revoke"), &person, &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    app.get("/me", Some(&secret)).await.expect_problem(401);

    let refused = app.form("/me/tokens", &person, &[("name", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, swedish) = app.page("/me/settings", Some(&person), "sv").await;
    assert!(swedish.contains("Skapa API-nyckel"));
}

#[tokio::test]
async fn the_export_lists_ones_tokens_by_name_and_never_their_secret() {
    let app = spawn_app().await;
    let person = app.innovator().await;
    let created = create(&app, &person, "Nightly export").await.expect(201);
    let secret = created.str("token").to_owned();

    let export = app.get("/me/export", Some(&person.token)).await.expect(200);

    let tokens = export.body["api_tokens"].as_array().cloned().unwrap_or_default();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["name"], json!("Nightly export"));
    assert_eq!(tokens[0]["id"], created.body["id"]);
    assert!(tokens[0].get("token").is_none());
    assert!(!export.body.to_string().contains(&secret));
    assert_eq!(export.body["identities"], json!([]));
}
