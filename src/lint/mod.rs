//! Lint rules over the resolved catalog. Placeholder until the rules land.
use crate::config::LintConfig;
use crate::diagnostics::Diagnostic;
use crate::model::Catalog;

/// Run every enabled rule.
pub fn check(_catalog: &Catalog, _config: &LintConfig, _diagnostics: &mut Vec<Diagnostic>) {}
