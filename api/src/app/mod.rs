//! The application layer: one function per use case, called alike by the JSON routes and
//! the HTML forms. Each opens its transaction, checks the domain rules, writes the rows
//! and events, and answers with a [`view`](crate::views). No face builds a row itself.
//!
//! Here too what every use case shares: pages, cursors and expected versions.

pub mod accounts;
pub mod activity;
pub mod api_tokens;
pub mod arenas;
pub mod assessment;
pub mod attachments;
pub mod challenges;
pub mod deadlines;
pub mod figures;
pub mod ideas;
pub mod identity;
pub mod inbox;
pub mod invitations;
pub mod journal;
pub mod notify;
pub mod obstacles;
pub mod open_data;
pub mod organisations;
pub mod privacy;
pub mod questions;
pub mod queues;
pub mod reports;
pub mod resets;
pub mod results;
pub mod retention;
pub mod runner;
pub mod site;
pub mod steps;
pub mod two_factor;
pub mod users;
pub mod webhooks;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sluss_domain::FieldProblem;
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::Page;
use crate::views::ListPage;

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 200;

/// Checks `limit` (1..=200, default 50) and decodes `cursor`.
pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> Result<(u64, Option<Uuid>), ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            FieldProblem::OutOfRange {
                min: 1,
                max: MAX_LIMIT.into(),
            },
        ));
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

/// A version the client says it read, from the body, a form or an `If-Match` header.
#[derive(Debug, Clone, Copy)]
pub struct Expected {
    version: i64,
    from_if_match: bool,
}

impl Expected {
    /// A version sent in a body or a form: stale answers 409.
    pub fn in_body(version: i64) -> Self {
        Self {
            version,
            from_if_match: false,
        }
    }

    /// A version sent as `If-Match`: stale answers 412.
    pub fn if_match(version: i64) -> Self {
        Self {
            version,
            from_if_match: true,
        }
    }

    /// The version.
    pub fn version(&self) -> i64 {
        self.version
    }
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
        return Ok(Some(Expected::if_match(version)));
    }
    Ok(body.map(Expected::in_body))
}

/// Refuses when the client's version is stale.
pub fn check_version(expected: Option<Expected>, current: i64) -> Result<(), ApiError> {
    match expected {
        Some(expected) if expected.version != current => Err(ApiError::stale(current, expected.from_if_match)),
        _ => Ok(()),
    }
}

/// A refusal of the rules, noting when the client's version was stale as well: the API
/// answers the refusal as before, while a page can say that someone else changed it
/// meanwhile (SPEC §10.5) instead of naming only the state that now stands in the way.
pub(crate) fn stale_too(refusal: impl Into<ApiError>, expected: Option<Expected>, current: i64) -> ApiError {
    let error = refusal.into();
    match expected {
        Some(expected) if expected.version != current => error.also_stale(current),
        _ => error,
    }
}

/// The data of a domain event, without its type tag.
pub(crate) fn payload_of(event: &impl serde::Serialize) -> serde_json::Value {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("type");
    }
    value
}
