//! Building the items: event structs, nested structs and enums, and the `Event` enum. Types of nested
//! objects and enums are named by their path (`ApiCreatedCheckIn` + `location` → `ApiCreatedCheckInLocation`,
//! array items add `Item`, map values `Value`), so names are deterministic and readable.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use std::collections::HashMap;

use super::presence::presence;
use super::{Namespace, RustOptions, TimeTypes, names, support};
use crate::diagnostics::Diagnostic;
use crate::emit::shared::{SpaceOptions, TypeSpace};
use crate::model::{Catalog, Event, MergeSource, Parameter, Parameters, Schema, Type};
use crate::source::Span;

/// Walks the catalog once, collecting items and diagnostics.
pub struct Generator<'a> {
    pub(super) catalog: &'a Catalog,
    pub(super) options: &'a RustOptions,
    pub(super) types: Namespace,
    pub(super) items: Vec<TokenStream>,
    pub diagnostics: Vec<Diagnostic>,
    /// Which nested types are declared once and what they are called (shared with the TypeScript backend).
    pub(super) space: TypeSpace<'a>,
    /// Named nested types already emitted, by index in the type space: a type declared once is emitted once.
    pub(super) emitted: HashMap<usize, (TokenStream, Option<String>)>,
}

/// Where a nested type comes from, for its name and for collision diagnostics.
pub(super) struct Site<'p> {
    /// The type name to give a nested struct or enum.
    pub name: String,
    /// `parameter `x` of event `y``.
    pub what: String,
    pub span: Span,
    pub description: Option<&'p str>,
    /// The parameter whose value (or items, values: see `path`) this is, to find its shared name.
    pub param: Option<&'p Parameter>,
    /// `""` for the parameter's value, `"Item"`, `"Value"`, `"ItemItem"`, ... below it.
    pub path: String,
}

impl<'a> Generator<'a> {
    pub fn new(catalog: &'a Catalog, options: &'a RustOptions) -> Self {
        let space = TypeSpace::new(
            catalog,
            &SpaceOptions {
                name_field: &options.name_field,
                payload_field: &options.payload_field,
                reserved: &["Event"],
            },
        );
        let mut types = Namespace::default();
        let mut diagnostics = Vec::new();
        types.claim(
            "Event",
            "the generated `Event` enum".into(),
            None,
            "type",
            &mut diagnostics,
        );
        Generator {
            catalog,
            options,
            types,
            items: Vec::new(),
            diagnostics,
            space,
            emitted: HashMap::new(),
        }
    }

    /// Every item of the file.
    pub fn file(&mut self) -> TokenStream {
        let mut variants = Vec::new();
        let catalog = self.catalog;
        for event in catalog.events.values() {
            if let Some(variant) = self.event(event) {
                variants.push(variant);
            }
        }
        let event_enum = self.event_enum(&variants);
        self.traits();
        let support = support::module(self.options.time);
        let items = &self.items;
        quote! {
            #event_enum
            #(#items)*
            #support
        }
    }

