//! Step 3, assessment: rubrics, conflict-of-interest rules for assignments, scorecards,
//! and the aggregation that turns scorecards into a weighted score.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use uuid::Uuid;

use crate::error::{FieldError, FieldProblem, ForbiddenReason, Refusal};
use crate::ids::UserId;
use crate::role::{Actor, Role};
use crate::validate::Checks;

/// Longest scorecard comment.
pub const COMMENT_MAX: usize = 10_000;
/// Most criteria in a rubric.
pub const CRITERIA_MAX: usize = 30;

/// The longest meaning of a score.
pub const SCALE_LABEL_MAX: usize = 200;

/// One criterion of a rubric.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Criterion {
    /// Stable key used in scorecards (`need_fit`).
    pub key: String,
    /// Name shown to assessors.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Relative weight (> 0).
    pub weight: f64,
    /// Lowest score.
    pub scale_min: i64,
    /// Highest score.
    pub scale_max: i64,
    /// What some or all of the scores mean, by score (`"1"` → "Does not answer the
    /// need"); each score within the scale (SPEC §14.5).
    pub scale_labels: BTreeMap<String, String>,
}

impl Criterion {
    /// The meanings of the scores, lowest score first.
    pub fn scale_meanings(&self) -> Vec<(i64, &str)> {
        let mut meanings: Vec<(i64, &str)> = self
            .scale_labels
            .iter()
            .filter_map(|(score, text)| Some((score.parse().ok()?, text.as_str())))
            .collect();
        meanings.sort_by_key(|(score, _)| *score);
        meanings
    }
}

/// A scoring rubric.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Rubric {
    /// Name.
    pub name: String,
    /// Scorecards needed before a decision.
    pub min_scorecards: u32,
    /// The criteria.
    pub criteria: Vec<Criterion>,
}

/// Checks a new rubric: a name, 1..=30 criteria with unique snake_case keys, positive
/// finite weights, `scale_min < scale_max`, and `min_scorecards` of at least 1.
pub fn check_rubric(rubric: &Rubric) -> Result<(), Refusal> {
    let mut checks = Checks::new();
    checks.required_text("name", &rubric.name, 200);
    if rubric.min_scorecards == 0 {
        checks.fail("min_scorecards", FieldProblem::TooSmall { min: 1 });
    }
    if rubric.criteria.is_empty() || rubric.criteria.len() > CRITERIA_MAX {
        checks.fail("criteria", FieldProblem::CriteriaCount { max: CRITERIA_MAX });
    }
    let mut keys = HashSet::new();
    for criterion in &rubric.criteria {
        let key_ok = !criterion.key.is_empty()
            && criterion.key.len() <= 50
            && criterion
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            let key = criterion.key.clone();
            checks.fail("criteria.key", FieldProblem::KeyNotSnakeCase { key });
        }
        if !keys.insert(criterion.key.as_str()) {
            checks.fail(
                "criteria.key",
                FieldProblem::KeyTwice {
                    key: criterion.key.clone(),
                },
            );
        }
        checks.required_text("criteria.name", &criterion.name, 200);
        checks.draft_text("criteria.description", &criterion.description, 2_000);
        if !(criterion.weight.is_finite() && criterion.weight > 0.0) {
            let key = criterion.key.clone();
            checks.fail("criteria.weight", FieldProblem::WeightNotPositive { key });
        }
        if criterion.scale_min >= criterion.scale_max {
            let key = criterion.key.clone();
            checks.fail("criteria.scale_max", FieldProblem::ScaleUpsideDown { key });
        }
        for (score, text) in &criterion.scale_labels {
            let on_scale = score
                .trim()
                .parse::<i64>()
                .is_ok_and(|score| (criterion.scale_min..=criterion.scale_max).contains(&score));
            if !on_scale {
                let (key, score) = (criterion.key.clone(), score.clone());
                checks.fail("criteria.scale_labels", FieldProblem::ScoreNotOnScale { key, score });
            }
            checks.required_text("criteria.scale_labels", text, SCALE_LABEL_MAX);
        }
    }
    checks.finish().map_err(Refusal::Invalid)
}

/// Who may manage rubrics, assignments, rankings: facilitators.
pub fn authorize_facilitator(actor: &Actor) -> Result<(), Refusal> {
    if actor.is_facilitator() {
        Ok(())
    } else {
        Err(Refusal::not_permitted(ForbiddenReason::OnlyFacilitatorsSetUpAssessment))
    }
}

