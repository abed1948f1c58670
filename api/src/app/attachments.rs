//! Documents (SPEC §15): files on challenges, ideas and tests. Who may read them is who may
//! see the record that holds them; who may add or remove one is who may edit that record
//! now (`sluss_domain::attachment::authorize_change`). A file's type is decided by its
//! bytes; its bytes are written to the object store before its row commits, and removed
//! after its row is gone, so a row never points at missing bytes.

use std::io::{Read, Seek, SeekFrom};

use bytes::Bytes;
use chrono::Utc;
use futures_util::Stream;
use sha2::{Digest, Sha256};
use sluss_domain::attachment::{
    self as rules, DESCRIPTION_MAX, FileKind, Parent, Sniffed, TEXT_SAMPLE, authorize_change, check_room,
};
use sluss_domain::event::{ChallengeEventKind, IdeaEventKind};
use sluss_domain::idea::IdeaState;
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, FieldProblem, Refusal};
use uuid::Uuid;

use super::challenges::load_visible;
use super::ideas::{Viewer, load_visible_idea};
use super::journal::{self, Entry, Subject};
use crate::error::ApiError;
use crate::persistence::attachments::{self as repo, NewAttachment, ParentKind};
use crate::persistence::entities::{attachments as rows, challenges as challenge_rows, ideas as idea_rows};
use crate::persistence::{WriteTx, challenges, ideas, steps, stored};
use crate::state::AppState;
use crate::views::attachments::{ApiParentKind, Attachment, AttachmentList};
use crate::views::people::Names;

/// The record a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentRef {
    /// `/challenges/{id}/attachments`.
    Challenge(Uuid),
    /// `/ideas/{id}/attachments`.
    Idea(Uuid),
    /// `/tests/{id}/attachments`.
    Test(Uuid),
}

/// A file as it was received: spooled to a temporary file while the request streamed in.
#[derive(Debug)]
pub struct Upload {
    /// What the uploader called it.
    pub filename: String,
    /// The spooled bytes.
    pub file: tokio::fs::File,
    /// How many.
    pub size: u64,
}

/// The record that holds files, loaded for one viewer.
#[derive(Debug)]
enum Loaded {
    Challenge(challenge_rows::Model),
    Idea {
        row: idea_rows::Model,
        viewer: Box<Viewer>,
    },
    Test {
        test_id: Uuid,
        row: idea_rows::Model,
        viewer: Box<Viewer>,
        running: bool,
    },
}

impl Loaded {
    fn kind(&self) -> ParentKind {
        match self {
            Loaded::Challenge(_) => ParentKind::Challenge,
            Loaded::Idea { .. } => ParentKind::Idea,
            Loaded::Test { .. } => ParentKind::Test,
        }
    }

    fn parent_id(&self) -> Uuid {
        match self {
            Loaded::Challenge(row) => row.id,
            Loaded::Idea { row, .. } => row.id,
            Loaded::Test { test_id, .. } => *test_id,
        }
    }

    fn idea_id(&self) -> Option<Uuid> {
        match self {
            Loaded::Challenge(_) => None,
            Loaded::Idea { row, .. } | Loaded::Test { row, .. } => Some(row.id),
        }
    }

    /// Whether the viewer sees who uploaded: for a challenge, any signed-in viewer (as its
    /// owner is shown, SPEC §14.1); for an idea or test, whoever sees who is behind it.
    fn sees_uploaders(&self, viewer: Option<&Actor>) -> bool {
        match self {
            Loaded::Challenge(_) => viewer.is_some(),
            Loaded::Idea { row, viewer } | Loaded::Test { row, viewer, .. } => viewer.sees_identity(row),
        }
    }

    /// Whether `actor` may add or remove files now.
    fn authorize_change(&self, actor: &Actor, command: &'static str) -> Result<(), ApiError> {
        match self {
            Loaded::Challenge(row) => {
                let challenge = challenges::to_domain(row)?;
                authorize_change(Parent::Challenge(&challenge), actor, command)?;
            }
            Loaded::Idea { row, .. } => {
                let idea = ideas::to_domain(row)?;
                authorize_change(Parent::Idea(&idea), actor, command)?;
            }
            Loaded::Test { row, running, .. } => {
                let idea = ideas::to_domain(row)?;
                authorize_change(
                    Parent::Test {
                        idea: &idea,
                        running: *running,
                    },
                    actor,
                    command,
                )?;
            }
        }
        Ok(())
    }
}

