//! Fair-share is live in the replay, as in production: once user `a` has used the only GPU for
//! a while, `b`'s job, submitted after `a`'s second and third, starts before them.

use corral_policies::config::Policy;
use corral_simulations::cluster_spec::NodeGroup;
use corral_simulations::trace::TraceJob;
use corral_simulations::{simulate_trace, SimOptions};

fn job(id: u64, user: &str, submit: u64) -> TraceJob {
    let mut j = TraceJob::new(id, submit, 1_000, 1);
    j.requested_secs = Some(1_000);
    j.user = Some(user.to_string());
    j
}

#[test]
fn a_user_without_usage_overtakes_a_heavy_user() {
    let jobs = vec![
        job(1, "a", 0),
        job(2, "a", 1),
        job(3, "a", 2),
        job(4, "b", 3),
    ];
    let nodes = NodeGroup::uniform("n", 1, 1).node_specs();
    let report = simulate_trace(
        &jobs,
        nodes,
        &Policy::default(),
        &SimOptions::default(),
        None,
    )
    .unwrap();
    let start = |id: u64| {
        report
            .job_records
            .iter()
            .find(|r| r.trace_id == id)
            .and_then(|r| r.start_secs)
            .unwrap()
    };
    assert_eq!(start(1), 0);
    assert_eq!(start(4), 1_000, "b has no usage: it goes next");
    assert_eq!(start(2), 2_000);
    assert_eq!(start(3), 3_000);
}
