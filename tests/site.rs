//! The city's own site (SPEC §16, §19): its settings (facilitators write, anyone reads; a
//! colour without AA contrast with white is refused), the privacy notice in versions and
//! the consent registration and sign-in ask for, the accessibility statement, the public
//! pages in the footer, and the reset page that tells the truth without a mail server.

use serde_json::{Value, json};
use sha2::Digest;

use crate::helpers::*;
use crate::mail::anonymous_form;

const NOTICE_V1: &str = "Vi behandlar ditt namn och din e-post för att driva tjänsten.";
const NOTICE_V1_EN: &str = "We process your name and e-mail to run the service.";

async fn publish(app: &TestApp, facilitator: &TestUser, sv: &str, en: &str) -> Reply {
    app.post(
        "/site/privacy-notice",
        Some(&facilitator.token),
        json!({ "sv": sv, "en": en }),
    )
    .await
}

fn account(email: &str) -> Value {
    json!({ "email": email, "password": PASSWORD, "display_name": "Ada Resident", "roles": ["innovator"] })
}

fn with_consent(mut body: Value, accept: Value) -> Value {
    body["accept_privacy_notice"] = accept;
    body
}

async fn log_in(app: &TestApp, email: &str) -> String {
    app.post("/auth/login", None, json!({ "email": email, "password": PASSWORD }))
        .await
        .expect(200)
        .str("token")
        .to_owned()
}

#[tokio::test]
async fn anyone_reads_the_settings_which_start_as_the_defaults() {
    let app = spawn_app().await;

    let site = app.get("/site", None).await.expect(200);

    assert_eq!(
        site.body,
        json!({ "site_name": null, "primary_colour": null, "contact_email": null, "logo_url": null, "privacy_notice_version": null })
    );
}

#[tokio::test]
async fn a_facilitator_sets_the_name_colour_and_contact_and_null_clears_one() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    let body =
        json!({ "site_name": "Malmö stad", "primary_colour": "#1D70B8", "contact_email": "Innovation@Malmo.example" });
    let saved = app.patch("/site", Some(&facilitator.token), body).await.expect(200);
    let read = app.get("/site", None).await.expect(200);
    let cleared = app
        .patch("/site", Some(&facilitator.token), json!({ "site_name": null }))
        .await
        .expect(200);

    assert_eq!(saved.body["primary_colour"], json!("#1d70b8"));
    assert_eq!(read.body["site_name"], json!("Malmö stad"));
    assert_eq!(read.body["contact_email"], json!("innovation@malmo.example"));
    assert_eq!(read.body["logo_url"], Value::Null);
    assert_eq!(cleared.body["site_name"], Value::Null);
    assert_eq!(
        cleared.body["primary_colour"],
        json!("#1d70b8"),
        "what is left out stays"
    );
}

#[tokio::test]
async fn only_facilitators_change_the_site() {
    let app = spawn_app().await;
    let text = json!({ "sv": "Text.", "en": "Text." });
    for caller in [app.needs_owner().await, app.innovator().await, app.assessor().await] {
        for (method, path, body) in [
            ("PATCH", "/site", json!({ "site_name": "Mitt namn" })),
            ("POST", "/site/privacy-notice", text.clone()),
            ("PUT", "/site/accessibility-statement", text.clone()),
        ] {
            let method = poem::http::Method::from_bytes(method.as_bytes()).unwrap();
            let reply = app.call(method, path, Some(&caller.token), Some(body)).await;
            let problem = reply.expect_problem(403);
            assert_eq!(
                problem.body["detail"],
                json!("only facilitators set up the site"),
                "{path}"
            );
        }
    }
    app.patch("/site", None, json!({ "site_name": "x" }))
        .await
        .expect_problem(401);
    assert_eq!(app.get("/site", None).await.body["site_name"], Value::Null);
}

