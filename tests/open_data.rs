//! The open data (SPEC §12, ADR 0018): `GET /open-data.zip`, for anyone — unzipped,
//! parsed and checked against a known history, and searched for personal data.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{Datelike, Utc};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::figures::history;
use crate::helpers::*;

/// The archive's files by name, as text.
async fn download(app: &TestApp, token: Option<&str>) -> BTreeMap<String, String> {
    let mut request = app.client.get("/open-data.zip");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.0;
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/zip");
    let bytes = response.into_body().into_vec().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        files.insert(file.name().unwrap().to_string(), text);
    }
    files
}

/// The records of a CSV text (RFC 4180: quoted fields may hold commas, quotes and line
/// breaks), the header first.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the CSV ends mid-record");
    records
}

/// A CSV file as maps of header → field, after checking every record's width.
fn table(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut records = parse_csv(text).into_iter();
    let header = records.next().expect("a header line");
    records
        .map(|record| {
            assert_eq!(record.len(), header.len(), "{record:?}");
            header.iter().cloned().zip(record).collect()
        })
        .collect()
}

#[tokio::test]
async fn the_open_data_holds_public_challenges_arenas_completed_tests_and_figures_per_year() {
    // Arrange
    let app = spawn_app().await;
    let h = history(&app).await;

    // Act
    let files = download(&app, None).await;

    // Assert
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        ["README.txt", "arenas.csv", "challenges.csv", "figures.csv", "tests.csv"]
    );
    let readme = &files["README.txt"];
    assert!(readme.contains("CC0 1.0"), "{readme}");
    for file in ["challenges.csv", "arenas.csv", "tests.csv", "figures.csv"] {
        assert!(readme.contains(file), "README does not describe {file}");
    }

    let challenges = table(&files["challenges.csv"]);
    let ids: Vec<&str> = challenges.iter().map(|c| c["id"].as_str()).collect();
    assert_eq!(
        ids,
        [h.in_arena.as_str(), h.elsewhere.as_str()],
        "drafts are not open data"
    );
    let in_arena = &challenges[0];
    assert_eq!(in_arena["state"], "published");
    assert_eq!(in_arena["arena_id"], h.arena);
    assert_eq!(in_arena["arena_name"], "Sege Park housing competition");
    assert_eq!(in_arena["sdgs"], "11;12");
    assert_eq!(in_arena["location"], "Sege Park, Malmö");
    assert_eq!(in_arena["organisation_name"], "MKB Fastighets AB");
    assert_eq!(in_arena["organisation_kind"], "housing_company");
    assert!(
        in_arena["published_at"].parse::<chrono::DateTime<Utc>>().is_ok(),
        "{in_arena:?}"
    );
    assert_eq!(challenges[1]["organisation_name"], "Skanska");
    assert_eq!(challenges[1]["organisation_kind"], "builder");
    assert!(!files["challenges.csv"].contains(&h.draft_challenge));

    let arenas = table(&files["arenas.csv"]);
    assert_eq!(arenas.len(), 1, "a planned arena is not open data: {arenas:?}");
    assert_eq!(arenas[0]["id"], h.arena);
    assert_eq!(arenas[0]["state"], "open");
    assert_eq!(arenas[0]["kind"], "hybrid");
    assert!(!files["arenas.csv"].contains(&h.planned_arena));

    let tests = table(&files["tests.csv"]);
    assert_eq!(tests.len(), 1, "{tests:?}");
    let test = &tests[0];
    assert_eq!(test["idea_id"], h.tested_idea);
    assert_eq!(test["challenge_id"], h.in_arena);
    assert_eq!(test["outcome"], "adopted");
    assert_eq!(
        test["lessons_learned"],
        "Residents book in the evening; the station needs longer hours."
    );
    assert_eq!(test["site"], "Recycling station, Sege Park");
    assert_eq!(test["host_organisation_name"], "MKB Fastighets AB");
    assert_eq!(test["host_organisation_kind"], "housing_company");
    assert_eq!(test["starts_on"], "2025-05-01");
    assert!(!files["tests.csv"].contains(&h.later_idea), "not completed");

    let figures = table(&files["figures.csv"]);
    let year = Utc::now().year().to_string();
    let figure = |section: &str, key: &str| -> String {
        figures
            .iter()
            .find(|row| row["year"] == year && row["section"] == section && row["key"] == key)
            .unwrap_or_else(|| panic!("no {section},{key} of {year}"))["value"]
            .clone()
    };
    assert_eq!(figure("actors_involved", "all"), "7");
    assert_eq!(figure("property_owners_and_builders", "all"), "2");
    assert_eq!(figure("innovations_tested", "all"), "1");
    assert_eq!(figure("obstacles", "regulation"), "1");
    assert_eq!(figure("forms_of_learning_by_kind", "learning_workshop"), "2");
    assert!(figures.iter().all(|row| row["year"].parse::<i32>().is_ok()));
}

