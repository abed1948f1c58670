//! Telling people (SPEC §11.1): the notifications of an accepted event, written in the
//! event's own transaction by the journal, so that none is lost and none outlives a rollback. Who is
//! told is the domain's rule ([`sluss_domain::notify`]); this module finds the people and
//! what they may see.

use std::collections::HashMap;

use sluss_domain::notify::{self as rules, Candidate, Party};
use sluss_domain::{Actor, Role, UserId, challenge as challenge_rules, idea as idea_rules};
use uuid::Uuid;

use super::journal::{Entry, Subject};
use crate::error::ApiError;
use crate::persistence::entities::users as user_rows;
use crate::persistence::mail::{self as mail_repo, Letter};
use crate::persistence::notifications::{self as repo, NewNotification};
use crate::persistence::{WriteTx, challenges, ideas, invitations, users};

/// The most facilitators told of one thing.
const FACILITATORS_TOLD: u64 = 1_000;

/// The page of what a notification is about: challenges and ideas have one; the rest
/// tell nobody.
fn page<'a>(subject: &Subject<'a>) -> Option<(&'static str, Uuid, &'a str)> {
    match *subject {
        Subject::Challenge { row, .. } => Some(("challenge", row.id, &row.title)),
        Subject::Idea { row, .. } => Some(("idea", row.id, &row.title)),
        Subject::Arena(..) | Subject::User(..) | Subject::Organisation(..) => None,
    }
}

/// Tells the parties of the event `entry` (journal's follower); with `mail`, those who
/// want e-mail get one too (queued in the same transaction).
pub async fn tell(tx: &WriteTx, mail: bool, entry: &Entry<'_>) -> Result<(), ApiError> {
    let about = entry.subject;
    let parties = rules::parties(about.kind());
    let Some((subject_type, subject_id, title)) = page(&about) else {
        return Ok(());
    };
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
            (Party::ChallengeOwner, Subject::Challenge { row, .. }) => named.push(row.owner_id),
            (Party::ChallengeOwner, Subject::Idea { row, .. }) => named.push(row.challenge_owner_id),
            (Party::Innovator, Subject::Idea { row, .. }) => {
                // The accepted team members are told as the innovator is (SPEC §14.2).
                named.push(row.innovator_id);
                named.extend(invitations::member_ids(row)?.iter().map(UserId::as_uuid));
            }
            (Party::Asker, Subject::Challenge { asker, .. }) => named.extend(asker),
            (Party::Assessor, Subject::Idea { assessor, .. }) => named.extend(assessor),
            (Party::Innovator | Party::Asker | Party::Assessor | Party::ChallengeOwner, _) => {}
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
            Subject::Challenge { row, .. } => challenge_rules::can_view(&challenges::to_domain(row)?, Some(&them)),
            Subject::Idea { row, assessor, .. } => {
                idea_rules::can_view(&ideas::to_domain(row)?, Some(&them), assessor == Some(person.id))
            }
            Subject::Arena(..) | Subject::User(..) | Subject::Organisation(..) => false,
        };
        candidates.push(Candidate {
            id: them.id,
            active: person.active,
            may_see,
        });
    }
    for recipient in rules::recipients(entry.actor, &candidates) {
        let notification = repo::insert(
            tx,
            NewNotification {
                recipient_id: recipient.as_uuid(),
                kind: about.kind().as_str(),
                subject_type,
                subject_id,
                title,
                at: entry.at,
            },
        )
        .await?;
        let wants_mail = people.get(&recipient.as_uuid()).is_some_and(|p| p.email_notifications);
        if mail && wants_mail {
            mail_repo::enqueue(tx, recipient.as_uuid(), Letter::Notification(notification), entry.at).await?;
        }
    }
    Ok(())
}
