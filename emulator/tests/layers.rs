//! ARCHITECTURE.md's layering invariants, checked on the sources: imports run one way down the
//! stack (`STACK`), and every operation's `run` half (`ops/`) and every module below the protocol
//! compile without JSON. An import that runs back up, a `serde_json` import, a `json!` or a reach
//! up into `protocol` below it fails these tests.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

/// What only the protocol layer may name.
const WIRE: &[&str] = &["serde_json", "json!", "protocol::"];

/// The operations (every `run` half and the pieces they share) and the modules below them, whole.
const BELOW_PROTOCOL: &[&str] = &[
    "ops",
    "engine.rs",
    "inflight.rs",
    "credentials.rs",
    "expr",
    "partiql",
    "model",
    "store",
    "clock.rs",
    "fault.rs",
    "chaos.rs",
    "iam.rs",
];

/// The crate's modules from the top of the stack down: a module's code (unit tests left out) may
/// name only modules after it in this list, and itself. The crate root (`lib.rs`, the public
/// face) and the binary (`main.rs`, which sees only the public API) stand above it all.
const STACK: &[&str] = &[
    "testing.rs",
    "server.rs",
    "transport.rs",
    "protocol",
    "ops",
    "engine.rs",
    "durable.rs",
    "inflight.rs",
    "chaos.rs",
    "credentials.rs",
    "iam.rs",
    "partiql",
    "expr",
    "fault.rs",
    "store",
    "error.rs",
    "clock.rs",
    "model",
    "pool.rs",
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

/// The first segment of every `crate::` path in `code` (`crate::{a::X, b}` gives `a` and `b`).
fn crate_paths(code: &str) -> Vec<String> {
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let mut out = Vec::new();
    for (_, rest) in code
        .match_indices("crate::")
        .map(|(i, _)| code.split_at(i + "crate::".len()))
    {
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                out.extend(
                    group
                        .split(',')
                        .map(|item| ident(item.trim()))
                        .filter(|m| !m.is_empty()),
                );
            }
            None => out.push(ident(rest)),
        }
    }
    out
}

/// The code of `text` without comments and its unit tests (`#[cfg(test)]` modules drive the whole
/// stack on purpose).
fn production_code(text: &str) -> String {
    let end = text.find("#[cfg(test)]\nmod ").unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::` import of every module in `STACK` goes down: to a module after its own.
/// A name the crate root re-exports (`crate::Fault`) counts as a reach up to the root.
#[test]
fn imports_run_one_way_down_the_stack() {
    let mut offending = Vec::new();
    for (rank, unit) in STACK.iter().enumerate() {
        let mut files = Vec::new();
        rust_files(&src().join(unit), &mut files);
        assert!(!files.is_empty(), "{unit} was not found");
        for file in files {
            let code = production_code(&fs::read_to_string(&file).unwrap());
            for module in crate_paths(&code) {
                let below = STACK
                    .iter()
                    .position(|u| u.trim_end_matches(".rs") == module)
                    .is_some_and(|r| r >= rank);
                if !below {
                    offending.push(format!("{} names crate::{module}", file.display()));
                }
            }
        }
    }
    let mut listed: Vec<String> = Vec::new();
    for entry in fs::read_dir(src()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !["lib.rs", "main.rs"].contains(&name.as_str()) {
            listed.push(name);
        }
    }
    listed.retain(|m| !STACK.contains(&m.as_str()));
    assert!(listed.is_empty(), "modules missing from STACK: {listed:?}");
    offending.sort();
    offending.dedup();
    assert!(
        offending.is_empty(),
        "imports that run back up the stack:\n{}",
        offending.join("\n")
    );
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
