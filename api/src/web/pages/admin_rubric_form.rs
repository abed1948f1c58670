//! The form of a rubric on `/admin/rubrics` — a name, the scorecards needed and criterion
//! rows — as a browser posts it, read into a [`RubricInput`] or into messages tied to the
//! fields of each row.

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

use maud::{Markup, html};
use sluss_domain::Refusal;
use sluss_domain::assessment::{Criterion, Rubric, check_rubric};

use crate::app::assessment::{NewCriterion, RubricInput};
use crate::views::assessment::ApiRubric;
use crate::web::context::Ctx;
use crate::web::forms::FormErrors;
use crate::web::i18n::Tr;
use crate::web::layout::{Input, button, csrf_field, textarea};
use crate::web::refusals::field_message;

/// The criterion rows the form offers; rows left blank are ignored.
pub const ROWS: usize = 5;
/// The fields of a criterion row, as the form names them after `criteria.{row}.`.
const COLUMNS: [&str; 7] = [
    "key",
    "name",
    "description",
    "weight",
    "scale_min",
    "scale_max",
    "scale_labels",
];

pub fn row_field(row: usize, column: &str) -> String {
    format!("criteria.{row}.{column}")
}

/// The most criterion rows a form may post (the domain allows 30 criteria).
const ROWS_MAX: usize = 40;

/// How many criterion rows the form shows for `values`: at least [`ROWS`], and every row
/// the values fill.
pub fn rows_in(values: &[(String, String)]) -> usize {
    let highest = values
        .iter()
        .filter_map(|(name, _)| name.strip_prefix("criteria.")?.split('.').next()?.parse::<usize>().ok())
        .filter(|row| *row < ROWS_MAX)
        .max()
        .map_or(0, |row| row + 1);
    highest.max(ROWS)
}

/// The values of the form for an existing rubric, with two blank rows to add criteria.
pub fn values_of(rubric: &ApiRubric) -> Vec<(String, String)> {
    let mut values = vec![
        ("name".to_owned(), rubric.name.clone()),
        ("min_scorecards".to_owned(), rubric.min_scorecards.to_string()),
    ];
    for (row, c) in rubric.criteria.iter().enumerate() {
        for (column, value) in COLUMNS.iter().zip([
            c.key.clone(),
            c.name.clone(),
            c.description.clone(),
            c.weight.to_string(),
            c.scale_min.to_string(),
            c.scale_max.to_string(),
            labels_text(&c.scale_labels),
        ]) {
            values.push((row_field(row, column), value));
        }
    }
    values.push((row_field(rubric.criteria.len() + 1, "key"), String::new()));
    values
}

/// The form posting to `action`, filled with `values`; `version` for a change of an
/// existing rubric.
pub fn rubric_form(
    ctx: &Ctx,
    action: &str,
    values: &[(String, String)],
    version: Option<&str>,
    errors: &FormErrors,
) -> Markup {
    let tr = &ctx.tr;
    let criteria_error = errors.message_for("criteria");
    let value = |name: &str| {
        values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (name, min_scorecards) = (value("name"), value("min_scorecards"));
    html! {
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            @if let Some(version) = version { input type="hidden" name="expected_version" value=(version); }
            (Input::text("name", tr.t("field-name"), &name).render(errors))
            (Input::text("min_scorecards", tr.t("field-min-scorecards"), &min_scorecards).kind("number").hint(tr.t("min-scorecards-hint")).render(errors))
            div class={ "govuk-form-group" @if criteria_error.is_some() { " govuk-form-group--error" } } id="f-criteria" {
                p class="govuk-body" id="f-criteria-hint" { (tr.t("new-rubric-intro")) }
                @if let Some(message) = criteria_error {
                    p class="govuk-error-message" id="f-criteria-error" { span class="govuk-visually-hidden" { "! " } (message) }
                }
                @for row in 0..rows_in(values) {
                    @let [key, name, description, weight, scale_min, scale_max, scale_labels] = COLUMNS.map(|c| row_field(row, c));
                    @let [key_v, name_v, description_v, weight_v, scale_min_v, scale_max_v, scale_labels_v] = [&key, &name, &description, &weight, &scale_min, &scale_max, &scale_labels].map(|f| value(f));
                    fieldset class="govuk-fieldset govuk-!-margin-bottom-6" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" {
                            (tr.t_with("criterion-n", &[("n", (row + 1).into())]))
                        }
                        // The key scorecards use is made from the name (`derived_key`) and
                        // kept as it is once made.
                        @if !key_v.trim().is_empty() { input type="hidden" name=(key) value=(key_v); }
                        (Input::text(&name, tr.t("field-name"), &name_v).render(errors))
                        (Input::text(&description, tr.t("field-description"), &description_v).render(errors))
                        (Input::text(&weight, tr.t("field-weight"), &weight_v).render(errors))
                        (Input::text(&scale_min, tr.t("field-scale-min"), &scale_min_v).kind("number").hint(tr.t("scale-hint")).render(errors))
                        (Input::text(&scale_max, tr.t("field-scale-max"), &scale_max_v).kind("number").render(errors))
                        (textarea(&scale_labels, &tr.t("field-scale-labels"), &scale_labels_v, Some(&tr.t("scale-labels-hint")), errors))
                    }
                }
            }
            (button(&tr.t("button-save")))
        }
    }
}

/// A number typed in `field`: `None` when left blank, an error message when not a number.
fn number<T: FromStr>(ctx: &Ctx, field: &str, fields: &mut Vec<(String, String)>) -> Option<T> {
    let value = ctx.field(field).map(str::trim).filter(|v| !v.is_empty())?;
    // A Swedish keyboard writes decimals with a comma.
    let parsed = value.replace(',', ".").parse().ok();
    if parsed.is_none() {
        fields.push((field.to_owned(), ctx.tr.t("error-number")));
    }
    parsed
}

