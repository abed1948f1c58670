//! The domain's value checks and parsers, and the assessment arithmetic.
//!
//! Invariants: nothing panics; each check refuses exactly what its documented rule
//! refuses and returns the normalised value; names parse back to what printed them; a
//! rubric that passes `check_rubric` and scorecards that pass `check_scorecard` always
//! summarise to finite numbers within the rubric's scales.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use chrono::{DateTime, Datelike, Utc};
use libfuzzer_sys::fuzz_target;
use sluss_domain::arena::{self, ArenaState};
use sluss_domain::assessment::{self, AssignmentState, Candidate, Criterion, Rubric};
use sluss_domain::challenge::ChallengeState;
use sluss_domain::idea::{DecisionOutcome, IdeaState, TestOutcome};
use sluss_domain::validate::{self, Checks};
use sluss_domain::{Actor, Refusal, Role, Roles, UserId, password, user};
use uuid::Uuid;

#[derive(Debug, Arbitrary)]
struct TextCase {
    value: String,
    max: u8,
    kind: u8,
}

/// Free text through the three text checks.
fn check_text(case: &TextCase) {
    let max = usize::from(case.max);
    let trimmed = case.value.trim();
    // Over-long or holding a NUL (which PostgreSQL cannot store): refused either way.
    let too_long = trimmed.chars().count() > max || trimmed.contains('\0');
    let mut checks = Checks::new();
    match case.kind % 3 {
        0 => {
            let kept = checks.required_text("f", &case.value, max);
            assert_eq!(kept, trimmed);
            assert_eq!(checks.finish().is_err(), trimmed.is_empty() || too_long);
        }
        1 => {
            let kept = checks.optional_text("f", Some(&case.value), max);
            assert_eq!(kept.as_deref(), (!trimmed.is_empty()).then_some(trimmed));
            assert_eq!(checks.finish().is_err(), too_long);
        }
        _ => {
            let kept = checks.draft_text("f", &case.value, max);
            assert_eq!(kept, trimmed);
            assert_eq!(checks.finish().is_err(), too_long);
        }
    }
}

fn check_email(value: &str) {
    let mut checks = Checks::new();
    let kept = checks.email("email", value);
    assert_eq!(kept, value.trim().to_lowercase());
    let accepted = checks.finish().is_ok();
    assert_eq!(accepted, validate::is_plausible_email(&kept));
    if accepted {
        assert_eq!(kept.matches('@').count(), 1, "{kept}");
        assert!(kept.len() <= validate::EMAIL_MAX);
        assert!(!kept.chars().any(char::is_whitespace));
        let (local, domain) = kept.split_once('@').unwrap_or_default();
        assert!(!local.is_empty() && domain.contains('.'));
    }
}

fn check_sdgs(values: &[i64]) {
    let mut checks = Checks::new();
    let goals = checks.sdgs("sdgs", values);
    assert!(
        goals.windows(2).all(|w| w[0] < w[1]),
        "not sorted and unique: {goals:?}"
    );
    assert!(goals.iter().all(|g| (1..=17).contains(g)));
    let bad = values.iter().filter(|v| !(1..=17).contains(*v)).count();
    for v in values.iter().filter(|v| (1..=17).contains(*v)) {
        assert!(goals.iter().any(|g| i64::from(*g) == *v));
    }
    match checks.finish() {
        Ok(()) => assert_eq!(bad, 0),
        Err(errors) => assert_eq!(errors.len(), bad),
    }
}

fn check_password(value: &str) {
    let chars = value.chars().count();
    match password::check("password", value) {
        Ok(()) => assert!((password::MIN_CHARS..=password::MAX_CHARS).contains(&chars)),
        Err(error) => {
            assert_eq!(error.field, "password");
            assert!(!error.message().is_empty());
        }
    }
    if !(password::MIN_CHARS..=password::MAX_CHARS).contains(&chars) {
        assert!(password::check("password", value).is_err());
    }
}

/// Every `parse` inverts its `as_str`, and accepts nothing else.
fn check_names(name: &str) {
    fn round_trip<T: Copy>(name: &str, parse: impl Fn(&str) -> Option<T>, print: impl Fn(T) -> &'static str) {
        if let Some(value) = parse(name) {
            assert_eq!(print(value), name);
        }
    }
    round_trip(name, Role::parse, Role::as_str);
    round_trip(name, ChallengeState::parse, ChallengeState::as_str);
    round_trip(name, IdeaState::parse, IdeaState::as_str);
    round_trip(name, ArenaState::parse, ArenaState::as_str);
    round_trip(name, AssignmentState::parse, AssignmentState::as_str);
    round_trip(name, DecisionOutcome::parse, DecisionOutcome::as_str);
    round_trip(name, TestOutcome::parse, TestOutcome::as_str);
    if let Some(roles) = Roles::from_csv(name) {
        assert_eq!(Roles::from_csv(&roles.to_csv()), Some(roles));
        check_roles(roles);
    }
}

