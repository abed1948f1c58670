//! Everything stored about one person, and the erasure of their personal data.
//!
//! A person is referred to by id from challenges (owner), ideas (innovator), questions
//! (asker, answerer), assignments and scorecards (assessor), obstacles (reporter),
//! sessions and events (actor, or subject for account events); by e-mail from idea teams
//! and, as a hash, from the login-failure log and the figures' read model. Milestones and
//! spread activities record no person. Erasure keeps every id and rewrites only what identifies the person.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use sluss_domain::event::{EventKind, UserEventKind};
use sluss_domain::figures::TeamMember;
use sluss_domain::privacy::{ERASED_NAME, ERASED_STATE, UNUSABLE_PASSWORD_HASH, erased_email};
use sluss_domain::{Role, UserId};
use uuid::Uuid;

use super::entities::{
    assignments, auth_failures, challenges, events, ideas, obstacles, questions, scorecards, sessions, users,
};
use super::idempotency::entity as idempotency_keys;
use super::{Deferring, RepoError, figures, figures_model};

/// Every row that refers to one person, oldest first.
#[derive(Debug)]
pub struct Footprint {
    /// The account.
    pub user: users::Model,
    /// Live sessions.
    pub sessions: Vec<sessions::Model>,
    /// Challenges the person owns.
    pub challenges: Vec<challenges::Model>,
    /// Ideas the person wrote.
    pub ideas: Vec<ideas::Model>,
    /// Other people's ideas whose team lists the person's e-mail.
    pub listed_on: Vec<ideas::Model>,
    /// Questions the person asked.
    pub questions_asked: Vec<questions::Model>,
    /// Questions the person answered.
    pub questions_answered: Vec<questions::Model>,
    /// The person's assignments as an assessor.
    pub assignments: Vec<assignments::Model>,
    /// The person's scorecards.
    pub scorecards: Vec<scorecards::Model>,
    /// Obstacles the person reported.
    pub obstacles: Vec<obstacles::Model>,
    /// Files the person uploaded.
    pub files: Vec<super::entities::attachments::Model>,
    /// The versions of the privacy notice the person accepted, and when.
    pub consents: Vec<super::entities::privacy_consents::Model>,
    /// The person's personal API tokens (their hashes are never shown).
    pub api_tokens: Vec<super::api_tokens::entity::Model>,
    /// The accounts at identity providers that sign in as the person.
    pub identities: Vec<super::entities::user_identities::Model>,
    /// Events the person acted in, and events about the account.
    pub events: Vec<events::Model>,
}

/// Reads everything stored about `user`.
pub async fn footprint(db: &impl ConnectionTrait, user: users::Model) -> Result<Footprint, RepoError> {
    let id = user.id;
    let listed_on = listing(db, &user.email)
        .await?
        .into_iter()
        .filter(|idea| idea.innovator_id != id)
        .collect();
    Ok(Footprint {
        sessions: sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(id))
            .order_by_asc(sessions::Column::CreatedAt)
            .all(db)
            .await?,
        challenges: challenges::Entity::find()
            .filter(challenges::Column::OwnerId.eq(id))
            .order_by_asc(challenges::Column::Id)
            .all(db)
            .await?,
        ideas: ideas::Entity::find()
            .filter(ideas::Column::InnovatorId.eq(id))
            .order_by_asc(ideas::Column::Id)
            .all(db)
            .await?,
        listed_on,
        questions_asked: questions::Entity::find()
            .filter(questions::Column::AskedBy.eq(id))
            .order_by_asc(questions::Column::Id)
            .all(db)
            .await?,
        questions_answered: questions::Entity::find()
            .filter(questions::Column::AnsweredBy.eq(id))
            .order_by_asc(questions::Column::Id)
            .all(db)
            .await?,
        assignments: assignments::Entity::find()
            .filter(assignments::Column::AssessorId.eq(id))
            .order_by_asc(assignments::Column::Id)
            .all(db)
            .await?,
        scorecards: scorecards::Entity::find()
            .filter(scorecards::Column::AssessorId.eq(id))
            .order_by_asc(scorecards::Column::SubmittedAt)
            .all(db)
            .await?,
        obstacles: obstacles::Entity::find()
            .filter(obstacles::Column::ReportedBy.eq(id))
            .order_by_asc(obstacles::Column::Id)
            .all(db)
            .await?,
        files: super::attachments::uploaded_by(db, id).await?,
        consents: super::site::consents_of(db, id).await?,
        api_tokens: super::api_tokens::list(db, id).await?,
        identities: super::identities::of_user(db, id).await?,
        events: events::Entity::find()
            .filter(
                Condition::any()
                    .add(events::Column::ActorId.eq(id))
                    .add(events::Column::SubjectId.eq(id)),
            )
            .order_by_asc(events::Column::Seq)
            .all(db)
            .await?,
        user,
    })
}

