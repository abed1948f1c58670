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

#[tokio::test]
async fn erasing_an_accepted_member_ends_their_membership() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    let idea = idea_with_member(&app, &innovator, &member, false).await;
    accept(&app, &idea, &member).await.expect(200);
    app.post(
        &format!("/users/{}/erase", member.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    let seen = app
        .get(&format!("/ideas/{idea}"), Some(&innovator.token))
        .await
        .expect(200);
    assert_eq!(seen.body["team"], json!([]));
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use sluss_api::persistence::entities::{ideas, team_invitations};
    let id: uuid::Uuid = idea.parse().unwrap();
    let invitations = team_invitations::Entity::find()
        .filter(team_invitations::Column::IdeaId.eq(id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(invitations, 0);
    let row = ideas::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.member_ids, "[]");
}

/// A draft challenge of `owner` with a submitted idea on it, once published.
async fn challenge_with_an_idea(app: &TestApp, owner: &TestUser, facilitator: &TestUser) -> (String, String) {
    let challenge = app.published_challenge(owner, facilitator).await;
    let innovator = app.innovator().await;
    let idea = app.submitted_idea(&innovator, &challenge, "Shared cargo bikes").await;
    (challenge, idea)
}

#[tokio::test]
async fn a_facilitator_transfers_a_challenge_and_its_ideas_follow_the_new_owner() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let heir = app.needs_owner().await;
    let (challenge, idea) = challenge_with_an_idea(&app, &owner, &facilitator).await;
    let association = app
        .post(
            "/organisations",
            Some(&facilitator.token),
            json!({ "name": "Brf Sege Park", "kind": "residents_association" }),
        )
        .await
        .expect(201)
        .id();

    let moved = app
        .post(
            &format!("/challenges/{challenge}/transfer"),
            Some(&facilitator.token),
            json!({ "owner_id": heir.id, "organisation_id": association }),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["owner_id"], heir.id.as_str());
    assert_eq!(moved.body["organisation"]["id"], association.as_str());
    assert_eq!(moved.body["state"], "published");

    // The ideas on it are the new owner's to see, and no longer the old owner's.
    app.get(&format!("/ideas/{idea}"), Some(&heir.token)).await.expect(200);
    app.get(&format!("/ideas/{idea}"), Some(&owner.token))
        .await
        .expect_problem(404);
    let listed = app.get("/ideas", Some(&heir.token)).await.expect(200);
    assert_eq!(listed.body["items"][0]["id"], idea.as_str());
    // The new owner is told; the history records it.
    let inbox = app.get("/notifications", Some(&heir.token)).await.expect(200);
    assert_eq!(inbox.body["items"][0]["kind"], "transfer");
    let history = app
        .get(&format!("/challenges/{challenge}/history"), Some(&heir.token))
        .await
        .expect(200);
    let last = history
        .body
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["command"], "transfer");
    // The new owner closes it; the old one may not.
    app.post(&format!("/challenges/{challenge}/close"), Some(&owner.token), json!({}))
        .await
        .expect_problem(403);
    app.challenge_command(&challenge, "close", &heir.token, json!({})).await;
}

