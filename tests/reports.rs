//! Reports for the innovation team (SPEC §6): the funnel and the obstacle counts, as JSON
//! and as CSV, over HTTP.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::*;
use crate::steps::{
    CATEGORIES, complete, draft_idea, log_obstacle, qualified_idea, start_incubation, start_testing, submitted_idea,
};

/// Every challenge state (SPEC §3).
const CHALLENGE_STATES: [&str; 7] = [
    "draft",
    "submitted",
    "changes_requested",
    "published",
    "closed",
    "archived",
    "withdrawn",
];

/// Every idea state (SPEC §3, and §17's on_hold).
const IDEA_STATES: [&str; 11] = [
    "draft",
    "submitted",
    "in_assessment",
    "qualified",
    "not_qualified",
    "in_incubation",
    "in_testing",
    "completed",
    "discontinued",
    "withdrawn",
    "on_hold",
];

/// The conversions of the funnel.
const CONVERSIONS: [&str; 3] = ["submitted_to_qualified", "qualified_to_tested", "tested_to_adopted"];

/// The steps of `median_days`.
const MEDIAN_STEPS: [&str; 5] = ["need_formulation", "matching", "assessment", "incubation", "testing"];

/// Tolerance for comparing shares.
const EPSILON: f64 = 1e-9;

/// `{state → count}` with every state of `states`, `counts` filled in and zeros elsewhere.
fn counts(states: &[&str], counts: &[(&str, u64)]) -> Value {
    let mut map = serde_json::Map::new();
    for state in states {
        let n = counts.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n);
        map.insert((*state).to_owned(), json!(n));
    }
    Value::Object(map)
}

/// A number of a JSON body.
#[track_caller]
fn number(value: &Value) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("not a number: {value}"))
}

/// Asserts a share within [`EPSILON`].
#[track_caller]
fn assert_share(value: &Value, expected: f64) {
    let got = number(value);
    assert!((got - expected).abs() < EPSILON, "expected {expected}, got {got}");
}

/// GET with an `Accept` header.
async fn get_accepting(app: &TestApp, path: &str, token: &str, accept: &str) -> Reply {
    let response = app
        .client
        .get(format!("{}{path}", sluss_api::startup::API_BASE))
        .header("authorization", format!("Bearer {token}"))
        .header("accept", accept)
        .send()
        .await;
    reply_of(response.0).await
}

/// A report as CSV: the rows `(section, key) → value` (`None` for an empty cell), after
/// checking the content type, the header line and that every row has three fields.
#[track_caller]
fn parse_csv(reply: &Reply) -> BTreeMap<(String, String), Option<f64>> {
    let content_type = reply.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/csv"), "content-type {content_type}");
    let mut lines = reply.text.lines();
    assert_eq!(lines.next(), Some("section,key,value"), "{}", reply.text);
    let mut rows = BTreeMap::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 3, "row {line:?} of {}", reply.text);
        let value = if fields[2].is_empty() {
            None
        } else {
            Some(
                fields[2]
                    .parse::<f64>()
                    .unwrap_or_else(|e| panic!("value of {line:?}: {e}")),
            )
        };
        let key = (fields[0].to_owned(), fields[1].to_owned());
        assert!(rows.insert(key, value).is_none(), "repeated row {line:?}");
    }
    rows
}

/// The rows a CSV funnel must hold, from the JSON report.
fn funnel_rows(report: &Value) -> BTreeMap<(String, String), Option<f64>> {
    let mut rows = BTreeMap::new();
    for section in ["challenges", "ideas", "conversion", "median_days"] {
        for (key, value) in report[section].as_object().unwrap() {
            rows.insert((section.to_owned(), key.clone()), value.as_f64());
        }
    }
    rows
}

/// The rows a CSV obstacle report must hold, from the JSON report (the total's key aside).
fn obstacle_rows(report: &Value) -> BTreeMap<(String, String), Option<f64>> {
    let mut rows = BTreeMap::new();
    for section in ["by_category", "by_step"] {
        for (key, value) in report[section].as_object().unwrap() {
            rows.insert((section.to_owned(), key.clone()), value.as_f64());
        }
    }
    rows
}

