//! Where the library's files live: local disk under the data directory by default, or
//! S3-compatible object storage for several instances, through `object_store`.
//!
//! Objects are stored under generated keys (`files/<uuid>`); a client's file name never
//! reaches the file system or the bucket. An upload is streamed to a temporary key
//! (`tmp/<uuid>`) with its SHA-256 computed on the way and its type detected from its
//! first bytes, then the database row is written (pointing at `files/<uuid>`), then the
//! object is moved to its final key. A crash between two steps leaves a stray that
//! `bayanihan library-repair` lists and fixes; a download finds an object still under its
//! temporary key.

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, RetryConfig, WriteMultipart,
};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::library::filetype::{self, FileType, Sniff};
use crate::types::ids::UserId;

/// Bytes of a file read before its type is decided.
const SNIFF_BYTES: usize = 4096;
/// Size of the parts an upload is sent to an S3 bucket in (S3's smallest part but the last).
const PART_BYTES: usize = 5 * 1024 * 1024;
/// Size of the parts an upload is written to the local folder in: a local file takes parts
/// of any size, and each upload holds up to `PARTS_IN_FLIGHT + 1` parts in memory (the one
/// filling and those being written), so 20 uploads at once hold 60 MiB, not 300.
const LOCAL_PART_BYTES: usize = 1024 * 1024;
/// Parts in flight at once.
const PARTS_IN_FLIGHT: usize = 2;
/// Uploads one account may have in progress at once.
pub const UPLOADS_PER_ACCOUNT: usize = 2;
/// Seconds a client is told to wait when every upload slot is taken.
const UPLOADS_RETRY_AFTER: u64 = 10;

/// Where the files are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A folder on this machine.
    Local(PathBuf),
    /// An S3-compatible bucket.
    S3 {
        bucket: String,
        /// For S3-compatible services (MinIO, Ceph, moto); AWS when `None`.
        endpoint: Option<String>,
        region: String,
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        /// Every key is put under this prefix (several installations in one bucket).
        prefix: Option<String>,
    },
}

/// The library's storage settings (see the README's table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfig {
    pub backend: Backend,
    /// Largest file accepted (`BAYANIHAN_LIBRARY_MAX_FILE_BYTES`, 100 MiB by default).
    pub max_file_bytes: u64,
    /// Bytes of files one account may have uploaded (`BAYANIHAN_LIBRARY_QUOTA_BYTES`, 1 GiB by
    /// default), superseded versions included.
    pub quota_bytes: u64,
    /// A program run on every uploaded file before it is published
    /// (`BAYANIHAN_LIBRARY_SCAN_COMMAND`), with the file's path as its only argument: exit
    /// status 0 accepts the file, anything else refuses it (e.g. a virus scanner).
    pub scan_command: Option<PathBuf>,
    /// Folder for copies of objects being scanned, and for the local backend.
    pub data_dir: PathBuf,
    /// Uploads (and course imports) this process receives at once
    /// (`BAYANIHAN_LIBRARY_MAX_UPLOADS`, 16 by default). Each holds up to three parts in
    /// memory: 3 MiB on the local disk, 15 MiB on S3 (S3's parts are 5 MiB at least).
    pub max_uploads: usize,
}

impl StorageConfig {
    /// Local disk under `data_dir/library`, with the default limits.
    pub fn local(data_dir: &FsPath) -> Self {
        Self {
            backend: Backend::Local(data_dir.join("library")),
            max_file_bytes: 100 * 1024 * 1024,
            quota_bytes: 1024 * 1024 * 1024,
            scan_command: None,
            data_dir: data_dir.to_owned(),
            max_uploads: 16,
        }
    }

