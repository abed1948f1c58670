//! Step 2 on: innovators' ideas, their commands through assessment, incubation and
//! testing, and their history.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sluss_domain::assessment::{self as assessment_rules, AssignmentState, ScoreAccess};
use sluss_domain::challenge::{self as challenge_rules};
use sluss_domain::event::IdeaEventKind;
use sluss_domain::history::{IdeaAudience, idea_audience};
use sluss_domain::idea::{self as rules, IdeaCommand, IdeaCommandKind, IdeaEvent, IdeaFacts, IdeaState, Reference};
use sluss_domain::validate::{Checks, DESCRIPTION_MAX, SUMMARY_MAX, TITLE_MAX};
use sluss_domain::{Actor, Refusal, Role};
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use super::runner::{self, Aggregate};
use super::{Expected, check_version, page_request, payload_of, to_list_page};
use crate::error::ApiError;
use crate::persistence::entities::{assignments, ideas as rows};
use crate::persistence::ideas::{self as repo, IdeaFilter};
use crate::persistence::{WriteTx, assessment, challenges, events, organisations, steps};
use crate::state::AppState;
use crate::views::events::{Event, event_from_row};
use crate::views::ideas::{Idea, IdeaNames, IdeaPage, TeamMember};

const TEAM_MAX: usize = 20;

/// What to list: every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct IdeaQuery {
    /// Only in this state.
    pub state: Option<IdeaState>,
    /// Only on this challenge.
    pub challenge_id: Option<Uuid>,
    /// Only the caller's own ideas.
    pub mine: bool,
    /// Only on challenges in this arena.
    pub arena_id: Option<Uuid>,
    /// Only with every word of this text (as word prefixes) in title, summary or description.
    pub q: Option<String>,
}

/// A new idea. Summary and description may stay empty while drafting.
#[derive(Debug, Clone, Default)]
pub struct NewIdea {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Co-applicants (at most 20).
    pub team: Vec<TeamMember>,
    /// UN goals (1..17).
    pub sdgs: Vec<i64>,
}

/// An edit of a draft idea: only the fields given change.
#[derive(Debug, Clone, Default)]
pub struct IdeaPatch {
    /// Title.
    pub title: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The whole team, replacing the old one.
    pub team: Option<Vec<TeamMember>>,
    /// UN goals.
    pub sdgs: Option<Vec<i64>>,
}

/// The view of `row` for `viewer`: who is behind it only where they may see it.
async fn view(state: &AppState, row: rows::Model, viewer: &Viewer) -> Result<Idea, ApiError> {
    let names = Idea::names(&state.db, std::slice::from_ref(&row)).await?;
    view_named(row, viewer, &names)
}

fn view_named(row: rows::Model, viewer: &Viewer, names: &IdeaNames) -> Result<Idea, ApiError> {
    let hide = !viewer.sees_identity(&row);
    Idea::from_row(row, hide, names)
}

/// How one actor relates to one idea.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The actor.
    pub actor: Actor,
    /// Their assignment on the idea, if they assess it.
    pub assignment: Option<assignments::Model>,
}

impl Viewer {
    /// Whether the actor is assigned to assess the idea.
    pub fn assigned(&self) -> bool {
        self.assignment.is_some()
    }

    /// The state of their assignment.
    pub fn assignment_state(&self) -> Result<Option<AssignmentState>, ApiError> {
        Ok(self.assignment.as_ref().map(assessment::assignment_state).transpose()?)
    }

    /// Whether they see who is behind the idea.
    pub fn sees_identity(&self, row: &rows::Model) -> bool {
        let authors = repo::to_domain(row).map(|idea| idea.authors()).unwrap_or_default();
        assessment_rules::sees_identity(&self.actor, &authors, row.blind_assessment, self.assigned())
    }
}

/// Reads how `actor` relates to the idea `row`.
pub async fn viewer_of(
    db: &impl sea_orm::ConnectionTrait,
    row: &rows::Model,
    actor: &Actor,
) -> Result<Viewer, ApiError> {
    let assignment = if actor.has(Role::Assessor) {
        assessment::assignment_for(db, row.id, actor.id.as_uuid()).await?
    } else {
        None
    };
    Ok(Viewer {
        actor: actor.clone(),
        assignment,
    })
}

