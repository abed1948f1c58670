use chrono::{Duration, TimeZone};

use super::*;

fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).single().unwrap() + Duration::days(n)
}

fn event(subject: Uuid, command: &str, to_state: &str, at: i64) -> EventFact {
    EventFact {
        subject_id: subject,
        command: command.into(),
        to_state: to_state.into(),
        at: day(at),
        outcome: None,
    }
}

fn completed(subject: Uuid, outcome: TestOutcome, at: i64) -> EventFact {
    EventFact {
        outcome: Some(outcome),
        ..event(subject, "complete", "completed", at)
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

struct Pipeline {
    challenges: Vec<ChallengeFact>,
    ideas: Vec<IdeaFact>,
    events: Vec<EventFact>,
}

/// Three challenges and four ideas whose figures are worked out by hand in the tests.
fn pipeline() -> Pipeline {
    let (c1, c2, c3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (i1, i2, i3, i4) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let challenge = |id, state| ChallengeFact {
        id,
        state,
        created_at: day(0),
    };
    let idea = |id, state| IdeaFact {
        id,
        state,
        created_at: day(10),
    };
    Pipeline {
        challenges: vec![
            challenge(c1, ChallengeState::Published),
            challenge(c2, ChallengeState::Closed),
            challenge(c3, ChallengeState::Draft),
        ],
        ideas: vec![
            idea(i1, IdeaState::Completed),
            idea(i2, IdeaState::NotQualified),
            idea(i3, IdeaState::Completed),
            idea(i4, IdeaState::Draft),
        ],
        events: vec![
            event(c1, "submit", "submitted", 1),
            event(c1, "publish", "published", 4),
            event(c2, "publish", "published", 10),
            event(c2, "close", "closed", 30),
            // i1: submitted after 2 days, assessed in 4, incubated 10, tested 10, adopted.
            event(i1, "submit", "submitted", 12),
            event(i1, "start_assessment", "in_assessment", 13),
            event(i1, "decide", "qualified", 17),
            event(i1, "start_incubation", "in_incubation", 18),
            event(i1, "start_testing", "in_testing", 28),
            completed(i1, TestOutcome::Adopted, 38),
            // i2: submitted after 1 day, assessed in 2, not qualified.
            event(i2, "submit", "submitted", 11),
            event(i2, "start_assessment", "in_assessment", 13),
            event(i2, "decide", "not_qualified", 15),
            // i3: submitted after 4 days, assessed in 6, tested without incubation for 20, not adopted.
            event(i3, "submit", "submitted", 14),
            event(i3, "start_assessment", "in_assessment", 14),
            event(i3, "decide", "qualified", 20),
            event(i3, "start_testing", "in_testing", 21),
            completed(i3, TestOutcome::NotAdopted, 41),
        ],
    }
}

#[test]
fn counts_every_state_including_zeroes() {
    let p = pipeline();
    let report = funnel(&p.challenges, &p.ideas, &p.events);
    assert_eq!(report.challenges["published"], 1);
    assert_eq!(report.challenges["closed"], 1);
    assert_eq!(report.challenges["draft"], 1);
    assert_eq!(report.challenges["archived"], 0);
    assert_eq!(report.challenges.len(), 7);
    assert_eq!(report.ideas["completed"], 2);
    assert_eq!(report.ideas["not_qualified"], 1);
    assert_eq!(report.ideas["draft"], 1);
    assert_eq!(report.ideas["on_hold"], 0);
    assert_eq!(report.ideas.len(), 11);
}

#[test]
fn conversions_match_a_hand_computation() {
    let p = pipeline();
    let report = funnel(&p.challenges, &p.ideas, &p.events);
    // submitted {i1, i2, i3} → qualified {i1, i3}
    assert!(close(report.conversion.submitted_to_qualified, 2.0 / 3.0));
    // qualified {i1, i3} → tested {i1, i3}
    assert!(close(report.conversion.qualified_to_tested, 1.0));
    // tested {i1, i3} → adopted or scaled {i1}
    assert!(close(report.conversion.tested_to_adopted, 0.5));
}

#[test]
fn median_days_match_a_hand_computation() {
    let p = pipeline();
    let report = funnel(&p.challenges, &p.ideas, &p.events);
    let m = &report.median_days;
    assert!(close(m.need_formulation, 7.0), "{m:?}"); // 4 and 10
    assert!(close(m.matching, 2.0), "{m:?}"); // 2, 1, 4
    assert!(close(m.assessment, 4.0), "{m:?}"); // 4, 2, 6
    assert!(close(m.incubation, 10.0), "{m:?}"); // only i1
    assert!(close(m.testing, 15.0), "{m:?}"); // 10 and 20
}

#[test]
fn nothing_reached_gives_null_not_zero() {
    let report = funnel(&[], &[], &[]);
    assert_eq!(report.conversion.submitted_to_qualified, None);
    assert_eq!(report.conversion.qualified_to_tested, None);
    assert_eq!(report.conversion.tested_to_adopted, None);
    assert_eq!(report.median_days.matching, None);
}

#[test]
fn scaled_counts_as_adopted_and_needs_further_development_does_not() {
    let id = Uuid::now_v7();
    let ideas = vec![IdeaFact {
        id,
        state: IdeaState::Completed,
        created_at: day(0),
    }];
    for (outcome, share) in [(TestOutcome::Scaled, 1.0), (TestOutcome::NeedsFurtherDevelopment, 0.0)] {
        let events = vec![event(id, "start_testing", "in_testing", 1), completed(id, outcome, 5)];
        assert!(close(funnel(&[], &ideas, &events).conversion.tested_to_adopted, share));
    }
}

#[test]
fn events_of_unselected_subjects_are_ignored() {
    let p = pipeline();
    let only_i2: Vec<IdeaFact> = p
        .ideas
        .iter()
        .filter(|i| i.state == IdeaState::NotQualified)
        .cloned()
        .collect();
    let report = funnel(&[], &only_i2, &p.events);
    assert!(close(report.conversion.submitted_to_qualified, 0.0));
    assert_eq!(report.conversion.qualified_to_tested, None);
}

#[test]
fn a_resubmitted_challenge_counts_from_creation_to_its_first_publication() {
    let id = Uuid::now_v7();
    let challenges = vec![ChallengeFact {
        id,
        state: ChallengeState::Published,
        created_at: day(0),
    }];
    let events = vec![
        event(id, "submit", "submitted", 1),
        event(id, "request_changes", "changes_requested", 2),
        event(id, "submit", "submitted", 3),
        event(id, "publish", "published", 6),
    ];
    assert!(close(
        funnel(&challenges, &[], &events).median_days.need_formulation,
        6.0
    ));
}

#[test]
fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
    assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(median(vec![5.0]), Some(5.0));
    assert_eq!(median(vec![]), None);
}

#[test]
fn csv_has_a_header_and_one_row_per_figure() {
    let p = pipeline();
    let report = funnel(&p.challenges, &p.ideas, &p.events);
    let csv = to_csv(&report.rows());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "section,key,value");
    assert_eq!(lines.len(), 1 + 7 + 11 + 3 + 5);
    assert!(lines.contains(&"conversion,tested_to_adopted,0.5"));
    assert!(lines.contains(&"challenges,draft,1"));
}

#[test]
fn csv_quotes_fields_with_commas_and_leaves_absent_values_empty() {
    let csv = to_csv(&[("obstacles".into(), "a,b".into(), None)]);
    assert_eq!(csv, "section,key,value\nobstacles,\"a,b\",\n");
}

fn steps_of(p: &Pipeline, id: Uuid) -> IdeaSteps {
    let fact = p.ideas.iter().find(|i| i.id == id).unwrap();
    let mut steps = IdeaSteps::new(IdeaState::Draft, fact.created_at);
    for e in p.events.iter().filter(|e| e.subject_id == id) {
        steps.apply(
            IdeaEventKind::parse(&e.command).unwrap(),
            IdeaState::parse(&e.to_state).unwrap(),
            e.at,
            e.outcome,
        );
    }
    steps
}

#[test]
fn applying_events_keeps_the_first_time_of_each_step_and_the_latest_state() {
    let mut steps = IdeaSteps::new(IdeaState::Draft, day(0));
    steps.apply(IdeaEventKind::Submit, IdeaState::Submitted, day(2), None);
    steps.apply(IdeaEventKind::StartAssessment, IdeaState::InAssessment, day(3), None);
    steps.apply(IdeaEventKind::Decide, IdeaState::Qualified, day(5), None);
    // A later event of the same step does not move its first time.
    steps.apply(IdeaEventKind::Submit, IdeaState::Submitted, day(9), None);
    steps.apply(IdeaEventKind::Edit, IdeaState::Submitted, day(10), None);
    assert_eq!(steps.state, IdeaState::Submitted);
    assert_eq!(steps.submitted_at, Some(day(2)));
    assert_eq!(steps.qualified_at, Some(day(5)));
    let d = steps.durations();
    assert_eq!(d.matching, Some(2 * 86_400_000_000));
    assert_eq!(d.assessment, Some(2 * 86_400_000_000));
    assert_eq!(d.incubation, None);
}

#[test]
fn a_decision_that_does_not_qualify_leaves_qualified_unset() {
    let mut steps = IdeaSteps::new(IdeaState::InAssessment, day(0));
    steps.apply(IdeaEventKind::Decide, IdeaState::NotQualified, day(4), None);
    assert_eq!(steps.decided_at, Some(day(4)));
    assert_eq!(steps.qualified_at, None);
}

#[test]
fn only_an_adopting_outcome_marks_an_idea_adopted() {
    for (outcome, adopted) in [
        (Some(TestOutcome::Adopted), true),
        (Some(TestOutcome::Scaled), true),
        (Some(TestOutcome::NotAdopted), false),
        (None, false),
    ] {
        let mut steps = IdeaSteps::new(IdeaState::InTesting, day(0));
        steps.apply(IdeaEventKind::Complete, IdeaState::Completed, day(1), outcome);
        assert_eq!(steps.adopted, adopted, "{outcome:?}");
    }
}

#[test]
fn a_step_that_ends_before_it_starts_has_no_duration() {
    let mut steps = IdeaSteps::new(IdeaState::Draft, day(5));
    steps.apply(IdeaEventKind::Submit, IdeaState::Submitted, day(4), None);
    assert_eq!(steps.durations().matching, None);
    assert_eq!(Tally::of_idea(&steps).finished[1], 0);
    let mut challenge = ChallengeSteps::new(ChallengeState::Submitted, day(0));
    challenge.apply(ChallengeEventKind::Publish, ChallengeState::Published, day(3));
    challenge.apply(ChallengeEventKind::Publish, ChallengeState::Published, day(7));
    assert_eq!(challenge.published_at, Some(day(3)));
    assert_eq!(challenge.need_formulation(), Some(3 * 86_400_000_000));
}

#[test]
fn tally_names_and_values_line_up_and_round_trip() {
    let p = pipeline();
    let ids: Vec<Uuid> = p.ideas.iter().map(|i| i.id).collect();
    let tally = ids
        .iter()
        .fold(Tally::default(), |t, id| t + Tally::of_idea(&steps_of(&p, *id)));
    assert_eq!(Tally::names().len(), tally.values().len());
    assert_eq!(Tally::from_values(&tally.values()), Some(tally));
    assert_eq!(Tally::from_values(&[1, 2, 3]), None);
    assert!(Tally::names().contains(&"challenges_changes_requested".to_owned()));
    assert!(Tally::names().contains(&"ideas_not_qualified".to_owned()));
    assert!(Tally::names().contains(&"finished_need_formulation".to_owned()));
}

#[test]
fn tallies_of_single_ideas_sum_to_the_conversions_worked_out_by_hand() {
    let p = pipeline();
    let tally = p
        .ideas
        .iter()
        .fold(Tally::default(), |t, i| t + Tally::of_idea(&steps_of(&p, i.id)));
    assert_eq!((tally.submitted, tally.submitted_qualified), (3, 2));
    assert_eq!((tally.qualified, tally.qualified_tested), (2, 2));
    assert_eq!((tally.tested, tally.tested_adopted), (2, 1));
    assert_eq!(tally.finished, [0, 3, 3, 1, 2]);
    // Removing an idea's tally takes it out again.
    let without_i1 = tally - Tally::of_idea(&steps_of(&p, p.ideas[0].id));
    assert_eq!((without_i1.tested, without_i1.tested_adopted), (1, 0));
    assert!((tally - tally).is_zero());
}

#[test]
fn the_funnel_from_a_tally_equals_the_funnel_from_the_events() {
    let p = pipeline();
    let reference = funnel(&p.challenges, &p.ideas, &p.events);
    let mut tally = Tally::default();
    for c in &p.challenges {
        let mut steps = ChallengeSteps::new(c.state, c.created_at);
        for e in p.events.iter().filter(|e| e.subject_id == c.id) {
            steps.apply(ChallengeEventKind::parse(&e.command).unwrap(), c.state, e.at);
        }
        tally += Tally::of_challenge(&steps);
    }
    for i in &p.ideas {
        let mut steps = steps_of(&p, i.id);
        steps.state = i.state;
        tally += Tally::of_idea(&steps);
    }
    let from_tally = Funnel::from_tally(&tally, reference.median_days.clone());
    assert_eq!(from_tally, reference);
}

#[test]
fn a_rebuild_reads_exactly_the_kinds_that_start_or_end_a_step() {
    let kinds: Vec<&str> = IdeaSteps::step_kinds().map(IdeaEventKind::as_str).collect();
    assert_eq!(
        kinds,
        [
            "submit",
            "start_assessment",
            "decide",
            "start_incubation",
            "start_testing",
            "complete"
        ]
    );
}
