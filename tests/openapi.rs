//! The committed OpenAPI document is what the code generates.

use sluss_api::startup::openapi_json;

#[test]
fn committed_spec_equals_the_generated_one() {
    let committed = include_str!("../openapi/openapi.json");
    let committed: serde_json::Value = serde_json::from_str(committed).expect("committed spec is JSON");
    let generated: serde_json::Value =
        serde_json::from_str(&openapi_json().expect("spec generates")).expect("generated spec is JSON");
    assert!(
        committed == generated,
        "openapi/openapi.json is stale; regenerate it with: cargo run -q -p sluss-api -- openapi > openapi/openapi.json"
    );
}

#[test]
fn every_operation_documents_problem_answers_and_an_operation_id() {
    let spec: serde_json::Value = serde_json::from_str(&openapi_json().expect("spec generates")).expect("JSON");
    let paths = spec["paths"].as_object().expect("paths");
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().expect("operations") {
            assert!(
                operation["operationId"].is_string(),
                "{method} {path} has no operationId"
            );
            let problem = &operation["responses"]["404"]["content"]["application/problem+json"];
            assert!(problem.is_object(), "{method} {path} does not document problem+json");
        }
    }
}

/// Asserts every schema with an `expected_version` property has an example without it.
fn assert_command_examples_leave_out_expected_version(spec: &serde_json::Value, source: &str) {
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    let mut commands = 0;
    for (name, schema) in schemas {
        if schema["properties"].get("expected_version").is_none() {
            continue;
        }
        commands += 1;
        let example = schema["example"]
            .as_object()
            .unwrap_or_else(|| panic!("{source}: {name} has no example"));
        assert!(
            !example.contains_key("expected_version"),
            "{source}: {name}'s example sends expected_version"
        );
    }
    assert!(commands >= 10, "{source}: only {commands} command bodies found");
}

#[tokio::test]
async fn the_examples_of_command_and_update_bodies_leave_out_expected_version() {
    let app = crate::helpers::spawn_app().await;
    let served = app.get("/openapi.json", None).await.expect(200).body;
    assert_command_examples_leave_out_expected_version(&served, "/api/v1/openapi.json");
    assert_eq!(
        served["components"]["schemas"]["VersionOnly"]["example"],
        serde_json::json!({})
    );

    // The docs page embeds its own copy of the document; swagger-ui pre-fills from that one.
    let page = app
        .client
        .get("/docs")
        .send()
        .await
        .0
        .into_body()
        .into_string()
        .await
        .expect("docs page");
    let embedded = page
        .split_once("let spec = ")
        .and_then(|(_, rest)| rest.split_once(";\n    let oauth2RedirectUrl"))
        .map(|(spec, _)| spec)
        .expect("the docs page embeds the document");
    let embedded: serde_json::Value = serde_json::from_str(embedded).expect("embedded document is JSON");
    assert_command_examples_leave_out_expected_version(&embedded, "/docs");
}
