//! Matching arenas.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_facilitator_plans_edits_opens_and_closes_an_arena() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let created = app
        .post(
            "/arenas",
            Some(&facilitator.token),
            json!({
                "name": "Sege Park housing competition",
                "kind": "physical",
                "description": "28 builders applied; four innovation teams reach the final.",
                "location": "Sege Park, Malmö",
                "starts_at": "2026-03-01T09:00:00Z",
                "ends_at": "2026-06-30T17:00:00Z"
            }),
        )
        .await
        .expect(201);
    assert_eq!(created.str("state"), "planned");
    let id = created.id();
    let edited = app
        .patch(
            &format!("/arenas/{id}"),
            Some(&facilitator.token),
            json!({ "kind": "hybrid", "location": null, "expected_version": 1 }),
        )
        .await
        .expect(200);
    assert_eq!(edited.str("kind"), "hybrid");
    assert!(edited.body["location"].is_null());
    assert_eq!(edited.header("etag"), Some("\"2\""));
    let opened = app
        .post(&format!("/arenas/{id}/open"), Some(&facilitator.token), json!({}))
        .await
        .expect(200);
    assert_eq!(opened.str("state"), "open");
    let closed = app
        .post(&format!("/arenas/{id}/close"), Some(&facilitator.token), json!({}))
        .await
        .expect(200);
    assert_eq!(closed.str("state"), "closed");
    app.patch(
        &format!("/arenas/{id}"),
        Some(&facilitator.token),
        json!({ "name": "Too late" }),
    )
    .await
    .expect_problem(409);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM events WHERE subject_type = 'arena'")
            .await,
        4
    );
}

#[tokio::test]
async fn anonymous_callers_see_open_arenas_only() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let planned = app.planned_arena(&facilitator).await;
    let open = app.open_arena(&facilitator).await;
    app.get(&format!("/arenas/{planned}"), None).await.expect_problem(404);
    app.get(&format!("/arenas/{open}"), None).await.expect(200);
    let listed = app.get("/arenas", None).await.expect(200);
    let ids: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![open.as_str()]);
    let all = app.get("/arenas", Some(&facilitator.token)).await.expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_arena_ending_before_it_starts_answers_422() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let reply = app
        .post(
            "/arenas",
            Some(&facilitator.token),
            json!({ "name": "Backwards", "kind": "digital", "starts_at": "2026-06-01T00:00:00Z", "ends_at": "2026-05-01T00:00:00Z" }),
        )
        .await
        .expect_problem(422);
    assert_eq!(reply.body["errors"][0]["field"], "ends_at");
    let id = app.planned_arena(&facilitator).await;
    app.patch(
        &format!("/arenas/{id}"),
        Some(&facilitator.token),
        json!({ "starts_at": "2026-06-01T00:00:00Z", "ends_at": "2026-05-01T00:00:00Z" }),
    )
    .await
    .expect_problem(422);
}

#[tokio::test]
async fn an_unknown_kind_answers_400() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    app.post(
        "/arenas",
        Some(&facilitator.token),
        json!({ "name": "X", "kind": "telepathic" }),
    )
    .await
    .expect_problem(400);
}

#[tokio::test]
async fn arena_commands_in_the_wrong_state_answer_409() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let planned = app.planned_arena(&facilitator).await;
    app.post(&format!("/arenas/{planned}/close"), Some(&facilitator.token), json!({}))
        .await
        .expect_problem(409);
    let open = app.open_arena(&facilitator).await;
    app.post(&format!("/arenas/{open}/open"), Some(&facilitator.token), json!({}))
        .await
        .expect_problem(409);
}

#[tokio::test]
async fn a_stale_arena_version_answers_409() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let id = app.planned_arena(&facilitator).await;
    let reply = app
        .post(
            &format!("/arenas/{id}/open"),
            Some(&facilitator.token),
            json!({ "expected_version": 9 }),
        )
        .await
        .expect_problem(409);
    assert_eq!(reply.body["current_version"], 1);
}
