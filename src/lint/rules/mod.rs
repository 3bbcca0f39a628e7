//! One file per rule.

pub mod description_quality;
pub mod enum_value_case;
pub mod inconsistent_parameter;
pub mod merge_conflict;
pub mod missing_description;
pub mod naming_convention;
pub mod override_type_change;
pub mod pii_parameter;
pub mod redundant_override;
pub mod too_many_parameters;
pub mod unused_fragment;

pub use description_quality::DescriptionQuality;
pub use enum_value_case::EnumValueCase;
pub use inconsistent_parameter::InconsistentParameter;
pub use merge_conflict::MergeConflict;
pub use missing_description::EventWithoutDescription;
pub use naming_convention::NameOffConvention;
pub use override_type_change::OverrideTypeChange;
pub use pii_parameter::PiiParameter;
pub use redundant_override::RedundantOverride;
pub use too_many_parameters::TooManyParameters;
pub use unused_fragment::UnusedFragment;
