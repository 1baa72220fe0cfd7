//! The Client API's admin writes: drain and resume a node (`SetNodeState`), and apply a new
//! admin policy (`SetPolicy`, validated here on the leader first, refused whole with every error).
//! All are leader-only; elsewhere the caller is told where the leader is.

use crate::event_log::event;
use crate::writer::Writer;
use corral_model::{Applied, Command, NodeId, NodeState};
use corral_policies::config::parse_policy;
use tonic::Status;

/// The name a policy is reported under in errors.
const POLICY_NAME: &str = "policy";

/// Drains the node named `node_name`; `false` when it was already drained for `reason`.
pub async fn drain(
    writer: &Writer,
    user: &str,
    node_name: &str,
    reason: &str,
) -> Result<bool, Status> {
    writer.redirect_unless_leader()?;
    require_user(user)?;
    if reason.trim().is_empty() {
        return Err(Status::invalid_argument(
            "reason: must not be empty (say why the node is drained)",
        ));
    }
    let node = node_not_down(writer, node_name, "drain")?;
    let state = NodeState::Drain(reason.to_string());
    let changed = set_node_state(writer, node, state).await?;
    if changed {
        event(
            writer.node().id(),
            format!("node {node_name} drained by {user}: {reason}"),
        );
    }
    Ok(changed)
}

/// Brings the drained node named `node_name` back UP; `false` when it already was.
pub async fn resume(writer: &Writer, user: &str, node_name: &str) -> Result<bool, Status> {
    writer.redirect_unless_leader()?;
    require_user(user)?;
    let node = node_not_down(writer, node_name, "resume")?;
    let changed = set_node_state(writer, node, NodeState::Up).await?;
    if changed {
        event(
            writer.node().id(),
            format!("node {node_name} resumed by {user}"),
        );
    }
    Ok(changed)
}

/// Validates `text` as a policy and makes it the cluster's; answers the policy version now in
/// force. A policy with errors is refused with all of them.
pub async fn policy_apply(writer: &Writer, user: &str, text: &str) -> Result<u64, Status> {
    writer.redirect_unless_leader()?;
    require_user(user)?;
    parse_policy(POLICY_NAME, text).map_err(|errors| {
        Status::invalid_argument(format!("policy refused, nothing changed: {errors}"))
    })?;
    let command = Command::SetPolicy {
        source: text.to_string(),
    };
    writer.write(command).await?;
    let version = writer.node().read_state(|cluster| cluster.policy_version());
    event(
        writer.node().id(),
        format!("policy version {version} applied by {user}"),
    );
    Ok(version)
}

pub(crate) fn require_user(user: &str) -> Result<(), Status> {
    if user.trim().is_empty() {
        return Err(Status::invalid_argument("user: must not be empty"));
    }
    Ok(())
}

/// The id of the node named `name`, unless it is DOWN (it comes back by registering again).
fn node_not_down(writer: &Writer, name: &str, action: &str) -> Result<NodeId, Status> {
    let found = writer.node().read_state(|cluster| {
        let names: Vec<String> = cluster.nodes().map(|n| n.name().to_string()).collect();
        let node = cluster.nodes().find(|n| n.name() == name);
        (node.map(|n| (n.id, n.state.clone())), names)
    });
    match found {
        (Some((_, NodeState::Down(why))), _) => Err(Status::failed_precondition(format!(
            "node {name}: cannot {action} a DOWN node ({why}); it comes back UP when its agent registers again"
        ))),
        (Some((id, _)), _) => Ok(id),
        (None, names) => Err(Status::not_found(format!(
            "node {name:?}: no such node (known: {})",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ))),
    }
}

async fn set_node_state(writer: &Writer, node: NodeId, state: NodeState) -> Result<bool, Status> {
    let applied = writer.write(Command::SetNodeState { node, state }).await?;
    Ok(!matches!(applied, Applied::NoChange))
}
