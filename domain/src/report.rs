//! The funnel report (SPEC §6), computed from the event log as a pure function.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::challenge::ChallengeState;
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

const SECONDS_PER_DAY: f64 = 86_400.0;

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

fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / 1000.0 / SECONDS_PER_DAY
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

/// What the funnel needs of one idea: its state, creation, and the first time of each step
/// (from its events).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdeaSteps {
    /// Current state (`None` only in `Default`).
    pub state: Option<IdeaState>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
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

/// Reached `from`, then `to` no earlier: counts for a conversion share.
#[derive(Debug, Clone, Copy, Default)]
struct Share {
    reached: u64,
    converted: u64,
}

impl Share {
    fn add(&mut self, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) {
        if let Some(from) = from {
            self.reached += 1;
            if to.is_some_and(|to| to >= from) {
                self.converted += 1;
            }
        }
    }

    fn value(self) -> Option<f64> {
        (self.reached > 0).then(|| self.converted as f64 / self.reached as f64)
    }
}

fn push_days(durations: &mut Vec<f64>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) {
    if let (Some(from), Some(to)) = (from, to)
        && to >= from
    {
        durations.push(days(from, to));
    }
}

/// Builds the funnel one item at a time, keeping only counts and durations, so a report
/// over a million ideas can be streamed from the database.
#[derive(Debug, Clone)]
pub struct FunnelBuilder {
    challenges: BTreeMap<&'static str, u64>,
    ideas: BTreeMap<&'static str, u64>,
    submitted_to_qualified: Share,
    qualified_to_tested: Share,
    tested_to_adopted: Share,
    need_formulation: Vec<f64>,
    matching: Vec<f64>,
    assessment: Vec<f64>,
    incubation: Vec<f64>,
    testing: Vec<f64>,
}

impl Default for FunnelBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl FunnelBuilder {
    /// An empty funnel: every state counted zero.
    pub fn new() -> Self {
        Self {
            challenges: ChallengeState::ALL.iter().map(|s| (s.as_str(), 0)).collect(),
            ideas: IdeaState::ALL.iter().map(|s| (s.as_str(), 0)).collect(),
            submitted_to_qualified: Share::default(),
            qualified_to_tested: Share::default(),
            tested_to_adopted: Share::default(),
            need_formulation: Vec::new(),
            matching: Vec::new(),
            assessment: Vec::new(),
            incubation: Vec::new(),
            testing: Vec::new(),
        }
    }

    /// Counts one challenge.
    pub fn add_challenge(&mut self, challenge: &ChallengeSteps) {
        *self.challenges.entry(challenge.state.as_str()).or_default() += 1;
        push_days(
            &mut self.need_formulation,
            Some(challenge.created_at),
            challenge.published_at,
        );
    }

    /// Counts one idea.
    pub fn add_idea(&mut self, idea: &IdeaSteps) {
        if let Some(state) = idea.state {
            *self.ideas.entry(state.as_str()).or_default() += 1;
        }
        self.submitted_to_qualified.add(idea.submitted_at, idea.qualified_at);
        self.qualified_to_tested.add(idea.qualified_at, idea.testing_started_at);
        let adopted_at = idea.completed_at.filter(|_| idea.adopted);
        self.tested_to_adopted.add(idea.testing_started_at, adopted_at);
        push_days(&mut self.matching, idea.created_at, idea.submitted_at);
        push_days(&mut self.assessment, idea.assessment_started_at, idea.decided_at);
        push_days(
            &mut self.incubation,
            idea.incubation_started_at,
            idea.testing_started_at,
        );
        push_days(&mut self.testing, idea.testing_started_at, idea.completed_at);
    }

    /// The report.
    pub fn finish(self) -> Funnel {
        Funnel {
            challenges: self.challenges,
            ideas: self.ideas,
            conversion: Conversion {
                submitted_to_qualified: self.submitted_to_qualified.value(),
                qualified_to_tested: self.qualified_to_tested.value(),
                tested_to_adopted: self.tested_to_adopted.value(),
            },
            median_days: MedianDays {
                need_formulation: median(self.need_formulation),
                matching: median(self.matching),
                assessment: median(self.assessment),
                incubation: median(self.incubation),
                testing: median(self.testing),
            },
        }
    }
}

fn earliest(slot: &mut Option<DateTime<Utc>>, at: DateTime<Utc>) {
    if slot.is_none_or(|seen| at < seen) {
        *slot = Some(at);
    }
}

/// Computes the funnel of the selected challenges and ideas from their events. Events of
/// subjects not selected are ignored.
pub fn funnel(challenges: &[ChallengeFact], ideas: &[IdeaFact], events: &[EventFact]) -> Funnel {
    let mut challenge_steps: HashMap<Uuid, ChallengeSteps> = challenges
        .iter()
        .map(|c| {
            let steps = ChallengeSteps {
                state: c.state,
                created_at: c.created_at,
                published_at: None,
            };
            (c.id, steps)
        })
        .collect();
    let mut idea_steps: HashMap<Uuid, IdeaSteps> = ideas
        .iter()
        .map(|i| {
            let steps = IdeaSteps {
                state: Some(i.state),
                created_at: Some(i.created_at),
                ..IdeaSteps::default()
            };
            (i.id, steps)
        })
        .collect();
    for event in events {
        if let Some(challenge) = challenge_steps.get_mut(&event.subject_id) {
            if event.command == "publish" {
                earliest(&mut challenge.published_at, event.at);
            }
        } else if let Some(idea) = idea_steps.get_mut(&event.subject_id) {
            let slot = match event.command.as_str() {
                "submit" => &mut idea.submitted_at,
                "start_assessment" => &mut idea.assessment_started_at,
                "decide" => {
                    if event.to_state == IdeaState::Qualified.as_str() {
                        earliest(&mut idea.qualified_at, event.at);
                    }
                    &mut idea.decided_at
                }
                "start_incubation" => &mut idea.incubation_started_at,
                "start_testing" => &mut idea.testing_started_at,
                "complete" => {
                    idea.adopted |= event.outcome.is_some_and(TestOutcome::is_adoption);
                    &mut idea.completed_at
                }
                _ => continue,
            };
            earliest(slot, event.at);
        }
    }
    let mut builder = FunnelBuilder::new();
    for challenge in challenge_steps.values() {
        builder.add_challenge(challenge);
    }
    for idea in idea_steps.values() {
        builder.add_idea(idea);
    }
    builder.finish()
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
