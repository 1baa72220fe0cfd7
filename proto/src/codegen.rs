//! Regenerating `src/generated/` from `proto/corral.proto` with the vendored `protoc` from the
//! `protoc-bin-vendored` crate (no system protoc). Only built with feature `codegen`.

use std::path::{Path, PathBuf};

/// Where the committed generated code lives.
pub fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated")
}

/// Writes the generated code for `proto/corral.proto` into `out_dir`.
pub fn generate(out_dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    let mut config = tonic_build::Config::new();
    config.protoc_executable(protoc);
    tonic_build::configure()
        .build_transport(true)
        .emit_rerun_if_changed(false)
        .out_dir(out_dir)
        .compile_protos_with_config(
            config,
            &[crate_dir.join("proto/corral.proto")],
            &[crate_dir.join("proto")],
        )?;
    Ok(())
}
