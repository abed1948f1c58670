//! Challenges.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Set,
};
use sluss_domain::challenge::{Challenge, ChallengeEvent, ChallengeState};
use sluss_domain::{Actor, UserId};
use sluss_migrations::{PG_IDEA_SEARCH_COLUMN, PG_SEARCH_COLUMN};
use uuid::Uuid;

use super::entities::{challenges, ideas};
use super::{Page, RepoError, keyset_page, stored, update_versioned};

/// The domain state stored on a row.
pub fn state_of(row: &challenges::Model) -> Result<ChallengeState, RepoError> {
    stored(ChallengeState::parse(&row.state), "challenges.state", &row.state)
}

/// What the rules need of a row.
pub fn to_domain(row: &challenges::Model) -> Result<Challenge, RepoError> {
    Ok(Challenge {
        owner_id: UserId(row.owner_id),
        state: state_of(row)?,
        title: row.title.clone(),
        summary: row.summary.clone(),
        description: row.description.clone(),
    })
}

/// The stored form of SDG numbers: `,3,11,` (empty list: `,`).
pub fn sdgs_to_stored(goals: &[u8]) -> String {
    let mut stored = String::from(",");
    for goal in goals {
        stored.push_str(&goal.to_string());
        stored.push(',');
    }
    stored
}

/// SDG numbers from their stored form; an unreadable value is an error.
pub fn sdgs_from_stored(value: &str) -> Result<Vec<u8>, RepoError> {
    value
        .split(',')
        .filter(|part| !part.is_empty())
        .map(|part| stored(part.parse::<u8>().ok(), "challenges.sdgs", value))
        .collect()
}

/// A new challenge's checked values.
#[derive(Debug, Clone)]
pub struct NewChallenge {
    /// Its id.
    pub id: Uuid,
    /// Its needs-owner.
    pub owner_id: Uuid,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Where the need is.
    pub location: Option<String>,
    /// UN goals.
    pub sdgs: Vec<u8>,
    /// The organisation it is owned on behalf of.
    pub organisation_id: Option<Uuid>,
}

/// Stores a new challenge, in draft.
pub async fn insert(
    db: &impl ConnectionTrait,
    challenge: NewChallenge,
    now: DateTime<Utc>,
) -> Result<challenges::Model, RepoError> {
    let row = challenges::ActiveModel {
        id: Set(challenge.id),
        owner_id: Set(challenge.owner_id),
        title: Set(challenge.title),
        summary: Set(challenge.summary),
        description: Set(challenge.description),
        location: Set(challenge.location),
        sdgs: Set(sdgs_to_stored(&challenge.sdgs)),
        arena_id: Set(None),
        organisation_id: Set(challenge.organisation_id),
        ideas_close_at: Set(None),
        blind_assessment: Set(false),
        feedback: Set(None),
        state: Set(ChallengeState::Draft.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?)
}

/// An edit of a challenge's content, checked: only the fields given change.
#[derive(Debug, Clone, Default)]
pub struct ChallengeEdit {
    /// Title.
    pub title: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Location: `Some(None)` clears it.
    pub location: Option<Option<String>>,
    /// UN goals.
    pub sdgs: Option<Vec<u8>>,
    /// The organisation it is owned on behalf of: `Some(None)` clears it.
    pub organisation_id: Option<Option<Uuid>>,
}

impl ChallengeEdit {
    /// The names of the fields it changes, in the order of the form.
    pub fn fields(&self) -> Vec<&'static str> {
        super::changed_fields([
            ("title", self.title.is_some()),
            ("summary", self.summary.is_some()),
            ("description", self.description.is_some()),
            ("location", self.location.is_some()),
            ("sdgs", self.sdgs.is_some()),
            ("organisation_id", self.organisation_id.is_some()),
        ])
    }
}

/// Writes `edit` to `row` if it still has its version, bumping it.
pub async fn edit(
    db: &impl ConnectionTrait,
    row: &challenges::Model,
    edit: ChallengeEdit,
    now: DateTime<Utc>,
) -> Result<challenges::Model, RepoError> {
    let changes = challenges::ActiveModel {
        title: edit.title.map_or(NotSet, Set),
        summary: edit.summary.map_or(NotSet, Set),
        description: edit.description.map_or(NotSet, Set),
        location: edit.location.map_or(NotSet, Set),
        sdgs: edit.sdgs.map_or(NotSet, |goals| Set(sdgs_to_stored(&goals))),
        organisation_id: edit.organisation_id.map_or(NotSet, Set),
        updated_at: Set(now),
        ..Default::default()
    };
    update(db, row.id, row.version, changes).await
}

