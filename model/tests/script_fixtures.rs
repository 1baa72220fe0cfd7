//! Data-driven batch-script tests: every `tests/scripts/NAME.sh` is parsed (with the command-line
//! options in `NAME.args`, one per line, if that file exists) and compared with
//! `NAME.expected.json`: `{"shell": ..., "spec": <the JobSpec as JSON>, "warnings": [...]}`.
//! Adding a fixture is adding two files. `CORRAL_BLESS=1 cargo test --test script_fixtures`
//! writes missing expected files from the current parser, for review before they are committed.

use corral_model::script::parse_script;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts")
}

fn scripts() -> Vec<PathBuf> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("tests/scripts exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "sh"))
        .collect();
    scripts.sort();
    scripts
}

fn cli_args(script: &Path) -> Vec<String> {
    std::fs::read_to_string(script.with_extension("args"))
        .map(|text| text.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

fn actual(script: &Path) -> Value {
    let bytes = std::fs::read(script).expect("readable fixture");
    let parsed = parse_script(&bytes, &cli_args(script))
        .unwrap_or_else(|err| panic!("{}: {err}", script.display()));
    let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    json!({ "shell": parsed.shell, "spec": parsed.spec, "warnings": warnings })
}

#[test]
fn every_fixture_parses_to_its_expected_job() {
    let scripts = scripts();
    assert!(scripts.len() >= 20, "only {} fixtures", scripts.len());
    let bless = std::env::var_os("CORRAL_BLESS").is_some();
    let mut failures = Vec::new();
    for script in &scripts {
        let expected_path = script.with_extension("expected.json");
        let actual = actual(script);
        let pretty = serde_json::to_string_pretty(&actual).expect("serialisable") + "\n";
        match std::fs::read_to_string(&expected_path) {
            Ok(text) => {
                let expected: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|err| panic!("{}: {err}", expected_path.display()));
                if expected != actual {
                    failures.push(format!("{}: got\n{pretty}", script.display()));
                }
            }
            Err(_) if bless => std::fs::write(&expected_path, pretty).expect("writable"),
            Err(_) => failures.push(format!(
                "{}: no expected file; got\n{pretty}",
                script.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_expected_file_has_its_script() {
    for entry in std::fs::read_dir(fixtures_dir()).expect("tests/scripts exists") {
        let path = entry.expect("readable directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if let Some(stem) = name
            .strip_suffix(".expected.json")
            .or_else(|| name.strip_suffix(".args"))
        {
            assert!(
                fixtures_dir().join(format!("{stem}.sh")).exists(),
                "{name} has no script"
            );
        }
    }
}

#[test]
fn the_expected_spec_round_trips_through_serde() {
    // The JSON is the spec's serde form: reading it back gives the same spec.
    for script in scripts() {
        let bytes = std::fs::read(&script).expect("readable fixture");
        let parsed = parse_script(&bytes, &cli_args(&script)).expect("valid fixture");
        let text = serde_json::to_string(&parsed.spec).expect("serialisable");
        let back: corral_model::JobSpec = serde_json::from_str(&text).expect("deserialisable");
        assert_eq!(back, parsed.spec, "{}", script.display());
    }
}
