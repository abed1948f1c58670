//! Integration tests: the whole app on a real database (SQLite by default, PostgreSQL when
//! `SLUSS_TEST_POSTGRES_URL` is set), one module per resource.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod abuse;
mod accounts;
mod arenas;
mod assessment;
mod auth;
mod blind;
mod challenges;
mod confirm_email;
mod dates;
mod demo;
mod errors;
mod extreme_scores;
mod figures;
mod figures_read_model;
mod funnel_read_model;
mod hardening;
mod headers;
mod ideas;
mod idempotency;
mod journal;
mod mail;
mod matrix;
mod notifications;
mod open_data;
mod openapi;
mod ops;
mod organisations;
mod people;
mod privacy;
mod processes;
mod questions;
mod races;
mod read_cache;
mod reports;
mod results;
mod seed;
mod steps;
mod teams;
mod timeouts;
mod users;
mod versions;
mod web;
mod web_admin;
mod web_assessment;
mod web_confirm;
mod web_pickers;
mod web_reports;
mod web_steps;
mod webhooks;
mod writes;
mod xlsx;
