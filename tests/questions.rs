//! Step 2: questions on published challenges and their answers, over HTTP.

use serde_json::json;

use crate::helpers::*;

/// A question asked by `asker` on `challenge`; its id.
async fn ask(app: &TestApp, asker: &TestUser, challenge: &str, text: &str) -> String {
    app.post(
        &format!("/challenges/{challenge}/questions"),
        Some(&asker.token),
        json!({ "text": text }),
    )
    .await
    .expect(201)
    .id()
}

/// Answers a question and expects 200.
async fn answer(app: &TestApp, question: &str, answerer: &TestUser, text: &str) -> Reply {
    app.post(
        &format!("/questions/{question}/answer"),
        Some(&answerer.token),
        json!({ "text": text }),
    )
    .await
    .expect(200)
}

#[tokio::test]
async fn anyone_may_read_the_questions_of_a_published_challenge_but_only_the_signed_in_ask() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let path = format!("/challenges/{challenge}/questions");

    // Act
    let listed = app.get(&path, None).await.expect(200);
    let refused = app.post(&path, None, json!({ "text": "Who empties the bins?" })).await;

    // Assert
    assert_eq!(listed.body["items"], json!([]));
    assert!(listed.body["next_cursor"].is_null());
    refused.expect_problem(401);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM questions").await, 0);
}

#[tokio::test]
async fn an_innovator_asks_a_question_and_its_text_is_trimmed() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;

    // Act
    let asked = app
        .post(
            &format!("/challenges/{challenge}/questions"),
            Some(&innovator.token),
            json!({ "text": "  How often are the bins emptied today?\n " }),
        )
        .await
        .expect(201);

    // Assert
    assert_eq!(asked.str("text"), "How often are the bins emptied today?");
    assert_eq!(asked.str("challenge_id"), challenge);
    assert_eq!(asked.str("asked_by"), innovator.id);
    assert!(asked.body["asked_at"].is_string(), "{}", asked.text);
    assert!(asked.body["answer"].is_null());
    let listed = app
        .get(&format!("/challenges/{challenge}/questions"), None)
        .await
        .expect(200);
    assert_eq!(listed.body["items"][0]["id"], asked.str("id"));
}

#[tokio::test]
async fn a_blank_question_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;

    // Act
    let reply = app
        .post(
            &format!("/challenges/{challenge}/questions"),
            Some(&innovator.token),
            json!({ "text": " \t " }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.body["errors"][0]["field"], "text");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM questions").await, 0);
}

#[tokio::test]
async fn asking_about_a_draft_challenge_of_someone_else_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.draft_challenge(&owner).await;
    let path = format!("/challenges/{challenge}/questions");

    // Act & Assert
    app.post(&path, Some(&innovator.token), json!({ "text": "Is this real?" }))
        .await
        .expect_problem(404);
    app.get(&path, Some(&innovator.token)).await.expect_problem(404);
    app.get(&path, None).await.expect_problem(404);
}

#[tokio::test]
async fn asking_about_a_closed_challenge_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    app.challenge_command(&challenge, "close", &owner.token, json!({}))
        .await;

    // Act
    app.post(
        &format!("/challenges/{challenge}/questions"),
        Some(&innovator.token),
        json!({ "text": "Can I still send an idea?" }),
    )
    .await
    .expect_problem(409);

    // Assert
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM questions").await, 0);
}

#[tokio::test]
async fn the_owner_answers_a_question() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let question = ask(&app, &innovator, &challenge, "How often are the bins emptied?").await;

    // Act
    let answered = answer(&app, &question, &owner, "  Twice a week, on Mondays and Thursdays. ").await;

    // Assert
    assert_eq!(answered.str("id"), question);
    assert_eq!(answered.str("text"), "How often are the bins emptied?");
    let reply = &answered.body["answer"];
    assert_eq!(reply["text"], "Twice a week, on Mondays and Thursdays.");
    assert_eq!(reply["answered_by"], owner.id.as_str());
    assert!(reply["answered_at"].is_string(), "{}", answered.text);
    let sql = "SELECT COUNT(*) AS n FROM events WHERE subject_type = 'challenge' AND command = 'answer'";
    assert_eq!(app.count(sql).await, 1);
}

