//! Steps 4 and 5 in the web interface (SPEC §10.4): `/ideas/{id}/incubation` and
//! `/ideas/{id}/test`, driven by their forms as a browser sends them.

use poem::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestUser};
use crate::steps::{idea_command, panel_scores, qualified_idea, submitted_idea, support_organisation};

/// The idea's state and version as the facilitator reads them from the API.
async fn state_and_version(app: &TestApp, idea: &str, facilitator: &TestUser) -> (String, String) {
    let reply = app
        .get(&format!("/ideas/{idea}"), Some(&facilitator.token))
        .await
        .expect(200);
    (reply.str("state").to_owned(), reply.body["version"].to_string())
}

/// A qualified idea, its innovator and the team's facilitator.
async fn qualified(app: &TestApp) -> (String, TestUser, TestUser) {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(app, &facilitator, &innovator, &challenge).await;
    (idea, innovator, facilitator)
}

#[tokio::test]
async fn the_team_and_the_innovator_carry_an_idea_through_incubation_and_test_by_forms() {
    let app = crate::helpers::spawn_app().await;
    let (idea, innovator, facilitator) = qualified(&app).await;
    let organisation = support_organisation(&app, &facilitator).await;
    let incubation = format!("/ideas/{idea}/incubation");
    let test = format!("/ideas/{idea}/test");

    let (status, body) = app.page(&incubation, Some(&facilitator), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(">Start incubation<"), "no Start incubation button");
    let (status, body) = app.page(&incubation, Some(&innovator), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !body.contains(">Start incubation<"),
        "the innovator is offered the team's command"
    );

    let (_, version) = state_and_version(&app, &idea, &facilitator).await;
    let started = app
        .form(
            &format!("{incubation}/start"),
            &facilitator,
            &[
                ("expected_version", &version),
                ("support_organisation_id", &organisation),
                ("plan", "Three months at Minc: a pilot contract and a booking page."),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    assert_eq!(started.location, incubation);
    assert_eq!(state_and_version(&app, &idea, &facilitator).await.0, "in_incubation");

    let added = app
        .form(
            &format!("{incubation}/milestones"),
            &innovator,
            &[("title", "Booking page live"), ("due_on", "2027-03-31")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let kept = app.get(&incubation, Some(&facilitator.token)).await.expect(200);
    let milestone = kept.body["milestones"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(kept.body["milestones"][0]["due_on"], "2027-03-31");
    let (_, body) = app.page(&incubation, Some(&facilitator), "en").await;
    assert!(body.contains("Booking page live") && body.contains(">Complete milestone<"));

    let done = app
        .form(
            &format!("{incubation}/milestones/{milestone}/complete"),
            &facilitator,
            &[],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let kept = app.get(&incubation, Some(&facilitator.token)).await.expect(200);
    assert!(kept.body["milestones"][0]["done_at"].is_string());

    let (_, version) = state_and_version(&app, &idea, &facilitator).await;
    let testing = app
        .form(
            &format!("{test}/start-testing"),
            &facilitator,
            &[
                ("expected_version", &version),
                ("site", "Sege Park recycling station"),
                ("host", "MKB Fastighets AB"),
                ("starts_on", "2027-04-01"),
                ("ends_on", "2027-09-30"),
                ("success_criteria", "60 bookings a month"),
            ],
        )
        .await;
    assert_eq!(testing.status, StatusCode::SEE_OTHER, "{}", testing.body);
    assert_eq!(testing.location, test);

    let spread = app
        .form(
            &format!("{test}/spread-activities"),
            &facilitator,
            &[
                ("kind", "learning_workshop"),
                ("title", "What the bikes taught us"),
                ("held_on", "2027-06-15"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(spread.status, StatusCode::SEE_OTHER, "{}", spread.body);

    let (_, version) = state_and_version(&app, &idea, &facilitator).await;
    let completed = app
        .form(
            &format!("{test}/complete"),
            &facilitator,
            &[
                ("expected_version", &version),
                ("outcome", "adopted"),
                ("results", "74 bookings a month"),
                ("lessons_learned", "Residents book in the evening."),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(completed.status, StatusCode::SEE_OTHER, "{}", completed.body);
    assert_eq!(state_and_version(&app, &idea, &facilitator).await.0, "completed");

    let (status, body) = app.page(&test, Some(&innovator), "en").await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Sege Park recycling station",
        "What the bikes taught us",
        "Learning workshop",
        "Adopted",
    ] {
        assert!(body.contains(shown), "the test page does not show {shown}");
    }
}

#[tokio::test]
async fn a_refused_incubation_form_is_shown_again_with_the_input_kept_and_changes_nothing() {
    let app = crate::helpers::spawn_app().await;
    let (idea, _innovator, facilitator) = qualified(&app).await;
    let organisation = support_organisation(&app, &facilitator).await;
    let (_, version) = state_and_version(&app, &idea, &facilitator).await;

    let refused = app
        .form(
            &format!("/ideas/{idea}/incubation/start"),
            &facilitator,
            &[
                ("expected_version", &version),
                ("support_organisation_id", &organisation),
                ("plan", "  "),
            ],
        )
        .await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("role=\"alert\""), "no error summary");
    assert!(
        refused.body.contains("href=\"#f-plan\""),
        "the summary does not link the field"
    );
    assert!(
        refused.body.contains(&format!("value=\"{organisation}\" selected")),
        "the chosen organisation is not kept"
    );
    assert_eq!(state_and_version(&app, &idea, &facilitator).await.0, "qualified");
}

#[tokio::test]
async fn a_stale_test_form_answers_409_and_says_someone_else_changed_it() {
    let app = crate::helpers::spawn_app().await;
    let (idea, _innovator, facilitator) = qualified(&app).await;
    let (_, version) = state_and_version(&app, &idea, &facilitator).await;
    let stale = (version.parse::<i64>().unwrap() - 1).to_string();

    let refused = app
        .form(
            &format!("/ideas/{idea}/test/start-testing"),
            &facilitator,
            &[
                ("expected_version", &stale),
                ("site", "Sege Park"),
                ("host", "MKB"),
                ("starts_on", "2027-04-01"),
                ("ends_on", "2027-09-30"),
                ("success_criteria", "60 bookings a month"),
            ],
        )
        .await;

    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("role=\"alert\""));
    assert!(refused.body.contains("value=\"Sege Park\""), "the input is not kept");
    assert_eq!(state_and_version(&app, &idea, &facilitator).await.0, "qualified");
}

#[tokio::test]
async fn the_innovator_posting_the_teams_command_answers_403_and_changes_nothing() {
    let app = crate::helpers::spawn_app().await;
    let (idea, innovator, facilitator) = qualified(&app).await;
    let (_, version) = state_and_version(&app, &idea, &facilitator).await;

    let refused = app
        .form(
            &format!("/ideas/{idea}/test/discontinue"),
            &innovator,
            &[("expected_version", &version), ("reason", "No host found")],
        )
        .await;

    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(state_and_version(&app, &idea, &facilitator).await.0, "qualified");
}

/// Starts the incubation of a qualified idea through its form.
async fn incubate_by_form(app: &TestApp, idea: &str, facilitator: &TestUser) {
    let (_, version) = state_and_version(app, idea, facilitator).await;
    let organisation = support_organisation(app, facilitator).await;
    let started = app
        .form(
            &format!("/ideas/{idea}/incubation/start"),
            facilitator,
            &[
                ("expected_version", &version),
                ("support_organisation_id", &organisation),
                ("plan", "A plan"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
}

#[tokio::test]
async fn a_milestone_of_another_idea_is_refused_through_this_ideas_path_and_stays_open() {
    let app = crate::helpers::spawn_app().await;
    let (first, _, facilitator) = qualified(&app).await;
    let (second, _, _) = qualified(&app).await;
    incubate_by_form(&app, &first, &facilitator).await;
    incubate_by_form(&app, &second, &facilitator).await;
    let added = app
        .form(
            &format!("/ideas/{second}/incubation/milestones"),
            &facilitator,
            &[("title", "Booking page live"), ("due_on", "")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let incubation = format!("/ideas/{second}/incubation");
    let kept = app.get(&incubation, Some(&facilitator.token)).await.expect(200);
    let milestone = kept.body["milestones"][0]["id"].as_str().unwrap().to_owned();

    let refused = app
        .form(
            &format!("/ideas/{first}/incubation/milestones/{milestone}/complete"),
            &facilitator,
            &[],
        )
        .await;

    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let kept = app.get(&incubation, Some(&facilitator.token)).await.expect(200);
    assert!(
        kept.body["milestones"][0]["done_at"].is_null(),
        "the milestone was completed"
    );
}

#[tokio::test]
async fn completing_an_unknown_milestone_answers_the_404_page() {
    let app = crate::helpers::spawn_app().await;
    let (idea, _innovator, facilitator) = qualified(&app).await;
    incubate_by_form(&app, &idea, &facilitator).await;
    let unknown = uuid::Uuid::now_v7();

    let refused = app
        .form(
            &format!("/ideas/{idea}/incubation/milestones/{unknown}/complete"),
            &facilitator,
            &[],
        )
        .await;

    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_idea_joins_the_decide_queue_on_me_when_its_last_required_scorecard_is_in() {
    let app = crate::helpers::spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    let queue = |body: &str| {
        let start = body
            .find("Ideas with enough scorecards to decide")
            .expect("no decide queue");
        let end = body[start..].find("Running tests").map_or(body.len(), |n| start + n);
        body[start..end].to_owned()
    };

    panel_scores(&app, &idea, &facilitator, &[[4, 3, 5, 3, 4, 2, 3]]).await;
    let (_, body) = app.page("/me", Some(&facilitator), "en").await;
    assert!(!queue(&body).contains(&idea), "one of two scorecards is not enough");

    panel_scores(&app, &idea, &facilitator, &[[5, 4, 4, 3, 3, 3, 4]]).await;
    let (_, body) = app.page("/me", Some(&facilitator), "en").await;
    let shown = queue(&body);
    assert!(
        shown.contains(&format!("/ideas/{idea}")),
        "the scored idea is not in the queue"
    );
    let expected = app
        .get(&format!("/ideas/{idea}/assessment"), Some(&facilitator.token))
        .await
        .expect(200)
        .body["weighted_score"]
        .as_f64()
        .unwrap();
    assert!(
        shown.contains(&format!("{expected:.2}")),
        "the weighted score {expected:.2} is not shown"
    );
}
