//! The journal: every kind of event of a challenge or an idea, recorded by a real command,
//! is in the history, is offered to hooks, and tells exactly the parties of its kind.

use std::collections::BTreeSet;

use poem::http::Method;
use serde_json::json;
use sluss_domain::event::{ChallengeEventKind, EventKind, IdeaEventKind};
use sluss_domain::notify::parties;

use crate::helpers::*;
use crate::steps::{
    assign, complete, draft_idea, idea_command, qualify, start_incubation, start_testing, submitted_idea,
};

/// The `(subject, command)` pairs of a history, as the facilitator reads it.
async fn history(app: &TestApp, facilitator: &TestUser, subject: &str, id: &str) -> Vec<(String, String)> {
    app.get(&format!("/{subject}s/{id}/history"), Some(&facilitator.token))
        .await
        .expect(200)
        .commands()
        .into_iter()
        .map(|command| (subject.to_owned(), command))
        .collect()
}

/// The kinds of the notifications stored, as `(subject, kind)`.
async fn notified(app: &TestApp) -> BTreeSet<(String, String)> {
    let mut kinds = BTreeSet::new();
    for kind in EventKind::all() {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE subject_type = '{}' AND kind = '{}'",
            kind.subject(),
            kind.as_str()
        );
        if app.count(&sql).await > 0 {
            kinds.insert((kind.subject().to_owned(), kind.as_str().to_owned()));
        }
    }
    kinds
}

