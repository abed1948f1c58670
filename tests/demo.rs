//! `sluss serve --demo`: the demo cases load once, only into an empty database.

use sluss_api::demo;

use crate::helpers::*;

#[tokio::test]
async fn the_demo_fills_all_five_steps() {
    let app = spawn_app().await;
    let data = demo::load(&app.state)
        .await
        .expect("demo loads")
        .expect("database was empty");
    assert!(data.accounts.len() >= 10);
    assert!(data.password.len() >= 15);
    let states = |table: &str, state: &str| format!("SELECT COUNT(*) AS n FROM {table} WHERE state = '{state}'");
    for (table, state) in [
        ("challenges", "published"),
        ("challenges", "draft"),
        ("ideas", "draft"),
        ("ideas", "submitted"),
        ("ideas", "in_assessment"),
        ("ideas", "not_qualified"),
        ("ideas", "in_incubation"),
        ("ideas", "in_testing"),
        ("ideas", "completed"),
        ("ideas", "discontinued"),
    ] {
        assert!(app.count(&states(table, state)).await > 0, "no {table} in {state}");
    }
    assert!(app.count("SELECT COUNT(*) AS n FROM obstacles").await >= 4);
    // An obstacle raised to a national authority, with its answer (SPEC §18).
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM obstacles WHERE raised_to = 'Boverket' AND state = 'answered'")
            .await,
        1
    );
    assert!(
        app.count("SELECT COUNT(*) AS n FROM obstacles WHERE state = 'raised'")
            .await
            >= 1
    );
    assert!(app.count("SELECT COUNT(*) AS n FROM spread_activities").await >= 2);
    // Organisations of every kind, the people in them, and the tests' hosts (SPEC §12).
    for kind in sluss_domain::organisation::OrganisationKind::ALL {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM organisations WHERE kind = '{}'",
            kind.as_str()
        );
        assert!(app.count(&sql).await > 0, "no organisation of kind {}", kind.as_str());
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users WHERE organisation_id IS NULL")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM idea_tests WHERE host_organisation_id IS NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn the_demo_accounts_log_in_with_the_printed_password() {
    let app = spawn_app().await;
    let data = demo::load(&app.state).await.unwrap().unwrap();
    let facilitator = data.accounts.iter().find(|a| a.roles == "facilitator").unwrap();
    let session = app
        .post(
            "/auth/login",
            None,
            serde_json::json!({ "email": facilitator.email, "password": data.password }),
        )
        .await
        .expect(200);
    let funnel = app.get("/reports/funnel", Some(session.str("token"))).await.expect(200);
    assert_eq!(funnel.body["ideas"]["completed"], 1);
}

#[tokio::test]
async fn the_demo_loads_only_once_and_only_into_an_empty_database() {
    let app = spawn_app().await;
    assert!(demo::load(&app.state).await.unwrap().is_some());
    let challenges = app.count("SELECT COUNT(*) AS n FROM challenges").await;
    assert!(demo::load(&app.state).await.unwrap().is_none());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, challenges);

    let other = spawn_app().await;
    let owner = other.needs_owner().await;
    other.draft_challenge(&owner).await;
    assert!(demo::load(&other.state).await.unwrap().is_none());
    assert_eq!(other.count("SELECT COUNT(*) AS n FROM challenges").await, 1);
}

#[tokio::test]
async fn the_demo_is_written_in_swedish_so_a_search_for_avfall_finds_a_challenge() {
    let app = spawn_app().await;
    demo::load(&app.state).await.unwrap().unwrap();
    let found = app.get("/challenges?q=avfall", None).await.expect(200);
    let titles: Vec<&str> = found.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Avfallstjänster för hushåll utan bil"),
        "a search for avfall found {titles:?}"
    );
}
