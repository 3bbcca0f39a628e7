//! One module per request kind; each answers from an [`Analysis`](super::session::Analysis) and never
//! parses on its own.

pub mod code_action;
pub mod completion;
pub mod hover;
pub mod navigation;