#[tokio::test]
async fn a_colour_white_text_cannot_be_read_on_is_refused_with_its_ratio() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    let yellow = app
        .patch(
            "/site",
            Some(&facilitator.token),
            json!({ "primary_colour": "#777777" }),
        )
        .await;
    let named = app
        .patch("/site", Some(&facilitator.token), json!({ "primary_colour": "blue" }))
        .await;
    let address = app
        .patch(
            "/site",
            Some(&facilitator.token),
            json!({ "contact_email": "not an address" }),
        )
        .await;

    let yellow = yellow.expect_problem(422);
    assert_eq!(yellow.body["errors"][0]["field"], json!("primary_colour"));
    let message = yellow.body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("4.47:1") && message.contains("4.5:1"), "{message}");
    let named = named.expect_problem(422);
    assert_eq!(named.body["errors"][0]["field"], json!("primary_colour"));
    assert_eq!(
        address.expect_problem(422).body["errors"][0]["field"],
        json!("contact_email")
    );
    assert_eq!(app.get("/site", None).await.body["primary_colour"], Value::Null);
}

#[tokio::test]
async fn each_publication_is_a_new_version_and_the_old_ones_are_kept() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    app.get("/site/privacy-notice", None).await.expect_problem(404);

    let first = publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);
    let second = publish(&app, &facilitator, "Version två.", "Version two.")
        .await
        .expect(201);
    let missing = app
        .post(
            "/site/privacy-notice",
            Some(&facilitator.token),
            json!({ "sv": " ", "en": "x" }),
        )
        .await;

    assert_eq!(first.body["version"], json!(1));
    assert!(first.body["published_at"].is_string());
    assert_eq!(second.body["version"], json!(2));
    assert_eq!(missing.expect_problem(422).body["errors"][0]["field"], json!("sv"));
    let in_force = app.get("/site/privacy-notice", None).await.expect(200);
    assert_eq!(in_force.body["version"], json!(2));
    assert_eq!(in_force.body["en"], json!("Version two."));
    assert_eq!(app.get("/site", None).await.body["privacy_notice_version"], json!(2));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM privacy_notices").await, 2);
}

#[tokio::test]
async fn registration_needs_the_notice_accepted_once_one_is_published() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let before = app
        .post("/auth/register", None, account("before@example.org"))
        .await
        .expect(201);
    assert_eq!(before.body["email"], json!("before@example.org"));
    let token = log_in(&app, "before@example.org").await;
    assert_eq!(
        app.get("/me", Some(&token)).await.expect(200).body["privacy_notice"],
        Value::Null
    );
    publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);

    let without = app.post("/auth/register", None, account("without@example.org")).await;
    let refused = app
        .post(
            "/auth/register",
            None,
            with_consent(account("no@example.org"), json!(false)),
        )
        .await;
    let accepted = app
        .post(
            "/auth/register",
            None,
            with_consent(account("yes@example.org"), json!(true)),
        )
        .await;

    let without = without.expect_problem(422);
    assert_eq!(without.body["errors"][0]["field"], json!("accept_privacy_notice"));
    refused.expect_problem(422);
    accepted.expect(201);
    let token = log_in(&app, "yes@example.org").await;
    let me = app.get("/me", Some(&token)).await.expect(200);
    assert_eq!(me.body["privacy_notice"]["version"], json!(1));
    assert!(me.body["privacy_notice"]["accepted_at"].is_string());
    assert_eq!(me.body["email"], json!("yes@example.org"), "the account's fields stay");
}

#[tokio::test]
async fn with_e_mail_the_consent_goes_with_the_account_that_confirms() {
    let app = spawn_app_with_mail().await;
    let facilitator = app.facilitator().await;
    publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);

    app.post("/auth/register", None, account("mail@example.org"))
        .await
        .expect_problem(422);
    app.post(
        "/auth/register",
        None,
        with_consent(account("mail@example.org"), json!(true)),
    )
    .await
    .expect(202);
    let id = app.id_of_email("mail@example.org").await;
    let token = app
        .mail_to(&id)
        .await
        .into_iter()
        .rev()
        .find_map(|row| row.reset_token)
        .expect("a confirmation link");
    app.post("/auth/confirm-email", None, json!({ "token": token }))
        .await
        .expect(200);

    let token = log_in(&app, "mail@example.org").await;
    let me = app.get("/me", Some(&token)).await.expect(200);
    assert_eq!(me.body["privacy_notice"]["version"], json!(1));
}

