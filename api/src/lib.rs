//! The sluss service: HTTP API, persistence and the command-line entry points.

pub mod allow;
pub mod app;
pub mod auth;
pub mod cached;
pub mod config;
pub mod demo;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod passwords;
pub mod persistence;
pub mod read_cache;
pub mod routes;
pub mod seed;
pub mod session;
pub mod slow_clients;
pub mod startup;
pub mod state;
pub mod tasks;
pub mod telemetry;
pub mod views;
pub mod web;
pub mod webhook_worker;
