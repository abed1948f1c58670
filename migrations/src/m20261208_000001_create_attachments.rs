//! Documents (SPEC §15): files on challenges, ideas and tests, whose bytes live in an
//! object store and whose rows live here.
//!
//! `attachments` holds one row per file: its parent (`parent_kind` challenge, idea or
//! test, and `parent_id`), the idea it belongs to for ideas and tests (so an idea's rules
//! of who may see it are read once), what it is (`content_type` decided from the bytes,
//! `size`, `sha256`), what the uploader called it, and who uploaded it when. The bytes sit
//! in the store under `attachments/{id}`, written before the row commits.
//!
//! A test gains an `id` of its own, the name `/tests/{id}/attachments` uses: a column
//! added, each existing test given one, then made unique (expand and migrate; the idea's id
//! stays the table's key until tests become resources of their own).

use sea_orm_migration::sea_orm::{ConnectionTrait, TryGetable};
use sea_orm_migration::{prelude::*, schema::*};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ParentKind,
    ParentId,
    IdeaId,
    Filename,
    ContentType,
    Size,
    Sha256,
    Description,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdeaTests {
    Table,
    Id,
    IdeaId,
}

const BY_PARENT: &str = "idx_attachments_parent";
const BY_UPLOADER: &str = "idx_attachments_uploaded_by";
const TEST_ID: &str = "idx_idea_tests_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(uuid(Attachments::Id).primary_key())
                    .col(string_len(Attachments::ParentKind, 16))
                    .col(uuid(Attachments::ParentId))
                    .col(uuid_null(Attachments::IdeaId))
                    .col(string_len(Attachments::Filename, 255))
                    .col(string_len(Attachments::ContentType, 128))
                    .col(big_integer(Attachments::Size))
                    .col(string_len(Attachments::Sha256, 64))
                    .col(text_null(Attachments::Description))
                    .col(uuid_null(Attachments::UploadedBy))
                    .col(timestamp_with_time_zone(Attachments::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_PARENT)
                    .table(Attachments::Table)
                    .col(Attachments::ParentKind)
                    .col(Attachments::ParentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_UPLOADER)
                    .table(Attachments::Table)
                    .col(Attachments::UploadedBy)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IdeaTests::Table)
                    .add_column(uuid_null(IdeaTests::Id))
                    .to_owned(),
            )
            .await?;
        give_each_test_an_id(manager).await?;
        manager
            .create_index(
                Index::create()
                    .name(TEST_ID)
                    .table(IdeaTests::Table)
                    .col(IdeaTests::Id)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(TEST_ID).table(IdeaTests::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IdeaTests::Table)
                    .drop_column(IdeaTests::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await
    }
}

/// Gives every test that has none a random id, one row at a time (there are few: one per
/// tested idea).
async fn give_each_test_an_id(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let select = Query::select()
        .column(IdeaTests::IdeaId)
        .from(IdeaTests::Table)
        .and_where(Expr::col(IdeaTests::Id).is_null())
        .to_owned();
    for row in db.query_all(&select).await? {
        let idea_id = Uuid::try_get(&row, "", "idea_id").map_err(|e| DbErr::Custom(format!("{e:?}")))?;
        let update = Query::update()
            .table(IdeaTests::Table)
            .value(IdeaTests::Id, Uuid::new_v4())
            .and_where(Expr::col(IdeaTests::IdeaId).eq(idea_id))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(())
}
