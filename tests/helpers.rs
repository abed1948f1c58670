//! `spawn_app`: a fresh database per test (an SQLite file, or a PostgreSQL database when
//! `SLUSS_TEST_POSTGRES_URL` is set), a copy of a template migrated once per test process
//! with the real migrator, and the app built by the same `build_app` that `sluss serve`
//! uses (which runs the migrator again and finds nothing left to do).

use std::sync::{Arc, Once, OnceLock};

use poem::endpoint::BoxEndpoint;
use poem::http::{HeaderMap, Method, StatusCode};
use poem::test::TestClient;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use sluss_api::auth::new_token;
use sluss_api::files::FileStore;
use sluss_api::passwords::Passwords;
use sluss_api::persistence::{sessions, users};
use sluss_api::startup;
use sluss_api::state::{AppState, AuthSettings, HttpSettings, WebhookSettings};
use sluss_domain::{Role, Roles};
use uuid::Uuid;

/// The password every factory-made user has.
pub const PASSWORD: &str = "lock gates lift ideas slowly";

static TRACING: Once = Once::new();

fn init_tracing() {
    TRACING.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let subscriber = sluss_api::telemetry::get_subscriber(
                "debug",
                sluss_api::telemetry::LogFormat::Compact,
                std::io::IsTerminal::is_terminal(&std::io::stdout()),
                std::io::stdout,
            );
            sluss_api::telemetry::init_subscriber(subscriber);
        }
    });
}

/// A database that exists for one test.
pub(crate) enum TestDb {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another app's database, dropped with that app.
    Shared,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            let (admin_url, db_name) = (admin_url.clone(), name.clone());
            // Drop runs outside any runtime we may block; use a thread with its own.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    let admin = Database::connect(admin_url.as_str()).await.ok()?;
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{db_name}\" WITH (FORCE)"))
                        .await
                        .ok()
                })
            })
            .join();
            if !matches!(dropped, Ok(Some(_))) {
                eprintln!("could not drop test database {name}");
            }
        }
    }
}

/// An empty database for one test: a new SQLite file, or a new PostgreSQL database.
pub(crate) async fn fresh_database() -> (String, TestDb) {
    database(None).await
}

/// A database for one test that holds every migration: a copy of a template migrated once
/// per test process. Copying a file, or `CREATE DATABASE … TEMPLATE`, costs a fraction of
/// running every migration again for each of the suite's tests.
pub(crate) async fn migrated_database() -> (String, TestDb) {
    let template = TEMPLATE
        .get_or_init(make_template)
        .await
        .as_ref()
        .unwrap_or_else(|e| panic!("template database: {e}"));
    database(Some(template)).await
}

/// The migrated template of this test process: an SQLite file or a PostgreSQL database.
enum Template {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

static TEMPLATE: tokio::sync::OnceCell<Result<Template, String>> = tokio::sync::OnceCell::const_new();

/// The prefix of the templates' names; each ends in the id of the process that made it.
const TEMPLATE_PREFIX: &str = "sluss_template_";

/// Whether a template's name ends in the id of a process that has ended.
fn of_an_ended_process(name: &str) -> bool {
    name.strip_prefix(TEMPLATE_PREFIX)
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
}

/// Migrates this process's template, first removing those that ended processes left.
async fn make_template() -> Result<Template, String> {
    let name = format!("{TEMPLATE_PREFIX}{}", std::process::id());
    match std::env::var("SLUSS_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let admin = Database::connect(admin_url.as_str()).await.map_err(|e| e.to_string())?;
            let rows = admin
                .query_all_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT datname FROM pg_database WHERE datname LIKE '{TEMPLATE_PREFIX}%'"),
                ))
                .await
                .map_err(|e| e.to_string())?;
            for row in rows {
                let old: String = row.try_get("", "datname").map_err(|e| e.to_string())?;
                if old == name || of_an_ended_process(&old) {
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"))
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .map_err(|e| e.to_string())?;
            let db = startup::connect_and_migrate(&database_url_of(&admin_url, &name))
                .await
                .map_err(|e| e.to_string())?;
            db.close().await.map_err(|e| e.to_string())?;
            admin.close().await.map_err(|e| e.to_string())?;
            Ok(Template::Postgres(name))
        }
        _ => {
            let temp = std::env::temp_dir();
            if let Ok(entries) = std::fs::read_dir(&temp) {
                for entry in entries.flatten() {
                    let old = entry.file_name().to_string_lossy().into_owned();
                    if old.starts_with(TEMPLATE_PREFIX) && (old == name || of_an_ended_process(&old)) {
                        let _ = std::fs::remove_dir_all(entry.path());
                    }
                }
            }
            let dir = temp.join(&name);
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let path = dir.join("sluss.db");
            let db = startup::connect_and_migrate(&format!("sqlite://{}?mode=rwc", path.display()))
                .await
                .map_err(|e| e.to_string())?;
            // Fold the write-ahead log into the file, so that a copy of the file is whole.
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .map_err(|e| e.to_string())?;
            db.close().await.map_err(|e| e.to_string())?;
            Ok(Template::Sqlite(path))
        }
    }
}

