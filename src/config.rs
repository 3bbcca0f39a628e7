//! `evdef.toml`: found by walking up from the working directory. Every setting has a command-line flag
//! that overrides it; this module only reads the file and supplies defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;
pub use crate::lint::config::{
    DescriptionQualityConfig, LintConfig, PiiParameterConfig, RuleLevel, TooManyParametersConfig,
};

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
    /// `[diff]`: what `evdef diff` counts as breaking.
    pub diff: DiffConfig,
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
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum AdditionalParameters {
    /// Unknown parameters are errors.
    #[default]
    Deny,
    /// Unknown parameters are accepted.
    Allow,
}

/// `[diff]`.
#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct DiffConfig {
    /// Which direction of compatibility a change must keep (default `backward`).
    pub mode: DiffMode,
    /// Changes not to report: `"rule-id"` everywhere, or `"event_name:rule-id"` for one event.
    pub ignore: Vec<String>,
}

/// `[diff] mode`: which breaks fail `evdef diff` (see DESIGN.md §5).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum DiffMode {
    /// New readers must read old data: a line valid before must stay valid.
    #[default]
    Backward,
    /// Old readers must read new data: a line valid now must have been valid before.
    Forward,
    /// Both.
    Full,
    /// Report changes, fail on none.
    None,
}

impl DiffMode {
    /// The lowercase name used in configuration and output.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffMode::Backward => "backward",
            DiffMode::Forward => "forward",
            DiffMode::Full => "full",
            DiffMode::None => "none",
        }
    }
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
                // Relative to the working directory (`.`, `..`, ...), so messages name short paths.
                let root: PathBuf = std::iter::repeat_n("..", depth).collect();
                let mut config = Config::load(&root.join(FILE_NAME))?;
                config.root = root;
                return Ok(config);
            }
        }
        Ok(Config::default())
    }

    /// Find `evdef.toml` for a definitions path named on the command line: in the path's directory (the
    /// path itself for a directory) or its ancestors, so `evdef check other/repo/defs/a.yaml` uses that
    /// tree's configuration. `cwd` is the working directory; the configuration's root is made relative to
    /// it when it can be, so messages name short paths. A path that does not exist falls back to `cwd`.
    pub fn discover_for(path: &Path, cwd: &Path) -> Result<Config, Error> {
        let Ok(target) = cwd.join(path).canonicalize() else {
            return Config::discover(cwd);
        };
        let dir = if target.is_dir() {
            target.as_path()
        } else {
            target.parent().unwrap_or(Path::new("/"))
        };
        let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
        for found in dir.ancestors() {
            let candidate = found.join(FILE_NAME);
            if candidate.is_file() {
                let root = relative_to(found, &cwd);
                // Named as seen from the working directory in messages (`evdef.toml`, `../evdef.toml`).
                let shown = if root == Path::new(".") {
                    PathBuf::from(FILE_NAME)
                } else {
                    root.join(FILE_NAME)
                };
                let mut config = Config::load(&shown)?;
                config.root = root;
                return Ok(config);
            }
        }
        Ok(Config::default())
    }

    /// Read one configuration file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        Config::parse(&text, path)
    }

    /// Parse configuration text read from `path` (which may name a file in a git revision); relative paths
    /// in it are relative to `path`'s directory.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let mut config: Config = toml::from_str(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            at: e.span().map(|span| line_column(text, span.start)),
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

/// `dir` as seen from `cwd`: below it (`defs`, or `.` for `cwd` itself), above it (`..`, `../..`), or
/// absolute when the two only share a distant ancestor.
fn relative_to(dir: &Path, cwd: &Path) -> PathBuf {
    if let Ok(below) = dir.strip_prefix(cwd) {
        return if below.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            below.to_path_buf()
        };
    }
    if let Ok(above) = cwd.strip_prefix(dir) {
        return std::iter::repeat_n("..", above.components().count()).collect();
    }
    dir.to_path_buf()
}

/// The 1-based line and column (in Unicode scalar values) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}
