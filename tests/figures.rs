//! The figures a city reports to its funder (SPEC §12, ADR 0018) over HTTP: a known
//! history, every figure, the arena and the period, CSV.
//!
//! The registry's API is not in this branch: the organisations, and the links the API
//! cannot set yet (an account's organisation, a challenge's, a team member's), are written
//! with SQL — those few statements only; everything else goes through the API.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use sea_orm::{ConnectionTrait, Value};
use serde_json::json;
use sluss_api::persistence::statement;
use sluss_domain::Role;
use uuid::Uuid;

use crate::helpers::*;
use crate::steps::{complete, draft_idea, idea_command, log_obstacle, qualified_idea, start_incubation, start_testing};

/// Runs one SQL statement with `?` placeholders.
pub(crate) async fn sql(app: &TestApp, sql: &str, values: Vec<Value>) {
    let backend = app.state.db.get_database_backend();
    app.state
        .db
        .execute_raw(statement(backend, sql, values))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Registers an organisation (SQL: the registry's API is built elsewhere).
pub(crate) async fn organisation(app: &TestApp, name: &str, kind: &str) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    sql(
        app,
        "INSERT INTO organisations (id, name, kind, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)",
        vec![id.into(), name.into(), kind.into(), now.into(), now.into()],
    )
    .await;
    id
}

/// Puts an account in an organisation (SQL: PATCH /me cannot yet).
pub(crate) async fn join(app: &TestApp, user: &TestUser, organisation: Uuid) {
    let id: Uuid = user.id.parse().unwrap();
    sql(
        app,
        "UPDATE users SET organisation_id = ? WHERE id = ?",
        vec![organisation.into(), id.into()],
    )
    .await;
}

fn uuid(id: &str) -> Uuid {
    id.parse().unwrap()
}

/// An RFC 3339 UTC timestamp for a query string.
pub(crate) fn timestamp(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// What [`history`] built.
pub(crate) struct History {
    pub facilitator: TestUser,
    /// Every account made, for the privacy checks.
    pub people: Vec<TestUser>,
    /// Between the two phases.
    pub moment: String,
    pub arena: String,
    pub planned_arena: String,
    pub in_arena: String,
    pub elsewhere: String,
    pub draft_challenge: String,
    pub tested_idea: String,
    pub later_idea: String,
    pub skanska: Uuid,
}

/// The known history, in two phases split by `moment`.
///
/// Before: MKB Fastighets AB (housing company) owns a challenge in the arena through its
/// employee; a challenge elsewhere is owned on behalf of Skanska (builder) by a person of
/// no organisation; an innovator of no organisation submits an idea with Anna on the team,
/// two assessors of the unregistered "Org" score it, Minc (a support organisation)
/// incubates it and it is tested at MKB's site (its host named in free text) and adopted;
/// two learning workshops and a property-owner dialogue held today; obstacles of data (on
/// the challenge) and financing (on the idea).
///
/// After: an innovator of Binly (start-up) submits an idea on the other challenge, with
/// Anna, a member of Skanska and the innovator's own address on the team; a publication
/// dated tomorrow; an obstacle of regulation.
pub(crate) async fn history(app: &TestApp) -> History {
    let mkb = organisation(app, "MKB Fastighets AB", "housing_company").await;
    let skanska = organisation(app, "Skanska", "builder").await;
    let binly = organisation(app, "Binly", "startup").await;
    let facilitator = app.facilitator().await;
    let mkb_owner = app.needs_owner().await;
    join(app, &mkb_owner, mkb).await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let binly_innovator = app.innovator().await;
    join(app, &binly_innovator, binly).await;

    let arena = app.open_arena(&facilitator).await;
    let planned_arena = app.planned_arena(&facilitator).await;
    let in_arena = app.submitted_challenge(&mkb_owner).await;
    app.challenge_command(&in_arena, "publish", &facilitator.token, json!({ "arena_id": arena }))
        .await;
    let elsewhere = app.draft_challenge(&owner).await;
    sql(
        app,
        "UPDATE challenges SET organisation_id = ? WHERE id = ?",
        vec![skanska.into(), uuid(&elsewhere).into()],
    )
    .await;
    app.challenge_command(&elsewhere, "submit", &owner.token, json!({}))
        .await;
    app.challenge_command(&elsewhere, "publish", &facilitator.token, json!({}))
        .await;
    let draft_challenge = app.draft_challenge(&owner).await;

    let tested_idea = qualified_idea(app, &facilitator, &innovator, &in_arena).await;
    start_incubation(app, &tested_idea, &facilitator).await;
    start_testing(app, &tested_idea, &facilitator).await;
    let today = Utc::now().date_naive();
    for (kind, title) in [
        ("learning_workshop", "What the bins taught us"),
        ("learning_workshop", "Cargo bikes for everyone"),
        ("property_owner_dialogue", "Booking at other stations"),
    ] {
        app.post(
            &format!("/ideas/{tested_idea}/test/spread-activities"),
            Some(&facilitator.token),
            json!({ "kind": kind, "title": title, "held_on": today.to_string() }),
        )
        .await
        .expect(201);
    }
    complete(app, &tested_idea, &facilitator, "adopted").await;
    log_obstacle(app, &mkb_owner, "challenge", &in_arena, "data", 1).await;
    log_obstacle(app, &innovator, "idea", &tested_idea, "financing", 4).await;

    tokio::time::sleep(Duration::from_millis(50)).await;
    let moment = timestamp(Utc::now());
    tokio::time::sleep(Duration::from_millis(50)).await;

    let later_idea = draft_idea(app, &binly_innovator, &elsewhere).await;
    let team = json!([
        { "name": "Anna Svensson", "email": "ANNA@example.org" },
        { "name": "Bo Ek", "email": "bo@example.org", "organisation_id": skanska },
        { "name": "Myself", "email": binly_innovator.email.to_uppercase() },
    ]);
    sql(
        app,
        "UPDATE ideas SET team = ? WHERE id = ?",
        vec![team.to_string().into(), uuid(&later_idea).into()],
    )
    .await;
    idea_command(app, &later_idea, "submit", &binly_innovator.token, json!({})).await;
    let tomorrow = today.succ_opt().unwrap();
    app.post(
        &format!("/ideas/{tested_idea}/test/spread-activities"),
        Some(&facilitator.token),
        json!({ "kind": "publication", "title": "Report to the funder", "held_on": tomorrow.to_string() }),
    )
    .await
    .expect(201);
    log_obstacle(app, &owner, "challenge", &elsewhere, "regulation", 2).await;

    History {
        people: vec![facilitator.clone(), mkb_owner, owner, innovator, binly_innovator],
        facilitator,
        moment,
        arena,
        planned_arena,
        in_arena,
        elsewhere,
        draft_challenge,
        tested_idea,
        later_idea,
        skanska,
    }
}

/// `{kind → n}` over every spread kind.
fn learning(counts: &[(&str, u64)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for kind in ["learning_workshop", "other", "property_owner_dialogue", "publication"] {
        let n = counts.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n);
        map.insert(kind.to_owned(), json!(n));
    }
    serde_json::Value::Object(map)
}

/// `{category → n}` over every obstacle category.
fn categories(counts: &[(&str, u64)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for category in crate::steps::CATEGORIES {
        let n = counts.iter().find(|(c, _)| *c == category).map_or(0, |(_, n)| *n);
        map.insert(category.to_owned(), json!(n));
    }
    serde_json::Value::Object(map)
}

/// Asserts the three counts of a figures body.
#[track_caller]
fn assert_counts(reply: &Reply, actors: u64, owners: u64, tested: u64) {
    let body = &reply.body;
    assert_eq!(
        body["actors_involved"],
        json!(actors),
        "actors_involved of {}",
        reply.text
    );
    assert_eq!(
        body["property_owners_and_builders"],
        json!(owners),
        "property_owners_and_builders of {}",
        reply.text
    );
    assert_eq!(
        body["innovations_tested"],
        json!(tested),
        "innovations_tested of {}",
        reply.text
    );
}

#[tokio::test]
async fn the_figures_count_every_actor_once_and_every_figure_of_the_whole_history() {
    // Arrange
    let app = spawn_app().await;
    let h = history(&app).await;

    // Act
    let reply = app
        .get("/reports/figures", Some(&h.facilitator.token))
        .await
        .expect(200);

    // Assert: MKB (owned, hosted), Skanska (owned, on a team), the innovator, Anna, "Org"
    // (two assessors), Minc, Binly (its innovator, also on its own team).
    assert!(
        reply
            .header("content-type")
            .unwrap_or_default()
            .starts_with("application/json")
    );
    assert_counts(&reply, 7, 2, 1);
    assert_eq!(reply.body["forms_of_learning"]["kinds_used"], 3, "{}", reply.text);
    assert_eq!(
        reply.body["forms_of_learning"]["by_kind"],
        learning(&[
            ("learning_workshop", 2),
            ("property_owner_dialogue", 1),
            ("publication", 1)
        ])
    );
    assert_eq!(
        reply.body["obstacles"],
        categories(&[("data", 1), ("financing", 1), ("regulation", 1)])
    );
}

#[tokio::test]
async fn the_figures_of_a_period_count_each_act_by_its_own_time() {
    // Arrange
    let app = spawn_app().await;
    let h = history(&app).await;
    let token = Some(h.facilitator.token.as_str());

    // Act
    let before = app
        .get(&format!("/reports/figures?until={}", h.moment), token)
        .await
        .expect(200);
    let after = app
        .get(&format!("/reports/figures?since={}", h.moment), token)
        .await
        .expect(200);
    let future = timestamp(Utc::now() + chrono::Duration::days(3));
    let later = app
        .get(&format!("/reports/figures?since={future}"), token)
        .await
        .expect(200);

    // Assert: before, MKB, Skanska, the innovator, Anna, "Org", Minc; after, Binly, Anna,
    // Skanska (a team member of it) — the innovator's own address on the team is Binly.
    assert_counts(&before, 6, 2, 1);
    assert_eq!(before.body["forms_of_learning"]["kinds_used"], 2, "{}", before.text);
    assert_eq!(
        before.body["forms_of_learning"]["by_kind"],
        learning(&[("learning_workshop", 2), ("property_owner_dialogue", 1)])
    );
    assert_eq!(before.body["obstacles"], categories(&[("data", 1), ("financing", 1)]));
    assert_counts(&after, 3, 1, 0);
    assert_eq!(after.body["forms_of_learning"]["kinds_used"], 1, "{}", after.text);
    assert_eq!(
        after.body["forms_of_learning"]["by_kind"],
        learning(&[("publication", 1)])
    );
    assert_eq!(after.body["obstacles"], categories(&[("regulation", 1)]));
    assert_counts(&later, 0, 0, 0);
    assert_eq!(later.body["forms_of_learning"]["kinds_used"], 0);
    assert_eq!(later.body["obstacles"], categories(&[]));
}

#[tokio::test]
async fn the_figures_of_an_arena_count_only_its_challenges_and_their_ideas() {
    // Arrange
    let app = spawn_app().await;
    let h = history(&app).await;
    let token = Some(h.facilitator.token.as_str());

    // Act
    let arena = app
        .get(&format!("/reports/figures?arena_id={}", h.arena), token)
        .await
        .expect(200);
    let arena_after = app
        .get(
            &format!("/reports/figures?arena_id={}&since={}", h.arena, h.moment),
            token,
        )
        .await
        .expect(200);
    let unknown = app
        .get(&format!("/reports/figures?arena_id={}", Uuid::now_v7()), token)
        .await
        .expect(200);

    // Assert: MKB, the innovator, Anna, "Org", Minc; the publication is about the tested
    // idea, in the arena, and dated after the moment.
    assert_counts(&arena, 5, 1, 1);
    assert_eq!(arena.body["forms_of_learning"]["kinds_used"], 3, "{}", arena.text);
    assert_eq!(arena.body["obstacles"], categories(&[("data", 1), ("financing", 1)]));
    assert_counts(&arena_after, 0, 0, 0);
    assert_eq!(
        arena_after.body["forms_of_learning"]["by_kind"],
        learning(&[("publication", 1)])
    );
    assert_eq!(arena_after.body["obstacles"], categories(&[]));
    assert_counts(&unknown, 0, 0, 0);
    assert_eq!(unknown.body["forms_of_learning"]["kinds_used"], 0);
}

#[tokio::test]
async fn the_figures_of_an_empty_database_are_zero_with_every_kind_and_category() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act
    let reply = app.get("/reports/figures", Some(&facilitator.token)).await.expect(200);

    // Assert
    assert_counts(&reply, 0, 0, 0);
    assert_eq!(reply.body["forms_of_learning"]["kinds_used"], 0);
    assert_eq!(reply.body["forms_of_learning"]["by_kind"], learning(&[]));
    assert_eq!(reply.body["obstacles"], categories(&[]));
}

#[tokio::test]
async fn the_figures_as_csv_hold_the_figures_of_the_json_report() {
    // Arrange
    let app = spawn_app().await;
    let h = history(&app).await;
    let token = h.facilitator.token.as_str();
    let json = app.get("/reports/figures", Some(token)).await.expect(200).body;

    // Act
    let by_format = app.get("/reports/figures?format=csv", Some(token)).await.expect(200);
    let by_accept = app
        .call_with(
            poem::http::Method::GET,
            "/reports/figures",
            Some(token),
            None,
            &[("accept", "text/csv")],
        )
        .await
        .expect(200);

    // Assert
    let mut expected: BTreeMap<(String, String), String> = BTreeMap::new();
    for section in ["actors_involved", "property_owners_and_builders", "innovations_tested"] {
        expected.insert((section.into(), "all".into()), json[section].to_string());
    }
    expected.insert(
        ("forms_of_learning".into(), "kinds_used".into()),
        json["forms_of_learning"]["kinds_used"].to_string(),
    );
    for (kind, n) in json["forms_of_learning"]["by_kind"].as_object().unwrap() {
        expected.insert(("forms_of_learning_by_kind".into(), kind.clone()), n.to_string());
    }
    for (category, n) in json["obstacles"].as_object().unwrap() {
        expected.insert(("obstacles".into(), category.clone()), n.to_string());
    }
    for (state, n) in json["obstacles_by_state"].as_object().unwrap() {
        expected.insert(("obstacles_by_state".into(), state.clone()), n.to_string());
    }
    assert_eq!(expected.len(), 4 + 4 + 8 + 4);
    for reply in [&by_format, &by_accept] {
        assert!(
            reply.header("content-type").unwrap_or_default().starts_with("text/csv"),
            "{:?}",
            reply.header("content-type")
        );
        let mut lines = reply.text.lines();
        assert_eq!(lines.next(), Some("section,key,value"), "{}", reply.text);
        let rows: BTreeMap<(String, String), String> = lines
            .map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                assert_eq!(fields.len(), 3, "{line}");
                ((fields[0].to_owned(), fields[1].to_owned()), fields[2].to_owned())
            })
            .collect();
        assert_eq!(rows, expected, "{}", reply.text);
        assert_eq!(rows[&("actors_involved".to_owned(), "all".to_owned())], "7");
    }
}

