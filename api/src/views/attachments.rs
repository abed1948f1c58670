//! Documents as the API shows them (SPEC §15).

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use super::people::PersonRef;
use crate::persistence::entities::attachments as rows;

/// What holds a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiParentKind {
    /// A challenge.
    Challenge,
    /// An idea.
    Idea,
    /// An idea's test.
    Test,
}

/// A file on a challenge, an idea or a test.
#[derive(Debug, Clone, Object)]
pub struct Attachment {
    /// Identifier; `GET /attachments/{id}` gives the bytes.
    pub id: Uuid,
    /// The file's name, made safe (no path, the extension of its type).
    pub filename: String,
    /// The type its bytes showed, which it is served with.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// What the uploader wrote about it.
    pub description: Option<String>,
    /// Who uploaded it: `null` where the viewer may not see who is behind the idea (a
    /// blind assessment), for anonymous viewers, and once the uploader was erased.
    pub uploaded_by: Option<PersonRef>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// What holds it.
    pub parent_kind: ApiParentKind,
    /// The challenge, idea or test that holds it.
    pub parent_id: Uuid,
}

impl Attachment {
    /// The API form of a row, with the uploader as `uploader` names them (or `None`).
    pub fn from_row(row: rows::Model, parent_kind: ApiParentKind, uploader: Option<PersonRef>) -> Self {
        Self {
            id: row.id,
            filename: row.filename,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            description: row.description,
            uploaded_by: uploader,
            created_at: row.created_at,
            parent_kind,
            parent_id: row.parent_id,
        }
    }
}

/// The files of one record, oldest first (at most 20).
#[derive(Debug, Clone, Object)]
pub struct AttachmentList {
    /// The files.
    pub items: Vec<Attachment>,
}

/// One's own file, as the personal export lists it (SPEC §15).
#[derive(Debug, Clone, Object)]
pub struct FileRecord {
    /// Identifier.
    pub id: Uuid,
    /// The file's name.
    pub filename: String,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    /// Its type.
    pub content_type: String,
    /// What holds it.
    pub parent_kind: String,
    /// The record that holds it.
    pub parent_id: Uuid,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// Where the bytes are: `GET` it with the same token.
    pub download: String,
}

impl FileRecord {
    /// The record of a row.
    pub fn from_row(row: rows::Model) -> Self {
        Self {
            download: format!("/api/v1/attachments/{}", row.id),
            id: row.id,
            filename: row.filename,
            sha256: row.sha256,
            size: row.size,
            content_type: row.content_type,
            parent_kind: row.parent_kind,
            parent_id: row.parent_id,
            created_at: row.created_at,
        }
    }
}
