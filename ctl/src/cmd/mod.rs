//! One module per `corral` command.

pub mod cancel;
pub mod cluster;
pub mod down;
pub mod drain;
pub mod history;
pub mod nodes;
pub mod not_built;
pub mod policy;
pub mod queue;
pub mod resume;
pub mod show;
pub mod sim;
pub mod submit;
pub mod up;
