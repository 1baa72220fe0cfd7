//! The NVML probe: the host's NVIDIA GPUs as the driver's management library
//! (`libnvidia-ml.so.1`, loaded at run time through `nvml-wrapper`) reports them.
//!
//! It owns the one NVML handle of the process, the per-GPU event sets that catch critical Xid
//! errors, and the memory of which GPU was already reported unhealthy and why (each change is
//! reported once; a GPU that turned unhealthy stays so until the agent restarts). It answers
//! discovery (index, UUID, model, memory, NVLink peers, health), health polling, the PCI bus id
//! and MIG mode of each GPU (for log lines) and a metrics sample. Nothing here panics on what
//! NVML answers: a query that fails is skipped, or makes its GPU unhealthy with the reason.

use super::{GpuProbe, HealthChange, ProbeError};
use corral_model::{GpuHealth, GpuSpec};
use nvml_wrapper::enum_wrappers::device::{EccCounter, MemoryError, TemperatureSensor};
use nvml_wrapper::error::NvmlError;
use nvml_wrapper::{Device, EventSet, Nvml};
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::sync::OnceLock;

/// The library's soname as the driver installs it (no `-dev` package needed).
const LIBRARY: &str = "libnvidia-ml.so.1";
/// `NVML_NVLINK_MAX_LINKS` in `nvml.h` (not re-exported by nvml-wrapper); links a GPU lacks
/// answer an error and are skipped.
const NVLINK_MAX_LINKS: u32 = 18;
/// `NVML_DEVICE_MIG_ENABLE` in `nvml.h`.
const MIG_ENABLED: u32 = 1;
/// At most this many events are taken from one GPU's event set per poll.
const MAX_EVENTS_PER_POLL: usize = 64;
const MIB: u64 = 1024 * 1024;

const GPU_LOST: &str = "GPU lost (NVML: GPU is lost)";
const RESET_REQUIRED: &str = "GPU needs a reset (NVML: reset required)";
const PAGES_PENDING: &str = "retired memory pages pending: the GPU needs a reset (NVML)";

/// One NVML handle per process, shared by every probe: initialised by the first successful
/// `open` and never shut down, so the event sets can borrow it for the life of the agent.
static NVML: OnceLock<Nvml> = OnceLock::new();

/// What the agent logs about a GPU besides its `GpuSpec`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NvmlDeviceInfo {
    pub index: u32,
    /// PCI bus id as NVML writes it (`00000000:17:00.0`); empty when NVML could not say.
    pub bus_id: String,
    /// MIG mode currently in force (not the one pending a reset).
    pub mig_enabled: bool,
}

/// One sample of a GPU's load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GpuMetrics {
    pub index: u32,
    /// Percent of the last sample period in which a kernel ran.
    pub utilisation_pct: u32,
    pub mem_used_mib: u64,
    pub temperature_c: u32,
    pub power_mw: u32,
}

/// The critical-Xid event set of one GPU. One set per GPU, so that a GPU refusing
/// registration (NVML then frees the set) costs only its own events.
struct XidEvents {
    index: u32,
    set: EventSet<'static>,
}

pub struct NvmlProbe {
    nvml: &'static Nvml,
    driver: String,
    count: u32,
    xid_events: Vec<XidEvents>,
    devices: Vec<NvmlDeviceInfo>,
    /// GPUs already reported unhealthy, with the reason.
    unhealthy: BTreeMap<u32, String>,
}

impl NvmlProbe {
    /// Loads NVML and registers for critical Xid events on every GPU that supports them.
    pub fn open() -> Result<NvmlProbe, ProbeError> {
        let nvml = shared_nvml()?;
        let count = nvml
            .device_count()
            .map_err(|e| ProbeError::Nvml(format!("counting GPUs: {e}")))?;
        let driver = nvml
            .sys_driver_version()
            .unwrap_or_else(|_| "unknown".to_string());
        Ok(NvmlProbe {
            nvml,
            driver,
            count,
            xid_events: register_xid_events(nvml, count),
            devices: Vec::new(),
            unhealthy: BTreeMap::new(),
        })
    }

