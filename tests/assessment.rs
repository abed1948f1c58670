//! Step 3: rubrics, assignments, conflicts of interest, scorecards, the summary, the
//! decision and the ranking, over HTTP.

use poem::http::Method;
use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::*;

/// The criteria of the seeded default rubric, in order, with their weights (SPEC §4).
const DEFAULT_CRITERIA: [(&str, f64); 7] = [
    ("need_fit", 3.0),
    ("social_impact", 2.0),
    ("environmental_impact", 2.0),
    ("economic_impact", 2.0),
    ("feasibility", 2.0),
    ("novelty", 1.0),
    ("scalability", 1.0),
];

/// Tolerance for comparing scores computed here with the server's.
const EPSILON: f64 = 1e-9;

/// A complete idea body with a co-applicant, ready to be submitted.
fn idea_body(title: &str) -> Value {
    json!({
        "title": title,
        "summary": "Residents scan a code when a bin is full.",
        "description": "Each bin gets a QR code; a scan tells the emptying round which bins to empty first.",
        "team": [{ "name": "Anna Svensson", "email": "anna.svensson@example.org" }],
        "sdgs": [11, 12]
    })
}

/// A draft idea of `innovator` on `challenge`.
async fn draft_idea(app: &TestApp, innovator: &TestUser, challenge: &str, title: &str) -> String {
    app.post(
        &format!("/challenges/{challenge}/ideas"),
        Some(&innovator.token),
        idea_body(title),
    )
    .await
    .expect(201)
    .id()
}

/// A submitted idea of `innovator` on `challenge`.
async fn submitted_idea(app: &TestApp, innovator: &TestUser, challenge: &str, title: &str) -> String {
    let id = draft_idea(app, innovator, challenge, title).await;
    app.post(&format!("/ideas/{id}/submit"), Some(&innovator.token), json!({}))
        .await
        .expect(200);
    id
}

/// Starts the assessment of `idea` with the default rubric.
pub(crate) async fn start_assessment(app: &TestApp, idea: &str, facilitator: &TestUser) -> Reply {
    app.post(
        &format!("/ideas/{idea}/start-assessment"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200)
}

/// Assigns `assessor` to `idea`; the assignment's id.
async fn assign(app: &TestApp, idea: &str, facilitator: &TestUser, assessor: &TestUser) -> String {
    app.post(
        &format!("/ideas/{idea}/assignments"),
        Some(&facilitator.token),
        json!({ "assessor_id": assessor.id }),
    )
    .await
    .expect(201)
    .id()
}

/// Tries to assign `candidate` to `idea`.
async fn try_assign(app: &TestApp, idea: &str, facilitator: &TestUser, candidate_id: &str) -> Reply {
    app.post(
        &format!("/ideas/{idea}/assignments"),
        Some(&facilitator.token),
        json!({ "assessor_id": candidate_id }),
    )
    .await
}

/// Scores for the default rubric, in the order of [`DEFAULT_CRITERIA`].
fn scores(values: [i64; 7]) -> Value {
    let map: serde_json::Map<String, Value> = DEFAULT_CRITERIA
        .iter()
        .zip(values)
        .map(|((key, _), value)| ((*key).to_owned(), json!(value)))
        .collect();
    Value::Object(map)
}

/// Sends a scorecard.
async fn put_scorecard(app: &TestApp, idea: &str, assessor: &TestUser, body: Value) -> Reply {
    app.call(
        Method::PUT,
        &format!("/ideas/{idea}/scorecard"),
        Some(&assessor.token),
        Some(body),
    )
    .await
}

/// Submits a scorecard with `values` and a comment; expects 200.
async fn score(app: &TestApp, idea: &str, assessor: &TestUser, values: [i64; 7]) -> Reply {
    put_scorecard(
        app,
        idea,
        assessor,
        json!({ "scores": scores(values), "comment": "Clear need, thin plan for the test." }),
    )
    .await
    .expect(200)
}

/// The weighted average of one scorecard of the default rubric, computed by hand.
fn weighted_average(values: [i64; 7]) -> f64 {
    let total: f64 = DEFAULT_CRITERIA.iter().map(|(_, weight)| weight).sum();
    let weighted: f64 = DEFAULT_CRITERIA
        .iter()
        .zip(values)
        .map(|((_, weight), value)| weight * value as f64)
        .sum();
    weighted / total
}

/// A number of a JSON body.
#[track_caller]
fn number(value: &Value) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("not a number: {value}"))
}

/// The items of a list page or an array body.
fn items(reply: &Reply) -> Vec<Value> {
    let list = if reply.body.is_array() {
        &reply.body
    } else {
        &reply.body["items"]
    };
    list.as_array()
        .unwrap_or_else(|| panic!("no items in {}", reply.text))
        .clone()
}

