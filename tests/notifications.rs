//! Notifications (SPEC §11.1–11.2): each accepted command tells exactly the people of its
//! row of the table, never the actor, never for a refused command; the inbox is each
//! person's own.

use poem::http::Method;
use serde_json::{Value, json};
use sluss_domain::Role;

use crate::helpers::*;
use crate::steps::{DEFAULT_CRITERIA, assign, complete, idea_command, start_incubation, start_testing, submitted_idea};

/// A person's inbox, oldest first, as `"<subject type> <kind>"`.
async fn told(app: &TestApp, user: &TestUser) -> Vec<String> {
    let inbox = app.get("/notifications?limit=200", Some(&user.token)).await.expect(200);
    let mut items: Vec<String> = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["subject_type"].as_str().unwrap(),
                n["kind"].as_str().unwrap()
            )
        })
        .collect();
    items.reverse();
    items
}

/// What each of `people` was told since `before` (their inboxes then).
struct Inboxes<'a> {
    app: &'a TestApp,
    people: Vec<(&'static str, &'a TestUser, usize)>,
}

impl<'a> Inboxes<'a> {
    async fn new(app: &'a TestApp, people: Vec<(&'static str, &'a TestUser)>) -> Self {
        let mut counted = Vec::new();
        for (name, user) in people {
            counted.push((name, user, told(app, user).await.len()));
        }
        Self { app, people: counted }
    }

    /// Asserts that, since the last call, exactly the people named in `expected` were
    /// told, each once, of `what`; and nobody else of anything.
    async fn expect(&mut self, step: &str, what: &str, expected: &[&str]) {
        for (name, user, seen) in &mut self.people {
            let all = told(self.app, user).await;
            let new: Vec<&String> = all[*seen..].iter().collect();
            let wanted: Vec<&str> = if expected.contains(name) { vec![what] } else { vec![] };
            assert_eq!(new, wanted, "{step}: {name} was told {new:?}");
            *seen = all.len();
        }
    }
}

fn scores(value: i64) -> Value {
    let scores: serde_json::Map<String, Value> = DEFAULT_CRITERIA
        .iter()
        .map(|k| ((*k).to_owned(), json!(value)))
        .collect();
    json!({ "scores": scores, "comment": "Clear need, plausible test." })
}

