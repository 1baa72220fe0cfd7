//! The snapshot kept as a file of its own: written beside its final name, fsync'd, renamed over
//! it and the directory fsync'd, so a crash leaves the old snapshot or the new one, whole.
//! `FileSnapshot` streams a record into such a file as it is encoded.

use crate::engine::{EngineError, SnapshotWriter};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Makes `temporary` (written through `file`) the file at `path`, durably.
pub fn replace_durably(file: File, temporary: &Path, path: &Path) -> std::io::Result<()> {
    file.sync_all()?;
    drop(file);
    std::fs::rename(temporary, path)?;
    if let Some(dir) = path.parent() {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A snapshot record being streamed to `<path>.building`; `commit` puts it in place, and `then`
/// runs after (the engine's own clean-up). Dropped uncommitted, the partial file is removed.
pub struct FileSnapshot<F: FnOnce() -> Result<(), EngineError> + Send> {
    file: Option<BufWriter<File>>,
    temporary: PathBuf,
    path: PathBuf,
    then: Option<F>,
}

impl<F: FnOnce() -> Result<(), EngineError> + Send> FileSnapshot<F> {
    pub fn create(path: &Path, then: F) -> Result<FileSnapshot<F>, EngineError> {
        let temporary = path.with_extension("cbor.building");
        let file = File::create(&temporary)
            .map_err(|e| EngineError::new(format!("create {}", temporary.display()), e))?;
        Ok(FileSnapshot {
            file: Some(BufWriter::with_capacity(1 << 20, file)),
            temporary,
            path: path.to_path_buf(),
            then: Some(then),
        })
    }

    fn file(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("snapshot file already closed"))
    }
}

impl<F: FnOnce() -> Result<(), EngineError> + Send> Write for FileSnapshot<F> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file()?.flush()
    }
}

impl<F: FnOnce() -> Result<(), EngineError> + Send> SnapshotWriter for FileSnapshot<F> {
    fn commit(mut self: Box<Self>) -> Result<(), EngineError> {
        let operation = format!("write {}", self.path.display());
        let written = self.file.take().expect("a snapshot writer commits once");
        let placed = written
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| replace_durably(file, &self.temporary, &self.path));
        if let Err(e) = placed {
            let _ = std::fs::remove_file(&self.temporary);
            return Err(EngineError::new(&operation, e));
        }
        match self.then.take() {
            Some(then) => then(),
            None => Ok(()),
        }
    }
}

impl<F: FnOnce() -> Result<(), EngineError> + Send> Drop for FileSnapshot<F> {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}
