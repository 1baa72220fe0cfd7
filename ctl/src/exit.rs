//! How a cluster command fails, and the exit code each kind of failure gets. The codes are part
//! of the CLI's contract (`ctl/JSON.md`, "Exit codes") so that scripts can tell "the cluster said
//! no" from "I typed it wrong" from "the cluster is not there".

use std::fmt;
use std::process::ExitCode;
use std::sync::OnceLock;

/// Refused: the server (or an offline check of a script or policy file) said no, or the thing
/// asked for does not exist.
pub const EXIT_REFUSED: u8 = 1;
/// A usage error: a bad option, value or combination (clap's own errors use 2 as well).
pub const EXIT_USAGE: u8 = 2;
/// No scheduler answered as leader before the deadline (none reachable, or no leader elected).
pub const EXIT_UNREACHABLE: u8 = 3;

/// The `corral --help` text that lists the exit codes.
pub const AFTER_HELP: &str = "\
Exit codes: 0 ok; 1 refused (by the scheduler, or by the offline check of a script or policy)
or not found; 2 usage error; 3 no scheduler reachable, or no leader elected.
Cluster commands find the scheduler with --scheduler ADDR[,ADDR...], else $CORRAL_SCHEDULERS,
else ./.corral/schedulers (written by `corral up`), else 127.0.0.1:7100.
JSON output (--json) is documented in ctl/JSON.md.";

/// Why a command failed; the text is printed after `corral CMD: `.
#[derive(Debug)]
pub enum Failure {
    Refused(String),
    Usage(String),
    Unreachable(String),
}

impl Failure {
    pub fn code(&self) -> u8 {
        match self {
            Failure::Refused(_) => EXIT_REFUSED,
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Unreachable(_) => EXIT_UNREACHABLE,
        }
    }

    pub fn refused(text: impl Into<String>) -> Failure {
        Failure::Refused(text.into())
    }

    pub fn usage(text: impl Into<String>) -> Failure {
        Failure::Usage(text.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Refused(text) | Failure::Usage(text) | Failure::Unreachable(text) => {
                f.write_str(text)
            }
        }
    }
}

/// The program name error lines start with, when `corral` runs as `sbatch`, `squeue`, ...
static PROGRAM: OnceLock<&'static str> = OnceLock::new();

/// Makes error lines start `NAME: error:` (the Slurm-named aliases) instead of `corral CMD:`.
pub fn set_program(name: &'static str) {
    let _ = PROGRAM.set(name);
}

/// Prints `corral NAME: error: ...` (or `sbatch: error: ...` under an alias) for a failure, or
/// nothing, and gives the exit code.
pub fn finish(name: &str, result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match PROGRAM.get() {
                Some(program) => eprintln!("{program}: error: {failure}"),
                None => eprintln!("corral {name}: error: {failure}"),
            }
            ExitCode::from(failure.code())
        }
    }
}