#[tokio::test]
async fn a_figures_period_that_ends_before_it_starts_answers_422() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let since = timestamp(Utc::now());
    let until = timestamp(Utc::now() - chrono::Duration::days(1));

    // Act & Assert
    let reply = app
        .get(
            &format!("/reports/figures?since={since}&until={until}"),
            Some(&facilitator.token),
        )
        .await
        .expect_problem(422);
    assert_eq!(reply.fields(), vec!["until"]);
}

#[tokio::test]
async fn figures_with_a_bad_timestamp_arena_or_format_answer_400() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let token = Some(facilitator.token.as_str());

    // Act & Assert
    for query in [
        "since=yesterday",
        "until=2025-13-01T00:00:00Z",
        "arena_id=sege-park",
        "format=xls",
    ] {
        app.get(&format!("/reports/figures?{query}"), token)
            .await
            .expect_problem(400);
    }
}

#[tokio::test]
async fn only_facilitators_read_the_figures() {
    // Arrange
    let app = spawn_app().await;
    let innovator = app.user(&[Role::Innovator, Role::NeedsOwner, Role::Assessor]).await;

    // Act & Assert
    app.get("/reports/figures", None).await.expect_problem(401);
    app.get("/reports/figures", Some(&innovator.token))
        .await
        .expect_problem(403);
}