#[tokio::test]
async fn a_transfer_is_refused_to_anyone_but_an_active_needs_owner_and_by_anyone_but_a_facilitator() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let challenge = app.draft_challenge(&owner).await;
    let before = app
        .get(&format!("/challenges/{challenge}"), Some(&owner.token))
        .await
        .expect(200);

    let innovator = app.innovator().await;
    let refused = app
        .post(
            &format!("/challenges/{challenge}/transfer"),
            Some(&facilitator.token),
            json!({ "owner_id": innovator.id }),
        )
        .await
        .expect_problem(422);
    assert!(refused.text.contains("owner_id"), "{}", refused.text);
    app.post(
        &format!("/challenges/{challenge}/transfer"),
        Some(&facilitator.token),
        json!({ "owner_id": uuid::Uuid::now_v7() }),
    )
    .await
    .expect_problem(422);
    let heir = app.needs_owner().await;
    app.post(
        &format!("/challenges/{challenge}/transfer"),
        Some(&facilitator.token),
        json!({ "owner_id": heir.id, "organisation_id": uuid::Uuid::now_v7() }),
    )
    .await
    .expect_problem(422);
    app.post(
        &format!("/challenges/{challenge}/transfer"),
        Some(&owner.token),
        json!({ "owner_id": heir.id }),
    )
    .await
    .expect_problem(403);
    let after = app
        .get(&format!("/challenges/{challenge}"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(after.body["version"], before.body["version"]);
    assert_eq!(after.body["owner_id"], owner.id.as_str());

    // A withdrawn challenge stays where it is.
    app.challenge_command(&challenge, "withdraw", &owner.token, json!({}))
        .await;
    app.post(
        &format!("/challenges/{challenge}/transfer"),
        Some(&facilitator.token),
        json!({ "owner_id": heir.id }),
    )
    .await
    .expect_problem(409);
}

#[tokio::test]
async fn on_the_web_a_member_accepts_on_the_invitation_page_and_a_facilitator_transfers_by_e_mail() {
    let app = spawn_app().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    let idea = idea_with_member(&app, &innovator, &member, false).await;
    let token = app.token_of_invitation(&idea, &member.email).await;

    // Signed out, the link leads to logging in and back.
    let (status, _) = app.page(&format!("/invitations/{token}"), None, "en").await;
    assert_eq!(status.as_u16(), 303);
    let (status, page) = app.page("/invitations", Some(&member), "en").await;
    assert_eq!(status.as_u16(), 200);
    assert!(page.contains("Accept") && page.contains("Decline"), "{page}");
    let (status, page) = app.page(&format!("/invitations/{token}"), Some(&innovator), "sv").await;
    assert_eq!(status.as_u16(), 403, "{page}");
    let answer = app.form(&format!("/invitations/{token}/accept"), &member, &[]).await;
    assert_eq!(answer.location, format!("/ideas/{idea}"));
    let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&member), "en").await;
    assert!(page.contains("Accepted"), "the team shows the answer");
    // A member of a draft is offered the edit; the innovator's commands are not theirs.
    assert!(page.contains(&format!("/ideas/{idea}/edit")));
    let (status, _) = app.page(&format!("/ideas/{idea}/edit"), Some(&member), "en").await;
    assert_eq!(status.as_u16(), 200, "the edit offered is the member's to use");
    assert!(!page.contains(&format!("/ideas/{idea}/submit")));

    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let heir = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let (_, page) = app
        .page(&format!("/challenges/{challenge}"), Some(&facilitator), "en")
        .await;
    assert!(page.contains(&format!("/challenges/{challenge}/transfer")));
    let (_, page) = app.page(&format!("/challenges/{challenge}"), Some(&owner), "en").await;
    assert!(
        !page.contains(&format!("/challenges/{challenge}/transfer")),
        "only facilitators transfer"
    );
    let unknown = app
        .form(
            &format!("/challenges/{challenge}/transfer"),
            &facilitator,
            &[("owner_email", "nobody@example.org")],
        )
        .await;
    assert_eq!(unknown.status.as_u16(), 422);
    assert!(
        unknown.body.contains("New owner&#39;s e-mail address") || unknown.body.contains("New owner's e-mail address"),
        "{}",
        unknown.body
    );
    let moved = app
        .form(
            &format!("/challenges/{challenge}/transfer"),
            &facilitator,
            &[("owner_email", &heir.email.to_uppercase())],
        )
        .await;
    assert_eq!(
        moved.location,
        format!("/challenges/{challenge}?done=challenge-transferred")
    );
    let now = app
        .get(&format!("/challenges/{challenge}"), Some(&heir.token))
        .await
        .expect(200);
    assert_eq!(now.body["owner_id"], heir.id.as_str());
}

/// The entries of the idea's history `who` reads whose command is `command`.
async fn entries(app: &TestApp, idea: &str, who: &TestUser, command: &str) -> Vec<Value> {
    let history = app
        .get(&format!("/ideas/{idea}/history"), Some(&who.token))
        .await
        .expect(200);
    history.body["items"]
        .as_array()
        .or_else(|| history.body.as_array())
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| entry["command"] == command)
        .collect()
}

