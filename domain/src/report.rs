//! The funnel report (SPEC §6), computed from the event log as a pure function.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::challenge::ChallengeState;
use crate::event::{ChallengeEventKind, IdeaEventKind};
use crate::idea::{IdeaState, TestOutcome};

/// One accepted command as the report sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFact {
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// The snake_case command (`create`, `submit`, `publish`, `decide`, …).
    pub command: String,
    /// The state it led to.
    pub to_state: String,
    /// When.
    pub at: DateTime<Utc>,
    /// For `complete`: the test outcome.
    pub outcome: Option<TestOutcome>,
}

/// A challenge selected for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeFact {
    /// Identifier.
    pub id: Uuid,
    /// Current state.
    pub state: ChallengeState,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// An idea selected for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct IdeaFact {
    /// Identifier.
    pub id: Uuid,
    /// Current state.
    pub state: IdeaState,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// Shares of items that reached one state and later another (0..1; `None` when nothing
/// reached the first state).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversion {
    /// Submitted ideas that were later qualified.
    pub submitted_to_qualified: Option<f64>,
    /// Qualified ideas that later went into testing.
    pub qualified_to_tested: Option<f64>,
    /// Tested ideas that were completed as adopted or scaled.
    pub tested_to_adopted: Option<f64>,
}

/// Median days per step, over the items that finished the step (`None` when none did).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MedianDays {
    /// Challenge created → published.
    pub need_formulation: Option<f64>,
    /// Idea created → first submitted.
    pub matching: Option<f64>,
    /// start_assessment → decide.
    pub assessment: Option<f64>,
    /// start_incubation → start_testing.
    pub incubation: Option<f64>,
    /// start_testing → complete.
    pub testing: Option<f64>,
}

/// The funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    /// Challenges by state (every state, zero included).
    pub challenges: BTreeMap<&'static str, u64>,
    /// Ideas by state (every state, zero included).
    pub ideas: BTreeMap<&'static str, u64>,
    /// Conversions between steps.
    pub conversion: Conversion,
    /// Median days per step.
    pub median_days: MedianDays,
}

const MICROS_PER_DAY: f64 = 86_400_000_000.0;

/// A duration in microseconds, as days.
pub fn days_of_micros(micros: f64) -> f64 {
    micros / MICROS_PER_DAY
}

/// The median of `values` (mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// `to - from` in microseconds, when both are known and `to` is no earlier.
fn span(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Option<i64> {
    let (from, to) = (from?, to?);
    (to >= from).then(|| (to - from).num_microseconds().unwrap_or(i64::MAX))
}

fn earliest(slot: &mut Option<DateTime<Utc>>, at: DateTime<Utc>) {
    if slot.is_none_or(|seen| at < seen) {
        *slot = Some(at);
    }
}

/// The step of the funnel whose first time an event of a challenge marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeMark {
    /// Published: need formulation ends, matching begins.
    Published,
}

/// The step of the funnel whose first time an event of an idea marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdeaMark {
    /// Submitted: matching ends.
    Submitted,
    /// Assessment started.
    AssessmentStarted,
    /// Decided (and qualified, when the decision qualified it).
    Decided,
    /// Incubation started.
    IncubationStarted,
    /// Test started.
    TestingStarted,
    /// Test completed (adopted, when the outcome counts as adoption).
    Completed,
}

/// What the funnel needs of one challenge: its state, and when it was created and first
/// published (from its `publish` event).
#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeSteps {
    /// Current state.
    pub state: ChallengeState,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The first `publish`.
    pub published_at: Option<DateTime<Utc>>,
}

impl ChallengeSteps {
    /// A challenge just created.
    pub fn new(state: ChallengeState, created_at: DateTime<Utc>) -> Self {
        Self {
            state,
            created_at,
            published_at: None,
        }
    }

    /// Takes in one of its events: the state it led to, and the first `publish`.
    pub fn apply(&mut self, kind: ChallengeEventKind, to_state: ChallengeState, at: DateTime<Utc>) {
        self.state = to_state;
        match kind.rules().marks {
            Some(ChallengeMark::Published) => earliest(&mut self.published_at, at),
            None => {}
        }
    }

    /// The kinds of event whose first time [`ChallengeSteps::apply`] keeps.
    pub fn step_kinds() -> impl Iterator<Item = ChallengeEventKind> {
        ChallengeEventKind::ALL
            .iter()
            .copied()
            .filter(|kind| kind.rules().marks.is_some())
    }

    /// Created → first published, in microseconds.
    pub fn need_formulation(&self) -> Option<i64> {
        span(Some(self.created_at), self.published_at)
    }
}

