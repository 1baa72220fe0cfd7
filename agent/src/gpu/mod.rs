//! GPU discovery and health. `GpuProbe` is what the agent asks; `fake` answers from a spec (so
//! every path runs on machines without GPUs) and `nvml` from the NVIDIA driver. `open_probe`
//! picks one and says in one log line what it found.

pub mod fake;
pub mod nvml;

use corral_model::{GpuHealth, GpuSpec};
use thiserror::Error;

/// A change of one GPU's health, as a probe saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthChange {
    pub index: u32,
    pub health: GpuHealth,
}

pub trait GpuProbe: Send {
    /// The host's GPUs: index, UUID, model, memory, NVLink peers and current health.
    fn discover(&mut self) -> Result<Vec<GpuSpec>, ProbeError>;
    /// Health changes since the last call, in the order they happened.
    fn poll_health(&mut self) -> Vec<HealthChange>;
    /// What answers, for log lines: `fake (8xH100-80GB)`, `NVML (driver 550.54)`.
    fn describe(&self) -> String;
}

#[derive(Debug, Error)]
pub enum ProbeError {
    #[error("the NVIDIA management library (libnvidia-ml.so.1) could not be loaded: {0}")]
    LibraryMissing(String),
    #[error("NVML: {0}")]
    Nvml(String),
    #[error("{0}")]
    FakeSpec(#[from] fake::FakeSpecError),
}

/// The probe the agent uses: the fake spec when one is given, else NVML; with no NVIDIA library
/// on the host, one log line and no GPUs.
pub fn open_probe(fake: Option<fake::FakeGpus>) -> Box<dyn GpuProbe> {
    if let Some(fake) = fake {
        return Box::new(fake);
    }
    match nvml::NvmlProbe::open() {
        Ok(probe) => Box::new(probe),
        Err(error) => {
            eprintln!(
                "corral-agent: no GPUs: {error}; carrying on without GPUs (use --fake-gpus SPEC to pretend)"
            );
            Box::new(fake::FakeGpus::none())
        }
    }
}