fn api_kind(kind: ParentKind) -> ApiParentKind {
    match kind {
        ParentKind::Challenge => ApiParentKind::Challenge,
        ParentKind::Idea => ApiParentKind::Idea,
        ParentKind::Test => ApiParentKind::Test,
    }
}

/// Loads the record `parent` names if `viewer` may see it (404 otherwise).
async fn load(state: &AppState, viewer: Option<&Actor>, parent: ParentRef) -> Result<Loaded, ApiError> {
    match parent {
        ParentRef::Challenge(id) => Ok(Loaded::Challenge(load_visible(state, id, viewer).await?)),
        ParentRef::Idea(id) => {
            let actor = viewer.ok_or_else(ApiError::not_found)?;
            let (row, viewer) = load_visible_idea(&state.db, id, actor).await?;
            Ok(Loaded::Idea {
                row,
                viewer: Box::new(viewer),
            })
        }
        ParentRef::Test(id) => {
            let actor = viewer.ok_or_else(ApiError::not_found)?;
            let test = steps::test_by_id(&state.db, id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            let (row, viewer) = load_visible_idea(&state.db, test.idea_id, actor).await?;
            Ok(Loaded::Test {
                test_id: id,
                running: test.completed_at.is_none() && row.state == IdeaState::InTesting.as_str(),
                row,
                viewer: Box::new(viewer),
            })
        }
    }
}

/// The record that holds `row`, as a reference.
fn parent_of(row: &rows::Model) -> Result<ParentRef, ApiError> {
    let kind = stored(
        ParentKind::parse(&row.parent_kind),
        "attachments.parent_kind",
        &row.parent_kind,
    )?;
    Ok(match kind {
        ParentKind::Challenge => ParentRef::Challenge(row.parent_id),
        ParentKind::Idea => ParentRef::Idea(row.parent_id),
        ParentKind::Test => ParentRef::Test(row.parent_id),
    })
}

/// The views of `rows` for a viewer, naming uploaders where `sees` allows.
async fn views(
    state: &AppState,
    rows: Vec<rows::Model>,
    kind: ParentKind,
    sees: bool,
) -> Result<Vec<Attachment>, ApiError> {
    let names = if sees {
        Names::read(&state.db, rows.iter().filter_map(|row| row.uploaded_by), []).await?
    } else {
        Names::default()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let uploader = row.uploaded_by.filter(|_| sees).map(|id| names.person(id));
            Attachment::from_row(row, api_kind(kind), uploader)
        })
        .collect())
}

/// The files of a record `viewer` may see, oldest first.
pub async fn list(state: &AppState, viewer: Option<&Actor>, parent: ParentRef) -> Result<AttachmentList, ApiError> {
    let loaded = load(state, viewer, parent).await?;
    let rows = repo::of_parent(&state.db, loaded.kind(), loaded.parent_id()).await?;
    let items = views(state, rows, loaded.kind(), loaded.sees_uploaders(viewer)).await?;
    Ok(AttachmentList { items })
}

/// What a file's bytes are: its type, decided from its content, and its SHA-256. Reads the
/// spooled file once (and a zip's manifest from its end); runs off the async threads.
fn examine(file: &mut std::fs::File) -> Result<(FileKind, String), ApiError> {
    file.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::with_capacity(TEXT_SAMPLE);
    let mut buffer = vec![0; 64 * 1024];
    let mut total = 0usize;
    loop {
        let read = file.read(&mut buffer).map_err(io_error)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        let room = TEXT_SAMPLE.saturating_sub(head.len());
        head.extend_from_slice(&buffer[..read.min(room)]);
        total += read;
    }
    let sha256 = hex::encode(hasher.finalize());
    let kind = match rules::sniff(&head) {
        Sniffed::Kind(kind) => Some(kind),
        Sniffed::Zip => zip_kind(file),
        Sniffed::MaybeText => rules::text_kind(&head, total <= TEXT_SAMPLE),
        Sniffed::Refused => None,
    };
    let kind = kind.ok_or_else(rules::refuse_type)?;
    Ok((kind, sha256))
}

