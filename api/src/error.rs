//! One error type for every endpoint, rendered as RFC 9457 `application/problem+json`.
//!
//! Domain refusals and repository errors convert into [`ApiError`]; `status_for` is the
//! single place that maps them to HTTP statuses (SPEC §7b). Errors raised by poem and
//! poem-openapi themselves (bad JSON, bad UUIDs, unknown routes, missing auth) are
//! wrapped in the same shape by [`render_any_error`].

use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, Object};
use sluss_domain::{FieldError, Refusal};

use crate::persistence::RepoError;

/// The problem document of RFC 9457.
#[derive(Debug, Clone, Object)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[oai(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time, for a person to read.
    pub detail: String,
    /// For validation problems: each invalid or missing field.
    #[oai(skip_serializing_if_is_none)]
    pub errors: Option<Vec<ProblemField>>,
    /// For stale versions: the version the resource has now.
    #[oai(skip_serializing_if_is_none)]
    pub current_version: Option<i64>,
}

/// One invalid or missing field.
#[derive(Debug, Clone, Object)]
pub struct ProblemField {
    /// The field, as named in the request.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An error answer of the API.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status}: {detail}")]
pub struct ApiError {
    status: StatusCode,
    detail: String,
    errors: Vec<FieldError>,
    current_version: Option<i64>,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            errors: Vec::new(),
            current_version: None,
            retry_after_secs: None,
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401: no valid credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    /// 404: no such resource, or the caller may not see it.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "no such resource")
    }

    /// 409: a conflict with the current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }

    /// 409 (or 412 when the version came from `If-Match`): the version given is stale.
    pub fn stale(current: i64, from_if_match: bool) -> Self {
        let status = if from_if_match {
            StatusCode::PRECONDITION_FAILED
        } else {
            StatusCode::CONFLICT
        };
        Self {
            current_version: Some(current),
            ..Self::new(
                status,
                format!("the resource has changed; its current version is {current}"),
            )
        }
    }

    /// 413: the body is over the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request bodies are limited to {limit} bytes"),
        )
    }

    /// 422: one invalid field.
    pub fn invalid(field: &str, message: &str) -> Self {
        Self::from(Refusal::invalid(field, message))
    }

    /// 429: throttled; retry after the given number of seconds.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "too many attempts; try again later")
        }
    }

    /// 500: something broke on our side. The cause is logged, never sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "an internal error occurred; it has been logged",
        )
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The invalid fields of a 422.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The current version named by a stale-version refusal.
    pub fn current_version(&self) -> Option<i64> {
        self.current_version
    }

    /// What went wrong, in English, for the logs and the API.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    fn problem(&self) -> Problem {
        let errors = (!self.errors.is_empty()).then(|| {
            self.errors
                .iter()
                .map(|e| ProblemField {
                    field: e.field.clone(),
                    message: e.message.clone(),
                })
                .collect()
        });
        problem_for(self.status, self.detail.clone(), errors, self.current_version)
    }
}

/// The slug used in a problem's `type` for each status.
fn problem_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "malformed-request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        409 => "conflict",
        411 => "length-required",
        412 => "precondition-failed",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        422 => "validation-failed",
        429 => "too-many-requests",
        _ if status.is_server_error() => "internal-error",
        _ => "error",
    }
}

fn problem_for(
    status: StatusCode,
    detail: String,
    errors: Option<Vec<ProblemField>>,
    current_version: Option<i64>,
) -> Problem {
    Problem {
        kind: format!("https://sluss.city/problems/{}", problem_type(status)),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors,
        current_version,
    }
}

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

fn problem_response(status: StatusCode, problem: &Problem) -> Response {
    let body = problem.to_json_string();
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, PROBLEM_JSON)
        .body(body);
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

impl poem::error::ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        let mut response = problem_response(self.status, &self.problem());
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        poem::error::ResponseError::as_response(&self)
    }
}

