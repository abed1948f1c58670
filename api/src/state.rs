//! What every request handler shares.

use std::sync::Arc;

use chrono::Duration;
use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;

use crate::config::AllowedOrigins;
use crate::files::FileStore;
use crate::metrics::Metrics;
use crate::passwords::Passwords;
use crate::persistence::{WriteQueue, WriteTx};
use crate::read_cache::ReadCache;
use crate::tasks::Tasks;

/// Tunable limits of authentication.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// How long a token lives.
    pub token_ttl: Duration,
    /// The window in which failures are counted.
    pub throttle_window: Duration,
    /// Failed logins for one e-mail within the window from which login answers 429.
    pub login_failures_per_email: u64,
    /// Failed logins from one client address within the window from which login answers 429.
    pub login_failures_per_address: u64,
    /// Registrations from one client address within the window from which register answers 429.
    pub registrations_per_address: u64,
    /// Password-reset requests for one e-mail within the window from which the request
    /// answers 429 (each may send an e-mail).
    pub password_resets_per_email: u64,
    /// Password-reset requests from one client address within the window from which the
    /// request answers 429.
    pub password_resets_per_address: u64,
    /// Whether facilitators who sign in with a password must use a TOTP app as well
    /// (`--require-staff-2fa`, SPEC §16).
    pub require_staff_2fa: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            token_ttl: Duration::hours(12),
            throttle_window: Duration::minutes(15),
            login_failures_per_email: 10,
            login_failures_per_address: 100,
            registrations_per_address: 20,
            password_resets_per_email: 5,
            password_resets_per_address: 100,
            require_staff_2fa: false,
        }
    }
}

/// Tunable behaviour of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// How long an `Idempotency-Key` and its answer are kept.
    pub idempotency_ttl: Duration,
    /// The other origins whose pages may call the API from a browser (CORS).
    pub cors_origins: AllowedOrigins,
    /// The address people reach this server at (links, and `Secure` cookies when https).
    pub public_url: String,
    /// Whether a mail server is configured (`--smtp-url`): only then are notifications
    /// queued for e-mail and reset links sent.
    pub mail_enabled: bool,
    /// Where webhooks may be sent.
    pub webhooks: WebhookSettings,
    /// Where documents are kept, and how large one may be.
    pub files: FileSettings,
    /// How people sign in: the OpenID Connect provider, and whether passwords do.
    pub identity: IdentitySettings,
}

/// How people sign in (SPEC §16, ADR 0036).
#[derive(Debug, Clone)]
pub struct IdentitySettings {
    /// Whether e-mail and password sign in (`--password-login`, on by default).
    pub password_login: bool,
    /// The city's OpenID Connect provider, if configured.
    pub oidc: Option<std::sync::Arc<crate::oidc::OidcProvider>>,
}

impl Default for IdentitySettings {
    fn default() -> Self {
        Self {
            password_login: true,
            oidc: None,
        }
    }
}

/// Where documents are kept, and how large one may be (SPEC §15).
#[derive(Debug, Clone)]
pub struct FileSettings {
    /// The object store of their bytes.
    pub store: FileStore,
    /// The largest file accepted, in bytes.
    pub max_upload_bytes: u64,
}

impl Default for FileSettings {
    /// A store in memory: for set-ups that never keep files past the process.
    fn default() -> Self {
        Self {
            store: FileStore::in_memory(),
            max_upload_bytes: sluss_domain::attachment::DEFAULT_MAX_UPLOAD_MIB * 1024 * 1024,
        }
    }
}

/// Where webhooks may be sent (SPEC §11.3, ADR 0016).
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookSettings {
    /// Whether hooks may name loopback, private, shared and link-local addresses (a test
    /// bench, a receiver on the city's own network); refused by default.
    pub allow_private: bool,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            idempotency_ttl: Duration::hours(24),
            cors_origins: AllowedOrigins::None,
            public_url: "http://127.0.0.1:8080".to_owned(),
            mail_enabled: false,
            webhooks: WebhookSettings::default(),
            files: FileSettings::default(),
            identity: IdentitySettings::default(),
        }
    }
}

/// Shared state, cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

/// The parts of [`AppState`].
#[derive(Debug)]
pub struct Inner {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The password hasher.
    pub passwords: Passwords,
    /// Authentication limits.
    pub auth: AuthSettings,
    /// HTTP-layer settings.
    pub http: HttpSettings,
    /// Prometheus metrics of this process.
    pub metrics: Metrics,
    /// Where this process's writers take turns (SQLite).
    pub writes: WriteQueue,
    /// Answers to repeated reads, until the next write to what they were read from.
    pub reads: ReadCache,
    /// The background tasks, each started again when it dies.
    pub tasks: Tasks,
    /// Text searches running at once: one fewer than the cores (at least one), so a flood
    /// of searches waits its turn and never takes every core from the cheap reads.
    pub searches: Arc<Semaphore>,
}

impl AppState {
    /// Bundles the parts, with the default HTTP settings.
    pub fn new(db: DatabaseConnection, passwords: Passwords, auth: AuthSettings) -> Self {
        Self::with_http(db, passwords, auth, HttpSettings::default())
    }

    /// Bundles the parts; writers take turns on the pool's connections.
    pub fn with_http(db: DatabaseConnection, passwords: Passwords, auth: AuthSettings, http: HttpSettings) -> Self {
        let writes = WriteQueue::for_database(&db);
        Self::with_writes(db, writes, passwords, auth, http)
    }

    /// Bundles the parts, with the writers' queue (see [`WriteQueue::connect`]).
    pub fn with_writes(
        db: DatabaseConnection,
        writes: WriteQueue,
        passwords: Passwords,
        auth: AuthSettings,
        http: HttpSettings,
    ) -> Self {
        // On PostgreSQL other processes may write between two reads of this one: answers
        // are kept only where their writes are heard (`WriteQueue::connect`).
        let hears_every_write = writes.hears_every_write();
        let metrics = Metrics::new();
        for counter in passwords.counters() {
            if let Err(error) = metrics.registry().register(Box::new(counter)) {
                tracing::error!(%error, "the password counters could not be registered");
            }
        }
        Self(Arc::new(Inner {
            tasks: Tasks::new(metrics.registry()),
            searches: Arc::new(Semaphore::new(searches_at_once())),
            reads: ReadCache::new(writes.clone(), hears_every_write),
            writes,
            db,
            passwords,
            auth,
            http,
            metrics,
        }))
    }

    /// Begins a write transaction in this process's turn.
    pub async fn begin_write(&self) -> Result<WriteTx, sea_orm::DbErr> {
        self.writes.begin(&self.db).await
    }
}

/// One fewer text searches at once than the machine has cores, and at least one.
fn searches_at_once() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get().saturating_sub(1).max(1))
}

impl std::ops::Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
