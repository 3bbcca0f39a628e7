//! What an `integer` is in JSON Schema: a signed 64-bit integer, as in the Rust backend (`i64`) and the
//! docs. Every integer schema carries the range as `minimum` / `maximum`, so `evdef validate` (which
//! compiles these schemas) rejects what an `i64` cannot hold.

/// The bounds of an `integer`: the user's `minimum` / `maximum` intersected with the signed 64-bit range,
/// so every backend reads the same numbers (`i64` in Rust).
///
/// Without `arbitrary_precision`, serde_json holds a number as `u64`, `i64` or `f64`, and the `jsonschema`
/// crate compares each of them with an integer limit exactly (`9223372036854775808` as `u64`, `1e19` as
/// `f64`: both above `9223372036854775807`). A number too big for `f64` (`1e400`) is already a parse error.
pub fn integer_bounds(
    minimum: Option<&serde_json::Number>,
    maximum: Option<&serde_json::Number>,
) -> (Option<serde_json::Number>, Option<serde_json::Number>) {
    // 2^63 as an `f64` is exact; every `f64` below it is at most `i64::MAX`.
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    let low = match minimum {
        Some(n) if n.as_u64().is_some() || n.as_i64().is_some() => n.clone(),
        Some(n) if n.as_f64().is_some_and(|f| f >= -TWO_POW_63) => n.clone(),
        _ => i64::MIN.into(),
    };
    let high = match maximum {
        Some(n) if n.as_i64().is_some() => n.clone(),
        Some(n) if n.as_u64().is_none() && n.as_f64().is_some_and(|f| f < TWO_POW_63) => n.clone(),
        _ => i64::MAX.into(),
    };
    (Some(low), Some(high))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// Whether a parsed JSON number is a signed 64-bit integer (what Rust's `i64` can hold).
    fn fits_i64(n: &serde_json::Number) -> bool {
        n.as_i64().is_some()
            || n.as_u64().is_none()
                && n.as_f64().is_some_and(|f| {
                    f.fract() == 0.0
                        && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
                })
    }

    #[test]
    fn integer_schemas_accept_exactly_the_signed_64_bit_range() {
        let (minimum, maximum) = integer_bounds(None, None);
        let schema = json!({"type": "integer", "minimum": minimum, "maximum": maximum});
        assert_eq!(
            schema,
            json!({"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX})
        );
        let validator = crate::validate::jsonschema_options()
            .build(&schema)
            .unwrap();
        let accepted = [
            "0",
            "-0",
            "1.0",
            "1e2",
            "-1E2",
            "0.0",
            "-0.0",
            "9223372036854775807",
            "-9223372036854775808",
            "9.2233720368547748e18",
            "-9.223372036854775808e18",
            // serde_json rounds these to the f64 -2^63 (= i64::MIN) before any validator sees them.
            "-9223372036854775809",
            "-9.2233720368547758081e18",
        ];
        let rejected = [
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "1e19",
            "9.223372036854775807e18",
            "9223372036854775807.0",
            "-9.3e18",
            "-1e19",
            "1.5",
            "-0.5",
            "1e-2",
            "1.7976931348623157e308",
            "\"1\"",
            "true",
            "null",
        ];
        for (texts, verdict) in [(&accepted[..], true), (&rejected[..], false)] {
            for text in texts {
                let value: Value = serde_json::from_str(text).unwrap();
                assert_eq!(validator.is_valid(&value), verdict, "{text}");
                let fits = value.as_number().is_some_and(fits_i64);
                assert_eq!(fits, verdict, "{text}: the i64 verdict");
            }
        }
        // Too big for an f64: serde_json (without arbitrary_precision) cannot read the line at all.
        assert!(serde_json::from_str::<Value>("1e400").is_err());
        assert!(serde_json::from_str::<Value>("-1e400").is_err());
    }

    #[test]
    fn user_bounds_are_intersected_with_the_64_bit_range() {
        let n = |text: &str| serde_json::from_str::<serde_json::Number>(text).unwrap();
        let bounds = |min: Option<&str>, max: Option<&str>| {
            let (low, high) = integer_bounds(min.map(n).as_ref(), max.map(n).as_ref());
            (low.unwrap().to_string(), high.unwrap().to_string())
        };
        let (i64_min, i64_max) = (i64::MIN.to_string(), i64::MAX.to_string());
        assert_eq!(bounds(Some("0"), Some("100")), ("0".into(), "100".into()));
        assert_eq!(bounds(Some("-5"), None), ("-5".into(), i64_max.clone()));
        assert_eq!(
            bounds(Some("-1e30"), Some("1e30")),
            (i64_min.clone(), i64_max.clone())
        );
        assert_eq!(
            bounds(None, Some("18446744073709551615")),
            (i64_min.clone(), i64_max.clone())
        );
        assert_eq!(
            bounds(Some("1.5"), Some("2.5")),
            ("1.5".into(), "2.5".into())
        );
        // Bounds beyond the range on the inner side are kept: the range is then empty, as declared.
        assert_eq!(
            bounds(Some("18446744073709551615"), None),
            ("18446744073709551615".into(), i64_max)
        );
        assert_eq!(bounds(None, Some("-1e30")), (i64_min, "-1e+30".into()));
    }
}
