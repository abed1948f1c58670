//! The HTTP API, one `#[OpenApi]` struct per tag, and what they share: pagination,
//! versions and ETags.

pub mod arenas;
pub mod assessment;
pub mod auth;
pub mod challenges;
pub mod ideas;
pub mod obstacles;
pub mod ops;
pub mod privacy;
pub mod questions;
pub mod reports;
pub mod steps;
pub mod text;
pub mod users;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, Tags, payload::Json};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::Page;

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
}

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 200;

/// Declares the page type of a list: `items` and the opaque `next_cursor`.
macro_rules! list_page {
    ($name:ident, $item:ty) => {
        /// A page of a list.
        #[derive(Debug, poem_openapi::Object)]
        pub struct $name {
            /// The items of this page.
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; absent on the last page.
            pub next_cursor: Option<String>,
        }

        impl From<$crate::routes::ListPage<$item>> for $name {
            fn from(page: $crate::routes::ListPage<$item>) -> Self {
                Self {
                    items: page.items,
                    next_cursor: page.next_cursor,
                }
            }
        }
    };
}
pub(crate) use list_page;

/// The parts of a page, before they take their documented type.
#[derive(Debug)]
pub struct ListPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Checks `limit` (1..=200, default 50) and decodes `cursor`.
pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> Result<(u64, Option<Uuid>), ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 200"));
    }
    let after = cursor.map(decode_cursor).transpose()?;
    Ok((u64::from(limit), after))
}

fn decode_cursor(cursor: &str) -> Result<Uuid, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| Uuid::from_slice(&bytes).ok())
        .ok_or_else(|| ApiError::bad_request("cursor is not one this server gave out"))
}

fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

/// Converts a page of rows into a response page.
pub fn to_list_page<R, T>(page: Page<R>, convert: impl Fn(R) -> Result<T, ApiError>) -> Result<ListPage<T>, ApiError> {
    Ok(ListPage {
        items: page.items.into_iter().map(convert).collect::<Result<_, _>>()?,
        next_cursor: page.next_after.map(encode_cursor),
    })
}

/// A version the client says it read, from the body or an `If-Match` header.
#[derive(Debug, Clone, Copy)]
pub struct Expected {
    version: i64,
    from_if_match: bool,
}

/// Reads the expected version: `If-Match: "N"` wins over `expected_version` in the body.
pub fn expected_version(if_match: Option<&str>, body: Option<i64>) -> Result<Option<Expected>, ApiError> {
    if let Some(raw) = if_match {
        let version = raw
            .trim()
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request("If-Match must be an ETag this server gave out, like \"3\""))?;
        return Ok(Some(Expected {
            version,
            from_if_match: true,
        }));
    }
    Ok(body.map(|version| Expected {
        version,
        from_if_match: false,
    }))
}

/// Refuses when the client's version is stale.
pub fn check_version(expected: Option<Expected>, current: i64) -> Result<(), ApiError> {
    match expected {
        Some(expected) if expected.version != current => Err(ApiError::stale(current, expected.from_if_match)),
        _ => Ok(()),
    }
}

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

/// The result type of every operation.
pub type ApiResult<T> = Result<T, ApiError>;
