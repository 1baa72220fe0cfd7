//! The agent's main loop: register the node with the scheduler cluster (finding its leader),
//! follow the `Assignments` stream, heartbeat, report job ends and GPU health changes, and
//! reconnect with backoff whenever the leader changes or the link breaks. The rules about runs
//! live in `runs`; this module only moves messages.

use crate::gpu::{GpuProbe, HealthChange};
use crate::holdings::Holdings;
use crate::launch_log::LaunchLog;
use crate::placement::Placement;
use crate::runs::LocalRuns;
use crate::step::registry::StepRegistry;
use corral_model::{GpuHealth, JobId, NodeId, NodeSpec};
use corral_proto::connect::{CallError, Connector};
use corral_proto::convert::{job_end_report, register_request};
use corral_proto::v1::agent_client::AgentClient;
use corral_proto::v1::{
    AssignmentsRequest, AssignmentsUpdate, HeartbeatRequest, ReportGpuHealthRequest,
};
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::time::{interval, MissedTickBehavior};
use tonic::Code;

pub struct LinkConfig {
    pub schedulers: Vec<String>,
    pub heartbeat_interval: Duration,
    /// How often runs are checked for ends and escalations.
    pub tick_interval: Duration,
    /// How often the GPU probe is asked about health.
    pub health_interval: Duration,
}

/// What the node registers as, minus its GPUs (the probe says those).
pub struct NodeTemplate {
    pub spec: NodeSpec,
}

pub struct Daemon {
    link: LinkConfig,
    template: NodeTemplate,
    probe: Box<dyn GpuProbe>,
    runs: LocalRuns,
    connector: Connector,
    pending_health: Vec<HealthChange>,
    steps: StepRegistry,
    holdings: Holdings,
    /// The last assignment set, as (run, GPUs here), for `holdings` between updates.
    last_assigned: Vec<(crate::placement::RunKey, Vec<u32>)>,
}

/// Why a session with the leader ended.
enum SessionEnd {
    Reconnect(String),
    Reregister(String),
    Shutdown,
}

impl Daemon {
    pub fn new(
        link: LinkConfig,
        template: NodeTemplate,
        probe: Box<dyn GpuProbe>,
        runs: LocalRuns,
        steps: StepRegistry,
    ) -> Daemon {
        let connector = Connector::new(link.schedulers.clone(), Duration::from_secs(5));
        let data_dir = runs
            .jobs_root()
            .parent()
            .unwrap_or(runs.jobs_root())
            .to_path_buf();
        let holdings = Holdings::start(LaunchLog::new(&data_dir), template.spec.name.clone());
        Daemon {
            link,
            template,
            probe,
            runs,
            connector,
            pending_health: Vec::new(),
            steps,
            holdings,
            last_assigned: Vec::new(),
        }
    }

