//! Documents (SPEC §15): files on challenges, ideas and tests.

use poem::Body;
use poem_openapi::param::Path;
use poem_openapi::payload::{Binary, Json, Response};
use poem_openapi::types::multipart::Upload as MultipartFile;
use poem_openapi::{Multipart, OpenApi};
use uuid::Uuid;

use super::{ApiResult, ApiTags, Created, NoContent, etag};
use crate::app::attachments::{self as app, ParentRef, Upload};
use crate::auth::{Caller, MaybeCaller};
use crate::persistence::entities::attachments as rows;
use crate::state::AppState;
use crate::views::attachments::{Attachment, AttachmentList};

/// One file, with what it is.
#[derive(Debug, Multipart)]
pub struct AttachmentUpload {
    /// The file: a PDF, PNG, JPEG, WebP, plain text, CSV, OpenDocument (odt, ods, odp) or
    /// Office Open XML (docx, xlsx, pptx) file, decided by its content; at most
    /// `--max-upload-mib` (25 MiB by default).
    pub file: MultipartFile,
    /// What it is, for those who read it (at most 500 characters).
    pub description: Option<String>,
}

impl AttachmentUpload {
    fn into_parts(self) -> (Upload, Option<String>) {
        let size = self.file.size() as u64;
        let filename = self.file.file_name().unwrap_or_default().to_owned();
        let upload = Upload {
            filename,
            size,
            file: self.file.into_file(),
        };
        (upload, self.description)
    }
}

/// The headers a file is served with: its type, as a download under its safe name, never
/// sniffed and never run (`sandbox`), and its hash as its ETag (a file never changes).
pub fn file_headers(row: &rows::Model, inline: bool) -> [(&'static str, String); 5] {
    let disposition = if inline { "inline" } else { "attachment" };
    [
        ("content-type", row.content_type.clone()),
        (
            "content-disposition",
            format!("{disposition}; {}", disposition_filename(&row.filename)),
        ),
        ("content-security-policy", "sandbox".to_owned()),
        ("content-length", row.size.to_string()),
        ("etag", format!("\"{}\"", row.sha256)),
    ]
}

/// `filename="…"` with an ASCII stand-in and `filename*=UTF-8''…` with the name itself
/// (RFC 6266, RFC 8187).
fn disposition_filename(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' })
        .filter(|c| !matches!(c, '"' | '\\'))
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Files on challenges, ideas and tests.
pub struct AttachmentsApi {
    /// Shared state.
    pub state: AppState,
}

#[OpenApi(tag = "ApiTags::Documents")]
impl AttachmentsApi {
    /// The files of a challenge, oldest first (anyone who may see the challenge).
    #[oai(
        path = "/challenges/:id/attachments",
        method = "get",
        operation_id = "list_challenge_attachments"
    )]
    async fn list_challenge_attachments(&self, caller: MaybeCaller, id: Path<Uuid>) -> ApiResult<Json<AttachmentList>> {
        Ok(Json(
            app::list(&self.state, caller.actor(), ParentRef::Challenge(id.0)).await?,
        ))
    }

    /// Attach a file to a challenge: its owner in draft and changes_requested, facilitators
    /// always. At most 20 files; the 21st answers 409.
    #[oai(
        path = "/challenges/:id/attachments",
        method = "post",
        operation_id = "attach_to_challenge"
    )]
    async fn attach_to_challenge(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        body: AttachmentUpload,
    ) -> ApiResult<Created<Attachment>> {
        self.attach(caller, ParentRef::Challenge(id.0), body).await
    }

    /// The files of an idea, oldest first (anyone who may see the idea).
    #[oai(
        path = "/ideas/:id/attachments",
        method = "get",
        operation_id = "list_idea_attachments"
    )]
    async fn list_idea_attachments(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<AttachmentList>> {
        Ok(Json(
            app::list(&self.state, Some(caller.actor()), ParentRef::Idea(id.0)).await?,
        ))
    }

    /// Attach a file to an idea: its innovator and accepted team members until it is
    /// decided (409 after), facilitators always. In a blind challenge assessors read the
    /// files, so they must not name the team.
    #[oai(path = "/ideas/:id/attachments", method = "post", operation_id = "attach_to_idea")]
    async fn attach_to_idea(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        body: AttachmentUpload,
    ) -> ApiResult<Created<Attachment>> {
        self.attach(caller, ParentRef::Idea(id.0), body).await
    }

    /// The files of a test, oldest first (anyone who may see its idea).
    #[oai(
        path = "/tests/:id/attachments",
        method = "get",
        operation_id = "list_test_attachments"
    )]
    async fn list_test_attachments(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<AttachmentList>> {
        Ok(Json(
            app::list(&self.state, Some(caller.actor()), ParentRef::Test(id.0)).await?,
        ))
    }

    /// Attach a file to a test (the `id` of `GET /ideas/{id}/test`): the idea's innovator
    /// and accepted team members while the test runs, facilitators always.
    #[oai(path = "/tests/:id/attachments", method = "post", operation_id = "attach_to_test")]
    async fn attach_to_test(
        &self,
        caller: Caller,
        id: Path<Uuid>,
        body: AttachmentUpload,
    ) -> ApiResult<Created<Attachment>> {
        self.attach(caller, ParentRef::Test(id.0), body).await
    }

    /// The bytes of a file, served with the type its content showed, as a download
    /// (`Content-Disposition: attachment`), with `X-Content-Type-Options: nosniff` and
    /// `Content-Security-Policy: sandbox`. Anyone who may see the record that holds it.
    #[oai(path = "/attachments/:id", method = "get", operation_id = "download_attachment")]
    async fn download_attachment(&self, caller: MaybeCaller, id: Path<Uuid>) -> ApiResult<Response<Binary<Body>>> {
        let (row, bytes) = app::download(&self.state, caller.actor(), id.0).await?;
        let headers = file_headers(&row, false);
        let mut response = Response::new(Binary(Body::from_bytes_stream(bytes)));
        for (name, value) in headers {
            response = response.header(name, value);
        }
        Ok(response)
    }

    /// Remove a file: whoever may attach one to its record now.
    #[oai(path = "/attachments/:id", method = "delete", operation_id = "delete_attachment")]
    async fn delete_attachment(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<NoContent> {
        app::delete(&self.state, caller.actor(), id.0).await?;
        Ok(NoContent::NoContent)
    }
}

impl AttachmentsApi {
    async fn attach(
        &self,
        caller: Caller,
        parent: ParentRef,
        body: AttachmentUpload,
    ) -> ApiResult<Created<Attachment>> {
        let (upload, description) = body.into_parts();
        let attachment = app::upload(&self.state, caller.actor(), parent, upload, description).await?;
        Ok(Created::Created(Json(attachment), etag(1)))
    }
}
