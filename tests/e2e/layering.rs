//! The layering ARCHITECTURE.md promises, checked on the workspace as cargo
//! sees it and on the CLI's command modules, so that it cannot erode.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Each workspace crate's normal (non-dev) dependencies, by name.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(&root)
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_string())
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

const ENGINES: &[&str] = &[
    "steward-pii",
    "steward-lineage",
    "steward-search",
    "steward-policy",
    "steward-cost",
    "steward-llm",
];

/// The crates that compose others, and what they may not depend on.
const ABOVE_ENGINES: &[&str] = &[
    "steward-store",
    "steward-service",
    "steward-config",
    "steward-cli",
];

#[test]
fn crates_depend_only_as_the_layering_allows() {
    let deps = dependencies();
    assert!(deps.contains_key("steward-service"), "{:?}", deps.keys());
    let mut broken = Vec::new();
    for (name, uses) in &deps {
        let uses = |d: &str| uses.contains(d);
        // Engines stand alone: no other engine, nothing above them.
        if ENGINES.contains(&name.as_str()) || name == "steward-warehouse" {
            for other in ENGINES
                .iter()
                .chain(ABOVE_ENGINES)
                .chain(&["steward-warehouse"])
            {
                if other != name && uses(other) {
                    broken.push(format!("{name} depends on {other}"));
                }
            }
        }
        if name == "steward-types" {
            for other in deps.keys().filter(|k| k.starts_with("steward-")) {
                if uses(other) {
                    broken.push(format!("steward-types depends on {other}"));
                }
            }
        }
        for (library, only) in [
            ("sqlx", "steward-store"),
            ("clap", "steward-cli"),
            ("axum", "steward-server"),
        ] {
            if uses(library) && name != only {
                broken.push(format!("{name} depends on {library} (only {only} may)"));
            }
        }
        // The server and the jobs' loops are surfaces: they reach the
        // engines and the store only through the service.
        if name == "steward-server" || name == "steward-jobs" {
            for other in ENGINES
                .iter()
                .chain(&["steward-store", "steward-warehouse"])
            {
                if uses(other) {
                    broken.push(format!("{name} depends on {other}"));
                }
            }
        }
        // Nothing below the service reaches up to it or to a surface.
        if name != "steward-cli" && uses("steward-cli") {
            broken.push(format!("{name} depends on steward-cli"));
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

/// What a command module may not name: the store, and the engines' entry
/// points. A command parses, calls `Steward`, and renders. The benchmarks
/// (`bench*.rs`) measure an engine itself and the model commands (`llm.rs`)
/// drive the runtime, so they are left out.
const NOT_IN_COMMANDS: &[&str] = &[
    "steward_store::Store",
    "steward_store::Session",
    "Store::",
    ".begin()",
    "SourceConnection",
    "Evaluator",
    "load_dir",
    "Classifier",
    "analyze(",
    "SearchIndex",
    "read_query_log",
    "dbt_manifest(",
    "openlineage_events(",
    "steward_service::sync_index",
];

/// The modules of `dir` (but those `skip` names) and the lines in them that
/// name something of `NOT_IN_COMMANDS`.
fn forbidden_names(dir: &Path, skip: impl Fn(&str) -> bool) -> (usize, Vec<String>) {
    let mut broken = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if skip(&name) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        checked += 1;
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for word in NOT_IN_COMMANDS {
                if line.contains(word) {
                    broken.push(format!("{name}:{}: {word}", i + 1));
                }
            }
        }
    }
    (checked, broken)
}

/// The server's handlers are held to the same: check the role, call
/// `Steward`, render.
#[test]
fn server_handlers_call_the_service_only() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../steward-server/src/routes");
    let (checked, broken) = forbidden_names(&dir, |_| false);
    assert!(
        checked >= 5,
        "only {checked} route modules found in {}",
        dir.display()
    );
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn command_modules_call_the_service_only() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let (checked, broken) = forbidden_names(&dir, |name| {
        name.starts_with("bench") || name == "llm.rs" || name == "demo_data.rs"
    });
    assert!(
        checked >= 10,
        "only {checked} command modules found in {}",
        dir.display()
    );
    assert!(broken.is_empty(), "{broken:#?}");
}

/// Every type documented in the OpenAPI document has a name of its own:
/// utoipa names a schema after its type, and a second type of the same name
/// would silently replace the first in the document. Types derived with
/// `ToSchema` (renamed by `#[schema(as = ...)]` or not) and the named enums
/// are counted.
#[test]
fn schema_names_are_unique() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut clashes = Vec::new();
    let mut files = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .collect();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for (i, line) in lines.iter().enumerate() {
            let derived = line.starts_with("#[derive(") && line.contains("ToSchema");
            let named = line.starts_with("named_enum!");
            if !derived && !named {
                continue;
            }
            let mut renamed = None;
            for next in lines.iter().skip(i + 1).take(12) {
                if let Some(rest) = next.strip_prefix("#[schema(as = ") {
                    renamed = rest.split(')').next().map(str::to_string);
                }
                let declared = next
                    .strip_prefix("pub struct ")
                    .or_else(|| next.strip_prefix("pub enum "));
                if let Some(rest) = declared {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let name = renamed.take().unwrap_or(name);
                    let at = format!("{}:{}", path.display(), i + 1);
                    if let Some(first) = seen.insert(name.clone(), at.clone()) {
                        clashes.push(format!("{name}: {first} and {at}"));
                    }
                    break;
                }
            }
        }
    }
    assert!(seen.len() > 50, "only {} schema types found", seen.len());
    assert!(clashes.is_empty(), "{clashes:#?}");
}
