//! The type space shared by the code backends (TypeScript, Rust): which shapes are shared and what each is
//! called, answered once so every backend prints the same sharing. A fragment merged into two or more places
//! (events, fragments, the properties of a nested object) is a shared shape that those places extend; a
//! nested object or enum declared once is one named type, however many events inherit it.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostics::{Diagnostic, Severity};
use crate::emit::idents as names;
use crate::model::{Catalog, Event, Fragment, Parameter, Parameters, Schema, Type};
use crate::source::Span;

/// What a place (an event, a shared fragment, a nested object) is made of: the shared fragments it extends
/// and the parameters it declares itself, in resolved order.
#[derive(Debug, Clone, Default)]
pub struct Shape<'c> {
    /// Shared fragments whose parameters this place inherits, in order of first appearance.
    pub extends: Vec<Extend>,
    /// Parameters declared by this place (written in it, or inherited through fragments that are not shared).
    pub own: Vec<&'c Parameter>,
}

/// One extended shared fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extend {
    /// Index into [`TypeSpace::fragments`].
    pub fragment: usize,
    /// Keys of the fragment this place does not take from it (overridden, or the envelope's name field),
    /// in the fragment's order: the place extends `Omit<Fragment, ...>`.
    pub omit: Vec<String>,
}

/// A fragment merged into two or more places.
#[derive(Debug, Clone)]
pub struct SharedFragment<'c> {
    /// The fragment.
    pub fragment: &'c Fragment,
    /// Its type name (`.mobile_app` → `MobileApp`).
    pub name: String,
    /// Its shape (it may extend other shared fragments).
    pub shape: Shape<'c>,
}

/// An event with its type name and shape.
#[derive(Debug, Clone)]
pub struct EventShape<'c> {
    /// The event.
    pub event: &'c Event,
    /// Its type name (`order_completed` → `OrderCompleted`).
    pub name: String,
    /// The name of the type holding its parameters when they sit under a payload field
    /// (`OrderCompletedParameters`), else `None`.
    pub payload_name: Option<String>,
    /// Its shape; the envelope's name field is left out when parameters sit at the top level.
    pub shape: Shape<'c>,
}

/// A named nested type: an object or an enum, declared once in the definitions.
#[derive(Debug, Clone)]
pub struct NamedType<'c> {
    /// Its type name, from the path to where it was first declared (`ApiRejectedCheckIn` +
    /// `rejection_reason` → `ApiRejectedCheckInRejectionReason`; array items add `Item`, map values `Value`).
    pub name: String,
    /// The schema it names.
    pub schema: &'c Schema,
    /// Description of the parameter (or items) that declares it.
    pub description: Option<&'c str>,
    /// For an object, its shape; `None` for an enum.
    pub object: Option<Shape<'c>>,
}

/// The answer for a whole catalog.
#[derive(Debug, Clone)]
pub struct TypeSpace<'c> {
    /// Shared fragments reachable from an event, in catalog order.
    pub fragments: Vec<SharedFragment<'c>>,
    /// Every event, in catalog order.
    pub events: Vec<EventShape<'c>>,
    /// Named nested types reachable from an event, in order of declaration.
    pub named: Vec<NamedType<'c>>,
    /// Where a named type is declared → index into `named`.
    by_site: HashMap<Site, usize>,
    /// Two types with one name (`type-name-collision` errors).
    pub diagnostics: Vec<Diagnostic>,
}

/// How a backend wants the space built.
#[derive(Debug, Clone, Default)]
pub struct SpaceOptions<'o> {
    /// The envelope's name field, left out of event shapes when `payload_field` is empty.
    pub name_field: &'o str,
    /// The envelope's payload field (`""`: parameters at the top level).
    pub payload_field: &'o str,
    /// Type names the backend declares itself (`Event`), so a definition cannot take them.
    pub reserved: &'o [&'o str],
}