/// Loads an idea `actor` may see (404 otherwise), with how they relate to it.
pub async fn load_visible_idea(
    db: &impl sea_orm::ConnectionTrait,
    id: Uuid,
    actor: &Actor,
) -> Result<(rows::Model, Viewer), ApiError> {
    let row = repo::find(db, id).await?.ok_or_else(ApiError::not_found)?;
    let viewer = viewer_of(db, &row, actor).await?;
    if !rules::can_view(&repo::to_domain(&row)?, Some(actor), viewer.assigned()) {
        return Err(ApiError::not_found());
    }
    Ok((row, viewer))
}

/// The organisations a team names that are not registered.
async fn unregistered(db: &impl sea_orm::ConnectionTrait, team: &[TeamMember]) -> Result<Vec<Uuid>, ApiError> {
    let named: Vec<Uuid> = team
        .iter()
        .take(TEAM_MAX)
        .filter_map(|member| member.organisation_id)
        .collect();
    let known = organisations::registered(db, &named).await?;
    Ok(named.into_iter().filter(|id| !known.contains(id)).collect())
}

fn check_team(checks: &mut Checks, team: &[TeamMember], unregistered: &[Uuid]) -> String {
    if team.len() > TEAM_MAX {
        checks.fail("team", sluss_domain::FieldProblem::TeamTooLarge { max: TEAM_MAX });
    }
    let members: Vec<TeamMember> = team
        .iter()
        .map(|member| {
            if member.organisation_id.is_some_and(|id| unregistered.contains(&id)) {
                checks.fail("team.organisation_id", sluss_domain::FieldProblem::NoSuchOrganisation);
            }
            TeamMember::new(
                checks.required_name("team.name", &member.name, TITLE_MAX),
                checks.email("team.email", &member.email),
                member.organisation_id,
            )
        })
        .collect();
    serde_json::to_string(&members).unwrap_or_else(|_| "[]".to_owned())
}

/// Runs one command (submit, start assessment, decide, start incubation or testing,
/// complete, discontinue, withdraw).
pub async fn command(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
    command: IdeaCommand,
) -> Result<Idea, ApiError> {
    let (updated, (_, viewer)) = runner::run::<Ideas>(state, actor, id, expected, command).await?;
    view(state, updated, &viewer).await
}

/// What the rules read of an idea's surroundings: its challenge's state and closing time,
/// and with `scorecards` the scorecards its rubric requires and those in (a decision
/// waits for them).
async fn read_facts(
    db: &impl sea_orm::ConnectionTrait,
    row: &rows::Model,
    now: DateTime<Utc>,
    scorecards: bool,
) -> Result<IdeaFacts, ApiError> {
    let challenge = challenges::find(db, row.challenge_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut facts = IdeaFacts::at(now, challenges::state_of(&challenge)?, challenge.ideas_close_at);
    if scorecards {
        if let Some(rubric_id) = row.rubric_id {
            let rubric = assessment::find_rubric(db, rubric_id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            facts.scorecards_required = u32::try_from(rubric.min_scorecards).unwrap_or(u32::MAX);
        }
        facts.scorecards_submitted =
            u32::try_from(assessment::scorecards_for(db, row.id).await?.len()).unwrap_or(u32::MAX);
    }
    Ok(facts)
}

/// The commands `actor` may use on the idea now, as the domain offers them, and the facts
/// they were judged on; none when the actor does not see who is behind the idea.
pub async fn offered(state: &AppState, actor: &Actor, id: Uuid) -> Result<(Vec<IdeaCommandKind>, IdeaFacts), ApiError> {
    let (row, viewer) = load_visible_idea(&state.db, id, actor).await?;
    let facts = read_facts(&state.db, &row, Utc::now(), true).await?;
    if !viewer.sees_identity(&row) {
        return Ok((Vec::new(), facts));
    }
    let kinds = rules::offered(&repo::to_domain(&row)?, Some(actor), viewer.assigned(), &facts);
    Ok((kinds, facts))
}

/// Ideas, as the [runner](runner::run) sees them.
struct Ideas;

impl Aggregate for Ideas {
    type Row = rows::Model;
    type State = IdeaState;
    type Command = IdeaCommand;
    type Event = IdeaEvent;
    /// The facts, and how the actor relates to the idea.
    type Facts = (IdeaFacts, Viewer);

    async fn load_for_update(tx: &WriteTx, id: Uuid) -> Result<Option<rows::Model>, ApiError> {
        Ok(repo::find_for_update(tx, id).await?)
    }

    fn version(row: &rows::Model) -> i64 {
        row.version
    }

    fn state(row: &rows::Model) -> Result<IdeaState, ApiError> {
        Ok(repo::state_of(row)?)
    }

    fn state_name(state: IdeaState) -> &'static str {
        state.as_str()
    }

    async fn facts(
        tx: &WriteTx,
        row: &rows::Model,
        actor: &Actor,
        command: &IdeaCommand,
        now: DateTime<Utc>,
    ) -> Result<(IdeaFacts, Viewer), ApiError> {
        let viewer = viewer_of(tx, row, actor).await?;
        let decides = matches!(command, IdeaCommand::Decide { .. });
        let mut facts = read_facts(tx, row, now, decides).await?;
        if let Some((field, reference)) = command.references() {
            let exists = match reference {
                Reference::Rubric(id) => assessment::find_rubric(tx, id).await?.is_some(),
                Reference::SupportOrganisation(id) => steps::organisation_exists(tx, id).await?,
                Reference::Organisation(id) => organisations::exists(tx, id).await?,
            };
            if !exists {
                facts.missing_references.push(field);
            }
        }
        Ok((facts, viewer))
    }

    fn decide(
        row: &rows::Model,
        command: &IdeaCommand,
        actor: &Actor,
        (facts, viewer): &(IdeaFacts, Viewer),
    ) -> Result<Vec<IdeaEvent>, ApiError> {
        Ok(rules::decide(
            &repo::to_domain(row)?,
            command,
            Some(actor),
            viewer.assigned(),
            facts,
        )?)
    }

    fn evolve(state: IdeaState, event: &IdeaEvent) -> IdeaState {
        rules::evolve(state, event)
    }

    async fn persist(
        tx: &WriteTx,
        row: &rows::Model,
        events: &[IdeaEvent],
        to: IdeaState,
        now: DateTime<Utc>,
    ) -> Result<rows::Model, ApiError> {
        Ok(repo::apply(tx, row, events, to, now).await?)
    }

    fn payload(event: &IdeaEvent) -> serde_json::Value {
        payload_of(event)
    }

    fn subject<'a>(row: &'a rows::Model, event: &IdeaEvent) -> Subject<'a> {
        Subject::Idea {
            kind: event.kind(),
            row,
            assessor: None,
        }
    }
}

