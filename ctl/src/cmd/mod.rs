//! One module per `corral` command.

pub mod not_built;
pub mod policy;
pub mod sim;
pub mod submit;
