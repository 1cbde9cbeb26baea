//! The code's structure, checked from the source text: no import cycles between the modules of
//! any crate in the workspace, no panic catching in the xtask (a panic is a bug and must show
//! its message), no xtask module of 300 lines or more, and the crate layout that keeps the cold
//! build short: only goto-http names reqwest, the sandbox the xtask links waits for nothing of
//! reqwest's, and the xtask's binary is one call.
//!
//! An edge runs from a module to every module its `crate::…`, `super::…` or child-module paths
//! name. Edges are compared where the two paths part: `smoke::runner` naming `crate::ui` is an
//! edge `smoke → ui`. A module naming its own ancestor or descendant (a child using its parent's
//! items, a parent re-exporting its child's) is containment, not a dependency, and is not
//! counted; neither is the crate root, which declares and re-exports everything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Every `.rs` file under `dir`, with its module path (`smoke::runner`; empty for the root).
fn modules(src: &Path) -> BTreeMap<Vec<String>, String> {
    let mut found = BTreeMap::new();
    let mut stack = vec![src.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut segments: Vec<String> = relative
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            // A crate root is the empty path; the xtask's `main.rs` beside its `lib.rs` is a
            // crate of its own (the binary), kept as `main` so its text is still checked.
            let root_file = match segments.last().map(String::as_str) {
                Some("lib" | "mod") => true,
                Some("main") => !path.with_file_name("lib.rs").exists(),
                _ => false,
            };
            if root_file {
                segments.pop();
            }
            found.insert(segments, std::fs::read_to_string(&path).unwrap());
        }
    }
    found
}

/// The code of a file without comments and without its `#[cfg(test)] mod tests` (tests may
/// reach anywhere in their crate).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths (as segments) that `text` names from `module`: `crate::a::b`, `super::c`, and
/// `child::d` in a `use`, with `{…}` groups expanded one level.
fn named_paths(module: &[String], children: &BTreeSet<String>, text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let word = |at: usize| -> (String, usize) {
        let mut end = at;
        while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
            end += 1;
        }
        (chars[at..end].iter().collect(), end)
    };
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if !starts_word || !(chars[i].is_alphabetic() || chars[i] == '_') {
            i += 1;
            continue;
        }
        let (first, mut end) = word(i);
        let base: Option<Vec<String>> = match first.as_str() {
            "crate" => Some(Vec::new()),
            "super" => Some(module[..module.len().saturating_sub(1)].to_vec()),
            name if children.contains(name) && text[..].contains(&format!("use {name}::")) => {
                let mut own = module.to_vec();
                own.push(name.to_owned());
                // Only a `use` of a child names it; `name::` elsewhere may be an external crate.
                let before: String = chars[..i].iter().rev().take(4).collect();
                if before == " esu" { Some(own) } else { None }
            }
            _ => None,
        };
        let Some(mut path) = base else {
            i = end;
            continue;
        };
        let own_child = first != "crate" && first != "super";
        while end + 2 < chars.len() && chars[end] == ':' && chars[end + 1] == ':' {
            end += 2;
            if chars[end] == '{' {
                let close = chars[end..].iter().position(|&c| c == '}').unwrap() + end;
                let group: String = chars[end + 1..close].iter().collect();
                for item in group.split(',') {
                    let item = item.trim();
                    let name: String = item
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != "self" {
                        let mut each = path.clone();
                        each.push(name);
                        paths.push(each);
                    }
                }
                path.clear();
                end = close;
                break;
            }
            let (segment, next) = word(end);
            if segment.is_empty() || segment == "super" {
                break;
            }
            path.push(segment);
            end = next;
        }
        if own_child || !path.is_empty() {
            paths.push(path);
        }
        i = end.max(i + 1);
    }
    paths
}

/// The longest prefix of `path` that is a module.
fn module_of(path: &[String], known: &BTreeMap<Vec<String>, String>) -> Vec<String> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| known.contains_key(prefix))
        .unwrap_or_default()
}

/// The dependency edges between sibling modules, at every level.
fn edges(src: &Path) -> BTreeSet<(Vec<String>, Vec<String>)> {
    let known = modules(src);
    let mut edges = BTreeSet::new();
    for (module, text) in &known {
        let children: BTreeSet<String> = known
            .keys()
            .filter(|other| other.len() == module.len() + 1 && other.starts_with(module))
            .map(|other| other.last().unwrap().clone())
            .collect();
        for path in named_paths(module, &children, &code(text)) {
            let target = module_of(&path, &known);
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common == module.len() || common == target.len() {
                continue; // the same module, an ancestor or a descendant
            }
            edges.insert((module[..=common].to_vec(), target[..=common].to_vec()));
        }
    }
    edges
}

