//! Submits pass the policy's admission on the leader before they are proposed: a job over a
//! limit, or naming an account its user may not charge, is refused with the reason and makes no
//! job; an admitted job is charged to the account the policy resolves. Only its owner (or an
//! admin) may cancel it, and a request must name its user.

mod common;

use common::client::{connect, one_gpu_job};
use common::cluster::start_single;
use common::scratch::ScratchDir;
use corral_model::spec::TimeLimit;
use corral_proto::convert::{job_from_info, submit_request};
use corral_proto::v1::{CancelRequest, GetJobRequest, ListJobsRequest, PolicyApplyRequest};
use corral_scheduler::Config;
use tonic::Code;

const POLICY: &str = r#"
[partitions.gpu]
nodes = ["*"]
max_time = "1h"

[accounts.vision]
shares = 1

[users.ana]
account = "vision"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submits_are_admitted_by_the_policy_before_they_are_proposed() {
    let dir = ScratchDir::new("admission");
    let config = Config {
        listen: "127.0.0.1:0".to_string(),
        data_dir: Some(dir.path().join("data")),
        ..Config::default()
    };
    let scheduler = start_single(&config).await;
    let mut client = connect(&scheduler.local_addr().to_string())
        .await
        .expect("client");
    client
        .policy_apply(PolicyApplyRequest {
            user: "root".into(),
            text: POLICY.into(),
        })
        .await
        .expect("policy applies");

    let mut too_long = one_gpu_job("long");
    too_long.time_limit = TimeLimit::Secs(2 * 3600);
    let refused = client
        .submit(submit_request("ana", None, None, &too_long))
        .await
        .expect_err("over the partition's max_time");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        refused.message(),
        "--time of 7200s is over the 3600s max_time of partition gpu"
    );
    let not_hers = client
        .submit(submit_request(
            "ana",
            Some("physics"),
            None,
            &one_gpu_job("x"),
        ))
        .await
        .expect_err("an account ana may not charge");
    assert_eq!(
        not_hers.message(),
        "user ana may not charge account physics"
    );
    let stranger = client
        .submit(submit_request("eve", None, None, &one_gpu_job("x")))
        .await
        .expect("unlisted users are allowed by default");
    let jobs = client
        .list_jobs(ListJobsRequest {
            user: String::new(),
            states: Vec::new(),
        })
        .await
        .expect("list")
        .into_inner()
        .jobs;
    assert_eq!(jobs.len(), 1, "the refused submits made no job");

    let ok = client
        .submit(submit_request("ana", None, None, &one_gpu_job("ok")))
        .await
        .expect("admitted")
        .into_inner()
        .job_ids[0];
    let info = client
        .get_job(GetJobRequest { job_id: ok })
        .await
        .expect("job")
        .into_inner()
        .job
        .expect("job");
    assert_eq!(job_from_info(&info).expect("job JSON").account, "vision");
    assert!(!stranger.into_inner().job_ids.is_empty());
    let cancel = |user: &str| CancelRequest {
        user: user.into(),
        job_id: ok,
        signal: 0,
    };
    let anonymous = client.cancel(cancel("")).await.expect_err("no user");
    assert_eq!(anonymous.message(), "user: must not be empty");
    let eves = client
        .cancel(cancel("eve"))
        .await
        .expect_err("not eve's job");
    assert_eq!(eves.code(), Code::PermissionDenied);
    assert!(
        client
            .cancel(cancel("ana"))
            .await
            .expect("hers")
            .into_inner()
            .changed
    );
    scheduler.shutdown().await.expect("shutdown");
}
