//! Steps 4 and 5 — support organisations, incubation with milestones, tests with their
//! spread activities — and the obstacle diary, over HTTP.

use poem::http::Method;
use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::*;

/// The criteria of the seeded default rubric (SPEC §4).
pub(crate) const DEFAULT_CRITERIA: [&str; 7] = [
    "need_fit",
    "social_impact",
    "environmental_impact",
    "economic_impact",
    "feasibility",
    "novelty",
    "scalability",
];

/// Every obstacle category (SPEC §5).
pub(crate) const CATEGORIES: [&str; 8] = [
    "regulation",
    "procurement",
    "organisation",
    "culture",
    "competence",
    "financing",
    "data",
    "other",
];

/// A complete idea body, ready to be submitted.
fn idea_body() -> Value {
    json!({
        "title": "Waste pick-up by cargo bike",
        "summary": "Households without a car book a cargo bike to take bulky waste away.",
        "description": "A booking page and two electric cargo bikes stationed at the recycling station.",
        "team": [{ "name": "Anna Svensson", "email": "anna@example.org" }],
        "sdgs": [11, 12]
    })
}

/// A draft idea of `innovator` on `challenge`.
pub(crate) async fn draft_idea(app: &TestApp, innovator: &TestUser, challenge: &str) -> String {
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
pub(crate) async fn submitted_idea(app: &TestApp, innovator: &TestUser, challenge: &str) -> String {
    let id = draft_idea(app, innovator, challenge).await;
    idea_command(app, &id, "submit", &innovator.token, json!({})).await;
    id
}

/// Runs an idea command and expects 200.
pub(crate) async fn idea_command(app: &TestApp, id: &str, command: &str, token: &str, body: Value) -> Reply {
    app.post(&format!("/ideas/{id}/{command}"), Some(token), body)
        .await
        .expect(200)
}

/// Takes a submitted idea through step 3: the default rubric, two assessors of "Org" who
/// score every criterion, and a decision `qualified`. The decided idea.
pub(crate) async fn qualify(app: &TestApp, idea: &str, facilitator: &TestUser) -> Reply {
    idea_command(app, idea, "start-assessment", &facilitator.token, json!({})).await;
    panel_scores(app, idea, facilitator, &[[4, 3, 5, 3, 4, 2, 3], [5, 4, 4, 3, 3, 3, 4]]).await;
    idea_command(
        app,
        idea,
        "decide",
        &facilitator.token,
        json!({ "outcome": "qualified", "feedback": "Qualified: test it at the Sege Park station." }),
    )
    .await
}

/// Assigns `assessor` (an id) to the idea in assessment; the assignment's id.
pub(crate) async fn assign(app: &TestApp, idea: &str, facilitator: &TestUser, assessor: &str) -> String {
    app.post(
        &format!("/ideas/{idea}/assignments"),
        Some(&facilitator.token),
        json!({ "assessor_id": assessor }),
    )
    .await
    .expect(201)
    .id()
}

/// One assessor of "Org" per row of `cards`, assigned to the idea in assessment and
/// scoring the default rubric's criteria with that row.
pub(crate) async fn panel_scores(app: &TestApp, idea: &str, facilitator: &TestUser, cards: &[[i64; 7]]) {
    for values in cards.iter().copied() {
        let assessor = app.user_in(&[Role::Assessor], Some("Org")).await;
        assign(app, idea, facilitator, &assessor.id).await;
        let scores: serde_json::Map<String, Value> = DEFAULT_CRITERIA
            .iter()
            .zip(values)
            .map(|(key, value)| ((*key).to_owned(), json!(value)))
            .collect();
        app.call(
            Method::PUT,
            &format!("/ideas/{idea}/scorecard"),
            Some(&assessor.token),
            Some(json!({ "scores": scores, "comment": "A real need; the booking flow needs testing." })),
        )
        .await
        .expect(200);
    }
}

/// A qualified idea of `innovator` on the published `challenge`.
pub(crate) async fn qualified_idea(
    app: &TestApp,
    facilitator: &TestUser,
    innovator: &TestUser,
    challenge: &str,
) -> String {
    let id = submitted_idea(app, innovator, challenge).await;
    qualify(app, &id, facilitator).await;
    id
}

/// A support organisation registered by `facilitator`.
pub(crate) async fn support_organisation(app: &TestApp, facilitator: &TestUser) -> String {
    app.post(
        "/support-organisations",
        Some(&facilitator.token),
        json!({
            "name": "Minc",
            "kind": "incubator",
            "description": "Start-up incubator in Malmö",
            "contact_email": "hello@minc.example"
        }),
    )
    .await
    .expect(201)
    .id()
}

/// Starts the incubation of a qualified idea.
pub(crate) async fn start_incubation(app: &TestApp, idea: &str, facilitator: &TestUser) -> Reply {
    let organisation = support_organisation(app, facilitator).await;
    idea_command(
        app,
        idea,
        "start-incubation",
        &facilitator.token,
        json!({ "support_organisation_id": organisation, "plan": "Build the booking page in eight weeks." }),
    )
    .await
}

/// A valid `start-testing` body.
fn testing_body() -> Value {
    json!({
        "site": "Recycling station, Sege Park",
        "host": "MKB Fastighets AB",
        "starts_on": "2025-05-01",
        "ends_on": "2025-08-31",
        "success_criteria": "200 bookings and no bulky waste left beside the bins."
    })
}

/// Starts testing a qualified or incubated idea.
pub(crate) async fn start_testing(app: &TestApp, idea: &str, facilitator: &TestUser) -> Reply {
    idea_command(app, idea, "start-testing", &facilitator.token, testing_body()).await
}

/// Completes the test of an idea with `outcome`.
pub(crate) async fn complete(app: &TestApp, idea: &str, facilitator: &TestUser, outcome: &str) -> Reply {
    idea_command(
        app,
        idea,
        "complete",
        &facilitator.token,
        json!({
            "outcome": outcome,
            "results": "312 bookings; no bulky waste left beside the bins for ten weeks.",
            "lessons_learned": "Residents book in the evening; the station needs longer hours."
        }),
    )
    .await
}

/// Logs an obstacle and expects 201.
pub(crate) async fn log_obstacle(
    app: &TestApp,
    user: &TestUser,
    subject_type: &str,
    subject_id: &str,
    category: &str,
    step: i64,
) -> Reply {
    app.post(
        "/obstacles",
        Some(&user.token),
        json!({
            "subject_type": subject_type,
            "subject_id": subject_id,
            "category": category,
            "description": "The waste regulation does not allow private collection of bulky waste.",
            "step": step
        }),
    )
    .await
    .expect(201)
}

/// The people, the published challenge and the qualified idea of steps 4 and 5.
struct Scene {
    facilitator: TestUser,
    owner: TestUser,
    innovator: TestUser,
    challenge: String,
    idea: String,
}

/// A published challenge of a needs-owner with a qualified idea of an innovator.
async fn scene(app: &TestApp) -> Scene {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(app, &facilitator, &innovator, &challenge).await;
    Scene {
        facilitator,
        owner,
        innovator,
        challenge,
        idea,
    }
}

/// A [`scene`] whose idea is in incubation.
async fn scene_in_incubation(app: &TestApp) -> Scene {
    let scene = scene(app).await;
    start_incubation(app, &scene.idea, &scene.facilitator).await;
    scene
}

/// A [`scene`] whose idea is in testing.
async fn scene_in_testing(app: &TestApp) -> Scene {
    let scene = scene(app).await;
    start_testing(app, &scene.idea, &scene.facilitator).await;
    scene
}

/// The state of an idea as its facilitator sees it.
async fn state_of(app: &TestApp, idea: &str, facilitator: &TestUser) -> String {
    app.get(&format!("/ideas/{idea}"), Some(&facilitator.token))
        .await
        .expect(200)
        .str("state")
        .to_owned()
}

/// The ids of a list page.
fn ids(reply: &Reply) -> Vec<String> {
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {}", reply.text))
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Adds a milestone to an idea's incubation.
async fn add_milestone(app: &TestApp, idea: &str, user: &TestUser) -> Reply {
    app.post(
        &format!("/ideas/{idea}/incubation/milestones"),
        Some(&user.token),
        json!({ "title": "Booking page live", "due_on": "2025-03-15" }),
    )
    .await
}

/// Adds a spread activity to an idea's test.
async fn add_spread(app: &TestApp, idea: &str, user: &TestUser, kind: &str, title: &str) -> Reply {
    app.post(
        &format!("/ideas/{idea}/test/spread-activities"),
        Some(&user.token),
        json!({ "kind": kind, "title": title, "held_on": "2025-09-10" }),
    )
    .await
}

// --- the journey ----------------------------------------------------------------------

#[tokio::test]
async fn a_needs_owners_draft_goes_through_all_five_steps_to_a_completed_test() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;

    // Act & Assert, step 1: need formulation
    let challenge = app.draft_challenge(&owner).await;
    let submitted = app
        .challenge_command(&challenge, "submit", &owner.token, json!({}))
        .await;
    assert_eq!(submitted.str("state"), "submitted");
    let published = app
        .challenge_command(&challenge, "publish", &facilitator.token, json!({}))
        .await;
    assert_eq!(published.str("state"), "published");

    // Step 2: matching
    let idea = draft_idea(&app, &innovator, &challenge).await;
    let submitted = idea_command(&app, &idea, "submit", &innovator.token, json!({})).await;
    assert_eq!(submitted.str("state"), "submitted");

    // Step 3: assessment
    let decided = qualify(&app, &idea, &facilitator).await;
    assert_eq!(decided.str("state"), "qualified");
    assert_eq!(decided.body["decision"]["outcome"], "qualified");

    // Step 4: incubation
    let organisation = app
        .post(
            "/support-organisations",
            Some(&facilitator.token),
            json!({
                "name": "Minc",
                "kind": "incubator",
                "description": "Start-up incubator in Malmö",
                "contact_email": "Hello@Minc.example"
            }),
        )
        .await
        .expect(201);
    let organisation_id = organisation.id();
    assert_eq!(organisation.str("kind"), "incubator");
    assert_eq!(organisation.str("name"), "Minc");
    assert_eq!(organisation.str("contact_email"), "hello@minc.example");
    let registry = app
        .get("/support-organisations", Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(ids(&registry), vec![organisation_id.clone()]);
    let incubated = idea_command(
        &app,
        &idea,
        "start-incubation",
        &facilitator.token,
        json!({ "support_organisation_id": organisation_id, "plan": "  Build the booking page in eight weeks. " }),
    )
    .await;
    assert_eq!(incubated.str("state"), "in_incubation");
    let incubation = app
        .get(&format!("/ideas/{idea}/incubation"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(incubation.str("idea_id"), idea);
    assert_eq!(incubation.str("support_organisation_id"), organisation_id);
    assert_eq!(incubation.str("plan"), "Build the booking page in eight weeks.");
    assert!(incubation.body["started_at"].is_string(), "{}", incubation.text);
    assert_eq!(incubation.body["milestones"], json!([]));
    let milestone = add_milestone(&app, &idea, &innovator).await.expect(201);
    let milestone_id = milestone.id();
    assert_eq!(milestone.str("title"), "Booking page live");
    assert_eq!(milestone.str("due_on"), "2025-03-15");
    assert!(milestone.body["done_at"].is_null(), "{}", milestone.text);
    let done = app
        .post(
            &format!("/milestones/{milestone_id}/complete"),
            Some(&innovator.token),
            json!({}),
        )
        .await
        .expect(200);
    assert!(done.body["done_at"].is_string(), "{}", done.text);
    let incubation = app
        .get(&format!("/ideas/{idea}/incubation"), Some(&facilitator.token))
        .await
        .expect(200);
    let milestones = incubation.body["milestones"].as_array().unwrap();
    assert_eq!(milestones.len(), 1, "{}", incubation.text);
    assert_eq!(milestones[0]["id"], milestone_id.as_str());
    assert_eq!(milestones[0]["done_at"], done.body["done_at"]);

    // Step 5: testing
    let testing = start_testing(&app, &idea, &facilitator).await;
    assert_eq!(testing.str("state"), "in_testing");
    let workshop = add_spread(&app, &idea, &facilitator, "learning_workshop", "What Sege Park learned")
        .await
        .expect(201);
    assert_eq!(workshop.str("kind"), "learning_workshop");
    assert_eq!(workshop.str("held_on"), "2025-09-10");
    let completed = complete(&app, &idea, &facilitator, "adopted").await;
    assert_eq!(completed.str("state"), "completed");
    add_spread(
        &app,
        &idea,
        &facilitator,
        "property_owner_dialogue",
        "Cargo bikes for landlords",
    )
    .await
    .expect(201);

    // Assert: the test as recorded
    let test = app
        .get(&format!("/ideas/{idea}/test"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(test.str("idea_id"), idea);
    assert_eq!(test.str("site"), "Recycling station, Sege Park");
    assert_eq!(test.str("host"), "MKB Fastighets AB");
    assert_eq!(test.str("starts_on"), "2025-05-01");
    assert_eq!(test.str("ends_on"), "2025-08-31");
    assert_eq!(
        test.str("success_criteria"),
        "200 bookings and no bulky waste left beside the bins."
    );
    assert_eq!(test.str("outcome"), "adopted");
    assert_eq!(
        test.str("results"),
        "312 bookings; no bulky waste left beside the bins for ten weeks."
    );
    assert_eq!(
        test.str("lessons_learned"),
        "Residents book in the evening; the station needs longer hours."
    );
    assert!(test.body["completed_at"].is_string(), "{}", test.text);
    let spread: Vec<(&str, &str)> = test.body["spread_activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["kind"].as_str().unwrap(), a["title"].as_str().unwrap()))
        .collect();
    assert_eq!(
        spread,
        vec![
            ("learning_workshop", "What Sege Park learned"),
            ("property_owner_dialogue", "Cargo bikes for landlords")
        ]
    );

    // Assert: the histories
    let history = app
        .get(&format!("/ideas/{idea}/history"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(
        history.commands(),
        vec![
            "create",
            "submit",
            "start_assessment",
            "assign",
            "score",
            "assign",
            "score",
            "decide",
            "start_incubation",
            "add_milestone",
            "complete_milestone",
            "start_testing",
            "add_spread_activity",
            "complete",
            "add_spread_activity"
        ]
    );
    let steps: Vec<(&str, &str)> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            ["decide", "start_incubation", "start_testing", "complete"].contains(&e["command"].as_str().unwrap())
        })
        .map(|e| (e["from_state"].as_str().unwrap(), e["to_state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("in_assessment", "qualified"),
            ("qualified", "in_incubation"),
            ("in_incubation", "in_testing"),
            ("in_testing", "completed")
        ]
    );
    let seqs: Vec<i64> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let innovators_view = app
        .get(&format!("/ideas/{idea}/history"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(
        innovators_view.commands(),
        vec![
            "create",
            "submit",
            "start_assessment",
            "decide",
            "start_incubation",
            "add_milestone",
            "complete_milestone",
            "start_testing",
            "add_spread_activity",
            "complete",
            "add_spread_activity"
        ]
    );
    let challenge_history = app
        .get(&format!("/challenges/{challenge}/history"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(challenge_history.commands(), vec!["create", "submit", "publish"]);
}

#[tokio::test]
async fn a_qualified_idea_may_go_into_testing_without_incubation() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;

    // Act
    let testing = start_testing(&app, &scene.idea, &scene.facilitator).await;

    // Assert
    assert_eq!(testing.str("state"), "in_testing");
    let test = app
        .get(&format!("/ideas/{}/test", scene.idea), Some(&scene.innovator.token))
        .await
        .expect(200);
    assert_eq!(test.str("site"), "Recycling station, Sege Park");
    assert!(test.body["outcome"].is_null(), "{}", test.text);
    assert_eq!(test.body["spread_activities"], json!([]));
    app.get(
        &format!("/ideas/{}/incubation", scene.idea),
        Some(&scene.facilitator.token),
    )
    .await
    .expect_problem(404);
    let history = app
        .get(
            &format!("/ideas/{}/history", scene.idea),
            Some(&scene.facilitator.token),
        )
        .await
        .expect(200);
    let last = history.body.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["command"], "start_testing");
    assert_eq!(last["from_state"], "qualified");
    assert_eq!(last["to_state"], "in_testing");
}

// --- start-incubation -----------------------------------------------------------------

#[tokio::test]
async fn starting_incubation_with_an_unknown_support_organisation_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;

    // Act
    let reply = app
        .post(
            &format!("/ideas/{}/start-incubation", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "support_organisation_id": uuid::Uuid::now_v7(), "plan": "Eight weeks." }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["support_organisation_id"]);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "qualified");
}

#[tokio::test]
async fn the_innovator_starting_incubation_answers_403() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let organisation = support_organisation(&app, &scene.facilitator).await;

    // Act & Assert
    app.post(
        &format!("/ideas/{}/start-incubation", scene.idea),
        Some(&scene.innovator.token),
        json!({ "support_organisation_id": organisation, "plan": "Eight weeks." }),
    )
    .await
    .expect_problem(403);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "qualified");
}

#[tokio::test]
async fn starting_incubation_of_a_submitted_idea_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    let organisation = support_organisation(&app, &facilitator).await;

    // Act & Assert
    app.post(
        &format!("/ideas/{idea}/start-incubation"),
        Some(&facilitator.token),
        json!({ "support_organisation_id": organisation, "plan": "Eight weeks." }),
    )
    .await
    .expect_problem(409);
    assert_eq!(state_of(&app, &idea, &facilitator).await, "submitted");
}

#[tokio::test]
async fn starting_incubation_with_a_blank_plan_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let organisation = support_organisation(&app, &scene.facilitator).await;

    // Act
    let reply = app
        .post(
            &format!("/ideas/{}/start-incubation", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "support_organisation_id": organisation, "plan": "   " }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["plan"]);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "qualified");
}

#[tokio::test]
async fn the_incubation_of_an_idea_never_incubated_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;

    // Act & Assert
    app.get(
        &format!("/ideas/{}/incubation", scene.idea),
        Some(&scene.facilitator.token),
    )
    .await
    .expect_problem(404);
    app.get(&format!("/ideas/{}/test", scene.idea), Some(&scene.facilitator.token))
        .await
        .expect_problem(404);
}

// --- start-testing, complete, discontinue ---------------------------------------------

#[tokio::test]
async fn starting_a_test_that_ends_before_it_starts_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;
    let mut body = testing_body();
    body["starts_on"] = json!("2025-08-31");
    body["ends_on"] = json!("2025-05-01");

    // Act
    let reply = app
        .post(
            &format!("/ideas/{}/start-testing", scene.idea),
            Some(&scene.facilitator.token),
            body,
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["ends_on"]);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "in_incubation");
}

