//! The `evdef` binary: parse arguments, run the command, map the outcome to an exit code.

mod cli;

// Validating a log allocates a JSON tree per line on every worker thread; mimalloc's thread-local heaps
// make that markedly cheaper than glibc's arenas (measured in benches/validate.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
