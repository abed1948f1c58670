//! Ideas.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Set, TryIntoModel,
};
use sluss_domain::idea::{Idea, IdeaEvent, IdeaState};
use sluss_domain::{Actor, UserId};
use uuid::Uuid;

use super::entities::{assignments, challenges, ideas, team_invitations};
use super::steps::{self, NewTest, StepRecord};
use super::{Deferring, Page, RepoError, keyset_page, stored, update_versioned};

/// The domain state stored on a row.
pub fn state_of(row: &ideas::Model) -> Result<IdeaState, RepoError> {
    stored(IdeaState::parse(&row.state), "ideas.state", &row.state)
}

/// What the rules need of a row.
pub fn to_domain(row: &ideas::Model) -> Result<Idea, RepoError> {
    Ok(Idea {
        innovator_id: UserId(row.innovator_id),
        challenge_owner_id: UserId(row.challenge_owner_id),
        members: super::invitations::member_ids(row)?,
        state: state_of(row)?,
        ever_submitted: row.submitted_at.is_some(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        description: row.description.clone(),
        held_from: row
            .held_from
            .as_deref()
            .map(|held| stored(IdeaState::parse(held), "ideas.held_from", held))
            .transpose()?,
    })
}

/// A new idea's checked values.
#[derive(Debug, Clone)]
pub struct NewIdea {
    /// Its id.
    pub id: Uuid,
    /// The challenge it answers.
    pub challenge: challenges::Model,
    /// Its innovator.
    pub innovator_id: Uuid,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// The team, as stored.
    pub team: String,
    /// UN goals.
    pub sdgs: Vec<u8>,
}

/// Stores a new idea, in draft.
///
/// On SQLite the idea is given back as built (every column is set, and SQLite stores each
/// value as given) and its insert is deferred; PostgreSQL gives back what it stored (it
/// keeps times to the microsecond).
pub async fn insert(db: &impl Deferring, idea: NewIdea, now: DateTime<Utc>) -> Result<ideas::Model, RepoError> {
    let idea = ideas::ActiveModel {
        id: Set(idea.id),
        challenge_id: Set(idea.challenge.id),
        challenge_owner_id: Set(idea.challenge.owner_id),
        blind_assessment: Set(idea.challenge.blind_assessment),
        innovator_id: Set(idea.innovator_id),
        title: Set(idea.title),
        summary: Set(idea.summary),
        description: Set(idea.description),
        team: Set(idea.team),
        sdgs: Set(super::challenges::sdgs_to_stored(&idea.sdgs)),
        state: Set(IdeaState::Draft.as_str().to_owned()),
        version: Set(1),
        submitted_at: Set(None),
        rubric_id: Set(None),
        decision_outcome: Set(None),
        decision_feedback: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        member_ids: Set("[]".to_owned()),
        held_from: Set(None),
    };
    let backend = db.get_database_backend();
    if backend != DbBackend::Sqlite {
        return Ok(idea.insert(db).await?);
    }
    let built = idea.clone().try_into_model()?;
    db.defer(ideas::Entity::insert(idea).build(backend)).await?;
    Ok(built)
}

/// The idea with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn find_for_update(tx: &super::WriteTx, id: Uuid) -> Result<Option<ideas::Model>, RepoError> {
    Ok(super::lock_row::<ideas::Entity>(tx, id).await?)
}

