//! Step 2: innovators' ideas on published challenges, over HTTP.

use std::time::Duration;

use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::*;

/// A complete idea body, ready to be submitted.
fn idea_body() -> Value {
    json!({
        "title": "QR codes on every bin",
        "summary": "Residents scan a code when a bin is full.",
        "description": "Each bin gets a QR code; a scan tells the emptying round which bins to empty first.",
        "team": [{ "name": "Anna Svensson", "email": "anna@example.org" }],
        "sdgs": [11, 12]
    })
}

/// A draft idea of `innovator` on `challenge`.
async fn draft_idea(app: &TestApp, innovator: &TestUser, challenge: &str) -> String {
    app.post(
        &format!("/challenges/{challenge}/ideas"),
        Some(&innovator.token),
        idea_body(),
    )
    .await
    .expect(201)
    .id()
}

/// A submitted idea of `innovator` on `challenge`.
async fn submitted_idea(app: &TestApp, innovator: &TestUser, challenge: &str) -> String {
    let id = draft_idea(app, innovator, challenge).await;
    idea_command(app, &id, "submit", &innovator.token, json!({})).await;
    id
}

/// Runs an idea command and expects 200.
async fn idea_command(app: &TestApp, id: &str, command: &str, token: &str, body: Value) -> Reply {
    app.post(&format!("/ideas/{id}/{command}"), Some(token), body)
        .await
        .expect(200)
}

/// The ids of a list page.
fn ids(reply: Reply) -> Vec<String> {
    let reply = reply.expect(200);
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {}", reply.text))
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Sends `requests` concurrently over real HTTP; the statuses in the order given.
async fn concurrently(requests: Vec<reqwest::RequestBuilder>) -> Vec<u16> {
    let attempts = requests.into_iter().map(|request| {
        let sent = request.send();
        async move { sent.await.map(|r| r.status().as_u16()) }
    });
    futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("request sent"))
        .collect()
}