    /// Reads the settings through `get` (trimmed, empty values absent).
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        data_dir: &FsPath,
    ) -> anyhow::Result<Self> {
        let mut config = Self::local(data_dir);
        let bytes = |key: &str, default: u64| -> anyhow::Result<u64> {
            match get(key) {
                Some(v) => v.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    anyhow::anyhow!("{key} must be a number of bytes (1 or more), not `{v}`")
                }),
                None => Ok(default),
            }
        };
        config.max_file_bytes = bytes("BAYANIHAN_LIBRARY_MAX_FILE_BYTES", config.max_file_bytes)?;
        config.quota_bytes = bytes("BAYANIHAN_LIBRARY_QUOTA_BYTES", config.quota_bytes)?;
        config.max_uploads = match get("BAYANIHAN_LIBRARY_MAX_UPLOADS") {
            Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                anyhow::anyhow!(
                    "BAYANIHAN_LIBRARY_MAX_UPLOADS must be a number of uploads (1 or more), not `{v}`"
                )
            })?,
            None => config.max_uploads,
        };
        config.scan_command = get("BAYANIHAN_LIBRARY_SCAN_COMMAND").map(PathBuf::from);
        config.backend = match get("BAYANIHAN_STORAGE").as_deref() {
            None | Some("local") => match get("BAYANIHAN_LIBRARY_DIR") {
                Some(dir) => Backend::Local(PathBuf::from(dir)),
                None => config.backend,
            },
            Some("s3") => Backend::S3 {
                bucket: get("BAYANIHAN_S3_BUCKET").ok_or_else(|| {
                    anyhow::anyhow!("BAYANIHAN_STORAGE=s3 needs BAYANIHAN_S3_BUCKET")
                })?,
                endpoint: get("BAYANIHAN_S3_ENDPOINT"),
                region: get("BAYANIHAN_S3_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
                access_key_id: get("BAYANIHAN_S3_ACCESS_KEY_ID"),
                secret_access_key: get("BAYANIHAN_S3_SECRET_ACCESS_KEY"),
                prefix: get("BAYANIHAN_S3_PREFIX"),
            },
            Some(other) => {
                anyhow::bail!("BAYANIHAN_STORAGE must be `local` or `s3`, not `{other}`")
            }
        };
        Ok(config)
    }
}

/// The storage, shared by every worker.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The folder of the local backend (`None` on S3).
    local_root: Option<PathBuf>,
    pub config: Arc<StorageConfig>,
    uploads: Arc<Mutex<InProgress>>,
}

/// Uploads being received now, in all and per account.
#[derive(Debug, Default)]
struct InProgress {
    total: usize,
    by_account: HashMap<UserId, usize>,
}

/// A slot for one upload in progress, given back when dropped.
#[derive(Debug)]
pub struct UploadSlot {
    uploads: Arc<Mutex<InProgress>>,
    account: UserId,
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut u = self.uploads.lock().unwrap_or_else(PoisonError::into_inner);
        u.total = u.total.saturating_sub(1);
        if let Some(n) = u.by_account.get_mut(&self.account) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                u.by_account.remove(&self.account);
            }
        }
    }
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

/// An uploaded object, under its temporary key.
#[derive(Debug, Clone)]
pub struct Received {
    /// The generated name of the object (`tmp/<id>` now, `files/<id>` once promoted).
    pub id: String,
    pub file_type: FileType,
    pub size: u64,
    /// Lower-case hexadecimal.
    pub sha256: String,
}

/// Why an upload was refused.
#[derive(Debug)]
pub enum UploadError {
    /// Larger than the limit that applies (the file limit or what is left of the quota).
    TooLarge,
    /// The type is not allowed, or the content does not match the name's extension.
    Type(ApiError),
    /// The client's body broke off.
    Body,
    /// The storage failed.
    Storage(object_store::Error),
}

/// The key an object has while it is being uploaded and checked.
pub fn temp_key(id: &str) -> String {
    format!("tmp/{id}")
}

/// The key an object has once its row is written.
pub fn final_key(id: &str) -> String {
    format!("files/{id}")
}

/// The object id of a stored key (`files/<id>` → `<id>`).
pub fn id_of(key: &str) -> Option<&str> {
    key.strip_prefix("files/")
        .or_else(|| key.strip_prefix("tmp/"))
}

/// A storage error as the client sees it: 503, the cause logged.
pub fn unavailable(err: object_store::Error) -> ApiError {
    ApiError::Unavailable(format!("file storage: {err}"))
}

