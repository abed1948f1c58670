//! Choosing a registered organisation on a form without a list of all of them (ADR 0030):
//! the person types the name; "Search" shows the registered organisations that match as
//! radio choices, with everything else on the form kept; on save a name that is exactly
//! one registered organisation's is taken as it, anything else is refused on the field.
//! Works without JavaScript; one picker on a form, or one per team member row.

use maud::{Markup, html};
use sluss_domain::FieldProblem;
use sluss_domain::assessment::organisation_key;
use sluss_domain::organisation::OrganisationKind;
use uuid::Uuid;

use super::labels::label;
use crate::app;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::organisations::Organisation;
use crate::views::people::OrganisationRef;
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::layout::field_id;

/// How many matches a search shows.
const MATCHES: u32 = 20;

/// The button every picker's "Search" posts as (`find=<its name>`).
pub const FIND: &str = "find";

/// The form names of one picker.
#[derive(Debug, Clone)]
pub struct Names {
    /// The typed name (`organisation`, or `team_organisation` repeated per row).
    pub text: String,
    /// The hidden id chosen earlier (`organisation_id`; repeated per row for a team).
    pub id: String,
    /// The radio choice among the matches.
    pub pick: String,
    /// The error field and the input's id (`organisation_id`, `team_organisation_0`).
    pub field: String,
}

impl Names {
    /// A form's one picker for the API field `field` (`organisation_id`,
    /// `host_organisation_id`): the name is typed in the field named without `_id`.
    pub fn single(field: &str) -> Self {
        let base = field.strip_suffix("_id").unwrap_or(field);
        Self {
            text: base.to_owned(),
            id: field.to_owned(),
            pick: format!("{base}_pick"),
            field: field.to_owned(),
        }
    }

    /// The picker of team member row `i` of the idea form.
    pub fn team_row(i: usize) -> Self {
        Self {
            text: "team_organisation".to_owned(),
            id: "team_organisation_id".to_owned(),
            pick: format!("team_organisation_pick_{i}"),
            field: format!("team_organisation_{i}"),
        }
    }
}

/// What a picker holds after reading the form.
#[derive(Debug, Clone)]
pub struct Picker {
    /// Its form names.
    pub names: Names,
    /// The name as typed (or the chosen organisation's name).
    pub text: String,
    /// The registered organisation it names.
    pub chosen: Option<OrganisationRef>,
    /// The matches to choose from: after "Search", or when the name is not exactly one
    /// registered organisation's.
    pub matches: Option<Vec<Organisation>>,
    /// Whether the typed name stands for no single registered organisation.
    pub unresolved: bool,
}

impl Picker {
    /// An empty picker, or one showing `chosen`.
    pub fn with(names: Names, chosen: Option<OrganisationRef>) -> Self {
        Self {
            names,
            text: chosen.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
            chosen,
            matches: None,
            unresolved: false,
        }
    }

    /// The picker of a form with one, as posted.
    pub async fn read(ctx: &Ctx, state: &AppState, names: Names) -> Self {
        let searched = ctx.field(FIND) == Some(names.field.as_str());
        let text = ctx.text(&names.text);
        let id = ctx.field(&names.id).map(str::to_owned);
        let pick = ctx.field(&names.pick).map(str::to_owned);
        Self::resolve(state, names, &text, id.as_deref(), pick.as_deref(), searched).await
    }

    /// Reads one picker from the values posted: `pick` (a radio choice) wins, then `id`
    /// when it still carries the typed name, then the name itself.
    pub async fn resolve(
        state: &AppState,
        names: Names,
        text: &str,
        id: Option<&str>,
        pick: Option<&str>,
        searched: bool,
    ) -> Self {
        let text = text.trim().to_owned();
        let registered = |value: Option<&str>| {
            let id = value.and_then(|v| Uuid::parse_str(v.trim()).ok());
            async move {
                match id {
                    Some(id) => app::organisations::get(state, id).await.ok(),
                    None => None,
                }
            }
        };
        let mut picker = Self {
            names,
            text: text.clone(),
            chosen: None,
            matches: None,
            unresolved: false,
        };
        if let Some(chosen) = registered(pick).await {
            picker.text.clone_from(&chosen.name);
            picker.chosen = Some(named(&chosen));
        } else if let Some(chosen) = registered(id)
            .await
            .filter(|o| organisation_key(&o.name) == organisation_key(&text))
        {
            picker.chosen = Some(named(&chosen));
        } else if !text.is_empty() {
            let found = app::organisations::list(state, Some(MATCHES), None, Some(&text))
                .await
                .map(|page| page.items)
                .unwrap_or_default();
            let mut exact = found
                .iter()
                .filter(|o| organisation_key(&o.name) == organisation_key(&text));
            match (exact.next(), exact.next()) {
                (Some(one), None) => picker.chosen = Some(named(one)),
                _ => {
                    picker.unresolved = true;
                    picker.matches = Some(found);
                }
            }
        }
        if searched && picker.matches.is_none() && !picker.text.is_empty() {
            picker.matches = Some(
                app::organisations::list(state, Some(MATCHES), None, Some(&picker.text))
                    .await
                    .map(|page| page.items)
                    .unwrap_or_default(),
            );
        }
        picker
    }

