//! The object store that keeps the bytes of documents (SPEC §15, ADR 0035): a folder on
//! disk by default, any S3-compatible store when several processes share the files. The
//! rows live in the database (`persistence::attachments`); the bytes of attachment `id`
//! live under `attachments/{id}`.
//!
//! An upload writes its bytes before its row commits, so a row never points at missing
//! bytes; a crash between the two leaves bytes without a row, which [`FileStore::written_before`]
//! finds for the sweep (`sluss sweep-files`, and `serve` once a day).

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as StorePath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

/// The default store: a folder beside the database.
pub const DEFAULT_STORAGE_URL: &str = "file://./sluss-files";

/// Where the bytes of attachments live in the store.
const PREFIX: &str = "attachments";

/// Bytes sent to the store per part of a large upload (S3's smallest part is 5 MiB).
const PART: usize = 5 * 1024 * 1024;

/// Bytes read from an upload's spooled file at a time.
const READ_BUFFER: usize = 64 * 1024;

/// What went wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum FileStoreError {
    /// The store answered with an error.
    #[error("the file store failed: {0}")]
    Store(#[from] object_store::Error),
    /// The upload's spooled file could not be read.
    #[error("the uploaded file could not be read: {0}")]
    Io(#[from] std::io::Error),
}

/// The bytes of every attachment, behind one interface.
#[derive(Debug, Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// Where it is, for logs (no credentials).
    place: String,
    /// The folder of a store on disk: its staging files are swept through it.
    folder: Option<PathBuf>,
}

impl FileStore {
    /// Opens the store `url` names: `file://<folder>` (created if missing; relative to the
    /// working directory as in `file://./sluss-files`) or
    /// `s3://<bucket>[/<prefix>][?endpoint=…&region=…]`,
    /// with credentials from the usual `AWS_*` environment variables. A plain `http://`
    /// endpoint is allowed (a store on the same host or network).
    pub fn open(url: &str) -> Result<Self, String> {
        if let Some(folder) = url.strip_prefix("file://") {
            if folder.is_empty() {
                return Err("a file:// storage URL names a folder, as in file://./sluss-files".to_owned());
            }
            std::fs::create_dir_all(folder).map_err(|e| format!("cannot create the folder {folder}: {e}"))?;
            let store =
                LocalFileSystem::new_with_prefix(folder).map_err(|e| format!("cannot use the folder {folder}: {e}"))?;
            return Ok(Self {
                store: Arc::new(store),
                place: url.to_owned(),
                folder: Some(PathBuf::from(folder)),
            });
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let parsed = url::Url::parse(url).map_err(|e| format!("not a storage URL: {e}"))?;
            let bucket = parsed.host_str().unwrap_or_default();
            if bucket.is_empty() {
                return Err("an s3:// storage URL names a bucket, as in s3://sluss-files".to_owned());
            }
            let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
            let mut region_given = std::env::var("AWS_REGION").is_ok() || std::env::var("AWS_DEFAULT_REGION").is_ok();
            for (key, value) in parsed.query_pairs() {
                match key.as_ref() {
                    "endpoint" => {
                        builder = builder
                            .with_allow_http(value.starts_with("http://"))
                            .with_endpoint(value.as_ref());
                    }
                    "region" => {
                        region_given = true;
                        builder = builder.with_region(value.as_ref());
                    }
                    other => return Err(format!("unknown storage URL parameter {other}; use endpoint or region")),
                }
            }
            if !region_given {
                builder = builder.with_region("us-east-1");
            }
            let store = builder.build().map_err(|e| format!("cannot use the S3 store: {e}"))?;
            let place = format!("s3://{}", rest.split('?').next().unwrap_or(bucket));
            // A path after the bucket keeps sluss's objects under that prefix (one bucket
            // for several sites, or for tests).
            let prefix = parsed.path().trim_matches('/');
            let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                Arc::new(store)
            } else {
                Arc::new(PrefixStore::new(store, prefix))
            };
            return Ok(Self {
                store,
                place,
                folder: None,
            });
        }
        Err("a storage URL starts with file:// or s3://".to_owned())
    }

    /// A store in memory, for callers that never keep files (benchmarks, set-ups of
    /// other tests).
    pub fn in_memory() -> Self {
        Self {
            store: Arc::new(InMemory::new()),
            place: "memory".to_owned(),
            folder: None,
        }
    }

    /// Where it is, without credentials.
    pub fn place(&self) -> &str {
        &self.place
    }

    fn path_of(id: Uuid) -> StorePath {
        StorePath::from(format!("{PREFIX}/{id}"))
    }

    /// Writes the bytes of attachment `id` from `file` (the upload, spooled to disk), in
    /// parts of [`PART`] bytes, so memory stays bounded whatever the file's size.
    pub async fn put(&self, id: Uuid, mut file: tokio::fs::File, size: u64) -> Result<(), FileStoreError> {
        let path = Self::path_of(id);
        if size <= PART as u64 {
            let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(PART));
            file.read_to_end(&mut bytes).await?;
            self.store.put(&path, PutPayload::from(bytes)).await?;
            return Ok(());
        }
        let upload = self.store.put_multipart(&path).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut buffer = vec![0; READ_BUFFER];
        let written: Result<(), FileStoreError> = async {
            loop {
                let read = file.read(&mut buffer).await?;
                if read == 0 {
                    break;
                }
                writer.wait_for_capacity(2).await?;
                writer.write(&buffer[..read]);
            }
            Ok(())
        }
        .await;
        match written {
            Ok(()) => {
                writer.finish().await?;
                Ok(())
            }
            Err(error) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(%abort, "an unfinished upload could not be aborted; the sweep removes its parts");
                }
                Err(error)
            }
        }
    }

    /// The bytes of attachment `id`, as a stream.
    pub async fn get(
        &self,
        id: Uuid,
    ) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static, FileStoreError> {
        let result = self.store.get(&Self::path_of(id)).await?;
        Ok(result.into_stream().map_err(std::io::Error::other))
    }

    /// Removes the bytes of attachment `id`; bytes already gone are no error.
    pub async fn delete(&self, id: Uuid) -> Result<(), FileStoreError> {
        match self.store.delete(&Self::path_of(id)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// The attachments whose bytes are in the store and were last written before `cutoff`,
    /// with anything else under the prefix that names no attachment.
    pub async fn written_before(&self, cutoff: DateTime<Utc>) -> Result<Vec<StoredObject>, FileStoreError> {
        let prefix = StorePath::from(PREFIX);
        let mut found = Vec::new();
        let mut listing = self.store.list(Some(&prefix));
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            if meta.last_modified >= cutoff {
                continue;
            }
            let id = meta.location.filename().and_then(|name| Uuid::parse_str(name).ok());
            found.push(StoredObject {
                id,
                location: meta.location.to_string(),
            });
        }
        if let Some(folder) = &self.folder {
            found.extend(Self::staged_before(&folder.join(PREFIX), cutoff)?);
        }
        Ok(found)
    }

    /// The staging files of a store on disk written before `cutoff`. The store on disk
    /// writes an object to `{name}#{n}` and renames it when complete; a process killed
    /// before the rename leaves that file behind, and the store's own listing skips such
    /// names, so the sweep looks for them in the folder itself.
    fn staged_before(folder: &std::path::Path, cutoff: DateTime<Utc>) -> Result<Vec<StoredObject>, FileStoreError> {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(error.into()),
        };
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !is_staging(&name) {
                continue;
            }
            let modified: DateTime<Utc> = entry.metadata()?.modified()?.into();
            if modified < cutoff {
                found.push(StoredObject {
                    id: None,
                    location: format!("{PREFIX}/{name}"),
                });
            }
        }
        Ok(found)
    }

    /// Removes an object found by [`FileStore::written_before`].
    pub async fn remove(&self, object: &StoredObject) -> Result<(), FileStoreError> {
        if let Some(folder) = &self.folder
            && object.location.rsplit('/').next().is_some_and(is_staging)
        {
            return match tokio::fs::remove_file(folder.join(&object.location)).await {
                Ok(()) => Ok(()),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(error) => Err(error.into()),
            };
        }
        match self.store.delete(&StorePath::from(object.location.as_str())).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

/// Whether `name` is a staging file of the store on disk: `{name}#{digits}`.
fn is_staging(name: &str) -> bool {
    name.split_once('#')
        .is_some_and(|(_, suffix)| !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()))
}

