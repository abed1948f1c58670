//! sea-orm entities, one module per table. Enums are stored as their snake_case names and
//! converted to domain types in the repository modules.

/// Accounts.
pub mod users {
    use sea_orm::entity::prelude::*;

    /// A row of `users`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub email: String,
        pub display_name: String,
        pub organisation: Option<String>,
        pub organisation_id: Option<Uuid>,
        pub roles: String,
        pub password_hash: String,
        pub active: bool,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub locale: String,
        pub email_notifications: bool,
        pub email_confirmed_at: Option<DateTimeUtc>,
        /// When the account last signed in or used a token (retention, ADR 0038).
        pub last_active_at: Option<DateTimeUtc>,
        /// When it was last warned that it is about to be erased for want of use.
        pub retention_warned_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Bearer tokens, stored as SHA-256 hashes.
pub mod sessions {
    use sea_orm::entity::prelude::*;

    /// A row of `sessions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: Uuid,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// The signed-in user.
        #[sea_orm(
            belongs_to = "super::users::Entity",
            from = "Column::UserId",
            to = "super::users::Column::Id"
        )]
        User,
    }

    impl Related<super::users::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Failed logins and registrations, for throttling.
pub mod auth_failures {
    use sea_orm::entity::prelude::*;

    /// A row of `auth_failures`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "auth_failures")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub key: String,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Matching arenas.
pub mod arenas {
    use sea_orm::entity::prelude::*;

    /// A row of `arenas`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "arenas")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub kind: String,
        pub description: String,
        pub location: Option<String>,
        pub starts_at: Option<DateTimeUtc>,
        pub ends_at: Option<DateTimeUtc>,
        pub state: String,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Challenges (step 1).
pub mod challenges {
    use sea_orm::entity::prelude::*;

    /// A row of `challenges`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "challenges")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub owner_id: Uuid,
        pub title: String,
        pub summary: String,
        pub description: String,
        pub location: Option<String>,
        /// SDG numbers as `,3,11,` so one goal is found with `LIKE '%,11,%'`.
        pub sdgs: String,
        pub arena_id: Option<Uuid>,
        pub organisation_id: Option<Uuid>,
        pub ideas_close_at: Option<DateTimeUtc>,
        pub blind_assessment: bool,
        pub feedback: Option<String>,
        pub state: String,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The append-only event log.
pub mod events {
    use sea_orm::entity::prelude::*;

    /// A row of `events`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub subject_type: String,
        pub subject_id: Uuid,
        pub command: String,
        pub from_state: Option<String>,
        pub to_state: String,
        pub actor_id: Uuid,
        pub at: DateTimeUtc,
        pub payload: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Ideas (steps 2 to 5).
pub mod ideas {
    use sea_orm::entity::prelude::*;

    /// A row of `ideas`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ideas")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub challenge_id: Uuid,
        /// Copied from the challenge (which never changes owner) so visibility filters need no join.
        pub challenge_owner_id: Uuid,
        pub innovator_id: Uuid,
        pub title: String,
        pub summary: String,
        pub description: String,
        /// Co-applicants as a JSON array of `{name, email}`.
        pub team: String,
        /// SDG numbers as `,3,11,`.
        pub sdgs: String,
        pub state: String,
        pub version: i64,
        pub submitted_at: Option<DateTimeUtc>,
        pub rubric_id: Option<Uuid>,
        pub decision_outcome: Option<String>,
        pub decision_feedback: Option<String>,
        pub decided_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// Copied from the challenge when drafted (it never changes once published).
        pub blind_assessment: bool,
        /// The accepted team members' accounts as a JSON array of ids, copied from
        /// `team_invitations` in the same transaction as each answer or team edit.
        pub member_ids: String,
        /// While on hold, the state it was held from and resumes to (SPEC §17).
        pub held_from: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Invitations of team members (SPEC §14.2).
pub mod team_invitations {
    use sea_orm::entity::prelude::*;

    /// A row of `team_invitations`: one invited address on one idea, and its answer.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "team_invitations")]
    pub struct Model {
        /// Also the token of the invitation's link.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub idea_id: Uuid,
        /// The address as the team entry gives it.
        pub email: String,
        /// The address trimmed and in lower case: what accounts are matched by.
        pub email_key: String,
        /// `invited`, `accepted` or `declined`.
        pub status: String,
        /// The account that accepted.
        pub user_id: Option<Uuid>,
        /// The account that saved the team with this address.
        pub invited_by: Uuid,
        pub created_at: DateTimeUtc,
        pub responded_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Questions on challenges.
pub mod questions {
    use sea_orm::entity::prelude::*;

    /// A row of `questions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "questions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub challenge_id: Uuid,
        pub text: String,
        pub asked_by: Uuid,
        pub asked_at: DateTimeUtc,
        pub answer_text: Option<String>,
        pub answered_by: Option<Uuid>,
        pub answered_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Scoring rubrics.
pub mod rubrics {
    use sea_orm::entity::prelude::*;

    /// A row of `rubrics`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rubrics")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub min_scorecards: i32,
        pub is_default: bool,
        /// The criteria as a JSON array.
        pub criteria: String,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Assessors assigned to ideas.
pub mod assignments {
    use sea_orm::entity::prelude::*;

