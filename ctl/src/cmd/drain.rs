//! `corral drain NODE --reason TEXT`: the node keeps running what it runs and takes nothing new
//! until `corral resume NODE`. The reason is shown by `corral nodes`.

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::user;
use corral_proto::v1::DrainRequest;
use std::process::ExitCode;

/// Drain a node: it finishes its jobs and takes no new ones
#[derive(clap::Args)]
pub struct DrainArgs {
    /// The node's name
    node: String,
    /// Why (shown with the node's state)
    #[arg(long, short = 'r')]
    reason: String,
    #[command(flatten)]
    cluster: ClusterArgs,
}

pub fn run(args: DrainArgs) -> ExitCode {
    finish("drain", drain(&args))
}

fn drain(args: &DrainArgs) -> Result<(), Failure> {
    if args.reason.trim().is_empty() {
        return Err(Failure::usage("--reason must say why the node is drained"));
    }
    let request = DrainRequest {
        user: user::current(),
        node: args.node.clone(),
        reason: args.reason.clone(),
    };
    let reply = Client::new(&args.cluster)?.call(|mut c| {
        let request = request.clone();
        async move { c.drain(request).await }
    })?;
    if reply.changed {
        println!("Node {} drained: {}", args.node, args.reason);
    } else {
        println!("Node {} was already drained: {}", args.node, args.reason);
    }
    Ok(())
}