/// The ids of a list page.
fn ids(reply: &Reply) -> Vec<String> {
    items(reply)
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The `assessor_id`s of a list of scorecards or assignments.
fn assessors(reply: &Reply) -> Vec<String> {
    let mut ids: Vec<String> = items(reply)
        .iter()
        .map(|item| item["assessor_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// Two ids, sorted.
fn sorted(a: &str, b: &str) -> Vec<String> {
    let mut ids = vec![a.to_owned(), b.to_owned()];
    ids.sort();
    ids
}

/// The people and the idea of an assessment.
struct Scene {
    facilitator: TestUser,
    owner: TestUser,
    innovator: TestUser,
    challenge: String,
    idea: String,
}

/// A published challenge of a needs-owner with a submitted idea of an innovator of
/// "Sege Builders".
async fn scene(app: &TestApp) -> Scene {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.user_in(&[Role::Innovator], Some("Sege Builders")).await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(app, &innovator, &challenge, "QR codes on every bin").await;
    Scene {
        facilitator,
        owner,
        innovator,
        challenge,
        idea,
    }
}

/// A [`scene`] whose idea is in assessment with the default rubric.
async fn scene_in_assessment(app: &TestApp) -> Scene {
    let scene = scene(app).await;
    start_assessment(app, &scene.idea, &scene.facilitator).await;
    scene
}

/// A [`scene_in_assessment`] with two assessors assigned who have both scored.
async fn scene_scored(app: &TestApp) -> (Scene, TestUser, TestUser) {
    let scene = scene_in_assessment(app).await;
    let first = app.user_in(&[Role::Assessor], Some("Org")).await;
    let second = app.user_in(&[Role::Assessor], Some("Org")).await;
    for assessor in [&first, &second] {
        assign(app, &scene.idea, &scene.facilitator, assessor).await;
        score(app, &scene.idea, assessor, [4, 4, 4, 4, 4, 4, 4]).await;
    }
    (scene, first, second)
}

// --- rubrics ---------------------------------------------------------------------------

#[tokio::test]
async fn the_seeded_default_rubric_holds_the_seven_criteria_of_the_spec() {
    // Arrange
    let app = spawn_app().await;
    let innovator = app.innovator().await;

    // Act
    let reply = app.get("/rubrics", Some(&innovator.token)).await.expect(200);

    // Assert
    let rubrics = items(&reply);
    assert_eq!(rubrics.len(), 1, "{}", reply.text);
    let rubric = &rubrics[0];
    assert_eq!(rubric["is_default"], true);
    assert_eq!(rubric["min_scorecards"], 2);
    let criteria = rubric["criteria"].as_array().unwrap();
    let seen: Vec<(&str, f64)> = criteria
        .iter()
        .map(|c| (c["key"].as_str().unwrap(), number(&c["weight"])))
        .collect();
    assert_eq!(seen, DEFAULT_CRITERIA.to_vec());
    for criterion in criteria {
        assert_eq!(criterion["scale_min"], 1, "{criterion}");
        assert_eq!(criterion["scale_max"], 5, "{criterion}");
        assert!(!criterion["name"].as_str().unwrap().is_empty(), "{criterion}");
    }
    let id = rubric["id"].as_str().unwrap();
    let one = app
        .get(&format!("/rubrics/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(one.body["criteria"], rubric["criteria"]);
}

#[tokio::test]
async fn listing_rubrics_needs_a_token() {
    // Arrange
    let app = spawn_app().await;

    // Act & Assert
    app.get("/rubrics", None).await.expect_problem(401);
}

#[tokio::test]
async fn a_rubric_in_use_cannot_change_while_an_unused_one_can() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let token = Some(scene.facilitator.token.as_str());
    let default_id = items(&app.get("/rubrics", token).await.expect(200))[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({
        "name": "Quick check",
        "min_scorecards": 1,
        "criteria": [{ "key": "need_fit", "name": "Need fit", "weight": 1.0 }]
    });
    let unused = app.post("/rubrics", token, body.clone()).await.expect(201).id();

    // Act
    let in_use = app
        .call(
            Method::PUT,
            &format!("/rubrics/{default_id}"),
            token,
            Some(body.clone()),
        )
        .await;
    let mut renamed = body;
    renamed["name"] = json!("Quick check, renamed");
    let changed = app
        .call(Method::PUT, &format!("/rubrics/{unused}"), token, Some(renamed))
        .await;

    // Assert
    in_use.expect_problem(409);
    let changed = changed.expect(200);
    assert_eq!(changed.str("name"), "Quick check, renamed");
    let default = app.get(&format!("/rubrics/{default_id}"), token).await.expect(200);
    assert_eq!(default.body["criteria"].as_array().unwrap().len(), 7);
    assert_eq!(default.body["min_scorecards"], 2);
}

#[tokio::test]
async fn a_rubric_with_a_zero_weight_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let reply = app
        .post(
            "/rubrics",
            Some(&facilitator.token),
            json!({ "name": "Weightless", "criteria": [{ "key": "need_fit", "name": "Need fit", "weight": 0.0 }] }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert!(
        reply.fields().iter().any(|f| f.starts_with("criteria")),
        "{}",
        reply.text
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM rubrics").await, 1);
}

#[tokio::test]
async fn a_rubric_whose_scale_min_is_not_below_its_scale_max_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let criterion = |min: i64, max: i64| json!({ "name": "Flat", "criteria": [{ "key": "need_fit", "name": "Need fit", "weight": 1.0, "scale_min": min, "scale_max": max }] });

    // Act
    let equal = app
        .post("/rubrics", Some(&facilitator.token), criterion(3, 3))
        .await
        .expect_problem(422);
    let reversed = app
        .post("/rubrics", Some(&facilitator.token), criterion(5, 1))
        .await
        .expect_problem(422);

    // Assert
    for reply in [equal, reversed] {
        assert!(
            reply.fields().iter().any(|f| f.starts_with("criteria")),
            "{}",
            reply.text
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM rubrics").await, 1);
}

#[tokio::test]
async fn a_rubric_with_a_duplicate_criterion_key_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let reply = app
        .post(
            "/rubrics",
            Some(&facilitator.token),
            json!({
                "name": "Twice",
                "criteria": [
                    { "key": "need_fit", "name": "Need fit", "weight": 1.0 },
                    { "key": "need_fit", "name": "Need fit again", "weight": 2.0 }
                ]
            }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert!(
        reply.fields().iter().any(|f| f.starts_with("criteria")),
        "{}",
        reply.text
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM rubrics").await, 1);
}

#[tokio::test]
async fn starting_assessment_with_an_unknown_rubric_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;

    // Act
    let reply = app
        .post(
            &format!("/ideas/{}/start-assessment", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "rubric_id": uuid::Uuid::now_v7() }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["rubric_id"]);
    let idea = app
        .get(&format!("/ideas/{}", scene.idea), Some(&scene.facilitator.token))
        .await
        .expect(200);
    assert_eq!(idea.str("state"), "submitted");
}

#[tokio::test]
async fn starting_assessment_with_a_chosen_rubric_scores_against_it() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let token = Some(scene.facilitator.token.as_str());
    let rubric = app
        .post(
            "/rubrics",
            token,
            json!({ "name": "Quick check", "min_scorecards": 1, "criteria": [{ "key": "need_fit", "name": "Need fit", "weight": 1.0 }] }),
        )
        .await
        .expect(201)
        .id();
    let assessor = app.assessor().await;
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;

    // Act
    let started = app
        .post(
            &format!("/ideas/{}/start-assessment", scene.idea),
            token,
            json!({ "rubric_id": rubric }),
        )
        .await
        .expect(200);
    put_scorecard(
        &app,
        &scene.idea,
        &assessor,
        json!({ "scores": { "need_fit": 4 }, "comment": "Fits." }),
    )
    .await
    .expect(200);

    // Assert
    assert_eq!(started.str("state"), "in_assessment");
    let summary = app
        .get(&format!("/ideas/{}/assessment", scene.idea), token)
        .await
        .expect(200);
    assert_eq!(summary.str("rubric_id"), rubric);
    assert!((number(&summary.body["weighted_score"]) - 4.0).abs() < EPSILON);
    assert_eq!(summary.body["scorecards_required"], 1);
    app.post(
        &format!("/ideas/{}/decide", scene.idea),
        token,
        json!({ "outcome": "not_qualified", "feedback": "Not this time." }),
    )
    .await
    .expect(200);
}

// --- the panel journey -----------------------------------------------------------------

#[tokio::test]
async fn a_panel_scores_an_idea_and_the_facilitator_decides_with_feedback() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let Scene {
        facilitator,
        owner,
        innovator,
        idea,
        ..
    } = &scene;
    let first = app.user_in(&[Role::Assessor], Some("Malmö University")).await;
    let second = app.user_in(&[Role::Assessor], Some("Minc")).await;
    let (first_scores, second_scores) = ([5, 4, 3, 4, 2, 5, 1], [3, 4, 5, 2, 2, 1, 3]);

    // Act: start and assign
    let started = start_assessment(&app, idea, facilitator).await;
    assert_eq!(started.str("state"), "in_assessment");
    let first_assignment = app
        .post(
            &format!("/ideas/{idea}/assignments"),
            Some(&facilitator.token),
            json!({ "assessor_id": first.id }),
        )
        .await
        .expect(201);
    assert_eq!(first_assignment.str("state"), "assigned");
    assert_eq!(first_assignment.str("idea_id"), idea);
    assert_eq!(first_assignment.str("assessor_id"), first.id);
    assign(&app, idea, facilitator, &second).await;

    // Assert: each assessor sees the idea and their own queue
    for assessor in [&first, &second] {
        let seen = app
            .get(&format!("/ideas/{idea}"), Some(&assessor.token))
            .await
            .expect(200);
        assert_eq!(seen.str("state"), "in_assessment");
        let queue = app.get("/assignments", Some(&assessor.token)).await.expect(200);
        assert_eq!(assessors(&queue), vec![assessor.id.clone()]);
        assert_eq!(items(&queue)[0]["idea_id"], idea.as_str());
        let cards = app
            .get(&format!("/ideas/{idea}/scorecards"), Some(&assessor.token))
            .await
            .expect(200);
        assert!(items(&cards).is_empty(), "{}", cards.text);
        app.get(&format!("/ideas/{idea}/assessment"), Some(&assessor.token))
            .await
            .expect_problem(403);
    }
    let all = app.get("/assignments", Some(&facilitator.token)).await.expect(200);
    assert_eq!(assessors(&all), sorted(&first.id, &second.id));

    // Act: the first scores
    let card = score(&app, idea, &first, first_scores).await;
    assert_eq!(card.str("assessor_id"), first.id);
    assert_eq!(card.body["scores"]["need_fit"], 5);
    assert_eq!(card.str("comment"), "Clear need, thin plan for the test.");
    assert!(card.body["submitted_at"].is_string(), "{}", card.text);

    // Assert: the second still sees only their own (none); the first sees theirs
    let second_view = app
        .get(&format!("/ideas/{idea}/scorecards"), Some(&second.token))
        .await
        .expect(200);
    assert!(items(&second_view).is_empty(), "{}", second_view.text);
    let first_view = app
        .get(&format!("/ideas/{idea}/scorecards"), Some(&first.token))
        .await
        .expect(200);
    assert_eq!(assessors(&first_view), vec![first.id.clone()]);

    // Act: the second scores
    score(&app, idea, &second, second_scores).await;

    // Assert: both see both scorecards and the summary
    for assessor in [&first, &second] {
        let cards = app
            .get(&format!("/ideas/{idea}/scorecards"), Some(&assessor.token))
            .await
            .expect(200);
        assert_eq!(assessors(&cards), sorted(&first.id, &second.id));
    }
    let summary = app
        .get(&format!("/ideas/{idea}/assessment"), Some(&first.token))
        .await
        .expect(200);
    let expected = (weighted_average(first_scores) + weighted_average(second_scores)) / 2.0;
    assert!((weighted_average(first_scores) - 47.0 / 13.0).abs() < EPSILON);
    assert!((weighted_average(second_scores) - 39.0 / 13.0).abs() < EPSILON);
    assert!((expected - 43.0 / 13.0).abs() < EPSILON);
    let weighted = number(&summary.body["weighted_score"]);
    assert!((weighted - expected).abs() < EPSILON, "{weighted} ≠ {expected}");
    assert_eq!(summary.body["scorecards_submitted"], 2);
    assert_eq!(summary.body["scorecards_required"], 2);
    assert_eq!(summary.body["disagreement"], true);
    let criteria = summary.body["criteria"].as_array().unwrap();
    assert_eq!(criteria.len(), DEFAULT_CRITERIA.len());
    for (i, ((key, _), stats)) in DEFAULT_CRITERIA.iter().zip(criteria).enumerate() {
        let (a, b) = (first_scores[i], second_scores[i]);
        let mean = (a + b) as f64 / 2.0;
        let std_dev = (((a as f64 - mean).powi(2) + (b as f64 - mean).powi(2)) / 2.0).sqrt();
        assert_eq!(stats["key"], *key);
        assert!((number(&stats["mean"]) - mean).abs() < EPSILON, "{stats}");
        assert_eq!(stats["min"], a.min(b), "{stats}");
        assert_eq!(stats["max"], a.max(b), "{stats}");
        assert!((number(&stats["std_dev"]) - std_dev).abs() < EPSILON, "{stats}");
    }
    let novelty = &criteria[5];
    assert_eq!(novelty["key"], "novelty");
    assert!((number(&novelty["std_dev"]) - 2.0).abs() < EPSILON, "{novelty}");
    let facilitators = app
        .get(&format!("/ideas/{idea}/assessment"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(facilitators.body["weighted_score"], summary.body["weighted_score"]);

    // Act: decide
    let decided = app
        .post(
            &format!("/ideas/{idea}/decide"),
            Some(&facilitator.token),
            json!({ "outcome": "qualified", "feedback": "  Strong need fit; plan the pilot with the housing company.  " }),
        )
        .await
        .expect(200);
    assert_eq!(decided.str("state"), "qualified");

    // Assert: the innovator and the needs-owner see the decision, not the scores
    for person in [innovator, owner] {
        let seen = app
            .get(&format!("/ideas/{idea}"), Some(&person.token))
            .await
            .expect(200);
        assert_eq!(seen.str("state"), "qualified");
        let decision = &seen.body["decision"];
        assert_eq!(decision["outcome"], "qualified", "{}", seen.text);
        assert_eq!(
            decision["feedback"],
            "Strong need fit; plan the pilot with the housing company."
        );
        assert!(decision["decided_at"].is_string(), "{}", seen.text);
        app.get(&format!("/ideas/{idea}/scorecards"), Some(&person.token))
            .await
            .expect_problem(403);
        app.get(&format!("/ideas/{idea}/assessment"), Some(&person.token))
            .await
            .expect_problem(403);
    }

    // Assert: the scorecards are locked
    put_scorecard(
        &app,
        idea,
        &first,
        json!({ "scores": scores([1, 1, 1, 1, 1, 1, 1]), "comment": "Second thoughts." }),
    )
    .await
    .expect_problem(409);
    let cards = app
        .get(&format!("/ideas/{idea}/scorecards"), Some(&facilitator.token))
        .await
        .expect(200);
    let mine = items(&cards)
        .into_iter()
        .find(|card| card["assessor_id"] == first.id.as_str())
        .unwrap();
    assert_eq!(mine["scores"]["need_fit"], 5);
}

#[tokio::test]
async fn an_assessor_may_revise_a_scorecard_until_the_decision() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let assessor = app.assessor().await;
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;
    score(&app, &scene.idea, &assessor, [1, 1, 1, 1, 1, 1, 1]).await;

    // Act
    let revised = score(&app, &scene.idea, &assessor, [5, 5, 5, 5, 5, 5, 5]).await;

    // Assert
    assert_eq!(revised.body["scores"]["novelty"], 5);
    let summary = app
        .get(
            &format!("/ideas/{}/assessment", scene.idea),
            Some(&scene.facilitator.token),
        )
        .await
        .expect(200);
    assert_eq!(summary.body["scorecards_submitted"], 1);
    assert!((number(&summary.body["weighted_score"]) - 5.0).abs() < EPSILON);
    let queue = app.get("/assignments", Some(&assessor.token)).await.expect(200);
    assert_eq!(items(&queue)[0]["state"], "submitted");
}

#[tokio::test]
async fn the_ranking_orders_a_challenges_ideas_best_first_with_unscored_ones_last() {
    // Arrange: four submitted ideas and a draft on one challenge
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let low = submitted_idea(&app, &innovator, &challenge, "A low one").await;
    let high = submitted_idea(&app, &innovator, &challenge, "B high one").await;
    let middle = submitted_idea(&app, &innovator, &challenge, "C middle one").await;
    let unscored = submitted_idea(&app, &innovator, &challenge, "D unscored one").await;
    let not_started = submitted_idea(&app, &innovator, &challenge, "E not started").await;
    let draft = draft_idea(&app, &innovator, &challenge, "F draft").await;
    let (first, second) = (app.assessor().await, app.assessor().await);
    for idea in [&low, &high, &middle, &unscored] {
        start_assessment(&app, idea, &facilitator).await;
        assign(&app, idea, &facilitator, &first).await;
        assign(&app, idea, &facilitator, &second).await;
    }
    score(&app, &low, &first, [1, 2, 1, 2, 1, 2, 1]).await;
    score(&app, &low, &second, [2, 1, 2, 1, 2, 1, 2]).await;
    score(&app, &high, &first, [5, 5, 4, 5, 4, 5, 5]).await;
    score(&app, &high, &second, [5, 4, 5, 4, 5, 4, 5]).await;
    score(&app, &middle, &first, [3, 3, 3, 3, 3, 3, 3]).await;

    // Act
    let ranking = app
        .get(&format!("/challenges/{challenge}/ranking"), Some(&facilitator.token))
        .await
        .expect(200);

    // Assert
    let lines = items(&ranking);
    let order: Vec<&str> = lines.iter().map(|l| l["idea_id"].as_str().unwrap()).collect();
    assert_eq!(order.len(), 5, "{}", ranking.text);
    assert_eq!(order[..3], [high.as_str(), middle.as_str(), low.as_str()]);
    let mut tail: Vec<&str> = order[3..].to_vec();
    tail.sort_unstable();
    let mut expected_tail = vec![unscored.as_str(), not_started.as_str()];
    expected_tail.sort_unstable();
    assert_eq!(tail, expected_tail);
    assert!(!order.contains(&draft.as_str()));
    let high_line = &lines[0];
    assert_eq!(high_line["title"], "B high one");
    assert_eq!(high_line["state"], "in_assessment");
    assert_eq!(high_line["scorecards_submitted"], 2);
    let high_expected = (weighted_average([5, 5, 4, 5, 4, 5, 5]) + weighted_average([5, 4, 5, 4, 5, 4, 5])) / 2.0;
    assert!((number(&high_line["weighted_score"]) - high_expected).abs() < EPSILON);
    assert!((number(&lines[1]["weighted_score"]) - 3.0).abs() < EPSILON);
    assert_eq!(lines[1]["scorecards_submitted"], 1);
    for line in &lines[3..] {
        assert!(line["weighted_score"].is_null(), "{line}");
        assert_eq!(line["scorecards_submitted"], 0);
    }
}

#[tokio::test]
async fn only_facilitators_see_the_ranking() {
    // Arrange
    let app = spawn_app().await;
    let (scene, assessor, _) = scene_scored(&app).await;
    let path = format!("/challenges/{}/ranking", scene.challenge);

    // Act & Assert
    app.get(&path, None).await.expect_problem(401);
    for caller in [&scene.owner, &scene.innovator, &assessor, &app.innovator().await] {
        app.get(&path, Some(&caller.token)).await.expect_problem(403);
    }
    app.get(&path, Some(&scene.facilitator.token)).await.expect(200);
}

// --- assignment refusals ---------------------------------------------------------------

#[tokio::test]
async fn assigning_the_ideas_innovator_answers_422_with_the_reason() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.user(&[Role::Innovator, Role::Assessor]).await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge, "My own idea").await;

    // Act
    let reply = try_assign(&app, &idea, &facilitator, &innovator.id)
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["assessor_id"]);
    assert!(!reply.body["errors"][0]["message"].as_str().unwrap().is_empty());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, 0);
}

#[tokio::test]
async fn assigning_the_challenges_needs_owner_answers_422_with_the_reason() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.user(&[Role::NeedsOwner, Role::Assessor]).await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge, "An idea for the owner").await;

    // Act
    let reply = try_assign(&app, &idea, &facilitator, &owner.id)
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["assessor_id"]);
    assert!(!reply.body["errors"][0]["message"].as_str().unwrap().is_empty());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, 0);
}

#[tokio::test]
async fn assigning_a_colleague_of_the_innovators_organisation_answers_422_whatever_the_case() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let colleague = app.user_in(&[Role::Assessor], Some(" sege builders ")).await;

    // Act
    let reply = try_assign(&app, &scene.idea, &scene.facilitator, &colleague.id)
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["assessor_id"]);
    assert!(!reply.body["errors"][0]["message"].as_str().unwrap().is_empty());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, 0);
}

