//! The read cache (ADR 0011): repeated reads are answered from memory on SQLite, and yet a
//! caller reads every write of the process at once, answers are never shared between
//! callers, a session ends when its stored expiry passes, and a write from outside the
//! process shows within `MAX_AGE`. An answer is dropped only by a write to what it was
//! read from (ADR 0013): a new idea leaves the list of challenges in memory.

use std::time::Instant;

use chrono::{Duration, Utc};
use poem::http::Method;
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

    // Assert: where nothing is kept, at once; where answers are kept, within MAX_AGE
    if !app.state.reads.is_enabled() {
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

#[tokio::test]
async fn new_ideas_and_questions_leave_the_cached_challenges_in_place() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let id = app.published_challenge(&owner, &facilitator).await;
    let (list, one) = ("/challenges?state=published".to_owned(), format!("/challenges/{id}"));
    // A cached answer lives at most MAX_AGE; an attempt that takes longer proves nothing,
    // and is made again.
    for attempt in 0..5 {
        // Arrange: both reads cached, then the title changed behind the cache
        let started = Instant::now();
        let list_before = app.get(&list, None).await.expect(200);
        let one_before = app.get(&one, None).await.expect(200);
        app.rename_behind_the_caches(&id, &format!("Renamed elsewhere {attempt}"))
            .await;

        // Act: writes of other tables, through the API
        app.an_idea_and_a_question(&id, &innovator).await;
        let list_after = app.get(&list, None).await.expect(200);
        let one_after = app.get(&one, None).await.expect(200);
        if started.elapsed() >= MAX_AGE {
            continue;
        }

        // Assert: still the answers from memory (where nothing is kept, the change shows)
        if app.state.reads.is_enabled() {
            assert_eq!(list_after.text, list_before.text);
            assert_eq!(one_after.text, one_before.text);
        } else {
            assert_eq!(one_after.str("title"), format!("Renamed elsewhere {attempt}"));
        }
        return;
    }
    panic!("no attempt finished within MAX_AGE");
}

#[tokio::test]
async fn an_idea_read_again_after_it_changed_shows_the_change() {
    // Arrange: an innovator's draft idea, read alone and in the list (cached on SQLite)
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app.draft_idea(&innovator, &challenge, "Sensors in the bins").await;
    let one = format!("/ideas/{idea}");
    app.get(&one, Some(&innovator.token)).await.expect(200);
    app.get("/ideas", Some(&innovator.token)).await.expect(200);

    // Act
    app.patch(&one, Some(&innovator.token), json!({ "title": "Bins that call" }))
        .await
        .expect(200);

    // Assert
    assert_eq!(
        app.get(&one, Some(&innovator.token)).await.expect(200).str("title"),
        "Bins that call"
    );
    assert_eq!(
        titles(&app.get("/ideas", Some(&innovator.token)).await.expect(200)),
        ["Bins that call"]
    );
}

