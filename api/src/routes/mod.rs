//! The HTTP API, one `#[OpenApi]` struct per tag, and what they share: pagination,
//! versions and ETags.

pub mod arenas;
pub mod assessment;
pub mod attachments;
pub mod auth;
pub mod bodies;
pub mod challenges;
pub mod ideas;
pub mod notifications;
pub mod obstacles;
pub mod ops;
pub mod optional_body;
pub mod organisations;
pub mod params;
pub mod questions;
pub mod reports;
pub mod results;
pub mod site;
pub mod steps;
pub mod text;
pub mod tokens;
pub mod users;
pub mod webhooks;

use poem_openapi::types::{MaybeUndefined, ToJSON};
use poem_openapi::{ApiResponse, Tags, payload::Json};

use crate::error::ApiError;
use text::Text;

/// The groups of operations in the API documentation.
#[derive(Tags)]
pub enum ApiTags {
    /// Registration, login and the caller's account.
    Auth,
    /// User administration (facilitators).
    Users,
    /// Matching arenas: competitions, workshops, open calls.
    Arenas,
    /// Step 1: challenges written by needs-owners.
    Challenges,
    /// Step 2: questions on published challenges.
    Questions,
    /// Step 2: ideas submitted to challenges.
    Ideas,
    /// Step 3: rubrics, assessors, scorecards and rankings.
    Assessment,
    /// Steps 4 and 5: support organisations, incubation, tests and their spreading.
    Steps,
    /// The obstacle diary.
    Obstacles,
    /// Reports for the innovation team.
    Reports,
    /// The outcome in public: completed tests, for anyone.
    Results,
    /// The caller's notifications.
    Notifications,
    /// The organisations that take part.
    Organisations,
    /// Webhooks: events POSTed to other systems (facilitators).
    Webhooks,
    /// Documents: files on challenges, ideas and tests.
    Documents,
    /// The city's own site: its name, colour, contact, privacy notice and accessibility
    /// statement.
    Site,
}

use crate::app::Expected;

/// The optional body of a command that carries no data of its own.
#[derive(Debug, poem_openapi::Object)]
pub struct VersionOnly {
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The ETag of a version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A read or update answered with the resource and its ETag.
#[derive(ApiResponse)]
pub enum Versioned<T: ToJSON> {
    /// The resource.
    #[oai(status = 200)]
    Ok(Json<T>, #[oai(header = "ETag")] String),
}

/// A resource created, with its ETag.
#[derive(ApiResponse)]
pub enum Created<T: ToJSON> {
    /// The new resource.
    #[oai(status = 201)]
    Created(Json<T>, #[oai(header = "ETag")] String),
}

/// Done; nothing to send back.
#[derive(ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    NoContent,
}

/// Taken on; what follows happens in the background (an e-mail).
#[derive(ApiResponse)]
pub enum Accepted {
    /// Accepted.
    #[oai(status = 202)]
    Accepted,
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub(crate) fn maybe(value: MaybeUndefined<Text>) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(text) => Some(Some(text.into_inner())),
    }
}

/// The result type of every operation.
pub type ApiResult<T> = Result<T, ApiError>;
