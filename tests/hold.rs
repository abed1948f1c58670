//! Holding an idea (SPEC §17): a facilitator puts an idea in assessment, qualified, in
//! incubation or in testing on hold with a reason, and resumes it to the state it was held
//! from; the innovator is told of both. While on hold only resume, discontinue and the
//! innovator's withdraw run (ADR 0039).

use serde_json::json;

use crate::helpers::*;
use crate::steps::{idea_command, qualified_idea, start_incubation, start_testing, submitted_idea};

/// The idea's state as its innovator reads it.
async fn state_of(app: &TestApp, idea: &str, who: &TestUser) -> String {
    app.get(&format!("/ideas/{idea}"), Some(&who.token))
        .await
        .expect(200)
        .str("state")
        .to_owned()
}

/// The kinds of the idea notifications in `who`'s inbox, newest first.
async fn told(app: &TestApp, who: &TestUser) -> Vec<String> {
    let inbox = app.get("/notifications?limit=200", Some(&who.token)).await.expect(200);
    inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["subject_type"] == "idea")
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn hold_body() -> serde_json::Value {
    json!({ "reason": "The site is being rebuilt until spring." })
}

#[tokio::test]
async fn each_of_the_four_states_is_held_and_resumed_to_itself() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let in_assessment = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &in_assessment, "start-assessment", &facilitator.token, json!({})).await;
    let qualified = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    let in_incubation = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    start_incubation(&app, &in_incubation, &facilitator).await;
    let in_testing = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    start_testing(&app, &in_testing, &facilitator).await;

    for (idea, from) in [
        (&in_assessment, "in_assessment"),
        (&qualified, "qualified"),
        (&in_incubation, "in_incubation"),
        (&in_testing, "in_testing"),
    ] {
        // Act
        let held = idea_command(&app, idea, "put-on-hold", &facilitator.token, hold_body()).await;

        // Assert
        assert_eq!(held.str("state"), "on_hold", "{from}");
        assert_eq!(state_of(&app, idea, &innovator).await, "on_hold");
        let resumed = idea_command(&app, idea, "resume", &facilitator.token, json!({})).await;
        assert_eq!(resumed.str("state"), from);
        assert_eq!(state_of(&app, idea, &innovator).await, from);
        let history = app
            .get(&format!("/ideas/{idea}/history"), Some(&innovator.token))
            .await
            .expect(200)
            .commands();
        assert_eq!(history[history.len() - 2..], ["put_on_hold", "resume"], "{from}");
    }
}

#[tokio::test]
async fn the_innovator_is_told_of_the_hold_and_of_the_resume_and_the_needs_owner_is_not() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    let owner_before = told(&app, &owner).await;

    // Act
    idea_command(&app, &idea, "put-on-hold", &facilitator.token, hold_body()).await;
    idea_command(&app, &idea, "resume", &facilitator.token, json!({})).await;

    // Assert
    assert_eq!(told(&app, &innovator).await[..2], ["resume", "put_on_hold"]);
    assert_eq!(told(&app, &owner).await, owner_before);
}

#[tokio::test]
async fn holding_is_refused_from_a_draft_a_submitted_a_terminal_or_a_held_idea() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let draft = app.draft_idea(&innovator, &challenge, "A draft").await;
    let submitted = submitted_idea(&app, &innovator, &challenge).await;
    let withdrawn = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &withdrawn, "withdraw", &innovator.token, json!({})).await;
    let held = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    idea_command(&app, &held, "put-on-hold", &facilitator.token, hold_body()).await;

    for idea in [&draft, &submitted, &withdrawn, &held] {
        // Act
        let reply = app
            .post(
                &format!("/ideas/{idea}/put-on-hold"),
                Some(&facilitator.token),
                hold_body(),
            )
            .await;

        // Assert
        reply.expect_problem(409);
    }
    // Nothing to resume but a held idea.
    for idea in [&draft, &submitted, &withdrawn] {
        app.post(&format!("/ideas/{idea}/resume"), Some(&facilitator.token), json!({}))
            .await
            .expect_problem(409);
    }
}

#[tokio::test]
async fn a_hold_needs_a_reason() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;

    for body in [json!({ "reason": "   " }), json!({ "reason": "" })] {
        // Act
        let reply = app
            .post(&format!("/ideas/{idea}/put-on-hold"), Some(&facilitator.token), body)
            .await;

        // Assert
        assert_eq!(reply.expect_problem(422).fields(), ["reason"]);
    }
    let missing = app
        .post(
            &format!("/ideas/{idea}/put-on-hold"),
            Some(&facilitator.token),
            json!({}),
        )
        .await;
    assert_eq!(missing.expect_problem(422).fields(), ["reason"]);
    assert_eq!(state_of(&app, &idea, &innovator).await, "qualified");
}