    /// A row of `assignments`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assignments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub idea_id: Uuid,
        pub assessor_id: Uuid,
        pub state: String,
        pub conflict_reason: Option<String>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The day (in Stockholm) the scorecard is due, if any (SPEC §17).
        pub due_on: Option<Date>,
        /// When the assessor was reminded that it is due (two days before).
        pub reminded_due_at: Option<DateTimeUtc>,
        /// When the assessor was reminded that it is overdue (the day after).
        pub reminded_overdue_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Scorecards, one per assignment.
pub mod scorecards {
    use sea_orm::entity::prelude::*;

    /// A row of `scorecards`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scorecards")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub assignment_id: Uuid,
        pub idea_id: Uuid,
        pub assessor_id: Uuid,
        /// Criterion key → score, as a JSON object.
        pub scores: String,
        pub comment: String,
        pub submitted_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Incubators, science parks, business support.
pub mod support_organisations {
    use sea_orm::entity::prelude::*;

    /// A row of `support_organisations`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "support_organisations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub kind: String,
        pub description: String,
        pub contact_email: Option<String>,
        pub version: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Incubations, one per idea.
pub mod incubations {
    use sea_orm::entity::prelude::*;

    /// A row of `incubations`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub idea_id: Uuid,
        pub support_organisation_id: Uuid,
        pub plan: String,
        pub started_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Incubation milestones.
pub mod milestones {
    use sea_orm::entity::prelude::*;

    /// A row of `milestones`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "milestones")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub idea_id: Uuid,
        pub title: String,
        pub due_on: Option<Date>,
        pub done_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Tests at real sites, one per idea.
pub mod idea_tests {
    use sea_orm::entity::prelude::*;

    /// A row of `idea_tests`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idea_tests")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub idea_id: Uuid,
        /// The test's own id (SPEC §15's `/tests/{id}`), given to every test by the
        /// migration that added it.
        pub id: Option<Uuid>,
        pub site: String,
        pub host: String,
        pub host_organisation_id: Option<Uuid>,
        pub starts_on: Date,
        pub ends_on: Date,
        pub success_criteria: String,
        pub started_at: DateTimeUtc,
        pub outcome: Option<String>,
        pub results: Option<String>,
        pub lessons_learned: Option<String>,
        pub completed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Files on challenges, ideas and tests (SPEC §15); the bytes live in the object store.
pub mod attachments {
    use sea_orm::entity::prelude::*;

    /// A row of `attachments`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub parent_kind: String,
        pub parent_id: Uuid,
        pub idea_id: Option<Uuid>,
        pub filename: String,
        pub content_type: String,
        pub size: i64,
        pub sha256: String,
        pub description: Option<String>,
        pub uploaded_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Learning workshops, property-owner dialogues, publications.
pub mod spread_activities {
    use sea_orm::entity::prelude::*;

    /// A row of `spread_activities`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spread_activities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub idea_id: Uuid,
        pub kind: String,
        pub title: String,
        pub held_on: Date,
        pub notes: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The obstacle diary.
pub mod obstacles {
    use sea_orm::entity::prelude::*;

    /// A row of `obstacles`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "obstacles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub subject_type: String,
        pub subject_id: Uuid,
        pub category: String,
        pub description: String,
        pub step: i16,
        pub reported_by: Uuid,
        pub reported_at: DateTimeUtc,
        pub state: String,
        pub version: i64,
        pub raised_to: Option<String>,
        pub brief: Option<String>,
        pub answer: Option<String>,
        pub raised_at: Option<DateTimeUtc>,
        pub answered_at: Option<DateTimeUtc>,
        pub closed_at: Option<DateTimeUtc>,
        pub same_as: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The funnel's read model of each challenge (times in microseconds since the epoch).
pub mod funnel_challenges {
    use sea_orm::entity::prelude::*;

    /// A row of `funnel_challenges`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "funnel_challenges")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub challenge_id: Uuid,
        pub arena_id: Uuid,
        pub created_us: i64,
        pub state: String,
        pub published_us: Option<i64>,
        pub need_formulation_us: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The funnel's read model of each idea (times in microseconds since the epoch).
pub mod funnel_ideas {
    use sea_orm::entity::prelude::*;

    /// A row of `funnel_ideas`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "funnel_ideas")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub idea_id: Uuid,
        pub arena_id: Uuid,
        pub created_us: i64,
        pub state: String,
        pub submitted_us: Option<i64>,
        pub assessment_started_us: Option<i64>,
        pub decided_us: Option<i64>,
        pub qualified_us: Option<i64>,
        pub incubation_started_us: Option<i64>,
        pub testing_started_us: Option<i64>,
        pub completed_us: Option<i64>,
        pub adopted: bool,
        pub matching_us: Option<i64>,
        pub assessment_us: Option<i64>,
        pub incubation_us: Option<i64>,
        pub testing_us: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Notifications: one row per person told of an accepted command (SPEC §11.1).
pub mod notifications {
    use sea_orm::entity::prelude::*;