    /// Runs until `shutdown` resolves.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut backoff = Duration::from_millis(100);
        loop {
            let node = tokio::select! {
                node = self.register() => node,
                _ = &mut shutdown => return,
            };
            let node = match node {
                Ok(node) => node,
                Err(e) => {
                    eprintln!(
                        "corral-agent: cannot register: {e}; retrying in {} ms",
                        backoff.as_millis()
                    );
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {},
                        _ = &mut shutdown => return,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    continue;
                }
            };
            backoff = Duration::from_millis(100);
            eprintln!(
                "corral-agent: registered as node {} ({}) with the leader at {}",
                node.0,
                self.template.spec.name,
                self.connector.leader_addr().unwrap_or("?")
            );
            loop {
                match self.session(node, &mut shutdown).await {
                    SessionEnd::Shutdown => return,
                    SessionEnd::Reregister(why) => {
                        eprintln!("corral-agent: registering again: {why}");
                        break;
                    }
                    SessionEnd::Reconnect(why) => {
                        eprintln!("corral-agent: assignment stream ended ({why}); reconnecting");
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_millis(100)) => {},
                            _ = &mut shutdown => return,
                        }
                    }
                }
            }
        }
    }

    async fn register(&mut self) -> Result<NodeId, CallError> {
        let mut spec = self.template.spec.clone();
        spec.gpus = match self.probe.discover() {
            Ok(gpus) => gpus,
            Err(e) => {
                eprintln!("corral-agent: GPU discovery failed: {e}; registering without GPUs");
                Vec::new()
            }
        };
        let request = register_request(&spec);
        let reply = self
            .connector
            .call(|channel| {
                let request = request.clone();
                async move { AgentClient::new(channel).register(request).await }
            })
            .await?;
        Ok(NodeId(reply.into_inner().node_id as u32))
    }

    /// One assignment stream from the current leader, with heartbeats and reports beside it.
    async fn session(
        &mut self,
        node: NodeId,
        shutdown: &mut (impl Future<Output = ()> + Unpin),
    ) -> SessionEnd {
        let request = AssignmentsRequest {
            node_id: u64::from(node.0),
        };
        let opened = self
            .connector
            .call(|channel| async move { AgentClient::new(channel).assignments(request).await })
            .await;
        let mut stream = match opened {
            Ok(response) => response.into_inner(),
            Err(CallError::Refused(status)) if status.code() == Code::NotFound => {
                return SessionEnd::Reregister(status.message().to_string())
            }
            Err(e) => return SessionEnd::Reconnect(e.to_string()),
        };
        let mut heartbeat = interval(self.link.heartbeat_interval);
        let mut tick = interval(self.link.tick_interval);
        let mut health = interval(self.link.health_interval);
        for timer in [&mut heartbeat, &mut tick, &mut health] {
            timer.set_missed_tick_behavior(MissedTickBehavior::Delay);
        }
        loop {
            tokio::select! {
                message = stream.message() => match message {
                    Ok(Some(update)) => {
                        if update.node_state == "DOWN" {
                            return SessionEnd::Reregister("the scheduler holds this node DOWN".into());
                        }
                        self.apply_update(node, update);
                        self.report_ends(node).await;
                    }
                    Ok(None) => return SessionEnd::Reconnect("closed by the scheduler".into()),
                    Err(status) => return SessionEnd::Reconnect(status.message().to_string()),
                },
                _ = heartbeat.tick() => {
                    if let Some(end) = self.heartbeat(node).await {
                        return end;
                    }
                }
                _ = tick.tick() => self.report_ends(node).await,
                _ = health.tick() => self.report_health(node).await,
                _ = &mut *shutdown => return SessionEnd::Shutdown,
            }
        }
    }

    fn apply_update(&mut self, node: NodeId, update: AssignmentsUpdate) {
        let mut placements = Vec::with_capacity(update.jobs.len());
        for assignment in &update.jobs {
            match Placement::from_assignment(assignment, u64::from(node.0)) {
                Ok(placement) => placements.push(placement),
                Err(e) => eprintln!("corral-agent: ignoring an assignment: {e}"),
            }
        }
        let assigned = placements.iter().map(|p| p.job.id.0).collect();
        self.steps.kill_unassigned(&assigned);
        self.steps.set_memory_limits(
            placements
                .iter()
                .map(|p| (p.job.id.0, p.this_node().mem_mib)),
        );
        for placement in &placements {
            self.steps
                .deliver_signals(placement.job.id.0, &placement.job.signals);
        }
        let held: Vec<_> = placements
            .iter()
            .map(|p| (p.run_key(), p.this_node().gpus.clone()))
            .collect();
        self.runs.apply_assignments(placements, Instant::now());
        self.last_assigned = held;
        self.update_holdings();
    }

    fn update_holdings(&mut self) {
        let runs = &self.runs;
        self.holdings
            .update(&self.last_assigned, |key| runs.is_running(key));
    }

    async fn report_ends(&mut self, node: NodeId) {
        let ended = self.runs.tick(Instant::now());
        self.update_holdings();
        for (key, status) in ended {
            let request = job_end_report(node, JobId(key.job), &status);
            let result = self
                .connector
                .call(|channel| {
                    let request = request.clone();
                    async move { AgentClient::new(channel).report_job_ended(request).await }
                })
                .await;
            match result {
                Ok(_) => self.runs.acknowledged(key),
                // The scheduler refuses it for good (the job is gone or runs elsewhere).
                Err(CallError::Refused(status))
                    if matches!(status.code(), Code::NotFound | Code::InvalidArgument) =>
                {
                    eprintln!(
                        "corral-agent: job {}: end not recorded: {}",
                        key.job,
                        status.message()
                    );
                    self.runs.acknowledged(key);
                }
                Err(e) => {
                    eprintln!("corral-agent: job {}: end not reported yet: {e}", key.job);
                    return;
                }
            }
        }
    }

    /// `Some` when the session must end (the node is DOWN or unknown).
    async fn heartbeat(&mut self, node: NodeId) -> Option<SessionEnd> {
        let request = HeartbeatRequest {
            node_id: u64::from(node.0),
        };
        let result = self
            .connector
            .call(|channel| async move { AgentClient::new(channel).heartbeat(request).await })
            .await;
        match result {
            Ok(reply) if reply.get_ref().node_state == "DOWN" => Some(SessionEnd::Reregister(
                "the scheduler holds this node DOWN".into(),
            )),
            Ok(_) => None,
            Err(CallError::Refused(status)) if status.code() == Code::NotFound => {
                Some(SessionEnd::Reregister(status.message().to_string()))
            }
            Err(e) => {
                eprintln!("corral-agent: heartbeat failed: {e}");
                None
            }
        }
    }

    async fn report_health(&mut self, node: NodeId) {
        self.pending_health.extend(self.probe.poll_health());
        while let Some(change) = self.pending_health.first().cloned() {
            let (healthy, reason) = match &change.health {
                GpuHealth::Healthy => (true, String::new()),
                GpuHealth::Unhealthy(reason) => (false, reason.clone()),
            };
            if !healthy {
                eprintln!(
                    "corral-agent: GPU {} is unhealthy: {reason}; asking the scheduler to drain it",
                    change.index
                );
            }
            let request = ReportGpuHealthRequest {
                node_id: u64::from(node.0),
                index: change.index,
                healthy,
                reason,
            };
            let result = self
                .connector
                .call(|channel| {
                    let request = request.clone();
                    async move { AgentClient::new(channel).report_gpu_health(request).await }
                })
                .await;
            match result {
                Ok(_) | Err(CallError::Refused(_)) => {
                    self.pending_health.remove(0);
                }
                Err(e) => {
                    eprintln!(
                        "corral-agent: GPU {} health not reported yet: {e}",
                        change.index
                    );
                    return;
                }
            }
        }
    }
}