/// Every status an endpoint may answer with a problem; listed on every operation so the
/// published spec holds every answer the server can give.
const ERROR_STATUSES: [(u16, &str); 10] = [
    (
        400,
        "Malformed request: bad JSON, wrong type, bad UUID, unknown enum value",
    ),
    (401, "No valid token, or wrong e-mail or password"),
    (403, "The caller's roles do not allow the action"),
    (404, "No such resource, or the caller may not see it"),
    (409, "Not allowed in the current state, or a stale version"),
    (412, "The If-Match version is stale"),
    (413, "Body over 1 MiB"),
    (422, "Invalid or missing values"),
    (429, "Too many attempts"),
    (500, "Internal error"),
];

impl ApiResponse for ApiError {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: ERROR_STATUSES
                .iter()
                .map(|(status, description)| MetaResponse {
                    description,
                    status: Some(*status),
                    status_range: None,
                    content: vec![MetaMediaType {
                        content_type: PROBLEM_JSON,
                        schema: <Problem as poem_openapi::types::Type>::schema_ref(),
                    }],
                    headers: vec![],
                })
                .collect(),
        }
    }

    fn register(registry: &mut Registry) {
        <Problem as poem_openapi::types::Type>::register(registry);
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotVisible => ApiError::not_found(),
            Refusal::NotPermitted(reason) => ApiError::new(StatusCode::FORBIDDEN, reason),
            Refusal::Invalid(errors) => {
                let detail = errors
                    .iter()
                    .map(|e| format!("{} {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                Self {
                    errors,
                    ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
                }
            }
            refusal @ (Refusal::InvalidTransition { .. } | Refusal::GuardFailed(_)) => {
                ApiError::conflict(refusal.to_string())
            }
        }
    }
}

impl From<RepoError> for ApiError {
    fn from(error: RepoError) -> Self {
        match error {
            RepoError::NotFound => ApiError::not_found(),
            RepoError::Conflict(detail) => ApiError::conflict(detail),
            RepoError::StaleVersion { current } => ApiError::stale(current, false),
            RepoError::Db(db) => ApiError::internal(&db),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    /// A database failure is a 500; its cause is logged, never sent.
    fn from(error: sea_orm::DbErr) -> Self {
        ApiError::internal(&error)
    }
}

/// poem-openapi names a date or time that failed to parse by its type ("string_date-time"),
/// which tells a caller nothing about what to send; these are the formats it accepts.
const FORMAT_HINTS: [(&str, &str); 2] = [
    (
        "\"string_date-time\"",
        "a date and time must be RFC 3339, such as 2026-12-24T12:00:00Z",
    ),
    (
        "\"string_naive-date\"",
        "a date must be an ISO 8601 date (YYYY-MM-DD), such as 2026-12-24",
    ),
];

/// `detail` of a parse error, followed by the expected format of each date or time type it
/// names.
fn with_format_hint(detail: String) -> String {
    let hints: Vec<&str> = FORMAT_HINTS
        .iter()
        .filter(|(type_name, _)| detail.contains(type_name))
        .map(|(_, hint)| *hint)
        .collect();
    if hints.is_empty() {
        detail
    } else {
        format!("{detail}; {}", hints.join("; "))
    }
}

/// Renders any error that reached the top of the route tree as problem+json: our own
/// errors render themselves; poem's are wrapped with their status and message.
pub fn render_any_error(error: poem::Error) -> Response {
    let operation = error.data::<poem_openapi::OperationId>().copied();
    let mut response = if let Some(api_error) = error.downcast_ref::<ApiError>() {
        api_error.clone().into_response()
    } else {
        let status = error.status();
        let detail = if status.is_server_error() {
            tracing::error!(error = %error, "request failed");
            "an internal error occurred; it has been logged".to_owned()
        } else {
            with_format_hint(error.to_string())
        };
        problem_response(status, &problem_for(status, detail, None, None))
    };
    if let Some(operation) = operation {
        response.set_data(operation);
    }
    response
}
