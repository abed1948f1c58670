//! Reports for the innovation team: the funnel and the obstacle diary's counts, and their
//! CSV form (`section,key,value` rows).

use std::collections::BTreeMap;

use poem_openapi::Object;
use sluss_domain::report::{self, Funnel};

/// Shares between steps (0..1; absent when nothing reached the first state).
#[derive(Debug, Clone, Object)]
pub struct ConversionFigures {
    /// Submitted ideas later qualified.
    pub submitted_to_qualified: Option<f64>,
    /// Qualified ideas later tested.
    pub qualified_to_tested: Option<f64>,
    /// Tested ideas completed as adopted or scaled.
    pub tested_to_adopted: Option<f64>,
}

/// Median days per step over the items that finished it.
#[derive(Debug, Clone, Object)]
pub struct MedianDaysFigures {
    /// Challenge created → published.
    pub need_formulation: Option<f64>,
    /// Idea created → submitted.
    pub matching: Option<f64>,
    /// start_assessment → decide.
    pub assessment: Option<f64>,
    /// start_incubation → start_testing.
    pub incubation: Option<f64>,
    /// start_testing → complete.
    pub testing: Option<f64>,
}

/// The funnel: counts per state, conversions and median days, from the event log.
#[derive(Debug, Clone, Object)]
pub struct FunnelReport {
    /// Challenges by state.
    pub challenges: BTreeMap<String, u64>,
    /// Ideas by state.
    pub ideas: BTreeMap<String, u64>,
    /// Conversions.
    pub conversion: ConversionFigures,
    /// Median days per step.
    pub median_days: MedianDaysFigures,
}

/// The funnel as CSV: a header line, then the domain's `section,key,value` rows
/// ([`Funnel::rows`]). The JSON API and the web page's download link both answer this.
pub fn funnel_csv(funnel: &Funnel) -> String {
    report::to_csv(&funnel.rows())
}

impl From<Funnel> for FunnelReport {
    fn from(funnel: Funnel) -> Self {
        let counts = |map: BTreeMap<&'static str, u64>| map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        Self {
            challenges: counts(funnel.challenges),
            ideas: counts(funnel.ideas),
            conversion: ConversionFigures {
                submitted_to_qualified: funnel.conversion.submitted_to_qualified,
                qualified_to_tested: funnel.conversion.qualified_to_tested,
                tested_to_adopted: funnel.conversion.tested_to_adopted,
            },
            median_days: MedianDaysFigures {
                need_formulation: funnel.median_days.need_formulation,
                matching: funnel.median_days.matching,
                assessment: funnel.median_days.assessment,
                incubation: funnel.median_days.incubation,
                testing: funnel.median_days.testing,
            },
        }
    }
}

/// Obstacle counts.
#[derive(Debug, Clone, Object)]
pub struct ObstacleReport {
    /// By category (every category, zero included).
    pub by_category: BTreeMap<String, u64>,
    /// By the step blocked ("1".."5").
    pub by_step: BTreeMap<String, u64>,
    /// All obstacles.
    pub total: u64,
}

impl ObstacleReport {
    /// The counts as `(section, key, value)` rows: by category, by step, then the total.
    pub fn rows(&self) -> Vec<(String, String, Option<f64>)> {
        let mut rows: Vec<(String, String, Option<f64>)> = Vec::new();
        for (key, n) in &self.by_category {
            rows.push(("by_category".into(), key.clone(), Some(*n as f64)));
        }
        for (key, n) in &self.by_step {
            rows.push(("by_step".into(), key.clone(), Some(*n as f64)));
        }
        rows.push(("total".into(), "all".into(), Some(self.total as f64)));
        rows
    }

    /// The report as CSV: a header line, then `section,key,value` rows.
    pub fn to_csv(&self) -> String {
        report::to_csv(&self.rows())
    }
}

/// Forms of learning: the spread-activity kinds used, and a count per kind.
#[derive(Debug, Clone, Object)]
pub struct LearningFigures {
    /// Distinct kinds used at least once.
    pub kinds_used: u64,
    /// Spread activities per kind (every kind, zero included).
    pub by_kind: BTreeMap<String, u64>,
}

/// The figures a city reports to its funder (SPEC §12; definitions in ADR 0018).
#[derive(Debug, Clone, Object)]
pub struct FiguresReport {
    /// Distinct organisations, plus people without one, that owned a challenge, submitted
    /// an idea, were on a team, assessed, supported or hosted.
    pub actors_involved: u64,
    /// Of those, the registered property owners, builders and housing companies.
    pub property_owners_and_builders: u64,
    /// Ideas that reached in_testing.
    pub innovations_tested: u64,
    /// Spread activities by kind.
    pub forms_of_learning: LearningFigures,
    /// Obstacles by category (every category, zero included).
    pub obstacles: BTreeMap<String, u64>,
    /// Obstacles by the state they are in now: logged, raised, answered, closed (every
    /// state, zero included).
    pub obstacles_by_state: BTreeMap<String, u64>,
}

impl From<sluss_domain::figures::Figures> for FiguresReport {
    fn from(figures: sluss_domain::figures::Figures) -> Self {
        Self {
            actors_involved: figures.actors_involved,
            property_owners_and_builders: figures.property_owners_and_builders,
            innovations_tested: figures.innovations_tested,
            forms_of_learning: LearningFigures {
                kinds_used: figures.learning_kinds_used,
                by_kind: figures.forms_of_learning,
            },
            obstacles: figures.obstacles,
            obstacles_by_state: figures.obstacles_by_state,
        }
    }
}

/// The figures as CSV: a header line, then the domain's `section,key,value` rows.
pub fn figures_csv(figures: &sluss_domain::figures::Figures) -> String {
    report::to_csv(&figures.rows())
}