/// What the assignment rules need to know of the people involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// The user to assign.
    pub id: UserId,
    /// Whether they hold the assessor role.
    pub is_assessor: bool,
    /// Whether their account is active.
    pub active: bool,
    /// Their organisation.
    pub organisation: Affiliation<'a>,
}

/// Whom a person belongs to: a registered organisation, a name typed in, both or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Affiliation<'a> {
    /// The registered organisation (SPEC §12).
    pub id: Option<Uuid>,
    /// The organisation's name as written.
    pub name: Option<&'a str>,
}

impl<'a> Affiliation<'a> {
    /// An organisation known by name only.
    pub fn named(name: Option<&'a str>) -> Self {
        Self { id: None, name }
    }
}

/// Checks that `candidate` may assess an idea by `innovator_id` (of `innovator_organisation`)
/// on a challenge owned by `needs_owner_id` on behalf of `challenge_organisation` (422
/// otherwise, with the reason; SPEC §4, §14.4).
pub fn check_assignment(
    candidate: &Candidate<'_>,
    innovator_id: UserId,
    innovator_organisation: Affiliation<'_>,
    needs_owner_id: UserId,
    challenge_organisation: Affiliation<'_>,
) -> Result<(), Refusal> {
    let refuse = |problem| Err(Refusal::invalid("assessor_id", problem));
    if !candidate.active {
        return refuse(FieldProblem::AssessorDeactivated);
    }
    if !candidate.is_assessor {
        return refuse(FieldProblem::NotAnAssessor);
    }
    if candidate.id == innovator_id {
        return refuse(FieldProblem::ConflictInnovator);
    }
    if candidate.id == needs_owner_id {
        return refuse(FieldProblem::ConflictOwner);
    }
    if same_organisation(candidate.organisation, innovator_organisation) {
        return refuse(FieldProblem::ConflictOrganisation);
    }
    if same_organisation(candidate.organisation, challenge_organisation) {
        return refuse(FieldProblem::ConflictChallengeOrganisation);
    }
    Ok(())
}

/// Checks that `candidate` belongs to none of the organisations of the idea's accepted team
/// members (`members`, SPEC §14.4): 422 `ConflictOrganisation` otherwise, as for the
/// innovator's own organisation.
pub fn check_team_conflict(candidate: &Candidate<'_>, members: &[Affiliation<'_>]) -> Result<(), Refusal> {
    if members
        .iter()
        .any(|member| same_organisation(candidate.organisation, *member))
    {
        return Err(Refusal::invalid("assessor_id", FieldProblem::ConflictOrganisation));
    }
    Ok(())
}

/// Two people belong to the same organisation: where both name the same registered
/// organisation (SPEC §12), or where their organisations' names are the same once
/// [normalised](organisation_key) — also for two registered organisations of one name,
/// which may be one organisation registered twice. A name that normalises to nothing
/// never matches.
pub fn same_organisation(a: Affiliation<'_>, b: Affiliation<'_>) -> bool {
    if let (Some(a), Some(b)) = (a.id, b.id)
        && a == b
    {
        return true;
    }
    match (a.name.map(organisation_key), b.name.map(organisation_key)) {
        (Some(a), Some(b)) => !a.is_empty() && a == b,
        _ => false,
    }
}

