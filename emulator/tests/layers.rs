//! ARCHITECTURE.md's layering invariant, checked on the sources: a typed operation's `run` half
//! (`ops/<op>.rs`) and every module below the protocol compile without JSON. A `serde_json`
//! import, a `json!` or a reach up into `protocol` there fails this test.

use std::fs;
use std::path::{Path, PathBuf};

/// What only the protocol layer may name.
const WIRE: &[&str] = &["serde_json", "json!", "protocol::"];

/// Modules below the protocol, whole.
const BELOW_PROTOCOL: &[&str] = &["expr", "partiql", "model", "store", "clock.rs", "fault.rs", "iam.rs"];

/// Shared operation pieces that are already typed.
const TYPED_OPS_PIECES: &[&str] = &[
    "ops/answer.rs",
    "ops/read.rs",
    "ops/expressions.rs",
    "ops/tables.rs",
    "ops/table_spec.rs",
    "ops/tags.rs",
    "ops/resources.rs",
    "ops/policies.rs",
    "ops/streams.rs",
];

/// Files still holding JSON until the operations they serve are typed, and why.
const NOT_YET: &[&str] = &[];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The typed operations of the one list in `ops/mod.rs`: those not marked `(json)`.
fn typed_ops() -> Vec<String> {
    let list = fs::read_to_string(src().join("ops/mod.rs")).unwrap();
    list.lines()
        .filter_map(|l| l.trim().strip_suffix(','))
        .filter_map(|l| l.split_once(" => "))
        .filter(|(name, module)| name.chars().all(char::is_alphanumeric) && !module.contains("(json)"))
        .map(|(_, module)| format!("ops/{module}.rs"))
        .collect()
}

/// Code lines (comments left out) of `file` that name the wire.
fn wire_lines(file: &Path) -> Vec<String> {
    fs::read_to_string(file)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .filter(|(_, l)| WIRE.iter().any(|w| l.contains(w)))
        .map(|(n, l)| format!("{}:{}: {}", file.display(), n + 1, l.trim()))
        .collect()
}

#[test]
fn run_halves_and_the_layers_below_protocol_know_no_json() {
    let mut files = Vec::new();
    for module in BELOW_PROTOCOL {
        rust_files(&src().join(module), &mut files);
    }
    let typed = typed_ops();
    assert!(typed.len() >= 3, "the operation list was not found: {typed:?}");
    files.extend(
        typed
            .iter()
            .map(String::as_str)
            .chain(TYPED_OPS_PIECES.iter().copied())
            .map(|f| src().join(f)),
    );
    files.retain(|f| !NOT_YET.iter().any(|n| f.ends_with(n)));
    let offending: Vec<String> = files.iter().flat_map(|f| wire_lines(f)).collect();
    assert!(
        offending.is_empty(),
        "JSON below the protocol:\n{}",
        offending.join("\n")
    );
}