/// Writes the accepted `events` to `row`, which they bring to the state `to`, if it still
/// has its version, bumping it.
pub async fn apply(
    db: &impl super::Deferring,
    row: &challenges::Model,
    events: &[ChallengeEvent],
    to: ChallengeState,
    now: DateTime<Utc>,
) -> Result<challenges::Model, RepoError> {
    let mut changes = challenges::ActiveModel {
        state: Set(to.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    for event in events {
        match event {
            ChallengeEvent::ChangesRequested { feedback } => changes.feedback = Set(Some(feedback.clone())),
            ChallengeEvent::Published {
                arena_id,
                ideas_close_at,
                blind_assessment,
            } => {
                changes.arena_id = Set(arena_id.map(|a| a.as_uuid()));
                changes.ideas_close_at = Set(*ideas_close_at);
                changes.blind_assessment = Set(*blind_assessment);
            }
            ChallengeEvent::Transferred {
                owner_id,
                organisation_id,
            } => {
                changes.owner_id = Set(owner_id.as_uuid());
                if organisation_id.is_some() {
                    changes.organisation_id = Set(*organisation_id);
                }
                // The figures count the owner as it is now (ADR 0032).
                let organisation = organisation_id.or(row.organisation_id);
                super::figures_model::reown(db, row, owner_id.as_uuid(), organisation).await?;
                // The ideas carry their challenge's owner for the visibility filters.
                ideas::Entity::update_many()
                    .col_expr(ideas::Column::ChallengeOwnerId, Expr::value(owner_id.as_uuid()))
                    .filter(ideas::Column::ChallengeId.eq(row.id))
                    .exec(db)
                    .await?;
            }
            ChallengeEvent::Submitted
            | ChallengeEvent::Closed
            | ChallengeEvent::Archived
            | ChallengeEvent::Withdrawn { .. } => {}
        }
    }
    update(db, row.id, row.version, changes).await
}

/// The challenge with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn find_for_update(tx: &super::WriteTx, id: Uuid) -> Result<Option<challenges::Model>, RepoError> {
    Ok(super::lock_row::<challenges::Entity>(tx, id).await?)
}

/// The challenge with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<challenges::Model>, RepoError> {
    Ok(challenges::Entity::find_by_id(id).one(db).await?)
}

/// Filters of the challenge list.
#[derive(Debug, Default, Clone)]
pub struct ChallengeFilter {
    /// Only this state.
    pub state: Option<ChallengeState>,
    /// Only in this arena.
    pub arena_id: Option<Uuid>,
    /// Only of this owner.
    pub owner_id: Option<Uuid>,
    /// Only tagged with this UN goal.
    pub sdg: Option<u8>,
    /// Only with every one of these words (as prefixes) in title, summary or description.
    pub words: Option<Vec<String>>,
}

/// A page of the challenges `viewer` may see, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&Actor>,
    filter: &ChallengeFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<challenges::Model>, RepoError> {
    let mut select = challenges::Entity::find();
    if !viewer.is_some_and(Actor::is_facilitator) {
        let public = ChallengeState::ALL
            .into_iter()
            .filter(|s| s.is_public())
            .map(ChallengeState::as_str);
        let mut visible = Condition::any().add(challenges::Column::State.is_in(public));
        if let Some(viewer) = viewer {
            visible = visible.add(challenges::Column::OwnerId.eq(viewer.id.as_uuid()));
        }
        select = select.filter(visible);
    }
    if let Some(state) = filter.state {
        select = select.filter(challenges::Column::State.eq(state.as_str()));
    }
    if let Some(arena_id) = filter.arena_id {
        select = select.filter(challenges::Column::ArenaId.eq(arena_id));
    }
    if let Some(owner_id) = filter.owner_id {
        select = select.filter(challenges::Column::OwnerId.eq(owner_id));
    }
    if let Some(sdg) = filter.sdg {
        select = select.filter(challenges::Column::Sdgs.like(format!("%,{sdg},%")));
    }
    if let Some(words) = filter.words.as_deref() {
        select = select.filter(text_search(db.get_database_backend(), words));
    }
    keyset_page(db, select, challenges::Column::Id, |c| c.id, after, limit).await
}