/// An organisation's name as the conflict rule compares it: lower case, without invisible
/// format characters (zero-width spaces, joiners, the byte-order mark, soft hyphens,
/// direction marks), every run of punctuation and white space read as one space, and none
/// at either end. "Acme AB", "acme ab." and "Acme\u{200B} AB" are one key; "A.B.C" and
/// "ABC" are not.
pub fn organisation_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars().filter(|c| !is_format_character(*c)) {
        if c.is_alphanumeric() {
            if gap && !key.is_empty() {
                key.push(' ');
            }
            gap = false;
            key.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    key
}

/// The characters of Unicode's category Cf (format) that are met in names typed or
/// pasted: invisible, so two names that differ only by them look the same.
fn is_format_character(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Where an assignment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum AssignmentState {
    /// Waiting for a scorecard.
    Assigned,
    /// The assessor declared a conflict of interest; cannot score.
    ConflictDeclared,
    /// A scorecard is in.
    Submitted,
}

impl AssignmentState {
    /// Every state.
    pub const ALL: [AssignmentState; 3] = [
        AssignmentState::Assigned,
        AssignmentState::ConflictDeclared,
        AssignmentState::Submitted,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentState::Assigned => "assigned",
            AssignmentState::ConflictDeclared => "conflict_declared",
            AssignmentState::Submitted => "submitted",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Declaring a conflict: only the assigned assessor, only before scoring.
pub fn decide_declare_conflict(
    state: AssignmentState,
    assessor_id: UserId,
    actor: &Actor,
    reason: &str,
) -> Result<AssignmentState, Refusal> {
    if actor.id != assessor_id {
        return Err(Refusal::not_permitted(
            ForbiddenReason::OnlyTheAssessorDeclaresConflicts,
        ));
    }
    let mut checks = Checks::new();
    checks.required_text("reason", reason, 2_000);
    checks.finish().map_err(Refusal::Invalid)?;
    match state {
        AssignmentState::Assigned => Ok(AssignmentState::ConflictDeclared),
        AssignmentState::ConflictDeclared | AssignmentState::Submitted => Err(Refusal::InvalidTransition {
            from: state.as_str(),
            command: "declare_conflict",
        }),
    }
}

/// Checks a scorecard against the rubric: every criterion scored, no unknown keys, each
/// score within its scale, a comment. Returns the scores in criterion order.
pub fn check_scorecard(rubric: &Rubric, scores: &BTreeMap<String, i64>, comment: &str) -> Result<Vec<i64>, Refusal> {
    let mut errors = Vec::new();
    let mut ordered = Vec::with_capacity(rubric.criteria.len());
    for criterion in &rubric.criteria {
        match scores.get(&criterion.key) {
            None => errors.push(FieldError::new(
                format!("scores.{}", criterion.key),
                FieldProblem::NotScored,
            )),
            Some(score) if !(criterion.scale_min..=criterion.scale_max).contains(score) => {
                errors.push(FieldError::new(
                    format!("scores.{}", criterion.key),
                    FieldProblem::OutOfRange {
                        min: criterion.scale_min,
                        max: criterion.scale_max,
                    },
                ))
            }
            Some(score) => ordered.push(*score),
        }
    }
    for key in scores.keys() {
        if !rubric.criteria.iter().any(|c| &c.key == key) {
            errors.push(FieldError::new(format!("scores.{key}"), FieldProblem::NotACriterion));
        }
    }
    let mut checks = Checks::new();
    checks.required_text("comment", comment, COMMENT_MAX);
    if let Err(more) = checks.finish() {
        errors.extend(more);
    }
    if errors.is_empty() {
        Ok(ordered)
    } else {
        Err(Refusal::Invalid(errors))
    }
}

/// Statistics of one criterion over the scorecards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionSummary {
    /// The criterion.
    pub key: String,
    /// Mean score.
    pub mean: f64,
    /// Lowest score.
    pub min: i64,
    /// Highest score.
    pub max: i64,
    /// Population standard deviation.
    pub std_dev: f64,
}

/// The summary of an idea's assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Mean over scorecards of each scorecard's weighted average; `None` with no scorecard.
    pub weighted_score: Option<f64>,
    /// Scorecards counted.
    pub scorecards: usize,
    /// Per criterion (only when there is at least one scorecard).
    pub criteria: Vec<CriterionSummary>,
    /// Whether assessors disagree: a standard deviation above 1 on any criterion.
    pub disagreement: bool,
}

/// Assessors disagree when a criterion's standard deviation exceeds this.
pub const DISAGREEMENT_STD_DEV: f64 = 1.0;

/// The weighted average of one scorecard (scores in criterion order).
pub fn weighted_average(rubric: &Rubric, scores: &[i64]) -> f64 {
    let scale = weight_scale(rubric);
    let total_weight: f64 = rubric.criteria.iter().map(|c| c.weight * scale).sum();
    let weighted: f64 = rubric
        .criteria
        .iter()
        .zip(scores)
        .map(|(c, s)| c.weight * scale * *s as f64)
        .sum();
    weighted / total_weight
}

/// A power of two that brings the largest weight near 1. Any finite positive weight is
/// valid, and unscaled weights near `f64::MAX` sum (or multiply with a score) to infinity;
/// scaling by a power of two is exact, so ordinary weights give the very same result.
fn weight_scale(rubric: &Rubric) -> f64 {
    let largest = rubric.criteria.iter().map(|c| c.weight).fold(0.0, f64::max);
    if !(largest.is_finite() && largest > 0.0) {
        return 1.0;
    }
    // Clamped so the factor itself stays finite for subnormal weights.
    let exponent = largest.log2().floor().clamp(-1000.0, 1023.0) as i32;
    2f64.powi(-exponent)
}

/// The population standard deviation of integer scores, computed on their offsets from
/// the lowest one (exact in `i128`): far from zero `f64` cannot tell neighbouring integers
/// apart, and subtracting rounded scores from a rounded mean invents a spread of hundreds.
fn std_dev(values: &[i64]) -> f64 {
    let lowest = i128::from(values.iter().copied().min().unwrap_or_default());
    let offsets: Vec<f64> = values.iter().map(|v| (i128::from(*v) - lowest) as f64).collect();
    let n = offsets.len() as f64;
    let mean_offset = offsets.iter().sum::<f64>() / n;
    (offsets.iter().map(|d| (d - mean_offset).powi(2)).sum::<f64>() / n).sqrt()
}

/// The mean of integer scores, summed in `i128` so scores at the ends of an `i64` scale
/// cannot overflow.
fn mean(values: &[i64]) -> f64 {
    values.iter().map(|v| i128::from(*v)).sum::<i128>() as f64 / values.len() as f64
}

/// Summarises scorecards (each a list of scores in criterion order). Unrounded.
pub fn summarise(rubric: &Rubric, scorecards: &[Vec<i64>]) -> Summary {
    if scorecards.is_empty() {
        return Summary {
            weighted_score: None,
            scorecards: 0,
            criteria: Vec::new(),
            disagreement: false,
        };
    }
    let n = scorecards.len() as f64;
    let weighted_score = scorecards.iter().map(|s| weighted_average(rubric, s)).sum::<f64>() / n;
    let criteria: Vec<CriterionSummary> = rubric
        .criteria
        .iter()
        .enumerate()
        .map(|(i, criterion)| {
            let values: Vec<i64> = scorecards.iter().filter_map(|s| s.get(i).copied()).collect();
            let mean = mean(&values);
            let std_dev = std_dev(&values);
            CriterionSummary {
                key: criterion.key.clone(),
                mean,
                min: values.iter().copied().min().unwrap_or_default(),
                max: values.iter().copied().max().unwrap_or_default(),
                std_dev,
            }
        })
        .collect();
    let disagreement = criteria.iter().any(|c| c.std_dev > DISAGREEMENT_STD_DEV);
    Summary {
        weighted_score: Some(weighted_score),
        scorecards: scorecards.len(),
        criteria,
        disagreement,
    }
}

/// What an actor may see of an idea's scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreAccess {
    /// Every scorecard and the summary (facilitators; assessors who submitted their own).
    All,
    /// Only their own scorecard (assessors who have not submitted yet).
    OwnOnly,
}

/// Who may see scorecards: facilitators all; an assigned assessor their own, and the
/// others once their own is in; innovators and needs-owners never (403).
pub fn score_access(actor: &Actor, assignment: Option<AssignmentState>) -> Result<ScoreAccess, Refusal> {
    if actor.is_facilitator() {
        return Ok(ScoreAccess::All);
    }
    match assignment {
        Some(AssignmentState::Submitted) => Ok(ScoreAccess::All),
        Some(AssignmentState::Assigned | AssignmentState::ConflictDeclared) => Ok(ScoreAccess::OwnOnly),
        None => Err(Refusal::not_permitted(ForbiddenReason::ScorecardsAreForThePanel)),
    }
}

/// Whether an actor sees the innovator's identity on an idea of a challenge with
/// `blind_assessment`: everyone but assessors who are not also facilitators or one of the
/// idea's `authors` (its innovator and accepted team members).
pub fn sees_identity(actor: &Actor, authors: &[UserId], blind_assessment: bool, assigned: bool) -> bool {
    !blind_assessment
        || actor.is_facilitator()
        || authors.contains(&actor.id)
        || !(assigned || actor.has(Role::Assessor))
}

#[cfg(test)]
mod tests;
