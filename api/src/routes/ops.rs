//! Endpoints outside the versioned API: liveness, readiness, metrics, and the open data.

use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{IntoResponse, Request, Response, handler};
use sea_orm::ConnectionTrait;

use crate::state::AppState;

/// Liveness: the process answers.
#[handler]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers and every background task runs. A task that died
/// (and is about to be started again) makes it 503, naming the task.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    let backend = state.db.get_database_backend();
    let probe = sea_orm::Statement::from_string(backend, "SELECT 1");
    if let Err(error) = state.db.execute_raw(probe).await {
        tracing::warn!(error = %error, "database not reachable");
        return (StatusCode::SERVICE_UNAVAILABLE, "database not reachable").into_response();
    }
    let down = state.tasks.down();
    if down.is_empty() {
        "ready".into_response()
    } else {
        let names = down.join(", ");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("background task down: {names}"),
        )
            .into_response()
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

/// The open data (SPEC §12): a zip of CSV files under CC0, for anyone, with its `ETag`; a
/// request naming that tag in `If-None-Match` is answered 304 without the zip.
#[handler]
pub async fn open_data(req: &Request, state: Data<&AppState>) -> Response {
    match crate::app::open_data::open_data(&state).await {
        Ok(archive) if names_tag(req, &archive.etag) => Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, archive.etag)
            .finish(),
        Ok(archive) => Response::builder()
            .content_type("application/zip")
            .header(header::ETAG, archive.etag)
            .header(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"sluss-open-data.zip\"",
            )
            .body(archive.bytes),
        Err(error) => error.into_response(),
    }
}

/// Whether the `If-None-Match` of `req` names `etag` (weakly or not) or any tag (`*`).
fn names_tag(req: &Request, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}
