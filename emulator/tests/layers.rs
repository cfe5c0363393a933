//! ARCHITECTURE.md's layering invariants, checked on the sources: imports run one way down the
//! stack (`STACK`), and every operation's `run` half (`ops/`) and every module below the protocol
//! compile without JSON. An import that runs back up, a `serde_json` import, a `json!` or a reach
//! up into `protocol` below it fails these tests.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
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

/// The code of `text` without comments and its unit tests: the `#[cfg(test)]` module that closes
/// a file (unit tests drive the whole stack on purpose) and one-line test items (`mod tests;`).
fn production_code(text: &str) -> String {
    let mut code = Vec::new();
    let mut lines = text.lines().filter(|l| !l.trim_start().starts_with("//"));
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            match lines.next() {
                Some(item) if item.contains("mod ") && item.trim_end().ends_with('{') => break,
                Some(item) if item.trim_end().ends_with(';') => continue,
                item => code.extend(item),
            }
        } else {
            code.push(line);
        }
    }
    code.join("\n")
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

/// A module's path from the crate root: `store/ttl.rs` is `["store", "ttl"]`, `store/mod.rs`
/// `["store"]`, `lib.rs` `[]`.
type ModPath = Vec<String>;

/// The library's modules as files, with the `crate::`, `super::`, `self::` and child-module paths
/// their production code names, each resolved to the module whose file defines what it names.
struct Modules {
    code: BTreeMap<ModPath, String>,
    /// `(module, name)` → the path a `pub use` in that module re-exports under that name.
    reexports: BTreeMap<(ModPath, String), Vec<String>>,
    /// Modules re-exported whole (`pub use schema::*`), by the re-exporting module.
    globs: BTreeMap<ModPath, Vec<Vec<String>>>,
}

impl Modules {
    /// Every file of the library but the binary (`main.rs`) and files only unit tests declare.
    fn read() -> Modules {
        let mut files = Vec::new();
        rust_files(&src(), &mut files);
        let mut text = BTreeMap::new();
        for file in files {
            let rel = file.strip_prefix(src()).unwrap().with_extension("");
            let mut path: ModPath = rel.iter().map(|p| p.to_str().unwrap().to_string()).collect();
            if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
                path.pop();
            }
            if path != ["main"] {
                text.insert(path, fs::read_to_string(&file).unwrap());
            }
        }
        let test_only: Vec<ModPath> = text
            .iter()
            .flat_map(|(path, text)| {
                let lines: Vec<&str> = text.lines().map(str::trim).collect();
                let children = lines.windows(2).filter(|w| w[0] == "#[cfg(test)]").filter_map(|w| {
                    let name = w[1].strip_prefix("mod ")?.strip_suffix(';')?;
                    Some([path.clone(), vec![name.to_string()]].concat())
                });
                children.collect::<Vec<_>>()
            })
            .collect();
        let mut modules = Modules {
            code: BTreeMap::new(),
            reexports: BTreeMap::new(),
            globs: BTreeMap::new(),
        };
        for (path, text) in text.into_iter().filter(|(p, _)| !test_only.contains(p)) {
            let mut code = production_code(&text);
            // A re-export is followed to its source, not counted as a use by the re-exporting
            // module: the facade `store/mod.rs` does not depend on `store/table.rs` by naming
            // `table::TableState` for others, while its own use of `TableState` would.
            while let Some(at) = ["pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .filter_map(|statement| Some((code.find(statement)?, statement.len())))
                .min()
            {
                let mut found = Vec::new();
                use_tree(&code[at.0 + at.1..], Vec::new(), &mut found);
                for (target, name) in found {
                    match name.as_str() {
                        "*" => modules.globs.entry(path.clone()).or_default().push(target),
                        _ => drop(modules.reexports.insert((path.clone(), name), target)),
                    }
                }
                let end = code[at.0..].find(';').map_or(code.len(), |e| at.0 + e + 1);
                code.replace_range(at.0..end, "");
            }
            modules.code.insert(path, code);
        }
        modules
    }

