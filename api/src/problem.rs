//! The JSON face of errors: RFC 9457 `application/problem+json`.
//!
//! [`status`] is the single place that maps an [`ApiErrorKind`] to an HTTP status (SPEC
//! §7b). Errors raised by poem and poem-openapi themselves (bad JSON, bad UUIDs, unknown
//! routes, missing auth) are wrapped in the same shape by [`render_any_error`].

use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, Object};

use crate::error::{ApiError, ApiErrorKind};

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

/// The HTTP status the API answers an error of `kind` with.
pub fn status(kind: &ApiErrorKind) -> StatusCode {
    match kind {
        ApiErrorKind::BadRequest(_) => StatusCode::BAD_REQUEST,
        ApiErrorKind::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        ApiErrorKind::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiErrorKind::NotFound => StatusCode::NOT_FOUND,
        ApiErrorKind::InvalidTransition { .. } | ApiErrorKind::Conflict(_) => StatusCode::CONFLICT,
        ApiErrorKind::Stale {
            from_if_match: true, ..
        } => StatusCode::PRECONDITION_FAILED,
        ApiErrorKind::Stale {
            from_if_match: false, ..
        } => StatusCode::CONFLICT,
        ApiErrorKind::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        ApiErrorKind::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ApiErrorKind::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        ApiErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl std::fmt::Display for ApiError {
    /// The status and the English detail, as the logs show an error.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", status(self.kind()), self.detail())
    }
}

impl std::error::Error for ApiError {}

fn problem_of(error: &ApiError) -> Problem {
    let errors = (!error.field_errors().is_empty()).then(|| {
        error
            .field_errors()
            .iter()
            .map(|e| ProblemField {
                field: e.field.clone(),
                message: e.message(),
            })
            .collect()
    });
    problem_for(status(error.kind()), error.detail(), errors, error.current_version())
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
        status(self.kind())
    }

    fn as_response(&self) -> Response {
        let mut response = problem_response(status(self.kind()), &problem_of(self));
        if let ApiErrorKind::Throttled { retry_after_secs } = self.kind() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
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
const ERROR_STATUSES: [(u16, &str); 11] = [
    (
        400,
        "Malformed request: bad JSON, wrong type, bad UUID, unknown enum value",
    ),
    (401, "No valid token, or wrong e-mail or password"),
    (403, "The caller's roles do not allow the action"),
    (404, "No such resource, or the caller may not see it"),
    (409, "Not allowed in the current state, or a stale version"),
    (412, "The If-Match version is stale"),
    (413, "Body over 1 MiB (an upload: a file over --max-upload-mib)"),
    (415, "The body is not of the media type the operation takes"),
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
