//! Admission of submits: each refusal says what and whose limit, with the numbers; an accepted
//! submit gets its account resolved.

use corral_model::spec::{ArraySpec, JobSpec, TimeLimit};
use corral_model::{ClusterState, Command, Submit};
use corral_policies::admission::admit;
use corral_policies::config::parse_policy;

fn policy() -> corral_policies::config::Policy {
    parse_policy(
        "admission",
        r#"
        [accounts.ml]
        shares = 1
        max_submitted_jobs = 3
        [users.alice]
        account = "ml"
        max_time = "2h"
        [qos.normal]
        default = true
        [qos.short]
        max_time = "30m"
        [user_defaults]
        account = "root"
        "#,
    )
    .unwrap()
}

fn spec(secs: u64) -> JobSpec {
    JobSpec {
        time_limit: TimeLimit::Secs(secs),
        ..JobSpec::default()
    }
}

#[test]
fn a_plain_submit_is_admitted_with_the_users_account() {
    let state = ClusterState::new();
    assert_eq!(admit(&state, &policy(), "alice", &spec(600)).unwrap(), "ml");
    assert_eq!(admit(&state, &policy(), "bob", &spec(600)).unwrap(), "root");
}

#[test]
fn time_limits_over_a_maximum_are_refused_with_whose() {
    let state = ClusterState::new();
    let err = admit(&state, &policy(), "alice", &spec(3 * 3600)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--time of 10800s is over the 7200s max_time of user alice"
    );
    let mut short = spec(3600);
    short.qos = Some("short".into());
    let err = admit(&state, &policy(), "bob", &short).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--time of 3600s is over the 1800s max_time of QoS short"
    );
}

#[test]
fn unknown_names_and_foreign_accounts_are_refused() {
    let state = ClusterState::new();
    let mut s = spec(60);
    s.partition = Some("gpus".into());
    assert_eq!(
        admit(&state, &policy(), "bob", &s).unwrap_err().to_string(),
        "partition gpus does not exist (known: gpu)"
    );
    let mut s = spec(60);
    s.account = Some("ml".into());
    assert_eq!(
        admit(&state, &policy(), "bob", &s).unwrap_err().to_string(),
        "user bob may not charge account ml"
    );
}

#[test]
fn max_submitted_jobs_counts_array_tasks() {
    let mut state = ClusterState::new();
    for _ in 0..2 {
        state
            .apply(
                0,
                Command::Submit(Submit {
                    user: "alice".into(),
                    account: "ml".into(),
                    spec: spec(60),
                    client_request_id: None,
                }),
            )
            .unwrap();
    }
    assert!(admit(&state, &policy(), "alice", &spec(60)).is_ok());
    let mut array = spec(60);
    array.array = Some(Box::new(ArraySpec {
        task_ids: vec![1, 2],
        throttle: None,
    }));
    let err = admit(&state, &policy(), "alice", &array).unwrap_err();
    assert_eq!(
        err.to_string(),
        "account ml has 2 jobs pending or running; 2 more would pass its max_submitted_jobs of 3"
    );
}
