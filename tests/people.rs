//! Who is behind what (SPEC §14.1, §19): a challenge names its owner to signed-in viewers
//! and its organisation to all; an idea names its innovator and their organisation to
//! everyone who may see it but the assessors of a blind challenge; histories name who
//! acted; the owner's challenge page lists its ideas and `/me` counts them; `GET /ideas`
//! and the facilitators' `/ideas` search and filter within what each role may see.

use serde_json::{Value, json};

use crate::assessment::start_assessment;
use crate::helpers::*;
use crate::steps::{assign, submitted_idea};

/// Gives `user` a display name and a registered organisation through `PATCH /me`.
async fn name(app: &TestApp, user: &TestUser, display_name: &str, organisation_id: Option<&str>) {
    app.patch(
        "/me",
        Some(&user.token),
        json!({ "display_name": display_name, "organisation_id": organisation_id }),
    )
    .await
    .expect(200);
}

/// A registered organisation; its id.
async fn organisation(app: &TestApp, facilitator: &TestUser, name: &str, kind: &str) -> String {
    app.post(
        "/organisations",
        Some(&facilitator.token),
        json!({ "name": name, "kind": kind }),
    )
    .await
    .expect(201)
    .id()
}

/// The people of the scene: a facilitator, a needs-owner of a residents' association, an
/// innovator of a start-up, each named.
struct People {
    facilitator: TestUser,
    owner: TestUser,
    innovator: TestUser,
    association: String,
    startup: String,
}

async fn people(app: &TestApp) -> People {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let association = organisation(
        app,
        &facilitator,
        "Sege Park residents' association",
        "residents_association",
    )
    .await;
    let startup = organisation(app, &facilitator, "Binly AB", "startup").await;
    name(app, &facilitator, "Frida Facilitator", None).await;
    name(app, &owner, "Olle Owner", Some(&association)).await;
    name(app, &innovator, "Ines Innovator", Some(&startup)).await;
    People {
        facilitator,
        owner,
        innovator,
        association,
        startup,
    }
}

/// A challenge of `owner` published by `facilitator`, blind or not.
async fn published(app: &TestApp, p: &People, blind: bool) -> String {
    let challenge = app.submitted_challenge(&p.owner).await;
    app.challenge_command(
        &challenge,
        "publish",
        &p.facilitator.token,
        json!({ "blind_assessment": blind }),
    )
    .await;
    challenge
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|idea| idea["title"].as_str().expect("title").to_owned())
        .collect()
}

#[tokio::test]
async fn a_challenge_names_its_organisation_to_all_and_its_owner_to_signed_in_viewers() {
    // Arrange
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, false).await;
    let innovator = app.innovator().await;

    // Act
    let anonymous = app.get(&format!("/challenges/{challenge}"), None).await.expect(200);
    let signed_in = app
        .get(&format!("/challenges/{challenge}"), Some(&innovator.token))
        .await
        .expect(200);
    let listed = app.get("/challenges", None).await.expect(200);

    // Assert
    let organisation = json!({ "id": p.association, "name": "Sege Park residents' association" });
    assert_eq!(anonymous.body["organisation"], organisation);
    assert!(anonymous.body["owner"].is_null(), "{}", anonymous.text);
    assert!(!anonymous.text.contains("Olle Owner"));
    assert_eq!(listed.body["items"][0]["organisation"], organisation);
    assert!(!listed.text.contains("Olle Owner"));
    assert_eq!(signed_in.body["organisation"], organisation);
    assert_eq!(
        signed_in.body["owner"],
        json!({ "id": p.owner.id, "display_name": "Olle Owner" })
    );
}

#[tokio::test]
async fn an_idea_names_its_innovator_and_organisation_and_its_history_who_acted() {
    // Arrange
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, false).await;
    let idea = submitted_idea(&app, &p.innovator, &challenge).await;
    start_assessment(&app, &idea, &p.facilitator).await.expect(200);
    let assessor = app.assessor().await;
    assign(&app, &idea, &p.facilitator, &assessor.id).await;
    let innovator = json!({
        "id": p.innovator.id,
        "display_name": "Ines Innovator",
        "organisation": { "id": p.startup, "name": "Binly AB" }
    });

    for (who, user) in [
        ("facilitator", &p.facilitator),
        ("needs-owner", &p.owner),
        ("innovator", &p.innovator),
        ("assessor of an open challenge", &assessor),
    ] {
        // Act
        let read = app.get(&format!("/ideas/{idea}"), Some(&user.token)).await.expect(200);
        let history = app
            .get(&format!("/ideas/{idea}/history"), Some(&user.token))
            .await
            .expect(200);

        // Assert
        assert_eq!(read.body["innovator"], innovator, "{who}");
        let submit = history
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["command"] == "submit");
        assert_eq!(
            submit.unwrap()["actor"],
            json!({ "id": p.innovator.id, "display_name": "Ines Innovator" }),
            "{who}"
        );
    }
    let history = app
        .get(&format!("/ideas/{idea}/history"), Some(&p.facilitator.token))
        .await
        .expect(200);
    let start = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["command"] == "start_assessment");
    assert_eq!(start.unwrap()["actor"]["display_name"], "Frida Facilitator");
}

