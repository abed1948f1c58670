//! Reports for the innovation team: the funnel, the obstacle diary and the figures of
//! SPEC §12, as JSON, CSV or an XLSX workbook (SPEC §14.5).

use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::{Binary, Json, PlainText};
use poem_openapi::{ApiResponse, Enum, OpenApi, ResponseContent};
use uuid::Uuid;

use super::{ApiResult, ApiTags};
use crate::app::accounts as app_accounts;
use crate::app::reports as app;
use crate::auth::Caller;
use crate::state::AppState;
use crate::views::reports::{FiguresReport, FunnelReport, ObstacleReport};
use crate::views::reports::{figures_csv, funnel_csv};
use crate::views::workbook::{ReportKind, Selection, XLSX_CONTENT_TYPE, report_workbook};
use crate::web::i18n::{Lang, Tr};

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ReportFormat {
    /// JSON (the default).
    Json,
    /// `section,key,value` rows.
    Csv,
    /// An Office Open XML workbook of the CSV's rows, for people: headings in the
    /// language of `lang`, numbers as numbers, days rounded to one decimal, the period's
    /// times as dates.
    Xlsx,
}

/// The language of a workbook's headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ReportLanguage {
    /// Swedish.
    Sv,
    /// English.
    En,
}

impl From<ReportLanguage> for Lang {
    fn from(lang: ReportLanguage) -> Self {
        match lang {
            ReportLanguage::Sv => Lang::Sv,
            ReportLanguage::En => Lang::En,
        }
    }
}

/// The funnel, as JSON, CSV or XLSX.
#[derive(ResponseContent)]
pub enum FunnelContent {
    /// JSON.
    Json(Json<FunnelReport>),
    /// CSV: a header line, then `section,key,value` rows.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>),
    /// XLSX: the CSV's rows under headings in the caller's language, then a sheet about
    /// what was counted.
    #[oai(content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx(Binary<Vec<u8>>),
}

/// The obstacle report, as JSON, CSV or XLSX.
#[derive(ResponseContent)]
pub enum ObstacleContent {
    /// JSON.
    Json(Json<ObstacleReport>),
    /// CSV: a header line, then `section,key,value` rows.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>),
    /// XLSX: the CSV's rows under headings in the caller's language, then a sheet about
    /// what was counted.
    #[oai(content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx(Binary<Vec<u8>>),
}

/// The figures, as JSON, CSV or XLSX.
#[derive(ResponseContent)]
pub enum FiguresContent {
    /// JSON.
    Json(Json<FiguresReport>),
    /// CSV: a header line, then `section,key,value` rows.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>),
    /// XLSX: the CSV's rows under headings in the caller's language, then a sheet about
    /// what was counted.
    #[oai(content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx(Binary<Vec<u8>>),
}

/// A figures answer.
#[derive(ApiResponse)]
pub enum FiguresResponse {
    /// The report; a workbook comes as an attachment named `sluss-….xlsx`.
    #[oai(status = 200)]
    Ok(
        FiguresContent,
        /// `attachment; filename="sluss-….xlsx"` for a workbook.
        #[oai(header = "Content-Disposition")]
        Option<String>,
    ),
}

/// A funnel answer.
#[derive(ApiResponse)]
pub enum FunnelResponse {
    /// The report; a workbook comes as an attachment named `sluss-….xlsx`.
    #[oai(status = 200)]
    Ok(
        FunnelContent,
        /// `attachment; filename="sluss-….xlsx"` for a workbook.
        #[oai(header = "Content-Disposition")]
        Option<String>,
    ),
}

/// An obstacle-report answer.
#[derive(ApiResponse)]
pub enum ObstacleResponse {
    /// The report; a workbook comes as an attachment named `sluss-….xlsx`.
    #[oai(status = 200)]
    Ok(
        ObstacleContent,
        /// `attachment; filename="sluss-….xlsx"` for a workbook.
        #[oai(header = "Content-Disposition")]
        Option<String>,
    ),
}

