//! Two-factor sign-in with a TOTP app (SPEC §16), on the web and through `POST /auth/login`.

use poem::http::StatusCode;
use serde_json::json;
use sluss_api::state::AuthSettings;
use totp_rs::{Builder, Secret};

use crate::helpers::{CSRF, PASSWORD, TestApp, TestUser, spawn_app, spawn_app_with};

async fn staff_app() -> TestApp {
    spawn_app_with(AuthSettings {
        require_staff_2fa: true,
        ..AuthSettings::default()
    })
    .await
}

/// The code of `secret` at `offset` seconds from now.
fn code_of(secret: &str, offset: i64) -> String {
    let totp = Builder::new()
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap();
    let at = u64::try_from(chrono::Utc::now().timestamp() + offset).unwrap();
    totp.generate(at).to_string()
}

/// What a signed-out request with cookies answered.
struct Answer {
    status: StatusCode,
    location: String,
    cookies: Vec<String>,
    body: String,
}

impl Answer {
    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.iter().find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        })
    }
}

async fn send(app: &TestApp, path: &str, pending: Option<&str>, fields: Option<&[(&str, &str)]>) -> Answer {
    let mut cookie = format!("sluss_csrf={CSRF}");
    if let Some(pending) = pending {
        cookie.push_str(&format!("; sluss_pending={pending}"));
    }
    let request = match fields {
        Some(fields) => {
            let mut pairs = vec![("csrf", CSRF)];
            pairs.extend_from_slice(fields);
            app.client
                .post(path)
                .content_type("application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(&pairs).unwrap())
        }
        None => app.client.get(path),
    };
    let response = request
        .header("cookie", cookie)
        .header("accept-language", "en")
        .send()
        .await
        .0;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let body = response.into_body().into_string().await.unwrap_or_default();
    Answer {
        status,
        location,
        cookies,
        body,
    }
}

/// The password step on the web: where it leads and the pending cookie.
async fn password_step(app: &TestApp, who: &TestUser) -> (String, String) {
    let answer = send(
        app,
        "/login",
        None,
        Some(&[("email", &who.email), ("password", PASSWORD)]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert!(
        answer.cookie("sluss_session").is_none(),
        "the password step signs no one in"
    );
    let pending = answer.cookie("sluss_pending").expect("a pending sign-in");
    (answer.location, pending)
}

fn between<'a>(body: &'a str, marker: &str) -> &'a str {
    let rest = body
        .split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no {marker} in {body}"));
    let rest = &rest[rest.find('>').unwrap() + 1..];
    &rest[..rest.find('<').unwrap()]
}

/// Sets up a facilitator's app through the pages: the secret and the recovery codes.
/// Sets up two-factor sign-in through the pages: the secret, the recovery
/// codes, and the code the set-up used (so a test can replay exactly it).
async fn set_up(app: &TestApp, who: &TestUser) -> (String, Vec<String>, String) {
    let (location, pending) = password_step(app, who).await;
    assert!(location.starts_with("/login/two-factor/set-up"), "{location}");
    let page = send(app, &location, Some(&pending), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = between(&page.body, "id=\"totp-secret\"").to_owned();
    let uri = between(&page.body, "id=\"totp-uri\"").replace("&amp;", "&");
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    assert!(page.body.contains(">Code<"), "the field is called Code");
    let used = code_of(&secret, 0);
    let done = send(
        app,
        "/login/two-factor/set-up",
        Some(&pending),
        Some(&[("code", &used), ("next", "/me")]),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let session = done.cookie("sluss_session").expect("signed in after set-up");
    app.get("/me", Some(&session)).await.expect(200);
    let list = done.body.split("id=\"recovery-codes\"").nth(1).unwrap();
    let list = &list[..list.find("</ul>").unwrap()];
    let codes: Vec<String> = list
        .split("<code>")
        .skip(1)
        .map(|c| c[..c.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{list}");
    assert!(done.body.contains("will not be shown again"));
    (secret, codes, used)
}

async fn api_login(app: &TestApp, who: &TestUser, code: Option<&str>) -> crate::helpers::Reply {
    let mut body = json!({ "email": who.email, "password": PASSWORD });
    if let Some(code) = code {
        body["totp_code"] = json!(code);
    }
    app.post("/auth/login", None, body).await
}

#[tokio::test]
async fn with_the_flag_off_a_facilitator_signs_in_with_the_password_alone() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    api_login(&app, &facilitator, None).await.expect(200);
    let answer = send(
        &app,
        "/login",
        None,
        Some(&[("email", &facilitator.email), ("password", PASSWORD)]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location, "/me");
    assert!(answer.cookie("sluss_session").is_some());
}

#[tokio::test]
async fn with_the_flag_on_others_than_facilitators_sign_in_as_before() {
    let app = staff_app().await;
    let innovator = app.innovator().await;
    api_login(&app, &innovator, None).await.expect(200);
}

#[tokio::test]
async fn before_set_up_a_facilitators_api_login_answers_403() {
    let app = staff_app().await;
    let facilitator = app.facilitator().await;
    let reply = api_login(&app, &facilitator, None).await.expect_problem(403);
    assert!(reply.body.to_string().contains("web"), "{}", reply.body);
    // A wrong password is still 401.
    app.post(
        "/auth/login",
        None,
        json!({ "email": facilitator.email, "password": "not the password at all" }),
    )
    .await
    .expect_problem(401);
}

#[tokio::test]
async fn the_held_sign_in_is_not_signed_in() {
    let app = staff_app().await;
    let facilitator = app.facilitator().await;
    let (_, pending) = password_step(&app, &facilitator).await;
    // Neither as a session cookie nor as a bearer token.
    let (status, _) = app
        .page(
            "/me",
            Some(&TestUser {
                token: pending.clone(),
                ..facilitator.clone()
            }),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.get("/me", Some(&pending)).await.expect_problem(401);
    // And without the cookie the code pages send the person to log in.
    let answer = send(&app, "/login/two-factor/set-up", None, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.location.starts_with("/login"));
}

#[tokio::test]
async fn set_up_through_the_pages_then_the_api_needs_a_right_unused_code() {
    let app = staff_app().await;
    let facilitator = app.facilitator().await;
    let (secret, _, used) = set_up(&app, &facilitator).await;
    api_login(&app, &facilitator, None).await.expect_problem(401);
    api_login(&app, &facilitator, Some("000000")).await.expect_problem(401);
    // The code the set-up used never works again.
    api_login(&app, &facilitator, Some(&used)).await.expect_problem(401);
    let next = code_of(&secret, 30);
    let reply = api_login(&app, &facilitator, Some(&next)).await.expect(200);
    app.get("/me", Some(reply.str("token"))).await.expect(200);
    api_login(&app, &facilitator, Some(&next)).await.expect_problem(401);
}

#[tokio::test]
async fn a_wrong_set_up_code_leaves_the_set_up_unconfirmed() {
    let app = staff_app().await;
    let facilitator = app.facilitator().await;
    let (location, pending) = password_step(&app, &facilitator).await;
    let page = send(&app, &location, Some(&pending), None).await;
    let secret = between(&page.body, "id=\"totp-secret\"").to_owned();
    let wrong = send(
        &app,
        "/login/two-factor/set-up",
        Some(&pending),
        Some(&[("code", "123")]),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("The code is wrong"), "{}", wrong.body);
    assert!(wrong.cookie("sluss_session").is_none());
    assert!(wrong.body.contains(&secret), "the same secret is shown again");
    api_login(&app, &facilitator, None).await.expect_problem(403);
}

#[tokio::test]
async fn the_web_code_step_signs_in_with_a_right_code_only() {
    let app = staff_app().await;
    let facilitator = app.facilitator().await;
    let (secret, _, _) = set_up(&app, &facilitator).await;
    let (location, pending) = password_step(&app, &facilitator).await;
    assert!(location.starts_with("/login/two-factor?"), "{location}");
    let page = send(&app, &location, Some(&pending), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(">Code<"));
    assert!(!page.body.contains(&secret), "the secret is never shown after set-up");
    let wrong = send(&app, "/login/two-factor", Some(&pending), Some(&[("code", "000000")])).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.cookie("sluss_session").is_none());
    let right = send(
        &app,
        "/login/two-factor",
        Some(&pending),
        Some(&[("code", &code_of(&secret, 30)), ("next", "/challenges")]),
    )
    .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    assert_eq!(right.location, "/challenges");
    let session = right.cookie("sluss_session").unwrap();
    app.get("/me", Some(&session)).await.expect(200);
    // The held sign-in is used up.
    let again = send(&app, "/login/two-factor", Some(&pending), None).await;
    assert!(again.location.starts_with("/login"), "{}", again.location);
}

#[tokio::test]
async fn a_recovery_code_works_once_in_place_of_a_code() {
    let app = staff_app().await;
    let facilitator = app.facilitator().await;
    let (_, codes, _) = set_up(&app, &facilitator).await;
    api_login(&app, &facilitator, Some(&codes[3])).await.expect(200);
    api_login(&app, &facilitator, Some(&codes[3])).await.expect_problem(401);
    // Written in small letters without dashes, another still works.
    let typed = codes[4].replace('-', "").to_lowercase();
    api_login(&app, &facilitator, Some(&typed)).await.expect(200);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM recovery_codes WHERE used_at IS NULL")
            .await,
        8
    );
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_failed_logins() {
    let app = staff_app().await;
    let facilitator = app.facilitator().await;
    let (secret, _, _) = set_up(&app, &facilitator).await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(api_login(&app, &facilitator, Some("000000")).await.code());
    }
    assert!(statuses[..9].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[9], 429, "{statuses:?}");
    // Even the right code waits now.
    let reply = api_login(&app, &facilitator, Some(&code_of(&secret, 30))).await;
    assert_eq!(reply.code(), 429);
    assert!(reply.header("retry-after").is_some());
}

#[tokio::test]
async fn a_person_may_turn_two_factor_on_in_settings_and_then_needs_the_code() {
    let app = spawn_app().await;
    let innovator = app.innovator().await;
    let (_, settings) = app.page("/me/settings", Some(&innovator), "en").await;
    assert!(settings.contains("href=\"/me/two-factor\""), "{settings}");
    let (status, page) = app.page("/me/two-factor", Some(&innovator), "en").await;
    assert_eq!(status, StatusCode::OK);
    let secret = between(&page, "id=\"totp-secret\"").to_owned();
    let wrong = app.form("/me/two-factor", &innovator, &[("code", "999999")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let done = app
        .form("/me/two-factor", &innovator, &[("code", &code_of(&secret, 0))])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("id=\"recovery-codes\""));
    // Required for them from now on, though the flag is off.
    api_login(&app, &innovator, None).await.expect_problem(401);
    api_login(&app, &innovator, Some(&code_of(&secret, 30)))
        .await
        .expect(200);
    let (_, settings) = app.page("/me/settings", Some(&innovator), "en").await;
    assert!(!settings.contains(&secret));
    assert!(!settings.contains("href=\"/me/two-factor\""));
}

#[tokio::test]
async fn a_facilitator_clears_anothers_lost_app_and_it_is_recorded() {
    let app = staff_app().await;
    let facilitator = app.facilitator().await;
    let colleague = app.facilitator().await;
    set_up(&app, &colleague).await;
    api_login(&app, &colleague, None).await.expect_problem(401);
    let cleared = app
        .form(
            &format!("/admin/users/{}/clear-two-factor", colleague.id),
            &facilitator,
            &[],
        )
        .await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER, "{}", cleared.body);
    // They must set an app up again.
    api_login(&app, &colleague, None).await.expect_problem(403);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM events WHERE subject_type = 'user' AND command = 'clear_two_factor'")
            .await,
        1
    );
    // Only facilitators clear: to others the admin pages do not exist.
    let innovator = app.innovator().await;
    let refused = app
        .form(
            &format!("/admin/users/{}/clear-two-factor", colleague.id),
            &innovator,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}
