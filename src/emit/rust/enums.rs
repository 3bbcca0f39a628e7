//! Rust enums for `enum:` constraints: string values become variants with `#[serde(rename)]`, read from
//! JSON strings only; integer values become variants read as an `evdef_support::Integer` (so `2.0` is
//! `2`, as in JSON Schema) and written as the number. Other enums keep their plain type.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::items::{Generator, Site, doc_attrs};
use super::names;
use crate::model::Type;

impl Generator<'_> {
    /// A Rust enum for `enum:` on a string-like or integer type; `None` (plain type) otherwise.
    pub(super) fn enumeration(
        &mut self,
        ty: &Type,
        values: &[Value],
        site: &Site<'_>,
    ) -> Option<TokenStream> {
        let string_like = matches!(
            ty,
            Type::String | Type::Email | Type::Url | Type::Timestamp | Type::Date | Type::Uuid
        );
        if string_like {
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            if strings.len() != values.len() {
                return None;
            }
            return Some(self.string_enum(&strings, site));
        }
        if *ty == Type::Integer {
            let ints: Vec<i64> = values.iter().filter_map(Value::as_i64).collect();
            if ints.len() != values.len() {
                return None;
            }
            return Some(self.integer_enum(&ints, site));
        }
        None
    }

    fn claim_enum(&mut self, site: &Site<'_>) -> Ident {
        let ident = format_ident!("{}", site.name);
        self.types.claim(
            &site.name,
            site.what.clone(),
            Some(site.span),
            "type",
            &mut self.diagnostics,
        );
        ident
    }

    fn string_enum(&mut self, values: &[&str], site: &Site<'_>) -> TokenStream {
        let ident = self.claim_enum(site);
        let variants = unique_variants(values.iter().map(|v| names::variant(v)));
        let arms = values.iter().zip(&variants).map(|(value, variant)| {
            let v = format_ident!("{}", variant);
            let doc = format!(" `{}`", Value::from(*value));
            quote! {
                #[doc = #doc]
                #[serde(rename = #value)]
                #v,
            }
        });
        let as_str = values.iter().zip(&variants).map(|(value, variant)| {
            let v = format_ident!("{}", variant);
            quote!(#ident::#v => #value,)
        });
        let from_str = values.iter().zip(&variants).map(|(value, variant)| {
            let v = format_ident!("{}", variant);
            quote!(#value => ::std::result::Result::Ok(#ident::#v),)
        });
        let doc = doc_attrs(&[site
            .description
            .map_or_else(|| format!("The values of {}.", site.what), str::to_string)]);
        // Read by hand: serde's derived enums also accept `{"value": null}`, which is not a string.
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize)]
            pub enum #ident {
                #(#arms)*
            }

            impl #ident {
                /// Every value, in definition order.
                pub const VALUES: &'static [&'static str] = &[#(#values),*];

                /// The value as written in events.
                pub fn as_str(&self) -> &'static str {
                    match self {
                        #(#as_str)*
                    }
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value: ::std::borrow::Cow<'de, str> = ::serde::Deserialize::deserialize(deserializer)?;
                    match value.as_ref() {
                        #(#from_str)*
                        other => ::std::result::Result::Err(::serde::de::Error::unknown_variant(other, Self::VALUES)),
                    }
                }
            }
        });
        quote!(#ident)
    }

    fn integer_enum(&mut self, values: &[i64], site: &Site<'_>) -> TokenStream {
        let ident = self.claim_enum(site);
        let variants: Vec<Ident> = values
            .iter()
            .map(|v| {
                if *v < 0 {
                    format_ident!("VMinus{}", v.unsigned_abs())
                } else {
                    format_ident!("V{}", v.unsigned_abs())
                }
            })
            .collect();
        let literal = |v: i64| {
            let abs = Literal::u64_unsuffixed(v.unsigned_abs());
            if v < 0 { quote!(-#abs) } else { quote!(#abs) }
        };
        let arms = values.iter().zip(&variants).map(|(value, v)| {
            let doc = format!(" `{value}`");
            quote! {
                #[doc = #doc]
                #v,
            }
        });
        let from = values.iter().zip(&variants).map(|(value, v)| {
            let lit = literal(*value);
            quote!(#lit => ::std::result::Result::Ok(#ident::#v),)
        });
        let into = values.iter().zip(&variants).map(|(value, v)| {
            let lit = literal(*value);
            quote!(#ident::#v => #lit,)
        });
        let expected = values
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!("invalid value {{}}, expected one of {expected}");
        let doc = doc_attrs(&[site
            .description
            .map_or_else(|| format!("The values of {}.", site.what), str::to_string)]);
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(try_from = "evdef_support::Integer", into = "i64")]
            pub enum #ident {
                #(#arms)*
            }

            impl ::std::convert::TryFrom<i64> for #ident {
                type Error = ::std::string::String;

                fn try_from(value: i64) -> ::std::result::Result<Self, Self::Error> {
                    match value {
                        #(#from)*
                        other => ::std::result::Result::Err(::std::format!(#message, other)),
                    }
                }
            }

            impl ::std::convert::TryFrom<evdef_support::Integer> for #ident {
                type Error = ::std::string::String;

                fn try_from(value: evdef_support::Integer) -> ::std::result::Result<Self, Self::Error> {
                    Self::try_from(value.0)
                }
            }

            impl ::std::convert::From<#ident> for i64 {
                fn from(value: #ident) -> i64 {
                    match value {
                        #(#into)*
                    }
                }
            }
        });
        quote!(#ident)
    }
}

/// Variant names made unique in order: a repeat gets `2`, `3`, ... appended (`in-progress` and
/// `in_progress` both read `InProgress`; the values stay apart through `#[serde(rename)]`).
fn unique_variants(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let mut candidate = name.clone();
        let mut n = 2;
        while out.contains(&candidate) {
            candidate = format!("{name}{n}");
            n += 1;
        }
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_variant_names_get_numbers() {
        let names = ["InProgress", "InProgress", "Done", "InProgress"].map(String::from);
        assert_eq!(
            unique_variants(names.into_iter()),
            ["InProgress", "InProgress2", "Done", "InProgress3"]
        );
    }
}
