//! Liveness, readiness, metrics and the docs page.

use sea_orm::ConnectionTrait;

use crate::helpers::*;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let reply = app.get("/healthz", None).await.expect(200);
    assert_eq!(reply.text, "ok");
}

#[tokio::test]
async fn readyz_answers_ready_when_the_database_is_reachable() {
    let app = spawn_app().await;
    let reply = app.get("/readyz", None).await.expect(200);
    assert_eq!(reply.text, "ready");
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_status() {
    let app = spawn_app().await;
    app.get("/challenges", None).await.expect(200);
    app.get("/me", None).await.expect(401);
    let text = app.get("/metrics", None).await.expect(200).text;
    assert!(
        text.contains(r#"sluss_http_requests_total{method="GET",operation="list_challenges",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"operation="get_me",status="401"} 1"#), "{text}");
    assert!(text.contains("sluss_http_request_duration_seconds_bucket"), "{text}");
}

/// The series of the request counter in a `/metrics` text.
fn request_series(text: &str) -> usize {
    text.lines()
        .filter(|line| line.starts_with("sluss_http_requests_total{"))
        .count()
}

#[tokio::test]
async fn made_up_methods_share_one_label_and_add_no_series() {
    // Arrange
    let app = spawn_app().await;
    app.get("/challenges", None).await.expect(200);
    let before = request_series(&app.get("/metrics", None).await.expect(200).text);

    // Act
    for i in 0..200 {
        let method = poem::http::Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
        let reply = app.call(method, "/challenges", None, None).await;
        assert!(reply.code() >= 400 && reply.code() < 500, "{}", reply.code());
    }
    let text = app.get("/metrics", None).await.expect(200).text;

    // Assert
    assert!(!text.to_ascii_lowercase().contains("madeup"), "{text}");
    let after = request_series(&text);
    assert!(after <= before + 2, "{before} series before, {after} after:\n{text}");
    assert!(text.contains(r#"method="other""#), "{text}");
}

#[tokio::test]
async fn a_request_can_name_no_label_value() {
    // Arrange
    let app = spawn_app().await;

    // Act: a path, a query and headers of the request's own choosing.
    app.call_with(
        poem::http::Method::GET,
        "/challenges/zzlabelzz?x=zzlabelzz",
        None,
        None,
        &[("x-request-id", "zzlabelzz"), ("accept-language", "zzlabelzz")],
    )
    .await;
    let text = app.get("/metrics", None).await.expect(200).text;

    // Assert
    assert!(!text.contains("zzlabelzz"), "{text}");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let ok = app.get("/challenges", None).await;
    let error = app.get("/nowhere", None).await.expect_problem(404);
    assert!(ok.header("x-request-id").is_some_and(|id| !id.is_empty()));
    assert!(error.header("x-request-id").is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn an_incoming_request_id_is_reused() {
    let app = spawn_app().await;
    let response = app
        .client
        .get("/healthz")
        .header("x-request-id", "trace-42")
        .send()
        .await;
    let reply = reply_of(response.0).await;
    assert_eq!(reply.header("x-request-id"), Some("trace-42"));
}

#[tokio::test]
async fn the_docs_page_and_the_live_spec_are_served() {
    let app = spawn_app().await;
    let docs = app.get("/docs", None).await.expect(200);
    assert!(docs.text.contains("swagger"), "docs page is not the interactive UI");
    let spec = app.get("/api/v1/openapi.json", None).await.expect(200);
    assert_eq!(spec.body["info"]["title"], "sluss");
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_a_busy_timeout_and_full_sync() {
    let app = spawn_app().await;
    if std::env::var("SLUSS_TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty()) {
        return; // PostgreSQL has its own durability settings.
    }
    let pragma = |name: &str| format!("SELECT {name} AS n FROM pragma_{name}");
    assert_eq!(app.count(&pragma("foreign_keys")).await, 1);
    assert_eq!(app.count(&pragma("synchronous")).await, 2, "FULL is 2");
    assert!(app.count("SELECT timeout AS n FROM pragma_busy_timeout").await >= 1_000);
    let backend = app.state.db.get_database_backend();
    let row = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            "PRAGMA journal_mode".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "journal_mode").unwrap(), "wal");
}