#[tokio::test]
async fn a_test_of_one_day_may_start_and_end_on_the_same_date() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut body = testing_body();
    body["ends_on"] = body["starts_on"].clone();

    // Act
    let testing = idea_command(&app, &scene.idea, "start-testing", &scene.facilitator.token, body).await;

    // Assert
    assert_eq!(testing.str("state"), "in_testing");
}

#[tokio::test]
async fn completing_with_an_unknown_outcome_answers_400() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_testing(&app).await;

    // Act & Assert
    app.post(
        &format!("/ideas/{}/complete", scene.idea),
        Some(&scene.facilitator.token),
        json!({ "outcome": "loved_it", "results": "Many bookings.", "lessons_learned": "Longer hours." }),
    )
    .await
    .expect_problem(400);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "in_testing");
}

#[tokio::test]
async fn completing_with_blank_results_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_testing(&app).await;

    // Act
    let reply = app
        .post(
            &format!("/ideas/{}/complete", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "outcome": "adopted", "results": "  ", "lessons_learned": "Longer hours." }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["results"]);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "in_testing");
    let test = app
        .get(&format!("/ideas/{}/test", scene.idea), Some(&scene.facilitator.token))
        .await
        .expect(200);
    assert!(test.body["outcome"].is_null(), "{}", test.text);
}