#[tokio::test]
async fn assessors_without_an_organisation_are_no_colleagues_of_innovators_without_one() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.user_in(&[Role::Innovator], Some("  ")).await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge, "Unaffiliated").await;
    let assessor = app.user_in(&[Role::Assessor], Some("")).await;

    // Act & Assert
    try_assign(&app, &idea, &facilitator, &assessor.id).await.expect(201);
}

#[tokio::test]
async fn assigning_a_user_without_the_assessor_role_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let bystander = app.user_in(&[Role::Innovator], Some("Org")).await;

    // Act
    let reply = try_assign(&app, &scene.idea, &scene.facilitator, &bystander.id)
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["assessor_id"]);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, 0);
}

#[tokio::test]
async fn assigning_an_unknown_user_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;

    // Act
    let reply = try_assign(&app, &scene.idea, &scene.facilitator, &uuid::Uuid::now_v7().to_string())
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["assessor_id"]);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, 0);
}

#[tokio::test]
async fn assigning_the_same_assessor_twice_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let assessor = app.user_in(&[Role::Assessor], Some("Org")).await;
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;

    // Act & Assert
    try_assign(&app, &scene.idea, &scene.facilitator, &assessor.id)
        .await
        .expect_problem(409);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, 1);
}

#[tokio::test]
async fn assigning_on_a_draft_idea_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = draft_idea(&app, &innovator, &challenge, "Still a draft").await;
    let assessor = app.assessor().await;

    // Act & Assert
    try_assign(&app, &idea, &facilitator, &assessor.id)
        .await
        .expect_problem(409);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, 0);
}

