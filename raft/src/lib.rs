//! Corral's replicated log and state machine. Not built yet (issue 5): this crate only holds its
//! place in the workspace so that the dependency rules of `DESIGN.md` §2 are checked from day one.