#[tokio::test]
async fn completing_a_qualified_idea_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;

    // Act & Assert
    app.post(
        &format!("/ideas/{}/complete", scene.idea),
        Some(&scene.facilitator.token),
        json!({ "outcome": "adopted", "results": "Many bookings.", "lessons_learned": "Longer hours." }),
    )
    .await
    .expect_problem(409);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "qualified");
}

#[tokio::test]
async fn discontinuing_with_a_blank_reason_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;

    // Act
    let reply = app
        .post(
            &format!("/ideas/{}/discontinue", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "reason": " " }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["reason"]);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "in_incubation");
}

#[tokio::test]
async fn discontinuing_without_a_reason_field_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;

    // Act & Assert: SPEC §7b — missing values are 422
    app.post(
        &format!("/ideas/{}/discontinue", scene.idea),
        Some(&scene.facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(422);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "in_incubation");
}

#[tokio::test]
async fn a_discontinued_idea_takes_no_further_step() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;
    let organisation = support_organisation(&app, &scene.facilitator).await;
    let milestone = add_milestone(&app, &scene.idea, &scene.innovator)
        .await
        .expect(201)
        .id();

    // Act
    let discontinued = idea_command(
        &app,
        &scene.idea,
        "discontinue",
        &scene.facilitator.token,
        json!({ "reason": "  The host withdrew the test site.  " }),
    )
    .await;

    // Assert
    assert_eq!(discontinued.str("state"), "discontinued");
    let history = app
        .get(&format!("/ideas/{}/history", scene.idea), Some(&scene.innovator.token))
        .await
        .expect(200);
    let last = history.body.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["command"], "discontinue");
    assert_eq!(last["from_state"], "in_incubation");
    assert_eq!(last["payload"]["reason"], "The host withdrew the test site.");
    let token = Some(scene.facilitator.token.as_str());
    for (command, body) in [
        (
            "start-incubation",
            json!({ "support_organisation_id": organisation, "plan": "Eight weeks." }),
        ),
        ("start-testing", testing_body()),
        (
            "complete",
            json!({ "outcome": "adopted", "results": "Many bookings.", "lessons_learned": "Longer hours." }),
        ),
        ("discontinue", json!({ "reason": "Again." })),
    ] {
        let reply = app.post(&format!("/ideas/{}/{command}", scene.idea), token, body).await;
        assert_eq!(reply.code(), 409, "{command}: {}", reply.text);
    }
    app.post(
        &format!("/ideas/{}/withdraw", scene.idea),
        Some(&scene.innovator.token),
        json!({}),
    )
    .await
    .expect_problem(409);
    add_milestone(&app, &scene.idea, &scene.facilitator)
        .await
        .expect_problem(409);
    app.post(&format!("/milestones/{milestone}/complete"), token, json!({}))
        .await
        .expect_problem(409);
    add_spread(&app, &scene.idea, &scene.facilitator, "publication", "Too late")
        .await
        .expect_problem(409);
    assert_eq!(state_of(&app, &scene.idea, &scene.facilitator).await, "discontinued");
}

