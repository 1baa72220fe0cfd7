//! Without a cluster: exit 3 when no scheduler answers (naming the address tried), 2 for usage
//! errors; shell completions; `install-aliases` and the commands it links.

use std::process::{Command, Output};

fn corral(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corral"))
        .args(args)
        .env_remove("CORRAL_SCHEDULERS")
        .output()
        .expect("corral runs")
}

#[test]
fn an_unreachable_cluster_exits_3_and_names_the_addresses() {
    for args in [
        &[
            "queue",
            "--scheduler",
            "127.0.0.1:1,127.0.0.1:2",
            "--timeout",
            "1",
        ][..],
        &[
            "nodes",
            "--scheduler=127.0.0.1:1,127.0.0.1:2",
            "--timeout=1",
        ],
        &[
            "submit",
            "--wrap",
            "true",
            "--scheduler",
            "127.0.0.1:1,127.0.0.1:2",
            "--timeout",
            "1",
        ],
    ] {
        let out = corral(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("127.0.0.1:1") && stderr.contains("127.0.0.1:2"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn the_environment_names_the_schedulers() {
    let out = Command::new(env!("CARGO_BIN_EXE_corral"))
        .args(["history", "--timeout", "1"])
        .env("CORRAL_SCHEDULERS", "127.0.0.1:3")
        .output()
        .expect("corral runs");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("127.0.0.1:3"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["cancel"][..],
        &["cancel", "4x2"],
        &["cancel", "--signal", "SIGNOPE", "4"],
        &["queue", "--state", "sleeping"],
        &["history", "--since", "forever"],
        &["up", "--schedulers", "2"],
        &["nodes", "--bogus"],
    ] {
        let out = corral(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_why_commands_need_a_scheduler_too() {
    for name in ["explain", "prio", "share"] {
        let mut args = vec![name, "--scheduler", "127.0.0.1:1", "--timeout", "1"];
        if name == "explain" {
            args.push("1");
        }
        let out = corral(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{name}: {stderr}");
        assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
    }
    let out = corral(&["explain", "4x2"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = corral(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("corral") && script.contains("explain"),
            "{shell}"
        );
    }
    assert_eq!(corral(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn install_aliases_leaves_other_files_alone() {
    let dir = std::env::temp_dir().join(format!("corral-aliases-refused-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("squeue"), "#!/bin/sh\n").unwrap();
    let out = corral(&["install-aliases", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("squeue") && stderr.contains("not a link to corral"),
        "{stderr}"
    );
    assert!(
        !dir.join("sbatch").exists(),
        "nothing is made when one is refused"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("squeue")).unwrap(),
        "#!/bin/sh\n"
    );

    std::fs::remove_file(dir.join("squeue")).unwrap();
    let out = corral(&["install-aliases", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["sbatch", "squeue", "scancel", "sinfo"] {
        let target = std::fs::read_link(dir.join(name)).expect("a link");
        assert_eq!(target.file_name().unwrap(), "corral");
    }
    let again = corral(&["install-aliases", dir.to_str().unwrap()]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("kept"));
    // Invoked through a link, corral is that command.
    let help = Command::new(dir.join("squeue"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--noheader"));
    let scancel = Command::new(dir.join("scancel"))
        .args(["--signal", "0", "4"])
        .output()
        .unwrap();
    assert_eq!(scancel.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&scancel.stderr).starts_with("scancel: error:"));
    std::fs::remove_dir_all(&dir).unwrap();
}
