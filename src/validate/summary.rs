//! What `evdef validate` saw: where a line is ([`LinePos`]), the counts of a run ([`Summary`], by event and
//! by error kind) and the running tally the streaming loop keeps without allocating per line.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::{EventRef, LineVerdict, Status};

/// Where a line is: the input it came from and its 1-based physical line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePos {
    /// Index into the inputs.
    pub input: usize,
    /// 1-based line number in that input.
    pub line: u64,
}

/// Counts for one event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EventCounts {
    /// Valid lines.
    pub valid: u64,
    /// Invalid lines.
    pub invalid: u64,
}

/// What the loop saw.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Physical lines read (empty lines included).
    pub lines: u64,
    /// Valid lines (warnings included, empty lines not).
    pub valid: u64,
    /// Invalid lines.
    pub invalid: u64,
    /// Empty lines.
    pub empty: u64,
    /// Lines accepted with a warning.
    pub warnings: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Lines by event name (`<unknown>` for names not in the catalog, `<none>` when no name was read).
    pub by_event: BTreeMap<String, EventCounts>,
    /// Errors by kind (a line may count under several kinds).
    pub by_kind: BTreeMap<&'static str, u64>,
    /// Where `--max-errors` stopped the run.
    #[serde(skip)]
    pub stopped_at: Option<LinePos>,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl Summary {
    /// Lines per second.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.lines as f64 / secs
        } else {
            0.0
        }
    }
}

/// Running counts, by event index rather than name (no allocation per line).
pub(super) struct Tally {
    pub(super) summary: Summary,
    known: Vec<EventCounts>,
    unknown: EventCounts,
    nameless: EventCounts,
}

impl Tally {
    pub(super) fn new(events: usize) -> Self {
        Tally {
            summary: Summary::default(),
            known: vec![EventCounts::default(); events],
            unknown: EventCounts::default(),
            nameless: EventCounts::default(),
        }
    }

    pub(super) fn add(&mut self, raw_len: usize, verdict: &LineVerdict) {
        let s = &mut self.summary;
        s.lines += 1;
        s.bytes += raw_len as u64;
        let counts = match &verdict.event {
            EventRef::Known(i) => self.known.get_mut(*i),
            EventRef::Unknown(_) => Some(&mut self.unknown),
            EventRef::None => Some(&mut self.nameless),
        };
        match verdict.status {
            Status::Empty => s.empty += 1,
            Status::Valid | Status::Warning => {
                s.valid += 1;
                if verdict.status == Status::Warning {
                    s.warnings += 1;
                }
                if let Some(c) = counts {
                    c.valid += 1;
                }
            }
            Status::Invalid => {
                s.invalid += 1;
                if let Some(c) = counts {
                    c.invalid += 1;
                }
                let mut kinds: Vec<&'static str> = verdict.errors.iter().map(|e| e.kind).collect();
                kinds.sort_unstable();
                kinds.dedup();
                for kind in kinds {
                    *s.by_kind.entry(kind).or_default() += 1;
                }
            }
        }
    }

    pub(super) fn finish(mut self, names: &[String], start: Instant) -> Summary {
        for (name, counts) in names.iter().zip(&self.known) {
            if counts.valid + counts.invalid > 0 {
                self.summary.by_event.insert(name.clone(), *counts);
            }
        }
        for (name, counts) in [("<unknown>", self.unknown), ("<none>", self.nameless)] {
            if counts.valid + counts.invalid > 0 {
                self.summary.by_event.insert(name.into(), counts);
            }
        }
        self.summary.elapsed = start.elapsed();
        self.summary
    }
}
