//! Sharing as the definitions share (from [`crate::emit::shared`]): a nested type declared once is emitted
//! once, and each shared fragment (merged into two or more places) is a trait implemented by every event
//! that carries all of its parameters, so code can take "any event that carries a user". Events stay flat
//! structs: `#[serde(flatten)]` does not work with `deny_unknown_fields`.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::items::{Generator, Site, doc_attrs};
use super::names;
use super::presence::presence;
use crate::model::{Parameter, Parameters, Schema, Type};

impl<'a> Generator<'a> {
    /// The Rust type of a value, nullability of the value itself left to the caller. A nested type declared
    /// once in the definitions gets its shared name and is emitted the first time only.
    pub(super) fn value_type(
        &mut self,
        schema: &'a Schema,
        site: &Site<'a>,
    ) -> (TokenStream, Option<String>) {
        let shared = site
            .param
            .and_then(|p| self.space.named_index(p, &site.path));
        let Some((index, name)) =
            shared.and_then(|i| self.space.named.get(i).map(|n| (i, n.name.clone())))
        else {
            return self.new_value_type(schema, site);
        };
        if let Some(ty) = self.emitted.get(&index) {
            return ty.clone();
        }
        let site = Site {
            name: name.clone(),
            what: site.what.clone(),
            span: site.span,
            description: site.description,
            param: site.param,
            path: site.path.clone(),
        };
        let ty = self.new_value_type(schema, &site);
        self.emitted.insert(index, ty.clone());
        ty
    }

    /// The traits and their implementations, pushed as items.
    pub(super) fn traits(&mut self) {
        let fragments = self.space.fragments.clone();
        for f in &fragments {
            let what = format!("the trait of fragment `{}`", f.fragment.name);
            if !self.types.claim(
                &f.name,
                what,
                Some(f.fragment.name_span),
                "type",
                &mut self.diagnostics,
            ) {
                continue;
            }
            // A fragment extended whole is a supertrait; its accessors are not repeated.
            let supers: Vec<&str> = f
                .shape
                .extends
                .iter()
                .filter(|x| x.omit.is_empty())
                .filter_map(|x| fragments.get(x.fragment))
                .map(|g| g.name.as_str())
                .collect();
            let provided: HashSet<&str> = f
                .shape
                .extends
                .iter()
                .filter(|x| x.omit.is_empty())
                .filter_map(|x| fragments.get(x.fragment))
                .flat_map(|g| g.fragment.parameters.keys().map(|k| &**k))
                .collect();
            let skip_name_field = self.options.payload_field.is_empty();
            let methods: Vec<&'a Parameter> = f
                .fragment
                .parameters
                .values()
                .filter(|p| !provided.contains(p.name.as_str()))
                .filter(|p| !(skip_name_field && p.name == self.options.name_field))
                .collect();
            let carries = |parameters: &Parameters| {
                f.fragment
                    .parameters
                    .iter()
                    .all(|(k, q)| parameters.get(k).is_some_and(|p| p.key_span == q.key_span))
            };
            // Events, then nested structs (the properties of an object may merge the fragment too).
            let mut implementors: Vec<String> = self
                .catalog
                .events
                .values()
                .filter(|e| carries(&e.parameters))
                .map(|e| names::type_name(&e.name))
                .collect();
            for (i, n) in self.space.named.iter().enumerate() {
                if let Type::Object(props) = &n.schema.ty
                    && n.object.is_some()
                    && self.emitted.contains_key(&i)
                    && carries(props)
                {
                    implementors.push(n.name.clone());
                }
            }
            let item =
                self.fragment_trait(&f.name, &f.fragment.name, &supers, &methods, &implementors);
            self.items.push(item);
        }
    }

    fn fragment_trait(
        &mut self,
        name: &str,
        fragment: &str,
        supers: &[&str],
        methods: &[&'a Parameter],
        implementors: &[String],
    ) -> TokenStream {
        let ident = format_ident!("{}", name);
        let supers: Vec<_> = supers.iter().map(|s| format_ident!("{}", s)).collect();
        let bound = (!supers.is_empty()).then(|| quote!(: #(#supers)+*));
        let mut signatures = Vec::new();
        let mut bodies = Vec::new();
        for p in methods {
            let site = Site {
                name: format!("{name}{}", names::type_name(&p.name)),
                what: format!("parameter `{}` of fragment `{fragment}`", p.name),
                span: p.key_span,
                description: p.description.as_deref(),
                param: Some(p),
                path: String::new(),
            };
            let (inner, reader) = self.value_type(&p.schema, &site);
            let (ty, _) = presence(&p.schema, p.required, inner, reader.as_deref());
            let field = format_ident!("{}", names::field(&p.name));
            let doc = doc_attrs(&[p
                .description
                .clone()
                .unwrap_or_else(|| format!("The parameter `{}`.", p.name))]);
            signatures.push(quote!(#doc fn #field(&self) -> &#ty;));
            bodies.push(quote!(fn #field(&self) -> &#ty { &self.#field }));
        }
        let doc = doc_attrs(&[format!(
            "Events (and nested objects) that carry the parameters of the fragment `{fragment}`."
        )]);
        let impls = implementors.iter().map(|e| {
            let event = format_ident!("{}", e);
            quote! {
                #[allow(deprecated)]
                impl #ident for #event {
                    #(#bodies)*
                }
            }
        });
        quote! {
            #doc
            pub trait #ident #bound {
                #(#signatures)*
            }
            #(#impls)*
        }
    }
}
