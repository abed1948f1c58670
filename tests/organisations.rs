//! The organisation registry (SPEC §12): facilitators register and edit organisations,
//! anyone signed in reads them; people, challenges, tests and team members name them; the
//! conflict rule compares them by id; and the migration links the free text of before.

use poem::http::Method;
use sea_orm::{ConnectionTrait, Database, Statement, Value};
use serde_json::json;
use sluss_domain::Role;
use sluss_migrations::{Migrator, MigratorTrait};
use uuid::Uuid;

use crate::helpers::*;
use crate::steps::{idea_command, qualified_idea, submitted_idea};

/// Registers an organisation as `facilitator`; its id.
async fn register(app: &TestApp, facilitator: &TestUser, name: &str, kind: &str) -> String {
    app.post(
        "/organisations",
        Some(&facilitator.token),
        json!({ "name": name, "kind": kind }),
    )
    .await
    .expect(201)
    .id()
}

/// Makes `user` a member of `organisation`.
async fn join(app: &TestApp, user: &TestUser, organisation: &str) {
    app.patch("/me", Some(&user.token), json!({ "organisation_id": organisation }))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_facilitator_registers_and_edits_an_organisation_and_everyone_signed_in_reads_it() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let created = app
        .post(
            "/organisations",
            Some(&facilitator.token),
            json!({ "name": " MKB Fastighets AB ", "kind": "housing_company", "org_number": "5560687419", "website": "https://www.mkbfastighet.se" }),
        )
        .await
        .expect(201);
    assert_eq!(created.body["name"], "MKB Fastighets AB");
    assert_eq!(created.body["org_number"], "556068-7419");
    assert_eq!(created.header("etag"), Some("\"1\""));
    let id = created.id();
    let reader = app.innovator().await;
    let read = app
        .get(&format!("/organisations/{id}"), Some(&reader.token))
        .await
        .expect(200);
    assert_eq!(read.body["kind"], "housing_company");
    register(&app, &facilitator, "Botildenborg", "non_profit").await;
    let found = app.get("/organisations?q=mkb", Some(&reader.token)).await.expect(200);
    assert_eq!(found.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["items"][0]["id"], id.as_str());
    let all = app.get("/organisations", Some(&reader.token)).await.expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);

    let edited = app
        .call_with(
            Method::PATCH,
            &format!("/organisations/{id}"),
            Some(&facilitator.token),
            Some(json!({ "kind": "property_owner", "website": null })),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(200);
    assert_eq!(edited.body["kind"], "property_owner");
    assert_eq!(edited.body["website"], serde_json::Value::Null);
    assert_eq!(edited.body["org_number"], "556068-7419");
    assert_eq!(edited.body["version"], 2);
    app.call_with(
        Method::PATCH,
        &format!("/organisations/{id}"),
        Some(&facilitator.token),
        Some(json!({ "name": "MKB" })),
        &[("if-match", "\"1\"")],
    )
    .await
    .expect_problem(412);
}

#[tokio::test]
async fn bad_values_and_a_second_registration_of_a_number_change_nothing() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    for (body, field) in [
        (json!({ "name": "  ", "kind": "builder" }), "name"),
        (
            json!({ "name": "X", "kind": "builder", "org_number": "556068-7418" }),
            "org_number",
        ),
        (
            json!({ "name": "X", "kind": "builder", "org_number": "55606874" }),
            "org_number",
        ),
        (
            json!({ "name": "X", "kind": "builder", "website": "www.x.se" }),
            "website",
        ),
    ] {
        let refused = app
            .post("/organisations", Some(&facilitator.token), body)
            .await
            .expect_problem(422);
        assert_eq!(refused.body["errors"][0]["field"], field, "{}", refused.text);
    }
    app.post(
        "/organisations",
        Some(&facilitator.token),
        json!({ "name": "X", "kind": "guild" }),
    )
    .await
    .expect_problem(400);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM organisations").await, 0);
    let body = json!({ "name": "Sege Park Bygg", "kind": "builder", "org_number": "556036-0793" });
    app.post("/organisations", Some(&facilitator.token), body.clone())
        .await
        .expect(201);
    app.post("/organisations", Some(&facilitator.token), body)
        .await
        .expect_problem(409);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM organisations").await, 1);
}

