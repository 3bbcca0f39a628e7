//! The parallel loop of [`super::run`]: `jobs` threads (the calling thread among them) take turns at the
//! shared reader, validate their batches on their own, and the calling thread hands the batches to the sink
//! in input order. A thread that dies, or a reader that panics, ends the run with an error, never a quiet
//! end of the input.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Condvar, Mutex};

use super::{Batch, BatchReader, validate_batch};
use crate::Error;
use crate::validate::Validator;

/// Hands a validated batch to the sink; `Ok(false)` stops the run.
pub(super) type Consume<'a> = dyn FnMut(&Batch) -> Result<bool, Error> + 'a;

type Validated = (u64, Result<Batch, Error>);

/// The reader the workers share, the number of the next batch, and whether a worker saw the end of the last
/// input (so the calling thread can tell the end of the input from workers that stopped).
struct SharedReader {
    reader: BatchReader,
    seq: u64,
    finished: bool,
    /// Batches handed on, kept for their buffers (at most the in-flight limit).
    spares: Vec<Batch>,
}

/// Batches read or being validated but not yet handed to the sink: bounds memory whatever the thread count.
struct InFlight {
    count: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

/// The parallel loop: each of `jobs` threads (the calling thread and `jobs - 1` workers) takes the reader
/// (a mutex), reads a batch and numbers it, lets go of the reader, and validates the batch on its own. The
/// calling thread also puts the batches back in order and hands them to the sink, and validates a batch
/// itself only when none is ready to hand on. Threads block rather than spin, which matters on few cores,
/// and no more than `2 × jobs` batches are in flight.
pub(super) fn run(
    validator: &Arc<Validator>,
    reader: BatchReader,
    names: &Arc<[String]>,
    jobs: usize,
    consume: &mut Consume<'_>,
) -> Result<(), Error> {
    let shared = Arc::new(Mutex::new(SharedReader {
        reader,
        seq: 0,
        finished: false,
        spares: Vec::new(),
    }));
    let in_flight = Arc::new(InFlight {
        count: Mutex::new(0),
        freed: Condvar::new(),
        limit: 2 * jobs,
    });
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = sync_channel::<Validated>(2 * jobs);
    let worker = |tx: Option<SyncSender<Validated>>| Worker {
        validator: Arc::clone(validator),
        shared: Arc::clone(&shared),
        names: Arc::clone(names),
        in_flight: Arc::clone(&in_flight),
        stop: Arc::clone(&stop),
        tx,
    };
    // The calling thread is one of the `jobs` validating threads: it validates a batch itself whenever none
    // is ready to hand on, so `jobs` threads share `jobs` cores with no thread that only waits and wakes.
    for i in 1..jobs {
        let worker = worker(Some(tx.clone()));
        std::thread::Builder::new()
            .name(format!("evdef-validate-{i}"))
            .spawn(move || worker.run())
            .map_err(|e| Error::Usage(format!("cannot start {jobs} threads: {e}")))?;
    }
    drop(tx);
    let local = worker(None);
    let mut reading = true;
    let mut pending = BTreeMap::new();
    let mut next = 0u64;
    let result = loop {
        let item = match pending.remove(&next) {
            Some(item) => item,
            None => {
                match rx.try_recv() {
                    Ok((seq, item)) => {
                        pending.insert(seq, item);
                        continue;
                    }
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => {}
                }
                if reading && local.try_room() {
                    // A panicking reader (a bug below the loop) poisons the shared reader: every thread
                    // then stops reading and the end is checked as for a worker that died.
                    match catch_unwind(AssertUnwindSafe(|| local.read())) {
                        Ok(Some((seq, batch))) => {
                            pending.insert(seq, local.validate(batch));
                        }
                        Ok(None) | Err(_) => {
                            local.release();
                            reading = false;
                        }
                    }
                    continue;
                }
                match rx.recv() {
                    Ok((seq, item)) => {
                        pending.insert(seq, item);
                        continue;
                    }
                    // Every worker has ended and this thread cannot read (the end, or no room because
                    // the next batch never came): the end of the input only if it was seen and every
                    // batch read was handed on.
                    Err(_) => break check_finished(&shared, next),
                }
            }
        };
        next += 1;
        let done = match item {
            Ok(batch) => {
                let done = consume(&batch);
                if batch.reusable()
                    && let Ok(mut shared) = shared.lock()
                {
                    shared.spares.push(batch);
                }
                done
            }
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

/// After the last worker ended: `Ok` when the input was read to its end and every batch read was handed on.
fn check_finished(shared: &Mutex<SharedReader>, handed_on: u64) -> Result<(), Error> {
    let state = shared.lock().map(|s| (s.finished, s.seq)).ok();
    match state {
        Some((true, read)) if read == handed_on => Ok(()),
        _ => Err(Error::Internal {
            during: format!("validating (after {handed_on} batches)"),
            message: "a validating thread stopped before the end of the input".into(),
        }),
    }
}

/// One validating thread and what it shares with the others.
struct Worker {
    validator: Arc<Validator>,
    shared: Arc<Mutex<SharedReader>>,
    names: Arc<[String]>,
    in_flight: Arc<InFlight>,
    stop: Arc<AtomicBool>,
    /// Where a spawned worker sends its batches (`None` for the calling thread, which keeps its own).
    tx: Option<SyncSender<Validated>>,
}

impl Worker {
    fn run(self) {
        let Some(tx) = &self.tx else {
            return;
        };
        while !self.stop.load(Ordering::Relaxed) {
            if !self.wait_for_room() {
                return;
            }
            let Some((seq, batch)) = self.read() else {
                // The end, or a reader left poisoned by a panic: give the slot back and wake every waiting
                // worker, so each finds out and ends (then the channel closes and the caller decides).
                self.release();
                return;
            };
            if tx.send((seq, self.validate(batch))).is_err() {
                return;
            }
        }
    }

    /// Validate a batch read (a read error passes through).
    fn validate(&self, batch: Result<Batch, Error>) -> Result<Batch, Error> {
        batch.and_then(|mut batch| {
            validate_batch(&self.validator, &mut batch, &self.names).map(|()| batch)
        })
    }

    /// Count one more batch in flight if there is room now (never waits); `false` when full or stopping.
    fn try_room(&self) -> bool {
        let Ok(mut count) = self.in_flight.count.lock() else {
            return false;
        };
        if *count >= self.in_flight.limit || self.stop.load(Ordering::Relaxed) {
            return false;
        }
        *count += 1;
        true
    }

    /// Give back a slot counted by [`Worker::wait_for_room`] that no batch will use.
    fn release(&self) {
        if let Ok(mut count) = self.in_flight.count.lock() {
            *count = count.saturating_sub(1);
        }
        self.in_flight.freed.notify_all();
    }

    /// Wait until fewer than the limit of batches are in flight and count one more; `false` to stop.
    fn wait_for_room(&self) -> bool {
        let Ok(mut count) = self.in_flight.count.lock() else {
            return false;
        };
        while *count >= self.in_flight.limit && !self.stop.load(Ordering::Relaxed) {
            count = match self.in_flight.freed.wait(count) {
                Ok(c) => c,
                Err(_) => return false,
            };
        }
        *count += 1;
        !self.stop.load(Ordering::Relaxed)
    }

    /// The next batch and its number; `None` at the end of the input (which is then marked as reached).
    fn read(&self) -> Option<(u64, Result<Batch, Error>)> {
        let mut shared = self.shared.lock().ok()?;
        let spare = shared.spares.pop();
        let Some(batch) = shared.reader.next_batch(spare) else {
            shared.finished = true;
            return None;
        };
        shared.seq += 1;
        if batch.is_err() {
            // Nothing is read after a failure: let the other workers find the end.
            shared.reader = BatchReader::new(Vec::new());
        }
        Some((shared.seq - 1, batch))
    }
}
