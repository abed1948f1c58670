//! Step 1: the challenge lifecycle over HTTP.

use poem::http::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_challenge_goes_from_draft_to_archived_with_its_whole_history() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let arena = app.open_arena(&facilitator).await;
    let id = app.draft_challenge(&owner).await;

    app.challenge_command(&id, "submit", &owner.token, json!({ "expected_version": 1 }))
        .await;
    let sent_back = app
        .challenge_command(
            &id,
            "request-changes",
            &facilitator.token,
            json!({ "feedback": "Say who lives there." }),
        )
        .await;
    assert_eq!(sent_back.str("state"), "changes_requested");
    assert_eq!(sent_back.str("feedback"), "Say who lives there.");
    app.patch(
        &format!("/challenges/{id}"),
        Some(&owner.token),
        json!({ "summary": "1,200 residents in Sege Park report full bins by QR code." }),
    )
    .await
    .expect(200);
    app.challenge_command(&id, "submit", &owner.token, json!({})).await;
    let close_at = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let published = app
        .challenge_command(
            &id,
            "publish",
            &facilitator.token,
            json!({ "arena_id": arena, "ideas_close_at": close_at, "blind_assessment": true }),
        )
        .await;
    assert_eq!(published.str("state"), "published");
    assert_eq!(published.str("arena_id"), arena);
    assert_eq!(published.body["blind_assessment"], true);
    app.challenge_command(&id, "close", &owner.token, json!({})).await;
    let archived = app
        .challenge_command(&id, "archive", &facilitator.token, json!({}))
        .await;
    assert_eq!(archived.str("state"), "archived");
    assert_eq!(archived.header("etag"), Some("\"8\""));

    let history = app
        .get(&format!("/challenges/{id}/history"), Some(&owner.token))
        .await
        .expect(200);
    let steps: Vec<(&str, &str)> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["command"].as_str().unwrap(), e["to_state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("create", "draft"),
            ("submit", "submitted"),
            ("request_changes", "changes_requested"),
            ("edit", "changes_requested"),
            ("submit", "submitted"),
            ("publish", "published"),
            ("close", "closed"),
            ("archive", "archived"),
        ]
    );
    let request_changes = &history.body[2];
    assert_eq!(request_changes["from_state"], "submitted");
    assert_eq!(request_changes["actor_id"], facilitator.id.as_str());
    assert_eq!(request_changes["payload"]["feedback"], "Say who lives there.");
}

#[tokio::test]
async fn outsiders_see_only_the_public_part_of_the_history_and_no_feedback() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let id = app.submitted_challenge(&owner).await;
    app.challenge_command(
        &id,
        "request-changes",
        &facilitator.token,
        json!({ "feedback": "internal note" }),
    )
    .await;
    app.challenge_command(&id, "submit", &owner.token, json!({})).await;
    app.challenge_command(&id, "publish", &facilitator.token, json!({}))
        .await;

    let seen = app
        .get(&format!("/challenges/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert!(seen.body["feedback"].is_null());
    let anonymous = app.get(&format!("/challenges/{id}"), None).await.expect(200);
    assert!(anonymous.body["feedback"].is_null());
    let owner_view = app
        .get(&format!("/challenges/{id}"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(owner_view.body["feedback"], "internal note");

    let history = app
        .get(&format!("/challenges/{id}/history"), Some(&innovator.token))
        .await
        .expect(200);
    let commands: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["command"].as_str().unwrap())
        .collect();
    assert_eq!(commands, vec!["publish"]);
    assert!(!history.text.contains("internal note"));
}

#[tokio::test]
async fn a_draft_is_invisible_to_everyone_but_its_owner_and_facilitators() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let other_owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.draft_challenge(&owner).await;
    let path = format!("/challenges/{id}");
    app.get(&path, None).await.expect_problem(404);
    app.get(&path, Some(&other_owner.token)).await.expect_problem(404);
    app.get(&path, Some(&owner.token)).await.expect(200);
    app.get(&path, Some(&facilitator.token)).await.expect(200);
    let listed = app.get("/challenges", Some(&other_owner.token)).await.expect(200);
    assert_eq!(listed.body["items"], json!([]));
}

#[tokio::test]
async fn an_unknown_challenge_answers_404() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let unknown = uuid::Uuid::now_v7();
    app.get(&format!("/challenges/{unknown}"), Some(&facilitator.token))
        .await
        .expect_problem(404);
    app.post(
        &format!("/challenges/{unknown}/close"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(404);
}

#[tokio::test]
async fn a_command_in_the_wrong_state_answers_409() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.draft_challenge(&owner).await;
    let reply = app
        .post(
            &format!("/challenges/{id}/publish"),
            Some(&facilitator.token),
            json!({}),
        )
        .await
        .expect_problem(409);
    assert!(reply.str("detail").contains("draft"), "{}", reply.text);
    app.post(
        &format!("/challenges/{id}/archive"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(409);
}

#[tokio::test]
async fn submitting_without_a_summary_answers_422() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let id = app
        .post(
            "/challenges",
            Some(&owner.token),
            json!({ "title": "Waste services without a car" }),
        )
        .await
        .expect(201)
        .id();
    let reply = app
        .post(&format!("/challenges/{id}/submit"), Some(&owner.token), json!({}))
        .await
        .expect_problem(422);
    let fields: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["summary", "description"]);
}

#[tokio::test]
async fn requesting_changes_without_feedback_answers_422_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.submitted_challenge(&owner).await;
    app.post(
        &format!("/challenges/{id}/request-changes"),
        Some(&facilitator.token),
        json!({ "feedback": "  " }),
    )
    .await
    .expect_problem(422);
    let current = app
        .get(&format!("/challenges/{id}"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(current.str("state"), "submitted");
    assert_eq!(current.body["version"], 2);
}

#[tokio::test]
async fn request_changes_without_a_body_answers_400() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.submitted_challenge(&owner).await;
    app.call(
        Method::POST,
        &format!("/challenges/{id}/request-changes"),
        Some(&facilitator.token),
        None,
    )
    .await
    .expect_problem(400);
}

#[tokio::test]
async fn withdrawing_a_published_challenge_needs_a_reason() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.published_challenge(&owner, &facilitator).await;
    app.post(&format!("/challenges/{id}/withdraw"), Some(&owner.token), json!({}))
        .await
        .expect_problem(422);
    let withdrawn = app
        .challenge_command(
            &id,
            "withdraw",
            &owner.token,
            json!({ "reason": "Solved by the housing company" }),
        )
        .await;
    assert_eq!(withdrawn.str("state"), "withdrawn");
    app.get(&format!("/challenges/{id}"), None).await.expect_problem(404);
}

