//! The config file: defaults, unknown fields refused, and each bad value reported with the field,
//! the value and what would be accepted.

use corral_scheduler::{Config, ConfigError};

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse("sched.toml", text)
}

fn problem(text: &str) -> String {
    let config = parse(text).expect("parses");
    config.check().expect_err("invalid").to_string()
}

#[test]
fn a_full_file_parses_into_its_values() {
    let config = parse(
        r#"
node_id = 2
listen = "0.0.0.0:7102"
data_dir = "/var/lib/corral"
heartbeat_interval_ms = 50
election_timeout_min_ms = 300
election_timeout_max_ms = 600
leader_loop_min_interval_ms = 20
policy_file = "/etc/corral/policy.toml"

[[peers]]
id = 1
addr = "sched1:7100"

[[peers]]
id = 2
addr = "sched2:7100"
"#,
    )
    .expect("valid");
    let checked = config.check().expect("valid");
    assert_eq!(checked.node_id, 2);
    assert_eq!(checked.peers.len(), 1, "this node is not its own peer");
    assert_eq!(checked.peers[&1], "sched1:7100");
    assert_eq!(checked.raft.heartbeat_interval_ms, 50);
    assert_eq!(checked.leader_loop_min_interval.as_millis(), 20);
}

#[test]
fn unknown_fields_are_refused_with_their_line() {
    let error = parse("node_id = 1\nelection_timeout_ms = 5\n").expect_err("unknown field");
    let text = error.to_string();
    assert!(text.starts_with("sched.toml: line 2:"), "{text}");
    assert!(text.contains("election_timeout_ms"), "{text}");
}

#[test]
fn the_data_dir_is_required() {
    let error = Config::default().check().expect_err("no data dir");
    assert_eq!(error, ConfigError::NoDataDir);
}

#[test]
fn bad_values_name_the_field_the_value_and_what_is_accepted() {
    let dir = "data_dir = \"/d\"\n";
    assert_eq!(
        problem(&format!("{dir}node_id = 0")),
        "config: node_id = 0: must be at least 1"
    );
    assert!(problem(&format!("{dir}listen = \"localhost\""))
        .contains("listen = \"localhost\": not an address (accepted: HOST:PORT"));
    assert_eq!(
        problem(&format!("{dir}heartbeat_interval_ms = 500")),
        "config: election_timeout_min_ms = 250: must be greater than heartbeat_interval_ms = 500"
    );
    assert_eq!(
        problem(&format!("{dir}election_timeout_max_ms = 250")),
        "config: election_timeout_max_ms = 250: must be greater than election_timeout_min_ms = 250"
    );
    assert!(problem(&format!(
        "{dir}[[peers]]\nid = 2\naddr = \"a:1\"\n[[peers]]\nid = 2\naddr = \"b:1\""
    ))
    .contains("peers[1].id = 2: listed twice"));
    assert_eq!(
        problem(&format!("{dir}node_timeout_ms = 500")),
        "config: node_timeout_ms = 500: must be at least leader_loop_idle_interval_ms = 1000 \
         (nodes are checked once per leader loop pass)"
    );
}