/// An object found in the store.
#[derive(Debug, Clone)]
pub struct StoredObject {
    /// The attachment it holds the bytes of, when its name is one.
    pub id: Option<Uuid>,
    /// Where it is in the store.
    pub location: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sweep_finds_staging_files_a_killed_upload_left_on_disk_and_removes_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = FileStore::open(&format!("file://{}", dir.path().display())).expect("store");
        let id = Uuid::now_v7();
        let spooled = dir.path().join("upload");
        std::fs::write(&spooled, b"%PDF-1.7 kept").expect("spool");
        store
            .put(id, tokio::fs::File::open(&spooled).await.expect("open"), 13)
            .await
            .expect("put");
        let left = dir.path().join(PREFIX).join(format!("{}#1", Uuid::now_v7()));
        std::fs::write(&left, b"half an upload").expect("staging file");

        let later = Utc::now() + chrono::Duration::seconds(5);
        let found = store.written_before(later).await.expect("listing");
        let staged: Vec<_> = found.iter().filter(|o| o.id.is_none()).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(staged.len(), 1, "{found:?}");
        assert!(found.iter().any(|o| o.id == Some(id)));
        // Not yet old enough: kept.
        let earlier = Utc::now() - chrono::Duration::minutes(1);
        assert!(store.written_before(earlier).await.expect("listing").is_empty());

        store.remove(staged[0]).await.expect("remove");
        assert!(!left.exists());
        store.remove(staged[0]).await.expect("removing it twice is no error");
        assert!(store.get(id).await.is_ok());
        assert!(!is_staging("0190a3b4-0000-7000-8000-000000000000"));
        assert!(!is_staging("x#"));
        assert!(!is_staging("x#a1"));
        assert!(is_staging("x#12"));
    }
}