#[tokio::test]
async fn an_idea_is_drafted_edited_submitted_and_then_seen_by_the_needs_owner() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;

    // Act: draft
    let drafted = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({
                "title": "  QR codes on every bin ",
                "summary": "Residents scan a code when a bin is full.",
                "team": [{ "name": "Anna Svensson", "email": "Anna@Example.org" }],
                "sdgs": [12, 11]
            }),
        )
        .await
        .expect(201);

    // Assert
    let id = drafted.id();
    assert_eq!(drafted.str("state"), "draft");
    assert_eq!(drafted.body["version"], 1);
    assert_eq!(drafted.header("etag"), Some("\"1\""));
    assert_eq!(drafted.str("title"), "QR codes on every bin");
    assert_eq!(drafted.str("challenge_id"), challenge);
    assert_eq!(drafted.str("innovator_id"), innovator.id);
    assert_eq!(
        drafted.body["team"],
        // Saved with the idea, the address is invited (SPEC §14.2).
        json!([{ "name": "Anna Svensson", "email": "anna@example.org", "status": "invited" }])
    );
    assert_eq!(drafted.body["sdgs"], json!([11, 12]));
    assert!(drafted.body["submitted_at"].is_null());
    assert!(drafted.body["decision"].is_null());

    // Act: edit
    let edited = app
        .patch(
            &format!("/ideas/{id}"),
            Some(&innovator.token),
            json!({
                "description": "A scan tells the emptying round which bins to empty first.",
                "expected_version": 1
            }),
        )
        .await
        .expect(200);
    assert_eq!(edited.body["version"], 2);
    assert_eq!(edited.header("etag"), Some("\"2\""));
    assert_eq!(edited.str("state"), "draft");
    assert_eq!(edited.str("summary"), "Residents scan a code when a bin is full.");

    // Act: submit
    let submitted = idea_command(&app, &id, "submit", &innovator.token, json!({ "expected_version": 2 })).await;
    assert_eq!(submitted.str("state"), "submitted");
    assert_eq!(submitted.body["version"], 3);
    assert!(submitted.body["submitted_at"].is_string(), "{}", submitted.text);

    // Assert: the needs-owner now sees it
    let seen = app.get(&format!("/ideas/{id}"), Some(&owner.token)).await.expect(200);
    assert_eq!(seen.str("state"), "submitted");
    assert_eq!(seen.header("etag"), Some("\"3\""));
    assert_eq!(
        ids(app
            .get(&format!("/challenges/{challenge}/ideas"), Some(&owner.token))
            .await),
        vec![id.clone()]
    );

    // Assert: histories
    let history = app
        .get(&format!("/ideas/{id}/history"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(history.commands(), vec!["create", "edit", "submit"]);
    let submit = &history.body[2];
    assert_eq!(submit["from_state"], "draft");
    assert_eq!(submit["to_state"], "submitted");
    assert_eq!(submit["actor_id"], innovator.id.as_str());
    let owner_history = app
        .get(&format!("/ideas/{id}/history"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(owner_history.commands(), vec!["submit"]);
}

#[tokio::test]
async fn a_draft_idea_is_seen_only_by_its_innovator_and_facilitators() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let other_innovator = app.innovator().await;
    let assessor = app.assessor().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = draft_idea(&app, &innovator, &challenge).await;
    let path = format!("/ideas/{id}");

    // Act & Assert
    app.get(&path, None).await.expect_problem(401);
    app.get(&path, Some(&owner.token)).await.expect_problem(404);
    app.get(&path, Some(&other_innovator.token)).await.expect_problem(404);
    app.get(&path, Some(&assessor.token)).await.expect_problem(404);
    app.get(&path, Some(&innovator.token)).await.expect(200);
    app.get(&path, Some(&facilitator.token)).await.expect(200);
    app.get(&format!("{path}/history"), Some(&owner.token))
        .await
        .expect_problem(404);
    assert!(ids(app.get("/ideas", Some(&other_innovator.token)).await).is_empty());
    assert!(ids(app.get("/ideas", Some(&owner.token)).await).is_empty());
    assert!(
        ids(app
            .get(&format!("/challenges/{challenge}/ideas"), Some(&owner.token))
            .await)
        .is_empty()
    );
    assert_eq!(ids(app.get("/ideas", Some(&innovator.token)).await), vec![id.clone()]);
    assert_eq!(ids(app.get("/ideas", Some(&facilitator.token)).await), vec![id]);
}

#[tokio::test]
async fn mine_lists_only_the_callers_own_ideas() {
    // Arrange: a needs-owner who also innovates, with an idea of their own on another challenge
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let both = app.user(&[Role::NeedsOwner, Role::Innovator]).await;
    let other_owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let own_challenge = app.published_challenge(&both, &facilitator).await;
    let other_challenge = app.published_challenge(&other_owner, &facilitator).await;
    let received = submitted_idea(&app, &innovator, &own_challenge).await;
    let own = draft_idea(&app, &both, &other_challenge).await;

    // Act
    let all = ids(app.get("/ideas", Some(&both.token)).await);
    let mine = ids(app.get("/ideas?mine=true", Some(&both.token)).await);
    let facilitators_own = ids(app.get("/ideas?mine=true", Some(&facilitator.token)).await);

    // Assert
    assert_eq!(all, vec![own.clone(), received]);
    assert_eq!(mine, vec![own]);
    assert!(facilitators_own.is_empty());
}

#[tokio::test]
async fn the_list_filters_by_state_and_challenge() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let first = app.published_challenge(&owner, &facilitator).await;
    let second = app.published_challenge(&owner, &facilitator).await;
    let submitted_on_first = submitted_idea(&app, &innovator, &first).await;
    let draft_on_first = draft_idea(&app, &innovator, &first).await;
    let draft_on_second = draft_idea(&app, &innovator, &second).await;
    let token = Some(innovator.token.as_str());

    // Act & Assert
    assert_eq!(
        ids(app.get("/ideas?state=submitted", token).await),
        vec![submitted_on_first.clone()]
    );
    assert_eq!(
        ids(app.get("/ideas?state=draft", token).await),
        vec![draft_on_second.clone(), draft_on_first.clone()]
    );
    assert_eq!(
        ids(app.get(&format!("/ideas?challenge_id={first}"), token).await),
        vec![draft_on_first.clone(), submitted_on_first.clone()]
    );
    assert_eq!(
        ids(app
            .get(&format!("/ideas?challenge_id={second}&state=draft"), token)
            .await),
        vec![draft_on_second]
    );
    assert_eq!(
        ids(app.get(&format!("/challenges/{first}/ideas?state=draft"), token).await),
        vec![draft_on_first]
    );
    assert!(ids(app.get("/ideas?state=withdrawn", token).await).is_empty());
    app.get("/ideas?state=sunk", token).await.expect_problem(400);
}

#[tokio::test]
async fn idea_pages_follow_the_cursor_without_gaps_or_repeats() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let mut created = Vec::new();
    for _ in 0..7 {
        created.push(draft_idea(&app, &innovator, &challenge).await);
    }
    created.reverse();

    // Act
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut path = "/ideas?limit=3".to_owned();
    loop {
        let page = app.get(&path, Some(&innovator.token)).await.expect(200);
        pages += 1;
        for item in page.body["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/ideas?limit=3&cursor={cursor}"),
            None => break,
        }
    }

    // Assert
    assert_eq!(seen, created);
    assert_eq!(pages, 3);
    app.get("/ideas?limit=0", Some(&innovator.token))
        .await
        .expect_problem(422);
    app.get("/ideas?cursor=garbage!", Some(&innovator.token))
        .await
        .expect_problem(400);
}

