//! Test support: an in-memory network, scratch directories, a cluster of `RaftNode`s, commands.

#![allow(dead_code)]

pub mod cluster;
pub mod commands;
pub mod router;
pub mod scratch;
