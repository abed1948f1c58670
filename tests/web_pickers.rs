//! The forms that name a registered organisation by searching (ADR 0030), the idea form's
//! "Add team member" on an empty row, and a stale form whose state also changed (SPEC
//! §10.5), driven as a browser without JavaScript sends them.

use poem::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::steps::qualified_idea;

/// Registers an organisation as `facilitator`; its id.
async fn register(app: &TestApp, facilitator: &TestUser, name: &str, kind: &str) -> String {
    app.post(
        "/organisations",
        Some(&facilitator.token),
        json!({ "name": name, "kind": kind }),
    )
    .await
    .expect(201)
    .id()
}

const CHALLENGE: [(&str, &str); 4] = [
    ("title", "Full bins at the recycling station"),
    ("summary", "Residents report full bins by QR code."),
    ("description", "Bins overflow before the emptying round comes."),
    ("location", "Rosengård, Malmö"),
];

/// The challenge form's fields with `extra` after them.
fn challenge_form<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    CHALLENGE.iter().copied().chain(extra.iter().copied()).collect()
}

#[tokio::test]
async fn the_challenge_form_searches_the_registry_and_saves_the_organisation_chosen() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let mkb = register(&app, &facilitator, "MKB Fastighets AB", "housing_company").await;
    register(&app, &facilitator, "Malmö stad", "municipality").await;

    let searched = app
        .form(
            "/challenges/new",
            &owner,
            &challenge_form(&[("organisation", "mkb"), ("find", "organisation_id")]),
        )
        .await;
    assert_eq!(searched.status, StatusCode::OK);
    assert!(searched.body.contains(&format!("value=\"{mkb}\"")), "no choice of MKB");
    assert!(
        !searched.body.contains("Malmö stad"),
        "a name that does not match is offered"
    );
    assert!(
        searched.body.contains("value=\"Rosengård, Malmö\""),
        "the input is not kept"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 0);

    let saved = app
        .form(
            "/challenges/new",
            &owner,
            &challenge_form(&[("organisation", "mkb"), ("organisation_pick", &mkb)]),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id = saved.location.trim_start_matches("/challenges/");
    let challenge = app
        .get(&format!("/challenges/{id}"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(challenge.body["organisation"]["id"], json!(mkb));
}

#[tokio::test]
async fn a_name_that_is_exactly_one_registered_organisations_is_taken_without_a_search() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let mkb = register(&app, &facilitator, "MKB Fastighets AB", "housing_company").await;
    let id = app.draft_challenge(&owner).await;
    let version = app
        .get(&format!("/challenges/{id}"), Some(&owner.token))
        .await
        .expect(200)
        .body["version"]
        .to_string();

    let saved = app
        .form(
            &format!("/challenges/{id}/edit"),
            &owner,
            &challenge_form(&[("organisation", "mkb fastighets ab"), ("expected_version", &version)]),
        )
        .await;

    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let challenge = app
        .get(&format!("/challenges/{id}"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(challenge.body["organisation"]["id"], json!(mkb));
}

#[tokio::test]
async fn a_name_no_registered_organisation_has_is_refused_on_its_field() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;

    let refused = app
        .form(
            "/challenges/new",
            &owner,
            &challenge_form(&[("organisation", "Okänd förening")]),
        )
        .await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("href=\"#f-organisation_id\""),
        "the summary does not link the field"
    );
    assert!(refused.body.contains("id=\"f-organisation_id-error\""));
    assert!(refused.body.contains("Okänd förening"));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 0);
}

#[tokio::test]
async fn the_start_testing_form_names_the_host_organisation_found_by_its_name() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let host = register(&app, &facilitator, "MKB Fastighets AB", "housing_company").await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    let version = app
        .get(&format!("/ideas/{idea}"), Some(&facilitator.token))
        .await
        .expect(200)
        .body["version"]
        .to_string();
    let fields = |extra: &[(&'static str, &'static str)]| {
        let mut fields = vec![
            ("site", "Recycling station, Rosengård"),
            ("host", ""),
            ("starts_on", "2027-04-01"),
            ("ends_on", "2027-09-30"),
            ("success_criteria", "60 reports a month"),
        ];
        fields.extend_from_slice(extra);
        fields
    };

    let searched = app
        .form(
            &format!("/ideas/{idea}/test/start-testing"),
            &facilitator,
            &[
                fields(&[("host_organisation", "fastighets"), ("find", "host_organisation_id")]),
                vec![("expected_version", version.as_str())],
            ]
            .concat(),
        )
        .await;
    assert_eq!(searched.status, StatusCode::OK);
    assert!(
        searched.body.contains(&format!("value=\"{host}\"")),
        "no choice of the host"
    );

    let started = app
        .form(
            &format!("/ideas/{idea}/test/start-testing"),
            &facilitator,
            &[
                fields(&[("host_organisation", "MKB Fastighets AB")]),
                vec![("expected_version", version.as_str())],
            ]
            .concat(),
        )
        .await;

    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let test = app
        .get(&format!("/ideas/{idea}/test"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(test.body["host_organisation_id"], json!(host));
    assert_eq!(test.str("host"), "MKB Fastighets AB");
}

#[tokio::test]
async fn a_team_members_organisation_is_saved_from_its_name() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let organisation = register(&app, &facilitator, "Delningsbolaget", "startup").await;
    let challenge = app.published_challenge(&owner, &facilitator).await;

    let saved = app
        .form(
            &format!("/challenges/{challenge}/ideas/new"),
            &innovator,
            &[
                ("title", "Sharing hub in every entrance"),
                ("summary", "Shared cargo bikes."),
                ("description", "Run by the residents."),
                ("team_name", "Ella Berg"),
                ("team_email", "ella@example.org"),
                ("team_organisation", "delningsbolaget"),
                ("team_organisation_id", ""),
            ],
        )
        .await;

    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id = saved.location.trim_start_matches("/ideas/");
    let idea = app
        .get(&format!("/ideas/{id}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(idea.body["team"][0]["organisation_id"], json!(organisation));
}

#[tokio::test]
async fn add_team_member_on_an_empty_first_row_adds_a_row_under_the_challenges_name() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;

    let added = app
        .form(
            &format!("/challenges/{challenge}/ideas/new"),
            &innovator,
            &[
                ("title", "Sharing hub"),
                ("team_name", ""),
                ("team_email", ""),
                ("team_organisation", ""),
                ("team_organisation_id", ""),
                ("add_member", "1"),
            ],
        )
        .await;

    assert_eq!(added.status, StatusCode::OK);
    assert_eq!(added.body.matches("name=\"team_name\"").count(), 2);
    let heading = added.body.split("<h1").nth(1).unwrap_or_default();
    assert!(
        heading
            .split("</h1>")
            .next()
            .unwrap_or_default()
            .contains("Full bins at the recycling station"),
        "the heading lost the challenge's name"
    );
}

#[tokio::test]
async fn a_stale_form_whose_state_also_changed_says_someone_else_changed_it() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let id = app.draft_challenge(&owner).await;
    let read = app
        .get(&format!("/challenges/{id}"), Some(&owner.token))
        .await
        .expect(200)
        .body["version"]
        .to_string();
    app.challenge_command(&id, "submit", &owner.token, json!({})).await;

    let refused = app
        .form(
            &format!("/challenges/{id}/edit"),
            &owner,
            &challenge_form(&[("expected_version", &read)]),
        )
        .await;

    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains("Someone else changed this in the meantime"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(&format!("href=\"/challenges/{id}/edit\"")),
        "no link to reload"
    );
    assert!(!refused.body.contains("This cannot be done in the current state"));
}

