//! The parse-only floor of `benches/validate.sh`: read NDJSON from stdin line by line (the same
//! `BufReader` as `validate_baseline`) and parse each line into `sonic_rs::Value`, its own DOM, checking
//! nothing. No validator can be faster than reading and tokenizing every byte once; this is the fastest
//! general-purpose JSON parser measured on this machine class, built with mimalloc like `evdef`.
//!
//! usage: `validate_sonic_floor [FILE]` (stdin without FILE).

#![allow(clippy::print_stderr, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let input: Box<dyn Read> = match std::env::args().nth(1) {
        Some(path) => Box::new(std::fs::File::open(path).unwrap()),
        None => Box::new(std::io::stdin()),
    };
    let mut reader = BufReader::with_capacity(256 * 1024, input);
    let start = Instant::now();
    let (mut lines, mut parsed) = (0u64, 0u64);
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line).unwrap() > 0 {
        lines += 1;
        parsed += u64::from(sonic_rs::from_slice::<sonic_rs::Value>(&line).is_ok());
        line.clear();
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "sonic-rs floor: {lines} lines, {parsed} parsed in {secs:.3}s ({:.0} events/s)",
        lines as f64 / secs
    );
}
