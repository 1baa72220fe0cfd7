//! Running as `sbatch`, `squeue`, `scancel` or `sinfo`: when the file name `corral` was invoked
//! by (argv[0]) is one of these (links made by `corral install-aliases DIR`), it takes that
//! command's common options and prints its familiar columns. Errors start `NAME: error:`.

pub mod sbatch;
pub mod scancel;
pub mod sinfo;
pub mod squeue;

use std::path::Path;
use std::process::ExitCode;

/// The names `corral` answers to besides its own.
pub const NAMES: [&str; 4] = ["sbatch", "squeue", "scancel", "sinfo"];

/// The alias this process was invoked as, if any.
pub fn invoked_as() -> Option<&'static str> {
    let argv0 = std::env::args_os().next()?;
    let name = Path::new(&argv0).file_name()?.to_str()?.to_string();
    NAMES.into_iter().find(|n| *n == name)
}

/// Runs the command `name` stands for.
pub fn run(name: &'static str) -> ExitCode {
    crate::exit::set_program(name);
    match name {
        "sbatch" => sbatch::run(),
        "squeue" => squeue::run(),
        "scancel" => scancel::run(),
        _ => sinfo::run(),
    }
}