/// The kind a zip's manifest names: `mimetype` (OpenDocument) or `[Content_Types].xml`
/// (Office Open XML), each read up to 64 KiB; anything else is no kind sluss keeps.
fn zip_kind(file: &mut std::fs::File) -> Option<FileKind> {
    const MANIFEST_MAX: u64 = 64 * 1024;
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut archive = zip::ZipArchive::new(&mut *file).ok()?;
    let mut read_entry = |name: &str| -> Option<String> {
        let entry = archive.by_name(name).ok()?;
        let mut text = String::new();
        entry.take(MANIFEST_MAX).read_to_string(&mut text).ok()?;
        Some(text)
    };
    if let Some(mimetype) = read_entry("mimetype") {
        return rules::odf_kind(&mimetype);
    }
    read_entry("[Content_Types].xml").and_then(|types| rules::ooxml_kind(&types))
}

fn io_error(error: std::io::Error) -> ApiError {
    ApiError::internal(&format!("reading an upload: {error}"))
}

/// Adds a file to a record: checks who may and the room left, decides the type from the
/// bytes, writes the bytes to the store, then the row and its event in one transaction.
pub async fn upload(
    state: &AppState,
    actor: &Actor,
    parent: ParentRef,
    upload: Upload,
    description: Option<String>,
) -> Result<Attachment, ApiError> {
    let loaded = load(state, Some(actor), parent).await?;
    loaded.authorize_change(actor, "attach_file")?;
    let mut checks = Checks::new();
    let description = checks
        .optional_text("description", description.as_deref(), DESCRIPTION_MAX)
        .filter(|text| !text.is_empty());
    if upload.size == 0 {
        checks.fail("file", FieldProblem::EmptyFile);
    }
    checks.finish().map_err(Refusal::Invalid)?;
    if upload.size > state.http.files.max_upload_bytes {
        return Err(ApiError::payload_too_large(
            usize::try_from(state.http.files.max_upload_bytes).unwrap_or(usize::MAX),
        ));
    }
    check_room(repo::count_of(&state.db, loaded.kind(), loaded.parent_id()).await?)?;
    let mut spooled = upload.file.into_std().await;
    let (kind, sha256, spooled) = tokio::task::spawn_blocking(move || {
        let examined = examine(&mut spooled);
        examined.map(|(kind, sha256)| (kind, sha256, spooled))
    })
    .await
    .map_err(|e| ApiError::internal(&format!("examining an upload: {e}")))??;
    let mut file = tokio::fs::File::from_std(spooled);
    tokio::io::AsyncSeekExt::seek(&mut file, SeekFrom::Start(0))
        .await
        .map_err(io_error)?;
    let id = Uuid::now_v7();
    let store = &state.http.files.store;
    store
        .put(id, file, upload.size)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let new = NewAttachment {
        id,
        parent: (loaded.kind(), loaded.parent_id()),
        idea_id: loaded.idea_id(),
        filename: rules::safe_filename(&upload.filename, kind),
        content_type: kind.content_type().to_owned(),
        size: i64::try_from(upload.size).unwrap_or(i64::MAX),
        sha256,
        description,
        uploaded_by: actor.id.as_uuid(),
    };
    match record_upload(state, actor, &loaded, new).await {
        Ok(row) => {
            let sees = loaded.sees_uploaders(Some(actor));
            let mut shown = views(state, vec![row], loaded.kind(), sees).await?;
            shown.pop().ok_or_else(|| ApiError::internal(&"an attachment vanished"))
        }
        Err(error) => {
            // The row never committed: its bytes go now (or with the next sweep).
            if let Err(cleanup) = store.delete(id).await {
                tracing::warn!(%cleanup, attachment = %id, "bytes of a refused upload stay until the sweep");
            }
            Err(error)
        }
    }
}

