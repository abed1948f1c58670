//! The journal: every accepted event of sluss is written by [`record`], which appends it to
//! the event log and hands it, in the same transaction, to each follower of [`FOLLOWERS`]
//! — the funnel's read model, the funder's figures, the people told (and their e-mail),
//! the webhook outbox. What each does with an event is its kind's row of rules
//! (`sluss_domain::event`: who is told, who reads it, the step it marks, the act it
//! counts), so a new kind is placed for every follower at once or the build fails; and a
//! command cannot reach one follower and miss another, since none of them is called
//! anywhere else.
//!
//! The read cache is not a follower: it counts the tables each transaction writes
//! (ADR 0013), which also covers writes that are not events.

use chrono::{DateTime, Utc};
use sluss_domain::UserId;
use sluss_domain::event::{
    ArenaEventKind, ChallengeEventKind, EventKind, IdeaEventKind, OrganisationEventKind, UserEventKind,
};
use uuid::Uuid;

use super::{notify, webhooks};
use crate::error::ApiError;
use crate::persistence::entities::{challenges as challenge_rows, ideas as idea_rows};
use crate::persistence::{NewEvent, WriteTx, events, reports};
use crate::state::AppState;

/// What an event happened to, with its kind: challenges and ideas as they are after it
/// (their followers read them), the rest by id.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A challenge; for a question on it, who asked.
    Challenge {
        /// What happened.
        kind: ChallengeEventKind,
        /// The challenge as it is after the event.
        row: &'a challenge_rows::Model,
        /// Who asked the question asked or answered.
        asker: Option<Uuid>,
    },
    /// An idea; for an assessment event, the assessor it concerns.
    Idea {
        /// What happened.
        kind: IdeaEventKind,
        /// The idea as it is after the event.
        row: &'a idea_rows::Model,
        /// The assessor of the assignment.
        assessor: Option<Uuid>,
    },
    /// An arena.
    Arena(ArenaEventKind, Uuid),
    /// An account.
    User(UserEventKind, Uuid),
    /// An organisation of the registry.
    Organisation(OrganisationEventKind, Uuid),
}

impl Subject<'_> {
    /// The kind of the event.
    pub fn kind(&self) -> EventKind {
        match *self {
            Subject::Challenge { kind, .. } => kind.into(),
            Subject::Idea { kind, .. } => kind.into(),
            Subject::Arena(kind, _) => kind.into(),
            Subject::User(kind, _) => kind.into(),
            Subject::Organisation(kind, _) => kind.into(),
        }
    }

    /// The id of what it happened to.
    pub fn id(&self) -> Uuid {
        match *self {
            Subject::Challenge { row, .. } => row.id,
            Subject::Idea { row, .. } => row.id,
            Subject::Arena(_, id) | Subject::User(_, id) | Subject::Organisation(_, id) => id,
        }
    }
}

/// One accepted event.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// What happened, and to what.
    pub subject: Subject<'a>,
    /// The state before (`None` for a creation).
    pub from_state: Option<&'a str>,
    /// The state after.
    pub to_state: &'a str,
    /// Who acted.
    pub actor: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// The event's data.
    pub payload: serde_json::Value,
    /// Whether the parties of its kind are told. Only a scorecard sets this aside: one
    /// that does not complete the panel tells nobody (`notify::completes_panel`).
    pub tells: bool,
}

impl<'a> Entry<'a> {
    /// An event that changed the state `from` → `to` (the same for an event that changes
    /// none), with its data.
    pub fn new(
        subject: Subject<'a>,
        (from_state, to_state): (Option<&'a str>, &'a str),
        actor: UserId,
        at: DateTime<Utc>,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            subject,
            from_state,
            to_state,
            actor,
            at,
            payload,
            tells: true,
        }
    }

    /// The same event, telling nobody.
    pub fn told_to_nobody(self) -> Self {
        Self { tells: false, ..self }
    }
}

/// The followers of every event, in the order they run.
#[derive(Debug, Clone, Copy)]
enum Follower {
    /// The funnel's read model (SPEC §12).
    Funnel,
    /// The funder's figures' read model (SPEC §12).
    Figures,
    /// The notifications and e-mails of SPEC §11.1.
    Notifications,
    /// The webhook outbox (SPEC §11.3).
    Webhooks,
}

/// Every follower, each once.
const FOLLOWERS: [Follower; 4] = [
    Follower::Funnel,
    Follower::Figures,
    Follower::Notifications,
    Follower::Webhooks,
];

/// Appends `entry` to the event log and hands it to every follower, in `tx`.
pub async fn record(state: &AppState, tx: &WriteTx, entry: Entry<'_>) -> Result<(), ApiError> {
    let event = NewEvent {
        kind: entry.subject.kind(),
        subject_id: entry.subject.id(),
        from_state: entry.from_state,
        to_state: entry.to_state,
        actor_id: entry.actor.as_uuid(),
        at: entry.at,
        payload: entry.payload.clone(),
    };
    events::append(tx, &event).await?;
    for follower in FOLLOWERS {
        match follower {
            Follower::Funnel => reports::follow(tx, &event).await?,
            Follower::Figures => super::figures::follow(tx, &entry).await?,
            Follower::Notifications => {
                if entry.tells {
                    notify::tell(tx, state.http.mail_enabled, &entry).await?;
                }
            }
            Follower::Webhooks => webhooks::send(tx, &entry).await?,
        }
    }
    Ok(())
}
