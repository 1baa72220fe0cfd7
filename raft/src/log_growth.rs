//! `LogGrowth`: the encoded bytes appended to the log since the last snapshot began, and the task
//! that asks openraft for a snapshot once they pass a limit. openraft 0.9 triggers snapshots by
//! entry count only, and an entry may hold one submit or a thousand: counted in bytes, the log
//! the storage engine holds between snapshots (and the memory it takes) stays bounded whatever
//! the batch sizes.

use crate::types::Raft;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the trigger task looks at the count.
const CHECK_INTERVAL: Duration = Duration::from_millis(500);

#[derive(Clone, Debug, Default)]
pub struct LogGrowth(Arc<AtomicU64>);

impl LogGrowth {
    pub fn appended(&self, bytes: u64) {
        self.0.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Called as a snapshot build begins: what is appended from now on is for the next one.
    pub fn snapshot_begins(&self) {
        self.0.store(0, Ordering::Relaxed);
    }

    pub fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Asks `raft` for a snapshot whenever more than `limit_bytes` were appended since the last one
/// began (openraft ignores the request while a build runs). Ends when the node stops.
pub fn spawn_snapshot_trigger(raft: Raft, growth: LogGrowth, limit_bytes: u64) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECK_INTERVAL);
        loop {
            tick.tick().await;
            if growth.bytes() > limit_bytes && raft.trigger().snapshot().await.is_err() {
                return;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_counts_until_a_snapshot_begins() {
        let growth = LogGrowth::default();
        let shared = growth.clone();
        growth.appended(100);
        shared.appended(50);
        assert_eq!(growth.bytes(), 150);
        shared.snapshot_begins();
        assert_eq!(growth.bytes(), 0);
    }
}