#[tokio::test]
async fn a_draft_can_be_withdrawn_without_a_reason() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let id = app.draft_challenge(&owner).await;
    let withdrawn = app.challenge_command(&id, "withdraw", &owner.token, json!({})).await;
    assert_eq!(withdrawn.str("state"), "withdrawn");
}

#[tokio::test]
async fn publishing_into_a_closed_arena_answers_409() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let arena = app.open_arena(&facilitator).await;
    app.post(&format!("/arenas/{arena}/close"), Some(&facilitator.token), json!({}))
        .await
        .expect(200);
    let id = app.submitted_challenge(&owner).await;
    app.post(
        &format!("/challenges/{id}/publish"),
        Some(&facilitator.token),
        json!({ "arena_id": arena }),
    )
    .await
    .expect_problem(409);
}

#[tokio::test]
async fn publishing_into_an_unknown_arena_or_with_a_past_deadline_answers_422() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.submitted_challenge(&owner).await;
    let path = format!("/challenges/{id}/publish");
    let reply = app
        .post(
            &path,
            Some(&facilitator.token),
            json!({ "arena_id": uuid::Uuid::now_v7() }),
        )
        .await
        .expect_problem(422);
    assert_eq!(reply.body["errors"][0]["field"], "arena_id");
    let past = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let reply = app
        .post(&path, Some(&facilitator.token), json!({ "ideas_close_at": past }))
        .await
        .expect_problem(422);
    assert_eq!(reply.body["errors"][0]["field"], "ideas_close_at");
}

#[tokio::test]
async fn a_stale_expected_version_answers_409_and_if_match_412() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let id = app.draft_challenge(&owner).await;
    app.patch(
        &format!("/challenges/{id}"),
        Some(&owner.token),
        json!({ "title": "New title" }),
    )
    .await
    .expect(200);
    let stale = app
        .patch(
            &format!("/challenges/{id}"),
            Some(&owner.token),
            json!({ "title": "Lost update", "expected_version": 1 }),
        )
        .await
        .expect_problem(409);
    assert_eq!(stale.body["current_version"], 2);
    let response = app
        .client
        .post(format!("/api/v1/challenges/{id}/submit"))
        .header("authorization", format!("Bearer {}", owner.token))
        .header("if-match", "\"1\"")
        .send()
        .await;
    reply_of(response.0).await.expect_problem(412);
    let current = app
        .get(&format!("/challenges/{id}"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(current.str("title"), "New title");
    assert_eq!(current.str("state"), "draft");
}

#[tokio::test]
async fn the_owner_cannot_edit_once_submitted_but_a_facilitator_can() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.submitted_challenge(&owner).await;
    let path = format!("/challenges/{id}");
    app.patch(&path, Some(&owner.token), json!({ "title": "Owner edit" }))
        .await
        .expect_problem(409);
    let edited = app
        .patch(
            &path,
            Some(&facilitator.token),
            json!({ "title": "Sharpened title", "location": null }),
        )
        .await
        .expect(200);
    assert_eq!(edited.str("title"), "Sharpened title");
    assert!(edited.body["location"].is_null());
}