    /// A row of `notifications`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub recipient_id: Uuid,
        pub kind: String,
        pub subject_type: String,
        pub subject_id: Uuid,
        pub title: String,
        pub created_at: DateTimeUtc,
        pub read_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod mail_outbox {
    use sea_orm::entity::prelude::*;

    /// A row of `mail_outbox`: one e-mail to send, or sent, or given up.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_outbox")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub recipient_id: Uuid,
        pub notification_id: Option<Uuid>,
        pub reset_token: Option<String>,
        pub due_at: Option<DateTimeUtc>,
        pub attempts: i32,
        pub created_at: DateTimeUtc,
        pub sent_at: Option<DateTimeUtc>,
        pub last_error: Option<String>,
        pub letter: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod email_confirmations {
    use sea_orm::entity::prelude::*;

    /// A row of `email_confirmations`: a registration waiting for its address to be
    /// confirmed, with the values it was made with, and the hash of its link's token.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_confirmations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: Uuid,
        pub display_name: String,
        pub organisation: Option<String>,
        pub roles: String,
        pub password_hash: String,
        pub locale: String,
        pub next: Option<String>,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod password_resets {
    use sea_orm::entity::prelude::*;

    /// A row of `password_resets`: the hash of a link's token, valid until `expires_at`
    /// and once.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "password_resets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: Uuid,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod organisations {
    use sea_orm::entity::prelude::*;

    /// A row of `organisations`: the registry of who takes part.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub kind: String,
        pub org_number: Option<String>,
        pub website: Option<String>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Webhooks registered by facilitators (SPEC §11.3).
pub mod webhooks {
    use sea_orm::entity::prelude::*;

    /// A row of `webhooks`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhooks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub url: String,
        /// The event types or commands wanted, comma-separated; empty for every event.
        pub events: String,
        /// The signing key, as shown once at registration (ADR 0016).
        pub secret: String,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The webhook outbox: one row per event and hook that wants it.
pub mod webhook_deliveries {
    use sea_orm::entity::prelude::*;

    /// A row of `webhook_deliveries`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_deliveries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub webhook_id: Uuid,
        pub event_id: Uuid,
        pub event_type: String,
        pub subject_type: String,
        pub subject_id: Uuid,
        /// The JSON sent, fixed when the event happened.
        pub body: String,
        /// `pending`, `delivered` or `failed`.
        pub state: String,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Each attempt to send a webhook delivery.
pub mod webhook_attempts {
    use sea_orm::entity::prelude::*;

    /// A row of `webhook_attempts`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_attempts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub delivery_id: Uuid,
        pub attempted_at: DateTimeUtc,
        /// The receiver's HTTP status, when it answered.
        pub status_code: Option<i32>,
        /// Why no answer came (refused address, timeout, connection error).
        pub error: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The city's own site (SPEC §16): one row, `id` = 1, made by its migration.
pub mod site_settings {
    use sea_orm::entity::prelude::*;

    /// The row of `site_settings`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "site_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub site_name: Option<String>,
        pub primary_colour: Option<String>,
        pub contact_email: Option<String>,
        pub accessibility_sv: Option<String>,
        pub accessibility_en: Option<String>,
        pub accessibility_updated_at: Option<DateTimeUtc>,
        pub updated_at: Option<DateTimeUtc>,
        pub logo_content_type: Option<String>,
        pub logo_sha256: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The bytes of the city's logo: one row (`id` = 1) while there is one.
pub mod site_logo {
    use sea_orm::entity::prelude::*;

    /// The row of `site_logo`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "site_logo")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub bytes: Vec<u8>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Every version of the privacy notice ever published; the highest is in force.
pub mod privacy_notices {
    use sea_orm::entity::prelude::*;

    /// A row of `privacy_notices`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "privacy_notices")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: i64,
        pub sv: String,
        pub en: String,
        pub published_at: DateTimeUtc,
        pub published_by: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Who accepted which version of the privacy notice, and when.
pub mod privacy_consents {
    use sea_orm::entity::prelude::*;

    /// A row of `privacy_consents`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "privacy_consents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: i64,
        pub accepted_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The scheduled jobs: who runs each now, and when each last ran on schedule (ADR 0038).
pub mod job_leases {
    use sea_orm::entity::prelude::*;

    /// A row of `job_leases`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job_leases")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub holder: Option<String>,
        pub lease_until: Option<DateTimeUtc>,
        pub last_run_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user_identities {
    use sea_orm::entity::prelude::*;

    /// A row of `user_identities`: the account an OpenID Connect provider's `sub` signs
    /// into (ADR 0036).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_identities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub issuer: String,
        pub subject: String,
        pub created_at: DateTimeUtc,
        pub last_sign_in_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod oidc_logins {
    use sea_orm::entity::prelude::*;

    /// A row of `oidc_logins`: a sign-in gone to the OpenID Connect provider, keyed by the
    /// hash of the browser's cookie, until it comes back (once) or expires.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "oidc_logins")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub browser_hash: String,
        pub state: String,
        pub nonce: String,
        pub pkce_verifier: String,
        pub next: Option<String>,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
