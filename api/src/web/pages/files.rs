//! Documents on the pages (SPEC §15): the "Files" section of a challenge, an idea and a
//! test — the list with size and date, pictures shown inline, "Attach file" and "Remove"
//! where the person may — and the download.
//!
//! An upload posts `multipart/form-data` whose body streams straight to a temporary file;
//! its CSRF token rides in the form's address (`?csrf=…`), since the body is never read
//! whole by the web layer. A refusal returns to the page with `?file_refused=<why>#files`.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Multipart, Path};
use poem::{Body, IntoResponse, Response, handler};
use uuid::Uuid;

use super::{redirect, refused, signed_in};
use crate::app::attachments::{self as app, ParentRef, Upload};
use crate::error::{ApiError, ApiErrorKind};
use crate::state::AppState;
use crate::views::attachments::Attachment;
use crate::web::context::{CSRF_FIELD, Ctx};
use crate::web::i18n::Tr;
use sluss_domain::attachment::{DESCRIPTION_MAX, FileKind};
use sluss_domain::{ConflictReason, FieldProblem, Refusal};

/// What the "Files" section shows.
#[derive(Debug, Clone, Default)]
pub struct FilesView {
    /// The files, oldest first.
    pub items: Vec<Attachment>,
    /// Where "Attach file" posts, when the person may add files.
    pub upload_action: Option<String>,
    /// Whether files are read by a blind panel (the warning on the form).
    pub blind: bool,
    /// The largest file, in MiB.
    pub max_mib: u64,
}

/// The section's content for `parent`, posting uploads to `action`; empty when the person
/// may not see it (the page itself answers that).
pub async fn load(ctx: &Ctx, state: &AppState, parent: ParentRef, action: String, blind: bool) -> FilesView {
    match app::offered(state, ctx.actor(), parent).await {
        Ok((items, may_change)) => FilesView {
            items,
            upload_action: may_change.then_some(action),
            blind,
            max_mib: state.http.files.max_upload_bytes / (1024 * 1024),
        },
        Err(_) => FilesView::default(),
    }
}

fn size(tr: &Tr, bytes: i64) -> String {
    const KIB: f64 = 1024.0;
    #[allow(clippy::cast_precision_loss)]
    let bytes = bytes as f64;
    if bytes < KIB * KIB {
        tr.t_with("file-size-kib", &[("n", format!("{:.0}", (bytes / KIB).ceil()).into())])
    } else {
        tr.t_with("file-size-mib", &[("n", format!("{:.1}", bytes / KIB / KIB).into())])
    }
}