#[tokio::test]
async fn a_person_accepts_the_version_in_force_and_no_other() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let person = app.innovator().await;
    let none = app
        .post(
            "/me/privacy-notice/accept",
            Some(&person.token),
            json!({ "version": 1 }),
        )
        .await;
    publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);
    let first = app
        .post(
            "/me/privacy-notice/accept",
            Some(&person.token),
            json!({ "version": 1 }),
        )
        .await
        .expect(200);
    publish(&app, &facilitator, "Ny version.", "New version.")
        .await
        .expect(201);

    let stale = app
        .post(
            "/me/privacy-notice/accept",
            Some(&person.token),
            json!({ "version": 1 }),
        )
        .await;
    let unknown = app
        .post(
            "/me/privacy-notice/accept",
            Some(&person.token),
            json!({ "version": 3 }),
        )
        .await;
    let current = app
        .post(
            "/me/privacy-notice/accept",
            Some(&person.token),
            json!({ "version": 2 }),
        )
        .await
        .expect(200);

    assert_eq!(
        none.expect_problem(409).body["detail"],
        json!("no privacy notice has been published")
    );
    assert_eq!(first.body["version"], json!(1));
    let stale = stale.expect_problem(409);
    assert!(
        stale.body["detail"].as_str().unwrap_or_default().contains("version 2"),
        "{}",
        stale.text
    );
    unknown.expect_problem(409);
    assert_eq!(current.body["version"], json!(2));
    let me = app.get("/me", Some(&person.token)).await.expect(200);
    assert_eq!(me.body["privacy_notice"]["version"], json!(2));
    app.post("/me/privacy-notice/accept", None, json!({ "version": 2 }))
        .await
        .expect_problem(401);
}

/// Signs `who` in on the login page, going to `/challenges`: where it sends them.
async fn web_login(app: &TestApp, who: &TestUser) -> String {
    let (status, location, body) = anonymous_form(
        app,
        "/login?next=%2Fchallenges",
        &[
            ("email", who.email.as_str()),
            ("password", PASSWORD),
            ("next", "/challenges"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    location
}

#[tokio::test]
async fn the_web_asks_at_each_sign_in_until_the_new_version_is_accepted() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let person = app.innovator().await;
    let before = web_login(&app, &person).await;
    assert_eq!(before, "/challenges");
    publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);

    let asked = web_login(&app, &person).await;
    let asked_again = web_login(&app, &person).await;
    let (status, page) = app.page(&asked, Some(&person), "en").await;
    let accepted = app
        .form("/privacy/accept", &person, &[("version", "1"), ("next", "/challenges")])
        .await;
    let after = web_login(&app, &person).await;
    publish(&app, &facilitator, "Ny version.", "New version.")
        .await
        .expect(201);
    let new_version = web_login(&app, &person).await;
    let stale = app
        .form("/privacy/accept", &person, &[("version", "1"), ("next", "/challenges")])
        .await;

    assert_eq!(asked, "/privacy/accept?next=%2Fchallenges");
    assert_eq!(asked_again, asked, "asked at each sign-in until accepted");
    assert_eq!(status, 200);
    assert!(
        page.contains(NOTICE_V1_EN) && page.contains("Accept and continue"),
        "{page}"
    );
    assert_eq!(
        (accepted.status.as_u16(), accepted.location.as_str()),
        (303, "/challenges")
    );
    assert_eq!(after, "/challenges", "asked once");
    assert_eq!(new_version, asked, "a new version is asked again");
    assert_eq!(stale.status.as_u16(), 303);
    assert_eq!(
        stale.location, "/privacy/accept?next=%2Fchallenges",
        "a stale version shows the new one"
    );
    let me = app.get("/me", Some(&person.token)).await.expect(200);
    assert_eq!(me.body["privacy_notice"]["version"], json!(1));
}

#[tokio::test]
async fn the_registration_page_asks_for_the_box_once_a_notice_is_published() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let (_, before) = app.page("/register", None, "en").await;
    publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);
    let (_, after) = app.page("/register", None, "en").await;
    let fields = |email: &'static str| {
        vec![
            ("email", email),
            ("password", PASSWORD),
            ("display_name", "Ada Resident"),
            ("roles", "innovator"),
        ]
    };

    let refused = anonymous_form(&app, "/register", &fields("web-no@example.org")).await;
    let mut ticked = fields("web-yes@example.org");
    ticked.push(("accept_privacy_notice", "true"));
    let registered = anonymous_form(&app, "/register", &ticked).await;

    assert!(!before.contains("I have read the privacy notice"));
    assert!(
        after.contains("I have read the privacy notice") && after.contains("href=\"/privacy\""),
        "{after}"
    );
    assert_eq!(refused.0, 422);
    assert!(
        refused
            .2
            .contains("Tick the box to say you have read the privacy notice"),
        "{}",
        refused.2
    );
    assert_eq!(registered.0, 303, "{}", registered.2);
    let token = log_in(&app, "web-yes@example.org").await;
    let me = app.get("/me", Some(&token)).await.expect(200);
    assert_eq!(me.body["privacy_notice"]["version"], json!(1));
}

