//! `SledEngine`: the default `StorageEngine`, on sled 0.34. The log lives in tree `log` keyed by the
//! big-endian index (so key order is index order); named records live in tree `meta`, except the
//! snapshot, which is a file of its own (`corral-snapshot.cbor` in the database directory, written
//! to a temporary file, fsync'd and renamed): it holds the whole state, hundreds of MiB with a
//! million jobs, which sled would copy through its page cache and log. A snapshot that an older
//! release left in tree `meta` is still read when there is no file. Durability is `Db::flush`,
//! which fsyncs sled's write-ahead log.

use crate::engine::{
    BufferedSnapshot, EngineError, LogRecord, MetaKey, SnapshotWriter, StorageEngine,
};
use crate::snapshot_file::{replace_durably, FileSnapshot};
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct SledEngine {
    db: sled::Db,
    log: sled::Tree,
    meta: sled::Tree,
    /// Where the snapshot is kept; `None` for a temporary database (kept in `meta`).
    snapshot_file: Option<PathBuf>,
}

const SNAPSHOT_FILE: &str = "corral-snapshot.cbor";

/// sled's page cache (its default is 1 GiB). The log is written once and read back only by a
/// lagging follower or a restart; the state lives in memory elsewhere, so a small cache does.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

impl SledEngine {
    /// Opens (or creates) the database in directory `dir`.
    pub fn open(dir: &Path) -> Result<SledEngine, EngineError> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| EngineError::new(format!("open {}", dir.display()), e))?;
        SledEngine::from_db(db, Some(dir.join(SNAPSHOT_FILE)))
    }

    /// A database in a temporary directory that is removed when the engine is dropped (tests).
    pub fn temporary() -> Result<SledEngine, EngineError> {
        let db = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(|e| EngineError::new("open temporary database", e))?;
        SledEngine::from_db(db, None)
    }

    fn from_db(db: sled::Db, snapshot_file: Option<PathBuf>) -> Result<SledEngine, EngineError> {
        let log = db
            .open_tree("log")
            .map_err(|e| EngineError::new("open tree log", e))?;
        let meta = db
            .open_tree("meta")
            .map_err(|e| EngineError::new("open tree meta", e))?;
        Ok(SledEngine {
            db,
            log,
            meta,
            snapshot_file,
        })
    }

    /// Replaces the snapshot file durably: a crash leaves the old file or the new one, whole.
    fn write_snapshot_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let temporary = path.with_extension("cbor.tmp");
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        replace_durably(file, &temporary, path)
    }

    fn flush(&self, operation: &str) -> Result<(), EngineError> {
        self.db
            .flush()
            .map(|_| ())
            .map_err(|e| EngineError::new(format!("{operation}: flush"), e))
    }
}

fn index_key(index: u64) -> [u8; 8] {
    index.to_be_bytes()
}

fn record_from(key: &[u8], value: &[u8], operation: &str) -> Result<LogRecord, EngineError> {
    let index_bytes: [u8; 8] = key.try_into().map_err(|_| {
        EngineError::new(
            operation,
            format!(
                "log key of {} bytes (expected 8: a big-endian index)",
                key.len()
            ),
        )
    })?;
    Ok((u64::from_be_bytes(index_bytes), value.to_vec()))
}

impl StorageEngine for SledEngine {
    fn append_log(&self, records: Vec<LogRecord>) -> Result<(), EngineError> {
        let mut batch = sled::Batch::default();
        for (index, bytes) in records {
            batch.insert(&index_key(index), bytes);
        }
        self.log
            .apply_batch(batch)
            .map_err(|e| EngineError::new("append log", e))?;
        self.flush("append log")
    }

    fn read_log(&self, start: u64, end: u64) -> Result<Vec<LogRecord>, EngineError> {
        if start >= end {
            return Ok(Vec::new());
        }
        self.log
            .range(index_key(start)..index_key(end))
            .map(|item| {
                let (key, value) = item.map_err(|e| EngineError::new("read log", e))?;
                record_from(&key, &value, "read log")
            })
            .collect()
    }

    fn last_log(&self) -> Result<Option<LogRecord>, EngineError> {
        match self.log.last() {
            Ok(Some((key, value))) => record_from(&key, &value, "read last log").map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(EngineError::new("read last log", e)),
        }
    }

    fn remove_log_from(&self, from: u64) -> Result<(), EngineError> {
        let mut batch = sled::Batch::default();
        for item in self.log.range(index_key(from)..) {
            let (key, _) = item.map_err(|e| EngineError::new("truncate log", e))?;
            batch.remove(key);
        }
        self.log
            .apply_batch(batch)
            .map_err(|e| EngineError::new("truncate log", e))?;
        self.flush("truncate log")
    }

    fn remove_log_through(&self, through: u64) -> Result<(), EngineError> {
        let mut batch = sled::Batch::default();
        for item in self.log.range(..=index_key(through)) {
            let (key, _) = item.map_err(|e| EngineError::new("purge log", e))?;
            batch.remove(key);
        }
        self.log
            .apply_batch(batch)
            .map_err(|e| EngineError::new("purge log", e))
    }

    fn get_meta(&self, key: MetaKey) -> Result<Option<Vec<u8>>, EngineError> {
        if let (MetaKey::Snapshot, Some(path)) = (key, &self.snapshot_file) {
            match std::fs::read(path) {
                Ok(bytes) => return Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(EngineError::new(format!("read {}", path.display()), e)),
            }
        }
        self.meta
            .get(key.name())
            .map(|value| value.map(|v| v.to_vec()))
            .map_err(|e| EngineError::new(format!("read {}", key.name()), e))
    }

