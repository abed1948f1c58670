//! Pages that do not trip people (SPEC §14.5) in the web interface: an irreversible command
//! asks on a page of its own and runs only from it; an error summary names each field and
//! links to a field on its page; a submit says what happens next.

use poem::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::steps::{idea_command, panel_scores, submitted_idea};

/// The state and version of `path` (`/challenges/{id}`, `/ideas/{id}`) as `who` reads it.
async fn state_and_version(app: &TestApp, path: &str, who: &TestUser) -> (String, String) {
    let reply = app.get(path, Some(&who.token)).await.expect(200);
    (reply.str("state").to_owned(), reply.body["version"].to_string())
}

/// The confirmation page asks with one `<h1>` naming `title`, a warning, the button
/// `button`, a "Cancel" link to `cancel`, and carries the form over with `confirmed=1`.
fn asks(body: &str, title: &str, button: &str, cancel: &str) {
    assert_eq!(body.matches("<h1").count(), 1, "not one h1");
    assert!(body.contains(title), "the page does not name the thing: {title}");
    assert!(body.contains("govuk-warning-text"), "no warning text");
    assert!(body.contains("This cannot be undone") || body.contains("cannot be undone"));
    assert!(body.contains(&format!(">{button}<")), "no {button} button");
    assert!(
        body.contains(&format!("href=\"{cancel}\"")) && body.contains(">Cancel<"),
        "no Cancel link back to {cancel}"
    );
    assert!(body.contains("name=\"confirmed\" value=\"1\""));
    assert!(body.contains("name=\"csrf\""), "the CSRF token is not carried");
    assert!(body.contains("name=\"expected_version\""), "the version is not carried");
}

#[tokio::test]
async fn withdrawing_a_challenge_by_form_asks_first_and_runs_only_once_confirmed() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let challenge = app.draft_challenge(&owner).await;
    let path = format!("/challenges/{challenge}");
    let (_, version) = state_and_version(&app, &path, &owner).await;
    let fields = [("expected_version", version.as_str()), ("reason", "Solved by the city")];

    let asked = app.form(&format!("{path}/withdraw"), &owner, &fields).await;

    assert_eq!(asked.status, StatusCode::OK, "{}", asked.location);
    asks(
        &asked.body,
        "Withdraw the challenge “Full bins at the recycling station”?",
        "Withdraw",
        &path,
    );
    assert!(
        asked.body.contains("value=\"Solved by the city\""),
        "the reason is not carried"
    );
    assert_eq!(state_and_version(&app, &path, &owner).await.0, "draft");

    let mut confirmed = fields.to_vec();
    confirmed.push(("confirmed", "1"));
    let done = app.form(&format!("{path}/withdraw"), &owner, &confirmed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(state_and_version(&app, &path, &owner).await.0, "withdrawn");
}

