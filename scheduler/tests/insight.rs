//! The "why" reads and cluster membership: `Explain` and `PendingReasons` give the leader's
//! pending reason with the numbers and the priority breakdown, `FairShare` the tree, `PolicyGet`
//! where the policy comes from; `AddMember` adds a scheduler node and `RemoveMember` removes
//! one, after which it answers nothing but that it was removed.

mod common;

use common::client::{connect, one_gpu_job};
use common::cluster::TestCluster;
use common::eventually;
use corral_model::spec::{GpuCount, NodeRange};
use corral_model::{GpuHealth, GpuSpec, JobSpec, NodeSpec};
use corral_proto::convert::{register_request, submit_request};
use corral_proto::v1::agent_client::AgentClient;
use corral_proto::v1::{
    AddMemberRequest, ExplainRequest, FairShareRequest, ListJobsRequest, PendingReasonsRequest,
    PolicyApplyRequest, PolicyGetRequest, RemoveMemberRequest,
};
use tonic::Code;

fn two_gpu_node() -> NodeSpec {
    NodeSpec {
        name: "gpu-01".into(),
        cpus: 32,
        mem_mib: 256 * 1024,
        gpus: (0..2)
            .map(|index| GpuSpec {
                index,
                uuid: format!("GPU-{index}"),
                model: "H100".into(),
                mem_mib: 81_920,
                nvlink_peers: Vec::new(),
                health: GpuHealth::Healthy,
            })
            .collect(),
        features: Default::default(),
        labels: Default::default(),
        rack: None,
        switch: None,
        addr: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_says_why_a_job_waits_with_its_numbers_and_priority() {
    let cluster = TestCluster::start("explain", 1).await;
    let leader = cluster.wait_for_leader().await;
    let addr = cluster.addrs[&leader].to_string();
    let mut client = connect(&addr).await.expect("client");
    let mut agent = AgentClient::connect(format!("http://{addr}"))
        .await
        .expect("agent");
    agent
        .register(register_request(&two_gpu_node()))
        .await
        .expect("register");
    let huge = JobSpec {
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 8,
        }),
        ..one_gpu_job("huge")
    };
    let reply = client
        .submit(submit_request("ada", None, None, &huge))
        .await
        .expect("submit");
    let id = reply.into_inner().job_ids[0];
    let explained = eventually("a pass to look at the job", || async {
        let mut client = client.clone();
        let reply = client
            .explain(ExplainRequest { job_id: id })
            .await
            .ok()?
            .into_inner();
        let pending = reply.pending.clone()?;
        (pending.reason != "NotYetConsidered").then_some(reply)
    })
    .await;
    assert_eq!(explained.state, "PENDING");
    assert!(explained.pass_secs > 0);
    let pending = explained.pending.expect("pending info");
    assert_eq!(pending.reason, "NeverFits", "{pending:?}");
    assert!(
        pending.detail.contains('8'),
        "the detail has the numbers: {}",
        pending.detail
    );
    let priority = pending.priority.expect("priority");
    let names: Vec<&str> = priority.factors.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["age", "fairshare", "job_size", "partition", "qos", "nice"]
    );
    let sum: f64 = priority.factors.iter().map(|f| f.weighted).sum();
    assert!((sum - priority.total).abs() < 1e-6, "{priority:?}");

    let all = client
        .pending_reasons(PendingReasonsRequest {
            user: String::new(),
        })
        .await
        .expect("pending reasons")
        .into_inner();
    assert_eq!(all.jobs.len(), 1);
    assert_eq!(all.jobs[0].job_id, id);
    let none = client
        .pending_reasons(PendingReasonsRequest { user: "bob".into() })
        .await
        .expect("pending reasons")
        .into_inner();
    assert!(none.jobs.is_empty());

    let missing = client
        .explain(ExplainRequest { job_id: 999 })
        .await
        .expect_err("no job");
    assert_eq!(missing.code(), Code::NotFound);

    let rows = client
        .fair_share(FairShareRequest {})
        .await
        .expect("share")
        .into_inner()
        .rows;
    assert!(
        rows.iter().any(|r| r.kind == "user" && r.name == "ada"),
        "{rows:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_get_says_where_the_policy_comes_from() {
    let cluster = TestCluster::start("policy-get", 1).await;
    let leader = cluster.wait_for_leader().await;
    let mut client = connect(&cluster.addrs[&leader].to_string())
        .await
        .expect("client");
    let before = client
        .policy_get(PolicyGetRequest {})
        .await
        .expect("get")
        .into_inner();
    assert_eq!(
        (before.version, before.source.as_str(), before.text.as_str()),
        (0, "defaults", "")
    );
    let text = "[priority]\nmax_age = \"3d\"\n";
    client
        .policy_apply(PolicyApplyRequest {
            user: "root".into(),
            text: text.into(),
        })
        .await
        .expect("apply");
    let after = client
        .policy_get(PolicyGetRequest {})
        .await
        .expect("get")
        .into_inner();
    assert_eq!(
        (after.version, after.source.as_str(), after.text.as_str()),
        (1, "cluster", text)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_is_added_then_another_removed_and_the_removed_one_stops_serving() {
    let mut cluster = TestCluster::start("membership", 3).await;
    let leader = cluster.wait_for_leader().await;
    let leader_addr = cluster.addrs[&leader].to_string();
    let mut client = connect(&leader_addr).await.expect("client");
    let new_addr = cluster.start_new_node(4).await;
    let added = client
        .add_member(AddMemberRequest {
            user: "root".into(),
            id: 4,
            addr: new_addr.to_string(),
        })
        .await
        .expect("add")
        .into_inner();
    let ids: Vec<u64> = added.members.iter().map(|m| m.id).collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    cluster.wait_caught_up(4, leader).await;

    let removed = (1..=3).find(|&id| id != leader).expect("a follower");
    let left = client
        .remove_member(RemoveMemberRequest {
            user: "root".into(),
            id: removed,
        })
        .await
        .expect("remove")
        .into_inner();
    assert!(left.members.iter().all(|m| m.id != removed));
    let removed_addr = cluster.addrs[&removed].to_string();
    let status = eventually("the removed node to refuse", || async {
        let mut c = connect(&removed_addr).await.ok()?;
        c.list_jobs(ListJobsRequest::default()).await.err()
    })
    .await;
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status.message().contains("removed from the cluster"),
        "{}",
        status.message()
    );

    // The cluster goes on without it.
    let reply = client
        .submit(submit_request("ada", None, None, &one_gpu_job("after")))
        .await
        .expect("submit after removal");
    assert_eq!(reply.into_inner().job_ids.len(), 1);
    let twice = client
        .remove_member(RemoveMemberRequest {
            user: "root".into(),
            id: removed,
        })
        .await
        .expect_err("not a member any more");
    assert_eq!(twice.code(), Code::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raft_request_meant_for_another_node_is_refused() {
    use corral_proto::v1::raft_client::RaftClient;
    use corral_proto::v1::RaftPayload;
    let cluster = TestCluster::start("raft-target", 1).await;
    let leader = cluster.wait_for_leader().await;
    let addr = format!("http://{}", cluster.addrs[&leader]);
    let mut raft = RaftClient::connect(addr).await.expect("connect");
    let mut request = tonic::Request::new(RaftPayload {
        payload: vec![1, 2, 3],
    });
    request
        .metadata_mut()
        .insert("corral-raft-target", 99u64.into());
    let refused = raft.append_entries(request).await.expect_err("not node 99");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert!(
        refused.message().contains("not node 99"),
        "{}",
        refused.message()
    );
}
