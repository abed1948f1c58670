//! The erasure of a person's personal data, with the anonymised pipeline kept.

use poem::http::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use sluss_api::persistence::entities::{events, sessions};
use sluss_api::persistence::idempotency::entity as idempotency_keys;
use sluss_domain::{Actor, Role, UserId};

use super::*;

#[tokio::test]
async fn an_erased_account_shows_placeholders_and_is_locked_out_at_once() {
    // Arrange
    let app = spawn_app().await;
    let s = scene(&app).await;
    app.get("/me", Some(&s.anna.token)).await.expect(200);

    // Act
    let erased = erase(
        &app,
        &s.anna.id,
        &s.facilitator,
        json!({ "reason": "Request 2026-114" }),
    )
    .await
    .expect(200);

    // Assert: placeholders, the id kept, tokens and password dead
    let placeholder = format!("erased-{}@invalid", s.anna.id.replace('-', ""));
    for user in [
        erased.body.clone(),
        app.get(&format!("/users/{}", s.anna.id), Some(&s.facilitator.token))
            .await
            .expect(200)
            .body,
    ] {
        assert_eq!(user["id"], json!(s.anna.id));
        assert_eq!(user["email"], json!(placeholder));
        assert_eq!(user["display_name"], "Erased user");
        assert!(user["organisation"].is_null());
        assert_eq!(user["active"], false);
        assert_eq!(user["roles"], json!(["needs_owner", "innovator"]));
    }
    app.get("/me", Some(&s.anna.token)).await.expect_problem(401);
    for email in [s.anna.email.as_str(), placeholder.as_str()] {
        app.post("/auth/login", None, json!({ "email": email, "password": PASSWORD }))
            .await
            .expect_problem(401);
    }
    let sessions_left = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(uuid_of(&s.anna)))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(sessions_left, 0);
}

#[tokio::test]
async fn histories_and_the_funnel_count_the_same_after_an_erasure() {
    // Arrange
    let app = spawn_app().await;
    let s = scene(&app).await;
    let paths = [
        format!("/challenges/{}/history", s.challenge),
        format!("/ideas/{}/history", s.annas_idea),
        format!("/ideas/{}/history", s.cys_idea),
    ];
    let token = s.facilitator.token.as_str();
    let funnel_before = read(&app, "/reports/funnel", token).await;
    let mut before = Vec::new();
    for path in &paths {
        before.push(read(&app, path, token).await);
    }

    // Act
    erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);

    // Assert: the same events, in the same order, with Anna's id as their actor; only the
    // name shown for her is gone
    assert_eq!(read(&app, "/reports/funnel", token).await, funnel_before);
    for (path, before) in paths.iter().zip(before) {
        assert_eq!(
            without_actor_names(read(&app, path, token).await),
            without_actor_names(before),
            "{path}"
        );
    }
    let annas = read(&app, &paths[1], token).await;
    let hers: Vec<&serde_json::Value> = annas
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_id"] == json!(s.anna.id))
        .collect();
    assert!(!hers.is_empty());
    assert!(
        hers.iter().all(|e| e["actor"]["display_name"] == "Erased user"),
        "{hers:?}"
    );
}

/// A history without the names of its actors, which an erasure changes.
fn without_actor_names(mut history: serde_json::Value) -> serde_json::Value {
    for event in history.as_array_mut().unwrap() {
        event["actor"]["display_name"] = serde_json::Value::Null;
    }
    history
}

#[tokio::test]
async fn erasure_removes_the_person_from_every_idea_team_and_keeps_the_others() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let version_before = app
        .get(&format!("/ideas/{}", s.cys_idea), Some(&s.facilitator.token))
        .await
        .expect(200)
        .body["version"]
        .clone();

    erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);

    let annas = app
        .get(&format!("/ideas/{}", s.annas_idea), Some(&s.facilitator.token))
        .await
        .expect(200);
    assert_eq!(
        annas.body["team"],
        json!([{ "name": "Bo", "email": "bo@example.org", "status": "invited" }])
    );
    let cys = app
        .get(&format!("/ideas/{}", s.cys_idea), Some(&s.facilitator.token))
        .await
        .expect(200);
    assert_eq!(
        cys.body["team"],
        json!([{ "name": "Dee", "email": "dee@example.org", "status": "invited" }])
    );
    assert_eq!(cys.body["state"], "in_assessment");
    assert_eq!(cys.body["version"], json!(version_before.as_i64().unwrap() + 1));
}

#[tokio::test]
async fn erasure_is_recorded_without_personal_data_and_leaves_none_in_the_persons_record() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    erase(
        &app,
        &s.anna.id,
        &s.facilitator,
        json!({ "reason": "Request 2026-114" }),
    )
    .await
    .expect(200);

    let record = app
        .get(&format!("/users/{}/export", s.anna.id), Some(&s.facilitator.token))
        .await
        .expect(200);
    let erasure = record.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["command"] == "erase")
        .unwrap_or_else(|| panic!("no erase event: {}", record.text));
    assert_eq!(erasure["actor_id"], json!(s.facilitator.id));
    assert_eq!(erasure["from_state"], "active");
    assert_eq!(erasure["to_state"], "erased");
    assert_eq!(erasure["payload"]["reason"], "Request 2026-114");
    assert_eq!(erasure["payload"]["team_entries_removed"], 2);
    for personal in [s.anna.email.as_str(), "Anna Andersson", "Anna A.", "Brf Sege Park"] {
        assert!(!record.text.contains(personal), "{personal} is still stored");
    }
    let sql = format!("SELECT COUNT(*) AS n FROM ideas WHERE team LIKE '%{}%'", s.anna.email);
    assert_eq!(app.count(&sql).await, 0);
}