#[tokio::test]
async fn a_qualified_idea_and_an_idea_in_testing_can_be_discontinued() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let tested = qualified_idea(&app, &scene.facilitator, &scene.innovator, &scene.challenge).await;
    start_testing(&app, &tested, &scene.facilitator).await;

    // Act
    let from_qualified = idea_command(
        &app,
        &scene.idea,
        "discontinue",
        &scene.facilitator.token,
        json!({ "reason": "No host found." }),
    )
    .await;
    let from_testing = idea_command(
        &app,
        &tested,
        "discontinue",
        &scene.facilitator.token,
        json!({ "reason": "The site closed." }),
    )
    .await;

    // Assert
    assert_eq!(from_qualified.str("state"), "discontinued");
    assert_eq!(from_testing.str("state"), "discontinued");
}

// --- milestones -----------------------------------------------------------------------

#[tokio::test]
async fn another_innovator_adding_a_milestone_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;
    let intruder = app.innovator().await;

    // Act & Assert
    add_milestone(&app, &scene.idea, &intruder).await.expect_problem(404);
    let incubation = app
        .get(
            &format!("/ideas/{}/incubation", scene.idea),
            Some(&scene.facilitator.token),
        )
        .await
        .expect(200);
    assert_eq!(incubation.body["milestones"], json!([]));
}

