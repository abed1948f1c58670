//! Privacy: a person's export of everything stored about them, and the erasure of their
//! personal data with the anonymised pipeline kept.

use poem::http::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sluss_api::persistence::entities::{events, sessions};
use sluss_domain::{Actor, Role, UserId};

use crate::helpers::*;

/// The default rubric's keys, each scored 3.
fn scorecard() -> Value {
    let keys = [
        "need_fit",
        "social_impact",
        "environmental_impact",
        "economic_impact",
        "feasibility",
        "novelty",
        "scalability",
    ];
    let scores: serde_json::Map<String, Value> = keys.iter().map(|k| ((*k).to_owned(), json!(3))).collect();
    json!({ "scores": scores, "comment": "Clear need, modest cost." })
}

/// Drafts an idea of `innovator` on `challenge` with `team` and submits it; its id.
async fn submitted_idea(app: &TestApp, challenge: &str, innovator: &TestUser, title: &str, team: Value) -> String {
    let id = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({ "title": title, "summary": "Sensors in bins.", "description": "Fill levels plan the round.", "team": team }),
        )
        .await
        .expect(201)
        .id();
    app.post(&format!("/ideas/{id}/submit"), Some(&innovator.token), json!({}))
        .await
        .expect(200);
    id
}

/// Anna (needs-owner and innovator) owns a published challenge, asked a question on it,
/// wrote an idea listing herself and Bo, logged an obstacle; Cy wrote an idea listing
/// Anna and Dee, which is in assessment. Ids of what the tests look at.
struct Scene {
    facilitator: TestUser,
    anna: TestUser,
    cy: TestUser,
    challenge: String,
    annas_idea: String,
    cys_idea: String,
}

async fn scene(app: &TestApp) -> Scene {
    let facilitator = app.facilitator().await;
    let anna = app
        .user_in(&[Role::NeedsOwner, Role::Innovator], Some("Brf Sege Park"))
        .await;
    let cy = app.innovator().await;
    let challenge = app.published_challenge(&anna, &facilitator).await;
    app.post(
        &format!("/challenges/{challenge}/questions"),
        Some(&anna.token),
        json!({ "text": "May ideas use the bin rooms?" }),
    )
    .await
    .expect(201);
    let annas_team =
        json!([{ "name": "Anna Andersson", "email": anna.email }, { "name": "Bo", "email": "bo@example.org" }]);
    let annas_idea = submitted_idea(app, &challenge, &anna, "Anna's sensors", annas_team).await;
    let cys_team = json!([{ "name": "Anna A.", "email": anna.email }, { "name": "Dee", "email": "dee@example.org" }]);
    let cys_idea = submitted_idea(app, &challenge, &cy, "Cy's compost club", cys_team).await;
    app.post(
        &format!("/ideas/{cys_idea}/start-assessment"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        "/obstacles",
        Some(&anna.token),
        json!({ "subject_type": "challenge", "subject_id": challenge, "category": "regulation", "description": "Bin rooms are the landlord's.", "step": 2 }),
    )
    .await
    .expect(201);
    Scene {
        facilitator,
        anna,
        cy,
        challenge,
        annas_idea,
        cys_idea,
    }
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item["id"].as_str().unwrap_or_default())
        .collect()
}

fn uuid_of(user: &TestUser) -> uuid::Uuid {
    user.id.parse().unwrap()
}

/// The body of a GET that must answer 200.
async fn read(app: &TestApp, path: &str, token: &str) -> Value {
    app.get(path, Some(token)).await.expect(200).body
}

async fn erase(app: &TestApp, id: &str, facilitator: &TestUser, body: Value) -> Reply {
    app.post(&format!("/users/{id}/erase"), Some(&facilitator.token), body)
        .await
}

#[tokio::test]
async fn an_export_holds_the_callers_own_data_as_a_file_and_no_secrets() {
    // Arrange
    let app = spawn_app().await;
    let s = scene(&app).await;

    // Act
    let export = app.get("/me/export", Some(&s.anna.token)).await.expect(200);

    // Assert: a file named after the person, not to be cached
    let disposition = format!("attachment; filename=\"sluss-export-{}.json\"", s.anna.id);
    assert_eq!(export.header("content-disposition"), Some(disposition.as_str()));
    assert_eq!(export.header("cache-control"), Some("no-store"));
    let data = &export.body;
    assert_eq!(data["user"]["id"], json!(s.anna.id));
    assert_eq!(data["user"]["email"], json!(s.anna.email));
    assert_eq!(data["user"]["organisation"], "Brf Sege Park");
    assert_eq!(data["user"]["roles"], json!(["needs_owner", "innovator"]));
    assert_eq!(ids(&data["challenges"]), vec![s.challenge.as_str()]);
    assert_eq!(ids(&data["ideas"]), vec![s.annas_idea.as_str()]);
    assert_eq!(data["ideas"][0]["team"][1]["email"], "bo@example.org");
    assert_eq!(data["questions"][0]["text"], "May ideas use the bin rooms?");
    assert_eq!(data["obstacles"][0]["category"], "regulation");
    assert_eq!(data["sessions"].as_array().unwrap().len(), 1);
    let session = data["sessions"][0].as_object().unwrap();
    let mut keys: Vec<&str> = session.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, vec!["created_at", "expires_at"]);
    // No secret: neither the token nor any hash
    for secret in [s.anna.token.as_str(), "$argon2", "password", "token_hash"] {
        assert!(!export.text.contains(secret), "the export holds {secret}");
    }
}

