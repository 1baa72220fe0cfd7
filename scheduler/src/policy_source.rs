//! Which admin policy the leader loop schedules with: the one set through the cluster
//! (`Command::SetPolicy`, stored in the state) if any, else the configured file's, else the
//! built-in defaults. The cluster's policy is parsed once per version.

use corral_model::ClusterState;
use corral_policies::config::{parse_policy, Policy};
use std::sync::Arc;

pub struct PolicySource {
    configured: Arc<Policy>,
    /// The cluster's policy as last parsed, with its version.
    from_cluster: Option<(u64, Arc<Policy>)>,
}

impl PolicySource {
    pub fn new(configured: Policy) -> PolicySource {
        PolicySource {
            configured: Arc::new(configured),
            from_cluster: None,
        }
    }

    /// The policy in force for `cluster`.
    pub fn current(&mut self, cluster: &ClusterState) -> Arc<Policy> {
        let Some(source) = cluster.policy_source() else {
            return Arc::clone(&self.configured);
        };
        let version = cluster.policy_version();
        if let Some((cached, policy)) = &self.from_cluster {
            if *cached == version {
                return Arc::clone(policy);
            }
        }
        // The leader validated the policy before proposing it; should it not parse here (a
        // newer format), the configured policy stays in force.
        let policy = match parse_policy("cluster policy", source) {
            Ok(policy) => Arc::new(policy),
            Err(errors) => {
                eprintln!("corral-scheduler: cluster policy version {version} does not parse, using the configured one: {errors}");
                Arc::clone(&self.configured)
            }
        };
        self.from_cluster = Some((version, Arc::clone(&policy)));
        policy
    }
}
