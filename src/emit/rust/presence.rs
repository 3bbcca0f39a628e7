//! The field type and serde attributes of a parameter: presence (required or not) and nullability give
//! four shapes, and a reader (`evdef_support::Integer`, `Object`, ...) when serde's own `Deserialize`
//! would read the value differently from the JSON Schema.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Schema, Type};

/// The field type and serde attributes for a parameter's presence and nullability:
///
/// | required | nullable | type | absent | `null` |
/// |---|---|---|---|---|
/// | yes | no | `T` | error | error |
/// | yes | yes | `Option<T>` | error | `None` |
/// | no | no | `Option<T>` | `None` | error |
/// | no | yes | `OptionalNullable<T>` | `Absent` | `Null` |
///
/// `json` holds `null` itself, so it is `Value` when required and `Option<Value>` when optional. With a
/// `reader` (a type holding integers or objects), the field is read through `evdef_support::with` and that reader,
/// wrapped for the field's shape.
pub(super) fn presence(
    schema: &Schema,
    required: bool,
    inner: TokenStream,
    reader: Option<&str>,
) -> (TokenStream, Option<TokenStream>) {
    let nullable = schema.nullable && schema.ty != Type::Json;
    // `deserialize_with` through `evdef_support::with` and the reader, wrapped in `wrapper<..>` if any.
    let with = |wrapper: Option<&str>| {
        reader.map(|r| {
            let shape =
                wrapper.map_or_else(|| r.to_string(), |w| format!("evdef_support::{w}<{r}>"));
            let path = format!("evdef_support::with::<_, _, {shape}>");
            quote!(deserialize_with = #path)
        })
    };
    match (required, nullable) {
        (true, false) => (inner, with(None).map(|w| quote!(#[serde(#w)]))),
        (true, true) => {
            let w = with(Some("Nullable"))
                .unwrap_or_else(|| quote!(deserialize_with = "evdef_support::nullable"));
            (
                quote!(::std::option::Option<#inner>),
                Some(quote!(#[serde(#w)])),
            )
        }
        (false, false) => {
            let w = with(Some("Present"))
                .unwrap_or_else(|| quote!(deserialize_with = "evdef_support::present"));
            (
                quote!(::std::option::Option<#inner>),
                Some(quote! {
                    #[serde(
                        default,
                        #w,
                        skip_serializing_if = "::std::option::Option::is_none"
                    )]
                }),
            )
        }
        (false, true) => {
            let w = with(Some("OptionalNullableOf")).map(|w| quote!(#w,));
            (
                quote!(evdef_support::OptionalNullable<#inner>),
                Some(
                    quote!(#[serde(default, #w skip_serializing_if = "evdef_support::OptionalNullable::is_absent")]),
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_and_nullability_map_to_four_shapes() {
        let schema = |nullable| Schema {
            ty: Type::String,
            nullable,
            constraints: Default::default(),
            description: None,
        };
        let shape = |required, nullable| {
            let (ty, serde) = presence(&schema(nullable), required, quote!(T), None);
            (
                ty.to_string(),
                serde.map(|s| s.to_string()).unwrap_or_default(),
            )
        };
        assert_eq!(shape(true, false), ("T".into(), String::new()));
        let (ty, serde) = shape(true, true);
        assert!(
            ty.contains("Option < T >")
                && serde.contains("\"evdef_support::nullable\"")
                && !serde.contains("default")
        );
        let (ty, serde) = shape(false, false);
        assert!(
            ty.contains("Option < T >")
                && serde.contains("\"evdef_support::present\"")
                && serde.contains("default")
        );
        let (ty, serde) = shape(false, true);
        assert!(ty.contains("OptionalNullable < T >") && serde.contains("is_absent"));
    }

    #[test]
    fn a_reader_is_wrapped_for_each_shape() {
        let schema = |nullable| Schema {
            ty: Type::Integer,
            nullable,
            constraints: Default::default(),
            description: None,
        };
        let attr = |required, nullable| {
            let (_, serde) = presence(
                &schema(nullable),
                required,
                quote!(i64),
                Some("evdef_support::Integer"),
            );
            serde.map(|s| s.to_string()).unwrap_or_default()
        };
        let with = |shape: &str| format!("\"evdef_support::with::<_, _, {shape}>\"");
        assert!(attr(true, false).contains(&with("evdef_support::Integer")));
        assert!(
            attr(true, true).contains(&with("evdef_support::Nullable<evdef_support::Integer>"))
        );
        let optional = attr(false, false);
        assert!(optional.contains(&with("evdef_support::Present<evdef_support::Integer>")));
        assert!(optional.contains("default"));
        let both = attr(false, true);
        assert!(both.contains(&with(
            "evdef_support::OptionalNullableOf<evdef_support::Integer>"
        )));
        assert!(both.contains("default") && both.contains("is_absent"));
    }
}
