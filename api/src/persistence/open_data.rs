//! The rows of the open data (SPEC §12, ADR 0018): public challenges, arenas and completed
//! tests, with only what is not personal — organisations by name and kind, never a
//! person, an e-mail or an account's id.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, IsolationLevel, QueryResult, Statement, StreamTrait,
    TransactionTrait,
};

use sluss_domain::figures::Registry;
use sluss_domain::organisation::OrganisationKind;

use super::RepoError;
use super::challenges::sdgs_from_stored;

/// A public challenge (published, closed or archived).
#[derive(Debug, Clone)]
pub struct ChallengeRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Where.
    pub location: Option<String>,
    /// UN goals.
    pub sdgs: Vec<u8>,
    /// State.
    pub state: String,
    /// The arena it was published in.
    pub arena_id: Option<uuid::Uuid>,
    /// Its name.
    pub arena_name: Option<String>,
    /// When first published.
    pub published_at: Option<DateTime<Utc>>,
    /// The registered organisation it is owned on behalf of: name.
    pub organisation_name: Option<String>,
    /// … and kind.
    pub organisation_kind: Option<String>,
}

/// A public arena (open or closed).
#[derive(Debug, Clone)]
pub struct ArenaRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Description.
    pub description: String,
    /// Where.
    pub location: Option<String>,
    /// Starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// Ends.
    pub ends_at: Option<DateTime<Utc>>,
    /// State.
    pub state: String,
}

/// A completed test of an idea on a public challenge.
#[derive(Debug, Clone)]
pub struct TestRow {
    /// The idea tested.
    pub idea_id: uuid::Uuid,
    /// Its title.
    pub idea_title: String,
    /// Its challenge.
    pub challenge_id: uuid::Uuid,
    /// The site.
    pub site: String,
    /// The registered host organisation: id.
    pub host_id: Option<uuid::Uuid>,
    /// … name.
    pub host_name: Option<String>,
    /// … and kind.
    pub host_kind: Option<String>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// adopted, scaled, needs_further_development, not_adopted.
    pub outcome: Option<String>,
    /// Results.
    pub results: Option<String>,
    /// Lessons learned.
    pub lessons_learned: Option<String>,
    /// When completed.
    pub completed_at: Option<DateTime<Utc>>,
}

/// One row of the archive but the figures, as [`each_row`] reads them: every challenge,
/// then every arena, then every test.
#[derive(Debug, Clone)]
pub enum OpenRow {
    /// A public challenge.
    Challenge(ChallengeRow),
    /// A public arena.
    Arena(ArenaRow),
    /// A completed test.
    Test(TestRow),
}

const CHALLENGES: &str = "SELECT c.id, c.title, c.summary, c.description, c.location, c.sdgs, c.state, \
     c.arena_id, a.name AS arena_name, o.name AS organisation_name, o.kind AS organisation_kind, \
     (SELECT MIN(e.at) FROM events e WHERE e.subject_type = 'challenge' AND e.subject_id = c.id \
      AND e.command = 'publish') AS published_at \
     FROM challenges c LEFT JOIN arenas a ON a.id = c.arena_id \
     LEFT JOIN users u ON u.id = c.owner_id \
     LEFT JOIN organisations o ON o.id = COALESCE(c.organisation_id, u.organisation_id) \
     WHERE c.state IN ('published', 'closed', 'archived') ORDER BY c.created_at, c.id";

const ARENAS: &str = "SELECT id, name, kind, description, location, starts_at, ends_at, state FROM arenas \
     WHERE state IN ('open', 'closed') ORDER BY created_at, id";

const TESTS: &str = "SELECT i.id, i.title, i.challenge_id, t.site, t.host, o.id AS host_id, o.name AS host_name, o.kind AS host_kind, \
     t.starts_on, t.ends_on, t.outcome, t.results, t.lessons_learned, t.completed_at \
     FROM idea_tests t JOIN ideas i ON i.id = t.idea_id JOIN challenges c ON c.id = i.challenge_id \
     LEFT JOIN organisations o ON o.id = t.host_organisation_id \
     WHERE i.state = 'completed' AND c.state IN ('published', 'closed', 'archived') \
     ORDER BY t.completed_at, i.id";