#[tokio::test]
async fn only_facilitators_register_or_edit() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let id = register(&app, &facilitator, "Brf Sege Park", "residents_association").await;
    for role in [Role::NeedsOwner, Role::Innovator, Role::Assessor] {
        let user = app.user(&[role]).await;
        app.post(
            "/organisations",
            Some(&user.token),
            json!({ "name": "Mine", "kind": "startup" }),
        )
        .await
        .expect_problem(403);
        app.patch(
            &format!("/organisations/{id}"),
            Some(&user.token),
            json!({ "name": "Mine" }),
        )
        .await
        .expect_problem(403);
    }
    app.get("/organisations", None).await.expect_problem(401);
    let unchanged = app.get(&format!("/organisations/{id}"), Some(&facilitator.token)).await;
    assert_eq!(unchanged.body["name"], "Brf Sege Park");
}

#[tokio::test]
async fn a_person_joins_an_organisation_and_their_challenges_are_owned_on_its_behalf() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let brf = register(&app, &facilitator, "Brf Sege Park", "residents_association").await;
    let owner = app.needs_owner().await;
    join(&app, &owner, &brf).await;
    let me = app.get("/me", Some(&owner.token)).await.expect(200);
    assert_eq!(me.body["organisation_id"], brf.as_str());
    assert_eq!(me.body["organisation"], "Brf Sege Park");
    let challenge = app.draft_challenge(&owner).await;
    let read = app.get(&format!("/challenges/{challenge}"), Some(&owner.token)).await;
    assert_eq!(read.body["organisation_id"], brf.as_str());

    // On behalf of another registered organisation, when named.
    let mkb = register(&app, &facilitator, "MKB Fastighets AB", "housing_company").await;
    let other = app
        .post(
            "/challenges",
            Some(&owner.token),
            json!({ "title": "Bins for the new block", "organisation_id": mkb }),
        )
        .await
        .expect(201);
    assert_eq!(other.body["organisation_id"], mkb.as_str());
    let unknown = Uuid::now_v7().to_string();
    let refused = app
        .post(
            "/challenges",
            Some(&owner.token),
            json!({ "title": "Nowhere", "organisation_id": unknown }),
        )
        .await
        .expect_problem(422);
    assert_eq!(refused.body["errors"][0]["field"], "organisation_id");

    // An unknown organisation changes nothing; null leaves it.
    let refused = app
        .patch("/me", Some(&owner.token), json!({ "organisation_id": unknown }))
        .await
        .expect_problem(422);
    assert_eq!(refused.body["errors"][0]["field"], "organisation_id");
    let left = app
        .patch("/me", Some(&owner.token), json!({ "organisation_id": null }))
        .await
        .expect(200);
    assert_eq!(left.body["organisation_id"], serde_json::Value::Null);
    assert_eq!(left.body["organisation"], serde_json::Value::Null);
}

