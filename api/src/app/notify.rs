//! Telling people (SPEC §11.1): the notifications of an accepted command, written in the
//! command's own transaction, so that none is lost and none outlives a rollback. Who is
//! told is the domain's rule ([`sluss_domain::notify`]); this module finds the people and
//! what they may see.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sluss_domain::notify::{self as rules, Candidate, Party, Subject};
use sluss_domain::{Actor, Role, UserId, challenge as challenge_rules, idea as idea_rules};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::{challenges as challenge_rows, ideas as idea_rows, users as user_rows};
use crate::persistence::mail::{self as mail_repo, Letter};
use crate::persistence::notifications::{self as repo, NewNotification};
use crate::persistence::{WriteTx, challenges, ideas, users};

/// The most facilitators told of one thing.
const FACILITATORS_TOLD: u64 = 1_000;

/// What was acted on.
#[derive(Debug, Clone, Copy)]
pub enum About<'a> {
    /// A challenge; for a question on it, who asked.
    Challenge {
        /// The challenge as it is after the command.
        row: &'a challenge_rows::Model,
        /// Who asked the question answered.
        asker: Option<Uuid>,
    },
    /// An idea; for an assignment, its assessor.
    Idea {
        /// The idea as it is after the command.
        row: &'a idea_rows::Model,
        /// The assessor assigned.
        assessor: Option<Uuid>,
    },
}

impl About<'_> {
    fn page(&self) -> (&'static str, Uuid, &str) {
        match self {
            About::Challenge { row, .. } => ("challenge", row.id, &row.title),
            About::Idea { row, .. } => ("idea", row.id, &row.title),
        }
    }
}

/// Tells the parties of `command` on `subject` that `actor` did it, as of `at`; with
/// `mail`, those who want e-mail get one too (queued in the same transaction).
#[allow(clippy::too_many_arguments)]
pub async fn tell(
    tx: &WriteTx,
    mail: bool,
    subject: Subject,
    command: &str,
    about: About<'_>,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let parties = rules::parties(subject, command);
    if parties.is_empty() {
        return Ok(());
    }
    let mut named: Vec<Uuid> = Vec::new();
    let mut people: HashMap<Uuid, user_rows::Model> = HashMap::new();
    for party in parties {
        match (party, about) {
            (Party::Facilitators, _) => {
                for row in users::active_holders(tx, Role::Facilitator, None, FACILITATORS_TOLD).await? {
                    named.push(row.id);
                    people.insert(row.id, row);
                }
            }
            (Party::ChallengeOwner, About::Challenge { row, .. }) => named.push(row.owner_id),
            (Party::ChallengeOwner, About::Idea { row, .. }) => named.push(row.challenge_owner_id),
            (Party::Innovator, About::Idea { row, .. }) => named.push(row.innovator_id),
            (Party::Asker, About::Challenge { asker, .. }) => named.extend(asker),
            (Party::Assessor, About::Idea { assessor, .. }) => named.extend(assessor),
            (Party::Innovator, About::Challenge { .. })
            | (Party::Asker, About::Idea { .. })
            | (Party::Assessor, About::Challenge { .. }) => {}
        }
    }
    let unknown: Vec<Uuid> = named.iter().copied().filter(|id| !people.contains_key(id)).collect();
    for row in users::find_many(tx, &unknown).await? {
        people.insert(row.id, row);
    }
    let mut candidates = Vec::with_capacity(named.len());
    for id in &named {
        let Some(person) = people.get(id) else { continue };
        let them = Actor {
            id: UserId(person.id),
            roles: users::roles_of(person)?,
        };
        let may_see = match about {
            About::Challenge { row, .. } => challenge_rules::can_view(&challenges::to_domain(row)?, Some(&them)),
            About::Idea { row, assessor } => {
                idea_rules::can_view(&ideas::to_domain(row)?, Some(&them), assessor == Some(person.id))
            }
        };
        candidates.push(Candidate {
            id: them.id,
            active: person.active,
            may_see,
        });
    }
    let (subject_type, subject_id, title) = about.page();
    for recipient in rules::recipients(actor.id, &candidates) {
        let notification = repo::insert(
            tx,
            NewNotification {
                recipient_id: recipient.as_uuid(),
                kind: command,
                subject_type,
                subject_id,
                title,
                at,
            },
        )
        .await?;
        let wants_mail = people.get(&recipient.as_uuid()).is_some_and(|p| p.email_notifications);
        if mail && wants_mail {
            mail_repo::enqueue(tx, recipient.as_uuid(), Letter::Notification(notification), at).await?;
        }
    }
    Ok(())
}