/// The URL of the database `name` on the server of `admin_url`.
fn database_url_of(admin_url: &str, name: &str) -> String {
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    format!("{server}/{name}")
}

/// A new database, empty or a copy of `template`.
async fn database(template: Option<&Template>) -> (String, TestDb) {
    match std::env::var("SLUSS_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("sluss_test_{}", Uuid::now_v7().simple());
            let admin = Database::connect(admin_url.as_str())
                .await
                .unwrap_or_else(|e| panic!("cannot reach SLUSS_TEST_POSTGRES_URL: {e}"));
            let from = match template {
                Some(Template::Postgres(template)) => format!(" TEMPLATE \"{template}\""),
                _ => String::new(),
            };
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\"{from}"))
                .await
                .unwrap_or_else(|e| panic!("cannot create test database: {e}"));
            let _ = admin.close().await;
            (database_url_of(&admin_url, &name), TestDb::Postgres { admin_url, name })
        }
        _ => {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
            let path = dir.path().join("sluss.db");
            if let Some(Template::Sqlite(template)) = template {
                std::fs::copy(template, &path).unwrap_or_else(|e| panic!("copy the template: {e}"));
            }
            let url = format!("sqlite://{}?mode=rwc", path.display());
            (url, TestDb::Sqlite(dir))
        }
    }
}

/// A hash of [`PASSWORD`], computed once per test process.
async fn password_hash(passwords: &Passwords) -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return hash.clone();
    }
    let hash = passwords
        .hash(PASSWORD.to_owned())
        .await
        .unwrap_or_else(|e| panic!("hash: {e}"));
    HASH.get_or_init(|| hash).clone()
}

/// An answer of the app.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// The body as text.
    pub text: String,
}

