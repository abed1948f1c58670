//! The one error type the application layer returns, with the kind of refusal it is.
//!
//! An [`ApiError`] says what went wrong as an [`ApiErrorKind`], with the domain's typed
//! reasons in it. It holds no status and no sentence: each face decides how to show a
//! kind. The JSON API renders it as RFC 9457 problem+json ([`crate::problem`], the only
//! place that maps a kind to an HTTP status); the web interface turns it into a message in
//! the person's language ([`crate::web::forms`]).

use sluss_domain::{ConflictReason, FieldError, FieldProblem, ForbiddenReason, Refusal};

use crate::persistence::RepoError;

/// What kind of error, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// The request is malformed; the detail names what is wrong with it.
    BadRequest(String),
    /// No valid credentials; the detail says which.
    Unauthorized(String),
    /// The caller sees the resource but may not act on it.
    Forbidden(ForbiddenReason),
    /// No such resource, or the caller may not see it.
    NotFound,
    /// A command the resource's state does not take.
    InvalidTransition {
        /// The current state, snake_case.
        from: &'static str,
        /// The command, snake_case.
        command: &'static str,
    },
    /// A guard of the current state is not met.
    Conflict(ConflictReason),
    /// The version given is not the resource's current one.
    Stale {
        /// The version the resource has now.
        current: i64,
        /// Whether the version came from `If-Match` (rather than the body).
        from_if_match: bool,
    },
    /// The body is over the limit.
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Well-formed but invalid or missing values, each with its field.
    Invalid(Vec<FieldError>),
    /// Too many attempts.
    Throttled {
        /// Seconds until the next attempt may succeed (at least 1).
        retry_after_secs: u64,
    },
    /// Something broke on our side; the cause was logged where it happened.
    Internal,
}

/// An error answer of the API: its [kind](ApiErrorKind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    kind: ApiErrorKind,
    /// The current version, when the version the caller read was stale as well (the kind
    /// says what refused it first; the JSON face answers the kind alone).
    stale_as_well: Option<i64>,
}

impl ApiError {
    fn of(kind: ApiErrorKind) -> Self {
        Self {
            kind,
            stale_as_well: None,
        }
    }

    /// Notes that the version the caller read was stale as well; `current` is the
    /// resource's version now.
    pub fn also_stale(mut self, current: i64) -> Self {
        self.stale_as_well = Some(current);
        self
    }

    /// Whether the version the caller read is not the current one: a stale-version
    /// refusal, or another refusal [noted](Self::also_stale) as stale as well.
    pub fn read_a_stale_version(&self) -> bool {
        matches!(self.kind, ApiErrorKind::Stale { .. }) || self.stale_as_well.is_some()
    }

    /// The request is malformed (400).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::of(ApiErrorKind::BadRequest(detail.into()))
    }

    /// No valid credentials (401).
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::of(ApiErrorKind::Unauthorized(detail.into()))
    }

    /// The caller may not do this (403).
    pub fn forbidden(reason: ForbiddenReason) -> Self {
        Self::of(ApiErrorKind::Forbidden(reason))
    }

    /// No such resource, or the caller may not see it (404).
    pub fn not_found() -> Self {
        Self::of(ApiErrorKind::NotFound)
    }

    /// A conflict with the current state (409).
    pub fn conflict(reason: ConflictReason) -> Self {
        Self::of(ApiErrorKind::Conflict(reason))
    }

    /// The version given is stale (409, or 412 when it came from `If-Match`).
    pub fn stale(current: i64, from_if_match: bool) -> Self {
        Self::of(ApiErrorKind::Stale { current, from_if_match })
    }

    /// The body is over the limit (413).
    pub fn payload_too_large(limit: usize) -> Self {
        Self::of(ApiErrorKind::PayloadTooLarge { limit })
    }

    /// One invalid field (422).
    pub fn invalid(field: &str, problem: FieldProblem) -> Self {
        Self::from(Refusal::invalid(field, problem))
    }

    /// Throttled; retry after the given number of seconds (429).
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::of(ApiErrorKind::Throttled {
            retry_after_secs: retry_after_secs.max(1),
        })
    }

    /// Something broke on our side (500). The cause is logged here, never sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::of(ApiErrorKind::Internal)
    }

    /// What kind of error this is, and why.
    pub fn kind(&self) -> &ApiErrorKind {
        &self.kind
    }

    /// Whether the resource does not exist for the caller.
    pub fn is_not_found(&self) -> bool {
        matches!(self.kind, ApiErrorKind::NotFound)
    }

    /// Whether values were refused (the fields say which).
    pub fn is_invalid(&self) -> bool {
        matches!(self.kind, ApiErrorKind::Invalid(_))
    }

    /// The invalid fields, when values were refused.
    pub fn field_errors(&self) -> &[FieldError] {
        match &self.kind {
            ApiErrorKind::Invalid(errors) => errors,
            _ => &[],
        }
    }

    /// The current version named by a stale-version refusal.
    pub fn current_version(&self) -> Option<i64> {
        match self.kind {
            ApiErrorKind::Stale { current, .. } => Some(current),
            _ => None,
        }
    }

    /// What went wrong, in English, for the logs and the API.
    pub fn detail(&self) -> String {
        match &self.kind {
            ApiErrorKind::BadRequest(detail) | ApiErrorKind::Unauthorized(detail) => detail.clone(),
            ApiErrorKind::Forbidden(reason) => reason.to_string(),
            ApiErrorKind::NotFound => "no such resource".to_owned(),
            ApiErrorKind::InvalidTransition { from, command } => {
                Refusal::InvalidTransition { from, command }.to_string()
            }
            ApiErrorKind::Conflict(reason) => reason.to_string(),
            ApiErrorKind::Stale { current, .. } => {
                format!("the resource has changed; its current version is {current}")
            }
            ApiErrorKind::PayloadTooLarge { limit } => format!("request bodies are limited to {limit} bytes"),
            ApiErrorKind::Invalid(errors) => errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.problem))
                .collect::<Vec<_>>()
                .join("; "),
            ApiErrorKind::Throttled { .. } => "too many attempts; try again later".to_owned(),
            ApiErrorKind::Internal => "an internal error occurred; it has been logged".to_owned(),
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        Self::of(match refusal {
            Refusal::NotVisible => ApiErrorKind::NotFound,
            Refusal::NotPermitted(reason) => ApiErrorKind::Forbidden(reason),
            Refusal::Invalid(errors) => ApiErrorKind::Invalid(errors),
            Refusal::InvalidTransition { from, command } => ApiErrorKind::InvalidTransition { from, command },
            Refusal::GuardFailed(reason) => ApiErrorKind::Conflict(reason),
        })
    }
}

impl From<RepoError> for ApiError {
    fn from(error: RepoError) -> Self {
        match error {
            RepoError::NotFound => ApiError::not_found(),
            RepoError::Conflict(reason) => ApiError::conflict(reason),
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