#[tokio::test]
async fn only_facilitators_hold_and_resume_and_others_who_see_the_idea_get_403() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let stranger = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;

    // Act and assert
    for who in [&innovator, &owner] {
        app.post(&format!("/ideas/{idea}/put-on-hold"), Some(&who.token), hold_body())
            .await
            .expect_problem(403);
    }
    app.post(
        &format!("/ideas/{idea}/put-on-hold"),
        Some(&stranger.token),
        hold_body(),
    )
    .await
    .expect_problem(404);
    idea_command(&app, &idea, "put-on-hold", &facilitator.token, hold_body()).await;
    for who in [&innovator, &owner] {
        app.post(&format!("/ideas/{idea}/resume"), Some(&who.token), json!({}))
            .await
            .expect_problem(403);
    }
    app.post(&format!("/ideas/{idea}/resume"), Some(&stranger.token), json!({}))
        .await
        .expect_problem(404);
    assert_eq!(state_of(&app, &idea, &innovator).await, "on_hold");
}

#[tokio::test]
async fn a_stale_version_is_refused_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    let version = app
        .get(&format!("/ideas/{idea}"), Some(&facilitator.token))
        .await
        .expect(200)
        .body["version"]
        .as_i64()
        .unwrap();

    // Act
    let stale = app
        .post(
            &format!("/ideas/{idea}/put-on-hold"),
            Some(&facilitator.token),
            json!({ "reason": "Paused.", "expected_version": version - 1 }),
        )
        .await;

    // Assert
    stale.expect_problem(409);
    assert_eq!(state_of(&app, &idea, &innovator).await, "qualified");
    let held = app
        .post(
            &format!("/ideas/{idea}/put-on-hold"),
            Some(&facilitator.token),
            json!({ "reason": "Paused.", "expected_version": version }),
        )
        .await
        .expect(200);
    let held_version = held.body["version"].as_i64().unwrap();
    app.post(
        &format!("/ideas/{idea}/resume"),
        Some(&facilitator.token),
        json!({ "expected_version": held_version - 1 }),
    )
    .await
    .expect_problem(409);
    app.post(
        &format!("/ideas/{idea}/resume"),
        Some(&facilitator.token),
        json!({ "expected_version": held_version }),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn while_on_hold_the_steps_wait_but_discontinue_and_withdraw_still_run() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let held = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    idea_command(&app, &held, "put-on-hold", &facilitator.token, hold_body()).await;
    let stopped = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    idea_command(&app, &stopped, "put-on-hold", &facilitator.token, hold_body()).await;

    // Act and assert: the next step waits for the resume.
    app.post(
        &format!("/ideas/{held}/start-testing"),
        Some(&facilitator.token),
        json!({
            "site": "Recycling station, Sege Park",
            "host": "MKB Fastighets AB",
            "starts_on": "2025-05-01",
            "ends_on": "2025-08-31",
            "success_criteria": "200 bookings."
        }),
    )
    .await
    .expect_problem(409);
    let discontinued = idea_command(
        &app,
        &stopped,
        "discontinue",
        &facilitator.token,
        json!({ "reason": "The site will not reopen." }),
    )
    .await;
    assert_eq!(discontinued.str("state"), "discontinued");
    let withdrawn = idea_command(&app, &held, "withdraw", &innovator.token, json!({})).await;
    assert_eq!(withdrawn.str("state"), "withdrawn");
    app.post(&format!("/ideas/{held}/resume"), Some(&facilitator.token), json!({}))
        .await
        .expect_problem(409);
}

#[tokio::test]
async fn the_idea_page_offers_put_on_hold_and_then_resume_to_the_team_in_both_languages() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    let path = format!("/ideas/{idea}");

    // Act: the page, then the form
    let (_, page) = app.page(&path, Some(&facilitator), "en").await;
    let (_, innovators_page) = app.page(&path, Some(&innovator), "en").await;
    let version = app.get(&path, Some(&facilitator.token)).await.expect(200).body["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let blank = app
        .form(
            &format!("{path}/put-on-hold"),
            &facilitator,
            &[("expected_version", &version), ("reason", "")],
        )
        .await;
    let answer = app
        .form(
            &format!("{path}/put-on-hold"),
            &facilitator,
            &[("expected_version", &version), ("reason", "The site is being rebuilt.")],
        )
        .await;

    // Assert
    assert!(page.contains("Put on hold"), "{page}");
    assert!(!innovators_page.contains("put-on-hold"));
    assert!(blank.body.contains("govuk-error-summary"), "{}", blank.body);
    assert!(answer.status.is_redirection(), "{}", answer.body);
    let (_, held) = app.page(&path, Some(&facilitator), "en").await;
    assert!(held.contains("On hold") && held.contains(">Resume<"), "{held}");
    let (_, svenska) = app.page(&path, Some(&facilitator), "sv").await;
    assert!(svenska.contains("Pausad") && svenska.contains("Återuppta"), "{svenska}");
    let (_, innovator_sees) = app.page(&path, Some(&innovator), "en").await;
    assert!(innovator_sees.contains("On hold") && !innovator_sees.contains(">Resume<"));
}
