//! The figures a city reports to its funder (SPEC §12), counted as a pure function of
//! what happened (ADR 0018).
//!
//! Every figure counts what happened *in the period* `[since, until)`, each by the time of
//! one recorded act:
//!
//! | figure | act | its time |
//! |---|---|---|
//! | owned a challenge | the challenge's `submit` | the event |
//! | submitted an idea | the idea's `submit` | the event |
//! | was on a team | the idea's `submit` (a team is fixed once submitted) | the event |
//! | assessed | a `score` (a scorecard submitted or revised) | the event |
//! | supported | the idea's `start_incubation` (its support organisation) | the event |
//! | hosted | the idea's `start_testing` (its test's host) | the event |
//! | innovations tested | the idea's `start_testing` | the event |
//! | forms of learning | a spread activity | the day it was held (00:00 UTC) |
//! | obstacles | an obstacle logged (by category, and by the state it is in now) | when it was reported |
//!
//! An actor is an organisation, or a person who acted without one ([`ActorKey`]): a
//! registered organisation by its id; an organisation named only in free text (a user's
//! organisation, a test's host) by that name, matched to the registry when exactly one
//! registered organisation bears it (trimmed, without case: the rule the migration linked
//! free text by); a support organisation (a registry of its own) as itself, or as the
//! registered organisation of the same name; a person by their e-mail, lower-cased, so a
//! team member and an account with one address are one person.
//!
//! What an act names is kept as its [`Participant`]s, resolved to actors against the
//! [`Directory`] (registry and accounts) as it is when the figures are counted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::obstacle::ObstacleState;
use crate::organisation::OrganisationKind;

mod participant;

/// Which act of the figures (ADR 0018) an event of a challenge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeActKind {
    /// A submission: the challenge owned, on behalf of its organisation or by its owner.
    Owned,
    /// The publication: the challenge's submissions counted in the arena it is published in.
    Placed,
}

/// Which act of the figures an event of an idea is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdeaActKind {
    /// Its submission, by its innovator and team.
    Submitted,
    /// A scorecard handed in, by its assessor.
    Assessed,
    /// Its incubation started, with its support organisation.
    Supported,
    /// Its test started, at its host.
    TestingStarted,
}

pub use participant::{Act, Directory, Participant, TeamMember, normalised_address};

/// One actor of the figures.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActorKey {
    /// A registered organisation.
    Organisation(Uuid),
    /// An organisation named only in free text, by its trimmed, lower-cased name.
    Unregistered(String),
    /// A support organisation that is not also a registered organisation.
    Support(Uuid),
    /// A person who acted without an organisation, by lower-cased e-mail.
    Person(String),
}

/// The organisation registry as the figures need it: each organisation's kind, and the
/// names that point at exactly one organisation.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    kinds: HashMap<Uuid, OrganisationKind>,
    /// Lower-cased trimmed name → the one organisation of that name (`None` when several
    /// share it).
    names: HashMap<String, Option<Uuid>>,
}

fn name_key(name: &str) -> Option<String> {
    let key = name.trim().to_lowercase();
    (!key.is_empty()).then_some(key)
}

impl Registry {
    /// The registry of `organisations` (id, name, kind).
    pub fn new<'a>(organisations: impl IntoIterator<Item = (Uuid, &'a str, OrganisationKind)>) -> Self {
        let mut registry = Self::default();
        for (id, name, kind) in organisations {
            registry.kinds.insert(id, kind);
            if let Some(key) = name_key(name) {
                registry
                    .names
                    .entry(key)
                    .and_modify(|one| {
                        if *one != Some(id) {
                            *one = None;
                        }
                    })
                    .or_insert(Some(id));
            }
        }
        registry
    }

    /// The kind of a registered organisation.
    pub fn kind(&self, id: Uuid) -> Option<OrganisationKind> {
        self.kinds.get(&id).copied()
    }

    /// The one registered organisation named `name`, if exactly one is.
    pub fn named(&self, name: &str) -> Option<Uuid> {
        name_key(name).and_then(|key| self.names.get(&key).copied().flatten())
    }

    /// Who a party is: its registered organisation (by id, or failing that by its
    /// free-text organisation's name), an unregistered organisation by name, or else the
    /// person by e-mail. `None` when the party names nothing at all.
    pub fn actor(&self, party: &Party) -> Option<ActorKey> {
        if let Some(id) = party.organisation_id.filter(|id| self.kinds.contains_key(id)) {
            return Some(ActorKey::Organisation(id));
        }
        if let Some(name) = party.organisation.as_deref().and_then(name_key) {
            return Some(match self.named(&name) {
                Some(id) => ActorKey::Organisation(id),
                None => ActorKey::Unregistered(name),
            });
        }
        party.email.as_deref().and_then(name_key).map(ActorKey::Person)
    }

    /// A support organisation: the registered organisation of the same name when there is
    /// exactly one, itself otherwise.
    pub fn support(&self, id: Uuid, name: &str) -> ActorKey {
        match self.named(name) {
            Some(registered) => ActorKey::Organisation(registered),
            None => ActorKey::Support(id),
        }
    }

    /// A team member: the organisation they name when it is registered; else whoever the
    /// account with their e-mail is (`accounts`, by lower-cased e-mail); else the person.
    pub fn team_member(&self, member: &Party, accounts: &HashMap<String, Party>) -> Option<ActorKey> {
        if let Some(id) = member.organisation_id.filter(|id| self.kinds.contains_key(id)) {
            return Some(ActorKey::Organisation(id));
        }
        let email = member.email.as_deref().and_then(name_key)?;
        match accounts.get(&email) {
            Some(account) => self.actor(account),
            None => Some(ActorKey::Person(email)),
        }
    }

    /// Whether an actor is a registered property owner, builder or housing company.
    pub fn owns_or_builds(&self, actor: &ActorKey) -> bool {
        match actor {
            ActorKey::Organisation(id) => self.kind(*id).is_some_and(OrganisationKind::owns_or_builds),
            ActorKey::Unregistered(_) | ActorKey::Support(_) | ActorKey::Person(_) => false,
        }
    }
}