#[tokio::test]
async fn erasing_a_person_removes_their_consent() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);
    let person = app.innovator().await;
    app.post(
        "/me/privacy-notice/accept",
        Some(&person.token),
        json!({ "version": 1 }),
    )
    .await
    .expect(200);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM privacy_consents").await, 1);

    app.post(
        &format!("/users/{}/erase", person.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);

    assert_eq!(app.count("SELECT COUNT(*) AS n FROM privacy_consents").await, 0);
}

#[tokio::test]
async fn the_public_pages_are_linked_from_every_footer_in_both_languages() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    for lang in ["sv", "en"] {
        let (_, home) = app.page("/", None, lang).await;
        for href in ["/privacy", "/accessibility", "/contact"] {
            assert!(
                home.contains(&format!("href=\"{href}\"")),
                "{lang}: the footer lacks {href}"
            );
        }
    }
    let (_, privacy) = app.page("/privacy", None, "en").await;
    assert!(privacy.contains("has not published a privacy notice yet"), "{privacy}");
    let (_, statement) = app.page("/accessibility", None, "sv").await;
    for part in [
        "Hur tillgänglig är tjänsten?",
        "Innehåll som inte är tillgängligt",
        "axe-core",
        "320 CSS-pixlar",
        "Myndigheten för digital förvaltning (DIGG)",
        "href=\"/contact\"",
        "href=\"https://www.digg.se/tdosanmalan\"",
    ] {
        assert!(statement.contains(part), "the default statement lacks {part}");
    }
    let (_, contact) = app.page("/contact", None, "en").await;
    assert!(contact.contains("has not given a contact address"), "{contact}");

    app.patch(
        "/site",
        Some(&facilitator.token),
        json!({ "site_name": "Malmö innovation", "primary_colour": "#005293", "contact_email": "team@malmo.example" }),
    )
    .await
    .expect(200);
    publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);
    app.call(
        poem::http::Method::PUT,
        "/site/accessibility-statement",
        Some(&facilitator.token),
        Some(json!({ "sv": "## Vår redogörelse\nSkriven av teamet.", "en": "## Our statement\nWritten by the team." })),
    )
    .await
    .expect(200);

    let (_, home) = app.page("/", None, "en").await;
    let (_, privacy) = app.page("/privacy", None, "sv").await;
    let (_, statement) = app.page("/accessibility", None, "en").await;
    let (_, contact) = app.page("/contact", None, "sv").await;
    let css = app.client.get("/site.css?colour=005293").send().await;
    let refused_css = app.client.get("/site.css?colour=ffdd00").send().await;

    assert!(
        home.contains("<title>") && home.contains("– Malmö innovation</title>"),
        "{home}"
    );
    assert!(
        home.contains("href=\"/site.css?colour=005293\""),
        "the colour's stylesheet is linked"
    );
    assert!(
        privacy.contains(NOTICE_V1) && privacy.contains("Version 1"),
        "{privacy}"
    );
    assert!(
        statement.contains("<h2 class=\"govuk-heading-m\">Our statement</h2>"),
        "{statement}"
    );
    assert!(contact.contains("href=\"mailto:team@malmo.example\""), "{contact}");
    assert_eq!(css.0.status(), 200);
    let css = css.0.into_body().into_string().await.unwrap();
    assert!(css.contains("--sluss-primary: #005293"), "{css}");
    assert_eq!(refused_css.0.status(), 404, "no colour white text cannot be read on");
}

