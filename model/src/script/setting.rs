//! `Setting`: one option's parsed value, ready to be written into a `JobSpec`. Options are first
//! parsed into settings (so every value is checked where it was written), then the settings that
//! win are applied in the order they were given.

use super::gres::GresRequest;
use crate::spec::{
    ArraySpec, BeginTime, Constraint, Dependency, Export, GpuCount, JobSpec, MemRequest, NodeRange,
    SignalSpec, TimeLimit,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    Name(String),
    Partition(String),
    Qos(String),
    Account(String),
    Nodes(NodeRange),
    Ntasks(u32),
    NtasksPerNode(u32),
    CpusPerTask(u32),
    Mem(MemRequest),
    GpusPerJob(GpuCount),
    GpusPerNode(GpuCount),
    GpusPerTask(GpuCount),
    Gres(GresRequest),
    Time(TimeLimit),
    Array(ArraySpec),
    Dependency(Dependency),
    Output(String),
    Error(String),
    Requeue(bool),
    Signal(SignalSpec),
    Exclusive,
    Constraint(Constraint),
    Nice(i32),
    Begin(BeginTime),
    Chdir(String),
    Export(Export),
    Comment(String),
    ContainerImage(String),
    MailType(Vec<String>),
    MailUser(String),
    Reservation(String),
    Nodelist(Vec<String>),
    Exclude(Vec<String>),
}

/// The part of a `JobSpec` a setting writes: a later setting for the same slot replaces an
/// earlier one (`--requeue` and `--no-requeue` share one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Slot {
    Name,
    Partition,
    Qos,
    Account,
    Nodes,
    Ntasks,
    NtasksPerNode,
    CpusPerTask,
    Mem,
    GpusPerJob,
    GpusPerNode,
    GpusPerTask,
    Gres,
    Time,
    Array,
    Dependency,
    Output,
    Error,
    Requeue,
    Signal,
    Exclusive,
    Constraint,
    Nice,
    Begin,
    Chdir,
    Export,
    Comment,
    ContainerImage,
    MailType,
    MailUser,
    Reservation,
    Nodelist,
    Exclude,
}

/// Settings from different options that say the same thing: given together at one level (all in
/// the script, or all on the command line) they are an error; a later level's replaces an
/// earlier level's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// `--mem`, `--mem-per-cpu`, `--mem-per-gpu`: sbatch calls them mutually exclusive.
    Memory,
    /// `--gpus-per-node` and the GPU entry of `--gres`: both are GPUs per node.
    GpusPerNode,
}

impl Setting {
    pub fn slot(&self) -> Slot {
        match self {
            Setting::Name(_) => Slot::Name,
            Setting::Partition(_) => Slot::Partition,
            Setting::Qos(_) => Slot::Qos,
            Setting::Account(_) => Slot::Account,
            Setting::Nodes(_) => Slot::Nodes,
            Setting::Ntasks(_) => Slot::Ntasks,
            Setting::NtasksPerNode(_) => Slot::NtasksPerNode,
            Setting::CpusPerTask(_) => Slot::CpusPerTask,
            Setting::Mem(_) => Slot::Mem,
            Setting::GpusPerJob(_) => Slot::GpusPerJob,
            Setting::GpusPerNode(_) => Slot::GpusPerNode,
            Setting::GpusPerTask(_) => Slot::GpusPerTask,
            Setting::Gres(_) => Slot::Gres,
            Setting::Time(_) => Slot::Time,
            Setting::Array(_) => Slot::Array,
            Setting::Dependency(_) => Slot::Dependency,
            Setting::Output(_) => Slot::Output,
            Setting::Error(_) => Slot::Error,
            Setting::Requeue(_) => Slot::Requeue,
            Setting::Signal(_) => Slot::Signal,
            Setting::Exclusive => Slot::Exclusive,
            Setting::Constraint(_) => Slot::Constraint,
            Setting::Nice(_) => Slot::Nice,
            Setting::Begin(_) => Slot::Begin,
            Setting::Chdir(_) => Slot::Chdir,
            Setting::Export(_) => Slot::Export,
            Setting::Comment(_) => Slot::Comment,
            Setting::ContainerImage(_) => Slot::ContainerImage,
            Setting::MailType(_) => Slot::MailType,
            Setting::MailUser(_) => Slot::MailUser,
            Setting::Reservation(_) => Slot::Reservation,
            Setting::Nodelist(_) => Slot::Nodelist,
            Setting::Exclude(_) => Slot::Exclude,
        }
    }

