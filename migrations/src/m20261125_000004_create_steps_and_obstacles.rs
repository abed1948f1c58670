//! Steps 4 and 5: support organisations, incubations with milestones, tests with spread
//! activities; and the obstacle diary.

use sea_orm_migration::{prelude::*, schema::*};

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
}

#[derive(DeriveIden)]
enum SupportOrganisations {
    Table,
    Id,
    Name,
    Kind,
    Description,
    ContactEmail,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Incubations {
    Table,
    IdeaId,
    SupportOrganisationId,
    Plan,
    StartedAt,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    Id,
    IdeaId,
    Title,
    DueOn,
    DoneAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdeaTests {
    Table,
    IdeaId,
    Site,
    Host,
    StartsOn,
    EndsOn,
    SuccessCriteria,
    StartedAt,
    Outcome,
    Results,
    LessonsLearned,
    CompletedAt,
}

#[derive(DeriveIden)]
enum SpreadActivities {
    Table,
    Id,
    IdeaId,
    Kind,
    Title,
    HeldOn,
    Notes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Obstacles {
    Table,
    Id,
    SubjectType,
    SubjectId,
    Category,
    Description,
    Step,
    ReportedBy,
    ReportedAt,
}

fn idea_fk<T: IntoIden + 'static>(table: T, column: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Ideas::Table, Ideas::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SupportOrganisations::Table)
                    .col(uuid(SupportOrganisations::Id).primary_key())
                    .col(string_len(SupportOrganisations::Name, 200))
                    .col(string_len(SupportOrganisations::Kind, 30))
                    .col(text(SupportOrganisations::Description))
                    .col(string_len_null(SupportOrganisations::ContactEmail, 254))
                    .col(big_integer(SupportOrganisations::Version))
                    .col(timestamp_with_time_zone(SupportOrganisations::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Incubations::Table)
                    .col(uuid(Incubations::IdeaId).primary_key())
                    .col(uuid(Incubations::SupportOrganisationId))
                    .col(text(Incubations::Plan))
                    .col(timestamp_with_time_zone(Incubations::StartedAt))
                    .foreign_key(&mut idea_fk(Incubations::Table, Incubations::IdeaId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Incubations::Table, Incubations::SupportOrganisationId)
                            .to(SupportOrganisations::Table, SupportOrganisations::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Milestones::Table)
                    .col(uuid(Milestones::Id).primary_key())
                    .col(uuid(Milestones::IdeaId))
                    .col(string_len(Milestones::Title, 200))
                    .col(date_null(Milestones::DueOn))
                    .col(timestamp_with_time_zone_null(Milestones::DoneAt))
                    .col(timestamp_with_time_zone(Milestones::CreatedAt))
                    .foreign_key(&mut idea_fk(Milestones::Table, Milestones::IdeaId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_milestones_idea")
                    .table(Milestones::Table)
                    .col(Milestones::IdeaId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdeaTests::Table)
                    .col(uuid(IdeaTests::IdeaId).primary_key())
                    .col(string_len(IdeaTests::Site, 200))
                    .col(string_len(IdeaTests::Host, 200))
                    .col(date(IdeaTests::StartsOn))
                    .col(date(IdeaTests::EndsOn))
                    .col(text(IdeaTests::SuccessCriteria))
                    .col(timestamp_with_time_zone(IdeaTests::StartedAt))
                    .col(string_len_null(IdeaTests::Outcome, 40))
                    .col(text_null(IdeaTests::Results))
                    .col(text_null(IdeaTests::LessonsLearned))
                    .col(timestamp_with_time_zone_null(IdeaTests::CompletedAt))
                    .foreign_key(&mut idea_fk(IdeaTests::Table, IdeaTests::IdeaId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SpreadActivities::Table)
                    .col(uuid(SpreadActivities::Id).primary_key())
                    .col(uuid(SpreadActivities::IdeaId))
                    .col(string_len(SpreadActivities::Kind, 40))
                    .col(string_len(SpreadActivities::Title, 200))
                    .col(date(SpreadActivities::HeldOn))
                    .col(text_null(SpreadActivities::Notes))
                    .col(timestamp_with_time_zone(SpreadActivities::CreatedAt))
                    .foreign_key(&mut idea_fk(SpreadActivities::Table, SpreadActivities::IdeaId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_spread_activities_idea")
                    .table(SpreadActivities::Table)
                    .col(SpreadActivities::IdeaId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Obstacles::Table)
                    .col(uuid(Obstacles::Id).primary_key())
                    .col(string_len(Obstacles::SubjectType, 20))
                    .col(uuid(Obstacles::SubjectId))
                    .col(string_len(Obstacles::Category, 30))
                    .col(text(Obstacles::Description))
                    .col(small_integer(Obstacles::Step))
                    .col(uuid(Obstacles::ReportedBy))
                    .col(timestamp_with_time_zone(Obstacles::ReportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Obstacles::Table, Obstacles::ReportedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_obstacles_category_id", Obstacles::Category),
            ("idx_obstacles_subject_id", Obstacles::SubjectId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Obstacles::Table)
                        .col(column)
                        .col(Obstacles::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Obstacles::Table.into_iden(),
            SpreadActivities::Table.into_iden(),
            IdeaTests::Table.into_iden(),
            Milestones::Table.into_iden(),
            Incubations::Table.into_iden(),
            SupportOrganisations::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