#[tokio::test]
async fn another_innovator_completing_a_milestone_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;
    let intruder = app.innovator().await;
    let milestone = add_milestone(&app, &scene.idea, &scene.innovator)
        .await
        .expect(201)
        .id();

    // Act & Assert
    app.post(
        &format!("/milestones/{milestone}/complete"),
        Some(&intruder.token),
        json!({}),
    )
    .await
    .expect_problem(404);
}

#[tokio::test]
async fn the_needs_owner_adding_a_milestone_answers_403() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;

    // Act & Assert
    add_milestone(&app, &scene.idea, &scene.owner).await.expect_problem(403);
    let incubation = app
        .get(&format!("/ideas/{}/incubation", scene.idea), Some(&scene.owner.token))
        .await
        .expect(200);
    assert_eq!(incubation.body["milestones"], json!([]));
}

#[tokio::test]
async fn a_facilitator_adds_and_completes_milestones_too() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;

    // Act
    let milestone = app
        .post(
            &format!("/ideas/{}/incubation/milestones", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "title": "First host meeting" }),
        )
        .await
        .expect(201);
    let done = app
        .post(
            &format!("/milestones/{}/complete", milestone.id()),
            Some(&scene.facilitator.token),
            json!({}),
        )
        .await
        .expect(200);

    // Assert
    assert!(milestone.body["due_on"].is_null(), "{}", milestone.text);
    assert!(done.body["done_at"].is_string(), "{}", done.text);
}

