//! Unit tests of the Rust backend on small inline catalogs.
