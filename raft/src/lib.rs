//! Corral's replicated state machine: `ClusterState` replicated with Raft, on a durable log.
//!
//! # Choices
//!
//! - **openraft 0.9.25**, the newest release of the stable 0.9 line (checked with `cargo info`
//!   when this crate was written). The 0.10 line is still alpha and changes the storage and network
//!   traits between releases. Features: `storage-v2` (implement `RaftLogStorage` and
//!   `RaftStateMachine` directly instead of the deprecated `RaftStorage` adaptor) and `serde` (so the
//!   scheduler can carry Raft messages over its RPC layer). The 0.9 snapshot transport sends a
//!   snapshot as bytes in chunks, which suits a `Cursor<Vec<u8>>` snapshot.
//! - **sled 0.34** is the default storage engine (`SledEngine`), behind the `StorageEngine` trait.
//!   Durability: every append, truncate, vote and snapshot is followed by `Db::flush` (fsync) before
//!   openraft is told it is done.
//! - **CBOR** (`ciborium`) is the encoding of log entries, votes and snapshots, each record behind a
//!   format-version byte (`encoding.rs`, `raft/ENCODING.md`). JSON was the first choice, but
//!   `ClusterState` has maps keyed by tuples, which JSON cannot represent; CBOR keeps JSON's
//!   self-description (fields by name, so new optional fields still read old records) and is
//!   compact. Entries and snapshots are this crate's own record types, not openraft's serde output,
//!   so upgrading openraft cannot change what is on disk.
//! - The state machine lives in memory and is made durable by snapshots: after a restart the
//!   snapshot is loaded and openraft re-applies the committed entries after it (it stores the
//!   committed log id for that), so the state and the next job id come back exactly.
//!
//! - tokio (rt-multi-thread, macros, sync, time) because openraft runs on it; no network stack here:
//!   the scheduler brings the transport (`RaftNetworkFactory`) and feeds incoming RPCs to
//!   `RaftNode::raft()`. The tests use an in-memory router (`tests/common/router.rs`).
//!
//! Module map: `types` (openraft type config), `encoding` (the persistence boundary), `engine`
//! and `sled_engine` (storage), `closing` (knowing when the store is closed), `log_store`,
//! `state_machine`, `snapshot`, `config`, `error`, `node` (`RaftNode`, the public face).
//! This crate never depends on `corral-policies` (`model/tests/crate_boundaries.rs` checks it).

// openraft's storage traits return its `StorageError` (over 200 bytes); the helpers that build it
// return it too rather than converting at every trait method.
#![allow(clippy::result_large_err)]

mod closing;
pub mod config;
pub mod encoding;
pub mod engine;
mod entry_cache;
pub mod error;
mod free_memory;
pub mod log_growth;
pub mod log_store;
pub mod node;
pub mod sled_engine;
pub mod snapshot;
mod snapshot_file;
pub mod state_machine;
mod storage_error;
pub mod types;

/// The openraft this crate is built on, so that the scheduler's RPC layer uses the same version.
pub use openraft;

pub use config::RaftConfig;
pub use engine::{EngineError, MetaKey, StorageEngine};
pub use error::{StartError, WriteError};
pub use log_store::LogStore;
pub use node::RaftNode;
pub use sled_engine::SledEngine;
pub use state_machine::StateMachineStore;
pub use types::{ApplyResponse, RaftNodeAddr, RaftNodeId, StampedCommand, TypeConfig};