/// The format asked for: `?format=`, else what `Accept` names (the XLSX type, then
/// `text/csv`), else JSON.
fn wanted(req: &Request, format: Option<ReportFormat>) -> ReportFormat {
    if let Some(format) = format {
        return format;
    }
    let accept = req
        .headers()
        .get(poem::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if accept.contains(XLSX_CONTENT_TYPE) {
        ReportFormat::Xlsx
    } else if accept.contains("text/csv") {
        ReportFormat::Csv
    } else {
        ReportFormat::Json
    }
}

/// The language of a workbook's headings: `?lang=`, else the caller's `locale`, else
/// Swedish (SPEC §19 on §14).
async fn workbook_language(state: &AppState, caller: &Caller, lang: Option<ReportLanguage>) -> ApiResult<Lang> {
    match lang {
        Some(lang) => Ok(lang.into()),
        None => {
            let me = app_accounts::me(state, caller.actor()).await?;
            Ok(Lang::parse(&me.locale).unwrap_or(Lang::Sv))
        }
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
    /// (facilitators). `Accept: text/csv` or `?format=csv` for CSV; `?format=xlsx` for
    /// an XLSX workbook.
    #[oai(path = "/funnel", method = "get", operation_id = "funnel_report")]
    #[allow(clippy::too_many_arguments)]
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
        /// `json`, `csv` or `xlsx`.
        format: Query<Option<ReportFormat>>,
        /// The language of a workbook's headings: `sv` or `en`; else the caller's
        /// `locale`, else Swedish.
        lang: Query<Option<ReportLanguage>>,
    ) -> ApiResult<FunnelResponse> {
        let query = app::FunnelQuery {
            arena_id: arena_id.0,
            since: since.0,
            until: until.0,
        };
        let selection = Selection {
            arena_id: query.arena_id,
            since: query.since,
            until: query.until,
        };
        let funnel = app::funnel(&self.state, caller.actor(), query).await?;
        Ok(match wanted(req, format.0) {
            ReportFormat::Json => FunnelResponse::Ok(FunnelContent::Json(Json(funnel.into())), None),
            ReportFormat::Csv => FunnelResponse::Ok(FunnelContent::Csv(PlainText(funnel_csv(&funnel))), None),
            ReportFormat::Xlsx => {
                let tr = Tr::new(workbook_language(&self.state, &caller, lang.0).await?);
                let kind = ReportKind::Funnel;
                let bytes = report_workbook(&tr, kind, &funnel.rows(), Some(&selection), Utc::now())?;
                FunnelResponse::Ok(FunnelContent::Xlsx(Binary(bytes)), Some(kind.disposition()))
            }
        })
    }

    /// Obstacle counts by category and by step (facilitators). `Accept: text/csv` or
    /// `?format=csv` for CSV; `?format=xlsx` for an XLSX workbook.
    #[oai(path = "/obstacles", method = "get", operation_id = "obstacle_report")]
    async fn obstacle_report(
        &self,
        req: &Request,
        caller: Caller,
        /// `json`, `csv` or `xlsx`.
        format: Query<Option<ReportFormat>>,
        /// The language of a workbook's headings: `sv` or `en`; else the caller's
        /// `locale`, else Swedish.
        lang: Query<Option<ReportLanguage>>,
    ) -> ApiResult<ObstacleResponse> {
        let report = app::obstacles(&self.state, caller.actor()).await?;
        Ok(match wanted(req, format.0) {
            ReportFormat::Json => ObstacleResponse::Ok(ObstacleContent::Json(Json(report)), None),
            ReportFormat::Csv => ObstacleResponse::Ok(ObstacleContent::Csv(PlainText(report.to_csv())), None),
            ReportFormat::Xlsx => {
                let tr = Tr::new(workbook_language(&self.state, &caller, lang.0).await?);
                let kind = ReportKind::Obstacles;
                let bytes = report_workbook(&tr, kind, &report.rows(), None, Utc::now())?;
                ObstacleResponse::Ok(ObstacleContent::Xlsx(Binary(bytes)), Some(kind.disposition()))
            }
        })
    }

    /// The figures a city reports to its funder (SPEC §12) of the acts in a period,
    /// optionally about one arena's challenges and their ideas (facilitators): actors
    /// involved, property owners and builders among them, innovations tested, forms of
    /// learning and obstacles. Each act counts by its own time (ADR 0018).
    /// `Accept: text/csv` or `?format=csv` for CSV; `?format=xlsx` for an XLSX workbook.
    #[oai(path = "/figures", method = "get", operation_id = "figures_report")]
    #[allow(clippy::too_many_arguments)]
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
        /// `json`, `csv` or `xlsx`.
        format: Query<Option<ReportFormat>>,
        /// The language of a workbook's headings: `sv` or `en`; else the caller's
        /// `locale`, else Swedish.
        lang: Query<Option<ReportLanguage>>,
    ) -> ApiResult<FiguresResponse> {
        let query = app::FiguresQuery {
            arena_id: arena_id.0,
            since: since.0,
            until: until.0,
        };
        let selection = Selection {
            arena_id: query.arena_id,
            since: query.since,
            until: query.until,
        };
        let figures = app::figures(&self.state, caller.actor(), query).await?;
        Ok(match wanted(req, format.0) {
            ReportFormat::Json => FiguresResponse::Ok(FiguresContent::Json(Json(figures.into())), None),
            ReportFormat::Csv => FiguresResponse::Ok(FiguresContent::Csv(PlainText(figures_csv(&figures))), None),
            ReportFormat::Xlsx => {
                let tr = Tr::new(workbook_language(&self.state, &caller, lang.0).await?);
                let kind = ReportKind::Figures;
                let bytes = report_workbook(&tr, kind, &figures.rows(), Some(&selection), Utc::now())?;
                FiguresResponse::Ok(FiguresContent::Xlsx(Binary(bytes)), Some(kind.disposition()))
            }
        })
    }
}