#[tokio::test]
async fn an_export_lists_the_person_on_others_teams_and_nothing_else_of_theirs() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let export = app.get("/me/export", Some(&s.anna.token)).await.expect(200);

    // Anna's entry on Cy's team, and only hers
    let listings = export.body["team_listings"].as_array().unwrap();
    assert_eq!(listings.len(), 1, "{}", export.text);
    assert_eq!(listings[0]["idea_id"], json!(s.cys_idea));
    assert_eq!(
        listings[0]["member"],
        json!({ "name": "Anna A.", "email": s.anna.email })
    );
    // Nothing of Cy's: not the idea's text, not the co-applicant, not Cy's events
    for foreign in ["Cy's compost club", "dee@example.org", s.cy.email.as_str()] {
        assert!(!export.text.contains(foreign), "the export holds {foreign}");
    }
    let actors_or_subjects_ok = export.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|event| event["actor_id"] == json!(s.anna.id) || event["subject_id"] == json!(s.anna.id));
    assert!(actors_or_subjects_ok, "{}", export.text);
    let commands: Vec<&str> = export.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["command"].as_str().unwrap())
        .collect();
    assert!(
        commands.contains(&"submit") && commands.contains(&"create"),
        "{commands:?}"
    );
}

#[tokio::test]
async fn an_assessors_export_holds_assignments_conflicts_scorecards_and_an_owners_its_answers() {
    // Arrange: an assessor scores one idea and declares a conflict on another; the owner answers
    let app = spawn_app().await;
    let s = scene(&app).await;
    let assessor = app.user_in(&[Role::Assessor], Some("Malmö stad")).await;
    let assign = |idea: String| {
        let (app, facilitator, assessor) = (&app, &s.facilitator, &assessor);
        async move {
            app.post(
                &format!("/ideas/{idea}/assignments"),
                Some(&facilitator.token),
                json!({ "assessor_id": assessor.id }),
            )
            .await
            .expect(201)
            .id()
        }
    };
    assign(s.cys_idea.clone()).await;
    let conflicted = assign(s.annas_idea.clone()).await;
    app.call(
        Method::PUT,
        &format!("/ideas/{}/scorecard", s.cys_idea),
        Some(&assessor.token),
        Some(scorecard()),
    )
    .await
    .expect(200);
    app.post(
        &format!("/assignments/{conflicted}/declare-conflict"),
        Some(&assessor.token),
        json!({ "reason": "I advised the applicant." }),
    )
    .await
    .expect(200);
    let question = app
        .get(&format!("/challenges/{}/questions", s.challenge), None)
        .await
        .expect(200)
        .body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/questions/{question}/answer"),
        Some(&s.anna.token),
        json!({ "text": "Yes, two of them." }),
    )
    .await
    .expect(200);

    // Act
    let assessors = app.get("/me/export", Some(&assessor.token)).await.expect(200);
    let owners = app.get("/me/export", Some(&s.anna.token)).await.expect(200);

    // Assert
    let data = &assessors.body;
    assert_eq!(data["assignments"].as_array().unwrap().len(), 2);
    let conflict = data["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == json!(conflicted))
        .unwrap();
    assert_eq!(conflict["state"], "conflict_declared");
    assert_eq!(conflict["conflict_reason"], "I advised the applicant.");
    assert_eq!(data["scorecards"][0]["idea_id"], json!(s.cys_idea));
    assert_eq!(data["scorecards"][0]["scores"]["need_fit"], 3);
    assert_eq!(data["scorecards"][0]["comment"], "Clear need, modest cost.");
    assert!(data["ideas"].as_array().unwrap().is_empty());
    assert_eq!(owners.body["answers"][0]["question_id"], json!(question));
    assert_eq!(owners.body["answers"][0]["text"], "Yes, two of them.");
}