/// The ideas with these ids (those that exist).
pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<ideas::Model>, RepoError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ideas::Entity::find()
        .filter(ideas::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The idea with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<ideas::Model>, RepoError> {
    Ok(ideas::Entity::find_by_id(id).one(db).await?)
}

/// Filters of the idea lists.
#[derive(Debug, Default, Clone)]
pub struct IdeaFilter {
    /// Only this state.
    pub state: Option<IdeaState>,
    /// Only on this challenge.
    pub challenge_id: Option<Uuid>,
    /// Only the viewer's own.
    pub mine: bool,
    /// Only on challenges in this arena.
    pub arena_id: Option<Uuid>,
    /// Only with every one of these words (as prefixes) in title, summary or description.
    pub words: Option<Vec<String>>,
}

/// A page of the ideas `viewer` may see, newest first: all for facilitators; otherwise
/// their own, the submitted ideas on challenges they own, and those assigned to them.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Actor,
    filter: &IdeaFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<ideas::Model>, RepoError> {
    let me = viewer.id.as_uuid();
    let mut select = ideas::Entity::find();
    // The ideas `me` writes: as innovator or as an accepted team member.
    let authored = || {
        Condition::any().add(ideas::Column::InnovatorId.eq(me)).add(
            ideas::Column::Id.in_subquery(
                Query::select()
                    .column(team_invitations::Column::IdeaId)
                    .from(team_invitations::Entity)
                    .and_where(team_invitations::Column::UserId.eq(me))
                    .and_where(team_invitations::Column::Status.eq(super::invitations::Status::Accepted.as_str()))
                    .to_owned(),
            ),
        )
    };
    if filter.mine {
        select = select.filter(authored());
    } else if !viewer.is_facilitator() {
        select = select.filter(
            Condition::any()
                .add(authored())
                .add(
                    Condition::all()
                        .add(ideas::Column::ChallengeOwnerId.eq(me))
                        .add(ideas::Column::SubmittedAt.is_not_null()),
                )
                .add(
                    ideas::Column::Id.in_subquery(
                        Query::select()
                            .column(assignments::Column::IdeaId)
                            .from(assignments::Entity)
                            .and_where(assignments::Column::AssessorId.eq(me))
                            .to_owned(),
                    ),
                ),
        );
    }
    if let Some(state) = filter.state {
        select = select.filter(ideas::Column::State.eq(state.as_str()));
    }
    if let Some(challenge_id) = filter.challenge_id {
        select = select.filter(ideas::Column::ChallengeId.eq(challenge_id));
    }
    if let Some(arena_id) = filter.arena_id {
        select = select.filter(
            ideas::Column::ChallengeId.in_subquery(
                Query::select()
                    .column(challenges::Column::Id)
                    .from(challenges::Entity)
                    .and_where(challenges::Column::ArenaId.eq(arena_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(words) = filter.words.as_deref() {
        select = select.filter(super::challenges::text_search_in(
            db.get_database_backend(),
            &super::challenges::IDEA_INDEX,
            words,
        ));
    }
    keyset_page(db, select, ideas::Column::Id, |i| i.id, after, limit).await
}

/// How many submitted (not draft) ideas each challenge of `owner_id` has in each state.
pub async fn counts_by_challenge_of_owner(
    db: &impl ConnectionTrait,
    owner_id: Uuid,
) -> Result<Vec<(Uuid, String, u64)>, RepoError> {
    let rows: Vec<(Uuid, String, i64)> = ideas::Entity::find()
        .select_only()
        .column(ideas::Column::ChallengeId)
        .column(ideas::Column::State)
        .column_as(ideas::Column::Id.count(), "count")
        .filter(ideas::Column::ChallengeOwnerId.eq(owner_id))
        .filter(ideas::Column::SubmittedAt.is_not_null())
        .group_by(ideas::Column::ChallengeId)
        .group_by(ideas::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(challenge, state, count)| (challenge, state, u64::try_from(count).unwrap_or(0)))
        .collect())
}

/// The titles of the ideas `ids` (those that exist).
pub async fn titles_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, RepoError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(ideas::Entity::find()
        .select_only()
        .column(ideas::Column::Id)
        .column(ideas::Column::Title)
        .filter(ideas::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// An edit of a draft idea's content, checked: only the fields given change.
#[derive(Debug, Clone, Default)]
pub struct IdeaEdit {
    /// Title.
    pub title: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The whole team, as stored.
    pub team: Option<String>,
    /// UN goals.
    pub sdgs: Option<Vec<u8>>,
}

impl IdeaEdit {
    /// The names of the fields it changes, in the order of the form.
    pub fn fields(&self) -> Vec<&'static str> {
        super::changed_fields([
            ("title", self.title.is_some()),
            ("summary", self.summary.is_some()),
            ("description", self.description.is_some()),
            ("team", self.team.is_some()),
            ("sdgs", self.sdgs.is_some()),
        ])
    }
}

/// Writes `edit` to `row` if it still has its version, bumping it.
pub async fn edit(
    db: &impl ConnectionTrait,
    row: &ideas::Model,
    edit: IdeaEdit,
    now: DateTime<Utc>,
) -> Result<ideas::Model, RepoError> {
    let changes = ideas::ActiveModel {
        title: edit.title.map_or(NotSet, Set),
        summary: edit.summary.map_or(NotSet, Set),
        description: edit.description.map_or(NotSet, Set),
        team: edit.team.map_or(NotSet, Set),
        sdgs: edit
            .sdgs
            .map_or(NotSet, |goals| Set(super::challenges::sdgs_to_stored(&goals))),
        updated_at: Set(now),
        ..Default::default()
    };
    update(db, row.id, row.version, changes).await
}

/// Writes the accepted team members `member_ids` (stored form) to `row`, bumping its
/// version: the idea's team answers changed.
pub async fn set_members(
    db: &impl ConnectionTrait,
    row: &ideas::Model,
    member_ids: String,
) -> Result<ideas::Model, RepoError> {
    let changes = ideas::ActiveModel {
        member_ids: Set(member_ids),
        ..Default::default()
    };
    update(db, row.id, row.version, changes).await
}

/// Writes the accepted `events` to `row`, which they bring to the state `to`, if it still
/// has its version (bumping it), and to the records steps 4 and 5 keep beside it.
pub async fn apply(
    db: &impl ConnectionTrait,
    row: &ideas::Model,
    events: &[IdeaEvent],
    to: IdeaState,
    now: DateTime<Utc>,
) -> Result<ideas::Model, RepoError> {
    let mut changes = ideas::ActiveModel {
        state: Set(to.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    // Each event's columns of the idea, and the record of steps 4 and 5 it starts or ends.
    let mut records = Vec::new();
    for event in events {
        match event {
            IdeaEvent::Submitted => {
                if row.submitted_at.is_none() {
                    changes.submitted_at = Set(Some(now));
                }
            }
            IdeaEvent::AssessmentStarted { rubric_id } => changes.rubric_id = Set(Some(*rubric_id)),
            IdeaEvent::Decided { outcome, feedback } => {
                changes.decision_outcome = Set(Some(outcome.as_str().to_owned()));
                changes.decision_feedback = Set(Some(feedback.clone()));
                changes.decided_at = Set(Some(now));
            }
            IdeaEvent::IncubationStarted {
                support_organisation_id,
                plan,
            } => records.push(StepRecord::Incubation {
                support_organisation_id: *support_organisation_id,
                plan: plan.clone(),
            }),
            IdeaEvent::TestingStarted {
                site,
                host,
                host_organisation_id,
                starts_on,
                ends_on,
                success_criteria,
            } => records.push(StepRecord::Test(NewTest {
                site: site.clone(),
                host: host.clone(),
                host_organisation_id: *host_organisation_id,
                starts_on: *starts_on,
                ends_on: *ends_on,
                success_criteria: success_criteria.clone(),
            })),
            IdeaEvent::Completed {
                outcome,
                results,
                lessons_learned,
            } => records.push(StepRecord::Completion {
                outcome: outcome.as_str(),
                results: results.clone(),
                lessons_learned: lessons_learned.clone(),
            }),
            IdeaEvent::PutOnHold { held_from, .. } => changes.held_from = Set(Some(held_from.as_str().to_owned())),
            IdeaEvent::Resumed { .. } | IdeaEvent::Discontinued { .. } | IdeaEvent::Withdrawn { .. } => {
                changes.held_from = Set(None);
            }
        }
    }
    let updated = update(db, row.id, row.version, changes).await?;
    for record in records {
        steps::write(db, row.id, record, now).await?;
    }
    Ok(updated)
}

/// Writes the fields set on `changes` if the row still has `version`, bumping it.
async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    changes: ideas::ActiveModel,
) -> Result<ideas::Model, RepoError> {
    let columns = (ideas::Column::Id, ideas::Column::Version);
    update_versioned::<ideas::Entity>(db, id, version, changes, columns, |row| row.version).await
}

/// The ideas of a challenge that were ever submitted (for rankings).
pub async fn submitted_on(db: &impl ConnectionTrait, challenge_id: Uuid) -> Result<Vec<ideas::Model>, RepoError> {
    Ok(ideas::Entity::find()
        .filter(ideas::Column::ChallengeId.eq(challenge_id))
        .filter(ideas::Column::SubmittedAt.is_not_null())
        .all(db)
        .await?)
}
