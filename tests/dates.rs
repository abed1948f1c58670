//! Dates and times outside the years 1 to 9999 are refused wherever one is taken — a body
//! field 422, a query parameter that does not parse 400 — and never reach the database
//! (PostgreSQL stores no date before 4714 BC, and none past 294276).

use poem::http::Method;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::steps::{idea_command, qualified_idea, start_incubation, start_testing};

/// Dates outside the years 1 to 9999: before PostgreSQL's first, year 0, and after 9999.
const BAD_DATES: [&str; 5] = [
    "-5000-01-01",
    "-4714-11-23",
    "0000-06-01",
    "10000-01-01",
    "+20000-01-01",
];

/// The same as times.
fn bad_times() -> Vec<String> {
    BAD_DATES.iter().map(|date| format!("{date}T12:00:00Z")).collect()
}

/// A query value as it goes in a URL (`+` would read as a space).
fn in_query(value: &str) -> String {
    value.replace('+', "%2B")
}

/// What each endpoint that takes a date or a time is sent, with `date` and `time` in it.
struct Scene {
    facilitator: TestUser,
    arena: String,
    incubated: String,
    tested: String,
    qualified: String,
    submitted_challenge: String,
}

async fn scene(app: &TestApp) -> Scene {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let arena = app.planned_arena(&facilitator).await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let incubated = qualified_idea(app, &facilitator, &innovator, &challenge).await;
    start_incubation(app, &incubated, &facilitator).await.expect(200);
    let tested = qualified_idea(app, &facilitator, &innovator, &challenge).await;
    start_testing(app, &tested, &facilitator).await.expect(200);
    let qualified = qualified_idea(app, &facilitator, &innovator, &challenge).await;
    let submitted_challenge = app.submitted_challenge(&owner).await;
    Scene {
        facilitator,
        arena,
        incubated,
        tested,
        qualified,
        submitted_challenge,
    }
}

/// Every API call that takes a date or a time, given `date` and `time`: (what, method,
/// path, body).
fn calls(scene: &Scene, date: &str, time: &str) -> Vec<(String, Method, String, Option<Value>)> {
    let q = in_query(time);
    vec![
        (
            "milestone due_on".into(),
            Method::POST,
            format!("/ideas/{}/incubation/milestones", scene.incubated),
            Some(json!({ "title": "Booking page live", "due_on": date })),
        ),
        (
            "spread activity held_on".into(),
            Method::POST,
            format!("/ideas/{}/test/spread-activities", scene.tested),
            Some(json!({ "kind": "learning_workshop", "title": "What we learnt", "held_on": date })),
        ),
        (
            "test starts_on".into(),
            Method::POST,
            format!("/ideas/{}/start-testing", scene.qualified),
            Some(json!({
                "site": "Sege Park", "host": "MKB", "success_criteria": "Bookings.",
                "starts_on": date, "ends_on": "2026-08-31"
            })),
        ),
        (
            "test ends_on".into(),
            Method::POST,
            format!("/ideas/{}/start-testing", scene.qualified),
            Some(json!({
                "site": "Sege Park", "host": "MKB", "success_criteria": "Bookings.",
                "starts_on": "0001-01-01", "ends_on": date
            })),
        ),
        (
            "publish ideas_close_at".into(),
            Method::POST,
            format!("/challenges/{}/publish", scene.submitted_challenge),
            Some(json!({ "ideas_close_at": time })),
        ),
        (
            "new arena starts_at".into(),
            Method::POST,
            "/arenas".into(),
            Some(json!({ "name": "Arena", "kind": "hybrid", "description": "", "starts_at": time })),
        ),
        (
            "new arena ends_at".into(),
            Method::POST,
            "/arenas".into(),
            Some(json!({ "name": "Arena", "kind": "hybrid", "description": "", "ends_at": time })),
        ),
        (
            "arena starts_at".into(),
            Method::PATCH,
            format!("/arenas/{}", scene.arena),
            Some(json!({ "starts_at": time })),
        ),
        (
            "arena ends_at".into(),
            Method::PATCH,
            format!("/arenas/{}", scene.arena),
            Some(json!({ "ends_at": time })),
        ),
        (
            "funnel since".into(),
            Method::GET,
            format!("/reports/funnel?since={q}"),
            None,
        ),
        (
            "funnel until".into(),
            Method::GET,
            format!("/reports/funnel?until={q}"),
            None,
        ),
        (
            "figures since".into(),
            Method::GET,
            format!("/reports/figures?since={q}"),
            None,
        ),
        (
            "figures until".into(),
            Method::GET,
            format!("/reports/figures?until={q}"),
            None,
        ),
        (
            "figures CSV".into(),
            Method::GET,
            format!("/reports/figures?format=csv&since={q}"),
            None,
        ),
        (
            "funnel CSV".into(),
            Method::GET,
            format!("/reports/funnel?format=csv&until={q}"),
            None,
        ),
    ]
}

#[tokio::test]
async fn every_date_and_time_outside_the_years_1_to_9999_is_refused_as_a_client_error() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let token = scene.facilitator.token.clone();

    // Act: each call with each out-of-range value
    let mut wrong = Vec::new();
    for (date, time) in BAD_DATES.iter().zip(bad_times()) {
        for (what, method, path, body) in calls(&scene, date, &time) {
            let reply = app.call(method, &path, Some(&token), body).await;
            let problem = reply.header("content-type") == Some("application/problem+json");
            if !(matches!(reply.code(), 400 | 422) && problem) {
                wrong.push(format!("{what} with {date}: {} {}", reply.code(), reply.text));
            }
        }
    }

    // Assert: all refused, nothing stored
    assert!(wrong.is_empty(), "not refused:\n{}", wrong.join("\n"));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM milestones").await, 0);
}

#[tokio::test]
async fn the_first_and_last_days_of_the_years_1_to_9999_are_taken() {
    // Arrange
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let token = scene.facilitator.token.clone();

    // Act and assert: each call with the first and the last day is not refused (but an
    // end before the start and a closing time in the past, other refusals)
    for (date, time) in [
        ("9999-12-31", "9999-12-31T23:59:59Z"),
        ("0001-01-01", "0001-01-01T00:00:00Z"),
    ] {
        for (what, method, path, body) in calls(&scene, date, time) {
            let other_refusal = what.contains("until") || what.contains("ideas_close_at");
            if what.starts_with("test ") || (date == "0001-01-01" && other_refusal) {
                continue;
            }
            let reply = app.call(method, &path, Some(&token), body).await;
            assert!(
                reply.status.is_success(),
                "{what} with {date}: {} {}",
                reply.code(),
                reply.text
            );
        }
    }
    let body = json!({
        "site": "Sege Park", "host": "MKB", "success_criteria": "Bookings.",
        "starts_on": "0001-01-01", "ends_on": "9999-12-31"
    });
    idea_command(&app, &scene.qualified, "start-testing", &token, body).await;
}

#[tokio::test]
async fn a_reports_page_and_its_downloads_refuse_a_day_outside_the_years_1_to_9999() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let mut wrong = Vec::new();
    for date in BAD_DATES {
        let day = in_query(date);
        for path in [
            format!("/reports?since={day}"),
            format!("/reports?until={day}"),
            format!("/reports/funnel.csv?since={day}"),
            format!("/reports/figures.csv?until={day}"),
        ] {
            let (status, _) = app.page(&path, Some(&facilitator), "en").await;
            if !matches!(status.as_u16(), 400 | 422) {
                wrong.push(format!("{path}: {status}"));
            }
        }
    }

    // Assert
    assert!(wrong.is_empty(), "not refused:\n{}", wrong.join("\n"));
}