#[tokio::test]
async fn an_assessor_of_a_blind_challenge_meets_no_name_organisation_or_team_anywhere() {
    // Arrange
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, true).await;
    let idea = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&p.innovator.token),
            json!({
                "title": "Bins that say when they are full",
                "summary": "A sensor in each bin.",
                "description": "It tells the emptying round.",
                "team": [{ "name": "Tove Teammate", "email": "tove@binly.se", "organisation_id": p.startup }]
            }),
        )
        .await
        .expect(201)
        .id();
    app.post(&format!("/ideas/{idea}/submit"), Some(&p.innovator.token), json!({}))
        .await
        .expect(200);
    start_assessment(&app, &idea, &p.facilitator).await.expect(200);
    let assessor = app.assessor().await;
    assign(&app, &idea, &p.facilitator, &assessor.id).await;

    // Act
    let reads = [
        app.get(&format!("/ideas/{idea}"), Some(&assessor.token))
            .await
            .expect(200),
        app.get(&format!("/ideas/{idea}/history"), Some(&assessor.token))
            .await
            .expect(200),
        app.get("/ideas", Some(&assessor.token)).await.expect(200),
    ];
    let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&assessor), "en").await;

    // Assert
    for secret in [
        "Ines Innovator",
        "Binly AB",
        "Tove Teammate",
        "tove@binly.se",
        p.innovator.id.as_str(),
    ] {
        for read in &reads {
            assert!(!read.text.contains(secret), "'{secret}' in {}", read.text);
        }
        assert!(!page.contains(secret), "'{secret}' on the idea page");
    }
    assert!(reads[0].body["innovator"].is_null());
    let submit = reads[1]
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["command"] == "submit");
    assert_eq!(
        submit.unwrap()["actor"],
        json!({ "id": null, "display_name": "the innovator" })
    );
    assert!(
        page.contains("by the innovator"),
        "the page names the hidden actor by their part"
    );
    // The facilitator still sees who is behind it
    let read = app
        .get(&format!("/ideas/{idea}"), Some(&p.facilitator.token))
        .await
        .expect(200);
    assert_eq!(read.body["innovator"]["display_name"], "Ines Innovator");
}

#[tokio::test]
async fn get_ideas_searches_and_filters_within_what_each_role_may_see() {
    // Arrange
    let app = spawn_app().await;
    let p = people(&app).await;
    let arena = app.open_arena(&p.facilitator).await;
    let in_arena = app.submitted_challenge(&p.owner).await;
    app.challenge_command(&in_arena, "publish", &p.facilitator.token, json!({ "arena_id": arena }))
        .await;
    let elsewhere = published(&app, &p, false).await;
    let other = app.innovator().await;
    let sensor = app
        .submitted_idea(&p.innovator, &in_arena, "Avfallssensor i kärlen")
        .await;
    app.submitted_idea(&other, &elsewhere, "Delningsfrys på gården").await;
    app.draft_idea(&other, &in_arena, "Avfallsapp, utkast").await;
    let assessor = app.assessor().await;
    start_assessment(&app, &sensor, &p.facilitator).await.expect(200);
    assign(&app, &sensor, &p.facilitator, &assessor.id).await;
    let list = |query: &str, who: &TestUser| {
        let path = format!("/ideas{query}");
        let token = who.token.clone();
        let app = &app;
        async move { titles(&app.get(&path, Some(&token)).await.expect(200).body) }
    };

    // Act / Assert: facilitators see every idea, drafts included, and search them
    assert_eq!(
        list("", &p.facilitator).await,
        ["Avfallsapp, utkast", "Delningsfrys på gården", "Avfallssensor i kärlen"]
    );
    assert_eq!(
        list("?q=avfall", &p.facilitator).await,
        ["Avfallsapp, utkast", "Avfallssensor i kärlen"],
        "a word matches as a prefix, in any case"
    );
    assert_eq!(
        list("?q=delnings%20G%C3%85RDEN", &p.facilitator).await,
        ["Delningsfrys på gården"]
    );
    assert_eq!(
        list(&format!("?arena_id={arena}"), &p.facilitator).await,
        ["Avfallsapp, utkast", "Avfallssensor i kärlen"]
    );
    assert_eq!(
        list(&format!("?arena_id={arena}&q=k%C3%A4rlen"), &p.facilitator).await,
        ["Avfallssensor i kärlen"]
    );
    // The needs-owner: the submitted ideas on their challenges, no drafts
    assert_eq!(list("?q=avfall", &p.owner).await, ["Avfallssensor i kärlen"]);
    // An innovator: their own
    assert_eq!(list("?q=avfall", &other).await, ["Avfallsapp, utkast"]);
    assert!(list("?q=delnings", &p.innovator).await.is_empty());
    // An assessor: what is assigned to them
    assert_eq!(list("", &assessor).await, ["Avfallssensor i kärlen"]);
    assert!(list("?q=delnings", &assessor).await.is_empty());
}