impl Storage {
    /// Opens (and for the local backend creates) the storage.
    pub fn open(config: &StorageConfig) -> anyhow::Result<Self> {
        let (store, local_root): (Arc<dyn ObjectStore>, _) = match &config.backend {
            Backend::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!("cannot create the library folder {}: {e}", dir.display())
                })?;
                let store = LocalFileSystem::new_with_prefix(dir)?;
                (Arc::new(store), Some(dir.clone()))
            }
            Backend::S3 {
                bucket,
                endpoint,
                region,
                access_key_id,
                secret_access_key,
                prefix,
            } => {
                // rustls needs one process-wide crypto provider; ring is the one in the tree.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region)
                    // A storage that is down answers 503 within seconds, not minutes.
                    .with_retry(RetryConfig {
                        max_retries: 2,
                        retry_timeout: Duration::from_secs(10),
                        ..RetryConfig::default()
                    })
                    .with_client_options(
                        ClientOptions::new()
                            .with_connect_timeout(Duration::from_secs(5))
                            .with_timeout(Duration::from_secs(120)),
                    );
                if let Some(endpoint) = endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                if let Some(key) = access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                let s3: Arc<dyn ObjectStore> = Arc::new(builder.build()?);
                let store: Arc<dyn ObjectStore> = match prefix {
                    Some(prefix) => {
                        Arc::new(object_store::prefix::PrefixStore::new(s3, prefix.as_str()))
                    }
                    None => s3,
                };
                (store, None)
            }
        };
        Ok(Self {
            store,
            local_root,
            config: Arc::new(config.clone()),
            uploads: Arc::default(),
        })
    }

    /// A slot for an upload by `account`, to hold until the upload is done: what bounds the
    /// memory uploads hold (`max_uploads` at once, each a few parts). 429
    /// `too_many_uploads` when the account already has [`UPLOADS_PER_ACCOUNT`] in
    /// progress; 503 `overloaded` (with `Retry-After`) when every slot is taken.
    pub fn admit(&self, account: UserId) -> Result<UploadSlot, ApiError> {
        let mut u = self.uploads.lock().unwrap_or_else(PoisonError::into_inner);
        let mine = u.by_account.get(&account).copied().unwrap_or(0);
        if mine >= UPLOADS_PER_ACCOUNT {
            return Err(ApiError::Status {
                status: 429,
                code: "too_many_uploads",
                detail: format!(
                    "you have {UPLOADS_PER_ACCOUNT} uploads in progress; send the next when one is done"
                ),
            });
        }
        if u.total >= self.config.max_uploads {
            return Err(ApiError::Overloaded {
                retry_after: UPLOADS_RETRY_AFTER,
            });
        }
        u.total += 1;
        *u.by_account.entry(account).or_insert(0) += 1;
        Ok(UploadSlot {
            uploads: Arc::clone(&self.uploads),
            account,
        })
    }

    /// Streams `body` to a new temporary object, refusing it as soon as it passes `limit`
    /// bytes or its first bytes show a type the name's `extension` does not allow; nothing
    /// is left behind when it is refused.
    pub async fn receive<S, E>(
        &self,
        mut body: S,
        extension: &str,
        limit: u64,
    ) -> Result<Received, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let key = Path::from(temp_key(&id));
        let upload = self
            .store
            .put_multipart(&key)
            .await
            .map_err(UploadError::Storage)?;
        let part = if self.local_root.is_some() {
            LOCAL_PART_BYTES
        } else {
            PART_BYTES
        };
        let mut writer = WriteMultipart::new_with_chunk_size(upload, part);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        let mut sniff: Option<Sniff> = None;
        let mut text = filetype::Utf8Check::default();
        let failure = loop {
            let chunk = match body.next().await {
                None => break None,
                Some(Err(_)) => break Some(UploadError::Body),
                Some(Ok(chunk)) => chunk,
            };
            size += chunk.len() as u64;
            if size > limit {
                break Some(UploadError::TooLarge);
            }
            if sniff.is_none() {
                let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                if head.len() >= SNIFF_BYTES {
                    match filetype::sniff(&head, extension) {
                        Ok(s) => sniff = Some(s),
                        Err(err) => break Some(UploadError::Type(err)),
                    }
                }
            }
            text.feed(&chunk);
            if sniff.is_some_and(|s| s.is_text()) && !text.is_valid() {
                break Some(UploadError::Type(filetype::mismatch(extension)));
            }
            hasher.update(&chunk);
            if let Err(err) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                break Some(UploadError::Storage(err));
            }
            writer.write(&chunk);
        };
        let failure = failure.or_else(|| {
            // A file shorter than the sniffing window is decided at its end.
            let decided = match sniff {
                Some(s) => Ok(s),
                None => filetype::sniff(&head, extension),
            };
            match decided {
                Ok(s) if s.is_text() && !text.finish() => {
                    Some(UploadError::Type(filetype::mismatch(extension)))
                }
                Ok(s) => {
                    sniff = Some(s);
                    None
                }
                Err(err) => Some(UploadError::Type(err)),
            }
        });
        if let Some(failure) = failure {
            if let Err(err) = writer.abort().await {
                tracing::warn!(error = %err, object = %key, "could not abort a refused upload");
            }
            return Err(failure);
        }
        writer.finish().await.map_err(UploadError::Storage)?;
        let digest = hasher.finalize();
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        let file_type = match sniff {
            Some(s) => s.file_type,
            None => return Err(UploadError::Type(filetype::mismatch(extension))),
        };
        Ok(Received {
            id,
            file_type,
            size,
            sha256,
        })
    }

    /// The object store itself, for tools and tests.
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// Moves an object from its temporary key to its final key.
    pub async fn promote(&self, id: &str) -> Result<(), object_store::Error> {
        self.store
            .rename(&Path::from(temp_key(id)), &Path::from(final_key(id)))
            .await
    }

    /// Deletes the object under `key` (a missing object is not an error).
    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// Deletes an object under its final and its temporary key, logging what fails (the
    /// repair command finds what stays behind).
    pub async fn delete_quietly(&self, key: &str) {
        let mut keys = vec![key.to_owned()];
        if let Some(id) = id_of(key) {
            keys.push(temp_key(id));
        }
        for key in keys {
            if let Err(err) = self.delete(&key).await {
                tracing::warn!(error = %err, object = %key, "could not delete a file; `bayanihan library-repair` will");
            }
        }
    }

    /// The bytes `range` (end exclusive) of the object under `key`, as a stream; an object
    /// not promoted yet is read under its temporary key.
    pub async fn read(
        &self,
        key: &str,
        range: std::ops::Range<u64>,
    ) -> Result<
        futures_util::stream::BoxStream<'static, Result<Bytes, object_store::Error>>,
        object_store::Error,
    > {
        let options = || GetOptions {
            range: Some(GetRange::Bounded(range.clone())),
            ..GetOptions::default()
        };
        let result = match self.store.get_opts(&Path::from(key), options()).await {
            Err(object_store::Error::NotFound { .. }) if id_of(key).is_some() => {
                let temp = temp_key(id_of(key).unwrap_or_default());
                self.store.get_opts(&Path::from(temp), options()).await?
            }
            other => other?,
        };
        Ok(result.into_stream())
    }

    /// Runs the operator's scan command, if any, on the temporary object `id`: `Ok(true)`
    /// when it accepts the file (or there is no command).
    pub async fn scan(&self, id: &str) -> Result<bool, ApiError> {
        let Some(command) = self.config.scan_command.clone() else {
            return Ok(true);
        };
        let (path, copy) = match &self.local_root {
            Some(root) => (root.join("tmp").join(id), false),
            None => (self.spool(id).await?, true),
        };
        let status = {
            let path = path.clone();
            actix_web::web::block(move || {
                std::process::Command::new(&command)
                    .arg(&path)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
            })
            .await
            .map_err(ApiError::internal)?
        };
        if copy {
            let _ = std::fs::remove_file(&path);
        }
        match status {
            Ok(status) => Ok(status.success()),
            Err(err) => Err(ApiError::Unavailable(format!(
                "the library's scan command could not run: {err}"
            ))),
        }
    }

    /// Copies the temporary object `id` to a local file for the scan command.
    async fn spool(&self, id: &str) -> Result<PathBuf, ApiError> {
        use std::io::Write;
        let dir = self.config.data_dir.join("library-spool");
        std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
        let path = dir.join(id);
        let mut file = std::fs::File::create(&path).map_err(ApiError::internal)?;
        let mut stream = self
            .store
            .get(&Path::from(temp_key(id)))
            .await
            .map_err(unavailable)?
            .into_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(unavailable)?;
            file.write_all(&chunk).map_err(ApiError::internal)?;
        }
        Ok(path)
    }

    /// Every object under `prefix` (`tmp` or `files`): its key and when it was last written.
    pub async fn list(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>, object_store::Error> {
        let mut out = Vec::new();
        let mut stream = self.store.list(Some(&Path::from(prefix)));
        while let Some(meta) = stream.next().await {
            let meta = meta?;
            out.push((meta.location.to_string(), meta.last_modified));
        }
        Ok(out)
    }

    /// Whether an object exists under `key`.
    pub async fn exists(&self, key: &str) -> Result<bool, object_store::Error> {
        match self.store.head(&Path::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }
}
