//! Builds the route tree used by both `sluss serve` and the tests, and runs the server.

use std::net::SocketAddr;

use poem::endpoint::BoxEndpoint;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::{EndpointExt, Route, Server, get};
use poem_openapi::OpenApiService;
use sea_orm::DatabaseConnection;
use sluss_migrations::{Migrator, MigratorTrait};

use crate::allow::{AllowedMethods, add_allow_header, refuse_undeclared_query};
use crate::compression::Compression;
use crate::error::ApiError;
use crate::http::{DOCS_PATH, SecurityHeaders, limit_body, observe, with_cors};
use crate::openapi::CommandExamples;
use crate::passwords::Passwords;
use crate::routes::arenas::ArenasApi;
use crate::routes::assessment::AssessmentApi;
use crate::routes::attachments::AttachmentsApi;
use crate::routes::auth::AuthApi;
use crate::routes::challenges::ChallengesApi;
use crate::routes::ideas::IdeasApi;
use crate::routes::notifications::NotificationsApi;
use crate::routes::obstacles::ObstaclesApi;
use crate::routes::ops;
use crate::routes::organisations::OrganisationsApi;
use crate::routes::params::HeaderParams;
use crate::routes::questions::QuestionsApi;
use crate::routes::reports::ReportsApi;
use crate::routes::results::ResultsApi;
use crate::routes::site::SiteApi;
use crate::routes::steps::StepsApi;
use crate::routes::tokens::TokensApi;
use crate::routes::users::UsersApi;
use crate::routes::webhooks::WebhooksApi;
use crate::slow_clients::TimedAcceptor;
pub use crate::slow_clients::Timeouts;
use crate::state::{AppState, AuthSettings};

/// The base path of the versioned API.
pub const API_BASE: &str = "/api/v1";

type Apis = (
    AuthApi,
    UsersApi,
    ArenasApi,
    ChallengesApi,
    QuestionsApi,
    IdeasApi,
    AssessmentApi,
    StepsApi,
    ObstaclesApi,
    ReportsApi,
    ResultsApi,
    NotificationsApi,
    OrganisationsApi,
    WebhooksApi,
    // poem-openapi implements its trait for tuples of up to 16: the newer groups nest.
    (AttachmentsApi, SiteApi, TokensApi),
    CommandExamples,
);

fn api_service(state: &AppState) -> OpenApiService<HeaderParams<Apis>, ()> {
    let apis = (
        AuthApi { state: state.clone() },
        UsersApi { state: state.clone() },
        ArenasApi { state: state.clone() },
        ChallengesApi { state: state.clone() },
        QuestionsApi { state: state.clone() },
        IdeasApi { state: state.clone() },
        AssessmentApi { state: state.clone() },
        StepsApi { state: state.clone() },
        ObstaclesApi { state: state.clone() },
        ReportsApi { state: state.clone() },
        ResultsApi { state: state.clone() },
        NotificationsApi { state: state.clone() },
        OrganisationsApi { state: state.clone() },
        WebhooksApi { state: state.clone() },
        (
            AttachmentsApi { state: state.clone() },
            SiteApi { state: state.clone() },
            TokensApi { state: state.clone() },
        ),
        CommandExamples,
    );
    OpenApiService::new(HeaderParams(apis), "sluss", env!("CARGO_PKG_VERSION"))
        .description(
            "sluss runs a city's innovation accelerator: needs-owners post challenges, innovators \
             apply, assessment panels score, the innovation team decides, and every transition \
             is recorded. Errors are application/problem+json (RFC 9457).",
        )
        .server(API_BASE)
}

/// The OpenAPI document, as JSON (what `sluss openapi` prints and `openapi/openapi.json` holds).
pub fn openapi_json() -> Result<String, ApiError> {
    let state = AppState::with_writes(
        DatabaseConnection::default(),
        crate::persistence::WriteQueue::default(),
        Passwords::new(1)?,
        AuthSettings::default(),
        crate::state::HttpSettings::default(),
    );
    Ok(crate::openapi::finish(&api_service(&state).spec()))
}

