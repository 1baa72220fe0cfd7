//! Corral's wire API between the CLI, the schedulers and the agents. Not built yet (issue 5).
