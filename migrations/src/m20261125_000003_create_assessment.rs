//! Step 3: rubrics (with the default rubric seeded), assignments and scorecards.

use sea_orm::prelude::ChronoUtc;
use sea_orm_migration::{prelude::*, schema::*};
use serde_json::json;
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Ideas {
    Table,
    Id,
    BlindAssessment,
}

#[derive(DeriveIden)]
enum Rubrics {
    Table,
    Id,
    Name,
    MinScorecards,
    IsDefault,
    Criteria,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    Id,
    IdeaId,
    AssessorId,
    State,
    ConflictReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Scorecards {
    Table,
    AssignmentId,
    IdeaId,
    AssessorId,
    Scores,
    Comment,
    SubmittedAt,
    UpdatedAt,
}

/// The default rubric of SPEC §4, as stored: weights need_fit 3, social, environmental and
/// economic impact 2, feasibility 2, novelty 1, scalability 1; scale 1..5; two scorecards.
fn default_criteria() -> serde_json::Value {
    let criterion = |key: &str, name: &str, description: &str, weight: f64| json!({ "key": key, "name": name, "description": description, "weight": weight, "scale_min": 1, "scale_max": 5 });
    json!([
        criterion(
            "need_fit",
            "Need fit",
            "How well the idea answers the challenge as the needs-owner wrote it.",
            3.0
        ),
        criterion(
            "social_impact",
            "Social impact",
            "Effects on residents, inclusion and everyday life.",
            2.0
        ),
        criterion(
            "environmental_impact",
            "Environmental impact",
            "Effects on climate, resources and nature.",
            2.0
        ),
        criterion(
            "economic_impact",
            "Economic impact",
            "Costs, savings and value for the parties involved.",
            2.0
        ),
        criterion(
            "feasibility",
            "Feasibility",
            "Whether the team can test it in the city within the time at hand.",
            2.0
        ),
        criterion("novelty", "Novelty", "How new the idea is to the city.", 1.0),
        criterion(
            "scalability",
            "Scalability",
            "Whether it can spread to more sites and owners.",
            1.0
        ),
    ])
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Copied from the challenge when the idea is drafted: a published challenge's
        // blindness never changes, and the copy lets idea reads decide it without a join.
        manager
            .alter_table(
                Table::alter()
                    .table(Ideas::Table)
                    .add_column(boolean(Ideas::BlindAssessment).default(false))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Rubrics::Table)
                    .col(uuid(Rubrics::Id).primary_key())
                    .col(string_len(Rubrics::Name, 200))
                    .col(integer(Rubrics::MinScorecards))
                    .col(boolean(Rubrics::IsDefault))
                    .col(text(Rubrics::Criteria))
                    .col(big_integer(Rubrics::Version))
                    .col(timestamp_with_time_zone(Rubrics::CreatedAt))
                    .col(timestamp_with_time_zone(Rubrics::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        let now = ChronoUtc::now();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Rubrics::Table)
                    .columns([
                        Rubrics::Id,
                        Rubrics::Name,
                        Rubrics::MinScorecards,
                        Rubrics::IsDefault,
                        Rubrics::Criteria,
                        Rubrics::Version,
                        Rubrics::CreatedAt,
                        Rubrics::UpdatedAt,
                    ])
                    .values_panic([
                        Uuid::now_v7().into(),
                        "Sustainable City Accelerator".into(),
                        2.into(),
                        true.into(),
                        default_criteria().to_string().into(),
                        1i64.into(),
                        now.into(),
                        now.into(),
                    ])
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(uuid(Assignments::Id).primary_key())
                    .col(uuid(Assignments::IdeaId))
                    .col(uuid(Assignments::AssessorId))
                    .col(string_len(Assignments::State, 30))
                    .col(text_null(Assignments::ConflictReason))
                    .col(big_integer(Assignments::Version))
                    .col(timestamp_with_time_zone(Assignments::CreatedAt))
                    .col(timestamp_with_time_zone(Assignments::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assignments::Table, Assignments::IdeaId)
                            .to(Ideas::Table, Ideas::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assignments::Table, Assignments::AssessorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_assignments_idea_assessor")
                    .table(Assignments::Table)
                    .col(Assignments::IdeaId)
                    .col(Assignments::AssessorId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_assignments_assessor_id")
                    .table(Assignments::Table)
                    .col(Assignments::AssessorId)
                    .col(Assignments::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Scorecards::Table)
                    .col(uuid(Scorecards::AssignmentId).primary_key())
                    .col(uuid(Scorecards::IdeaId))
                    .col(uuid(Scorecards::AssessorId))
                    .col(text(Scorecards::Scores))
                    .col(text(Scorecards::Comment))
                    .col(timestamp_with_time_zone(Scorecards::SubmittedAt))
                    .col(timestamp_with_time_zone(Scorecards::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Scorecards::Table, Scorecards::AssignmentId)
                            .to(Assignments::Table, Assignments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_scorecards_idea")
                    .table(Scorecards::Table)
                    .col(Scorecards::IdeaId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Scorecards::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Assignments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Rubrics::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Ideas::Table)
                    .drop_column(Ideas::BlindAssessment)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
