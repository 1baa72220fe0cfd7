//! The option table: every option `corral submit` and its directives understand, with its long
//! and short names, whether it takes a value, and how the value becomes a `Setting`. Also the
//! sbatch options Corral recognises but does not implement, so that they warn (or, where
//! ignoring them would change what the job does, fail) instead of being mistaken for unknown
//! ones. Names and arities follow sbatch(1) of Slurm 22.05; long names may be abbreviated to any
//! unambiguous prefix, as getopt_long (and so sbatch) allows.

use super::array::parse_array;
use super::begin::parse_begin;
use super::constraint::parse_constraint;
use super::count::{parse_nice, parse_node_range, parse_positive, ACCEPTED_COUNT};
use super::dependency::parse_dependency;
use super::error::ValueError;
use super::export::parse_export;
use super::gres::{parse_gpu_count, parse_gres};
use super::hostlist::parse_hostlist;
use super::setting::Setting;
use super::signal::parse_signal;
use super::size::parse_size_mib;
use super::time::parse_time_limit;
use crate::spec::MemRequest;

/// Whether an option takes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// `--time=5` or `--time 5`, `-t5` or `-t 5`.
    Required,
    /// Only with `=` (`--nice=5`); alone it means the given default.
    Optional(&'static str),
    /// No value.
    Flag,
}

/// What to do with an option.
#[derive(Clone, Copy, Debug)]
pub enum Action {
    /// Parse the value into a setting.
    Set(fn(&str) -> Result<Setting, ValueError>),
    /// `--wrap`: the job's command; handled by the command-line splitter.
    Wrap,
    /// An sbatch option about sbatch's own output (`--parsable`, `--quiet`): nothing to do.
    Quiet,
    /// An sbatch option Corral does not implement; ignoring it only loses a refinement: warn.
    Unsupported,
    /// An sbatch option Corral does not implement, and ignoring it would change what happens
    /// (`--hold`, `--wait`): refuse.
    Refused,
}

#[derive(Clone, Copy, Debug)]
pub struct OptionDef {
    pub long: &'static str,
    pub short: Option<char>,
    pub arg: Arg,
    pub action: Action,
    /// What the value may look like, for "needs a value" errors.
    pub accepted: &'static str,
}

