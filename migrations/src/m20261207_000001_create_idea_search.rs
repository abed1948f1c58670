//! Text search over ideas (SPEC §14.1): the facilitators' `/ideas` and `GET /ideas?q=` match
//! every word in title, summary and description, as the challenge search does — an FTS5
//! table kept by triggers on SQLite, a stored `tsvector` column with a GIN index on
//! PostgreSQL.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The column idea searches match against on PostgreSQL.
pub const PG_IDEA_SEARCH_COLUMN: &str = "\"ideas\".\"search\"";

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE ideas_fts USING fts5(idea_id UNINDEXED, title, summary, description, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO ideas_fts (idea_id, title, summary, description) SELECT id, title, summary, description FROM ideas",
    "CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN \
       INSERT INTO ideas_fts (idea_id, title, summary, description) VALUES (new.id, new.title, new.summary, new.description); \
     END",
    "CREATE TRIGGER ideas_fts_update AFTER UPDATE OF title, summary, description ON ideas BEGIN \
       DELETE FROM ideas_fts WHERE idea_id = old.id; \
       INSERT INTO ideas_fts (idea_id, title, summary, description) VALUES (new.id, new.title, new.summary, new.description); \
     END",
    "CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN \
       DELETE FROM ideas_fts WHERE idea_id = old.id; \
     END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS ideas_fts_insert",
    "DROP TRIGGER IF EXISTS ideas_fts_update",
    "DROP TRIGGER IF EXISTS ideas_fts_delete",
    "DROP TABLE IF EXISTS ideas_fts",
];

const PG_UP: &[&str] = &[
    "ALTER TABLE ideas ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || summary || ' ' || description)) STORED",
    "CREATE INDEX idx_ideas_search_vector ON ideas USING GIN (search)",
];

const PG_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_ideas_search_vector",
    "ALTER TABLE ideas DROP COLUMN search",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run(manager, PG_UP).await,
            _ => run(manager, SQLITE_UP).await,
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run(manager, PG_DOWN).await,
            _ => run(manager, SQLITE_DOWN).await,
        }
    }
}