/// Hashing concurrency: one argon2 hash at a time. Each takes 19 MiB for its ~30 ms, so
/// this bounds the memory logins can take (SPEC §9's RSS ceiling) at about 36 logins per
/// second; further logins queue (ADR 0010).
pub fn hashing_concurrency() -> usize {
    1
}

/// The whole application: the API under `/api/v1`, the docs at `/docs`, ops endpoints,
/// and the middleware around them (outermost first): security headers, compression,
/// request ids and logs, CORS, the body limit.
pub fn build_app(state: AppState) -> BoxEndpoint<'static> {
    let service = api_service(&state);
    let spec = crate::openapi::finish(&service.spec());
    let allowed = AllowedMethods::from_spec(&spec, API_BASE);
    let docs = service.swagger_ui();
    let security = SecurityHeaders::new(&service.swagger_ui_html());
    let routes = Route::new()
        .nest(API_BASE, service)
        .at(
            format!("{API_BASE}/openapi.json"),
            get(poem::endpoint::make_sync(move |_| {
                poem::Response::builder()
                    .content_type("application/json; charset=utf-8")
                    .body(spec.clone())
            })),
        )
        .nest(DOCS_PATH, docs)
        .at("/healthz", get(ops::healthz))
        .at("/readyz", get(ops::readyz))
        .at("/metrics", get(ops::metrics))
        .at("/open-data.zip", get(ops::open_data))
        .nest(crate::web::assets::PREFIX, crate::web::asset_routes());
    let routes = crate::web::mount(routes, state.http.public_url.starts_with("https://")).around(limit_body);
    with_cors(routes, &state.http.cors_origins)
        .around(refuse_undeclared_query)
        .around(observe)
        .around(add_allow_header)
        .with(Compression)
        .with(security)
        .data(allowed)
        .data(state)
        .boxed()
}

/// Connects, applies every pending migration, and rebuilds read models a migration marked
/// stale.
pub async fn connect_and_migrate(database_url: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let db = crate::persistence::connect(database_url).await?;
    Migrator::up(&db, None).await?;
    if crate::persistence::reports::rebuild_if_stale(&db)
        .await
        .map_err(|e| sea_orm::DbErr::Custom(format!("rebuilding the funnel read model: {e}")))?
    {
        tracing::info!("rebuilt the funnel read model from the event log");
    }
    if crate::persistence::figures_model::rebuild_if_stale(&db)
        .await
        .map_err(|e| sea_orm::DbErr::Custom(format!("rebuilding the figures read model: {e}")))?
    {
        tracing::info!("rebuilt the figures read model from the event log");
    }
    Ok(db)
}

/// Binds the listening socket. `serve` binds this first, before it touches the database, so
/// an address already in use fails at once.
pub async fn bind(address: &str) -> std::io::Result<TcpAcceptor> {
    TcpListener::bind(address.to_owned()).into_acceptor().await
}

/// The addresses `acceptor` listens on (with the real port when port 0 was asked for).
pub fn local_addresses(acceptor: &TcpAcceptor) -> Vec<SocketAddr> {
    acceptor
        .local_addr()
        .iter()
        .filter_map(|addr| addr.as_socket_addr().copied())
        .collect()
}

/// Serves `app` on `acceptor` until `shutdown` completes (see [`shutdown_signal`]), then
/// gives the requests in flight 10 seconds. Connections whose header or next request is
/// slower than `timeouts` allow are closed.
pub async fn serve(
    app: BoxEndpoint<'static>,
    acceptor: TcpAcceptor,
    shutdown: impl Future<Output = ()>,
    timeouts: Timeouts,
) -> std::io::Result<()> {
    Server::new_with_acceptor(TimedAcceptor::new(acceptor, timeouts))
        .run_with_graceful_shutdown(app, shutdown, Some(std::time::Duration::from_secs(10)))
        .await
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM. Create it once, before start-up, and pass the
/// same future on to [`serve`]: a signal that arrives while no listener exists is lost.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
