//! Holding an idea (SPEC §17): the state an idea on hold was held from, and resumes to, on
//! the idea's row; and the funnel's tally of ideas on hold, one more state column beside
//! the others (ADR 0039).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Ideas {
    Table,
    HeldFrom,
}

#[derive(DeriveIden)]
enum FunnelTallies {
    Table,
    IdeasOnHold,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Ideas::Table)
                    .add_column(string_len_null(Ideas::HeldFrom, 32))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(FunnelTallies::Table)
                    .add_column(big_integer(FunnelTallies::IdeasOnHold).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FunnelTallies::Table)
                    .drop_column(FunnelTallies::IdeasOnHold)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Ideas::Table)
                    .drop_column(Ideas::HeldFrom)
                    .to_owned(),
            )
            .await
    }
}
