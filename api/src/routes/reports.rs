//! Reports for the innovation team: the funnel, the obstacle diary and the figures of
//! SPEC §12, as JSON or CSV.

use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, Enum, OpenApi, ResponseContent};
use uuid::Uuid;

use super::{ApiResult, ApiTags};
use crate::app::reports as app;
use crate::auth::Caller;
use crate::state::AppState;
use crate::views::reports::{FiguresReport, FunnelReport, ObstacleReport};
use crate::views::reports::{figures_csv, funnel_csv};

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ReportFormat {
    /// JSON (the default).
    Json,
    /// `section,key,value` rows.
    Csv,
}

/// The funnel, as JSON or CSV.
#[derive(ResponseContent)]
pub enum FunnelContent {
    /// JSON.
    Json(Json<FunnelReport>),
    /// CSV: a header line, then `section,key,value` rows.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>),
}

/// The obstacle report, as JSON or CSV.
#[derive(ResponseContent)]
pub enum ObstacleContent {
    /// JSON.
    Json(Json<ObstacleReport>),
    /// CSV: a header line, then `section,key,value` rows.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>),
}

/// The figures, as JSON or CSV.
#[derive(ResponseContent)]
pub enum FiguresContent {
    /// JSON.
    Json(Json<FiguresReport>),
    /// CSV: a header line, then `section,key,value` rows.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>),
}

/// A figures answer.
#[derive(ApiResponse)]
pub enum FiguresResponse {
    /// The report.
    #[oai(status = 200)]
    Ok(FiguresContent),
}

/// A funnel answer.
#[derive(ApiResponse)]
pub enum FunnelResponse {
    /// The report.
    #[oai(status = 200)]
    Ok(FunnelContent),
}

/// An obstacle-report answer.
#[derive(ApiResponse)]
pub enum ObstacleResponse {
    /// The report.
    #[oai(status = 200)]
    Ok(ObstacleContent),
}

/// CSV when `?format=csv`, or when `Accept` asks for `text/csv` and no format is given.
fn wants_csv(req: &Request, format: Option<ReportFormat>) -> bool {
    match format {
        Some(format) => format == ReportFormat::Csv,
        None => req
            .headers()
            .get(poem::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/csv")),
    }
}

/// Reports.
pub struct ReportsApi {
    /// Shared state.
    pub state: AppState,
}

#[OpenApi(prefix_path = "/reports", tag = "ApiTags::Reports")]
impl ReportsApi {
    /// The funnel of challenges and ideas created in a period, optionally in one arena
    /// (facilitators). `Accept: text/csv` or `?format=csv` for CSV.
    #[oai(path = "/funnel", method = "get", operation_id = "funnel_report")]
    async fn funnel_report(
        &self,
        req: &Request,
        caller: Caller,
        /// Only challenges in this arena, and their ideas.
        arena_id: Query<Option<Uuid>>,
        /// Created at or after (RFC 3339).
        since: Query<Option<DateTime<Utc>>>,
        /// Created before (RFC 3339).
        until: Query<Option<DateTime<Utc>>>,
        /// `json` or `csv`.
        format: Query<Option<ReportFormat>>,
    ) -> ApiResult<FunnelResponse> {
        let query = app::FunnelQuery {
            arena_id: arena_id.0,
            since: since.0,
            until: until.0,
        };
        let funnel = app::funnel(&self.state, caller.actor(), query).await?;
        Ok(FunnelResponse::Ok(if wants_csv(req, format.0) {
            FunnelContent::Csv(PlainText(funnel_csv(&funnel)))
        } else {
            FunnelContent::Json(Json(funnel.into()))
        }))
    }

    /// Obstacle counts by category and by step (facilitators). `Accept: text/csv` or
    /// `?format=csv` for CSV.
    #[oai(path = "/obstacles", method = "get", operation_id = "obstacle_report")]
    async fn obstacle_report(
        &self,
        req: &Request,
        caller: Caller,
        /// `json` or `csv`.
        format: Query<Option<ReportFormat>>,
    ) -> ApiResult<ObstacleResponse> {
        let report = app::obstacles(&self.state, caller.actor()).await?;
        Ok(ObstacleResponse::Ok(if wants_csv(req, format.0) {
            ObstacleContent::Csv(PlainText(report.to_csv()))
        } else {
            ObstacleContent::Json(Json(report))
        }))
    }

    /// The figures a city reports to its funder (SPEC §12) of the acts in a period,
    /// optionally about one arena's challenges and their ideas (facilitators): actors
    /// involved, property owners and builders among them, innovations tested, forms of
    /// learning and obstacles. Each act counts by its own time (ADR 0018).
    /// `Accept: text/csv` or `?format=csv` for CSV.
    #[oai(path = "/figures", method = "get", operation_id = "figures_report")]
    async fn figures_report(
        &self,
        req: &Request,
        caller: Caller,
        /// Only challenges in this arena, and their ideas.
        arena_id: Query<Option<Uuid>>,
        /// Acts at or after (RFC 3339).
        since: Query<Option<DateTime<Utc>>>,
        /// Acts before (RFC 3339).
        until: Query<Option<DateTime<Utc>>>,
        /// `json` or `csv`.
        format: Query<Option<ReportFormat>>,
    ) -> ApiResult<FiguresResponse> {
        let query = app::FiguresQuery {
            arena_id: arena_id.0,
            since: since.0,
            until: until.0,
        };
        let figures = app::figures(&self.state, caller.actor(), query).await?;
        Ok(FiguresResponse::Ok(if wants_csv(req, format.0) {
            FiguresContent::Csv(PlainText(figures_csv(&figures)))
        } else {
            FiguresContent::Json(Json(figures.into()))
        }))
    }
}
