//! Test support: scheduler clusters on loopback with ephemeral ports, a client that finds the
//! leader, waits that poll until a deadline.

#![allow(dead_code)]

pub mod client;
pub mod cluster;
pub mod nodes;
pub mod scratch;

use std::future::Future;
use std::time::{Duration, Instant};

/// How long any one condition may take on a busy 2-core machine.
pub const DEADLINE: Duration = Duration::from_secs(30);
/// Pause between two looks at a condition.
pub const POLL: Duration = Duration::from_millis(20);

/// Polls `check` until it yields a value, or panics naming `what` after `DEADLINE`.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out after {DEADLINE:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}
