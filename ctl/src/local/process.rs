//! The local cluster's processes: the daemon binaries found next to `corral`, started detached
//! (own process group, stdin closed, output to a log file), recognised by pid and command line
//! (a pid file may outlive its process and the pid be reused), signalled and waited for.

use crate::exit::Failure;
use std::fs::OpenOptions;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `BINARY` in the directory of the running `corral` executable.
pub fn binary_path(binary: &str) -> Result<PathBuf, Failure> {
    let exe = std::env::current_exe()
        .map_err(|e| Failure::refused(format!("cannot find the corral executable: {e}")))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let path = dir.join(binary);
    if path.is_file() {
        return Ok(path);
    }
    let release = if dir.ends_with("release") {
        " --release"
    } else {
        ""
    };
    Err(Failure::refused(format!(
        "{binary} is not next to corral (looked in {}); build the daemons with \
         `cargo build{release} -p corral-scheduler -p corral-agent`",
        dir.display()
    )))
}

/// Starts `binary args` detached: its own process group (a Ctrl-C at this terminal does not
/// reach it), stdin closed, stdout and stderr appended to `log`.
pub fn spawn(binary: &Path, args: &[String], log: &Path) -> Result<Child, Failure> {
    let open = || {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| Failure::refused(format!("cannot open {}: {e}", log.display())))
    };
    let (out, err) = (open()?, open()?);
    Command::new(binary)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0)
        .spawn()
        .map_err(|e| Failure::refused(format!("cannot start {}: {e}", binary.display())))
}

/// Whether `pid` is a live (not zombie) process running `binary`.
pub fn alive(pid: u32, binary: &str) -> bool {
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let Ok(cmdline) = std::fs::read(proc_dir.join("cmdline")) else {
        return false;
    };
    let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
    let runs_binary = Path::new(&*String::from_utf8_lossy(argv0))
        .file_name()
        .is_some_and(|name| name == binary);
    let zombie = std::fs::read_to_string(proc_dir.join("stat"))
        .ok()
        .and_then(|stat| {
            let after_name = stat.rsplit_once(')')?.1;
            after_name.split_whitespace().next().map(|s| s == "Z")
        })
        .unwrap_or(false);
    runs_binary && !zombie
}

/// Sends `signal` to `pid`; `false` when it could not be sent.
pub fn signal(pid: u32, signal: i32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill(2) takes plain integers and touches no memory of ours.
    unsafe { libc::kill(pid, signal) == 0 }
}

/// Waits until none of `procs` (pid, binary) is alive, or `within` has passed; returns those
/// still alive.
pub fn wait_gone(procs: &[(u32, &str)], within: Duration) -> Vec<u32> {
    let deadline = Instant::now() + within;
    loop {
        let left: Vec<u32> = procs
            .iter()
            .filter(|(pid, binary)| alive(*pid, binary))
            .map(|(pid, _)| *pid)
            .collect();
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether 127.0.0.1:`port` can be listened on now.
pub fn port_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// A port on 127.0.0.1 free now (the system's choice).
pub fn any_free_port() -> Result<u16, Failure> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| Failure::refused(format!("cannot find a free port: {e}")))
}

/// The last `lines` lines of a log file, indented, for an error message.
pub fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    all[start..].iter().map(|l| format!("    {l}\n")).collect()
}
