//! The `evdef_support` module every generated file carries: the three-state `OptionalNullable` field type
//! and the `deserialize_with` helpers that make serde tell "absent" from "null". Generated code depends on
//! `serde` and `serde_json` only, so it is emitted rather than imported from evdef (a build-dependency).

use proc_macro2::TokenStream;
use quote::quote;

use super::TimeTypes;

/// The support module's items.
pub fn module(time: TimeTypes) -> TokenStream {
    let time_items = match time {
        TimeTypes::Time => time_newtypes(),
        _ => TokenStream::new(),
    };
    quote! {
        /// Types and serde helpers shared by the generated event types.
        pub mod evdef_support {
            /// A parameter that is optional and nullable: absent, `null` and a value are three different things.
            ///
            /// Absent fields are left out when serializing; `Null` is written as `null`.
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
            pub enum OptionalNullable<T> {
                /// The key is not in the event.
                #[default]
                Absent,
                /// The key is present with the value `null`.
                Null,
                /// The key is present with a value.
                Value(T),
            }

            impl<T> OptionalNullable<T> {
                /// Whether the key is absent (used to skip it when serializing).
                pub fn is_absent(&self) -> bool {
                    matches!(self, OptionalNullable::Absent)
                }

                /// The value, if there is one (absent and `null` both give `None`).
                pub fn as_option(&self) -> ::std::option::Option<&T> {
                    match self {
                        OptionalNullable::Value(value) => ::std::option::Option::Some(value),
                        _ => ::std::option::Option::None,
                    }
                }
            }

            impl<T: ::serde::Serialize> ::serde::Serialize for OptionalNullable<T> {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    match self {
                        OptionalNullable::Value(value) => serializer.serialize_some(value),
                        _ => serializer.serialize_none(),
                    }
                }
            }

            impl<'de, T: ::serde::Deserialize<'de>> ::serde::Deserialize<'de> for OptionalNullable<T> {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value: ::std::option::Option<T> = ::serde::Deserialize::deserialize(deserializer)?;
                    ::std::result::Result::Ok(match value {
                        ::std::option::Option::Some(value) => OptionalNullable::Value(value),
                        ::std::option::Option::None => OptionalNullable::Null,
                    })
                }
            }

            /// A required, nullable field: `null` is `None`, but the key must be present (serde would
            /// otherwise treat a missing `Option` field as `None`).
            pub fn nullable<'de, D, T>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::Deserialize<'de>,
            {
                ::serde::Deserialize::deserialize(deserializer)
            }

            /// An optional, non-nullable field: absent is `None`, but `null` is rejected.
            pub fn present<'de, D, T>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::Deserialize<'de>,
            {
                T::deserialize(deserializer).map(::std::option::Option::Some)
            }

            #time_items
        }
    }
}

/// With the `time` crate, `timestamp` and `date` are newtypes that read and write RFC 3339 text (the `time`
/// crate's own serde format is not RFC 3339).
fn time_newtypes() -> TokenStream {
    quote! {
        /// A `timestamp`: an RFC 3339 date-time.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct Timestamp(pub ::time::OffsetDateTime);

        impl ::serde::Serialize for Timestamp {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let text = self
                    .0
                    .format(&::time::format_description::well_known::Rfc3339)
                    .map_err(::serde::ser::Error::custom)?;
                serializer.serialize_str(&text)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for Timestamp {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text: ::std::string::String = ::serde::Deserialize::deserialize(deserializer)?;
                ::time::OffsetDateTime::parse(&text, &::time::format_description::well_known::Rfc3339)
                    .map(Timestamp)
                    .map_err(::serde::de::Error::custom)
            }
        }

        /// A `date`: an RFC 3339 full-date (`2024-05-01`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct Date(pub ::time::Date);

        const DATE_FORMAT: &[::time::format_description::BorrowedFormatItem<'static>] =
            ::time::macros::format_description!("[year]-[month]-[day]");

        impl ::serde::Serialize for Date {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let text = self.0.format(DATE_FORMAT).map_err(::serde::ser::Error::custom)?;
                serializer.serialize_str(&text)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for Date {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text: ::std::string::String = ::serde::Deserialize::deserialize(deserializer)?;
                ::time::Date::parse(&text, DATE_FORMAT)
                    .map(Date)
                    .map_err(::serde::de::Error::custom)
            }
        }
    }
}
