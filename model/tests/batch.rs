//! `Command::Batch`: the leader's batch of concurrent writes is applied command by command, each
//! answered on its own; a refused one changes nothing and does not stop the others.

mod common;

use common::cluster;
use corral_model::{Applied, ApplyError, Command, JobId, JobSpec, Submit};

fn submit(user: &str) -> Command {
    Command::Submit(Submit {
        user: user.into(),
        account: "root".into(),
        spec: JobSpec::default(),
        client_request_id: None,
    })
}

#[test]
fn each_command_of_a_batch_gets_its_own_answer() {
    let mut state = cluster(&[("a", 8)]);
    let batch = Command::Batch {
        commands: vec![
            submit("ada"),
            Command::Cancel {
                job: JobId(999),
                by: "ada".into(),
            },
            submit("bob"),
        ],
    };
    let Applied::Batch { results } = state.apply(10, batch).expect("a batch applies") else {
        panic!("not a batch answer");
    };
    assert_eq!(results.len(), 3);
    let first = results[0].clone().expect("first submit");
    let third = results[2].clone().expect("third submit");
    assert!(
        results[1].as_ref().is_err_and(|e| e.contains("999")),
        "{:?}",
        results[1]
    );
    let ids = |a: Applied| match a {
        Applied::Submitted { jobs, .. } => jobs,
        other => panic!("{other:?}"),
    };
    let (first, third) = (ids(first), ids(third));
    assert_eq!(third[0].0, first[0].0 + 1, "ids in batch order");
    assert_eq!(state.jobs().count(), 2);
}

#[test]
fn a_batch_inside_a_batch_is_refused_whole() {
    let mut state = cluster(&[("a", 8)]);
    let nested = Command::Batch {
        commands: vec![
            submit("ada"),
            Command::Batch {
                commands: vec![submit("bob")],
            },
        ],
    };
    let error = state.apply(10, nested).expect_err("nested batch");
    assert!(matches!(error, ApplyError::Invalid(_)), "{error:?}");
    assert_eq!(state.jobs().count(), 0, "nothing applied");
}