/// Runs `start-assessment` with the rubric named, or the default rubric when none is
/// (422 when there is no default).
pub async fn start_assessment(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
    rubric_id: Option<Uuid>,
) -> Result<Idea, ApiError> {
    let rubric_id = match rubric_id {
        Some(rubric_id) => rubric_id,
        None => {
            assessment::default_rubric(&state.db)
                .await?
                .ok_or_else(|| ApiError::invalid("rubric_id", sluss_domain::FieldProblem::NoDefaultRubric))?
                .id
        }
    };
    command(state, actor, id, expected, IdeaCommand::StartAssessment { rubric_id }).await
}

/// Drafts an idea on a published challenge (innovators).
pub async fn create(state: &AppState, actor: &Actor, challenge_id: Uuid, input: NewIdea) -> Result<Idea, ApiError> {
    let challenge = challenges::find(&state.db, challenge_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let challenge_domain = challenges::to_domain(&challenge)?;
    if !challenge_rules::can_view(&challenge_domain, Some(actor)) {
        return Err(ApiError::not_found());
    }
    if let Err(refusal @ Refusal::NotPermitted(_)) = rules::authorize_create(actor, challenge_domain.state) {
        return Err(refusal.into());
    }
    let unknown = unregistered(&state.db, &input.team).await?;
    let mut checks = Checks::new();
    let title = checks.required_text("title", &input.title, TITLE_MAX);
    let summary = checks.draft_text("summary", &input.summary, SUMMARY_MAX);
    let description = checks.draft_text("description", &input.description, DESCRIPTION_MAX);
    let team = check_team(&mut checks, &input.team, &unknown);
    let sdgs = checks.sdgs("sdgs", &input.sdgs);
    checks.finish().map_err(Refusal::Invalid)?;
    rules::authorize_create(actor, challenge_domain.state)?;
    rules::check_open_for_drafts(challenge.ideas_close_at, Utc::now())?;

    let now = Utc::now();
    let idea_id = Uuid::now_v7();
    let tx = state.begin_write().await?;
    let new = repo::NewIdea {
        id: idea_id,
        challenge: challenge.clone(),
        innovator_id: actor.id.as_uuid(),
        title,
        summary,
        description,
        team,
        sdgs,
    };
    let row = repo::insert(&tx, new, now).await?;
    let row = super::invitations::follow_team(state, &tx, row, actor, now).await?;
    let subject = journal::Subject::Idea {
        kind: IdeaEventKind::Create,
        row: &row,
        assessor: None,
    };
    let states = (None, IdeaState::Draft.as_str());
    let payload = serde_json::json!({ "challenge_id": challenge.id, "arena_id": challenge.arena_id });
    journal::record(state, &tx, Entry::new(subject, states, actor.id, now, payload)).await?;
    tx.commit().await?;
    let names = Idea::names(&state.db, std::slice::from_ref(&row)).await?;
    Idea::from_row(row, false, &names)
}

async fn list_filtered(
    state: &AppState,
    actor: &Actor,
    filter: IdeaFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<IdeaPage, ApiError> {
    let page = repo::list(&state.db, actor, &filter, after, limit).await?;
    let viewer = Viewer {
        actor: actor.clone(),
        assignment: None,
    };
    let names = Idea::names(&state.db, &page.items).await?;
    Ok(to_list_page(page, |row| view_named(row, &viewer, &names))?.into())
}

/// The ideas on a challenge that `actor` may see, newest first.
pub async fn list_for_challenge(
    state: &AppState,
    actor: &Actor,
    challenge_id: Uuid,
    idea_state: Option<IdeaState>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<IdeaPage, ApiError> {
    let challenge = challenges::find(&state.db, challenge_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !challenge_rules::can_view(&challenges::to_domain(&challenge)?, Some(actor)) {
        return Err(ApiError::not_found());
    }
    let (limit, after) = page_request(limit, cursor)?;
    let filter = IdeaFilter {
        state: idea_state,
        challenge_id: Some(challenge_id),
        ..IdeaFilter::default()
    };
    list_filtered(state, actor, filter, after, limit).await
}

/// The ideas `actor` may see, newest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    query: IdeaQuery,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<IdeaPage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let mut checks = Checks::new();
    let words = super::challenges::search_words(&mut checks, query.q.as_deref());
    checks.finish().map_err(Refusal::Invalid)?;
    let filter = IdeaFilter {
        state: query.state,
        challenge_id: query.challenge_id,
        mine: query.mine,
        arena_id: query.arena_id,
        words,
    };
    let _turn = super::challenges::search_turn(state, filter.words.as_ref()).await?;
    list_filtered(state, actor, filter, after, limit).await
}

/// The titles of the challenges `ideas` answer (the viewer sees the ideas, so may read
/// what they answer).
pub async fn challenge_titles(state: &AppState, ideas: &[Idea]) -> Result<HashMap<Uuid, String>, ApiError> {
    let mut ids: Vec<Uuid> = ideas.iter().map(|idea| idea.challenge_id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(challenges::titles_of(&state.db, &ids).await?)
}

/// How many ideas each of `actor`'s own challenges has in each state, drafts left out
/// (SPEC §14.1: the owner's `/me`).
pub async fn counts_on_own_challenges(
    state: &AppState,
    actor: &Actor,
) -> Result<HashMap<Uuid, Vec<(IdeaState, u64)>>, ApiError> {
    let mut counts: HashMap<Uuid, Vec<(IdeaState, u64)>> = HashMap::new();
    for (challenge_id, stored_state, count) in repo::counts_by_challenge_of_owner(&state.db, actor.id.as_uuid()).await?
    {
        let idea_state = crate::persistence::stored(IdeaState::parse(&stored_state), "ideas.state", &stored_state)?;
        counts.entry(challenge_id).or_default().push((idea_state, count));
    }
    for states in counts.values_mut() {
        states.sort_by_key(|(idea_state, _)| IdeaState::ALL.iter().position(|s| s == idea_state));
    }
    Ok(counts)
}

/// One idea, as `actor` may see it.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> Result<Idea, ApiError> {
    let (row, viewer) = load_visible_idea(&state.db, id, actor).await?;
    view(state, row, &viewer).await
}

/// Edits an idea while it is a draft (its innovator).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    patch: IdeaPatch,
    expected: Option<Expected>,
) -> Result<Idea, ApiError> {
    let tx = state.begin_write().await?;
    let row = repo::find_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    let idea = repo::to_domain(&row)?;
    let viewer = viewer_of(&tx, &row, actor).await?;
    if let Err(refusal @ (Refusal::NotVisible | Refusal::NotPermitted(_))) =
        rules::authorize_edit(&idea, Some(actor), viewer.assigned())
    {
        return Err(refusal.into());
    }
    let mut checks = Checks::new();
    let title = patch
        .title
        .map(|title| checks.required_text("title", &title, TITLE_MAX));
    let summary = patch
        .summary
        .map(|summary| checks.draft_text("summary", &summary, SUMMARY_MAX));
    let description = patch
        .description
        .map(|description| checks.draft_text("description", &description, DESCRIPTION_MAX));
    let team = match &patch.team {
        Some(team) => {
            let unknown = unregistered(&tx, team).await?;
            Some(check_team(&mut checks, team, &unknown))
        }
        None => None,
    };
    let sdgs = patch.sdgs.map(|sdgs| checks.sdgs("sdgs", &sdgs));
    let edit = repo::IdeaEdit {
        title,
        summary,
        description,
        team,
        sdgs,
    };
    checks.finish().map_err(Refusal::Invalid)?;
    rules::authorize_edit(&idea, Some(actor), viewer.assigned())
        .map_err(|refusal| super::stale_too(refusal, expected, row.version))?;
    check_version(expected, row.version)?;
    let now = Utc::now();
    let changed = edit.fields();
    let updated = repo::edit(&tx, &row, edit, now).await?;
    let updated = super::invitations::follow_team(state, &tx, updated, actor, now).await?;
    let subject = journal::Subject::Idea {
        kind: IdeaEventKind::Edit,
        row: &updated,
        assessor: None,
    };
    let states = (Some(idea.state.as_str()), idea.state.as_str());
    let payload = serde_json::json!({ "fields": changed });
    journal::record(state, &tx, Entry::new(subject, states, actor.id, now, payload)).await?;
    tx.commit().await?;
    view(state, updated, &viewer).await
}

/// The idea's history, oldest first, filtered by what `actor` may see: the needs-owner
/// sees it from submission on; innovators and needs-owners never see assessment events;
/// an assessor sees the panel's events once their own scorecard is in; with blind
/// assessment, assessors do not see who the innovator is; and an assessor sees the
/// commands of steps 4 and 5 without their data.
pub async fn history(state: &AppState, actor: &Actor, id: Uuid) -> Result<Vec<Event>, ApiError> {
    let (row, viewer) = load_visible_idea(&state.db, id, actor).await?;
    let me = actor.id.as_uuid();
    let is_innovator = repo::to_domain(&row)?.is_author(actor.id);
    let panel_access = if actor.is_facilitator() {
        Some(ScoreAccess::All)
    } else {
        assessment_rules::score_access(actor, viewer.assignment_state()?).ok()
    };
    let hide_identity = !viewer.sees_identity(&row);
    let hide_steps = !super::steps::sees_steps(&row, actor)?;
    let rows = events::for_subject(&state.db, id).await?;
    let names = crate::views::events::names(&state.db, &rows).await?;
    // The accepted members: an assessor of a blind challenge sees none of them by name. (A
    // member removed from the team left it while the idea was a draft, and the edits of a
    // draft are the authors' history alone.)
    let members: Vec<Uuid> = repo::to_domain(&row)?.members.iter().map(|id| id.as_uuid()).collect();
    Ok(rows
        .into_iter()
        .filter_map(|event| Some((idea_audience(IdeaEventKind::parse(&event.command)?), event)))
        .filter(|(audience, event)| match audience {
            IdeaAudience::Panel => match panel_access {
                Some(ScoreAccess::All) => true,
                Some(ScoreAccess::OwnOnly) => event.actor_id == me || assessor_of(event) == Some(me),
                None => false,
            },
            IdeaAudience::Authors => actor.is_facilitator() || is_innovator,
            IdeaAudience::Steps | IdeaAudience::All => true,
        })
        .map(|(audience, event)| {
            let by_innovator = event.actor_id == row.innovator_id;
            // Who answered an invitation is a member of the team, or was asked to be.
            let answered = matches!(
                IdeaEventKind::parse(&event.command),
                Some(IdeaEventKind::AcceptInvitation | IdeaEventKind::DeclineInvitation)
            );
            let by_member = members.contains(&event.actor_id) || (answered && !by_innovator);
            let mut event = event_from_row(event, &names);
            if hide_identity && (by_innovator || by_member) {
                event.hide_actor(!by_innovator);
            }
            if hide_steps && audience == IdeaAudience::Steps {
                event.payload = serde_json::json!({});
            }
            event
        })
        .collect())
}

/// The assessor an assessment event concerns, as its payload names them.
fn assessor_of(event: &crate::persistence::entities::events::Model) -> Option<Uuid> {
    let payload: serde_json::Value = serde_json::from_str(&event.payload).ok()?;
    payload.get("assessor_id")?.as_str()?.parse().ok()
}
