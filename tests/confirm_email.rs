//! Registration confirms the address when sluss sends e-mail (SPEC §7, §19): a new and a
//! taken address both answer 202 and get an e-mail, an unconfirmed account cannot log in,
//! only the registration whose link is followed counts, and the web pages carry `next=`
//! through the link.

use chrono::{Duration, Utc};
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;
use serde_json::{Value, json};
use sluss_api::persistence::entities::email_confirmations;
use sluss_api::persistence::mail::{ALREADY_REGISTERED, CONFIRM_EMAIL};

use crate::helpers::*;
use crate::mail::anonymous_form;

const OTHER_PASSWORD: &str = "another passphrase for the locks";

fn registration(email: &str, password: &str, name: &str) -> Value {
    json!({ "email": email, "password": password, "display_name": name, "roles": ["innovator"] })
}

/// The token of the newest confirmation link queued for `id`.
async fn confirmation_token(app: &TestApp, id: &str) -> String {
    app.mail_to(id)
        .await
        .into_iter()
        .rev()
        .find(|row| row.letter.as_deref() == Some(CONFIRM_EMAIL))
        .and_then(|row| row.reset_token)
        .unwrap_or_else(|| panic!("no confirmation link queued for {id}"))
}

async fn login(app: &TestApp, email: &str, password: &str) -> Reply {
    app.post("/auth/login", None, json!({ "email": email, "password": password }))
        .await
}

#[tokio::test]
async fn a_new_address_answers_202_and_its_account_logs_in_once_confirmed() {
    let app = spawn_app_with_mail().await;
    let reply = app
        .post("/auth/register", None, registration("ida@example.org", PASSWORD, "Ida"))
        .await
        .expect(202);
    assert!(reply.body.is_null() || reply.text.is_empty(), "{}", reply.text);
    let id = app.id_of_email("ida@example.org").await;
    let refused = login(&app, "ida@example.org", PASSWORD).await.expect_problem(401);
    assert!(refused.text.contains("confirm your e-mail address"), "{}", refused.text);
    // A wrong password says nothing about the account.
    let wrong = login(&app, "ida@example.org", OTHER_PASSWORD).await.expect_problem(401);
    assert!(wrong.text.contains("wrong e-mail or password"), "{}", wrong.text);

    let token = confirmation_token(&app, &id).await;
    let confirmed = app
        .post("/auth/confirm-email", None, json!({ "token": token }))
        .await
        .expect(200);
    assert_eq!(confirmed.str("id"), id);
    assert_eq!(confirmed.str("display_name"), "Ida");
    login(&app, "ida@example.org", PASSWORD).await.expect(200);
    // Once only.
    let again = app
        .post("/auth/confirm-email", None, json!({ "token": token }))
        .await
        .expect_problem(422);
    assert_eq!(again.fields(), vec!["token"]);
}

#[tokio::test]
async fn a_taken_address_answers_the_same_and_its_owner_is_told() {
    let app = spawn_app_with_mail().await;
    let owner = app.innovator().await;
    let before = app.count("SELECT COUNT(*) AS n FROM users").await;
    let reply = app
        .post(
            "/auth/register",
            None,
            registration(&owner.email, OTHER_PASSWORD, "Mallory"),
        )
        .await
        .expect(202);
    assert!(reply.text.is_empty(), "{}", reply.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, before);
    let mail = app.mail_to(&owner.id).await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].letter.as_deref(), Some(ALREADY_REGISTERED));
    assert!(mail[0].reset_token.is_none());
    // Nothing about the account changed.
    login(&app, &owner.email, PASSWORD).await.expect(200);
    login(&app, &owner.email, OTHER_PASSWORD).await.expect_problem(401);
}

#[tokio::test]
async fn only_the_registration_whose_link_is_followed_counts() {
    let app = spawn_app_with_mail().await;
    // Someone registers a stranger's address first; the owner registers after.
    app.post(
        "/auth/register",
        None,
        registration("ida@example.org", OTHER_PASSWORD, "Mallory"),
    )
    .await
    .expect(202);
    let id = app.id_of_email("ida@example.org").await;
    let first = confirmation_token(&app, &id).await;
    app.post("/auth/register", None, registration("ida@example.org", PASSWORD, "Ida"))
        .await
        .expect(202);
    let second = confirmation_token(&app, &id).await;
    assert_ne!(first, second);
    assert_eq!(app.id_of_email("ida@example.org").await, id, "one account per address");

    // The owner follows their own link: their name and password, and the other link dies.
    let confirmed = app
        .post("/auth/confirm-email", None, json!({ "token": second }))
        .await
        .expect(200);
    assert_eq!(confirmed.str("display_name"), "Ida");
    login(&app, "ida@example.org", PASSWORD).await.expect(200);
    login(&app, "ida@example.org", OTHER_PASSWORD).await.expect_problem(401);
    app.post("/auth/confirm-email", None, json!({ "token": first }))
        .await
        .expect_problem(422);
}

