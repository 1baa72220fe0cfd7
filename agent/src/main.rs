//! `corral-agent`: the node agent daemon. Not built yet (issue 6); it says so.

fn main() {
    eprintln!(
        "corral-agent {}: the node agent is not built yet (issue 6).",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