/// Hands each row of the archive to `on_row`, oldest first, public challenges, then
/// arenas, then completed tests, all from one read-only snapshot. The rows are streamed
/// from the database, one at a time, never collected.
pub async fn each_row<E: From<RepoError>>(
    db: &DatabaseConnection,
    mut on_row: impl FnMut(OpenRow) -> Result<(), E>,
) -> Result<(), E> {
    let tx = db
        .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
        .await
        .map_err(RepoError::from)?;
    let backend = ConnectionTrait::get_database_backend(&tx);
    let query = |sql: &str| Statement::from_string(backend, sql.to_owned());
    {
        let mut rows = tx.stream_raw(query(CHALLENGES)).await.map_err(RepoError::from)?;
        while let Some(row) = rows.try_next().await.map_err(RepoError::from)? {
            on_row(OpenRow::Challenge(challenge(&row)?))?;
        }
    }
    {
        let mut rows = tx.stream_raw(query(ARENAS)).await.map_err(RepoError::from)?;
        while let Some(row) = rows.try_next().await.map_err(RepoError::from)? {
            on_row(OpenRow::Arena(arena(&row)?))?;
        }
    }
    let hosts = Hosts::read(&tx).await?;
    {
        let mut rows = tx.stream_raw(query(TESTS)).await.map_err(RepoError::from)?;
        while let Some(row) = rows.try_next().await.map_err(RepoError::from)? {
            on_row(OpenRow::Test(hosts.test(&row)?))?;
        }
    }
    tx.commit().await.map_err(RepoError::from)?;
    Ok(())
}

fn challenge(row: &QueryResult) -> Result<ChallengeRow, RepoError> {
    let sdgs: String = row.try_get("", "sdgs")?;
    Ok(ChallengeRow {
        id: row.try_get("", "id")?,
        title: row.try_get("", "title")?,
        summary: row.try_get("", "summary")?,
        description: row.try_get("", "description")?,
        location: row.try_get("", "location")?,
        sdgs: sdgs_from_stored(&sdgs)?,
        state: row.try_get("", "state")?,
        arena_id: row.try_get("", "arena_id")?,
        arena_name: row.try_get("", "arena_name")?,
        published_at: row.try_get("", "published_at")?,
        organisation_name: row.try_get("", "organisation_name")?,
        organisation_kind: row.try_get("", "organisation_kind")?,
    })
}

fn arena(row: &QueryResult) -> Result<ArenaRow, RepoError> {
    Ok(ArenaRow {
        id: row.try_get("", "id")?,
        name: row.try_get("", "name")?,
        kind: row.try_get("", "kind")?,
        description: row.try_get("", "description")?,
        location: row.try_get("", "location")?,
        starts_at: row.try_get("", "starts_at")?,
        ends_at: row.try_get("", "ends_at")?,
        state: row.try_get("", "state")?,
    })
}

/// The registered organisations, to name a test's host by.
pub(super) struct Hosts {
    /// Name and kind by id.
    registered: HashMap<uuid::Uuid, (String, String)>,
    /// Who bears each name.
    registry: Registry,
}

impl Hosts {
    /// No registry: for rows whose hosts are all named by their registered organisation.
    pub(super) fn none() -> Self {
        Self {
            registered: HashMap::new(),
            registry: Registry::default(),
        }
    }

    /// The registry as `db` holds it.
    pub(super) async fn read(db: &impl ConnectionTrait) -> Result<Self, RepoError> {
        let statement = Statement::from_string(
            ConnectionTrait::get_database_backend(db),
            "SELECT id, name, kind FROM organisations",
        );
        let mut registered = HashMap::new();
        let mut kinds = Vec::new();
        for row in db.query_all_raw(statement).await? {
            let (id, name, kind): (uuid::Uuid, String, String) = (
                row.try_get("", "id")?,
                row.try_get("", "name")?,
                row.try_get("", "kind")?,
            );
            if let Some(parsed) = OrganisationKind::parse(&kind) {
                kinds.push((id, name.clone(), parsed));
            }
            registered.insert(id, (name, kind));
        }
        let registry = Registry::new(kinds.iter().map(|(id, name, kind)| (*id, name.as_str(), *kind)));
        Ok(Self { registered, registry })
    }

    /// A test, its host named. A host named only in free text is the registered
    /// organisation of that name when exactly one bears it (the figures' rule); otherwise
    /// it is left out, since free text may name a person.
    pub(super) fn test(&self, row: &QueryResult) -> Result<TestRow, RepoError> {
        let mut host_id: Option<uuid::Uuid> = row.try_get("", "host_id")?;
        let mut host_name: Option<String> = row.try_get("", "host_name")?;
        let mut host_kind: Option<String> = row.try_get("", "host_kind")?;
        let host: String = row.try_get("", "host")?;
        if host_name.is_none()
            && let Some(id) = self.registry.named(&host)
            && let Some((name, kind)) = self.registered.get(&id)
        {
            host_id = Some(id);
            host_name = Some(name.clone());
            host_kind = Some(kind.clone());
        }
        Ok(TestRow {
            host_id,
            host_name,
            host_kind,
            idea_id: row.try_get("", "id")?,
            idea_title: row.try_get("", "title")?,
            challenge_id: row.try_get("", "challenge_id")?,
            site: row.try_get("", "site")?,
            starts_on: row.try_get("", "starts_on")?,
            ends_on: row.try_get("", "ends_on")?,
            outcome: row.try_get("", "outcome")?,
            results: row.try_get("", "results")?,
            lessons_learned: row.try_get("", "lessons_learned")?,
            completed_at: row.try_get("", "completed_at")?,
        })
    }
}
