//! The sled store on its own: openraft's storage test suite, durability across reopening, and the
//! encoding's version handling.

mod common;
mod golden;

use common::commands::{register_node, submit_by};
use common::scratch::ScratchDir;
use corral_raft::encoding::{
    decode_entry, decode_vote, encode_entry, encode_vote, EncodingError, FORMAT_VERSION,
};
use corral_raft::types::{LogEntry, StorageError, Vote};
use corral_raft::{LogStore, SledEngine, StampedCommand, StateMachineStore, TypeConfig};
use openraft::storage::{RaftLogStorage, RaftLogStorageExt, RaftStateMachine};
use openraft::testing::{StoreBuilder, Suite};
use openraft::{CommittedLeaderId, EntryPayload, LogId, RaftLogReader, RaftSnapshotBuilder};
use std::sync::Arc;

type SledLog = LogStore<SledEngine>;
type SledMachine = StateMachineStore<SledEngine>;

struct SledStoreBuilder;

impl StoreBuilder<TypeConfig, SledLog, SledMachine, ()> for SledStoreBuilder {
    async fn build(&self) -> Result<((), SledLog, SledMachine), StorageError> {
        let engine = SledEngine::temporary().expect("temporary sled database");
        let engine = Arc::new(engine);
        Ok((
            (),
            LogStore::new(Arc::clone(&engine)),
            StateMachineStore::open(engine)?,
        ))
    }
}

#[test]
fn openraft_storage_suite_passes_on_the_sled_store() {
    Suite::test_all(SledStoreBuilder).expect("openraft storage suite");
}

fn log_id(term: u64, index: u64) -> LogId<u64> {
    LogId::new(CommittedLeaderId::new(term, 1), index)
}

fn command_entry(term: u64, index: u64, user: &str) -> LogEntry {
    LogEntry {
        log_id: log_id(term, index),
        payload: EntryPayload::Normal(StampedCommand {
            now_secs: 100 + index,
            command: submit_by(user),
        }),
    }
}

fn open(dir: &ScratchDir) -> (SledLog, SledMachine) {
    let engine = Arc::new(SledEngine::open(dir.path()).expect("open sled"));
    let machine = StateMachineStore::open(Arc::clone(&engine)).expect("open state machine");
    (LogStore::new(engine), machine)
}

#[tokio::test]
async fn log_vote_and_snapshot_survive_reopening_the_directory() {
    let dir = ScratchDir::new("reopen");
    let entries: Vec<LogEntry> = (1..=4).map(|i| command_entry(2, i, "alice")).collect();
    let vote = Vote::new_committed(2, 1);
    {
        let (mut log, mut machine) = open(&dir);
        log.blocking_append(entries.clone()).await.expect("append");
        log.save_vote(&vote).await.expect("save vote");
        machine.apply(entries[..3].to_vec()).await.expect("apply");
        machine
            .get_snapshot_builder()
            .await
            .build_snapshot()
            .await
            .expect("snapshot");
        log.purge(log_id(2, 2)).await.expect("purge");
    }

    let (mut log, mut machine) = open(&dir);

    assert_eq!(log.read_vote().await.expect("read vote"), Some(vote));
    let state = log.get_log_state().await.expect("log state");
    assert_eq!(state.last_purged_log_id, Some(log_id(2, 2)));
    assert_eq!(state.last_log_id, Some(log_id(2, 4)));
    let kept = log.try_get_log_entries(0..10).await.expect("read log");
    assert_eq!(
        kept,
        entries[2..].to_vec(),
        "entries after the purge point are kept, in order"
    );
    let (applied, _) = machine.applied_state().await.expect("applied state");
    assert_eq!(
        applied,
        Some(log_id(2, 3)),
        "the snapshot restores the applied point"
    );
    let snapshot = machine
        .get_current_snapshot()
        .await
        .expect("read snapshot")
        .expect("a snapshot");
    assert_eq!(snapshot.meta.last_log_id, Some(log_id(2, 3)));
}

#[tokio::test]
async fn truncate_removes_the_conflicting_suffix_durably() {
    let dir = ScratchDir::new("truncate");
    {
        let (mut log, _) = open(&dir);
        log.blocking_append((1..=5).map(|i| command_entry(1, i, "alice")))
            .await
            .expect("append");
        log.truncate(log_id(1, 3)).await.expect("truncate");
    }
    let (mut log, _) = open(&dir);
    let kept = log.try_get_log_entries(..).await.expect("read log");
    let indexes: Vec<u64> = kept.iter().map(|e| e.log_id.index).collect();
    assert_eq!(indexes, vec![1, 2]);
}

#[test]
fn every_record_starts_with_the_format_version() {
    let entry = command_entry(3, 9, "alice");
    let bytes = encode_entry(&entry).expect("encode");
    assert_eq!(bytes[0], FORMAT_VERSION);
    assert_eq!(decode_entry(&bytes).expect("decode"), entry);
    let vote = encode_vote(&Vote::new(4, 2)).expect("encode vote");
    assert_eq!(vote[0], FORMAT_VERSION);
    assert_eq!(decode_vote(&vote).expect("decode vote"), Vote::new(4, 2));
}