#[tokio::test]
async fn an_expired_or_unknown_link_confirms_nothing() {
    let app = spawn_app_with_mail().await;
    app.post("/auth/register", None, registration("ida@example.org", PASSWORD, "Ida"))
        .await
        .expect(202);
    let id = app.id_of_email("ida@example.org").await;
    let token = confirmation_token(&app, &id).await;
    email_confirmations::Entity::update_many()
        .col_expr(
            email_confirmations::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    for token in [token.as_str(), "made-up-token"] {
        let reply = app
            .post("/auth/confirm-email", None, json!({ "token": token }))
            .await
            .expect_problem(422);
        assert_eq!(reply.fields(), vec!["token"]);
    }
    login(&app, "ida@example.org", PASSWORD).await.expect_problem(401);
}

#[tokio::test]
async fn a_reset_link_confirms_the_address_it_was_sent_to() {
    let app = spawn_app_with_mail().await;
    app.post(
        "/auth/register",
        None,
        registration("ida@example.org", OTHER_PASSWORD, "Mallory"),
    )
    .await
    .expect(202);
    let id = app.id_of_email("ida@example.org").await;
    app.post("/auth/password-reset", None, json!({ "email": "ida@example.org" }))
        .await
        .expect(202);
    let token = app.reset_token_of(&id).await;
    app.post(
        "/auth/password-reset/confirm",
        None,
        json!({ "token": token, "password": PASSWORD }),
    )
    .await
    .expect(204);
    login(&app, "ida@example.org", PASSWORD).await.expect(200);
}

#[tokio::test]
async fn accounts_made_by_a_facilitator_need_no_confirmation() {
    let app = spawn_app_with_mail().await;
    let facilitator = app.facilitator().await;
    app.post(
        "/users",
        Some(&facilitator.token),
        json!({ "email": "bo@example.org", "password": PASSWORD, "display_name": "Bo", "roles": ["assessor"] }),
    )
    .await
    .expect(201);
    login(&app, "bo@example.org", PASSWORD).await.expect(200);
}

#[tokio::test]
async fn without_a_mail_server_registration_answers_201_and_a_taken_address_409() {
    let app = spawn_app().await;
    app.post("/auth/register", None, registration("ida@example.org", PASSWORD, "Ida"))
        .await
        .expect(201);
    login(&app, "ida@example.org", PASSWORD).await.expect(200);
    app.post("/auth/register", None, registration("ida@example.org", PASSWORD, "Ida"))
        .await
        .expect_problem(409);
}

#[tokio::test]
async fn the_web_pages_confirm_by_a_button_and_follow_next() {
    let app = spawn_app_with_mail().await;
    let answer = anonymous_form(
        &app,
        "/register",
        &[
            ("email", "ida@example.org"),
            ("password", PASSWORD),
            ("display_name", "Ida"),
            ("roles", "innovator"),
            ("next", "/challenges?q=sopor"),
        ],
    )
    .await;
    assert_eq!((answer.0, answer.1.as_str()), (303, "/register?sent=1"), "{}", answer.2);
    let (_, sent) = app.page("/register?sent=1", None, "en").await;
    assert!(sent.contains("We have sent an e-mail"), "{sent}");

    let id = app.id_of_email("ida@example.org").await;
    let token = confirmation_token(&app, &id).await;
    // Following the link changes nothing by itself.
    let (status, page) = app.page(&format!("/confirm-email?token={token}"), None, "en").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(">Confirm<") || page.contains("Confirm</button>"),
        "{page}"
    );
    login(&app, "ida@example.org", PASSWORD).await.expect_problem(401);

    let done = anonymous_form(&app, "/confirm-email", &[("token", &token)]).await;
    assert_eq!(done.0, 303, "{}", done.2);
    assert_eq!(done.1, "/login?confirmed=1&next=%2Fchallenges%3Fq%3Dsopor");
    let (_, login_page) = app.page(&done.1, None, "en").await;
    assert!(login_page.contains("Your e-mail address is confirmed"), "{login_page}");
    assert!(
        login_page.contains("name=\"next\" value=\"/challenges?q=sopor\""),
        "{login_page}"
    );
    login(&app, "ida@example.org", PASSWORD).await.expect(200);

    // A used or unknown link offers no button.
    for link in [token.clone(), format!("{token}x")] {
        let (status, page) = app.page(&format!("/confirm-email?token={link}"), None, "en").await;
        assert_eq!(status, 404);
        assert!(
            page.contains("The link cannot be used") && !page.contains("Confirm</button>"),
            "{page}"
        );
    }
    let used = anonymous_form(&app, "/confirm-email", &[("token", &token)]).await;
    assert_eq!(used.0, 404);
    assert!(used.2.contains("The link cannot be used"), "{}", used.2);
}
