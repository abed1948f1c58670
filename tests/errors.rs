//! Every error is problem+json; bad input never answers 500.

use poem::http::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn malformed_json_answers_400_problem() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let response = app
        .client
        .post("/api/v1/challenges")
        .header("authorization", format!("Bearer {}", owner.token))
        .content_type("application/json")
        .body("{\"title\": ")
        .send()
        .await;
    reply_of(response.0).await.expect_problem(400);
}

#[tokio::test]
async fn a_wrong_type_answers_400_problem() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    app.post("/challenges", Some(&owner.token), json!({ "title": 42 }))
        .await
        .expect_problem(400);
}

#[tokio::test]
async fn an_unknown_enum_value_answers_400_problem() {
    let app = spawn_app().await;
    app.get("/challenges?state=deleted", None).await.expect_problem(400);
}

#[tokio::test]
async fn a_bad_uuid_answers_400_problem() {
    let app = spawn_app().await;
    app.get("/challenges/not-a-uuid", None).await.expect_problem(400);
}

#[tokio::test]
async fn an_unknown_route_answers_404_problem() {
    let app = spawn_app().await;
    app.get("/nowhere", None).await.expect_problem(404);
    app.get("/api/v1/nowhere", None).await.expect_problem(404);
}

#[tokio::test]
async fn a_missing_token_answers_401_problem_with_www_authenticate() {
    let app = spawn_app().await;
    let reply = app.get("/me", None).await.expect_problem(401);
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn an_unknown_token_answers_401_even_where_anonymous_callers_are_welcome() {
    let app = spawn_app().await;
    app.get("/challenges", Some("not-a-real-token"))
        .await
        .expect_problem(401);
}

#[tokio::test]
async fn a_missing_token_is_reported_before_malformed_json() {
    let app = spawn_app().await;
    let response = app
        .client
        .post("/api/v1/challenges")
        .content_type("application/json")
        .body("{")
        .send()
        .await;
    reply_of(response.0).await.expect_problem(401);
}

#[tokio::test]
async fn an_over_long_title_answers_422_naming_the_field() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let reply = app
        .post("/challenges", Some(&owner.token), json!({ "title": "x".repeat(201) }))
        .await
        .expect_problem(422);
    assert_eq!(reply.body["errors"][0]["field"], "title");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_answers_413_and_stores_nothing() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let huge = json!({ "title": "big", "description": "x".repeat(1024 * 1024) });
    app.post("/challenges", Some(&owner.token), huge)
        .await
        .expect_problem(413);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 0);
}

#[tokio::test]
async fn a_chunked_body_over_one_mebibyte_answers_413() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..20).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let body = poem::Body::from_bytes_stream(futures_util::stream::iter(chunks));
    let response = app
        .client
        .post("/api/v1/challenges")
        .header("authorization", format!("Bearer {}", owner.token))
        .content_type("application/json")
        .body(body)
        .send()
        .await;
    reply_of(response.0).await.expect_problem(413);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 0);
}

#[tokio::test]
async fn a_command_needs_no_body_at_all() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let id = app.draft_challenge(&owner).await;
    let reply = app
        .call(
            Method::POST,
            &format!("/challenges/{id}/submit"),
            Some(&owner.token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(reply.str("state"), "submitted");
}

#[tokio::test]
async fn a_command_body_of_null_answers_400_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let id = app.draft_challenge(&owner).await;
    let problem = app
        .post(
            &format!("/challenges/{id}/submit"),
            Some(&owner.token),
            serde_json::Value::Null,
        )
        .await
        .expect_problem(400);
    assert!(
        problem.str("detail").contains("send no body instead of null"),
        "{problem:?}"
    );
    let reply = app
        .get(&format!("/challenges/{id}"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(reply.str("state"), "draft");
}

#[tokio::test]
async fn an_unsupported_method_answers_405_problem_with_the_allowed_methods() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let reply = app
        .call(
            Method::DELETE,
            "/ideas/0190a0b0-0000-7000-8000-000000000000/submit",
            Some(&facilitator.token),
            None,
        )
        .await
        .expect_problem(405);
    assert_eq!(reply.header("allow"), Some("POST"));
    let reply = app
        .call(Method::PUT, "/challenges", None, None)
        .await
        .expect_problem(405);
    assert_eq!(reply.header("allow"), Some("GET, POST, HEAD"));
}

#[tokio::test]
async fn a_query_parameter_the_operation_does_not_declare_answers_400_naming_it() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let token = Some(facilitator.token.as_str());
    app.get("/challenges?state=draft", token).await.expect(200);
    let problem = app.get("/challenges?stat=draft", token).await.expect_problem(400);
    assert!(problem.str("detail").contains("`stat`"), "{problem:?}");
    let problem = app.get("/challenges?=0", token).await.expect_problem(400);
    assert!(problem.str("detail").contains("without a name"), "{problem:?}");
    app.get("/reports/figures?format=csv&=0", token)
        .await
        .expect_problem(400);
    app.get("/reports/funnel?x=1", token).await.expect_problem(400);
}

#[tokio::test]
async fn an_empty_optional_field_is_null_and_the_document_says_it_may_be() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let arena = app
        .post(
            "/arenas",
            Some(&facilitator.token),
            json!({ "name": "Sege Park", "kind": "digital", "description": "Open call." }),
        )
        .await
        .expect(201);
    assert_eq!(arena.body["location"], serde_json::Value::Null);
    let spec = app.get("/openapi.json", None).await.expect(200);
    let location = &spec.body["components"]["schemas"]["Arena"]["properties"]["location"];
    assert_eq!(location["nullable"], json!(true));
}

#[tokio::test]
async fn a_date_time_that_does_not_parse_answers_400_naming_the_format() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let reply = app
        .post(
            "/challenges/0190a0b0-0000-7000-8000-000000000000/publish",
            Some(&facilitator.token),
            json!({ "ideas_close_at": "tomorrow" }),
        )
        .await
        .expect_problem(400);
    let detail = reply.str("detail");
    assert!(
        detail.contains("RFC 3339") && detail.contains("2026-12-24T12:00:00Z"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_date_that_does_not_parse_answers_400_naming_the_format() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let reply = app
        .post(
            "/ideas/0190a0b0-0000-7000-8000-000000000000/start-testing",
            Some(&facilitator.token),
            json!({
                "site": "Sege Park recycling station",
                "host": "Malmö city",
                "starts_on": "2026-13-01",
                "ends_on": "2027-02-01",
                "success_criteria": "Fewer full bins."
            }),
        )
        .await
        .expect_problem(400);
    let detail = reply.str("detail");
    assert!(
        detail.contains("ISO 8601 date") && detail.contains("2026-12-24"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_query_date_time_that_does_not_parse_answers_400_naming_the_format() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let reply = app
        .get("/reports/funnel?since=yesterday", Some(&facilitator.token))
        .await
        .expect_problem(400);
    let detail = reply.str("detail");
    assert!(detail.contains("since"), "{detail}");
    assert!(
        detail.contains("RFC 3339") && detail.contains("2026-12-24T12:00:00Z"),
        "{detail}"
    );
}
