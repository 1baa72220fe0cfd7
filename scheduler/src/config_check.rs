//! Validating a `Config`: every problem is reported with the field, the value, and what would
//! be accepted. A checked config yields the values the rest of the scheduler uses.

use crate::config::Config;
use corral_raft::RaftConfig;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("reading config file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{file}: line {line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("config: {field} = {value}: {problem}")]
    Invalid {
        field: String,
        value: String,
        problem: String,
    },
    #[error("config: data_dir is missing (give --data-dir DIR, or data_dir = \"DIR\" in the config file)")]
    NoDataDir,
}

/// A validated config, in the form the scheduler uses.
#[derive(Clone, Debug)]
pub struct CheckedConfig {
    pub node_id: u64,
    pub listen: String,
    pub data_dir: PathBuf,
    /// Other members: id → address (this node is not in it; its address is known once bound).
    pub peers: BTreeMap<u64, String>,
    /// This node's own address as its peer list gives it (what the others reach it at).
    pub advertise: Option<String>,
    pub raft: RaftConfig,
    pub leader_loop_min_interval: Duration,
    pub leader_loop_idle_interval: Duration,
    pub policy_file: Option<PathBuf>,
    pub node_timeout: Duration,
    pub fairshare_recompute_secs: u64,
}

impl Config {
    /// Checks every field; the first problem found is returned.
    pub fn check(&self) -> Result<CheckedConfig, ConfigError> {
        if self.node_id == 0 {
            return Err(invalid("node_id", 0, "must be at least 1"));
        }
        check_addr("listen", &self.listen)?;
        let data_dir = self.data_dir.clone().ok_or(ConfigError::NoDataDir)?;
        let mut peers = self.checked_peers()?;
        let advertise = peers.remove(&self.node_id);
        let raft = RaftConfig {
            heartbeat_interval_ms: self.heartbeat_interval_ms,
            election_timeout_min_ms: self.election_timeout_min_ms,
            election_timeout_max_ms: self.election_timeout_max_ms,
            snapshot_after_entries: self.snapshot_after_entries,
            snapshot_after_log_mib: self.snapshot_after_log_mib,
            ..RaftConfig::default()
        };
        self.check_timings()?;
        Ok(CheckedConfig {
            node_id: self.node_id,
            listen: self.listen.clone(),
            data_dir,
            peers,
            advertise,
            raft,
            leader_loop_min_interval: Duration::from_millis(self.leader_loop_min_interval_ms),
            leader_loop_idle_interval: Duration::from_millis(self.leader_loop_idle_interval_ms),
            policy_file: self.policy_file.clone(),
            node_timeout: Duration::from_millis(self.node_timeout_ms),
            fairshare_recompute_secs: self.fairshare_recompute_secs,
        })
    }

    fn checked_peers(&self) -> Result<BTreeMap<u64, String>, ConfigError> {
        let mut peers = BTreeMap::new();
        for (i, peer) in self.peers.iter().enumerate() {
            if peer.id == 0 {
                return Err(invalid(&format!("peers[{i}].id"), 0, "must be at least 1"));
            }
            check_addr(&format!("peers[{i}].addr"), &peer.addr)?;
            if peers.contains_key(&peer.id) {
                return Err(invalid(
                    &format!("peers[{i}].id"),
                    peer.id,
                    "listed twice: each member appears once",
                ));
            }
            peers.insert(peer.id, peer.addr.clone());
        }
        Ok(peers)
    }

    fn check_timings(&self) -> Result<(), ConfigError> {
        if self.heartbeat_interval_ms == 0 {
            return Err(invalid("heartbeat_interval_ms", 0, "must be at least 1"));
        }
        if self.election_timeout_min_ms <= self.heartbeat_interval_ms {
            return Err(invalid(
                "election_timeout_min_ms",
                self.election_timeout_min_ms,
                &format!(
                    "must be greater than heartbeat_interval_ms = {}",
                    self.heartbeat_interval_ms
                ),
            ));
        }
        if self.election_timeout_max_ms <= self.election_timeout_min_ms {
            return Err(invalid(
                "election_timeout_max_ms",
                self.election_timeout_max_ms,
                &format!(
                    "must be greater than election_timeout_min_ms = {}",
                    self.election_timeout_min_ms
                ),
            ));
        }
        if self.leader_loop_idle_interval_ms == 0
            || self.leader_loop_idle_interval_ms < self.leader_loop_min_interval_ms
        {
            return Err(invalid(
                "leader_loop_idle_interval_ms",
                self.leader_loop_idle_interval_ms,
                &format!(
                    "must be at least 1 and at least leader_loop_min_interval_ms = {}",
                    self.leader_loop_min_interval_ms
                ),
            ));
        }
        if self.node_timeout_ms < self.leader_loop_idle_interval_ms {
            return Err(invalid(
                "node_timeout_ms",
                self.node_timeout_ms,
                &format!(
                    "must be at least leader_loop_idle_interval_ms = {} (nodes are checked once per leader loop pass)",
                    self.leader_loop_idle_interval_ms
                ),
            ));
        }
        Ok(())
    }
}

/// `host:port` with a port 0..=65535 and a non-empty host.
fn check_addr(field: &str, addr: &str) -> Result<(), ConfigError> {
    let port_ok = addr
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if port_ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("{addr:?}"),
            "not an address (accepted: HOST:PORT, e.g. 10.0.0.5:7100 or sched1:7100)",
        ))
    }
}

fn invalid(field: &str, value: impl ToString, problem: &str) -> ConfigError {
    ConfigError::Invalid {
        field: field.to_string(),
        value: value.to_string(),
        problem: problem.to_string(),
    }
}