/// What the funnel needs of one idea: its state, creation, and the first time of each step
/// (from its events).
#[derive(Debug, Clone, PartialEq)]
pub struct IdeaSteps {
    /// Current state.
    pub state: IdeaState,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The first `submit`.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The first `start_assessment`.
    pub assessment_started_at: Option<DateTime<Utc>>,
    /// The first `decide`.
    pub decided_at: Option<DateTime<Utc>>,
    /// The first `decide` that qualified it.
    pub qualified_at: Option<DateTime<Utc>>,
    /// The first `start_incubation`.
    pub incubation_started_at: Option<DateTime<Utc>>,
    /// The first `start_testing`.
    pub testing_started_at: Option<DateTime<Utc>>,
    /// The first `complete`.
    pub completed_at: Option<DateTime<Utc>>,
    /// Whether it was completed as adopted or scaled.
    pub adopted: bool,
}

/// How long one idea took over each of its steps, in microseconds (`None` for a step it
/// has not finished).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IdeaDurations {
    /// Created → first submitted.
    pub matching: Option<i64>,
    /// First start_assessment → first decide.
    pub assessment: Option<i64>,
    /// First start_incubation → first start_testing.
    pub incubation: Option<i64>,
    /// First start_testing → first complete.
    pub testing: Option<i64>,
}

impl IdeaDurations {
    /// The durations in the order of `Tally::STEPS` after `need_formulation`.
    pub fn in_step_order(&self) -> [Option<i64>; 4] {
        [self.matching, self.assessment, self.incubation, self.testing]
    }
}

impl MedianDays {
    /// The medians given in the order of [`Tally::STEPS`].
    pub fn in_step_order([need_formulation, matching, assessment, incubation, testing]: [Option<f64>; 5]) -> Self {
        Self {
            need_formulation,
            matching,
            assessment,
            incubation,
            testing,
        }
    }
}

impl IdeaSteps {
    /// An idea just created.
    pub fn new(state: IdeaState, created_at: DateTime<Utc>) -> Self {
        Self {
            state,
            created_at,
            submitted_at: None,
            assessment_started_at: None,
            decided_at: None,
            qualified_at: None,
            incubation_started_at: None,
            testing_started_at: None,
            completed_at: None,
            adopted: false,
        }
    }

    /// Takes in one of its events: the state it led to, the first time of the step it marks,
    /// and for `complete` whether the outcome counts as adoption.
    pub fn apply(&mut self, kind: IdeaEventKind, to_state: IdeaState, at: DateTime<Utc>, outcome: Option<TestOutcome>) {
        self.state = to_state;
        let Some(mark) = kind.rules().marks else {
            return;
        };
        let slot = match mark {
            IdeaMark::Submitted => &mut self.submitted_at,
            IdeaMark::AssessmentStarted => &mut self.assessment_started_at,
            IdeaMark::Decided => {
                if to_state == IdeaState::Qualified {
                    earliest(&mut self.qualified_at, at);
                }
                &mut self.decided_at
            }
            IdeaMark::IncubationStarted => &mut self.incubation_started_at,
            IdeaMark::TestingStarted => &mut self.testing_started_at,
            IdeaMark::Completed => {
                self.adopted |= outcome.is_some_and(TestOutcome::is_adoption);
                &mut self.completed_at
            }
        };
        earliest(slot, at);
    }

    /// The kinds of event whose first time [`IdeaSteps::apply`] keeps: the ones a rebuild
    /// of the funnel reads from the event log.
    pub fn step_kinds() -> impl Iterator<Item = IdeaEventKind> {
        IdeaEventKind::ALL
            .iter()
            .copied()
            .filter(|kind| kind.rules().marks.is_some())
    }

    /// The time it took over each finished step.
    pub fn durations(&self) -> IdeaDurations {
        IdeaDurations {
            matching: span(Some(self.created_at), self.submitted_at),
            assessment: span(self.assessment_started_at, self.decided_at),
            incubation: span(self.incubation_started_at, self.testing_started_at),
            testing: span(self.testing_started_at, self.completed_at),
        }
    }
}

/// The additive figures of the funnel: counts per state, the two sides of each conversion,
/// and how many items finished each step. The tally of a set of items is the sum of the
/// tallies of its items, so tallies can be kept per day and arena and summed for a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Challenges per state, in the order of [`ChallengeState::ALL`].
    pub challenges: [i64; ChallengeState::ALL.len()],
    /// Ideas per state, in the order of [`IdeaState::ALL`].
    pub ideas: [i64; IdeaState::ALL.len()],
    /// Ideas submitted.
    pub submitted: i64,
    /// Ideas submitted, then qualified.
    pub submitted_qualified: i64,
    /// Ideas qualified.
    pub qualified: i64,
    /// Ideas qualified, then tested.
    pub qualified_tested: i64,
    /// Ideas tested.
    pub tested: i64,
    /// Ideas tested, then completed as adopted or scaled.
    pub tested_adopted: i64,
    /// Items that finished each step, in the order of [`Tally::STEPS`].
    pub finished: [i64; 5],
}