#[tokio::test]
async fn the_admin_page_is_the_facilitators_and_its_forms_save() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let (for_others, _) = app.page("/admin/site", Some(&innovator), "en").await;
    let (status, page) = app.page("/admin/site", Some(&facilitator), "en").await;

    let refused = app
        .form(
            "/admin/site",
            &facilitator,
            &[
                ("site_name", "Malmö"),
                ("primary_colour", "#ffdd00"),
                ("contact_email", ""),
            ],
        )
        .await;
    let saved = app
        .form(
            "/admin/site",
            &facilitator,
            &[
                ("site_name", "Malmö"),
                ("primary_colour", "#1d70b8"),
                ("contact_email", "team@malmo.example"),
            ],
        )
        .await;
    let blank = app
        .form(
            "/admin/site/privacy-notice",
            &facilitator,
            &[("privacy_sv", ""), ("privacy_en", "x")],
        )
        .await;
    let published = app
        .form(
            "/admin/site/privacy-notice",
            &facilitator,
            &[("privacy_sv", NOTICE_V1), ("privacy_en", NOTICE_V1_EN)],
        )
        .await;
    let statement = app
        .form(
            "/admin/site/accessibility-statement",
            &facilitator,
            &[("accessibility_sv", "Vår text."), ("accessibility_en", "Our text.")],
        )
        .await;
    let by_innovator = app.form("/admin/site", &innovator, &[("site_name", "Mine")]).await;

    assert_eq!(for_others, 404);
    assert_eq!(status, 200);
    assert!(
        page.contains("Primary colour") && page.contains("How we tested the service"),
        "the statement field starts with the default"
    );
    assert_eq!(refused.status.as_u16(), 422);
    assert!(
        refused.body.contains("WCAG AA needs at least 4.5:1"),
        "{}",
        refused.body
    );
    assert_eq!(
        (saved.status.as_u16(), saved.location.as_str()),
        (303, "/admin/site?saved=look")
    );
    assert_eq!(blank.status.as_u16(), 422);
    assert!(
        blank.body.contains("href=\"#f-privacy_sv\""),
        "the summary links the field: {}",
        blank.body
    );
    assert_eq!(published.status.as_u16(), 303);
    assert_eq!(statement.status.as_u16(), 303);
    assert_eq!(by_innovator.status.as_u16(), 404);
    let site = app.get("/site", None).await.expect(200);
    assert_eq!(site.body["site_name"], json!("Malmö"));
    assert_eq!(site.body["privacy_notice_version"], json!(1));
    let (_, statement) = app.page("/accessibility", None, "en").await;
    assert!(statement.contains("Our text."));
}

#[tokio::test]
async fn without_a_mail_server_the_reset_page_says_so_and_whom_to_ask() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let (_, without_contact) = app.page("/forgot-password", None, "en").await;
    app.patch(
        "/site",
        Some(&facilitator.token),
        json!({ "contact_email": "team@malmo.example" }),
    )
    .await
    .expect(200);

    let (status, page) = app.page("/forgot-password", None, "en").await;
    let posted = anonymous_form(&app, "/forgot-password", &[("email", "someone@example.org")]).await;

    assert!(without_contact.contains("E-mail is not set up"), "{without_contact}");
    assert!(
        !without_contact.contains("action=\"/forgot-password\""),
        "no form that sends nothing"
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("This service sends no e-mail") && page.contains("mailto:team@malmo.example"),
        "{page}"
    );
    assert_eq!(posted.0, 200);
    assert!(
        posted.2.contains("E-mail is not set up"),
        "nothing pretends a link was sent"
    );
}

