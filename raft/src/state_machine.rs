//! `StateMachineStore`: openraft's state machine, `ClusterState` plus the last applied log id and
//! membership. The state lives in memory behind a lock shared with `RaftNode::read_state`; it is made
//! durable by snapshots (`snapshot.rs`), and after a restart openraft re-applies the log entries
//! after the snapshot, so the state (and the next job id) is exactly what was acknowledged.

use crate::encoding::{decode_snapshot, decode_snapshot_meta, encode_snapshot};
use crate::engine::{MetaKey, StorageEngine};
use crate::log_growth::LogGrowth;
use crate::snapshot::{persist_snapshot, SnapshotBuilder, SnapshotSlot};
use crate::storage_error::{read_snapshot, write_snapshot};
use crate::types::{
    ApplyResponse, LogEntry, LogId, Snapshot, SnapshotMeta, StorageError, StoredMembership,
    TypeConfig,
};
use corral_model::{Applied, ClusterState};
use openraft::storage::RaftStateMachine;
use openraft::{EntryPayload, OptionalSend};
use std::io::Cursor;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// What the state machine holds: the cluster state as of `last_applied`.
#[derive(Debug, Default)]
pub struct AppliedState {
    pub cluster: ClusterState,
    pub last_applied: Option<LogId>,
    pub membership: StoredMembership,
}

/// The applied state, shared between the state machine and readers.
#[derive(Clone, Debug, Default)]
pub struct SharedState(Arc<RwLock<AppliedState>>);

impl SharedState {
    /// A read guard. A poisoned lock (a panic while applying) still holds the last written state.
    pub fn read(&self) -> RwLockReadGuard<'_, AppliedState> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, AppliedState> {
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct StateMachineStore<E: StorageEngine> {
    engine: Arc<E>,
    state: SharedState,
    slot: SnapshotSlot,
    growth: LogGrowth,
}

impl<E: StorageEngine> StateMachineStore<E> {
    /// Opens the state machine from the engine's current snapshot, or empty when there is none.
    pub fn open(engine: Arc<E>) -> Result<StateMachineStore<E>, StorageError> {
        let stored = engine
            .get_meta(MetaKey::Snapshot)
            .map_err(|e| read_snapshot(&e))?;
        let (applied, slot) = match stored {
            Some(bytes) => {
                let contents = decode_snapshot(&bytes).map_err(|e| read_snapshot(&e))?;
                let slot = SnapshotSlot::holding(contents.meta.last_log_id);
                let applied = AppliedState {
                    cluster: contents.state,
                    last_applied: contents.meta.last_log_id,
                    membership: contents.meta.last_membership,
                };
                (applied, slot)
            }
            None => (AppliedState::default(), SnapshotSlot::default()),
        };
        Ok(StateMachineStore {
            engine,
            state: SharedState(Arc::new(RwLock::new(applied))),
            slot,
            growth: LogGrowth::default(),
        })
    }

    /// Restarts `growth`'s count whenever a snapshot build begins (see `log_growth.rs`).
    pub fn counting_growth(mut self, growth: LogGrowth) -> StateMachineStore<E> {
        self.growth = growth;
        self
    }

    /// The applied state, for readers.
    pub fn shared_state(&self) -> SharedState {
        self.state.clone()
    }
}

fn apply_entry(applied: &mut AppliedState, entry: LogEntry) -> ApplyResponse {
    applied.last_applied = Some(entry.log_id);
    match entry.payload {
        EntryPayload::Blank => Ok(Applied::NoChange),
        EntryPayload::Normal(stamped) => applied
            .cluster
            .apply(stamped.now_secs, stamped.command)
            .map_err(|e| e.to_string()),
        EntryPayload::Membership(membership) => {
            applied.membership = StoredMembership::new(Some(entry.log_id), membership);
            Ok(Applied::NoChange)
        }
    }
}

impl<E: StorageEngine> RaftStateMachine<TypeConfig> for StateMachineStore<E> {
    type SnapshotBuilder = SnapshotBuilder<E>;

    async fn applied_state(&mut self) -> Result<(Option<LogId>, StoredMembership), StorageError> {
        let applied = self.state.read();
        Ok((applied.last_applied, applied.membership.clone()))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<ApplyResponse>, StorageError>
    where
        I: IntoIterator<Item = LogEntry> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let mut applied = self.state.write();
        Ok(entries
            .into_iter()
            .map(|entry| apply_entry(&mut applied, entry))
            .collect())
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        SnapshotBuilder::new(
            Arc::clone(&self.engine),
            self.state.clone(),
            self.slot.clone(),
            self.growth.clone(),
        )
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<Cursor<Vec<u8>>>, StorageError> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError> {
        let contents = decode_snapshot(snapshot.get_ref()).map_err(|e| read_snapshot(&e))?;
        let bytes = if contents.meta == *meta {
            snapshot.into_inner()
        } else {
            encode_snapshot(meta, &contents.state).map_err(|e| write_snapshot(&e))?
        };
        // Durable before the state is replaced: openraft purges the log once this returns.
        persist_snapshot(self.engine.as_ref(), &self.slot, meta.last_log_id, &bytes)?;
        let mut applied = self.state.write();
        applied.cluster = contents.state;
        applied.last_applied = meta.last_log_id;
        applied.membership = meta.last_membership.clone();
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot>, StorageError> {
        let Some(bytes) = self
            .engine
            .get_meta(MetaKey::Snapshot)
            .map_err(|e| read_snapshot(&e))?
        else {
            return Ok(None);
        };
        let meta = decode_snapshot_meta(&bytes).map_err(|e| read_snapshot(&e))?;
        Ok(Some(Snapshot {
            meta,
            snapshot: Box::new(Cursor::new(bytes)),
        }))
    }
}