/// Who took part, as stored: an account, a team member or a host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// The registered organisation named, if any.
    pub organisation_id: Option<Uuid>,
    /// An organisation named in free text, if any.
    pub organisation: Option<String>,
    /// The person's e-mail, if a person.
    pub email: Option<String>,
}

/// How an actor took part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Involvement {
    /// Owned a challenge (its submission).
    Owned,
    /// Submitted an idea.
    Submitted,
    /// Was on the team of an idea submitted.
    Team,
    /// Submitted or revised a scorecard.
    Assessed,
    /// Supported an incubation that started.
    Supported,
    /// Hosted a test that started.
    Hosted,
}

/// One act of an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    /// Who.
    pub actor: ActorKey,
    /// How.
    pub involvement: Involvement,
    /// When (the event's time).
    pub at: DateTime<Utc>,
}

/// What the figures are counted from (already narrowed to an arena when one is asked).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Every act of an actor.
    pub participations: Vec<Participation>,
    /// Each `start_testing`: the idea and when.
    pub testing_started: Vec<(Uuid, DateTime<Utc>)>,
    /// Each spread activity: its kind's stored name and the day held.
    pub spread: Vec<(String, NaiveDate)>,
    /// Each obstacle reported.
    pub obstacles: Vec<ObstacleFact>,
}

/// An obstacle as the figures count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObstacleFact {
    /// Its category's stored name.
    pub category: String,
    /// Where it stands now (SPEC §18), as stored.
    pub state: String,
    /// When it was reported.
    pub reported_at: DateTime<Utc>,
}

/// A half-open period `[since, until)`; an absent end is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    /// At or after.
    pub since: Option<DateTime<Utc>>,
    /// Before.
    pub until: Option<DateTime<Utc>>,
}

impl Period {
    /// Whether `at` falls in the period.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.since.is_none_or(|since| at >= since) && self.until.is_none_or(|until| at < until)
    }

    /// Whether the day `on` (its start, 00:00 UTC) falls in the period.
    pub fn contains_day(&self, on: NaiveDate) -> bool {
        self.contains(on.and_time(chrono::NaiveTime::MIN).and_utc())
    }

    /// The calendar year `year` (UTC).
    pub fn year(year: i32) -> Option<Self> {
        let start = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc());
        Some(Self {
            since: Some(start(year)?),
            until: Some(start(year + 1)?),
        })
    }
}

/// The figures of SPEC §12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Distinct actors (organisations, and people without one) that took part.
    pub actors_involved: u64,
    /// Of those, the registered property owners, builders and housing companies.
    pub property_owners_and_builders: u64,
    /// Distinct ideas that started testing.
    pub innovations_tested: u64,
    /// Distinct spread-activity kinds used.
    pub learning_kinds_used: u64,
    /// Spread activities per kind (every kind, zero included).
    pub forms_of_learning: BTreeMap<String, u64>,
    /// Obstacles per category (every category, zero included).
    pub obstacles: BTreeMap<String, u64>,
    /// Obstacles per state: logged, raised, answered, closed (every state, zero included).
    pub obstacles_by_state: BTreeMap<String, u64>,
}

