//! Documents (SPEC §15): files on challenges, ideas and tests.

use poem::Body;
use poem_openapi::param::Path;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::types::multipart::Upload as MultipartFile;
use poem_openapi::{ApiResponse, Multipart, OpenApi, ResponseContent};
use sluss_domain::attachment::FileKind;
use uuid::Uuid;

use super::{ApiResult, ApiTags, Created, NoContent, etag};
use crate::app::attachments::{self as app, ParentRef, Upload};
use crate::auth::{Caller, MaybeCaller};
use crate::persistence::entities::attachments as rows;
use crate::state::AppState;
use crate::views::attachments::{Attachment, AttachmentList};

/// One file, with what it is.
#[derive(Debug, Multipart)]
#[oai(deny_unknown_fields)]
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

/// A file's bytes, with the type its content showed: one of the types sluss keeps.
#[derive(ResponseContent)]
pub enum FileContent {
    /// PDF.
    #[oai(content_type = "application/pdf")]
    Pdf(Binary<Body>),
    /// PNG.
    #[oai(content_type = "image/png")]
    Png(Binary<Body>),
    /// JPEG.
    #[oai(content_type = "image/jpeg")]
    Jpeg(Binary<Body>),
    /// WebP.
    #[oai(content_type = "image/webp")]
    Webp(Binary<Body>),
    /// Plain text.
    #[oai(content_type = "text/plain; charset=utf-8")]
    Text(Binary<Body>),
    /// CSV.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(Binary<Body>),
    /// OpenDocument text.
    #[oai(content_type = "application/vnd.oasis.opendocument.text")]
    Odt(Binary<Body>),
    /// OpenDocument spreadsheet.
    #[oai(content_type = "application/vnd.oasis.opendocument.spreadsheet")]
    Ods(Binary<Body>),
    /// OpenDocument presentation.
    #[oai(content_type = "application/vnd.oasis.opendocument.presentation")]
    Odp(Binary<Body>),
    /// Word document.
    #[oai(content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx(Binary<Body>),
    /// Excel workbook.
    #[oai(content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx(Binary<Body>),
    /// PowerPoint presentation.
    #[oai(content_type = "application/vnd.openxmlformats-officedocument.presentationml.presentation")]
    Pptx(Binary<Body>),
}

impl FileContent {
    fn of(kind: FileKind, body: Body) -> Self {
        let bytes = Binary(body);
        match kind {
            FileKind::Pdf => Self::Pdf(bytes),
            FileKind::Png => Self::Png(bytes),
            FileKind::Jpeg => Self::Jpeg(bytes),
            FileKind::Webp => Self::Webp(bytes),
            FileKind::Text => Self::Text(bytes),
            FileKind::Csv => Self::Csv(bytes),
            FileKind::Odt => Self::Odt(bytes),
            FileKind::Ods => Self::Ods(bytes),
            FileKind::Odp => Self::Odp(bytes),
            FileKind::Docx => Self::Docx(bytes),
            FileKind::Xlsx => Self::Xlsx(bytes),
            FileKind::Pptx => Self::Pptx(bytes),
        }
    }
}

/// A file's bytes, as a download.
#[derive(ApiResponse)]
pub enum FileDownload {
    /// The bytes, served with the type their content showed.
    #[oai(status = 200)]
    Ok(
        FileContent,
        /// `attachment; filename="…"; filename*=UTF-8''…`.
        #[oai(header = "Content-Disposition")]
        String,
        /// `sandbox`: nothing in the file runs.
        #[oai(header = "Content-Security-Policy")]
        String,
        /// The SHA-256 of the bytes, quoted: a file never changes.
        #[oai(header = "ETag")]
        String,
    ),
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
    async fn download_attachment(&self, caller: MaybeCaller, id: Path<Uuid>) -> ApiResult<FileDownload> {
        let (row, bytes) = app::download(&self.state, caller.actor(), id.0).await?;
        let kind = FileKind::from_content_type(&row.content_type).ok_or_else(|| {
            crate::error::ApiError::internal(&format!("attachments.content_type {} is no kind", row.content_type))
        })?;
        let disposition = format!("attachment; {}", disposition_filename(&row.filename));
        Ok(FileDownload::Ok(
            FileContent::of(kind, Body::from_bytes_stream(bytes)),
            disposition,
            "sandbox".to_owned(),
            format!("\"{}\"", row.sha256),
        ))
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
