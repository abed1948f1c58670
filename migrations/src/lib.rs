//! Database migrations of sluss. One set runs unchanged on SQLite and PostgreSQL.
//!
//! Each change is one file, `mYYYYMMDD_HHMMSS_verb_noun.rs`, with a working `down`.
//! An applied migration is never edited: breaking changes go expand → migrate → contract.
//! Migrations never import entities or domain code.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_create_foundation;
mod m20261125_000002_create_ideas_and_questions;
mod m20261125_000003_create_assessment;
mod m20261125_000004_create_steps_and_obstacles;
mod m20261125_000005_store_challenge_search_vector;
mod m20261201_213700_create_idempotency_keys;
mod m20261202_000007_create_funnel_read_model;
mod m20261203_000001_index_ideas_by_rubric;
mod m20261204_000001_create_notifications;
mod m20261204_000002_add_account_preferences;
mod m20261204_000003_create_mail_outbox;
mod m20261204_000004_create_webhooks;
mod m20261204_000005_create_organisations;
mod m20261206_000001_create_email_confirmations;
mod m20261206_120000_create_figures_read_model;
mod m20261207_000001_create_idea_search;
mod m20261207_000002_write_default_rubric_in_swedish;
mod m20261207_000003_create_team_invitations;
mod m20261208_000001_create_attachments;
mod m20261208_100001_create_site_settings;
mod m20261209_000001_create_user_identities;
mod m20261209_100001_create_two_factor_and_api_tokens;
mod m20261209_200001_create_job_leases_and_activity;
mod m20261209_300001_add_site_logo;
mod m20261210_000001_add_idea_hold;
mod m20261210_100001_add_assignment_due_dates;
mod m20261210_200001_add_obstacle_states;

pub use m20261125_000002_create_ideas_and_questions::PG_SEARCH_EXPRESSION;
pub use m20261125_000005_store_challenge_search_vector::PG_SEARCH_COLUMN;
pub use m20261207_000001_create_idea_search::PG_IDEA_SEARCH_COLUMN;

/// All migrations, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_foundation::Migration),
            Box::new(m20261125_000002_create_ideas_and_questions::Migration),
            Box::new(m20261125_000003_create_assessment::Migration),
            Box::new(m20261125_000004_create_steps_and_obstacles::Migration),
            Box::new(m20261125_000005_store_challenge_search_vector::Migration),
            Box::new(m20261201_213700_create_idempotency_keys::Migration),
            Box::new(m20261202_000007_create_funnel_read_model::Migration),
            Box::new(m20261203_000001_index_ideas_by_rubric::Migration),
            Box::new(m20261204_000001_create_notifications::Migration),
            Box::new(m20261204_000002_add_account_preferences::Migration),
            Box::new(m20261204_000003_create_mail_outbox::Migration),
            Box::new(m20261204_000004_create_webhooks::Migration),
            Box::new(m20261204_000005_create_organisations::Migration),
            Box::new(m20261206_000001_create_email_confirmations::Migration),
            Box::new(m20261206_120000_create_figures_read_model::Migration),
            Box::new(m20261207_000001_create_idea_search::Migration),
            Box::new(m20261207_000002_write_default_rubric_in_swedish::Migration),
            Box::new(m20261207_000003_create_team_invitations::Migration),
            Box::new(m20261208_000001_create_attachments::Migration),
            Box::new(m20261208_100001_create_site_settings::Migration),
            Box::new(m20261209_000001_create_user_identities::Migration),
            Box::new(m20261209_100001_create_two_factor_and_api_tokens::Migration),
            Box::new(m20261209_200001_create_job_leases_and_activity::Migration),
            Box::new(m20261209_300001_add_site_logo::Migration),
            Box::new(m20261210_000001_add_idea_hold::Migration),
            Box::new(m20261210_100001_add_assignment_due_dates::Migration),
            Box::new(m20261210_200001_add_obstacle_states::Migration),
        ]
    }
}
