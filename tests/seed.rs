//! `sluss seed`: generated data is consistent with the rules and usable by the API.

use sluss_api::seed::{SeedSize, seed};

use crate::helpers::*;

#[tokio::test]
async fn seeding_fills_every_state_with_matching_events() {
    let app = spawn_app().await;
    let size = SeedSize {
        challenges: 60,
        ideas: 600,
    };
    seed(&app.state, size).await.expect("seeds");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 60);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM ideas").await, 600);
    for state in [
        "draft",
        "submitted",
        "in_assessment",
        "not_qualified",
        "completed",
        "withdrawn",
    ] {
        let sql = format!("SELECT COUNT(*) AS n FROM ideas WHERE state = '{state}'");
        assert!(app.count(&sql).await > 0, "no idea in {state}");
    }
    // Every idea's last event leads to its current state.
    let mismatched = app
        .count(
            "SELECT COUNT(*) AS n FROM ideas i WHERE i.state <> (SELECT e.to_state FROM events e \
             WHERE e.subject_id = i.id ORDER BY e.seq DESC LIMIT 1)",
        )
        .await;
    assert_eq!(mismatched, 0);
    assert!(app.count("SELECT COUNT(*) AS n FROM assignments").await > 0);
}

#[tokio::test]
async fn seeded_data_serves_lists_search_and_the_funnel() {
    let app = spawn_app().await;
    let accounts = seed(
        &app.state,
        SeedSize {
            challenges: 40,
            ideas: 300,
        },
    )
    .await
    .unwrap();
    let session = app
        .post(
            "/auth/login",
            None,
            serde_json::json!({ "email": accounts.facilitator, "password": accounts.password }),
        )
        .await
        .expect(200);
    let token = session.str("token").to_owned();
    let page = app.get("/challenges?state=published&limit=10", None).await.expect(200);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 10);
    app.get("/challenges?q=recycling", None).await.expect(200);
    let funnel = app.get("/reports/funnel", Some(&token)).await.expect(200);
    let ideas: u64 = funnel.body["ideas"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(ideas, 300);
}

#[tokio::test]
async fn seeding_refuses_a_database_that_holds_challenges() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    app.draft_challenge(&owner).await;
    assert!(
        seed(
            &app.state,
            SeedSize {
                challenges: 5,
                ideas: 5
            }
        )
        .await
        .is_err()
    );
}