    /// PCI bus id and MIG mode of each GPU, as of the last `discover`.
    pub fn devices(&self) -> &[NvmlDeviceInfo] {
        &self.devices
    }

    /// A load sample of every GPU that answers all four queries.
    pub fn metrics(&self) -> Vec<GpuMetrics> {
        (0..self.count)
            .filter_map(|index| read_metrics(self.nvml, index))
            .collect()
    }

    /// Records `reason` for GPU `index`; the change to report, if it is news.
    fn mark_unhealthy(&mut self, index: u32, reason: String) -> Option<HealthChange> {
        if self.unhealthy.contains_key(&index) {
            return None;
        }
        self.unhealthy.insert(index, reason.clone());
        Some(HealthChange {
            index,
            health: GpuHealth::Unhealthy(reason),
        })
    }

    /// The health to report for GPU `index`: a remembered reason wins over a fresh reading.
    fn health_of(&mut self, index: u32, problem: Option<String>) -> GpuHealth {
        if let Some(reason) = problem {
            self.mark_unhealthy(index, reason);
        }
        match self.unhealthy.get(&index) {
            Some(reason) => GpuHealth::Unhealthy(reason.clone()),
            None => GpuHealth::Healthy,
        }
    }

    /// Fatal Xids waiting in the event sets, oldest first per GPU.
    fn drain_xid_events(&self) -> Vec<(u32, String)> {
        let mut found = Vec::new();
        for events in &self.xid_events {
            for _ in 0..MAX_EVENTS_PER_POLL {
                match events.set.wait(0) {
                    Ok(event) => found.extend(fatal_xid_reason(&event).map(|r| (events.index, r))),
                    Err(NvmlError::GpuLost) => {
                        found.push((events.index, GPU_LOST.to_string()));
                        break;
                    }
                    Err(_) => break, // Timeout: drained.
                }
            }
        }
        found
    }
}

impl GpuProbe for NvmlProbe {
    fn discover(&mut self) -> Result<Vec<GpuSpec>, ProbeError> {
        let count = self
            .nvml
            .device_count()
            .map_err(|e| ProbeError::Nvml(format!("counting GPUs: {e}")))?;
        self.count = count;
        let readings: Vec<Reading> = (0..count).map(|i| read_device(self.nvml, i)).collect();
        let by_bus_id: HashMap<BusIdKey, u32> = readings
            .iter()
            .filter_map(|r| Some((bus_id_key(&r.info.bus_id)?, r.info.index)))
            .collect();
        self.devices = readings.iter().map(|r| r.info.clone()).collect();
        let mut gpus = Vec::with_capacity(readings.len());
        for reading in readings {
            let index = reading.info.index;
            gpus.push(GpuSpec {
                index,
                uuid: reading.uuid,
                model: reading.model,
                mem_mib: reading.mem_mib,
                nvlink_peers: nvlink_peers(self.nvml, index, &by_bus_id),
                health: self.health_of(index, reading.problem),
            });
        }
        Ok(gpus)
    }

    fn poll_health(&mut self) -> Vec<HealthChange> {
        let mut changes = Vec::new();
        for (index, reason) in self.drain_xid_events() {
            changes.extend(self.mark_unhealthy(index, reason));
        }
        for index in 0..self.count {
            if self.unhealthy.contains_key(&index) {
                continue;
            }
            let problem = match self.nvml.device_by_index(index) {
                Ok(device) => health_problem(&device),
                Err(error) => fault_in(&error),
            };
            if let Some(reason) = problem {
                changes.extend(self.mark_unhealthy(index, reason));
            }
        }
        changes
    }

    fn describe(&self) -> String {
        format!("NVML (driver {}, {} GPUs)", self.driver, self.count)
    }
}

