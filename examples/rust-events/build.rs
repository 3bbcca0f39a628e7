//! Generates `$OUT_DIR/events.rs` from the event definitions; cargo reruns this when a definition changes.

fn main() {
    evdef::Build::new()
        .definitions("../../definitions")
        .emit_rust(std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("events.rs"))
        .unwrap();
}