#[tokio::test]
async fn only_innovators_draft_ideas() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let assessor = app.assessor().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let path = format!("/challenges/{challenge}/ideas");

    // Act & Assert
    app.post(&path, Some(&owner.token), idea_body())
        .await
        .expect_problem(403);
    app.post(&path, Some(&assessor.token), idea_body())
        .await
        .expect_problem(403);
    app.post(&path, None, idea_body()).await.expect_problem(401);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM ideas").await, 0);
}

#[tokio::test]
async fn drafting_on_a_draft_challenge_of_someone_else_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.draft_challenge(&owner).await;

    // Act & Assert
    app.post(
        &format!("/challenges/{challenge}/ideas"),
        Some(&innovator.token),
        idea_body(),
    )
    .await
    .expect_problem(404);
}

#[tokio::test]
async fn drafting_on_a_closed_challenge_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    app.challenge_command(&challenge, "close", &owner.token, json!({}))
        .await;

    // Act & Assert
    app.post(
        &format!("/challenges/{challenge}/ideas"),
        Some(&innovator.token),
        idea_body(),
    )
    .await
    .expect_problem(409);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM ideas").await, 0);
}

#[tokio::test]
async fn submitting_after_the_challenge_was_closed_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = draft_idea(&app, &innovator, &challenge).await;
    app.challenge_command(&challenge, "close", &owner.token, json!({}))
        .await;

    // Act
    app.post(&format!("/ideas/{id}/submit"), Some(&innovator.token), json!({}))
        .await
        .expect_problem(409);

    // Assert
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("state"), "draft");
    assert_eq!(current.body["version"], 1);
}

#[tokio::test]
async fn submitting_after_ideas_close_at_answers_409() {
    // Arrange: a challenge that stops taking ideas in two seconds
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.submitted_challenge(&owner).await;
    let close_at = chrono::Utc::now() + chrono::Duration::seconds(2);
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "ideas_close_at": close_at.to_rfc3339() }),
    )
    .await;
    let id = draft_idea(&app, &innovator, &challenge).await;
    let wait = (close_at - chrono::Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(200);
    assert!(wait <= Duration::from_secs(3));
    tokio::time::sleep(wait).await;

    // Act
    let reply = app
        .post(&format!("/ideas/{id}/submit"), Some(&innovator.token), json!({}))
        .await
        .expect_problem(409);

    // Assert
    assert!(reply.str("detail").contains("closed"), "{}", reply.text);
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("state"), "draft");
}

#[tokio::test]
async fn drafting_after_ideas_close_at_answers_409() {
    // Arrange: a challenge that stops taking ideas in one second
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.submitted_challenge(&owner).await;
    let close_at = chrono::Utc::now() + chrono::Duration::seconds(1);
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "ideas_close_at": close_at.to_rfc3339() }),
    )
    .await;
    let wait = (close_at - chrono::Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(200);
    tokio::time::sleep(wait).await;

    // Act
    let reply = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({ "title": "Too late" }),
        )
        .await
        .expect_problem(409);

    // Assert
    assert!(reply.str("detail").contains("closed"), "{}", reply.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM ideas").await, 0);
}

#[tokio::test]
async fn submitting_without_summary_and_description_answers_422_naming_them() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({ "title": "Waste pick-up by cargo bike", "summary": "   " }),
        )
        .await
        .expect(201)
        .id();

    // Act
    let reply = app
        .post(&format!("/ideas/{id}/submit"), Some(&innovator.token), json!({}))
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["summary", "description"]);
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("state"), "draft");
}