#[tokio::test]
async fn closing_and_archiving_a_challenge_by_form_ask_first() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let path = format!("/challenges/{challenge}");
    for (command, button, state) in [("close", "Close", "closed"), ("archive", "Archive", "archived")] {
        let (before, version) = state_and_version(&app, &path, &facilitator).await;
        let fields = [("expected_version", version.as_str())];
        let asked = app.form(&format!("{path}/{command}"), &facilitator, &fields).await;
        assert_eq!(asked.status, StatusCode::OK, "{command}: {}", asked.location);
        asks(&asked.body, "the challenge “Full bins", button, &path);
        assert_eq!(state_and_version(&app, &path, &facilitator).await.0, before);
        let done = app
            .form(
                &format!("{path}/{command}"),
                &facilitator,
                &[("expected_version", &version), ("confirmed", "1")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{command}: {}", done.body);
        assert_eq!(state_and_version(&app, &path, &facilitator).await.0, state);
    }
}

#[tokio::test]
async fn withdrawing_an_idea_by_form_asks_first_and_runs_only_once_confirmed() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app.draft_idea(&innovator, &challenge, "Bins that call").await;
    let path = format!("/ideas/{idea}");
    let (_, version) = state_and_version(&app, &path, &innovator).await;

    let asked = app
        .form(
            &format!("{path}/withdraw"),
            &innovator,
            &[("expected_version", &version)],
        )
        .await;

    assert_eq!(asked.status, StatusCode::OK, "{}", asked.location);
    asks(&asked.body, "Withdraw the idea “Bins that call”?", "Withdraw", &path);
    assert_eq!(state_and_version(&app, &path, &innovator).await.0, "draft");
    let done = app
        .form(
            &format!("{path}/withdraw"),
            &innovator,
            &[("expected_version", &version), ("confirmed", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(state_and_version(&app, &path, &innovator).await.0, "withdrawn");
}

#[tokio::test]
async fn deciding_by_form_shows_the_decision_to_confirm_and_runs_only_once_confirmed() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    panel_scores(&app, &idea, &facilitator, &[[4; 7], [3; 7]]).await;
    let path = format!("/ideas/{idea}");
    let (_, version) = state_and_version(&app, &path, &facilitator).await;
    let fields = [
        ("expected_version", version.as_str()),
        ("outcome", "qualified"),
        ("feedback", "Strong on feasibility."),
    ];

    let asked = app.form(&format!("{path}/decide"), &facilitator, &fields).await;

    assert_eq!(asked.status, StatusCode::OK, "{}", asked.location);
    asks(&asked.body, "Decide on the idea", "Decide", &path);
    assert!(asked.body.contains("Qualified"), "the outcome is not shown to check");
    assert!(asked.body.contains("value=\"Strong on feasibility.\""));
    assert_eq!(state_and_version(&app, &path, &facilitator).await.0, "in_assessment");

    let mut confirmed = fields.to_vec();
    confirmed.push(("confirmed", "1"));
    let done = app.form(&format!("{path}/decide"), &facilitator, &confirmed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(state_and_version(&app, &path, &facilitator).await.0, "qualified");
}

#[tokio::test]
async fn a_command_the_viewer_may_not_use_is_refused_without_a_confirmation_page() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let other = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let path = format!("/challenges/{challenge}");
    let (_, version) = state_and_version(&app, &path, &facilitator).await;

    // Archive before close: the state refuses it; another owner: not theirs to close.
    let archived = app
        .form(
            &format!("{path}/archive"),
            &facilitator,
            &[("expected_version", &version)],
        )
        .await;
    let closed = app
        .form(&format!("{path}/close"), &other, &[("expected_version", &version)])
        .await;

    assert_eq!(archived.status, StatusCode::CONFLICT);
    assert!(!archived.body.contains("name=\"confirmed\""));
    assert!(matches!(closed.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND));
    assert_eq!(state_and_version(&app, &path, &facilitator).await.0, "published");
}

#[tokio::test]
async fn closing_an_arena_and_deactivating_an_account_by_form_ask_first() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let arena = app.open_arena(&facilitator).await;
    let arena_path = format!("/arenas/{arena}");
    let (_, version) = state_and_version(&app, &arena_path, &facilitator).await;

    let asked = app
        .form(
            &format!("/admin/arenas/{arena}/close"),
            &facilitator,
            &[("expected_version", &version)],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.location);
    asks(
        &asked.body,
        "Close the arena",
        "Close",
        &format!("/admin/arenas/{arena}"),
    );
    assert_eq!(state_and_version(&app, &arena_path, &facilitator).await.0, "open");
    let done = app
        .form(
            &format!("/admin/arenas/{arena}/close"),
            &facilitator,
            &[("expected_version", &version), ("confirmed", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(state_and_version(&app, &arena_path, &facilitator).await.0, "closed");

    let user_path = format!("/users/{}", innovator.id);
    let version = app.get(&user_path, Some(&facilitator.token)).await.expect(200).body["version"].to_string();
    let asked = app
        .form(
            &format!("/admin/users/{}/deactivate", innovator.id),
            &facilitator,
            &[("expected_version", &version)],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.location);
    asks(
        &asked.body,
        "Deactivate the account of",
        "Deactivate",
        &format!("/admin/users/{}", innovator.id),
    );
    let user = app.get(&user_path, Some(&facilitator.token)).await.expect(200);
    assert_eq!(user.body["active"], true, "deactivated before confirming");
}

#[tokio::test]
async fn the_confirmation_page_is_in_swedish_for_a_swedish_reader() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let challenge = app.draft_challenge(&owner).await;
    let token = sluss_api::web::context::session_csrf(&owner.token);
    let body = serde_urlencoded::to_string([("csrf", token.as_str()), ("expected_version", "1")]).unwrap();

    let response = app
        .client
        .post(format!("/challenges/{challenge}/withdraw"))
        .header("cookie", format!("sluss_session={}", owner.token))
        .header("accept-language", "sv")
        .content_type("application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await;

    response.assert_status_is_ok();
    let page = response.0.into_body().into_string().await.unwrap();
    assert!(page.contains("Dra tillbaka utmaningen ”Full bins"), "{page}");
    assert!(page.contains("Det går inte att ångra"));
}

#[tokio::test]
async fn a_draft_idea_submitted_without_a_description_names_the_field_and_links_to_it_on_the_page() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({ "title": "Bins that call", "summary": "Bins tell when they are full.", "description": "" }),
        )
        .await
        .expect(201)
        .id();
    let (_, version) = state_and_version(&app, &format!("/ideas/{idea}"), &innovator).await;

    let refused = app
        .form(
            &format!("/ideas/{idea}/submit"),
            &innovator,
            &[("expected_version", &version)],
        )
        .await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("href=\"#f-description\">Description: enter a value<"),
        "the summary does not name the field"
    );
    assert!(
        refused.body.contains("id=\"f-description\""),
        "the summary links to a field the page does not have"
    );
    assert_eq!(
        state_and_version(&app, &format!("/ideas/{idea}"), &innovator).await.0,
        "draft"
    );
}

#[tokio::test]
async fn every_link_of_a_refused_forms_summary_names_its_field_and_leads_to_it() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;

    let refused = app
        .form(
            "/challenges/new",
            &owner,
            &[("title", ""), ("summary", ""), ("description", ""), ("location", "")],
        )
        .await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let links: Vec<&str> = refused.body.split("<a href=\"#f-").skip(1).collect();
    assert!(!links.is_empty(), "no summary links");
    for link in links {
        let (id, rest) = link.split_once('"').unwrap();
        let text = rest.trim_start_matches('>').split('<').next().unwrap();
        assert!(refused.body.contains(&format!("id=\"f-{id}\"")), "no field #f-{id}");
        assert!(text.contains(": "), "the message does not name its field: {text}");
    }
    assert!(refused.body.contains(">Title: "));
}