#[tokio::test]
async fn each_step_of_the_process_tells_exactly_the_people_of_its_row() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let lead = app.facilitator().await;
    let colleague = app.facilitator().await;
    let innovator = app.innovator().await;
    let asker = app.innovator().await;
    let first = app.user_in(&[Role::Assessor], Some("Science park")).await;
    let second = app.user_in(&[Role::Assessor], Some("University")).await;
    let mut inboxes = Inboxes::new(
        &app,
        vec![
            ("owner", &owner),
            ("lead", &lead),
            ("colleague", &colleague),
            ("innovator", &innovator),
            ("asker", &asker),
            ("first", &first),
            ("second", &second),
        ],
    )
    .await;

    // Step 1: need formulation.
    let challenge = app.draft_challenge(&owner).await;
    inboxes.expect("draft", "", &[]).await;
    app.challenge_command(&challenge, "submit", &owner.token, json!({}))
        .await;
    inboxes
        .expect("submit", "challenge submit", &["lead", "colleague"])
        .await;
    app.challenge_command(
        &challenge,
        "request-changes",
        &lead.token,
        json!({ "feedback": "Say who lives there." }),
    )
    .await;
    inboxes
        .expect("request changes", "challenge request_changes", &["owner"])
        .await;
    app.challenge_command(&challenge, "submit", &owner.token, json!({}))
        .await;
    inboxes
        .expect("submit again", "challenge submit", &["lead", "colleague"])
        .await;
    app.challenge_command(&challenge, "publish", &lead.token, json!({}))
        .await;
    inboxes.expect("publish", "challenge publish", &["owner"]).await;

    // Step 2: matching arena.
    let question = app
        .post(
            &format!("/challenges/{challenge}/questions"),
            Some(&asker.token),
            json!({ "text": "Which bins fill first?" }),
        )
        .await
        .expect(201)
        .id();
    inboxes.expect("ask", "challenge ask", &["owner"]).await;
    app.post(
        &format!("/questions/{question}/answer"),
        Some(&owner.token),
        json!({ "text": "The glass bins." }),
    )
    .await
    .expect(200);
    inboxes.expect("answer", "challenge answer", &["asker"]).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    inboxes
        .expect("idea submitted", "idea submit", &["owner", "lead", "colleague"])
        .await;

    // Step 3: assessment.
    idea_command(&app, &idea, "start-assessment", &lead.token, json!({})).await;
    inboxes.expect("start assessment", "", &[]).await;
    for assessor in [&first, &second] {
        assign(&app, &idea, &lead, &assessor.id).await;
    }
    inboxes.expect("assign", "idea assign", &["first", "second"]).await;
    let scorecard = format!("/ideas/{idea}/scorecard");
    app.call(Method::PUT, &scorecard, Some(&first.token), Some(scores(4)))
        .await
        .expect(200);
    inboxes.expect("the first of two scorecards", "", &[]).await;
    app.call(Method::PUT, &scorecard, Some(&second.token), Some(scores(3)))
        .await
        .expect(200);
    inboxes
        .expect("the last scorecard needed", "idea score", &["lead", "colleague"])
        .await;
    app.call(Method::PUT, &scorecard, Some(&first.token), Some(scores(5)))
        .await
        .expect(200);
    inboxes.expect("a revised scorecard", "", &[]).await;
    idea_command(
        &app,
        &idea,
        "decide",
        &lead.token,
        json!({ "outcome": "qualified", "feedback": "Test it." }),
    )
    .await;
    inboxes.expect("decide", "idea decide", &["innovator", "owner"]).await;

    // Step 4: incubation.
    start_incubation(&app, &idea, &lead).await;
    inboxes
        .expect("start incubation", "idea start_incubation", &["innovator", "owner"])
        .await;
    let milestone = app
        .post(
            &format!("/ideas/{idea}/incubation/milestones"),
            Some(&innovator.token),
            json!({ "title": "Booking page live", "due_on": "2025-03-15" }),
        )
        .await
        .expect(201)
        .id();
    inboxes
        .expect("add milestone", "idea add_milestone", &["lead", "colleague"])
        .await;
    app.post(
        &format!("/milestones/{milestone}/complete"),
        Some(&lead.token),
        json!({}),
    )
    .await
    .expect(200);
    inboxes
        .expect(
            "complete milestone",
            "idea complete_milestone",
            &["innovator", "colleague"],
        )
        .await;

    // Step 5: testing.
    start_testing(&app, &idea, &lead).await;
    inboxes
        .expect("start testing", "idea start_testing", &["innovator", "owner"])
        .await;
    complete(&app, &idea, &lead, "adopted").await;
    inboxes
        .expect("complete", "idea complete", &["innovator", "owner"])
        .await;
    app.challenge_command(&challenge, "close", &lead.token, json!({})).await;
    inboxes.expect("close", "challenge close", &["owner"]).await;
}

#[tokio::test]
async fn the_actor_is_not_told_of_their_own_command() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    app.challenge_command(&challenge, "close", &owner.token, json!({}))
        .await;
    assert!(
        !told(&app, &owner).await.contains(&"challenge close".to_owned()),
        "the owner who closed it was told"
    );
    // A facilitator who also owns the challenge is told neither as owner nor as facilitator.
    let both = app.user(&[Role::NeedsOwner, Role::Facilitator]).await;
    let own = app.draft_challenge(&both).await;
    app.challenge_command(&own, "submit", &both.token, json!({})).await;
    assert!(told(&app, &both).await.is_empty());
    assert_eq!(
        told(&app, &facilitator).await.last().map(String::as_str),
        Some("challenge submit")
    );
}

