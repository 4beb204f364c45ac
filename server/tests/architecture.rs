//! The workspace's shape, checked from the source text (ARCHITECTURE.md's
//! invariants that a compiler does not check):
//!
//! - no import cycle between the modules (files) of `domain`, `server` or `app`;
//! - no page of the app imports another page;
//! - only `store` (and the bulk seeder) commits a transaction without an
//!   activity entry;
//! - no component of the app is longer than a screen or two.
//!
//! A module depends on another when it names it in a `use` or a path
//! (`crate::store::accounts::…`, `super::state::AppState`). A name reached
//! through a re-export counts as a dependency on the module that defines it,
//! so `pub use state::AppState` in `http/mod.rs` does not make every resource
//! depend on `http/mod.rs`. Test modules (`#[cfg(test)] mod tests`) are left out.
//!
//! Run alone: `cargo test -p orgspace-server --test architecture`; with
//! `ARCHITECTURE_ROOT=/path/to/another/checkout` it checks that tree instead.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a `#[component]` function may be, in lines.
const MAX_COMPONENT_LINES: usize = 130;

/// One crate's modules: module path (`["http", "state"]`) → its source.
struct Crate {
    name: &'static str,
    modules: BTreeMap<Vec<String>, Module>,
}

struct Module {
    file: String,
    /// The text without comments and test modules.
    code: String,
}

/// The workspace checked: this one, or `ARCHITECTURE_ROOT` (another checkout,
/// to see what the checks say of it).
fn workspace() -> PathBuf {
    if let Some(root) = std::env::var_os("ARCHITECTURE_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace folder")
        .to_path_buf()
}

/// The code a reader of the dependencies cares about: no comments, no test module.
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod ") && next.contains('{'))
        {
            // Tests come last in a file; the rest is the test module.
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = match line.find(" // ") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

fn load(name: &'static str, src: &str) -> Crate {
    let root = workspace().join(src);
    let mut modules = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).expect("inside the crate");
            let mut segments: Vec<String> = relative
                .iter()
                .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_owned())
                .collect();
            if matches!(
                segments.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                segments.pop();
            }
            if relative.to_str() == Some("main.rs") && root.join("lib.rs").exists() {
                continue; // a thin binary over the library
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            modules.insert(
                segments,
                Module {
                    file: format!("{src}/{}", relative.display()),
                    code: strip(&text),
                },
            );
        }
    }
    Crate { name, modules }
}

/// Expands a `use` tree (`a::{b, c::{d, e as f}}`) into whole paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        return vec![path.to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').expect("a closing brace")];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|part| {
            expand(part).into_iter().map(move |p| {
                if p == "self" {
                    prefix.trim_end_matches("::").to_owned()
                } else {
                    format!("{prefix}{p}")
                }
            })
        })
        .collect()
}

/// Every `use` in `code`: (path, whether it is `pub`).
fn uses(code: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = find_use(rest) {
        let statement = &rest[at..];
        let end = statement.find(';').unwrap_or(statement.len());
        let head = &statement[..end];
        let public = head.starts_with("pub");
        let tree = head[head.find("use ").expect("a use") + 4..].to_owned();
        for path in expand(&tree.replace('\n', " ")) {
            out.push((path.split_whitespace().collect::<String>(), public));
        }
        rest = &statement[end.min(statement.len())..];
    }
    out
}

/// Where the next `use` statement (or `pub use`, `pub(crate) use`) starts.
fn find_use(code: &str) -> Option<usize> {
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let statement = trimmed
            .strip_prefix("pub(crate) ")
            .or_else(|| trimmed.strip_prefix("pub(super) "))
            .or_else(|| trimmed.strip_prefix("pub "))
            .unwrap_or(trimmed);
        if statement.starts_with("use ") {
            return Some(offset + indent);
        }
        offset += line.len();
    }
    None
}

