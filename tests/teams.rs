//! Teams that act together (SPEC §14.2, §19): a team entry with an e-mail is invited when
//! the idea is saved with it; the account with that address (in any case) accepts or
//! declines; an accepted member sees the idea as its innovator does, edits the draft and
//! keeps the milestones, but only the innovator submits and withdraws; removing the entry
//! ends the access; assessors of a blind challenge see no member; and an assessor from an
//! accepted member's organisation is refused (§14.4).

use serde_json::{Value, json};

use crate::helpers::*;
use crate::steps::{assign, idea_command, qualify, start_incubation};

/// A published challenge and a draft idea on it whose team names `member`'s address in
/// capitals; the idea's id.
async fn idea_with_member(app: &TestApp, innovator: &TestUser, member: &TestUser, blind: bool) -> String {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.submitted_challenge(&owner).await;
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "blind_assessment": blind }),
    )
    .await;
    app.post(
        &format!("/challenges/{challenge}/ideas"),
        Some(&innovator.token),
        json!({
            "title": "Bulky-waste pick-up by cargo bike",
            "summary": "Residents book a pick-up by QR code.",
            "description": "A cargo bike collects bulky waste on request.",
            "team": [{ "name": "Maja Member", "email": member.email.to_uppercase() }]
        }),
    )
    .await
    .expect(201)
    .id()
}

fn first_member(idea: &Value) -> &Value {
    &idea["team"][0]
}

async fn accept(app: &TestApp, idea: &str, member: &TestUser) -> Reply {
    let token = app.token_of_invitation(idea, &member.email).await;
    app.post(&format!("/invitations/{token}/accept"), Some(&member.token), json!({}))
        .await
}

#[tokio::test]
async fn an_invited_member_is_told_and_sees_the_idea_only_after_accepting() {
    let app = spawn_app().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    let idea = idea_with_member(&app, &innovator, &member, false).await;

    let seen = app
        .get(&format!("/ideas/{idea}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(first_member(&seen.body)["status"], "invited");
    assert!(first_member(&seen.body).get("user_id").is_none());

    // Told by notification, with the invitation in their list.
    let inbox = app.get("/notifications", Some(&member.token)).await.expect(200);
    assert_eq!(inbox.body["items"][0]["kind"], "invite");
    assert_eq!(inbox.body["items"][0]["subject_id"], idea.as_str());
    let open = app.get("/invitations", Some(&member.token)).await.expect(200);
    assert_eq!(open.body[0]["idea_id"], idea.as_str());
    assert_eq!(open.body[0]["status"], "invited");

    // Not yet theirs to see.
    app.get(&format!("/ideas/{idea}"), Some(&member.token))
        .await
        .expect_problem(404);
    let listed = app.get("/ideas", Some(&member.token)).await.expect(200);
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(0));

    // Another account may not answer it.
    let token = app.token_of_invitation(&idea, &member.email).await;
    let stranger = app.innovator().await;
    app.post(
        &format!("/invitations/{token}/accept"),
        Some(&stranger.token),
        json!({}),
    )
    .await
    .expect_problem(403);
    app.get(&format!("/invitations/{token}"), Some(&stranger.token))
        .await
        .expect_problem(403);

    let accepted = accept(&app, &idea, &member).await.expect(200);
    assert_eq!(accepted.body["status"], "accepted");
    let seen = app
        .get(&format!("/ideas/{idea}"), Some(&member.token))
        .await
        .expect(200);
    assert_eq!(first_member(&seen.body)["status"], "accepted");
    assert_eq!(first_member(&seen.body)["user_id"], member.id.as_str());
    let listed = app.get("/ideas", Some(&member.token)).await.expect(200);
    assert_eq!(listed.body["items"][0]["id"], idea.as_str());
    let mine = app.get("/ideas?mine=true", Some(&member.token)).await.expect(200);
    assert_eq!(mine.body["items"][0]["id"], idea.as_str());

    // Answered once.
    accept(&app, &idea, &member).await.expect_problem(409);
    app.post(&format!("/invitations/{token}/decline"), Some(&member.token), json!({}))
        .await
        .expect_problem(409);
    let open = app.get("/invitations", Some(&member.token)).await.expect(200);
    assert_eq!(open.body.as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn an_accepted_member_edits_the_draft_but_only_the_innovator_submits_and_withdraws() {
    let app = spawn_app().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    let idea = idea_with_member(&app, &innovator, &member, false).await;
    accept(&app, &idea, &member).await.expect(200);

    app.patch(
        &format!("/ideas/{idea}"),
        Some(&member.token),
        json!({ "summary": "Residents book a pick-up by QR code or by phone." }),
    )
    .await
    .expect(200);
    app.post(&format!("/ideas/{idea}/submit"), Some(&member.token), json!({}))
        .await
        .expect_problem(403);
    app.post(&format!("/ideas/{idea}/withdraw"), Some(&member.token), json!({}))
        .await
        .expect_problem(403);
    idea_command(&app, &idea, "submit", &innovator.token, json!({})).await;
    // Submitted: no one edits it any more.
    app.patch(
        &format!("/ideas/{idea}"),
        Some(&member.token),
        json!({ "title": "Later" }),
    )
    .await
    .expect_problem(409);
    // The member reads the authors' history, the edit included.
    let history = app
        .get(&format!("/ideas/{idea}/history"), Some(&member.token))
        .await
        .expect(200);
    let commands: Vec<&str> = history
        .body
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["command"].as_str())
        .collect();
    assert!(
        commands.contains(&"edit") && commands.contains(&"submit"),
        "{commands:?}"
    );
}

#[tokio::test]
async fn an_accepted_member_is_told_of_the_decision_and_keeps_the_milestones() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    let idea = idea_with_member(&app, &innovator, &member, false).await;
    accept(&app, &idea, &member).await.expect(200);
    idea_command(&app, &idea, "submit", &innovator.token, json!({})).await;
    qualify(&app, &idea, &facilitator).await;

    let inbox = app.get("/notifications", Some(&member.token)).await.expect(200);
    let kinds: Vec<&str> = inbox.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"decide"), "{kinds:?}");
    let seen = app
        .get(&format!("/ideas/{idea}"), Some(&member.token))
        .await
        .expect(200);
    assert_eq!(seen.body["decision"]["outcome"], "qualified");

    start_incubation(&app, &idea, &facilitator).await;
    let milestone = app
        .post(
            &format!("/ideas/{idea}/incubation/milestones"),
            Some(&member.token),
            json!({ "title": "Pilot route agreed", "due_on": "2027-03-01" }),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/milestones/{milestone}/complete"),
        Some(&member.token),
        json!({}),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn declining_gives_no_access_and_removing_the_entry_ends_it() {
    let app = spawn_app().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    let idea = idea_with_member(&app, &innovator, &member, false).await;
    let token = app.token_of_invitation(&idea, &member.email).await;
    let declined = app
        .post(&format!("/invitations/{token}/decline"), Some(&member.token), json!({}))
        .await
        .expect(200);
    assert_eq!(declined.body["status"], "declined");
    app.get(&format!("/ideas/{idea}"), Some(&member.token))
        .await
        .expect_problem(404);

    let second = app.innovator().await;
    app.patch(
        &format!("/ideas/{idea}"),
        Some(&innovator.token),
        json!({ "team": [
            { "name": "Maja Member", "email": member.email },
            { "name": "Sam Second", "email": second.email }
        ] }),
    )
    .await
    .expect(200);
    accept(&app, &idea, &second).await.expect(200);
    let seen = app
        .get(&format!("/ideas/{idea}"), Some(&second.token))
        .await
        .expect(200);
    // A kept entry keeps its answer.
    assert_eq!(first_member(&seen.body)["status"], "declined");
    assert_eq!(seen.body["team"][1]["status"], "accepted");

    app.patch(&format!("/ideas/{idea}"), Some(&innovator.token), json!({ "team": [] }))
        .await
        .expect(200);
    app.get(&format!("/ideas/{idea}"), Some(&second.token))
        .await
        .expect_problem(404);
    let listed = app.get("/ideas", Some(&second.token)).await.expect(200);
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(0));
    // Their invitation is gone with the entry.
    app.post(&format!("/invitations/{token}/accept"), Some(&member.token), json!({}))
        .await
        .expect_problem(404);
}

