//! `SimJob`: one job as the engine replays it, and how it becomes a `Submit` (user, account and a
//! `JobSpec` whose GPU request follows the caller's `GpuMapping`).

use crate::trace::TraceJob;
use corral_model::spec::{GpuCount, NodeRange, TimeLimit};
use corral_model::{JobSpec, Submit};
use corral_policies::config::Policy;
use serde::Serialize;

/// A job to replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimJob {
    /// The trace's id, kept for reports.
    pub trace_id: u64,
    pub submit_secs: u64,
    /// How long the job runs once started (it ends TIMEOUT at its limit if that is shorter).
    pub run_secs: u64,
    /// Time limit asked for; `None`: see `SimOptions::missing_time_limit`.
    pub requested_secs: Option<u64>,
    pub gpus: u32,
    pub gpus_per_node: Option<u32>,
    pub nodes: Option<u32>,
    pub user: Option<String>,
    pub account: Option<String>,
    pub gpu_model: Option<String>,
    pub partition: Option<String>,
    pub qos: Option<String>,
    /// Cancelled by its user at this time (absolute seconds), if still pending or running.
    pub cancel_secs: Option<u64>,
}

impl From<&TraceJob> for SimJob {
    fn from(job: &TraceJob) -> SimJob {
        SimJob {
            trace_id: job.id,
            submit_secs: job.submit_secs,
            run_secs: job.run_secs,
            requested_secs: job.requested_secs,
            gpus: job.gpus,
            gpus_per_node: job.gpus_per_node,
            nodes: job.nodes,
            user: job.user.clone(),
            account: job.account.clone(),
            gpu_model: job.gpu_model.clone(),
            partition: job.partition.clone(),
            qos: job.qos.clone(),
            cancel_secs: None,
        }
    }
}

/// How a trace job's GPU (or SWF processor) count becomes a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GpuMapping {
    /// `-G gpus -n gpus`: one task per GPU, spread over as few nodes as placement finds (for SWF:
    /// one GPU slot per processor).
    Spread,
    /// `-N nodes --gpus-per-node g` when the trace gives both; otherwise `Spread`.
    #[default]
    TraceShape,
}

/// What a job without a requested time runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingTimeLimit {
    /// Its own run time: a perfect estimate (what RLScheduler does for SWF's -1).
    #[default]
    RunTime,
    /// No `--time`: the partition's default applies (it may end the job TIMEOUT).
    PartitionDefault,
    /// `--time=UNLIMITED`: the partition's maximum applies.
    Unlimited,
}

/// Which optional trace fields reach the job spec. Off by default: trace partitions (SWF queue
/// numbers) and models rarely exist in the simulated cluster's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TraceFields {
    pub partition: bool,
    pub qos: bool,
    pub gpu_model: bool,
}

pub(crate) const UNKNOWN_USER: &str = "unknown";

impl SimJob {
    /// The submit command for this job.
    pub(crate) fn to_submit(
        &self,
        policy: &Policy,
        mapping: GpuMapping,
        missing: MissingTimeLimit,
        fields: TraceFields,
    ) -> Submit {
        let user = self
            .user
            .clone()
            .unwrap_or_else(|| UNKNOWN_USER.to_string());
        let account = self.account.clone().unwrap_or_else(|| {
            policy
                .account_of_user(&user)
                .unwrap_or(&policy.user_defaults.account)
                .to_string()
        });
        let mut spec = JobSpec {
            name: Some(format!("trace-{}", self.trace_id)),
            account: Some(account.clone()),
            time_limit: self.time_limit(missing),
            ..JobSpec::default()
        };
        if fields.partition {
            spec.partition = self.partition.clone();
        }
        if fields.qos {
            spec.qos = self.qos.clone();
        }
        let model = fields.gpu_model.then(|| self.gpu_model.clone()).flatten();
        self.set_gpus(&mut spec, mapping, model);
        Submit {
            user,
            account,
            spec,
            client_request_id: None,
        }
    }

    fn time_limit(&self, missing: MissingTimeLimit) -> TimeLimit {
        match (self.requested_secs, missing) {
            (Some(secs), _) if secs > 0 => TimeLimit::Secs(secs),
            (_, MissingTimeLimit::RunTime) => TimeLimit::Secs(self.run_secs.max(1)),
            (_, MissingTimeLimit::PartitionDefault) => TimeLimit::NotSet,
            (_, MissingTimeLimit::Unlimited) => TimeLimit::Unlimited,
        }
    }

    fn set_gpus(&self, spec: &mut JobSpec, mapping: GpuMapping, model: Option<String>) {
        if self.gpus == 0 {
            return;
        }
        let count = |count| {
            Some(GpuCount {
                model: model.clone(),
                count,
            })
        };
        let shaped = match (mapping, self.nodes, self.gpus_per_node) {
            (GpuMapping::TraceShape, Some(n), Some(g)) if n > 0 && g > 0 => Some((n, g)),
            _ => None,
        };
        match shaped {
            Some((nodes, per_node)) => {
                spec.nodes = Some(NodeRange {
                    min: nodes,
                    max: nodes,
                });
                spec.ntasks_per_node = Some(1);
                spec.gpus_per_node = count(per_node);
            }
            None => {
                spec.ntasks = Some(self.gpus);
                spec.gpus_per_job = count(self.gpus);
            }
        }
    }
}
