//! A person's copy of everything stored about them: the parts of an export.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use super::ideas::{Idea, IdeaNames, TeamMember};
use super::users::User;
use crate::error::ApiError;
use crate::persistence::entities::events as event_rows;
use crate::persistence::privacy::{Footprint, members_with};
use crate::persistence::stored;
use crate::views::api_tokens::ApiToken;
use crate::views::attachments::FileRecord;
use crate::views::site::Consent;

/// A signed-in session, without its token.
#[derive(Debug, Clone, Object)]
pub struct SessionRecord {
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A challenge the person owns.
#[derive(Debug, Clone, Object)]
pub struct ChallengeRecord {
    /// Identifier.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Where the need is.
    pub location: Option<String>,
    /// The facilitators' latest feedback.
    pub feedback: Option<String>,
    /// Lifecycle state.
    pub state: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The person as a co-applicant on someone else's idea: only their own entry.
#[derive(Debug, Clone, Object)]
pub struct TeamListing {
    /// The idea.
    pub idea_id: Uuid,
    /// The entry naming the person.
    pub member: TeamMember,
}

/// A question the person asked.
#[derive(Debug, Clone, Object)]
pub struct QuestionRecord {
    /// Identifier.
    pub id: Uuid,
    /// The challenge asked about.
    pub challenge_id: Uuid,
    /// The question.
    pub text: String,
    /// When.
    pub asked_at: DateTime<Utc>,
}

/// An answer the person gave.
#[derive(Debug, Clone, Object)]
pub struct AnswerRecord {
    /// The question answered.
    pub question_id: Uuid,
    /// Its challenge.
    pub challenge_id: Uuid,
    /// The answer.
    pub text: String,
    /// When.
    pub answered_at: Option<DateTime<Utc>>,
}

/// An assignment of the person as an assessor, with any conflict of interest declared.
#[derive(Debug, Clone, Object)]
pub struct AssignmentRecord {
    /// Identifier.
    pub id: Uuid,
    /// The idea to score.
    pub idea_id: Uuid,
    /// `assigned`, `conflict_declared` or `submitted`.
    pub state: String,
    /// The conflict of interest declared, if any.
    pub conflict_reason: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A scorecard of the person.
#[derive(Debug, Clone, Object)]
pub struct ScorecardRecord {
    /// The assignment it answers.
    pub assignment_id: Uuid,
    /// The idea scored.
    pub idea_id: Uuid,
    /// Criterion key → score.
    pub scores: serde_json::Value,
    /// The comment.
    pub comment: String,
    /// When first submitted.
    pub submitted_at: DateTime<Utc>,
    /// When last revised.
    pub updated_at: DateTime<Utc>,
}

/// An obstacle the person logged.
#[derive(Debug, Clone, Object)]
pub struct ObstacleRecord {
    /// Identifier.
    pub id: Uuid,
    /// `challenge` or `idea`.
    pub subject_type: String,
    /// The challenge or idea.
    pub subject_id: Uuid,
    /// Kind of obstacle.
    pub category: String,
    /// What happened.
    pub description: String,
    /// The step it blocked (1..5).
    pub step: i16,
    /// When.
    pub reported_at: DateTime<Utc>,
}

/// An event the person acted in, or one about their account.
#[derive(Debug, Clone, Object)]
pub struct EventRecord {
    /// Position in the log.
    pub seq: i64,
    /// `challenge`, `idea`, `arena`, `user`, …
    pub subject_type: String,
    /// What it is about.
    pub subject_id: Uuid,
    /// The command, snake_case.
    pub command: String,
    /// The state before.
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// Who acted.
    pub actor_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// The command's data.
    pub payload: serde_json::Value,
}

/// An account at an OpenID Connect provider that signs in as the person.
#[derive(Debug, Clone, Object)]
pub struct IdentityRecord {
    /// The provider.
    pub issuer: String,
    /// The person's `sub` there.
    pub subject: String,
    /// When it was linked.
    pub created_at: DateTime<Utc>,
    /// When it last signed in.
    pub last_sign_in_at: DateTime<Utc>,
}

/// Everything sluss stores about one person. Never a password hash or a token.
/// Milestones and spread activities are not kept per person, so they are not here.
#[derive(Debug, Clone, Object)]
pub struct PersonalData {
    /// When this copy was made.
    pub exported_at: DateTime<Utc>,
    /// The account.
    pub user: User,
    /// Live sessions, by time only.
    pub sessions: Vec<SessionRecord>,
    /// Challenges owned.
    pub challenges: Vec<ChallengeRecord>,
    /// Ideas written, with their teams.
    pub ideas: Vec<Idea>,
    /// Other people's ideas whose team lists the person.
    pub team_listings: Vec<TeamListing>,
    /// Questions asked.
    pub questions: Vec<QuestionRecord>,
    /// Answers given.
    pub answers: Vec<AnswerRecord>,
    /// Assignments as an assessor, conflicts of interest included.
    pub assignments: Vec<AssignmentRecord>,
    /// Scorecards.
    pub scorecards: Vec<ScorecardRecord>,
    /// Obstacles logged.
    pub obstacles: Vec<ObstacleRecord>,
    /// Files uploaded (SPEC §15), each with the link to its bytes.
    pub files: Vec<FileRecord>,
    /// The versions of the privacy notice accepted, and when (SPEC §16).
    pub privacy_consents: Vec<Consent>,
    /// Personal API tokens, by name and dates (never the token).
    pub api_tokens: Vec<ApiToken>,
    /// Accounts at the city's identity provider that sign in as the person (SPEC §16).
    pub identities: Vec<IdentityRecord>,
    /// Events the person acted in, and events about the account, oldest first.
    pub events: Vec<EventRecord>,
}

impl PersonalData {
    /// The copy of what `footprint` holds, made at `now`; `names` holds the person's own
    /// name and organisation, named on their ideas.
    pub fn from_footprint(footprint: Footprint, names: &IdeaNames, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let email = footprint.user.email.clone();
        let team_listings = footprint
            .listed_on
            .iter()
            .flat_map(|idea| members_with(&idea.team, &email).map(move |member| (idea.id, member)))
            .map(|(idea_id, member)| {
                let member = stored(serde_json::from_value(member).ok(), "ideas.team", &idea_id.to_string())?;
                Ok(TeamListing { idea_id, member })
            })
            .collect::<Result<_, ApiError>>()?;
        Ok(Self {
            exported_at: now,
            user: User::from_row(footprint.user)?,
            sessions: footprint
                .sessions
                .into_iter()
                .map(|s| SessionRecord {
                    created_at: s.created_at,
                    expires_at: s.expires_at,
                })
                .collect(),
            challenges: footprint
                .challenges
                .into_iter()
                .map(|c| ChallengeRecord {
                    id: c.id,
                    title: c.title,
                    summary: c.summary,
                    description: c.description,
                    location: c.location,
                    feedback: c.feedback,
                    state: c.state,
                    created_at: c.created_at,
                    updated_at: c.updated_at,
                })
                .collect(),
            ideas: footprint
                .ideas
                .into_iter()
                .map(|idea| Idea::from_row(idea, false, names))
                .collect::<Result<_, _>>()?,
            team_listings,
            questions: footprint
                .questions_asked
                .into_iter()
                .map(|q| QuestionRecord {
                    id: q.id,
                    challenge_id: q.challenge_id,
                    text: q.text,
                    asked_at: q.asked_at,
                })
                .collect(),
            answers: footprint
                .questions_answered
                .into_iter()
                .map(|q| AnswerRecord {
                    question_id: q.id,
                    challenge_id: q.challenge_id,
                    text: q.answer_text.unwrap_or_default(),
                    answered_at: q.answered_at,
                })
                .collect(),
            assignments: footprint
                .assignments
                .into_iter()
                .map(|a| AssignmentRecord {
                    id: a.id,
                    idea_id: a.idea_id,
                    state: a.state,
                    conflict_reason: a.conflict_reason,
                    created_at: a.created_at,
                })
                .collect(),
            scorecards: footprint
                .scorecards
                .into_iter()
                .map(|card| {
                    let scores = stored(
                        serde_json::from_str(&card.scores).ok(),
                        "scorecards.scores",
                        &card.scores,
                    )?;
                    Ok(ScorecardRecord {
                        assignment_id: card.assignment_id,
                        idea_id: card.idea_id,
                        scores,
                        comment: card.comment,
                        submitted_at: card.submitted_at,
                        updated_at: card.updated_at,
                    })
                })
                .collect::<Result<_, ApiError>>()?,
            obstacles: footprint
                .obstacles
                .into_iter()
                .map(|o| ObstacleRecord {
                    id: o.id,
                    subject_type: o.subject_type,
                    subject_id: o.subject_id,
                    category: o.category,
                    description: o.description,
                    step: o.step,
                    reported_at: o.reported_at,
                })
                .collect(),
            files: footprint.files.into_iter().map(FileRecord::from_row).collect(),
            privacy_consents: footprint.consents.into_iter().map(Consent::from).collect(),
            api_tokens: footprint.api_tokens.into_iter().map(ApiToken::from).collect(),
            identities: footprint
                .identities
                .into_iter()
                .map(|row| IdentityRecord {
                    issuer: row.issuer,
                    subject: row.subject,
                    created_at: row.created_at,
                    last_sign_in_at: row.last_sign_in_at,
                })
                .collect(),
            events: footprint.events.into_iter().map(event_record).collect(),
        })
    }
}

fn event_record(row: event_rows::Model) -> EventRecord {
    EventRecord {
        payload: serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null),
        seq: row.seq,
        subject_type: row.subject_type,
        subject_id: row.subject_id,
        command: row.command,
        from_state: row.from_state,
        to_state: row.to_state,
        actor_id: row.actor_id,
        at: row.at,
    }
}