/// The team entries of a stored team that carry `email`.
pub fn members_with<'a>(team: &'a str, email: &'a str) -> impl Iterator<Item = Value> + 'a {
    serde_json::from_str::<Vec<Value>>(team)
        .unwrap_or_default()
        .into_iter()
        .filter(move |member| names(member, email))
}

fn names(member: &Value, email: &str) -> bool {
    member.get("email").and_then(Value::as_str) == Some(email)
}

/// Every idea whose team lists `email`. The team is a JSON column, so this reads the
/// ideas whose text contains the address (LIKE's wildcards only widen it) and keeps those
/// that list it; a scan, acceptable for a request as rare as an export or an erasure.
pub async fn listing(db: &impl ConnectionTrait, email: &str) -> Result<Vec<ideas::Model>, RepoError> {
    let candidates = ideas::Entity::find()
        .filter(ideas::Column::Team.contains(email))
        .order_by_asc(ideas::Column::Id)
        .all(db)
        .await?;
    Ok(candidates
        .into_iter()
        .filter(|idea| members_with(&idea.team, email).next().is_some())
        .collect())
}

/// Whether the account's data has been erased (its history holds an erasure).
pub async fn is_erased(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, RepoError> {
    let count = events::Entity::find()
        .filter(events::Column::SubjectId.eq(user_id))
        .filter(events::Column::SubjectType.eq(EventKind::User(UserEventKind::Erase).subject()))
        .filter(events::Column::Command.eq(UserEventKind::Erase.as_str()))
        .count(db)
        .await?;
    Ok(count > 0)
}

/// How many active facilitators there are besides `user_id`.
pub async fn other_active_facilitators(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, RepoError> {
    Ok(users::Entity::find()
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Roles.like(format!("%{}%", Role::Facilitator.as_str())))
        .filter(users::Column::Id.ne(user_id))
        .count(db)
        .await?)
}

/// What an erasure rewrote, for its event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Erased {
    /// Team entries removed from ideas.
    pub team_entries: usize,
    /// Ideas whose team changed.
    pub ideas: usize,
    /// Event payloads rewritten.
    pub events: usize,
    /// Stored answers of idempotent requests forgotten.
    pub stored_answers: usize,
}