#[tokio::test]
async fn an_assessor_may_be_assigned_before_the_assessment_starts() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let assessor = app.assessor().await;

    // Act
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;

    // Assert
    let seen = app
        .get(&format!("/ideas/{}", scene.idea), Some(&assessor.token))
        .await
        .expect(200);
    assert_eq!(seen.str("state"), "submitted");
}

// --- decision refusals -----------------------------------------------------------------

#[tokio::test]
async fn deciding_with_fewer_scorecards_than_the_rubric_requires_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let (first, second) = (app.assessor().await, app.assessor().await);
    assign(&app, &scene.idea, &scene.facilitator, &first).await;
    assign(&app, &scene.idea, &scene.facilitator, &second).await;
    score(&app, &scene.idea, &first, [3, 3, 3, 3, 3, 3, 3]).await;

    // Act
    app.post(
        &format!("/ideas/{}/decide", scene.idea),
        Some(&scene.facilitator.token),
        json!({ "outcome": "qualified", "feedback": "Too early." }),
    )
    .await
    .expect_problem(409);

    // Assert
    let idea = app
        .get(&format!("/ideas/{}", scene.idea), Some(&scene.innovator.token))
        .await
        .expect(200);
    assert_eq!(idea.str("state"), "in_assessment");
    assert!(idea.body["decision"].is_null());
}

