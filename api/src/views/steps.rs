//! Steps 4 and 5: support organisations, incubations with milestones, tests with their
//! spread activities.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use sluss_domain::idea::TestOutcome;
use uuid::Uuid;

use super::ideas::ApiTestOutcome;
use crate::error::ApiError;
use crate::persistence::entities::{
    idea_tests, incubations, milestones as milestone_rows, spread_activities as spread_rows,
    support_organisations as org_rows,
};
use crate::persistence::stored;

/// What kind of support an organisation gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SupportKind {
    /// An incubator.
    Incubator,
    /// A science park.
    SciencePark,
    /// Business support.
    BusinessSupport,
    /// Something else.
    Other,
}

/// Every support kind with its stored name.
pub const SUPPORT_KINDS: [(SupportKind, &str); 4] = [
    (SupportKind::Incubator, "incubator"),
    (SupportKind::SciencePark, "science_park"),
    (SupportKind::BusinessSupport, "business_support"),
    (SupportKind::Other, "other"),
];

/// An organisation that supports ideas in incubation.
#[derive(Debug, Clone, Object)]
pub struct SupportOrganisation {
    /// Identifier.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: SupportKind,
    /// What it offers.
    pub description: String,
    /// Whom to write to.
    pub contact_email: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

super::list_page!(SupportOrganisationPage, SupportOrganisation);

impl SupportOrganisation {
    /// The API form of a stored support organisation.
    pub fn from_row(row: org_rows::Model) -> Result<Self, ApiError> {
        Ok(Self {
            kind: stored(support_kind_of(&row.kind), "support_organisations.kind", &row.kind)?,
            id: row.id,
            name: row.name,
            description: row.description,
            contact_email: row.contact_email,
            version: row.version,
            created_at: row.created_at,
        })
    }
}

/// The support kind stored (or sent by a form) as `name`.
pub fn support_kind_of(name: &str) -> Option<SupportKind> {
    SUPPORT_KINDS.iter().find(|(_, n)| *n == name).map(|(kind, _)| *kind)
}

/// The stored name of a support kind.
pub fn support_kind_name(kind: SupportKind) -> &'static str {
    SUPPORT_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("other", |(_, name)| name)
}

/// A milestone of an incubation.
#[derive(Debug, Clone, Object)]
pub struct Milestone {
    /// Identifier.
    pub id: Uuid,
    /// The idea.
    pub idea_id: Uuid,
    /// What is to be reached.
    pub title: String,
    /// By when.
    pub due_on: Option<NaiveDate>,
    /// When it was reached.
    pub done_at: Option<DateTime<Utc>>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

impl From<milestone_rows::Model> for Milestone {
    fn from(row: milestone_rows::Model) -> Self {
        Self {
            id: row.id,
            idea_id: row.idea_id,
            title: row.title,
            due_on: row.due_on,
            done_at: row.done_at,
            created_at: row.created_at,
        }
    }
}

/// An idea's incubation.
#[derive(Debug, Clone, Object)]
pub struct Incubation {
    /// The idea.
    pub idea_id: Uuid,
    /// The support organisation.
    pub support_organisation_id: Uuid,
    /// The plan.
    pub plan: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Its milestones, oldest first.
    pub milestones: Vec<Milestone>,
}

impl Incubation {
    /// The API form of a stored incubation and its milestones.
    pub fn from_rows(row: incubations::Model, milestones: Vec<milestone_rows::Model>) -> Self {
        Self {
            idea_id: row.idea_id,
            support_organisation_id: row.support_organisation_id,
            plan: row.plan,
            started_at: row.started_at,
            milestones: milestones.into_iter().map(Milestone::from).collect(),
        }
    }
}

/// What kind of spreading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SpreadKind {
    /// A learning workshop.
    LearningWorkshop,
    /// A dialogue with property owners.
    PropertyOwnerDialogue,
    /// A publication.
    Publication,
    /// Something else.
    Other,
}

/// Every spread kind with its stored name.
pub const SPREAD_KINDS: [(SpreadKind, &str); 4] = [
    (SpreadKind::LearningWorkshop, "learning_workshop"),
    (SpreadKind::PropertyOwnerDialogue, "property_owner_dialogue"),
    (SpreadKind::Publication, "publication"),
    (SpreadKind::Other, "other"),
];

/// How a test's results were spread.
#[derive(Debug, Clone, Object)]
pub struct SpreadActivity {
    /// Identifier.
    pub id: Uuid,
    /// Kind.
    pub kind: SpreadKind,
    /// Title.
    pub title: String,
    /// When it was held.
    pub held_on: NaiveDate,
    /// Notes.
    pub notes: Option<String>,
}

impl SpreadActivity {
    /// The API form of a stored spread activity.
    pub fn from_row(row: spread_rows::Model) -> Result<Self, ApiError> {
        Ok(Self {
            kind: stored(spread_kind_of(&row.kind), "spread_activities.kind", &row.kind)?,
            id: row.id,
            title: row.title,
            held_on: row.held_on,
            notes: row.notes,
        })
    }
}

/// The spread kind stored (or sent by a form) as `name`.
pub fn spread_kind_of(name: &str) -> Option<SpreadKind> {
    SPREAD_KINDS.iter().find(|(_, n)| *n == name).map(|(kind, _)| *kind)
}

/// The stored name of a spread kind.
pub fn spread_kind_name(kind: SpreadKind) -> &'static str {
    SPREAD_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("other", |(_, name)| name)
}

/// An idea's test at a real site.
#[derive(Debug, Clone, Object)]
pub struct Test {
    /// The test's own id, as `/tests/{id}/attachments` names it.
    pub id: Uuid,
    /// The idea.
    pub idea_id: Uuid,
    /// Where.
    pub site: String,
    /// Who hosts it.
    pub host: String,
    /// The registered organisation that hosts it, if named (SPEC §12).
    pub host_organisation_id: Option<Uuid>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// What success looks like.
    pub success_criteria: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How it ended, once completed.
    pub outcome: Option<ApiTestOutcome>,
    /// What was measured.
    pub results: Option<String>,
    /// What was learned.
    pub lessons_learned: Option<String>,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// How the results were spread.
    pub spread_activities: Vec<SpreadActivity>,
}

impl Test {
    /// The API form of a stored test and its spread activities.
    pub fn from_rows(row: idea_tests::Model, spread: Vec<spread_rows::Model>) -> Result<Self, ApiError> {
        let outcome = match row.outcome.as_deref() {
            Some(raw) => Some(stored(TestOutcome::parse(raw), "idea_tests.outcome", raw)?.into()),
            None => None,
        };
        Ok(Self {
            id: stored(row.id, "idea_tests.id", "null")?,
            idea_id: row.idea_id,
            site: row.site,
            host: row.host,
            host_organisation_id: row.host_organisation_id,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            success_criteria: row.success_criteria,
            started_at: row.started_at,
            outcome,
            results: row.results,
            lessons_learned: row.lessons_learned,
            completed_at: row.completed_at,
            spread_activities: spread
                .into_iter()
                .map(SpreadActivity::from_row)
                .collect::<Result<_, _>>()?,
        })
    }
}