#[tokio::test]
async fn after_submitting_a_challenge_or_an_idea_the_page_says_what_happens_next() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let draft = app.draft_challenge(&owner).await;
    let (_, version) = state_and_version(&app, &format!("/challenges/{draft}"), &owner).await;

    let submitted = app
        .form(
            &format!("/challenges/{draft}/submit"),
            &owner,
            &[("expected_version", &version)],
        )
        .await;

    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let (_, page) = app.page(&submitted.location, Some(&owner), "en").await;
    assert!(
        page.contains("The innovation team reviews your challenge, usually within two weeks."),
        "the challenge page does not say what happens next"
    );
    let (_, page) = app.page(&submitted.location, Some(&owner), "sv").await;
    assert!(page.contains("Innovationsteamet granskar din utmaning"));

    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app.draft_idea(&innovator, &challenge, "Bins that call").await;
    let (_, version) = state_and_version(&app, &format!("/ideas/{idea}"), &innovator).await;
    let submitted = app
        .form(
            &format!("/ideas/{idea}/submit"),
            &innovator,
            &[("expected_version", &version)],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let (_, page) = app.page(&submitted.location, Some(&innovator), "en").await;
    assert!(page.contains("Idea submitted") && page.contains("You will be told the decision"));

    let (_, page) = app
        .page(&format!("/ideas/{idea}?done=%3Cscript%3E"), Some(&innovator), "en")
        .await;
    assert!(!page.contains("what-happens-next"), "an unknown done= shows a banner");
}

#[tokio::test]
async fn an_empty_answer_is_named_and_its_summary_link_leads_to_that_questions_answer_field() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let question = app
        .post(
            &format!("/challenges/{challenge}/questions"),
            Some(&innovator.token),
            serde_json::json!({ "text": "Who empties the bins?" }),
        )
        .await
        .expect(201)
        .id();

    let refused = app
        .form(
            &format!("/questions/{question}/answer"),
            &owner,
            &[("question_id", &question), ("challenge_id", &challenge), ("text", "  ")],
        )
        .await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let target = format!("f-answer-{question}");
    assert!(
        refused.body.contains(&format!("<a href=\"#{target}\"")),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(&format!("id=\"{target}\"")));
    assert!(refused.body.contains(">Answer: "), "the summary names the field");
}
