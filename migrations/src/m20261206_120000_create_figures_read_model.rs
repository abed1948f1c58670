//! The funder's figures' read model (ADR 0024): the participants the acts name, how many
//! acts each had per arena and UTC day, and the ideas that started testing per arena and
//! day; and an index of the event log by time over the acts alone, for the parts of days
//! at a period's edges. The tables start empty and `read_models` marks them for a rebuild
//! from the event log, which the server runs once at start-up.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FiguresParticipants {
    Table,
    Id,
    Kind,
    AccountId,
    OrganisationId,
    Name,
    Address,
}

#[derive(DeriveIden)]
enum FiguresParticipations {
    Table,
    ParticipantId,
    ArenaId,
    Day,
    Acts,
}

#[derive(DeriveIden)]
enum FiguresTallies {
    Table,
    ArenaId,
    Day,
    InnovationsTested,
}

const BY_DAY: &str = "idx_figures_participations_day";
const ACTS_BY_TIME: &str = "idx_events_figures_acts";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FiguresParticipants::Table)
                    // Derived from the other columns, so every writer names the same row.
                    .col(uuid(FiguresParticipants::Id).primary_key())
                    // account, owner, team_member, support or host.
                    .col(string_len(FiguresParticipants::Kind, 16))
                    .col(uuid_null(FiguresParticipants::AccountId))
                    .col(uuid_null(FiguresParticipants::OrganisationId))
                    // A test's host as typed.
                    .col(text_null(FiguresParticipants::Name))
                    // A team member's address as a SHA-256, never the address.
                    .col(string_len_null(FiguresParticipants::Address, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FiguresParticipations::Table)
                    .col(uuid(FiguresParticipations::ParticipantId))
                    // The nil UUID for a challenge in no arena.
                    .col(uuid(FiguresParticipations::ArenaId))
                    // Days since the Unix epoch (UTC) of the acts.
                    .col(big_integer(FiguresParticipations::Day))
                    .col(big_integer(FiguresParticipations::Acts))
                    .primary_key(
                        Index::create()
                            .col(FiguresParticipations::ParticipantId)
                            .col(FiguresParticipations::ArenaId)
                            .col(FiguresParticipations::Day),
                    )
                    .to_owned(),
            )
            .await?;
        // Whether a participant acted in a range of days, in any arena: one probe.
        manager
            .create_index(
                Index::create()
                    .name(BY_DAY)
                    .table(FiguresParticipations::Table)
                    .col(FiguresParticipations::ParticipantId)
                    .col(FiguresParticipations::Day)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FiguresTallies::Table)
                    .col(uuid(FiguresTallies::ArenaId))
                    .col(big_integer(FiguresTallies::Day))
                    .col(big_integer(FiguresTallies::InnovationsTested).default(0))
                    .primary_key(Index::create().col(FiguresTallies::ArenaId).col(FiguresTallies::Day))
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE INDEX {ACTS_BY_TIME} ON events (at) \
             WHERE command IN ('submit', 'score', 'start_incubation', 'start_testing')"
        ))
        .await?;
        db.execute_unprepared("INSERT INTO read_models (name, rebuilt_at) VALUES ('figures', NULL)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM read_models WHERE name = 'figures'")
            .await?;
        db.execute_unprepared(&format!("DROP INDEX {ACTS_BY_TIME}")).await?;
        for table in ["figures_tallies", "figures_participations", "figures_participants"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