#[tokio::test]
async fn a_refused_command_tells_nobody() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let challenge = app.draft_challenge(&owner).await;
    // Wrong role: an innovator may not submit someone's challenge.
    let innovator = app.innovator().await;
    app.post(
        &format!("/challenges/{challenge}/submit"),
        Some(&innovator.token),
        json!({}),
    )
    .await
    .expect_problem(404);
    // Stale version.
    app.post(
        &format!("/challenges/{challenge}/submit"),
        Some(&owner.token),
        json!({ "expected_version": 9 }),
    )
    .await
    .expect_problem(409);
    // Wrong state: a draft cannot be published.
    app.post(
        &format!("/challenges/{challenge}/publish"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(409);
    assert!(told(&app, &facilitator).await.is_empty());
    assert!(told(&app, &owner).await.is_empty());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM notifications").await, 0);
}

#[tokio::test]
async fn a_deactivated_facilitator_is_not_told() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let gone = app.facilitator().await;
    app.post(
        &format!("/users/{}/deactivate", gone.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    app.submitted_challenge(&owner).await;
    assert_eq!(told(&app, &facilitator).await, vec!["challenge submit".to_owned()]);
    assert_eq!(app.notifications_of(&gone.id).await, 0);
    assert_eq!(app.notifications_of(&facilitator.id).await, 1);
}

#[tokio::test]
async fn an_assessor_of_a_blind_assessment_is_told_the_idea_and_nothing_of_who_wrote_it() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.user_in(&[Role::Innovator], Some("Solkraft Innovation AB")).await;
    let assessor = app.assessor().await;
    let challenge = app.submitted_challenge(&owner).await;
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "blind_assessment": true }),
    )
    .await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    assign(&app, &idea, &facilitator, &assessor.id).await;
    let inbox = app.get("/notifications", Some(&assessor.token)).await.expect(200);
    let notice = &inbox.body["items"][0];
    assert_eq!(notice["kind"], "assign");
    assert_eq!(notice["subject_id"], idea.as_str());
    for identity in [innovator.id.as_str(), innovator.email.as_str(), "Solkraft"] {
        assert!(!inbox.text.contains(identity), "the notification names {identity}");
    }
    // On the page, the notice leads the assessor to the scorecard, and names no one either.
    let (_, page) = app.page("/notifications", Some(&assessor), "en").await;
    let id = notice["id"].as_str().expect("an id");
    assert!(
        page.contains(&format!("href=\"/notifications/{id}\"")),
        "the notice has no link"
    );
    for identity in [innovator.email.as_str(), "Solkraft"] {
        assert!(!page.contains(identity), "the inbox page names {identity}");
    }
    // The header counts it in the right plural of each language.
    let (_, sv) = app.page("/notifications", Some(&assessor), "sv").await;
    assert!(
        sv.contains("Notiser (1 oläst)"),
        "the Swedish header does not count one unread"
    );
    assert!(page.contains("Notifications (1 unread)"));
    // Opening it marks it read and goes on to the scorecard.
    let opened = app
        .client
        .get(format!("/notifications/{id}"))
        .header("cookie", format!("sluss_session={}", assessor.token))
        .send()
        .await;
    opened.assert_status(poem::http::StatusCode::SEE_OTHER);
    opened.assert_header("location", format!("/ideas/{idea}/scorecard"));
    let unread = app
        .get("/notifications?unread=true", Some(&assessor.token))
        .await
        .expect(200);
    assert_eq!(
        unread.body["items"].as_array().map(Vec::len),
        Some(0),
        "opening did not mark it read"
    );
    // Someone else's notification is not theirs to open.
    let other = app.page(&format!("/notifications/{id}"), Some(&innovator), "en").await;
    assert_eq!(other.0, poem::http::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_person_reads_their_own_notifications_one_or_all_and_no_one_elses() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    submitted_idea(&app, &innovator, &challenge).await;
    let unread = app
        .get("/notifications?unread=true", Some(&owner.token))
        .await
        .expect(200);
    let items = unread.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "publish and the idea: {}", unread.text);
    let first = items[0]["id"].as_str().unwrap().to_owned();
    assert!(items[0]["read_at"].is_null());

    // Someone else's: 404, and it stays unread.
    app.post(
        &format!("/notifications/{first}/read"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(404);
    let read = app
        .post(&format!("/notifications/{first}/read"), Some(&owner.token), json!({}))
        .await
        .expect(200);
    let read_at = read.body["read_at"].clone();
    assert!(read_at.is_string());
    // Reading it again keeps the first time.
    let again = app
        .post(&format!("/notifications/{first}/read"), Some(&owner.token), json!({}))
        .await
        .expect(200);
    assert_eq!(again.body["read_at"], read_at);
    let unread = app
        .get("/notifications?unread=true", Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(unread.body["items"].as_array().unwrap().len(), 1);

    let all = app
        .post("/notifications/read-all", Some(&owner.token), json!({}))
        .await
        .expect(200);
    assert_eq!(all.body["marked"], 1);
    let unread = app
        .get("/notifications?unread=true", Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(unread.body["items"], json!([]));
    let everything = app.get("/notifications", Some(&owner.token)).await.expect(200);
    assert_eq!(everything.body["items"].as_array().unwrap().len(), 2);
    // The facilitator's own inbox (the challenge and the idea submitted) is untouched by
    // the owner's reading.
    let theirs = app
        .get("/notifications?unread=true", Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 2, "{}", theirs.text);
}

#[tokio::test]
async fn the_header_counts_unread_notifications_and_the_page_lists_them() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let (_, before) = app.page("/me", Some(&owner), "en").await;
    assert!(before.contains(">Notifications<"), "no link to the inbox");
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;

    let (_, after) = app.page("/me", Some(&owner), "en").await;
    assert!(after.contains("Notifications (2 unread)"), "the header does not count");
    let (status, inbox) = app.page("/notifications", Some(&owner), "sv").await;
    assert_eq!(status, poem::http::StatusCode::OK);
    assert!(inbox.contains("Notiser (2 olästa)"));
    assert!(inbox.contains("Ny idé inskickad"), "the idea's notice is not in words");
    let listed = app.get("/notifications", Some(&owner.token)).await.expect(200);
    let ids: Vec<String> = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        assert!(
            inbox.contains(&format!("href=\"/notifications/{id}\"")),
            "no link to {id}"
        );
    }
    // Only the unread: the same two; once all are read, none, in words.
    let (_, unread) = app.page("/notifications?unread=true", Some(&owner), "en").await;
    for id in &ids {
        assert!(
            unread.contains(&format!("href=\"/notifications/{id}\"")),
            "the unread filter hides an unread one"
        );
    }
    app.post("/notifications/read-all", Some(&owner.token), json!({}))
        .await
        .expect(200);
    let (_, none) = app.page("/notifications?unread=true", Some(&owner), "en").await;
    for id in &ids {
        assert!(
            !none.contains(&format!("href=\"/notifications/{id}\"")),
            "a read one is shown as unread"
        );
    }
    assert!(none.contains("You have read everything."));
    // Each notice's link leads on to its idea or challenge.
    let mut destinations = Vec::new();
    for id in &ids {
        let opened = app
            .client
            .get(format!("/notifications/{id}"))
            .header("cookie", format!("sluss_session={}", owner.token))
            .send()
            .await;
        opened.assert_status(poem::http::StatusCode::SEE_OTHER);
        let location = opened.0.headers().get("location").and_then(|v| v.to_str().ok());
        destinations.push(location.unwrap_or_default().to_owned());
    }
    destinations.sort();
    let mut expected = vec![format!("/challenges/{challenge}"), format!("/ideas/{idea}")];
    expected.sort();
    assert_eq!(destinations, expected);
    let (_, header) = app.page("/me", Some(&owner), "en").await;
    assert!(!header.contains("unread)"), "the header still counts read ones");
}
