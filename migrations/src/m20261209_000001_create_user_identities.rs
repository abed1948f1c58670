//! Sign-in through an OpenID Connect provider (SPEC §16, ADR 0036): each account may be
//! known to a provider by the provider's issuer and its `sub` for the person
//! (`user_identities`, one account per pair), and each sign-in that has left for the
//! provider waits as an `oidc_logins` row — its `state`, `nonce` and PKCE verifier, keyed
//! by the hash of a random cookie in the browser that started it — until it comes back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserIdentities {
    Table,
    Id,
    UserId,
    Issuer,
    Subject,
    CreatedAt,
    LastSignInAt,
}

#[derive(DeriveIden)]
enum OidcLogins {
    Table,
    BrowserHash,
    State,
    Nonce,
    PkceVerifier,
    Next,
    CreatedAt,
    ExpiresAt,
}

const BY_ISSUER_AND_SUBJECT: &str = "idx_user_identities_issuer_subject";
const BY_USER: &str = "idx_user_identities_user_id";
const LOGINS_BY_EXPIRY: &str = "idx_oidc_logins_expires_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserIdentities::Table)
                    .col(uuid(UserIdentities::Id).primary_key())
                    .col(uuid(UserIdentities::UserId))
                    .col(string_len(UserIdentities::Issuer, 500))
                    .col(string_len(UserIdentities::Subject, 255))
                    .col(timestamp_with_time_zone(UserIdentities::CreatedAt))
                    .col(timestamp_with_time_zone(UserIdentities::LastSignInAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_ISSUER_AND_SUBJECT)
                    .table(UserIdentities::Table)
                    .col(UserIdentities::Issuer)
                    .col(UserIdentities::Subject)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_USER)
                    .table(UserIdentities::Table)
                    .col(UserIdentities::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OidcLogins::Table)
                    .col(string_len(OidcLogins::BrowserHash, 64).primary_key())
                    .col(string_len(OidcLogins::State, 100))
                    .col(string_len(OidcLogins::Nonce, 100))
                    .col(string_len(OidcLogins::PkceVerifier, 200))
                    .col(string_len_null(OidcLogins::Next, 2000))
                    .col(timestamp_with_time_zone(OidcLogins::CreatedAt))
                    .col(timestamp_with_time_zone(OidcLogins::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(LOGINS_BY_EXPIRY)
                    .table(OidcLogins::Table)
                    .col(OidcLogins::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OidcLogins::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(UserIdentities::Table).to_owned())
            .await
    }
}