#[tokio::test]
async fn an_address_without_an_account_is_invited_by_e_mail() {
    let app = spawn_app_with_mail().await;
    let innovator = app.innovator().await;
    let challenge = app
        .published_challenge(&app.needs_owner().await, &app.facilitator().await)
        .await;
    let idea = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({
                "title": "Shared tools in the courtyard",
                "team": [{ "name": "Nora New", "email": "Nora.New@example.org" }]
            }),
        )
        .await
        .expect(201)
        .id();
    let token = app.token_of_invitation(&idea, "nora.new@example.org").await;
    // The letter rides in the outbox of the account that invited, with the link's token.
    let letters = app.mail_to(&innovator.id).await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].letter.as_deref(), Some("invitation"));
    assert_eq!(letters[0].reset_token.as_deref(), Some(token.as_str()));
}

#[tokio::test]
async fn a_blind_panel_sees_no_member_and_no_assessor_comes_from_a_members_organisation() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let member = app
        .user_in(&[sluss_domain::Role::Innovator], Some("Cykelkraft AB"))
        .await;
    let idea = idea_with_member(&app, &innovator, &member, true).await;
    accept(&app, &idea, &member).await.expect(200);
    app.patch(
        &format!("/ideas/{idea}"),
        Some(&member.token),
        json!({ "summary": "Edited by the member." }),
    )
    .await
    .expect(200);
    idea_command(&app, &idea, "submit", &innovator.token, json!({})).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;

    let colleague = app
        .user_in(&[sluss_domain::Role::Assessor], Some("cykelkraft ab"))
        .await;
    let refused = app
        .post(
            &format!("/ideas/{idea}/assignments"),
            Some(&facilitator.token),
            json!({ "assessor_id": colleague.id }),
        )
        .await
        .expect_problem(422);
    assert!(refused.body.to_string().contains("assessor_id"), "{}", refused.body);

    let assessor = app.user_in(&[sluss_domain::Role::Assessor], Some("Elsewhere")).await;
    assign(&app, &idea, &facilitator, &assessor.id).await;
    let seen = app
        .get(&format!("/ideas/{idea}"), Some(&assessor.token))
        .await
        .expect(200);
    assert_eq!(seen.body["team"], json!([]));
    assert!(seen.body["innovator"].is_null());
    let history = app
        .get(&format!("/ideas/{idea}/history"), Some(&assessor.token))
        .await
        .expect(200);
    let text = history.body.to_string();
    assert!(!text.contains(&member.id) && !text.contains(&innovator.id), "{text}");
}
