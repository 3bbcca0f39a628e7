//! Typed events, generated at build time by evdef from the shipped catalog `../../definitions` (see `build.rs`).

/// The generated types: one struct per event and `Event`, which parses any log line.
#[allow(missing_docs)]
pub mod events {
    include!(concat!(env!("OUT_DIR"), "/events.rs"));
}

pub use events::Event;

/// Parse one NDJSON log line into a typed event.
pub fn parse_line(line: &str) -> serde_json::Result<Event> {
    serde_json::from_str(line)
}