#[tokio::test]
async fn a_bad_idea_search_is_refused_and_names_q() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    for query in ["?q=%20-%20", &format!("?q={}", "a".repeat(201))] {
        let refused = app
            .get(&format!("/ideas{query}"), Some(&facilitator.token))
            .await
            .expect_problem(422);
        assert_eq!(refused.body["errors"][0]["field"], "q", "{}", refused.text);
    }
    app.get("/ideas?arena_id=not-a-uuid", Some(&facilitator.token))
        .await
        .expect_problem(400);
}

#[tokio::test]
async fn the_owners_challenge_page_lists_its_submitted_ideas_and_me_counts_them() {
    // Arrange
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, false).await;
    let submitted = app
        .submitted_idea(&p.innovator, &challenge, "Sensors in the bins")
        .await;
    app.draft_idea(&p.innovator, &challenge, "A draft nobody sees").await;
    let second = app.submitted_idea(&p.innovator, &challenge, "A second idea").await;
    start_assessment(&app, &second, &p.facilitator).await.expect(200);

    // Act
    let (_, challenge_page) = app
        .page(&format!("/challenges/{challenge}"), Some(&p.owner), "en")
        .await;
    let (_, me) = app.page("/me", Some(&p.owner), "en").await;
    let (_, public_page) = app
        .page(&format!("/challenges/{challenge}"), Some(&app.innovator().await), "en")
        .await;

    // Assert
    assert!(challenge_page.contains("Ideas on this challenge"));
    assert!(challenge_page.contains(&format!("href=\"/ideas/{submitted}\"")));
    assert!(challenge_page.contains("Sensors in the bins"));
    assert!(challenge_page.contains("Ines Innovator, Binly AB"));
    assert!(!challenge_page.contains("A draft nobody sees"));
    assert!(challenge_page.contains("Olle Owner, Sege Park residents"));
    assert!(me.contains("Submitted: 1"), "{me}");
    assert!(me.contains("In assessment: 1"), "{me}");
    assert!(!me.contains("Draft: 1"));
    assert!(
        !public_page.contains("Ideas on this challenge"),
        "others do not get the list"
    );
    assert!(!public_page.contains("Sensors in the bins"));
}

#[tokio::test]
async fn facilitators_find_ideas_on_their_own_page_in_both_languages() {
    // Arrange
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, false).await;
    let idea = app
        .submitted_idea(&p.innovator, &challenge, "Avfallssensor i kärlen")
        .await;
    app.submitted_idea(&p.innovator, &challenge, "Delningsfrys på gården")
        .await;

    for (lang, heading) in [("sv", "Idéer"), ("en", "Ideas")] {
        // Act
        let (status, page) = app.page("/ideas?q=avfall", Some(&p.facilitator), lang).await;

        // Assert
        assert_eq!(status.as_u16(), 200);
        assert!(page.contains(&format!("<h1 class=\"govuk-heading-l\">{heading}</h1>")) || page.contains(heading));
        assert!(page.contains(&format!("href=\"/ideas/{idea}\"")));
        assert!(page.contains("Ines Innovator, Binly AB"));
        assert!(!page.contains("Delningsfrys"), "{lang}");
    }
    let (status, page) = app.page("/ideas?q=%20-%20", Some(&p.facilitator), "en").await;
    assert_eq!(status.as_u16(), 200);
    assert!(
        page.contains("govuk-error-summary"),
        "a bad search is named, not a failure"
    );
}

