//! The outcome in public (SPEC §14.3): a completed test, without anything personal.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use sluss_domain::idea::TestOutcome;
use uuid::Uuid;

use super::people::OrganisationRef;

use super::ideas::ApiTestOutcome;
use super::steps::{SpreadKind, spread_kind_of};
use crate::error::ApiError;
use crate::persistence::results::ResultRow;
use crate::persistence::stored;

/// A completed test on a public challenge, as anyone may read it.
#[derive(Debug, Clone, Object)]
pub struct TestResult {
    /// The idea tested.
    pub idea_id: Uuid,
    /// Its title.
    pub idea_title: String,
    /// The challenge it answers.
    pub challenge_id: Uuid,
    /// Its title.
    pub challenge_title: String,
    /// The challenge's UN goals.
    pub sdgs: Vec<u8>,
    /// The arena the challenge was published in.
    pub arena_id: Option<Uuid>,
    /// … and its name.
    pub arena_name: Option<String>,
    /// Where it was tested.
    pub site: String,
    /// The host, as a registered organisation; absent when the host is not one (a
    /// free-text host may name a person).
    pub host_organisation: Option<OrganisationRef>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// How it ended.
    pub outcome: ApiTestOutcome,
    /// What was measured.
    pub results: String,
    /// What was learned.
    pub lessons_learned: String,
    /// When it was completed.
    pub completed_at: DateTime<Utc>,
    /// What was done to spread the outcome, oldest first.
    pub spread_activities: Vec<PublicSpreadActivity>,
}

/// Something done to spread an outcome, as the public reads it (its notes stay inside).
#[derive(Debug, Clone, Object)]
pub struct PublicSpreadActivity {
    /// Kind.
    pub kind: SpreadKind,
    /// Title.
    pub title: String,
    /// When it was held.
    pub held_on: NaiveDate,
}

super::list_page!(ResultPage, TestResult);

impl TestResult {
    /// The public form of a stored result.
    pub fn from_row(row: ResultRow) -> Result<Self, ApiError> {
        let test = row.test;
        let outcome = test.outcome.unwrap_or_default();
        let outcome = stored(TestOutcome::parse(&outcome), "idea_tests.outcome", &outcome)?;
        let completed_at = stored(test.completed_at, "idea_tests.completed_at", "null")?;
        let spread_activities = row
            .spread
            .into_iter()
            .map(|activity| {
                Ok(PublicSpreadActivity {
                    kind: stored(spread_kind_of(&activity.kind), "spread_activities.kind", &activity.kind)?,
                    title: activity.title,
                    held_on: activity.held_on,
                })
            })
            .collect::<Result<_, ApiError>>()?;
        Ok(Self {
            idea_id: test.idea_id,
            idea_title: test.idea_title,
            challenge_id: test.challenge_id,
            challenge_title: row.challenge_title,
            sdgs: row.sdgs,
            arena_id: row.arena_id,
            arena_name: row.arena_name,
            site: test.site,
            host_organisation: test
                .host_id
                .zip(test.host_name)
                .map(|(id, name)| OrganisationRef { id, name }),
            starts_on: test.starts_on,
            ends_on: test.ends_on,
            outcome: outcome.into(),
            results: test.results.unwrap_or_default(),
            lessons_learned: test.lessons_learned.unwrap_or_default(),
            completed_at,
            spread_activities,
        })
    }
}
