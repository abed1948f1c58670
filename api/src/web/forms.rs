//! Refused forms: the kind of refusal turned into messages in the person's language, tied
//! to the fields of the form (SPEC §10.5). The messages of the domain's reasons are in
//! [`super::refusals`].

use poem::http::StatusCode;

use super::i18n::Tr;
use super::refusals::{conflict_message, field_message, forbidden_message};
use crate::error::{ApiError, ApiErrorKind};

/// What a refused form shows: a message per field, and a general one.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    /// (field name, message) in the order of the form.
    pub fields: Vec<(String, String)>,
    /// A message about the whole form (a state conflict, a throttle).
    pub general: Option<String>,
    /// For a stale version: the page to reload.
    pub reload: Option<String>,
}

impl FormErrors {
    /// No errors.
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_none()
    }

    /// The first message for `field` (or for a sub-field such as `team.0.email`).
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    /// One general message.
    pub fn general(message: String) -> Self {
        Self {
            general: Some(message),
            ..Self::default()
        }
    }
}

/// A refusal as a form shows it, with the status the page answers with.
pub fn from_api_error(tr: &Tr, error: &ApiError, reload: &str) -> (StatusCode, FormErrors) {
    let mut errors = FormErrors::default();
    let status = match error.kind() {
        ApiErrorKind::Invalid(fields) => {
            errors.fields = fields
                .iter()
                .map(|e| (e.field.clone(), field_message(tr, &e.problem)))
                .collect();
            if errors.fields.is_empty() {
                errors.general = Some(tr.t("error-invalid-generic"));
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        // A stale `If-Match` is a 412 to the API; to a person it is the same conflict.
        ApiErrorKind::Stale { .. } => {
            errors.general = Some(tr.t("error-stale"));
            errors.reload = Some(reload.to_owned());
            StatusCode::CONFLICT
        }
        ApiErrorKind::Conflict(reason) => {
            errors.general = Some(conflict_message(tr, *reason));
            StatusCode::CONFLICT
        }
        ApiErrorKind::InvalidTransition { .. } => {
            errors.general = Some(tr.t("error-conflict"));
            StatusCode::CONFLICT
        }
        ApiErrorKind::Throttled { .. } => {
            errors.general = Some(tr.t("error-throttled"));
            StatusCode::TOO_MANY_REQUESTS
        }
        ApiErrorKind::Unauthorized(_) => {
            errors.general = Some(tr.t("error-login-failed"));
            StatusCode::UNAUTHORIZED
        }
        ApiErrorKind::Forbidden(reason) => {
            errors.general = Some(forbidden_message(tr, *reason));
            StatusCode::FORBIDDEN
        }
        ApiErrorKind::NotFound => {
            errors.general = Some(tr.t("error-internal"));
            StatusCode::NOT_FOUND
        }
        ApiErrorKind::BadRequest(_) => {
            errors.general = Some(tr.t("error-internal"));
            StatusCode::BAD_REQUEST
        }
        ApiErrorKind::PayloadTooLarge { .. } => {
            errors.general = Some(tr.t("error-internal"));
            StatusCode::PAYLOAD_TOO_LARGE
        }
        ApiErrorKind::Internal => {
            errors.general = Some(tr.t("error-internal"));
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    (status, errors)
}

#[cfg(test)]
mod tests {
    use sluss_domain::{ConflictReason, FieldProblem};

    use super::*;
    use crate::web::i18n::Lang;

    #[test]
    fn known_domain_messages_are_translated_with_their_numbers() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        let long = ApiError::invalid("title", FieldProblem::TooLong { max: 200 });
        let message = |tr: &Tr, error: &ApiError| {
            let (status, errors) = from_api_error(tr, error, "/x");
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            errors.message_for("title").unwrap_or_default().to_owned()
        };
        assert!(message(&sv, &long).contains("200"), "{}", message(&sv, &long));
        assert!(message(&en, &long).contains("200"));
        assert_ne!(message(&sv, &long), message(&en, &long));
        let empty = ApiError::invalid("title", FieldProblem::Required);
        assert_ne!(message(&sv, &empty), "must not be empty");
    }

    #[test]
    fn too_few_scorecards_are_counted_in_words() {
        let tr = Tr::new(Lang::Sv);
        let (status, errors) = from_api_error(
            &tr,
            &ApiError::conflict(ConflictReason::TooFewScorecards {
                submitted: 1,
                required: 2,
            }),
            "/ideas/x",
        );
        assert_eq!(status, StatusCode::CONFLICT);
        let message = errors.general.unwrap_or_default();
        assert!(message.starts_with("1 av de 2"), "{message}");
    }

    #[test]
    fn a_stale_version_offers_a_reload() {
        let tr = Tr::new(Lang::En);
        let (status, errors) = from_api_error(&tr, &ApiError::stale(4, false), "/challenges/x/edit");
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(errors.reload.as_deref(), Some("/challenges/x/edit"));
        assert!(errors.general.is_some());
    }
}