#[tokio::test]
async fn the_open_data_holds_no_personal_data() {
    // Arrange
    let app = spawn_app().await;
    let h = history(&app).await;
    let skanska = h.skanska.to_string();

    // Act
    let files = download(&app, Some(&h.facilitator.token)).await;

    // Assert
    let everything: String = files.values().cloned().collect::<Vec<_>>().join("\n").to_lowercase();
    for person in &h.people {
        assert!(!everything.contains(&person.email.to_lowercase()), "{}", person.email);
        assert!(!everything.contains(&person.id.to_lowercase()), "user id {}", person.id);
    }
    for personal in [
        "test user",
        "anna svensson",
        "anna@example.org",
        "bo@example.org",
        "bo ek",
        "@example",
    ] {
        assert!(!everything.contains(personal), "{personal} in the archive");
    }
    // Registered organisations are named, but their ids are not needed either.
    assert!(!everything.contains(&skanska));
}

#[tokio::test]
async fn the_open_data_of_an_empty_database_has_headers_and_this_years_zero_figures() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let files = download(&app, None).await;

    // Assert
    assert!(table(&files["challenges.csv"]).is_empty());
    assert!(table(&files["arenas.csv"]).is_empty());
    assert!(table(&files["tests.csv"]).is_empty());
    let figures = table(&files["figures.csv"]);
    let year = Utc::now().year().to_string();
    assert!(!figures.is_empty());
    assert!(figures.iter().all(|row| row["year"] == year && row["value"] == "0"));
}

/// A server's routes, as the tests drive them.
type Client = poem::test::TestClient<poem::endpoint::BoxEndpoint<'static>>;

/// The archive's bytes and its `ETag`.
async fn archive_of(app: &TestApp) -> (Vec<u8>, String) {
    archive_from(&app.client).await
}

/// The archive's bytes and its `ETag`, as `client` serves them.
async fn archive_from(client: &Client) -> (Vec<u8>, String) {
    let response = client.get("/open-data.zip").send().await.0;
    assert_eq!(response.status().as_u16(), 200);
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.into_body().into_vec().await.unwrap(), etag)
}

/// How often the archive has been built, as `/metrics` counts it.
async fn builds(app: &TestApp) -> u64 {
    builds_of(&app.client).await
}

/// How often the server behind `client` has built the archive.
async fn builds_of(client: &Client) -> u64 {
    let text = reply_of(client.get("/metrics").send().await.0).await.expect(200).text;
    text.lines()
        .find_map(|line| line.strip_prefix("sluss_open_data_builds_total "))
        .unwrap_or_else(|| panic!("no sluss_open_data_builds_total in {text}"))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_archive_is_built_once_and_kept_while_nothing_is_written() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    app.published_challenge(&owner, &facilitator).await;

    // Act: two downloads, then a third after more than the read cache's second.
    let (first, etag) = archive_of(&app).await;
    let (second, _) = archive_of(&app).await;
    tokio::time::sleep(sluss_api::read_cache::MAX_AGE + std::time::Duration::from_millis(200)).await;
    let (third, again) = archive_of(&app).await;

    // Assert
    assert_eq!(builds(&app).await, 1);
    assert_eq!(first, second);
    assert_eq!(first, third);
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag:?}");
    assert_eq!(etag, again);
}

#[tokio::test]
async fn a_write_to_what_the_archive_holds_shows_in_the_next_download() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let first = app.published_challenge(&owner, &facilitator).await;
    let (before, etag) = archive_of(&app).await;

    // Act: a second challenge published, then the first renamed.
    let second = app.published_challenge(&owner, &facilitator).await;
    let published = download(&app, None).await;
    app.patch(
        &format!("/challenges/{first}"),
        Some(&facilitator.token),
        json!({ "title": "Renamed in the open data" }),
    )
    .await
    .expect(200);
    let renamed = download(&app, None).await;
    let (after, new_etag) = archive_of(&app).await;

    // Assert
    assert!(published["challenges.csv"].contains(&second), "{published:?}");
    assert!(
        renamed["challenges.csv"].contains("Renamed in the open data"),
        "{renamed:?}"
    );
    assert_ne!(before, after);
    assert_ne!(etag, new_etag);
    assert_eq!(builds(&app).await, 3);
}

