//! Retention and the scheduled jobs (SPEC §16, ADR 0038).
//!
//! `users.last_active_at` is when the account last signed in or used a token (the first
//! value is the newest of its sessions, else when it was made); `users.retention_warned_at`
//! when it was last told by e-mail that it is about to be erased for want of use.
//! `job_leases` has a row per scheduled job: which process holds it until when, and when it
//! last ran on schedule.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    CreatedAt,
    LastActiveAt,
    RetentionWarnedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum JobLeases {
    Table,
    Name,
    Holder,
    LeaseUntil,
    LastRunAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::LastActiveAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::RetentionWarnedAt))
                    .to_owned(),
            )
            .await?;
        // Every account starts from the newest session it still has, else from its making.
        let newest_session = Query::select()
            .expr(Expr::col((Sessions::Table, Sessions::CreatedAt)).max())
            .from(Sessions::Table)
            .and_where(Expr::col((Sessions::Table, Sessions::UserId)).equals((Users::Table, Users::Id)))
            .to_owned();
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(
                        Users::LastActiveAt,
                        Func::coalesce([
                            SimpleExpr::SubQuery(None, Box::new(newest_session.into_sub_query_statement())),
                            Expr::col((Users::Table, Users::CreatedAt)),
                        ]),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_last_active_at")
                    .table(Users::Table)
                    .col(Users::LastActiveAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobLeases::Table)
                    .col(string_len(JobLeases::Name, 64).primary_key())
                    .col(string_len_null(JobLeases::Holder, 100))
                    .col(timestamp_with_time_zone_null(JobLeases::LeaseUntil))
                    .col(timestamp_with_time_zone_null(JobLeases::LastRunAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobLeases::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_last_active_at")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Users::RetentionWarnedAt, Users::LastActiveAt] {
            manager
                .alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