/// Asserts that CSV rows hold the same figures as the JSON report. Numbers are compared
/// to 1e-12 relative: serde_json's default float parser may be one ulp off.
#[track_caller]
fn assert_same_figures(
    csv: &BTreeMap<(String, String), Option<f64>>,
    json: &BTreeMap<(String, String), Option<f64>>,
    text: &str,
) {
    assert_eq!(
        csv.keys().collect::<Vec<_>>(),
        json.keys().collect::<Vec<_>>(),
        "{text}"
    );
    for (key, value) in csv {
        match (value, json[key]) {
            (None, None) => {}
            (Some(got), Some(expected)) => assert!(
                (got - expected).abs() <= expected.abs() * 1e-12,
                "{key:?}: csv {got}, json {expected}"
            ),
            (got, expected) => panic!("{key:?}: csv {got:?}, json {expected:?}"),
        }
    }
}

/// An RFC 3339 UTC timestamp for a query string.
fn timestamp(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The people of a pipeline.
struct Pipeline {
    facilitator: TestUser,
}

/// Two published challenges and a draft one; on them a completed (adopted) idea that went
/// straight from qualified to testing, a qualified idea, a submitted idea and a draft idea.
async fn pipeline(app: &TestApp) -> Pipeline {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let first = app.published_challenge(&owner, &facilitator).await;
    let second = app.published_challenge(&owner, &facilitator).await;
    app.draft_challenge(&owner).await;
    let adopted = qualified_idea(app, &facilitator, &innovator, &first).await;
    start_testing(app, &adopted, &facilitator).await;
    complete(app, &adopted, &facilitator, "adopted").await;
    qualified_idea(app, &facilitator, &innovator, &first).await;
    submitted_idea(app, &innovator, &second).await;
    draft_idea(app, &innovator, &second).await;
    Pipeline { facilitator }
}

// --- the funnel -----------------------------------------------------------------------

#[tokio::test]
async fn the_funnel_counts_every_state_and_computes_conversions_and_median_days() {
    // Arrange
    let app = spawn_app().await;
    let scene = pipeline(&app).await;

    // Act
    let report = app
        .get("/reports/funnel", Some(&scene.facilitator.token))
        .await
        .expect(200);

    // Assert
    assert!(
        report
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        report.header("content-type")
    );
    let body = &report.body;
    assert_eq!(
        body["challenges"],
        counts(&CHALLENGE_STATES, &[("published", 2), ("draft", 1)]),
        "{}",
        report.text
    );
    assert_eq!(
        body["ideas"],
        counts(
            &IDEA_STATES,
            &[("completed", 1), ("qualified", 1), ("submitted", 1), ("draft", 1)]
        ),
        "{}",
        report.text
    );
    assert_share(&body["conversion"]["submitted_to_qualified"], 2.0 / 3.0);
    assert_share(&body["conversion"]["qualified_to_tested"], 0.5);
    assert_share(&body["conversion"]["tested_to_adopted"], 1.0);
    for step in ["need_formulation", "matching", "assessment", "testing"] {
        let days = number(&body["median_days"][step]);
        assert!(days >= 0.0, "{step}: {days}");
        assert!(days < 1.0, "{step}: {days}");
    }
    assert!(body["median_days"]["incubation"].is_null(), "{}", report.text);
    let keys: Vec<&str> = body["median_days"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = MEDIAN_STEPS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
}

#[tokio::test]
async fn the_incubation_median_appears_once_an_incubated_idea_starts_testing() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    start_incubation(&app, &idea, &facilitator).await;
    let token = Some(facilitator.token.as_str());
    let while_incubating = app.get("/reports/funnel", token).await.expect(200);

    // Act
    start_testing(&app, &idea, &facilitator).await;
    let after = app.get("/reports/funnel", token).await.expect(200);

    // Assert
    assert!(
        while_incubating.body["median_days"]["incubation"].is_null(),
        "{}",
        while_incubating.text
    );
    assert_eq!(while_incubating.body["ideas"]["in_incubation"], 1);
    assert!(number(&after.body["median_days"]["incubation"]) >= 0.0);
    assert!(after.body["median_days"]["testing"].is_null(), "{}", after.text);
    assert_eq!(after.body["ideas"]["in_testing"], 1);
    assert_share(&after.body["conversion"]["qualified_to_tested"], 1.0);
    assert_share(&after.body["conversion"]["tested_to_adopted"], 0.0);
}

#[tokio::test]
async fn the_funnel_of_an_empty_database_has_zero_counts_and_no_conversions() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let report = app.get("/reports/funnel", Some(&facilitator.token)).await.expect(200);

    // Assert
    let body = &report.body;
    assert_eq!(body["challenges"], counts(&CHALLENGE_STATES, &[]), "{}", report.text);
    assert_eq!(body["ideas"], counts(&IDEA_STATES, &[]), "{}", report.text);
    for key in CONVERSIONS {
        assert!(body["conversion"][key].is_null(), "{key}: {}", report.text);
    }
    for step in MEDIAN_STEPS {
        assert!(body["median_days"][step].is_null(), "{step}: {}", report.text);
    }
}

