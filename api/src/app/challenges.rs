//! Step 1, need formulation: challenges, their commands and their history.

use chrono::{DateTime, Utc};
use sluss_domain::challenge::{
    self as rules, ChallengeCommand, ChallengeEvent, ChallengeFacts, ChallengeState, NewOwner,
};
use sluss_domain::event::ChallengeEventKind;
use sluss_domain::history;
use sluss_domain::validate::{Checks, DESCRIPTION_MAX, LOCATION_MAX, SUMMARY_MAX, TITLE_MAX};
use sluss_domain::{Actor, FieldProblem, Refusal, Role};
use uuid::Uuid;

use super::journal::{self, Entry, Subject};
use super::runner::{self, Aggregate};
use super::{Expected, check_version, page_request, payload_of, to_list_page};
use crate::error::ApiError;
use crate::persistence::challenges::{self as repo, ChallengeFilter};
use crate::persistence::entities::challenges as rows;
use crate::persistence::{WriteTx, arenas, events, organisations, users};
use crate::state::AppState;
use crate::views::challenges::{Challenge, ChallengePage};
use crate::views::events::{Event, event_from_row};

const QUERY_MAX: usize = 200;

/// What to list: every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct ChallengeQuery {
    /// Only in this state.
    pub state: Option<ChallengeState>,
    /// Only in this arena.
    pub arena_id: Option<Uuid>,
    /// Only of this needs-owner.
    pub owner_id: Option<Uuid>,
    /// Only tagged with this UN goal (1..17).
    pub sdg: Option<i64>,
    /// Only with every word of this text (as word prefixes) in title, summary or description.
    pub q: Option<String>,
}

/// A new challenge. Summary and description may stay empty while drafting.
#[derive(Debug, Clone, Default)]
pub struct NewChallenge {
    /// Title.
    pub title: String,
    /// One-paragraph summary.
    pub summary: String,
    /// The full description.
    pub description: String,
    /// Where the need is.
    pub location: Option<String>,
    /// UN Sustainable Development Goals (1..17).
    pub sdgs: Vec<i64>,
    /// The registered organisation it is owned on behalf of; by default the owner's.
    pub organisation_id: Option<Uuid>,
}

/// An edit of a challenge: only the fields given change.
#[derive(Debug, Clone, Default)]
pub struct ChallengePatch {
    /// Title.
    pub title: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Location: `None` leaves it, `Some(None)` clears it.
    pub location: Option<Option<String>>,
    /// UN goals.
    pub sdgs: Option<Vec<i64>>,
    /// The registered organisation it is owned on behalf of: `Some(None)` clears it.
    pub organisation_id: Option<Option<Uuid>>,
}

/// The challenges `viewer` may see, newest first.
pub async fn list(
    state: &AppState,
    viewer: Option<&Actor>,
    filter: ChallengeQuery,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<ChallengePage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let mut checks = Checks::new();
    let sdg = filter.sdg.and_then(|goal| checks.sdgs("sdg", &[goal]).first().copied());
    let words = search_words(&mut checks, filter.q.as_deref());
    checks.finish().map_err(Refusal::Invalid)?;
    let filter = ChallengeFilter {
        state: filter.state,
        arena_id: filter.arena_id,
        owner_id: filter.owner_id,
        sdg,
        words,
    };
    let _turn = search_turn(state, filter.words.as_ref()).await?;
    let page = repo::list(&state.db, viewer, &filter, after, limit).await?;
    let names = Challenge::names(&state.db, &page.items, viewer).await?;
    Ok(to_list_page(page, |row| Challenge::from_row(row, viewer, &names))?.into())
}

/// The words of a search text `q` (checked: not too long, at least one word).
pub(crate) fn search_words(checks: &mut Checks, q: Option<&str>) -> Option<Vec<String>> {
    let words = checks
        .optional_text("q", q, QUERY_MAX)
        .map(|text| repo::search_words(&text));
    if words.as_ref().is_some_and(Vec::is_empty) {
        checks.fail("q", sluss_domain::FieldProblem::NoWord);
    }
    words
}

/// A text search waits for its turn (`AppState::searches`); other lists do not.
pub(crate) async fn search_turn<'a>(
    state: &'a AppState,
    words: Option<&Vec<String>>,
) -> Result<Option<tokio::sync::SemaphorePermit<'a>>, ApiError> {
    match words {
        Some(_) => Ok(Some(
            state.searches.acquire().await.map_err(|e| ApiError::internal(&e))?,
        )),
        None => Ok(None),
    }
}

/// Loads a challenge `viewer` may see (404 otherwise).
pub(crate) async fn load_visible(state: &AppState, id: Uuid, viewer: Option<&Actor>) -> Result<rows::Model, ApiError> {
    let row = repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    if !rules::can_view(&repo::to_domain(&row)?, viewer) {
        return Err(ApiError::not_found());
    }
    Ok(row)
}