#[tokio::test]
async fn editing_a_submitted_idea_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = submitted_idea(&app, &innovator, &challenge).await;

    // Act
    app.patch(
        &format!("/ideas/{id}"),
        Some(&innovator.token),
        json!({ "title": "Too late" }),
    )
    .await
    .expect_problem(409);

    // Assert
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("title"), "QR codes on every bin");
    assert_eq!(current.body["version"], 2);
}

#[tokio::test]
async fn another_innovator_editing_an_idea_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let intruder = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = draft_idea(&app, &innovator, &challenge).await;

    // Act & Assert
    app.patch(
        &format!("/ideas/{id}"),
        Some(&intruder.token),
        json!({ "title": "Taken over" }),
    )
    .await
    .expect_problem(404);
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("title"), "QR codes on every bin");
}

#[tokio::test]
async fn a_stale_expected_version_answers_409_with_the_current_version() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = draft_idea(&app, &innovator, &challenge).await;
    let path = format!("/ideas/{id}");
    app.patch(&path, Some(&innovator.token), json!({ "title": "Second title" }))
        .await
        .expect(200);

    // Act
    let stale = app
        .patch(
            &path,
            Some(&innovator.token),
            json!({ "title": "Lost update", "expected_version": 1 }),
        )
        .await
        .expect_problem(409);
    let stale_submit = app
        .post(
            &format!("{path}/submit"),
            Some(&innovator.token),
            json!({ "expected_version": 1 }),
        )
        .await
        .expect_problem(409);

    // Assert
    assert_eq!(stale.body["current_version"], 2);
    assert_eq!(stale_submit.body["current_version"], 2);
    let current = app.get(&path, Some(&innovator.token)).await.expect(200);
    assert_eq!(current.str("title"), "Second title");
    assert_eq!(current.str("state"), "draft");
}

#[tokio::test]
async fn a_stale_if_match_answers_412() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = draft_idea(&app, &innovator, &challenge).await;
    app.patch(
        &format!("/ideas/{id}"),
        Some(&innovator.token),
        json!({ "title": "Second title" }),
    )
    .await
    .expect(200);

    // Act
    let patched = app
        .client
        .patch(format!("/api/v1/ideas/{id}"))
        .header("authorization", format!("Bearer {}", innovator.token))
        .header("if-match", "\"1\"")
        .body_json(&json!({ "title": "Lost update" }))
        .send()
        .await;
    let submitted = app
        .client
        .post(format!("/api/v1/ideas/{id}/submit"))
        .header("authorization", format!("Bearer {}", innovator.token))
        .header("if-match", "\"1\"")
        .send()
        .await;

    // Assert
    let patched = reply_of(patched.0).await.expect_problem(412);
    assert_eq!(patched.body["current_version"], 2);
    reply_of(submitted.0).await.expect_problem(412);
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("title"), "Second title");
    assert_eq!(current.str("state"), "draft");
}

#[tokio::test]
async fn a_team_member_with_a_bad_e_mail_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let mut body = idea_body();
    body["team"] = json!([{ "name": "Anna Svensson", "email": "anna at example" }]);

    // Act
    let reply = app
        .post(&format!("/challenges/{challenge}/ideas"), Some(&innovator.token), body)
        .await
        .expect_problem(422);

    // Assert
    assert!(reply.fields().iter().all(|f| f.starts_with("team")), "{}", reply.text);
    assert!(!reply.fields().is_empty());
    let id = draft_idea(&app, &innovator, &challenge).await;
    app.patch(
        &format!("/ideas/{id}"),
        Some(&innovator.token),
        json!({ "team": [{ "name": "Bo", "email": "bo@" }] }),
    )
    .await
    .expect_problem(422);
}

#[tokio::test]
async fn sdg_18_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let mut body = idea_body();
    body["sdgs"] = json!([18]);

    // Act
    let reply = app
        .post(&format!("/challenges/{challenge}/ideas"), Some(&innovator.token), body)
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["sdgs"]);
    let id = draft_idea(&app, &innovator, &challenge).await;
    app.patch(&format!("/ideas/{id}"), Some(&innovator.token), json!({ "sdgs": [18] }))
        .await
        .expect_problem(422);
}

#[tokio::test]
async fn a_title_given_as_a_number_answers_400() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let mut body = idea_body();
    body["title"] = json!(42);

    // Act & Assert
    app.post(&format!("/challenges/{challenge}/ideas"), Some(&innovator.token), body)
        .await
        .expect_problem(400);
    let id = draft_idea(&app, &innovator, &challenge).await;
    app.patch(&format!("/ideas/{id}"), Some(&innovator.token), json!({ "title": 42 }))
        .await
        .expect_problem(400);
}

