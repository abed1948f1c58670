//! Refused forms: the API's refusal turned into messages in the person's language, tied to
//! the fields of the form (SPEC §10.5).

use fluent_templates::fluent_bundle::FluentValue;
use poem::http::StatusCode;
use sluss_domain::FieldError;

use super::i18n::Tr;
use crate::error::ApiError;

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
    let status = error.status();
    let mut errors = FormErrors::default();
    match status.as_u16() {
        422 => {
            errors.fields = error
                .field_errors()
                .iter()
                .map(|e| (e.field.clone(), field_message(tr, e)))
                .collect();
            if errors.fields.is_empty() {
                errors.general = Some(tr.t("error-invalid-generic"));
            }
        }
        409 | 412 if error.current_version().is_some() => {
            errors.general = Some(tr.t("error-stale"));
            errors.reload = Some(reload.to_owned());
        }
        409 => errors.general = Some(conflict_message(tr, error.detail())),
        429 => errors.general = Some(tr.t("error-throttled")),
        401 => errors.general = Some(tr.t("error-login-failed")),
        403 => errors.general = Some(tr.t("error-forbidden-action")),
        _ => errors.general = Some(tr.t("error-internal")),
    }
    let status = if status == StatusCode::PRECONDITION_FAILED {
        StatusCode::CONFLICT
    } else {
        status
    };
    (status, errors)
}

/// A state conflict in words: the guards the domain names, else a general sentence.
fn conflict_message(tr: &Tr, detail: &str) -> String {
    if let Some(counts) = detail.strip_suffix(" required scorecards are in") {
        let mut numbers = counts
            .split(" of ")
            .map(|n| n.trim().parse::<i64>().unwrap_or_default());
        let (submitted, required) = (numbers.next().unwrap_or_default(), numbers.next().unwrap_or_default());
        return tr.t_with(
            "error-too-few-scorecards",
            &[("submitted", submitted.into()), ("required", required.into())],
        );
    }
    const KNOWN: [(&str, &str); 8] = [
        ("organisation number is already registered", "error-org-number-taken"),
        ("reactivate it first", "error-reset-deactivated"),
        ("sends no e-mail", "error-no-mail"),
        ("is already registered", "error-email-taken"),
        ("closed for ideas", "error-ideas-closed"),
        ("no longer takes ideas", "error-ideas-closed"),
        ("does not take ideas", "error-ideas-closed"),
        ("the arena is closed", "error-arena-closed"),
    ];
    KNOWN
        .iter()
        .find(|(needle, _)| detail.contains(needle))
        .map_or_else(|| tr.t("error-conflict"), |(_, key)| tr.t(key))
}

/// The message of a field error in the person's language. The domain words its messages
/// in English for the API; each known form has a Fluent message, with the numbers it
/// carries as arguments.
pub fn field_message(tr: &Tr, error: &FieldError) -> String {
    let message = error.message.as_str();
    let number = message
        .split(|c: char| !c.is_ascii_digit() && c != '-')
        .find_map(|piece| piece.parse::<i64>().ok());
    let with_n = |key: &str| tr.t_with(key, &[("n", FluentValue::from(number.unwrap_or_default()))]);
    match message {
        "must not be empty" => tr.t("error-required"),
        "must be an e-mail address such as name@example.org" => tr.t("error-email"),
        "must not contain the NUL character" => tr.t("error-nul"),
        "must be one line, without control characters" => tr.t("error-one-line"),
        "must be in the future" => tr.t("error-future"),
        "no such arena" | "no such record" | "no such user" => tr.t("error-no-such"),
        "is too common; choose another" => tr.t("error-password-common"),
        "is not your password" => tr.t("error-not-your-password"),
        "must be sv or en" => tr.t("error-choose"),
        "ask for needs_owner, innovator or both" => tr.t("error-roles-self-service"),
        "must not be before starts_on" | "must not be before starts_at" | "must not be before since" => {
            tr.t("error-end-before-start")
        }
        "must contain a word" => tr.t("error-search-word"),
        "must be a date" => tr.t("error-date"),
        "must be chosen" | "must be one of the kinds of organisation" => tr.t("error-choose"),
        "must be a Swedish organisation number NNNNNN-NNNN" => tr.t("error-org-number"),
        "must be an http:// or https:// address" => tr.t("error-website"),
        "no such organisation" => tr.t("error-no-organisation"),
        "the user is deactivated" => tr.t("error-assessor-deactivated"),
        "the user does not hold the assessor role" => tr.t("error-not-assessor"),
        "conflict of interest: the assessor is the idea's innovator" => tr.t("error-conflict-innovator"),
        "conflict of interest: the assessor owns the challenge" => tr.t("error-conflict-owner"),
        "conflict of interest: the assessor belongs to the innovator's organisation" => {
            tr.t("error-conflict-organisation")
        }
        "must be scored" => tr.t("error-must-be-scored"),
        "must be a date and time" => tr.t("error-datetime"),
        m if m.starts_with("must be at most") && m.ends_with("characters") => with_n("error-too-long"),
        m if m.starts_with("must be at least") && m.ends_with("characters") => with_n("error-too-short"),
        m if m.ends_with("is not a UN goal (1..17)") => tr.t("error-sdg"),
        m if m.starts_with("at most") && m.ends_with("co-applicants") => with_n("error-team-size"),
        m if m.contains("is granted by a facilitator") => tr.t("error-roles-self-service"),
        _ => tr.t("error-invalid-generic"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;

    #[test]
    fn known_domain_messages_are_translated_with_their_numbers() {
        let sv = Tr::new(Lang::Sv);
        let en = Tr::new(Lang::En);
        let long = FieldError::new("title", "must be at most 200 characters");
        assert!(
            field_message(&sv, &long).contains("200"),
            "{}",
            field_message(&sv, &long)
        );
        assert!(field_message(&en, &long).contains("200"));
        assert_ne!(field_message(&sv, &long), field_message(&en, &long));
        let empty = FieldError::new("title", "must not be empty");
        assert_ne!(field_message(&sv, &empty), "must not be empty");
    }

    #[test]
    fn too_few_scorecards_are_counted_in_words() {
        let tr = Tr::new(Lang::Sv);
        let (status, errors) = from_api_error(
            &tr,
            &ApiError::conflict("1 of 2 required scorecards are in"),
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