#[tokio::test]
async fn the_funnel_of_an_arena_holds_only_its_challenges_and_their_ideas() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let arena = app.open_arena(&facilitator).await;
    let in_arena = app.submitted_challenge(&owner).await;
    app.challenge_command(&in_arena, "publish", &facilitator.token, json!({ "arena_id": arena }))
        .await;
    let elsewhere = app.published_challenge(&owner, &facilitator).await;
    app.draft_challenge(&owner).await;
    submitted_idea(&app, &innovator, &in_arena).await;
    qualified_idea(&app, &facilitator, &innovator, &elsewhere).await;
    draft_idea(&app, &innovator, &elsewhere).await;
    let token = Some(facilitator.token.as_str());

    // Act
    let report = app
        .get(&format!("/reports/funnel?arena_id={arena}"), token)
        .await
        .expect(200);
    let everything = app.get("/reports/funnel", token).await.expect(200);
    let unknown = app
        .get(&format!("/reports/funnel?arena_id={}", uuid::Uuid::now_v7()), token)
        .await
        .expect(200);

    // Assert
    assert_eq!(
        report.body["challenges"],
        counts(&CHALLENGE_STATES, &[("published", 1)]),
        "{}",
        report.text
    );
    assert_eq!(
        report.body["ideas"],
        counts(&IDEA_STATES, &[("submitted", 1)]),
        "{}",
        report.text
    );
    assert_share(&report.body["conversion"]["submitted_to_qualified"], 0.0);
    assert!(
        report.body["conversion"]["qualified_to_tested"].is_null(),
        "{}",
        report.text
    );
    assert_eq!(
        everything.body["challenges"],
        counts(&CHALLENGE_STATES, &[("published", 2), ("draft", 1)])
    );
    assert_eq!(
        everything.body["ideas"],
        counts(&IDEA_STATES, &[("submitted", 1), ("qualified", 1), ("draft", 1)])
    );
    assert_share(&everything.body["conversion"]["submitted_to_qualified"], 0.5);
    assert_eq!(unknown.body["challenges"], counts(&CHALLENGE_STATES, &[]));
    assert_eq!(unknown.body["ideas"], counts(&IDEA_STATES, &[]));
}