#[tokio::test]
async fn deciding_with_blank_feedback_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let (scene, _, _) = scene_scored(&app).await;

    // Act
    let reply = app
        .post(
            &format!("/ideas/{}/decide", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "outcome": "not_qualified", "feedback": "   " }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(reply.fields(), vec!["feedback"]);
    let idea = app
        .get(&format!("/ideas/{}", scene.idea), Some(&scene.facilitator.token))
        .await
        .expect(200);
    assert_eq!(idea.str("state"), "in_assessment");
}

#[tokio::test]
async fn deciding_without_feedback_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let (scene, _, _) = scene_scored(&app).await;

    // Act
    app.post(
        &format!("/ideas/{}/decide", scene.idea),
        Some(&scene.facilitator.token),
        json!({ "outcome": "not_qualified" }),
    )
    .await
    .expect_problem(422);

    // Assert
    let idea = app
        .get(&format!("/ideas/{}", scene.idea), Some(&scene.facilitator.token))
        .await
        .expect(200);
    assert_eq!(idea.str("state"), "in_assessment");
}

#[tokio::test]
async fn not_qualified_is_a_decision_the_innovator_sees_with_its_feedback() {
    // Arrange
    let app = spawn_app().await;
    let (scene, _, _) = scene_scored(&app).await;

    // Act
    let decided = app
        .post(
            &format!("/ideas/{}/decide", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "outcome": "not_qualified", "feedback": "The need is met by the new bins." }),
        )
        .await
        .expect(200);

    // Assert
    assert_eq!(decided.str("state"), "not_qualified");
    let seen = app
        .get(&format!("/ideas/{}", scene.idea), Some(&scene.innovator.token))
        .await
        .expect(200);
    assert_eq!(seen.body["decision"]["outcome"], "not_qualified");
    assert_eq!(seen.body["decision"]["feedback"], "The need is met by the new bins.");
}

