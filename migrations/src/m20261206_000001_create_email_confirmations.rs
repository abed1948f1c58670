//! Registration confirms the address when sluss sends e-mail (SPEC §7, §19): accounts carry
//! when their address was confirmed (every account before this one counts as confirmed
//! when it was made), each registration waits as a confirmation with the values it was
//! made with, and the mail outbox names the kind of letter where it is neither a
//! notification nor a reset link.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    EmailConfirmedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EmailConfirmations {
    Table,
    TokenHash,
    UserId,
    DisplayName,
    Organisation,
    Roles,
    PasswordHash,
    Locale,
    Next,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Letter,
}

const BY_USER: &str = "idx_email_confirmations_user_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::EmailConfirmedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::EmailConfirmedAt, Expr::col(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailConfirmations::Table)
                    .col(string_len(EmailConfirmations::TokenHash, 64).primary_key())
                    .col(uuid(EmailConfirmations::UserId))
                    .col(string_len(EmailConfirmations::DisplayName, 200))
                    .col(string_len_null(EmailConfirmations::Organisation, 200))
                    .col(string_len(EmailConfirmations::Roles, 100))
                    .col(text(EmailConfirmations::PasswordHash))
                    .col(string_len(EmailConfirmations::Locale, 2))
                    .col(string_len_null(EmailConfirmations::Next, 2000))
                    .col(timestamp_with_time_zone(EmailConfirmations::CreatedAt))
                    .col(timestamp_with_time_zone(EmailConfirmations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(EmailConfirmations::UsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_USER)
                    .table(EmailConfirmations::Table)
                    .col(EmailConfirmations::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(string_len_null(MailOutbox::Letter, 30))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .drop_column(MailOutbox::Letter)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(EmailConfirmations::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::EmailConfirmedAt)
                    .to_owned(),
            )
            .await
    }
}
