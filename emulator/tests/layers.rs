//! ARCHITECTURE.md's layering invariant, checked on the sources: every operation's `run` half
//! (`ops/`) and every module below the protocol compile without JSON. A `serde_json`
//! import, a `json!` or a reach up into `protocol` there fails this test.

use std::fs;
use std::path::{Path, PathBuf};

/// What only the protocol layer may name.
const WIRE: &[&str] = &["serde_json", "json!", "protocol::"];

/// The operations (every `run` half and the pieces they share) and the modules below them, whole.
const BELOW_PROTOCOL: &[&str] = &[
    "ops", "expr", "partiql", "model", "store", "clock.rs", "fault.rs", "chaos.rs", "iam.rs",
];

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
    assert!(files.len() > 40, "the sources were not found: {files:?}");
    let offending: Vec<String> = files.iter().flat_map(|f| wire_lines(f)).collect();
    assert!(
        offending.is_empty(),
        "JSON below the protocol:\n{}",
        offending.join("\n")
    );
}

/// The operation modules, read from the one list in `ops/mod.rs` (`Name => module`).
fn operation_modules() -> Vec<String> {
    let list = fs::read_to_string(src().join("ops/mod.rs")).unwrap();
    list.lines()
        .filter_map(|l| l.trim().strip_suffix(',')?.split_once(" => "))
        .filter(|(name, module)| {
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric())
                && module.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
        .map(|(_, module)| module.to_string())
        .collect()
}

/// Each operation is a leaf: what two operations share has a named home of its own (`common`,
/// `read`, `statements`, `transactions`...), so no file under `ops/` or `protocol/wire/` but the
/// dispatching `mod.rs` names an operation module other than its own.
#[test]
fn no_operation_imports_another() {
    let ops = operation_modules();
    assert!(ops.len() > 30, "the operation list was not found: {ops:?}");
    let mut files = Vec::new();
    for dir in ["ops", "protocol/wire"] {
        rust_files(&src().join(dir), &mut files);
    }
    let mut offending = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("mod.rs")) {
        let own = file.file_stem().unwrap().to_str().unwrap();
        let others: Vec<String> = ops
            .iter()
            .filter(|o| *o != own)
            .flat_map(|o| [format!("ops::{o}::"), format!("super::{o}::")])
            .collect();
        let text = fs::read_to_string(file).unwrap();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
        {
            if others.iter().any(|name| line.contains(name.as_str())) {
                offending.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offending.is_empty(),
        "operations importing other operations:\n{}",
        offending.join("\n")
    );
}
