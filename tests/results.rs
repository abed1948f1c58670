//! The outcome in public (SPEC §14.3): `GET /results` and `/results` for anyone — every
//! completed test of a public challenge, its filters and paging, and nothing personal.

use chrono::{Datelike, Utc};
use serde_json::{Value, json};

use crate::figures::{History, history};
use crate::helpers::*;
use crate::steps::{idea_command, qualified_idea};

/// The known history of `figures`, and a second completed test on the other challenge:
/// hosted by a person named in free text, not adopted.
async fn two_results(app: &TestApp) -> (History, String) {
    let h = history(app).await;
    let innovator = app.innovator().await;
    let other = qualified_idea(app, &h.facilitator, &innovator, &h.elsewhere).await;
    idea_command(
        app,
        &other,
        "start-testing",
        &h.facilitator.token,
        json!({
            "site": "Courtyard of Lindängen 4",
            "host": "Anna Svensson",
            "starts_on": "2025-09-01",
            "ends_on": "2025-10-31",
            "success_criteria": "Half the households use the shared freezer."
        }),
    )
    .await
    .expect(200);
    idea_command(
        app,
        &other,
        "complete",
        &h.facilitator.token,
        json!({
            "outcome": "not_adopted",
            "results": "Eleven households of forty used it.",
            "lessons_learned": "Nobody owned the cleaning."
        }),
    )
    .await
    .expect(200);
    (h, other)
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["idea_id"].as_str().expect("idea_id"))
        .collect()
}

#[tokio::test]
async fn anyone_reads_each_completed_test_of_a_public_challenge_with_its_host_and_spread() {
    // Arrange
    let app = spawn_app().await;
    let (h, other) = two_results(&app).await;

    // Act
    let page = app.get("/results", None).await.expect(200).body;

    // Assert
    assert_eq!(
        ids(&page),
        [other.as_str(), h.tested_idea.as_str()],
        "newest idea first"
    );
    assert!(page["next_cursor"].is_null());
    let adopted = &page["items"][1];
    assert_eq!(adopted["challenge_id"], h.in_arena);
    assert_eq!(adopted["outcome"], "adopted");
    assert_eq!(adopted["site"], "Recycling station, Sege Park");
    assert_eq!(
        adopted["host_organisation"]["name"], "MKB Fastighets AB",
        "the free text names a registered organisation"
    );
    assert!(
        adopted["host_organisation"]["id"].as_str().is_some(),
        "the host is {{id, name}} (SPEC §19)"
    );
    assert_eq!(adopted["arena_id"], h.arena);
    assert_eq!(adopted["arena_name"], "Sege Park housing competition");
    assert_eq!(adopted["starts_on"], "2025-05-01");
    assert_eq!(
        adopted["lessons_learned"],
        "Residents book in the evening; the station needs longer hours."
    );
    let spread: Vec<(&str, &str)> = adopted["spread_activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["kind"].as_str().unwrap(), a["title"].as_str().unwrap()))
        .collect();
    assert_eq!(spread.len(), 4, "{spread:?}");
    assert!(spread.contains(&("publication", "Report to the funder")), "{spread:?}");
    assert!(
        adopted["spread_activities"][0].get("notes").is_none(),
        "notes stay inside"
    );
    let not_adopted = &page["items"][0];
    assert_eq!(not_adopted["outcome"], "not_adopted");
    assert!(
        not_adopted.get("host_organisation").is_none_or(Value::is_null),
        "a host named only in free text may be a person: {not_adopted}"
    );
    assert!(!ids(&page).contains(&h.later_idea.as_str()), "not completed");
}

#[tokio::test]
async fn the_results_name_no_person() {
    // Arrange
    let app = spawn_app().await;
    let (h, _) = two_results(&app).await;

    // Act
    let text = app
        .get("/results", Some(&h.facilitator.token))
        .await
        .expect(200)
        .text
        .to_lowercase();

    // Assert
    for person in &h.people {
        assert!(!text.contains(&person.email.to_lowercase()), "{}", person.email);
        assert!(!text.contains(&person.id.to_lowercase()), "user id {}", person.id);
    }
    for personal in ["anna svensson", "@example", "test user"] {
        assert!(!text.contains(personal), "{personal} in the results");
    }
}

#[tokio::test]
async fn the_results_narrow_by_outcome_goal_arena_year_and_challenge() {
    // Arrange
    let app = spawn_app().await;
    let (h, other) = two_results(&app).await;
    let year = Utc::now().year();
    let both = [other.as_str(), h.tested_idea.as_str()];
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("outcome=adopted".into(), vec![&h.tested_idea]),
        ("outcome=not_adopted".into(), vec![&other]),
        ("outcome=scaled".into(), vec![]),
        (format!("arena_id={}", h.arena), vec![&h.tested_idea]),
        ("sdg=11".into(), both.to_vec()),
        ("sdg=1".into(), vec![]),
        (format!("year={year}"), both.to_vec()),
        (format!("year={}", year - 1), vec![]),
        (format!("challenge_id={}", h.elsewhere), vec![&other]),
        (format!("outcome=adopted&challenge_id={}", h.elsewhere), vec![]),
    ];

    for (query, expected) in cases {
        // Act
        let page = app.get(&format!("/results?{query}"), None).await.expect(200).body;

        // Assert
        assert_eq!(ids(&page), expected, "{query}");
    }
}

