//! The admin policy in force on the cluster, parsed: what `PolicyGet` sends when it is a
//! cluster-applied or configured file, else the built-in defaults. Used where the CLI needs the
//! policy's own facts (the default partition's name, partitions' nodes and time limits).

use crate::client::Client;
use crate::exit::Failure;
use corral_policies::config::parse_policy;
use corral_policies::Policy;

pub fn policy(client: &mut Client) -> Result<Policy, Failure> {
    let Some(reply) = client.policy()? else {
        return Ok(Policy::default());
    };
    if reply.text.trim().is_empty() || reply.source == "defaults" {
        return Ok(Policy::default());
    }
    let name = format!("the cluster's policy (version {})", reply.version);
    parse_policy(&name, &reply.text).map_err(|errors| {
        let first = errors
            .iter()
            .next()
            .map_or_else(String::new, |e| format!(": {e}"));
        Failure::refused(format!(
            "{name} does not parse with this corral ({} error(s){first}); is it older than the \
             scheduler?",
            errors.len()
        ))
    })
}
