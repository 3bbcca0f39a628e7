//! `evdef.toml`: found by walking up from the working directory. Every setting has a command-line flag
//! that overrides it; this module only reads the file and supplies defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;

/// The name of the project configuration file.
pub const FILE_NAME: &str = "evdef.toml";

/// The whole configuration, with defaults for everything missing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[definitions]`.
    pub definitions: DefinitionsConfig,
    /// `[envelope]`.
    pub envelope: EnvelopeConfig,
    /// `[lint]`.
    pub lint: LintConfig,
    /// `[emit.*]`.
    pub emit: EmitConfig,
    /// Directory holding the configuration file; relative paths in it are relative to this.
    #[serde(skip)]
    pub root: PathBuf,
}

/// `[definitions]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DefinitionsConfig {
    /// Definition directories or files.
    pub paths: Vec<PathBuf>,
}

impl Default for DefinitionsConfig {
    fn default() -> Self {
        DefinitionsConfig {
            paths: vec![PathBuf::from("definitions")],
        }
    }
}

/// `[envelope]`: how a log line carries its event.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct EnvelopeConfig {
    /// Field holding the event name.
    pub name_field: String,
    /// `""`: parameters at the top level next to the name; otherwise the field that holds them.
    pub payload_field: String,
    /// Whether parameters not in the definition are rejected.
    pub additional_parameters: AdditionalParameters,
}

impl Default for EnvelopeConfig {
    fn default() -> Self {
        EnvelopeConfig {
            name_field: "event".into(),
            payload_field: String::new(),
            additional_parameters: AdditionalParameters::Deny,
        }
    }
}

/// `additional_parameters`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AdditionalParameters {
    /// Unknown parameters are errors.
    #[default]
    Deny,
    /// Unknown parameters are accepted.
    Allow,
}

/// `[lint]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct LintConfig {
    /// Regular expression every event and parameter name must match.
    pub naming: Option<String>,
    /// Severity overrides by rule code: `error`, `warn`, `info`, `off`.
    pub rules: std::collections::BTreeMap<String, RuleLevel>,
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

/// `[emit.*]`: each backend runs in `evdef build` when its section is present.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct EmitConfig {
    /// `[emit.json_schema]`.
    pub json_schema: Option<JsonSchemaConfig>,
    /// `[emit.rust]`.
    pub rust: Option<RustConfig>,
    /// `[emit.docs]`.
    pub docs: Option<DocsConfig>,
    /// `[emit.typescript]`.
    pub typescript: Option<TypeScriptConfig>,
}

/// `[emit.typescript]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TypeScriptConfig {
    /// Output directory (it receives `events.ts`).
    pub out: Option<PathBuf>,
}

/// `[emit.json_schema]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct JsonSchemaConfig {
    /// Output directory.
    pub out: Option<PathBuf>,
    /// `2020-12` (default) or `07`.
    pub draft: Option<String>,
}

/// `[emit.rust]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct RustConfig {
    /// Output file.
    pub out: Option<PathBuf>,
    /// Use `chrono` for `timestamp` and `date`.
    pub chrono: Option<bool>,
    /// Use `time` for `timestamp` and `date`.
    pub time: Option<bool>,
    /// Use `uuid::Uuid` for `uuid`.
    pub uuid: Option<bool>,
}

/// `[emit.docs]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DocsConfig {
    /// Output directory.
    pub out: Option<PathBuf>,
    /// `md`, `html`, or both when absent.
    pub format: Option<String>,
}

impl Config {
    /// Find `evdef.toml` in `start` or its ancestors and read it; defaults when there is none.
    pub fn discover(start: &Path) -> Result<Config, Error> {
        for (depth, dir) in start.ancestors().enumerate() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                let mut config = Config::load(&candidate)?;
                // Relative to the working directory (`.`, `..`, ...), so messages name short paths.
                config.root = std::iter::repeat_n("..", depth).collect();
                return Ok(config);
            }
        }
        Ok(Config::default())
    }

    /// Read one configuration file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        let mut config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        config.root = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Ok(config)
    }

    /// A path from the configuration, made relative to the configuration's directory.
    pub fn resolve_path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() || self.root.as_os_str().is_empty() || self.root == Path::new(".") {
            path.to_path_buf()
        } else {
            self.root.join(path)
        }
    }

    /// The configured definitions paths, relative to the configuration's directory.
    pub fn definitions_paths(&self) -> Vec<PathBuf> {
        self.definitions
            .paths
            .iter()
            .map(|p| self.resolve_path(p))
            .collect()
    }
}