#[tokio::test]
async fn the_funnel_selects_challenges_and_ideas_by_their_creation_time() {
    // Arrange: a published challenge with a submitted idea, then a moment, then a draft
    // challenge and a draft idea
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let early = app.published_challenge(&owner, &facilitator).await;
    submitted_idea(&app, &innovator, &early).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let moment = timestamp(Utc::now());
    tokio::time::sleep(Duration::from_millis(50)).await;
    app.draft_challenge(&owner).await;
    draft_idea(&app, &innovator, &early).await;
    let token = Some(facilitator.token.as_str());

    // Act
    let since = app
        .get(&format!("/reports/funnel?since={moment}"), token)
        .await
        .expect(200);
    let until = app
        .get(&format!("/reports/funnel?until={moment}"), token)
        .await
        .expect(200);
    let future = timestamp(Utc::now() + chrono::Duration::days(1));
    let from_future = app
        .get(&format!("/reports/funnel?since={future}"), token)
        .await
        .expect(200);

    // Assert
    assert_eq!(
        since.body["challenges"],
        counts(&CHALLENGE_STATES, &[("draft", 1)]),
        "{}",
        since.text
    );
    assert_eq!(
        since.body["ideas"],
        counts(&IDEA_STATES, &[("draft", 1)]),
        "{}",
        since.text
    );
    assert!(
        since.body["conversion"]["submitted_to_qualified"].is_null(),
        "{}",
        since.text
    );
    assert_eq!(
        until.body["challenges"],
        counts(&CHALLENGE_STATES, &[("published", 1)]),
        "{}",
        until.text
    );
    assert_eq!(
        until.body["ideas"],
        counts(&IDEA_STATES, &[("submitted", 1)]),
        "{}",
        until.text
    );
    assert_share(&until.body["conversion"]["submitted_to_qualified"], 0.0);
    assert_eq!(from_future.body["challenges"], counts(&CHALLENGE_STATES, &[]));
    assert_eq!(from_future.body["ideas"], counts(&IDEA_STATES, &[]));
    for key in CONVERSIONS {
        assert!(from_future.body["conversion"][key].is_null(), "{key}");
    }
}

#[tokio::test]
async fn a_funnel_period_that_ends_before_it_starts_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let since = timestamp(Utc::now());
    let until = timestamp(Utc::now() - chrono::Duration::days(1));

    // Act & Assert
    app.get(
        &format!("/reports/funnel?since={since}&until={until}"),
        Some(&facilitator.token),
    )
    .await
    .expect_problem(422);
}

#[tokio::test]
async fn a_funnel_period_with_a_bad_timestamp_answers_400() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let token = Some(facilitator.token.as_str());

    // Act & Assert
    app.get("/reports/funnel?since=yesterday", token)
        .await
        .expect_problem(400);
    app.get("/reports/funnel?until=2025-13-01T00:00:00Z", token)
        .await
        .expect_problem(400);
    app.get("/reports/funnel?arena_id=sege-park", token)
        .await
        .expect_problem(400);
}

#[tokio::test]
async fn the_funnel_as_csv_holds_the_figures_of_the_json_report() {
    // Arrange
    let app = spawn_app().await;
    let scene = pipeline(&app).await;
    let token = scene.facilitator.token.as_str();
    let report = app.get("/reports/funnel", Some(token)).await.expect(200);

    // Act
    let by_format = app.get("/reports/funnel?format=csv", Some(token)).await.expect(200);
    let by_accept = get_accepting(&app, "/reports/funnel", token, "text/csv")
        .await
        .expect(200);

    // Assert
    let expected = funnel_rows(&report.body);
    assert_eq!(expected.len(), CHALLENGE_STATES.len() + IDEA_STATES.len() + 3 + 5);
    for reply in [&by_format, &by_accept] {
        let rows = parse_csv(reply);
        assert_same_figures(&rows, &expected, &reply.text);
        assert_eq!(rows[&("challenges".to_owned(), "published".to_owned())], Some(2.0));
        assert_eq!(rows[&("ideas".to_owned(), "completed".to_owned())], Some(1.0));
        assert_eq!(
            rows[&("conversion".to_owned(), "qualified_to_tested".to_owned())],
            Some(0.5)
        );
        assert_eq!(rows[&("median_days".to_owned(), "incubation".to_owned())], None);
    }
}

#[tokio::test]
async fn the_funnel_of_an_empty_database_as_csv_has_empty_conversion_cells() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let reply = app
        .get("/reports/funnel?format=csv", Some(&facilitator.token))
        .await
        .expect(200);

    // Assert
    let rows = parse_csv(&reply);
    for key in CONVERSIONS {
        assert_eq!(rows[&("conversion".to_owned(), key.to_owned())], None, "{key}");
    }
    for state in IDEA_STATES {
        assert_eq!(rows[&("ideas".to_owned(), state.to_owned())], Some(0.0), "{state}");
    }
}

