//! One module per `corral` command.

pub mod cancel;
pub mod cluster;
pub mod completions;
pub mod down;
pub mod drain;
pub mod explain;
pub mod history;
pub mod install_aliases;
pub mod nodes;
pub mod policy;
pub mod prio;
pub mod queue;
pub mod resume;
pub mod share;
pub mod show;
pub mod sim;
pub mod submit;
pub mod up;
