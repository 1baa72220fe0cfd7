//! Helpers for the agent's unit tests.

use corral_model::{Job, JobId, JobSpec, JobState, Shape};

pub fn job_with(id: u64, name: &str) -> Job {
    let spec = JobSpec {
        name: Some(name.to_string()),
        ..JobSpec::default()
    };
    Job {
        id: JobId(id),
        shape: Shape::of(&spec),
        spec,
        user: "user".into(),
        account: "acct".into(),
        submit_secs: 0,
        eligible_secs: 0,
        array: None,
        state: JobState::Running,
        allocation: None,
        start_secs: Some(0),
        end_secs: None,
        ending: None,
        exit: None,
        requeue_count: 0,
        signals: Vec::new(),
    }
}
