//! `Scheduler`: one running scheduler node — its Raft replica on the data dir, the gRPC server
//! (Client, Agent and Raft services on one address) and the leader loop — and how it stops.
//!
//! A new cluster is initialized by its lowest-id member when that member's log is empty; with no
//! peers configured that is this node, so `--data-dir DIR` alone makes a single-node cluster.

use crate::agent_service::AgentService;
use crate::client_service::ClientService;
use crate::client_service::Insights;
use crate::config_check::CheckedConfig;
use crate::error::SchedulerError;
use crate::fairshare_cache::FairShareCache;
use crate::insight::{LastPass, PolicyView};
use crate::leader_loop::LeaderLoop;
use crate::liveness::Liveness;
use crate::network::GrpcNetwork;
use crate::policy_source::PolicySource;
use crate::raft_service::RaftService;
use crate::writer::Writer;
use corral_policies::config::{parse_policy, Policy};
use corral_proto::v1::agent_server::AgentServer;
use corral_proto::v1::client_server::ClientServer;
use corral_proto::v1::raft_server::RaftServer;
use corral_raft::RaftNode;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;

/// How long `shutdown` lets open connections drain before dropping them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Scheduler {
    node: Arc<RaftNode>,
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    leader_loop: JoinHandle<()>,
}

impl Scheduler {
    /// Binds `config.listen` and starts.
    pub async fn start(config: CheckedConfig) -> Result<Scheduler, SchedulerError> {
        let listener =
            TcpListener::bind(&config.listen)
                .await
                .map_err(|e| SchedulerError::Listen {
                    addr: config.listen.clone(),
                    reason: e.to_string(),
                })?;
        Scheduler::start_on(config, listener).await
    }

    /// Starts on an already bound listener (`config.listen` is not used).
    pub async fn start_on(
        config: CheckedConfig,
        listener: TcpListener,
    ) -> Result<Scheduler, SchedulerError> {
        let (policy, policy_text) = load_policy(&config)?;
        let local_addr = listener.local_addr().map_err(|e| SchedulerError::Listen {
            addr: config.listen.clone(),
            reason: e.to_string(),
        })?;
        let node =
            RaftNode::start(config.node_id, &config.data_dir, GrpcNetwork, &config.raft).await?;
        let node = Arc::new(node);
        let wake = Arc::new(Notify::new());
        let liveness = Arc::new(Liveness::new(config.node_timeout));
        let (stop, stopped) = watch::channel(false);
        let last_pass = LastPass::default();
        let insights = Insights {
            last_pass: last_pass.clone(),
            policy: PolicyView::new(policy.clone()),
            configured_policy_text: policy_text,
        };
        let server = spawn_server(&node, &wake, &liveness, insights, listener, stopped.clone());
        initialize_if_new(&node, &config, local_addr).await?;
        let leader_loop = tokio::spawn(
            LeaderLoop {
                node: Arc::clone(&node),
                wake,
                policy: PolicySource::new(policy),
                liveness,
                min_interval: config.leader_loop_min_interval,
                idle_interval: config.leader_loop_idle_interval,
                last_pass,
                fairshare: FairShareCache::new(config.fairshare_recompute_secs),
            }
            .run(stopped),
        );
        Ok(Scheduler {
            node,
            local_addr,
            stop,
            server,
            leader_loop,
        })
    }

    /// The address the gRPC server listens on (the real port when configured with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// This node's replica (metrics, state reads).
    pub fn node(&self) -> &RaftNode {
        &self.node
    }

    /// Stops the leader loop, Raft and the server. Once it returns, the data dir can be reopened.
    pub async fn shutdown(self) -> Result<(), SchedulerError> {
        let _ = self.stop.send(true);
        let _ = self.leader_loop.await;
        let stopped = self.node.shutdown().await;
        let mut server = self.server;
        if tokio::time::timeout(DRAIN_TIMEOUT, &mut server)
            .await
            .is_err()
        {
            server.abort();
        }
        stopped.map_err(|e| SchedulerError::Stop(e.to_string()))
    }
}

/// The configured policy, and its text when it comes from a file.
fn load_policy(config: &CheckedConfig) -> Result<(Policy, Option<String>), SchedulerError> {
    let Some(path) = &config.policy_file else {
        return Ok((Policy::default(), None));
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SchedulerError::Policy {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let policy = parse_policy(&shown, &text).map_err(|errors| SchedulerError::Policy {
        path: shown,
        reason: errors.to_string(),
    })?;
    Ok((policy, Some(text)))
}

fn spawn_server(
    node: &Arc<RaftNode>,
    wake: &Arc<Notify>,
    liveness: &Arc<Liveness>,
    insights: Insights,
    listener: TcpListener,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let writer = Writer::new(Arc::clone(node), Arc::clone(wake));
    let router = Server::builder()
        .add_service(RaftServer::new(RaftService::new(
            node.raft().clone(),
            node.id(),
        )))
        .add_service(ClientServer::new(ClientService::new(
            writer.clone(),
            insights,
        )))
        .add_service(AgentServer::new(AgentService::new(
            writer,
            Arc::clone(liveness),
        )));
    let id = node.id();
    tokio::spawn(async move {
        let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
        let signal = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        if let Err(e) = router.serve_with_incoming_shutdown(incoming, signal).await {
            eprintln!("corral-scheduler: node {id}: gRPC server stopped: {e}");
        }
    })
}

/// Initializes the cluster if this node is its lowest-id member and has never been part of one.
async fn initialize_if_new(
    node: &RaftNode,
    config: &CheckedConfig,
    local_addr: SocketAddr,
) -> Result<(), SchedulerError> {
    // Peers name this node by the address others reach it at; only a node missing from its own
    // peer list is entered at its listen address (which may be 0.0.0.0 and useless to others).
    let mut members: BTreeMap<u64, String> = config.peers.clone();
    let own = config
        .advertise
        .clone()
        .unwrap_or_else(|| local_addr.to_string());
    members.insert(config.node_id, own);
    let lowest = members.keys().next().copied();
    let is_new = {
        let metrics = node.metrics();
        let metrics = metrics.borrow();
        metrics.last_log_index.is_none() && metrics.current_term == 0
    };
    if lowest == Some(config.node_id) && is_new {
        node.initialize(members)
            .await
            .map_err(SchedulerError::Initialize)?;
    }
    Ok(())
}
