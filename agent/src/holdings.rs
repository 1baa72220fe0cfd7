//! `Holdings`: the runs that hold GPUs on this node as the agent sees them — from the assignment
//! that gives them the GPUs until they are neither assigned nor running here — written to the
//! `LaunchLog`. Ends are recorded before starts, so a GPU passed from one job to the next in one
//! update never shows two holders.

use crate::launch_log::{now_ms, LaunchEvent, LaunchLog};
use crate::placement::RunKey;
use std::collections::{BTreeMap, BTreeSet};

pub struct Holdings {
    log: LaunchLog,
    node: String,
    held: BTreeMap<RunKey, Vec<u32>>,
}

impl Holdings {
    /// Records that the agent started: what an earlier agent process held ended with it.
    pub fn start(log: LaunchLog, node: String) -> Holdings {
        log.record(&LaunchEvent::AgentStart {
            node: node.clone(),
            at_ms: now_ms(),
        });
        Holdings {
            log,
            node,
            held: BTreeMap::new(),
        }
    }

    /// `assigned`: every run assigned here with its GPUs on this node; `running`: whether a
    /// process of the run still runs here.
    pub fn update(&mut self, assigned: &[(RunKey, Vec<u32>)], running: impl Fn(RunKey) -> bool) {
        let keys: BTreeSet<RunKey> = assigned.iter().map(|(k, _)| *k).collect();
        let ended: Vec<RunKey> = self
            .held
            .keys()
            .copied()
            .filter(|k| !keys.contains(k) && !running(*k))
            .collect();
        for key in ended {
            self.held.remove(&key);
            self.log.record(&LaunchEvent::End {
                job: key.job,
                run: key.run,
                node: self.node.clone(),
                at_ms: now_ms(),
            });
        }
        for (key, gpus) in assigned {
            if !self.held.contains_key(key) {
                self.log.record(&LaunchEvent::Start {
                    job: key.job,
                    run: key.run,
                    node: self.node.clone(),
                    gpus: gpus.clone(),
                    at_ms: now_ms(),
                });
                self.held.insert(*key, gpus.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_holds_until_unassigned_and_ended_and_handovers_end_first() {
        let dir = std::env::temp_dir().join(format!("corral-holdings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = LaunchLog::new(&dir);
        let _ = std::fs::remove_file(log.path());
        let mut holdings = Holdings::start(log.clone(), "n1".into());
        let a = RunKey { job: 1, run: 0 };
        let b = RunKey { job: 2, run: 0 };
        holdings.update(&[(a, vec![0, 1])], |_| true);
        holdings.update(&[], |_| true); // unassigned but its process still runs
        holdings.update(&[(b, vec![0, 1])], |k| k == b);
        let text = std::fs::read_to_string(log.path()).unwrap();
        let events: Vec<&str> = text.lines().map(|l| l.split(',').next().unwrap()).collect();
        assert_eq!(
            events,
            [
                "{\"event\":\"agent_start\"",
                "{\"event\":\"start\"",
                "{\"event\":\"end\"",
                "{\"event\":\"start\""
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
