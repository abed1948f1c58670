//! Steps 4 and 5: support organisations, incubations and milestones, tests and spread
//! activities; and the obstacle diary.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::entities::{idea_tests, incubations, milestones, obstacles, spread_activities, support_organisations};
use super::{Page, RepoError, keyset_page, update_versioned};
use sluss_domain::obstacle::ObstacleChange;

/// Stores a support organisation.
pub async fn insert_organisation(
    db: &impl ConnectionTrait,
    organisation: NewSupportOrganisation,
    now: DateTime<Utc>,
) -> Result<support_organisations::Model, RepoError> {
    let row = support_organisations::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(organisation.name),
        kind: Set(organisation.kind.to_owned()),
        description: Set(organisation.description),
        contact_email: Set(organisation.contact_email),
        version: Set(1),
        created_at: Set(now),
    };
    Ok(row.insert(db).await?)
}

/// A support organisation's checked values.
#[derive(Debug, Clone)]
pub struct NewSupportOrganisation {
    /// Name.
    pub name: String,
    /// What it offers, as stored.
    pub kind: &'static str,
    /// Description.
    pub description: String,
    /// Whom to write to.
    pub contact_email: Option<String>,
}

/// A page of support organisations, newest first.
pub async fn list_organisations(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<support_organisations::Model>, RepoError> {
    let select = support_organisations::Entity::find();
    keyset_page(db, select, support_organisations::Column::Id, |o| o.id, after, limit).await
}

/// Whether a support organisation exists.
pub async fn organisation_exists(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, RepoError> {
    Ok(support_organisations::Entity::find_by_id(id).count(db).await? > 0)
}

/// A record that steps 4 and 5 keep beside an idea, written with the event that starts or
/// ends the step (`ideas::apply` names which).
#[derive(Debug, Clone)]
pub enum StepRecord {
    /// An incubation started.
    Incubation {
        /// Its support organisation.
        support_organisation_id: Uuid,
        /// The plan.
        plan: String,
    },
    /// A test started.
    Test(NewTest),
    /// The test ended.
    Completion {
        /// The outcome, as stored.
        outcome: &'static str,
        /// What was measured.
        results: String,
        /// What was learned.
        lessons_learned: String,
    },
}

/// Writes `record` for the idea `idea_id`.
pub async fn write(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    record: StepRecord,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    match record {
        StepRecord::Incubation {
            support_organisation_id,
            plan,
        } => insert_incubation(db, idea_id, support_organisation_id, plan, now).await,
        StepRecord::Test(test) => insert_test(db, idea_id, test, now).await,
        StepRecord::Completion {
            outcome,
            results,
            lessons_learned,
        } => complete_test(db, idea_id, outcome, results, lessons_learned, now).await,
    }
}

/// Records the start of an incubation.
async fn insert_incubation(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    support_organisation_id: Uuid,
    plan: String,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    incubations::ActiveModel {
        idea_id: Set(idea_id),
        support_organisation_id: Set(support_organisation_id),
        plan: Set(plan),
        started_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The incubation of an idea.
pub async fn incubation(db: &impl ConnectionTrait, idea_id: Uuid) -> Result<Option<incubations::Model>, RepoError> {
    Ok(incubations::Entity::find_by_id(idea_id).one(db).await?)
}

/// The milestones of an idea, oldest first.
pub async fn milestones_of(db: &impl ConnectionTrait, idea_id: Uuid) -> Result<Vec<milestones::Model>, RepoError> {
    Ok(milestones::Entity::find()
        .filter(milestones::Column::IdeaId.eq(idea_id))
        .order_by_asc(milestones::Column::Id)
        .all(db)
        .await?)
}

/// Adds a milestone.
pub async fn insert_milestone(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    title: String,
    due_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<milestones::Model, RepoError> {
    Ok(milestones::ActiveModel {
        id: Set(Uuid::now_v7()),
        idea_id: Set(idea_id),
        title: Set(title),
        due_on: Set(due_on),
        done_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// The milestone with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn lock_milestone(tx: &super::WriteTx, id: Uuid) -> Result<Option<milestones::Model>, RepoError> {
    Ok(super::lock_row::<milestones::Entity>(tx, id).await?)
}

/// The milestone with this id.
pub async fn find_milestone(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<milestones::Model>, RepoError> {
    Ok(milestones::Entity::find_by_id(id).one(db).await?)
}

/// Marks a milestone done, once.
pub async fn complete_milestone(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<milestones::Model, RepoError> {
    let result = milestones::Entity::update_many()
        .col_expr(milestones::Column::DoneAt, Expr::value(now))
        .filter(milestones::Column::Id.eq(id))
        .filter(milestones::Column::DoneAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(RepoError::Conflict(sluss_domain::ConflictReason::MilestoneDone));
    }
    find_milestone(db, id).await?.ok_or(RepoError::NotFound)
}

/// What a test is about to record.
#[derive(Debug, Clone)]
pub struct NewTest {
    /// Where.
    pub site: String,
    /// Who hosts it.
    pub host: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// What success looks like.
    pub success_criteria: String,
    /// The registered organisation that hosts it, if named.
    pub host_organisation_id: Option<Uuid>,
}

/// Records the start of a test.
async fn insert_test(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    test: NewTest,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    idea_tests::ActiveModel {
        idea_id: Set(idea_id),
        id: Set(Some(Uuid::new_v4())),
        site: Set(test.site),
        host: Set(test.host),
        host_organisation_id: Set(test.host_organisation_id),
        starts_on: Set(test.starts_on),
        ends_on: Set(test.ends_on),
        success_criteria: Set(test.success_criteria),
        started_at: Set(now),
        outcome: Set(None),
        results: Set(None),
        lessons_learned: Set(None),
        completed_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records how a test ended.
async fn complete_test(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    outcome: &str,
    results: String,
    lessons_learned: String,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    idea_tests::Entity::update_many()
        .col_expr(idea_tests::Column::Outcome, Expr::value(outcome))
        .col_expr(idea_tests::Column::Results, Expr::value(results))
        .col_expr(idea_tests::Column::LessonsLearned, Expr::value(lessons_learned))
        .col_expr(idea_tests::Column::CompletedAt, Expr::value(now))
        .filter(idea_tests::Column::IdeaId.eq(idea_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The test of an idea.
pub async fn test_of(db: &impl ConnectionTrait, idea_id: Uuid) -> Result<Option<idea_tests::Model>, RepoError> {
    Ok(idea_tests::Entity::find_by_id(idea_id).one(db).await?)
}

/// The test with this id (SPEC §15's `/tests/{id}`).
pub async fn test_by_id(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<idea_tests::Model>, RepoError> {
    Ok(idea_tests::Entity::find()
        .filter(idea_tests::Column::Id.eq(id))
        .one(db)
        .await?)
}

/// The spread activities of an idea, oldest first.
pub async fn spread_of(db: &impl ConnectionTrait, idea_id: Uuid) -> Result<Vec<spread_activities::Model>, RepoError> {
    Ok(spread_activities::Entity::find()
        .filter(spread_activities::Column::IdeaId.eq(idea_id))
        .order_by_asc(spread_activities::Column::Id)
        .all(db)
        .await?)
}

/// Records a spread activity.
pub async fn insert_spread(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    activity: NewSpread,
    now: DateTime<Utc>,
) -> Result<spread_activities::Model, RepoError> {
    let row = spread_activities::ActiveModel {
        id: Set(Uuid::now_v7()),
        idea_id: Set(idea_id),
        kind: Set(activity.kind.to_owned()),
        title: Set(activity.title),
        held_on: Set(activity.held_on),
        notes: Set(activity.notes),
        created_at: Set(now),
    };
    Ok(row.insert(db).await?)
}

/// A spread activity's checked values.
#[derive(Debug, Clone)]
pub struct NewSpread {
    /// Its kind, as stored.
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Notes.
    pub notes: Option<String>,
}

/// Logs an obstacle.
pub async fn insert_obstacle(
    db: &impl ConnectionTrait,
    obstacle: NewObstacle,
    now: DateTime<Utc>,
) -> Result<obstacles::Model, RepoError> {
    let row = obstacles::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject_type: Set(obstacle.subject_type.to_owned()),
        subject_id: Set(obstacle.subject_id),
        category: Set(obstacle.category.to_owned()),
        description: Set(obstacle.description),
        step: Set(obstacle.step),
        reported_by: Set(obstacle.reported_by),
        reported_at: Set(now),
        state: Set(sluss_domain::obstacle::ObstacleState::Logged.as_str().to_owned()),
        version: Set(1),
        raised_to: Set(None),
        brief: Set(None),
        answer: Set(None),
        raised_at: Set(None),
        answered_at: Set(None),
        closed_at: Set(None),
        same_as: Set(None),
    };
    Ok(row.insert(db).await?)
}

/// An obstacle's checked values.
#[derive(Debug, Clone)]
pub struct NewObstacle {
    /// `challenge` or `idea`.
    pub subject_type: &'static str,
    /// What it is about.
    pub subject_id: Uuid,
    /// Its category, as stored.
    pub category: &'static str,
    /// Description.
    pub description: String,
    /// The step of the process (1..5).
    pub step: i16,
    /// Who reported it.
    pub reported_by: Uuid,
}

/// Filters of the obstacle list.
#[derive(Debug, Default, Clone)]
pub struct ObstacleFilter {
    /// Only this category.
    pub category: Option<String>,
    /// Only this step.
    pub step: Option<i16>,
    /// Only about this challenge or idea.
    pub subject_id: Option<Uuid>,
}

/// A page of obstacles, newest first.
pub async fn list_obstacles(
    db: &impl ConnectionTrait,
    filter: &ObstacleFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<obstacles::Model>, RepoError> {
    let mut select = obstacles::Entity::find();
    if let Some(category) = &filter.category {
        select = select.filter(obstacles::Column::Category.eq(category.as_str()));
    }
    if let Some(step) = filter.step {
        select = select.filter(obstacles::Column::Step.eq(step));
    }
    if let Some(subject_id) = filter.subject_id {
        select = select.filter(obstacles::Column::SubjectId.eq(subject_id));
    }
    keyset_page(db, select, obstacles::Column::Id, |o| o.id, after, limit).await
}

/// Obstacle counts grouped by `column` (category or step).
pub async fn count_obstacles_by<T>(
    db: &impl ConnectionTrait,
    column: obstacles::Column,
) -> Result<Vec<(T, i64)>, RepoError>
where
    T: sea_orm::TryGetable,
{
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::ExprTrait;
    Ok(obstacles::Entity::find()
        .select_only()
        .column(column)
        .column_as(Expr::col(obstacles::Column::Id).count(), "n")
        .group_by(column)
        .into_tuple::<(T, i64)>()
        .all(db)
        .await?)
}

/// The obstacle with this id.
pub async fn find_obstacle(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<obstacles::Model>, RepoError> {
    Ok(obstacles::Entity::find_by_id(id).one(db).await?)
}

/// The obstacle with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn lock_obstacle(tx: &super::WriteTx, id: Uuid) -> Result<Option<obstacles::Model>, RepoError> {
    Ok(super::lock_row::<obstacles::Entity>(tx, id).await?)
}

/// Writes a decided change of an obstacle at `version`: its state and the values and time
/// of the step it took.
pub async fn change_obstacle(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    change: ObstacleChange,
    now: DateTime<Utc>,
) -> Result<obstacles::Model, RepoError> {
    let mut changes = obstacles::ActiveModel {
        state: Set(change.to_state().as_str().to_owned()),
        ..Default::default()
    };
    match change {
        ObstacleChange::Raised { raised_to, brief } => {
            changes.raised_to = Set(Some(raised_to));
            changes.brief = Set(Some(brief));
            changes.raised_at = Set(Some(now));
        }
        ObstacleChange::Answered { answer } => {
            changes.answer = Set(Some(answer));
            changes.answered_at = Set(Some(now));
        }
        ObstacleChange::Closed => changes.closed_at = Set(Some(now)),
    }
    let columns = (obstacles::Column::Id, obstacles::Column::Version);
    update_versioned::<obstacles::Entity>(db, id, version, changes, columns, |row| row.version).await
}

/// Links the obstacle `id` (at `version`) as the same issue as `same_as`, or unlinks it;
/// the obstacles linked to it follow it into the new group, so groups stay flat.
pub async fn link_obstacle(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    same_as: Option<Uuid>,
) -> Result<obstacles::Model, RepoError> {
    use sea_orm::sea_query::ExprTrait;
    let changes = obstacles::ActiveModel {
        same_as: Set(same_as),
        ..Default::default()
    };
    let columns = (obstacles::Column::Id, obstacles::Column::Version);
    let row = update_versioned::<obstacles::Entity>(db, id, version, changes, columns, |row| row.version).await?;
    if let Some(first) = same_as {
        obstacles::Entity::update_many()
            .col_expr(obstacles::Column::SameAs, Expr::value(first))
            .col_expr(obstacles::Column::Version, Expr::col(obstacles::Column::Version).add(1))
            .filter(obstacles::Column::SameAs.eq(id))
            .exec(db)
            .await?;
    }
    Ok(row)
}

/// A page of the obstacles raised to a body that can act (raised, answered, or closed
/// after being raised), newest first.
pub async fn list_raised(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<obstacles::Model>, RepoError> {
    let select = obstacles::Entity::find().filter(obstacles::Column::RaisedAt.is_not_null());
    keyset_page(db, select, obstacles::Column::Id, |o| o.id, after, limit).await
}
