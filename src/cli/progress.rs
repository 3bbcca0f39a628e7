//! `evdef validate`'s progress line on stderr: only on a terminal, only once a run has lasted a second.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// A progress line on stderr, only on a terminal and only once a run has lasted a second.
pub(super) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: Option<u64>,
    start: Instant,
    bytes: u64,
    lines: u64,
}

impl Progress {
    pub(super) fn new(total: Option<u64>) -> Progress {
        Progress {
            bar: None,
            total,
            start: Instant::now(),
            bytes: 0,
            lines: 0,
        }
    }

    pub(super) fn advance(&mut self, bytes: usize) {
        self.bytes += bytes as u64;
        self.lines += 1;
        if !self.lines.is_multiple_of(4096) {
            return;
        }
        if self.bar.is_none()
            && self.start.elapsed() > Duration::from_secs(1)
            && std::io::stderr().is_terminal()
        {
            let bar = match self.total {
                Some(total) => indicatif::ProgressBar::new(total).with_style(
                    indicatif::ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                ),
                None => indicatif::ProgressBar::new_spinner().with_style(
                    indicatif::ProgressStyle::with_template("{spinner} {bytes} {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                ),
            };
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes);
            let rate = self.lines as f64 / self.start.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!("{} lines, {rate:.0} lines/s", self.lines));
        }
    }

    pub(super) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