#[tokio::test]
async fn logins_failed_or_not_leave_the_archive_kept() {
    // Arrange
    let app = spawn_app().await;
    let person = app.innovator().await;
    let (before, _) = archive_of(&app).await;

    // Act: writes to nothing the archive reads — a failed login and a login.
    app.post(
        "/auth/login",
        None,
        json!({ "email": person.email, "password": "not the password at all" }),
    )
    .await
    .expect_problem(401);
    app.post(
        "/auth/login",
        None,
        json!({ "email": person.email, "password": crate::helpers::PASSWORD }),
    )
    .await
    .expect(200);
    let (after, _) = archive_of(&app).await;

    // Assert
    assert_eq!(before, after);
    assert_eq!(builds(&app).await, 1);
}

#[tokio::test]
async fn twenty_downloads_at_once_on_a_cold_cache_build_the_archive_once() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    app.published_challenge(&owner, &facilitator).await;

    // Act
    let downloads = futures_util::future::join_all((0..20).map(|_| archive_of(&app))).await;

    // Assert
    assert!(downloads.iter().all(|download| download == &downloads[0]));
    assert_eq!(builds(&app).await, 1);
}

#[tokio::test]
async fn a_download_naming_the_current_etag_is_answered_not_modified() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let (_, etag) = archive_of(&app).await;

    // Act
    let unchanged = app
        .client
        .get("/open-data.zip")
        .header("if-none-match", etag.clone())
        .send()
        .await
        .0;
    let unchanged_status = unchanged.status().as_u16();
    let unchanged_etag = unchanged.headers().get("etag").cloned();
    let unchanged_body = unchanged.into_body().into_vec().await.unwrap();
    app.published_challenge(&owner, &facilitator).await;
    let changed = app
        .client
        .get("/open-data.zip")
        .header("if-none-match", etag.clone())
        .send()
        .await
        .0;

    // Assert
    assert_eq!(unchanged_status, 304);
    assert_eq!(
        unchanged_etag.and_then(|v| v.to_str().ok().map(str::to_owned)),
        Some(etag)
    );
    assert!(unchanged_body.is_empty());
    assert_eq!(changed.status().as_u16(), 200);
}

#[tokio::test]
async fn twenty_downloads_at_once_where_writes_may_go_unheard_build_the_archive_once() {
    // Arrange: a second server on the same database whose writers' queue hears nothing,
    // as a process is whose cache cannot be trusted (PostgreSQL without its listener).
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    app.published_challenge(&owner, &facilitator).await;
    let state = sluss_api::state::AppState::with_writes(
        app.state.db.clone(),
        sluss_api::persistence::WriteQueue::default(),
        sluss_api::passwords::Passwords::new(2).unwrap(),
        app.state.auth.clone(),
        app.state.http.clone(),
    );
    let deaf: Client = poem::test::TestClient::new(sluss_api::startup::build_app(state));

    // Act
    let downloads = futures_util::future::join_all((0..20).map(|_| archive_from(&deaf))).await;

    // Assert
    assert!(downloads.iter().all(|download| download == &downloads[0]));
    assert_eq!(builds_of(&deaf).await, 1);
}

/// Downloads from `app` until `challenges.csv` holds `text`, for at most a few seconds —
/// far less than a kept archive lives, so only hearing of the write can make it show.
async fn until_it_holds(app: &TestApp, text: &str) {
    for _ in 0..500 {
        if download(app, None).await["challenges.csv"].contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the archive still lacks {text}");
}

#[tokio::test]
async fn a_write_through_another_process_shows_in_the_archive_this_one_keeps() {
    // Arrange (PostgreSQL: several processes on one database)
    let first = spawn_app().await;
    if first.state.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    let second = first.another_process().await;
    let owner = first.needs_owner().await;
    let facilitator = first.facilitator().await;
    let id = first.published_challenge(&owner, &facilitator).await;
    until_it_holds(&second, &id).await;
    let kept = builds(&second).await;

    // Act: renamed through the first process.
    first
        .patch(
            &format!("/challenges/{id}"),
            Some(&facilitator.token),
            json!({ "title": "Renamed next door" }),
        )
        .await
        .expect(200);

    // Assert
    until_it_holds(&second, "Renamed next door").await;
    assert!(builds(&second).await > kept);
}

#[tokio::test]
async fn a_process_that_loses_its_listener_builds_the_archive_again() {
    // Arrange (PostgreSQL): the archive kept, then a challenge renamed unheard.
    let app = spawn_app().await;
    if app.state.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.published_challenge(&owner, &facilitator).await;
    download(&app, None).await;
    app.rename_behind_the_caches(&id, "Renamed unheard").await;

    // Act: the listener's connection ends.
    app.state
        .db
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query = 'LISTEN \"sluss_written\"'",
        )
        .await
        .unwrap();

    // Assert
    until_it_holds(&app, "Renamed unheard").await;
}
