//! The architecture rules of DESIGN.md §4, checked on the real dependency graph.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// Which workspace crates each crate may depend on (dependencies point inward).
const ALLOWED: &[(&str, &[&str])] = &[
    ("shrimp-domain", &[]),
    ("shrimp-api", &["shrimp-domain"]),
    ("shrimp-synth", &[]),
    (
        "shrimp-server",
        &["shrimp-domain", "shrimp-api", "shrimp-synth"],
    ),
    ("shrimp-client", &["shrimp-domain", "shrimp-api"]),
    ("shrimp-playback", &["shrimp-domain"]),
    ("shrimp-library", &["shrimp-domain"]),
    (
        "shrimp-core",
        &[
            "shrimp-domain",
            "shrimp-api",
            "shrimp-client",
            "shrimp-library",
            "shrimp-playback",
            "shrimp-server",
        ],
    ),
    (
        "shrimp-cli",
        &["shrimp-core", "shrimp-api", "shrimp-domain"],
    ),
    (
        "shrimp-desktop",
        &["shrimp-core", "shrimp-api", "shrimp-domain"],
    ),
];

/// The test package may reach anything, as tests do.
const TEST_PACKAGE: &str = "shrimp-tests";

struct Workspace {
    /// Package id → name, for workspace members.
    members: BTreeMap<String, String>,
    /// Package id → manifest path, for workspace members.
    manifests: BTreeMap<String, PathBuf>,
    /// Package id → (dependency package id, is a normal or build dependency).
    edges: BTreeMap<String, Vec<(String, bool)>>,
    /// Package id → name, for every package.
    names: BTreeMap<String, String>,
}

fn workspace() -> Workspace {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();

    let member_ids: BTreeSet<String> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    let mut names = BTreeMap::new();
    let mut manifests = BTreeMap::new();
    for package in metadata["packages"].as_array().unwrap() {
        let id = package["id"].as_str().unwrap().to_owned();
        names.insert(id.clone(), package["name"].as_str().unwrap().to_owned());
        if member_ids.contains(&id) {
            manifests.insert(
                id,
                PathBuf::from(package["manifest_path"].as_str().unwrap()),
            );
        }
    }
    let mut edges = BTreeMap::new();
    for node in metadata["resolve"]["nodes"].as_array().unwrap() {
        let deps = node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|dep| {
                let shipped =
                    dep["dep_kinds"].as_array().unwrap().iter().any(|kind| {
                        kind["kind"].is_null() || kind["kind"].as_str() == Some("build")
                    });
                (dep["pkg"].as_str().unwrap().to_owned(), shipped)
            })
            .collect();
        edges.insert(node["id"].as_str().unwrap().to_owned(), deps);
    }
    let members = member_ids
        .iter()
        .map(|id| (id.clone(), names[id].clone()))
        .collect();
    Workspace {
        members,
        manifests,
        edges,
        names,
    }
}

impl Workspace {
    fn direct(&self, id: &str) -> impl Iterator<Item = &str> {
        self.edges[id]
            .iter()
            .filter(|(_, shipped)| *shipped)
            .map(|(dep, _)| dep.as_str())
    }

    /// Every package `id` ships with (normal and build dependencies, transitively).
    fn closure(&self, id: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![id.to_owned()];
        while let Some(next) = stack.pop() {
            for dep in self.direct(&next) {
                if seen.insert(dep.to_owned()) {
                    stack.push(dep.to_owned());
                }
            }
        }
        seen.into_iter()
            .map(|dep| self.names[&dep].clone())
            .collect()
    }
}

#[test]
fn only_the_desktop_shell_depends_on_tauri() {
    let workspace = workspace();
    for (id, name) in &workspace.members {
        if name == "shrimp-desktop" {
            assert!(
                workspace.closure(id).contains("tauri"),
                "the shell should use tauri"
            );
            continue;
        }
        assert!(
            !workspace.closure(id).contains("tauri"),
            "{name} depends on tauri (directly or through another crate); only shrimp-desktop may"
        );
    }
}

#[test]
fn only_the_server_depends_on_axum_directly() {
    let workspace = workspace();
    for (id, name) in &workspace.members {
        if name == "shrimp-server" {
            continue;
        }
        let direct: Vec<_> = workspace
            .direct(id)
            .map(|dep| &workspace.names[dep])
            .collect();
        assert!(
            !direct.iter().any(|dep| *dep == "axum"),
            "{name} depends on axum directly"
        );
    }
}

#[test]
fn workspace_dependencies_point_inward() {
    let workspace = workspace();
    let allowed: BTreeMap<_, _> = ALLOWED.iter().copied().collect();
    let member_names: BTreeSet<_> = workspace.members.values().cloned().collect();
    for (id, name) in &workspace.members {
        if name == TEST_PACKAGE {
            continue;
        }
        let Some(allowed) = allowed.get(name.as_str()) else {
            panic!("{name} is not in the architecture table of tests/tests/architecture.rs");
        };
        for dep in workspace.direct(id).map(|dep| &workspace.names[dep]) {
            if member_names.contains(dep) {
                assert!(
                    allowed.contains(&dep.as_str()),
                    "{name} may not depend on {dep}"
                );
            }
        }
    }
}

#[test]
fn every_crate_uses_the_workspace_lints() {
    let workspace = workspace();
    assert!(
        workspace.manifests.len() >= 3,
        "expected the workspace crates"
    );
    for (id, manifest) in &workspace.manifests {
        let text = std::fs::read_to_string(manifest).unwrap();
        let parsed: toml::Table = text.parse().unwrap();
        let inherits = parsed
            .get("lints")
            .and_then(|lints| lints.get("workspace"))
            .and_then(toml::Value::as_bool);
        assert_eq!(
            inherits,
            Some(true),
            "{} must set [lints] workspace = true",
            workspace.members[id]
        );
    }
}

#[test]
fn the_architecture_table_is_not_stale() {
    // A renamed crate must not silently escape the rules above.
    let workspace = workspace();
    let member_names: BTreeSet<_> = workspace.members.values().map(String::as_str).collect();
    assert!(member_names.contains("shrimp-desktop"));
    for name in &member_names {
        assert!(
            *name == TEST_PACKAGE || ALLOWED.iter().any(|(crate_name, _)| crate_name == name),
            "{name} has no row in ALLOWED"
        );
    }
}
