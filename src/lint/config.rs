//! `[lint]` of `evdef.toml`: the naming convention, rule levels and the settings of individual rules.
//! Owned by the lint stage (so the configuration reader depends on lint, not the other way round); a bad
//! value (an invalid `naming` regex, an unknown rule ID) is refused while the file is read, with its line
//! and column.

use serde::Deserialize;

/// `[lint]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct LintConfig {
    /// Regular expression every event and parameter name must match (checked when the file is read).
    #[serde(deserialize_with = "checked::naming")]
    pub naming: Option<String>,
    /// Severity overrides by rule code: `error`, `warn`, `info`, `off`. Unknown codes are refused when
    /// the file is read.
    #[serde(deserialize_with = "checked::rules")]
    pub rules: std::collections::BTreeMap<String, RuleLevel>,
    /// `[lint.pii-parameter]`.
    #[serde(rename = "pii-parameter")]
    pub pii_parameter: PiiParameterConfig,
    /// `[lint.description-quality]`.
    #[serde(rename = "description-quality")]
    pub description_quality: DescriptionQualityConfig,
    /// `[lint.too-many-parameters]`.
    #[serde(rename = "too-many-parameters")]
    pub too_many_parameters: TooManyParametersConfig,
}

/// `[lint.pii-parameter]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct PiiParameterConfig {
    /// Names that look personal, as snake_case words (`first_name`; `birth*` for a word prefix). Replaces
    /// the default list when given.
    pub names: Option<Vec<String>>,
}

/// `[lint.description-quality]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DescriptionQualityConfig {
    /// Fewest words a description may have (default 3).
    pub min_words: Option<usize>,
}

/// `[lint.too-many-parameters]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TooManyParametersConfig {
    /// Most parameters an event may have after merges (default 50).
    pub max: Option<usize>,
}

/// A configured rule level.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Report as an error.
    Error,
    /// Report as a warning.
    Warn,
    /// Report as information.
    Info,
    /// Do not run the rule.
    Off,
}

/// Values checked while the file is read, so that a bad one is an error naming its line and column (the
/// TOML deserializer attaches the span of the value being read) in every command, not only in `check`.
mod checked {
    use std::collections::BTreeMap;

    use serde::de::{Deserialize, Deserializer, Error as _};

    use super::RuleLevel;

    /// `[lint] naming`: must compile as a regular expression.
    pub fn naming<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let pattern = String::deserialize(d)?;
        match fancy_regex::Regex::new(&pattern) {
            Ok(_) => Ok(Some(pattern)),
            Err(e) => Err(D::Error::custom(format!(
                "`naming` is not a valid regular expression: {e}"
            ))),
        }
    }

    /// `[lint.rules]`: every key must name a configurable rule.
    pub fn rules<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, RuleLevel>, D::Error> {
        let rules = BTreeMap::<RuleCode, RuleLevel>::deserialize(d)?;
        Ok(rules
            .into_iter()
            .map(|(code, level)| (code.0, level))
            .collect())
    }

    /// A key of `[lint.rules]`, checked as it is read so that the error points at the key.
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    struct RuleCode(String);

    impl<'de> Deserialize<'de> for RuleCode {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let code = String::deserialize(d)?;
            match super::super::unknown_rule_message(&code) {
                Some(message) => Err(D::Error::custom(message)),
                None => Ok(RuleCode(code)),
            }
        }
    }
}
