//! `Config`: the scheduler's one TOML file. Every field is optional and has a default; unknown
//! fields are refused. `check.rs` validates the values; `load` reads and parses a file.

use crate::config_check::ConfigError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// This node's Raft id, at least 1. Default 1.
    pub node_id: u64,
    /// `host:port` the gRPC server (Client, Agent and Raft services) listens on. Port 0 picks a
    /// free port. Default `127.0.0.1:7100`.
    pub listen: String,
    /// Where the Raft log, votes and snapshots are kept (created if absent). Required here or as
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// Every member of the scheduler cluster, this node included (if absent, it is added at its
    /// listen address). Empty = a single-node cluster. The lowest id initializes a new cluster.
    pub peers: Vec<Peer>,
    /// How often the leader sends heartbeats to the other schedulers. Default 50.
    pub heartbeat_interval_ms: u64,
    /// A follower that hears no leader for a random time in [min, max) starts an election.
    /// Defaults 250 and 500 (failover well under a second); min must exceed the heartbeat interval, max must exceed min.
    pub election_timeout_min_ms: u64,
    pub election_timeout_max_ms: u64,
    /// Build a Raft snapshot after this many applied entries (0 = not by entry count). Default
    /// 10000.
    pub snapshot_after_entries: u64,
    /// ... or once the entries appended since the last snapshot, encoded, pass this many MiB
    /// (0 = not by size; both 0 = snapshots only when asked for). The log between snapshots is what the storage engine holds beside
    /// the state, so this bounds its memory whatever the batch sizes. Default 64.
    pub snapshot_after_log_mib: u64,
    /// The leader's scheduling loop runs at most once per this interval, however many events
    /// (submits, ends, node changes) wake it. Default 50.
    pub leader_loop_min_interval_ms: u64,
    /// ... and at least once per this interval without events (time limits, begin times).
    /// Default 1000; must be at least the minimum interval.
    pub leader_loop_idle_interval_ms: u64,
    /// The admin policy file (see corral-policies). Absent = the built-in defaults. A policy set
    /// through the cluster (`SetPolicy`) takes precedence over this file.
    pub policy_file: Option<PathBuf>,
    /// The leader marks a node DOWN (ending or requeueing its jobs) once it has heard nothing
    /// from the node's agent (register or heartbeat) for this long. A new leader first waits this
    /// long itself, so that it never declares nodes dead for heartbeats its predecessor received.
    /// Default 60000 (Slurm's `SlurmdTimeout` defaults to 300 s; slurm.conf(5)).
    pub node_timeout_ms: u64,
    /// The leader recomputes fair-share factors from the replicated usage at most this often
    /// (and whenever the policy changes); 0 = at every pass. Default 300 (Slurm's
    /// `PriorityCalcPeriod` is 5 minutes; slurm.conf(5)).
    pub fairshare_recompute_secs: u64,
}

/// One member of the scheduler cluster.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Peer {
    /// The member's Raft id (its `node_id`).
    pub id: u64,
    /// `host:port` other schedulers reach it at.
    pub addr: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            node_id: 1,
            listen: "127.0.0.1:7100".to_string(),
            data_dir: None,
            peers: Vec::new(),
            heartbeat_interval_ms: 50,
            election_timeout_min_ms: 250,
            election_timeout_max_ms: 500,
            snapshot_after_entries: 10_000,
            snapshot_after_log_mib: 64,
            leader_loop_min_interval_ms: 50,
            leader_loop_idle_interval_ms: 1_000,
            policy_file: None,
            node_timeout_ms: 60_000,
            fairshare_recompute_secs: 300,
        }
    }
}

impl Config {
    /// Reads and parses `path` (not yet validated: see `Config::check`).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Config::parse(&path.display().to_string(), &text)
    }

    /// Parses config text; `file_name` is only used in error messages.
    pub fn parse(file_name: &str, text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Syntax {
            file: file_name.to_string(),
            line: e
                .span()
                .and_then(|span| text.get(..span.start))
                .map_or(1, |before| 1 + before.matches('\n').count()),
            message: e.message().trim().to_string(),
        })
    }
}
