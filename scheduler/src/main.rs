//! `corral-scheduler`: the replicated scheduler daemon. Not built yet (issue 5); it says so.

fn main() {
    eprintln!(
        "corral-scheduler {}: the replicated scheduler daemon is not built yet (issue 5). \
         Scheduling policies can already be tried offline with `corral sim run`.",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