/// The figures of `period` from `facts`. Every name of `spread_kinds` and
/// `obstacle_categories` appears in its map, zero included; a stored name outside them is
/// counted under its own name.
pub fn figures(
    facts: &Facts,
    registry: &Registry,
    period: Period,
    spread_kinds: &[&str],
    obstacle_categories: &[&str],
) -> Figures {
    let actors: BTreeSet<&ActorKey> = facts
        .participations
        .iter()
        .filter(|p| period.contains(p.at))
        .map(|p| &p.actor)
        .collect();
    let tested: BTreeSet<Uuid> = facts
        .testing_started
        .iter()
        .filter(|(_, at)| period.contains(*at))
        .map(|(idea, _)| *idea)
        .collect();
    Figures::of(
        Counted {
            actors,
            innovations_tested: tested.len() as u64,
            spread: facts
                .spread
                .iter()
                .filter(|(_, on)| period.contains_day(*on))
                .map(|(kind, _)| kind.as_str())
                .collect(),
            obstacles: facts
                .obstacles
                .iter()
                .filter(|o| period.contains(o.reported_at))
                .map(|o| (o.category.as_str(), o.state.as_str()))
                .collect(),
        },
        registry,
        spread_kinds,
        obstacle_categories,
    )
}

/// What the figures of a period are made of, once narrowed to the period.
#[derive(Debug, Clone, Default)]
pub struct Counted<'a> {
    /// The distinct actors that took part.
    pub actors: BTreeSet<&'a ActorKey>,
    /// The distinct ideas that started testing.
    pub innovations_tested: u64,
    /// The kind of each spread activity held.
    pub spread: Vec<&'a str>,
    /// The category and state of each obstacle reported.
    pub obstacles: Vec<(&'a str, &'a str)>,
}

impl Figures {
    /// The figures of what was counted. Every name of `spread_kinds` and
    /// `obstacle_categories` appears in its map, zero included; a stored name outside them
    /// is counted under its own name.
    pub fn of(counted: Counted<'_>, registry: &Registry, spread_kinds: &[&str], obstacle_categories: &[&str]) -> Self {
        let owners = counted.actors.iter().filter(|a| registry.owns_or_builds(a)).count();
        let mut learning: BTreeMap<String, u64> = spread_kinds.iter().map(|k| ((*k).to_owned(), 0)).collect();
        for kind in counted.spread {
            *learning.entry(kind.to_owned()).or_default() += 1;
        }
        let mut obstacles: BTreeMap<String, u64> = obstacle_categories.iter().map(|c| ((*c).to_owned(), 0)).collect();
        let mut by_state: BTreeMap<String, u64> =
            ObstacleState::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
        for (category, state) in counted.obstacles {
            *obstacles.entry(category.to_owned()).or_default() += 1;
            *by_state.entry(state.to_owned()).or_default() += 1;
        }
        Figures {
            actors_involved: counted.actors.len() as u64,
            property_owners_and_builders: owners as u64,
            innovations_tested: counted.innovations_tested,
            learning_kinds_used: learning.values().filter(|n| **n > 0).count() as u64,
            forms_of_learning: learning,
            obstacles,
            obstacles_by_state: by_state,
        }
    }

    /// The figures as `(section, key, value)` rows, in a stable order: the three counts
    /// (key `all`), `forms_of_learning,kinds_used`, the count per kind
    /// (`forms_of_learning_by_kind`), then `obstacles` per category and
    /// `obstacles_by_state` per state.
    pub fn rows(&self) -> Vec<(String, String, Option<f64>)> {
        let mut rows: Vec<(String, String, Option<f64>)> = vec![
            (
                "actors_involved".into(),
                "all".into(),
                Some(self.actors_involved as f64),
            ),
            (
                "property_owners_and_builders".into(),
                "all".into(),
                Some(self.property_owners_and_builders as f64),
            ),
            (
                "innovations_tested".into(),
                "all".into(),
                Some(self.innovations_tested as f64),
            ),
            (
                "forms_of_learning".into(),
                "kinds_used".into(),
                Some(self.learning_kinds_used as f64),
            ),
        ];
        for (kind, n) in &self.forms_of_learning {
            rows.push(("forms_of_learning_by_kind".into(), kind.clone(), Some(*n as f64)));
        }
        for (category, n) in &self.obstacles {
            rows.push(("obstacles".into(), category.clone(), Some(*n as f64)));
        }
        for (state, n) in &self.obstacles_by_state {
            rows.push(("obstacles_by_state".into(), state.clone(), Some(*n as f64)));
        }
        rows
    }
}

#[cfg(test)]
mod tests;