    /// The struct for one event (and its nested types); returns the `Event` variant's parts.
    fn event(&mut self, event: &'a Event) -> Option<(Ident, &'a str, bool)> {
        let ty = names::type_name(&event.name);
        let what = format!("event `{}`", event.name);
        if !self.types.claim(
            &ty,
            what,
            Some(event.name_span),
            "type",
            &mut self.diagnostics,
        ) {
            return None;
        }
        let ident = format_ident!("{}", ty);
        let fields = self.fields(
            &ty,
            &format!("event `{}`", event.name),
            &event.parameters,
            true,
        );
        let mut doc = Vec::new();
        if let Some(d) = &event.description {
            doc.push(d.clone());
        } else {
            doc.push(format!("The `{}` event.", event.name));
        }
        let mut facts = Vec::new();
        if let Some(owner) = &event.owner {
            facts.push(format!("Owner: {owner}."));
        }
        if let Some(version) = &event.version {
            facts.push(format!("Version: {version}."));
        }
        if !event.tags.is_empty() {
            facts.push(format!(
                "Tags: {}.",
                event
                    .tags
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !facts.is_empty() {
            doc.push(String::new());
            doc.push(facts.join(" "));
        }
        let doc = doc_attrs(&doc);
        let deprecated = deprecated_attr(event.deprecated.as_deref());
        let deny = self.deny();
        let name = &event.name;
        let allow = event
            .deprecated
            .as_ref()
            .map(|_| quote!(#[allow(deprecated)]));
        self.items.push(quote! {
            #doc
            #deprecated
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #deny
            pub struct #ident {
                #(#fields)*
            }

            #allow
            impl #ident {
                /// The event name, as written in the `name_field` of a log line.
                pub const NAME: &'static str = #name;
            }

            #allow
            impl ::std::convert::From<#ident> for Event {
                fn from(event: #ident) -> Self {
                    Event::#ident(event)
                }
            }
        });
        Some((ident, event.name.as_str(), event.deprecated.is_some()))
    }

    fn deny(&self) -> Option<TokenStream> {
        self.options
            .deny_unknown_fields
            .then(|| quote!(#[serde(deny_unknown_fields)]))
    }

    /// `enum Event`, tagged by the envelope's name field.
    fn event_enum(&self, variants: &[(Ident, &str, bool)]) -> TokenStream {
        let tag = &self.options.name_field;
        let serde = if self.options.payload_field.is_empty() {
            quote!(#[serde(tag = #tag)])
        } else {
            let content = &self.options.payload_field;
            quote!(#[serde(tag = #tag, content = #content)])
        };
        let arms = variants.iter().map(|(ident, name, deprecated)| {
            let dep = deprecated.then(|| quote!(#[deprecated]));
            let doc = format!(" See [`{ident}`].");
            quote! {
                #[doc = #doc]
                #dep
                #[serde(rename = #name)]
                #ident(#ident),
            }
        });
        // Read through a local twin of `Event` (`remote = "Event"`) behind `evdef_support::MapOnly`: serde's
        // tagged enums and structs also read JSON arrays (`["name", {...}]`), which are not objects.
        let wire_arms = variants.iter().map(|(ident, name, _)| {
            quote! {
                #[serde(rename = #name, deserialize_with = "evdef_support::with::<_, _, evdef_support::Object>")]
                #ident(#ident),
            }
        });
        let names = variants
            .iter()
            .map(|(ident, name, _)| quote!(Event::#ident(_) => #name,));
        let doc = format!(
            " Any event, read from a log line by its `{tag}` field: `serde_json::from_str::<Event>(line)`."
        );
        let all = variants.iter().map(|(_, name, _)| name);
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
            #serde
            #[allow(clippy::large_enum_variant, deprecated)]
            pub enum Event {
                #(#arms)*
            }

            #[allow(deprecated)]
            impl<'de> ::serde::Deserialize<'de> for Event {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    #[derive(::serde::Deserialize)]
                    #[serde(remote = "Event")]
                    #serde
                    #[allow(non_camel_case_types, dead_code, clippy::large_enum_variant)]
                    enum __EvdefEventWire {
                        #(#wire_arms)*
                    }
                    __EvdefEventWire::deserialize(evdef_support::MapOnly(deserializer))
                }
            }

            #[allow(deprecated)]
            impl Event {
                /// Every event name, in definition order.
                pub const NAMES: &'static [&'static str] = &[#(#all),*];

                /// The event's name.
                pub fn name(&self) -> &'static str {
                    match *self {
                        #(#names)*
                    }
                }
            }
        }
    }

    /// The fields of a struct. `owner` is the struct's type name (prefix of nested type names).
    fn fields(
        &mut self,
        owner: &str,
        owner_what: &str,
        parameters: &'a Parameters,
        is_event: bool,
    ) -> Vec<TokenStream> {
        let mut namespace = Namespace::default();
        let mut fields = Vec::new();
        for p in parameters.values() {
            let what = format!("parameter `{}` of {owner_what}", p.name);
            if is_event
                && self.options.payload_field.is_empty()
                && p.name == self.options.name_field
            {
                self.diagnostics.push(
                    Diagnostic::error(
                        "rust-name-collision",
                        format!("parameter `{}` has the name of the envelope's name field", p.name),
                        p.key_span,
                    )
                    .with_label("the event name is read from this key")
                    .with_help("rename the parameter, or set `[envelope] name_field` or `payload_field` in evdef.toml"),
                );
                continue;
            }
            let ident = names::field(&p.name);
            let short = format!("parameter `{}`", p.name);
            if !namespace.claim(
                &ident,
                short,
                Some(p.key_span),
                "field",
                &mut self.diagnostics,
            ) {
                continue;
            }
            let site = Site {
                name: format!("{owner}{}", names::type_name(&p.name)),
                what,
                span: p.key_span,
                description: p.description.as_deref(),
                param: Some(p),
                path: String::new(),
            };
            let (inner, reader) = self.value_type(&p.schema, &site);
            let field = format_ident!("{}", ident);
            let (ty, serde) = presence(&p.schema, p.required, inner, reader.as_deref());
            let rename = (ident != p.name).then(|| {
                let name = &p.name;
                quote!(#[serde(rename = #name)])
            });
            let doc = doc_attrs(&self.parameter_doc(p));
            let deprecated = deprecated_attr(p.deprecated.as_deref());
            fields.push(quote! {
                #doc
                #deprecated
                #rename
                #serde
                pub #field: #ty,
            });
        }
        fields
    }

    /// Description, inheritance and constraints the type does not enforce.
    fn parameter_doc(&self, p: &Parameter) -> Vec<String> {
        let mut doc = Vec::new();
        if let Some(d) = &p.description {
            doc.extend(d.lines().map(str::to_string));
        }
        let mut facts = Vec::new();
        let presence = match (p.required, p.schema.nullable) {
            (true, false) => "Required.",
            (true, true) => "Required, may be `null`.",
            (false, false) => "Optional, never `null` when present.",
            (false, true) => "Optional, may be `null`.",
        };
        facts.push(presence.to_string());
        if let Some(from) = self.inherited_from(p) {
            facts.push(from);
        }
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.push(facts.join(" "));
        let constraints = constraint_notes(&p.schema);
        if !constraints.is_empty() {
            doc.push(String::new());
            doc.push(format!(
                "Constraints (checked by `evdef validate`, not by this type): {}.",
                constraints.join(", ")
            ));
        }
        doc
    }

    /// "Inherited from `.user` through `.checkin`."
    fn inherited_from(&self, p: &Parameter) -> Option<String> {
        let steps: Vec<String> = p
            .origin
            .via
            .iter()
            .map(|step| match step.source() {
                MergeSource::Fragment(f) => format!("`{f}`"),
                MergeSource::Anchor(a) => format!("`&{a}`"),
                MergeSource::Inline => "an inline mapping".to_string(),
            })
            .collect();
        let (definer, through) = steps.split_last()?;
        let mut text = format!("Inherited from {definer}");
        if !through.is_empty() {
            text.push_str(&format!(" through {}", through.join(", ")));
        }
        text.push('.');
        Some(text)
    }

    /// The Rust type of a value when it has no shared name (see `value_type` in `sharing.rs`),
    /// nullability of the value itself left to the caller, and the `evdef_support` reader it needs when
    /// serde's own `Deserialize` would read it differently from the JSON Schema
    /// (`evdef_support::Integer` for an `i64`, `evdef_support::Object` for a struct, wrapped for arrays
    /// and maps of them).
    pub(super) fn new_value_type(
        &mut self,
        schema: &'a Schema,
        site: &Site<'a>,
    ) -> (TokenStream, Option<String>) {
        if let Some(values) = &schema.constraints.enumeration
            && let Some(ty) = self.enumeration(&schema.ty, values, site)
        {
            return (ty, None);
        }
        let reader = match &schema.ty {
            Type::Integer => Some("evdef_support::Integer".to_string()),
            Type::Object(_) => Some("evdef_support::Object".to_string()),
            _ => None,
        };
        let ty = match &schema.ty {
            Type::String | Type::Email | Type::Url => quote!(::std::string::String),
            Type::Integer => quote!(i64),
            Type::Number => quote!(f64),
            Type::Boolean => quote!(bool),
            Type::Json => quote!(::serde_json::Value),
            Type::Timestamp => match self.options.time {
                TimeTypes::Strings => quote!(::std::string::String),
                TimeTypes::Chrono => quote!(::chrono::DateTime<::chrono::FixedOffset>),
                TimeTypes::Time => quote!(evdef_support::Timestamp),
            },
            Type::Date => match self.options.time {
                TimeTypes::Strings => quote!(::std::string::String),
                TimeTypes::Chrono => quote!(::chrono::NaiveDate),
                TimeTypes::Time => quote!(evdef_support::Date),
            },
            Type::Uuid if self.options.uuid => quote!(::uuid::Uuid),
            Type::Uuid => quote!(::std::string::String),
            Type::Object(properties) => self.object(properties, schema, site),
            Type::Array(items) => {
                let (item, reader) = self.item_type(items, site, "Item");
                let reader = reader.map(|r| format!("evdef_support::Items<{r}>"));
                return (quote!(::std::vec::Vec<#item>), reader);
            }
            Type::Map(values) => {
                let (value, reader) = self.item_type(values, site, "Value");
                let reader = reader.map(|r| format!("evdef_support::Values<{r}>"));
                return (
                    quote!(::std::collections::BTreeMap<::std::string::String, #value>),
                    reader,
                );
            }
        };
        (ty, reader)
    }

    /// An array item or map value: `Option<T>` when it may be `null`; with its reader, as
    /// [`Self::new_value_type`].
    fn item_type(
        &mut self,
        schema: &'a Schema,
        parent: &Site<'a>,
        suffix: &str,
    ) -> (TokenStream, Option<String>) {
        let site = Site {
            name: format!("{}{suffix}", parent.name),
            what: format!("{} ({})", parent.what, suffix.to_lowercase()),
            span: parent.span,
            description: schema.description.as_deref().or(parent.description),
            param: parent.param,
            path: format!("{}{suffix}", parent.path),
        };
        let (ty, reader) = self.value_type(schema, &site);
        if schema.nullable && schema.ty != Type::Json {
            let reader = reader.map(|r| format!("evdef_support::Nullable<{r}>"));
            (quote!(::std::option::Option<#ty>), reader)
        } else {
            (ty, reader)
        }
    }

    /// A nested struct for an object.
    fn object(
        &mut self,
        properties: &'a Parameters,
        _schema: &Schema,
        site: &Site<'a>,
    ) -> TokenStream {
        let ident = format_ident!("{}", site.name);
        if !self.types.claim(
            &site.name,
            site.what.clone(),
            Some(site.span),
            "type",
            &mut self.diagnostics,
        ) {
            return quote!(#ident);
        }
        let fields = self.fields(&site.name, &site.what, properties, false);
        let doc = doc_attrs(&[site
            .description
            .map_or_else(|| format!("The value of {}.", site.what), str::to_string)]);
        let deny = self.deny();
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #deny
            pub struct #ident {
                #(#fields)*
            }
        });
        quote!(#ident)
    }
}

/// Constraints a Rust type cannot express, as short notes for the doc comment.
fn constraint_notes(schema: &Schema) -> Vec<String> {
    let c = &schema.constraints;
    let mut notes = Vec::new();
    if let Some(p) = &c.pattern {
        notes.push(format!("pattern `{p}`"));
    }
    if let Some(m) = &c.minimum {
        notes.push(format!("minimum {m}"));
    }
    if let Some(m) = &c.maximum {
        notes.push(format!("maximum {m}"));
    }
    if let Some(m) = c.min_length {
        notes.push(format!("min length {m}"));
    }
    if let Some(m) = c.max_length {
        notes.push(format!("max length {m}"));
    }
    if let Some(m) = c.min_items {
        notes.push(format!("min items {m}"));
    }
    if let Some(m) = c.max_items {
        notes.push(format!("max items {m}"));
    }
    if let Some(values) = &c.enumeration
        && !matches!(
            schema.ty,
            Type::String
                | Type::Email
                | Type::Url
                | Type::Timestamp
                | Type::Date
                | Type::Uuid
                | Type::Integer
        )
    {
        let list: Vec<String> = values.iter().map(Value::to_string).collect();
        notes.push(format!("one of {}", list.join(", ")));
    }
    notes
}

/// `#[doc = " line"]` for each line (prettyplease prints them as `///` comments).
pub(super) fn doc_attrs(paragraphs: &[String]) -> TokenStream {
    let mut lines = Vec::new();
    for p in paragraphs {
        if p.is_empty() {
            lines.push(String::new());
        }
        lines.extend(p.lines().map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        }));
    }
    quote!(#(#[doc = #lines])*)
}

/// `#[deprecated]`, with the reason as its note when there is one.
fn deprecated_attr(reason: Option<&str>) -> Option<TokenStream> {
    reason.map(|r| {
        if r == "deprecated" {
            quote!(#[deprecated])
        } else {
            quote!(#[deprecated(note = #r)])
        }
    })
}