/// Paths written in code outside `use`: `crate::a::b` and `super::a`.
fn inline_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in code.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("use ") || trimmed.contains(" use ") {
            continue;
        }
        for start in ["crate::", "super::"] {
            let mut rest = line;
            while let Some(at) = rest.find(start) {
                let before = rest[..at].chars().last();
                let tail = &rest[at..];
                let end = tail
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(tail.len());
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    out.push(tail[..end].trim_end_matches(':').to_owned());
                }
                rest = &tail[end..];
            }
        }
    }
    out
}

impl Crate {
    fn is_module(&self, path: &[String]) -> bool {
        self.modules.contains_key(path)
    }

    /// Items `module` defines (`pub struct X`, `pub fn x`, …).
    fn defines(&self, module: &[String], name: &str) -> bool {
        self.modules[module].code.lines().any(|line| {
            let words: Vec<&str> = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '!'))
                .filter(|w| !w.is_empty())
                .collect();
            words.windows(2).any(|w| {
                matches!(
                    w[0],
                    "struct" | "enum" | "fn" | "trait" | "type" | "const" | "static" | "mod"
                ) && w[1] == name
            })
        })
    }

    /// The module a path written in `from` leads to, following re-exports.
    fn resolve(&self, from: &[String], path: &str, depth: usize) -> Option<Vec<String>> {
        let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let mut base: Vec<String> = match segments.first().copied()? {
            "crate" => {
                segments.remove(0);
                Vec::new()
            }
            "self" => {
                segments.remove(0);
                from.to_vec()
            }
            "super" => {
                let mut base = from.to_vec();
                while segments.first() == Some(&"super") {
                    segments.remove(0);
                    base.pop();
                }
                base
            }
            // A child module named without `self::` (`pub use state::AppState`).
            first => {
                let mut child = from.to_vec();
                child.push(first.to_owned());
                if !self.is_module(&child) {
                    return None; // another crate
                }
                from.to_vec()
            }
        };
        while let Some(first) = segments.first() {
            let mut child = base.clone();
            child.push((*first).to_owned());
            if !self.is_module(&child) {
                break;
            }
            base = child;
            segments.remove(0);
        }
        let Some(name) = segments.first() else {
            return Some(base);
        };
        if depth > 8 || self.defines(&base, name) {
            return Some(base);
        }
        // A re-export: follow it to the module that defines the name.
        for (target, _) in uses(&self.modules[&base].code)
            .into_iter()
            .filter(|(_, public)| *public)
        {
            let last = target.rsplit("::").next().unwrap_or_default();
            if last == *name {
                return self.resolve(&base, &target, depth + 1);
            }
            if last == "*" {
                let glob = target.trim_end_matches("::*");
                if let Some(module) = self.resolve(&base, glob, depth + 1) {
                    if self.defines(&module, name) {
                        return Some(module);
                    }
                }
            }
        }
        Some(base)
    }

    /// Module → the modules it depends on.
    fn graph(&self) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
        let mut graph = BTreeMap::new();
        for (path, module) in &self.modules {
            let mut targets = BTreeSet::new();
            let written = uses(&module.code)
                .into_iter()
                .map(|(p, _)| p)
                .chain(inline_paths(&module.code));
            for target in written.filter_map(|p| self.resolve(path, &p, 0)) {
                if &target != path {
                    targets.insert(target);
                }
            }
            graph.insert(path.clone(), targets);
        }
        graph
    }

    fn file(&self, module: &[String]) -> &str {
        &self.modules[module].file
    }

    /// The cycles: strongly connected components of more than one module.
    fn cycles(&self) -> Vec<Vec<String>> {
        let graph = self.graph();
        let nodes: Vec<&Vec<String>> = graph.keys().collect();
        let mut cycles = Vec::new();
        let mut assigned = BTreeSet::new();
        for node in &nodes {
            if assigned.contains(*node) {
                continue;
            }
            let forward = reachable(&graph, node);
            let component: Vec<&Vec<String>> = forward
                .iter()
                .filter(|other| reachable(&graph, other).contains(*node))
                .collect();
            for member in &component {
                assigned.insert((*member).clone());
            }
            if component.len() > 1 {
                cycles.push(component.iter().map(|m| self.file(m).to_owned()).collect());
            }
        }
        cycles
    }
}