/// The process's NVML handle, loading the library on first use.
fn shared_nvml() -> Result<&'static Nvml, ProbeError> {
    if let Some(nvml) = NVML.get() {
        return Ok(nvml);
    }
    let nvml = load(OsStr::new(LIBRARY))?;
    // Should another thread have won the race, ours is dropped (NVML counts its inits).
    Ok(NVML.get_or_init(|| nvml))
}

fn load(library: &OsStr) -> Result<Nvml, ProbeError> {
    Nvml::builder().lib_path(library).init().map_err(init_error)
}

/// A library that cannot be loaded is `LibraryMissing` with the loader's message; any other
/// failure (driver not loaded, no permission, too old a library) is `Nvml`.
fn init_error(error: NvmlError) -> ProbeError {
    match error {
        NvmlError::LibloadingError(e) => ProbeError::LibraryMissing(e.to_string()),
        NvmlError::LibraryNotFound => ProbeError::LibraryMissing(error.to_string()),
        other => ProbeError::Nvml(other.to_string()),
    }
}

#[cfg(target_os = "linux")]
fn register_xid_events(nvml: &'static Nvml, count: u32) -> Vec<XidEvents> {
    (0..count)
        .filter_map(|index| register_xid_events_of(nvml, index))
        .collect()
}

/// Event registration is Linux-only in NVML.
#[cfg(not(target_os = "linux"))]
fn register_xid_events(_nvml: &'static Nvml, _count: u32) -> Vec<XidEvents> {
    Vec::new()
}

/// The critical-Xid event set of GPU `index`; `None` where the GPU does not support it
/// (NotSupported) or registration fails otherwise: its health is still polled.
#[cfg(target_os = "linux")]
fn register_xid_events_of(nvml: &'static Nvml, index: u32) -> Option<XidEvents> {
    use nvml_wrapper::bitmasks::event::EventTypes;
    let device = nvml.device_by_index(index).ok()?;
    let supported = device.supported_event_types().ok()?;
    if !supported.contains(EventTypes::CRITICAL_XID_ERROR) {
        return None;
    }
    let set = nvml.create_event_set().ok()?;
    let set = device
        .register_events(EventTypes::CRITICAL_XID_ERROR, set)
        .ok()?;
    Some(XidEvents { index, set })
}

/// The reason to report for a critical-Xid event, when its Xid is fatal.
fn fatal_xid_reason(event: &nvml_wrapper::struct_wrappers::event::EventData<'_>) -> Option<String> {
    use nvml_wrapper::enums::event::XidError;
    match event.event_data {
        Some(XidError::Value(xid)) => {
            xid_meaning(xid).map(|meaning| format!("Xid {xid}: {meaning}"))
        }
        _ => None,
    }
}

/// What a fatal Xid means; `None` for the others (application faults such as 13, 31, 43, or
/// ones that need no drain). The fatal list and the wording follow NVIDIA's "Xid Errors"
/// document (docs.nvidia.com/deploy/xid-errors): each of these leaves the GPU in need of a
/// reset or out of service until one.
pub fn xid_meaning(xid: u64) -> Option<&'static str> {
    Some(match xid {
        48 => "double-bit ECC error",
        63 => "ECC page retirement or row remapping recording event",
        64 => "ECC page retirement or row remapping recording failure",
        74 => "NVLink error",
        79 => "GPU has fallen off the bus",
        92 => "high single-bit ECC error rate",
        94 => "contained ECC error",
        95 => "uncontained ECC error",
        _ => return None,
    })
}

/// The reason to report when an NVML answer says the GPU itself is gone or needs a reset.
fn fault_in(error: &NvmlError) -> Option<String> {
    match error {
        NvmlError::GpuLost => Some(GPU_LOST.to_string()),
        NvmlError::ResetRequired => Some(RESET_REQUIRED.to_string()),
        _ => None,
    }
}