    /// The chosen organisation's id; a name that is no single registered organisation's
    /// is refused on the picker's field.
    pub fn resolved(&self) -> Result<Option<Uuid>, ApiError> {
        if self.unresolved {
            Err(ApiError::invalid(&self.names.field, FieldProblem::NoSuchOrganisation))
        } else {
            Ok(self.chosen.as_ref().map(|o| o.id))
        }
    }

    /// The form group: label, hint, the name, "Search", and the matches to choose from.
    pub fn render(&self, ctx: &Ctx, label_text: &str, hint: &str, errors: &FormErrors) -> Markup {
        let tr = &ctx.tr;
        let id = field_id(&self.names.field);
        let error = errors.message_for(&self.names.field);
        let described = match error {
            Some(_) => format!("{id}-hint {id}-error"),
            None => format!("{id}-hint"),
        };
        let chosen_id = self.chosen.as_ref().map(|o| o.id.to_string()).unwrap_or_default();
        html! {
            div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                label class="govuk-label" for=(id) { (label_text) }
                div class="govuk-hint" id={ (id) "-hint" } { (hint) }
                @if let Some(message) = error {
                    p class="govuk-error-message" id={ (id) "-error" } {
                        span class="govuk-visually-hidden" { "! " }
                        (message)
                    }
                }
                div class="sluss-picker" {
                    input class={ "govuk-input govuk-!-width-two-thirds" @if error.is_some() { " govuk-input--error" } }
                        id=(id) name=(self.names.text) type="text" value=(self.text)
                        autocomplete="organization" aria-describedby=(described);
                    input type="hidden" name=(self.names.id) value=(chosen_id);
                    " "
                    button type="submit" name=(FIND) value=(self.names.field) formnovalidate
                        class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" {
                        (tr.t("button-search"))
                        span class="govuk-visually-hidden" { " " (label_text) }
                    }
                }
                @if let Some(matches) = &self.matches {
                    @if matches.is_empty() {
                        p class="govuk-body govuk-!-margin-top-2" {
                            (tr.t_with("organisation-search-none", &[("name", self.text.clone().into())]))
                        }
                    } @else {
                        fieldset class="govuk-fieldset govuk-!-margin-top-3" {
                            legend class="govuk-fieldset__legend govuk-fieldset__legend--s" {
                                (tr.t_with("organisation-search-matches", &[("name", self.text.clone().into())]))
                            }
                            div class="govuk-radios govuk-radios--small" {
                                @for (n, organisation) in matches.iter().enumerate() {
                                    @let radio = format!("{id}-pick-{n}");
                                    div class="govuk-radios__item" {
                                        input class="govuk-radios__input" id=(radio) name=(self.names.pick) type="radio"
                                            value=(organisation.id) checked[self.chosen.as_ref().is_some_and(|c| c.id == organisation.id)];
                                        label class="govuk-label govuk-radios__label" for=(radio) {
                                            (organisation.name)
                                            span class="govuk-hint govuk-!-display-inline" {
                                                " (" (label(tr, "organisation-kind", OrganisationKind::from(organisation.kind).as_str()))
                                                @if let Some(number) = &organisation.org_number { ", " (number) }
                                                ")"
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Picker {
    /// Says, on a refused form, which name was typed that is no single registered
    /// organisation's, and that the matches below are to choose from.
    pub fn explain(&self, ctx: &Ctx, errors: &mut FormErrors) {
        if !self.unresolved {
            return;
        }
        let key = if self.matches.as_ref().is_some_and(|m| !m.is_empty()) {
            "error-organisation-choose"
        } else {
            "error-organisation-unknown"
        };
        let message = ctx.tr.t_with(key, &[("name", self.text.clone().into())]);
        for (field, text) in &mut errors.fields {
            if *field == self.names.field {
                text.clone_from(&message);
            }
        }
    }
}

/// Whether the form was posted by a picker's "Search" rather than saved.
pub fn searching(ctx: &Ctx) -> bool {
    ctx.field(FIND).is_some()
}

fn named(organisation: &Organisation) -> OrganisationRef {
    OrganisationRef {
        id: organisation.id,
        name: organisation.name.clone(),
    }
}
