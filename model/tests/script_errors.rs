//! Every way a batch script or its options can be refused, with the message the user sees: it
//! names where (line or command line), what was found, and what would be accepted.

use corral_model::script::{
    parse_script, parse_wrap, split_submit_args, Origin, ScriptError, ScriptWarning,
    MAX_SCRIPT_BYTES,
};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The error for a script made of `#!/bin/bash`, `directives` and one command.
fn directive_error(directives: &str) -> String {
    let script = format!("#!/bin/bash\n{directives}\nsrun hostname\n");
    match parse_script(script.as_bytes(), &[]) {
        Ok(parsed) => panic!("accepted {directives:?}: {:?}", parsed.spec),
        Err(err) => err.to_string(),
    }
}

fn script_error(bytes: &[u8]) -> ScriptError {
    parse_script(bytes, &[]).expect_err("refused")
}

#[test]
fn empty_whitespace_binary_non_utf8_and_oversized_scripts() {
    assert_eq!(script_error(b"").to_string(), "the script is empty");
    assert_eq!(
        script_error(b" \n\n\t\n").to_string(),
        "the script contains only whitespace"
    );
    assert_eq!(
        script_error(b"#!/bin/bash\necho \0hi\n").to_string(),
        "the script looks like a binary file: NUL byte on line 2 (byte offset 17); a batch \
         script must be text"
    );
    assert_eq!(
        script_error(b"#!/bin/bash\n#SBATCH -J \xff\xfe\n").to_string(),
        "the script is not UTF-8 text: invalid byte on line 2 (byte offset 23); a batch script \
         must be UTF-8 text"
    );
    let mut big = b"#!/bin/bash\n".to_vec();
    big.resize(MAX_SCRIPT_BYTES + 1, b'#');
    assert_eq!(
        script_error(&big).to_string(),
        "the script is 1048577 bytes; the limit is 1048576 bytes (1 MiB)"
    );
    let mut at_limit = b"#!/bin/bash\ntrue\n".to_vec();
    at_limit.resize(MAX_SCRIPT_BYTES, b'\n');
    assert!(parse_script(&at_limit, &[]).is_ok());
}

#[test]
fn dos_line_breaks_are_refused_saying_so() {
    let err = script_error(b"#!/bin/bash\n#SBATCH -t 5\r\necho hi\r\n");
    assert_eq!(err, ScriptError::DosLineBreaks { line: 2 });
    let message = err.to_string();
    assert!(
        message.starts_with("line 2 ends with a DOS line break (\\r\\n)"),
        "{message}"
    );
    assert!(message.contains("sbatch refuses these too"), "{message}");
    assert!(message.contains("dos2unix"), "{message}");
}

#[test]
fn the_first_line_must_be_a_shebang() {
    assert_eq!(
        script_error(b"echo hi\n").to_string(),
        "line 1 must start with #! and the path of an interpreter (for instance #!/bin/bash); \
         found `echo hi`"
    );
    assert!(matches!(
        script_error(b" #!/bin/bash\ntrue\n"),
        ScriptError::NoShebang { .. }
    ));
}

#[test]
fn bad_times_name_the_line_the_text_and_the_forms() {
    let accepted = "(accepted: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED, INFINITE, 0, \
                    -1 for no limit)";
    assert_eq!(
        directive_error("#SBATCH -J x\n#SBATCH --time=90min"),
        format!("line 3: --time=90min: `90min` is not a time {accepted}")
    );
    assert_eq!(
        directive_error("#SBATCH -t 1:2:3:4"),
        format!("line 2: -t 1:2:3:4: `1:2:3:4` has 4 `:`-separated parts; at most 3 {accepted}")
    );
    assert_eq!(
        directive_error("#SBATCH --time 1:-5:00"),
        format!("line 2: --time=1:-5:00: `1:-5:00` has a negative part {accepted}")
    );
}

