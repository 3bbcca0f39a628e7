//! One file per rule.

pub mod merge_conflict;
pub mod missing_description;
pub mod naming_convention;
pub mod override_type_change;

pub use merge_conflict::MergeConflict;
pub use missing_description::EventWithoutDescription;
pub use naming_convention::NameOffConvention;
pub use override_type_change::OverrideTypeChange;