/// A PNG, a WebP and a JPEG as their first bytes say.
const LOGO_PNG: &[u8] = crate::attachments::PNG;
const LOGO_WEBP: &[u8] = b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";

async fn put_logo(app: &TestApp, token: Option<&str>, name: &str, bytes: &[u8]) -> Reply {
    crate::attachments::send_file(app, poem::http::Method::PUT, "/site/logo", token, name, bytes).await
}

/// The bytes and headers of `GET /site/logo`.
async fn fetch_logo(app: &TestApp) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let response = app.client.get("/api/v1/site/logo").send().await.0;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (content_type, etag) = (header("content-type"), header("etag"));
    let status = response.status().as_u16();
    let bytes = response.into_body().into_vec().await.unwrap_or_default();
    (status, content_type, etag, bytes)
}

#[tokio::test]
async fn a_facilitator_sets_a_logo_that_anyone_fetches_and_every_header_shows() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let before = fetch_logo(&app).await;

    let saved = put_logo(&app, Some(&facilitator.token), "malmo.png", LOGO_PNG)
        .await
        .expect(200);

    let sha = hex::encode(sha2::Sha256::digest(LOGO_PNG));
    let url = format!("/api/v1/site/logo?v={}", &sha[..16]);
    assert_eq!(before.0, 404);
    assert_eq!(saved.body["logo_url"], json!(url));
    assert_eq!(app.get("/site", None).await.expect(200).body["logo_url"], json!(url));
    let (status, content_type, etag, bytes) = fetch_logo(&app).await;
    assert_eq!((status, content_type.as_deref()), (200, Some("image/png")));
    assert_eq!(etag, Some(format!("\"{sha}\"")));
    assert_eq!(bytes, LOGO_PNG);
    let (_, home) = app.page("/", None, "sv").await;
    assert!(home.contains(&format!(
        r#"<img class="sluss-header__logo" src="{}" alt="">"#,
        url.replace('&', "&amp;")
    )));

    let webp = put_logo(&app, Some(&facilitator.token), "malmo.webp", LOGO_WEBP)
        .await
        .expect(200);
    assert_ne!(webp.body["logo_url"], json!(url));
    assert_eq!(fetch_logo(&app).await.1.as_deref(), Some("image/webp"));
}

#[tokio::test]
async fn a_logo_that_is_not_a_small_png_or_webp_is_refused_and_the_old_one_stays() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    put_logo(&app, Some(&facilitator.token), "logo.png", LOGO_PNG)
        .await
        .expect(200);
    let mut large = LOGO_PNG.to_vec();
    large.resize(512 * 1024 + 1, 0);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";

    for (name, bytes) in [
        ("photo.png", JPEG),
        ("logo.png", crate::attachments::PDF),
        ("logo.svg", &svg[..]),
        ("large.png", &large[..]),
    ] {
        let refused = put_logo(&app, Some(&facilitator.token), name, bytes)
            .await
            .expect_problem(422);
        assert_eq!(refused.body["errors"][0]["field"], json!("file"), "{name}");
        assert_eq!(
            refused.body["errors"][0]["message"],
            json!("must be a PNG or WebP picture of at most 512 KiB"),
            "{name}"
        );
    }
    put_logo(&app, Some(&facilitator.token), "empty.png", b"")
        .await
        .expect_problem(422);

    let (status, content_type, _, bytes) = fetch_logo(&app).await;
    assert_eq!((status, content_type.as_deref()), (200, Some("image/png")));
    assert_eq!(bytes, LOGO_PNG);
}

