//! Webhooks (SPEC §11.3): registration and its refusals, and delivery to a real HTTP
//! receiver on 127.0.0.1 that checks every signature with the hook's secret.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use poem::http::{Method, StatusCode};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{Request, Response};
use serde_json::{Value, json};
use sha2::Sha256;

use sluss_api::webhook_worker::{Sender, deliver_due};
use sluss_domain::Role;

use crate::helpers::*;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    event_id: String,
    signature: String,
    body: Value,
    /// Whether `Sluss-Signature` is the HMAC of `"<t>.<body>"` with the secret.
    verified: bool,
}

#[derive(Default)]
struct Inbox {
    secret: Option<String>,
    got: Vec<Received>,
    /// The statuses to answer with, in turn; 200 once they run out.
    answers: VecDeque<u16>,
    /// While set, each answer waits for a permit of this gate (see [`Receiver::hold`]).
    gate: Option<Arc<tokio::sync::Semaphore>>,
}

/// A small HTTP server that records what it is sent and answers as told; a request whose
/// signature does not verify is answered 401.
#[derive(Clone)]
struct Receiver {
    url: String,
    inbox: Arc<Mutex<Inbox>>,
}

impl Receiver {
    async fn start() -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().map(|a| a.port()))
            .expect("a local address");
        let inbox: Arc<Mutex<Inbox>> = Arc::default();
        let shared = Arc::clone(&inbox);
        let endpoint = poem::endpoint::make(move |request: Request| {
            let inbox = Arc::clone(&shared);
            async move { receive(request, inbox).await }
        });
        tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(endpoint).await;
        });
        Self {
            url: format!("http://127.0.0.1:{port}/hooks/sluss"),
            inbox,
        }
    }

    fn trust(&self, secret: &str) {
        self.inbox.lock().expect("inbox").secret = Some(secret.to_owned());
    }

    fn answer(&self, statuses: &[u16]) {
        self.inbox.lock().expect("inbox").answers.extend(statuses);
    }

    fn got(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").got.clone()
    }

    /// Holds every answer, each request recorded on arrival, until [`Receiver::release`]:
    /// a receiver as slow as one likes.
    fn hold(&self) {
        self.inbox.lock().expect("inbox").gate = Some(Arc::new(tokio::sync::Semaphore::new(0)));
    }

    /// Lets every held and later answer go.
    fn release(&self) {
        if let Some(gate) = self.inbox.lock().expect("inbox").gate.take() {
            gate.add_permits(tokio::sync::Semaphore::MAX_PERMITS / 2);
        }
    }

    /// The `type`s received about `subject`, in order of arrival.
    fn types_about(&self, subject: &str) -> Vec<String> {
        self.got()
            .iter()
            .filter(|r| r.body["subject"]["id"] == json!(subject))
            .map(|r| r.body["type"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

fn signs(secret: &str, signature: &str, body: &str) -> bool {
    let Some((t, v1)) = signature.strip_prefix("t=").and_then(|rest| rest.split_once(",v1=")) else {
        return false;
    };
    let Ok(expected) = hex::decode(v1) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    mac.verify_slice(&expected).is_ok()
}

async fn receive(request: Request, inbox: Arc<Mutex<Inbox>>) -> Response {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (event_id, signature) = (header("sluss-event-id"), header("sluss-signature"));
    let json_type = header("content-type") == "application/json";
    let text = request.into_body().into_string().await.unwrap_or_default();
    let (status, gate) = {
        let mut inbox = inbox.lock().expect("inbox");
        let verified = json_type
            && inbox
                .secret
                .as_deref()
                .is_some_and(|secret| signs(secret, &signature, &text));
        inbox.got.push(Received {
            event_id,
            signature,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            verified,
        });
        let status = if verified {
            inbox.answers.pop_front().unwrap_or(200)
        } else {
            401
        };
        (status, inbox.gate.clone())
    };
    if let Some(gate) = gate {
        let _permit = gate.acquire().await;
    }
    Response::builder()
        .status(StatusCode::from_u16(status).expect("a status"))
        .finish()
}

/// Registers a hook for `events` at the receiver, which trusts its secret; the hook's id.
async fn register(app: &TestApp, facilitator: &TestUser, receiver: &Receiver, events: Value) -> String {
    let created = app
        .post(
            "/webhooks",
            Some(&facilitator.token),
            json!({ "url": receiver.url, "events": events }),
        )
        .await
        .expect(201);
    receiver.trust(created.str("secret"));
    created.id()
}

/// Sends every due delivery, round after round, as of `now`, until none is due.
async fn deliver_all(app: &TestApp, now: DateTime<Utc>) {
    let sender = Sender::new(app.state.http.webhooks).expect("a client");
    for _ in 0..100 {
        if deliver_due(&app.state, &sender, now).await.expect("a round") == 0 {
            return;
        }
    }
    panic!("deliveries still due after 100 rounds");
}

/// The deliveries of a hook, oldest first.
async fn deliveries(app: &TestApp, facilitator: &TestUser, hook: &str) -> Vec<Value> {
    let page = app
        .get(
            &format!("/webhooks/{hook}/deliveries?limit=200"),
            Some(&facilitator.token),
        )
        .await
        .expect(200);
    let mut items = page.body["items"].as_array().expect("items").clone();
    items.reverse();
    items
}

/// The commands of a history as event types of `subject`.
async fn history_types(app: &TestApp, facilitator: &TestUser, subject: &str, id: &str) -> Vec<String> {
    app.get(&format!("/{subject}s/{id}/history"), Some(&facilitator.token))
        .await
        .expect(200)
        .commands()
        .into_iter()
        .map(|command| format!("{subject}.{command}"))
        .collect()
}

#[tokio::test]
async fn every_event_of_a_challenge_and_an_idea_arrives_signed_in_order_with_the_facilitators_view() {
    let app = spawn_app_allowing_private_hooks().await;
    let receiver = Receiver::start().await;
    let facilitator = app.facilitator().await;
    let hook = register(&app, &facilitator, &receiver, json!([])).await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let assessor = app.assessor().await;

    let challenge = app.draft_challenge(&owner).await;
    app.patch(
        &format!("/challenges/{challenge}"),
        Some(&owner.token),
        json!({ "title": "Bins that fill too soon" }),
    )
    .await
    .expect(200);
    app.challenge_command(&challenge, "submit", &owner.token, json!({}))
        .await;
    app.challenge_command(&challenge, "publish", &facilitator.token, json!({}))
        .await;
    let idea = app.submitted_idea(&innovator, &challenge, "Sensors in the bins").await;
    app.post(
        &format!("/ideas/{idea}/assignments"),
        Some(&facilitator.token),
        json!({ "assessor_id": assessor.id }),
    )
    .await
    .expect(201);
    app.post(
        &format!("/ideas/{idea}/start-assessment"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    app.challenge_command(&challenge, "close", &facilitator.token, json!({}))
        .await;
    deliver_all(&app, Utc::now()).await;

    let challenge_history = history_types(&app, &facilitator, "challenge", &challenge).await;
    let idea_history = history_types(&app, &facilitator, "idea", &idea).await;
    assert_eq!(
        challenge_history,
        [
            "challenge.create",
            "challenge.edit",
            "challenge.submit",
            "challenge.publish",
            "challenge.close"
        ]
    );
    assert_eq!(
        idea_history,
        ["idea.create", "idea.submit", "idea.assign", "idea.start_assessment"]
    );
    assert_eq!(receiver.types_about(&challenge), challenge_history);
    assert_eq!(receiver.types_about(&idea), idea_history);
    let got = receiver.got();
    assert_eq!(got.len(), challenge_history.len() + idea_history.len());
    for received in &got {
        assert!(received.verified, "signature {} does not verify", received.signature);
        assert_eq!(json!(received.event_id), received.body["id"]);
        let occurred = received.body["occurred_at"].as_str().expect("occurred_at");
        assert!(DateTime::parse_from_rfc3339(occurred).is_ok(), "{occurred}");
    }
    let mut ids: Vec<&str> = got.iter().map(|r| r.event_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "event ids repeat");

    // `data` is the resource as it was at the event, as a facilitator's GET shows it.
    let about_challenge: Vec<&Received> = got
        .iter()
        .filter(|r| r.body["subject"]["id"] == json!(challenge))
        .collect();
    assert_eq!(
        about_challenge[0].body["subject"],
        json!({ "type": "challenge", "id": challenge })
    );
    assert_eq!(about_challenge[0].body["data"]["state"], "draft");
    assert_eq!(about_challenge[2].body["data"]["state"], "submitted");
    let now = app
        .get(&format!("/challenges/{challenge}"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(about_challenge[4].body["data"], now.body);
    let idea_now = app
        .get(&format!("/ideas/{idea}"), Some(&facilitator.token))
        .await
        .expect(200);
    let last_idea_event = got
        .iter()
        .rev()
        .find(|r| r.body["subject"]["id"] == json!(idea))
        .expect("an idea event");
    assert_eq!(last_idea_event.body["data"], idea_now.body);
    assert_eq!(last_idea_event.body["data"]["innovator_id"], json!(innovator.id));

    let log = deliveries(&app, &facilitator, &hook).await;
    assert_eq!(log.len(), got.len());
    for delivery in &log {
        assert_eq!(delivery["state"], "delivered", "{delivery}");
        assert_eq!(delivery["attempts"].as_array().map(Vec::len), Some(1), "{delivery}");
        assert_eq!(delivery["attempts"][0]["status"], 200, "{delivery}");
    }
}

#[tokio::test]
async fn a_hook_receives_only_the_events_it_names() {
    let app = spawn_app_allowing_private_hooks().await;
    let (publishes, submits) = (Receiver::start().await, Receiver::start().await);
    let facilitator = app.facilitator().await;
    register(&app, &facilitator, &publishes, json!(["challenge.publish", "decide"])).await;
    register(&app, &facilitator, &submits, json!(["submit"])).await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;

    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app.submitted_idea(&innovator, &challenge, "Sensors in the bins").await;
    deliver_all(&app, Utc::now()).await;

    let types = |r: &Receiver| -> Vec<String> {
        r.got()
            .iter()
            .map(|g| g.body["type"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(types(&publishes), ["challenge.publish"]);
    assert_eq!(types(&submits), ["challenge.submit", "idea.submit"]);
    assert_eq!(submits.types_about(&idea), ["idea.submit"]);
}

#[tokio::test]
async fn a_receiver_that_fails_is_tried_again_and_later_events_of_the_subject_wait_for_it() {
    let app = spawn_app_allowing_private_hooks().await;
    let receiver = Receiver::start().await;
    let facilitator = app.facilitator().await;
    let hook = register(&app, &facilitator, &receiver, json!([])).await;
    receiver.answer(&[500]);
    let owner = app.needs_owner().await;
    let challenge = app.submitted_challenge(&owner).await;
    let now = Utc::now();

    deliver_all(&app, now).await;
    assert_eq!(receiver.types_about(&challenge), ["challenge.create"]);
    let log = deliveries(&app, &facilitator, &hook).await;
    assert_eq!(log[0]["state"], "pending");
    assert_eq!(log[0]["attempts"][0]["status"], 500);
    assert!(log[0]["next_attempt_at"].is_string(), "{}", log[0]);
    assert_eq!(log[1]["state"], "pending");
    assert_eq!(log[1]["attempts"], json!([]), "the submit waits behind the create");

    deliver_all(&app, now + Duration::minutes(1)).await;
    assert_eq!(
        receiver.types_about(&challenge),
        ["challenge.create", "challenge.create", "challenge.submit"]
    );
    let got = receiver.got();
    assert_eq!(got[0].event_id, got[1].event_id, "a retry is the same event");
    assert_eq!(got[0].body, got[1].body);
    let log = deliveries(&app, &facilitator, &hook).await;
    assert_eq!(log[0]["state"], "delivered");
    let statuses: Vec<&Value> = log[0]["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert_eq!(statuses, [&json!(500), &json!(200)]);
    assert!(log[0]["attempts"][0]["at"].as_str() < log[0]["attempts"][1]["at"].as_str());
    assert!(log[0]["finished_at"].is_string());
    assert_eq!(log[1]["state"], "delivered");
}

#[tokio::test]
async fn a_delivery_without_a_2xx_for_24_hours_fails_and_the_next_one_of_its_subject_goes_out() {
    let app = spawn_app_allowing_private_hooks().await;
    let receiver = Receiver::start().await;
    let facilitator = app.facilitator().await;
    let hook = register(&app, &facilitator, &receiver, json!([])).await;
    receiver.answer(&[503, 502]);
    let owner = app.needs_owner().await;
    let challenge = app.submitted_challenge(&owner).await;
    let now = Utc::now();

    deliver_all(&app, now).await;
    deliver_all(&app, now + Duration::hours(25)).await;

    assert_eq!(
        receiver.types_about(&challenge),
        ["challenge.create", "challenge.create", "challenge.submit"]
    );
    let log = deliveries(&app, &facilitator, &hook).await;
    assert_eq!(log[0]["state"], "failed");
    assert_eq!(log[0]["attempts"].as_array().map(Vec::len), Some(2));
    assert!(log[0].get("next_attempt_at").is_none_or(Value::is_null), "{}", log[0]);
    assert_eq!(log[1]["state"], "delivered");
}

#[tokio::test]
async fn a_host_that_leads_to_a_private_address_at_delivery_is_not_sent_to() {
    // Registered while the name led elsewhere (DNS rebinding): written straight to the
    // database, as the API would refuse it now.
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let facilitator = app.facilitator().await;
    let port = receiver.url.rsplit(':').next().expect("a port").to_owned();
    for url in [format!("http://localhost:{port}"), receiver.url.clone()] {
        sluss_api::persistence::webhooks::insert(
            &app.state.db,
            sluss_api::persistence::entities::webhooks::Model {
                id: uuid::Uuid::now_v7(),
                url,
                events: String::new(),
                secret: "whsec_rebound".to_owned(),
                created_by: facilitator.id.parse().expect("a uuid"),
                created_at: Utc::now(),
            },
        )
        .await
        .expect("a hook");
    }
    let owner = app.needs_owner().await;
    app.draft_challenge(&owner).await;

    deliver_all(&app, Utc::now()).await;

    assert!(
        receiver.got().is_empty(),
        "sent to a loopback address: {:?}",
        receiver.got()
    );
    let hooks = app.get("/webhooks", Some(&facilitator.token)).await.expect(200);
    for hook in hooks.body["items"].as_array().expect("items") {
        let log = deliveries(&app, &facilitator, hook["id"].as_str().expect("an id")).await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0]["state"], "pending");
        let attempt = &log[0]["attempts"][0];
        assert!(attempt["status"].is_null(), "{attempt}");
        let error = attempt["error"].as_str().expect("an error");
        assert!(error.contains("loopback"), "{error}");
    }
}

#[tokio::test]
async fn private_addresses_are_refused_with_422_unless_the_server_allows_them() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    for url in [
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://[fd00::5]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ] {
        let refused = app
            .post(
                "/webhooks",
                Some(&facilitator.token),
                json!({ "url": url, "events": [] }),
            )
            .await
            .expect_problem(422);
        assert_eq!(refused.fields(), ["url"], "{url}: {}", refused.text);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM webhooks").await, 0);

    let allowing = spawn_app_allowing_private_hooks().await;
    let facilitator = allowing.facilitator().await;
    let created = allowing
        .post(
            "/webhooks",
            Some(&facilitator.token),
            json!({ "url": "http://127.0.0.1:9000/hook" }),
        )
        .await
        .expect(201);
    assert_eq!(created.body["events"], json!([]));
    assert!(created.str("secret").len() >= 40);
    let refused = allowing
        .post(
            "/webhooks",
            Some(&facilitator.token),
            json!({ "url": "http://0.0.0.0/hook" }),
        )
        .await
        .expect_problem(422);
    assert_eq!(refused.fields(), ["url"]);
}

#[tokio::test]
async fn invalid_registrations_are_422_problems_and_store_nothing() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    for (body, fields) in [
        (json!({ "url": "not a url" }), vec!["url"]),
        (json!({ "url": "ftp://93.184.216.34/in" }), vec!["url"]),
        (json!({ "url": "file:///etc/passwd" }), vec!["url"]),
        (json!({ "url": "https://user:secret@93.184.216.34/in" }), vec!["url"]),
        (json!({}), vec!["url"]),
        (
            json!({ "url": "http://93.184.216.34/in", "events": ["idea.explode"] }),
            vec!["events"],
        ),
        (
            json!({ "url": "http://93.184.216.34/in", "events": ["arena.open", "submit"] }),
            vec!["events"],
        ),
        (
            json!({ "url": "gopher://x", "events": ["nothing"] }),
            vec!["url", "events"],
        ),
        (
            json!({ "url": format!("https://93.184.216.34/{}", "a".repeat(2_000)) }),
            vec!["url"],
        ),
    ] {
        let refused = app
            .post("/webhooks", Some(&facilitator.token), body.clone())
            .await
            .expect_problem(422);
        assert_eq!(refused.fields(), fields, "{body}: {}", refused.text);
    }
    for body in [
        json!({ "url": 42 }),
        json!({ "url": "http://93.184.216.34/", "events": [1] }),
    ] {
        app.post("/webhooks", Some(&facilitator.token), body)
            .await
            .expect_problem(400);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM webhooks").await, 0);
    let listed = app.get("/webhooks", Some(&facilitator.token)).await.expect(200);
    assert_eq!(listed.body["items"], json!([]));
}

#[tokio::test]
async fn the_secret_is_shown_once_and_the_list_names_the_events() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let created = app
        .post(
            "/webhooks",
            Some(&facilitator.token),
            json!({ "url": "https://93.184.216.34/in", "events": ["idea.submit", " publish ", "idea.submit"] }),
        )
        .await
        .expect(201);
    assert!(created.str("secret").starts_with("whsec_"));
    assert_eq!(created.body["events"], json!(["idea.submit", "publish"]));
    assert_eq!(created.body["created_by"], json!(facilitator.id));

    let listed = app.get("/webhooks", Some(&facilitator.token)).await.expect(200);
    let items = listed.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], created.body["id"]);
    assert_eq!(items[0]["url"], "https://93.184.216.34/in");
    assert!(items[0].get("secret").is_none(), "{}", listed.text);
    assert!(!listed.text.contains(created.str("secret")));
}

#[tokio::test]
async fn a_refused_command_leaves_no_delivery() {
    let app = spawn_app_allowing_private_hooks().await;
    let receiver = Receiver::start().await;
    let facilitator = app.facilitator().await;
    register(&app, &facilitator, &receiver, json!([])).await;
    let owner = app.needs_owner().await;
    let challenge = app.draft_challenge(&owner).await;
    let before = app.count("SELECT COUNT(*) AS n FROM webhook_deliveries").await;
    assert_eq!(before, 1);

    app.post(
        &format!("/challenges/{challenge}/publish"),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect_problem(409);
    app.post(
        &format!("/challenges/{challenge}/submit"),
        Some(&app.needs_owner().await.token),
        json!({}),
    )
    .await
    .expect_problem(404);
    app.patch(
        &format!("/challenges/{challenge}"),
        Some(&owner.token),
        json!({ "title": "" }),
    )
    .await
    .expect_problem(422);

    assert_eq!(app.count("SELECT COUNT(*) AS n FROM webhook_deliveries").await, before);
    deliver_all(&app, Utc::now()).await;
    assert_eq!(receiver.types_about(&challenge), ["challenge.create"]);
}

#[tokio::test]
async fn a_deleted_hook_is_sent_nothing_more() {
    let app = spawn_app_allowing_private_hooks().await;
    let receiver = Receiver::start().await;
    let facilitator = app.facilitator().await;
    let hook = register(&app, &facilitator, &receiver, json!([])).await;
    let owner = app.needs_owner().await;
    app.draft_challenge(&owner).await;

    app.call(
        Method::DELETE,
        &format!("/webhooks/{hook}"),
        Some(&facilitator.token),
        None,
    )
    .await
    .expect(204);
    deliver_all(&app, Utc::now()).await;

    assert!(receiver.got().is_empty());
    app.get(&format!("/webhooks/{hook}/deliveries"), Some(&facilitator.token))
        .await
        .expect_problem(404);
    app.call(
        Method::DELETE,
        &format!("/webhooks/{hook}"),
        Some(&facilitator.token),
        None,
    )
    .await
    .expect_problem(404);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM webhook_deliveries").await, 0);
}

#[tokio::test]
async fn only_facilitators_manage_webhooks() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let body = json!({ "url": "https://93.184.216.34/in" });
    let hook = app
        .post("/webhooks", Some(&facilitator.token), body.clone())
        .await
        .expect(201)
        .id();
    let everyone_else = app.user(&[Role::NeedsOwner, Role::Innovator, Role::Assessor]).await;
    for (method, path) in [
        (Method::GET, "/webhooks".to_owned()),
        (Method::POST, "/webhooks".to_owned()),
        (Method::DELETE, format!("/webhooks/{hook}")),
        (Method::GET, format!("/webhooks/{hook}/deliveries")),
    ] {
        let with_body = (method == Method::POST).then(|| body.clone());
        app.call(method.clone(), &path, None, with_body.clone())
            .await
            .expect_problem(401);
        app.call(method, &path, Some(&everyone_else.token), with_body)
            .await
            .expect_problem(403);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM webhooks").await, 1);
}

#[tokio::test]
async fn an_erased_person_is_gone_from_the_deliveries_not_yet_sent() {
    let app = spawn_app_allowing_private_hooks().await;
    let receiver = Receiver::start().await;
    let facilitator = app.facilitator().await;
    register(&app, &facilitator, &receiver, json!([])).await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let anna = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app
        .post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({ "title": "Sensors", "team": [{ "name": "Anna Andersson", "email": anna.email }] }),
        )
        .await
        .expect(201)
        .id();
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE body LIKE '%{}%'",
            anna.email
        ))
        .await;
    assert_eq!(stored, 1, "the idea's creation names her before the erasure");

    app.post(
        &format!("/users/{}/erase", anna.id),
        Some(&facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    deliver_all(&app, Utc::now()).await;

    let about_idea: Vec<Received> = receiver
        .got()
        .into_iter()
        .filter(|r| r.body["subject"]["id"] == json!(idea))
        .collect();
    assert_eq!(about_idea.len(), 1);
    assert!(about_idea[0].verified);
    let sent = about_idea[0].body.to_string();
    assert!(
        !sent.contains(&anna.email) && !sent.contains("Anna Andersson"),
        "{sent}"
    );
}

/// Waits until `done` holds, checking every 20 ms; panics after a minute (the guard of a
/// test that would otherwise hang, not a measure of speed).
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..3_000 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("still not so after a minute: {what}");
}

#[tokio::test]
async fn a_receiver_that_keeps_the_worker_waiting_does_not_hold_up_another_hook() {
    // Arrange: two hooks for every event; one receiver holds its answers
    let app = spawn_app_allowing_private_hooks().await;
    let facilitator = app.facilitator().await;
    let slow = Receiver::start().await;
    let fast = Receiver::start().await;
    let slow_hook = register(&app, &facilitator, &slow, json!([])).await;
    register(&app, &facilitator, &fast, json!([])).await;
    slow.hold();
    let owner = app.needs_owner().await;
    let challenge = app.draft_challenge(&owner).await;
    for n in 1..=5 {
        app.patch(
            &format!("/challenges/{challenge}"),
            Some(&owner.token),
            json!({ "title": format!("Bins, take {n}") }),
        )
        .await
        .expect(200);
    }

    // Act: the worker runs while the slow receiver holds the first delivery
    let worker = sluss_api::webhook_worker::start(app.state.clone());
    eventually("the fast receiver has the six events", || fast.got().len() == 6).await;

    // Assert: the fast hook got all six in order while the slow one's first is still
    // waiting for its answer: sent, and no attempt of that hook recorded (neither an
    // answer nor a time-out)
    let got = slow.got().len();
    assert_eq!(got, 1, "the slow receiver was sent {got} while the fast one got all");
    let attempted: Vec<Value> = deliveries(&app, &facilitator, &slow_hook)
        .await
        .into_iter()
        .flat_map(|delivery| delivery["attempts"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(attempted, Vec::<Value>::new());
    let edits = vec!["challenge.edit"; 5];
    let expected: Vec<String> = std::iter::once("challenge.create")
        .chain(edits)
        .map(str::to_owned)
        .collect();
    assert_eq!(fast.types_about(&challenge), expected);

    // ...and once it answers, the slow one gets the rest in order
    slow.release();
    eventually("the slow receiver has the six events", || slow.got().len() == 6).await;
    assert_eq!(slow.types_about(&challenge), expected);
    worker.stop().await;
}

#[tokio::test]
async fn ipv6_addresses_that_lead_inside_or_nowhere_are_refused_with_422() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;

    // Act: register hooks at IPv6 forms of internal IPv4, transition and set-aside ranges
    let mut accepted = Vec::new();
    for url in [
        "http://[::ffff:10.0.0.1]/hook",
        "http://[::ffff:0:127.0.0.1]/hook",
        "http://[64:ff9b::a9fe:a9fe]/hook",
        "http://[64:ff9b:1::a00:1]/hook",
        "http://[2002:7f00:1::1]/hook",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
        "http://[fec0::1]/hook",
        "http://[100::1]/hook",
        "http://[::10.0.0.1]/hook",
        "http://[::]/hook",
    ] {
        let reply = app
            .post(
                "/webhooks",
                Some(&facilitator.token),
                json!({ "url": url, "events": [] }),
            )
            .await;
        if reply.code() != 422 {
            accepted.push(format!("{url}: {}", reply.code()));
            continue;
        }
        assert_eq!(reply.expect_problem(422).fields(), ["url"], "{url}");
    }

    // Assert
    assert_eq!(accepted, Vec::<String>::new());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM webhooks").await, 0);
}
