//! The fake GPU probe: GPUs described by a short spec (`8xH100-80GB`, `4xA100-40GB,4xL4-24GB`)
//! or a TOML file with NVLink islands and scripted faults, so discovery, health reporting and
//! draining run on machines without GPUs.

use super::{GpuProbe, HealthChange, ProbeError};
use corral_model::{GpuHealth, GpuSpec};
use serde::Deserialize;
use std::path::Path;
use std::time::{Duration, Instant};
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum FakeSpecError {
    #[error("--fake-gpus {spec:?}: group {group:?} is not COUNTxMODEL[-MEMGB] (e.g. 8xH100-80GB, 4xA100-40GB,4xL4-24GB)")]
    BadGroup { spec: String, group: String },
    #[error("--fake-gpus {spec:?}: {what}")]
    Bad { spec: String, what: String },
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
}

/// A scripted fault: GPU `gpu` turns unhealthy `after_ms` after the probe opens.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ScriptedFault {
    pub gpu: u32,
    pub after_ms: u64,
    pub reason: String,
}

/// The fake spec file: `[[group]]` tables (count, model, mem_gib, optional `nvlink_island_size`)
/// and `[[fault]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FakeFile {
    #[serde(default)]
    group: Vec<FakeGroup>,
    #[serde(default)]
    fault: Vec<ScriptedFault>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FakeGroup {
    count: u32,
    model: String,
    mem_gib: u64,
    /// GPUs per NVLink island within the group (default: the whole group).
    nvlink_island_size: Option<u32>,
}

pub struct FakeGpus {
    label: String,
    gpus: Vec<GpuSpec>,
    faults: Vec<ScriptedFault>,
    opened: Instant,
}

impl FakeGpus {
    /// No GPUs at all (a CPU node, or a host without the NVIDIA library).
    pub fn none() -> FakeGpus {
        FakeGpus::build("none".to_string(), Vec::new(), Vec::new(), "")
    }

    /// From `COUNTxMODEL[-MEMGB]` groups separated by commas; each group is one NVLink island.
    /// `host` makes the UUIDs unique per node.
    pub fn from_spec(spec: &str, host: &str) -> Result<FakeGpus, FakeSpecError> {
        let mut groups = Vec::new();
        for group in spec.split(',').map(str::trim) {
            groups.push(parse_group(spec, group)?);
        }
        Ok(FakeGpus::build(spec.to_string(), groups, Vec::new(), host))
    }

    /// From a TOML file (see `FakeFile`), e.g.
    /// `[[group]] count = 8  model = "H100"  mem_gib = 80` and
    /// `[[fault]] gpu = 3  after_ms = 500  reason = "Xid 79: GPU has fallen off the bus"`.
    pub fn from_file(path: &Path, host: &str) -> Result<FakeGpus, FakeSpecError> {
        let file_error = |reason: String| FakeSpecError::File {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
        let file: FakeFile = toml::from_str(&text).map_err(|e| file_error(e.to_string()))?;
        let groups: Vec<FakeGroup> = file.group;
        let total: u32 = groups.iter().map(|g| g.count).sum();
        if let Some(fault) = file.fault.iter().find(|f| f.gpu >= total) {
            return Err(file_error(format!(
                "fault on gpu {}: there are only {total} GPUs (indices 0..{})",
                fault.gpu,
                total.saturating_sub(1)
            )));
        }
        let label = path.display().to_string();
        Ok(FakeGpus::build(label, groups, file.fault, host))
    }

    fn build(
        label: String,
        groups: Vec<FakeGroup>,
        faults: Vec<ScriptedFault>,
        host: &str,
    ) -> FakeGpus {
        let mut gpus = Vec::new();
        for group in groups {
            let island = group.nvlink_island_size.unwrap_or(group.count).max(1);
            let first = gpus.len() as u32;
            for offset in 0..group.count {
                let island_start = first + offset / island * island;
                let island_end = (island_start + island).min(first + group.count);
                let index = first + offset;
                gpus.push(GpuSpec {
                    index,
                    uuid: format!("GPU-fake-{host}-{index}"),
                    model: group.model.clone(),
                    mem_mib: group.mem_gib * 1024,
                    nvlink_peers: (island_start..island_end).filter(|&p| p != index).collect(),
                    health: GpuHealth::Healthy,
                });
            }
        }
        FakeGpus {
            label,
            gpus,
            faults,
            opened: Instant::now(),
        }
    }
}

fn parse_group(spec: &str, group: &str) -> Result<FakeGroup, FakeSpecError> {
    let bad = || FakeSpecError::BadGroup {
        spec: spec.to_string(),
        group: group.to_string(),
    };
    let (count, rest) = group.split_once(['x', 'X']).ok_or_else(bad)?;
    let count: u32 = count.trim().parse().map_err(|_| bad())?;
    if count == 0 || count > 64 {
        return Err(FakeSpecError::Bad {
            spec: spec.to_string(),
            what: format!("{count} GPUs in group {group:?} (accepted: 1 to 64 per group)"),
        });
    }
    let (model, mem_gib) = match rest.rsplit_once('-') {
        Some((model, mem)) if mem.to_ascii_uppercase().ends_with("GB") => {
            let digits = &mem[..mem.len() - 2];
            (model, digits.parse::<u64>().map_err(|_| bad())?)
        }
        _ => (rest, 80),
    };
    if model.is_empty() || model.contains(char::is_whitespace) {
        return Err(bad());
    }
    Ok(FakeGroup {
        count,
        model: model.to_string(),
        mem_gib,
        nvlink_island_size: None,
    })
}

impl GpuProbe for FakeGpus {
    fn discover(&mut self) -> Result<Vec<GpuSpec>, ProbeError> {
        Ok(self.gpus.clone())
    }

