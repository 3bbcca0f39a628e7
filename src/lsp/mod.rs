//! `evdef lsp`: a language server over stdio that runs the same pipeline as `evdef check` on the open
//! buffers laid over the disk, and answers from the last analysis of each definitions tree.
//!
//! Built on `lsp-server` (rust-analyzer's): one synchronous, ordered loop, so a request that follows a
//! `didChange` sees that change, and each message is handled inside `catch_unwind`. Changes are coalesced:
//! the tree is checked again once no message is waiting, or before the next request.

pub mod convert;
mod diagnostics;
mod query;
mod requests;
mod server;
pub mod session;

pub use server::run_stdio;
