//! `corral-scheduler`: one node of the replicated scheduler. It serves the Client, Agent and Raft
//! gRPC services (`corral-proto`) on one address, replicates `ClusterState` with Raft
//! (`corral-raft`), and on the leader runs the scheduling loop (`corral-policies::schedule`).
//!
//! Writes that reach a follower are not forwarded: they are answered `FAILED_PRECONDITION` with
//! the leader's address in the `corral-leader` metadata (`UNAVAILABLE` while no leader is known),
//! and the client retries there with the same client request id, so a retry never makes two jobs.
//! Reads answer from the receiving node's applied state. Agents talk to the leader too: it alone
//! records their heartbeats, and marks a node DOWN once its agent is silent past the timeout.
//!
//! Module map: `config` (the TOML file) and `config_check` (validation), `server` (`Scheduler`:
//! start and stop), `writer` (leader-only writes, stamped by `clock`), `client_service` with `admin_writes`,
//! `agent_service`, `status_report`, `raft_service` and `network` (Raft over gRPC, payloads by
//! `raft_codec`), `leader_loop` with `policy_source`, `fairshare_cache` (factors from the replicated
//! usage) and `liveness` (agents heard from, on the leader), `error`.

// tonic's service traits answer `Result<_, tonic::Status>` (176 bytes); the helpers that build
// a status return it too rather than boxing it at every call.
#![allow(clippy::result_large_err)]

mod admin_writes;
mod agent_service;
mod assignments;
mod client_service;
mod clock;
pub mod config;
pub mod config_check;
pub mod error;
mod event_log;
pub mod fairshare_cache;
mod insight;
pub mod leader_loop;
mod liveness;
mod membership;
pub mod network;
mod permission;
mod policy_source;
mod proposer;
mod raft_codec;
mod raft_service;
pub mod server;
mod status_report;
mod writer;

pub use config::{Config, Peer};
pub use config_check::{CheckedConfig, ConfigError};
pub use error::SchedulerError;
pub use server::Scheduler;
