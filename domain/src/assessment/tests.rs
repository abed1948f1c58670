use std::collections::BTreeMap;

use uuid::Uuid;

use super::*;
use crate::role::Roles;

/// The default rubric of SPEC §4 (the migrations seed the same).
fn default_rubric() -> Rubric {
    let criterion = |key: &str, name: &str, description: &str, weight: f64| Criterion {
        key: key.to_owned(),
        name: name.to_owned(),
        description: description.to_owned(),
        weight,
        scale_min: 1,
        scale_max: 5,
        scale_labels: BTreeMap::new(),
    };
    Rubric {
        name: "Sustainable City Accelerator".to_owned(),
        min_scorecards: 2,
        criteria: vec![
            criterion(
                "need_fit",
                "Need fit",
                "How well the idea answers the challenge as the needs-owner wrote it.",
                3.0,
            ),
            criterion(
                "social_impact",
                "Social impact",
                "Effects on residents, inclusion and everyday life.",
                2.0,
            ),
            criterion(
                "environmental_impact",
                "Environmental impact",
                "Effects on climate, resources and nature.",
                2.0,
            ),
            criterion(
                "economic_impact",
                "Economic impact",
                "Costs, savings and value for the parties involved.",
                2.0,
            ),
            criterion(
                "feasibility",
                "Feasibility",
                "Whether the team can test it in the city within the time at hand.",
                2.0,
            ),
            criterion("novelty", "Novelty", "How new the idea is to the city.", 1.0),
            criterion(
                "scalability",
                "Scalability",
                "Whether it can spread to more sites and owners.",
                1.0,
            ),
        ],
    }
}

