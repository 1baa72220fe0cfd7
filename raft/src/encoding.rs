//! The persistence boundary: how log entries, votes, log ids and snapshots are written to disk and
//! sent to other nodes. Every record is one format-version byte followed by a CBOR (RFC 8949) body
//! of the record types below; `raft/ENCODING.md` describes the layout. The records are this crate's
//! own, not openraft's serde output, so an openraft upgrade cannot change what is on disk.
//!
//! Rule: a later release reads every version an earlier one wrote. Fields and variants are only
//! added (new fields optional), and a new layout gets a new version byte with its own decoder.

use crate::types::{
    LogEntry, LogId, RaftNodeAddr, SnapshotMeta, StampedCommand, StoredMembership, Vote,
};
use corral_model::ClusterState;
use openraft::{CommittedLeaderId, EntryPayload, LeaderId, Membership};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// The version byte this release writes. Version 2 leaves out a job spec's fields at their
/// defaults and keeps submit requests as digests (`ENCODING.md`): a release that reads only
/// version 1 must refuse such records rather than misread them.
pub const FORMAT_VERSION: u8 = 2;
/// The version bytes this release reads.
pub const READABLE_VERSIONS: &[u8] = &[1, 2];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodingError {
    #[error(
        "{what}: empty record (expected a format version byte; accepted: {READABLE_VERSIONS:?})"
    )]
    Empty { what: &'static str },
    #[error("{what}: format version {found} is not readable by this release (accepted: {READABLE_VERSIONS:?})")]
    UnknownVersion { what: &'static str, found: u8 },
    #[error("{what}: format version {version}: body is not a valid record: {reason}")]
    Malformed {
        what: &'static str,
        version: u8,
        reason: String,
    },
    #[error("{what}: cannot encode: {reason}")]
    Encode { what: &'static str, reason: String },
}

/// A log id as stored: the term and node of the leader that proposed it, and its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct LogIdRecord {
    term: u64,
    leader: u64,
    index: u64,
}

/// A membership config as stored: the voter sets (two while joint) and every node's address
/// (nodes not in any voter set are learners).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct MembershipRecord {
    voters: Vec<BTreeSet<u64>>,
    nodes: BTreeMap<u64, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PayloadRecord {
    Blank,
    /// Boxed: it dwarfs the other variants (serde writes a box as its content).
    Command(Box<StampedCommand>),
    Membership(MembershipRecord),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct EntryRecord {
    log_id: LogIdRecord,
    payload: PayloadRecord,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct VoteRecord {
    term: u64,
    node: u64,
    committed: bool,
}

/// A snapshot as stored; `S` is `&ClusterState` when writing (no copy) and `ClusterState` when read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct SnapshotRecord<S> {
    snapshot_id: String,
    last_applied: Option<LogIdRecord>,
    membership_log_id: Option<LogIdRecord>,
    membership: MembershipRecord,
    state: S,
}

/// A snapshot's whole content: its metadata and the cluster state at `meta.last_log_id`.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotContents {
    pub meta: SnapshotMeta,
    pub state: ClusterState,
}

pub fn encode_entry(entry: &LogEntry) -> Result<Vec<u8>, EncodingError> {
    let payload = match &entry.payload {
        EntryPayload::Blank => PayloadRecord::Blank,
        EntryPayload::Normal(stamped) => PayloadRecord::Command(Box::new(stamped.clone())),
        EntryPayload::Membership(membership) => {
            PayloadRecord::Membership(membership_record(membership))
        }
    };
    let record = EntryRecord {
        log_id: log_id_record(&entry.log_id),
        payload,
    };
    encode("log entry", &record)
}

pub fn decode_entry(bytes: &[u8]) -> Result<LogEntry, EncodingError> {
    let record: EntryRecord = decode("log entry", bytes)?;
    let payload = match record.payload {
        PayloadRecord::Blank => EntryPayload::Blank,
        PayloadRecord::Command(stamped) => EntryPayload::Normal(*stamped),
        PayloadRecord::Membership(membership) => {
            EntryPayload::Membership(membership_from(membership))
        }
    };
    Ok(LogEntry {
        log_id: log_id_from(record.log_id),
        payload,
    })
}

pub fn encode_vote(vote: &Vote) -> Result<Vec<u8>, EncodingError> {
    let record = VoteRecord {
        term: vote.leader_id.term,
        node: vote.leader_id.node_id,
        committed: vote.committed,
    };
    encode("vote", &record)
}

pub fn decode_vote(bytes: &[u8]) -> Result<Vote, EncodingError> {
    let record: VoteRecord = decode("vote", bytes)?;
    Ok(Vote {
        leader_id: LeaderId::new(record.term, record.node),
        committed: record.committed,
    })
}

pub fn encode_log_id(log_id: &LogId) -> Result<Vec<u8>, EncodingError> {
    encode("log id", &log_id_record(log_id))
}

pub fn decode_log_id(bytes: &[u8]) -> Result<LogId, EncodingError> {
    decode("log id", bytes).map(log_id_from)
}

pub fn encode_snapshot(
    meta: &SnapshotMeta,
    state: &ClusterState,
) -> Result<Vec<u8>, EncodingError> {
    encode("snapshot", &snapshot_record(meta, state))
}

/// Writes the snapshot record to `writer` as it is encoded (the same bytes as `encode_snapshot`),
/// so that a large state never sits in memory twice.
pub fn encode_snapshot_to(
    meta: &SnapshotMeta,
    state: &ClusterState,
    writer: &mut dyn std::io::Write,
) -> Result<(), EncodingError> {
    write_record("snapshot", &snapshot_record(meta, state), writer)
}

fn snapshot_record<'a>(
    meta: &SnapshotMeta,
    state: &'a ClusterState,
) -> SnapshotRecord<&'a ClusterState> {
    SnapshotRecord {
        snapshot_id: meta.snapshot_id.clone(),
        last_applied: meta.last_log_id.as_ref().map(log_id_record),
        membership_log_id: meta.last_membership.log_id().as_ref().map(log_id_record),
        membership: membership_record(meta.last_membership.membership()),
        state,
    }
}

