//! The streaming loop of `evdef validate`: read NDJSON as raw bytes in batches bounded by size, validate a
//! batch on `jobs` threads, and hand every line with its verdict to a [`Sink`] in input order. Memory is
//! bounded by the batch size plus the longest line, never by the input size.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::{EventRef, LineVerdict, Status, Validator};
use crate::Error;

/// A batch is sent on once it holds this many bytes (a longer line makes a batch of its own).
const BATCH_BYTES: usize = 512 * 1024;
/// ... or this many lines.
const BATCH_LINES: usize = 4096;

/// One input stream.
pub struct Input {
    /// Display name (a file path, or `<stdin>`).
    pub name: String,
    /// The bytes.
    pub reader: Box<dyn Read + Send>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// How to run the loop.
#[derive(Debug, Clone, Copy)]
pub struct StreamOptions {
    /// Validating threads (1: everything on the calling thread).
    pub jobs: usize,
    /// Stop after this many invalid lines.
    pub max_errors: Option<u64>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            jobs: 1,
            max_errors: None,
        }
    }
}

/// Where a line is: the input it came from and its 1-based physical line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePos {
    /// Index into the inputs.
    pub input: usize,
    /// 1-based line number in that input.
    pub line: u64,
}

/// Receives every line, in input order, with its verdict. The CLI implements it to print and split.
pub trait Sink {
    /// One line: `raw` is exactly the bytes read, line ending included.
    fn line(&mut self, pos: LinePos, raw: &[u8], verdict: &LineVerdict) -> Result<(), Error>;
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
struct Tally {
    summary: Summary,
    known: Vec<EventCounts>,
    unknown: EventCounts,
    nameless: EventCounts,
}

impl Tally {
    fn new(events: usize) -> Self {
        Tally {
            summary: Summary::default(),
            known: vec![EventCounts::default(); events],
            unknown: EventCounts::default(),
            nameless: EventCounts::default(),
        }
    }

    fn add(&mut self, raw_len: usize, verdict: &LineVerdict) {
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

    fn finish(mut self, names: &[String], start: Instant) -> Summary {
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

/// A run of consecutive lines of one input.
struct Batch {
    input: usize,
    first_line: u64,
    data: Vec<u8>,
    /// End offset of each line in `data` (the start is the previous end).
    ends: Vec<usize>,
}

impl Batch {
    fn lines(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let line = &self.data[start..end];
            start = end;
            line
        })
    }
}

/// The input being read: its index, name, reader and the number of lines read so far.
type Current = (usize, String, BufReader<Box<dyn Read + Send>>, u64);

/// Reads the inputs one after the other and cuts them into batches of whole lines.
struct BatchReader {
    inputs: std::vec::IntoIter<(usize, Input)>,
    current: Option<Current>,
}

impl BatchReader {
    fn new(inputs: Vec<Input>) -> Self {
        let inputs: Vec<(usize, Input)> = inputs.into_iter().enumerate().collect();
        BatchReader {
            inputs: inputs.into_iter(),
            current: None,
        }
    }

