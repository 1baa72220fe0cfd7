//! Process groups: signalling every process of a job at once, checking whether any is left, and
//! summing their resident memory from `/proc`.

/// Sends `signal` to every process in group `pgid`; a group that is gone is not an error.
pub fn signal_group(pgid: i32, signal: i32) {
    if pgid > 1 {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is shared.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

/// Whether any process of group `pgid` is still alive.
pub fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence and permission.
    pgid > 1 && unsafe { libc::kill(-pgid, 0) } == 0
}

/// Whether process `pid` is alive (a zombie counts as alive until reaped).
pub fn process_alive(pid: i32) -> bool {
    // SAFETY: as above.
    pid > 1 && unsafe { libc::kill(pid, 0) } == 0
}

/// The resident memory of the processes in group `pgid`, in MiB (0 where /proc is unreadable).
pub fn group_rss_mib(pgid: i32) -> u64 {
    let page_bytes = page_size_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut pages = 0u64;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if let Some((group, rss_pages)) = group_and_rss(&stat) {
            if group == pgid {
                pages += rss_pages;
            }
        }
    }
    pages * page_bytes / (1024 * 1024)
}

/// The process group (field 5) and resident pages (field 24) of a `/proc/PID/stat` line.
fn group_and_rss(stat: &str) -> Option<(i32, u64)> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let group = fields.get(2)?.parse().ok()?;
    let rss = fields.get(21)?.parse().ok()?;
    Some((group, rss))
}

fn page_size_bytes() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as u64
    } else {
        4096
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_read_after_the_command_name() {
        let stat = "1234 (my (odd) prog) S 1 777 777 0 -1 4194304 100 0 0 0 1 2 0 0 20 0 1 0 \
                    5 123456 2500 18446744073709551615";
        assert_eq!(group_and_rss(stat), Some((777, 2500)));
        assert_eq!(group_and_rss("garbage"), None);
    }

    #[test]
    fn our_own_group_has_memory() {
        // SAFETY: getpgrp has no preconditions.
        let pgid = unsafe { libc::getpgrp() };
        assert!(group_rss_mib(pgid) > 0);
        assert!(group_alive(pgid));
    }
}
