//! The committed generated code matches `proto/corral.proto` (only with feature `codegen`:
//! `cargo test -p corral-proto --features codegen`).
#![cfg(feature = "codegen")]

#[test]
fn committed_code_matches_the_proto_file() {
    let out = std::env::temp_dir().join(format!("corral-proto-gen-{}", std::process::id()));
    std::fs::create_dir_all(&out).expect("create temp dir");
    corral_proto::codegen::generate(&out).expect("generate");
    let fresh = std::fs::read_to_string(out.join("corral.v1.rs")).expect("read fresh");
    let committed =
        std::fs::read_to_string(corral_proto::codegen::committed_dir().join("corral.v1.rs"))
            .expect("read committed");
    let _ = std::fs::remove_dir_all(&out);
    assert!(
        fresh == committed,
        "src/generated/corral.v1.rs is stale: run `cargo run -p corral-proto --features codegen --example generate`"
    );
}
