//! Build script: puts the git commit into `evdef --version` when evdef is built from its own git checkout
//! (`cargo install --git`, a clone); a packaged crate or a vendored copy reports the version alone.

use std::path::Path;
use std::process::Command;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let label = match commit(Path::new(&dir)) {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=EVDEF_VERSION={label}");
}

/// The short commit of `dir`'s checkout, when `dir` is the top of a git work tree (not a crate unpacked
/// inside somebody else's repository). Asks cargo to rerun when HEAD or the branch it names moves.
fn commit(dir: &Path) -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    if let Some(head) = git(&["rev-parse", "--git-path", "HEAD"]) {
        println!("cargo:rerun-if-changed={}", dir.join(head).display());
    }
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--git-path", &reference])
    {
        println!("cargo:rerun-if-changed={}", dir.join(path).display());
    }
    git(&["rev-parse", "--short=9", "HEAD"])
}
