//! Accounts, sessions, login throttling, arenas, challenges and the event log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    Organisation,
    Roles,
    PasswordHash,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuthFailures {
    Table,
    Id,
    Key,
    At,
}

#[derive(DeriveIden)]
enum Arenas {
    Table,
    Id,
    Name,
    Kind,
    Description,
    Location,
    StartsAt,
    EndsAt,
    State,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
    OwnerId,
    Title,
    Summary,
    Description,
    Location,
    Sdgs,
    ArenaId,
    IdeasCloseAt,
    BlindAssessment,
    Feedback,
    State,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Seq,
    SubjectType,
    SubjectId,
    Command,
    FromState,
    ToState,
    ActorId,
    At,
    Payload,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(uuid(Users::Id).primary_key())
                    .col(string_len(Users::Email, 254).unique_key())
                    .col(string_len(Users::DisplayName, 200))
                    .col(string_len_null(Users::Organisation, 200))
                    .col(string_len(Users::Roles, 100))
                    .col(string_len(Users::PasswordHash, 200))
                    .col(boolean(Users::Active))
                    .col(big_integer(Users::Version))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string_len(Sessions::TokenHash, 64).primary_key())
                    .col(uuid(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuthFailures::Table)
                    .col(big_pk_auto(AuthFailures::Id))
                    .col(string_len(AuthFailures::Key, 300))
                    .col(timestamp_with_time_zone(AuthFailures::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_auth_failures_key_at")
                    .table(AuthFailures::Table)
                    .col(AuthFailures::Key)
                    .col(AuthFailures::At)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Arenas::Table)
                    .col(uuid(Arenas::Id).primary_key())
                    .col(string_len(Arenas::Name, 200))
                    .col(string_len(Arenas::Kind, 20))
                    .col(text(Arenas::Description))
                    .col(string_len_null(Arenas::Location, 200))
                    .col(timestamp_with_time_zone_null(Arenas::StartsAt))
                    .col(timestamp_with_time_zone_null(Arenas::EndsAt))
                    .col(string_len(Arenas::State, 20))
                    .col(big_integer(Arenas::Version))
                    .col(timestamp_with_time_zone(Arenas::CreatedAt))
                    .col(timestamp_with_time_zone(Arenas::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_arenas_state_id")
                    .table(Arenas::Table)
                    .col(Arenas::State)
                    .col(Arenas::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Challenges::Table)
                    .col(uuid(Challenges::Id).primary_key())
                    .col(uuid(Challenges::OwnerId))
                    .col(string_len(Challenges::Title, 200))
                    .col(string_len(Challenges::Summary, 1000))
                    .col(text(Challenges::Description))
                    .col(string_len_null(Challenges::Location, 200))
                    .col(string_len(Challenges::Sdgs, 60))
                    .col(uuid_null(Challenges::ArenaId))
                    .col(timestamp_with_time_zone_null(Challenges::IdeasCloseAt))
                    .col(boolean(Challenges::BlindAssessment))
                    .col(text_null(Challenges::Feedback))
                    .col(string_len(Challenges::State, 30))
                    .col(big_integer(Challenges::Version))
                    .col(timestamp_with_time_zone(Challenges::CreatedAt))
                    .col(timestamp_with_time_zone(Challenges::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Challenges::Table, Challenges::OwnerId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Challenges::Table, Challenges::ArenaId)
                            .to(Arenas::Table, Arenas::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Keyset pages walk ids (UUID v7, so newest first) within a state, an owner or an arena.
        for (name, column) in [
            ("idx_challenges_state_id", Challenges::State),
            ("idx_challenges_owner_id", Challenges::OwnerId),
            ("idx_challenges_arena_id", Challenges::ArenaId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Challenges::Table)
                        .col(column)
                        .col(Challenges::Id)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(big_pk_auto(Events::Seq))
                    .col(string_len(Events::SubjectType, 30))
                    .col(uuid(Events::SubjectId))
                    .col(string_len(Events::Command, 40))
                    .col(string_len_null(Events::FromState, 30))
                    .col(string_len(Events::ToState, 30))
                    .col(uuid(Events::ActorId))
                    .col(timestamp_with_time_zone(Events::At))
                    .col(text(Events::Payload))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_subject_seq")
                    .table(Events::Table)
                    .col(Events::SubjectId)
                    .col(Events::Seq)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Events::Table.into_iden(),
            Challenges::Table.into_iden(),
            Arenas::Table.into_iden(),
            AuthFailures::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