#[tokio::test]
async fn a_facilitator_exports_a_persons_data_and_the_person_sees_that_in_their_history() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let by_team = app
        .get(&format!("/users/{}/export", s.anna.id), Some(&s.facilitator.token))
        .await
        .expect(200);
    assert_eq!(by_team.body["user"]["email"], json!(s.anna.email));
    assert_eq!(ids(&by_team.body["ideas"]), vec![s.annas_idea.as_str()]);

    let own = app.get("/me/export", Some(&s.anna.token)).await.expect(200);
    let exports: Vec<&Value> = own.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["command"] == "export")
        .collect();
    assert_eq!(exports.len(), 1, "{}", own.text);
    assert_eq!(exports[0]["actor_id"], json!(s.facilitator.id));
    assert_eq!(exports[0]["subject_id"], json!(s.anna.id));
}

#[tokio::test]
async fn others_cannot_export_a_person_and_an_unknown_id_answers_404() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    app.get(&format!("/users/{}/export", s.anna.id), Some(&s.cy.token))
        .await
        .expect_problem(404);
    app.get(
        &format!("/users/{}/export", uuid::Uuid::now_v7()),
        Some(&s.facilitator.token),
    )
    .await
    .expect_problem(404);
    app.get("/me/export", None).await.expect_problem(401);
}

#[tokio::test]
async fn an_erased_account_shows_placeholders_and_is_locked_out_at_once() {
    // Arrange
    let app = spawn_app().await;
    let s = scene(&app).await;
    app.get("/me", Some(&s.anna.token)).await.expect(200);

    // Act
    let erased = erase(
        &app,
        &s.anna.id,
        &s.facilitator,
        json!({ "reason": "Request 2026-114" }),
    )
    .await
    .expect(200);

    // Assert: placeholders, the id kept, tokens and password dead
    let placeholder = format!("erased-{}@invalid", s.anna.id.replace('-', ""));
    for user in [
        erased.body.clone(),
        app.get(&format!("/users/{}", s.anna.id), Some(&s.facilitator.token))
            .await
            .expect(200)
            .body,
    ] {
        assert_eq!(user["id"], json!(s.anna.id));
        assert_eq!(user["email"], json!(placeholder));
        assert_eq!(user["display_name"], "Erased user");
        assert!(user["organisation"].is_null());
        assert_eq!(user["active"], false);
        assert_eq!(user["roles"], json!(["needs_owner", "innovator"]));
    }
    app.get("/me", Some(&s.anna.token)).await.expect_problem(401);
    for email in [s.anna.email.as_str(), placeholder.as_str()] {
        app.post("/auth/login", None, json!({ "email": email, "password": PASSWORD }))
            .await
            .expect_problem(401);
    }
    let sessions_left = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(uuid_of(&s.anna)))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(sessions_left, 0);
}

#[tokio::test]
async fn histories_and_the_funnel_count_the_same_after_an_erasure() {
    // Arrange
    let app = spawn_app().await;
    let s = scene(&app).await;
    let paths = [
        format!("/challenges/{}/history", s.challenge),
        format!("/ideas/{}/history", s.annas_idea),
        format!("/ideas/{}/history", s.cys_idea),
    ];
    let token = s.facilitator.token.as_str();
    let funnel_before = read(&app, "/reports/funnel", token).await;
    let mut before = Vec::new();
    for path in &paths {
        before.push(read(&app, path, token).await);
    }

    // Act
    erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);

    // Assert: the same events, in the same order, with Anna's id as their actor
    assert_eq!(read(&app, "/reports/funnel", token).await, funnel_before);
    for (path, before) in paths.iter().zip(before) {
        assert_eq!(read(&app, path, token).await, before, "{path}");
    }
    let annas = read(&app, &paths[1], token).await;
    assert!(
        annas
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["actor_id"] == json!(s.anna.id))
    );
}

#[tokio::test]
async fn erasure_removes_the_person_from_every_idea_team_and_keeps_the_others() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let version_before = app
        .get(&format!("/ideas/{}", s.cys_idea), Some(&s.facilitator.token))
        .await
        .expect(200)
        .body["version"]
        .clone();

    erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);

    let annas = app
        .get(&format!("/ideas/{}", s.annas_idea), Some(&s.facilitator.token))
        .await
        .expect(200);
    assert_eq!(annas.body["team"], json!([{ "name": "Bo", "email": "bo@example.org" }]));
    let cys = app
        .get(&format!("/ideas/{}", s.cys_idea), Some(&s.facilitator.token))
        .await
        .expect(200);
    assert_eq!(cys.body["team"], json!([{ "name": "Dee", "email": "dee@example.org" }]));
    assert_eq!(cys.body["state"], "in_assessment");
    assert_eq!(cys.body["version"], json!(version_before.as_i64().unwrap() + 1));
}