#[tokio::test]
async fn a_result_leaves_the_public_record_with_its_withdrawn_challenge() {
    // Arrange
    let app = spawn_app().await;
    let (h, other) = two_results(&app).await;

    // Act
    app.challenge_command(
        &h.elsewhere,
        "withdraw",
        &h.facilitator.token,
        json!({ "reason": "The housing company left the programme." }),
    )
    .await
    .expect(200);

    // Assert
    let page = app.get("/results", None).await.expect(200).body;
    assert_eq!(ids(&page), [h.tested_idea.as_str()]);
    assert!(!ids(&page).contains(&other.as_str()));
}

#[tokio::test]
async fn the_results_page_by_cursor() {
    // Arrange
    let app = spawn_app().await;
    let (h, other) = two_results(&app).await;

    // Act
    let first = app.get("/results?limit=1", None).await.expect(200).body;
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    let second = app
        .get(&format!("/results?limit=1&cursor={cursor}"), None)
        .await
        .expect(200)
        .body;

    // Assert
    assert_eq!(ids(&first), [other.as_str()]);
    assert_eq!(ids(&second), [h.tested_idea.as_str()]);
    assert!(second["next_cursor"].is_null());
}

#[tokio::test]
async fn a_filter_out_of_range_answers_a_problem_naming_it() {
    // Arrange
    let app = spawn_app().await;

    for (query, status, field) in [
        ("sdg=18", 422, Some("sdg")),
        ("sdg=0", 422, Some("sdg")),
        ("year=1999", 422, Some("year")),
        ("year=99999999999", 422, Some("year")),
        ("outcome=won", 400, None),
        ("arena_id=not-an-id", 400, None),
        ("limit=0", 422, Some("limit")),
        ("cursor=nonsense", 400, None),
    ] {
        // Act
        let reply = app.get(&format!("/results?{query}"), None).await.expect_problem(status);

        // Assert
        if let Some(field) = field {
            assert_eq!(reply.fields(), [field], "{query}");
        }
    }
}

#[tokio::test]
async fn the_results_page_the_challenge_page_the_front_page_and_the_footer_show_the_outcome() {
    // Arrange
    let app = spawn_app().await;
    let (h, _) = two_results(&app).await;

    // Act
    let (status, results) = app.page("/results?outcome=adopted", None, "sv").await;
    let (_, challenge) = app.page(&format!("/challenges/{}", h.in_arena), None, "sv").await;
    let (_, home) = app.page("/", None, "en").await;
    let (_, filtered_badly) = app.page("/results?sdg=18", None, "en").await;

    // Assert
    assert_eq!(status.as_u16(), 200);
    assert!(results.contains("Testernas resultat"), "a Swedish title");
    assert!(results.contains("Recycling station, Sege Park"));
    assert!(results.contains("MKB Fastighets AB"));
    assert!(results.contains("Införd"), "the outcome, in Swedish");
    assert!(
        !results.contains("Courtyard of Lindängen 4"),
        "filtered out: not adopted"
    );
    assert!(results.contains("Report to the funder"), "a spread activity");
    assert!(
        challenge.contains("id=\"results\""),
        "the challenge page has its results"
    );
    assert!(challenge.contains("Residents book in the evening"));
    assert!(
        home.contains("href=\"/results\""),
        "the front page links to the results"
    );
    for footer_link in ["href=\"/open-data.zip\"", "href=\"/results\""] {
        assert!(challenge.contains(footer_link), "every page's footer has {footer_link}");
    }
    assert!(
        filtered_badly.contains("govuk-error-summary"),
        "a bad filter is shown, not a 500"
    );
}