// --- scorecard refusals ----------------------------------------------------------------

/// A scene in assessment with one assigned assessor; PUTs `body` as their scorecard.
async fn refused_scorecard(body: Value) -> (TestApp, Reply) {
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let assessor = app.assessor().await;
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;
    let reply = put_scorecard(&app, &scene.idea, &assessor, body).await;
    (app, reply)
}

#[tokio::test]
async fn a_scorecard_missing_a_criterion_answers_422_naming_it() {
    // Arrange
    let mut partial = scores([3, 3, 3, 3, 3, 3, 3]);
    partial.as_object_mut().unwrap().remove("scalability");

    // Act
    let (app, reply) = refused_scorecard(json!({ "scores": partial, "comment": "Fine." })).await;

    // Assert
    let reply = reply.expect_problem(422);
    assert_eq!(reply.fields(), vec!["scores.scalability"]);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scorecards").await, 0);
}

#[tokio::test]
async fn a_score_outside_the_scale_answers_422_naming_it() {
    // Arrange
    let mut body = json!({ "scores": scores([3, 3, 3, 3, 3, 3, 3]), "comment": "Fine." });
    body["scores"]["novelty"] = json!(6);
    body["scores"]["need_fit"] = json!(0);

    // Act
    let (app, reply) = refused_scorecard(body).await;

    // Assert
    let reply = reply.expect_problem(422);
    let mut named = reply.fields();
    named.sort();
    assert_eq!(named, vec!["scores.need_fit", "scores.novelty"]);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scorecards").await, 0);
}

#[tokio::test]
async fn a_score_for_an_unknown_criterion_answers_422_naming_it() {
    // Arrange
    let mut body = json!({ "scores": scores([3, 3, 3, 3, 3, 3, 3]), "comment": "Fine." });
    body["scores"]["beauty"] = json!(5);

    // Act
    let (app, reply) = refused_scorecard(body).await;

    // Assert
    let reply = reply.expect_problem(422);
    assert_eq!(reply.fields(), vec!["scores.beauty"]);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scorecards").await, 0);
}

#[tokio::test]
async fn a_scorecard_with_a_blank_comment_answers_422_naming_it() {
    // Act
    let (app, reply) = refused_scorecard(json!({ "scores": scores([3, 3, 3, 3, 3, 3, 3]), "comment": "  " })).await;

    // Assert
    let reply = reply.expect_problem(422);
    assert_eq!(reply.fields(), vec!["comment"]);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scorecards").await, 0);
}

#[tokio::test]
async fn scoring_before_the_assessment_started_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let assessor = app.assessor().await;
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;

    // Act
    put_scorecard(
        &app,
        &scene.idea,
        &assessor,
        json!({ "scores": scores([3, 3, 3, 3, 3, 3, 3]), "comment": "Early." }),
    )
    .await
    .expect_problem(409);

    // Assert
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scorecards").await, 0);
}

// --- conflicts of interest and unassignment ---------------------------------------------

#[tokio::test]
async fn an_assessor_who_declares_a_conflict_can_no_longer_score() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let assessor = app.assessor().await;
    let assignment = assign(&app, &scene.idea, &scene.facilitator, &assessor).await;

    // Act
    let declared = app
        .post(
            &format!("/assignments/{assignment}/declare-conflict"),
            Some(&assessor.token),
            json!({ "reason": "I advise the housing company." }),
        )
        .await
        .expect(200);

    // Assert
    assert_eq!(declared.str("state"), "conflict_declared");
    put_scorecard(
        &app,
        &scene.idea,
        &assessor,
        json!({ "scores": scores([3, 3, 3, 3, 3, 3, 3]), "comment": "Anyway." }),
    )
    .await
    .expect_problem(409);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scorecards").await, 0);
    let queue = app.get("/assignments", Some(&assessor.token)).await.expect(200);
    assert_eq!(items(&queue)[0]["state"], "conflict_declared");
}

#[tokio::test]
async fn declaring_a_conflict_twice_answers_409() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let assessor = app.assessor().await;
    let assignment = assign(&app, &scene.idea, &scene.facilitator, &assessor).await;
    let path = format!("/assignments/{assignment}/declare-conflict");
    app.post(&path, Some(&assessor.token), json!({ "reason": "Former colleague." }))
        .await
        .expect(200);

    // Act & Assert
    app.post(
        &path,
        Some(&assessor.token),
        json!({ "reason": "Still a former colleague." }),
    )
    .await
    .expect_problem(409);
}

#[tokio::test]
async fn declaring_a_conflict_on_someone_elses_assignment_answers_404() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let (assessor, other) = (app.assessor().await, app.assessor().await);
    let assignment = assign(&app, &scene.idea, &scene.facilitator, &assessor).await;
    assign(&app, &scene.idea, &scene.facilitator, &other).await;

    // Act
    app.post(
        &format!("/assignments/{assignment}/declare-conflict"),
        Some(&other.token),
        json!({ "reason": "Not mine to declare." }),
    )
    .await
    .expect_problem(404);

    // Assert
    let queue = app.get("/assignments", Some(&assessor.token)).await.expect(200);
    assert_eq!(items(&queue)[0]["state"], "assigned");
}

