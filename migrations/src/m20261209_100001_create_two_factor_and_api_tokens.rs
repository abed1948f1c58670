//! Two-factor sign-in and personal API tokens (SPEC §16).
//!
//! `totp_secrets` holds one row per account that has begun or finished setting up a TOTP
//! app: the secret (base32), when it was confirmed (null while being set up) and the last
//! time step a code was accepted for, so that no code works twice. `recovery_codes` holds
//! the SHA-256 of each one-time recovery code and when it was used. `pending_sign_ins`
//! holds the SHA-256 of the token of a web sign-in whose password was right and whose code
//! is still to come: it is no session. `api_tokens` holds each personal API token's
//! SHA-256, name and dates. Every row goes with its account.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TotpSecrets {
    Table,
    UserId,
    Secret,
    CreatedAt,
    ConfirmedAt,
    LastStep,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum PendingSignIns {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    CreatedAt,
    LastUsedAt,
}

fn to_user(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TotpSecrets::Table)
                    .col(uuid(TotpSecrets::UserId).primary_key())
                    .col(string_len(TotpSecrets::Secret, 64))
                    .col(timestamp_with_time_zone(TotpSecrets::CreatedAt))
                    .col(timestamp_with_time_zone_null(TotpSecrets::ConfirmedAt))
                    .col(big_integer_null(TotpSecrets::LastStep))
                    .foreign_key(&mut to_user(TotpSecrets::Table, TotpSecrets::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(uuid(RecoveryCodes::Id).primary_key())
                    .col(uuid(RecoveryCodes::UserId))
                    .col(string_len(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .foreign_key(&mut to_user(RecoveryCodes::Table, RecoveryCodes::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("recovery_codes_by_user")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PendingSignIns::Table)
                    .col(string_len(PendingSignIns::TokenHash, 64).primary_key())
                    .col(uuid(PendingSignIns::UserId))
                    .col(timestamp_with_time_zone(PendingSignIns::CreatedAt))
                    .col(timestamp_with_time_zone(PendingSignIns::ExpiresAt))
                    .foreign_key(&mut to_user(PendingSignIns::Table, PendingSignIns::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(uuid(ApiTokens::Id).primary_key())
                    .col(uuid(ApiTokens::UserId))
                    .col(string_len(ApiTokens::Name, 100))
                    .col(string_len(ApiTokens::TokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .foreign_key(&mut to_user(ApiTokens::Table, ApiTokens::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("api_tokens_by_user")
                    .table(ApiTokens::Table)
                    .col(ApiTokens::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ApiTokens::Table.into_iden(),
            PendingSignIns::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            TotpSecrets::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
