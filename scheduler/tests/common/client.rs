//! `LeaderClient`: submits through any of several scheduler addresses, following the
//! `corral-leader` hint of a follower and moving on from a node that does not answer, until the
//! deadline — as the CLI will.

// Mirrors tonic's `Result<_, Status>` answers.
#![allow(clippy::result_large_err)]

use super::{DEADLINE, POLL};
use corral_model::spec::{GpuCount, NodeRange};
use corral_model::JobSpec;
use corral_proto::convert::submit_request;
use corral_proto::leader::leader_hint;
use corral_proto::v1::client_client::ClientClient;
use corral_proto::v1::SubmitReply;
use std::time::Instant;
use tonic::transport::Channel;
use tonic::Status;

pub async fn connect(addr: &str) -> Result<ClientClient<Channel>, Status> {
    ClientClient::connect(format!("http://{addr}"))
        .await
        .map_err(|e| Status::unavailable(format!("{addr}: {e}")))
}

/// A one-GPU job named `name`.
pub fn one_gpu_job(name: &str) -> JobSpec {
    JobSpec {
        name: Some(name.to_string()),
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 1,
        }),
        ..JobSpec::default()
    }
}

pub struct LeaderClient {
    addrs: Vec<String>,
    next: usize,
}

impl LeaderClient {
    pub fn new(addrs: Vec<String>) -> LeaderClient {
        LeaderClient { addrs, next: 0 }
    }

    /// Submits once: through `addr`, the answer as it came.
    pub async fn submit_via(
        addr: &str,
        user: &str,
        request_id: &str,
    ) -> Result<SubmitReply, Status> {
        let request = submit_request(user, Some("ml"), Some(request_id), &one_gpu_job(request_id));
        connect(addr)
            .await?
            .submit(request)
            .await
            .map(|r| r.into_inner())
    }

    /// Submits job `request_id` until some node acknowledges it; retries carry the same id.
    pub async fn submit(&mut self, user: &str, request_id: &str) -> SubmitReply {
        let start = Instant::now();
        let mut addr = self.addrs[self.next % self.addrs.len()].clone();
        loop {
            match LeaderClient::submit_via(&addr, user, request_id).await {
                Ok(reply) => return reply,
                Err(status) => {
                    assert!(
                        start.elapsed() < DEADLINE,
                        "submit {request_id}: no leader acknowledged it within {DEADLINE:?}: {status}"
                    );
                    match leader_hint(&status) {
                        Some(hint) if hint.addr != addr => addr = hint.addr,
                        _ => {
                            self.next += 1;
                            addr = self.addrs[self.next % self.addrs.len()].clone();
                            tokio::time::sleep(POLL).await;
                        }
                    }
                }
            }
        }
    }
}
