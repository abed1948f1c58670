//! The read cache (ADR 0011): repeated reads are answered from memory on SQLite, and yet a
//! caller reads every write of the process at once, answers are never shared between
//! callers, a session ends when its stored expiry passes, and a write from outside the
//! process shows within `MAX_AGE`.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use sluss_api::auth::new_token;
use sluss_api::persistence::entities::challenges;
use sluss_api::persistence::sessions;
use sluss_api::read_cache::MAX_AGE;

use crate::helpers::{Reply, spawn_app};

fn titles(reply: &Reply) -> Vec<String> {
    reply.body["items"]
        .as_array()
        .expect("a page")
        .iter()
        .map(|item| item["title"].as_str().expect("a title").to_owned())
        .collect()
}

#[tokio::test]
async fn a_list_read_again_after_a_write_shows_the_write() {
    // Arrange: the public list, read twice (the second from the cache on SQLite)
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let first = app.published_challenge(&owner, &facilitator).await;
    let before = app.get("/challenges?state=published", None).await.expect(200);
    let again = app.get("/challenges?state=published", None).await.expect(200);
    assert_eq!(before.text, again.text);
    assert_eq!(titles(&again).len(), 1);

    // Act: a second challenge is published, and the first one renamed
    let second = app.published_challenge(&owner, &facilitator).await;
    let renamed = app
        .patch(
            &format!("/challenges/{first}"),
            Some(&facilitator.token),
            json!({ "title": "Renamed by the team" }),
        )
        .await
        .expect(200);

    // Assert
    let after = app.get("/challenges?state=published", None).await.expect(200);
    let ids: Vec<&str> = after.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.as_str(), first.as_str()]);
    assert!(titles(&after).contains(&"Renamed by the team".to_owned()));
    let one = app.get(&format!("/challenges/{first}"), None).await.expect(200);
    assert_eq!(one.str("title"), "Renamed by the team");
    assert_eq!(one.header("etag"), renamed.header("etag"));
}

#[tokio::test]
async fn an_answer_read_by_one_caller_is_not_given_to_another() {
    // Arrange: a draft challenge, read by its owner and so cached for the owner
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let stranger = app.needs_owner().await;
    let draft = app.draft_challenge(&owner).await;
    let path = format!("/challenges/{draft}");
    app.get(&path, Some(&owner.token)).await.expect(200);
    app.get(&path, Some(&owner.token)).await.expect(200);

    // Act + Assert: others never see it
    app.get(&path, Some(&stranger.token)).await.expect_problem(404);
    app.get(&path, None).await.expect_problem(404);
    let listed = app.get("/challenges", Some(&stranger.token)).await.expect(200);
    assert!(titles(&listed).is_empty());
    app.get(&path, Some("not-a-token")).await.expect_problem(401);
}

#[tokio::test]
async fn a_session_read_from_the_cache_ends_when_its_stored_expiry_passes() {
    // Arrange: a session that expires in a moment, used (and so cached)
    let app = spawn_app().await;
    let user = app.innovator().await;
    let (token, hash) = new_token();
    let now = Utc::now();
    let expires_at = now + Duration::milliseconds(400);
    sessions::create(&app.state.db, hash, user.id.parse().unwrap(), now, expires_at)
        .await
        .unwrap();
    app.get("/ideas", Some(&token)).await.expect(200);

    // Act: the expiry passes, well within the cache's MAX_AGE
    let wait = (expires_at - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(50);
    assert!(wait < MAX_AGE);
    tokio::time::sleep(wait).await;

    // Assert
    app.get("/ideas", Some(&token)).await.expect_problem(401);
    app.get("/me", Some(&token)).await.expect_problem(401);
}

#[tokio::test]
async fn a_write_from_outside_the_process_shows_within_max_age() {
    // Arrange: a published challenge, read (and so cached on SQLite)
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.published_challenge(&owner, &facilitator).await;
    let path = format!("/challenges/{id}");
    app.get(&path, None).await.expect(200);

    // Act: another process (here: a connection outside the writers' queue) renames it
    challenges::Entity::update_many()
        .col_expr(challenges::Column::Title, Expr::value("Renamed elsewhere"))
        .filter(challenges::Column::Id.eq(id.parse::<uuid::Uuid>().unwrap()))
        .exec(&app.state.db)
        .await
        .unwrap();

    // Assert: on PostgreSQL, where nothing is cached, at once; on SQLite within MAX_AGE
    if !app.state.writes.is_queued() {
        assert_eq!(app.get(&path, None).await.expect(200).str("title"), "Renamed elsewhere");
    }
    tokio::time::sleep(MAX_AGE).await;
    assert_eq!(app.get(&path, None).await.expect(200).str("title"), "Renamed elsewhere");
}

#[tokio::test]
async fn the_same_read_at_once_gives_every_caller_the_same_answer() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    app.published_challenge(&owner, &facilitator).await;

    // Act: twenty at once (on SQLite one reads, the others wait for its answer)
    let replies = futures_util::future::join_all((0..20).map(|_| app.get("/challenges?state=published", None))).await;

    // Assert
    let first = &replies[0];
    assert_eq!(titles(first).len(), 1);
    for reply in &replies {
        assert_eq!(reply.code(), 200);
        assert_eq!(reply.text, first.text);
    }
}
