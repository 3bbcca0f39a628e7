//! `evdef --version`: the package version, and the short commit when built from this git checkout.

use super::{evdef, run};

#[test]
fn version_names_the_package_version_and_the_commit_of_a_checkout() {
    let (code, stdout, _) = run(evdef().arg("--version"));
    assert_eq!(code, 0);
    let version = concat!("evdef ", env!("CARGO_PKG_VERSION"));
    let rest = stdout
        .strip_prefix(version)
        .unwrap_or_else(|| panic!("`{stdout}` starts with `{version}`"));
    // Built from a git checkout whose top is this crate: the commit it was built from.
    let dir = env!("CARGO_MANIFEST_DIR");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"]);
    let in_checkout = top.is_some_and(|t| {
        std::path::Path::new(&t).canonicalize().ok()
            == std::path::Path::new(dir).canonicalize().ok()
    });
    if in_checkout {
        let commit = rest
            .strip_prefix(" (")
            .and_then(|r| r.strip_suffix(")\n"))
            .unwrap_or_else(|| panic!("`{stdout}` carries a commit"));
        assert_eq!(commit.len(), 9, "a short commit: {commit}");
        assert!(commit.bytes().all(|b| b.is_ascii_hexdigit()), "{commit}");
        // The binary may have been built before the last commit; it names a commit of this repository.
        assert!(
            git(&["cat-file", "-e", &format!("{commit}^{{commit}}")]).is_some(),
            "{commit} is a commit of this repository"
        );
    } else {
        assert_eq!(rest, "\n", "a packaged crate reports the version alone");
    }
}
