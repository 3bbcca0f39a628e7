//! Generates a large definitions tree for benchmarks: 50 fragments in a prelude, chained five deep by
//! merge keys, and 10,000 events in 100 files, each merging a fragment chain with `<<` and two more
//! fragments with a sequence merge (about 46 parameters an event after merging).

use std::fmt::Write as _;
use std::path::Path;

/// Fragments in the prelude.
pub const FRAGMENTS: usize = 50;
/// Definition files besides the prelude.
pub const FILES: usize = 100;
/// Events per file.
pub const EVENTS_PER_FILE: usize = 100;

const TYPES: [&str; 8] = [
    "integer",
    "string",
    "uuid",
    "timestamp",
    "{type: email, pii: true}",
    "boolean",
    "number?",
    "url",
];

/// Write the tree under `dir`.
pub fn write(dir: &Path) {
    write_sized(dir, FILES, EVENTS_PER_FILE);
}

/// Write a tree of `files` files of `per_file` events each (same shapes as [`write`]) under `dir`.
pub fn write_sized(dir: &Path, files: usize, per_file: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let mut prelude = String::new();
    for f in 0..FRAGMENTS {
        let _ = writeln!(prelude, ".frag_{f}: &frag_{f}");
        // Chains of five: fragment 4 inherits from 3, which inherits from 2, ... down to 0.
        if f % 5 != 0 {
            let _ = writeln!(prelude, "  <<: *frag_{}", f - 1);
        }
        for p in 0..4 {
            let _ = writeln!(prelude, "  f{f}_p{p}: {}", TYPES[(f + p) % TYPES.len()]);
        }
        let _ = writeln!(
            prelude,
            "  f{f}_tier:\n    type: string\n    enum: [bronze, silver, gold]\n    description: Loyalty tier from fragment {f}"
        );
    }
    std::fs::write(dir.join("_fragments.yaml"), prelude).unwrap();
    // Merging three fragment chains gives up to 64 parameters an event: the catalog is honest, not lean.
    std::fs::write(
        dir.join("evdef.toml"),
        "[lint.too-many-parameters]\nmax = 64\n",
    )
    .unwrap();
    for file in 0..files {
        let mut text = String::from("%YAML 1.1\n---\n");
        for e in 0..per_file {
            let n = file * per_file + e;
            let _ = writeln!(text, "source{file}_event_{n}:");
            let _ = writeln!(
                text,
                "  description: Generated event number {n} for the benchmark"
            );
            let _ = writeln!(text, "  owner: team-{}", file % 7);
            let _ = writeln!(text, "  parameters:");
            let _ = writeln!(text, "    <<: *frag_{}", (n * 7) % FRAGMENTS);
            let _ = writeln!(
                text,
                "    <<: [*frag_{}, *frag_{}]",
                (n * 3) % FRAGMENTS,
                (n * 11 + 5) % FRAGMENTS
            );
            let _ = writeln!(
                text,
                "    amount_{n}:\n      type: integer\n      minimum: 0\n      maximum: 100000"
            );
            let _ = writeln!(text, "    note: string?");
            let _ = writeln!(
                text,
                "    location:\n      type: object\n      properties:\n        lat: number\n        lon: number"
            );
            let _ = writeln!(text, "    tags: string[]");
        }
        std::fs::write(dir.join(format!("source_{file:03}.yaml")), text).unwrap();
    }
}
