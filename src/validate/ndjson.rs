//! The streaming loop of `evdef validate`: read NDJSON as raw bytes in batches bounded by size, validate a
//! batch on `jobs` threads, and hand every line with its verdict to a [`Sink`] in input order. Memory is
//! bounded by the batch size plus the longest line, never by the input size.
//!
//! Every line read reaches the sink, or the run ends with an error: a panic while validating (a bug) is
//! caught on the thread that validates and becomes [`Error::Internal`] naming the line, never a quiet end.

mod parallel;

use std::cell::Cell;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Instant;

use super::summary::Tally;
pub use super::summary::{EventCounts, LinePos, Summary};
use super::{EventRef, LineVerdict, Status, Validator, strip_line_ending};
use crate::Error;

/// A batch is sent on once it holds this many bytes (a longer line makes a batch of its own).
const BATCH_BYTES: usize = 512 * 1024;
/// ... or this many lines.
const BATCH_LINES: usize = 4096;
/// The UTF-8 byte order mark, skipped at the start of an input (some Windows tools write one).
const BOM: &[u8] = b"\xEF\xBB\xBF";

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

/// The bytes of a line as the validator reads them: without its line ending (`\n` or `\r\n`) and, on the
/// first line of an input, without a UTF-8 byte order mark.
fn content(raw: &[u8], first_of_input: bool) -> &[u8] {
    let line = strip_line_ending(raw);
    if first_of_input {
        line.strip_prefix(BOM).unwrap_or(line)
    } else {
        line
    }
}

/// The verdict on one physical line of a stream: its [`content`] is validated, and a line of JSON
/// whitespace only (space, tab, CR) is empty, like a line with nothing on it.
fn verdict(validator: &Validator, raw: &[u8], first_of_input: bool) -> LineVerdict {
    let line = content(raw, first_of_input);
    if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
        return LineVerdict {
            status: Status::Empty,
            event: EventRef::None,
            errors: Vec::new(),
        };
    }
    validator.validate_line(line)
}

/// Validate every line of a batch into its `verdicts`. A panic (a bug) is caught here, on the thread that
/// validates, and becomes an error naming the line: a failed worker must never look like the end of the input.
fn validate_batch(validator: &Validator, batch: &mut Batch, names: &[String]) -> Result<(), Error> {
    let current = Cell::new(batch.first_line);
    let Batch {
        data,
        ends,
        verdicts,
        first_line,
        ..
    } = batch;
    let validate = || {
        verdicts.clear();
        let mut start = 0;
        for (n, &end) in ends.iter().enumerate() {
            let line = *first_line + n as u64;
            current.set(line);
            #[cfg(debug_assertions)]
            injected_panic(line);
            verdicts.push(verdict(validator, &data[start..end], line == 1));
            start = end;
        }
    };
    catch_unwind(AssertUnwindSafe(validate)).map_err(|payload| Error::Internal {
        during: format!(
            "validating line {} of `{}`",
            current.get(),
            names.get(batch.input).map_or("?", String::as_str)
        ),
        message: panic_message(payload.as_ref()),
    })
}

/// The text a panic was raised with.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Fault injection for the tests of the binary: `EVDEF_TEST_PANIC_AT_LINE=N` panics while validating line N of
/// an input. It exists in debug builds only (`cargo test` builds the binary it runs that way), so no
/// environment can make a release binary panic, and a release build pays nothing for it; a cargo feature
/// would need a second build of the binary for the test.
#[cfg(debug_assertions)]
fn injected_panic(line: u64) {
    static AT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    let at = AT.get_or_init(|| {
        std::env::var("EVDEF_TEST_PANIC_AT_LINE")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    if *at == Some(line) {
        panic!("injected by EVDEF_TEST_PANIC_AT_LINE={line}");
    }
}

/// Receives every line, in input order, with its verdict. The CLI implements it to print and split.
pub trait Sink {
    /// One line: `raw` is exactly the bytes read, line ending included (the last line of an input may have
    /// none). Lines of different inputs are never joined.
    fn line(&mut self, pos: LinePos, raw: &[u8], verdict: &LineVerdict) -> Result<(), Error>;
}

/// A run of consecutive lines of one input, and, once validated, their verdicts.
struct Batch {
    input: usize,
    first_line: u64,
    /// The bytes read: `data[..filled]` (the buffer beyond is kept from batch to batch, so reading into
    /// it needs no zeroing).
    data: Vec<u8>,
    filled: usize,
    /// End offset of each line in `data` (the start is the previous end).
    ends: Vec<usize>,
    /// The verdict on each line, filled by [`validate_batch`] (kept allocated from batch to batch).
    verdicts: Vec<LineVerdict>,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            input: 0,
            first_line: 1,
            data: vec![0; BATCH_BYTES + READ_BYTES],
            filled: 0,
            ends: Vec::with_capacity(BATCH_LINES),
            verdicts: Vec::with_capacity(BATCH_LINES),
        }
    }

    /// Whether its buffers are worth keeping: not one grown by a very long line, which would hold on to
    /// its memory after the line is gone.
    fn reusable(&self) -> bool {
        self.data.len() <= 2 * (BATCH_BYTES + READ_BYTES)
            && self.ends.capacity() <= 2 * BATCH_LINES
            && self.verdicts.capacity() <= 2 * BATCH_LINES
    }

    fn lines(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let line = &self.data[start..end];
            start = end;
            line
        })
    }
}