#[tokio::test]
async fn only_facilitators_set_or_remove_the_logo_and_removing_it_leaves_the_name_alone() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    put_logo(&app, None, "logo.png", LOGO_PNG).await.expect_problem(401);
    put_logo(&app, Some(&innovator.token), "logo.png", LOGO_PNG)
        .await
        .expect_problem(403);
    assert_eq!(fetch_logo(&app).await.0, 404);
    put_logo(&app, Some(&facilitator.token), "logo.png", LOGO_PNG)
        .await
        .expect(200);
    app.call(poem::http::Method::DELETE, "/site/logo", Some(&innovator.token), None)
        .await
        .expect_problem(403);

    let removed = app
        .call(poem::http::Method::DELETE, "/site/logo", Some(&facilitator.token), None)
        .await
        .expect(200);

    assert_eq!(removed.body["logo_url"], Value::Null);
    assert_eq!(fetch_logo(&app).await.0, 404);
    let (_, home) = app.page("/", None, "en").await;
    assert!(!home.contains("sluss-header__logo"));
}

/// Posts `bytes` as the file of the logo form of `/admin/site`, as a browser does: the
/// token in the form's address.
async fn post_logo_form(app: &TestApp, who: &TestUser, bytes: &[u8]) -> (u16, String, String) {
    let token = sluss_api::web::context::session_csrf(&who.token);
    let form = poem::test::TestForm::new().field(
        poem::test::TestFormField::bytes(bytes.to_vec())
            .name("file")
            .filename("logo.png")
            .content_type("image/png"),
    );
    let response = app
        .client
        .post(format!("/admin/site/logo?csrf={token}"))
        .header("cookie", format!("sluss_session={}; sluss_csrf={CSRF}", who.token))
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .0;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        location,
        response.into_body().into_string().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn the_site_page_uploads_a_logo_and_says_at_the_field_why_one_is_refused() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    let (refused_status, _, refused_page) = post_logo_form(&app, &facilitator, JPEG).await;
    let (status, location, _) = post_logo_form(&app, &facilitator, LOGO_PNG).await;
    let (_, admin) = app.page("/admin/site?saved=logo", Some(&facilitator), "en").await;
    let removed = app.form("/admin/site/logo/remove", &facilitator, &[]).await;

    assert_eq!(refused_status, 422);
    assert!(refused_page.contains("Choose a PNG or WebP picture of at most 512 KiB"));
    assert!(
        refused_page.contains(r##"href="#f-file""##),
        "the error summary links to the field"
    );
    assert_eq!((status, location.as_str()), (303, "/admin/site?saved=logo"));
    assert!(admin.contains("The logo is saved."));
    assert!(admin.contains("sluss-logo-preview"));
    assert_eq!(removed.location, "/admin/site?saved=logo-removed");
    assert_eq!(fetch_logo(&app).await.0, 404);
}

#[tokio::test]
async fn the_export_lists_each_version_of_the_privacy_notice_one_accepted() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let person = app.innovator().await;
    publish(&app, &facilitator, NOTICE_V1, NOTICE_V1_EN).await.expect(201);
    app.post(
        "/me/privacy-notice/accept",
        Some(&person.token),
        json!({ "version": 1 }),
    )
    .await
    .expect(200);
    publish(&app, &facilitator, "Ny version.", "New version.")
        .await
        .expect(201);
    app.post(
        "/me/privacy-notice/accept",
        Some(&person.token),
        json!({ "version": 2 }),
    )
    .await
    .expect(200);

    let export = app.get("/me/export", Some(&person.token)).await.expect(200);
    let others = app.get("/me/export", Some(&facilitator.token)).await.expect(200);

    let consents = export.body["privacy_consents"].as_array().cloned().unwrap_or_default();
    let versions: Vec<&Value> = consents.iter().map(|c| &c["version"]).collect();
    assert_eq!(versions, [&json!(1), &json!(2)]);
    assert!(consents.iter().all(|c| c["accepted_at"].is_string()));
    assert_eq!(others.body["privacy_consents"], json!([]));
}
