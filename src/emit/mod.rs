//! Backends: pure functions from a [`Catalog`](crate::model::Catalog) to [`OutputFile`]s. None of them
//! touches the file system; [`crate::output`] writes what they produce.

pub mod docs;
pub(crate) mod idents;
pub mod json_schema;
pub mod resolved;
pub mod rust;
pub mod shared;
pub mod typescript;

pub use crate::output::OutputFile;