/// The challenge's owner and organisation ids, as a facilitator reads them.
async fn owner_and_organisation(app: &TestApp, facilitator: &TestUser, challenge: &str) -> (String, Option<String>) {
    let read = app
        .get(&format!("/challenges/{challenge}"), Some(&facilitator.token))
        .await
        .expect(200);
    let organisation = read.body["organisation"]["id"].as_str().map(str::to_owned);
    (
        read.body["owner_id"].as_str().unwrap_or_default().to_owned(),
        organisation,
    )
}

#[tokio::test]
async fn the_transfer_form_searches_the_registry_and_hands_the_challenge_on_with_the_organisation_chosen() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let heir = app.needs_owner().await;
    let brf = register(&app, &facilitator, "Brf Sege Park", "residents_association").await;
    register(&app, &facilitator, "Malmö stad", "municipality").await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let action = format!("/challenges/{challenge}/transfer");

    // The form offers the picker beside the new owner's address.
    let (_, page) = app
        .page(&format!("/challenges/{challenge}"), Some(&facilitator), "en")
        .await;
    assert!(page.contains("New organisation"), "{page}");
    assert!(page.contains("name=\"organisation\""), "{page}");

    // "Search" shows the matches, keeps the address and transfers nothing.
    let searched = app
        .form(
            &action,
            &facilitator,
            &[
                ("owner_email", &heir.email),
                ("organisation", "sege"),
                ("find", "organisation_id"),
            ],
        )
        .await;
    assert_eq!(searched.status, StatusCode::OK, "{}", searched.body);
    assert!(
        searched.body.contains(&format!("value=\"{brf}\"")),
        "no choice of the Brf"
    );
    assert!(
        !searched.body.contains("Malmö stad"),
        "a name that does not match is offered"
    );
    assert!(
        searched.body.contains(&format!("value=\"{}\"", heir.email)),
        "the address is not kept"
    );
    assert_eq!(owner_and_organisation(&app, &facilitator, &challenge).await.0, owner.id);

    // The choice is saved with the transfer.
    let moved = app
        .form(
            &action,
            &facilitator,
            &[
                ("owner_email", &heir.email),
                ("organisation", "sege"),
                ("organisation_pick", &brf),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(
        owner_and_organisation(&app, &facilitator, &challenge).await,
        (heir.id.clone(), Some(brf.clone()))
    );
}

#[tokio::test]
async fn the_transfer_form_takes_an_exact_name_keeps_the_organisation_when_left_empty_and_refuses_an_unknown_one() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let heir = app.needs_owner().await;
    let third = app.needs_owner().await;
    let mkb = register(&app, &facilitator, "MKB Fastighets AB", "housing_company").await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let action = format!("/challenges/{challenge}/transfer");

    let moved = app
        .form(
            &action,
            &facilitator,
            &[("owner_email", &heir.email), ("organisation", "mkb fastighets ab")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(
        owner_and_organisation(&app, &facilitator, &challenge).await,
        (heir.id.clone(), Some(mkb.clone()))
    );

    // Left empty, the organisation stays as it is.
    let moved = app
        .form(
            &action,
            &facilitator,
            &[("owner_email", &third.email), ("organisation", "")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(
        owner_and_organisation(&app, &facilitator, &challenge).await,
        (third.id.clone(), Some(mkb.clone()))
    );

    // A name no registered organisation has is refused on its field; nothing moves.
    let refused = app
        .form(
            &action,
            &facilitator,
            &[("owner_email", &heir.email), ("organisation", "Okänd förening")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#f-organisation_id\""), "{}", refused.body);
    assert!(refused.body.contains("New organisation") || refused.body.contains("Ny organisation"));
    assert!(refused.body.contains("Okänd förening"));
    assert_eq!(owner_and_organisation(&app, &facilitator, &challenge).await.0, third.id);
}
