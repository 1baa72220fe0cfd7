//! `RaftConfig`: the few Raft timings and snapshot thresholds an operator may set, checked and
//! turned into openraft's `Config`.

use crate::error::StartError;
use openraft::SnapshotPolicy;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaftConfig {
    /// Names the cluster in openraft's logs.
    pub cluster_name: String,
    /// How often the leader sends heartbeats.
    pub heartbeat_interval_ms: u64,
    /// A follower that hears no leader for a random time in `[min, max)` starts an election.
    pub election_timeout_min_ms: u64,
    pub election_timeout_max_ms: u64,
    /// Build a snapshot once this many entries were applied since the last one; 0 = not by
    /// entry count (with `snapshot_after_log_mib` also 0, only when asked for).
    pub snapshot_after_entries: u64,
    /// Also build one once the log entries appended since the last snapshot, encoded, pass this
    /// many MiB; 0 = no such limit.
    pub snapshot_after_log_mib: u64,
    /// Entries kept in the log below a snapshot, so slightly lagging followers need no snapshot.
    pub entries_kept_after_snapshot: u64,
}

impl Default for RaftConfig {
    /// Heartbeats every 100 ms and elections after 400–800 ms of silence: a dead leader is replaced
    /// in about a second (DESIGN.md §1).
    fn default() -> Self {
        RaftConfig {
            cluster_name: "corral".to_string(),
            heartbeat_interval_ms: 100,
            election_timeout_min_ms: 400,
            election_timeout_max_ms: 800,
            snapshot_after_entries: 10_000,
            snapshot_after_log_mib: 64,
            entries_kept_after_snapshot: 1_000,
        }
    }
}

impl RaftConfig {
    /// openraft's config for these settings, or what is wrong with them.
    pub fn to_openraft(&self) -> Result<openraft::Config, StartError> {
        if self.heartbeat_interval_ms == 0 {
            return Err(StartError::Config(
                "heartbeat_interval_ms = 0: must be at least 1".to_string(),
            ));
        }
        if self.election_timeout_min_ms <= self.heartbeat_interval_ms {
            return Err(StartError::Config(format!(
                "election_timeout_min_ms = {} must be greater than heartbeat_interval_ms = {}",
                self.election_timeout_min_ms, self.heartbeat_interval_ms
            )));
        }
        let snapshot_policy = match self.snapshot_after_entries {
            0 => SnapshotPolicy::Never,
            n => SnapshotPolicy::LogsSinceLast(n),
        };
        let config = openraft::Config {
            cluster_name: self.cluster_name.clone(),
            heartbeat_interval: self.heartbeat_interval_ms,
            election_timeout_min: self.election_timeout_min_ms,
            election_timeout_max: self.election_timeout_max_ms,
            snapshot_policy,
            max_in_snapshot_log_to_keep: self.entries_kept_after_snapshot,
            ..openraft::Config::default()
        };
        config
            .validate()
            .map_err(|e| StartError::Config(e.to_string()))
    }
}
