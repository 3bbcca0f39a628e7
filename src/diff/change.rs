//! The kinds of change `evdef diff` reports: one stable rule ID each, with the text `--explain` prints, and
//! the [`Change`] record that pairs a rule with the event, path, spans and the directions it breaks.

use crate::source::Span;

/// A direction of compatibility (DESIGN.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// New readers, old data: some line valid under OLD is invalid under NEW.
    Backward,
    /// Old readers, new data: some line valid under NEW is invalid under OLD.
    Forward,
}

impl Direction {
    /// `backward` or `forward`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Backward => "backward",
            Direction::Forward => "forward",
        }
    }
}

/// Which directions a change breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Breaks {
    /// Some line valid under OLD may be invalid under NEW.
    pub backward: bool,
    /// Some line valid under NEW may be invalid under OLD.
    pub forward: bool,
}

impl Breaks {
    /// Breaks nothing.
    pub const NONE: Breaks = Breaks {
        backward: false,
        forward: false,
    };
    /// Breaks backward only.
    pub const BACKWARD: Breaks = Breaks {
        backward: true,
        forward: false,
    };
    /// Breaks forward only.
    pub const FORWARD: Breaks = Breaks {
        backward: false,
        forward: true,
    };
    /// Breaks both directions.
    pub const BOTH: Breaks = Breaks {
        backward: true,
        forward: true,
    };

    /// The broken directions, backward first.
    pub fn directions(self) -> Vec<Direction> {
        let mut out = Vec::new();
        if self.backward {
            out.push(Direction::Backward);
        }
        if self.forward {
            out.push(Direction::Forward);
        }
        out
    }

    /// Whether any direction breaks.
    pub fn any(self) -> bool {
        self.backward || self.forward
    }

    /// Both sets of breaks.
    pub fn union(self, other: Breaks) -> Breaks {
        Breaks {
            backward: self.backward || other.backward,
            forward: self.forward || other.forward,
        }
    }
}

macro_rules! rules {
    ($($variant:ident => $code:literal, $explain:literal;)*) => {
        /// A stable change kind. Its code never changes once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $(
                #[doc = concat!("`", $code, "`")]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in documentation order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case ID.
            pub fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => $code,)*
                }
            }

            /// What `evdef diff --explain <ID>` prints.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Rule::$variant => $explain,)*
                }
            }
        }
    };
}

rules! {
    EventAdded => "event-added",
        "A new event. Breaks forward: old readers reject a line naming an event they do not know.\n";
    EventRemoved => "event-removed",
        "An event is gone. Breaks backward: old lines naming it are rejected as unknown events.\n";
    ParameterAdded => "parameter-added",
        "A parameter (or a property of an object parameter) is new; the message says required or optional.\n\n\
         With `additional_parameters = \"deny\"` (closed model) old readers reject the new key: breaks forward;\n\
         a required one also breaks backward (old lines lack it).\n\
         With `\"allow\"` (open model) old readers accept it: forward is safe; a required one breaks backward,\n\
         and so does an optional one unless its type is an unconstrained `json`, because an old line may\n\
         already carry that key with another value.\n";
    ParameterRemoved => "parameter-removed",
        "A parameter is gone.\n\n\
         With `\"deny\"` new readers reject old lines that carry it: breaks backward; if it was required it also\n\
         breaks forward (new lines lack it). With `\"allow\"` new readers accept the key: backward is safe;\n\
         forward breaks if it was required, or if new lines may carry the key with a value the old type rejects\n\
         (anything but an unconstrained `json`).\n";
    TypeChanged => "type-changed",
        "The type changed to one whose values neither include nor are included in the old ones (`string` →\n\
         `integer`, `object` → `map`). Breaks both directions.\n";
    TypeWidened => "type-widened",
        "The new type accepts every old value and more (`integer` → `number`, `uuid` → `string`, any → `json`).\n\
         Breaks forward: old readers reject the new values.\n";
    TypeNarrowed => "type-narrowed",
        "The new type accepts only some of the old values (`number` → `integer`, `string` → `uuid`).\n\
         Breaks backward: new readers reject some old values.\n";
    EnumValueAdded => "enum-value-added",
        "An allowed value was added to an `enum`. Breaks forward: old readers reject it.\n";
    EnumValueRemoved => "enum-value-removed",
        "An allowed value was removed from an `enum`. Breaks backward: old lines carrying it are rejected.\n";
    ConstraintTightened => "constraint-tightened",
        "A constraint now admits fewer values: a higher `minimum` / `min_length` / `min_items`, a lower\n\
         `maximum` / `max_length` / `max_items`, a new `enum` or `pattern`, or the envelope changing to\n\
         `additional_parameters = \"deny\"`. Breaks backward.\n";
    ConstraintLoosened => "constraint-loosened",
        "A constraint now admits more values (the reverse of `constraint-tightened`, or a constraint\n\
         removed). Breaks forward.\n";
    ConstraintChanged => "constraint-changed",
        "A constraint changed in a way whose effect on the set of valid values cannot be decided (a different\n\
         `pattern`, a different envelope name or payload field). Breaks both directions.\n";
    NowRequired => "now-required",
        "An optional parameter became required. Breaks backward: old lines without it are rejected.\n";
    NowOptional => "now-optional",
        "A required parameter became optional. Breaks forward: old readers reject new lines without it.\n";
    NowNullable => "now-nullable",
        "A parameter now accepts `null`. Breaks forward: old readers reject `null`.\n";
    NoLongerNullable => "no-longer-nullable",
        "A parameter no longer accepts `null`. Breaks backward: old lines carrying `null` are rejected.\n";
    Deprecated => "deprecated",
        "An event or parameter was deprecated (or is no longer deprecated). Never breaking.\n";
    DocsChanged => "docs-changed",
        "A description, owner, tags or a `pii:`/`classification:` mark changed. Never breaking.\n";
    VersionNotBumped => "version-not-bumped",
        "An event declares `version:` and has a change that breaks a direction the `[diff] mode` counts, but\n\
         its version did not change. Bump the major version (the suggestion is the next one); the run fails\n\
         until then.\n";
}

impl Rule {
    /// The rule with this ID.
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.code() == code)
    }
}

/// One change between the old and the new catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What kind of change.
    pub rule: Rule,
    /// The event it concerns (`None` for a change of the envelope, which concerns every event).
    pub event: Option<String>,
    /// JSON pointer to the parameter (`/location/lat`, `/products/items/price`); `None` for the event itself.
    pub path: Option<String>,
    /// The directions it breaks, decided from the set semantics.
    pub breaks: Breaks,
    /// Lowercase, names the thing in backticks.
    pub message: String,
    /// Where the changed item is written on the old side (a span into the old catalog's sources).
    pub old: Option<Span>,
    /// Where the changed item is written on the new side (a span into the new catalog's sources).
    pub new: Option<Span>,
    /// The `<<` use site an inherited parameter arrived through, on the new side (else the old side).
    pub via: Option<Via>,
    /// For a removed parameter, which has no new span: where its owner (the event, or the object parameter)
    /// is written on the new side, so annotations on the new files have a place.
    pub anchor: Option<Span>,
    /// For `version-not-bumped`: the next major version.
    pub suggested_version: Option<String>,
}

/// A merge use site, on one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Via {
    /// The `*alias` token.
    pub span: Span,
    /// Whether the span is in the old catalog's sources.
    pub old_side: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        for rule in Rule::ALL {
            assert_eq!(Rule::from_code(rule.code()), Some(*rule));
            assert!(!rule.explanation().is_empty());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
    }
}