/// The domain's refusal of a rubric in the person's language; `row` names the criterion
/// row the errors of `criteria.*` belong to.
fn add_refusal(tr: &Tr, refusal: Result<(), Refusal>, row: Option<usize>, fields: &mut Vec<(String, String)>) {
    let Err(Refusal::Invalid(errors)) = refusal else {
        return;
    };
    for error in &errors {
        let field = match (error.field.strip_prefix("criteria."), row) {
            // The key is made from the name: what is wrong with it is said at the name.
            (Some("key"), Some(row)) => row_field(row, "name"),
            (Some(column), Some(row)) => row_field(row, column),
            (None, None) => error.field.clone(),
            _ => continue,
        };
        // A field that already failed to parse keeps that message alone.
        if fields.iter().any(|(f, _)| *f == field) {
            continue;
        }
        fields.push((field, field_message(tr, &error.problem)));
    }
}

/// The rubric the form describes, or the messages of its fields in the order of the form.
// The refusal is what the page shows, at once; boxing it would buy nothing.
#[allow(clippy::result_large_err)]
pub fn read_form(ctx: &Ctx) -> Result<RubricInput, FormErrors> {
    let tr = &ctx.tr;
    let mut fields = Vec::new();
    let min_scorecards = number::<u32>(ctx, "min_scorecards", &mut fields);
    let mut row_errors = Vec::new();
    let mut criteria = Vec::new();
    let mut keys = HashSet::new();
    for row in 0..rows_in(&ctx.form) {
        let blank = COLUMNS
            .iter()
            .all(|c| ctx.field(&row_field(row, c)).is_none_or(|v| v.trim().is_empty()));
        if blank {
            continue;
        }
        let given = ctx.text(&row_field(row, "key")).trim().to_owned();
        let key = if given.is_empty() {
            derived_key(&ctx.text(&row_field(row, "name")), &keys)
        } else {
            given
        };
        let criterion = NewCriterion {
            key,
            name: ctx.text(&row_field(row, "name")),
            description: ctx.text(&row_field(row, "description")),
            weight: number(ctx, &row_field(row, "weight"), &mut row_errors).unwrap_or(1.0),
            scale_min: number(ctx, &row_field(row, "scale_min"), &mut row_errors),
            scale_max: number(ctx, &row_field(row, "scale_max"), &mut row_errors),
            scale_labels: labels_of(&ctx.text(&row_field(row, "scale_labels"))),
        };
        let alone = Rubric {
            name: "-".to_owned(),
            min_scorecards: 1,
            criteria: vec![domain_criterion(&criterion)],
        };
        add_refusal(tr, check_rubric(&alone), Some(row), &mut row_errors);
        if !criterion.key.is_empty() && !keys.insert(criterion.key.clone()) {
            let field = row_field(row, "name");
            if !row_errors.iter().any(|(f, _)| *f == field) {
                row_errors.push((field, tr.t("error-rubric-key-twice")));
            }
        }
        criteria.push(criterion);
    }
    let whole = Rubric {
        name: ctx.text("name"),
        min_scorecards: min_scorecards.unwrap_or(2),
        criteria: criteria.iter().map(domain_criterion).collect(),
    };
    add_refusal(tr, check_rubric(&whole), None, &mut fields);
    fields.sort_by_key(|(field, _)| ["name", "min_scorecards", "criteria"].iter().position(|f| f == field));
    fields.extend(row_errors);
    if !fields.is_empty() {
        return Err(FormErrors {
            fields,
            ..FormErrors::none()
        });
    }
    Ok(RubricInput {
        name: ctx.text("name"),
        min_scorecards,
        is_default: false,
        criteria,
    })
}

fn domain_criterion(criterion: &NewCriterion) -> Criterion {
    Criterion {
        key: criterion.key.trim().to_owned(),
        name: criterion.name.trim().to_owned(),
        description: criterion.description.trim().to_owned(),
        weight: criterion.weight,
        scale_min: criterion.scale_min.unwrap_or(1),
        scale_max: criterion.scale_max.unwrap_or(5),
        scale_labels: criterion.scale_labels.clone(),
    }
}

/// The key a criterion named `name` is stored under: its words in lower-case ASCII joined
/// by `_` ("Svar på behovet" → `svar_pa_behovet`), at most 50 characters, with `_2`, `_3`,
/// … after it when an earlier criterion of the form has it.
fn derived_key(name: &str, taken: &HashSet<String>) -> String {
    let mut base: String = slug::slugify(name)
        .replace('-', "_")
        .chars()
        .take(KEY_MAX - 3)
        .collect();
    base = base.trim_end_matches('_').to_owned();
    if base.is_empty() {
        base = "criterion".to_owned();
    }
    let mut key = base.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    key
}

/// The longest key the domain takes.
const KEY_MAX: usize = 50;

/// The meanings of the scores as the form writes them: a line per score, `3 = Answers
/// the need in part`, lowest score first.
fn labels_text(labels: &BTreeMap<String, String>) -> String {
    let mut lines: Vec<(Option<i64>, String)> = labels
        .iter()
        .map(|(score, text)| (score.parse().ok(), format!("{score} = {text}")))
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect::<Vec<_>>().join("\n")
}

/// The meanings typed in the form: each non-blank line is `score = text` (or `score:
/// text`); a line without either is kept whole as its score, for the domain to refuse.
fn labels_of(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(['=', ':']) {
            Some((score, meaning)) => (score.trim().to_owned(), meaning.trim().to_owned()),
            None => (line.to_owned(), String::new()),
        })
        .collect()
}
