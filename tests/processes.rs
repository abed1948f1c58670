//! Several server processes on one PostgreSQL database (SPEC §13, ADR 0019): each keeps
//! answers, and each hears the others' writes (`NOTIFY` at commit), so a write through one
//! is not served stale by another once it has been acknowledged, and a write to other
//! tables leaves the other's answers in place. The second process here is a second app on
//! the same database, with its own connections, writers' queue, listener and cache.
//!
//! SQLite has one server process per database file; these tests apply to PostgreSQL only.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbBackend};
use serde_json::json;
use sluss_api::read_cache::MAX_AGE;

use crate::helpers::{TestApp, spawn_app};

/// How long after the acknowledgement of a write the other process may still answer from
/// before it: the time for the notification to reach it, far below `MAX_AGE`, which alone
/// would leave an answer for up to a second.
const HEARD_WITHIN: Duration = Duration::from_millis(200);

async fn two_processes() -> Option<(TestApp, TestApp)> {
    let first = spawn_app().await;
    if first.state.db.get_database_backend() != DbBackend::Postgres {
        return None;
    }
    let second = first.another_process().await;
    assert!(first.state.reads.is_enabled() && second.state.reads.is_enabled());
    Some((first, second))
}

/// Reads `path` from `app` until `fresh` holds of the body, for at most `MAX_AGE`; how long
/// that took.
async fn until(app: &TestApp, path: &str, fresh: impl Fn(&str) -> bool) -> Duration {
    let started = Instant::now();
    while started.elapsed() < MAX_AGE * 2 {
        if fresh(&app.get(path, None).await.expect(200).text) {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("{path} still stale after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_write_through_one_process_is_served_by_the_other_once_acknowledged() {
    let Some((first, second)) = two_processes().await else {
        return;
    };
    let owner = first.needs_owner().await;
    let facilitator = first.facilitator().await;
    let id = first.published_challenge(&owner, &facilitator).await;
    let (list, one) = ("/challenges?state=published".to_owned(), format!("/challenges/{id}"));
    let (mut stale_at_once, mut longest) = (0, Duration::ZERO);
    for round in 0..20 {
        // Arrange: both answers kept by the second process
        second.get(&list, None).await.expect(200);
        second.get(&one, None).await.expect(200);

        // Act: renamed through the first process, and acknowledged
        let title = format!("Renamed in round {round}");
        first
            .patch(&one, Some(&facilitator.token), json!({ "title": title }))
            .await
            .expect(200);

        // Assert: the second serves the new title within the time a notification takes
        if !second.get(&one, None).await.text.contains(&title) {
            stale_at_once += 1;
        }
        for path in [&list, &one] {
            let took = until(&second, path, |body| body.contains(&title)).await;
            assert!(took < HEARD_WITHIN, "round {round}: {path} was stale for {took:?}");
            longest = longest.max(took);
        }
    }
    println!("first reads after the acknowledgement still stale: {stale_at_once} of 20; all fresh within {longest:?}");
}

#[tokio::test]
async fn a_write_to_other_tables_through_one_process_leaves_the_others_answers_in_place() {
    let Some((first, second)) = two_processes().await else {
        return;
    };
    let owner = first.needs_owner().await;
    let facilitator = first.facilitator().await;
    let innovator = first.innovator().await;
    let id = first.published_challenge(&owner, &facilitator).await;
    let list = "/challenges?state=published";
    // The setup's own writes have reached the second process.
    tokio::time::sleep(HEARD_WITHIN).await;
    for attempt in 0..5 {
        // Arrange: the list kept by the second process, then changed behind every cache
        let started = Instant::now();
        let before = second.get(list, None).await.expect(200);
        first
            .rename_behind_the_caches(&id, &format!("Renamed behind {attempt}"))
            .await;

        // Act: a new idea and a question through the first process
        first.an_idea_and_a_question(&id, &innovator).await;
        // Both notifications have had their time to arrive.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let after = second.get(list, None).await.expect(200);
        if started.elapsed() >= MAX_AGE {
            continue;
        }

        // Assert: still the kept answer
        assert_eq!(after.text, before.text, "kept answer replaced");
        return;
    }
    panic!("no attempt finished within MAX_AGE");
}

#[tokio::test]
async fn a_process_that_loses_its_listener_keeps_nothing_it_may_not_have_heard_of() {
    let Some((first, second)) = two_processes().await else {
        return;
    };
    let owner = first.needs_owner().await;
    let facilitator = first.facilitator().await;
    let id = first.published_challenge(&owner, &facilitator).await;
    let one = format!("/challenges/{id}");
    for attempt in 0..5 {
        // Arrange: the challenge kept by the second process, then changed unheard
        let started = Instant::now();
        second.get(&one, None).await.expect(200);
        let title = format!("Renamed unheard {attempt}");
        first.rename_behind_the_caches(&id, &title).await;

        // Act: the listeners' connections end (a restarted server, a network cut)
        first
            .state
            .db
            .execute_unprepared(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND query = 'LISTEN \"sluss_written\"'",
            )
            .await
            .unwrap();

        // Assert: what was kept before is read again, well before MAX_AGE
        let took = until(&second, &one, |body| body.contains(&title)).await;
        if started.elapsed() >= MAX_AGE {
            continue;
        }
        assert!(took < HEARD_WITHIN * 2, "kept for {took:?} after the listener was lost");
        // And once it hears again, a write through the first shows in the second.
        tokio::time::sleep(Duration::from_millis(300)).await;
        second.get(&one, None).await.expect(200);
        let heard = format!("Heard again {attempt}");
        first
            .patch(&one, Some(&facilitator.token), json!({ "title": heard }))
            .await
            .expect(200);
        let took = until(&second, &one, |body| body.contains(&heard)).await;
        assert!(took < HEARD_WITHIN, "stale for {took:?} after the listener came back");
        return;
    }
    panic!("no attempt finished within MAX_AGE");
}
