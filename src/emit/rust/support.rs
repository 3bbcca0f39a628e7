//! The `evdef_support` module every generated file carries: the three-state `OptionalNullable` field type
//! and the `deserialize_with` helpers that make serde tell "absent" from "null", read an `integer` as
//! JSON Schema does (`1.0` is one, `2^63` is not) and read objects only from JSON objects. Generated code depends on
//! `serde` and `serde_json` only, so it is emitted rather than imported from evdef (a build-dependency).

use proc_macro2::TokenStream;
use quote::quote;

use super::TimeTypes;

/// The support module's items.
// Over 80 lines: one `quote!` template of generated code, read top to bottom like the file it prints.
pub fn module(time: TimeTypes) -> TokenStream {
    let time_items = match time {
        TimeTypes::Time => time_newtypes(),
        _ => TokenStream::new(),
    };
    let readers = readers();
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

            #readers
            #time_items
        }
    }
}

/// The readers that make serde read numbers as the JSON Schema does: an `integer` is any number with no
/// fractional part in the signed 64-bit range, so `1.0`, `1e2` and `-0` are integers and `2^63` is not.
/// `Integer` reads one; the generic markers apply a reader inside `Option`, `Vec`, maps and
/// `OptionalNullable`, through `#[serde(deserialize_with = "evdef_support::with::<_, _, R>")]`.
// Over 80 lines: one `quote!` template of generated code (the readers refer to one another), read top to
// bottom like the file it prints.
fn readers() -> TokenStream {
    quote! {
        /// Reads a `T` with a reader other than `T`'s own `Deserialize` (see [`with`]).
        pub trait DeserializeAs<'de, T> {
            /// Read one `T`.
            fn deserialize_as<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<T, D::Error>;
        }

        /// A field read with the reader `A`: `#[serde(deserialize_with = "evdef_support::with::<_, _, A>")]`.
        pub fn with<'de, D, T, A>(deserializer: D) -> ::std::result::Result<T, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            A: DeserializeAs<'de, T>,
        {
            A::deserialize_as(deserializer)
        }

        /// A `T` read with `A`, for the containers below.
        struct As<T, A>(T, ::std::marker::PhantomData<A>);

        impl<'de, T, A: DeserializeAs<'de, T>> ::serde::Deserialize<'de> for As<T, A> {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                A::deserialize_as(deserializer).map(|value| As(value, ::std::marker::PhantomData))
            }
        }

        /// An `integer`: a JSON number with no fractional part from -9223372036854775808 to
        /// 9223372036854775807, written as an integer or not (`1.0`, `1e2` and `-0` are integers, as in
        /// JSON Schema).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct Integer(pub i64);

        impl<'de> ::serde::Deserialize<'de> for Integer {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_any(IntegerVisitor).map(Integer)
            }
        }

        impl<'de> DeserializeAs<'de, i64> for Integer {
            fn deserialize_as<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<i64, D::Error> {
                <Integer as ::serde::Deserialize>::deserialize(deserializer).map(|integer| integer.0)
            }
        }

        struct IntegerVisitor;

        impl ::serde::de::Visitor<'_> for IntegerVisitor {
            type Value = i64;

            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("a signed 64-bit integer")
            }

            fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> ::std::result::Result<i64, E> {
                ::std::result::Result::Ok(value)
            }

            fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> ::std::result::Result<i64, E> {
                i64::try_from(value)
                    .map_err(|_| E::invalid_value(::serde::de::Unexpected::Unsigned(value), &self))
            }

            fn visit_f64<E: ::serde::de::Error>(self, value: f64) -> ::std::result::Result<i64, E> {
                // -2^63 and 2^63 are exact as `f64`; every integral `f64` in between is an exact `i64`.
                let range = -9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0;
                if value.fract() == 0.0 && range.contains(&value) {
                    ::std::result::Result::Ok(value as i64)
                } else {
                    ::std::result::Result::Err(E::invalid_value(::serde::de::Unexpected::Float(value), &self))
                }
            }
        }

        /// A struct read from a JSON object only: serde's derived structs also accept an array of the
        /// field values in order, which is not an object to JSON Schema.
        pub struct Object;

        impl<'de, T: ::serde::Deserialize<'de>> DeserializeAs<'de, T> for Object {
            fn deserialize_as<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<T, D::Error> {
                T::deserialize(MapOnly(deserializer))
            }
        }

        /// A deserializer that reads a map whatever it is asked for.
        pub struct MapOnly<D>(pub D);

        impl<'de, D: ::serde::Deserializer<'de>> ::serde::Deserializer<'de> for MapOnly<D> {
            type Error = D::Error;

            fn deserialize_any<V: ::serde::de::Visitor<'de>>(self, visitor: V) -> ::std::result::Result<V::Value, D::Error> {
                self.0.deserialize_map(visitor)
            }

            ::serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
                unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
            }
        }

        /// `Option<T>`, `null` being `None`, each value read with `A`.
        pub struct Nullable<A>(::std::marker::PhantomData<A>);

        impl<'de, T, A: DeserializeAs<'de, T>> DeserializeAs<'de, ::std::option::Option<T>> for Nullable<A> {
            fn deserialize_as<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error> {
                let value: ::std::option::Option<As<T, A>> = ::serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(value.map(|value| value.0))
            }
        }

        /// An optional, non-nullable field read with `A` (see [`present`]).
        pub struct Present<A>(::std::marker::PhantomData<A>);

        impl<'de, T, A: DeserializeAs<'de, T>> DeserializeAs<'de, ::std::option::Option<T>> for Present<A> {
            fn deserialize_as<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error> {
                A::deserialize_as(deserializer).map(::std::option::Option::Some)
            }
        }

        /// An [`OptionalNullable`] field whose value is read with `A`.
        pub struct OptionalNullableOf<A>(::std::marker::PhantomData<A>);

        impl<'de, T, A: DeserializeAs<'de, T>> DeserializeAs<'de, OptionalNullable<T>> for OptionalNullableOf<A> {
            fn deserialize_as<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<OptionalNullable<T>, D::Error> {
                let value: ::std::option::Option<As<T, A>> = ::serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(match value {
                    ::std::option::Option::Some(value) => OptionalNullable::Value(value.0),
                    ::std::option::Option::None => OptionalNullable::Null,
                })
            }
        }

        /// A `Vec<T>`, each item read with `A`.
        pub struct Items<A>(::std::marker::PhantomData<A>);

        impl<'de, T, A: DeserializeAs<'de, T>> DeserializeAs<'de, ::std::vec::Vec<T>> for Items<A> {
            fn deserialize_as<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<::std::vec::Vec<T>, D::Error> {
                let items: ::std::vec::Vec<As<T, A>> = ::serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(items.into_iter().map(|item| item.0).collect())
            }
        }

        /// A `BTreeMap<String, T>`, each value read with `A`.
        pub struct Values<A>(::std::marker::PhantomData<A>);

        impl<'de, T, A: DeserializeAs<'de, T>> DeserializeAs<'de, ::std::collections::BTreeMap<::std::string::String, T>> for Values<A> {
            fn deserialize_as<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<::std::collections::BTreeMap<::std::string::String, T>, D::Error> {
                let values: ::std::collections::BTreeMap<::std::string::String, As<T, A>> = ::serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(values.into_iter().map(|(key, value)| (key, value.0)).collect())
            }
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
