//! Deadlines that act (SPEC §17, ADR 0040): the reminders of assignments due and overdue,
//! the arenas that open and close by themselves, and the facilitator's lists of what is
//! late. The days are Stockholm's: an assignment due on the 10th is due all that day there.
//!
//! The arenas open and close through their own command path, as a facilitator's "Open"
//! does, so the history, the webhooks and the caches see it; the actor is [`system`], an id
//! no account has (the nil UUID), which the history names "sluss".

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use sluss_domain::arena::{ArenaCommand, ArenaState};
use sluss_domain::deadline::{self as rules, Reminder};
use sluss_domain::{Actor, Role, Roles, UserId};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::deadlines as repo;
use crate::persistence::mail::{self as outbox, Letter};
use crate::persistence::notifications::{self as inbox, NewNotification};
use crate::persistence::{arenas, assessment, ideas, users};
use crate::state::AppState;

/// The kind of a reminder's notification (and the key of its text).
pub const ASSIGNMENT_DUE: &str = "assignment_due";

/// How many assignments one query reads.
const BATCH: u64 = 100;

/// How many items each of the facilitator's lists of what is late shows.
const LATE_SHOWN: u64 = 50;

/// The day it is in Stockholm at `now`.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Stockholm).date_naive()
}

/// The actor of what sluss does by itself: no account has its id (the nil UUID); it holds
/// the facilitator role, so that the arenas' own rules let it open and close them.
pub fn system() -> Actor {
    Actor {
        id: UserId(Uuid::nil()),
        roles: Roles::empty().with(Role::Facilitator),
    }
}

/// What one run of the reminders did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reminded {
    /// Assessors reminded that a scorecard is due within two days.
    pub due: u64,
    /// Assessors reminded that a scorecard is overdue.
    pub overdue: u64,
}

/// Reminds the assessors owed a reminder on the day of `now`: each reminder is marked on
/// its assignment in the transaction that writes its notification and e-mail, by an update
/// that only one of two concurrent runs wins, so none goes out twice.
pub async fn remind(state: &AppState, now: DateTime<Utc>) -> Result<Reminded, ApiError> {
    let day = today(now);
    let mut done = Reminded::default();
    let mut after = None;
    loop {
        let batch = repo::to_remind(&state.db, day, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for row in batch {
            let sent = (row.reminded_due_at.is_some(), row.reminded_overdue_at.is_some());
            let Some(reminder) = rules::reminder(assessment::assignment_state(&row)?, row.due_on, day, sent) else {
                continue;
            };
            let tx = state.begin_write().await?;
            if !repo::mark_reminded(&tx, row.id, reminder, now).await? {
                continue;
            }
            let Some(person) = users::find(&tx, row.assessor_id).await?.filter(|p| p.active) else {
                tx.commit().await?;
                continue;
            };
            let Some(idea) = ideas::find(&tx, row.idea_id).await? else {
                tx.commit().await?;
                continue;
            };
            let notification = inbox::insert(
                &tx,
                NewNotification {
                    recipient_id: person.id,
                    kind: ASSIGNMENT_DUE,
                    subject_type: "idea",
                    subject_id: idea.id,
                    title: &idea.title,
                    at: now,
                },
            )
            .await?;
            if state.http.mail_enabled && person.email_notifications {
                outbox::enqueue(&tx, person.id, Letter::Notification(notification), now).await?;
            }
            tx.commit().await?;
            match reminder {
                Reminder::Due => done.due += 1,
                Reminder::Overdue => done.overdue += 1,
            }
            tracing::info!(assignment.id = %row.id, ?reminder, "reminded an assessor of a scorecard due");
        }
    }
    Ok(done)
}

/// What one run of the arenas' job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Arenas {
    /// Arenas opened.
    pub opened: u64,
    /// Arenas closed.
    pub closed: u64,
}

/// Opens the planned arenas whose start has passed at `now` and closes the open ones whose
/// end has (an arena whose whole period passed while sluss was down opens and closes), each
/// through the arenas' command path as [`system`].
pub async fn open_and_close(state: &AppState, now: DateTime<Utc>) -> Result<Arenas, ApiError> {
    let mut done = Arenas::default();
    let actor = system();
    for row in repo::arenas_due(&state.db, now).await? {
        let mut current = arenas::state_of(&row)?;
        while let Some(command) = rules::arena_command(current, row.starts_at, row.ends_at, now) {
            match super::arenas::command(state, &actor, row.id, None, command).await {
                Ok(_) => {
                    current = match command {
                        ArenaCommand::Open => {
                            done.opened += 1;
                            ArenaState::Open
                        }
                        ArenaCommand::Close => {
                            done.closed += 1;
                            ArenaState::Closed
                        }
                    };
                    tracing::info!(arena.id = %row.id, command = command.name(), "an arena opened or closed at its time");
                }
                Err(error) => {
                    // Another process, or a facilitator, got there first.
                    tracing::info!(arena.id = %row.id, %error, "an arena was not opened or closed by its time");
                    break;
                }
            }
        }
    }
    Ok(done)
}

/// An assignment past its due date without a scorecard, as the facilitator's `/me` lists it.
#[derive(Debug, Clone)]
pub struct Overdue {
    /// The idea.
    pub idea_id: Uuid,
    /// Its title.
    pub title: String,
    /// The assessor's name.
    pub assessor: String,
    /// The day it was due.
    pub due_on: NaiveDate,
}

/// A running test past its end date.
#[derive(Debug, Clone)]
pub struct LateTest {
    /// The idea.
    pub idea_id: Uuid,
    /// Its title.
    pub title: String,
    /// Where it is tested.
    pub site: String,
    /// The day it was to end.
    pub ends_on: NaiveDate,
}

/// The facilitator's lists of what is late on the day of `now`: assignments past their due
/// date without a scorecard, and running tests past their end date (facilitators only).
pub async fn late(
    state: &AppState,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Vec<Overdue>, Vec<LateTest>), ApiError> {
    sluss_domain::assessment::authorize_facilitator(actor)?;
    let day = today(now);
    let assignments = repo::overdue(&state.db, day, LATE_SHOWN).await?;
    let tests = repo::tests_past_end(&state.db, day, LATE_SHOWN).await?;
    let idea_ids: Vec<Uuid> = assignments
        .iter()
        .map(|a| a.idea_id)
        .chain(tests.iter().map(|t| t.idea_id))
        .collect();
    let idea_rows = ideas::find_many(&state.db, &idea_ids).await?;
    let assessor_ids: Vec<Uuid> = assignments.iter().map(|a| a.assessor_id).collect();
    let people = users::find_many(&state.db, &assessor_ids).await?;
    let title = |id: Uuid| idea_rows.iter().find(|i| i.id == id).map(|i| i.title.clone());
    let overdue = assignments
        .iter()
        .filter_map(|a| {
            Some(Overdue {
                idea_id: a.idea_id,
                title: title(a.idea_id)?,
                assessor: people
                    .iter()
                    .find(|p| p.id == a.assessor_id)
                    .map(|p| p.display_name.clone())
                    .unwrap_or_default(),
                due_on: a.due_on?,
            })
        })
        .collect();
    let mut late_tests = Vec::new();
    for test in tests {
        let Some(idea) = idea_rows.iter().find(|i| i.id == test.idea_id) else {
            continue;
        };
        if ideas::state_of(idea)? != sluss_domain::idea::IdeaState::InTesting {
            continue;
        }
        late_tests.push(LateTest {
            idea_id: idea.id,
            title: idea.title.clone(),
            site: test.site,
            ends_on: test.ends_on,
        });
    }
    Ok((overdue, late_tests))
}