/// Deletes the stored answers of idempotent requests (kept for a day so retries replay)
/// that are the person's own or that name the person: their account as registered or
/// created by a facilitator, their ideas with their team. A retry with such a key then
/// runs anew instead of replaying the person's data.
async fn forget_stored_answers(db: &impl ConnectionTrait, user: &users::Model) -> Result<usize, RepoError> {
    let id = user.id.to_string();
    let scope = format!("user:{id}");
    let mut doomed = Vec::new();
    for row in idempotency_keys::Entity::find().all(db).await? {
        let body = row.body.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
        if row.scope == scope || body.contains(&id) || body.contains(&user.email) {
            doomed.push(row.id);
        }
    }
    if !doomed.is_empty() {
        idempotency_keys::Entity::delete_many()
            .filter(idempotency_keys::Column::Id.is_in(doomed.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(doomed.len())
}

/// Erases the personal data of `user` (read in this transaction, at its version): drops
/// the person from the teams of `listed` ideas, rewrites event payloads that hold the
/// e-mail or the account's own data, forgets login failures under `login_key`, ends the
/// sessions and replaces the account's e-mail, name, organisation and password hash.
/// Returns the account as it is afterwards.
pub async fn erase(
    db: &impl Deferring,
    user: &users::Model,
    listed: &[Uuid],
    login_key: &str,
    now: DateTime<Utc>,
) -> Result<(users::Model, Erased), RepoError> {
    let mut erased = Erased::default();
    let mut subjects = vec![user.id];
    for id in listed {
        if let Some(removed) = drop_from_team(db, *id, &user.email, now).await? {
            erased.team_entries += removed;
            erased.ideas += 1;
            subjects.push(*id);
        }
    }
    super::invitations::forget(db, user.id, &user.email).await?;
    super::identities::forget(db, user.id).await?;
    erased.events = scrub_events(db, &subjects, user).await?;
    scrub_webhook_deliveries(db, &subjects, user).await?;
    erased.stored_answers = forget_stored_answers(db, user).await?;
    auth_failures::Entity::delete_many()
        .filter(auth_failures::Column::Key.eq(login_key))
        .exec(db)
        .await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user.id))
        .exec(db)
        .await?;
    // Personal API tokens and two-factor sign-in (SPEC §16) go with the sessions.
    super::api_tokens::delete_for_user(db, user.id).await?;
    super::two_factor::clear(db, user.id).await?;
    let result = users::Entity::update_many()
        .col_expr(users::Column::Email, Expr::value(erased_email(UserId(user.id))))
        .col_expr(users::Column::DisplayName, Expr::value(ERASED_NAME))
        .col_expr(users::Column::Organisation, Expr::value(Option::<String>::None))
        .col_expr(users::Column::PasswordHash, Expr::value(UNUSABLE_PASSWORD_HASH))
        .col_expr(users::Column::Active, Expr::value(false))
        .col_expr(users::Column::Version, Expr::col(users::Column::Version).add(1))
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user.id))
        .filter(users::Column::Version.eq(user.version))
        .exec(db)
        .await?;
    let row = users::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .ok_or(RepoError::NotFound)?;
    if result.rows_affected == 0 {
        return Err(RepoError::StaleVersion { current: row.version });
    }
    Ok((row, erased))
}

/// Removes the entries with `email` from one idea's team; how many, if any. The idea's
/// version moves on, so a client holding the old team learns of the change, and the
/// funder's figures, which read the team as it is, forget them too.
async fn drop_from_team(
    db: &impl Deferring,
    idea_id: Uuid,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Option<usize>, RepoError> {
    let Some(idea) = ideas::Entity::find_by_id(idea_id).one(db).await? else {
        return Ok(None);
    };
    let mut team: Vec<Value> = serde_json::from_str(&idea.team).unwrap_or_default();
    let before = team.len();
    let leaving: Vec<TeamMember> = team
        .iter()
        .filter(|member| names(member, email))
        .map(figures::team_member)
        .collect();
    team.retain(|member| !names(member, email));
    let removed = before - team.len();
    if removed == 0 {
        return Ok(None);
    }
    let result = ideas::Entity::update_many()
        .col_expr(ideas::Column::Team, Expr::value(Value::Array(team).to_string()))
        .col_expr(ideas::Column::Version, Expr::col(ideas::Column::Version).add(1))
        .col_expr(ideas::Column::UpdatedAt, Expr::value(now))
        .filter(ideas::Column::Id.eq(idea_id))
        .filter(ideas::Column::Version.eq(idea.version))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(RepoError::Conflict(
            sluss_domain::ConflictReason::IdeaChangedDuringErasure,
        ));
    }
    figures_model::forget_team_members(db, &idea, &leaving).await?;
    Ok(Some(removed))
}