/// Where a schema is written: the key of the parameter declaring it, and the path from that parameter's
/// value down to it (`""`, `"Item"`, `"ValueItem"`, ...). The resolver may hold one written parameter as
/// several copies (one per parallel chunk, per nesting depth), so identity is where it was written.
type Site = (Span, String);

/// Whether a schema is printed as a named type.
fn is_named(schema: &Schema) -> bool {
    schema.constraints.enumeration.is_some() || matches!(schema.ty, Type::Object(_))
}

impl<'c> TypeSpace<'c> {
    /// Build the type space of a catalog.
    pub fn new(catalog: &'c Catalog, options: &SpaceOptions<'_>) -> TypeSpace<'c> {
        let mut builder = Builder::default();
        // Fragments first: a type declared in a fragment is named after the fragment, whichever event
        // inherits it first.
        let fragments: Vec<&Fragment> = catalog
            .fragments
            .values()
            .filter(|f| !f.is_template)
            .collect();
        for f in &fragments {
            builder.fragment_owner = true;
            builder.name_place(&names::type_name(&f.name), &f.parameters, f.name.clone());
        }
        builder.fragment_owner = false;
        for e in catalog.events.values() {
            builder.name_place(&names::type_name(&e.name), &e.parameters, e.name.clone());
        }
        let shared = builder.shared_fragments(&fragments);
        let mut space = TypeSpace {
            fragments: Vec::new(),
            events: Vec::new(),
            named: Vec::new(),
            by_site: HashMap::new(),
            diagnostics: Vec::new(),
        };
        let fragment_index: HashMap<&str, usize> = shared
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.as_str(), i))
            .collect();
        let shaper = Shaper {
            shared: &shared,
            index: &fragment_index,
        };
        let top_level = options.payload_field.is_empty();
        for e in catalog.events.values() {
            let skip = top_level.then_some(options.name_field);
            let name = names::type_name(&e.name);
            space.events.push(EventShape {
                event: e,
                payload_name: (!top_level).then(|| format!("{name}Parameters")),
                name,
                shape: shaper.shape(&e.parameters, skip),
            });
        }
        let all_fragments: Vec<SharedFragment<'c>> = shared
            .iter()
            .map(|f| SharedFragment {
                fragment: f,
                name: names::type_name(&f.name),
                shape: shaper.shape(&f.parameters, None),
            })
            .collect();
        let all_named: Vec<NamedType<'c>> = builder
            .named
            .iter()
            .map(|(name, schema, description)| NamedType {
                name: name.clone(),
                schema,
                description: *description,
                object: match &schema.ty {
                    Type::Object(props) if schema.constraints.enumeration.is_none() => {
                        Some(shaper.shape(props, None))
                    }
                    _ => None,
                },
            })
            .collect();
        space.keep_reachable(all_fragments, all_named, &builder.by_site);
        space.claim_names(options.reserved);
        space
    }

    /// The named type of parameter `p`'s value (`path` `""`), or of its items or values (`path` `"Item"`,
    /// `"Value"`, `"ItemItem"`, ...), if that is an object or an enum.
    pub fn named(&self, p: &Parameter, path: &str) -> Option<&NamedType<'c>> {
        self.named_index(p, path).and_then(|i| self.named.get(i))
    }

    /// [`Self::named`] as an index into [`Self::named`] (names may collide; indexes do not).
    pub fn named_index(&self, p: &Parameter, path: &str) -> Option<usize> {
        self.by_site.get(&(p.key_span, path.to_string())).copied()
    }

    /// Keep the shared fragments and named types some event reaches, renumbering references.
    fn keep_reachable(
        &mut self,
        fragments: Vec<SharedFragment<'c>>,
        named: Vec<NamedType<'c>>,
        by_site: &HashMap<Site, usize>,
    ) {
        let mut seen_fragments = vec![false; fragments.len()];
        let mut seen_named = vec![false; named.len()];
        let mut shapes: Vec<&Shape<'c>> = self.events.iter().map(|e| &e.shape).collect();
        while let Some(shape) = shapes.pop() {
            for x in &shape.extends {
                if !std::mem::replace(&mut seen_fragments[x.fragment], true) {
                    shapes.push(&fragments[x.fragment].shape);
                }
            }
            let mut schemas: Vec<(&Schema, Site)> = shape
                .own
                .iter()
                .map(|p| (&p.schema, (p.key_span, String::new())))
                .collect();
            while let Some((schema, site)) = schemas.pop() {
                if let Some(&i) = by_site.get(&site) {
                    if std::mem::replace(&mut seen_named[i], true) {
                        continue;
                    }
                    if let Some(object) = &named[i].object {
                        shapes.push(object);
                    }
                }
                match &schema.ty {
                    Type::Array(inner) => schemas.push((inner, (site.0, site.1 + "Item"))),
                    Type::Map(inner) => schemas.push((inner, (site.0, site.1 + "Value"))),
                    _ => {}
                }
            }
        }
        let fragment_map: Vec<Option<usize>> = renumber(&seen_fragments);
        let named_map: Vec<Option<usize>> = renumber(&seen_named);
        let fix = |shape: &mut Shape<'c>| {
            for x in &mut shape.extends {
                x.fragment = fragment_map[x.fragment].unwrap_or(usize::MAX);
            }
        };
        for e in &mut self.events {
            fix(&mut e.shape);
        }
        for (i, mut f) in fragments.into_iter().enumerate() {
            if seen_fragments[i] {
                fix(&mut f.shape);
                self.fragments.push(f);
            }
        }
        for (i, mut n) in named.into_iter().enumerate() {
            if seen_named[i] {
                if let Some(object) = &mut n.object {
                    fix(object);
                }
                self.named.push(n);
            }
        }
        self.by_site = by_site
            .iter()
            .filter_map(|(site, &i)| named_map[i].map(|j| (site.clone(), j)))
            .collect();
    }

    /// Report every type name taken twice.
    fn claim_names(&mut self, reserved: &[&str]) {
        let mut taken: BTreeMap<String, (String, Option<Span>)> = reserved
            .iter()
            .map(|r| (r.to_string(), (format!("the generated `{r}` type"), None)))
            .collect();
        let mut claims: Vec<(String, String, Option<Span>)> = Vec::new();
        for e in &self.events {
            let what = format!("event `{}`", e.event.name);
            claims.push((e.name.clone(), what.clone(), Some(e.event.name_span)));
            if let Some(payload) = &e.payload_name {
                claims.push((
                    payload.clone(),
                    format!("the parameters of {what}"),
                    Some(e.event.name_span),
                ));
            }
        }
        for f in &self.fragments {
            let what = format!("fragment `{}`", f.fragment.name);
            claims.push((f.name.clone(), what, Some(f.fragment.name_span)));
        }
        for n in &self.named {
            claims.push((n.name.clone(), format!("nested type `{}`", n.name), None));
        }
        for (name, what, span) in claims {
            if let Some((first, first_span)) = taken.get(&name) {
                let message = format!("{what} and {first} both map to the type name `{name}`");
                let mut d = match span {
                    Some(span) => Diagnostic::error("type-name-collision", message, span)
                        .with_label(format!("maps to `{name}`")),
                    None => Diagnostic::global(Severity::Error, "type-name-collision", message),
                };
                if let Some(first_span) = first_span {
                    d = d.with_secondary(*first_span, format!("{first} maps to `{name}` too"));
                }
                self.diagnostics.push(d.with_help(
                    "type names are made by dropping characters that are not letters or digits and \
                     changing case; rename one so the names differ in more than punctuation and case",
                ));
            } else {
                taken.insert(name, (what, span));
            }
        }
    }
}

