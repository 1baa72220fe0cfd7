//! `EntryCache`: the log entries appended most recently, kept decoded beside the durable log. A
//! committed entry is read back right away, by the state machine to apply it and, on the leader,
//! once per follower to replicate it; serving those reads from here saves decoding the same
//! CBOR again each time. The cache holds a contiguous run of indexes, only entries already
//! durable, and at most `MAX_ENCODED_BYTES` of them (weighed by their encoded size); truncation
//! and purge drop what they remove from the log. A read it cannot serve whole goes to the log.

use crate::types::LogEntry;
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// About 3 s of entries at 8,000 submits/s, where readers come within milliseconds of the
/// append; the decoded entries take two to three times this (scheduler memory, issue #8).
const MAX_ENCODED_BYTES: usize = 8 * 1024 * 1024;

#[derive(Default)]
pub struct EntryCache {
    inner: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    /// (entry, its encoded size), by consecutive index.
    entries: VecDeque<(LogEntry, usize)>,
    encoded_bytes: usize,
}

impl Cached {
    fn first_index(&self) -> Option<u64> {
        self.entries.front().map(|(e, _)| e.log_id.index)
    }

    fn end_index(&self) -> Option<u64> {
        self.entries.back().map(|(e, _)| e.log_id.index + 1)
    }

    fn pop_front(&mut self) {
        if let Some((_, size)) = self.entries.pop_front() {
            self.encoded_bytes -= size;
        }
    }

    fn pop_back(&mut self) {
        if let Some((_, size)) = self.entries.pop_back() {
            self.encoded_bytes -= size;
        }
    }
}

impl EntryCache {
    /// Entries just made durable, in index order, with their encoded sizes.
    pub fn appended(&self, entries: Vec<(LogEntry, usize)>) {
        let mut cached = self.lock();
        for (entry, size) in entries {
            if cached.end_index() != Some(entry.log_id.index) {
                // Not contiguous with what is cached (the first append, or after a gap).
                cached.entries.clear();
                cached.encoded_bytes = 0;
            }
            cached.encoded_bytes += size;
            cached.entries.push_back((entry, size));
            while cached.encoded_bytes > MAX_ENCODED_BYTES && cached.entries.len() > 1 {
                cached.pop_front();
            }
        }
    }

    /// Entries `[start, end)` if every one of them is cached.
    pub fn get(&self, start: u64, end: u64) -> Option<Vec<LogEntry>> {
        let cached = self.lock();
        let (first, cached_end) = (cached.first_index()?, cached.end_index()?);
        if start < first || end > cached_end || start >= end {
            return None;
        }
        let from = (start - first) as usize;
        let to = (end - first) as usize;
        Some(
            cached
                .entries
                .range(from..to)
                .map(|(e, _)| e.clone())
                .collect(),
        )
    }

    /// The log loses every entry from `index` on.
    pub fn truncate_from(&self, index: u64) {
        let mut cached = self.lock();
        while cached.end_index().is_some_and(|end| end > index) {
            cached.pop_back();
        }
    }

    /// The log loses every entry up to and including `index`.
    pub fn purge_through(&self, index: u64) {
        let mut cached = self.lock();
        while cached.first_index().is_some_and(|first| first <= index) {
            cached.pop_front();
        }
    }

    fn lock(&self) -> MutexGuard<'_, Cached> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::LogId;
    use openraft::{CommittedLeaderId, EntryPayload};

    fn entry(index: u64) -> (LogEntry, usize) {
        let log_id = LogId::new(CommittedLeaderId::new(1, 1), index);
        let entry = LogEntry {
            log_id,
            payload: EntryPayload::Blank,
        };
        (entry, 1024)
    }

    fn indexes(entries: Option<Vec<LogEntry>>) -> Option<Vec<u64>> {
        entries.map(|e| e.iter().map(|e| e.log_id.index).collect())
    }

    #[test]
    fn serves_only_ranges_it_holds_whole() {
        let cache = EntryCache::default();
        cache.appended((5..10).map(entry).collect());
        assert_eq!(indexes(cache.get(5, 10)), Some(vec![5, 6, 7, 8, 9]));
        assert_eq!(indexes(cache.get(7, 8)), Some(vec![7]));
        assert_eq!(cache.get(4, 6), None, "index 4 is not cached");
        assert_eq!(cache.get(9, 11), None, "index 10 does not exist yet");
        assert_eq!(cache.get(6, 6), None);
    }

    #[test]
    fn a_gap_starts_over_and_truncation_and_purge_drop_their_entries() {
        let cache = EntryCache::default();
        cache.appended((1..5).map(entry).collect());
        cache.appended(vec![entry(9)]);
        assert_eq!(cache.get(1, 2), None, "not contiguous with 9: dropped");
        assert_eq!(indexes(cache.get(9, 10)), Some(vec![9]));
        cache.appended((10..14).map(entry).collect());
        cache.truncate_from(12);
        assert_eq!(cache.get(11, 13), None);
        assert_eq!(indexes(cache.get(9, 12)), Some(vec![9, 10, 11]));
        cache.purge_through(10);
        assert_eq!(cache.get(10, 12), None);
        assert_eq!(indexes(cache.get(11, 12)), Some(vec![11]));
        cache.appended(vec![entry(12)]);
        assert_eq!(indexes(cache.get(11, 13)), Some(vec![11, 12]));
    }

    #[test]
    fn the_oldest_entries_go_past_the_size_bound() {
        let cache = EntryCache::default();
        let count = (MAX_ENCODED_BYTES / 1024) as u64;
        cache.appended((0..count + 10).map(entry).collect());
        assert_eq!(cache.get(0, 1), None);
        assert_eq!(cache.get(9, 10), None);
        assert_eq!(indexes(cache.get(10, 12)), Some(vec![10, 11]));
        assert!(cache.get(10, count + 10).is_some());
    }
}
