//! `SledEngine`: the default `StorageEngine`, on sled 0.34. The log lives in tree `log` keyed by the
//! big-endian index (so key order is index order); named records live in tree `meta`. Durability is
//! `Db::flush`, which fsyncs sled's write-ahead log.

use crate::engine::{EngineError, LogRecord, MetaKey, StorageEngine};
use std::path::Path;

pub struct SledEngine {
    db: sled::Db,
    log: sled::Tree,
    meta: sled::Tree,
}

impl SledEngine {
    /// Opens (or creates) the database in directory `dir`.
    pub fn open(dir: &Path) -> Result<SledEngine, EngineError> {
        let db = sled::Config::new()
            .path(dir)
            .open()
            .map_err(|e| EngineError::new(format!("open {}", dir.display()), e))?;
        SledEngine::from_db(db)
    }

    /// A database in a temporary directory that is removed when the engine is dropped (tests).
    pub fn temporary() -> Result<SledEngine, EngineError> {
        let db = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(|e| EngineError::new("open temporary database", e))?;
        SledEngine::from_db(db)
    }

    fn from_db(db: sled::Db) -> Result<SledEngine, EngineError> {
        let log = db
            .open_tree("log")
            .map_err(|e| EngineError::new("open tree log", e))?;
        let meta = db
            .open_tree("meta")
            .map_err(|e| EngineError::new("open tree meta", e))?;
        Ok(SledEngine { db, log, meta })
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
        self.meta
            .get(key.name())
            .map(|value| value.map(|v| v.to_vec()))
            .map_err(|e| EngineError::new(format!("read {}", key.name()), e))
    }

    fn put_meta(&self, key: MetaKey, value: Vec<u8>, durable: bool) -> Result<(), EngineError> {
        let operation = format!("write {}", key.name());
        self.meta
            .insert(key.name(), value)
            .map_err(|e| EngineError::new(&operation, e))?;
        if durable {
            self.flush(&operation)?;
        }
        Ok(())
    }
}
