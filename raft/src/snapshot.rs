//! Building and persisting snapshots. A snapshot is one encoded record (`encoding::encode_snapshot`:
//! metadata plus the whole `ClusterState`) kept under `MetaKey::Snapshot`; the same bytes are what
//! a leader sends to a follower that is too far behind. It is written durably before openraft is
//! told about it, since openraft purges the log it covers right after.
//!
//! A built snapshot is streamed to the engine as it is encoded (hundreds of MiB at a million
//! jobs would otherwise sit in memory beside the state), and `build_snapshot` hands openraft its
//! metadata with empty data: openraft 0.9 keeps only the metadata of a snapshot it asked for
//! (`core/sm/worker.rs`, `storage/helper.rs`); what it sends to a follower comes from
//! `get_current_snapshot`, which reads the stored record. Revisit on an openraft upgrade.

use crate::encoding::encode_snapshot_to;
use crate::engine::{MetaKey, StorageEngine};
use crate::log_growth::LogGrowth;
use crate::state_machine::SharedState;
use crate::storage_error::write_snapshot;
use crate::types::{LogId, Snapshot, SnapshotMeta, StorageError, TypeConfig};
use openraft::RaftSnapshotBuilder;
use std::io::Cursor;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The last log id of the snapshot on disk. Writes go through it, so a snapshot built from older
/// state never replaces a newer one (a build and an install can overlap).
#[derive(Clone, Debug, Default)]
pub struct SnapshotSlot(Arc<Mutex<Option<LogId>>>);

impl SnapshotSlot {
    pub fn holding(last_log_id: Option<LogId>) -> SnapshotSlot {
        SnapshotSlot(Arc::new(Mutex::new(last_log_id)))
    }

    fn lock(&self) -> MutexGuard<'_, Option<LogId>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes an encoded snapshot durably unless the one on disk is newer.
pub fn persist_snapshot<E: StorageEngine>(
    engine: &E,
    slot: &SnapshotSlot,
    last_log_id: Option<LogId>,
    bytes: &[u8],
) -> Result<(), StorageError> {
    let mut held = slot.lock();
    if last_log_id < *held {
        return Ok(());
    }
    engine
        .put_meta(MetaKey::Snapshot, bytes, true)
        .map_err(|e| write_snapshot(&e))?;
    *held = last_log_id;
    Ok(())
}

/// A snapshot's id: the log id it covers (`term-leader-index`); two snapshots with the same id hold
/// the same state, since `apply` is deterministic.
fn snapshot_id(last_log_id: Option<LogId>) -> String {
    match last_log_id {
        Some(id) => format!(
            "{}-{}-{}",
            id.leader_id.term, id.leader_id.node_id, id.index
        ),
        None => "empty".to_string(),
    }
}

pub struct SnapshotBuilder<E: StorageEngine> {
    engine: Arc<E>,
    state: SharedState,
    slot: SnapshotSlot,
    growth: LogGrowth,
}

impl<E: StorageEngine> SnapshotBuilder<E> {
    pub fn new(
        engine: Arc<E>,
        state: SharedState,
        slot: SnapshotSlot,
        growth: LogGrowth,
    ) -> SnapshotBuilder<E> {
        SnapshotBuilder {
            engine,
            state,
            slot,
            growth,
        }
    }
}

impl<E: StorageEngine> RaftSnapshotBuilder<TypeConfig> for SnapshotBuilder<E> {
    async fn build_snapshot(&mut self) -> Result<Snapshot, StorageError> {
        // Held throughout, so an install cannot overlap the write (lock order: slot, then state).
        let mut held = self.slot.lock();
        self.growth.snapshot_begins();
        let (meta, writer) = {
            let applied = self.state.read();
            let meta = SnapshotMeta {
                last_log_id: applied.last_applied,
                last_membership: applied.membership.clone(),
                snapshot_id: snapshot_id(applied.last_applied),
            };
            if meta.last_log_id < *held {
                // A newer snapshot was installed meanwhile; this one would only replace it.
                return Ok(metadata_only(meta));
            }
            if meta.last_log_id.is_some() && meta.last_log_id == *held {
                // Nothing applied since the stored one (a leader without a quorum can grow its
                // log past the byte limit without applying): the same state, already durable.
                return Ok(metadata_only(meta));
            }
            let mut writer = self
                .engine
                .snapshot_writer()
                .map_err(|e| write_snapshot(&e))?;
            encode_snapshot_to(&meta, &applied.cluster, &mut writer)
                .map_err(|e| write_snapshot(&e))?;
            (meta, writer)
        };
        // The state is free again; only the fsync and rename are left.
        writer.commit().map_err(|e| write_snapshot(&e))?;
        *held = meta.last_log_id;
        Ok(metadata_only(meta))
    }
}

/// A built snapshot as openraft takes it back: see the module comment.
fn metadata_only(meta: SnapshotMeta) -> Snapshot {
    Snapshot {
        meta,
        snapshot: Box::new(Cursor::new(Vec::new())),
    }
}