    pub fn group(&self) -> Option<Group> {
        match self {
            Setting::Mem(_) => Some(Group::Memory),
            Setting::GpusPerNode(_) => Some(Group::GpusPerNode),
            Setting::Gres(request) if request.gpu.is_some() => Some(Group::GpusPerNode),
            _ => None,
        }
    }

    /// Gives up this setting's part in `group` to a setting from a later level; `None` when
    /// nothing of it is left.
    pub fn yield_group(self, group: Group) -> Option<Setting> {
        match (self, group) {
            (Setting::Gres(request), Group::GpusPerNode) => Some(Setting::Gres(GresRequest {
                gpu: None,
                other: request.other,
            })),
            (setting, group) if setting.group() == Some(group) => None,
            (setting, _) => Some(setting),
        }
    }

    /// Writes this setting into `spec`.
    pub fn apply(self, spec: &mut JobSpec) {
        match self {
            Setting::Name(v) => spec.name = Some(v),
            Setting::Partition(v) => spec.partition = Some(v),
            Setting::Qos(v) => spec.qos = Some(v),
            Setting::Account(v) => spec.account = Some(v),
            Setting::Nodes(v) => spec.nodes = Some(v),
            Setting::Ntasks(v) => spec.ntasks = Some(v),
            Setting::NtasksPerNode(v) => spec.ntasks_per_node = Some(v),
            Setting::CpusPerTask(v) => spec.cpus_per_task = Some(v),
            Setting::Mem(v) => spec.mem = Some(v),
            Setting::GpusPerJob(v) => spec.gpus_per_job = Some(v),
            Setting::GpusPerNode(v) => spec.gpus_per_node = Some(v),
            Setting::GpusPerTask(v) => spec.extras_mut().gpus_per_task = Some(v),
            Setting::Gres(request) => {
                if request.gpu.is_some() {
                    spec.gpus_per_node = request.gpu;
                }
                // A later --gres replaces an earlier one; nothing to box when neither had any.
                if !request.other.is_empty() || !spec.extras().other_gres.is_empty() {
                    spec.extras_mut().other_gres = request.other;
                }
            }
            Setting::Time(v) => spec.time_limit = v,
            Setting::Array(v) => spec.array = Some(Box::new(v)),
            Setting::Dependency(v) => spec.dependency = Some(Box::new(v)),
            Setting::Output(v) => spec.extras_mut().output = Some(v),
            Setting::Error(v) => spec.extras_mut().error = Some(v),
            Setting::Requeue(v) => spec.requeue = Some(v),
            Setting::Signal(v) => spec.signal = Some(Box::new(v)),
            Setting::Exclusive => spec.exclusive = true,
            Setting::Constraint(v) => spec.constraint = Some(Box::new(v)),
            Setting::Nice(v) => spec.nice = v,
            Setting::Begin(v) => spec.extras_mut().begin = Some(v),
            Setting::Chdir(v) => spec.extras_mut().chdir = Some(v),
            Setting::Export(v) => spec.extras_mut().export = v,
            Setting::Comment(v) => spec.extras_mut().comment = Some(v),
            Setting::ContainerImage(v) => spec.extras_mut().container_image = Some(v),
            Setting::MailType(v) => spec.extras_mut().mail_type = v,
            Setting::MailUser(v) => spec.extras_mut().mail_user = Some(v),
            Setting::Reservation(v) => spec.extras_mut().reservation = Some(v),
            Setting::Nodelist(v) => spec.extras_mut().nodelist = v,
            Setting::Exclude(v) => spec.extras_mut().exclude = v,
        }
    }
}
