//! The web interface's pages × roles: which status each page answers to each kind of
//! visitor (the session cookie carries the same token as the API), and the rules of
//! SPEC §10.5 that need no browser: CSRF, the login redirect, the language.

use poem::http::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestUser, spawn_app};

#[tokio::test]
async fn every_page_answers_each_role_as_the_rules_say() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let assessor = app.assessor().await;
    let published = app.published_challenge(&owner, &facilitator).await;
    let draft = app.draft_challenge(&owner).await;
    let idea = app
        .post(
            &format!("/challenges/{published}/ideas"),
            Some(&innovator.token),
            json!({"title": "Lockers for hazardous waste", "summary": "s", "description": "d"}),
        )
        .await
        .expect(201)
        .id();
    let arena = app.open_arena(&facilitator).await;

    let who: [(&str, Option<&TestUser>); 5] = [
        ("anonymous", None),
        ("needs_owner", Some(&owner)),
        ("innovator", Some(&innovator)),
        ("assessor", Some(&assessor)),
        ("facilitator", Some(&facilitator)),
    ];
    // Expected status per visitor, in the order of `who`.
    let pages: Vec<(String, [u16; 5])> = vec![
        ("/".into(), [200, 200, 200, 200, 200]),
        ("/challenges".into(), [200, 200, 200, 200, 200]),
        (format!("/challenges/{published}"), [200, 200, 200, 200, 200]),
        (format!("/challenges/{draft}"), [404, 200, 404, 404, 200]),
        ("/challenges/new".into(), [303, 200, 403, 403, 200]),
        (format!("/challenges/{draft}/edit"), [303, 200, 404, 404, 200]),
        (format!("/challenges/{published}/ideas/new"), [303, 403, 200, 403, 403]),
        (format!("/ideas/{idea}"), [303, 404, 200, 404, 200]),
        (format!("/ideas/{idea}/edit"), [303, 404, 200, 404, 403]),
        (format!("/ideas/{idea}/scorecard"), [303, 404, 403, 404, 403]),
        (format!("/ideas/{idea}/assessment"), [303, 404, 403, 404, 409]),
        (format!("/challenges/{published}/ranking"), [303, 403, 403, 403, 200]),
        (format!("/ideas/{idea}/incubation"), [303, 404, 200, 404, 200]),
        (format!("/ideas/{idea}/test"), [303, 404, 200, 404, 200]),
        ("/arenas".into(), [200, 200, 200, 200, 200]),
        (format!("/arenas/{arena}"), [200, 200, 200, 200, 200]),
        ("/results".into(), [200, 200, 200, 200, 200]),
        ("/results?sdg=18".into(), [200, 200, 200, 200, 200]),
        ("/login".into(), [200, 200, 200, 200, 200]),
        ("/register".into(), [200, 200, 200, 200, 200]),
        ("/me".into(), [303, 200, 200, 200, 200]),
        ("/ideas".into(), [303, 200, 200, 200, 200]),
        ("/ideas?q=avfall".into(), [303, 200, 200, 200, 200]),
        ("/assignments".into(), [303, 403, 403, 200, 200]),
        ("/obstacles".into(), [303, 200, 200, 200, 200]),
        ("/admin/arenas".into(), [303, 404, 404, 404, 200]),
        ("/admin/users".into(), [303, 404, 404, 404, 200]),
        ("/admin/rubrics".into(), [303, 404, 404, 404, 200]),
        ("/admin/support-organisations".into(), [303, 404, 404, 404, 200]),
        ("/reports".into(), [303, 403, 403, 403, 200]),
        ("/no-such-page".into(), [404, 404, 404, 404, 404]),
        ("/challenges/not-an-id".into(), [404, 404, 404, 404, 404]),
    ];
    let mut wrong = Vec::new();
    for (path, expected) in &pages {
        for ((name, user), want) in who.iter().zip(expected) {
            let (status, body) = app.page(path, *user, "sv").await;
            if status.as_u16() != *want {
                wrong.push(format!("{path} as {name}: {} (expected {want})", status.as_u16()));
            }
            if status == StatusCode::OK || status.is_client_error() {
                assert!(
                    body.contains("<html lang=\"sv\""),
                    "{path} as {name} is no page in Swedish"
                );
                assert_eq!(body.matches("<h1").count(), 1, "{path} as {name} has not one <h1>");
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "pages answered otherwise than the rules say:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let before = app.count("SELECT COUNT(*) AS n FROM challenges").await;
    let response = app
        .client
        .post("/challenges/new")
        .header("cookie", format!("sluss_session={}", owner.token))
        .content_type("application/x-www-form-urlencoded")
        .body("title=A+need&summary=s&description=d")
        .send()
        .await;
    response.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, before);
}

#[tokio::test]
async fn a_post_with_the_csrf_token_creates_and_redirects() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let response = app
        .client
        .post("/challenges/new")
        .header("cookie", format!("sluss_session={}", owner.token))
        .content_type("application/x-www-form-urlencoded")
        .body(format!(
            "csrf={}&title=A+need&summary=s&description=d",
            sluss_api::web::context::session_csrf(&owner.token)
        ))
        .send()
        .await;
    response.assert_status(StatusCode::SEE_OTHER);
    let location = response
        .0
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(location.starts_with("/challenges/"), "{location}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 1);
}

#[tokio::test]
async fn a_signed_out_visitor_is_sent_to_login_and_back() {
    let app = spawn_app().await;
    let response = app.client.get("/me").send().await;
    response.assert_status(StatusCode::SEE_OTHER);
    response.assert_header("location", "/login?next=%2Fme");
}

#[tokio::test]
async fn registering_from_the_login_page_keeps_where_the_visitor_was_going() {
    let app = spawn_app().await;
    let (_, login) = app.page("/login?next=%2Fme", None, "en").await;
    assert!(
        login.contains("href=\"/register?next=%2Fme\""),
        "the register link drops next="
    );
    let (_, register) = app.page("/register?next=%2Fme", None, "en").await;
    assert!(register.contains("name=\"next\" value=\"/me\""), "the form drops next=");
}

#[tokio::test]
async fn the_language_follows_the_query_then_the_cookie_then_the_browser() {
    let app = spawn_app().await;
    let english = app.client.get("/?lang=en").header("accept-language", "sv").send().await;
    english.assert_status_is_ok();
    let cookie = english
        .0
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sluss_lang=en"))
        .map(str::to_owned)
        .expect("the choice is remembered");
    assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
    assert!(
        english
            .0
            .into_body()
            .into_string()
            .await
            .unwrap()
            .contains("<html lang=\"en\"")
    );
    let by_cookie = app
        .client
        .get("/")
        .header("cookie", "sluss_lang=en")
        .header("accept-language", "sv")
        .send()
        .await;
    assert!(
        by_cookie
            .0
            .into_body()
            .into_string()
            .await
            .unwrap()
            .contains("<html lang=\"en\"")
    );
    let by_browser = app
        .client
        .get("/")
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await;
    assert!(
        by_browser
            .0
            .into_body()
            .into_string()
            .await
            .unwrap()
            .contains("<html lang=\"en\"")
    );
    let default = app.client.get("/").header("accept-language", "de").send().await;
    assert!(
        default
            .0
            .into_body()
            .into_string()
            .await
            .unwrap()
            .contains("<html lang=\"sv\"")
    );
}

#[tokio::test]
async fn assets_are_immutable_and_pages_for_signed_in_people_are_not_stored() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let (_, home) = app.page("/", None, "sv").await;
    let css = home
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/assets/") && href.ends_with(".css"))
        .expect("a stylesheet")
        .to_owned();
    let asset = app.client.get(&css).send().await;
    asset.assert_status_is_ok();
    asset.assert_header("cache-control", "public, max-age=31536000, immutable");
    let me = app
        .client
        .get("/me")
        .header("cookie", format!("sluss_session={}", owner.token))
        .send()
        .await;
    me.assert_status_is_ok();
    me.assert_header("cache-control", "no-store");
}