#[tokio::test]
async fn sdgs_outside_1_to_17_answer_422() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    app.post(
        "/challenges",
        Some(&owner.token),
        json!({ "title": "Goals", "sdgs": [0, 18] }),
    )
    .await
    .expect_problem(422);
}

#[tokio::test]
async fn the_list_filters_by_state_sdg_owner_arena_and_text() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let other = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let arena = app.open_arena(&facilitator).await;
    let published = app.published_challenge(&owner, &facilitator).await;
    let in_arena = app.submitted_challenge(&other).await;
    app.challenge_command(&in_arena, "publish", &facilitator.token, json!({ "arena_id": arena }))
        .await;
    app.patch(
        &format!("/challenges/{in_arena}"),
        Some(&facilitator.token),
        json!({ "title": "Terraced housing in Botildenborg", "sdgs": [1, 10] }),
    )
    .await
    .expect(200);
    let _draft = app.draft_challenge(&owner).await;

    let ids = |reply: Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let anonymous = ids(app.get("/challenges", None).await.expect(200));
    assert_eq!(anonymous, vec![in_arena.clone(), published.clone()]);
    assert_eq!(
        ids(app.get(&format!("/challenges?arena_id={arena}"), None).await),
        vec![in_arena.clone()]
    );
    assert_eq!(ids(app.get("/challenges?sdg=12", None).await), vec![published.clone()]);
    assert_eq!(
        ids(app.get("/challenges?q=BOTILDENBORG", None).await),
        vec![in_arena.clone()]
    );
    assert_eq!(
        ids(app.get(&format!("/challenges?owner_id={}", owner.id), None).await),
        vec![published.clone()]
    );
    let own = ids(app.get("/challenges?state=draft", Some(&owner.token)).await);
    assert_eq!(own.len(), 1);
    assert_eq!(app.get("/challenges?state=draft", None).await.body["items"], json!([]));
    app.get("/challenges?sdg=18", None).await.expect_problem(422);
}

#[tokio::test]
async fn pages_follow_the_cursor_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let mut created = Vec::new();
    for _ in 0..7 {
        created.push(app.draft_challenge(&owner).await);
    }
    created.reverse();
    let mut seen = Vec::new();
    let mut path = "/challenges?limit=3".to_owned();
    loop {
        let page = app.get(&path, Some(&owner.token)).await.expect(200);
        for item in page.body["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/challenges?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, created);
    app.get("/challenges?limit=0", None).await.expect_problem(422);
    app.get("/challenges?limit=201", None).await.expect_problem(422);
    app.get("/challenges?cursor=garbage!", None).await.expect_problem(400);
}

#[tokio::test]
async fn of_many_concurrent_publishes_over_http_exactly_one_wins() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.submitted_challenge(&owner).await;
    let server = app.serve().await;
    let client = reqwest::Client::new();
    let attempts = (0..16).map(|_| {
        let request = client
            .post(format!("{}/challenges/{id}/publish", server.base_url))
            .bearer_auth(&facilitator.token)
            .json(&json!({ "expected_version": 2 }))
            .send();
        async move { request.await.map(|r| r.status().as_u16()) }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("request sent"))
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let sql = "SELECT COUNT(*) AS n FROM events WHERE command = 'publish' AND subject_type = 'challenge'";
    assert_eq!(app.count(sql).await, 1);
}

#[tokio::test]
async fn of_concurrent_different_commands_exactly_one_wins() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.published_challenge(&owner, &facilitator).await;
    let server = app.serve().await;
    let client = reqwest::Client::new();
    let attempts = (0..12).map(|n| {
        let (command, token, body) = match n % 3 {
            0 => ("close", &owner.token, json!({})),
            1 => ("close", &facilitator.token, json!({})),
            _ => ("withdraw", &owner.token, json!({ "reason": "Changed plans" })),
        };
        let request = client
            .post(format!("{}/challenges/{id}/{command}", server.base_url))
            .bearer_auth(token)
            .json(&body)
            .send();
        async move { request.await.map(|r| r.status().as_u16()) }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("request sent"))
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let version = app.get(&format!("/challenges/{id}"), Some(&owner.token)).await.body["version"].clone();
    assert_eq!(version, 4);
}