/// Reached `from`, then `to` no earlier: (reached, converted) as 0 or 1.
fn reached(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> (i64, i64) {
    match from {
        Some(from) => (1, i64::from(to.is_some_and(|to| to >= from))),
        None => (0, 0),
    }
}

impl Tally {
    /// The steps whose durations the funnel reports.
    pub const STEPS: [&'static str; 5] = ["need_formulation", "matching", "assessment", "incubation", "testing"];

    /// The names of the figures, in the order of [`Tally::values`]: a stable name for
    /// each, fit for a column.
    pub fn names() -> Vec<String> {
        let challenges = ChallengeState::ALL.iter().map(|s| format!("challenges_{}", s.as_str()));
        let ideas = IdeaState::ALL.iter().map(|s| format!("ideas_{}", s.as_str()));
        let shares = [
            "submitted",
            "submitted_qualified",
            "qualified",
            "qualified_tested",
            "tested",
            "tested_adopted",
        ]
        .map(str::to_owned);
        let finished = Self::STEPS.map(|s| format!("finished_{s}"));
        challenges.chain(ideas).chain(shares).chain(finished).collect()
    }

    /// The figures, in the order of [`Tally::names`].
    pub fn values(&self) -> Vec<i64> {
        let shares = [
            self.submitted,
            self.submitted_qualified,
            self.qualified,
            self.qualified_tested,
            self.tested,
            self.tested_adopted,
        ];
        [&self.challenges[..], &self.ideas, &shares, &self.finished].concat()
    }

    /// The tally whose [`Tally::values`] are `values`; `None` when the count is wrong.
    pub fn from_values(values: &[i64]) -> Option<Self> {
        if values.len() != Self::names().len() {
            return None;
        }
        let (challenges, rest) = values.split_at(ChallengeState::ALL.len());
        let (ideas, rest) = rest.split_at(IdeaState::ALL.len());
        let (shares, finished) = rest.split_at(6);
        Some(Self {
            challenges: challenges.try_into().ok()?,
            ideas: ideas.try_into().ok()?,
            submitted: shares[0],
            submitted_qualified: shares[1],
            qualified: shares[2],
            qualified_tested: shares[3],
            tested: shares[4],
            tested_adopted: shares[5],
            finished: finished.try_into().ok()?,
        })
    }

    /// The tally of one challenge.
    pub fn of_challenge(challenge: &ChallengeSteps) -> Self {
        let mut tally = Self::default();
        tally.challenges[state_index(&ChallengeState::ALL, challenge.state)] = 1;
        tally.finished[0] = i64::from(challenge.need_formulation().is_some());
        tally
    }

    /// The tally of one idea.
    pub fn of_idea(idea: &IdeaSteps) -> Self {
        let mut tally = Self::default();
        tally.ideas[state_index(&IdeaState::ALL, idea.state)] = 1;
        (tally.submitted, tally.submitted_qualified) = reached(idea.submitted_at, idea.qualified_at);
        (tally.qualified, tally.qualified_tested) = reached(idea.qualified_at, idea.testing_started_at);
        let adopted_at = idea.completed_at.filter(|_| idea.adopted);
        (tally.tested, tally.tested_adopted) = reached(idea.testing_started_at, adopted_at);
        for (slot, duration) in tally.finished[1..].iter_mut().zip(idea.durations().in_step_order()) {
            *slot = i64::from(duration.is_some());
        }
        tally
    }

    /// Whether every figure is zero.
    pub fn is_zero(&self) -> bool {
        self.values().iter().all(|v| *v == 0)
    }

    fn combine(&self, other: &Self, op: impl Fn(i64, i64) -> i64) -> Self {
        let values: Vec<i64> = self
            .values()
            .iter()
            .zip(other.values())
            .map(|(a, b)| op(*a, b))
            .collect();
        Self::from_values(&values).unwrap_or_default()
    }
}

fn state_index<S: PartialEq>(all: &[S], state: S) -> usize {
    all.iter().position(|s| *s == state).unwrap_or_default()
}

impl std::ops::Add for Tally {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        self.combine(&other, i64::saturating_add)
    }
}

impl std::ops::Sub for Tally {
    type Output = Self;
    fn sub(self, other: Self) -> Self {
        self.combine(&other, i64::saturating_sub)
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Self) {
        *self = *self + other;
    }
}

fn share(reached: i64, converted: i64) -> Option<f64> {
    (reached > 0).then(|| converted as f64 / reached as f64)
}

impl Funnel {
    /// The funnel of the items whose tally is `tally`, with the median days per step
    /// computed beside it.
    pub fn from_tally(tally: &Tally, median_days: MedianDays) -> Self {
        Self {
            challenges: ChallengeState::ALL
                .iter()
                .zip(tally.challenges)
                .map(|(s, n)| (s.as_str(), n.max(0) as u64))
                .collect(),
            ideas: IdeaState::ALL
                .iter()
                .zip(tally.ideas)
                .map(|(s, n)| (s.as_str(), n.max(0) as u64))
                .collect(),
            conversion: Conversion {
                submitted_to_qualified: share(tally.submitted, tally.submitted_qualified),
                qualified_to_tested: share(tally.qualified, tally.qualified_tested),
                tested_to_adopted: share(tally.tested, tally.tested_adopted),
            },
            median_days,
        }
    }
}

/// Computes the funnel of the selected challenges and ideas from their events. Events of
/// subjects not selected are ignored. This is the definition the stored read model is
/// checked against.
pub fn funnel(challenges: &[ChallengeFact], ideas: &[IdeaFact], events: &[EventFact]) -> Funnel {
    let mut challenge_steps: HashMap<Uuid, ChallengeSteps> = challenges
        .iter()
        .map(|c| (c.id, ChallengeSteps::new(c.state, c.created_at)))
        .collect();
    let mut idea_steps: HashMap<Uuid, IdeaSteps> = ideas
        .iter()
        .map(|i| (i.id, IdeaSteps::new(i.state, i.created_at)))
        .collect();
    for event in events {
        // A command the log names but no kind does (none is written) changes nothing.
        if let Some(challenge) = challenge_steps.get_mut(&event.subject_id)
            && let Some(kind) = ChallengeEventKind::parse(&event.command)
        {
            let state = challenge.state;
            challenge.apply(kind, state, event.at);
        } else if let Some(idea) = idea_steps.get_mut(&event.subject_id)
            && let Some(kind) = IdeaEventKind::parse(&event.command)
        {
            let to_state = IdeaState::parse(&event.to_state).unwrap_or(idea.state);
            let state = idea.state;
            idea.apply(kind, to_state, event.at, event.outcome);
            // The selection's current state is what counts, not the event's.
            idea.state = state;
        }
    }
    let mut tally = Tally::default();
    let mut durations: [Vec<f64>; 5] = Default::default();
    for challenge in challenge_steps.values() {
        tally += Tally::of_challenge(challenge);
        durations[0].extend(challenge.need_formulation().map(|d| d as f64));
    }
    for idea in idea_steps.values() {
        tally += Tally::of_idea(idea);
        for (list, duration) in durations[1..].iter_mut().zip(idea.durations().in_step_order()) {
            list.extend(duration.map(|d| d as f64));
        }
    }
    let medians = durations.map(|list| median(list).map(days_of_micros));
    Funnel::from_tally(&tally, MedianDays::in_step_order(medians))
}

/// The CSV form of a report: a header line, then one `section,key,value` row per figure.
/// Absent values are empty cells.
pub fn to_csv(rows: &[(String, String, Option<f64>)]) -> String {
    let mut csv = String::from("section,key,value\n");
    for (section, key, value) in rows {
        let value = value.map(|v| v.to_string()).unwrap_or_default();
        csv.push_str(&format!("{},{},{}\n", csv_field(section), csv_field(key), value));
    }
    csv
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

impl Funnel {
    /// The figures as `(section, key, value)` rows, in a stable order.
    pub fn rows(&self) -> Vec<(String, String, Option<f64>)> {
        let mut rows = Vec::new();
        for (state, count) in &self.challenges {
            rows.push(("challenges".to_owned(), (*state).to_owned(), Some(*count as f64)));
        }
        for (state, count) in &self.ideas {
            rows.push(("ideas".to_owned(), (*state).to_owned(), Some(*count as f64)));
        }
        let c = &self.conversion;
        for (key, value) in [
            ("submitted_to_qualified", c.submitted_to_qualified),
            ("qualified_to_tested", c.qualified_to_tested),
            ("tested_to_adopted", c.tested_to_adopted),
        ] {
            rows.push(("conversion".to_owned(), key.to_owned(), value));
        }
        let m = &self.median_days;
        for (key, value) in [
            ("need_formulation", m.need_formulation),
            ("matching", m.matching),
            ("assessment", m.assessment),
            ("incubation", m.incubation),
            ("testing", m.testing),
        ] {
            rows.push(("median_days".to_owned(), key.to_owned(), value));
        }
        rows
    }
}

#[cfg(test)]
mod tests;
