//! Data-driven scheduling fixtures: every `tests/fixtures/*.txt` is a small cluster, a queue and
//! the plan expected from one pass (format in `common/mod.rs`). Adding a case = adding a file.

mod common;

#[test]
fn every_fixture_gives_its_expected_plan() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "fixtures missing from {dir}");
    let mut failures = Vec::new();
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let fixture = common::load(&name, &std::fs::read_to_string(path).unwrap());
        assert!(!fixture.expects.is_empty(), "{name} expects nothing");
        let plan = common::run(&fixture);
        assert_eq!(
            plan,
            common::run(&fixture),
            "{name}: same input, different plan"
        );
        failures.extend(common::check(&fixture, &plan));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
