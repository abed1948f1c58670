//! An index on the rubric an idea is assessed with: whether a rubric is in use (and so
//! immutable, SPEC §4) is asked on every view of the rubrics' registry, and without it
//! the question reads every idea.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Ideas {
    Table,
    RubricId,
}

const INDEX: &str = "idx_ideas_rubric_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Ideas::Table)
                    .col(Ideas::RubricId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Ideas::Table).to_owned())
            .await
    }
}