#[tokio::test]
async fn a_facilitator_answers_a_question() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let question = ask(&app, &innovator, &challenge, "Is there power at the station?").await;

    // Act
    let answered = answer(&app, &question, &facilitator, "Yes, one outlet per bin house.").await;

    // Assert
    assert_eq!(answered.body["answer"]["text"], "Yes, one outlet per bin house.");
    assert_eq!(answered.body["answer"]["answered_by"], facilitator.id.as_str());
}

#[tokio::test]
async fn an_innovator_who_does_not_own_the_challenge_cannot_answer() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let other_innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let question = ask(&app, &innovator, &challenge, "Who owns the bins?").await;
    let path = format!("/questions/{question}/answer");

    // Act & Assert
    app.post(&path, Some(&other_innovator.token), json!({ "text": "The city." }))
        .await
        .expect_problem(403);
    app.post(&path, Some(&innovator.token), json!({ "text": "I do." }))
        .await
        .expect_problem(403);
    app.post(&path, None, json!({ "text": "Nobody." }))
        .await
        .expect_problem(401);
    let listed = app
        .get(&format!("/challenges/{challenge}/questions"), None)
        .await
        .expect(200);
    assert!(listed.body["items"][0]["answer"].is_null());
}

#[tokio::test]
async fn answering_twice_answers_409_and_keeps_the_first_answer() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let question = ask(&app, &innovator, &challenge, "Who owns the bins?").await;
    answer(&app, &question, &owner, "The housing company.").await;

    // Act
    app.post(
        &format!("/questions/{question}/answer"),
        Some(&facilitator.token),
        json!({ "text": "The city." }),
    )
    .await
    .expect_problem(409);

    // Assert
    let listed = app
        .get(&format!("/challenges/{challenge}/questions"), None)
        .await
        .expect(200);
    assert_eq!(listed.body["items"][0]["answer"]["text"], "The housing company.");
    assert_eq!(listed.body["items"][0]["answer"]["answered_by"], owner.id.as_str());
}

#[tokio::test]
async fn answering_an_unknown_question_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let unknown = uuid::Uuid::now_v7();

    // Act & Assert
    app.post(
        &format!("/questions/{unknown}/answer"),
        Some(&facilitator.token),
        json!({ "text": "To whom?" }),
    )
    .await
    .expect_problem(404);
}

#[tokio::test]
async fn an_answer_is_seen_by_everyone_who_sees_the_challenge() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let other_innovator = app.innovator().await;
    let assessor = app.assessor().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let question = ask(&app, &innovator, &challenge, "Can residents use an app instead?").await;
    answer(&app, &question, &owner, "Yes, any phone camera reads the code.").await;
    let path = format!("/challenges/{challenge}/questions");

    // Act & Assert
    for token in [
        None,
        Some(innovator.token.as_str()),
        Some(other_innovator.token.as_str()),
        Some(assessor.token.as_str()),
        Some(owner.token.as_str()),
        Some(facilitator.token.as_str()),
    ] {
        let listed = app.get(&path, token).await.expect(200);
        let item = &listed.body["items"][0];
        assert_eq!(item["id"], question.as_str(), "{}", listed.text);
        assert_eq!(item["answer"]["text"], "Yes, any phone camera reads the code.");
        assert_eq!(item["answer"]["answered_by"], owner.id.as_str());
    }
}

#[tokio::test]
async fn question_pages_follow_the_cursor_without_gaps_or_repeats() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let other_challenge = app.published_challenge(&owner, &facilitator).await;
    let mut asked = Vec::new();
    for n in 0..5 {
        asked.push(ask(&app, &innovator, &challenge, &format!("Question {n}?")).await);
    }
    ask(&app, &innovator, &other_challenge, "Elsewhere?").await;
    asked.reverse();

    // Act
    let base = format!("/challenges/{challenge}/questions?limit=2");
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut path = base.clone();
    loop {
        let page = app.get(&path, None).await.expect(200);
        pages += 1;
        for item in page.body["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("{base}&cursor={cursor}"),
            None => break,
        }
    }

    // Assert
    assert_eq!(seen, asked);
    assert_eq!(pages, 3);
    app.get(&format!("/challenges/{challenge}/questions?limit=201"), None)
        .await
        .expect_problem(422);
    app.get(&format!("/challenges/{challenge}/questions?cursor=garbage!"), None)
        .await
        .expect_problem(400);
}