#[tokio::test]
async fn colleagues_of_one_registered_organisation_or_of_two_of_one_name_may_not_assess_each_other() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let startup = register(&app, &facilitator, "Sortera Smart AB", "startup").await;
    let namesake = register(&app, &facilitator, "Sortera Smart AB.", "business").await;
    let innovator = app.user_in(&[Role::Innovator], Some("Sortera Smart")).await;
    join(&app, &innovator, &startup).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    let colleague = app.user_in(&[Role::Assessor], Some("another spelling")).await;
    join(&app, &colleague, &startup).await;
    let refused = app
        .post(
            &format!("/ideas/{idea}/assignments"),
            Some(&facilitator.token),
            json!({ "assessor_id": colleague.id }),
        )
        .await
        .expect_problem(422);
    assert!(refused.text.contains("innovator's organisation"), "{}", refused.text);
    // Another registered organisation of the same name (give or take a dot) may be the
    // same one registered twice: a conflict too.
    let namesake_member = app.assessor().await;
    join(&app, &namesake_member, &namesake).await;
    let refused = app
        .post(
            &format!("/ideas/{idea}/assignments"),
            Some(&facilitator.token),
            json!({ "assessor_id": namesake_member.id }),
        )
        .await
        .expect_problem(422);
    assert!(refused.text.contains("innovator's organisation"), "{}", refused.text);
    let other = register(&app, &facilitator, "Sortera Bygg AB", "business").await;
    let stranger = app.assessor().await;
    join(&app, &stranger, &other).await;
    app.post(
        &format!("/ideas/{idea}/assignments"),
        Some(&facilitator.token),
        json!({ "assessor_id": stranger.id }),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn a_test_names_its_host_and_a_team_member_their_organisation() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let innovator = app.innovator().await;
    let mkb = register(&app, &facilitator, "MKB Fastighets AB", "housing_company").await;
    let unknown = Uuid::now_v7().to_string();
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    let body = |host: &str| {
        json!({
            "site": "Recycling station, Sege Park",
            "host": "MKB Fastighets AB",
            "host_organisation_id": host,
            "starts_on": "2025-05-01",
            "ends_on": "2025-08-31",
            "success_criteria": "200 bookings."
        })
    };
    let refused = app
        .post(
            &format!("/ideas/{idea}/start-testing"),
            Some(&facilitator.token),
            body(&unknown),
        )
        .await
        .expect_problem(422);
    assert_eq!(
        refused.body["errors"][0]["field"], "host_organisation_id",
        "{}",
        refused.text
    );
    idea_command(&app, &idea, "start-testing", &facilitator.token, body(&mkb)).await;
    let test = app.get(&format!("/ideas/{idea}/test"), Some(&facilitator.token)).await;
    assert_eq!(test.body["host_organisation_id"], mkb.as_str(), "{}", test.text);

    let team = |organisation: &str| json!({ "title": "Lids", "team": [{ "name": "Ada", "email": "ada@example.org", "organisation_id": organisation }] });
    let refused = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            team(&unknown),
        )
        .await
        .expect_problem(422);
    assert_eq!(refused.body["errors"][0]["field"], "team.organisation_id");
    let drafted = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            team(&mkb),
        )
        .await
        .expect(201);
    assert_eq!(drafted.body["team"][0]["organisation_id"], mkb.as_str());
}

/// Runs the migrations up to, not including, `name`.
async fn migrate_until(db: &sea_orm::DatabaseConnection, name: &str) {
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let before = names.iter().position(|n| n == name).expect("the migration exists");
    Migrator::up(db, Some(u32::try_from(before).unwrap())).await.unwrap();
}

#[tokio::test]
async fn the_migration_registers_the_organisations_people_typed_and_links_them() {
    let (url, _db) = fresh_database().await;
    let db = Database::connect(url.as_str()).await.unwrap();
    migrate_until(&db, "m20261204_000005_create_organisations").await;
    let backend = db.get_database_backend();
    let now = chrono::Utc::now();
    let people = [
        (Uuid::now_v7(), Some("Brf Sege Park")),
        (Uuid::now_v7(), Some("  brf sege park ")),
        (Uuid::now_v7(), Some("MKB Fastighets AB")),
        (Uuid::now_v7(), Some("   ")),
        (Uuid::now_v7(), None),
    ];
    let p = |n: usize| match backend {
        sea_orm::DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    for (n, (id, organisation)) in people.iter().enumerate() {
        let sql = format!(
            "INSERT INTO users (id, email, display_name, organisation, roles, password_hash, active, version, \
             created_at, updated_at) VALUES ({}, {}, 'Person', {}, 'needs_owner', 'x', {}, 1, {}, {})",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6)
        );
        let values: [Value; 6] = [
            (*id).into(),
            format!("person{n}@example.org").into(),
            organisation.map(str::to_owned).into(),
            true.into(),
            now.into(),
            now.into(),
        ];
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .unwrap();
    }
    let challenge = Uuid::now_v7();
    let sql = format!(
        "INSERT INTO challenges (id, owner_id, title, summary, description, sdgs, blind_assessment, state, \
         version, created_at, updated_at) VALUES ({}, {}, 'Full bins', '', '', ',', {}, 'draft', 1, {}, {})",
        p(1),
        p(2),
        p(3),
        p(4),
        p(5)
    );
    let values: [Value; 5] = [
        challenge.into(),
        people[1].0.into(),
        false.into(),
        now.into(),
        now.into(),
    ];
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap();

    Migrator::up(&db, None).await.unwrap();

    let count = |sql: &'static str| {
        let db = &db;
        async move {
            db.query_one_raw(Statement::from_string(backend, sql))
                .await
                .unwrap()
                .unwrap()
                .try_get::<i64>("", "n")
                .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) AS n FROM organisations").await, 2);
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM organisations WHERE kind = 'other' AND version = 1").await,
        2
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT organisation_id) AS n FROM users WHERE organisation_id IS NOT NULL").await,
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM users WHERE organisation_id IS NULL").await,
        2
    );
    // The two spellings of the residents' association are one organisation, and the
    // challenge of one of them is owned on its behalf.
    assert_eq!(
        count(
            "SELECT COUNT(*) AS n FROM users u JOIN challenges c ON c.organisation_id = u.organisation_id \
             WHERE lower(trim(u.organisation)) = 'brf sege park'"
        )
        .await,
        2
    );
    // The free text stays readable.
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM users WHERE organisation = '  brf sege park '").await,
        1
    );
}

