//! Blind assessment (SPEC §4): an assessor never learns who is behind an idea. Who asked a
//! question on a blind challenge is shown only to the innovation team, the challenge's
//! needs-owner and the asker; an idea's incubation and test (which name the organisations
//! that support and host it) are for the facilitator, the innovator and the needs-owner,
//! never for its assessors (SPEC §10.4).

use serde_json::json;
use sluss_domain::Role;

use crate::helpers::*;
use crate::steps::{assign, panel_scores, start_incubation, start_testing, submitted_idea};

/// A published challenge, blind or not, and an idea of `innovator` submitted to it.
async fn challenge_and_idea(
    app: &TestApp,
    facilitator: &TestUser,
    owner: &TestUser,
    innovator: &TestUser,
    blind: bool,
) -> (String, String) {
    let challenge = app.submitted_challenge(owner).await;
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "blind_assessment": blind }),
    )
    .await;
    let idea = submitted_idea(app, innovator, &challenge).await;
    (challenge, idea)
}

/// Who asked each question of `challenge`, as `who` sees them (`None` when hidden).
async fn askers(app: &TestApp, challenge: &str, who: Option<&TestUser>) -> Vec<Option<String>> {
    let page = app
        .get(
            &format!("/challenges/{challenge}/questions"),
            who.map(|u| u.token.as_str()),
        )
        .await
        .expect(200);
    page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["asked_by"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn on_a_blind_challenge_only_the_team_the_owner_and_the_asker_see_who_asked() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.user_in(&[Role::Innovator], Some("Sege Builders AB")).await;
    let (challenge, idea) = challenge_and_idea(&app, &facilitator, &owner, &innovator, true).await;
    app.post(
        &format!("/challenges/{challenge}/questions"),
        Some(&innovator.token),
        json!({ "text": "May the bins be locked at night?" }),
    )
    .await
    .expect(201);
    app.post(
        &format!("/ideas/{idea}/start-assessment"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    let assessor = app.assessor().await;
    assign(&app, &idea, &facilitator, &assessor.id).await;
    let other_innovator = app.innovator().await;

    let asker = Some(innovator.id.clone());
    assert_eq!(
        askers(&app, &challenge, Some(&assessor)).await,
        vec![None],
        "the assessor"
    );
    assert_eq!(askers(&app, &challenge, Some(&other_innovator)).await, vec![None]);
    assert_eq!(askers(&app, &challenge, None).await, vec![None], "anonymous");
    assert_eq!(askers(&app, &challenge, Some(&facilitator)).await, vec![asker.clone()]);
    assert_eq!(askers(&app, &challenge, Some(&owner)).await, vec![asker.clone()]);
    assert_eq!(askers(&app, &challenge, Some(&innovator)).await, vec![asker]);
    let (_, page) = app
        .page(&format!("/challenges/{challenge}"), Some(&assessor), "en")
        .await;
    assert!(!page.contains(&innovator.id), "the challenge page names the asker");
}

#[tokio::test]
async fn on_an_open_challenge_everyone_who_sees_a_question_sees_who_asked() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let (challenge, _) = challenge_and_idea(&app, &facilitator, &owner, &innovator, false).await;
    app.post(
        &format!("/challenges/{challenge}/questions"),
        Some(&innovator.token),
        json!({ "text": "May the bins be locked at night?" }),
    )
    .await
    .expect(201);
    let assessor = app.assessor().await;
    assert_eq!(
        askers(&app, &challenge, Some(&assessor)).await,
        vec![Some(innovator.id.clone())]
    );
}

#[tokio::test]
async fn an_assessor_of_an_idea_sees_neither_its_incubation_nor_its_test_nor_their_details_in_its_history() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let (_, idea) = challenge_and_idea(&app, &facilitator, &owner, &innovator, true).await;
    app.post(
        &format!("/ideas/{idea}/start-assessment"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    let assessor = app.user_in(&[Role::Assessor], Some("Org")).await;
    assign(&app, &idea, &facilitator, &assessor.id).await;
    panel_scores(
        &app,
        &idea,
        &facilitator,
        &[[4, 3, 5, 3, 4, 2, 3], [5, 4, 4, 3, 3, 3, 4]],
    )
    .await;
    app.post(
        &format!("/ideas/{idea}/decide"),
        Some(&facilitator.token),
        json!({ "outcome": "qualified", "feedback": "Qualified." }),
    )
    .await
    .expect(200);
    start_incubation(&app, &idea, &facilitator).await;
    start_testing(&app, &idea, &facilitator).await;

    for path in [format!("/ideas/{idea}/incubation"), format!("/ideas/{idea}/test")] {
        app.get(&path, Some(&assessor.token)).await.expect_problem(404);
        let (status, _) = app.page(&path, Some(&assessor), "en").await;
        assert_eq!(status.as_u16(), 404, "the page {path} for the assessor");
        for (name, who) in [
            ("facilitator", &facilitator),
            ("innovator", &innovator),
            ("owner", &owner),
        ] {
            app.get(&path, Some(&who.token)).await.expect(200);
            let (status, _) = app.page(&path, Some(who), "en").await;
            assert_eq!(status.as_u16(), 200, "the page {path} for the {name}");
        }
    }
    app.get(&format!("/ideas/{idea}"), Some(&assessor.token))
        .await
        .expect(200);
    let history = app
        .get(&format!("/ideas/{idea}/history"), Some(&assessor.token))
        .await
        .expect(200);
    for secret in ["MKB Fastighets AB", "Sege Park", "booking page"] {
        assert!(
            !history.text.contains(secret),
            "the history shows '{secret}': {}",
            history.text
        );
    }
    let facilitators = app
        .get(&format!("/ideas/{idea}/history"), Some(&facilitator.token))
        .await
        .expect(200);
    assert!(facilitators.text.contains("MKB Fastighets AB"), "{}", facilitators.text);
}
