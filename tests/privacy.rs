//! Privacy: a person's export of everything stored about them, and the erasure of their
//! personal data with the anonymised pipeline kept.

use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::*;

mod erasure;
mod export;

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

/// The person is unchanged: their token works and their e-mail is theirs.
async fn untouched(app: &TestApp, person: &TestUser) {
    let me = app.get("/me", Some(&person.token)).await.expect(200);
    assert_eq!(me.body["email"], json!(person.email));
}