    /// The next batch, `None` at the end of the last input.
    fn next_batch(&mut self) -> Option<Result<Batch, Error>> {
        loop {
            if self.current.is_none() {
                let (i, input) = self.inputs.next()?;
                self.current = Some((
                    i,
                    input.name,
                    BufReader::with_capacity(256 * 1024, input.reader),
                    0,
                ));
            }
            let (input, name, reader, line_no) = self.current.as_mut()?;
            let mut batch = Batch {
                input: *input,
                first_line: *line_no + 1,
                data: Vec::with_capacity(BATCH_BYTES + 4096),
                ends: Vec::new(),
            };
            loop {
                match reader.read_until(b'\n', &mut batch.data) {
                    Ok(0) => break,
                    Ok(_) => {
                        batch.ends.push(batch.data.len());
                        *line_no += 1;
                        if batch.data.len() >= BATCH_BYTES || batch.ends.len() >= BATCH_LINES {
                            return Some(Ok(batch));
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Some(Err(Error::io("read", name.as_str(), e))),
                }
            }
            // End of this input: a final line without `\n` is still a line.
            if batch.ends.last().copied().unwrap_or(0) < batch.data.len() {
                batch.ends.push(batch.data.len());
            }
            self.current = None;
            if !batch.ends.is_empty() {
                return Some(Ok(batch));
            }
        }
    }
}

/// Validate every line of `inputs` (in order, as one stream with per-input line numbers), handing each to
/// `sink`. Bad lines are verdicts; only I/O failures (and the sink's errors) end the run early.
pub fn run(
    validator: Arc<Validator>,
    inputs: Vec<Input>,
    options: StreamOptions,
    sink: &mut dyn Sink,
) -> Result<Summary, Error> {
    let start = Instant::now();
    let mut tally = Tally::new(validator.event_names().len());
    let mut consume =
        |batch: &Batch, verdicts: &[LineVerdict], tally: &mut Tally| -> Result<bool, Error> {
            for (n, (raw, verdict)) in batch.lines().zip(verdicts).enumerate() {
                let pos = LinePos {
                    input: batch.input,
                    line: batch.first_line + n as u64,
                };
                tally.add(raw.len(), verdict);
                sink.line(pos, raw, verdict)?;
                if verdict.status == Status::Invalid
                    && options
                        .max_errors
                        .is_some_and(|max| tally.summary.invalid >= max)
                {
                    tally.summary.stopped_at = Some(pos);
                    return Ok(false);
                }
            }
            Ok(true)
        };
    let mut reader = BatchReader::new(inputs);
    if options.jobs <= 1 {
        while let Some(batch) = reader.next_batch() {
            let batch = batch?;
            let verdicts: Vec<LineVerdict> =
                batch.lines().map(|l| validator.validate_line(l)).collect();
            if !consume(&batch, &verdicts, &mut tally)? {
                break;
            }
        }
    } else {
        let mut consume =
            |batch: &Batch, verdicts: &[LineVerdict]| consume(batch, verdicts, &mut tally);
        run_parallel(&validator, reader, options.jobs, &mut consume)?;
    }
    Ok(tally.finish(validator.event_names(), start))
}

/// Hands a validated batch to the sink; `Ok(false)` stops the run.
type Consume<'a> = dyn FnMut(&Batch, &[LineVerdict]) -> Result<bool, Error> + 'a;

type Validated = (u64, Result<(Batch, Vec<LineVerdict>), Error>);

/// Batches read or being validated but not yet handed to the sink: bounds memory whatever the thread count.
struct InFlight {
    count: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

/// The parallel loop: each of `jobs` workers takes the reader (a mutex), reads a batch and numbers it,
/// lets go of the reader, and validates the batch on its own; the calling thread puts the batches back in
/// order and hands them to the sink. Workers block rather than spin, which matters on few cores, and no
/// more than `2 × jobs` batches are in flight.
fn run_parallel(
    validator: &Arc<Validator>,
    reader: BatchReader,
    jobs: usize,
    consume: &mut Consume<'_>,
) -> Result<(), Error> {
    let reader = Arc::new(Mutex::new((reader, 0u64)));
    let in_flight = Arc::new(InFlight {
        count: Mutex::new(0),
        freed: Condvar::new(),
        limit: 2 * jobs,
    });
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = sync_channel::<Validated>(2 * jobs);
    for i in 0..jobs {
        let (validator, reader, in_flight, stop, tx) = (
            Arc::clone(validator),
            Arc::clone(&reader),
            Arc::clone(&in_flight),
            Arc::clone(&stop),
            tx.clone(),
        );
        std::thread::Builder::new()
            .name(format!("evdef-validate-{i}"))
            .spawn(move || worker(&validator, &reader, &in_flight, &stop, &tx))
            .map_err(|e| Error::Usage(format!("cannot start {jobs} threads: {e}")))?;
    }
    drop(tx);
    let mut pending = BTreeMap::new();
    let mut next = 0u64;
    let result = loop {
        let item = match pending.remove(&next) {
            Some(item) => item,
            None => match rx.recv() {
                Ok((seq, item)) => {
                    pending.insert(seq, item);
                    continue;
                }
                Err(_) => break Ok(()),
            },
        };
        next += 1;
        let done = match item {
            Ok((batch, verdicts)) => consume(&batch, &verdicts),
            Err(e) => Err(e),
        };
        if let Ok(mut count) = in_flight.count.lock() {
            *count = count.saturating_sub(1);
            in_flight.freed.notify_one();
        }
        match done {
            Ok(true) => {}
            Ok(false) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    // Workers see the flag (or the closed channel) and end; one blocked reading stdin is left behind.
    stop.store(true, Ordering::Relaxed);
    in_flight.freed.notify_all();
    result
}

fn worker(
    validator: &Validator,
    reader: &Mutex<(BatchReader, u64)>,
    in_flight: &InFlight,
    stop: &AtomicBool,
    tx: &SyncSender<Validated>,
) {
    loop {
        {
            let Ok(mut count) = in_flight.count.lock() else {
                return;
            };
            while *count >= in_flight.limit && !stop.load(Ordering::Relaxed) {
                count = match in_flight.freed.wait(count) {
                    Ok(c) => c,
                    Err(_) => return,
                };
            }
            *count += 1;
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let (seq, batch) = {
            let Ok(mut guard) = reader.lock() else { return };
            let (reader, seq) = &mut *guard;
            let Some(batch) = reader.next_batch() else {
                return;
            };
            *seq += 1;
            let failed = batch.is_err();
            if failed {
                // Nothing is read after a failure: let the other workers find the end.
                *reader = BatchReader::new(Vec::new());
            }
            (*seq - 1, batch)
        };
        let item = batch.map(|batch| {
            let verdicts = batch.lines().map(|l| validator.validate_line(l)).collect();
            (batch, verdicts)
        });
        if tx.send((seq, item)).is_err() {
            return;
        }
    }
}
