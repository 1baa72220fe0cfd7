//! `LaunchLog`: the agent's own append-only record of which runs held GPUs here, from when the
//! scheduler assigned them to when they were no longer assigned and no process of theirs ran
//! (`DATA/launches.jsonl`, one JSON object per line; `Holdings` decides the moments). It is evidence independent of the
//! scheduler's view: the fault test reads every agent's log to check that no GPU was ever held by
//! two runs at once.

use serde::{Deserialize, Serialize};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LaunchEvent {
    /// A run started holding these GPUs on this node.
    Start {
        job: u64,
        run: u32,
        node: String,
        gpus: Vec<u32>,
        at_ms: u64,
    },
    /// Its processes were seen to have ended (or it was found lost).
    End {
        job: u64,
        run: u32,
        node: String,
        at_ms: u64,
    },
    /// The agent (re)started: whatever it had started before died with it or is re-adopted.
    AgentStart { node: String, at_ms: u64 },
}

#[derive(Clone, Debug)]
pub struct LaunchLog {
    path: PathBuf,
}

impl LaunchLog {
    pub fn new(data_dir: &Path) -> LaunchLog {
        LaunchLog {
            path: data_dir.join("launches.jsonl"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event; a failure is logged, never fatal (the log is evidence, not state).
    pub fn record(&self, event: &LaunchEvent) {
        let written = serde_json::to_string(event)
            .map_err(std::io::Error::other)
            .and_then(|line| {
                let mut file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?;
                file.write_all(format!("{line}\n").as_bytes())?;
                file.sync_data()
            });
        if let Err(e) = written {
            eprintln!(
                "corral-agent: cannot append to {}: {e}",
                self.path.display()
            );
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_appended_as_json_lines() {
        let dir = std::env::temp_dir().join(format!("corral-launch-log-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = LaunchLog::new(&dir);
        let _ = std::fs::remove_file(log.path());
        log.record(&LaunchEvent::Start {
            job: 4,
            run: 0,
            node: "n".into(),
            gpus: vec![1, 2],
            at_ms: 10,
        });
        log.record(&LaunchEvent::End {
            job: 4,
            run: 0,
            node: "n".into(),
            at_ms: 20,
        });
        let text = std::fs::read_to_string(log.path()).unwrap();
        let events: Vec<LaunchEvent> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(events.len(), 2);
        assert!(text.starts_with("{\"event\":\"start\",\"job\":4"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
