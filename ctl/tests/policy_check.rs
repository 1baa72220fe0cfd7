//! `corral policy check`: the documented example is valid; a malformed file prints each error
//! with its line and key and exits 1.

use std::process::Command;

fn corral(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_corral"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_example_policy_is_valid() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/policy.toml");
    let out = corral(&["policy", "check", example]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid"));
}

#[test]
fn a_malformed_policy_names_line_and_key() {
    let dir = std::env::temp_dir().join(format!("corral-policy-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, "[qos.high]\npriority = 10\nmax_gpu = 4\n").unwrap();
    let out = corral(&["policy", "check", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bad.toml:3"), "{stderr}");
    assert!(stderr.contains("max_gpus"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
