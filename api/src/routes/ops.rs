//! Operations endpoints outside the versioned API: liveness, readiness, metrics.

use poem::http::StatusCode;
use poem::web::Data;
use poem::{IntoResponse, Response, handler};
use sea_orm::ConnectionTrait;

use crate::state::AppState;

/// Liveness: the process answers.
#[handler]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    let backend = state.db.get_database_backend();
    let probe = sea_orm::Statement::from_string(backend, "SELECT 1");
    match state.db.execute_raw(probe).await {
        Ok(_) => "ready".into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database not reachable").into_response()
        }
    }
}

/// Prometheus text exposition.
#[handler]
pub async fn metrics(state: Data<&AppState>) -> Response {
    state
        .metrics
        .render()
        .with_content_type("text/plain; version=0.0.4")
        .into_response()
}
