//! Regenerates `src/generated/corral.v1.rs` from `proto/corral.proto` with a vendored `protoc`
//! (no system protoc needed). Run by hand after changing the .proto, and commit the result:
//!
//! ```text
//! cargo run -p corral-proto --features codegen --example generate
//! ```
//!
//! `tests/generated_is_fresh.rs` (same feature) checks that the committed code matches.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = corral_proto::codegen::committed_dir();
    corral_proto::codegen::generate(&out_dir)?;
    println!("wrote {}", out_dir.display());
    Ok(())
}