    fn poll_health(&mut self) -> Vec<HealthChange> {
        let elapsed = self.opened.elapsed();
        let (due, later): (Vec<_>, Vec<_>) = self
            .faults
            .drain(..)
            .partition(|f| elapsed >= Duration::from_millis(f.after_ms));
        self.faults = later;
        let mut changes = Vec::new();
        for fault in due {
            let health = GpuHealth::Unhealthy(fault.reason);
            if let Some(gpu) = self.gpus.iter_mut().find(|g| g.index == fault.gpu) {
                gpu.health = health.clone();
            }
            changes.push(HealthChange {
                index: fault.gpu,
                health,
            });
        }
        changes
    }

    fn describe(&self) -> String {
        format!("fake ({}): {} GPUs", self.label, self.gpus.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_makes_one_nvlink_island_per_group() {
        let mut fake = FakeGpus::from_spec("4xA100-40GB,2xL4-24GB", "n1").unwrap();
        let gpus = fake.discover().unwrap();
        assert_eq!(gpus.len(), 6);
        assert_eq!(gpus[0].model, "A100");
        assert_eq!(gpus[0].mem_mib, 40 * 1024);
        assert_eq!(gpus[0].nvlink_peers, vec![1, 2, 3]);
        assert_eq!(gpus[5].model, "L4");
        assert_eq!(gpus[5].nvlink_peers, vec![4]);
        assert_eq!(gpus[5].uuid, "GPU-fake-n1-5");
    }

    #[test]
    fn memory_defaults_to_80_gib() {
        let mut fake = FakeGpus::from_spec("8xH100", "n1").unwrap();
        assert_eq!(fake.discover().unwrap()[7].mem_mib, 80 * 1024);
    }

    #[test]
    fn bad_specs_say_what_is_accepted() {
        for spec in ["", "8", "xH100", "-1xH100", "8xH100-eightyGB", "8x"] {
            let error = FakeGpus::from_spec(spec, "n1")
                .err()
                .expect(spec)
                .to_string();
            assert!(error.contains("COUNTxMODEL"), "{spec}: {error}");
        }
        let error = FakeGpus::from_spec("0xH100", "n1")
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("accepted: 1 to 64"), "{error}");
    }

    #[test]
    fn a_scripted_fault_turns_its_gpu_unhealthy_once() {
        let dir = std::env::temp_dir().join(format!("corral-fake-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("gpus.toml");
        std::fs::write(
            &path,
            "[[group]]\ncount = 8\nmodel = \"H100\"\nmem_gib = 80\nnvlink_island_size = 4\n\
             [[fault]]\ngpu = 3\nafter_ms = 0\nreason = \"Xid 79\"\n",
        )
        .unwrap();
        let mut fake = FakeGpus::from_file(&path, "n1").unwrap();
        assert_eq!(fake.discover().unwrap()[4].nvlink_peers, vec![5, 6, 7]);
        let changes = fake.poll_health();
        assert_eq!(
            changes,
            vec![HealthChange {
                index: 3,
                health: GpuHealth::Unhealthy("Xid 79".into())
            }]
        );
        assert!(fake.poll_health().is_empty());
        assert_eq!(
            fake.discover().unwrap()[3].health,
            GpuHealth::Unhealthy("Xid 79".into())
        );
    }

    #[test]
    fn a_fault_on_a_missing_gpu_is_refused() {
        let dir = std::env::temp_dir().join(format!("corral-fake-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("gpus.toml");
        std::fs::write(
            &path,
            "[[group]]\ncount = 2\nmodel = \"L4\"\nmem_gib = 24\n[[fault]]\ngpu = 2\nafter_ms = 0\nreason = \"x\"\n",
        )
        .unwrap();
        let error = FakeGpus::from_file(&path, "n1").err().unwrap().to_string();
        assert!(error.contains("only 2 GPUs"), "{error}");
    }
}