/// Judges one NVML answer: `judge` for a value, `fault_in` for an error (NotSupported and the
/// like say nothing about health).
fn problem<T>(
    answer: Result<T, NvmlError>,
    judge: impl FnOnce(T) -> Option<String>,
) -> Option<String> {
    match answer {
        Ok(value) => judge(value),
        Err(error) => fault_in(&error),
    }
}

/// Why the GPU is unhealthy now, if it is: lost or needing a reset, volatile uncorrected ECC
/// errors, or retired pages pending. The temperature read is a liveness check.
fn health_problem(device: &Device<'_>) -> Option<String> {
    let ecc = device.total_ecc_errors(MemoryError::Uncorrected, EccCounter::Volatile);
    let ecc_errors =
        |n: u64| (n > 0).then(|| format!("{n} volatile uncorrected ECC errors (NVML)"));
    let pending = |p: bool| p.then(|| PAGES_PENDING.to_string());
    problem(ecc, ecc_errors)
        .or_else(|| problem(device.are_pages_pending_retired(), pending))
        .or_else(|| problem(device.temperature(TemperatureSensor::Gpu), |_| None))
}

/// One GPU as `discover` first reads it (NVLink peers need every GPU's bus id, so come later).
struct Reading {
    info: NvmlDeviceInfo,
    uuid: String,
    model: String,
    mem_mib: u64,
    problem: Option<String>,
}

fn read_device(nvml: &Nvml, index: u32) -> Reading {
    let device = match nvml.device_by_index(index) {
        Ok(device) => device,
        Err(error) => return unreadable(index, unreadable_reason("handle", &error)),
    };
    let (uuid, model, mem_mib) = match read_identity(&device) {
        Ok(identity) => identity,
        Err(reason) => return unreadable(index, reason),
    };
    Reading {
        info: device_info(&device, index),
        uuid,
        model,
        mem_mib,
        problem: health_problem(&device),
    }
}

/// UUID, name and total memory (MiB); the reason to report when one cannot be read.
fn read_identity(device: &Device<'_>) -> Result<(String, String, u64), String> {
    let uuid = device.uuid().map_err(|e| unreadable_reason("UUID", &e))?;
    let name = device.name().map_err(|e| unreadable_reason("name", &e))?;
    let memory = device
        .memory_info()
        .map_err(|e| unreadable_reason("memory", &e))?;
    Ok((uuid, name, memory.total / MIB))
}

fn device_info(device: &Device<'_>, index: u32) -> NvmlDeviceInfo {
    NvmlDeviceInfo {
        index,
        bus_id: device.pci_info().map(|p| p.bus_id).unwrap_or_default(),
        mig_enabled: matches!(device.mig_mode(), Ok(mode) if mode.current == MIG_ENABLED),
    }
}

/// A GPU NVML lists but cannot describe: reported, unhealthy, so it is never scheduled.
fn unreadable(index: u32, reason: String) -> Reading {
    Reading {
        info: NvmlDeviceInfo {
            index,
            bus_id: String::new(),
            mig_enabled: false,
        },
        uuid: format!("GPU-unreadable-{index}"),
        model: "unknown".to_string(),
        mem_mib: 0,
        problem: Some(reason),
    }
}

fn unreadable_reason(what: &str, error: &NvmlError) -> String {
    fault_in(error).unwrap_or_else(|| format!("NVML could not read the GPU's {what}: {error}"))
}

/// A PCI bus id with its domain as a number, so `00000000:17:00.0` and the legacy
/// `0000:17:00.0` compare equal.
type BusIdKey = (u32, String);

fn bus_id_key(bus_id: &str) -> Option<BusIdKey> {
    let (domain, rest) = bus_id.trim().split_once(':')?;
    let domain = u32::from_str_radix(domain, 16).ok()?;
    Some((domain, rest.to_ascii_lowercase()))
}