// --- the obstacle report --------------------------------------------------------------

#[tokio::test]
async fn the_obstacle_report_counts_by_category_and_by_step() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = draft_idea(&app, &innovator, &challenge).await;
    log_obstacle(&app, &owner, "challenge", &challenge, "regulation", 1).await;
    log_obstacle(&app, &innovator, "challenge", &challenge, "regulation", 2).await;
    log_obstacle(&app, &innovator, "idea", &idea, "data", 4).await;
    log_obstacle(&app, &facilitator, "idea", &idea, "financing", 4).await;
    log_obstacle(&app, &facilitator, "idea", &idea, "procurement", 5).await;

    // Act
    let report = app
        .get("/reports/obstacles", Some(&facilitator.token))
        .await
        .expect(200);

    // Assert
    assert_eq!(
        report.body["by_category"],
        counts(
            &CATEGORIES,
            &[("regulation", 2), ("data", 1), ("financing", 1), ("procurement", 1)]
        ),
        "{}",
        report.text
    );
    assert_eq!(
        report.body["by_step"],
        json!({ "1": 1, "2": 1, "3": 0, "4": 2, "5": 1 }),
        "{}",
        report.text
    );
    assert_eq!(report.body["total"], 5, "{}", report.text);
}

#[tokio::test]
async fn the_obstacle_report_of_an_empty_diary_has_every_category_and_step_at_zero() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let report = app
        .get("/reports/obstacles", Some(&facilitator.token))
        .await
        .expect(200);

    // Assert
    assert_eq!(report.body["by_category"], counts(&CATEGORIES, &[]), "{}", report.text);
    assert_eq!(
        report.body["by_step"],
        json!({ "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 }),
        "{}",
        report.text
    );
    assert_eq!(report.body["total"], 0, "{}", report.text);
}

#[tokio::test]
async fn the_obstacle_report_as_csv_holds_the_figures_of_the_json_report() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    log_obstacle(&app, &owner, "challenge", &challenge, "culture", 1).await;
    log_obstacle(&app, &owner, "challenge", &challenge, "culture", 3).await;
    log_obstacle(&app, &facilitator, "challenge", &challenge, "competence", 3).await;
    let token = facilitator.token.as_str();
    let report = app.get("/reports/obstacles", Some(token)).await.expect(200);

    // Act
    let by_format = app.get("/reports/obstacles?format=csv", Some(token)).await.expect(200);
    let by_accept = get_accepting(&app, "/reports/obstacles", token, "text/csv")
        .await
        .expect(200);

    // Assert
    let expected = obstacle_rows(&report.body);
    assert_eq!(expected.len(), 8 + 5);
    for reply in [&by_format, &by_accept] {
        let mut rows = parse_csv(reply);
        let totals: Vec<Option<f64>> = rows
            .iter()
            .filter(|((section, _), _)| section == "total")
            .map(|(_, value)| *value)
            .collect();
        assert_eq!(totals, vec![Some(3.0)], "{}", reply.text);
        rows.retain(|(section, _), _| section != "total");
        assert_same_figures(&rows, &expected, &reply.text);
        assert_eq!(rows[&("by_category".to_owned(), "culture".to_owned())], Some(2.0));
        assert_eq!(rows[&("by_step".to_owned(), "3".to_owned())], Some(2.0));
    }
}

// --- who sees reports -----------------------------------------------------------------

#[tokio::test]
async fn only_facilitators_see_reports() {
    // Arrange
    let app = spawn_app().await;
    let paths = [
        "/reports/funnel",
        "/reports/funnel?format=csv",
        "/reports/obstacles",
        "/reports/obstacles?format=csv",
    ];

    // Act & Assert
    for roles in [[Role::NeedsOwner], [Role::Innovator], [Role::Assessor]] {
        let user = app.user(&roles).await;
        for path in paths {
            let reply = app.get(path, Some(&user.token)).await;
            assert_eq!(reply.code(), 403, "{roles:?} {path}: {}", reply.text);
            reply.expect_problem(403);
        }
    }
    for path in paths {
        app.get(path, None).await.expect_problem(401);
    }
}
