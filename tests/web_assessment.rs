//! Blind assessment in the web interface (SPEC §4, §10.4): an assessor of an idea on a
//! challenge published with `blind_assessment` never sees who is behind it — not the
//! innovator, their organisation or the team — on any page they reach.

use poem::http::{Method, StatusCode};
use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::{PASSWORD, TestApp, TestUser, spawn_app};
use crate::steps::{DEFAULT_CRITERIA, assign, idea_command, panel_scores, submitted_idea};

#[tokio::test]
async fn an_assessor_of_a_blind_assessment_sees_no_one_behind_the_idea_on_any_page() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.user_in(&[Role::Innovator], Some("Solkraft Innovation AB")).await;
    let assessor = app.user_in(&[Role::Assessor], Some("Science park")).await;
    let challenge = app.submitted_challenge(&owner).await;
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "blind_assessment": true }),
    )
    .await
    .expect(200);
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    assessed_by(&app, &facilitator, &idea, &assessor).await;
    // Who is behind the idea: the innovator, their organisation, the team (steps.rs's idea).
    let identities = [
        innovator.id.as_str(),
        innovator.email.as_str(),
        "Solkraft Innovation AB",
        "Anna Svensson",
        "anna@example.org",
    ];
    let (_, team_view) = app.page(&format!("/ideas/{idea}"), Some(&facilitator), "en").await;
    assert!(
        team_view.contains("Anna Svensson"),
        "the team sees the team, so the check below can fail"
    );

    let mut pages = vec![
        "/assignments".to_owned(),
        "/me".to_owned(),
        format!("/ideas/{idea}"),
        format!("/ideas/{idea}/scorecard"),
        format!("/challenges/{challenge}"),
    ];
    let scores: serde_json::Map<String, Value> = DEFAULT_CRITERIA
        .iter()
        .map(|key| ((*key).to_owned(), json!(4)))
        .collect();
    app.call(
        Method::PUT,
        &format!("/ideas/{idea}/scorecard"),
        Some(&assessor.token),
        Some(json!({ "scores": scores, "comment": "Clear need, simple test." })),
    )
    .await
    .expect(200);
    pages.push(format!("/ideas/{idea}/assessment"));
    pages.push(format!("/ideas/{idea}/scorecard"));

    for path in &pages {
        for lang in ["sv", "en"] {
            let (status, body) = app.page(path, Some(&assessor), lang).await;
            assert_eq!(status, StatusCode::OK, "{path} in {lang}");
            for identity in identities {
                assert!(!body.contains(identity), "{path} in {lang} shows {identity}");
            }
        }
    }
}

#[tokio::test]
async fn an_assessor_registered_before_many_others_is_still_offered_by_name_on_the_idea_page() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let early = app.user_in(&[Role::Assessor], Some("Science park")).await;
    // More people registered since than any one page of users holds.
    for _ in 0..210 {
        app.user(&[Role::Innovator]).await;
    }
    let idea = idea_in_assessment(&app, &facilitator).await;

    let (status, body) = app.page(&format!("/ideas/{idea}"), Some(&facilitator), "en").await;

    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(&format!("<option value=\"{}\"", early.id)),
        "the assessor registered first is not offered"
    );
}

/// An idea on a newly published challenge whose assessment `facilitator` has started.
async fn idea_in_assessment(app: &TestApp, facilitator: &TestUser) -> String {
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, facilitator).await;
    let idea = submitted_idea(app, &innovator, &challenge).await;
    idea_command(app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    idea
}

/// Starts the assessment of `idea` and assigns `assessor` to it.
async fn assessed_by(app: &TestApp, facilitator: &TestUser, idea: &str, assessor: &TestUser) {
    idea_command(app, idea, "start-assessment", &facilitator.token, json!({})).await;
    assign(app, idea, facilitator, &assessor.id).await;
}

/// An assessor of `organisation` created through the API, so that the write passes the
/// same way as a facilitator's on `/admin/users`.
async fn registered_assessor(app: &TestApp, facilitator: &TestUser, name: &str, organisation: &str) -> String {
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    let created = app
        .post(
            "/users",
            Some(&facilitator.token),
            json!({ "email": email, "password": PASSWORD, "display_name": name, "organisation": organisation, "roles": ["assessor"] }),
        )
        .await
        .expect(201);
    created.str("id").to_owned()
}