#[tokio::test]
async fn adding_a_milestone_to_an_idea_in_testing_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;
    start_testing(&app, &scene.idea, &scene.facilitator).await;

    // Act & Assert
    add_milestone(&app, &scene.idea, &scene.innovator)
        .await
        .expect_problem(409);
    add_milestone(&app, &scene.idea, &scene.facilitator)
        .await
        .expect_problem(409);
}

#[tokio::test]
async fn completing_a_milestone_twice_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;
    let milestone = add_milestone(&app, &scene.idea, &scene.innovator)
        .await
        .expect(201)
        .id();
    let path = format!("/milestones/{milestone}/complete");
    let first = app
        .post(&path, Some(&scene.innovator.token), json!({}))
        .await
        .expect(200);

    // Act & Assert
    app.post(&path, Some(&scene.innovator.token), json!({}))
        .await
        .expect_problem(409);
    let incubation = app
        .get(
            &format!("/ideas/{}/incubation", scene.idea),
            Some(&scene.innovator.token),
        )
        .await
        .expect(200);
    assert_eq!(incubation.body["milestones"][0]["done_at"], first.body["done_at"]);
}

#[tokio::test]
async fn a_milestone_with_a_blank_title_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;

    // Act
    let reply = app
        .post(
            &format!("/ideas/{}/incubation/milestones", scene.idea),
            Some(&scene.innovator.token),
            json!({ "title": "  " }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["title"]);
}

#[tokio::test]
async fn completing_an_unknown_milestone_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act & Assert
    app.post(
        &format!("/milestones/{}/complete", uuid::Uuid::now_v7()),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(404);
}

// --- spread activities ----------------------------------------------------------------

