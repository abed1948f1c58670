//! The funnel's read model: per challenge and per idea the first time of each step, and
//! tallies of the additive figures per arena and day of creation. Both are written in the
//! same transaction as the events they are derived from, so the funnel report sums a few
//! thousand tally rows instead of grouping millions of events. The tables start empty and
//! `read_models` marks them for a rebuild from the event log, which the server runs once at
//! start-up.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FunnelChallenges {
    Table,
    ChallengeId,
    ArenaId,
    CreatedUs,
    State,
    PublishedUs,
    NeedFormulationUs,
}

#[derive(DeriveIden)]
enum FunnelIdeas {
    Table,
    IdeaId,
    ArenaId,
    CreatedUs,
    State,
    SubmittedUs,
    AssessmentStartedUs,
    DecidedUs,
    QualifiedUs,
    IncubationStartedUs,
    TestingStartedUs,
    CompletedUs,
    Adopted,
    MatchingUs,
    AssessmentUs,
    IncubationUs,
    TestingUs,
}

#[derive(DeriveIden)]
enum FunnelTallies {
    Table,
    ArenaId,
    Day,
    Shard,
}

#[derive(DeriveIden)]
enum ReadModels {
    Table,
    Name,
    RebuiltAt,
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
}

/// The tallied figures, one column each (the domain's `Tally::names`).
const TALLY_COLUMNS: [&str; 28] = [
    "challenges_draft",
    "challenges_submitted",
    "challenges_changes_requested",
    "challenges_published",
    "challenges_closed",
    "challenges_archived",
    "challenges_withdrawn",
    "ideas_draft",
    "ideas_submitted",
    "ideas_in_assessment",
    "ideas_qualified",
    "ideas_not_qualified",
    "ideas_in_incubation",
    "ideas_in_testing",
    "ideas_completed",
    "ideas_discontinued",
    "ideas_withdrawn",
    "submitted",
    "submitted_qualified",
    "qualified",
    "qualified_tested",
    "tested",
    "tested_adopted",
    "finished_need_formulation",
    "finished_matching",
    "finished_assessment",
    "finished_incubation",
    "finished_testing",
];

/// The durations the report takes medians of: one partial index each, ordered by the
/// duration, so a median is a walk to the middle of an index.
const DURATIONS: [(&str, &str); 5] = [
    ("funnel_challenges", "need_formulation_us"),
    ("funnel_ideas", "matching_us"),
    ("funnel_ideas", "assessment_us"),
    ("funnel_ideas", "incubation_us"),
    ("funnel_ideas", "testing_us"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FunnelChallenges::Table)
                    .col(uuid(FunnelChallenges::ChallengeId).primary_key())
                    // The nil UUID for a challenge in no arena.
                    .col(uuid(FunnelChallenges::ArenaId))
                    .col(big_integer(FunnelChallenges::CreatedUs))
                    .col(string_len(FunnelChallenges::State, 32))
                    .col(big_integer_null(FunnelChallenges::PublishedUs))
                    .col(big_integer_null(FunnelChallenges::NeedFormulationUs))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FunnelChallenges::Table, FunnelChallenges::ChallengeId)
                            .to(Challenges::Table, Challenges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FunnelIdeas::Table)
                    .col(uuid(FunnelIdeas::IdeaId).primary_key())
                    // The arena of the idea's challenge (fixed once ideas can be made).
                    .col(uuid(FunnelIdeas::ArenaId))
                    .col(big_integer(FunnelIdeas::CreatedUs))
                    .col(string_len(FunnelIdeas::State, 32))
                    .col(big_integer_null(FunnelIdeas::SubmittedUs))
                    .col(big_integer_null(FunnelIdeas::AssessmentStartedUs))
                    .col(big_integer_null(FunnelIdeas::DecidedUs))
                    .col(big_integer_null(FunnelIdeas::QualifiedUs))
                    .col(big_integer_null(FunnelIdeas::IncubationStartedUs))
                    .col(big_integer_null(FunnelIdeas::TestingStartedUs))
                    .col(big_integer_null(FunnelIdeas::CompletedUs))
                    .col(boolean(FunnelIdeas::Adopted))
                    .col(big_integer_null(FunnelIdeas::MatchingUs))
                    .col(big_integer_null(FunnelIdeas::AssessmentUs))
                    .col(big_integer_null(FunnelIdeas::IncubationUs))
                    .col(big_integer_null(FunnelIdeas::TestingUs))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FunnelIdeas::Table, FunnelIdeas::IdeaId)
                            .to(Ideas::Table, Ideas::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let mut tallies = Table::create();
        tallies
            .table(FunnelTallies::Table)
            .col(uuid(FunnelTallies::ArenaId))
            // Days since the Unix epoch (UTC) of the items' creation.
            .col(big_integer(FunnelTallies::Day))
            // Spreads the rows of one busy day over a few, so concurrent writers on
            // PostgreSQL seldom wait for each other's row lock.
            .col(small_integer(FunnelTallies::Shard))
            .primary_key(
                Index::create()
                    .col(FunnelTallies::ArenaId)
                    .col(FunnelTallies::Day)
                    .col(FunnelTallies::Shard),
            );
        for column in TALLY_COLUMNS {
            tallies.col(big_integer(Alias::new(column)).default(0));
        }
        manager.create_table(tallies.to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(ReadModels::Table)
                    .col(string_len(ReadModels::Name, 64).primary_key())
                    .col(timestamp_with_time_zone_null(ReadModels::RebuiltAt))
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        for (table, column) in DURATIONS {
            db.execute_unprepared(&format!(
                "CREATE INDEX idx_{table}_{column} ON {table} ({column}, arena_id, created_us) \
                 WHERE {column} IS NOT NULL"
            ))
            .await?;
        }
        for table in ["funnel_challenges", "funnel_ideas"] {
            db.execute_unprepared(&format!("CREATE INDEX idx_{table}_created_us ON {table} (created_us)"))
                .await?;
        }
        db.execute_unprepared("INSERT INTO read_models (name, rebuilt_at) VALUES ('funnel', NULL)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["read_models", "funnel_tallies", "funnel_ideas", "funnel_challenges"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