/// The "Files" section: the list, and the form where the person may attach one.
pub fn section(ctx: &Ctx, view: &FilesView) -> Markup {
    let tr = &ctx.tr;
    let refused = ctx.query("file_refused");
    html! {
        section class="sluss-files" aria-labelledby="files" {
            h2 class="govuk-heading-m" id="files" { (tr.t("files-heading")) }
            @if let Some(why) = &refused {
                div class="govuk-error-summary" role="alert" tabindex="-1" {
                    h3 class="govuk-error-summary__title" { (tr.t("file-refused-title")) }
                    div class="govuk-error-summary__body" { p { (refusal_text(tr, why, view.max_mib)) } }
                }
            }
            @if let Some(done @ ("file-attached" | "file-removed")) = ctx.query("done").as_deref() {
                div class="govuk-notification-banner govuk-notification-banner--success" role="status" {
                    div class="govuk-notification-banner__content" {
                        p class="govuk-notification-banner__heading" { (tr.t(done)) }
                    }
                }
            }
            @if view.items.is_empty() {
                p class="govuk-body" { (tr.t("files-none")) }
            } @else {
                ul class="govuk-list sluss-file-list" {
                    @for file in &view.items {
                        li class="sluss-file" id={ "file-" (file.id) } {
                            a class="govuk-link" href={ "/files/" (file.id) } download { (file.filename) }
                            span class="govuk-body-s sluss-file-meta" {
                                " · " (size(tr, file.size)) " · " (tr.datetime(file.created_at))
                                @if let Some(person) = &file.uploaded_by { " · " (person.display_name) }
                            }
                            @if let Some(description) = &file.description { p class="govuk-body-s" { (description) } }
                            @if FileKind::from_content_type(&file.content_type).is_some_and(FileKind::is_image) {
                                img class="sluss-file-picture" src={ "/files/" (file.id) "/inline" } alt=(file.description.as_deref().unwrap_or(&file.filename));
                            }
                            @if view.upload_action.is_some() {
                                form method="post" action={ "/files/" (file.id) "/remove" } class="sluss-inline-form" {
                                    input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf);
                                    button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" {
                                        (tr.t("file-remove")) span class="govuk-visually-hidden" { " " (file.filename) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(action) = &view.upload_action {
                form method="post" enctype="multipart/form-data" action={ (action) "?" (CSRF_FIELD) "=" (ctx.csrf) } novalidate {
                    @if view.blind {
                        div class="govuk-warning-text" {
                            span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                            strong class="govuk-warning-text__text" {
                                span class="govuk-visually-hidden" { (tr.t("warning")) " " }
                                (tr.t("files-blind-warning"))
                            }
                        }
                    }
                    div class="govuk-form-group" {
                        label class="govuk-label" for="f-file" { (tr.t("field-file")) }
                        div class="govuk-hint" id="f-file-hint" { (tr.t_with("file-hint", &[("n", view.max_mib.into())])) }
                        input class="govuk-file-upload" id="f-file" name="file" type="file" aria-describedby="f-file-hint"
                            accept=".pdf,.png,.jpg,.jpeg,.webp,.txt,.csv,.odt,.ods,.odp,.docx,.xlsx,.pptx";
                    }
                    div class="govuk-form-group" {
                        label class="govuk-label" for="f-description" { (tr.t("field-file-description")) }
                        input class="govuk-input" id="f-description" name="description" type="text" maxlength=(DESCRIPTION_MAX);
                    }
                    button type="submit" class="govuk-button" data-module="govuk-button" { (tr.t("file-attach")) }
                }
            }
        }
    }
}

fn refusal_text(tr: &Tr, why: &str, max_mib: u64) -> String {
    match why {
        "type" => tr.t("error-file-type-not-allowed"),
        "empty" => tr.t("error-empty-file"),
        "size" => tr.t_with("error-file-too-large", &[("n", max_mib.into())]),
        "count" => tr.t_with(
            "error-too-many-files",
            &[("n", sluss_domain::attachment::MAX_PER_PARENT.into())],
        ),
        "state" => tr.t("error-files-closed"),
        "forbidden" => tr.t("error-only-editors-change-files"),
        "description" => tr.t_with("error-file-description-too-long", &[("n", DESCRIPTION_MAX.into())]),
        _ => tr.t("error-file-failed"),
    }
}

/// The code a refusal returns to the page with.
fn refusal_code(error: &ApiError) -> &'static str {
    match error.kind() {
        ApiErrorKind::Invalid(errors) => match errors.first().map(|e| (&e.field[..], &e.problem)) {
            Some((_, FieldProblem::FileTypeNotAllowed)) => "type",
            Some((_, FieldProblem::EmptyFile)) => "empty",
            Some(("description", _)) => "description",
            _ => "failed",
        },
        ApiErrorKind::PayloadTooLarge { .. } => "size",
        ApiErrorKind::Conflict(ConflictReason::TooManyFiles { .. }) => "count",
        ApiErrorKind::InvalidTransition { .. } => "state",
        ApiErrorKind::Forbidden(_) => "forbidden",
        _ => "failed",
    }
}

/// Reads the upload's fields: `file` spooled to a temporary file, `description` as text.
async fn read_upload(mut multipart: Multipart) -> Result<(Upload, Option<String>), ApiError> {
    let mut upload = None;
    let mut description = None;
    let unreadable =
        |e: poem::error::ParseMultipartError| ApiError::bad_request(format!("the upload could not be read: {e}"));
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("file") if upload.is_none() => {
                let filename = field.file_name().unwrap_or_default().to_owned();
                let file = field
                    .tempfile()
                    .await
                    .map_err(|e| ApiError::bad_request(format!("the upload could not be read: {e}")))?;
                let size = file.metadata().await.map_err(|e| ApiError::internal(&e))?.len();
                upload = Some(Upload { filename, file, size });
            }
            Some("description") => {
                description = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| ApiError::bad_request(format!("the upload could not be read: {e}")))?,
                );
            }
            _ => {}
        }
    }
    let upload = upload.ok_or_else(|| ApiError::from(Refusal::invalid("file", FieldProblem::Required)))?;
    Ok((upload, description))
}

async fn receive(ctx: &Ctx, state: &AppState, parent: ParentRef, back: &str, multipart: Multipart) -> Response {
    let actor = match signed_in(ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let result = match read_upload(multipart).await {
        Ok((upload, description)) => app::upload(state, actor, parent, upload, description).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(file) => redirect(&format!("{back}?done=file-attached#file-{}", file.id)),
        Err(error) if matches!(error.kind(), ApiErrorKind::NotFound) => refused(ctx, &error),
        Err(error) => redirect(&format!("{back}?file_refused={}#files", refusal_code(&error))),
    }
}

/// `POST /challenges/{id}/files`.
#[handler]
pub async fn attach_to_challenge(
    ctx: Ctx,
    state: Data<&AppState>,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> Response {
    receive(
        &ctx,
        &state,
        ParentRef::Challenge(id),
        &format!("/challenges/{id}"),
        multipart,
    )
    .await
}

/// `POST /ideas/{id}/files`.
#[handler]
pub async fn attach_to_idea(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>, multipart: Multipart) -> Response {
    receive(&ctx, &state, ParentRef::Idea(id), &format!("/ideas/{id}"), multipart).await
}

/// `POST /ideas/{id}/test/files`: a file on the idea's test.
#[handler]
pub async fn attach_to_test(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>, multipart: Multipart) -> Response {
    let back = format!("/ideas/{id}/test");
    let test = match ctx.actor() {
        Some(actor) => crate::app::steps::test(&state, actor, id).await,
        None => return redirect(&format!("/login?next={back}")),
    };
    match test {
        Ok(test) => receive(&ctx, &state, ParentRef::Test(test.id), &back, multipart).await,
        Err(error) => refused(&ctx, &error),
    }
}

async fn serve_file(ctx: &Ctx, state: &AppState, id: Uuid, as_picture: bool) -> Response {
    let (row, bytes) = match app::download(state, ctx.actor(), id).await {
        Ok(found) => found,
        Err(error) => return refused(ctx, &error),
    };
    let picture = FileKind::from_content_type(&row.content_type).is_some_and(FileKind::is_image);
    let mut response = Response::builder().status(StatusCode::OK);
    for (name, value) in crate::routes::attachments::file_headers(&row, as_picture && picture) {
        response = response.header(name, value);
    }
    response.body(Body::from_bytes_stream(bytes)).into_response()
}

/// `GET /files/{id}`: the bytes, as a download.
#[handler]
pub async fn download(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    serve_file(&ctx, &state, id, false).await
}

/// `GET /files/{id}/inline`: a picture, for the page's `img` (other types as a download).
#[handler]
pub async fn inline(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    serve_file(&ctx, &state, id, true).await
}

/// `POST /files/{id}/remove`.
#[handler]
pub async fn remove(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let back = match app::page_of(&state, id).await {
        Ok(back) => back,
        Err(error) => return refused(&ctx, &error),
    };
    match app::delete(&state, actor, id).await {
        Ok(()) => redirect(&format!("{back}?done=file-removed#files")),
        Err(error) if matches!(error.kind(), ApiErrorKind::NotFound) => refused(&ctx, &error),
        Err(error) => redirect(&format!("{back}?file_refused={}#files", refusal_code(&error))),
    }
}