    fn put_meta(&self, key: MetaKey, value: &[u8], durable: bool) -> Result<(), EngineError> {
        let operation = format!("write {}", key.name());
        if let (MetaKey::Snapshot, Some(path)) = (key, &self.snapshot_file) {
            Self::write_snapshot_file(path, value)
                .map_err(|e| EngineError::new(format!("write {}", path.display()), e))?;
            // An older release's snapshot in `meta` would only take space now.
            self.meta
                .remove(key.name())
                .map_err(|e| EngineError::new(&operation, e))?;
            return Ok(());
        }
        self.meta
            .insert(key.name(), value)
            .map_err(|e| EngineError::new(&operation, e))?;
        if durable {
            self.flush(&operation)?;
        }
        Ok(())
    }

    /// Streams the record into the snapshot file (the whole state never sits in memory encoded).
    fn snapshot_writer(&self) -> Result<Box<dyn SnapshotWriter + '_>, EngineError> {
        let Some(path) = &self.snapshot_file else {
            return Ok(Box::new(BufferedSnapshot::new(self)));
        };
        // An older release's snapshot in `meta` would only take space once the file exists.
        let meta = self.meta.clone();
        let forget_legacy = move || {
            meta.remove(MetaKey::Snapshot.name())
                .map(|_| ())
                .map_err(|e| EngineError::new("write snapshot", e))
        };
        Ok(Box::new(FileSnapshot::create(path, forget_legacy)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir(PathBuf);

    impl Dir {
        fn new(label: &str) -> Dir {
            let path =
                std::env::temp_dir().join(format!("corral-sled-{label}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            Dir(path)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn the_snapshot_is_a_file_of_its_own_and_survives_reopening() {
        let dir = Dir::new("snapshot-file");
        {
            let engine = SledEngine::open(&dir.0).unwrap();
            engine.put_meta(MetaKey::Snapshot, b"first", true).unwrap();
            engine.put_meta(MetaKey::Snapshot, b"second", true).unwrap();
            assert_eq!(engine.meta.get(MetaKey::Snapshot.name()).unwrap(), None);
        }
        assert_eq!(std::fs::read(dir.0.join(SNAPSHOT_FILE)).unwrap(), b"second");
        assert!(!dir.0.join("corral-snapshot.cbor.tmp").exists());
        let engine = SledEngine::open(&dir.0).unwrap();
        assert_eq!(
            engine.get_meta(MetaKey::Snapshot).unwrap().as_deref(),
            Some(&b"second"[..])
        );
    }

    #[test]
    fn a_snapshot_an_older_release_kept_in_meta_is_still_read_then_replaced() {
        let dir = Dir::new("snapshot-legacy");
        let engine = SledEngine::open(&dir.0).unwrap();
        engine
            .meta
            .insert(MetaKey::Snapshot.name(), &b"old layout"[..])
            .unwrap();
        assert_eq!(
            engine.get_meta(MetaKey::Snapshot).unwrap().as_deref(),
            Some(&b"old layout"[..])
        );
        engine.put_meta(MetaKey::Snapshot, b"new", true).unwrap();
        assert_eq!(engine.meta.get(MetaKey::Snapshot.name()).unwrap(), None);
        assert_eq!(
            engine.get_meta(MetaKey::Snapshot).unwrap().as_deref(),
            Some(&b"new"[..])
        );
    }

    #[test]
    fn a_streamed_snapshot_takes_effect_on_commit_and_not_before() {
        let dir = Dir::new("snapshot-stream");
        let engine = SledEngine::open(&dir.0).unwrap();
        engine
            .meta
            .insert(MetaKey::Snapshot.name(), &b"old layout"[..])
            .unwrap();
        engine.put_meta(MetaKey::Snapshot, b"first", true).unwrap();
        let building = dir.0.join("corral-snapshot.cbor.building");
        {
            let mut abandoned = engine.snapshot_writer().unwrap();
            abandoned.write_all(b"half a snap").unwrap();
            assert!(building.exists());
        }
        assert!(
            !building.exists(),
            "an abandoned write leaves no partial file"
        );
        assert_eq!(
            engine.get_meta(MetaKey::Snapshot).unwrap().as_deref(),
            Some(&b"first"[..])
        );
        engine
            .meta
            .insert(MetaKey::Snapshot.name(), &b"old layout"[..])
            .unwrap();
        let mut writer = engine.snapshot_writer().unwrap();
        writer.write_all(b"sec").unwrap();
        writer.write_all(b"ond").unwrap();
        assert_eq!(
            engine.get_meta(MetaKey::Snapshot).unwrap().as_deref(),
            Some(&b"first"[..])
        );
        writer.commit().unwrap();
        assert!(!building.exists());
        assert_eq!(engine.meta.get(MetaKey::Snapshot.name()).unwrap(), None);
        assert_eq!(std::fs::read(dir.0.join(SNAPSHOT_FILE)).unwrap(), b"second");
        assert_eq!(
            engine.get_meta(MetaKey::Snapshot).unwrap().as_deref(),
            Some(&b"second"[..])
        );
    }

    #[test]
    fn a_temporary_engine_keeps_a_streamed_snapshot_in_meta() {
        let engine = SledEngine::temporary().unwrap();
        let mut writer = engine.snapshot_writer().unwrap();
        writer.write_all(b"in memory").unwrap();
        writer.commit().unwrap();
        assert_eq!(
            engine.get_meta(MetaKey::Snapshot).unwrap().as_deref(),
            Some(&b"in memory"[..])
        );
    }
}