    /// The module paths `module`'s code names, resolved to the modules that define their items.
    fn imports(&self, module: &ModPath) -> BTreeSet<ModPath> {
        let code = &self.code[module];
        let children: Vec<&String> = self
            .code
            .keys()
            .filter(|p| p.len() == module.len() + 1 && p.starts_with(module))
            .map(|p| &p[module.len()])
            .collect();
        let mut found = Vec::new();
        for (at, word) in identifiers(code) {
            let starts_a_path = ["crate", "super", "self"].contains(&word) || children.iter().any(|c| *c == word);
            if starts_a_path && code[at + word.len()..].starts_with("::") {
                use_tree(&code[at..], Vec::new(), &mut found);
            }
        }
        let mut imports: BTreeSet<ModPath> = found.iter().map(|(path, _)| self.resolve(module, path, 0)).collect();
        imports.remove(module);
        imports
    }

    /// The module whose file defines what `path`, written in `module`, names: modules are walked
    /// down as long as they exist, then an item's `pub use` re-export is followed to its source.
    fn resolve(&self, module: &ModPath, path: &[String], depth: usize) -> ModPath {
        assert!(depth < 16, "re-exports in a loop at {module:?}: {path:?}");
        let mut at = module.clone();
        for (i, segment) in path.iter().enumerate() {
            match segment.as_str() {
                "crate" if i == 0 => at.clear(),
                "super" => drop(at.pop()),
                "self" if i == 0 => {}
                "self" | "*" => break,
                name => {
                    let child = [at.clone(), vec![name.to_string()]].concat();
                    if self.code.contains_key(&child) {
                        at = child;
                        continue;
                    }
                    if let Some(source) = self.reexports.get(&(at.clone(), name.to_string())) {
                        return self.resolve(&at, source, depth + 1);
                    }
                    let glob = self.globs.get(&at).into_iter().flatten().find(|source| {
                        let from = self.resolve(&at, source, depth + 1);
                        self.code.get(&from).is_some_and(|code| defines(code, name))
                    });
                    match glob {
                        Some(source) => {
                            return self.resolve(&at, &[source.clone(), vec![name.to_string()]].concat(), depth + 1)
                        }
                        None => break,
                    }
                }
            }
        }
        at
    }
}

