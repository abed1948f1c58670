//! Obstacles raised to those who can act (SPEC §18): raise, answer, close and link as the
//! same issue, by facilitators; the public record at `/obstacles/raised`, which never names
//! who logged an obstacle or what it was met on; the figures' count by state.

use poem::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::steps::log_obstacle;

const CHALLENGE_TITLE: &str = "Full bins at the recycling station";

/// A facilitator, an innovator and an obstacle the innovator logged on a published
/// challenge (its id).
async fn scene(app: &TestApp) -> (TestUser, TestUser, String) {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let obstacle = log_obstacle(app, &innovator, "challenge", &challenge, "regulation", 2)
        .await
        .id();
    (facilitator, innovator, obstacle)
}

async fn raise(app: &TestApp, who: &TestUser, id: &str) -> Reply {
    app.post(
        &format!("/obstacles/{id}/raise"),
        Some(&who.token),
        json!({ "raised_to": "Boverket", "brief": "The building rules forbid a shared pantry in the stairwell." }),
    )
    .await
}

async fn answer(app: &TestApp, who: &TestUser, id: &str) -> Reply {
    app.post(
        &format!("/obstacles/{id}/answer"),
        Some(&who.token),
        json!({ "answer": "Boverket will take it up in the 2027 review of the rules." }),
    )
    .await
}

async fn close(app: &TestApp, who: &TestUser, id: &str) -> Reply {
    app.post(&format!("/obstacles/{id}/close"), Some(&who.token), json!({}))
        .await
}

async fn link(app: &TestApp, who: &TestUser, id: &str, to: Value) -> Reply {
    app.call(
        Method::PUT,
        &format!("/obstacles/{id}/same-as"),
        Some(&who.token),
        Some(json!({ "obstacle_id": to })),
    )
    .await
}

