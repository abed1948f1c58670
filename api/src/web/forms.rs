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
    /// Labels a page gives its fields where the field's name has no label of its own
    /// (a scorecard's criteria, a question's text): (field name, label).
    pub labels: Vec<(String, String)>,
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

    /// Names the field `field` `label` in the error summary.
    pub fn label(&mut self, field: &str, label: String) {
        self.labels.push((field.to_owned(), label));
    }

    /// The message of `field` as the error summary lists it: the field's label, then the
    /// message ("Description: enter a value", SPEC §14.5). The label is the one the page
    /// gave, else the field's own (`field-<name>`, a team member's "Team member 2, Email").
    pub fn summary_entry(&self, tr: &Tr, field: &str, message: &str) -> String {
        match self.label_of(tr, field) {
            Some(label) => tr.t_with(
                "error-summary-entry",
                &[("label", label.into()), ("message", lower_first(message).into())],
            ),
            None => message.to_owned(),
        }
    }

    fn label_of(&self, tr: &Tr, field: &str) -> Option<String> {
        if let Some((_, label)) = self.labels.iter().find(|(f, _)| f == field) {
            return Some(label.clone());
        }
        let own = |name: &str| tr.try_t(&format!("field-{}", name.replace('_', "-")));
        match field.split('.').collect::<Vec<_>>().as_slice() {
            ["team", n, part] => {
                let n = n.parse::<i64>().ok()?;
                Some(format!(
                    "{}, {}",
                    tr.t_with("team-member-n", &[("n", (n + 1).into())]),
                    own(part)?
                ))
            }
            ["team", part] => own(part),
            ["criteria", n, part] => {
                let n = n.parse::<i64>().ok()?;
                Some(format!(
                    "{}, {}",
                    tr.t_with("criterion-n", &[("n", (n + 1).into())]),
                    own(part)?
                ))
            }
            // A team member's row as the idea form names it: `team_email_1`.
            [name] if name.starts_with("team_") => {
                let (part, n) = name.strip_prefix("team_")?.rsplit_once('_')?;
                let n = n.parse::<i64>().ok()?;
                Some(format!(
                    "{}, {}",
                    tr.t_with("team-member-n", &[("n", (n + 1).into())]),
                    own(part)?
                ))
            }
            [name] => own(name).or_else(|| name.strip_suffix("_id").and_then(own)),
            _ => None,
        }
    }

    /// One general message.
    pub fn general(message: String) -> Self {
        Self {
            general: Some(message),
            ..Self::default()
        }
    }
}

/// `message` with its first letter small, as it reads after a label and a colon; a
/// message that starts with a name in capitals ("URL", "SDG") is kept as it is.
fn lower_first(message: &str) -> String {
    let mut chars = message.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(message.chars().skip(1)).collect()
        }
        _ => message.to_owned(),
    }
}

/// A refusal as a form shows it, with the status the page answers with.
pub fn from_api_error(tr: &Tr, error: &ApiError, reload: &str) -> (StatusCode, FormErrors) {
    let mut errors = FormErrors::default();
    // A form read before someone else changed the resource: that is what the person needs
    // to know, whatever in the new state refused it (SPEC §10.5).
    if error.read_a_stale_version()
        && matches!(
            error.kind(),
            ApiErrorKind::InvalidTransition { .. } | ApiErrorKind::Conflict(_) | ApiErrorKind::Stale { .. }
        )
    {
        errors.general = Some(tr.t("error-stale"));
        errors.reload = Some(reload.to_owned());
        return (StatusCode::CONFLICT, errors);
    }
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
    fn the_summary_names_the_field_of_each_message_in_both_languages() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        let errors = FormErrors::default();
        assert_eq!(
            errors.summary_entry(&en, "description", "Enter a value"),
            "Description: enter a value"
        );
        assert!(
            errors
                .summary_entry(&sv, "description", "Fyll i ett värde")
                .starts_with("Beskrivning: fyll i"),
        );
        assert_eq!(
            errors.summary_entry(&en, "team.1.email", "Enter an email address"),
            "Team member 2, Email: enter an email address"
        );
        assert_eq!(
            errors.summary_entry(&en, "rubric_id", "Choose one"),
            "Rubric: choose one"
        );
        assert_eq!(
            errors.summary_entry(&en, "team_name_0", "Enter a value"),
            "Team member 1, Name: enter a value"
        );
        let mut labelled = FormErrors::default();
        labelled.label("scores.impact", "Impact".to_owned());
        assert_eq!(
            labelled.summary_entry(&en, "scores.impact", "Too high"),
            "Impact: too high"
        );
    }

    #[test]
    fn a_state_refusal_of_a_stale_form_says_someone_else_changed_it() {
        let tr = Tr::new(Lang::En);
        let refusal = ApiError::from(sluss_domain::Refusal::InvalidTransition {
            from: "submitted",
            command: "edit",
        });
        let (_, fresh) = from_api_error(&tr, &refusal, "/challenges/x/edit");
        assert_eq!(fresh.general.as_deref(), Some(tr.t("error-conflict").as_str()));
        assert!(fresh.reload.is_none());
        let (status, stale) = from_api_error(&tr, &refusal.also_stale(3), "/challenges/x/edit");
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(stale.general.as_deref(), Some(tr.t("error-stale").as_str()));
        assert_eq!(stale.reload.as_deref(), Some("/challenges/x/edit"));
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
