//! `StorageEngine`: the small durable key-value interface the log store and state machine are
//! written against. sled is the default engine (`sled_engine.rs`); another engine only has to keep
//! the durability promises written on each method.

use std::io::Write;
use thiserror::Error;

/// A storage engine's failure, with the operation and the path or key it was about.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("storage engine: {operation}: {reason}")]
pub struct EngineError {
    pub operation: String,
    pub reason: String,
}

impl EngineError {
    pub fn new(operation: impl Into<String>, reason: impl ToString) -> EngineError {
        EngineError {
            operation: operation.into(),
            reason: reason.to_string(),
        }
    }
}

/// The single-value records an engine keeps besides the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MetaKey {
    /// The last vote this node cast or received (durable before it is acted on).
    Vote,
    /// The last log id known committed (an optimisation: losing it is safe).
    Committed,
    /// The greatest log id purged from the log.
    LastPurged,
    /// The current snapshot: its metadata and cluster state, as one encoded record.
    Snapshot,
}

impl MetaKey {
    pub fn name(self) -> &'static str {
        match self {
            MetaKey::Vote => "vote",
            MetaKey::Committed => "committed",
            MetaKey::LastPurged => "last_purged",
            MetaKey::Snapshot => "snapshot",
        }
    }
}

/// A log record: its index and its encoded entry.
pub type LogRecord = (u64, Vec<u8>);

/// Durable storage of the Raft log (records keyed by index) and a few named records.
/// Every write method is durable (fsync'd) when it returns `Ok`, unless it says otherwise.
pub trait StorageEngine: Send + Sync + 'static {
    /// Writes these records, replacing any with the same index. Durable on return.
    fn append_log(&self, records: Vec<LogRecord>) -> Result<(), EngineError>;

    /// The records with `start <= index < end`, in index order.
    fn read_log(&self, start: u64, end: u64) -> Result<Vec<LogRecord>, EngineError>;

    /// The record with the greatest index, if the log holds any.
    fn last_log(&self) -> Result<Option<LogRecord>, EngineError>;

    /// Removes every record with `index >= from` (conflicting entries). Durable on return.
    fn remove_log_from(&self, from: u64) -> Result<(), EngineError>;

    /// Removes every record with `index <= through` (compacted into a snapshot). Need not be
    /// durable: records that reappear after a crash lie below the persisted `LastPurged`.
    fn remove_log_through(&self, through: u64) -> Result<(), EngineError>;

    fn get_meta(&self, key: MetaKey) -> Result<Option<Vec<u8>>, EngineError>;

    /// Writes a named record; durable on return when `durable` is true.
    fn put_meta(&self, key: MetaKey, value: &[u8], durable: bool) -> Result<(), EngineError>;

    /// A writer for a new snapshot record, so that a large state can be streamed to disk rather
    /// than encoded whole in memory first. Until `commit` returns `Ok`, the current snapshot is
    /// unchanged. The default buffers the record and commits it with `put_meta`.
    fn snapshot_writer(&self) -> Result<Box<dyn SnapshotWriter + '_>, EngineError> {
        Ok(Box::new(BufferedSnapshot::new(self)))
    }
}

/// A snapshot record being written: its bytes go in through `Write`.
pub trait SnapshotWriter: Write + Send {
    /// Makes what was written the current snapshot, durably. Dropped without it, a writer
    /// changes nothing.
    fn commit(self: Box<Self>) -> Result<(), EngineError>;
}

/// A snapshot record gathered in memory, then stored with `put_meta` (for engines that keep the
/// snapshot as a named record).
pub struct BufferedSnapshot<'a, E: ?Sized> {
    engine: &'a E,
    bytes: Vec<u8>,
}

impl<'a, E: StorageEngine + ?Sized> BufferedSnapshot<'a, E> {
    pub fn new(engine: &'a E) -> BufferedSnapshot<'a, E> {
        BufferedSnapshot {
            engine,
            bytes: Vec::new(),
        }
    }
}

impl<E: StorageEngine + ?Sized> Write for BufferedSnapshot<'_, E> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<E: StorageEngine + ?Sized> SnapshotWriter for BufferedSnapshot<'_, E> {
    fn commit(self: Box<Self>) -> Result<(), EngineError> {
        self.engine.put_meta(MetaKey::Snapshot, &self.bytes, true)
    }
}
