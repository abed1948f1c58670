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

/// The first time each subject saw `command` (optionally only with `to_state`).
fn first_at<'a>(events: &'a [EventFact], command: &str, to_state: Option<&str>) -> HashMap<Uuid, &'a EventFact> {
    let mut first: HashMap<Uuid, &EventFact> = HashMap::new();
    for event in events {
        if event.command == command && to_state.is_none_or(|s| event.to_state == s) {
            first
                .entry(event.subject_id)
                .and_modify(|seen| {
                    if event.at < seen.at {
                        *seen = event;
                    }
                })
                .or_insert(event);
        }
    }
    first
}

/// Share of `from` subjects that also appear, no earlier, in `to`.
fn share(from: &HashMap<Uuid, &EventFact>, to: &HashMap<Uuid, &EventFact>) -> Option<f64> {
    if from.is_empty() {
        return None;
    }
    let later = from
        .iter()
        .filter(|(id, start)| to.get(*id).is_some_and(|end| end.at >= start.at))
        .count();
    Some(later as f64 / from.len() as f64)
}

/// Median days between `start` and the first `end` at or after it, per subject.
fn median_between(start: &HashMap<Uuid, DateTime<Utc>>, end: &HashMap<Uuid, &EventFact>) -> Option<f64> {
    median(
        start
            .iter()
            .filter_map(|(id, at)| end.get(id).filter(|e| e.at >= *at).map(|e| days(*at, e.at)))
            .collect(),
    )
}

fn starts(events: &HashMap<Uuid, &EventFact>) -> HashMap<Uuid, DateTime<Utc>> {
    events.iter().map(|(id, e)| (*id, e.at)).collect()
}

/// Computes the funnel of the selected challenges and ideas from their events. Events of
/// subjects not selected are ignored.
pub fn funnel(challenges: &[ChallengeFact], ideas: &[IdeaFact], events: &[EventFact]) -> Funnel {
    let mut challenge_counts: BTreeMap<&'static str, u64> =
        ChallengeState::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    for c in challenges {
        *challenge_counts.entry(c.state.as_str()).or_default() += 1;
    }
    let mut idea_counts: BTreeMap<&'static str, u64> = IdeaState::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    for i in ideas {
        *idea_counts.entry(i.state.as_str()).or_default() += 1;
    }

    let idea_ids: std::collections::HashSet<Uuid> = ideas.iter().map(|i| i.id).collect();
    let challenge_ids: std::collections::HashSet<Uuid> = challenges.iter().map(|c| c.id).collect();
    let idea_events: Vec<EventFact> = events
        .iter()
        .filter(|e| idea_ids.contains(&e.subject_id))
        .cloned()
        .collect();
    let challenge_events: Vec<EventFact> = events
        .iter()
        .filter(|e| challenge_ids.contains(&e.subject_id))
        .cloned()
        .collect();

    let submitted = first_at(&idea_events, "submit", None);
    let qualified = first_at(&idea_events, "decide", Some(IdeaState::Qualified.as_str()));
    let assessment_started = first_at(&idea_events, "start_assessment", None);
    let decided = first_at(&idea_events, "decide", None);
    let incubation_started = first_at(&idea_events, "start_incubation", None);
    let testing_started = first_at(&idea_events, "start_testing", None);
    let completed = first_at(&idea_events, "complete", None);
    let adopted: HashMap<Uuid, &EventFact> = completed
        .iter()
        .filter(|(_, e)| e.outcome.is_some_and(TestOutcome::is_adoption))
        .map(|(id, e)| (*id, *e))
        .collect();
    let published = first_at(&challenge_events, "publish", None);

    let challenge_created: HashMap<Uuid, DateTime<Utc>> = challenges.iter().map(|c| (c.id, c.created_at)).collect();
    let idea_created: HashMap<Uuid, DateTime<Utc>> = ideas.iter().map(|i| (i.id, i.created_at)).collect();

    Funnel {
        challenges: challenge_counts,
        ideas: idea_counts,
        conversion: Conversion {
            submitted_to_qualified: share(&submitted, &qualified),
            qualified_to_tested: share(&qualified, &testing_started),
            tested_to_adopted: share(&testing_started, &adopted),
        },
        median_days: MedianDays {
            need_formulation: median_between(&challenge_created, &published),
            matching: median_between(&idea_created, &submitted),
            assessment: median_between(&starts(&assessment_started), &decided),
            incubation: median_between(&starts(&incubation_started), &testing_started),
            testing: median_between(&starts(&testing_started), &completed),
        },
    }
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
