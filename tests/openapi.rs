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