/// Where each identifier of `code` starts, with the identifier; a segment inside a path
/// (`a::b`, the `b`) is left out, so each path is found once, at its start.
fn identifiers(code: &str) -> Vec<(usize, &str)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in code.char_indices().chain([(code.len(), ' ')]) {
        match (start, is_ident(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if !code[..s].ends_with("::") && !code[..s].ends_with('$') {
                    out.push((s, &code[s..i]));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether `code` defines an item called `name`.
fn defines(code: &str, name: &str) -> bool {
    ["struct", "enum", "fn", "type", "const", "static", "trait"]
        .iter()
        .any(|kind| {
            code.match_indices(&format!("{kind} {name}"))
                .any(|(at, m)| !code[at + m.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
        })
}

/// Reads the path or use tree at the start of `s` (`a::b::{c, d::e as f, g::*}`), appending each
/// full path with the name it brings into scope (its last segment, its alias, or `*`) to `out`;
/// returns the rest of `s`.
fn use_tree<'a>(s: &'a str, prefix: Vec<String>, out: &mut Vec<(Vec<String>, String)>) -> &'a str {
    let s = s.trim_start();
    if let Some(mut rest) = s.strip_prefix('{') {
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('}') {
                return after;
            }
            let after = use_tree(rest, prefix.clone(), out).trim_start();
            rest = match after.strip_prefix(',') {
                Some(after) => after,
                None if after.len() == rest.len() => &after[after.chars().next().map_or(0, char::len_utf8)..],
                None => after,
            };
            if rest.is_empty() {
                return rest;
            }
        }
    }
    if let Some(rest) = s.strip_prefix('*') {
        out.push((prefix, "*".to_string()));
        return rest;
    }
    let name: String = s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    let rest = &s[name.len()..];
    if name.is_empty() {
        return rest;
    }
    let path = [prefix, vec![name.clone()]].concat();
    match rest.strip_prefix("::") {
        Some(after) if !after.starts_with('<') => use_tree(after, path, out),
        _ => {
            let alias = rest.trim_start().strip_prefix("as ").map(|a| a.trim_start());
            let alias: Option<String> =
                alias.map(|a| a.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
            let rest = match &alias {
                Some(a) => {
                    let a_at = rest.find(a.as_str()).unwrap_or(0);
                    &rest[a_at + a.len()..]
                }
                None => rest,
            };
            out.push((path, alias.unwrap_or(name)));
            rest
        }
    }
}

/// Every loop among the library's modules (files): a module reaching itself through the
/// modules it imports, named as `a -> b -> a`, each loop once.
fn import_loops(modules: &Modules) -> Vec<String> {
    let edges: BTreeMap<&ModPath, BTreeSet<ModPath>> = modules.code.keys().map(|m| (m, modules.imports(m))).collect();
    let mut loops = BTreeSet::new();
    for start in modules.code.keys() {
        // Breadth first from `start`, so the loop named is a shortest one through it.
        let mut came_from: BTreeMap<&ModPath, &ModPath> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(at) = queue.pop_front() {
            for next in &edges[at] {
                if next == start {
                    let mut cycle = vec![at];
                    while let Some(prev) = came_from.get(cycle.last().unwrap()) {
                        cycle.push(prev);
                    }
                    cycle.reverse();
                    let smallest = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap();
                    cycle.rotate_left(smallest);
                    cycle.push(cycle[0]);
                    let names: Vec<String> = cycle.iter().map(|m| m.join("/")).collect();
                    loops.insert(names.join(" -> "));
                    queue.clear();
                    break;
                }
                if edges.contains_key(next) && !came_from.contains_key(next) {
                    came_from.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
    }
    loops.into_iter().collect()
}

/// No module reaches itself through its imports, also within one folder (`store/table` ↔
/// `store/ttl`, a parent `mod.rs` and its child), which the stack's order alone does not see.
#[test]
fn no_import_loops_among_modules() {
    let modules = Modules::read();
    assert!(modules.code.len() > 100, "the sources were not found");
    let loops = import_loops(&modules);
    assert!(loops.is_empty(), "import loops among modules:\n{}", loops.join("\n"));
}

/// The module of one operation's half or a piece beside them: `ops/<x>.rs` and
/// `protocol/wire/<x>.rs` give `<x>`.
fn leaf(module: &ModPath) -> Option<&str> {
    match module.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["ops", x] | ["protocol", "wire", x] => Some(x),
        _ => None,
    }
}

/// Each operation is a leaf: what two operations share has a named home of its own (`common`,
/// `read`, `statements`, `transactions`...), so no module under `ops/` or `protocol/wire/` but the
/// dispatching `mod.rs` imports an operation module other than its own, however it names it
/// (`crate::ops::x::Input`, `use super::x;`, a group).
#[test]
fn no_operation_imports_another() {
    let ops = operation_modules();
    assert!(ops.len() > 30, "the operation list was not found: {ops:?}");
    let modules = Modules::read();
    let mut offending = Vec::new();
    for module in modules.code.keys() {
        let Some(own) = leaf(module) else { continue };
        for import in modules.imports(module) {
            if leaf(&import).is_some_and(|x| x != own && ops.iter().any(|op| op == x)) {
                offending.push(format!("{} imports {}", module.join("/"), import.join("/")));
            }
        }
    }
    assert!(
        offending.is_empty(),
        "operations importing other operations:\n{}",
        offending.join("\n")
    );
}
