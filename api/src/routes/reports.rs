//! Reports for the innovation team: the funnel and the obstacle diary, as JSON or CSV.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, ResponseContent};
use sluss_domain::report::{self, Funnel};
use sluss_domain::steps as rules;
use uuid::Uuid;

use super::obstacles::CATEGORIES;
use super::{ApiResult, ApiTags};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::persistence::entities::obstacles;
use crate::persistence::reports::{self as repo, Period};
use crate::persistence::steps;
use crate::state::AppState;

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ReportFormat {
    /// JSON (the default).
    Json,
    /// `section,key,value` rows.
    Csv,
}

/// Shares between steps (0..1; absent when nothing reached the first state).
#[derive(Debug, Clone, Object)]
pub struct ConversionFigures {
    /// Submitted ideas later qualified.
    pub submitted_to_qualified: Option<f64>,
    /// Qualified ideas later tested.
    pub qualified_to_tested: Option<f64>,
    /// Tested ideas completed as adopted or scaled.
    pub tested_to_adopted: Option<f64>,
}

/// Median days per step over the items that finished it.
#[derive(Debug, Clone, Object)]
pub struct MedianDaysFigures {
    /// Challenge created → published.
    pub need_formulation: Option<f64>,
    /// Idea created → submitted.
    pub matching: Option<f64>,
    /// start_assessment → decide.
    pub assessment: Option<f64>,
    /// start_incubation → start_testing.
    pub incubation: Option<f64>,
    /// start_testing → complete.
    pub testing: Option<f64>,
}

/// The funnel: counts per state, conversions and median days, from the event log.
#[derive(Debug, Clone, Object)]
pub struct FunnelReport {
    /// Challenges by state.
    pub challenges: BTreeMap<String, u64>,
    /// Ideas by state.
    pub ideas: BTreeMap<String, u64>,
    /// Conversions.
    pub conversion: ConversionFigures,
    /// Median days per step.
    pub median_days: MedianDaysFigures,
}

impl From<Funnel> for FunnelReport {
    fn from(funnel: Funnel) -> Self {
        let counts = |map: BTreeMap<&'static str, u64>| map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        Self {
            challenges: counts(funnel.challenges),
            ideas: counts(funnel.ideas),
            conversion: ConversionFigures {
                submitted_to_qualified: funnel.conversion.submitted_to_qualified,
                qualified_to_tested: funnel.conversion.qualified_to_tested,
                tested_to_adopted: funnel.conversion.tested_to_adopted,
            },
            median_days: MedianDaysFigures {
                need_formulation: funnel.median_days.need_formulation,
                matching: funnel.median_days.matching,
                assessment: funnel.median_days.assessment,
                incubation: funnel.median_days.incubation,
                testing: funnel.median_days.testing,
            },
        }
    }
}

/// Obstacle counts.
#[derive(Debug, Clone, Object)]
pub struct ObstacleReport {
    /// By category (every category, zero included).
    pub by_category: BTreeMap<String, u64>,
    /// By the step blocked ("1".."5").
    pub by_step: BTreeMap<String, u64>,
    /// All obstacles.
    pub total: u64,
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
        rules::authorize_facilitator(caller.actor())?;
        if let (Some(since), Some(until)) = (since.0, until.0)
            && until < since
        {
            return Err(ApiError::invalid("until", "must not be before since"));
        }
        let period = Period {
            arena_id: arena_id.0,
            since: since.0,
            until: until.0,
        };
        let funnel = repo::funnel(&self.state.db, &period).await?;
        Ok(FunnelResponse::Ok(if wants_csv(req, format.0) {
            FunnelContent::Csv(PlainText(report::to_csv(&funnel.rows())))
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
        rules::authorize_facilitator(caller.actor())?;
        let mut by_category: BTreeMap<String, u64> = CATEGORIES.iter().map(|(_, n)| ((*n).to_owned(), 0)).collect();
        for (category, n) in steps::count_obstacles_by::<String>(&self.state.db, obstacles::Column::Category).await? {
            by_category.insert(category, u64::try_from(n).unwrap_or(0));
        }
        let mut by_step: BTreeMap<String, u64> = (1..=5).map(|s: i16| (s.to_string(), 0)).collect();
        for (step, n) in steps::count_obstacles_by::<i16>(&self.state.db, obstacles::Column::Step).await? {
            by_step.insert(step.to_string(), u64::try_from(n).unwrap_or(0));
        }
        let total = by_category.values().sum();
        let report = ObstacleReport {
            by_category,
            by_step,
            total,
        };
        Ok(ObstacleResponse::Ok(if wants_csv(req, format.0) {
            let mut rows: Vec<(String, String, Option<f64>)> = Vec::new();
            for (key, n) in &report.by_category {
                rows.push(("by_category".into(), key.clone(), Some(*n as f64)));
            }
            for (key, n) in &report.by_step {
                rows.push(("by_step".into(), key.clone(), Some(*n as f64)));
            }
            rows.push(("total".into(), "all".into(), Some(report.total as f64)));
            ObstacleContent::Csv(PlainText(report::to_csv(&rows)))
        } else {
            ObstacleContent::Json(Json(report))
        }))
    }
}