#[tokio::test]
async fn an_assessor_sees_an_idea_as_soon_as_it_is_assigned() {
    // Arrange: a submitted idea; the assessor's reads, empty, cached on SQLite
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let assessor = app.assessor().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app.submitted_idea(&innovator, &challenge, "Sensors in the bins").await;
    app.post(
        &format!("/ideas/{idea}/start-assessment"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    let one = format!("/ideas/{idea}");
    assert!(titles(&app.get("/ideas", Some(&assessor.token)).await.expect(200)).is_empty());
    app.get(&one, Some(&assessor.token)).await.expect_problem(404);

    // Act: the only write is the assignment
    app.post(
        &format!("/ideas/{idea}/assignments"),
        Some(&facilitator.token),
        json!({ "assessor_id": assessor.id }),
    )
    .await
    .expect(201);

    // Assert
    assert_eq!(
        titles(&app.get("/ideas", Some(&assessor.token)).await.expect(200)),
        ["Sensors in the bins"]
    );
    app.get(&one, Some(&assessor.token)).await.expect(200);
}

#[tokio::test]
async fn a_person_given_the_team_role_sees_the_teams_list_at_once() {
    // Arrange: a submitted challenge, absent from another needs-owner's list (cached)
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let colleague = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    app.submitted_challenge(&owner).await;
    assert!(titles(&app.get("/challenges", Some(&colleague.token)).await.expect(200)).is_empty());

    // Act: the colleague joins the innovation team, which writes only to `users`
    app.call(
        Method::PUT,
        &format!("/users/{}/roles", colleague.id),
        Some(&facilitator.token),
        Some(json!({ "roles": ["needs_owner", "facilitator"] })),
    )
    .await
    .expect(200);

    // Assert
    assert_eq!(
        titles(&app.get("/challenges", Some(&colleague.token)).await.expect(200)).len(),
        1
    );
}

#[tokio::test]
async fn the_teams_queues_show_a_newly_submitted_challenge_and_idea_at_once() {
    // Arrange: the team's queues on /me, read once (kept on SQLite)
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let published = app.published_challenge(&owner, &facilitator).await;
    let (status, before) = app.page("/me", Some(&facilitator), "en").await;
    assert_eq!(status, 200);

    // Act
    let challenge = app.submitted_challenge(&owner).await;
    let idea = app.submitted_idea(&innovator, &published, "Bins that call").await;

    // Assert
    let (status, after) = app.page("/me", Some(&facilitator), "en").await;
    assert_eq!(status, 200);
    for link in [format!("/challenges/{challenge}"), format!("/ideas/{idea}")] {
        assert!(!before.contains(&link), "{link} listed before it was submitted");
        assert!(
            after.contains(&link),
            "{link} missing from the queues after it was submitted"
        );
    }
}

#[tokio::test]
async fn the_funnel_counts_a_submitted_idea_at_once() {
    // Arrange: the funnel, read once (kept on SQLite)
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let submitted = |reply: &Reply| reply.body["ideas"]["submitted"].as_u64().expect("a count");
    let before = submitted(&app.get("/reports/funnel", Some(&facilitator.token)).await.expect(200));

    // Act
    app.submitted_idea(&innovator, &challenge, "Bins that call").await;

    // Assert
    let after = submitted(&app.get("/reports/funnel", Some(&facilitator.token)).await.expect(200));
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn logins_failed_or_not_and_replayed_retries_count_as_no_write_to_what_is_kept() {
    // Arrange: a person who logs in, and the write counts before.
    let app = spawn_app().await;
    let person = app.innovator().await;
    let facilitator = app.facilitator().await;
    let before = app.state.writes.written();

    // Act: a failed login, a login (a new session; the failures cleared), a second one.
    app.post(
        "/auth/login",
        None,
        json!({ "email": person.email, "password": "not the password at all" }),
    )
    .await
    .expect_problem(401);
    for _ in 0..2 {
        app.post(
            "/auth/login",
            None,
            json!({ "email": person.email, "password": crate::helpers::PASSWORD }),
        )
        .await
        .expect(200);
    }

    // Assert: no group counted a write, so nothing kept was dropped; a real write counts.
    assert_eq!(app.state.writes.written(), before);
    app.post(
        "/arenas",
        Some(&facilitator.token),
        json!({ "name": "Open call", "kind": "digital" }),
    )
    .await
    .expect(201);
    assert_ne!(app.state.writes.written(), before, "a new arena counts as a write");
}

#[tokio::test]
async fn the_public_page_of_challenges_is_kept_while_ideas_and_questions_are_written() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let id = app.published_challenge(&owner, &facilitator).await;
    for attempt in 0..5 {
        // Arrange: the page kept, then the title changed behind the cache
        let started = Instant::now();
        let (status, before) = app.page("/challenges", None, "en").await;
        assert_eq!(status, 200);
        app.rename_behind_the_caches(&id, &format!("Renamed elsewhere {attempt}"))
            .await;

        // Act: a new idea and a question, through the API
        app.an_idea_and_a_question(&id, &innovator).await;
        let (_, after) = app.page("/challenges", None, "en").await;
        if started.elapsed() >= MAX_AGE {
            continue;
        }

        // Assert: the page from memory, without the change made behind it
        assert!(app.state.reads.is_enabled());
        assert_eq!(after, before);
        assert!(!after.contains("Renamed elsewhere"));
        return;
    }
    panic!("no attempt finished within MAX_AGE");
}

#[tokio::test]
async fn the_public_page_of_challenges_shows_a_changed_challenge_or_arena_at_once() {
    // Arrange: a challenge in an open arena, and the page kept in both languages
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.published_challenge(&owner, &facilitator).await;
    let arena = app.open_arena(&facilitator).await;
    let (_, english) = app.page("/challenges", None, "en").await;
    let (_, swedish) = app.page("/challenges", None, "sv").await;
    assert!(english.contains("lang=\"en\""), "{english}");
    assert!(swedish.contains("lang=\"sv\""), "{swedish}");
    assert_eq!(app.page("/challenges", None, "en").await.1, english);

    // Act + Assert: a renamed challenge shows on the next view
    app.patch(
        &format!("/challenges/{id}"),
        Some(&facilitator.token),
        json!({ "title": "Lockers by the bus stop" }),
    )
    .await
    .expect(200);
    assert!(
        app.page("/challenges", None, "en")
            .await
            .1
            .contains("Lockers by the bus stop")
    );
    assert!(
        app.page("/challenges", None, "sv")
            .await
            .1
            .contains("Lockers by the bus stop")
    );

    // Act + Assert: so does a renamed arena, in the arena filter
    let version = app.get(&format!("/arenas/{arena}"), None).await.expect(200).body["version"].clone();
    app.patch(
        &format!("/arenas/{arena}"),
        Some(&facilitator.token),
        json!({ "name": "Matchmaking in Rosengård", "expected_version": version }),
    )
    .await
    .expect(200);
    assert!(
        app.page("/challenges", None, "en")
            .await
            .1
            .contains("Matchmaking in Rosengård")
    );
}

#[tokio::test]
async fn a_signed_in_persons_page_of_challenges_is_made_for_each_view() {
    // Arrange: the anonymous page kept, then the title changed behind the cache
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let id = app.published_challenge(&owner, &facilitator).await;
    app.page("/challenges", Some(&owner), "en").await;
    app.page("/challenges", None, "en").await;
    app.rename_behind_the_caches(&id, "Renamed elsewhere").await;

    // Act
    let (status, signed_in) = app.page("/challenges", Some(&owner), "en").await;

    // Assert: the signed-in page (its header is the person's own) is read again
    assert_eq!(status, 200);
    assert!(signed_in.contains("Renamed elsewhere"));
}
