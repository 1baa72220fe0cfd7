//! A progress bar on stderr for long replays: drawn only when stderr is a terminal, and only
//! after the work has taken a second, so short runs and pipes stay clean.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const SHOW_AFTER: Duration = Duration::from_secs(1);
const BAR_WIDTH: usize = 30;

pub struct Progress {
    what: &'static str,
    unit: &'static str,
    started: Instant,
    enabled: bool,
    shown: bool,
    last_percent: Option<usize>,
}

impl Progress {
    /// `what` names the work (`replay`), `unit` what is counted (`jobs`).
    pub fn new(what: &'static str, unit: &'static str) -> Progress {
        Progress {
            what,
            unit,
            started: Instant::now(),
            enabled: std::io::stderr().is_terminal(),
            shown: false,
            last_percent: None,
        }
    }

    /// Redraws the bar when the percentage changed and the work has run past a second.
    pub fn update(&mut self, done: usize, total: usize) {
        if !self.enabled || self.started.elapsed() < SHOW_AFTER {
            return;
        }
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if self.last_percent == Some(percent) {
            return;
        }
        self.last_percent = Some(percent);
        self.shown = true;
        let filled = BAR_WIDTH * percent.min(100) / 100;
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(BAR_WIDTH - filled));
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r{} [{bar}] {percent:>3}% {done}/{total} {} ({}s)",
            self.what,
            self.unit,
            self.started.elapsed().as_secs()
        );
        let _ = err.flush();
    }

    /// Ends the bar's line, if one was drawn.
    pub fn finish(&mut self) {
        if self.shown {
            eprintln!();
            self.shown = false;
        }
    }
}