#[test]
fn zero_and_negative_gpu_counts() {
    let cases = [
        (
            "#SBATCH --gres=gpu:0",
            "line 2: --gres=gpu:0: `gpu:0` asks for zero GPUs",
        ),
        (
            "#SBATCH --gres=gpu:a100:-1",
            "line 2: --gres=gpu:a100:-1: `gpu:a100:-1` asks for a negative number of GPUs",
        ),
        (
            "#SBATCH --gpus=0",
            "line 2: --gpus=0: `0` asks for zero GPUs",
        ),
        (
            "#SBATCH -G -2",
            "line 2: -G -2: `-2` asks for a negative number of GPUs",
        ),
        (
            "#SBATCH --gpus-per-node=0",
            "line 2: --gpus-per-node=0: `0` asks for zero GPUs",
        ),
        ("#SBATCH --gpus-per-task=h100:0", "asks for zero GPUs"),
    ];
    for (directive, expected) in cases {
        let message = directive_error(directive);
        assert!(message.contains(expected), "{message}");
        assert!(message.contains("(accepted: "), "{message}");
    }
}

#[test]
fn arrays_are_bounded_and_say_so() {
    let message = directive_error("#SBATCH --array=0-100000");
    assert!(
        message.starts_with(
            "line 2: --array=0-100000: `0-100000` has 100001 tasks; an array may have at most \
             100000 (accepted: "
        ),
        "{message}"
    );
    assert!(directive_error("#SBATCH -a 10-1").contains("`10-1` is a reversed range (10 > 1)"));
}

#[test]
fn other_invalid_values_name_line_text_and_forms() {
    let cases = [
        ("#SBATCH --mem=1.5G", "line 2: --mem=1.5G: `1.5G` is not a size: unknown unit `.5G` (accepted: a whole number with an optional unit K, M, G or T"),
        ("#SBATCH -N 4-2", "line 2: -N 4-2: `4-2`: the maximum 2 is less than the minimum 4 (accepted: N or MIN-MAX"),
        ("#SBATCH -n 0", "line 2: -n 0: 0 is not a count (accepted: a whole number of at least 1)"),
        ("#SBATCH -d afterok:1,afterany:2?after:3", "`afterok:1,afterany:2?after:3` mixes `,` (all) and `?` (any); use one of them (accepted: TYPE:JOBID"),
        ("#SBATCH --signal=B:FOO@60", "line 2: --signal=B:FOO@60: `B:FOO@60`: `FOO` is not a signal (accepted: [B:]SIG[@SECS]"),
        ("#SBATCH -C 'a100&&nvlink'", "expected a feature at position 6, found `&`"),
        ("#SBATCH --begin=16:00", "`16:00` is not a supported begin time (accepted: now, now+N"),
        ("#SBATCH --export=1BAD=x", "`1BAD` is not an environment variable name"),
        ("#SBATCH --mail-type=SOMETIMES", "`SOMETIMES` is not a mail type (accepted: a comma-separated list of NONE, BEGIN"),
        ("#SBATCH -w node[3-1]", "`node[3-1]`: `3-1` is a reversed range"),
        ("#SBATCH -J ''", "line 2: -J : empty value (accepted: a non-empty text)"),
        ("#SBATCH --exclusive=user", "--exclusive=user is not supported (accepted: --exclusive alone"),
    ];
    for (directive, expected) in cases {
        let message = directive_error(directive);
        assert!(message.contains(expected), "{directive}: {message}");
    }
}

#[test]
fn malformed_directives() {
    assert_eq!(
        directive_error("#SBATCH --comment=\"open"),
        "line 2: unmatched \" quote in `--comment=\"open`"
    );
    assert_eq!(
        directive_error("#SBATCH --nice 5"),
        "line 2: `5` is not an option (options start with - or --; an optional value is given \
         with =, as in --nice=5)"
    );
    assert_eq!(
        directive_error("#SBATCH --cpus=2"),
        "line 2: --cpus is ambiguous: it could be --cpus-per-task, --cpus-per-gpu"
    );
    assert!(directive_error("#SBATCH -t").starts_with("line 2: -t needs a value (accepted: M, "));
    assert_eq!(
        directive_error("#SBATCH --requeue=yes"),
        "line 2: --requeue takes no value, but was given `yes` (accepted: --requeue)"
    );
    assert_eq!(
        directive_error("#SBATCH --wrap 'echo hi'"),
        "line 2: --wrap is accepted only on the command line, not in a script"
    );
    assert_eq!(
        directive_error("#SBATCH --hold"),
        "line 2: --hold is not supported by Corral yet, and ignoring it would change what the \
         job does"
    );
}