#[tokio::test]
async fn a_person_changes_their_settings_and_password_on_their_account_page() {
    let app = spawn_app().await;
    let me = app.innovator().await;
    let (status, page) = app.page("/me/settings", Some(&me), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"display_name\""), "no name field");
    let (_, mine) = app.page("/me", Some(&me), "en").await;
    assert!(
        mine.contains("href=\"/me/settings\""),
        "My pages do not lead to the settings"
    );

    let saved = app
        .form(
            "/me/settings",
            &me,
            &[
                ("settings", "1"),
                ("expected_version", "1"),
                ("display_name", "Lina Berg"),
                ("locale", "en"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location, "/me/settings?saved=settings");
    let account = app.get("/me", Some(&me.token)).await.expect(200);
    assert_eq!(account.body["display_name"], "Lina Berg");
    assert_eq!(account.body["locale"], "en");
    assert_eq!(
        account.body["email_notifications"], false,
        "an unticked box turns e-mail off"
    );

    let refused = app
        .form(
            "/me/settings",
            &me,
            &[
                ("settings", "1"),
                ("expected_version", "2"),
                ("display_name", " "),
                ("locale", "en"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("role=\"alert\""), "the refusal is not summarised");

    let wrong = app
        .form(
            "/me/password",
            &me,
            &[
                ("current_password", "not my password at all"),
                ("new_password", "a new passphrase for the locks"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("That is not your current password."),
        "the refusal is not in words"
    );
    let changed = app
        .form(
            "/me/password",
            &me,
            &[
                ("current_password", PASSWORD),
                ("new_password", "a new passphrase for the locks"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    app.get("/me", Some(&me.token)).await.expect(200);
    app.post(
        "/auth/login",
        None,
        json!({ "email": me.email, "password": "a new passphrase for the locks" }),
    )
    .await
    .expect(200);
}

/// POSTs a form as a signed-out visitor with a pre-session CSRF token: the status and
/// where it redirects to.
async fn signed_out_form(app: &crate::helpers::TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut pairs = vec![("csrf", crate::helpers::CSRF)];
    pairs.extend_from_slice(fields);
    let response = app
        .client
        .post(path)
        .header("cookie", format!("sluss_csrf={}", crate::helpers::CSRF))
        .content_type("application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&pairs).unwrap())
        .send()
        .await;
    let location = response
        .0
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.0.status().as_u16(), location)
}

#[tokio::test]
async fn next_with_a_tab_or_line_break_after_the_slash_stays_on_this_site() {
    let app = spawn_app().await;
    let me = app.innovator().await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "\t//evil.example",
        "/ /evil.example",
        "/\\evil.example",
        "//evil.example",
        "/%09/evil.example\u{0}",
    ] {
        let (status, location) = signed_out_form(
            &app,
            "/login",
            &[("email", &me.email), ("password", PASSWORD), ("next", next)],
        )
        .await;
        assert_eq!(status, 303, "{next:?}");
        assert_eq!(location, "/me", "next={next:?} led to {location:?}");
    }
    let (_, location) = signed_out_form(
        &app,
        "/login",
        &[
            ("email", &me.email),
            ("password", PASSWORD),
            ("next", "/challenges?sdg=3"),
        ],
    )
    .await;
    assert_eq!(location, "/challenges?sdg=3", "a path on this site is followed");
}

#[tokio::test]
async fn the_language_link_of_a_path_that_starts_with_two_slashes_stays_on_this_site() {
    let app = spawn_app().await;
    for path in ["//evil.example/x", "///evil.example/x?a=1"] {
        let (status, body) = app.page(path, None, "sv").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        let hrefs: Vec<&str> = body
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(
            hrefs.iter().any(|href| href.contains("lang=en")),
            "no language link on {path}"
        );
        let off_site: Vec<&&str> = hrefs
            .iter()
            .filter(|href| !href.starts_with('#'))
            .filter(|href| !href.starts_with('/') || href.starts_with("//") || href.starts_with("/\\"))
            .collect();
        assert!(off_site.is_empty(), "{path} links off the site: {off_site:?}");
    }
}

/// The CSRF token of the first form on `path` as `who` sees it, and the CSRF cookie the
/// page set (empty when it set none).
async fn csrf_of_page(app: &crate::helpers::TestApp, path: &str, who: &TestUser) -> (String, String) {
    let response = app
        .client
        .get(path)
        .header("cookie", format!("sluss_session={}", who.token))
        .send()
        .await;
    let cookie = response
        .0
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sluss_csrf="))
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.split_once('='))
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default();
    let body = response.0.into_body().into_string().await.unwrap();
    let token = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form with a CSRF token")
        .to_owned();
    (token, cookie)
}

/// POSTs a new challenge with `session`, the CSRF cookie `cookie` and the field `token`.
async fn post_challenge(app: &crate::helpers::TestApp, session: &str, cookie: &str, token: &str) -> StatusCode {
    let response = app
        .client
        .post("/challenges/new")
        .header("cookie", format!("sluss_session={session}; sluss_csrf={cookie}"))
        .content_type("application/x-www-form-urlencoded")
        .body(format!("csrf={token}&title=A+need&summary=s&description=d"))
        .send()
        .await;
    response.0.status()
}

#[tokio::test]
async fn a_csrf_token_and_cookie_of_one_session_are_refused_with_another() {
    let app = spawn_app().await;
    let mallory = app.needs_owner().await;
    let victim = app.needs_owner().await;
    let (token, cookie) = csrf_of_page(&app, "/challenges/new", &mallory).await;
    let cookie = if cookie.is_empty() { token.clone() } else { cookie };

    let status = post_challenge(&app, &victim.token, &cookie, &token).await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 0);
    // With the session it was made for, the same pair is accepted.
    assert_eq!(
        post_challenge(&app, &mallory.token, &cookie, &token).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 1);
}

#[tokio::test]
async fn a_signed_in_persons_forms_carry_a_token_of_their_session_whatever_the_cookie() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let (token, _) = csrf_of_page(&app, "/challenges/new", &owner).await;
    let (again, _) = csrf_of_page(&app, "/me", &owner).await;
    assert_eq!(token, again, "one session, one token");
    // A token equal to the cookie alone (the old double submit) is not enough.
    let forged = "f".repeat(43);
    assert_eq!(
        post_challenge(&app, &owner.token, &forged, &forged).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM challenges").await, 0);
}

#[tokio::test]
async fn over_https_the_csrf_cookie_is_a_host_cookie_and_signing_in_works() {
    let http = sluss_api::state::HttpSettings {
        public_url: "https://sluss.example".into(),
        ..Default::default()
    };
    let app = crate::helpers::spawn_app_configured(Default::default(), http).await;
    let me = app.innovator().await;
    let login = app.client.get("/login").send().await;
    let cookie = login
        .0
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("csrf="))
        .map(str::to_owned)
        .expect("a CSRF cookie");
    assert!(cookie.starts_with("__Host-sluss_csrf="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    let value = cookie
        .split(';')
        .next()
        .and_then(|v| v.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap();
    let body =
        serde_urlencoded::to_string([("csrf", value.as_str()), ("email", &me.email), ("password", PASSWORD)]).unwrap();
    let signed_in = app
        .client
        .post("/login")
        .header("cookie", format!("__Host-sluss_csrf={value}"))
        .content_type("application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await;
    signed_in.assert_status(StatusCode::SEE_OTHER);
    // The plain name is not read over https.
    let plain = app
        .client
        .post("/login")
        .header("cookie", format!("sluss_csrf={value}"))
        .content_type("application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await;
    plain.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_edit_link_is_offered_only_where_the_edit_is_accepted() {
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let draft = app.draft_challenge(&owner).await;
    let submitted = app.submitted_challenge(&owner).await;
    let link = |id: &str| format!("href=\"/challenges/{id}/edit\"");
    let (_, page) = app.page(&format!("/challenges/{draft}"), Some(&owner), "en").await;
    assert!(page.contains(&link(&draft)), "the owner cannot edit their draft");
    let (_, page) = app.page(&format!("/challenges/{submitted}"), Some(&owner), "en").await;
    assert!(
        !page.contains(&link(&submitted)),
        "a submitted challenge offers its owner an edit"
    );
    let refused = app
        .form(
            &format!("/challenges/{submitted}/edit"),
            &owner,
            &[("title", "Changed")],
        )
        .await;
    assert!(
        refused.status.is_client_error(),
        "the edit the page no longer offers is accepted"
    );
    let (_, page) = app
        .page(&format!("/challenges/{submitted}"), Some(&facilitator), "en")
        .await;
    assert!(
        page.contains(&link(&submitted)),
        "the facilitator cannot edit a submitted challenge"
    );
}

#[tokio::test]
async fn the_lists_filters_other_than_the_search_fold_away_unless_one_is_chosen() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let folded = "<details class=\"govuk-details govuk-!-margin-bottom-4\">";
    let open = "<details class=\"govuk-details govuk-!-margin-bottom-4\" open>";

    let (_, plain) = app.page("/challenges?q=bins", None, "en").await;
    assert!(plain.contains(folded) && plain.contains(">More filters<"), "{plain}");
    assert!(plain.contains("name=\"q\""), "the search stays in view");
    let (_, chosen) = app.page("/challenges?sdg=11&state=published", None, "en").await;
    assert!(chosen.contains(open), "{chosen}");
    assert!(chosen.contains("More filters (2 chosen)"), "{chosen}");

    let (_, ideas) = app.page("/ideas", Some(&facilitator), "sv").await;
    assert!(ideas.contains(folded) && ideas.contains(">Fler filter<"), "{ideas}");
    let (_, one) = app.page("/ideas?state=submitted", Some(&facilitator), "sv").await;
    assert!(one.contains(open) && one.contains("Fler filter (ett valt)"), "{one}");
}
