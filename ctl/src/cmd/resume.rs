//! `corral resume NODE`: a drained node takes jobs again. (A DOWN node comes back by itself when
//! its agent registers again; the scheduler refuses to resume it.)

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::user;
use corral_proto::v1::ResumeRequest;
use std::process::ExitCode;

/// Return a drained node to service
#[derive(clap::Args)]
pub struct ResumeArgs {
    /// The node's name
    node: String,
    #[command(flatten)]
    cluster: ClusterArgs,
}

pub fn run(args: ResumeArgs) -> ExitCode {
    finish("resume", resume(&args))
}

fn resume(args: &ResumeArgs) -> Result<(), Failure> {
    let request = ResumeRequest {
        user: user::current(),
        node: args.node.clone(),
    };
    let reply = Client::new(&args.cluster)?.call(|mut c| {
        let request = request.clone();
        async move { c.resume(request).await }
    })?;
    if reply.changed {
        println!("Node {} resumed", args.node);
    } else {
        println!("Node {} was already up", args.node);
    }
    Ok(())
}
