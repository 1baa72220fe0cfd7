//! `LogStore`: openraft's durable log over a `StorageEngine`. An append is fsync'd before openraft
//! is told it is flushed, a vote is fsync'd before it is returned, and purge records the purged id
//! durably before it deletes entries. Entries just appended are also kept decoded in an
//! `EntryCache` for the reads that follow at once (apply, replication).

use crate::encoding::{
    decode_entry, decode_log_id, decode_vote, encode_entry, encode_log_id, encode_vote,
};
use crate::engine::{MetaKey, StorageEngine};
use crate::entry_cache::EntryCache;
use crate::free_memory::release_free_memory;
use crate::log_growth::LogGrowth;
use crate::storage_error::{read_logs, storage_error, write_logs};
use crate::types::{LogEntry, LogId, StorageError, TypeConfig, Vote};
use openraft::storage::{LogFlushed, RaftLogStorage};
use openraft::{ErrorSubject, ErrorVerb, LogState, OptionalSend, RaftLogReader};
use std::fmt::Debug;
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;

pub struct LogStore<E: StorageEngine> {
    engine: Arc<E>,
    /// Shared with every reader cloned from this store.
    recent: Arc<EntryCache>,
    growth: LogGrowth,
}

impl<E: StorageEngine> Clone for LogStore<E> {
    fn clone(&self) -> Self {
        LogStore {
            engine: Arc::clone(&self.engine),
            recent: Arc::clone(&self.recent),
            growth: self.growth.clone(),
        }
    }
}

impl<E: StorageEngine> LogStore<E> {
    pub fn new(engine: Arc<E>) -> LogStore<E> {
        LogStore {
            engine,
            recent: Arc::new(EntryCache::default()),
            growth: LogGrowth::default(),
        }
    }

    /// Counts the encoded bytes this store appends (see `log_growth.rs`).
    pub fn counting_growth(mut self, growth: LogGrowth) -> LogStore<E> {
        self.growth = growth;
        self
    }

    fn read_log_id(&self, key: MetaKey) -> Result<Option<LogId>, StorageError> {
        let Some(bytes) = self.engine.get_meta(key).map_err(|e| read_logs(&e))? else {
            return Ok(None);
        };
        decode_log_id(&bytes).map(Some).map_err(|e| read_logs(&e))
    }

    fn write_log_id(
        &self,
        key: MetaKey,
        log_id: &LogId,
        durable: bool,
    ) -> Result<(), StorageError> {
        let bytes = encode_log_id(log_id).map_err(|e| write_logs(&e))?;
        self.engine
            .put_meta(key, &bytes, durable)
            .map_err(|e| write_logs(&e))
    }
}

/// `[start, end)` of a range of log indexes.
fn index_bounds(range: &impl RangeBounds<u64>) -> (u64, u64) {
    let start = match range.start_bound() {
        Bound::Included(&i) => i,
        Bound::Excluded(&i) => i.saturating_add(1),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&i) => i.saturating_add(1),
        Bound::Excluded(&i) => i,
        Bound::Unbounded => u64::MAX,
    };
    (start, end)
}

impl<E: StorageEngine> RaftLogReader<TypeConfig> for LogStore<E> {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + OptionalSend>(
        &mut self,
        range: RB,
    ) -> Result<Vec<LogEntry>, StorageError> {
        let (start, end) = index_bounds(&range);
        if let Some(entries) = self.recent.get(start, end) {
            return Ok(entries);
        }
        let records = self
            .engine
            .read_log(start, end)
            .map_err(|e| read_logs(&e))?;
        records
            .iter()
            .map(|(_, bytes)| decode_entry(bytes).map_err(|e| read_logs(&e)))
            .collect()
    }
}

impl<E: StorageEngine> RaftLogStorage<TypeConfig> for LogStore<E> {
    type LogReader = LogStore<E>;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError> {
        let last_purged_log_id = self.read_log_id(MetaKey::LastPurged)?;
        let last_present = match self.engine.last_log().map_err(|e| read_logs(&e))? {
            Some((_, bytes)) => Some(decode_entry(&bytes).map_err(|e| read_logs(&e))?.log_id),
            None => None,
        };
        Ok(LogState {
            last_purged_log_id,
            last_log_id: last_present.or(last_purged_log_id),
        })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote) -> Result<(), StorageError> {
        let write = |e: &(dyn std::error::Error + 'static)| {
            storage_error(
                ErrorSubject::Vote,
                ErrorVerb::Write,
                &TextError(e.to_string()),
            )
        };
        let bytes = encode_vote(vote).map_err(|e| write(&e))?;
        // Durable on return: a node must never forget a vote it has cast.
        self.engine
            .put_meta(MetaKey::Vote, &bytes, true)
            .map_err(|e| write(&e))
    }

    async fn read_vote(&mut self) -> Result<Option<Vote>, StorageError> {
        let read = |e: &(dyn std::error::Error + 'static)| {
            storage_error(
                ErrorSubject::Vote,
                ErrorVerb::Read,
                &TextError(e.to_string()),
            )
        };
        let Some(bytes) = self.engine.get_meta(MetaKey::Vote).map_err(|e| read(&e))? else {
            return Ok(None);
        };
        decode_vote(&bytes).map(Some).map_err(|e| read(&e))
    }

    async fn save_committed(&mut self, committed: Option<LogId>) -> Result<(), StorageError> {
        match committed {
            Some(log_id) => self.write_log_id(MetaKey::Committed, &log_id, false),
            None => Ok(()),
        }
    }

    async fn read_committed(&mut self) -> Result<Option<LogId>, StorageError> {
        self.read_log_id(MetaKey::Committed)
    }

    async fn append<I>(
        &mut self,
        entries: I,
        callback: LogFlushed<TypeConfig>,
    ) -> Result<(), StorageError>
    where
        I: IntoIterator<Item = LogEntry> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let entries: Vec<LogEntry> = entries.into_iter().collect();
        let records = entries
            .iter()
            .map(|entry| Ok((entry.log_id.index, encode_entry(entry)?)))
            .collect::<Result<Vec<_>, crate::encoding::EncodingError>>()
            .map_err(|e| write_logs(&e))?;
        let sizes: Vec<usize> = records.iter().map(|(_, bytes)| bytes.len()).collect();
        self.growth.appended(sizes.iter().sum::<usize>() as u64);
        // `append_log` returns only once the records are fsync'd: only then is the entry durable.
        self.engine
            .append_log(records)
            .map_err(|e| write_logs(&e))?;
        self.recent
            .appended(entries.into_iter().zip(sizes).collect());
        callback.log_io_completed(Ok(()));
        Ok(())
    }

    async fn truncate(&mut self, log_id: LogId) -> Result<(), StorageError> {
        self.recent.truncate_from(log_id.index);
        self.engine
            .remove_log_from(log_id.index)
            .map_err(|e| storage_error(ErrorSubject::Logs, ErrorVerb::Delete, &e))
    }

    async fn purge(&mut self, log_id: LogId) -> Result<(), StorageError> {
        self.write_log_id(MetaKey::LastPurged, &log_id, true)?;
        self.recent.purge_through(log_id.index);
        self.engine
            .remove_log_through(log_id.index)
            .map_err(|e| storage_error(ErrorSubject::Logs, ErrorVerb::Delete, &e))?;
        release_free_memory();
        Ok(())
    }
}

/// An engine or encoding error rendered to text, so one closure can wrap either.
#[derive(Debug)]
struct TextError(String);

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TextError {}
