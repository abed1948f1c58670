//! The city's logo (SPEC §16): its type and hash on the settings row, which every page
//! reads, and its bytes in a table of their own, read only when the picture is fetched.
//!
//! A logo is small (at most 512 KiB), so it lives in the database with the rest of the
//! site's settings rather than in the document store: a backup of the database holds the
//! whole look of the site.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SiteSettings {
    Table,
    LogoContentType,
    LogoSha256,
}

#[derive(DeriveIden)]
enum SiteLogo {
    Table,
    Id,
    Bytes,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(SiteSettings::Table)
                    .add_column(string_len_null(SiteSettings::LogoContentType, 32))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SiteSettings::Table)
                    .add_column(string_len_null(SiteSettings::LogoSha256, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SiteLogo::Table)
                    .col(integer(SiteLogo::Id).primary_key())
                    .col(blob(SiteLogo::Bytes))
                    .col(timestamp_with_time_zone(SiteLogo::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SiteLogo::Table).to_owned())
            .await?;
        for column in [SiteSettings::LogoSha256, SiteSettings::LogoContentType] {
            manager
                .alter_table(Table::alter().table(SiteSettings::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
