//! The export of everything stored about a person.

use poem::http::Method;
use serde_json::{Value, json};
use sluss_domain::Role;

use super::*;

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