fn reachable(
    graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    from: &[String],
) -> BTreeSet<Vec<String>> {
    let mut seen = BTreeSet::from([from.to_vec()]);
    let mut stack = vec![from.to_vec()];
    while let Some(node) = stack.pop() {
        for next in graph.get(&node).into_iter().flatten() {
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    seen
}

fn crates() -> [Crate; 3] {
    [
        load("domain", "domain/src"),
        load("server", "server/src"),
        load("app", "app/src"),
    ]
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let mut found = Vec::new();
    for krate in crates() {
        assert!(krate.modules.len() > 5, "{} has its modules", krate.name);
        for cycle in krate.cycles() {
            found.push(format!("{}: {}", krate.name, cycle.join(" ↔ ")));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn no_page_imports_another_page() {
    let app = load("app", "app/src");
    let graph = app.graph();
    let is_page = |m: &[String]| m.first().map(String::as_str) == Some("pages") && m.len() > 1;
    let mut found = Vec::new();
    for (module, targets) in &graph {
        if !is_page(module) {
            continue;
        }
        for target in targets.iter().filter(|t| is_page(t)) {
            found.push(format!("{} → {}", app.file(module), app.file(target)));
        }
    }
    assert!(
        found.is_empty(),
        "pages importing pages:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_store_commits_without_an_activity_entry() {
    let server = load("server", "server/src");
    let callers: Vec<&str> = server
        .modules
        .iter()
        .filter(|(_, m)| m.code.contains("commit_without_activity"))
        .map(|(_, m)| m.file.as_str())
        .filter(|file| !file.starts_with("server/src/store/") && *file != "server/src/seed.rs")
        .collect();
    assert!(callers.is_empty(), "{callers:?}");
}

#[test]
fn no_component_is_longer_than_a_screen_or_two() {
    let app = load("app", "app/src");
    let mut long = Vec::new();
    for module in app.modules.values() {
        let lines: Vec<&str> = module.code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() != "#[component]" {
                continue;
            }
            let start = i + 1;
            let end = (start..lines.len())
                .find(|j| lines[*j] == "}")
                .unwrap_or(lines.len());
            if end - start > MAX_COMPONENT_LINES {
                let name = lines[start].trim();
                long.push(format!("{}: {name} ({} lines)", module.file, end - start));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these components:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checker_finds_cycles_through_paths_and_follows_re_exports() {
    let module = |code: &str| Module {
        file: String::new(),
        code: code.to_owned(),
    };
    let key = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let krate = Crate {
        name: "example",
        modules: BTreeMap::from([
            (
                key(&[]),
                module("mod a;\nmod b;\nmod c;\npub use c::Thing;\n"),
            ),
            (key(&["a"]), module("use crate::b::helper;\n")),
            (
                key(&["b"]),
                module("pub fn helper() { crate::a::other() }\n"),
            ),
            (
                key(&["c"]),
                module("pub struct Thing;\nuse crate::Thing as _;\nfn f() { super::Thing }\n"),
            ),
        ]),
    };
    let graph = krate.graph();
    assert!(graph[&key(&["a"])].contains(&key(&["b"])));
    assert!(graph[&key(&["b"])].contains(&key(&["a"])));
    // `crate::Thing` is `c`'s own item, re-exported by the root: no edge to the root.
    assert!(graph[&key(&["c"])].is_empty(), "{:?}", graph[&key(&["c"])]);
    assert_eq!(krate.cycles().len(), 1);
    assert_eq!(
        expand("crate::{a::{b, c as d}, e, self}"),
        ["crate::a::b", "crate::a::c", "crate::e", "crate"]
    );
}
