//! The index's folder without an fsync per commit: Tantivy's memory-mapped directory, whose
//! writes are synced later, a few seconds apart, by [`LazyDir::sync`].
//!
//! Tantivy syncs every file of a new segment, the folder and `meta.json` on each commit (about
//! ten fsyncs); a search that applies a few changes would pay for them all. The index is
//! derived from the database, so losing its last seconds at a power cut is acceptable as long
//! as it is noticed: before the first write that is not synced yet, a marker file
//! ([`UNSYNCED`]) is written and synced, and [`LazyDir::sync`] removes it once everything is
//! on disk. An index opened with the marker present is checked (every file's checksum, every
//! segment readable) and rebuilt when damaged; when it is whole but older than it was, its
//! commit's payload (the last change applied) is older too, and the changes after it are
//! applied again from the log. A process that dies without a power cut loses nothing: what it
//! wrote is in the system's page cache.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// Present while some of the index's writes may not be on disk yet.
pub const UNSYNCED: &str = "bayanihan-unsynced";

/// What is written and not synced yet.
#[derive(Debug, Default)]
struct Pending {
    files: BTreeSet<PathBuf>,
    /// The marker is on disk.
    marked: bool,
}

/// Tantivy's memory-mapped directory, with writes synced by [`LazyDir::sync`] rather than
/// on each commit.
#[derive(Clone, Debug)]
pub struct LazyDir {
    inner: MmapDirectory,
    root: PathBuf,
    pending: Arc<Mutex<Pending>>,
}

/// A file written without a sync at its end.
struct UnsyncedFile(File);

impl Write for UnsyncedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TerminatingWrite for UnsyncedFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

fn sync_folder(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl LazyDir {
    /// The directory over the folder `root`, which exists.
    pub fn open(root: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            inner: MmapDirectory::open(root)?,
            root: root.to_owned(),
            pending: Arc::new(Mutex::new(Pending {
                files: BTreeSet::new(),
                marked: root.join(UNSYNCED).exists(),
            })),
        })
    }

    /// Whether a previous run may have left writes that never reached the disk.
    pub fn was_left_unsynced(root: &Path) -> bool {
        root.join(UNSYNCED).exists()
    }

    /// Notes `path` as written and not synced; the first such write puts the marker on disk.
    fn note(&self, path: &Path) -> io::Result<()> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if !pending.marked {
            File::create(self.root.join(UNSYNCED))?.sync_all()?;
            sync_folder(&self.root)?;
            pending.marked = true;
        }
        pending.files.insert(path.to_owned());
        Ok(())
    }

    /// Puts every write so far on disk (the files, then the folder), then removes the marker
    /// when nothing was written meanwhile. Files deleted since they were written are skipped.
    pub fn sync(&self) -> io::Result<()> {
        let files = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            if pending.files.is_empty() && !pending.marked {
                return Ok(());
            }
            std::mem::take(&mut pending.files)
        };
        let synced = files.iter().try_for_each(|path| {
            match OpenOptions::new().read(true).open(self.root.join(path)) {
                Ok(file) => file.sync_all(),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e),
            }
        });
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(e) = synced.and_then(|()| sync_folder(&self.root)) {
            pending.files.extend(files);
            return Err(e);
        }
        if pending.files.is_empty() && pending.marked {
            std::fs::remove_file(self.root.join(UNSYNCED))?;
            sync_folder(&self.root)?;
            pending.marked = false;
        }
        Ok(())
    }

    /// Whether some writes are not synced yet.
    pub fn has_unsynced(&self) -> bool {
        !self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .files
            .is_empty()
    }
}

impl Directory for LazyDir {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_owned())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_owned())
                }
            })?;
        self.note(path)
            .map_err(|e| OpenWriteError::wrap_io_error(e, path.to_owned()))?;
        Ok(BufWriter::new(Box::new(UnsyncedFile(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    /// Written whole under another name, then renamed into place: readers never see half of
    /// it; synced by [`LazyDir::sync`].
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.note(path)?;
        let temp = self
            .root
            .join(format!(".write-{}.tmp", uuid::Uuid::new_v4().simple()));
        let written = File::create(&temp)
            .and_then(|mut file| file.write_all(data))
            .and_then(|()| std::fs::rename(&temp, self.root.join(path)));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// The folder is synced by [`LazyDir::sync`].
    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