/// Old index → new index for the kept entries.
fn renumber(kept: &[bool]) -> Vec<Option<usize>> {
    let mut next = 0;
    kept.iter()
        .map(|&k| {
            k.then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// Collects named types and merge counts.
#[derive(Default)]
struct Builder<'c> {
    named: Vec<(String, &'c Schema, Option<&'c str>)>,
    by_site: HashMap<Site, usize>,
    /// Places already walked: events and fragments by type name, objects by site.
    places: HashSet<String>,
    /// Fragment name → number of places that merge it directly.
    merges: HashMap<&'c str, usize>,
    /// Naming a fragment's own parameters: `.business` + `business_category` is `BusinessCategory`, not
    /// `BusinessBusinessCategory` (the fragment's name already leads).
    fragment_owner: bool,
}

impl<'c> Builder<'c> {
    /// Name the nested types of a place and count the fragments it merges directly.
    fn name_place(&mut self, owner: &str, parameters: &'c Parameters, place: String) {
        if !self.places.insert(place) {
            return;
        }
        let direct: HashSet<&'c str> = parameters
            .values()
            .filter_map(|p| p.origin.via.first())
            .filter_map(|step| step.fragment.as_deref())
            .collect();
        for f in direct {
            *self.merges.entry(f).or_default() += 1;
        }
        let fragment_owner = std::mem::take(&mut self.fragment_owner);
        for p in parameters.values() {
            let own = names::type_name(&p.name);
            let name = if fragment_owner && own.starts_with(owner) && own.len() > owner.len() {
                own
            } else {
                format!("{owner}{own}")
            };
            let site = (p.key_span, String::new());
            self.name_schema(&p.schema, name, p.description.as_deref(), site);
        }
    }

    fn name_schema(
        &mut self,
        schema: &'c Schema,
        name: String,
        description: Option<&'c str>,
        site: Site,
    ) {
        if is_named(schema) {
            if self.by_site.contains_key(&site) {
                return;
            }
            self.by_site.insert(site.clone(), self.named.len());
            self.named.push((name.clone(), schema, description));
        }
        let (span, path) = site;
        match &schema.ty {
            Type::Object(props) => self.name_place(&name, props, format!("{span:?}{path}")),
            Type::Array(items) => {
                let site = (span, path + "Item");
                self.name_schema(items, name + "Item", items.description.as_deref(), site)
            }
            Type::Map(values) => {
                let site = (span, path + "Value");
                self.name_schema(values, name + "Value", values.description.as_deref(), site)
            }
            _ => {}
        }
    }

    /// Fragments merged directly into two or more places, in catalog order.
    fn shared_fragments(&self, fragments: &[&'c Fragment]) -> Vec<&'c Fragment> {
        fragments
            .iter()
            .filter(|f| self.merges.get(f.name.as_str()).is_some_and(|&n| n >= 2))
            .filter(|f| !f.parameters.is_empty())
            .copied()
            .collect()
    }
}

/// Computes shapes against the shared fragments.
struct Shaper<'a, 'c> {
    shared: &'a [&'c Fragment],
    index: &'a HashMap<&'a str, usize>,
}

impl<'c> Shaper<'_, 'c> {
    /// The shape of a place: each parameter is covered by the first shared fragment on its merge chain when
    /// it is that fragment's very definition, else declared by the place.
    fn shape(&self, parameters: &'c Parameters, skip: Option<&str>) -> Shape<'c> {
        let mut shape = Shape::default();
        let mut covered: Vec<(usize, HashSet<&str>)> = Vec::new();
        for (key, p) in parameters {
            if skip == Some(&**key) {
                continue;
            }
            let cover = p
                .origin
                .via
                .iter()
                .find_map(|step| step.fragment.as_deref().and_then(|f| self.index.get(f)))
                .copied()
                .filter(|&i| {
                    self.shared[i]
                        .parameters
                        .get(key)
                        .is_some_and(|q| q.key_span == p.key_span)
                });
            match cover {
                Some(i) => match covered.iter_mut().find(|(j, _)| *j == i) {
                    Some((_, keys)) => {
                        keys.insert(key);
                    }
                    None => covered.push((i, HashSet::from([&**key]))),
                },
                None => shape.own.push(p),
            }
        }
        shape.extends = covered
            .into_iter()
            .map(|(i, keys)| Extend {
                fragment: i,
                omit: self.shared[i]
                    .parameters
                    .keys()
                    .filter(|k| !keys.contains(&***k))
                    .map(|k| k.to_string())
                    .collect(),
            })
            .collect();
        shape
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(files: &[(&str, &str)]) -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let options = crate::Options::new().with_path(dir.path());
        let compiled = crate::compile(&options).unwrap();
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        compiled.catalog
    }

    const PRELUDE: &str = "
.user: &user
  user_id: integer
  tier: {type: string, enum: [a, b]}
.client: &client
  client_id: string
.app: &app
  <<: *client
  build: integer
.geo: &geo
  lat: number
";

    const EVENTS: &str = "
one:
  parameters:
    <<: [*user, *app]
    place: {type: object, properties: {<<: *geo, name: string}}
two:
  parameters:
    <<: [*user, *client]
    user_id: string
    items: {type: array, items: {type: object, properties: {<<: *geo}}}
";

    fn space_of(catalog: &Catalog) -> TypeSpace<'_> {
        TypeSpace::new(
            catalog,
            &SpaceOptions {
                name_field: "event",
                payload_field: "",
                reserved: &["Event"],
            },
        )
    }

    #[test]
    fn fragments_merged_twice_are_shared_and_extended() {
        let catalog = catalog(&[("_p.yaml", PRELUDE), ("e.yaml", EVENTS)]);
        let space = space_of(&catalog);
        let names: Vec<&str> = space.fragments.iter().map(|f| f.name.as_str()).collect();
        // `.app` is merged once (not shared); `.client` twice (into `.app` and `two`); `.geo` twice.
        assert_eq!(names, ["User", "Client", "Geo"]);
        let one = &space.events[0];
        let ext: Vec<(&str, &[String])> = one
            .shape
            .extends
            .iter()
            .map(|x| (space.fragments[x.fragment].name.as_str(), x.omit.as_slice()))
            .collect();
        // In resolved order: `<<: [*user, *app]` puts `.app`'s keys first (PyYAML's order).
        assert_eq!(ext, [("Client", &[][..]), ("User", &[][..])]);
        let own: Vec<&str> = one.shape.own.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(own, ["build", "place"]);
        let two = &space.events[1];
        let user = two
            .shape
            .extends
            .iter()
            .find(|x| space.fragments[x.fragment].name == "User")
            .unwrap();
        assert_eq!(user.omit, ["user_id"]);
        let own: Vec<&str> = two.shape.own.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(own, ["user_id", "items"]);
        assert!(space.diagnostics.is_empty());
    }

    #[test]
    fn nested_types_are_named_once_where_declared() {
        let catalog = catalog(&[("_p.yaml", PRELUDE), ("e.yaml", EVENTS)]);
        let space = space_of(&catalog);
        let names: Vec<&str> = space.named.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["UserTier", "OnePlace", "TwoItemsItem"]);
        let tier_one = &catalog.events["one"].parameters["tier"];
        let tier_two = &catalog.events["two"].parameters["tier"];
        assert_eq!(space.named(tier_one, "").unwrap().name, "UserTier");
        assert_eq!(space.named(tier_two, "").unwrap().name, "UserTier");
        let item = space.named.last().unwrap().object.as_ref().unwrap();
        assert_eq!(space.fragments[item.extends[0].fragment].name, "Geo");
    }

    #[test]
    fn clashing_names_are_diagnostics() {
        let catalog = catalog(&[(
            "e.yaml",
            "a_b: {parameters: {x: string}}\nA-B: {}\nevent: {}\n",
        )]);
        let space = space_of(&catalog);
        let codes: Vec<&str> = space.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["type-name-collision", "type-name-collision"]);
    }
}
