//! Deadlines that act (SPEC §17, ADR 0040): an assignment's optional `due_on` (a date in
//! Stockholm), and when its assessor was reminded before it and after it passed, so that
//! each reminder goes out once however often the job runs.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assignments {
    Table,
    DueOn,
    RemindedDueAt,
    RemindedOverdueAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Assignments::Table)
                    .add_column(date_null(Assignments::DueOn))
                    .to_owned(),
            )
            .await?;
        for column in [Assignments::RemindedDueAt, Assignments::RemindedOverdueAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Assignments::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Assignments::RemindedOverdueAt,
            Assignments::RemindedDueAt,
            Assignments::DueOn,
        ] {
            manager
                .alter_table(Table::alter().table(Assignments::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