async fn raised_list(app: &TestApp) -> Vec<Value> {
    let page = app.get("/obstacles/raised", None).await.expect(200);
    page.body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_facilitator_raises_records_the_answer_and_closes_and_each_step_is_dated() {
    let app = spawn_app().await;
    let (facilitator, _, id) = scene(&app).await;

    let raised = raise(&app, &facilitator, &id).await.expect(200);
    assert_eq!(raised.str("state"), "raised");
    assert_eq!(raised.str("raised_to"), "Boverket");
    assert_eq!(raised.body["version"], 2);
    assert_eq!(raised.header("etag"), Some("\"2\""));
    assert!(raised.body["raised_at"].is_string());
    assert!(raised.body["answered_at"].is_null());

    let answered = answer(&app, &facilitator, &id).await.expect(200);
    assert_eq!(answered.str("state"), "answered");
    assert!(answered.str("answer").starts_with("Boverket will"));
    assert!(answered.body["answered_at"].is_string());

    let closed = close(&app, &facilitator, &id).await.expect(200);
    assert_eq!(closed.str("state"), "closed");
    assert!(closed.body["closed_at"].is_string());
    assert_eq!(closed.body["version"], 4);

    let read = app
        .get(&format!("/obstacles/{id}"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(read.body, closed.body);
    let diary = app.get("/obstacles", Some(&facilitator.token)).await.expect(200);
    assert_eq!(diary.body["items"][0]["state"], "closed");
}

#[tokio::test]
async fn a_logged_obstacle_can_be_closed_without_being_raised() {
    let app = spawn_app().await;
    let (facilitator, _, id) = scene(&app).await;
    let closed = close(&app, &facilitator, &id).await.expect(200);
    assert!(closed.body["raised_at"].is_null());
    // Never raised, so never on the public record.
    assert!(raised_list(&app).await.is_empty());
}

#[tokio::test]
async fn each_command_out_of_its_state_answers_409_and_changes_nothing() {
    let app = spawn_app().await;
    let (facilitator, _, id) = scene(&app).await;
    answer(&app, &facilitator, &id).await.expect_problem(409);
    raise(&app, &facilitator, &id).await.expect(200);
    raise(&app, &facilitator, &id).await.expect_problem(409);
    close(&app, &facilitator, &id).await.expect(200);
    for refused in [
        raise(&app, &facilitator, &id).await,
        answer(&app, &facilitator, &id).await,
        close(&app, &facilitator, &id).await,
    ] {
        let problem = refused.expect_problem(409);
        assert!(problem.text.contains("closed"), "{}", problem.text);
    }
    let read = app
        .get(&format!("/obstacles/{id}"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(read.body["version"], 3);
    assert!(read.body["answer"].is_null());
}

#[tokio::test]
async fn only_facilitators_read_and_act_on_an_obstacle() {
    let app = spawn_app().await;
    let (_, innovator, id) = scene(&app).await;
    let assessor = app.assessor().await;
    let owner = app.needs_owner().await;
    for who in [&innovator, &assessor, &owner] {
        raise(&app, who, &id).await.expect_problem(403);
        close(&app, who, &id).await.expect_problem(403);
        link(&app, who, &id, Value::Null).await.expect_problem(403);
        app.get(&format!("/obstacles/{id}"), Some(&who.token))
            .await
            .expect_problem(403);
    }
    app.post(&format!("/obstacles/{id}/close"), None, json!({}))
        .await
        .expect_problem(401);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM obstacles WHERE state = 'logged' AND version = 1")
            .await,
        1
    );
}

#[tokio::test]
async fn an_unknown_obstacle_answers_404() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let unknown = uuid::Uuid::now_v7();
    raise(&app, &facilitator, &unknown.to_string())
        .await
        .expect_problem(404);
    app.get(&format!("/obstacles/{unknown}"), Some(&facilitator.token))
        .await
        .expect_problem(404);
}

#[tokio::test]
async fn a_raise_without_a_body_or_brief_or_on_two_lines_answers_422_naming_the_field() {
    let app = spawn_app().await;
    let (facilitator, _, id) = scene(&app).await;
    let path = format!("/obstacles/{id}/raise");
    let empty = app
        .post(
            &path,
            Some(&facilitator.token),
            json!({ "raised_to": " ", "brief": "" }),
        )
        .await
        .expect_problem(422);
    assert_eq!(empty.fields(), ["raised_to", "brief"]);
    let two_lines = app
        .post(
            &path,
            Some(&facilitator.token),
            json!({ "raised_to": "Boverket\nand the county", "brief": "Rules." }),
        )
        .await
        .expect_problem(422);
    assert_eq!(two_lines.fields(), ["raised_to"]);
    raise(&app, &facilitator, &id).await.expect(200);
    let no_answer = app
        .post(
            &format!("/obstacles/{id}/answer"),
            Some(&facilitator.token),
            json!({ "answer": "" }),
        )
        .await
        .expect_problem(422);
    assert_eq!(no_answer.fields(), ["answer"]);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM obstacles WHERE state = 'raised' AND version = 2")
            .await,
        1
    );
}

#[tokio::test]
async fn a_stale_expected_version_in_the_body_answers_409_with_the_current_one() {
    let app = spawn_app().await;
    let (facilitator, _, id) = scene(&app).await;
    raise(&app, &facilitator, &id).await.expect(200);
    let stale = app
        .post(
            &format!("/obstacles/{id}/answer"),
            Some(&facilitator.token),
            json!({ "answer": "Yes.", "expected_version": 1 }),
        )
        .await
        .expect_problem(409);
    assert_eq!(stale.body["current_version"], 2);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM obstacles WHERE answer IS NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn linked_obstacles_form_flat_groups_named_by_their_first() {
    let app = spawn_app().await;
    let (facilitator, innovator, a) = scene(&app).await;
    let subject = app
        .get(&format!("/obstacles/{a}"), Some(&facilitator.token))
        .await
        .expect(200);
    let challenge = subject.str("subject_id").to_owned();
    let mut others = Vec::new();
    for _ in 0..3 {
        others.push(
            log_obstacle(&app, &innovator, "challenge", &challenge, "regulation", 2)
                .await
                .id(),
        );
    }
    let [b, c, d] = [others[0].clone(), others[1].clone(), others[2].clone()];

    // b with a; c with b is c with a: one group, named by a.
    assert_eq!(
        link(&app, &facilitator, &b, json!(a)).await.expect(200).str("same_as"),
        a
    );
    assert_eq!(
        link(&app, &facilitator, &c, json!(b)).await.expect(200).str("same_as"),
        a
    );
    // a cannot join its own group, nor itself.
    let own = link(&app, &facilitator, &a, json!(c)).await.expect_problem(422);
    assert_eq!(own.fields(), ["obstacle_id"]);
    link(&app, &facilitator, &a, json!(a)).await.expect_problem(422);
    // An obstacle that does not exist is refused on the field.
    let unknown = link(&app, &facilitator, &a, json!(uuid::Uuid::now_v7()))
        .await
        .expect_problem(422);
    assert_eq!(unknown.fields(), ["obstacle_id"]);
    // a joins d's group, and b and c follow it there.
    assert_eq!(
        link(&app, &facilitator, &a, json!(d)).await.expect(200).str("same_as"),
        d
    );
    for follower in [&b, &c] {
        let read = app
            .get(&format!("/obstacles/{follower}"), Some(&facilitator.token))
            .await
            .expect(200);
        assert_eq!(read.str("same_as"), d);
    }
    // null unlinks.
    assert!(link(&app, &facilitator, &b, Value::Null).await.expect(200).body["same_as"].is_null());
}

#[tokio::test]
async fn the_public_record_shows_what_was_raised_and_never_who_logged_it_or_where() {
    let app = spawn_app().await;
    let (facilitator, innovator, raised_one) = scene(&app).await;
    let subject = app
        .get(&format!("/obstacles/{raised_one}"), Some(&facilitator.token))
        .await
        .expect(200)
        .str("subject_id")
        .to_owned();
    let still_logged = log_obstacle(&app, &innovator, "challenge", &subject, "data", 3)
        .await
        .id();
    raise(&app, &facilitator, &raised_one).await.expect(200);
    answer(&app, &facilitator, &raised_one).await.expect(200);
    close(&app, &facilitator, &raised_one).await.expect(200);

    let items = raised_list(&app).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item["id"], raised_one.as_str());
    assert_eq!(item["state"], "closed");
    assert_eq!(item["category"], "regulation");
    assert_eq!(item["step"], 2);
    assert_eq!(item["raised_to"], "Boverket");
    assert!(item["answer"].as_str().unwrap().starts_with("Boverket will"));
    for at in ["raised_at", "answered_at", "closed_at"] {
        assert!(item[at].is_string(), "{at}");
    }
    let mut keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "answer",
            "answered_at",
            "brief",
            "category",
            "closed_at",
            "id",
            "raised_at",
            "raised_to",
            "same_as",
            "state",
            "step"
        ]
    );
    let text = item.to_string();
    for private in [
        innovator.id.as_str(),
        innovator.email.as_str(),
        subject.as_str(),
        CHALLENGE_TITLE,
        "bulky waste",
        &still_logged,
    ] {
        assert!(!text.contains(private), "{private} in {text}");
    }

    // The page is public too, in both languages, and names no one either.
    for (lang, heading) in [("en", "Obstacles raised"), ("sv", "Lyfta hinder")] {
        let (status, page) = app.page("/obstacles/raised", None, lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(heading), "{page}");
        assert!(page.contains("Boverket"));
        assert!(!page.contains(CHALLENGE_TITLE));
        assert!(!page.contains(&innovator.email));
    }
}