#[tokio::test]
async fn a_facilitator_removes_an_assignment_before_the_decision_but_not_after() {
    // Arrange
    let app = spawn_app().await;
    let (scene, first, _) = scene_scored(&app).await;
    let spare = app.assessor().await;
    let spare_assignment = assign(&app, &scene.idea, &scene.facilitator, &spare).await;
    let token = Some(scene.facilitator.token.as_str());

    // Act: before the decision
    let removed = app
        .call(Method::DELETE, &format!("/assignments/{spare_assignment}"), token, None)
        .await;

    // Assert
    assert_eq!(removed.code(), 204, "{}", removed.text);
    app.get(&format!("/ideas/{}", scene.idea), Some(&spare.token))
        .await
        .expect_problem(404);
    let first_assignment = ids(&app.get("/assignments", Some(&first.token)).await.expect(200))[0].clone();
    app.post(
        &format!("/ideas/{}/decide", scene.idea),
        token,
        json!({ "outcome": "qualified", "feedback": "Go on." }),
    )
    .await
    .expect(200);

    // Act & Assert: after the decision
    app.call(Method::DELETE, &format!("/assignments/{first_assignment}"), token, None)
        .await
        .expect_problem(409);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scorecards").await, 2);
}

// --- blind assessment ------------------------------------------------------------------

/// Every reply an assigned assessor gets about an idea.
async fn assessor_views(app: &TestApp, assessor: &TestUser, idea: &str, challenge: &str) -> Vec<Reply> {
    let token = Some(assessor.token.as_str());
    let mut replies = Vec::new();
    for path in [
        format!("/ideas/{idea}"),
        "/ideas".to_owned(),
        format!("/challenges/{challenge}/ideas"),
        format!("/ideas/{idea}/history"),
        format!("/ideas/{idea}/scorecards"),
    ] {
        replies.push(app.get(&path, token).await.expect(200));
    }
    replies
}