/// Rewrites the payloads of the events about `subjects` (the account and the ideas whose
/// team named the person) that hold the person's data; how many. Seq, command, states,
/// actor and time stay as they were.
async fn scrub_events(db: &impl ConnectionTrait, subjects: &[Uuid], user: &users::Model) -> Result<usize, RepoError> {
    let rows = events::Entity::find()
        .filter(events::Column::SubjectId.is_in(subjects.iter().copied()))
        .order_by_asc(events::Column::Seq)
        .all(db)
        .await?;
    let placeholder = erased_email(UserId(user.id));
    let mut rewritten = 0;
    for row in rows {
        let Ok(mut payload) = serde_json::from_str::<Value>(&row.payload) else {
            continue;
        };
        let about_account = row.subject_id == user.id;
        if scrub(&mut payload, &user.email, &placeholder, about_account) {
            events::Entity::update_many()
                .col_expr(events::Column::Payload, Expr::value(payload.to_string()))
                .filter(events::Column::Seq.eq(row.seq))
                .exec(db)
                .await?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// Rewrites the bodies of the webhook deliveries about `subjects` (the ideas whose team
/// named the person) that hold the person's e-mail and name, sent or still to be sent.
async fn scrub_webhook_deliveries(
    db: &impl ConnectionTrait,
    subjects: &[Uuid],
    user: &users::Model,
) -> Result<(), RepoError> {
    let placeholder = erased_email(UserId(user.id));
    for delivery in super::webhooks::about(db, subjects).await? {
        let Ok(mut body) = serde_json::from_str::<Value>(&delivery.body) else {
            continue;
        };
        if scrub(&mut body, &user.email, &placeholder, false) {
            super::webhooks::rewrite_body(db, delivery.id, &body.to_string()).await?;
        }
    }
    Ok(())
}

/// Replaces `email` wherever it appears in `value`, the name beside it in `{name, email}`
/// entries and, in an event about the account itself, its name and organisation fields.
/// Whether anything changed.
pub fn scrub(value: &mut Value, email: &str, placeholder: &str, about_account: bool) -> bool {
    match value {
        Value::String(text) if text.contains(email) => {
            *text = text.replace(email, placeholder);
            true
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
            scrub(item, email, placeholder, about_account) | changed
        }),
        Value::Object(fields) => {
            let mut changed = false;
            let names_person = fields.get("email").and_then(Value::as_str) == Some(email);
            for (key, field) in fields.iter_mut() {
                let replacement = match key.as_str() {
                    "name" if names_person => Some(Value::from(ERASED_NAME)),
                    "display_name" if about_account => Some(Value::from(ERASED_NAME)),
                    "organisation" if about_account => Some(Value::Null),
                    _ => None,
                };
                match replacement {
                    Some(replacement) if *field != replacement => {
                        *field = replacement;
                        changed = true;
                    }
                    Some(_) => {}
                    None => changed |= scrub(field, email, placeholder, about_account),
                }
            }
            changed
        }
        _ => false,
    }
}

/// The lifecycle state of an account, as its history names it.
pub fn account_state(user: &users::Model, erased: bool) -> &'static str {
    if erased {
        ERASED_STATE
    } else if user.active {
        "active"
    } else {
        "deactivated"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EMAIL: &str = "anna@example.org";
    const PLACEHOLDER: &str = "erased-1@invalid";

    #[test]
    fn a_team_entry_loses_the_address_and_the_name_beside_it() {
        let mut payload =
            json!({ "team": [{ "name": "Anna", "email": EMAIL }, { "name": "Bo", "email": "bo@example.org" }] });
        assert!(scrub(&mut payload, EMAIL, PLACEHOLDER, false));
        assert_eq!(
            payload,
            json!({ "team": [{ "name": ERASED_NAME, "email": PLACEHOLDER }, { "name": "Bo", "email": "bo@example.org" }] })
        );
    }

    #[test]
    fn the_address_inside_a_text_is_replaced() {
        let mut payload = json!({ "note": format!("write to {EMAIL} please") });
        assert!(scrub(&mut payload, EMAIL, PLACEHOLDER, false));
        assert_eq!(payload, json!({ "note": format!("write to {PLACEHOLDER} please") }));
    }

    #[test]
    fn an_account_event_loses_name_and_organisation_but_others_keep_theirs() {
        let original = json!({ "email": EMAIL, "display_name": "Anna", "organisation": "Brf", "roles": ["innovator"] });
        let mut about = original.clone();
        assert!(scrub(&mut about, EMAIL, PLACEHOLDER, true));
        assert_eq!(
            about,
            json!({ "email": PLACEHOLDER, "display_name": ERASED_NAME, "organisation": null, "roles": ["innovator"] })
        );
        let mut other = json!({ "display_name": "Bo", "organisation": "Brf" });
        assert!(!scrub(&mut other, EMAIL, PLACEHOLDER, false));
    }

    #[test]
    fn a_payload_without_the_person_is_left_alone() {
        let mut payload = json!({ "fields": ["title"], "challenge_id": "x", "roles": ["assessor"] });
        assert!(!scrub(&mut payload, EMAIL, PLACEHOLDER, true));
    }

    #[test]
    fn members_are_found_by_exact_address() {
        let team = json!([{ "name": "A", "email": EMAIL }, { "name": "B", "email": "xanna@example.org" }]).to_string();
        assert_eq!(members_with(&team, EMAIL).count(), 1);
        assert_eq!(members_with("not json", EMAIL).count(), 0);
    }
}
