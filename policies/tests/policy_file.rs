//! Policy files, good and bad: every bad file's errors are asserted in full, with their line
//! numbers and suggestions, so that a change to a message is a visible change to a test.

use corral_policies::config::{parse_policy, Policy, PolicyErrors, PreemptMode};

fn parse(text: &str) -> Result<Policy, PolicyErrors> {
    parse_policy("p.toml", text)
}

fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(policy) => panic!("expected errors, got a policy: {policy:#?}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn only_error(text: &str) -> String {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "expected one error, got {all:#?}");
    all.remove(0)
}

fn valid(text: &str) -> Policy {
    match parse(text) {
        Ok(policy) => policy,
        Err(errors) => panic!("expected a valid policy:\n{errors}"),
    }
}

#[test]
fn toml_syntax_error_names_its_line() {
    let e = only_error("[scheduler]\nmax_jobs_considered = 5\n[qos.high\npriority = 1\n");
    assert!(e.starts_with("p.toml:3: not valid TOML: "), "{e}");
}

#[test]
fn unknown_key_suggests_the_nearest_known_key() {
    let text = "[qos.high]\npriority = 10\nmax_gpu = 8\n";
    assert_eq!(
        only_error(text),
        "p.toml:3: unknown key `max_gpu` in [qos.high]; did you mean `max_gpus`? (accepted: \
         priority, default, preempt, preempt_mode, grace_time, min_runtime, max_gpus, \
         max_running_jobs, max_submitted_jobs, max_time)"
    );
    let error = parse(text).expect_err("invalid");
    assert_eq!(error.errors()[0].key, "qos.high.max_gpu");
    assert_eq!(error.errors()[0].line, 3);
}

#[test]
fn unknown_key_far_from_any_known_one_gets_no_suggestion() {
    assert_eq!(
        only_error("[backfill]\ncolour = \"blue\"\n"),
        "p.toml:2: unknown key `colour` in [backfill] (accepted: enabled, max_jobs_tested, \
         window, reservations, resolution)"
    );
}

#[test]
fn misspelt_table_names_are_unknown_keys_too() {
    assert_eq!(
        only_error("# comment\n[partition.gpu]\nnodes = [\"*\"]\n"),
        "p.toml:2: unknown key `partition` in the file's top level; did you mean `partitions`? \
         (accepted: scheduler, priority, fairshare, billing, backfill, partitions, qos, \
         accounts, users, user_defaults)"
    );
    assert_eq!(
        only_error("[priority.wieghts]\nage = 1\n"),
        "p.toml:1: unknown key `wieghts` in [priority]; did you mean `weights`? (accepted: \
         weights, max_age, max_nice, favor_small_jobs)"
    );
}

#[test]
fn bad_durations_say_what_is_accepted() {
    let forms = "(accepted: a string like \"90s\", \"30m\", \"2h\", \"1d\", \"1w\", \"1h30m\", \
                 or Slurm's \"M:S\", \"H:M:S\", \"D-H\", \"D-H:M\", \"D-H:M:S\")";
    assert_eq!(
        only_error("[priority]\nmax_age = \"2 weeks\"\n"),
        format!("p.toml:2: `max_age` in [priority]: \"2 weeks\" is not a duration {forms}")
    );
    assert_eq!(
        only_error("[backfill]\n\nwindow = 3600\n"),
        format!("p.toml:3: `window` in [backfill]: 3600 is a bare number; write the unit in a string {forms}")
    );
    assert_eq!(
        only_error("[backfill]\nwindow = \"90\"\n"),
        format!("p.toml:2: `window` in [backfill]: \"90\" is not a duration: a bare number needs a unit {forms}")
    );
    assert_eq!(
        only_error("[backfill]\nresolution = \"0s\"\n"),
        format!("p.toml:2: `resolution` in [backfill]: \"0s\" is shorter than 1s {forms}")
    );
}

#[test]
fn slurm_and_unit_durations_are_both_read() {
    let p = valid(
        "[partitions.gpu]\nnodes = [\"*\"]\ndefault_time = \"1:30:00\"\nmax_time = \"2-12\"\n\
         [fairshare]\nhalf_life = \"1w\"\n",
    );
    assert_eq!(p.partitions["gpu"].default_time_secs, 5_400);
    assert_eq!(p.partitions["gpu"].max_time_secs, Some(216_000));
    assert_eq!(p.fairshare.half_life_secs, Some(604_800));
}

#[test]
fn unlimited_is_a_limit_but_not_a_duration() {
    let p = valid("[partitions.gpu]\nnodes = [\"*\"]\nmax_time = \"UNLIMITED\"\n[fairshare]\nhalf_life = \"unlimited\"\n");
    assert_eq!(p.partitions["gpu"].max_time_secs, None);
    assert_eq!(p.partitions["gpu"].default_time_secs, 3_600);
    assert_eq!(p.fairshare.half_life_secs, None);
    let e = only_error("[partitions.gpu]\nnodes = [\"*\"]\ndefault_time = \"unlimited\"\n");
    assert!(e.starts_with("p.toml:3: `default_time` in [partitions.gpu]: \"unlimited\" is not a duration (accepted: "), "{e}");
}

#[test]
fn weights_must_be_finite_and_not_negative() {
    let text = "[priority.weights]\nage = -1\nqos = nan\nnice = \"high\"\nfairshare = 0.5\n";
    assert_eq!(
        errors(text),
        [
            "p.toml:2: `age` in [priority.weights]: -1 is negative (accepted: a finite number >= 0, like 1000 or 0.5)",
            "p.toml:3: `qos` in [priority.weights]: NaN is not finite (accepted: a finite number >= 0, like 1000 or 0.5)",
            "p.toml:4: `nice` in [priority.weights] must be a finite number >= 0, like 1000 or 0.5, found a string",
        ]
    );
    assert_eq!(
        only_error("[billing.gpu_weights]\nh100 = 2\na100 = -0.5\n"),
        "p.toml:3: `a100` in [billing.gpu_weights]: -0.5 is negative (accepted: a finite number >= 0, like 1000 or 0.5)"
    );
}

#[test]
fn counts_are_whole_and_in_range() {
    assert_eq!(
        errors("[scheduler]\nmax_jobs_considered = 0\n[qos.normal]\npriority = 4294967296\nmax_gpus = 1.5\n"),
        [
            "p.toml:2: `max_jobs_considered` in [scheduler]: 0 is too small (accepted: a whole number from 1 to 4294967295)",
            "p.toml:4: `priority` in [qos.normal]: 4294967296 is too large (accepted: a whole number from 0 to 4294967295)",
            "p.toml:5: `max_gpus` in [qos.normal] must be a whole number from 0 to 4294967295, found a float",
        ]
    );
}

#[test]
fn wrong_types_name_what_was_found() {
    assert_eq!(
        errors("[backfill]\nenabled = \"yes\"\n[scheduler]\nmax_jobs_considered = 2024-01-01\n"),
        [
            "p.toml:2: `enabled` in [backfill] must be a boolean (true or false), found a string",
            "p.toml:4: `max_jobs_considered` in [scheduler] must be a whole number from 1 to 4294967295, found a date-time",
        ]
    );
    assert_eq!(
        only_error("scheduler = 3\n"),
        "p.toml:1: `scheduler` in the file's top level must be a table, found an integer"
    );
}

#[test]
fn bad_memory_sizes() {
    assert_eq!(
        only_error("[partitions.gpu]\nnodes = [\"*\"]\ndefault_mem_per_gpu = \"1.5G\"\n"),
        "p.toml:3: `default_mem_per_gpu` in [partitions.gpu]: \"1.5G\" is not a memory size \
         (`1.5G` is not a size: unknown unit `.5G`) (accepted: a whole number with an optional \
         unit K, M, G or T (default M), e.g. 4096, 64G, 1T)"
    );
    let p = valid("[partitions.gpu]\nnodes = [\"*\"]\ndefault_mem_per_gpu = \"80000\"\n");
    assert_eq!(
        p.partitions["gpu"].default_mem_per_gpu_mib,
        Some(80_000),
        "MiB, as in Slurm"
    );
}

#[test]
fn account_cycles_are_refused() {
    let text = "[accounts.a]\nparent = \"c\"\n\n[accounts.b]\nparent = \"a\"\n\n[accounts.c]\nparent = \"b\"\n\n[accounts.d]\nparent = \"c\"\n";
    assert_eq!(
        only_error(text),
        "p.toml:2: the account tree has a cycle: a -> c -> b -> a (every account must lead up to `root`)"
    );
    assert_eq!(
        only_error("[accounts.solo]\nshares = 1\nparent = \"solo\"\n"),
        "p.toml:3: the account tree has a cycle: solo -> solo (every account must lead up to `root`)"
    );
}

#[test]
fn unknown_parents_are_refused_with_a_suggestion() {
    assert_eq!(
        only_error("[accounts.research]\n[accounts.vision]\nparent = \"reserch\"\n"),
        "p.toml:3: `parent` in [accounts.vision] names account `reserch`, which is not defined; \
         did you mean `research`? (defined: root, research, vision)"
    );
}

#[test]
fn root_cannot_be_defined() {
    assert_eq!(
        only_error("[accounts.root]\nshares = 5\n"),
        "p.toml:1: `root` in [accounts]: \"root\" is the implicit top of the account tree and \
         cannot be defined; leave out `parent` to put an account directly under it (accepted: \
         any other account name)"
    );
}

#[test]
fn unknown_qos_and_accounts_are_refused_where_they_are_named() {
    let text = r#"
[partitions.gpu]
nodes = ["*"]
allowed_qos = [
  "normal",
  "hihg",
]
allowed_accounts = ["ml"]

[qos.normal]
default = true
preempt = ["scavenger"]

[qos.high]

[accounts.research]
default_qos = "premium"

[users.alice]
account = "research"
additional_accounts = ["nlp"]
default_qos = "gold"

[user_defaults]
account = "guests"
"#;
    assert_eq!(
        errors(text),
        [
            "p.toml:6: `allowed_qos` in [partitions.gpu] names QoS `hihg`, which is not defined; did you mean `high`? (defined: high, normal)",
            "p.toml:8: `allowed_accounts` in [partitions.gpu] names account `ml`, which is not defined (defined: root, research)",
            "p.toml:12: `preempt` in [qos.normal] names QoS `scavenger`, which is not defined (defined: high, normal)",
            "p.toml:17: `default_qos` in [accounts.research] names QoS `premium`, which is not defined (defined: high, normal)",
            "p.toml:21: `additional_accounts` in [users.alice] names account `nlp`, which is not defined (defined: root, research)",
            "p.toml:22: `default_qos` in [users.alice] names QoS `gold`, which is not defined (defined: high, normal)",
            "p.toml:25: `account` in [user_defaults] names account `guests`, which is not defined (defined: root, research)",
        ]
    );
}

#[test]
fn preemption_cycles_and_self_preemption_are_refused() {
    let text = "[qos.a]\ndefault = true\npreempt = [\"b\"]\n[qos.b]\npreempt = [\"c\"]\n[qos.c]\npreempt = [\"a\", \"c\"]\n";
    assert_eq!(
        errors(text),
        [
            "p.toml:3: QoS preemption has a cycle: a -> b -> c -> a (a QoS may not preempt, directly or through others, one that preempts it)",
            "p.toml:7: [qos.c]: QoS `c` lists itself in `preempt`; a QoS may only preempt other QoS",
        ]
    );
}

#[test]
fn preempt_mode_is_requeue_or_cancel() {
    assert_eq!(
        only_error("[qos.normal]\npreempt_mode = \"suspend\"\n"),
        "p.toml:2: `preempt_mode` in [qos.normal]: \"suspend\" is not a preemption mode (accepted: \"requeue\" or \"cancel\")"
    );
    let p = valid("[qos.normal]\ndefault = true\n[qos.low]\npreempt_mode = \"cancel\"\n");
    assert_eq!(p.qos["low"].preempt_mode, PreemptMode::Cancel);
    assert_eq!(
        p.qos["normal"].preempt_mode,
        PreemptMode::Requeue,
        "the default"
    );
}

#[test]
fn exactly_one_default_partition_and_qos() {
    assert_eq!(
        errors("[partitions.a]\nnodes = [\"a*\"]\ndefault = true\n[partitions.b]\nnodes = [\"b*\"]\ndefault = true\n"),
        ["p.toml:6: [partitions.b]: `default = true` here and in [partitions.a]; only one partition may be the default"]
    );
    assert_eq!(
        errors("[qos.low]\n[qos.high]\n"),
        ["p.toml:1: [qos]: 2 QoS and none has `default = true`; mark one of: high, low"]
    );
    assert_eq!(
        errors("[partitions]\n"),
        ["p.toml:1: [partitions]: defines no partition; at least one is needed"]
    );
    let p = valid("[partitions.only]\nnodes = [\"*\"]\n");
    assert!(
        p.partitions["only"].is_default,
        "a lone partition is the default"
    );
}

#[test]
fn partition_times_and_nodes_must_make_sense() {
    assert_eq!(
        errors("[partitions.gpu]\nnodes = [\"dgx[01-16]\", \"\"]\ndefault_time = \"2d\"\nmax_time = \"1d\"\n[partitions.cpu]\ndefault = true\n"),
        [
            "p.toml:2: `nodes` in [partitions.gpu]: \"\" is not a node name pattern (accepted: node names where `*` matches any run of characters and `?` one character, like \"gpu-*\", \"dgx-0?\" or \"*\" (Slurm host lists like \"dgx[01-16]\" are not accepted))",
            "p.toml:2: `nodes` in [partitions.gpu]: \"dgx[01-16]\" is not a node name pattern (accepted: node names where `*` matches any run of characters and `?` one character, like \"gpu-*\", \"dgx-0?\" or \"*\" (Slurm host lists like \"dgx[01-16]\" are not accepted))",
            "p.toml:3: [partitions.gpu]: `default_time` (2d) is longer than `max_time` (1d); it must be at most `max_time`",
            "p.toml:5: [partitions.cpu] needs `nodes`: the nodes that belong to it: `nodes = [\"gpu-*\"]` (name patterns, `[\"*\"]` for all nodes) and/or `node_labels = { rack = \"r1\" }`",
        ]
    );
    let p = valid("[partitions.short]\nnode_labels = { pool = \"short\" }\nmax_time = \"20m\"\n");
    assert_eq!(
        p.partitions["short"].default_time_secs, 1_200,
        "default capped at max_time"
    );
}

#[test]
fn backfill_window_holds_at_least_one_step() {
    assert_eq!(
        only_error("[backfill]\nwindow = \"30s\"\nresolution = \"1m\"\n"),
        "p.toml:2: [backfill]: `window` (30s) is shorter than `resolution` (1m); the window must hold at least one step"
    );
}

#[test]
fn default_qos_must_be_allowed_by_its_account() {
    let text = "[qos.normal]\ndefault = true\n[qos.high]\n[accounts.research]\nallowed_qos = [\"normal\"]\n[accounts.vision]\nparent = \"research\"\ndefault_qos = \"high\"\n[users.bob]\naccount = \"vision\"\ndefault_qos = \"high\"\n";
    assert_eq!(
        errors(text),
        [
            "p.toml:8: [accounts.vision]: `default_qos` is `high`, which account `vision` does not allow (allowed: normal)",
            "p.toml:11: [users.bob]: `default_qos` is `high`, which account `vision` does not allow (allowed: normal)",
        ]
    );
}

#[test]
fn names_must_be_plain() {
    assert_eq!(
        only_error("[qos.\"my qos\"]\npriority = 1\n"),
        "p.toml:1: `my qos` in [qos]: \"my qos\" is not a valid name (accepted: 1 to 64 characters from A-Z a-z 0-9 _ - . @, starting with a letter or digit)"
    );
    assert_eq!(
        only_error("[partitions.gpu]\nnodes = [\"*\"]\nallowed_qos = [\"-x\"]\n"),
        "p.toml:3: `allowed_qos` in [partitions.gpu]: \"-x\" is not a valid name (accepted: 1 to 64 characters from A-Z a-z 0-9 _ - . @, starting with a letter or digit)"
    );
}

#[test]
fn all_errors_are_collected_in_line_order() {
    let text =
        "[users.alice]\nshares = -1\n\n[scheduler]\nmax_jobs = 3\n\n[priority]\nmax_age = \"1y\"\n";
    let all = errors(text);
    let lines: Vec<&str> = all
        .iter()
        .map(|e| e.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(lines, ["p.toml:2", "p.toml:5", "p.toml:8"]);
    let summary = parse(text).expect_err("invalid").to_string();
    assert!(
        summary.starts_with("3 errors in policy file\n  p.toml:2: "),
        "{summary}"
    );
}

#[test]
fn a_failing_file_yields_no_policy_and_the_same_errors_every_time() {
    let bad = "[qos.high]\nmax_gpu = 8\n[accounts.a]\nparent = \"b\"\n";
    let first = parse(bad).expect_err("invalid");
    let second = parse(bad).expect_err("invalid");
    assert_eq!(first, second);
    assert_eq!(first.len(), 2);
}

#[test]
fn unlisted_users_can_be_refused() {
    let p = valid(
        "[accounts.lab]\n[users.ann]\naccount = \"lab\"\n[user_defaults]\nallow_unlisted = false\n",
    );
    assert_eq!(p.account_of_user("ann"), Some("lab"));
    assert_eq!(p.account_of_user("mallory"), None);
    assert!(!p.may_charge("mallory", "root"));
}

#[test]
fn users_without_an_account_use_the_default_account() {
    let p =
        valid("[accounts.lab]\n[users.ann]\nmax_gpus = 4\n[user_defaults]\naccount = \"lab\"\n");
    assert_eq!(p.users["ann"].account, "lab");
    assert_eq!(p.user_limits("ann").max_gpus, Some(4));
}

const EXAMPLE: &str = include_str!("../../examples/policy.toml");

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Any edit of one line of the example gives a policy or errors that point into the file;
    /// never a panic.
    #[test]
    fn edited_example_never_panics(line_index in 0usize..260, replacement in "[ -~]{0,40}") {
        let mut lines: Vec<&str> = EXAMPLE.lines().collect();
        let at = line_index % lines.len();
        lines[at] = &replacement;
        let text = lines.join("\n");
        if let Err(errors) = parse(&text) {
            proptest::prop_assert!(!errors.is_empty());
            for e in &errors {
                proptest::prop_assert!(e.line >= 1 && e.line as usize <= lines.len(), "{e}");
            }
        }
    }

    /// Arbitrary text never panics either.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }
}