/// Writes the row of a stored file and its event, with the record held, rechecking who
/// may and the room left as they are now.
async fn record_upload(
    state: &AppState,
    actor: &Actor,
    loaded: &Loaded,
    new: NewAttachment,
) -> Result<rows::Model, ApiError> {
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let held = hold(&tx, loaded).await?;
    held.authorize_change(actor, "attach_file")?;
    check_room(repo::count_of(&tx, held.kind(), held.parent_id()).await?)?;
    let row = repo::insert(&tx, new, now).await?;
    record_event(state, &tx, &held, actor, &row, true, now).await?;
    tx.commit().await?;
    Ok(row)
}

/// The record, read again under its lock, with the viewer as loaded before.
async fn hold(tx: &WriteTx, loaded: &Loaded) -> Result<Loaded, ApiError> {
    Ok(match loaded {
        Loaded::Challenge(row) => Loaded::Challenge(
            challenges::find_for_update(tx, row.id)
                .await?
                .ok_or_else(ApiError::not_found)?,
        ),
        Loaded::Idea { row, viewer } => Loaded::Idea {
            row: ideas::find_for_update(tx, row.id)
                .await?
                .ok_or_else(ApiError::not_found)?,
            viewer: viewer.clone(),
        },
        Loaded::Test {
            test_id, row, viewer, ..
        } => {
            let row = ideas::find_for_update(tx, row.id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            let test = steps::test_by_id(tx, *test_id).await?.ok_or_else(ApiError::not_found)?;
            Loaded::Test {
                test_id: *test_id,
                running: test.completed_at.is_none() && row.state == IdeaState::InTesting.as_str(),
                row,
                viewer: viewer.clone(),
            }
        }
    })
}

/// Records a file added or removed as an event of the challenge or idea that holds it (a
/// test's files are events of its idea). The state stays as it is.
async fn record_event(
    state: &AppState,
    tx: &WriteTx,
    held: &Loaded,
    actor: &Actor,
    file: &rows::Model,
    added: bool,
    at: chrono::DateTime<Utc>,
) -> Result<(), ApiError> {
    let payload = serde_json::json!({
        "attachment_id": file.id,
        "filename": file.filename,
        "parent_kind": file.parent_kind,
        "parent_id": file.parent_id,
    });
    let entry = match held {
        Loaded::Challenge(row) => {
            let current = challenges::state_of(row)?.as_str();
            let kind = if added {
                ChallengeEventKind::AttachFile
            } else {
                ChallengeEventKind::RemoveFile
            };
            let subject = Subject::Challenge { kind, row, asker: None };
            Entry::new(subject, (Some(current), current), actor.id, at, payload)
        }
        Loaded::Idea { row, .. } | Loaded::Test { row, .. } => {
            let current = ideas::state_of(row)?.as_str();
            let kind = if added {
                IdeaEventKind::AttachFile
            } else {
                IdeaEventKind::RemoveFile
            };
            let subject = Subject::Idea {
                kind,
                row,
                assessor: None,
            };
            Entry::new(subject, (Some(current), current), actor.id, at, payload)
        }
    };
    journal::record(state, tx, entry).await?;
    Ok(())
}

/// A file's row and its bytes, for a viewer who may see the record that holds it.
pub async fn download(
    state: &AppState,
    viewer: Option<&Actor>,
    id: Uuid,
) -> Result<
    (
        rows::Model,
        impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    ),
    ApiError,
> {
    let row = repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    load(state, viewer, parent_of(&row)?).await?;
    let bytes = state
        .http
        .files
        .store
        .get(id)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok((row, bytes))
}

/// One file's row and view, for a viewer who may see the record that holds it.
pub async fn get(state: &AppState, viewer: Option<&Actor>, id: Uuid) -> Result<Attachment, ApiError> {
    let row = repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    let loaded = load(state, viewer, parent_of(&row)?).await?;
    let mut shown = views(state, vec![row], loaded.kind(), loaded.sees_uploaders(viewer)).await?;
    shown.pop().ok_or_else(ApiError::not_found)
}

/// Removes a file: its row and event in one transaction, then its bytes.
pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    let row = repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    let loaded = load(state, Some(actor), parent_of(&row)?).await?;
    loaded.authorize_change(actor, "remove_file")?;
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let held = hold(&tx, &loaded).await?;
    held.authorize_change(actor, "remove_file")?;
    repo::delete(&tx, id).await?;
    record_event(state, &tx, &held, actor, &row, false, now).await?;
    tx.commit().await?;
    if let Err(error) = state.http.files.store.delete(id).await {
        tracing::warn!(%error, attachment = %id, "the bytes of a removed file stay until the sweep");
    }
    Ok(())
}

