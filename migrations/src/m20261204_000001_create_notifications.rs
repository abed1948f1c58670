//! The notification outbox and inbox (SPEC §11.1–11.2): one row per person told of an
//! accepted command, written in the same transaction as the command's change, so none is
//! lost and none is kept for a command that rolled back. Read newest first per recipient,
//! and counted unread for the header of every page.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    RecipientId,
    Kind,
    SubjectType,
    SubjectId,
    Title,
    CreatedAt,
    ReadAt,
}

const BY_RECIPIENT: &str = "idx_notifications_recipient_id";
const UNREAD: &str = "idx_notifications_recipient_unread";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(uuid(Notifications::Id).primary_key())
                    .col(uuid(Notifications::RecipientId))
                    .col(string_len(Notifications::Kind, 40))
                    .col(string_len(Notifications::SubjectType, 20))
                    .col(uuid(Notifications::SubjectId))
                    .col(string_len(Notifications::Title, 200))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notifications::Table, Notifications::RecipientId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The inbox, newest first: ids are time-ordered (UUIDv7).
        manager
            .create_index(
                Index::create()
                    .name(BY_RECIPIENT)
                    .table(Notifications::Table)
                    .col(Notifications::RecipientId)
                    .col(Notifications::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UNREAD)
                    .table(Notifications::Table)
                    .col(Notifications::RecipientId)
                    .col(Notifications::ReadAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}