impl Reply {
    /// The status as a number.
    pub fn code(&self) -> u16 {
        self.status.as_u16()
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A string field of the body.
    pub fn str(&self, field: &str) -> &str {
        self.body[field]
            .as_str()
            .unwrap_or_else(|| panic!("no string '{field}' in {}", self.body))
    }

    /// The `id` of the body.
    pub fn id(&self) -> String {
        self.str("id").to_owned()
    }

    /// The fields named by a 422 problem, in order.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors in {}", self.text))
            .iter()
            .map(|error| error["field"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The commands of a history, oldest first.
    pub fn commands(&self) -> Vec<String> {
        self.body
            .as_array()
            .unwrap_or_else(|| panic!("no history in {}", self.text))
            .iter()
            .map(|event| event["command"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Panics unless the status is `expected`, showing the body.
    #[track_caller]
    pub fn expect(self, expected: u16) -> Self {
        assert_eq!(self.code(), expected, "unexpected status; body: {}", self.text);
        self
    }

    /// Panics unless this is a problem document with `status`.
    #[track_caller]
    pub fn expect_problem(self, expected: u16) -> Self {
        let reply = self.expect(expected);
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json"),
            "{}",
            reply.text
        );
        assert_eq!(reply.body["status"], json!(expected), "{}", reply.text);
        for field in ["type", "title", "detail"] {
            assert!(reply.body[field].is_string(), "problem without {field}: {}", reply.text);
        }
        reply
    }
}

/// A signed-in user made by a factory.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// The user's id.
    pub id: String,
    /// The user's e-mail.
    pub email: String,
    /// A valid bearer token.
    pub token: String,
}

/// A running app on a fresh database.
pub struct TestApp {
    /// Drives the route tree in process.
    pub client: TestClient<BoxEndpoint<'static>>,
    /// The shared state (for direct database checks).
    pub state: AppState,
    /// Where the database is.
    pub database_url: String,
    _db: TestDb,
    /// The folder of the app's files, when they are kept on disk.
    _files: Option<Arc<tempfile::TempDir>>,
}

/// The settings with a real file store in place of the default one in memory: the S3
/// store `SLUSS_TEST_STORAGE_URL` names (`s3://bucket?endpoint=…`), under a prefix of this
/// app's own, else a folder of its own on disk.
fn with_test_store(mut http: HttpSettings) -> (HttpSettings, Option<Arc<tempfile::TempDir>>) {
    if http.files.store.place() != "memory" {
        return (http, None);
    }
    match std::env::var("SLUSS_TEST_STORAGE_URL") {
        Ok(url) if !url.is_empty() => {
            let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
            let url = format!("{}/{}?{query}", base.trim_end_matches('/'), Uuid::now_v7().simple());
            http.files.store = FileStore::open(&url).unwrap_or_else(|e| panic!("test store {url}: {e}"));
            (http, None)
        }
        _ => {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
            let url = format!("file://{}", dir.path().display());
            http.files.store = FileStore::open(&url).unwrap_or_else(|e| panic!("test store {url}: {e}"));
            (http, Some(Arc::new(dir)))
        }
    }
}

/// Starts the app on a fresh, migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(AuthSettings::default()).await
}

/// Starts the app with custom authentication limits.
pub async fn spawn_app_with(auth: AuthSettings) -> TestApp {
    spawn_app_configured(auth, HttpSettings::default()).await
}

/// Starts the app with custom authentication limits and HTTP settings.
pub async fn spawn_app_configured(auth: AuthSettings, http: HttpSettings) -> TestApp {
    init_tracing();
    let (database_url, db) = migrated_database().await;
    serve_database(database_url, db, auth, http).await
}

/// An app whose hooks may name a private address, such as a receiver on 127.0.0.1.
pub async fn spawn_app_allowing_private_hooks() -> TestApp {
    let http = HttpSettings {
        webhooks: WebhookSettings { allow_private: true },
        ..HttpSettings::default()
    };
    spawn_app_configured(AuthSettings::default(), http).await
}

/// The app on the database at `database_url`, migrated if need be.
async fn serve_database(database_url: String, db: TestDb, auth: AuthSettings, http: HttpSettings) -> TestApp {
    let conn = startup::connect_and_migrate(&database_url)
        .await
        .unwrap_or_else(|e| panic!("migrate {database_url}: {e}"));
    let passwords = Passwords::new(2).unwrap_or_else(|e| panic!("passwords: {e}"));
    let writes = sluss_api::persistence::WriteQueue::connect(&database_url, &conn)
        .await
        .unwrap_or_else(|e| panic!("writer for {database_url}: {e}"));
    let (http, files) = with_test_store(http);
    let state = AppState::with_writes(conn, writes, passwords, auth, http);
    TestApp {
        client: TestClient::new(startup::build_app(state.clone())),
        state,
        database_url,
        _db: db,
        _files: files,
    }
}

impl TestApp {
    /// Renames challenge `id` with a statement outside every writers' queue, as another
    /// program would: no process counts or announces it, so only `MAX_AGE` ends an answer
    /// kept from before it.
    pub async fn rename_behind_the_caches(&self, id: &str, title: &str) {
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use sluss_api::persistence::entities::challenges;
        challenges::Entity::update_many()
            .col_expr(challenges::Column::Title, Expr::value(title))
            .filter(challenges::Column::Id.eq(id.parse::<Uuid>().unwrap()))
            .exec(&self.state.db)
            .await
            .unwrap();
    }

    /// Writes to tables other than `challenges` through the API, as people do most: a new
    /// idea and a question by `innovator` on the published challenge `id`.
    pub async fn an_idea_and_a_question(&self, id: &str, innovator: &TestUser) {
        self.post(
            &format!("/challenges/{id}/ideas"),
            Some(&innovator.token),
            json!({ "title": "Sensors in the bins" }),
        )
        .await
        .expect(201);
        self.post(
            &format!("/challenges/{id}/questions"),
            Some(&innovator.token),
            json!({ "text": "May the test run in winter?" }),
        )
        .await
        .expect(201);
    }

    /// A second server on this app's database, as another process would be: its own
    /// connections, writers' queue and cache, sharing nothing with this one but the
    /// database. The database is dropped with this app, not with the second.
    pub async fn another_process(&self) -> TestApp {
        serve_database(
            self.database_url.clone(),
            TestDb::Shared,
            self.state.auth.clone(),
            self.state.http.clone(),
        )
        .await
    }
}

impl TestApp {
    /// Sends a request; `body` is sent as JSON when given.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        self.call_with(method, path, token, body, &[]).await
    }

    /// Sends a request with extra headers; `body` is sent as JSON when given.
    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let path = if path.starts_with('/') && !path.starts_with("/api/") && !is_root_path(path) {
            format!("{}{path}", startup::API_BASE)
        } else {
            path.to_owned()
        };
        let mut request = self.client.request(method, path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body_json(&body);
        }
        reply_of(request.send().await.0).await
    }

    /// GET.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// PATCH with a JSON body.
    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    /// A signed-in user with `roles`, made directly in the database (registration and
    /// login themselves are tested in `auth`).
    pub async fn user(&self, roles: &[Role]) -> TestUser {
        self.user_in(roles, None).await
    }

    /// A signed-in user of an organisation.
    pub async fn user_in(&self, roles: &[Role], organisation: Option<&str>) -> TestUser {
        let email = format!("{}@example.org", Uuid::now_v7().simple());
        let now = chrono::Utc::now();
        let row = users::insert(
            &self.state.db,
            users::NewUser {
                email: email.clone(),
                display_name: "Test User".into(),
                organisation: organisation.map(str::to_owned),
                organisation_id: None,
                roles: roles.iter().copied().collect::<Roles>(),
                password_hash: password_hash(&self.state.passwords).await,
                locale: "sv",
            },
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("insert user: {e}"));
        let (token, hash) = new_token();
        sessions::create(&self.state.db, hash, row.id, now, now + chrono::Duration::hours(1))
            .await
            .unwrap_or_else(|e| panic!("session: {e}"));
        TestUser {
            id: row.id.to_string(),
            email,
            token,
        }
    }

    /// A facilitator.
    pub async fn facilitator(&self) -> TestUser {
        self.user(&[Role::Facilitator]).await
    }

    /// A needs-owner.
    pub async fn needs_owner(&self) -> TestUser {
        self.user(&[Role::NeedsOwner]).await
    }

    /// An innovator.
    pub async fn innovator(&self) -> TestUser {
        self.user(&[Role::Innovator]).await
    }

    /// An assessor.
    pub async fn assessor(&self) -> TestUser {
        self.user(&[Role::Assessor]).await
    }

    /// A draft challenge of `owner`, with all content filled in.
    pub async fn draft_challenge(&self, owner: &TestUser) -> String {
        self.post(
            "/challenges",
            Some(&owner.token),
            json!({
                "title": "Full bins at the recycling station",
                "summary": "Residents report full bins by QR code.",
                "description": "Bins overflow before the emptying round comes; residents have no way to say so.",
                "location": "Sege Park, Malmö",
                "sdgs": [11, 12]
            }),
        )
        .await
        .expect(201)
        .id()
    }

    /// Runs a challenge command and expects 200.
    pub async fn challenge_command(&self, id: &str, command: &str, token: &str, body: Value) -> Reply {
        self.post(&format!("/challenges/{id}/{command}"), Some(token), body)
            .await
            .expect(200)
    }

    /// A challenge of `owner`, submitted.
    pub async fn submitted_challenge(&self, owner: &TestUser) -> String {
        let id = self.draft_challenge(owner).await;
        self.challenge_command(&id, "submit", &owner.token, json!({})).await;
        id
    }

    /// A challenge of `owner`, published by `facilitator`.
    pub async fn published_challenge(&self, owner: &TestUser, facilitator: &TestUser) -> String {
        let id = self.submitted_challenge(owner).await;
        self.challenge_command(&id, "publish", &facilitator.token, json!({}))
            .await;
        id
    }

    /// A draft idea of `innovator` on `challenge`, with all content filled in; its id.
    pub async fn draft_idea(&self, innovator: &TestUser, challenge: &str, title: &str) -> String {
        self.post(
            &format!("/challenges/{challenge}/ideas"),
            Some(&innovator.token),
            json!({ "title": title, "summary": "Bins tell when they are full.", "description": "A sensor in each bin." }),
        )
        .await
        .expect(201)
        .id()
    }

    /// An idea of `innovator` on `challenge`, submitted; its id.
    pub async fn submitted_idea(&self, innovator: &TestUser, challenge: &str, title: &str) -> String {
        let id = self.draft_idea(innovator, challenge, title).await;
        self.post(&format!("/ideas/{id}/submit"), Some(&innovator.token), json!({}))
            .await
            .expect(200);
        id
    }

    /// An arena created by `facilitator`, in state `planned`.
    pub async fn planned_arena(&self, facilitator: &TestUser) -> String {
        self.post(
            "/arenas",
            Some(&facilitator.token),
            json!({ "name": "Sege Park housing competition", "kind": "hybrid", "description": "Builders and innovation teams" }),
        )
        .await
        .expect(201)
        .id()
    }

    /// An arena created and opened by `facilitator`.
    pub async fn open_arena(&self, facilitator: &TestUser) -> String {
        let id = self.planned_arena(facilitator).await;
        self.post(&format!("/arenas/{id}/open"), Some(&facilitator.token), json!({}))
            .await
            .expect(200);
        id
    }

    /// Counts rows with a raw SQL query returning one integer column `n`.
    pub async fn count(&self, sql: &str) -> i64 {
        let backend = self.state.db.get_database_backend();
        let row = self
            .state
            .db
            .query_one_raw(Statement::from_string(backend, sql.to_owned()))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .unwrap_or_else(|| panic!("{sql}: no row"));
        row.try_get::<i64>("", "n").unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// How many notifications are stored for the user `id`, read or not.
    pub async fn notifications_of(&self, id: &str) -> u64 {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        use sluss_api::persistence::entities::notifications;
        let id: Uuid = id.parse().unwrap_or_else(|e| panic!("{id}: {e}"));
        notifications::Entity::find()
            .filter(notifications::Column::RecipientId.eq(id))
            .count(&self.state.db)
            .await
            .unwrap_or_else(|e| panic!("notifications of {id}: {e}"))
    }
}

impl TestApp {
    /// The token of the newest reset link queued for e-mail to the user `id`.
    pub async fn reset_token_of(&self, id: &str) -> String {
        self.mail_to(id)
            .await
            .into_iter()
            .rev()
            .find_map(|row| row.reset_token)
            .unwrap_or_else(|| panic!("no reset link queued for {id}"))
    }

    /// The id of the account with this (lower-cased) e-mail.
    pub async fn id_of_email(&self, email: &str) -> String {
        users::find_by_email(&self.state.db, email)
            .await
            .unwrap_or_else(|e| panic!("account {email}: {e}"))
            .unwrap_or_else(|| panic!("no account for {email}"))
            .id
            .to_string()
    }

    /// The token of the team invitation of `idea` to `address`.
    pub async fn token_of_invitation(&self, idea: &str, address: &str) -> String {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use sluss_api::persistence::entities::team_invitations;
        let idea: Uuid = idea.parse().unwrap_or_else(|e| panic!("{idea}: {e}"));
        team_invitations::Entity::find()
            .filter(team_invitations::Column::IdeaId.eq(idea))
            .filter(team_invitations::Column::EmailKey.eq(address.to_lowercase()))
            .one(&self.state.db)
            .await
            .unwrap_or_else(|e| panic!("invitation of {idea}: {e}"))
            .unwrap_or_else(|| panic!("no invitation of {idea} to {address}"))
            .id
            .to_string()
    }

    /// The e-mails queued or sent to the user `id`, oldest first.
    pub async fn mail_to(&self, id: &str) -> Vec<sluss_api::persistence::entities::mail_outbox::Model> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        use sluss_api::persistence::entities::mail_outbox;
        let id: Uuid = id.parse().unwrap_or_else(|e| panic!("{id}: {e}"));
        mail_outbox::Entity::find()
            .filter(mail_outbox::Column::RecipientId.eq(id))
            .order_by_asc(mail_outbox::Column::Id)
            .all(&self.state.db)
            .await
            .unwrap_or_else(|e| panic!("mail to {id}: {e}"))
    }
}

/// Starts the app as if a mail server were configured (no worker runs; the outbox fills).
pub async fn spawn_app_with_mail() -> TestApp {
    spawn_app_with_mail_and(AuthSettings::default()).await
}

/// Starts the app as if a mail server were configured, with custom authentication limits.
pub async fn spawn_app_with_mail_and(auth: AuthSettings) -> TestApp {
    spawn_app_configured(
        auth,
        HttpSettings {
            mail_enabled: true,
            ..HttpSettings::default()
        },
    )
    .await
}

fn is_root_path(path: &str) -> bool {
    ["/healthz", "/readyz", "/metrics", "/docs", "/open-data.zip"]
        .iter()
        .any(|root| path.starts_with(root))
}

/// Converts a poem response into a [`Reply`].
pub async fn reply_of(response: poem::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.into_body().into_string().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// A server on a real socket, for tests that need real HTTP (concurrency).
pub struct ServedApp {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ServedApp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestApp {
    /// Serves the same app on a free local port.
    pub async fn serve(&self) -> ServedApp {
        use poem::listener::{Acceptor, Listener, TcpListener};
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().map(|a| a.port()))
            .unwrap_or_else(|| panic!("no local address"));
        let app = startup::build_app(self.state.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = poem::Server::new_with_acceptor(acceptor).run(app).await {
                eprintln!("test server stopped: {e}");
            }
        });
        ServedApp {
            base_url: format!("http://127.0.0.1:{port}{}", startup::API_BASE),
            task,
        }
    }
}

/// Roles of the anonymous caller and each single-role user, for matrix tests.
pub const CALLERS: [&str; 5] = ["anonymous", "needs_owner", "innovator", "assessor", "facilitator"];

/// The pre-session CSRF token the web helpers send in its cookie, and in the forms of
/// signed-out visitors (43 characters, the length of a token the server makes).
pub const CSRF: &str = "sluss-tests-csrf-token-of-forty-three-chars";

/// What a web form's post answered: the status, the `Location` and the body.
pub struct FormAnswer {
    /// The status.
    pub status: StatusCode,
    /// Where it redirects to (empty when it does not).
    pub location: String,
    /// The page sent back.
    pub body: String,
}

impl TestApp {
    /// GETs the page `path` as `who` (signed out when `None`) in the language `lang`: the
    /// status and the body.
    pub async fn page(&self, path: &str, who: Option<&TestUser>, lang: &str) -> (StatusCode, String) {
        let mut request = self.client.get(path).header("accept-language", lang);
        if let Some(user) = who {
            request = request.header("cookie", format!("sluss_session={}", user.token));
        }
        let response = request.send().await;
        let status = response.0.status();
        (status, response.0.into_body().into_string().await.unwrap_or_default())
    }

    /// POSTs the form `fields` to `path` as `who`, in English, with the CSRF token of
    /// their session, as a browser sends it.
    pub async fn form(&self, path: &str, who: &TestUser, fields: &[(&str, &str)]) -> FormAnswer {
        let token = sluss_api::web::context::session_csrf(&who.token);
        let mut pairs = vec![("csrf", token.as_str())];
        pairs.extend_from_slice(fields);
        let response = self
            .client
            .post(path)
            .header("cookie", format!("sluss_session={}; sluss_csrf={CSRF}", who.token))
            .header("accept-language", "en")
            .content_type("application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(&pairs).unwrap())
            .send()
            .await;
        let status = response.0.status();
        let location = response
            .0
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.0.into_body().into_string().await.unwrap_or_default();
        FormAnswer { status, location, body }
    }
}