/// The result of looking up an option name.
#[derive(Debug)]
pub enum Lookup {
    Found(&'static OptionDef),
    Ambiguous(Vec<&'static str>),
    Unknown,
}

/// Looks up a long name (without `--`): an exact name, else a unique prefix.
pub fn lookup_long(name: &str) -> Lookup {
    if let Some(def) = OPTIONS.iter().find(|d| d.long == name) {
        return Lookup::Found(def);
    }
    let matches: Vec<&'static OptionDef> = OPTIONS
        .iter()
        .filter(|d| !name.is_empty() && d.long.starts_with(name))
        .collect();
    match matches.as_slice() {
        [] => Lookup::Unknown,
        [one] => Lookup::Found(one),
        many => Lookup::Ambiguous(many.iter().map(|d| d.long).collect()),
    }
}

/// Looks up a short name.
pub fn lookup_short(name: char) -> Lookup {
    OPTIONS
        .iter()
        .find(|d| d.short == Some(name))
        .map_or(Lookup::Unknown, Lookup::Found)
}

/// Every option, supported or not.
pub fn all_options() -> &'static [OptionDef] {
    OPTIONS
}

const TEXT: &str = "a non-empty text";
const NONE: &str = "no value";

const fn set(
    long: &'static str,
    short: Option<char>,
    parse: fn(&str) -> Result<Setting, ValueError>,
    accepted: &'static str,
) -> OptionDef {
    OptionDef {
        long,
        short,
        arg: Arg::Required,
        action: Action::Set(parse),
        accepted,
    }
}

const fn other(long: &'static str, short: Option<char>, arg: Arg, action: Action) -> OptionDef {
    OptionDef {
        long,
        short,
        arg,
        action,
        accepted: "see sbatch(1)",
    }
}

use super::array::ACCEPTED_ARRAY as ARRAY;
use super::begin::ACCEPTED_BEGIN as BEGIN;
use super::constraint::ACCEPTED_CONSTRAINT as CONSTRAINT;
use super::count::ACCEPTED_NODES as NODES;
use super::dependency::ACCEPTED_DEPENDENCY as DEPENDENCY;
use super::export::ACCEPTED_EXPORT as EXPORT;
use super::gres::{ACCEPTED_GPUS as GPUS, ACCEPTED_GRES as GRES};
use super::hostlist::ACCEPTED_HOSTLIST as HOSTLIST;
use super::signal::ACCEPTED_SIGNAL as SIGNAL;
use super::size::ACCEPTED_SIZE as SIZE;
use super::time::ACCEPTED_TIME as TIME;
use Action::{Quiet, Refused, Unsupported};
use Arg::{Flag, Optional, Required};

pub const ACCEPTED_MAIL_TYPE: &str = "a comma-separated list of NONE, BEGIN, END, FAIL, REQUEUE, \
     ALL, INVALID_DEPEND, STAGE_OUT, TIME_LIMIT, TIME_LIMIT_90, TIME_LIMIT_80, TIME_LIMIT_50, \
     ARRAY_TASKS";
const MAIL_TYPES: [&str; 13] = [
    "NONE",
    "BEGIN",
    "END",
    "FAIL",
    "REQUEUE",
    "ALL",
    "INVALID_DEPEND",
    "STAGE_OUT",
    "TIME_LIMIT",
    "TIME_LIMIT_90",
    "TIME_LIMIT_80",
    "TIME_LIMIT_50",
    "ARRAY_TASKS",
];

static OPTIONS: &[OptionDef] = &[
    set("job-name", Some('J'), |v| text(v).map(Setting::Name), TEXT),
    set(
        "partition",
        Some('p'),
        |v| text(v).map(Setting::Partition),
        TEXT,
    ),
    set("qos", Some('q'), |v| text(v).map(Setting::Qos), TEXT),
    set(
        "account",
        Some('A'),
        |v| text(v).map(Setting::Account),
        TEXT,
    ),
    set(
        "nodes",
        Some('N'),
        |v| parse_node_range(v).map(Setting::Nodes),
        NODES,
    ),
    set(
        "ntasks",
        Some('n'),
        |v| count(v).map(Setting::Ntasks),
        ACCEPTED_COUNT,
    ),
    set(
        "ntasks-per-node",
        None,
        |v| count(v).map(Setting::NtasksPerNode),
        ACCEPTED_COUNT,
    ),
    set(
        "cpus-per-task",
        Some('c'),
        |v| count(v).map(Setting::CpusPerTask),
        ACCEPTED_COUNT,
    ),
    set(
        "mem",
        None,
        |v| parse_size_mib(v).map(|m| Setting::Mem(MemRequest::Node(m))),
        SIZE,
    ),
    set(
        "mem-per-cpu",
        None,
        |v| positive_size(v).map(|m| Setting::Mem(MemRequest::Cpu(m))),
        SIZE,
    ),
    set(
        "mem-per-gpu",
        None,
        |v| positive_size(v).map(|m| Setting::Mem(MemRequest::Gpu(m))),
        SIZE,
    ),
    set("gres", None, |v| parse_gres(v).map(Setting::Gres), GRES),
    set(
        "gpus",
        Some('G'),
        |v| parse_gpu_count(v).map(Setting::GpusPerJob),
        GPUS,
    ),
    set(
        "gpus-per-node",
        None,
        |v| parse_gpu_count(v).map(Setting::GpusPerNode),
        GPUS,
    ),
    set(
        "gpus-per-task",
        None,
        |v| parse_gpu_count(v).map(Setting::GpusPerTask),
        GPUS,
    ),
    set(
        "time",
        Some('t'),
        |v| parse_time_limit(v).map(Setting::Time),
        TIME,
    ),
    set(
        "array",
        Some('a'),
        |v| parse_array(v).map(Setting::Array),
        ARRAY,
    ),
    set(
        "dependency",
        Some('d'),
        |v| parse_dependency(v).map(Setting::Dependency),
        DEPENDENCY,
    ),
    set("output", Some('o'), |v| text(v).map(Setting::Output), TEXT),
    set("error", Some('e'), |v| text(v).map(Setting::Error), TEXT),
    OptionDef {
        long: "requeue",
        short: None,
        arg: Flag,
        action: Action::Set(|_| Ok(Setting::Requeue(true))),
        accepted: NONE,
    },
    OptionDef {
        long: "no-requeue",
        short: None,
        arg: Flag,
        action: Action::Set(|_| Ok(Setting::Requeue(false))),
        accepted: NONE,
    },
    set(
        "signal",
        None,
        |v| parse_signal(v).map(Setting::Signal),
        SIGNAL,
    ),
    OptionDef {
        long: "exclusive",
        short: None,
        arg: Optional(""),
        action: Action::Set(exclusive),
        accepted: EXCLUSIVE,
    },
    set(
        "constraint",
        Some('C'),
        |v| parse_constraint(v).map(Setting::Constraint),
        CONSTRAINT,
    ),
    OptionDef {
        long: "nice",
        short: None,
        arg: Optional("100"),
        action: Action::Set(|v| parse_nice(v).map(Setting::Nice)),
        accepted: super::count::ACCEPTED_NICE,
    },
    set(
        "begin",
        Some('b'),
        |v| parse_begin(v).map(Setting::Begin),
        BEGIN,
    ),
    set("chdir", Some('D'), |v| text(v).map(Setting::Chdir), TEXT),
    set(
        "export",
        None,
        |v| parse_export(v).map(Setting::Export),
        EXPORT,
    ),
    set("comment", None, |v| text(v).map(Setting::Comment), TEXT),
    set(
        "container-image",
        None,
        |v| text(v).map(Setting::ContainerImage),
        TEXT,
    ),
    set(
        "mail-type",
        None,
        |v| mail_types(v).map(Setting::MailType),
        ACCEPTED_MAIL_TYPE,
    ),
    set("mail-user", None, |v| text(v).map(Setting::MailUser), TEXT),
    set(
        "reservation",
        None,
        |v| text(v).map(Setting::Reservation),
        TEXT,
    ),
    set(
        "nodelist",
        Some('w'),
        |v| parse_hostlist(v).map(Setting::Nodelist),
        HOSTLIST,
    ),
    set(
        "exclude",
        Some('x'),
        |v| parse_hostlist(v).map(Setting::Exclude),
        HOSTLIST,
    ),
    OptionDef {
        long: "wrap",
        short: None,
        arg: Required,
        action: Action::Wrap,
        accepted: "a command",
    },
    // sbatch's own output.
    other("parsable", None, Flag, Quiet),
    other("quiet", Some('Q'), Flag, Quiet),
    other("verbose", Some('v'), Flag, Quiet),
    // Would change what happens if ignored.
    other("hold", Some('H'), Flag, Refused),
    other("test-only", None, Flag, Refused),
    other("wait", Some('W'), Flag, Refused),
    other("immediate", Some('I'), Optional(""), Refused),
    other("uid", None, Required, Refused),
    other("gid", None, Required, Refused),
    // Refinements Corral does not implement yet.
    other("acctg-freq", None, Required, Unsupported),
    other("batch", None, Required, Unsupported),
    other("bb", None, Required, Unsupported),
    other("bbf", None, Required, Unsupported),
    other("clusters", Some('M'), Required, Unsupported),
    other("cluster-constraint", None, Required, Unsupported),
    other("container", None, Required, Unsupported),
    other("contiguous", None, Flag, Unsupported),
    other("core-spec", Some('S'), Required, Unsupported),
    other("cores-per-socket", None, Required, Unsupported),
    other("cpu-freq", None, Required, Unsupported),
    other("cpus-per-gpu", None, Required, Unsupported),
    other("deadline", None, Required, Unsupported),
    other("delay-boot", None, Required, Unsupported),
    other("distribution", Some('m'), Required, Unsupported),
    other("export-file", None, Required, Unsupported),
    other("extra-node-info", Some('B'), Required, Unsupported),
    other("get-user-env", None, Optional(""), Unsupported),
    other("gpu-bind", None, Required, Unsupported),
    other("gpu-freq", None, Required, Unsupported),
    other("gres-flags", None, Required, Unsupported),
    other("hint", None, Required, Unsupported),
    other("ignore-pbs", None, Flag, Unsupported),
    other("input", Some('i'), Required, Unsupported),
    other("kill-on-invalid-dep", None, Required, Unsupported),
    other("licenses", Some('L'), Required, Unsupported),
    other("mcs-label", None, Required, Unsupported),
    other("mem-bind", None, Required, Unsupported),
    other("mincpus", None, Required, Unsupported),
    other("network", None, Required, Unsupported),
    other("no-kill", Some('k'), Optional(""), Unsupported),
    other("nodefile", Some('F'), Required, Unsupported),
    other("ntasks-per-core", None, Required, Unsupported),
    other("ntasks-per-gpu", None, Required, Unsupported),
    other("ntasks-per-socket", None, Required, Unsupported),
    other("open-mode", None, Required, Unsupported),
    other("overcommit", Some('O'), Flag, Unsupported),
    other("oversubscribe", Some('s'), Flag, Unsupported),
    other("power", None, Required, Unsupported),
    other("priority", None, Required, Unsupported),
    other("profile", None, Required, Unsupported),
    other("propagate", None, Optional(""), Unsupported),
    other("reboot", None, Flag, Unsupported),
    other("sockets-per-node", None, Required, Unsupported),
    other("spread-job", None, Flag, Unsupported),
    other("switches", None, Required, Unsupported),
    other("thread-spec", None, Required, Unsupported),
    other("threads-per-core", None, Required, Unsupported),
    other("time-min", None, Required, Unsupported),
    other("tmp", None, Required, Unsupported),
    other("tres-per-task", None, Required, Unsupported),
    other("use-min-nodes", None, Flag, Unsupported),
    other("wait-all-nodes", None, Required, Unsupported),
    other("wckey", None, Required, Unsupported),
];

const EXCLUSIVE: &str = "--exclusive alone (whole nodes)";

fn exclusive(value: &str) -> Result<Setting, ValueError> {
    if value.is_empty() {
        Ok(Setting::Exclusive)
    } else {
        Err(ValueError::new(
            format!("--exclusive={value} is not supported"),
            EXCLUSIVE,
        ))
    }
}

fn text(value: &str) -> Result<String, ValueError> {
    if value.is_empty() {
        Err(ValueError::new("empty value", TEXT))
    } else {
        Ok(value.to_string())
    }
}

fn count(value: &str) -> Result<u32, ValueError> {
    parse_positive(value, ACCEPTED_COUNT)
}

/// Memory per CPU or per GPU: 0 would mean nothing, so it is refused.
fn positive_size(value: &str) -> Result<u64, ValueError> {
    match parse_size_mib(value)? {
        0 => Err(ValueError::new("0 is not a memory size", SIZE)),
        mib => Ok(mib),
    }
}

/// `--mail-type`: known types, in upper case, as given.
fn mail_types(value: &str) -> Result<Vec<String>, ValueError> {
    value
        .split(',')
        .map(|item| {
            let upper = item.to_ascii_uppercase();
            if MAIL_TYPES.contains(&upper.as_str()) {
                Ok(upper)
            } else {
                Err(ValueError::new(
                    format!("`{item}` is not a mail type"),
                    ACCEPTED_MAIL_TYPE,
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique() {
        let longs: BTreeSet<_> = OPTIONS.iter().map(|d| d.long).collect();
        assert_eq!(longs.len(), OPTIONS.len());
        let shorts: Vec<_> = OPTIONS.iter().filter_map(|d| d.short).collect();
        assert_eq!(shorts.iter().collect::<BTreeSet<_>>().len(), shorts.len());
    }

    #[test]
    fn exact_names_then_unique_prefixes() {
        assert!(matches!(lookup_long("mem"), Lookup::Found(d) if d.long == "mem"));
        assert!(matches!(lookup_long("part"), Lookup::Found(d) if d.long == "partition"));
        match lookup_long("cpus") {
            Lookup::Ambiguous(names) => assert_eq!(names, ["cpus-per-task", "cpus-per-gpu"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(lookup_long("bogus"), Lookup::Unknown));
        assert!(matches!(lookup_short('t'), Lookup::Found(d) if d.long == "time"));
        assert!(matches!(lookup_short('z'), Lookup::Unknown));
    }

    #[test]
    fn mail_types_upper_case_and_checked() {
        assert_eq!(
            mail_types("begin,END"),
            Ok(vec!["BEGIN".into(), "END".into()])
        );
        assert!(mail_types("bogus")
            .unwrap_err()
            .problem
            .contains("`bogus` is not a mail type"));
    }
}
