//! Corral's wire API: `proto/corral.proto`, the tonic/prost code generated from it (committed in
//! `src/generated/`, so a build needs no `protoc`), and conversions between its messages and
//! `corral-model` types.
//!
//! Complex model types (`JobSpec`, `Job`, `Node`, `NodeSpec`) travel as JSON in `bytes *_json`
//! fields, beside a few summary fields; the model stays the single definition of them.
//!
//! Module map: `v1` (generated messages, clients, servers), `convert` (model ↔ messages),
//! `caller` (the OS user a request is made as),
//! `connect` (reaching the leader from a list of addresses), `leader` (how a follower names the leader in a status, and how a client reads it),
//! `codegen` (feature `codegen` only: regenerating `src/generated`).

pub mod caller;
pub mod connect;
pub mod convert;
pub mod leader;

#[cfg(feature = "codegen")]
pub mod codegen;

/// Version 1 of the API: messages, `*_client` and `*_server` modules (generated; do not edit).
#[allow(clippy::all, missing_docs)]
pub mod v1 {
    include!("generated/corral.v1.rs");
}

pub use convert::ConvertError;