/// One challenge, as `viewer` may see it.
pub async fn get(state: &AppState, viewer: Option<&Actor>, id: Uuid) -> Result<Challenge, ApiError> {
    let row = load_visible(state, id, viewer).await?;
    view(state, row, viewer).await
}

/// The view of `row` for `viewer`, with the names it shows.
async fn view(state: &AppState, row: rows::Model, viewer: Option<&Actor>) -> Result<Challenge, ApiError> {
    let names = Challenge::names(&state.db, std::slice::from_ref(&row), viewer).await?;
    Challenge::from_row(row, viewer, &names)
}

fn check_content(
    checks: &mut Checks,
    title: Option<&str>,
    summary: Option<&str>,
    description: Option<&str>,
) -> (Option<String>, Option<String>, Option<String>) {
    (
        title.map(|t| checks.required_text("title", t, TITLE_MAX)),
        summary.map(|s| checks.draft_text("summary", s, SUMMARY_MAX)),
        description.map(|d| checks.draft_text("description", d, DESCRIPTION_MAX)),
    )
}

/// Writes a new challenge, in draft (needs-owners and facilitators).
pub async fn create(state: &AppState, actor: &Actor, input: NewChallenge) -> Result<Challenge, ApiError> {
    rules::authorize_create(actor)?;
    let mut checks = Checks::new();
    let (title, summary, description) = check_content(
        &mut checks,
        Some(&input.title),
        Some(&input.summary),
        Some(&input.description),
    );
    let location = checks.optional_text("location", input.location.as_deref(), LOCATION_MAX);
    let sdgs = checks.sdgs("sdgs", &input.sdgs);
    checks.finish().map_err(Refusal::Invalid)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    // Owned on behalf of the organisation named, else of the owner's.
    super::organisations::check_exists(state, "organisation_id", input.organisation_id).await?;
    let owner_organisation = match input.organisation_id {
        Some(id) => Some(id),
        None => users::find(&state.db, actor.id.as_uuid())
            .await?
            .and_then(|owner| owner.organisation_id),
    };
    let tx = state.begin_write().await?;
    let new = repo::NewChallenge {
        id,
        owner_id: actor.id.as_uuid(),
        title: title.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        description: description.unwrap_or_default(),
        location,
        sdgs,
        organisation_id: owner_organisation,
    };
    let row = repo::insert(&tx, new, now).await?;
    let subject = journal::Subject::Challenge {
        kind: ChallengeEventKind::Create,
        row: &row,
        asker: None,
    };
    let states = (None, ChallengeState::Draft.as_str());
    let payload = serde_json::json!({ "arena_id": null });
    journal::record(state, &tx, Entry::new(subject, states, actor.id, now, payload)).await?;
    tx.commit().await?;
    view(state, row, Some(actor)).await
}

/// Edits a challenge: its owner in draft or changes_requested, a facilitator until it is
/// archived or withdrawn.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    patch: ChallengePatch,
    expected: Option<Expected>,
) -> Result<Challenge, ApiError> {
    let tx = state.begin_write().await?;
    let row = repo::find_for_update(&tx, id).await?.ok_or_else(ApiError::not_found)?;
    let challenge = repo::to_domain(&row)?;
    if let Err(refusal @ (Refusal::NotVisible | Refusal::NotPermitted(_))) =
        rules::authorize_edit(&challenge, Some(actor))
    {
        return Err(refusal.into());
    }
    let mut checks = Checks::new();
    let (title, summary, description) = check_content(
        &mut checks,
        patch.title.as_deref(),
        patch.summary.as_deref(),
        patch.description.as_deref(),
    );
    let edit = repo::ChallengeEdit {
        title,
        summary,
        description,
        location: patch
            .location
            .map(|location| checks.optional_text("location", location.as_deref(), LOCATION_MAX)),
        sdgs: patch.sdgs.map(|sdgs| checks.sdgs("sdgs", &sdgs)),
        organisation_id: patch.organisation_id,
    };
    checks.finish().map_err(Refusal::Invalid)?;
    rules::authorize_edit(&challenge, Some(actor))
        .map_err(|refusal| super::stale_too(refusal, expected, row.version))?;
    check_version(expected, row.version)?;
    if let Some(Some(organisation)) = edit.organisation_id
        && !crate::persistence::organisations::exists(&tx, organisation).await?
    {
        return Err(ApiError::invalid("organisation_id", FieldProblem::NoSuchOrganisation));
    }
    let now = Utc::now();
    let changed = edit.fields();
    let updated = repo::edit(&tx, &row, edit, now).await?;
    let subject = journal::Subject::Challenge {
        kind: ChallengeEventKind::Edit,
        row: &updated,
        asker: None,
    };
    let states = (Some(challenge.state.as_str()), challenge.state.as_str());
    let payload = serde_json::json!({ "fields": changed });
    journal::record(state, &tx, Entry::new(subject, states, actor.id, now, payload)).await?;
    tx.commit().await?;
    view(state, updated, Some(actor)).await
}

