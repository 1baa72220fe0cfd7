//! Errors of starting and stopping a scheduler node.

use crate::config_check::ConfigError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SchedulerError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("policy file {path}: {reason}")]
    Policy { path: String, reason: String },
    #[error("listening on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    #[error(transparent)]
    Raft(#[from] corral_raft::StartError),
    #[error("initializing the cluster: {0}")]
    Initialize(corral_raft::WriteError),
    #[error("stopping: {0}")]
    Stop(String),
}