#[tokio::test]
async fn every_kind_of_event_is_in_the_history_offered_to_hooks_and_tells_its_parties() {
    // Arrange: a hook for everything, and the people of the process.
    let app = spawn_app_allowing_private_hooks().await;
    let facilitator = app.facilitator().await;
    let hook = app
        .post(
            "/webhooks",
            Some(&facilitator.token),
            json!({ "url": "http://127.0.0.1:9/hooks", "events": [] }),
        )
        .await
        .expect(201)
        .id();
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let assessor = app.assessor().await;
    let token = |user: &TestUser| user.token.clone();

    // Act: every command of a challenge and of an idea, each by someone it may tell.
    let challenge = app.draft_challenge(&owner).await;
    app.patch(
        &format!("/challenges/{challenge}"),
        Some(&owner.token),
        json!({ "title": "Bins that fill too soon" }),
    )
    .await
    .expect(200);
    app.challenge_command(&challenge, "submit", &token(&owner), json!({}))
        .await;
    app.challenge_command(
        &challenge,
        "request-changes",
        &token(&facilitator),
        json!({ "feedback": "Say where the station is." }),
    )
    .await;
    app.challenge_command(&challenge, "submit", &token(&owner), json!({}))
        .await;
    app.challenge_command(&challenge, "publish", &token(&facilitator), json!({}))
        .await;
    let question = app
        .post(
            &format!("/challenges/{challenge}/questions"),
            Some(&innovator.token),
            json!({ "text": "How often are the bins emptied?" }),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/questions/{question}/answer"),
        Some(&owner.token),
        json!({ "text": "Twice a week." }),
    )
    .await
    .expect(200);

    let map = crate::attachments::attach(
        &app,
        &format!("/challenges/{challenge}/attachments"),
        Some(&facilitator.token),
        "map.pdf",
        crate::attachments::PDF,
    )
    .await
    .expect(201)
    .id();
    app.call(
        Method::DELETE,
        &format!("/attachments/{map}"),
        Some(&facilitator.token),
        None,
    )
    .await
    .expect(204);

    let idea = draft_idea(&app, &innovator, &challenge).await;
    let pitch = crate::attachments::attach(
        &app,
        &format!("/ideas/{idea}/attachments"),
        Some(&innovator.token),
        "pitch.pdf",
        crate::attachments::PDF,
    )
    .await
    .expect(201)
    .id();
    app.call(
        Method::DELETE,
        &format!("/attachments/{pitch}"),
        Some(&innovator.token),
        None,
    )
    .await
    .expect(204);
    app.patch(
        &format!("/ideas/{idea}"),
        Some(&innovator.token),
        json!({ "summary": "Cargo bikes take bulky waste away." }),
    )
    .await
    .expect(200);
    // The team's answers to their invitations.
    let joining = app.innovator().await;
    let refusing = app.innovator().await;
    app.patch(
        &format!("/ideas/{idea}"),
        Some(&innovator.token),
        json!({ "team": [
            { "name": "Jo Joining", "email": joining.email },
            { "name": "Rei Refusing", "email": refusing.email }
        ] }),
    )
    .await
    .expect(200);
    for (who, answer) in [(&joining, "accept"), (&refusing, "decline")] {
        let invitation = app.token_of_invitation(&idea, &who.email).await;
        app.post(
            &format!("/invitations/{invitation}/{answer}"),
            Some(&who.token),
            json!({}),
        )
        .await
        .expect(200);
    }
    idea_command(&app, &idea, "submit", &innovator.token, json!({})).await;
    let conflicted = assign(&app, &idea, &facilitator, &assessor.id).await;
    app.post(
        &format!("/assignments/{conflicted}/declare-conflict"),
        Some(&assessor.token),
        json!({ "reason": "I work for the applicant." }),
    )
    .await
    .expect(200);
    app.call(
        Method::DELETE,
        &format!("/assignments/{conflicted}"),
        Some(&facilitator.token),
        None,
    )
    .await
    .expect(204);
    qualify(&app, &idea, &facilitator).await;
    start_incubation(&app, &idea, &facilitator).await;
    let milestone = app
        .post(
            &format!("/ideas/{idea}/incubation/milestones"),
            Some(&facilitator.token),
            json!({ "title": "Booking page live", "due_on": "2025-03-15" }),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/milestones/{milestone}/complete"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    start_testing(&app, &idea, &facilitator).await;
    app.post(
        &format!("/ideas/{idea}/test/spread-activities"),
        Some(&facilitator.token),
        json!({ "kind": "learning_workshop", "title": "Workshop with MKB", "held_on": "2025-09-10" }),
    )
    .await
    .expect(201);
    complete(&app, &idea, &facilitator, "adopted").await;

    let withdrawn = app.draft_idea(&innovator, &challenge, "Withdrawn idea").await;
    idea_command(&app, &withdrawn, "withdraw", &innovator.token, json!({})).await;
    let stopped = submitted_idea(&app, &innovator, &challenge).await;
    qualify(&app, &stopped, &facilitator).await;
    idea_command(
        &app,
        &stopped,
        "discontinue",
        &facilitator.token,
        json!({ "reason": "The station closes." }),
    )
    .await;
    let held = submitted_idea(&app, &innovator, &challenge).await;
    qualify(&app, &held, &facilitator).await;
    idea_command(
        &app,
        &held,
        "put-on-hold",
        &facilitator.token,
        json!({ "reason": "Waiting for the building permit." }),
    )
    .await;
    idea_command(&app, &held, "resume", &facilitator.token, json!({})).await;

    let heir = app.needs_owner().await;
    app.challenge_command(
        &challenge,
        "transfer",
        &token(&facilitator),
        json!({ "owner_id": heir.id }),
    )
    .await;
    app.challenge_command(&challenge, "close", &token(&facilitator), json!({}))
        .await;
    app.challenge_command(&challenge, "archive", &token(&facilitator), json!({}))
        .await;
    let taken_back = app.submitted_challenge(&owner).await;
    app.challenge_command(&taken_back, "withdraw", &token(&owner), json!({}))
        .await;

    // Assert: every kind is in a history...
    let mut entries = Vec::new();
    for id in [&challenge, &taken_back] {
        entries.extend(history(&app, &facilitator, "challenge", id).await);
    }
    for id in [&idea, &withdrawn, &stopped, &held] {
        entries.extend(history(&app, &facilitator, "idea", id).await);
    }
    let recorded: BTreeSet<(String, String)> = entries.iter().cloned().collect();
    let every_kind: BTreeSet<(String, String)> = ChallengeEventKind::ALL
        .iter()
        .map(|kind| ("challenge".to_owned(), kind.as_str().to_owned()))
        .chain(
            IdeaEventKind::ALL
                .iter()
                .map(|kind| ("idea".to_owned(), kind.as_str().to_owned())),
        )
        .collect();
    assert_eq!(recorded, every_kind, "every kind, recorded by its command");

    // ...each entry is offered to the hook that wants everything, once...
    let page = app
        .get(
            &format!("/webhooks/{hook}/deliveries?limit=200"),
            Some(&facilitator.token),
        )
        .await
        .expect(200);
    let mut offered: Vec<String> = page.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|delivery| delivery["type"].as_str().expect("a type").to_owned())
        .collect();
    let mut expected: Vec<String> = entries.iter().map(|(s, c)| format!("{s}.{c}")).collect();
    offered.sort();
    expected.sort();
    assert_eq!(offered, expected);

    // ...and the kinds that tell someone told them; no other kind told anyone. The owner
    // withdrew their own challenge, and nobody else is told of that.
    let telling: BTreeSet<(String, String)> = EventKind::all()
        .filter(|kind| !parties(*kind).is_empty())
        .filter(|kind| *kind != EventKind::Challenge(ChallengeEventKind::Withdraw))
        .map(|kind| (kind.subject().to_owned(), kind.as_str().to_owned()))
        .collect();
    assert_eq!(notified(&app).await, telling);
}
