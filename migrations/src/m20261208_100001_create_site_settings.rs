//! The city's own site (SPEC §16): its name, colour and contact address, its accessibility
//! statement, the versions of its privacy notice and who accepted which.
//!
//! `site_settings` has one row (`id` = 1), inserted here; a value left null is the
//! default. `privacy_notices` keeps every version ever published (the newest
//! is the one in force). `privacy_consents` holds one row per account and version
//! accepted, and goes with the account when it is erased.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SiteSettings {
    Table,
    Id,
    SiteName,
    PrimaryColour,
    ContactEmail,
    AccessibilitySv,
    AccessibilityEn,
    AccessibilityUpdatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PrivacyNotices {
    Table,
    Version,
    Sv,
    En,
    PublishedAt,
    PublishedBy,
}

#[derive(DeriveIden)]
enum PrivacyConsents {
    Table,
    UserId,
    Version,
    AcceptedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SiteSettings::Table)
                    .col(integer(SiteSettings::Id).primary_key())
                    .col(string_len_null(SiteSettings::SiteName, 100))
                    .col(string_len_null(SiteSettings::PrimaryColour, 7))
                    .col(string_len_null(SiteSettings::ContactEmail, 320))
                    .col(text_null(SiteSettings::AccessibilitySv))
                    .col(text_null(SiteSettings::AccessibilityEn))
                    .col(timestamp_with_time_zone_null(SiteSettings::AccessibilityUpdatedAt))
                    .col(timestamp_with_time_zone_null(SiteSettings::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The one row, so that every change is an update of it: concurrent writers queue
        // on its lock (PostgreSQL) instead of racing to insert it.
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(SiteSettings::Table)
                    .columns([SiteSettings::Id])
                    .values_panic([1.into()])
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrivacyNotices::Table)
                    .col(big_integer(PrivacyNotices::Version).primary_key())
                    .col(text(PrivacyNotices::Sv))
                    .col(text(PrivacyNotices::En))
                    .col(timestamp_with_time_zone(PrivacyNotices::PublishedAt))
                    .col(uuid_null(PrivacyNotices::PublishedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrivacyConsents::Table)
                    .col(uuid(PrivacyConsents::UserId))
                    .col(big_integer(PrivacyConsents::Version))
                    .col(timestamp_with_time_zone(PrivacyConsents::AcceptedAt))
                    .primary_key(
                        Index::create()
                            .col(PrivacyConsents::UserId)
                            .col(PrivacyConsents::Version),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PrivacyConsents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PrivacyNotices::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SiteSettings::Table).to_owned())
            .await
    }
}