#[tokio::test]
async fn accepting_and_declining_an_invitation_are_entries_of_the_ideas_history() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    let other = app.innovator().await;
    let idea = idea_with_member(&app, &innovator, &member, false).await;
    app.patch(
        &format!("/ideas/{idea}"),
        Some(&innovator.token),
        json!({
            "team": [
                { "name": "Maja Member", "email": member.email },
                { "name": "Otto Other", "email": other.email }
            ]
        }),
    )
    .await
    .expect(200);

    accept(&app, &idea, &member).await.expect(200);
    let token = app.token_of_invitation(&idea, &other.email).await;
    app.post(&format!("/invitations/{token}/decline"), Some(&other.token), json!({}))
        .await
        .expect(200);

    for reader in [&innovator, &facilitator, &member] {
        let accepted = entries(&app, &idea, reader, "accept_invitation").await;
        assert_eq!(accepted.len(), 1, "{accepted:?}");
        assert_eq!(accepted[0]["actor"]["id"], json!(member.id));
        assert_eq!(accepted[0]["to_state"], "draft");
        let declined = entries(&app, &idea, reader, "decline_invitation").await;
        assert_eq!(declined.len(), 1, "{declined:?}");
        assert_eq!(declined[0]["actor"]["id"], json!(other.id));
    }
    // On the idea page the history names the answer and who gave it.
    let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&innovator), "en").await;
    assert!(page.contains("Invitation to the team accepted"), "{page}");
    assert!(page.contains("Invitation to the team declined"), "{page}");
    let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&innovator), "sv").await;
    assert!(page.contains("Inbjudan till teamet antagen"), "{page}");
}

#[tokio::test]
async fn a_blind_panel_reads_an_invitations_answer_as_a_team_members() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    let idea = idea_with_member(&app, &innovator, &member, true).await;
    accept(&app, &idea, &member).await.expect(200);
    idea_command(&app, &idea, "submit", &innovator.token, json!({})).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    let assessor = app.assessor().await;
    assign(&app, &idea, &facilitator, &assessor.id).await;

    let accepted = entries(&app, &idea, &assessor, "accept_invitation").await;
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!(
        accepted[0]["actor"],
        json!({ "id": null, "display_name": "a team member" })
    );
    let history = app
        .get(&format!("/ideas/{idea}/history"), Some(&assessor.token))
        .await
        .expect(200);
    assert!(!history.body.to_string().contains(&member.id), "{}", history.body);
    let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&assessor), "en").await;
    assert!(page.contains("by a team member"), "{page}");
    let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&assessor), "sv").await;
    assert!(page.contains("av en teammedlem"), "{page}");
}

#[tokio::test]
async fn a_transfer_on_the_web_says_it_is_done_and_what_happens_next() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let heir = app.needs_owner().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;

    let moved = app
        .form(
            &format!("/challenges/{challenge}/transfer"),
            &facilitator,
            &[("owner_email", &heir.email)],
        )
        .await;

    assert_eq!(moved.status.as_u16(), 303, "{}", moved.body);
    assert_eq!(
        moved.location,
        format!("/challenges/{challenge}?done=challenge-transferred")
    );
    let (_, page) = app.page(&moved.location, Some(&facilitator), "en").await;
    assert!(page.contains("id=\"what-happens-next\""), "{page}");
    assert!(page.contains("Challenge transferred"), "{page}");
    let (_, page) = app.page(&moved.location, Some(&facilitator), "sv").await;
    assert!(page.contains("Utmaningen har överlåtits"), "{page}");
}

#[tokio::test]
async fn the_invitations_answers_are_forms_of_their_own_not_a_centred_button_group() {
    let app = spawn_app().await;
    let innovator = app.innovator().await;
    let member = app.innovator().await;
    idea_with_member(&app, &innovator, &member, false).await;

    let (status, page) = app.page("/invitations", Some(&member), "en").await;

    assert_eq!(status.as_u16(), 200);
    // A button group stacks its buttons in the middle of a narrow screen (govuk-frontend);
    // the other commands' forms sit side by side at the left.
    assert!(!page.contains("govuk-button-group"), "{page}");
    assert_eq!(page.matches("class=\"sluss-inline-form\"").count(), 2, "{page}");
}
