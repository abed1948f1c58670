//! Teams that act together (SPEC §14.2): each team member with an e-mail is invited, and
//! answers at `/invitations/{token}`.
//!
//! `team_invitations` holds one row per (idea, address): its answer and, once accepted,
//! the account. `ideas.member_ids` copies the accepted members' accounts onto the idea (a
//! JSON array, written in the same transaction as the answer or the team edit), so the
//! rules of who may see and edit an idea read one row, as they read the innovator's id.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TeamInvitations {
    Table,
    Id,
    IdeaId,
    Email,
    EmailKey,
    Status,
    UserId,
    InvitedBy,
    CreatedAt,
    RespondedAt,
}

#[derive(DeriveIden)]
enum Ideas {
    Table,
    MemberIds,
}

const BY_IDEA_AND_ADDRESS: &str = "idx_team_invitations_idea_email";
const BY_USER: &str = "idx_team_invitations_user_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TeamInvitations::Table)
                    // The id is the link's token: random (v4), and no credential — only
                    // the account with the invited address may answer.
                    .col(uuid(TeamInvitations::Id).primary_key())
                    .col(uuid(TeamInvitations::IdeaId))
                    .col(string_len(TeamInvitations::Email, 320))
                    .col(string_len(TeamInvitations::EmailKey, 320))
                    .col(string_len(TeamInvitations::Status, 16))
                    .col(uuid_null(TeamInvitations::UserId))
                    .col(uuid(TeamInvitations::InvitedBy))
                    .col(timestamp_with_time_zone(TeamInvitations::CreatedAt))
                    .col(timestamp_with_time_zone_null(TeamInvitations::RespondedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_IDEA_AND_ADDRESS)
                    .table(TeamInvitations::Table)
                    .col(TeamInvitations::IdeaId)
                    .col(TeamInvitations::EmailKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_USER)
                    .table(TeamInvitations::Table)
                    .col(TeamInvitations::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Ideas::Table)
                    .add_column(text(Ideas::MemberIds).default("[]"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Ideas::Table)
                    .drop_column(Ideas::MemberIds)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(TeamInvitations::Table).to_owned())
            .await
    }
}
