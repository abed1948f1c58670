//! Writers of one process (ADR 0010, ADR 0011): on SQLite, writers that finish while
//! others wait share one commit, and each is answered only after it; a writer that fails
//! or gives up takes back only its own work. The same holds, trivially, on PostgreSQL.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use sluss_api::persistence::WriteTx;
use sluss_api::persistence::entities::auth_failures;
use sluss_api::state::AppState;

use crate::helpers::spawn_app;

async fn insert(tx: &WriteTx, key: &str) {
    auth_failures::ActiveModel {
        key: Set(key.to_owned()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(tx)
    .await
    .expect("inserted");
}

async fn stored(state: &AppState, key: &str) -> u64 {
    auth_failures::Entity::find()
        .filter(auth_failures::Column::Key.eq(key))
        .count(&state.db)
        .await
        .expect("counted")
}

/// A first writer that has written `kept` and not yet committed.
async fn first_writer(state: &AppState) -> WriteTx {
    let tx = state.begin_write().await.expect("a turn");
    insert(&tx, "kept").await;
    tx
}

/// Waits until `n` writers wait for their turn (on SQLite; PostgreSQL has no queue).
async fn until_waiting(state: &AppState, n: usize) {
    while state.writes.is_queued() && state.writes.waiting() < n {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn writers_at_once_are_each_answered_after_their_work_is_stored() {
    let app = spawn_app().await;
    let writers: Vec<_> = (0..40)
        .map(|n| {
            let state = app.state.clone();
            tokio::spawn(async move {
                let tx = state.begin_write().await.expect("a turn");
                insert(&tx, &format!("writer-{n}")).await;
                tx.commit().await.expect("committed");
                // Answered: the work is there for every reader.
                assert_eq!(stored(&state, &format!("writer-{n}")).await, 1);
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("the writer ran");
    }
    let all = auth_failures::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(all, 40);
}

#[tokio::test]
async fn a_writer_that_fails_after_another_finished_takes_back_only_its_own_work() {
    // Arrange: a first writer has written; a second waits for its turn
    let app = spawn_app().await;
    let first = first_writer(&app.state).await;
    let state = app.state.clone();
    let second = tokio::spawn(async move {
        let tx = state.begin_write().await.unwrap();
        insert(&tx, "taken back").await;
        // Act: the second fails (a refusal, an error): it is dropped uncommitted
        drop(tx);
    });
    until_waiting(&app.state, 1).await;

    // The first finishes while the second waits (on SQLite it leaves the commit to it)
    first.commit().await.expect("the first is committed");
    second.await.unwrap();

    // Assert
    assert_eq!(stored(&app.state, "kept").await, 1);
    assert_eq!(stored(&app.state, "taken back").await, 0);
    // And the queue goes on.
    let third = app.state.begin_write().await.unwrap();
    insert(&third, "after").await;
    third.commit().await.unwrap();
    assert_eq!(stored(&app.state, "after").await, 1);
}

#[tokio::test]
async fn a_writer_that_gives_up_waiting_leaves_the_work_before_it_committed() {
    // Arrange: a first writer has written; a second waits for its turn
    let app = spawn_app().await;
    let first = first_writer(&app.state).await;
    let state = app.state.clone();
    let second = tokio::spawn(async move {
        let tx = state.begin_write().await.unwrap();
        insert(&tx, "never written").await;
        tx.commit().await.unwrap();
    });
    until_waiting(&app.state, 1).await;

    // Act: the first finishes (leaving the commit to the second, on SQLite), and the
    // second gives up before its turn comes
    let committing = tokio::spawn(async move { first.commit().await });
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
    second.abort();

    // Assert: the first is answered, and its work is stored
    committing.await.unwrap().expect("the first is committed");
    assert_eq!(stored(&app.state, "kept").await, 1);
}

#[tokio::test]
async fn the_writer_leaves_checkpoints_to_a_task_that_makes_them() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = spawn_app().await;
    if app.state.db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    // Arrange + Assert: the writer's connection does not checkpoint at commit
    let tx = app.state.begin_write().await.expect("a turn");
    let row = tx
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_autocheckpoint"))
        .await
        .expect("read")
        .expect("a row");
    assert_eq!(row.try_get_by_index::<i64>(0).expect("a number"), 0);
    insert(&tx, "checkpointed").await;
    tx.commit().await.expect("committed");

    // Act: more writes
    for n in 0..20 {
        let tx = app.state.begin_write().await.expect("a turn");
        insert(&tx, &format!("checkpointed-{n}")).await;
        tx.commit().await.expect("committed");
    }

    // Assert: the task copies the log into the database file within a few of its rounds
    let started = std::time::Instant::now();
    while app.state.writes.checkpointed_pages() == 0 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "no checkpoint within 5 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The read pool keeps SQLite's own setting (a `sluss` command checkpoints as it goes).
    let row = app
        .state
        .db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_autocheckpoint"))
        .await
        .expect("read")
        .expect("a row");
    assert_eq!(row.try_get_by_index::<i64>(0).expect("a number"), 1000);
}
