//! Records written by the release that introduced format version 1 (`tests/data/v1/`), and the
//! records of the one that introduced version 2 (`tests/data/v2/`); never regenerated:
//! this release must still read them, with the same meaning.

use crate::common::commands::submit_with_request_id;
use corral_model::{Applied, ClusterState, Command, JobId};
use corral_raft::encoding::{
    decode_entry, decode_log_id, decode_snapshot, decode_snapshot_meta, decode_vote,
    encode_snapshot,
};
use corral_raft::types::LogId;
use openraft::{CommittedLeaderId, EntryPayload, Vote};
use std::collections::BTreeSet;
use std::path::Path;

fn read(name: &str) -> Vec<u8> {
    read_version("v1", name)
}

fn read_version(folder: &str, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(folder)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A retry of `user`'s submit `request` returns `job` and makes nothing new.
fn assert_retry_is_duplicate(state: &mut ClusterState, user: &str, request: &str, job: JobId) {
    let retry = state
        .apply(1_700_000_020, submit_with_request_id(user, request))
        .expect("retry");
    assert_eq!(
        retry,
        Applied::Submitted {
            jobs: vec![job],
            duplicate: true
        },
        "{user}'s retry of {request}"
    );
}

fn log_id(term: u64, leader: u64, index: u64) -> LogId {
    LogId::new(CommittedLeaderId::new(term, leader), index)
}

#[test]
fn v1_blank_entry() {
    let entry = decode_entry(&read("entry_blank.cbor")).expect("decode");
    assert_eq!(entry.log_id, log_id(1, 1, 1));
    assert!(matches!(entry.payload, EntryPayload::Blank));
}

#[test]
fn v1_membership_entry() {
    let entry = decode_entry(&read("entry_membership.cbor")).expect("decode");
    assert_eq!(entry.log_id, log_id(1, 1, 2));
    let EntryPayload::Membership(membership) = entry.payload else {
        panic!("not a membership entry: {:?}", entry.payload);
    };
    assert_eq!(
        membership.get_joint_config(),
        &vec![BTreeSet::from([1, 2, 3])]
    );
    assert_eq!(membership.learner_ids().collect::<Vec<_>>(), vec![4]);
    let addr = membership.get_node(&4).map(|node| node.addr.as_str());
    assert_eq!(addr, Some("10.0.0.4:7100"));
}

#[test]
fn v1_command_entries() {
    let register = decode_entry(&read("entry_register.cbor")).expect("decode register");
    assert_eq!(register.log_id, log_id(2, 3, 3));
    let EntryPayload::Normal(stamped) = register.payload else {
        panic!("not a command entry");
    };
    assert_eq!(stamped.now_secs, 1_700_000_000);
    let Command::RegisterNode(spec) = stamped.command else {
        panic!("not a registration: {:?}", stamped.command);
    };
    assert_eq!(
        (spec.name.as_str(), spec.gpus.len(), spec.cpus),
        ("gpu-01", 8, 64)
    );

    let submit = decode_entry(&read("entry_submit.cbor")).expect("decode submit");
    assert_eq!(submit.log_id, log_id(2, 3, 4));
    let EntryPayload::Normal(stamped) = submit.payload else {
        panic!("not a command entry");
    };
    assert_eq!(stamped.now_secs, 1_700_000_005);
    let Command::Submit(submit) = stamped.command else {
        panic!("not a submit: {:?}", stamped.command);
    };
    assert_eq!(
        (submit.user.as_str(), submit.account.as_str()),
        ("alice", "ml")
    );
    assert_eq!(submit.client_request_id.as_deref(), Some("req-1"));
    assert_eq!(submit.spec.name.as_deref(), Some("alice-job"));
    assert_eq!(submit.spec.gpus_per_node.map(|g| g.count), Some(1));
}

#[test]
fn v1_vote_and_log_id() {
    let vote = decode_vote(&read("vote.cbor")).expect("decode vote");
    assert_eq!(vote, Vote::new_committed(2, 3));
    let committed = decode_log_id(&read("log_id.cbor")).expect("decode log id");
    assert_eq!(committed, log_id(2, 3, 4));
}

#[test]
fn v1_snapshot() {
    let snapshot = decode_snapshot(&read("snapshot.cbor")).expect("decode snapshot");
    assert_eq!(snapshot.meta.snapshot_id, "2-3-4");
    assert_eq!(snapshot.meta.last_log_id, Some(log_id(2, 3, 4)));
    assert_eq!(
        snapshot.meta.last_membership.log_id(),
        &Some(log_id(1, 1, 2))
    );
    let voters: Vec<u64> = snapshot.meta.last_membership.voter_ids().collect();
    assert_eq!(voters, vec![1, 2, 3]);

    let mut state = snapshot.state;
    assert_eq!(state.now_secs(), 1_700_000_005);
    assert_eq!(state.next_job_id(), JobId(2));
    assert!(state.node_by_name("gpu-01").is_some());
    let job = state.job(JobId(1)).expect("job 1");
    assert_eq!(
        (job.user.as_str(), job.submit_secs),
        ("alice", 1_700_000_005)
    );
    // The submit-request table (keyed by (user, request id)) came back: a retry is a duplicate.
    assert_retry_is_duplicate(&mut state, "alice", "req-1", JobId(1));
}

#[test]
fn v1_snapshot_rewritten_today_keeps_its_submit_requests_as_digests() {
    let old = decode_snapshot(&read("snapshot.cbor")).expect("decode snapshot");
    let bytes = encode_snapshot(&old.meta, &old.state).expect("encode snapshot");
    // Version 2: a release that reads only version 1 refuses it instead of missing the digests.
    assert_eq!(bytes[0], 2);
    let needle = b"submit_requests";
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    let mut state = decode_snapshot(&bytes).expect("decode rewritten").state;
    assert_retry_is_duplicate(&mut state, "alice", "req-1", JobId(1));
}

#[test]
fn v1_snapshot_metadata_reads_alone() {
    let bytes = read("snapshot.cbor");
    let meta = decode_snapshot_meta(&bytes).expect("decode metadata");
    assert_eq!(meta, decode_snapshot(&bytes).expect("decode snapshot").meta);
    assert!(
        decode_snapshot_meta(&bytes[..bytes.len() - 1]).is_err(),
        "a truncated state"
    );
}

/// `tests/data/v2/snapshot.cbor`, written by the release that introduced version 2: the
/// v1 snapshot's state plus a submit by bob with request id `req-2`.
#[test]
fn v2_snapshot() {
    let bytes = read_version("v2", "snapshot.cbor");
    assert_eq!(bytes[0], 2);
    let snapshot = decode_snapshot(&bytes).expect("decode snapshot");
    assert_eq!(snapshot.meta.snapshot_id, "2-3-4");
    let mut state = snapshot.state;
    assert_eq!(state.next_job_id(), JobId(3));
    assert_retry_is_duplicate(&mut state, "alice", "req-1", JobId(1));
    assert_retry_is_duplicate(&mut state, "bob", "req-2", JobId(2));
}

/// `tests/data/v2/entry_submit.cbor`: the v1 submit entry as version 2 writes it, the spec's
/// fields at their defaults left out.
#[test]
fn v2_submit_entry() {
    let bytes = read_version("v2", "entry_submit.cbor");
    assert_eq!(bytes[0], 2);
    let v1 = read("entry_submit.cbor");
    assert!(
        bytes.len() * 2 < v1.len(),
        "{} bytes, v1 {}",
        bytes.len(),
        v1.len()
    );
    assert_eq!(
        decode_entry(&bytes).expect("decode v2"),
        decode_entry(&v1).expect("decode v1")
    );
}
