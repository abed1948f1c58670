//! Blind assessment in the web interface (SPEC §4, §10.4): an assessor of an idea on a
//! challenge published with `blind_assessment` never sees who is behind it — not the
//! innovator, their organisation or the team — on any page they reach.

use poem::http::{Method, StatusCode};
use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::spawn_app;
use crate::steps::{DEFAULT_CRITERIA, idea_command, submitted_idea};

#[tokio::test]
async fn an_assessor_of_a_blind_assessment_sees_no_one_behind_the_idea_on_any_page() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.user_in(&[Role::Innovator], Some("Solkraft Innovation AB")).await;
    let assessor = app.user_in(&[Role::Assessor], Some("Science park")).await;
    let challenge = app.submitted_challenge(&owner).await;
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "blind_assessment": true }),
    )
    .await
    .expect(200);
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    app.post(
        &format!("/ideas/{idea}/assignments"),
        Some(&facilitator.token),
        json!({ "assessor_id": assessor.id }),
    )
    .await
    .expect(201);
    // Who is behind the idea: the innovator, their organisation, the team (steps.rs's idea).
    let identities = [
        innovator.id.as_str(),
        innovator.email.as_str(),
        "Solkraft Innovation AB",
        "Anna Svensson",
        "anna@example.org",
    ];
    let (_, team_view) = app.page(&format!("/ideas/{idea}"), Some(&facilitator), "en").await;
    assert!(
        team_view.contains("Anna Svensson"),
        "the team sees the team, so the check below can fail"
    );

    let mut pages = vec![
        "/assignments".to_owned(),
        "/me".to_owned(),
        format!("/ideas/{idea}"),
        format!("/ideas/{idea}/scorecard"),
        format!("/challenges/{challenge}"),
    ];
    let scores: serde_json::Map<String, Value> = DEFAULT_CRITERIA
        .iter()
        .map(|key| ((*key).to_owned(), json!(4)))
        .collect();
    app.call(
        Method::PUT,
        &format!("/ideas/{idea}/scorecard"),
        Some(&assessor.token),
        Some(json!({ "scores": scores, "comment": "Clear need, simple test." })),
    )
    .await
    .expect(200);
    pages.push(format!("/ideas/{idea}/assessment"));
    pages.push(format!("/ideas/{idea}/scorecard"));

    for path in &pages {
        for lang in ["sv", "en"] {
            let (status, body) = app.page(path, Some(&assessor), lang).await;
            assert_eq!(status, StatusCode::OK, "{path} in {lang}");
            for identity in identities {
                assert!(!body.contains(identity), "{path} in {lang} shows {identity}");
            }
        }
    }
}

#[tokio::test]
async fn an_assessor_registered_before_many_others_is_still_offered_by_name_on_the_idea_page() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let early = app.user_in(&[Role::Assessor], Some("Science park")).await;
    // More people registered since than any one page of users holds.
    for _ in 0..210 {
        app.user(&[Role::Innovator]).await;
    }
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;

    let (status, body) = app.page(&format!("/ideas/{idea}"), Some(&facilitator), "en").await;

    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(&format!("<option value=\"{}\"", early.id)),
        "the assessor registered first is not offered"
    );
}
