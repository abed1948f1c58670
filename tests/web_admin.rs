//! The facilitators' registries in the web interface (SPEC §10.4): `/admin/users`,
//! `/admin/rubrics` and `/admin/support-organisations`, driven by their forms as a browser
//! sends them.

use poem::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestUser, spawn_app};
use crate::steps::{idea_command, submitted_idea};

const PASSWORD: &str = "correct horse battery staple again";

/// The items of a list reply.
fn items(app_reply: &Value) -> Vec<Value> {
    app_reply["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn web_admin_registries_answer_facilitators_only() {
    let app = spawn_app().await;
    let who: [(&str, Option<TestUser>, u16); 5] = [
        ("anonymous", None, 303),
        ("needs_owner", Some(app.needs_owner().await), 404),
        ("innovator", Some(app.innovator().await), 404),
        ("assessor", Some(app.assessor().await), 404),
        ("facilitator", Some(app.facilitator().await), 200),
    ];
    // The registries and the page of one entry in each (ADR 0029).
    let facilitator = who[4].1.clone().unwrap();
    let rubrics = app.get("/rubrics", Some(&facilitator.token)).await.expect(200);
    let rubric = items(&rubrics.body)[0]["id"].as_str().unwrap().to_owned();
    let arena = app.open_arena(&facilitator).await;
    let user = &who[2].1.as_ref().unwrap().id;
    let paths = [
        "/admin/users".to_owned(),
        format!("/admin/users/{user}"),
        "/admin/rubrics".to_owned(),
        format!("/admin/rubrics/{rubric}"),
        "/admin/arenas".to_owned(),
        format!("/admin/arenas/{arena}"),
        "/admin/support-organisations".to_owned(),
    ];
    for path in &paths {
        for (name, user, want) in &who {
            let (status, body) = app.page(path, user.as_ref(), "sv").await;
            assert_eq!(status.as_u16(), *want, "{path} as {name}");
            if status != StatusCode::SEE_OTHER {
                assert!(body.contains("<html lang=\"sv\""), "{path} as {name} is not in Swedish");
                assert_eq!(body.matches("<h1").count(), 1, "{path} as {name} has not one <h1>");
            }
        }
    }
    // A signed-in non-facilitator's form is refused as the page is, and nothing is made.
    let innovator = who[2].1.clone().unwrap();
    let answer = app
        .form(
            "/admin/support-organisations",
            &innovator,
            &[("name", "Minc"), ("kind", "incubator"), ("description", "d")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM support_organisations").await, 0);
}

#[tokio::test]
async fn web_admin_support_organisations_are_registered_by_form() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let path = "/admin/support-organisations";

    let refused = app
        .form(
            path,
            &facilitator,
            &[
                ("name", "Minc"),
                ("description", "Incubator in Malmö"),
                ("contact_email", "not-an-address"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("role=\"alert\""));
    assert!(
        refused.body.contains("href=\"#f-contact_email\""),
        "the address is named too"
    );
    assert!(refused.body.contains("value=\"Minc\""), "the name is kept");
    assert!(refused.body.contains("Incubator in Malmö"), "the description is kept");
    assert!(
        refused.body.contains("href=\"#f-kind\""),
        "the kind is named in the summary"
    );
    let none = app
        .get("/support-organisations", Some(&facilitator.token))
        .await
        .expect(200);
    assert!(items(&none.body).is_empty(), "{}", none.text);

    let made = app
        .form(
            path,
            &facilitator,
            &[
                ("name", "Minc"),
                ("kind", "science_park"),
                ("description", "Incubator in Malmö"),
                ("contact_email", "hello@minc.example"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location, path);
    let list = app
        .get("/support-organisations", Some(&facilitator.token))
        .await
        .expect(200);
    let organisations = items(&list.body);
    assert_eq!(organisations.len(), 1, "{}", list.text);
    assert_eq!(organisations[0]["kind"], "science_park");
    assert_eq!(organisations[0]["contact_email"], "hello@minc.example");
    let (_, body) = app.page(path, Some(&facilitator), "sv").await;
    assert!(body.contains("Minc") && body.contains("hello@minc.example"));
}

/// The fields of a new rubric with two criteria and three blank rows.
fn rubric_fields(name: &'static str, second_key: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", name),
        ("min_scorecards", "3"),
        ("criteria.0.key", "need_fit"),
        ("criteria.0.name", "Need fit"),
        ("criteria.0.description", "How well it meets the need"),
        ("criteria.0.weight", "2"),
        ("criteria.0.scale_min", ""),
        ("criteria.0.scale_max", ""),
        (
            "criteria.0.scale_labels",
            "1 = Does not meet it\r\n\r\n5: Meets it fully",
        ),
        ("criteria.1.key", second_key),
        ("criteria.1.name", "Feasibility"),
        ("criteria.1.description", ""),
        ("criteria.1.weight", "1,5"),
        ("criteria.1.scale_min", "0"),
        ("criteria.1.scale_max", "10"),
        ("criteria.2.key", ""),
        ("criteria.2.name", "  "),
    ]
}

#[tokio::test]
async fn web_admin_rubrics_are_created_by_form_and_refusals_name_the_row() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let count = || app.count("SELECT COUNT(*) AS n FROM rubrics");
    let before = count().await;

    let refused = app
        .form("/admin/rubrics", &facilitator, &rubric_fields("Quick scan", "Bad Key"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("role=\"alert\""));
    assert!(refused.body.contains("value=\"Quick scan\""), "the name is kept");
    assert!(refused.body.contains("value=\"Bad Key\""), "the row is kept");
    assert!(
        refused.body.contains("href=\"#f-criteria-1-name\""),
        "the summary names the row's name, which the key is made from"
    );
    assert!(
        refused.body.contains("id=\"f-criteria-1-name-error\""),
        "the name has its message"
    );
    assert_eq!(count().await, before);

    let made = app
        .form(
            "/admin/rubrics",
            &facilitator,
            &rubric_fields("Quick scan", "feasibility"),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location, "/admin/rubrics");
    let list = app.get("/rubrics", Some(&facilitator.token)).await.expect(200);
    let rubric = items(&list.body)
        .into_iter()
        .find(|r| r["name"] == "Quick scan")
        .unwrap_or_else(|| panic!("no new rubric: {}", list.text));
    assert_eq!(rubric["min_scorecards"], 3);
    assert_eq!(rubric["is_default"], false);
    let criteria = rubric["criteria"].as_array().unwrap();
    assert_eq!(criteria.len(), 2, "blank rows are ignored: {rubric}");
    assert_eq!(criteria[0]["scale_min"], 1);
    assert_eq!(criteria[0]["scale_max"], 5);
    assert_eq!(
        criteria[0]["scale_labels"],
        serde_json::json!({ "1": "Does not meet it", "5": "Meets it fully" }),
        "one meaning a line, blank lines skipped"
    );
    assert_eq!(criteria[1]["weight"], 1.5);
    assert_eq!(criteria[1]["scale_max"], 10);
}

#[tokio::test]
async fn web_admin_a_rubric_in_use_is_shown_read_only() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let list = app.get("/rubrics", Some(&facilitator.token)).await.expect(200);
    let default = items(&list.body).into_iter().find(|r| r["is_default"] == true).unwrap();
    let id = default["id"].as_str().unwrap().to_owned();
    let edit = format!("/admin/rubrics/{id}/edit");
    let page = format!("/admin/rubrics/{id}");
    let (_, list) = app.page("/admin/rubrics", Some(&facilitator), "sv").await;
    assert!(!list.contains("Används"), "no rubric is in use yet");
    assert!(
        list.contains(&format!("href=\"{page}\"")),
        "the list links to the rubric's page"
    );
    let (status, before) = app.page(&page, Some(&facilitator), "sv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        before.contains(&format!("href=\"{edit}\"")),
        "an unused rubric may change"
    );

    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    idea_command(&app, &idea, "start-assessment", &facilitator.token, json!({})).await;

    let (status, list) = app.page("/admin/rubrics", Some(&facilitator), "sv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Används: kan inte längre ändras"), "{list}");
    let (status, body) = app.page(&page, Some(&facilitator), "sv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Används: kan inte längre ändras"), "{body}");
    assert!(!body.contains(&edit), "an in-use rubric has no edit link");
    let (status, _) = app.page(&edit, Some(&facilitator), "sv").await;
    assert_eq!(status, StatusCode::CONFLICT, "nor an edit form");
    let fields = [
        ("expected_version", "1"),
        ("name", "Renamed"),
        ("criteria.0.key", "x"),
        ("criteria.0.name", "X"),
    ];
    let refused = app.form(&edit, &facilitator, &fields).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let after = app
        .get(&format!("/rubrics/{id}"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(after.body["name"], default["name"]);
}

#[tokio::test]
async fn web_admin_an_unused_rubric_is_changed_by_form() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let made = app
        .form(
            "/admin/rubrics",
            &facilitator,
            &rubric_fields("Quick scan", "feasibility"),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let list = app.get("/rubrics", Some(&facilitator.token)).await.expect(200);
    let rubric = items(&list.body)
        .into_iter()
        .find(|r| r["name"] == "Quick scan")
        .unwrap();
    let id = rubric["id"].as_str().unwrap().to_owned();
    let edit = format!("/admin/rubrics/{id}/edit");

    let (status, body) = app.page(&edit, Some(&facilitator), "sv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("value=\"need_fit\"") && body.contains("value=\"Feasibility\""),
        "the form holds the criteria"
    );

    let mut fields = rubric_fields("Quick scan, second edition", "feasibility");
    fields.retain(|(name, _)| *name != "criteria.0.weight");
    fields.push(("expected_version", "1"));
    fields.push(("criteria.0.weight", "0"));
    let refused = app.form(&edit, &facilitator, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("href=\"#f-criteria-0-weight\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"Quick scan, second edition\""));

    fields.retain(|(name, _)| *name != "criteria.0.weight");
    let changed = app.form(&edit, &facilitator, &fields).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let after = app
        .get(&format!("/rubrics/{id}"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(after.body["name"], "Quick scan, second edition");
    assert_eq!(after.body["version"], 2);
    assert_eq!(after.body["criteria"][0]["weight"], 1.0, "a blank weight counts 1");
}

#[tokio::test]
async fn web_admin_users_are_created_by_form_and_found_by_part_of_their_name() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let users = || async {
        items(
            &app.get("/users?limit=100", Some(&facilitator.token))
                .await
                .expect(200)
                .body,
        )
    };
    let before = users().await.len();

    let refused = app
        .form(
            "/admin/users",
            &facilitator,
            &[
                ("email", "astrid@example.org"),
                ("password", PASSWORD),
                ("display_name", "Astrid Lindqvist"),
                ("organisation", "Malmö stad"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("role=\"alert\""));
    assert!(
        refused.body.contains("href=\"#f-roles\""),
        "the roles are named in the summary"
    );
    assert!(refused.body.contains("value=\"Astrid Lindqvist\""), "the name is kept");
    assert!(!refused.body.contains(PASSWORD), "a password is never shown again");
    assert_eq!(users().await.len(), before);

    let made = app
        .form(
            "/admin/users",
            &facilitator,
            &[
                ("email", "astrid@example.org"),
                ("password", PASSWORD),
                ("display_name", "Astrid Lindqvist"),
                ("organisation", "Malmö stad"),
                ("roles", "assessor"),
                ("roles", "needs_owner"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location, "/admin/users");
    let astrid = users()
        .await
        .into_iter()
        .find(|u| u["email"] == "astrid@example.org")
        .unwrap_or_else(|| panic!("no new user"));
    assert_eq!(astrid["roles"], json!(["needs_owner", "assessor"]));

    let (status, found) = app.page("/admin/users?q=lindq", Some(&facilitator), "sv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(found.contains("astrid@example.org"), "{found}");
    assert!(!found.contains(&facilitator.email), "the search leaves others out");
    let (_, all) = app.page("/admin/users", Some(&facilitator), "sv").await;
    assert!(all.contains("astrid@example.org") && all.contains(&facilitator.email));
}

#[tokio::test]
async fn web_admin_roles_are_changed_and_users_deactivated_by_form() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let version = |user: Value| user["version"].to_string();
    let user = app
        .get(&format!("/users/{}", innovator.id), Some(&facilitator.token))
        .await
        .expect(200);

    let changed = app
        .form(
            &format!("/admin/users/{}/roles", innovator.id),
            &facilitator,
            &[
                ("expected_version", &version(user.body)),
                ("q", "lind berg"),
                ("roles", "innovator"),
                ("roles", "assessor"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(
        changed.location, "/admin/users?q=lind+berg&saved=1",
        "back to the same search"
    );
    let (_, saved) = app.page(&changed.location, Some(&facilitator), "en").await;
    assert!(saved.contains("The change is saved."), "the page says the save worked");
    assert!(saved.contains("value=\"lind berg\""), "the search is kept");
    let user = app
        .get(&format!("/users/{}", innovator.id), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(user.body["roles"], json!(["innovator", "assessor"]));

    let no_roles = app
        .form(
            &format!("/admin/users/{}/roles", innovator.id),
            &facilitator,
            &[("expected_version", &version(user.body.clone()))],
        )
        .await;
    assert_eq!(no_roles.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_roles.body);
    assert!(no_roles.body.contains("role=\"alert\""));

    // A refused change is shown again on the user's page, the roles named in the summary.
    assert!(no_roles.body.contains("href=\"#f-roles\""), "{}", no_roles.body);
    assert!(
        no_roles
            .body
            .contains(&format!("action=\"/admin/users/{}/roles\"", innovator.id)),
        "the user's own page again"
    );

    // The list links each user to their own page; the viewer's own page offers no
    // "Deactivate", the innovator's does.
    let (_, list) = app.page("/admin/users", Some(&facilitator), "sv").await;
    assert!(
        list.contains(&format!("href=\"/admin/users/{}\"", innovator.id)),
        "{list}"
    );
    assert!(!list.contains("/deactivate\""), "no command on the list");
    let (status, body) = app
        .page(&format!("/admin/users/{}", innovator.id), Some(&facilitator), "sv")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("action=\"/admin/users/{}/deactivate\"", innovator.id)));
    assert!(body.contains(&format!("action=\"/admin/users/{}/roles\"", innovator.id)));
    let (_, own) = app
        .page(&format!("/admin/users/{}", facilitator.id), Some(&facilitator), "sv")
        .await;
    assert!(!own.contains(&format!("action=\"/admin/users/{}/deactivate\"", facilitator.id)));

    app.get("/me", Some(&innovator.token)).await.expect(200);
    let gone = app
        .form(
            &format!("/admin/users/{}/deactivate", innovator.id),
            &facilitator,
            &[("expected_version", &version(user.body)), ("confirmed", "1")],
        )
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    app.get("/me", Some(&innovator.token)).await.expect_problem(401);
    let user = app
        .get(&format!("/users/{}", innovator.id), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(user.body["active"], false);

    // A deactivated account is offered "Reactivate", and it lets the person in again.
    let (_, body) = app
        .page(&format!("/admin/users/{}", innovator.id), Some(&facilitator), "en")
        .await;
    assert!(body.contains(&format!("action=\"/admin/users/{}/reactivate\"", innovator.id)));
    let back = app
        .form(
            &format!("/admin/users/{}/reactivate", innovator.id),
            &facilitator,
            &[("expected_version", &version(user.body))],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    app.post(
        "/auth/login",
        None,
        json!({ "email": innovator.email, "password": crate::helpers::PASSWORD }),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn web_admin_users_run_on_to_a_next_page() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let mut last = None;
    for _ in 0..50 {
        last = Some(app.innovator().await);
    }
    let last = last.unwrap();
    let (_, first) = app.page("/admin/users", Some(&facilitator), "sv").await;
    assert!(first.contains(&last.email), "the newest user comes first");
    assert!(!first.contains(&facilitator.email), "a page holds 50 users");
    let start = first
        .find("href=\"/admin/users?q=&amp;cursor=")
        .expect("a link to the next page");
    let href = first[start + 6..].split('"').next().unwrap().replace("&amp;", "&");
    let (status, second) = app.page(&href, Some(&facilitator), "sv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        second.contains(&facilitator.email),
        "the oldest user is on the next page"
    );
    assert!(!second.contains(&last.email));
}

#[tokio::test]
async fn web_admin_a_rubric_form_makes_the_keys_from_the_names() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let (_, form) = app.page("/admin/rubrics", Some(&facilitator), "sv").await;
    assert!(
        !form.contains("id=\"f-criteria-0-key\"") && !form.contains("name=\"criteria.0.key\""),
        "the form asks for no key"
    );

    let made = app
        .form(
            "/admin/rubrics",
            &facilitator,
            &[
                ("name", "Grannskapsmall"),
                ("criteria.0.name", "Svar på behovet"),
                ("criteria.0.weight", "2"),
                ("criteria.1.name", "Svar på behovet!"),
                ("criteria.1.weight", "1"),
                ("criteria.2.name", "Genomförbarhet i år"),
            ],
        )
        .await;

    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let list = app.get("/rubrics", Some(&facilitator.token)).await.expect(200);
    let rubric = items(&list.body)
        .into_iter()
        .find(|r| r["name"] == "Grannskapsmall")
        .unwrap_or_else(|| panic!("no new rubric: {}", list.text));
    let keys: Vec<&str> = rubric["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["svar_pa_behovet", "svar_pa_behovet_2", "genomforbarhet_i_ar"]);
    let (_, edit) = app
        .page(
            &format!("/admin/rubrics/{}/edit", rubric["id"].as_str().unwrap()),
            Some(&facilitator),
            "sv",
        )
        .await;
    assert!(
        edit.contains("type=\"hidden\" name=\"criteria.0.key\" value=\"svar_pa_behovet\""),
        "an edit keeps the keys"
    );
}