#[tokio::test]
async fn the_figures_count_obstacles_by_the_state_they_are_in() {
    let app = spawn_app().await;
    let (facilitator, innovator, first) = scene(&app).await;
    let subject = app
        .get(&format!("/obstacles/{first}"), Some(&facilitator.token))
        .await
        .expect(200)
        .str("subject_id")
        .to_owned();
    let second = log_obstacle(&app, &innovator, "challenge", &subject, "data", 3)
        .await
        .id();
    let _third = log_obstacle(&app, &innovator, "challenge", &subject, "data", 3)
        .await
        .id();
    raise(&app, &facilitator, &first).await.expect(200);
    raise(&app, &facilitator, &second).await.expect(200);
    answer(&app, &facilitator, &second).await.expect(200);
    let figures = app.get("/reports/figures", Some(&facilitator.token)).await.expect(200);
    assert_eq!(
        figures.body["obstacles_by_state"],
        json!({ "logged": 1, "raised": 1, "answered": 1, "closed": 0 })
    );
    let csv = app
        .get("/reports/figures?format=csv", Some(&facilitator.token))
        .await
        .expect(200);
    assert!(csv.text.contains("obstacles_by_state,answered,1"), "{}", csv.text);
}

#[tokio::test]
async fn the_team_raises_and_answers_on_the_obstacles_page() {
    let app = spawn_app().await;
    let (facilitator, innovator, id) = scene(&app).await;
    let (status, page) = app.page(&format!("/obstacles/{id}"), Some(&facilitator), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Raised to") && page.contains(">Raise<"), "{page}");
    assert!(!page.contains("Record answer"), "no answer before it is raised");

    let empty = app
        .form(
            &format!("/obstacles/{id}/raise"),
            &facilitator,
            &[("raised_to", ""), ("brief", ""), ("expected_version", "1")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("govuk-error-summary"), "{}", empty.body);

    let raised = app
        .form(
            &format!("/obstacles/{id}/raise"),
            &facilitator,
            &[
                ("raised_to", "Boverket"),
                ("brief", "Shared pantries."),
                ("expected_version", "1"),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    assert_eq!(raised.location, format!("/obstacles/{id}?saved=1"));
    // A form read before the raise is stale now.
    let stale = app
        .form(
            &format!("/obstacles/{id}/close"),
            &facilitator,
            &[("expected_version", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let (_, page) = app.page(&format!("/obstacles/{id}"), Some(&facilitator), "sv").await;
    assert!(page.contains("Spara svaret"), "{page}");

    // Someone outside the team meets the 404 page, not the forms.
    let (status, _) = app.page(&format!("/obstacles/{id}"), Some(&innovator), "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
