//! Assessment at the extremes a valid rubric allows: scales that reach the ends of `i64`
//! and weights near the largest float still give a finite summary and ranking, never a
//! failed request.

use poem::http::Method;
use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::*;

/// An idea assessed with a rubric of `criteria` and scored by two assessors, one
/// scorecard each; the idea's id, its challenge's id and the facilitator.
async fn scored_idea(app: &TestApp, criteria: Value, scorecards: [Value; 2]) -> (String, String, TestUser) {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app.submitted_idea(&innovator, &challenge, "Cargo bikes").await;
    let rubric = app
        .post(
            "/rubrics",
            Some(&facilitator.token),
            json!({ "name": "Extremes", "min_scorecards": 2, "criteria": criteria }),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/ideas/{idea}/start-assessment"),
        Some(&facilitator.token),
        json!({ "rubric_id": rubric }),
    )
    .await
    .expect(200);
    for scores in scorecards {
        let assessor = app.user(&[Role::Assessor]).await;
        app.post(
            &format!("/ideas/{idea}/assignments"),
            Some(&facilitator.token),
            json!({ "assessor_id": assessor.id }),
        )
        .await
        .expect(201);
        app.call(
            Method::PUT,
            &format!("/ideas/{idea}/scorecard"),
            Some(&assessor.token),
            Some(json!({ "scores": scores, "comment": "Scored at the edge of the scale." })),
        )
        .await
        .expect(200);
    }
    (idea, challenge, facilitator)
}

#[tokio::test]
async fn scores_at_the_ends_of_an_i64_scale_give_a_summary_and_a_ranking() {
    // Arrange
    let app = spawn_app().await;
    let criteria =
        json!([{ "key": "reach", "name": "Reach", "weight": 1, "scale_min": i64::MIN, "scale_max": i64::MAX }]);
    let scores = [json!({ "reach": i64::MAX }), json!({ "reach": i64::MAX })];
    let (idea, challenge, facilitator) = scored_idea(&app, criteria, scores).await;

    // Act
    let summary = app
        .get(&format!("/ideas/{idea}/assessment"), Some(&facilitator.token))
        .await
        .expect(200);
    let ranking = app
        .get(&format!("/challenges/{challenge}/ranking"), Some(&facilitator.token))
        .await
        .expect(200);

    // Assert
    let expected = i64::MAX as f64;
    assert_eq!(
        summary.body["weighted_score"].as_f64(),
        Some(expected),
        "{}",
        summary.text
    );
    assert_eq!(
        summary.body["criteria"][0]["mean"].as_f64(),
        Some(expected),
        "{}",
        summary.text
    );
    assert_eq!(
        summary.body["criteria"][0]["std_dev"].as_f64(),
        Some(0.0),
        "{}",
        summary.text
    );
    assert_eq!(
        ranking.body["items"][0]["weighted_score"].as_f64(),
        Some(expected),
        "{}",
        ranking.text
    );
}

#[tokio::test]
async fn weights_near_the_largest_float_give_a_finite_weighted_score() {
    // Arrange
    let app = spawn_app().await;
    let criteria = json!([
        { "key": "need_fit", "name": "Need fit", "weight": 1.7e308 },
        { "key": "novelty", "name": "Novelty", "weight": 1.7e308 }
    ]);
    let scores = [
        json!({ "need_fit": 1, "novelty": 5 }),
        json!({ "need_fit": 5, "novelty": 5 }),
    ];
    let (idea, _, facilitator) = scored_idea(&app, criteria, scores).await;

    // Act
    let summary = app
        .get(&format!("/ideas/{idea}/assessment"), Some(&facilitator.token))
        .await
        .expect(200);

    // Assert: (3 + 5) / 2, not the NaN that infinite weight sums gave.
    assert_eq!(summary.body["weighted_score"].as_f64(), Some(4.0), "{}", summary.text);
}
