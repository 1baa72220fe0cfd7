//! Who is calling: the OS user a process runs as, which is the user name a request carries (the
//! `corral` CLI's) and the identity a scheduler runs as (an admin of its cluster). `$USER`, else
//! `$LOGNAME`, else the passwd entry of this process's uid, else `uid-N`.

use std::os::unix::fs::MetadataExt;

pub fn os_user() -> String {
    for var in ["USER", "LOGNAME"] {
        if let Ok(name) = std::env::var(var) {
            if !name.trim().is_empty() {
                return name.trim().to_string();
            }
        }
    }
    let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
        return "unknown".into();
    };
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|text| name_of(&text, uid))
        .unwrap_or_else(|| format!("uid-{uid}"))
}

/// The name of `uid` in passwd(5) text.
fn name_of(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let found: u32 = fields.nth(1)?.parse().ok()?;
        (found == uid && !name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_passwd_lines() {
        let text = "root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000::/home/ada:/bin/sh\n";
        assert_eq!(name_of(text, 1000).as_deref(), Some("ada"));
        assert_eq!(name_of(text, 0).as_deref(), Some("root"));
        assert_eq!(name_of(text, 7), None);
    }
}