/// How long bytes without a row are left alone by the sweep by default: an upload in
/// flight writes its bytes before its row.
pub const SWEEP_GRACE: chrono::Duration = chrono::Duration::hours(1);

/// Removes the bytes in the store that no row points at and that were written before
/// `now - grace`; answers how many it removed.
pub async fn sweep(state: &AppState, grace: chrono::Duration) -> Result<usize, ApiError> {
    let store = &state.http.files.store;
    let found = store
        .written_before(Utc::now() - grace)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let ids: Vec<Uuid> = found.iter().filter_map(|object| object.id).collect();
    let kept = repo::existing(&state.db, &ids).await?;
    let mut removed = 0;
    for object in found
        .iter()
        .filter(|object| object.id.is_none_or(|id| !kept.contains(&id)))
    {
        store.remove(object).await.map_err(|e| ApiError::internal(&e))?;
        removed += 1;
    }
    Ok(removed)
}

/// Sweeps the store at start and then once a day, as a supervised task. Several processes
/// may each sweep: removing bytes that no row points at is the same work done twice.
pub fn start_sweeps(state: &AppState) {
    let tasks = state.tasks.clone();
    let state = state.clone();
    tasks.supervise("file-sweep", move || {
        let state = state.clone();
        async move {
            loop {
                match sweep(&state, SWEEP_GRACE).await {
                    Ok(0) => {}
                    Ok(removed) => tracing::info!(removed, "removed stored files that no attachment points at"),
                    Err(error) => tracing::warn!(%error, "the file sweep failed; it runs again tomorrow"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(24 * 60 * 60)).await;
            }
        }
    });
}

/// The files `user_id` uploaded to their own challenges, ideas and ideas' tests: those an
/// erasure deletes (SPEC §15).
pub async fn own_files(state: &AppState, user_id: Uuid) -> Result<Vec<Uuid>, ApiError> {
    Ok(repo::own_files(&state.db, user_id).await?)
}

/// Removes the bytes of files whose rows are gone; what fails stays for the sweep.
pub async fn forget_bytes(state: &AppState, ids: &[Uuid]) {
    for id in ids {
        if let Err(error) = state.http.files.store.delete(*id).await {
            tracing::warn!(%error, attachment = %id, "the bytes of an erased file stay until the sweep");
        }
    }
}

/// The files of a record `viewer` may see, and whether they may add or remove files now
/// (what its page offers).
pub async fn offered(
    state: &AppState,
    viewer: Option<&Actor>,
    parent: ParentRef,
) -> Result<(Vec<Attachment>, bool), ApiError> {
    let loaded = load(state, viewer, parent).await?;
    let may_change = viewer.is_some_and(|actor| loaded.authorize_change(actor, "attach_file").is_ok());
    let rows = repo::of_parent(&state.db, loaded.kind(), loaded.parent_id()).await?;
    let items = views(state, rows, loaded.kind(), loaded.sees_uploaders(viewer)).await?;
    Ok((items, may_change))
}

/// The page that shows the record holding file `id` (where a removal returns to).
pub async fn page_of(state: &AppState, id: Uuid) -> Result<String, ApiError> {
    let row = repo::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(match parent_of(&row)? {
        ParentRef::Challenge(challenge) => format!("/challenges/{challenge}"),
        ParentRef::Idea(idea) => format!("/ideas/{idea}"),
        ParentRef::Test(_) => format!("/ideas/{}/test", row.idea_id.unwrap_or_default()),
    })
}