pub fn decode_snapshot(bytes: &[u8]) -> Result<SnapshotContents, EncodingError> {
    let record: SnapshotRecord<ClusterState> = decode("snapshot", bytes)?;
    let (meta, state) = split_snapshot_record(record);
    Ok(SnapshotContents { meta, state })
}

/// Only the metadata of a snapshot record: the state is checked to be well-formed CBOR and
/// skipped, not built (it is about as large in memory as the scheduler's own state).
pub fn decode_snapshot_meta(bytes: &[u8]) -> Result<SnapshotMeta, EncodingError> {
    let record: SnapshotRecord<IgnoredAny> = decode("snapshot", bytes)?;
    Ok(split_snapshot_record(record).0)
}

fn split_snapshot_record<S>(record: SnapshotRecord<S>) -> (SnapshotMeta, S) {
    let membership = StoredMembership::new(
        record.membership_log_id.map(log_id_from),
        membership_from(record.membership),
    );
    let meta = SnapshotMeta {
        last_log_id: record.last_applied.map(log_id_from),
        last_membership: membership,
        snapshot_id: record.snapshot_id,
    };
    (meta, record.state)
}

fn encode<T: Serialize>(what: &'static str, record: &T) -> Result<Vec<u8>, EncodingError> {
    let mut bytes = Vec::new();
    write_record(what, record, &mut bytes)?;
    Ok(bytes)
}

/// The version byte, then the CBOR body.
fn write_record<T: Serialize>(
    what: &'static str,
    record: &T,
    writer: &mut dyn std::io::Write,
) -> Result<(), EncodingError> {
    let failed = |reason: String| EncodingError::Encode { what, reason };
    writer
        .write_all(&[FORMAT_VERSION])
        .map_err(|e| failed(e.to_string()))?;
    ciborium::into_writer(record, &mut *writer).map_err(|e| failed(e.to_string()))?;
    writer.flush().map_err(|e| failed(e.to_string()))
}

/// Reads the version byte and decodes the body with that version's layout. Versions 1 and 2
/// share one CBOR layout (2 differs only inside `JobSpec` and `ClusterState`, whose decoders read
/// both forms); a version with a new layout adds an arm here that converts its records into
/// today's types.
fn decode<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T, EncodingError> {
    let (&version, body) = bytes.split_first().ok_or(EncodingError::Empty { what })?;
    match version {
        1 | 2 => ciborium::from_reader(body).map_err(|e| EncodingError::Malformed {
            what,
            version,
            reason: e.to_string(),
        }),
        found => Err(EncodingError::UnknownVersion { what, found }),
    }
}

fn log_id_record(log_id: &LogId) -> LogIdRecord {
    LogIdRecord {
        term: log_id.leader_id.term,
        leader: log_id.leader_id.node_id,
        index: log_id.index,
    }
}

fn log_id_from(record: LogIdRecord) -> LogId {
    LogId::new(
        CommittedLeaderId::new(record.term, record.leader),
        record.index,
    )
}

fn membership_record(membership: &Membership<u64, RaftNodeAddr>) -> MembershipRecord {
    MembershipRecord {
        voters: membership.get_joint_config().clone(),
        nodes: membership
            .nodes()
            .map(|(id, node)| (*id, node.addr.clone()))
            .collect(),
    }
}

fn membership_from(record: MembershipRecord) -> Membership<u64, RaftNodeAddr> {
    let nodes: BTreeMap<u64, RaftNodeAddr> = record
        .nodes
        .into_iter()
        .map(|(id, addr)| (id, RaftNodeAddr { addr }))
        .collect();
    Membership::new(record.voters, nodes)
}