fn offers(body: &str, user: &str) -> bool {
    body.contains(&format!("<option value=\"{user}\""))
}

#[tokio::test]
async fn a_facilitator_finds_an_assessor_by_name_email_or_organisation_and_only_matches_are_offered() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let harbour = registered_assessor(&app, &facilitator, "Greta Hamn", "Harbour Lab").await;
    let park = registered_assessor(&app, &facilitator, "Olle Park", "Science Park").await;
    let idea = idea_in_assessment(&app, &facilitator).await;

    let (_, every) = app.page(&format!("/ideas/{idea}"), Some(&facilitator), "en").await;
    assert!(
        offers(&every, &harbour) && offers(&every, &park),
        "without a search every assessor is offered"
    );

    for find in ["harbour", "HAMN", "greta.hamn@"] {
        let (status, found) = app
            .page(&format!("/ideas/{idea}?find={find}"), Some(&facilitator), "en")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(offers(&found, &harbour), "{find} does not find the harbour's assessor");
        assert!(!offers(&found, &park), "{find} also offers the park's assessor");
        assert!(found.contains("One assessor matches"), "{find}: no count of matches");
    }

    let (_, none) = app
        .page(&format!("/ideas/{idea}?find=nobody"), Some(&facilitator), "sv")
        .await;
    assert!(!offers(&none, &harbour) && !offers(&none, &park));
    assert!(
        none.contains("Ingen aktiv bedömare matchar"),
        "no word that nobody matches"
    );
}

#[tokio::test]
async fn an_assessor_registered_or_deactivated_since_the_last_view_is_offered_or_withdrawn_at_once() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let first = registered_assessor(&app, &facilitator, "Anna Forst", "Malmö stad").await;
    let idea = idea_in_assessment(&app, &facilitator).await;
    let path = format!("/ideas/{idea}");
    let (_, before) = app.page(&path, Some(&facilitator), "en").await;
    assert!(offers(&before, &first));

    let second = registered_assessor(&app, &facilitator, "Bo Sen", "Lund").await;
    let (_, registered) = app.page(&path, Some(&facilitator), "en").await;
    assert!(
        offers(&registered, &second),
        "an assessor registered since is not offered"
    );

    app.post(
        &format!("/users/{first}/deactivate"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    let (_, deactivated) = app.page(&path, Some(&facilitator), "en").await;
    assert!(!offers(&deactivated, &first), "a deactivated assessor is still offered");
    assert!(offers(&deactivated, &second));
}

#[tokio::test]
async fn an_assessors_queue_shows_fifty_assignments_a_page_and_leads_on_to_the_rest() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let assessor = app.assessor().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    for n in 0..53 {
        let idea = app
            .submitted_idea(&innovator, &challenge, &format!("Queued idea {n:02}"))
            .await;
        assessed_by(&app, &facilitator, &idea, &assessor).await;
    }
    let rows = |body: &str| body.matches("/scorecard\"").count();

    let (status, first) = app.page("/assignments", Some(&assessor), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows(&first), 50);
    assert!(
        first.contains("Queued idea 52"),
        "the newest assignment is not on the first page"
    );
    let next = first
        .split("rel=\"next\"")
        .next()
        .and_then(|before| before.rsplit("href=\"").next())
        .and_then(|href| href.split('"').next())
        .unwrap_or_else(|| panic!("no link to the next page"))
        .replace("&amp;", "&");

    let (status, second) = app.page(&next, Some(&assessor), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows(&second), 3);
    assert!(
        second.contains("Queued idea 00"),
        "the oldest assignment is not on the last page"
    );
    assert!(!second.contains("rel=\"next\""), "the last page leads on");
}

#[tokio::test]
async fn decide_is_offered_only_once_the_panel_has_scored_and_until_then_the_page_counts() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    let decide = format!("action=\"/ideas/{idea}/decide\"");
    let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&facilitator), "en").await;
    assert!(!page.contains(&decide), "Decide is offered before any scorecard");
    assert!(
        page.contains("0 of the 2 scorecards the rubric requires are in"),
        "the page does not say how many scorecards are missing"
    );
    panel_scores(&app, &idea, &facilitator, &[[4; 7], [3; 7]]).await;
    let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&facilitator), "en").await;
    assert!(
        page.contains(&decide),
        "Decide is not offered once the panel has scored"
    );
    assert!(!page.contains("scorecards the rubric requires are in"));
}