/// How much is read at a time: reads go straight into a batch's buffer.
const READ_BYTES: usize = 128 * 1024;

/// The input being read.
struct Current {
    index: usize,
    name: String,
    reader: Box<dyn Read + Send>,
    /// Lines handed on so far.
    line_no: u64,
    /// Bytes read after the last complete line of the previous batch: the start of the next one.
    carry: Vec<u8>,
}

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

    /// The next batch, `None` at the end of the last input. `spare` is a batch already handed on, whose
    /// buffers are reused (no allocation and no fresh pages per batch).
    fn next_batch(&mut self, spare: Option<Batch>) -> Option<Result<Batch, Error>> {
        let mut batch = spare.unwrap_or_else(Batch::new);
        loop {
            if self.current.is_none() {
                let (index, input) = self.inputs.next()?;
                self.current = Some(Current {
                    index,
                    name: input.name,
                    reader: input.reader,
                    line_no: 0,
                    carry: Vec::new(),
                });
            }
            let current = self.current.as_mut()?;
            match fill(current, &mut batch) {
                Ok(true) => return Some(Ok(batch)),
                Ok(false) => {
                    self.current = None;
                    if !batch.ends.is_empty() {
                        return Some(Ok(batch));
                    }
                    if !batch.reusable() {
                        batch = Batch::new();
                    }
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Fill `batch` with the next lines of `current`: `Ok(true)` when it is full and the input goes on, `Ok(false)`
/// at the end of the input (a final line without `\n` is still a line). Lines are found with `memchr` in the
/// bytes as they are read into the batch, so every byte is copied once, by the kernel; only the part of a
/// line left after a batch's last `\n` is copied again, to the start of the next batch.
fn fill(current: &mut Current, batch: &mut Batch) -> Result<bool, Error> {
    batch.input = current.index;
    batch.first_line = current.line_no + 1;
    batch.ends.clear();
    batch.verdicts.clear();
    let carry = current.carry.len();
    if batch.data.len() < carry + READ_BYTES {
        batch.data.resize(carry + READ_BYTES, 0);
    }
    batch.data[..carry].copy_from_slice(&current.carry);
    current.carry.clear();
    batch.filled = carry;
    // Offset from which to look for line ends: the carried bytes may hold some (many, when the last batch
    // was cut at its line limit), so they are looked at before anything more is read.
    let mut scanned = 0;
    loop {
        for newline in memchr::memchr_iter(b'\n', &batch.data[scanned..batch.filled]) {
            batch.ends.push(scanned + newline + 1);
            if batch.ends.len() >= BATCH_LINES {
                break;
            }
        }
        scanned = batch.filled;
        let end = batch.ends.last().copied().unwrap_or(0);
        if batch.ends.len() >= BATCH_LINES || (batch.filled >= BATCH_BYTES && end > 0) {
            current
                .carry
                .extend_from_slice(&batch.data[end..batch.filled]);
            batch.filled = end;
            current.line_no += batch.ends.len() as u64;
            return Ok(true);
        }
        if batch.data.len() < batch.filled + READ_BYTES {
            // A line longer than a batch: the buffer grows with it (memory bounded by the longest line).
            batch.data.resize(batch.filled + READ_BYTES, 0);
        }
        let buffer = &mut batch.data[batch.filled..batch.filled + READ_BYTES];
        match current.reader.read(buffer) {
            Ok(0) => {
                // The end of the input: a last line without `\n` is still a line.
                if end < batch.filled {
                    batch.ends.push(batch.filled);
                }
                current.line_no += batch.ends.len() as u64;
                return Ok(false);
            }
            Ok(read) => batch.filled += read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("read", current.name.as_str(), e)),
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
    let names: Arc<[String]> = inputs.iter().map(|i| i.name.clone()).collect();
    let mut tally = Tally::new(validator.event_names().len());
    let mut consume = |batch: &Batch, tally: &mut Tally| -> Result<bool, Error> {
        for (n, (raw, verdict)) in batch.lines().zip(&batch.verdicts).enumerate() {
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
        let mut spare = None;
        while let Some(batch) = reader.next_batch(spare.take()) {
            let mut batch = batch?;
            validate_batch(&validator, &mut batch, &names)?;
            if !consume(&batch, &mut tally)? {
                break;
            }
            spare = batch.reusable().then_some(batch);
        }
    } else {
        let mut consume = |batch: &Batch| consume(batch, &mut tally);
        parallel::run(&validator, reader, &names, options.jobs, &mut consume)?;
    }
    Ok(tally.finish(validator.event_names(), start))
}

#[cfg(test)]
#[path = "ndjson_tests.rs"]
mod tests;
