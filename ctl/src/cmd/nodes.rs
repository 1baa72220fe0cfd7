//! `corral nodes`: every node with its state, free/total GPUs per model, CPUs, memory and why it
//! is drained or down (sinfo -N). `--json` prints `{"nodes": [NodeView...]}` (`ctl/JSON.md`).

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::table::columns;
use crate::view::node::NodeView;
use crate::view::{self, print_json};
use serde::Serialize;
use std::process::ExitCode;

/// List nodes and their GPUs
#[derive(clap::Args)]
pub struct NodesArgs {
    /// Only nodes in this state (UP, DRAIN or DOWN)
    #[arg(long, short = 't')]
    state: Option<String>,
    /// Print the nodes as JSON (see ctl/JSON.md)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

#[derive(Serialize)]
struct NodesJson {
    nodes: Vec<NodeView>,
}

pub fn run(args: NodesArgs) -> ExitCode {
    finish("nodes", nodes(&args))
}

fn nodes(args: &NodesArgs) -> Result<(), Failure> {
    let state = match &args.state {
        Some(s) => Some(node_state(s)?),
        None => None,
    };
    let mut client = Client::new(&args.cluster)?;
    let mut views: Vec<NodeView> = view::nodes(&client.list_nodes()?)?
        .iter()
        .map(NodeView::new)
        .filter(|v| state.is_none_or(|s| v.state == s))
        .collect();
    views.sort_by(|a, b| a.name.cmp(&b.name));
    if args.json {
        return print_json(&NodesJson { nodes: views });
    }
    print!("{}", table(&views));
    Ok(())
}

fn node_state(text: &str) -> Result<&'static str, Failure> {
    ["UP", "DRAIN", "DOWN"]
        .into_iter()
        .find(|s| s.eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| Failure::usage(format!("--state {text:?}: not UP, DRAIN or DOWN")))
}

fn table(views: &[NodeView]) -> String {
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            vec![
                v.name.clone(),
                v.state.to_string(),
                v.gpus_text(),
                format!("{}/{}", v.cpus_free, v.cpus_total),
                memory(v.mem_mib_free, v.mem_mib_total),
                v.reason.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let headers = [
        "NODE",
        "STATE",
        "GPUS(FREE/TOTAL)",
        "CPUS(F/T)",
        "MEM(F/T)",
        "REASON",
    ];
    columns(&headers, &rows, &[5, 2, 0])
}

/// Free and total memory in whole GiB (`61/125 GiB`), or MiB on a node with less than 1 GiB.
fn memory(free_mib: u64, total_mib: u64) -> String {
    if total_mib >= 1024 {
        format!("{}/{} GiB", free_mib / 1024, total_mib / 1024)
    } else {
        format!("{free_mib}/{total_mib} MiB")
    }
}
