//! The app the HTTP target talks to: built once per process by `startup::build_app` on a
//! migrated SQLite database, with one user per role and resources in several states,
//! made through the API itself so they are what a client would have made.

use std::collections::HashMap;

use chrono::Utc;
use poem::endpoint::BoxEndpoint;
use poem::http::{Method, StatusCode, header};
use poem::{Body, Endpoint, Request};
use serde_json::{Value, json};
use sluss_api::auth::new_token;
use sluss_api::passwords::Passwords;
use sluss_api::persistence::{sessions, users};
use sluss_api::startup;
use sluss_api::state::{AppState, AuthSettings};
use sluss_domain::{Role, Roles};
use tokio::runtime::Runtime;
use uuid::Uuid;

/// What an id in a path or body names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Arena,
    Assessor,
    Rubric,
    Support,
    User,
    Idea,
    Challenge,
    Question,
    Assignment,
    Milestone,
}

impl Kind {
    /// The placeholders a body may carry (and, without the `@`, a path's `{segment}`).
    pub const PLACEHOLDERS: [(&'static str, Kind); 10] = [
        ("@arena", Kind::Arena),
        ("@assessor", Kind::Assessor),
        ("@rubric", Kind::Rubric),
        ("@support", Kind::Support),
        ("@user", Kind::User),
        ("@idea", Kind::Idea),
        ("@challenge", Kind::Challenge),
        ("@question", Kind::Question),
        ("@assignment", Kind::Assignment),
        ("@milestone", Kind::Milestone),
    ];
}

/// The users, in the order of the caller byte (after anonymous).
const ROLES: [Role; 5] = [
    Role::Facilitator,
    Role::NeedsOwner,
    Role::Innovator,
    Role::Assessor,
    // The one the fuzzer may log out, deactivate or re-role without losing a caller.
    Role::Innovator,
];

/// The app, its users' tokens and the ids of what they made.
pub struct Fixture {
    pub runtime: Runtime,
    pub app: BoxEndpoint<'static>,
    state: AppState,
    password_hash: String,
    user_ids: Vec<Uuid>,
    tokens: Vec<String>,
    ids: HashMap<Kind, Vec<String>>,
    _dir: tempfile::TempDir,
}

impl Fixture {
    /// Builds the app on a fresh database and fills it.
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"));
        // Memory-backed when possible: the target measures the code, not the disk.
        let dir = tempfile::tempdir_in("/dev/shm")
            .or_else(|_| tempfile::tempdir())
            .unwrap_or_else(|e| panic!("temp dir: {e}"));
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("fuzz.db").display());
        let (state, password_hash) = runtime.block_on(async {
            let db = startup::connect_and_migrate(&url)
                .await
                .unwrap_or_else(|e| panic!("migrate: {e}"));
            let passwords = Passwords::new(1).unwrap_or_else(|e| panic!("passwords: {e}"));
            let hash = passwords
                .hash("lock gates lift ideas slowly".to_owned())
                .await
                .unwrap_or_else(|e| panic!("hash: {e}"));
            (AppState::new(db, passwords, AuthSettings::default()), hash)
        });
        let mut fixture = Self {
            runtime,
            app: startup::build_app(state.clone()),
            state,
            password_hash,
            user_ids: Vec::new(),
            tokens: Vec::new(),
            ids: HashMap::new(),
            _dir: dir,
        };
        fixture.refresh();
        fixture
    }

    /// New users and new resources in every state (the old ones stay in the database).
    pub fn refresh(&mut self) {
        let users = self.runtime.block_on(async {
            let mut users = Vec::new();
            for role in ROLES {
                users.push(self.user(role).await);
            }
            users
        });
        (self.user_ids, self.tokens) = users.into_iter().unzip();
        self.ids = self.runtime.block_on(self.resources());
    }

    /// Signs every user in again (after the fuzzer logged one out).
    pub fn renew_sessions(&mut self) {
        self.tokens = self.runtime.block_on(async {
            let mut tokens = Vec::new();
            for id in &self.user_ids {
                tokens.push(self.session(*id).await);
            }
            tokens
        });
    }

    /// The `Authorization` header for caller byte `caller`, if any.
    pub fn authorization(&self, caller: u8) -> Option<String> {
        match usize::from(caller) % (self.tokens.len() + 4) {
            0 => None,
            n if n <= self.tokens.len() => Some(format!("Bearer {}", self.tokens[n - 1])),
            n if n == self.tokens.len() + 1 => Some("Bearer not-a-token".into()),
            n if n == self.tokens.len() + 2 => Some("Basic dXNlcjpwYXNzd29yZA==".into()),
            _ => Some("Bearer ".into()),
        }
    }

    /// The `n`th fixture id of `kind` (wrapping).
    pub fn id(&self, kind: Kind, n: usize) -> String {
        let ids = &self.ids[&kind];
        ids[n % ids.len()].clone()
    }

    /// The id a path gets for choice byte `choice`.
    pub fn path_id(&self, kind: Kind, choice: u8) -> String {
        match choice % 10 {
            7 => Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001).to_string(),
            8 => "not-a-uuid".into(),
            9 => self.id(
                if kind == Kind::Idea {
                    Kind::Challenge
                } else {
                    Kind::Idea
                },
                0,
            ),
            n => self.id(kind, usize::from(n)),
        }
    }

    async fn session(&self, user_id: Uuid) -> String {
        let (token, hash) = new_token();
        let now = Utc::now();
        sessions::create(&self.state.db, hash, user_id, now, now + chrono::Duration::days(365))
            .await
            .unwrap_or_else(|e| panic!("session: {e}"));
        token
    }

    async fn user(&self, role: Role) -> (Uuid, String) {
        let row = users::insert(
            &self.state.db,
            users::NewUser {
                email: format!("{}@example.org", Uuid::now_v7().simple()),
                display_name: "Fuzz User".into(),
                organisation: Some(format!("Org {}", role.as_str())),
                organisation_id: None,
                roles: Roles::empty().with(role),
                password_hash: self.password_hash.clone(),
                locale: sluss_api::app::accounts::DEFAULT_LOCALE,
            },
            Utc::now(),
        )
        .await
        .unwrap_or_else(|e| panic!("insert user: {e}"));
        let token = self.session(row.id).await;
        (row.id, token)
    }

    /// Sends a setup request and insists on `expected`.
    async fn send(&self, method: Method, path: &str, caller: usize, body: Value, expected: StatusCode) -> Value {
        let request = Request::builder()
            .method(method.clone())
            .uri_str(format!("{}{path}", startup::API_BASE))
            .header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[caller]))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from_json(&body).unwrap_or_else(|e| panic!("body: {e}")));
        let response = self
            .app
            .call(request)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let text = response.into_body().into_string().await.unwrap_or_default();
        assert_eq!(status, expected, "setup {method} {path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn create(&self, path: &str, caller: usize, body: Value) -> String {
        let created = self.send(Method::POST, path, caller, body, StatusCode::CREATED).await;
        created["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id from {path}: {created}"))
            .to_owned()
    }

    async fn command(&self, path: &str, caller: usize, body: Value) {
        self.send(Method::POST, path, caller, body, StatusCode::OK).await;
    }

    /// Arenas, challenges and ideas in several states, with what hangs off them.
    async fn resources(&self) -> HashMap<Kind, Vec<String>> {
        const FAC: usize = 0;
        const OWNER: usize = 1;
        const INNOVATOR: usize = 2;
        const ASSESSOR: usize = 3;
        let arena =
            json!({ "name": "Sege Park housing competition", "kind": "hybrid", "description": "Builders and teams" });
        let planned = self.create("/arenas", FAC, arena.clone()).await;
        let open = self.create("/arenas", FAC, arena).await;
        self.command(&format!("/arenas/{open}/open"), FAC, json!({})).await;

        let challenge = json!({
            "title": "Full bins at the recycling station",
            "summary": "Residents report full bins by QR code.",
            "description": "Bins overflow before the emptying round comes.",
            "location": "Sege Park, Malmö",
            "sdgs": [11, 12]
        });
        let mut challenges = Vec::new();
        for _ in 0..3 {
            challenges.push(self.create("/challenges", OWNER, challenge.clone()).await);
        }
        let [draft, submitted, published] = [0, 1, 2].map(|i| challenges[i].clone());
        self.command(&format!("/challenges/{submitted}/submit"), OWNER, json!({}))
            .await;
        self.command(&format!("/challenges/{published}/submit"), OWNER, json!({}))
            .await;
        self.command(
            &format!("/challenges/{published}/publish"),
            FAC,
            json!({ "arena_id": open }),
        )
        .await;
        let question = self
            .create(
                &format!("/challenges/{published}/questions"),
                INNOVATOR,
                json!({ "text": "Which bins?" }),
            )
            .await;

        let rubric = self
            .create(
                "/rubrics",
                FAC,
                json!({
                    "name": "Quick check",
                    "min_scorecards": 1,
                    "criteria": [
                        { "key": "need_fit", "name": "Need fit", "weight": 2, "scale_min": 1, "scale_max": 5 },
                        { "key": "novelty", "name": "Novelty", "weight": 1, "scale_min": 0, "scale_max": 10 }
                    ]
                }),
            )
            .await;
        let support = self
            .create(
                "/support-organisations",
                FAC,
                json!({ "name": "Minc", "kind": "incubator", "description": "Incubator", "contact_email": "hello@minc.example" }),
            )
            .await;

        let idea = json!({
            "title": "Waste pick-up by cargo bike",
            "summary": "Households without a car book a cargo bike.",
            "description": "A booking page and two electric cargo bikes.",
            "team": [{ "name": "Anna Svensson", "email": "anna@example.org" }],
            "sdgs": [11]
        });
        let mut ideas = Vec::new();
        for _ in 0..5 {
            ideas.push(
                self.create(&format!("/challenges/{published}/ideas"), INNOVATOR, idea.clone())
                    .await,
            );
        }
        for id in &ideas[1..] {
            self.command(&format!("/ideas/{id}/submit"), INNOVATOR, json!({})).await;
        }
        let assessor_id = self.user_ids[ASSESSOR].to_string();
        let mut assignments = Vec::new();
        for id in &ideas[2..] {
            self.command(
                &format!("/ideas/{id}/start-assessment"),
                FAC,
                json!({ "rubric_id": rubric }),
            )
            .await;
            let assignment = self
                .create(
                    &format!("/ideas/{id}/assignments"),
                    FAC,
                    json!({ "assessor_id": assessor_id }),
                )
                .await;
            assignments.push(assignment);
        }
        for id in &ideas[3..] {
            let card = json!({ "scores": { "need_fit": 4, "novelty": 7 }, "comment": "A real need." });
            self.send(
                Method::PUT,
                &format!("/ideas/{id}/scorecard"),
                ASSESSOR,
                card,
                StatusCode::OK,
            )
            .await;
            self.command(
                &format!("/ideas/{id}/decide"),
                FAC,
                json!({ "outcome": "qualified", "feedback": "Test it at the station." }),
            )
            .await;
        }
        let (incubating, testing) = (ideas[3].clone(), ideas[4].clone());
        self.command(
            &format!("/ideas/{incubating}/start-incubation"),
            FAC,
            json!({ "support_organisation_id": support, "plan": "Eight weeks." }),
        )
        .await;
        let milestone = self
            .create(
                &format!("/ideas/{incubating}/incubation/milestones"),
                INNOVATOR,
                json!({ "title": "Booking page live", "due_on": "2025-03-15" }),
            )
            .await;
        self.command(
            &format!("/ideas/{testing}/start-testing"),
            FAC,
            json!({
                "site": "Recycling station", "host": "MKB", "starts_on": "2025-05-01",
                "ends_on": "2025-08-31", "success_criteria": "200 bookings."
            }),
        )
        .await;

        let users = vec![
            self.user_ids[4].to_string(),
            self.user_ids[FAC].to_string(),
            assessor_id.clone(),
        ];
        HashMap::from([
            (Kind::Arena, vec![open, planned]),
            (Kind::Assessor, vec![assessor_id]),
            (Kind::Rubric, vec![rubric]),
            (Kind::Support, vec![support]),
            (Kind::User, users),
            (Kind::Idea, ideas),
            (Kind::Challenge, vec![published, submitted, draft]),
            (Kind::Question, vec![question]),
            (Kind::Assignment, assignments),
            (Kind::Milestone, vec![milestone]),
        ])
    }
}