#[tokio::test]
async fn the_erased_email_is_free_to_register_again() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);
    let again = app
        .post(
            "/auth/register",
            None,
            json!({ "email": s.anna.email, "password": PASSWORD, "display_name": "Anna", "roles": ["innovator"] }),
        )
        .await
        .expect(201);
    assert_ne!(again.id(), s.anna.id);
}

#[tokio::test]
async fn erasing_twice_answers_409_and_changes_nothing() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let first = erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);
    erase(&app, &s.anna.id, &s.facilitator, json!({}))
        .await
        .expect_problem(409);
    let now = app
        .get(&format!("/users/{}", s.anna.id), Some(&s.facilitator.token))
        .await
        .expect(200);
    assert_eq!(now.body, first.body);
    let erasures = events::Entity::find()
        .filter(events::Column::SubjectId.eq(uuid_of(&s.anna)))
        .filter(events::Column::Command.eq("erase"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(erasures, 1);
}

#[tokio::test]
async fn a_facilitator_cannot_erase_themselves() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    app.facilitator().await;
    let reply = erase(&app, &facilitator.id, &facilitator, json!({}))
        .await
        .expect_problem(422);
    assert_eq!(reply.fields(), vec!["id"]);
    untouched(&app, &facilitator).await;
}

#[tokio::test]
async fn the_last_active_facilitator_is_never_erased() {
    // Arrange: the only facilitator, and a caller whose own account is gone (as when it
    // was deactivated between the token check and the erasure)
    let app = spawn_app().await;
    let only = app.facilitator().await;
    let caller = Actor {
        id: UserId(uuid::Uuid::now_v7()),
        roles: [Role::Facilitator].into_iter().collect(),
    };

    // Act
    let result = sluss_api::app::privacy::erase(&app.state, &caller, uuid_of(&only), None, None).await;

    // Assert
    let error = result.expect_err("refused");
    assert_eq!(error.to_string().split(':').next(), Some("409 Conflict"), "{error}");
    untouched(&app, &only).await;
}

#[tokio::test]
async fn another_facilitator_may_be_erased_while_one_stays_active() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let other = app.facilitator().await;
    erase(&app, &other.id, &facilitator, json!({})).await.expect(200);
    untouched(&app, &facilitator).await;
}

#[tokio::test]
async fn people_without_the_facilitator_role_cannot_erase_anyone() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    for caller in [&s.cy, &app.assessor().await, &app.needs_owner().await] {
        erase(&app, &s.anna.id, caller, json!({})).await.expect_problem(404);
        erase(&app, &caller.id, caller, json!({})).await.expect_problem(403);
        untouched(&app, caller).await;
    }
    untouched(&app, &s.anna).await;
}

#[tokio::test]
async fn erasing_an_unknown_id_answers_404() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    erase(&app, &uuid::Uuid::now_v7().to_string(), &facilitator, json!({}))
        .await
        .expect_problem(404);
}

#[tokio::test]
async fn an_over_long_reason_or_a_stale_version_erases_nothing() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let reply = erase(&app, &s.anna.id, &s.facilitator, json!({ "reason": "x".repeat(2_001) }))
        .await
        .expect_problem(422);
    assert_eq!(reply.fields(), vec!["reason"]);
    let stale = erase(&app, &s.anna.id, &s.facilitator, json!({ "expected_version": 9 }))
        .await
        .expect_problem(409);
    assert_eq!(stale.body["current_version"], 1);
    untouched(&app, &s.anna).await;
}

#[tokio::test]
async fn erasure_forgets_stored_answers_that_hold_the_persons_data() {
    // Arrange: an idea Anna created with a key, and one Cy created
    let app = spawn_app().await;
    let s = scene(&app).await;
    let idea = json!({ "title": "Bin-room sensors", "summary": "QR codes.", "description": "Report full bins." });
    let path = format!("/challenges/{}/ideas", s.challenge);
    for who in [&s.anna, &s.cy] {
        app.call_with(
            Method::POST,
            &path,
            Some(&who.token),
            Some(idea.clone()),
            &[("idempotency-key", "idea-1")],
        )
        .await
        .expect(201);
    }
    let stored = || async {
        let rows = idempotency_keys::Entity::find().all(&app.state.db).await.unwrap();
        rows.into_iter().map(|row| row.scope).collect::<Vec<_>>()
    };
    assert_eq!(stored().await.len(), 2);

    // Act
    erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);

    // Assert: Anna's answer is gone, Cy's is kept
    assert_eq!(stored().await, vec![format!("user:{}", s.cy.id)]);
}

#[tokio::test]
async fn an_erased_persons_notifications_go_with_them() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    app.published_challenge(&owner, &facilitator).await;
    assert_eq!(
        app.notifications_of(&owner.id).await,
        1,
        "the owner was told of the publishing"
    );
    erase(&app, &owner.id, &facilitator, json!({})).await.expect(200);
    assert_eq!(app.notifications_of(&owner.id).await, 0);
    assert_eq!(app.notifications_of(&facilitator.id).await, 1, "others keep theirs");
}