#[test]
fn an_unknown_version_or_a_damaged_record_is_a_clear_error() {
    let mut bytes = encode_entry(&command_entry(1, 1, "alice")).expect("encode");
    bytes[0] = 9;
    let unknown = decode_entry(&bytes).expect_err("version 9 is unknown");
    assert_eq!(
        unknown,
        EncodingError::UnknownVersion {
            what: "log entry",
            found: 9
        }
    );
    assert_eq!(
        unknown.to_string(),
        "log entry: format version 9 is not readable by this release (accepted: [1, 2])"
    );
    assert!(matches!(
        decode_entry(&[]),
        Err(EncodingError::Empty { what: "log entry" })
    ));
    let damaged = decode_vote(&[FORMAT_VERSION, 0xff, 0x00]).expect_err("not CBOR of a vote");
    assert!(
        matches!(
            damaged,
            EncodingError::Malformed {
                what: "vote",
                version: FORMAT_VERSION,
                ..
            }
        ),
        "{damaged:?}"
    );
}

#[test]
fn a_snapshot_holds_maps_with_tuple_keys() {
    // `ClusterState` keys submit requests by (user, request id): the encoding must carry that.
    let mut state = corral_model::ClusterState::new();
    state
        .apply(1, register_node("gpu-01", 8))
        .expect("register");
    state
        .apply(
            2,
            common::commands::submit_with_request_id("alice", "req-1"),
        )
        .expect("submit");
    let meta = corral_raft::types::SnapshotMeta {
        last_log_id: Some(log_id(1, 2)),
        last_membership: Default::default(),
        snapshot_id: "1-1-2".to_string(),
    };
    let bytes = corral_raft::encoding::encode_snapshot(&meta, &state).expect("encode snapshot");
    let decoded = corral_raft::encoding::decode_snapshot(&bytes).expect("decode snapshot");
    assert_eq!(decoded.state, state);
    assert_eq!(decoded.meta, meta);
}

/// Encoding version 2 leaves a job spec's fields at their defaults out of the record: a spec
/// with every field away from its default must come back whole.
#[test]
fn a_spec_with_every_field_set_survives_the_compact_encoding() {
    use corral_model::spec::*;
    use corral_model::{Command, Launch, Submit};
    let count = |n| GpuCount {
        model: Some("h100".into()),
        count: n,
    };
    let mut spec = JobSpec {
        name: Some("train".into()),
        partition: Some("gpu".into()),
        qos: Some("high".into()),
        account: Some("ml".into()),
        nodes: Some(NodeRange { min: 2, max: 4 }),
        ntasks: Some(16),
        ntasks_per_node: Some(8),
        cpus_per_task: Some(4),
        mem: Some(MemRequest::Gpu(80_000)),
        gpus_per_job: Some(count(16)),
        gpus_per_node: Some(count(8)),
        time_limit: TimeLimit::Unlimited,
        array: Some(Box::new(ArraySpec {
            task_ids: vec![1, 2, 3],
            throttle: Some(2),
        })),
        dependency: Some(Box::new(Dependency {
            combine: DependencyCombine::Any,
            conditions: vec![DependencyCondition::AfterOk { job: 7 }],
        })),
        requeue: Some(false),
        signal: Some(Box::new(SignalSpec {
            batch_only: true,
            signal: 10,
            signal_name: "USR1".into(),
            secs_before: 60,
        })),
        exclusive: true,
        constraint: Some(Box::new(Constraint::Feature("nvlink".into()))),
        nice: -5,
        launch: Some(Box::new(Launch {
            script: "#!/bin/sh\ntrue\n".into(),
            args: vec!["--fast".into()],
            submit_dir: "/home/alice".into(),
            env: [("A".to_string(), "1".to_string())].into(),
        })),
        ..JobSpec::default()
    };
    let extras = spec.extras_mut();
    extras.gpus_per_task = Some(count(1));
    extras.other_gres = vec![GresCount {
        name: "shard".into(),
        kind: None,
        count: 2,
    }];
    extras.output = Some("%j.out".into());
    extras.error = Some("%j.err".into());
    extras.begin = Some(BeginTime::AfterSubmitSecs(60));
    extras.chdir = Some("/scratch".into());
    extras.export = Export::None;
    extras.comment = Some("sweep".into());
    extras.container_image = Some("trainer:local".into());
    extras.mail_type = vec!["END".into()];
    extras.mail_user = Some("alice@example.org".into());
    extras.reservation = Some("maint".into());
    extras.nodelist = vec!["gpu-01".into()];
    extras.exclude = vec!["gpu-02".into()];
    let entry = |spec: JobSpec| LogEntry {
        log_id: log_id(2, 9),
        payload: EntryPayload::Normal(StampedCommand {
            now_secs: 100,
            command: Command::Submit(Submit {
                user: "alice".into(),
                account: "ml".into(),
                spec,
                client_request_id: None,
            }),
        }),
    };
    for spec in [spec, JobSpec::default()] {
        let written = entry(spec);
        let bytes = encode_entry(&written).expect("encode");
        assert_eq!(decode_entry(&bytes).expect("decode"), written);
    }
}