/// The local GPUs at the far end of GPU `index`'s active NVLinks (NVSwitches and other
/// unknown bus ids left out), sorted, each once.
fn nvlink_peers(nvml: &Nvml, index: u32, by_bus_id: &HashMap<BusIdKey, u32>) -> Vec<u32> {
    let Ok(device) = nvml.device_by_index(index) else {
        return Vec::new();
    };
    let mut peers: Vec<u32> = (0..NVLINK_MAX_LINKS)
        .map(|link| device.link_wrapper_for(link))
        .filter(|link| matches!(link.is_active(), Ok(true)))
        .filter_map(|link| link.remote_pci_info().ok())
        .filter_map(|pci| by_bus_id.get(&bus_id_key(&pci.bus_id)?).copied())
        .filter(|&peer| peer != index)
        .collect();
    peers.sort_unstable();
    peers.dedup();
    peers
}

fn read_metrics(nvml: &Nvml, index: u32) -> Option<GpuMetrics> {
    let device = nvml.device_by_index(index).ok()?;
    Some(GpuMetrics {
        index,
        utilisation_pct: device.utilization_rates().ok()?.gpu,
        mem_used_mib: device.memory_info().ok()?.used / MIB,
        temperature_c: device.temperature(TemperatureSensor::Gpu).ok()?,
        power_mw: device.power_usage().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_is_library_missing_with_the_loaders_message() {
        let error = load(OsStr::new("libnvidia-ml-corral-absent.so.1")).err();
        match error {
            Some(ProbeError::LibraryMissing(message)) => {
                assert!(message.contains("libnvidia-ml"), "{message}")
            }
            other => panic!("expected LibraryMissing, got {other:?}"),
        }
    }

    #[test]
    fn open_says_the_library_is_missing_on_a_host_without_it() {
        match NvmlProbe::open() {
            Err(ProbeError::LibraryMissing(message)) => {
                assert!(message.contains("libnvidia-ml"), "{message}")
            }
            // A host with the NVIDIA driver: the probe must describe itself and its GPUs.
            Ok(mut probe) => {
                assert!(
                    probe.describe().starts_with("NVML (driver "),
                    "{}",
                    probe.describe()
                );
                let gpus = probe.discover().expect("discover on a GPU host");
                assert_eq!(probe.devices().len(), gpus.len());
                assert!(gpus.iter().all(|g| !g.uuid.is_empty()), "{gpus:?}");
            }
            Err(other) => panic!("expected LibraryMissing (or a working NVML), got {other:?}"),
        }
    }

    #[test]
    fn open_probe_carries_on_without_gpus_when_the_library_is_missing() {
        if NvmlProbe::open().is_ok() {
            return; // A host with the NVIDIA driver: open_probe answers from NVML.
        }
        let mut probe = crate::gpu::open_probe(None);
        assert!(
            probe.describe().starts_with("fake (none)"),
            "{}",
            probe.describe()
        );
        assert!(probe.discover().expect("no GPUs").is_empty());
    }

    #[test]
    fn the_fatal_xids_have_a_meaning_and_application_faults_none() {
        for xid in [48, 63, 64, 74, 79, 92, 94, 95] {
            assert!(xid_meaning(xid).is_some(), "Xid {xid}");
        }
        for xid in [0, 13, 31, 43, 45, 61, 62, 68, 999] {
            assert_eq!(xid_meaning(xid), None, "Xid {xid}");
        }
        assert_eq!(xid_meaning(79), Some("GPU has fallen off the bus"));
    }

    #[test]
    fn bus_ids_match_across_domain_widths_and_case() {
        assert_eq!(bus_id_key("00000000:17:00.0"), bus_id_key("0000:17:00.0"));
        assert_eq!(bus_id_key("0000:AB:00.0"), Some((0, "ab:00.0".to_string())));
        assert_ne!(
            bus_id_key("00000001:17:00.0"),
            bus_id_key("00000000:17:00.0")
        );
        assert_eq!(bus_id_key(""), None);
        assert_eq!(bus_id_key("zz:17:00.0"), None);
    }
}
