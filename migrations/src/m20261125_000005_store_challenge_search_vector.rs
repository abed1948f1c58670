//! PostgreSQL: keep the challenge's search vector in a stored generated column, so a
//! filtered page never recomputes `to_tsvector` row by row. SQLite keeps its FTS5 table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The column queries match against on PostgreSQL.
pub const PG_SEARCH_COLUMN: &str = "\"challenges\".\"search\"";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "ALTER TABLE challenges ADD COLUMN search tsvector GENERATED ALWAYS AS ({}) STORED",
            super::PG_SEARCH_EXPRESSION
        ))
        .await?;
        db.execute_unprepared("CREATE INDEX idx_challenges_search_vector ON challenges USING GIN (search)")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_challenges_search")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE INDEX idx_challenges_search ON challenges USING GIN ({})",
            super::PG_SEARCH_EXPRESSION
        ))
        .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_challenges_search_vector")
            .await?;
        db.execute_unprepared("ALTER TABLE challenges DROP COLUMN search")
            .await?;
        Ok(())
    }
}