#[tokio::test]
async fn with_blind_assessment_an_assessor_sees_nothing_of_who_is_behind_the_idea() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.user_in(&[Role::Innovator], Some("Sege Builders AB")).await;
    let challenge = app.submitted_challenge(&owner).await;
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "blind_assessment": true }),
    )
    .await;
    let idea = submitted_idea(&app, &innovator, &challenge, "QR codes on every bin").await;
    start_assessment(&app, &idea, &facilitator).await;
    let (assessor, other) = (app.assessor().await, app.assessor().await);
    assign(&app, &idea, &facilitator, &assessor).await;
    assign(&app, &idea, &facilitator, &other).await;
    score(&app, &idea, &assessor, [4, 4, 4, 4, 4, 4, 4]).await;
    score(&app, &idea, &other, [3, 3, 3, 3, 3, 3, 3]).await;

    // Act
    let views = assessor_views(&app, &assessor, &idea, &challenge).await;

    // Assert
    let secrets = [
        innovator.id.as_str(),
        innovator.email.as_str(),
        "Sege Builders AB",
        "Anna Svensson",
        "anna.svensson@example.org",
    ];
    for reply in &views {
        for secret in secrets {
            assert!(
                !reply.text.to_lowercase().contains(&secret.to_lowercase()),
                "'{secret}' leaks in {}",
                reply.text
            );
        }
    }
    let seen = &views[0];
    assert_eq!(seen.str("title"), "QR codes on every bin");
    assert_eq!(seen.body["blind_assessment"], true);
    let facilitators = app
        .get(&format!("/ideas/{idea}"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(facilitators.str("innovator_id"), innovator.id);
    assert!(facilitators.text.contains("Anna Svensson"), "{}", facilitators.text);
    let innovators = app
        .get(&format!("/ideas/{idea}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(innovators.str("innovator_id"), innovator.id);
}

#[tokio::test]
async fn without_blind_assessment_an_assessor_sees_the_innovator() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let assessor = app.assessor().await;
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;

    // Act
    let seen = app
        .get(&format!("/ideas/{}", scene.idea), Some(&assessor.token))
        .await
        .expect(200);

    // Assert
    assert_eq!(seen.body["blind_assessment"], false);
    assert_eq!(seen.str("innovator_id"), scene.innovator.id);
    assert_eq!(seen.body["team"][0]["name"], "Anna Svensson");
}

// --- visibility of the assessment -------------------------------------------------------

#[tokio::test]
async fn an_assessor_sees_only_the_ideas_assigned_to_it() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let other_idea = submitted_idea(&app, &scene.innovator, &scene.challenge, "Another idea").await;
    let assessor = app.assessor().await;
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;
    let token = Some(assessor.token.as_str());

    // Act & Assert
    app.get(&format!("/ideas/{other_idea}"), token)
        .await
        .expect_problem(404);
    app.get(&format!("/ideas/{other_idea}/scorecards"), token)
        .await
        .expect_problem(404);
    app.get(&format!("/ideas/{other_idea}/assessment"), token)
        .await
        .expect_problem(404);
    assert_eq!(
        ids(&app.get("/ideas", token).await.expect(200)),
        vec![scene.idea.clone()]
    );
    assert_eq!(
        ids(&app
            .get(&format!("/challenges/{}/ideas", scene.challenge), token)
            .await
            .expect(200)),
        vec![scene.idea.clone()]
    );
}

#[tokio::test]
async fn the_innovator_and_the_needs_owner_never_see_assessment_events_in_the_history() {
    // Arrange: assign four, one declares a conflict, one is removed, two score, decide
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let token = Some(scene.facilitator.token.as_str());
    let (first, second, conflicted, removed) = (
        app.assessor().await,
        app.assessor().await,
        app.assessor().await,
        app.assessor().await,
    );
    assign(&app, &scene.idea, &scene.facilitator, &first).await;
    assign(&app, &scene.idea, &scene.facilitator, &second).await;
    let conflict = assign(&app, &scene.idea, &scene.facilitator, &conflicted).await;
    let removal = assign(&app, &scene.idea, &scene.facilitator, &removed).await;
    app.post(
        &format!("/assignments/{conflict}/declare-conflict"),
        Some(&conflicted.token),
        json!({ "reason": "Board member of the innovator's company." }),
    )
    .await
    .expect(200);
    app.call(Method::DELETE, &format!("/assignments/{removal}"), token, None)
        .await
        .expect(204);
    score(&app, &scene.idea, &first, [4, 4, 4, 4, 4, 4, 4]).await;
    score(&app, &scene.idea, &second, [3, 3, 3, 3, 3, 3, 3]).await;
    app.post(
        &format!("/ideas/{}/decide", scene.idea),
        token,
        json!({ "outcome": "qualified", "feedback": "Go on." }),
    )
    .await
    .expect(200);
    let path = format!("/ideas/{}/history", scene.idea);

    // Act
    let innovators = app.get(&path, Some(&scene.innovator.token)).await.expect(200);
    let owners = app.get(&path, Some(&scene.owner.token)).await.expect(200);
    let facilitators = app.get(&path, token).await.expect(200);

    // Assert
    assert_eq!(
        innovators.commands(),
        vec!["create", "submit", "start_assessment", "decide"]
    );
    assert_eq!(owners.commands(), vec!["submit", "start_assessment", "decide"]);
    let all = facilitators.commands();
    for command in ["assign", "score", "declare_conflict", "unassign"] {
        assert!(all.iter().any(|c| c == command), "no {command} in {all:?}");
    }
    assert_eq!(all.iter().filter(|c| *c == "assign").count(), 4);
    assert_eq!(all.iter().filter(|c| *c == "score").count(), 2);
    for hidden in [&innovators, &owners] {
        for command in ["assign", "score", "declare_conflict", "unassign"] {
            assert!(!hidden.text.contains(&format!("\"{command}\"")), "{}", hidden.text);
        }
    }
}

#[tokio::test]
async fn concurrent_puts_of_one_scorecard_never_fail_and_keep_one_card() {
    // Arrange: an assigned assessor who has not scored yet
    let app = spawn_app().await;
    let scene = scene_in_assessment(&app).await;
    let assessor = app.user_in(&[Role::Assessor], Some("Org")).await;
    assign(&app, &scene.idea, &scene.facilitator, &assessor).await;
    let server = app.serve().await;
    let client = reqwest::Client::new();

    // Act: 12 first-time PUTs at once, over real HTTP
    let attempts = (0..12).map(|n| {
        let body = json!({ "scores": scores([1 + n % 5, 3, 3, 3, 3, 3, 3]), "comment": format!("Take {n}") });
        let request = client
            .put(format!("{}/ideas/{}/scorecard", server.base_url, scene.idea))
            .bearer_auth(&assessor.token)
            .json(&body)
            .send();
        async move { request.await.map(|r| r.status().as_u16()) }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("request sent"))
        .collect();

    // Assert: each answer is a save or a conflict, at least one saved, one card stored
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    assert!(statuses.contains(&200), "{statuses:?}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scorecards").await, 1);
}

#[tokio::test]
async fn a_colleague_whose_organisation_differs_by_invisible_characters_or_punctuation_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;

    for spelling in [
        "Sege Builders.",
        "Sege\u{200B} Builders",
        "\u{FEFF}SEGE  BUILDERS,",
        "Sege\u{00A0}Builders",
    ] {
        let colleague = app.user_in(&[Role::Assessor], Some(spelling)).await;

        // Act
        let reply = try_assign(&app, &scene.idea, &scene.facilitator, &colleague.id)
            .await
            .expect_problem(422);

        // Assert
        assert_eq!(reply.fields(), vec!["assessor_id"], "{spelling:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, 0);
    let stranger = app.user_in(&[Role::Assessor], Some("Sege Byggare")).await;
    try_assign(&app, &scene.idea, &scene.facilitator, &stranger.id)
        .await
        .expect(201);
}

// --- Swedish out of the box, and what the scores mean (SPEC §14.5) ---------------------

#[tokio::test]
async fn the_default_rubric_is_swedish_and_says_what_each_score_means() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let rubrics = app.get("/rubrics", Some(&facilitator.token)).await.expect(200);
    let default = rubrics.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["is_default"] == true)
        .expect("a default rubric")
        .clone();
    assert_eq!(default["name"], "Hållbar stad – bedömningsmall");
    let criteria = default["criteria"].as_array().unwrap();
    let keys: Vec<(&str, f64)> = criteria
        .iter()
        .map(|c| (c["key"].as_str().unwrap(), c["weight"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        keys, DEFAULT_CRITERIA,
        "keys and weights as before: old scorecards stay valid"
    );
    assert_eq!(criteria[0]["name"], "Svar på behovet");
    for criterion in criteria {
        assert!(!criterion["description"].as_str().unwrap().is_empty());
        let labels = criterion["scale_labels"].as_object().unwrap();
        assert_eq!(labels.len(), 5, "{criterion}");
        assert!(labels.keys().all(|k| ["1", "2", "3", "4", "5"].contains(&k.as_str())));
    }
    assert_eq!(criteria[0]["scale_labels"]["1"], "Svarar inte mot behovet");
}

#[tokio::test]
async fn a_rubric_keeps_the_meanings_of_its_scores_and_refuses_one_off_the_scale() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let body = |labels: Value| {
        json!({
            "name": "Grannskap",
            "criteria": [{ "key": "fit", "name": "Passform", "weight": 1.0, "scale_min": 1, "scale_max": 3, "scale_labels": labels }]
        })
    };
    let created = app
        .post(
            "/rubrics",
            Some(&facilitator.token),
            body(json!({ "1": " Svag ", "3": "Stark" })),
        )
        .await
        .expect(201);
    assert_eq!(
        created.body["criteria"][0]["scale_labels"],
        json!({ "1": "Svag", "3": "Stark" })
    );
    let read = app
        .get(&format!("/rubrics/{}", created.id()), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(
        read.body["criteria"][0]["scale_labels"],
        json!({ "1": "Svag", "3": "Stark" })
    );
    let before = app.count("SELECT COUNT(*) AS n FROM rubrics").await;
    for labels in [json!({ "4": "Utanför" }), json!({ "ett": "Svag" }), json!({ "2": "" })] {
        let refused = app
            .post("/rubrics", Some(&facilitator.token), body(labels.clone()))
            .await
            .expect_problem(422);
        assert_eq!(
            refused.body["errors"][0]["field"], "criteria.scale_labels",
            "{labels}: {}",
            refused.text
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM rubrics").await, before);
}
