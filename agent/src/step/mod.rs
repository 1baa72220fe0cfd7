//! Job steps: the tasks `srun` launches inside a job. `service` is the agent's `Step` gRPC
//! server that starts a step's tasks on this node; `registry` remembers their process groups so
//! that a job that is no longer assigned here loses its tasks too.

pub mod registry;
pub mod service;