#[tokio::test]
async fn the_reports_page_tables_the_figures_in_both_languages_and_downloads_the_api_csv() {
    use crate::web_reports::{cell, link, table};
    // Arrange
    let app = spawn_app().await;
    let h = history(&app).await;

    // Act
    // The page links to the figures; they are counted when asked for.
    let (_, plain) = app.page("/reports", Some(&h.facilitator), "en").await;
    assert!(plain.contains("href=\"/reports?figures=1#figures\""), "{plain}");
    assert!(!plain.contains("Actors involved"));
    let (status, english) = app.page("/reports?figures=1", Some(&h.facilitator), "en").await;
    let (swedish_status, swedish) = app.page("/reports?figures=1", Some(&h.facilitator), "sv").await;
    let href = link(&english, "/reports/figures.csv");
    let (download_status, download) = app.page(&href, Some(&h.facilitator), "en").await;

    // Assert
    assert_eq!(status.as_u16(), 200);
    assert_eq!(swedish_status.as_u16(), 200);
    let figures = table(&english, "Figures for the funder");
    assert_eq!(cell(figures, "Actors involved"), "7");
    assert_eq!(
        cell(figures, "Property owners, builders and housing companies among them"),
        "2"
    );
    assert_eq!(cell(figures, "Innovations tested"), "1");
    assert_eq!(cell(figures, "Forms of learning used"), "3");
    assert_eq!(cell(figures, "Learning workshop"), "2");
    assert_eq!(cell(figures, "Obstacles logged"), "3");
    assert_eq!(
        cell(table(&swedish, "Nyckeltal för finansiären"), "Involverade aktörer"),
        "7"
    );
    assert_eq!(href, "/reports/figures.csv");
    assert_eq!(download_status.as_u16(), 200);
    let api = app
        .get("/reports/figures?format=csv", Some(&h.facilitator.token))
        .await
        .expect(200);
    assert_eq!(download, api.text);
}
