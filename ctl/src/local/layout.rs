//! `./.corral/`: `scheduler-N/` and `agent-N/` (each daemon's data), `scheduler-N.toml` (the
//! config of a multi-scheduler cluster), `logs/NAME.log`, `pids/NAME.pid`, `schedulers` (the
//! scheduler addresses, one a line, which every `corral` command run here reads) and `settings`
//! (the agent count and fake GPUs of the last `up`, its defaults next time).

use crate::exit::Failure;
use std::path::{Path, PathBuf};

pub const DIR: &str = ".corral";

/// A daemon of the local cluster, by kind and number (from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Daemon {
    Scheduler(u32),
    Agent(u32),
}

impl Daemon {
    /// `scheduler-1`, `agent-2`: the name of its data directory, log and pid file.
    pub fn name(self) -> String {
        match self {
            Daemon::Scheduler(n) => format!("scheduler-{n}"),
            Daemon::Agent(n) => format!("agent-{n}"),
        }
    }

    /// The binary it runs.
    pub fn binary(self) -> &'static str {
        match self {
            Daemon::Scheduler(_) => "corral-scheduler",
            Daemon::Agent(_) => "corral-agent",
        }
    }

    /// Reads `scheduler-1` / `agent-2` back.
    pub fn parse(name: &str) -> Option<Daemon> {
        let (kind, n) = name.rsplit_once('-')?;
        let n: u32 = n.parse().ok().filter(|n| *n >= 1)?;
        match kind {
            "scheduler" => Some(Daemon::Scheduler(n)),
            "agent" => Some(Daemon::Agent(n)),
            _ => None,
        }
    }
}

/// The node name of agent `n`.
pub fn node_name(n: u32) -> String {
    format!("node-{n}")
}

/// What `up` remembers for next time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub agents: Option<u32>,
    pub fake_gpus: Option<String>,
}

pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// `./.corral` in the current directory, as an absolute path.
    pub fn here() -> Result<Layout, Failure> {
        let cwd = std::env::current_dir()
            .map_err(|e| Failure::refused(format!("cannot read the current directory: {e}")))?;
        Ok(Layout {
            root: cwd.join(DIR),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn data_dir(&self, daemon: Daemon) -> PathBuf {
        self.root.join(daemon.name())
    }

    pub fn config_file(&self, daemon: Daemon) -> PathBuf {
        self.root.join(format!("{}.toml", daemon.name()))
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    pub fn log_file(&self, daemon: Daemon) -> PathBuf {
        self.logs_dir().join(format!("{}.log", daemon.name()))
    }

    pub fn pids_dir(&self) -> PathBuf {
        self.root.join("pids")
    }

    pub fn pid_file(&self, daemon: Daemon) -> PathBuf {
        self.pids_dir().join(format!("{}.pid", daemon.name()))
    }

    pub fn schedulers_file(&self) -> PathBuf {
        self.root.join("schedulers")
    }

    /// Creates the directories `up` writes into.
    pub fn create(&self) -> Result<(), Failure> {
        for dir in [self.root.clone(), self.logs_dir(), self.pids_dir()] {
            std::fs::create_dir_all(&dir)
                .map_err(|e| Failure::refused(format!("cannot create {}: {e}", dir.display())))?;
        }
        Ok(())
    }

    /// The scheduler addresses a previous `up` wrote, if any.
    pub fn saved_addresses(&self) -> Vec<String> {
        std::fs::read_to_string(self.schedulers_file())
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    }

    pub fn settings_file(&self) -> PathBuf {
        self.root.join("settings")
    }

    /// The agent count and fake GPU spec the last `up` used here.
    pub fn saved_settings(&self) -> Settings {
        let text = std::fs::read_to_string(self.settings_file()).unwrap_or_default();
        let mut settings = Settings::default();
        for line in text.lines() {
            match line.split_once('=') {
                Some(("agents", n)) => settings.agents = n.trim().parse().ok(),
                Some(("fake_gpus", spec)) => settings.fake_gpus = Some(spec.trim().to_string()),
                _ => {}
            }
        }
        settings
    }

    pub fn save_settings(&self, agents: u32, fake_gpus: &str) -> Result<(), Failure> {
        write(
            &self.settings_file(),
            &format!("agents={agents}\nfake_gpus={fake_gpus}\n"),
        )
    }

    /// The daemons with a pid file, and the pid in it (agents first, then schedulers).
    pub fn pid_files(&self) -> Vec<(Daemon, u32)> {
        let Ok(entries) = std::fs::read_dir(self.pids_dir()) else {
            return Vec::new();
        };
        let mut found: Vec<(Daemon, u32)> = entries
            .flatten()
            .filter_map(|entry| {
                let file = entry.file_name().into_string().ok()?;
                let daemon = Daemon::parse(file.strip_suffix(".pid")?)?;
                let pid = std::fs::read_to_string(entry.path())
                    .ok()?
                    .trim()
                    .parse()
                    .ok()?;
                Some((daemon, pid))
            })
            .collect();
        found.sort_by_key(|(d, _)| match d {
            Daemon::Agent(n) => (0, *n),
            Daemon::Scheduler(n) => (1, *n),
        });
        found
    }
}

/// Writes `text` to `path`, naming the file on failure.
pub fn write(path: &Path, text: &str) -> Result<(), Failure> {
    std::fs::write(path, text)
        .map_err(|e| Failure::refused(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daemon_names_read_back() {
        for d in [Daemon::Scheduler(1), Daemon::Agent(12)] {
            assert_eq!(Daemon::parse(&d.name()), Some(d));
        }
        assert_eq!(Daemon::parse("agent-0"), None);
        assert_eq!(Daemon::parse("other-1"), None);
    }
}
