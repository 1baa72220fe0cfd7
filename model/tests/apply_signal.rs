//! `Command::Signal`: recorded on running jobs only, numbered for the agents, never changing the
//! job's state, and forgotten when the job is requeued.

mod common;

use common::*;
use corral_model::*;

fn signal(
    state: &mut ClusterState,
    now: u64,
    job: JobId,
    signal: i32,
) -> Result<Applied, ApplyError> {
    state.apply(
        now,
        Command::Signal {
            job,
            signal,
            by: "alice".into(),
            target: SignalTarget::All,
        },
    )
}

#[test]
fn a_running_job_keeps_running_and_records_numbered_signals() {
    let mut state = cluster(&[("a", 8)]);
    let job = submit(&mut state, 0, gpu_job(1, 1))[0];
    commit(
        &mut state,
        1,
        starts(vec![start(job, vec![part(0, &[0], 1)])]),
    );
    assert_eq!(signal(&mut state, 2, job, 10), Ok(Applied::Done));
    assert_eq!(signal(&mut state, 3, job, 12), Ok(Applied::Done));
    let j = state.job(job).unwrap();
    assert_eq!(j.state, JobState::Running);
    let sent: Vec<(u32, i32)> = j.signals.iter().map(|s| (s.seq, s.signal)).collect();
    assert_eq!(sent, vec![(1, 10), (2, 12)]);
    assert_eq!(j.signals[0].by, "alice");
}

#[test]
fn only_the_latest_signals_are_kept_and_numbers_keep_rising() {
    let mut state = cluster(&[("a", 8)]);
    let job = submit(&mut state, 0, gpu_job(1, 1))[0];
    commit(
        &mut state,
        1,
        starts(vec![start(job, vec![part(0, &[0], 1)])]),
    );
    for _ in 0..40 {
        signal(&mut state, 2, job, 10).unwrap();
    }
    let seqs: Vec<u32> = state
        .job(job)
        .unwrap()
        .signals
        .iter()
        .map(|s| s.seq)
        .collect();
    assert_eq!(seqs.len(), 16);
    assert_eq!((seqs[0], seqs[15]), (25, 40));
}

#[test]
fn pending_ended_unknown_jobs_and_bad_numbers_are_refused_and_change_nothing() {
    let mut state = cluster(&[("a", 8)]);
    let pending = submit(&mut state, 0, gpu_job(1, 1))[0];
    let ended = submit(&mut state, 0, gpu_job(1, 1))[0];
    commit(
        &mut state,
        1,
        starts(vec![start(ended, vec![part(0, &[0], 1)])]),
    );
    end(&mut state, 2, ended, Outcome::Success, 0);
    let before = state.clone();
    let refused = |r: Result<Applied, ApplyError>| r.unwrap_err().to_string();
    assert_eq!(
        refused(signal(&mut state, 3, pending, 10)),
        format!(
            "job {}: PENDING, so it has no processes to signal (cancel it instead)",
            pending.0
        )
    );
    assert_eq!(
        refused(signal(&mut state, 3, ended, 10)),
        format!(
            "job {}: already ended (COMPLETED), nothing to signal",
            ended.0
        )
    );
    assert_eq!(
        refused(signal(&mut state, 3, JobId(99), 10)),
        "job 99 does not exist"
    );
    assert_eq!(
        refused(signal(&mut state, 3, ended, 0)),
        "signal 0: not a signal number (accepted: 1-64)"
    );
    assert_eq!(
        refused(signal(&mut state, 3, ended, 65)),
        "signal 65: not a signal number (accepted: 1-64)"
    );
    assert_eq!(state.job(pending), before.job(pending));
    assert_eq!(state.job(ended), before.job(ended));
}

#[test]
fn a_requeued_job_forgets_the_signals_of_its_last_run() {
    let mut state = cluster(&[("a", 8)]);
    let job = submit(&mut state, 0, gpu_job(1, 1))[0];
    commit(
        &mut state,
        1,
        starts(vec![start(job, vec![part(0, &[0], 1)])]),
    );
    signal(&mut state, 2, job, 10).unwrap();
    state
        .apply(
            3,
            Command::NodeLost {
                node: NodeId(0),
                reason: "gone".into(),
            },
        )
        .unwrap();
    let j = state.job(job).unwrap();
    assert_eq!((j.state, j.requeue_count), (JobState::Pending, 1));
    assert!(j.signals.is_empty());
}
