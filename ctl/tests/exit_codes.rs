//! Exit codes without a cluster: 3 when no scheduler answers (naming the address tried), 2 for
//! usage errors, 2 for commands not built yet.

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
        &["cancel", "--signal", "USR1", "4"],
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
fn commands_not_built_say_so() {
    for name in ["explain", "prio", "share"] {
        let out = corral(&[name, "1"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not built yet"));
    }
}
