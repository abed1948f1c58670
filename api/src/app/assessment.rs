//! Step 3, assessment: rubrics, assignments, conflicts of interest, scorecards, summaries
//! and the ranking of a challenge's ideas. The commands that move an idea into and out of
//! assessment (`start-assessment`, `decide`) are in [`ideas`](super::ideas).

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use sluss_domain::assessment::{
    self as rules, Affiliation, AssignmentState, Candidate, Criterion, Rubric, ScoreAccess,
};
use sluss_domain::challenge as challenge_rules;
use sluss_domain::event::IdeaEventKind;
use sluss_domain::idea::IdeaState;
use sluss_domain::notify as notify_rules;
use sluss_domain::{Actor, ConflictReason, FieldProblem, ForbiddenReason, Role, UserId};
use uuid::Uuid;

use super::ideas::load_visible_idea;
use super::journal::{self, Subject};
use super::{Expected, check_version, page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::entities::{
    assignments as assignment_rows, ideas as idea_rows, scorecards as scorecard_rows, users as user_rows,
};
use crate::persistence::written::Tables;
use crate::persistence::{WriteTx, assessment as repo, challenges, ideas, organisations, users};
use crate::state::AppState;
use crate::views::assessment::{
    ApiRubric, AssessmentSummary, Assignment, AssignmentPage, CriterionStats, Ranking, RankingItem, RubricPage,
    Scorecard,
};

/// A criterion of a new or replaced rubric.
#[derive(Debug, Clone, Default)]
pub struct NewCriterion {
    /// Stable key (snake_case: a-z, 0-9, _).
    pub key: String,
    /// Name.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Relative weight (> 0).
    pub weight: f64,
    /// Lowest score (default 1).
    pub scale_min: Option<i64>,
    /// Highest score (default 5).
    pub scale_max: Option<i64>,
    /// What the scores mean, by score.
    pub scale_labels: BTreeMap<String, String>,
}

/// A new rubric, or the new content of one.
#[derive(Debug, Clone, Default)]
pub struct RubricInput {
    /// Name.
    pub name: String,
    /// Scorecards needed before a decision (default 2).
    pub min_scorecards: Option<u32>,
    /// Make it the default rubric (only on create).
    pub is_default: bool,
    /// The criteria (1..30).
    pub criteria: Vec<NewCriterion>,
}

impl RubricInput {
    fn to_rubric(&self) -> Rubric {
        Rubric {
            name: self.name.clone(),
            min_scorecards: self.min_scorecards.unwrap_or(2),
            criteria: self
                .criteria
                .iter()
                .map(|c| Criterion {
                    key: c.key.trim().to_owned(),
                    name: c.name.trim().to_owned(),
                    description: c.description.trim().to_owned(),
                    weight: c.weight,
                    scale_min: c.scale_min.unwrap_or(1),
                    scale_max: c.scale_max.unwrap_or(5),
                    scale_labels: c
                        .scale_labels
                        .iter()
                        .map(|(score, text)| (score.trim().to_owned(), text.trim().to_owned()))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// An assessor's scores of an idea.
#[derive(Debug, Clone, Default)]
pub struct ScorecardInput {
    /// Criterion key → integer score within the criterion's scale; every criterion.
    pub scores: BTreeMap<String, i64>,
    /// A comment (required).
    pub comment: String,
}

/// Scores of each scorecard in criterion order (criteria missing from a stored card count as absent).
fn ordered_scores(rubric: &Rubric, cards: &[scorecard_rows::Model]) -> Result<Vec<Vec<i64>>, ApiError> {
    cards
        .iter()
        .map(|card| {
            let scores = repo::scores_of(card)?;
            Ok(rubric
                .criteria
                .iter()
                .filter_map(|c| scores.get(&c.key).copied())
                .collect())
        })
        .collect()
}

fn idea_state(row: &idea_rows::Model) -> Result<IdeaState, ApiError> {
    Ok(ideas::state_of(row)?)
}

fn open_for_assessment(state: IdeaState) -> bool {
    matches!(state, IdeaState::Submitted | IdeaState::InAssessment)
}

/// On PostgreSQL, holds the idea's row until commit, as the idea's own commands do, so
/// that the events of one idea, and the webhook deliveries written with them, are written
/// one transaction at a time, in order (ADR 0016). Taken first, before any row that
/// refers to the idea, so that every writer of an idea takes its locks in the same order.
/// SQLite admits one writer at a time anyway.
pub(super) async fn hold_idea(tx: &WriteTx, idea_id: Uuid) -> Result<(), ApiError> {
    use sea_orm::ConnectionTrait;
    if tx.get_database_backend() == sea_orm::DbBackend::Postgres {
        ideas::find_for_update(tx, idea_id).await?;
    }
    Ok(())
}

/// Journals an assessment event of the idea (its state does not change) about the
/// assessor of `assignment`.
async fn record(
    state: &AppState,
    tx: &WriteTx,
    idea: &idea_rows::Model,
    kind: IdeaEventKind,
    actor: &Actor,
    assignment: &assignment_rows::Model,
) -> Result<(), ApiError> {
    journal::record(state, tx, entry(idea, kind, actor, assignment)?).await
}

/// The journal entry of an assessment event.
fn entry<'a>(
    idea: &'a idea_rows::Model,
    kind: IdeaEventKind,
    actor: &Actor,
    assignment: &assignment_rows::Model,
) -> Result<journal::Entry<'a>, ApiError> {
    let current = idea_state(idea)?.as_str();
    let subject = Subject::Idea {
        kind,
        row: idea,
        assessor: Some(assignment.assessor_id),
    };
    let payload = serde_json::json!({ "assignment_id": assignment.id, "assessor_id": assignment.assessor_id });
    Ok(journal::Entry::new(
        subject,
        (Some(current), current),
        actor.id,
        Utc::now(),
        payload,
    ))
}

/// Loads an assignment its assessor or a facilitator may see (404 otherwise).
async fn visible_assignment(state: &AppState, id: Uuid, actor: &Actor) -> Result<assignment_rows::Model, ApiError> {
    let row = repo::find_assignment(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !(actor.is_facilitator() || row.assessor_id == actor.id.as_uuid()) {
        return Err(ApiError::not_found());
    }
    Ok(row)
}

/// Rubrics, for anyone signed in: the criteria are public to the panel and the applicants.
pub async fn list_rubrics(
    state: &AppState,
    _actor: &Actor,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<RubricPage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let page = repo::list_rubrics(&state.db, after, limit).await?;
    Ok(to_list_page(page, ApiRubric::from_row)?.into())
}

/// The rubrics an assessment may start with, the default one first, as (id, name)
/// (facilitators). Kept until a write to the other tables, where rubrics are, as every
/// submitted idea's page offers the same.
pub async fn rubric_choices(state: &AppState, actor: &Actor) -> Result<Arc<Vec<(Uuid, String)>>, ApiError> {
    rules::authorize_facilitator(actor)?;
    let read = async {
        let mut rubrics = repo::list_rubrics(&state.db, None, RUBRIC_CHOICES).await?.items;
        rubrics.sort_by_key(|rubric| !rubric.is_default);
        Ok(Arc::new(
            rubrics.into_iter().map(|rubric| (rubric.id, rubric.name)).collect(),
        ))
    };
    state
        .reads
        .value("rubric choices".to_owned(), Tables::OTHER, read)
        .await
}

/// The most rubrics an assessment is offered to start with.
const RUBRIC_CHOICES: u64 = 200;

/// Creates a rubric (facilitators).
pub async fn create_rubric(state: &AppState, actor: &Actor, input: RubricInput) -> Result<ApiRubric, ApiError> {
    rules::authorize_facilitator(actor)?;
    let rubric = input.to_rubric();
    rules::check_rubric(&rubric)?;
    let tx = state.begin_write().await?;
    let row = repo::insert_rubric(&tx, &rubric, input.is_default, Utc::now()).await?;
    tx.commit().await?;
    ApiRubric::from_row(row)
}

/// Which of `ids` are rubrics some idea is assessed with: their content can no longer
/// change, so the registry shows them read-only.
pub async fn rubrics_in_use(state: &AppState, ids: &[Uuid]) -> Result<Vec<Uuid>, ApiError> {
    Ok(repo::rubrics_in_use(&state.db, ids).await?)
}

/// One rubric, for anyone signed in.
pub async fn get_rubric(state: &AppState, _actor: &Actor, id: Uuid) -> Result<ApiRubric, ApiError> {
    let row = repo::find_rubric(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    ApiRubric::from_row(row)
}

/// Replaces a rubric's name, criteria and `min_scorecards` while no idea uses it
/// (facilitators); `is_default` is left as it was.
pub async fn update_rubric(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: RubricInput,
    expected: Option<Expected>,
) -> Result<ApiRubric, ApiError> {
    let tx = state.begin_write().await?;
    let row = repo::lock_rubric(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    rules::authorize_facilitator(actor)?;
    let rubric = input.to_rubric();
    rules::check_rubric(&rubric)?;
    if repo::rubric_in_use(&tx, id).await? {
        return Err(ApiError::conflict(ConflictReason::RubricInUse));
    }
    check_version(expected, row.version)?;
    let updated = repo::update_rubric(&tx, id, row.version, &rubric, Utc::now()).await?;
    tx.commit().await?;
    ApiRubric::from_row(updated)
}

/// The name of a person's organisation as the conflict rule reads it: the registry's
/// name where they chose a registered organisation (the free text may be older than a
/// rename), else what they typed.
async fn organisation_name(tx: &WriteTx, user: &user_rows::Model) -> Result<Option<String>, ApiError> {
    if let Some(id) = user.organisation_id
        && let Some(registered) = organisations::find(tx, id).await?
    {
        return Ok(Some(registered.name));
    }
    Ok(user.organisation.clone())
}

/// The organisations of the accepted team members of `idea` (SPEC §19: the account's
/// organisation, else the one its team entry names).
async fn member_organisations(
    tx: &WriteTx,
    idea: &crate::persistence::entities::ideas::Model,
) -> Result<Vec<(Option<Uuid>, Option<String>)>, ApiError> {
    let team: Vec<crate::views::ideas::TeamMember> = serde_json::from_str(&idea.team).unwrap_or_default();
    let ids: Vec<Uuid> = crate::persistence::invitations::member_ids(idea)?
        .iter()
        .map(UserId::as_uuid)
        .collect();
    let mut organisations = Vec::new();
    for member in users::find_many(tx, &ids).await? {
        let entry = team
            .iter()
            .find(|entry| crate::persistence::invitations::email_key(&entry.email) == member.email)
            .and_then(|entry| entry.organisation_id);
        let name = organisation_name(tx, &member).await?;
        organisations.push((member.organisation_id.or(entry), name));
    }
    Ok(organisations)
}

/// Assigns an assessor to a submitted or in-assessment idea (facilitators). Refused (422)
/// for the idea's innovator, the challenge's needs-owner, a colleague of the innovator's
/// organisation or of the organisation behind the challenge, or a user without the
/// assessor role.
pub async fn assign_assessor(
    state: &AppState,
    actor: &Actor,
    idea_id: Uuid,
    assessor_id: Uuid,
    due_on: Option<NaiveDate>,
) -> Result<Assignment, ApiError> {
    let now = Utc::now();
    let tx = state.begin_write().await?;
    hold_idea(&tx, idea_id).await?;
    let (idea, _) = load_visible_idea(&tx, idea_id, actor).await?;
    rules::authorize_facilitator(actor)?;
    sluss_domain::deadline::check_due_on(due_on, super::deadlines::today(now))?;
    let candidate = users::find(&tx, assessor_id)
        .await?
        .ok_or_else(|| ApiError::invalid("assessor_id", FieldProblem::NoSuchUser))?;
    let innovator = users::find(&tx, idea.innovator_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let candidate_roles = users::roles_of(&candidate)?;
    let candidate_organisation = organisation_name(&tx, &candidate).await?;
    let innovator_organisation = organisation_name(&tx, &innovator).await?;
    let challenge_organisation = match challenges::find(&tx, idea.challenge_id)
        .await?
        .and_then(|c| c.organisation_id)
    {
        Some(id) => organisations::find(&tx, id)
            .await?
            .map(|registered| (id, registered.name)),
        None => None,
    };
    rules::check_assignment(
        &Candidate {
            id: UserId(candidate.id),
            is_assessor: candidate_roles.contains(Role::Assessor),
            active: candidate.active,
            organisation: Affiliation {
                id: candidate.organisation_id,
                name: candidate_organisation.as_deref(),
            },
        },
        UserId(idea.innovator_id),
        Affiliation {
            id: innovator.organisation_id,
            name: innovator_organisation.as_deref(),
        },
        UserId(idea.challenge_owner_id),
        Affiliation {
            id: challenge_organisation.as_ref().map(|(id, _)| *id),
            name: challenge_organisation.as_ref().map(|(_, name)| name.as_str()),
        },
    )?;
    let members = member_organisations(&tx, &idea).await?;
    let member_affiliations: Vec<Affiliation<'_>> = members
        .iter()
        .map(|(id, name)| Affiliation {
            id: *id,
            name: name.as_deref(),
        })
        .collect();
    rules::check_team_conflict(
        &Candidate {
            id: UserId(candidate.id),
            is_assessor: candidate_roles.contains(Role::Assessor),
            active: candidate.active,
            organisation: Affiliation {
                id: candidate.organisation_id,
                name: candidate_organisation.as_deref(),
            },
        },
        &member_affiliations,
    )?;
    let current = idea_state(&idea)?;
    if !open_for_assessment(current) {
        return Err(ApiError::conflict(ConflictReason::AssigningOutsideAssessment {
            state: current,
        }));
    }
    let row = repo::insert_assignment(&tx, idea.id, candidate.id, due_on, now).await?;
    record(state, &tx, &idea, IdeaEventKind::Assign, actor, &row).await?;
    tx.commit().await?;
    Assignment::from_row(row)
}

/// Assignments: an assessor's own queue; every assignment for facilitators.
pub async fn list_assignments(
    state: &AppState,
    actor: &Actor,
    idea_id: Option<Uuid>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<AssignmentPage, ApiError> {
    let assessor = if actor.is_facilitator() {
        None
    } else if actor.has(Role::Assessor) {
        Some(actor.id.as_uuid())
    } else {
        return Err(ApiError::forbidden(ForbiddenReason::AssignmentsAreForAssessors));
    };
    let (limit, after) = page_request(limit, cursor)?;
    let page = repo::list_assignments(&state.db, assessor, idea_id, after, limit).await?;
    Ok(to_list_page(page, Assignment::from_row)?.into())
}

/// A page of the queue of `/assignments`: the caller's assignments (every one for a
/// facilitator), newest first, each with its idea's title, and the cursor of the next page.
pub async fn assignment_queue(
    state: &AppState,
    actor: &Actor,
    limit: u32,
    cursor: Option<&str>,
) -> Result<(Vec<(Assignment, String)>, Option<String>), ApiError> {
    let page = list_assignments(state, actor, None, Some(limit), cursor).await?;
    let ids: Vec<Uuid> = page.items.iter().map(|a| a.idea_id).collect();
    let mut titles = ideas::titles_of(&state.db, &ids).await?;
    let items = page
        .items
        .into_iter()
        .map(|assignment| {
            let title = titles.remove(&assignment.idea_id).unwrap_or_default();
            (assignment, title)
        })
        .collect();
    Ok((items, page.next_cursor))
}

/// Declares a conflict of interest on one's own assignment; it then cannot score.
pub async fn declare_conflict(
    state: &AppState,
    actor: &Actor,
    assignment_id: Uuid,
    reason: String,
    expected: Option<Expected>,
) -> Result<Assignment, ApiError> {
    let row = visible_assignment(state, assignment_id, actor).await?;
    let tx = state.begin_write().await?;
    hold_idea(&tx, row.idea_id).await?;
    let row = repo::lock_assignment(&tx, row.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let to = rules::decide_declare_conflict(repo::assignment_state(&row)?, UserId(row.assessor_id), actor, &reason)?;
    check_version(expected, row.version)?;
    let updated = repo::set_assignment_state(&tx, &row, to, Some(reason.trim().to_owned()), Utc::now()).await?;
    let idea = ideas::find(&tx, row.idea_id).await?.ok_or_else(ApiError::not_found)?;
    record(state, &tx, &idea, IdeaEventKind::DeclareConflict, actor, &row).await?;
    tx.commit().await?;
    Assignment::from_row(updated)
}

/// Removes an assignment before the decision; its scorecard goes with it (facilitators).
/// Of concurrent removals of one assignment the first removes it and writes the event;
/// the others, reading it again once the idea is theirs, find it gone (404).
pub async fn delete_assignment(state: &AppState, actor: &Actor, assignment_id: Uuid) -> Result<(), ApiError> {
    let row = visible_assignment(state, assignment_id, actor).await?;
    rules::authorize_facilitator(actor)?;
    let tx = state.begin_write().await?;
    hold_idea(&tx, row.idea_id).await?;
    let row = repo::lock_assignment(&tx, row.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let idea = ideas::find(&tx, row.idea_id).await?.ok_or_else(ApiError::not_found)?;
    if !open_for_assessment(idea_state(&idea)?) {
        return Err(ApiError::conflict(ConflictReason::AssessmentLocked));
    }
    repo::delete_assignment(&tx, row.id).await?;
    record(state, &tx, &idea, IdeaEventKind::Unassign, actor, &row).await?;
    tx.commit().await?;
    Ok(())
}

/// Submits or revises one's own scorecard while the idea is in assessment.
pub async fn put_scorecard(
    state: &AppState,
    actor: &Actor,
    idea_id: Uuid,
    input: ScorecardInput,
) -> Result<Scorecard, ApiError> {
    let tx = state.begin_write().await?;
    hold_idea(&tx, idea_id).await?;
    let (idea, viewer) = load_visible_idea(&tx, idea_id, actor).await?;
    let Some(assignment) = viewer.assignment else {
        return Err(ApiError::forbidden(ForbiddenReason::OnlyAssignedAssessorsScore));
    };
    let rubric_row = match idea.rubric_id {
        Some(rubric_id) => repo::find_rubric(&tx, rubric_id).await?,
        None => None,
    };
    let current = idea_state(&idea)?;
    let (Some(rubric_row), IdeaState::InAssessment) = (rubric_row, current) else {
        return Err(ApiError::conflict(ConflictReason::ScoringOutsideAssessment {
            state: current,
        }));
    };
    let rubric = repo::rubric_of(&rubric_row)?;
    rules::check_scorecard(&rubric, &input.scores, &input.comment)?;
    if repo::assignment_state(&assignment)? == AssignmentState::ConflictDeclared {
        return Err(ApiError::conflict(ConflictReason::ConflictDeclared));
    }
    let now = Utc::now();
    let revision = repo::assignment_state(&assignment)? == AssignmentState::Submitted;
    // The idea is held (its row locked on PostgreSQL; SQLite's writers take turns), so
    // concurrent PUTs of one scorecard run one after the other, each on the assignment as
    // the one before left it. The writes wait and go with the next read, in one round trip.
    let comment = input.comment.trim().to_owned();
    repo::defer_submitted_scorecard(&tx, &assignment, &input.scores, comment, now).await?;
    let cards = repo::scorecards_for(&tx, idea.id).await?;
    let after = u32::try_from(cards.len()).unwrap_or(u32::MAX);
    let card = cards
        .into_iter()
        .find(|card| card.assignment_id == assignment.id)
        .ok_or_else(|| ApiError::internal(&"the scorecard just stored is missing"))?;
    let before = if revision { after } else { after.saturating_sub(1) };
    let required = u32::try_from(rubric_row.min_scorecards).unwrap_or(u32::MAX);
    let scored = entry(&idea, IdeaEventKind::Score, actor, &assignment)?;
    let scored = if notify_rules::completes_panel(before, after, required) {
        scored
    } else {
        scored.told_to_nobody()
    };
    journal::record(state, &tx, scored).await?;
    tx.commit().await?;
    Scorecard::from_row(card)
}

/// The scorecards of an idea: all for facilitators and for assessors whose own is in;
/// only their own for assessors who have not scored yet; never for innovators or needs-owners.
pub async fn list_scorecards(state: &AppState, actor: &Actor, idea_id: Uuid) -> Result<Vec<Scorecard>, ApiError> {
    let (idea, viewer) = load_visible_idea(&state.db, idea_id, actor).await?;
    let access = rules::score_access(actor, viewer.assignment_state()?)?;
    let me = actor.id.as_uuid();
    repo::scorecards_for(&state.db, idea.id)
        .await?
        .into_iter()
        .filter(|card| access == ScoreAccess::All || card.assessor_id == me)
        .map(Scorecard::from_row)
        .collect()
}

/// The summary of an idea's assessment (facilitators, and assessors whose own scorecard is in).
pub async fn summary(state: &AppState, actor: &Actor, idea_id: Uuid) -> Result<AssessmentSummary, ApiError> {
    let (idea, viewer) = load_visible_idea(&state.db, idea_id, actor).await?;
    if rules::score_access(actor, viewer.assignment_state()?)? != ScoreAccess::All {
        return Err(ApiError::forbidden(ForbiddenReason::OwnScorecardFirst));
    }
    let Some(rubric_id) = idea.rubric_id else {
        return Err(ApiError::conflict(ConflictReason::AssessmentNotStarted));
    };
    let rubric_row = repo::find_rubric(&state.db, rubric_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rubric = repo::rubric_of(&rubric_row)?;
    let cards = repo::scorecards_for(&state.db, idea.id).await?;
    let summary = rules::summarise(&rubric, &ordered_scores(&rubric, &cards)?);
    Ok(AssessmentSummary {
        idea_id: idea.id,
        rubric_id,
        weighted_score: summary.weighted_score,
        scorecards_submitted: u32::try_from(summary.scorecards).unwrap_or(u32::MAX),
        scorecards_required: rubric.min_scorecards,
        criteria: summary
            .criteria
            .into_iter()
            .map(|c| CriterionStats {
                key: c.key,
                mean: c.mean,
                min: c.min,
                max: c.max,
                std_dev: c.std_dev,
            })
            .collect(),
        disagreement: summary.disagreement,
    })
}

/// A challenge's submitted ideas ordered by weighted score, best first, unscored last
/// (facilitators).
pub async fn ranking(state: &AppState, actor: &Actor, challenge_id: Uuid) -> Result<Ranking, ApiError> {
    let challenge = challenges::find(&state.db, challenge_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !challenge_rules::can_view(&challenges::to_domain(&challenge)?, Some(actor)) {
        return Err(ApiError::not_found());
    }
    rules::authorize_facilitator(actor)?;
    let submitted = ideas::submitted_on(&state.db, challenge_id).await?;
    let ids: Vec<Uuid> = submitted.iter().map(|i| i.id).collect();
    let mut cards_by_idea: HashMap<Uuid, Vec<_>> = HashMap::new();
    for card in repo::scorecards_for_ideas(&state.db, &ids).await? {
        cards_by_idea.entry(card.idea_id).or_default().push(card);
    }
    let mut rubrics: HashMap<Uuid, Rubric> = HashMap::new();
    let mut items = Vec::with_capacity(submitted.len());
    for idea in submitted {
        let cards = cards_by_idea.remove(&idea.id).unwrap_or_default();
        let weighted_score = match idea.rubric_id {
            Some(rubric_id) => {
                let rubric = rubric_once(state, &mut rubrics, rubric_id).await?;
                rules::summarise(rubric, &ordered_scores(rubric, &cards)?).weighted_score
            }
            None => None,
        };
        items.push(RankingItem {
            idea_id: idea.id,
            state: idea_state(&idea)?.into(),
            title: idea.title,
            weighted_score,
            scorecards_submitted: u32::try_from(cards.len()).unwrap_or(u32::MAX),
        });
    }
    items.sort_by(|a, b| {
        b.weighted_score
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.weighted_score.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.title.cmp(&b.title))
    });
    Ok(Ranking { items })
}

/// The rubric `id`, read from the database the first time a listing needs it.
async fn rubric_once<'a>(
    state: &AppState,
    rubrics: &'a mut HashMap<Uuid, Rubric>,
    id: Uuid,
) -> Result<&'a Rubric, ApiError> {
    Ok(match rubrics.entry(id) {
        Entry::Occupied(entry) => entry.into_mut(),
        Entry::Vacant(entry) => {
            let row = repo::find_rubric(&state.db, id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            entry.insert(repo::rubric_of(&row)?)
        }
    })
}

/// The newest `limit` ideas in assessment, in two queues of the facilitators' work: those
/// whose panel has handed in every scorecard their rubric requires, so the team can decide
/// them, each with its weighted score; and those still waiting for scorecards, each with
/// how many its rubric requires.
pub async fn assessment_queues(
    state: &AppState,
    actor: &Actor,
    limit: u64,
) -> Result<(Vec<RankingItem>, Vec<(RankingItem, u32)>), ApiError> {
    rules::authorize_facilitator(actor)?;
    let filter = ideas::IdeaFilter {
        state: Some(IdeaState::InAssessment),
        ..ideas::IdeaFilter::default()
    };
    let in_assessment = ideas::list(&state.db, actor, &filter, None, limit).await?.items;
    let ids: Vec<Uuid> = in_assessment.iter().map(|i| i.id).collect();
    let mut cards_by_idea: HashMap<Uuid, Vec<_>> = HashMap::new();
    for card in repo::scorecards_for_ideas(&state.db, &ids).await? {
        cards_by_idea.entry(card.idea_id).or_default().push(card);
    }
    let mut rubrics: HashMap<Uuid, Rubric> = HashMap::new();
    let (mut ready, mut scoring) = (Vec::new(), Vec::new());
    for idea in in_assessment {
        let Some(rubric_id) = idea.rubric_id else {
            continue;
        };
        let cards = cards_by_idea.remove(&idea.id).unwrap_or_default();
        let rubric = rubric_once(state, &mut rubrics, rubric_id).await?;
        let submitted = u32::try_from(cards.len()).unwrap_or(u32::MAX);
        let item = RankingItem {
            idea_id: idea.id,
            state: idea_state(&idea)?.into(),
            weighted_score: rules::summarise(rubric, &ordered_scores(rubric, &cards)?).weighted_score,
            title: idea.title,
            scorecards_submitted: submitted,
        };
        if submitted < rubric.min_scorecards {
            scoring.push((item, rubric.min_scorecards));
        } else {
            ready.push(item);
        }
    }
    Ok((ready, scoring))
}

/// What an assessor's scorecard page shows: the rubric the idea is assessed against, the
/// assessor's assignment, and their own scorecard so far.
#[derive(Debug, Clone)]
pub struct ScorecardSheet {
    /// The idea's rubric.
    pub rubric: ApiRubric,
    /// The caller's assignment to the idea.
    pub assignment: Assignment,
    /// The caller's scorecard, once saved.
    pub own: Option<Scorecard>,
}

/// The scorecard sheet of `idea_id` for the assessor `actor` (403 for anyone not assigned;
/// 409 before the assessment has started).
pub async fn scorecard_sheet(state: &AppState, actor: &Actor, idea_id: Uuid) -> Result<ScorecardSheet, ApiError> {
    let (idea, viewer) = load_visible_idea(&state.db, idea_id, actor).await?;
    let Some(assignment) = viewer.assignment else {
        return Err(ApiError::forbidden(ForbiddenReason::OnlyAssignedAssessorsScore));
    };
    let Some(rubric_id) = idea.rubric_id else {
        return Err(ApiError::conflict(ConflictReason::AssessmentNotStarted));
    };
    let rubric = repo::find_rubric(&state.db, rubric_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let me = actor.id.as_uuid();
    let own = repo::scorecards_for(&state.db, idea.id)
        .await?
        .into_iter()
        .find(|card| card.assessor_id == me)
        .map(Scorecard::from_row)
        .transpose()?;
    Ok(ScorecardSheet {
        rubric: ApiRubric::from_row(rubric)?,
        assignment: Assignment::from_row(assignment)?,
        own,
    })
}
