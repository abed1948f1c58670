//! `If-Match` on every update and command of a versioned resource: a stale version answers
//! 412 with the current one and changes nothing; the current one goes through.

use serde_json::Value;

use crate::helpers::*;
use crate::matrix::{prepare_cell, spec_form};

/// Every update and command of a versioned resource, and a caller it succeeds for.
#[rustfmt::skip]
const GUARDED: &[(&str, &str)] = &[
    ("PUT /users/{other}/roles",                      "facilitator"),
    ("POST /users/{other}/deactivate",                "facilitator"),
    ("POST /users/{deactivated}/reactivate",          "facilitator"),
    ("PATCH /me",                                     "innovator"),
    ("POST /users/{other}/erase",                     "facilitator"),
    ("PATCH /arenas/{planned}",                       "facilitator"),
    ("PATCH /organisations/{organisation}",           "facilitator"),
    ("POST /arenas/{planned}/open",                   "facilitator"),
    ("POST /arenas/{open}/close",                     "facilitator"),
    ("PATCH /challenges/{draft}",                     "owner"),
    ("POST /challenges/{draft}/submit",               "owner"),
    ("POST /challenges/{submitted}/request-changes",  "facilitator"),
    ("POST /challenges/{submitted}/publish",          "facilitator"),
    ("POST /challenges/{published}/close",            "facilitator"),
    ("POST /challenges/{closed}/archive",             "facilitator"),
    ("POST /challenges/{published}/withdraw",         "facilitator"),
    ("POST /challenges/{published}/transfer",         "facilitator"),
    ("PATCH /ideas/{draft_idea}",                     "author"),
    ("POST /ideas/{draft_idea}/submit",               "author"),
    ("POST /ideas/{submitted_idea}/withdraw",         "author"),
    ("POST /ideas/{assigned_idea}/start-assessment",  "facilitator"),
    ("POST /ideas/{scored_idea}/decide",              "facilitator"),
    ("POST /ideas/{qualified_idea}/start-incubation", "facilitator"),
    ("POST /ideas/{qualified_idea}/start-testing",    "facilitator"),
    ("POST /ideas/{in_testing_idea}/complete",        "facilitator"),
    ("POST /ideas/{qualified_idea}/discontinue",      "facilitator"),
    ("POST /ideas/{in_testing_idea}/put-on-hold",     "facilitator"),
    ("POST /ideas/{on_hold_idea}/resume",             "facilitator"),
    ("PUT /rubrics/{rubric}",                         "facilitator"),
    ("POST /assignments/{assignment}/declare-conflict", "panel"),
    ("POST /obstacles/{obstacle}/raise",              "facilitator"),
    ("POST /obstacles/{raised_obstacle}/answer",      "facilitator"),
    ("POST /obstacles/{obstacle}/close",              "facilitator"),
    ("PUT /obstacles/{obstacle}/same-as",             "facilitator"),
];

/// A version no resource has.
const STALE: &str = "\"987654\"";

#[tokio::test]
async fn every_update_and_command_answers_412_for_a_stale_if_match_and_200_for_the_current_one() {
    let app = spawn_app().await;
    let mut mismatches = Vec::new();
    for &(endpoint, caller) in GUARDED {
        // Arrange: the cell's resource, body and caller
        let cell = prepare_cell(&app, endpoint, caller).await;
        let send = |if_match: String| {
            let cell = &cell;
            let app = &app;
            async move {
                app.call_with(
                    cell.method.clone(),
                    &cell.path,
                    cell.token.as_deref(),
                    cell.body.clone(),
                    &[("if-match", if_match.as_str())],
                )
                .await
            }
        };

        // Act: a stale version, then the current one the refusal named
        let stale = send(STALE.to_owned()).await;
        let current = stale.body["current_version"].as_i64();
        let fresh = match current {
            Some(version) => Some(send(format!("\"{version}\"")).await),
            None => None,
        };

        // Assert
        let is_problem = stale.header("content-type") == Some("application/problem+json");
        if stale.code() != 412 || !is_problem {
            mismatches.push(format!(
                "{endpoint}: stale If-Match answered {}: {}",
                stale.code(),
                stale.text
            ));
            continue;
        }
        let (Some(version), Some(fresh)) = (current, fresh) else {
            mismatches.push(format!("{endpoint}: 412 without current_version: {}", stale.text));
            continue;
        };
        if fresh.code() != 200 {
            mismatches.push(format!(
                "{endpoint}: current If-Match answered {}: {}",
                fresh.code(),
                fresh.text
            ));
            continue;
        }
        // The refusal changed nothing: the version it named was still the current one, and
        // only the accepted request moved it on.
        let etag = fresh.header("etag").unwrap_or_default();
        if etag != format!("\"{}\"", version + 1) {
            mismatches.push(format!("{endpoint}: from version {version} the ETag became {etag}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_write_answering_with_an_etag_documents_if_match_and_is_in_the_table() {
    let spec: Value = serde_json::from_str(include_str!("../openapi/openapi.json")).expect("committed spec is JSON");
    let mut versioned = std::collections::BTreeSet::new();
    let mut missing_if_match = Vec::new();
    for (path, methods) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in methods.as_object().expect("operations") {
            let answers_etag = operation["responses"]["200"]["headers"]["ETAG"].is_object();
            if method == "get" || !answers_etag {
                continue;
            }
            let name = format!("{} {path}", method.to_uppercase());
            let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
            if !parameters
                .iter()
                .any(|p| p["in"] == "header" && p["name"] == "If-Match")
            {
                missing_if_match.push(name.clone());
            }
            versioned.insert(name);
        }
    }
    let tabled: std::collections::BTreeSet<String> = GUARDED.iter().map(|(e, _)| spec_form(e)).collect();
    assert!(
        missing_if_match.is_empty(),
        "writes without If-Match: {missing_if_match:?}"
    );
    assert_eq!(
        tabled, versioned,
        "the table differs from the versioned writes of the spec"
    );
}