fn check_roles(roles: Roles) {
    let self_service = !roles.is_empty() && roles.iter().all(Role::is_self_service);
    assert_eq!(user::check_registration_roles(roles).is_ok(), self_service);
    let facilitator = Actor {
        id: UserId(Uuid::from_u128(1)),
        roles: Roles::empty().with(Role::Facilitator),
    };
    let own = user::decide_set_roles(facilitator.id, roles, &facilitator);
    assert_eq!(own.is_ok(), roles.contains(Role::Facilitator), "{own:?}");
    let other = user::decide_set_roles(UserId(Uuid::from_u128(2)), roles, &facilitator);
    assert_eq!(other.is_ok(), !roles.is_empty());
}

#[derive(Debug, Arbitrary)]
struct CriterionInput {
    name: String,
    weight: f64,
    scale_min: i64,
    scale_max: i64,
}

#[derive(Debug, Arbitrary)]
struct AssessmentInput {
    /// Checked as is (mostly refused: arbitrary keys are rarely snake_case).
    raw: Rubric,
    /// Criteria with valid keys `c0`, `c1`, …, so the arithmetic gets exercised.
    name: String,
    min_scorecards: u32,
    criteria: Vec<CriterionInput>,
    /// Raw scores; `in_scale` folds them into each criterion's scale first.
    scorecards: Vec<(Vec<i64>, bool, String)>,
    extra_key: Option<String>,
}

/// `lo + raw mod (hi - lo + 1)`, in i128 so no scale overflows.
fn fold_into(raw: i64, lo: i64, hi: i64) -> i64 {
    let span = i128::from(hi) - i128::from(lo) + 1;
    let folded = i128::from(lo) + i128::from(raw).rem_euclid(span);
    i64::try_from(folded).unwrap_or(lo)
}

/// Within `[lo, hi]` up to rounding of the float arithmetic.
fn within(value: f64, lo: f64, hi: f64) -> bool {
    let slack = 1e-9 * lo.abs().max(hi.abs()).max(1.0);
    value.is_finite() && value >= lo - slack && value <= hi + slack
}

fn check_assessment(input: AssessmentInput) {
    let raw = assessment::check_rubric(&input.raw);
    if let Err(refusal) = &raw {
        assert!(matches!(refusal, Refusal::Invalid(errors) if !errors.is_empty()));
    }
    let rubric = Rubric {
        name: input.name,
        min_scorecards: input.min_scorecards,
        criteria: input
            .criteria
            .into_iter()
            .take(40)
            .enumerate()
            .map(|(i, c)| Criterion {
                key: format!("c{i}"),
                name: c.name,
                description: String::new(),
                weight: c.weight,
                scale_min: c.scale_min,
                scale_max: c.scale_max,
                scale_labels: Default::default(),
            })
            .collect(),
    };
    let valid = assessment::check_rubric(&rubric).is_ok();
    let expected_valid = !rubric.name.trim().is_empty()
        && rubric.name.trim().chars().count() <= 200
        && !rubric.name.contains('\0')
        && rubric.min_scorecards >= 1
        && (1..=assessment::CRITERIA_MAX).contains(&rubric.criteria.len())
        && rubric.criteria.iter().all(|c| {
            !c.name.trim().is_empty()
                && c.name.trim().chars().count() <= 200
                && !c.name.contains('\0')
                && c.weight.is_finite()
                && c.weight > 0.0
                && c.scale_min < c.scale_max
        });
    assert_eq!(valid, expected_valid, "{rubric:?}");
    if !valid {
        return;
    }
    let mut accepted = Vec::new();
    for (raw_scores, in_scale, comment) in input.scorecards.into_iter().take(8) {
        let mut scores = BTreeMap::new();
        for (criterion, raw) in rubric.criteria.iter().zip(&raw_scores) {
            let score = if in_scale {
                fold_into(*raw, criterion.scale_min, criterion.scale_max)
            } else {
                *raw
            };
            scores.insert(criterion.key.clone(), score);
        }
        if let Some(extra) = &input.extra_key {
            scores.insert(extra.clone(), 0);
        }
        let expected_ok = rubric.criteria.iter().all(|c| {
            scores
                .get(&c.key)
                .is_some_and(|s| (c.scale_min..=c.scale_max).contains(s))
        }) && scores.keys().all(|k| rubric.criteria.iter().any(|c| &c.key == k))
            && !comment.trim().is_empty()
            && comment.trim().chars().count() <= assessment::COMMENT_MAX
            && !comment.contains('\0');
        match assessment::check_scorecard(&rubric, &scores, &comment) {
            Ok(ordered) => {
                assert!(expected_ok, "accepted {scores:?}");
                let expected: Vec<i64> = rubric.criteria.iter().map(|c| scores[&c.key]).collect();
                assert_eq!(ordered, expected);
                accepted.push(ordered);
            }
            Err(refusal) => {
                assert!(!expected_ok, "refused {scores:?}: {refusal:?}");
                assert!(matches!(refusal, Refusal::Invalid(errors) if !errors.is_empty()));
            }
        }
    }
    let lo = rubric.criteria.iter().map(|c| c.scale_min).min().unwrap_or_default() as f64;
    let hi = rubric.criteria.iter().map(|c| c.scale_max).max().unwrap_or_default() as f64;
    for card in &accepted {
        let average = assessment::weighted_average(&rubric, card);
        assert!(within(average, lo, hi), "weighted average {average} outside {lo}..{hi}");
    }
    let summary = assessment::summarise(&rubric, &accepted);
    assert_eq!(summary.scorecards, accepted.len());
    let Some(score) = summary.weighted_score else {
        assert!(accepted.is_empty());
        return;
    };
    assert!(within(score, lo, hi), "weighted score {score} outside {lo}..{hi}");
    assert_eq!(summary.criteria.len(), rubric.criteria.len());
    for (i, (stats, criterion)) in summary.criteria.iter().zip(&rubric.criteria).enumerate() {
        let values: Vec<i64> = accepted.iter().map(|card| card[i]).collect();
        assert_eq!(stats.key, criterion.key);
        assert_eq!(Some(stats.min), values.iter().copied().min());
        assert_eq!(Some(stats.max), values.iter().copied().max());
        let (min, max) = (stats.min as f64, stats.max as f64);
        assert!(within(stats.mean, min, max), "mean {} outside {min}..{max}", stats.mean);
        // A population standard deviation never exceeds half the range (taken in i128:
        // far from zero, `max - min` in f64 is off by up to a thousand).
        let half_range = (i128::from(stats.max) - i128::from(stats.min)) as f64 / 2.0;
        assert!(
            within(stats.std_dev, 0.0, half_range),
            "std dev {} over half the range {half_range}",
            stats.std_dev
        );
    }
    assert_eq!(
        summary.disagreement,
        summary
            .criteria
            .iter()
            .any(|c| c.std_dev > assessment::DISAGREEMENT_STD_DEV)
    );
}