/// A cycle in `edges`, if there is one, as the modules along it.
fn find_cycle(edges: &BTreeSet<(Vec<String>, Vec<String>)>) -> Option<Vec<String>> {
    let mut next: BTreeMap<&Vec<String>, Vec<&Vec<String>>> = BTreeMap::new();
    for (from, to) in edges {
        next.entry(from).or_default().push(to);
    }
    fn visit<'a>(
        node: &'a Vec<String>,
        next: &BTreeMap<&'a Vec<String>, Vec<&'a Vec<String>>>,
        path: &mut Vec<&'a Vec<String>>,
        done: &mut BTreeSet<&'a Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = path[at..].iter().map(|n| n.join("::")).collect();
            cycle.push(node.join("::"));
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for to in next.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(to, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for node in next.keys() {
        if let Some(cycle) = visit(node, &next, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn ok_no_crate_has_an_import_cycle() {
    for krate in [
        "crates/goto-auth-core",
        "crates/goto-apis",
        "crates/goto-sandbox",
        "xtask",
    ] {
        let src = root().join(krate).join("src");
        let edges = edges(&src);
        assert!(
            !edges.is_empty() || krate == "crates/goto-apis",
            "{krate}: no edges read"
        );
        if let Some(cycle) = find_cycle(&edges) {
            panic!("{krate} has an import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn ok_the_cycle_finder_finds_cycles() {
    let edge = |a: &str, b: &str| (vec![a.to_owned()], vec![b.to_owned()]);
    let cyclic = BTreeSet::from([edge("a", "b"), edge("b", "c"), edge("c", "a")]);
    assert_eq!(
        find_cycle(&cyclic),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let acyclic = BTreeSet::from([edge("a", "b"), edge("b", "c"), edge("a", "c")]);
    assert_eq!(find_cycle(&acyclic), None);
    // The reader sees `use crate::{x, y::z}` and `super::` paths.
    let children = BTreeSet::new();
    let module = vec!["m".to_owned(), "n".to_owned()];
    let named = named_paths(
        &module,
        &children,
        "use crate::{x, y::z};\nuse super::w::V;\n",
    );
    assert_eq!(
        named,
        [
            vec!["x".to_owned()],
            vec!["y".to_owned()],
            vec!["m".to_owned(), "w".to_owned(), "V".to_owned()]
        ]
    );
}

#[test]
fn ok_the_xtask_catches_no_panic_and_keeps_modules_short() {
    let src = root().join("xtask/src");
    for (module, text) in modules(&src) {
        let name = if module.is_empty() {
            "lib".to_owned()
        } else {
            module.join("::")
        };
        let code = code(&text);
        for banned in ["catch_unwind", "set_hook", "take_hook"] {
            assert!(!code.contains(banned), "{name} uses {banned}");
        }
        let lines = text.lines().count();
        assert!(lines < 300, "{name} has {lines} lines; split it");
    }
}

/// The names in a manifest's `[dependencies]` table (not dev- or build-dependencies), without
/// the optional ones: those enter a build only through a feature (goto-auth's `async`), and the
/// xtask enables none (checked below).
fn normal_dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == "[dependencies]";
        } else if inside
            && !line.is_empty()
            && !line.starts_with('#')
            && !line.contains("optional = true")
        {
            let name = line.split(['=', '.']).next().unwrap_or_default().trim();
            names.push(name.to_owned());
        }
    }
    names
}

#[test]
fn ok_nothing_of_ours_but_goto_http_waits_for_reqwest() {
    for krate in [
        "crates/goto-auth",
        "crates/goto-auth-core",
        "crates/goto-apis",
        "crates/goto-http",
        "crates/goto-sandbox",
        "xtask",
    ] {
        let manifest = std::fs::read_to_string(root().join(krate).join("Cargo.toml")).unwrap();
        let dependencies = normal_dependencies(&manifest);
        assert!(
            !dependencies.is_empty() || krate == "crates/goto-apis",
            "{krate}: none read"
        );
        let http_stack = ["reqwest", "rustls", "hyper", "tokio"];
        let named: Vec<&String> = dependencies
            .iter()
            .filter(|name| http_stack.contains(&name.as_str()))
            .collect();
        if krate == "crates/goto-http" {
            assert!(
                named.iter().any(|name| *name == "reqwest"),
                "{krate}: {dependencies:?}"
            );
        } else if krate == "crates/goto-sandbox" {
            // The server side of hyper and tokio, and rustls for its HTTPS mode, which reqwest's
            // own tree builds before reqwest itself anyway; no reqwest and no crate of ours that
            // waits for it, so the sandbox compiles beside reqwest in the xtask's build.
            let waits: Vec<&String> = dependencies
                .iter()
                .filter(|name| {
                    ["reqwest", "goto-http", "goto-auth", "goto-auth-core"].contains(&name.as_str())
                })
                .collect();
            assert!(waits.is_empty(), "{krate} depends on {waits:?}");
        } else {
            assert!(
                named.is_empty(),
                "{krate} depends on {named:?}; only goto-http may"
            );
        }
    }
    // The xtask links the sandbox, so `cargo xtask demo` is one cargo build: `sandbox` and
    // `demo` serve it in-process instead of building and running its binary.
    let xtask = std::fs::read_to_string(root().join("xtask/Cargo.toml")).unwrap();
    assert!(
        normal_dependencies(&xtask).contains(&"goto-sandbox".to_owned()),
        "the xtask links the sandbox"
    );
    // The xtask builds the blocking client only: no feature of goto-auth (`async` would bring
    // tokio's timers and the async engine into the first command's build).
    assert!(
        xtask
            .lines()
            .any(|line| line.trim() == "goto-auth.workspace = true"),
        "the xtask depends on goto-auth as it is, without features"
    );
    // The library holds the commands; the binary only hands it the transport.
    let main = std::fs::read_to_string(root().join("xtask/src/main.rs")).unwrap();
    let main = code(&main);
    let code: Vec<&str> = main
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    assert_eq!(
        code,
        [
            "fn main() -> std::process::ExitCode {",
            "xtask::run(goto_auth::blocks::connect)",
            "}"
        ],
        "xtask/src/main.rs must stay one call; commands belong in the library"
    );
}
