//! Conversions between the v1 messages and `corral-model` types. Model types carried as JSON are
//! decoded here, with errors that name the field and what was wrong.

use crate::v1;
use corral_model::job::{ExitStatus, Outcome};
use corral_model::{Job, JobId, JobSpec, Node, NodeId, NodeSpec, Submit};
use serde::de::DeserializeOwned;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConvertError {
    #[error("{field}: not a valid {type_name} as JSON: {reason}")]
    BadJson {
        field: &'static str,
        type_name: &'static str,
        reason: String,
    },
    #[error("{field}: must not be empty")]
    Empty { field: &'static str },
    #[error("{field}: missing")]
    Missing { field: &'static str },
    #[error("{field} = {value:?}: not one of the accepted values (accepted: {accepted})")]
    NotOneOf {
        field: &'static str,
        value: String,
        accepted: String,
    },
    #[error("{field} = {value}: above the largest accepted value {max}")]
    TooLarge {
        field: &'static str,
        value: u64,
        max: u64,
    },
}

/// Outcome names on the wire, as `ReportJobEndedRequest.outcome` carries them.
pub const OUTCOME_NAMES: [(&str, Outcome); 6] = [
    ("success", Outcome::Success),
    ("failure", Outcome::Failure),
    ("out_of_memory", Outcome::OutOfMemory),
    ("timeout", Outcome::Timeout),
    ("killed", Outcome::Killed),
    ("node_fail", Outcome::NodeFail),
];

/// A job end as an agent reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobEndReport {
    pub node: NodeId,
    pub job: JobId,
    pub status: ExitStatus,
}

/// The job end a report describes, or which field is wrong.
pub fn job_end_from_report(
    request: &v1::ReportJobEndedRequest,
) -> Result<JobEndReport, ConvertError> {
    let outcome = outcome_from_name(&request.outcome)?;
    Ok(JobEndReport {
        node: node_id_from_wire("node_id", request.node_id)?,
        job: JobId(request.job_id),
        status: ExitStatus {
            outcome,
            exit_code: request.exit_code,
            signal: request.signal,
        },
    })
}

/// The report an agent sends for `status` (the agent side of `job_end_from_report`).
pub fn job_end_report(node: NodeId, job: JobId, status: &ExitStatus) -> v1::ReportJobEndedRequest {
    v1::ReportJobEndedRequest {
        node_id: u64::from(node.0),
        job_id: job.0,
        outcome: outcome_name(status.outcome).to_string(),
        exit_code: status.exit_code,
        signal: status.signal,
    }
}

/// The wire name of `outcome`.
pub fn outcome_name(outcome: Outcome) -> &'static str {
    OUTCOME_NAMES
        .iter()
        .find(|(_, o)| *o == outcome)
        .map_or("failure", |(name, _)| name)
}

fn outcome_from_name(name: &str) -> Result<Outcome, ConvertError> {
    let wanted = name.trim().to_ascii_lowercase();
    OUTCOME_NAMES
        .iter()
        .find(|(n, _)| *n == wanted)
        .map(|(_, outcome)| *outcome)
        .ok_or_else(|| ConvertError::NotOneOf {
            field: "outcome",
            value: name.to_string(),
            accepted: OUTCOME_NAMES.map(|(n, _)| n).join(", "),
        })
}

/// A node id from a `uint64` wire field (node ids are 32-bit).
pub fn node_id_from_wire(field: &'static str, raw: u64) -> Result<NodeId, ConvertError> {
    u32::try_from(raw)
        .map(NodeId)
        .map_err(|_| ConvertError::TooLarge {
            field,
            value: raw,
            max: u64::from(u32::MAX),
        })
}

/// The `Submit` command a request asks for. The account is the request's, else the spec's,
/// else the user's name; the scheduler's admission replaces it with the account the policy
/// resolves before proposing the submit.
pub fn submit_from_request(request: &v1::SubmitRequest) -> Result<Submit, ConvertError> {
    if request.user.trim().is_empty() {
        return Err(ConvertError::Empty { field: "user" });
    }
    let spec: JobSpec = from_json("spec_json", "JobSpec", &request.spec_json)?;
    let account = non_empty(&request.account)
        .or(spec.account.as_deref())
        .unwrap_or(&request.user)
        .to_string();
    Ok(Submit {
        user: request.user.clone(),
        account,
        spec,
        client_request_id: non_empty(&request.client_request_id).map(str::to_string),
    })
}

/// A submit request for `spec` (the client side of `submit_from_request`).
pub fn submit_request(
    user: &str,
    account: Option<&str>,
    client_request_id: Option<&str>,
    spec: &JobSpec,
) -> v1::SubmitRequest {
    v1::SubmitRequest {
        user: user.to_string(),
        account: account.unwrap_or_default().to_string(),
        client_request_id: client_request_id.unwrap_or_default().to_string(),
        spec_json: to_json(spec),
    }
}

pub fn job_info(job: &Job) -> v1::JobInfo {
    v1::JobInfo {
        id: job.id.0,
        name: job.name().to_string(),
        user: job.user.to_string(),
        account: job.account.to_string(),
        state: job.state.name().to_string(),
        job_json: to_json(job),
    }
}

/// The full job a `JobInfo` carries.
pub fn job_from_info(info: &v1::JobInfo) -> Result<Job, ConvertError> {
    from_json("job_json", "Job", &info.job_json)
}

pub fn node_info(node: &Node) -> v1::NodeInfo {
    v1::NodeInfo {
        id: u64::from(node.id.0),
        name: node.name().to_string(),
        state: node.state.name().to_string(),
        gpus_total: count_u32(node.spec.gpus.len()),
        gpus_free: count_u32(node.free_gpus().count()),
        node_json: to_json(node),
    }
}

/// The full node a `NodeInfo` carries.
pub fn node_from_info(info: &v1::NodeInfo) -> Result<Node, ConvertError> {
    from_json("node_json", "Node", &info.node_json)
}

pub fn register_request(spec: &NodeSpec) -> v1::RegisterRequest {
    v1::RegisterRequest {
        node_spec_json: to_json(spec),
    }
}

pub fn node_spec_from_register(request: &v1::RegisterRequest) -> Result<NodeSpec, ConvertError> {
    from_json("node_spec_json", "NodeSpec", &request.node_spec_json)
}

pub fn job_ids(ids: &[JobId]) -> Vec<u64> {
    ids.iter().map(|id| id.0).collect()
}

fn non_empty(text: &str) -> Option<&str> {
    Some(text).filter(|t| !t.trim().is_empty())
}

fn count_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Model types are plain data (string-keyed maps only), so encoding them cannot fail; should a
/// later type break that, the field is sent empty and the receiver reports it as bad JSON.
fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn from_json<T: DeserializeOwned>(
    field: &'static str,
    type_name: &'static str,
    bytes: &[u8],
) -> Result<T, ConvertError> {
    if bytes.is_empty() {
        return Err(ConvertError::Missing { field });
    }
    serde_json::from_slice(bytes).map_err(|e| ConvertError::BadJson {
        field,
        type_name,
        reason: e.to_string(),
    })
}