#[tokio::test]
async fn a_facilitator_submitting_someone_elses_idea_answers_403() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = draft_idea(&app, &innovator, &challenge).await;

    // Act & Assert
    app.post(&format!("/ideas/{id}/submit"), Some(&facilitator.token), json!({}))
        .await
        .expect_problem(403);
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("state"), "draft");
}

#[tokio::test]
async fn a_withdrawn_idea_stays_visible_to_the_needs_owner_and_cannot_be_withdrawn_again() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = submitted_idea(&app, &innovator, &challenge).await;

    // Act
    let withdrawn = idea_command(
        &app,
        &id,
        "withdraw",
        &innovator.token,
        json!({ "reason": "  We joined another team  " }),
    )
    .await;

    // Assert
    assert_eq!(withdrawn.str("state"), "withdrawn");
    assert_eq!(withdrawn.body["version"], 3);
    app.post(
        &format!("/ideas/{id}/withdraw"),
        Some(&innovator.token),
        json!({ "reason": "Again" }),
    )
    .await
    .expect_problem(409);
    let seen = app.get(&format!("/ideas/{id}"), Some(&owner.token)).await.expect(200);
    assert_eq!(seen.str("state"), "withdrawn");
    assert_eq!(
        ids(app
            .get(&format!("/challenges/{challenge}/ideas"), Some(&owner.token))
            .await),
        vec![id.clone()]
    );
    let history = app
        .get(&format!("/ideas/{id}/history"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(history.commands(), vec!["submit", "withdraw"]);
    assert_eq!(history.body[1]["payload"]["reason"], "We joined another team");
}

#[tokio::test]
async fn of_sixteen_concurrent_submits_over_http_exactly_one_wins() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = draft_idea(&app, &innovator, &challenge).await;
    let server = app.serve().await;
    let client = reqwest::Client::new();

    // Act
    let requests = (0..16)
        .map(|_| {
            client
                .post(format!("{}/ideas/{id}/submit", server.base_url))
                .bearer_auth(&innovator.token)
                .json(&json!({}))
        })
        .collect();
    let statuses = concurrently(requests).await;

    // Assert
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let sql = "SELECT COUNT(*) AS n FROM events WHERE subject_type = 'idea' AND command = 'submit'";
    assert_eq!(app.count(sql).await, 1);
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("state"), "submitted");
    assert_eq!(current.body["version"], 2);
}

#[tokio::test]
async fn of_concurrent_submits_and_withdrawals_each_transition_has_one_winner() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let id = draft_idea(&app, &innovator, &challenge).await;
    let server = app.serve().await;
    let client = reqwest::Client::new();

    // Act: even requests submit, odd ones withdraw
    let requests = (0..16)
        .map(|n| {
            let (command, body) = if n % 2 == 0 {
                ("submit", json!({}))
            } else {
                ("withdraw", json!({ "reason": "Changed plans" }))
            };
            client
                .post(format!("{}/ideas/{id}/{command}", server.base_url))
                .bearer_auth(&innovator.token)
                .json(&body)
        })
        .collect();
    let statuses = concurrently(requests).await;

    // Assert
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let won = |parity: usize| {
        statuses
            .iter()
            .enumerate()
            .filter(|(n, s)| n % 2 == parity && **s == 200)
            .count()
    };
    let (submits_won, withdrawals_won) = (won(0), won(1));
    assert!(submits_won <= 1, "{statuses:?}");
    assert_eq!(withdrawals_won, 1, "{statuses:?}");
    let submit_events = app
        .count("SELECT COUNT(*) AS n FROM events WHERE subject_type = 'idea' AND command = 'submit'")
        .await;
    let withdraw_events = app
        .count("SELECT COUNT(*) AS n FROM events WHERE subject_type = 'idea' AND command = 'withdraw'")
        .await;
    assert_eq!(submit_events, i64::try_from(submits_won).unwrap());
    assert_eq!(withdraw_events, 1);
    let current = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(current.str("state"), "withdrawn");
    assert_eq!(current.body["version"], json!(1 + submits_won + withdrawals_won));
    let history = app
        .get(&format!("/ideas/{id}/history"), Some(&innovator.token))
        .await
        .expect(200);
    let expected: Vec<&str> = if submits_won == 1 {
        vec!["create", "submit", "withdraw"]
    } else {
        vec!["create", "withdraw"]
    };
    assert_eq!(history.commands(), expected);
}