#[tokio::test]
async fn erasure_is_recorded_without_personal_data_and_leaves_none_in_the_persons_record() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    erase(
        &app,
        &s.anna.id,
        &s.facilitator,
        json!({ "reason": "Request 2026-114" }),
    )
    .await
    .expect(200);

    let record = app
        .get(&format!("/users/{}/export", s.anna.id), Some(&s.facilitator.token))
        .await
        .expect(200);
    let erasure = record.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["command"] == "erase")
        .unwrap_or_else(|| panic!("no erase event: {}", record.text));
    assert_eq!(erasure["actor_id"], json!(s.facilitator.id));
    assert_eq!(erasure["from_state"], "active");
    assert_eq!(erasure["to_state"], "erased");
    assert_eq!(erasure["payload"]["reason"], "Request 2026-114");
    assert_eq!(erasure["payload"]["team_entries_removed"], 2);
    for personal in [s.anna.email.as_str(), "Anna Andersson", "Anna A.", "Brf Sege Park"] {
        assert!(!record.text.contains(personal), "{personal} is still stored");
    }
    let sql = format!("SELECT COUNT(*) AS n FROM ideas WHERE team LIKE '%{}%'", s.anna.email);
    assert_eq!(app.count(&sql).await, 0);
}

#[tokio::test]
async fn the_erased_email_is_free_to_register_again() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);
    let again = app
        .post(
            "/auth/register",
            None,
            json!({ "email": s.anna.email, "password": PASSWORD, "display_name": "Anna", "roles": ["innovator"] }),
        )
        .await
        .expect(201);
    assert_ne!(again.id(), s.anna.id);
}

#[tokio::test]
async fn erasing_twice_answers_409_and_changes_nothing() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let first = erase(&app, &s.anna.id, &s.facilitator, json!({})).await.expect(200);
    erase(&app, &s.anna.id, &s.facilitator, json!({}))
        .await
        .expect_problem(409);
    let now = app
        .get(&format!("/users/{}", s.anna.id), Some(&s.facilitator.token))
        .await
        .expect(200);
    assert_eq!(now.body, first.body);
    let erasures = events::Entity::find()
        .filter(events::Column::SubjectId.eq(uuid_of(&s.anna)))
        .filter(events::Column::Command.eq("erase"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(erasures, 1);
}

/// The person is unchanged: their token works and their e-mail is theirs.
async fn untouched(app: &TestApp, person: &TestUser) {
    let me = app.get("/me", Some(&person.token)).await.expect(200);
    assert_eq!(me.body["email"], json!(person.email));
}

#[tokio::test]
async fn a_facilitator_cannot_erase_themselves() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    app.facilitator().await;
    let reply = erase(&app, &facilitator.id, &facilitator, json!({}))
        .await
        .expect_problem(422);
    assert_eq!(reply.fields(), vec!["id"]);
    untouched(&app, &facilitator).await;
}

#[tokio::test]
async fn the_last_active_facilitator_is_never_erased() {
    // Arrange: the only facilitator, and a caller whose own account is gone (as when it
    // was deactivated between the token check and the erasure)
    let app = spawn_app().await;
    let only = app.facilitator().await;
    let caller = Actor {
        id: UserId(uuid::Uuid::now_v7()),
        roles: [Role::Facilitator].into_iter().collect(),
    };

    // Act
    let result = sluss_api::routes::privacy::erase(&app.state, uuid_of(&only), &caller, None, None).await;

    // Assert
    let error = result.err().expect("refused");
    assert_eq!(error.to_string().split(':').next(), Some("409 Conflict"), "{error}");
    untouched(&app, &only).await;
}

#[tokio::test]
async fn another_facilitator_may_be_erased_while_one_stays_active() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let other = app.facilitator().await;
    erase(&app, &other.id, &facilitator, json!({})).await.expect(200);
    untouched(&app, &facilitator).await;
}

#[tokio::test]
async fn people_without_the_facilitator_role_cannot_erase_anyone() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    for caller in [&s.cy, &app.assessor().await, &app.needs_owner().await] {
        erase(&app, &s.anna.id, caller, json!({})).await.expect_problem(404);
        erase(&app, &caller.id, caller, json!({})).await.expect_problem(403);
        untouched(&app, caller).await;
    }
    untouched(&app, &s.anna).await;
}

#[tokio::test]
async fn erasing_an_unknown_id_answers_404() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    erase(&app, &uuid::Uuid::now_v7().to_string(), &facilitator, json!({}))
        .await
        .expect_problem(404);
}

#[tokio::test]
async fn an_over_long_reason_or_a_stale_version_erases_nothing() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let reply = erase(&app, &s.anna.id, &s.facilitator, json!({ "reason": "x".repeat(2_001) }))
        .await
        .expect_problem(422);
    assert_eq!(reply.fields(), vec!["reason"]);
    let stale = erase(&app, &s.anna.id, &s.facilitator, json!({ "expected_version": 9 }))
        .await
        .expect_problem(409);
    assert_eq!(stale.body["current_version"], 1);
    untouched(&app, &s.anna).await;
}