fn actor(roles: &[Role]) -> Actor {
    Actor {
        id: UserId(Uuid::now_v7()),
        roles: roles.iter().copied().collect::<Roles>(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn the_default_rubric_is_the_one_of_the_spec_and_valid() {
    let rubric = default_rubric();
    let weights: Vec<(&str, f64)> = rubric.criteria.iter().map(|c| (c.key.as_str(), c.weight)).collect();
    assert_eq!(
        weights,
        vec![
            ("need_fit", 3.0),
            ("social_impact", 2.0),
            ("environmental_impact", 2.0),
            ("economic_impact", 2.0),
            ("feasibility", 2.0),
            ("novelty", 1.0),
            ("scalability", 1.0)
        ]
    );
    assert_eq!(rubric.min_scorecards, 2);
    assert!(rubric.criteria.iter().all(|c| c.scale_min == 1 && c.scale_max == 5));
    assert!(check_rubric(&rubric).is_ok());
}

#[test]
fn weighted_average_matches_a_hand_computation() {
    let rubric = default_rubric();
    // 5·3 + 4·2 + 3·2 + 4·2 + 2·2 + 5·1 + 1·1 = 47, over a total weight of 13.
    assert!(close(weighted_average(&rubric, &[5, 4, 3, 4, 2, 5, 1]), 47.0 / 13.0));
}

#[test]
fn summary_matches_a_hand_computation() {
    let rubric = default_rubric();
    let cards = vec![vec![5, 4, 3, 4, 2, 5, 1], vec![3, 4, 5, 2, 2, 1, 3]];
    let summary = summarise(&rubric, &cards);
    // (47/13 + 39/13) / 2 = 43/13
    assert!(close(summary.weighted_score.unwrap(), 43.0 / 13.0));
    assert_eq!(summary.scorecards, 2);
    let need_fit = &summary.criteria[0];
    assert_eq!((need_fit.key.as_str(), need_fit.min, need_fit.max), ("need_fit", 3, 5));
    assert!(close(need_fit.mean, 4.0));
    assert!(close(need_fit.std_dev, 1.0));
    let novelty = &summary.criteria[5];
    assert!(close(novelty.mean, 3.0));
    assert!(close(novelty.std_dev, 2.0));
    assert!(summary.disagreement, "novelty 5 vs 1 is a disagreement");
}

#[test]
fn standard_deviation_is_the_population_one() {
    let rubric = Rubric {
        name: "One".into(),
        min_scorecards: 1,
        criteria: vec![Criterion {
            key: "fit".into(),
            name: "Fit".into(),
            description: String::new(),
            weight: 1.0,
            scale_min: 1,
            scale_max: 5,
            scale_labels: BTreeMap::new(),
        }],
    };
    let summary = summarise(&rubric, &[vec![1], vec![2], vec![3]]);
    assert!(close(summary.criteria[0].std_dev, (2.0f64 / 3.0).sqrt()));
    assert!(!summary.disagreement);
}

#[test]
fn a_standard_deviation_of_exactly_one_is_not_a_disagreement() {
    let rubric = default_rubric();
    let summary = summarise(&rubric, &[vec![5, 4, 3, 4, 2, 3, 1], vec![3, 4, 5, 2, 2, 3, 3]]);
    assert!(summary.criteria.iter().all(|c| c.std_dev <= 1.0));
    assert!(!summary.disagreement);
}

/// A rubric of one criterion per weight, all on the scale `min..=max`.
fn rubric_of(weights: &[f64], min: i64, max: i64) -> Rubric {
    Rubric {
        name: "Extremes".to_owned(),
        min_scorecards: 1,
        criteria: weights
            .iter()
            .enumerate()
            .map(|(i, weight)| Criterion {
                key: format!("c{i}"),
                name: format!("C{i}"),
                description: String::new(),
                weight: *weight,
                scale_min: min,
                scale_max: max,
                scale_labels: BTreeMap::new(),
            })
            .collect(),
    }
}

#[test]
fn scores_at_the_ends_of_an_i64_scale_summarise_without_overflow() {
    let rubric = rubric_of(&[1.0], i64::MIN, i64::MAX);
    assert!(check_rubric(&rubric).is_ok());
    let summary = summarise(&rubric, &[vec![i64::MAX], vec![i64::MAX], vec![i64::MIN]]);
    let stats = &summary.criteria[0];
    assert_eq!((stats.min, stats.max), (i64::MIN, i64::MAX));
    assert!(close(stats.mean / i64::MAX as f64, 1.0 / 3.0));
    let score = summary.weighted_score.unwrap();
    assert!(
        score.is_finite() && close(score / i64::MAX as f64, 1.0 / 3.0),
        "{score}"
    );
    assert!(stats.std_dev.is_finite());
}

#[test]
fn the_spread_of_large_scores_is_that_of_their_differences() {
    // Near 5.9e18 neighbouring f64 values are 1,024 apart.
    let base = 5_859_553_999_884_210_513;
    let rubric = rubric_of(&[1.0], base, base + 10);
    let summary = summarise(&rubric, &[vec![base], vec![base + 1], vec![base + 2]]);
    let stats = &summary.criteria[0];
    assert!(close(stats.std_dev, (2.0f64 / 3.0).sqrt()), "{}", stats.std_dev);
    assert!(!summary.disagreement);
}

#[test]
fn weights_near_f64_max_give_a_finite_weighted_score() {
    let rubric = rubric_of(&[f64::MAX, f64::MAX, f64::MAX / 2.0], 1, 5);
    assert!(check_rubric(&rubric).is_ok());
    let average = weighted_average(&rubric, &[1, 5, 5]);
    assert!(close(average, (1.0 + 5.0 + 2.5) / 2.5), "{average}");
    let tiny = rubric_of(&[f64::MIN_POSITIVE / 4.0, f64::MIN_POSITIVE / 4.0], 1, 5);
    assert!(close(weighted_average(&tiny, &[1, 5]), 3.0));
}

#[test]
fn scaling_the_weights_changes_no_ordinary_score() {
    let rubric = default_rubric();
    let scores = [5, 4, 3, 4, 2, 5, 1];
    let direct = scores
        .iter()
        .zip(&rubric.criteria)
        .map(|(s, c)| c.weight * *s as f64)
        .sum::<f64>()
        / rubric.criteria.iter().map(|c| c.weight).sum::<f64>();
    assert_eq!(weighted_average(&rubric, &scores).to_bits(), direct.to_bits());
}

#[test]
fn no_scorecards_give_no_score() {
    let summary = summarise(&default_rubric(), &[]);
    assert_eq!(summary.weighted_score, None);
    assert!(summary.criteria.is_empty());
}

fn scores(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

fn full_scores() -> BTreeMap<String, i64> {
    default_rubric().criteria.iter().map(|c| (c.key.clone(), 3)).collect()
}

#[test]
fn a_complete_scorecard_is_accepted_in_criterion_order() {
    let mut given = full_scores();
    given.insert("need_fit".into(), 5);
    let ordered = check_scorecard(&default_rubric(), &given, "Strong fit").unwrap();
    assert_eq!(ordered, vec![5, 3, 3, 3, 3, 3, 3]);
}

#[test]
fn a_missing_criterion_is_refused() {
    let mut given = full_scores();
    given.remove("novelty");
    let Err(Refusal::Invalid(errors)) = check_scorecard(&default_rubric(), &given, "ok") else {
        panic!("expected 422");
    };
    assert_eq!(errors[0].field, "scores.novelty");
}

#[test]
fn a_score_outside_the_scale_is_refused() {
    for bad in [0, 6] {
        let mut given = full_scores();
        given.insert("feasibility".into(), bad);
        let Err(Refusal::Invalid(errors)) = check_scorecard(&default_rubric(), &given, "ok") else {
            panic!("expected 422 for {bad}");
        };
        assert_eq!(errors[0].field, "scores.feasibility");
    }
}

#[test]
fn an_unknown_criterion_and_a_blank_comment_are_refused() {
    let mut given = full_scores();
    given.insert("beauty".into(), 3);
    let Err(Refusal::Invalid(errors)) = check_scorecard(&default_rubric(), &given, " ") else {
        panic!("expected 422");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["scores.beauty", "comment"]);
    assert!(check_scorecard(&default_rubric(), &scores(&[]), "x").is_err());
}

#[test]
fn rubric_checks_refuse_bad_weights_scales_keys_and_counts() {
    let mut rubric = default_rubric();
    rubric.criteria[0].weight = 0.0;
    rubric.criteria[1].scale_min = 5;
    rubric.criteria[2].key = "Need Fit".into();
    rubric.criteria[3].key = "need_fit".into();
    rubric.min_scorecards = 0;
    let Err(Refusal::Invalid(errors)) = check_rubric(&rubric) else {
        panic!("expected 422");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "min_scorecards",
            "criteria.weight",
            "criteria.scale_max",
            "criteria.key",
            "criteria.key"
        ]
    );
    let empty = Rubric {
        criteria: Vec::new(),
        ..default_rubric()
    };
    assert!(check_rubric(&empty).is_err());
}

fn candidate(id: UserId, organisation: Option<&str>) -> Candidate<'_> {
    Candidate {
        id,
        is_assessor: true,
        active: true,
        organisation: Affiliation::named(organisation),
    }
}

#[test]
fn an_independent_assessor_may_be_assigned() {
    let assessor = actor(&[Role::Assessor]);
    let innovator = actor(&[Role::Innovator]);
    let owner = actor(&[Role::NeedsOwner]);
    let result = check_assignment(
        &candidate(assessor.id, Some("Malmö University")),
        innovator.id,
        Affiliation::named(Some("Sege Builders")),
        owner.id,
        Affiliation::named(Some("Brf Sege Park")),
    );
    assert!(result.is_ok());
}

#[test]
fn the_innovator_the_needs_owner_and_colleagues_of_the_innovator_are_refused() {
    let innovator = actor(&[Role::Innovator, Role::Assessor]);
    let owner = actor(&[Role::NeedsOwner, Role::Assessor]);
    let colleague = actor(&[Role::Assessor]);
    for (who, organisation) in [
        (innovator.id, None),
        (owner.id, None),
        (colleague.id, Some("  sege BUILDERS ")),
    ] {
        let result = check_assignment(
            &candidate(who, organisation),
            innovator.id,
            Affiliation::named(Some("Sege Builders")),
            owner.id,
            Affiliation::default(),
        );
        let Err(Refusal::Invalid(errors)) = result else {
            panic!("expected 422");
        };
        assert!(
            matches!(
                errors[0].problem,
                FieldProblem::ConflictInnovator | FieldProblem::ConflictOwner | FieldProblem::ConflictOrganisation
            ),
            "{errors:?}"
        );
    }
}

#[test]
fn empty_organisations_never_match() {
    let named = Affiliation::named;
    assert!(!same_organisation(named(Some("")), named(Some(""))));
    assert!(!same_organisation(named(Some("  ")), named(Some("  "))));
    assert!(!same_organisation(named(None), named(None)));
    assert!(same_organisation(named(Some("Brf Sege")), named(Some("brf sege"))));
}

#[test]
fn invisible_characters_punctuation_and_case_do_not_make_another_organisation() {
    fn same(a: &str, b: &str) -> bool {
        same_organisation(Affiliation::named(Some(a)), Affiliation::named(Some(b)))
    }
    assert!(same("Acme AB", "Acme AB."));
    assert!(same("Acme AB", "Acme\u{200B} AB"));
    assert!(same("Acme AB", "\u{FEFF}ACME  ab,"));
    assert!(same("Acme AB", "Acme\u{00A0}AB"));
    assert!(same("Acme AB", "Acme\tAB\n"));
    assert!(same("Acme AB", "\u{202E}Acme\u{2060} A\u{00AD}B"));
    assert!(same("Bostads AB Malmö", "BOSTADS AB MALMÖ"));
    assert!(same("Brf Solen, Sege", "brf solen sege"));
    assert!(!same("Acme AB", "Acme ABC"));
    assert!(!same("A.B.C", "ABC"));
    assert!(!same(".", "\u{200B}"));
    assert!(!same("...", "..."));
    assert!(!same("\u{200B}", "\u{200B}"));
}

#[test]
fn an_organisation_key_keeps_letters_and_digits_and_single_spaces() {
    assert_eq!(organisation_key("  Acme\u{200B}  AB. "), "acme ab");
    assert_eq!(organisation_key("Brf Sege 2"), "brf sege 2");
    assert_eq!(organisation_key(".,;"), "");
}

#[test]
fn registered_organisations_are_compared_by_id_where_both_are_set() {
    let (one, other) = (Some(Uuid::now_v7()), Some(Uuid::now_v7()));
    let at = |id, name| Affiliation { id, name: Some(name) };
    // The same registered organisation, however it is written.
    assert!(same_organisation(at(one, "MKB"), at(one, "MKB Fastighets AB")));
    // Two registered organisations of one name may be one registered twice.
    assert!(same_organisation(at(one, "Brf Sege"), at(other, "Brf Sege.")));
    assert!(!same_organisation(at(one, "Brf Sege"), at(other, "Brf Solen")));
    // Where one is not registered, the names decide.
    assert!(same_organisation(at(one, "Brf Sege"), at(None, "brf sege")));
    assert!(!same_organisation(at(None, "Brf Sege"), at(other, "Brf Solen")));
    let innovator = actor(&[Role::Innovator]);
    let owner = actor(&[Role::NeedsOwner]);
    let colleague = Candidate {
        organisation: at(one, "MKB"),
        ..candidate(actor(&[Role::Assessor]).id, None)
    };
    let refused = check_assignment(
        &colleague,
        innovator.id,
        at(one, "MKB Fastighets AB"),
        owner.id,
        Affiliation::default(),
    );
    assert!(matches!(refused, Err(Refusal::Invalid(_))));
    assert!(
        check_assignment(
            &colleague,
            innovator.id,
            at(other, "Brf Sege"),
            owner.id,
            Affiliation::default()
        )
        .is_ok()
    );
}

#[test]
fn a_user_without_the_assessor_role_or_deactivated_is_refused() {
    let innovator = actor(&[Role::Innovator]);
    let owner = actor(&[Role::NeedsOwner]);
    let mut not_assessor = candidate(actor(&[Role::Innovator]).id, None);
    not_assessor.is_assessor = false;
    assert!(
        check_assignment(
            &not_assessor,
            innovator.id,
            Affiliation::default(),
            owner.id,
            Affiliation::default()
        )
        .is_err()
    );
    let mut inactive = candidate(actor(&[Role::Assessor]).id, None);
    inactive.active = false;
    assert!(
        check_assignment(
            &inactive,
            innovator.id,
            Affiliation::default(),
            owner.id,
            Affiliation::default()
        )
        .is_err()
    );
}

#[test]
fn only_the_assigned_assessor_declares_a_conflict_and_only_before_scoring() {
    let assessor = actor(&[Role::Assessor]);
    assert_eq!(
        decide_declare_conflict(AssignmentState::Assigned, assessor.id, &assessor, "My neighbour"),
        Ok(AssignmentState::ConflictDeclared)
    );
    let other = actor(&[Role::Assessor, Role::Facilitator]);
    assert!(matches!(
        decide_declare_conflict(AssignmentState::Assigned, assessor.id, &other, "x"),
        Err(Refusal::NotPermitted(_))
    ));
    assert!(matches!(
        decide_declare_conflict(AssignmentState::Assigned, assessor.id, &assessor, " "),
        Err(Refusal::Invalid(_))
    ));
    for state in [AssignmentState::ConflictDeclared, AssignmentState::Submitted] {
        assert!(matches!(
            decide_declare_conflict(state, assessor.id, &assessor, "x"),
            Err(Refusal::InvalidTransition { .. })
        ));
    }
}

#[test]
fn score_access_follows_the_panel_rules() {
    let facilitator = actor(&[Role::Facilitator]);
    let assessor = actor(&[Role::Assessor]);
    let innovator = actor(&[Role::Innovator]);
    assert_eq!(score_access(&facilitator, None), Ok(ScoreAccess::All));
    assert_eq!(
        score_access(&assessor, Some(AssignmentState::Assigned)),
        Ok(ScoreAccess::OwnOnly)
    );
    assert_eq!(
        score_access(&assessor, Some(AssignmentState::Submitted)),
        Ok(ScoreAccess::All)
    );
    assert!(matches!(score_access(&innovator, None), Err(Refusal::NotPermitted(_))));
}

#[test]
fn blind_assessment_hides_identity_from_assessors_only() {
    let innovator = actor(&[Role::Innovator]);
    let assessor = actor(&[Role::Assessor]);
    let facilitator = actor(&[Role::Facilitator, Role::Assessor]);
    let owner = actor(&[Role::NeedsOwner]);
    assert!(!sees_identity(&assessor, &[innovator.id], true, true));
    assert!(sees_identity(&assessor, &[innovator.id], false, true));
    assert!(sees_identity(&facilitator, &[innovator.id], true, true));
    assert!(sees_identity(&innovator, &[innovator.id], true, false));
    assert!(sees_identity(&owner, &[innovator.id], true, false));
}

#[test]
fn assignment_states_round_trip() {
    for state in AssignmentState::ALL {
        assert_eq!(AssignmentState::parse(state.as_str()), Some(state));
    }
}

#[test]
fn only_facilitators_set_up_assessment() {
    assert!(authorize_facilitator(&actor(&[Role::Facilitator])).is_ok());
    assert!(authorize_facilitator(&actor(&[Role::Assessor])).is_err());
}

#[test]
fn an_assessor_of_the_organisation_behind_the_challenge_is_refused() {
    // SPEC §14.4: the challenge's organisation counts as the innovator's does, by
    // registration or by name.
    let innovator = actor(&[Role::Innovator]);
    let owner = actor(&[Role::NeedsOwner]);
    let association = Uuid::now_v7();
    let member = Candidate {
        organisation: Affiliation {
            id: Some(association),
            name: Some("Brf Sege Park"),
        },
        ..candidate(actor(&[Role::Assessor]).id, None)
    };
    let by_name = candidate(actor(&[Role::Assessor]).id, Some("brf sege park"));
    let behind = Affiliation {
        id: Some(association),
        name: Some("Brf Sege Park"),
    };
    for assessor in [&member, &by_name] {
        let Err(Refusal::Invalid(errors)) =
            check_assignment(assessor, innovator.id, Affiliation::default(), owner.id, behind)
        else {
            panic!("expected 422");
        };
        assert_eq!(errors[0].problem, FieldProblem::ConflictChallengeOrganisation);
    }
    let outsider = candidate(actor(&[Role::Assessor]).id, Some("Malmö University"));
    assert!(check_assignment(&outsider, innovator.id, Affiliation::default(), owner.id, behind).is_ok());
}

#[test]
fn scores_on_the_scale_may_carry_a_meaning_and_others_are_refused() {
    let mut rubric = default_rubric();
    rubric.criteria[0].scale_labels = BTreeMap::from([
        ("1".to_owned(), "Does not answer the need".to_owned()),
        ("5".to_owned(), "Answers the whole need".to_owned()),
    ]);
    assert!(check_rubric(&rubric).is_ok());
    assert_eq!(
        rubric.criteria[0].scale_meanings(),
        [(1, "Does not answer the need"), (5, "Answers the whole need")]
    );

    for (score, text, problem) in [
        ("6", "Beyond", "not on scale"),
        ("0", "Below", "not on scale"),
        ("three", "Some", "not on scale"),
        ("3", "  ", "blank"),
    ] {
        let mut refused = default_rubric();
        refused.criteria[0].scale_labels = BTreeMap::from([(score.to_owned(), text.to_owned())]);
        let Err(Refusal::Invalid(errors)) = check_rubric(&refused) else {
            panic!("a meaning of '{score}' ({problem}) was accepted");
        };
        assert_eq!(errors[0].field, "criteria.scale_labels", "{errors:?}");
        if problem == "not on scale" {
            assert!(
                matches!(errors[0].problem, FieldProblem::ScoreNotOnScale { .. }),
                "{errors:?}"
            );
        }
    }
}

#[test]
fn an_assessor_from_an_accepted_team_members_organisation_is_refused() {
    let org = Uuid::now_v7();
    let candidate = Candidate {
        id: UserId(Uuid::now_v7()),
        is_assessor: true,
        active: true,
        organisation: Affiliation {
            id: Some(org),
            name: Some("Binly AB"),
        },
    };
    let colleague = Affiliation {
        id: Some(org),
        name: None,
    };
    let elsewhere = Affiliation {
        id: Some(Uuid::now_v7()),
        name: Some("Other AB"),
    };
    assert_eq!(
        check_team_conflict(&candidate, &[elsewhere, colleague]),
        Err(Refusal::invalid("assessor_id", FieldProblem::ConflictOrganisation))
    );
    assert_eq!(check_team_conflict(&candidate, &[elsewhere]), Ok(()));
    assert_eq!(check_team_conflict(&candidate, &[]), Ok(()));
    // Matched by name where neither names a registered organisation.
    let by_name = Affiliation::named(Some("binly ab"));
    let typed = Candidate {
        organisation: Affiliation::named(Some("Binly AB")),
        ..candidate
    };
    assert!(check_team_conflict(&typed, &[by_name]).is_err());
}
