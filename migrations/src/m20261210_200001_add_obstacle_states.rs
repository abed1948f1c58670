//! Obstacles raised to those who can act (SPEC §18): each obstacle gains its state
//! (logged, raised, answered, closed), a version for `If-Match`, the body it was raised to
//! with the brief, the answer, the times of each step, and the obstacle it is the same
//! issue as. Every obstacle logged before is `logged`, at version 1.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Obstacles {
    Table,
    State,
    Version,
    RaisedTo,
    Brief,
    Answer,
    RaisedAt,
    AnsweredAt,
    ClosedAt,
    SameAs,
}

const STATE_INDEX: &str = "idx_obstacles_state_raised_at";
const SAME_AS_INDEX: &str = "idx_obstacles_same_as";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            string_len(Obstacles::State, 16).default("logged").to_owned(),
            big_integer(Obstacles::Version).default(1).to_owned(),
            string_len_null(Obstacles::RaisedTo, 200),
            text_null(Obstacles::Brief),
            text_null(Obstacles::Answer),
            timestamp_with_time_zone_null(Obstacles::RaisedAt),
            timestamp_with_time_zone_null(Obstacles::AnsweredAt),
            timestamp_with_time_zone_null(Obstacles::ClosedAt),
            uuid_null(Obstacles::SameAs),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Obstacles::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(STATE_INDEX)
                    .table(Obstacles::Table)
                    .col(Obstacles::State)
                    .col(Obstacles::RaisedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SAME_AS_INDEX)
                    .table(Obstacles::Table)
                    .col(Obstacles::SameAs)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in [SAME_AS_INDEX, STATE_INDEX] {
            manager
                .drop_index(Index::drop().name(index).table(Obstacles::Table).to_owned())
                .await?;
        }
        for column in [
            Obstacles::SameAs,
            Obstacles::ClosedAt,
            Obstacles::AnsweredAt,
            Obstacles::RaisedAt,
            Obstacles::Answer,
            Obstacles::Brief,
            Obstacles::RaisedTo,
            Obstacles::Version,
            Obstacles::State,
        ] {
            manager
                .alter_table(Table::alter().table(Obstacles::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