/// The titles of the challenges `ids` (those that exist).
pub async fn titles_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, RepoError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(challenges::Entity::find()
        .select_only()
        .column(challenges::Column::Id)
        .column(challenges::Column::Title)
        .filter(challenges::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Splits a search text into at most eight lower-cased words of letters and digits.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(8)
        .map(str::to_lowercase)
        .collect()
}

/// The shortest word matched as a prefix; shorter words match whole words only. A one- or
/// two-letter prefix matches nearly every text, and such a search costs as much as reading
/// them all.
pub const PREFIX_MIN: usize = 3;

fn is_prefix(word: &str) -> bool {
    word.chars().count() >= PREFIX_MIN
}

/// Where a text search looks: the stored `tsvector` column (GIN-indexed) on PostgreSQL,
/// the FTS5 table on SQLite.
pub struct SearchIndex {
    /// The column matched with `@@` on PostgreSQL.
    pg_column: &'static str,
    /// The condition, with one `?` for the FTS5 query, on SQLite.
    sqlite_condition: &'static str,
}

/// The challenges' search index.
const CHALLENGE_INDEX: SearchIndex = SearchIndex {
    pg_column: PG_SEARCH_COLUMN,
    sqlite_condition: "\"challenges\".\"id\" IN (SELECT challenge_id FROM challenges_fts WHERE challenges_fts MATCH ?)",
};

/// The ideas' search index.
pub const IDEA_INDEX: SearchIndex = SearchIndex {
    pg_column: PG_IDEA_SEARCH_COLUMN,
    sqlite_condition: "\"ideas\".\"id\" IN (SELECT idea_id FROM ideas_fts WHERE ideas_fts MATCH ?)",
};

/// Full-text match of every word (as a prefix from [`PREFIX_MIN`] letters on) in `index`.
pub fn text_search_in(backend: DbBackend, index: &SearchIndex, words: &[String]) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => {
            let query = words
                .iter()
                .map(|w| if is_prefix(w) { format!("{w}:*") } else { w.clone() })
                .collect::<Vec<_>>()
                .join(" & ");
            Expr::cust_with_values(format!("{} @@ to_tsquery('simple', $1)", index.pg_column), [query])
        }
        _ => {
            let query = words
                .iter()
                .map(|w| {
                    if is_prefix(w) {
                        format!("\"{w}\"*")
                    } else {
                        format!("\"{w}\"")
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
            Expr::cust_with_values(index.sqlite_condition, [query])
        }
    }
}

fn text_search(backend: DbBackend, words: &[String]) -> SimpleExpr {
    text_search_in(backend, &CHALLENGE_INDEX, words)
}

/// Writes the fields set on `changes` if the row still has `version`, bumping it.
async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    changes: challenges::ActiveModel,
) -> Result<challenges::Model, RepoError> {
    let columns = (challenges::Column::Id, challenges::Column::Version);
    update_versioned::<challenges::Entity>(db, id, version, changes, columns, |row| row.version).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{EntityTrait, QueryTrait};

    fn sql(backend: DbBackend) -> String {
        let words = ["sege".to_owned(), "park".to_owned()];
        challenges::Entity::find()
            .filter(text_search(backend, &words))
            .build(backend)
            .to_string()
    }

    #[test]
    fn postgres_search_binds_the_query_against_the_indexed_column() {
        assert!(
            sql(DbBackend::Postgres).ends_with(&format!(
                "WHERE {PG_SEARCH_COLUMN} @@ to_tsquery('simple', 'sege:* & park:*')"
            )),
            "{}",
            sql(DbBackend::Postgres)
        );
    }

    #[test]
    fn sqlite_search_matches_every_word_as_a_prefix() {
        assert!(
            sql(DbBackend::Sqlite).ends_with("MATCH '\"sege\"* \"park\"*')"),
            "{}",
            sql(DbBackend::Sqlite)
        );
    }

    #[test]
    fn words_shorter_than_three_letters_match_whole_words_only() {
        let words = ["i".to_owned(), "5g".to_owned(), "sopor".to_owned()];
        let sqlite = challenges::Entity::find()
            .filter(text_search(DbBackend::Sqlite, &words))
            .build(DbBackend::Sqlite)
            .to_string();
        assert!(sqlite.ends_with("MATCH '\"i\" \"5g\" \"sopor\"*')"), "{sqlite}");
        let postgres = challenges::Entity::find()
            .filter(text_search(DbBackend::Postgres, &words))
            .build(DbBackend::Postgres)
            .to_string();
        assert!(
            postgres.ends_with("to_tsquery('simple', 'i & 5g & sopor:*')"),
            "{postgres}"
        );
    }

    #[test]
    fn search_words_are_letters_and_digits_lower_cased() {
        assert_eq!(
            search_words("Sege-Park, MALMÖ 2026!"),
            vec!["sege", "park", "malmö", "2026"]
        );
        assert!(search_words("%_*\"").is_empty());
    }
}