/// Runs one lifecycle command (submit, request changes, publish, close, archive,
/// withdraw).
pub async fn command(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected: Option<Expected>,
    command: ChallengeCommand,
) -> Result<Challenge, ApiError> {
    let (updated, _) = runner::run::<Challenges>(state, actor, id, expected, command).await?;
    view(state, updated, Some(actor)).await
}

/// Challenges, as the [runner](runner::run) sees them.
struct Challenges;

impl Aggregate for Challenges {
    type Row = rows::Model;
    type State = ChallengeState;
    type Command = ChallengeCommand;
    type Event = ChallengeEvent;
    type Facts = ChallengeFacts;

    async fn load_for_update(tx: &WriteTx, id: Uuid) -> Result<Option<rows::Model>, ApiError> {
        Ok(repo::find_for_update(tx, id).await?)
    }

    fn version(row: &rows::Model) -> i64 {
        row.version
    }

    fn state(row: &rows::Model) -> Result<ChallengeState, ApiError> {
        Ok(repo::state_of(row)?)
    }

    fn state_name(state: ChallengeState) -> &'static str {
        state.as_str()
    }

    async fn facts(
        tx: &WriteTx,
        _row: &rows::Model,
        _actor: &Actor,
        command: &ChallengeCommand,
        now: DateTime<Utc>,
    ) -> Result<ChallengeFacts, ApiError> {
        let arena = match command {
            ChallengeCommand::Publish {
                arena_id: Some(arena_id),
                ..
            } => match arenas::find(tx, arena_id.as_uuid()).await? {
                Some(arena) => Some(arenas::state_of(&arena)?),
                None => None,
            },
            ChallengeCommand::Publish { arena_id: None, .. }
            | ChallengeCommand::Submit
            | ChallengeCommand::RequestChanges { .. }
            | ChallengeCommand::Close
            | ChallengeCommand::Archive
            | ChallengeCommand::Withdraw { .. }
            | ChallengeCommand::Transfer { .. } => None,
        };
        let (new_owner, organisation_registered) = match command {
            ChallengeCommand::Transfer {
                owner_id,
                organisation_id,
            } => {
                let new_owner = match users::find(tx, owner_id.as_uuid()).await? {
                    Some(account) => Some(NewOwner {
                        needs_owner: users::roles_of(&account)?.contains(Role::NeedsOwner),
                        active: account.active,
                    }),
                    None => None,
                };
                let registered = match organisation_id {
                    Some(id) => !organisations::registered(tx, &[*id]).await?.is_empty(),
                    None => true,
                };
                (new_owner, registered)
            }
            ChallengeCommand::Submit
            | ChallengeCommand::RequestChanges { .. }
            | ChallengeCommand::Publish { .. }
            | ChallengeCommand::Close
            | ChallengeCommand::Archive
            | ChallengeCommand::Withdraw { .. } => (None, true),
        };
        Ok(ChallengeFacts {
            now,
            arena,
            new_owner,
            organisation_registered,
        })
    }

    fn decide(
        row: &rows::Model,
        command: &ChallengeCommand,
        actor: &Actor,
        facts: &ChallengeFacts,
    ) -> Result<Vec<ChallengeEvent>, ApiError> {
        Ok(rules::decide(&repo::to_domain(row)?, command, Some(actor), facts)?)
    }

    fn evolve(state: ChallengeState, event: &ChallengeEvent) -> ChallengeState {
        rules::evolve(state, event)
    }

    async fn persist(
        tx: &WriteTx,
        row: &rows::Model,
        events: &[ChallengeEvent],
        to: ChallengeState,
        now: DateTime<Utc>,
    ) -> Result<rows::Model, ApiError> {
        Ok(repo::apply(tx, row, events, to, now).await?)
    }

    fn payload(event: &ChallengeEvent) -> serde_json::Value {
        payload_of(event)
    }

    fn subject<'a>(row: &'a rows::Model, event: &ChallengeEvent) -> Subject<'a> {
        Subject::Challenge {
            kind: event.kind(),
            row,
            asker: None,
        }
    }
}

/// The events of a public challenge that anyone who sees it may read.
fn is_public_event(command: &str) -> bool {
    ChallengeEventKind::parse(command)
        .is_some_and(|kind| history::challenge_audience(kind) == history::ChallengeAudience::Public)
}

/// The challenge's history, oldest first. Owners and facilitators see every event;
/// others see the public lifecycle (publish, close, archive).
pub async fn history(state: &AppState, actor: &Actor, id: Uuid) -> Result<Vec<Event>, ApiError> {
    let row = load_visible(state, id, Some(actor)).await?;
    let insider = rules::is_insider(&repo::to_domain(&row)?, Some(actor));
    let rows: Vec<_> = events::for_subject(&state.db, id)
        .await?
        .into_iter()
        .filter(|event| insider || is_public_event(&event.command))
        .collect();
    let names = crate::views::events::names(&state.db, &rows).await?;
    Ok(rows.into_iter().map(|row| event_from_row(row, &names)).collect())
}