#[test]
fn options_that_exclude_each_other() {
    assert_eq!(
        directive_error("#SBATCH --mem=4G\n#SBATCH --mem-per-cpu=2G"),
        "--mem-per-cpu (line 3) and --mem (line 2) exclude each other: give memory per node, \
         per CPU or per GPU, not two of them"
    );
    assert_eq!(
        directive_error("#SBATCH --gres=gpu:2\n#SBATCH --gpus-per-node=4"),
        "--gpus-per-node (line 3) and --gres (line 2) exclude each other: both give the GPUs \
         per node; give one of them"
    );
    let err = parse_script(
        b"#!/bin/bash\ntrue\n",
        &args(&["--mem=1G", "--mem-per-gpu=1G", "-G", "1"]),
    )
    .expect_err("conflict");
    assert!(err
        .to_string()
        .starts_with("--mem-per-gpu (command line) and --mem (command line)"));
}

#[test]
fn mixes_sbatch_refuses_and_mixed_gpu_models() {
    assert_eq!(
        directive_error("#SBATCH --gpus-per-task=1"),
        "--gpus-per-task (line 2): GPUs per task need a task count: add -n/--ntasks (or \
         -G/--gpus); sbatch refuses this too"
    );
    assert!(directive_error("#SBATCH --mem-per-gpu=8G")
        .starts_with("--mem-per-gpu (line 2): memory per GPU, but no GPUs asked for"));
    assert_eq!(
        directive_error("#SBATCH --gres=gpu:a100:2\n#SBATCH -G h100:4"),
        "--gres (line 2): the GPU options name different models (h100 and a100); Corral \
         places one GPU model per job"
    );
}

#[test]
fn command_line_errors_say_command_line() {
    let err = parse_script(b"#!/bin/bash\ntrue\n", &args(&["--time=90min"])).expect_err("bad");
    assert!(err
        .to_string()
        .starts_with("command line: --time=90min: `90min` is not a time"));
    let err = parse_script(b"#!/bin/bash\ntrue\n", &args(&["--frobnicate"])).expect_err("bad");
    assert_eq!(
        err.to_string(),
        "command line: unknown option --frobnicate (see `corral submit --help` for the options)"
    );
    let err = parse_script(b"#!/bin/bash\ntrue\n", &args(&["extra"])).expect_err("bad");
    assert!(matches!(
        err,
        ScriptError::StrayWord {
            origin: Origin::CommandLine,
            ..
        }
    ));
}

#[test]
fn wrap_and_script_arguments() {
    assert_eq!(
        split_submit_args(&args(&["--wrap", "hostname", "job.sh"])).expect_err("both"),
        ScriptError::WrapAndScript
    );
    assert_eq!(
        split_submit_args(&args(&["-N", "2"])).expect_err("none"),
        ScriptError::NoScript
    );
    assert!(parse_wrap("  ", &[])
        .expect_err("empty")
        .to_string()
        .contains("--wrap needs a value"));
    let split = split_submit_args(&args(&[
        "-N", "2", "job.sh", "--time=5", "data", "--", "-x",
    ]))
    .expect("valid");
    assert_eq!(split.script.as_deref(), Some("job.sh"));
    assert_eq!(split.options, args(&["-N", "2", "--time=5"]));
    assert_eq!(split.script_args, args(&["data", "-x"]));
}

#[test]
fn unknown_directives_only_warn() {
    let parsed = parse_script(b"#!/bin/bash\n#SBATCH --frobnicate=3 -t 5\ntrue\n", &[])
        .expect("unknown directives do not fail");
    assert_eq!(parsed.spec.time_limit.secs(), Some(300));
    assert_eq!(
        parsed.warnings,
        vec![ScriptWarning::UnknownOption {
            origin: Origin::Line(2),
            option: "--frobnicate".into()
        }]
    );
    assert_eq!(
        parsed.warnings[0].to_string(),
        "line 2: unknown option --frobnicate: ignored"
    );
}