#[tokio::test]
async fn the_team_keeps_the_registry_on_its_pages_and_a_person_chooses_theirs() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let refused = app
        .form(
            "/admin/organisations",
            &facilitator,
            &[
                ("name", "MKB Fastighets AB"),
                ("kind", "housing_company"),
                ("org_number", "556068-7418"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("check digit"), "{}", refused.body);
    let created = app
        .form(
            "/admin/organisations",
            &facilitator,
            &[
                ("name", "MKB Fastighets AB"),
                ("kind", "other"),
                ("org_number", "556068-7419"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(
        (created.status.as_u16(), created.location.as_str()),
        (303, "/admin/organisations")
    );
    let (_, registry) = app.page("/admin/organisations?q=mkb", Some(&facilitator), "en").await;
    assert!(
        registry.contains("MKB Fastighets AB") && registry.contains("556068-7419"),
        "{registry}"
    );
    let id = app.get("/organisations?q=mkb", Some(&facilitator.token)).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The migration registers free text as `other`; the team sets the kind.
    let edited = app
        .form(
            &format!("/admin/organisations/{id}"),
            &facilitator,
            &[
                ("name", "MKB Fastighets AB"),
                ("kind", "housing_company"),
                ("org_number", "556068-7419"),
                ("website", "https://www.mkbfastighet.se"),
                ("expected_version", "1"),
            ],
        )
        .await;
    assert_eq!(edited.status.as_u16(), 303, "{}", edited.body);
    let read = app.get(&format!("/organisations/{id}"), Some(&facilitator.token)).await;
    assert_eq!(read.body["kind"], "housing_company");
    let stale = app
        .form(
            &format!("/admin/organisations/{id}"),
            &facilitator,
            &[("name", "MKB"), ("kind", "housing_company"), ("expected_version", "1")],
        )
        .await;
    assert_eq!(stale.status.as_u16(), 409);

    let person = app.needs_owner().await;
    let (_, settings) = app.page("/me/settings", Some(&person), "en").await;
    assert!(settings.contains(&format!("value=\"{id}\"")), "{settings}");
    let chosen = app
        .form(
            "/me/settings",
            &person,
            &[
                ("settings", "1"),
                ("display_name", "Lina"),
                ("locale", "en"),
                ("organisation_id", &id),
                ("expected_version", "1"),
            ],
        )
        .await;
    assert_eq!(chosen.status.as_u16(), 303, "{}", chosen.body);
    let me = app.get("/me", Some(&person.token)).await;
    assert_eq!(me.body["organisation_id"], id.as_str());
    // As the other pages of the team: not there for anyone else.
    let (status, _) = app.page("/admin/organisations", Some(&person), "en").await;
    assert_eq!(status.as_u16(), 404);
}

#[tokio::test]
async fn settings_name_the_organisation_written_at_registration_and_choose_its_registered_match() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let binly = app
        .post(
            "/organisations",
            Some(&facilitator.token),
            json!({ "name": "Binly AB", "kind": "startup" }),
        )
        .await
        .expect(201)
        .id();
    let wrote_it = app.user_in(&[Role::Innovator], Some("binly ab")).await;
    let wrote_other = app.user_in(&[Role::Innovator], Some("Okänd AB")).await;

    let (_, page) = app.page("/me/settings", Some(&wrote_it), "en").await;
    assert!(page.contains("At registration you wrote “binly ab”."), "{page}");
    assert!(page.contains(&format!("<option value=\"{binly}\" selected>")), "{page}");

    let (_, page) = app.page("/me/settings", Some(&wrote_other), "sv").await;
    assert!(page.contains("Vid registreringen skrev du ”Okänd AB”."));
    assert!(
        !page.contains(" selected>Binly AB"),
        "no match is chosen for another name"
    );
}