#[derive(Debug, Arbitrary)]
struct AssignmentInput {
    candidate: u8,
    is_assessor: bool,
    active: bool,
    organisation: Option<String>,
    innovator_organisation: Option<String>,
    challenge_organisation: Option<String>,
}

fn check_assignment(input: &AssignmentInput) {
    let ids = [1u128, 2, 3].map(|n| UserId(Uuid::from_u128(n)));
    let (innovator, owner) = (ids[0], ids[1]);
    let candidate = Candidate {
        id: ids[usize::from(input.candidate % 3)],
        is_assessor: input.is_assessor,
        active: input.active,
        organisation: assessment::Affiliation::named(input.organisation.as_deref()),
    };
    let a = assessment::Affiliation::named(input.organisation.as_deref());
    let b = assessment::Affiliation::named(input.innovator_organisation.as_deref());
    let same = assessment::same_organisation(a, b);
    assert_eq!(same, assessment::same_organisation(b, a), "not symmetric");
    let c = assessment::Affiliation::named(input.challenge_organisation.as_deref());
    let behind = assessment::same_organisation(a, c);
    let result = assessment::check_assignment(&candidate, innovator, b, owner, c);
    let allowed =
        input.active && input.is_assessor && candidate.id != innovator && candidate.id != owner && !same && !behind;
    assert_eq!(result.is_ok(), allowed, "{result:?}");
}

#[derive(Debug, Arbitrary)]
struct Input {
    texts: Vec<TextCase>,
    email: String,
    sdgs: Vec<i64>,
    password: String,
    name: String,
    roles: u8,
    period: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    assignment: AssignmentInput,
    assessment: AssessmentInput,
}

fuzz_target!(|input: Input| {
    for case in input.texts.iter().take(16) {
        check_text(case);
    }
    check_email(&input.email);
    check_sdgs(&input.sdgs);
    check_password(&input.password);
    check_names(&input.name);
    check_roles(
        Role::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| input.roles & (1 << i) != 0)
            .map(|(_, role)| role)
            .collect(),
    );
    let mut checks = Checks::new();
    arena::check_period(&mut checks, input.period.0, input.period.1);
    let backwards = matches!(input.period, (Some(start), Some(end)) if end < start);
    let outside = [input.period.0, input.period.1]
        .into_iter()
        .flatten()
        .any(|at| !(validate::YEAR_MIN..=validate::YEAR_MAX).contains(&at.year()));
    assert_eq!(checks.finish().is_err(), backwards || outside);
    check_assignment(&input.assignment);
    check_assessment(input.assessment);
});