#[tokio::test]
async fn the_innovator_adding_a_spread_activity_answers_403() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_testing(&app).await;

    // Act & Assert
    add_spread(&app, &scene.idea, &scene.innovator, "learning_workshop", "Our workshop")
        .await
        .expect_problem(403);
    let test = app
        .get(&format!("/ideas/{}/test", scene.idea), Some(&scene.innovator.token))
        .await
        .expect(200);
    assert_eq!(test.body["spread_activities"], json!([]));
}

#[tokio::test]
async fn a_spread_activity_on_an_idea_in_incubation_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_incubation(&app).await;

    // Act & Assert
    add_spread(&app, &scene.idea, &scene.facilitator, "learning_workshop", "Too early")
        .await
        .expect_problem(409);
}

#[tokio::test]
async fn a_spread_activity_of_an_unknown_kind_answers_400() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_testing(&app).await;

    // Act & Assert
    add_spread(&app, &scene.idea, &scene.facilitator, "podcast", "Episode 1")
        .await
        .expect_problem(400);
}

// --- support organisations ------------------------------------------------------------

#[tokio::test]
async fn only_facilitators_register_support_organisations() {
    // Arrange
    let app = spawn_app().await;
    let body = json!({ "name": "Minc", "kind": "incubator", "description": "Start-up incubator" });

    // Act & Assert
    for roles in [[Role::Innovator], [Role::NeedsOwner], [Role::Assessor]] {
        let user = app.user(&roles).await;
        app.post("/support-organisations", Some(&user.token), body.clone())
            .await
            .expect_problem(403);
    }
    app.post("/support-organisations", None, body).await.expect_problem(401);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM support_organisations").await, 0);
}

#[tokio::test]
async fn a_support_organisation_with_a_bad_e_mail_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let reply = app
        .post(
            "/support-organisations",
            Some(&facilitator.token),
            json!({
                "name": "Science Park",
                "kind": "science_park",
                "description": "Labs and offices",
                "contact_email": "hello at park"
            }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["contact_email"]);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM support_organisations").await, 0);
}

#[tokio::test]
async fn a_support_organisation_of_an_unknown_kind_answers_400() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act & Assert
    app.post(
        "/support-organisations",
        Some(&facilitator.token),
        json!({ "name": "Minc", "kind": "accelerator", "description": "Start-ups" }),
    )
    .await
    .expect_problem(400);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM support_organisations").await, 0);
}

#[tokio::test]
async fn a_support_organisation_needs_no_contact_e_mail() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let created = app
        .post(
            "/support-organisations",
            Some(&facilitator.token),
            json!({ "name": "Business Region", "kind": "business_support", "description": "Advice" }),
        )
        .await
        .expect(201);

    // Assert
    assert_eq!(created.str("kind"), "business_support");
    assert!(created.body["contact_email"].is_null(), "{}", created.text);
}

// --- the obstacle diary ---------------------------------------------------------------

#[tokio::test]
async fn an_innovator_logs_obstacles_on_a_published_challenge_and_on_an_own_idea() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = draft_idea(&app, &innovator, &challenge).await;

    // Act
    let on_challenge = log_obstacle(&app, &innovator, "challenge", &challenge, "regulation", 2).await;
    let on_idea = log_obstacle(&app, &innovator, "idea", &idea, "financing", 4).await;

    // Assert
    assert_eq!(on_challenge.str("subject_type"), "challenge");
    assert_eq!(on_challenge.str("subject_id"), challenge);
    assert_eq!(on_challenge.str("category"), "regulation");
    assert_eq!(on_challenge.body["step"], 2);
    assert_eq!(on_challenge.str("reported_by"), innovator.id);
    assert!(on_challenge.body["reported_at"].is_string(), "{}", on_challenge.text);
    assert_eq!(
        on_challenge.str("description"),
        "The waste regulation does not allow private collection of bulky waste."
    );
    assert_eq!(on_idea.str("subject_type"), "idea");
    assert_eq!(on_idea.str("subject_id"), idea);
    assert_eq!(on_idea.str("category"), "financing");
    assert_eq!(on_idea.body["step"], 4);
    let diary = app.get("/obstacles", Some(&facilitator.token)).await.expect(200);
    assert_eq!(ids(&diary), vec![on_idea.id(), on_challenge.id()]);
}

#[tokio::test]
async fn an_obstacle_on_someone_elses_draft_challenge_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.draft_challenge(&owner).await;

    // Act & Assert
    app.post(
        "/obstacles",
        Some(&innovator.token),
        json!({
            "subject_type": "challenge",
            "subject_id": challenge,
            "category": "regulation",
            "description": "Cannot tell.",
            "step": 1
        }),
    )
    .await
    .expect_problem(404);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM obstacles").await, 0);
}