#[tokio::test]
async fn an_assessor_of_the_organisation_behind_the_challenge_is_not_assigned() {
    // Arrange: the challenge is owned on behalf of the residents' association (its owner's)
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, false).await;
    let read = app.get(&format!("/challenges/{challenge}"), None).await.expect(200);
    assert_eq!(read.body["organisation"]["id"], p.association);
    let idea = submitted_idea(&app, &p.innovator, &challenge).await;
    start_assessment(&app, &idea, &p.facilitator).await.expect(200);
    let member = app.assessor().await;
    name(&app, &member, "Maja Member", Some(&p.association)).await;
    let outsider = app.assessor().await;
    let assignments = app.count("SELECT COUNT(*) AS n FROM assignments").await;

    // Act
    let refused = app
        .post(
            &format!("/ideas/{idea}/assignments"),
            Some(&p.facilitator.token),
            json!({ "assessor_id": member.id }),
        )
        .await
        .expect_problem(422);

    // Assert
    assert_eq!(refused.body["errors"][0]["field"], "assessor_id", "{}", refused.text);
    assert!(refused.text.contains("challenge's organisation"), "{}", refused.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM assignments").await, assignments);
    assign(&app, &idea, &p.facilitator, &outsider.id).await;
}

#[tokio::test]
async fn a_renamed_organisation_or_person_is_named_anew_in_answers_read_before() {
    // Arrange: read (and so keep) the challenge and the idea
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, false).await;
    let idea = submitted_idea(&app, &p.innovator, &challenge).await;
    let paths = [format!("/challenges/{challenge}"), format!("/ideas/{idea}")];
    for path in &paths {
        app.get(path, Some(&p.facilitator.token)).await.expect(200);
    }

    // Act
    app.patch(
        &format!("/organisations/{}", p.association),
        Some(&p.facilitator.token),
        json!({ "name": "Brf Sege Park" }),
    )
    .await
    .expect(200);
    let read = app.get(&paths[0], Some(&p.facilitator.token)).await.expect(200);
    name(&app, &p.innovator, "Ines Andersson", Some(&p.startup)).await;
    let read_idea = app.get(&paths[1], Some(&p.facilitator.token)).await.expect(200);

    // Assert
    assert_eq!(read.body["organisation"]["name"], "Brf Sege Park");
    assert_eq!(read_idea.body["innovator"]["display_name"], "Ines Andersson");
}

#[tokio::test]
async fn an_assessors_me_lists_their_assignments_as_the_other_sections_list_theirs() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, false).await;
    let idea = app
        .submitted_idea(&p.innovator, &challenge, "Sensors in the bins")
        .await;
    start_assessment(&app, &idea, &p.facilitator).await.expect(200);
    let assessor = app.assessor().await;
    let (_, before) = app.page("/me", Some(&assessor), "en").await;
    assign(&app, &idea, &p.facilitator, &assessor.id).await;

    let (_, me) = app.page("/me", Some(&assessor), "en").await;

    assert!(!before.contains("Sensors in the bins"));
    assert!(me.contains(&format!("href=\"/ideas/{idea}/scorecard\"")), "{me}");
    assert!(me.contains("Sensors in the bins"));
    assert!(me.contains("href=\"/assignments\""), "the whole queue is a link away");
}

#[tokio::test]
async fn an_idea_in_assessment_stays_in_a_facilitators_queue_while_the_panel_scores() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let challenge = published(&app, &p, false).await;
    let idea = app
        .submitted_idea(&p.innovator, &challenge, "Sensors in the bins")
        .await;
    start_assessment(&app, &idea, &p.facilitator).await.expect(200);

    let (_, me) = app.page("/me", Some(&p.facilitator), "en").await;

    let scoring = me
        .split("Ideas the panel is scoring</h2>")
        .nth(1)
        .and_then(|rest| rest.split("<h2").next())
        .unwrap_or_else(|| panic!("no scoring queue: {me}"));
    assert!(scoring.contains(&format!("href=\"/ideas/{idea}\"")), "{scoring}");
    assert!(scoring.contains("0 of 2 required"), "{scoring}");
}
