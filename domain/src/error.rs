//! Typed refusals of the domain rules.

use serde::Serialize;

/// One invalid or missing value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field, as named in the API.
    pub field: String,
    /// What is wrong with it, for a person to read.
    pub message: String,
}

impl FieldError {
    /// A field error from its parts.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Why a command or action was refused. The API maps each variant to one status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor may not see the resource (answers 404, never leaking existence).
    #[error("not found")]
    NotVisible,
    /// The actor sees the resource but its roles do not allow the action (403).
    #[error("{0}")]
    NotPermitted(String),
    /// Well-formed but invalid or missing values (422).
    #[error("invalid values")]
    Invalid(Vec<FieldError>),
    /// The command is not allowed in the current state (409).
    #[error("'{command}' is not allowed when the state is '{from}'")]
    InvalidTransition {
        /// The current state, snake_case.
        from: &'static str,
        /// The command, snake_case.
        command: &'static str,
    },
    /// A state-dependent guard is not met (409).
    #[error("{0}")]
    GuardFailed(String),
}

impl Refusal {
    /// A refusal for a single invalid field.
    pub fn invalid(field: &str, message: &str) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// A permission refusal with a reason.
    pub fn not_permitted(reason: &str) -> Self {
        Self::NotPermitted(reason.to_owned())
    }
}