#[tokio::test]
async fn an_obstacle_on_someone_elses_idea_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let intruder = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = draft_idea(&app, &innovator, &challenge).await;

    // Act & Assert
    app.post(
        "/obstacles",
        Some(&intruder.token),
        json!({
            "subject_type": "idea",
            "subject_id": idea,
            "category": "culture",
            "description": "Cannot tell.",
            "step": 2
        }),
    )
    .await
    .expect_problem(404);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM obstacles").await, 0);
}

#[tokio::test]
async fn an_obstacle_outside_steps_1_to_5_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;

    // Act & Assert
    for step in [6, 0] {
        let reply = app
            .post(
                "/obstacles",
                Some(&owner.token),
                json!({
                    "subject_type": "challenge",
                    "subject_id": challenge,
                    "category": "procurement",
                    "description": "The procurement rules exclude small builders.",
                    "step": step
                }),
            )
            .await
            .expect_problem(422);
        assert_eq!(reply.fields(), vec!["step"], "step {step}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM obstacles").await, 0);
}

#[tokio::test]
async fn an_obstacle_of_an_unknown_category_answers_400() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;

    // Act & Assert
    app.post(
        "/obstacles",
        Some(&owner.token),
        json!({
            "subject_type": "challenge",
            "subject_id": challenge,
            "category": "weather",
            "description": "It rained.",
            "step": 1
        }),
    )
    .await
    .expect_problem(400);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM obstacles").await, 0);
}

#[tokio::test]
async fn only_facilitators_list_obstacles() {
    // Arrange
    let app = spawn_app().await;

    // Act & Assert
    for roles in [[Role::Innovator], [Role::NeedsOwner], [Role::Assessor]] {
        let user = app.user(&roles).await;
        app.get("/obstacles", Some(&user.token)).await.expect_problem(403);
    }
    app.get("/obstacles", None).await.expect_problem(401);
}

#[tokio::test]
async fn the_obstacle_diary_filters_by_category_step_and_subject() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = draft_idea(&app, &innovator, &challenge).await;
    let regulation_1 = log_obstacle(&app, &owner, "challenge", &challenge, "regulation", 1)
        .await
        .id();
    let regulation_4 = log_obstacle(&app, &innovator, "idea", &idea, "regulation", 4)
        .await
        .id();
    let data_4 = log_obstacle(&app, &facilitator, "idea", &idea, "data", 4).await.id();
    let culture_2 = log_obstacle(&app, &innovator, "challenge", &challenge, "culture", 2)
        .await
        .id();
    let token = Some(facilitator.token.as_str());

    // Act & Assert
    assert_eq!(
        ids(&app.get("/obstacles?category=regulation", token).await.expect(200)),
        vec![regulation_4.clone(), regulation_1.clone()]
    );
    assert_eq!(
        ids(&app.get("/obstacles?step=4", token).await.expect(200)),
        vec![data_4.clone(), regulation_4.clone()]
    );
    assert_eq!(
        ids(&app
            .get(&format!("/obstacles?subject_id={challenge}"), token)
            .await
            .expect(200)),
        vec![culture_2.clone(), regulation_1]
    );
    assert_eq!(
        ids(&app
            .get(
                &format!("/obstacles?subject_id={idea}&category=regulation&step=4"),
                token
            )
            .await
            .expect(200)),
        vec![regulation_4]
    );
    assert!(ids(&app.get("/obstacles?category=financing", token).await.expect(200)).is_empty());
    assert!(ids(&app.get("/obstacles?step=5", token).await.expect(200)).is_empty());
    app.get("/obstacles?category=weather", token).await.expect_problem(400);
    app.get("/obstacles?step=6", token).await.expect_problem(422);
    app.get("/obstacles?subject_id=not-a-uuid", token)
        .await
        .expect_problem(400);
}

#[tokio::test]
async fn obstacle_pages_follow_the_cursor_without_gaps_or_repeats() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let mut logged = Vec::new();
    for (n, category) in CATEGORIES.iter().take(7).enumerate() {
        let step = i64::try_from(n % 5).unwrap() + 1;
        logged.push(
            log_obstacle(&app, &owner, "challenge", &challenge, category, step)
                .await
                .id(),
        );
    }
    logged.reverse();

    // Act
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut path = "/obstacles?limit=3".to_owned();
    loop {
        let page = app.get(&path, Some(&facilitator.token)).await.expect(200);
        pages += 1;
        seen.extend(ids(&page));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/obstacles?limit=3&cursor={cursor}"),
            None => break,
        }
    }

    // Assert
    assert_eq!(seen, logged);
    assert_eq!(pages, 3);
    app.get("/obstacles?limit=0", Some(&facilitator.token))
        .await
        .expect_problem(422);
    app.get("/obstacles?limit=201", Some(&facilitator.token))
        .await
        .expect_problem(422);
}
