//! Step 2: ideas and questions on challenges, and full-text search over challenges
//! (FTS5 on SQLite, a GIN expression index on PostgreSQL).

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Ideas {
    Table,
    Id,
    ChallengeId,
    ChallengeOwnerId,
    InnovatorId,
    Title,
    Summary,
    Description,
    Team,
    Sdgs,
    State,
    Version,
    SubmittedAt,
    RubricId,
    DecisionOutcome,
    DecisionFeedback,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Questions {
    Table,
    Id,
    ChallengeId,
    Text,
    AskedBy,
    AskedAt,
    AnswerText,
    AnsweredBy,
    AnsweredAt,
}

/// The searchable text of a challenge; PostgreSQL queries must repeat this expression
/// exactly for the index to be used.
pub const PG_SEARCH_EXPRESSION: &str = "to_tsvector('simple', title || ' ' || summary || ' ' || description)";

const SQLITE_FTS_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE challenges_fts USING fts5(challenge_id UNINDEXED, title, summary, description, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO challenges_fts (challenge_id, title, summary, description) SELECT id, title, summary, description FROM challenges",
    "CREATE TRIGGER challenges_fts_insert AFTER INSERT ON challenges BEGIN \
       INSERT INTO challenges_fts (challenge_id, title, summary, description) VALUES (new.id, new.title, new.summary, new.description); \
     END",
    "CREATE TRIGGER challenges_fts_update AFTER UPDATE OF title, summary, description ON challenges BEGIN \
       DELETE FROM challenges_fts WHERE challenge_id = old.id; \
       INSERT INTO challenges_fts (challenge_id, title, summary, description) VALUES (new.id, new.title, new.summary, new.description); \
     END",
    "CREATE TRIGGER challenges_fts_delete AFTER DELETE ON challenges BEGIN \
       DELETE FROM challenges_fts WHERE challenge_id = old.id; \
     END",
];

const SQLITE_FTS_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS challenges_fts_insert",
    "DROP TRIGGER IF EXISTS challenges_fts_update",
    "DROP TRIGGER IF EXISTS challenges_fts_delete",
    "DROP TABLE IF EXISTS challenges_fts",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Ideas::Table)
                    .col(uuid(Ideas::Id).primary_key())
                    .col(uuid(Ideas::ChallengeId))
                    .col(uuid(Ideas::ChallengeOwnerId))
                    .col(uuid(Ideas::InnovatorId))
                    .col(string_len(Ideas::Title, 200))
                    .col(string_len(Ideas::Summary, 1000))
                    .col(text(Ideas::Description))
                    .col(text(Ideas::Team))
                    .col(string_len(Ideas::Sdgs, 60))
                    .col(string_len(Ideas::State, 30))
                    .col(big_integer(Ideas::Version))
                    .col(timestamp_with_time_zone_null(Ideas::SubmittedAt))
                    .col(uuid_null(Ideas::RubricId))
                    .col(string_len_null(Ideas::DecisionOutcome, 30))
                    .col(text_null(Ideas::DecisionFeedback))
                    .col(timestamp_with_time_zone_null(Ideas::DecidedAt))
                    .col(timestamp_with_time_zone(Ideas::CreatedAt))
                    .col(timestamp_with_time_zone(Ideas::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Ideas::Table, Ideas::ChallengeId)
                            .to(Challenges::Table, Challenges::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Ideas::Table, Ideas::InnovatorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_ideas_challenge_id", Ideas::ChallengeId),
            ("idx_ideas_innovator_id", Ideas::InnovatorId),
            ("idx_ideas_owner_id", Ideas::ChallengeOwnerId),
            ("idx_ideas_state_id", Ideas::State),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Ideas::Table)
                        .col(column)
                        .col(Ideas::Id)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Questions::Table)
                    .col(uuid(Questions::Id).primary_key())
                    .col(uuid(Questions::ChallengeId))
                    .col(text(Questions::Text))
                    .col(uuid(Questions::AskedBy))
                    .col(timestamp_with_time_zone(Questions::AskedAt))
                    .col(text_null(Questions::AnswerText))
                    .col(uuid_null(Questions::AnsweredBy))
                    .col(timestamp_with_time_zone_null(Questions::AnsweredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Questions::Table, Questions::ChallengeId)
                            .to(Challenges::Table, Challenges::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Questions::Table, Questions::AskedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_questions_challenge_id")
                    .table(Questions::Table)
                    .col(Questions::ChallengeId)
                    .col(Questions::Id)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for statement in SQLITE_FTS_UP {
                    db.execute_unprepared(statement).await?;
                }
            }
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE INDEX idx_challenges_search ON challenges USING GIN ({PG_SEARCH_EXPRESSION})"
                ))
                .await?;
            }
            other => return Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for statement in SQLITE_FTS_DOWN {
                    db.execute_unprepared(statement).await?;
                }
            }
            _ => {
                db.execute_unprepared("DROP INDEX IF EXISTS idx_challenges_search")
                    .await?;
            }
        }
        manager
            .drop_table(Table::drop().table(Questions::Table).to_owned())
            .await?;
        manager.drop_table(Table::drop().table(Ideas::Table).to_owned()).await?;
        Ok(())
    }
}
