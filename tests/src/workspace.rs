//! Where things are: the workspace, its target folder and the binaries built into it.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Screenshots and logs of end-to-end runs, for people to look at: `target/e2e/` in the
/// repository, whatever target folder the build itself uses.
pub fn e2e_output_dir() -> anyhow::Result<PathBuf> {
    let dir = root().join("target").join("e2e");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The folder holding this build's binaries (`…/target/debug`), found from the running test
/// binary (`…/target/debug/deps/name-hash`), so any `CARGO_TARGET_DIR` works.
pub fn profile_dir() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locating the test binary")?;
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .context("the test binary is not inside a cargo target folder")
}

/// A binary built by this workspace: the environment variable `env_var` if set, otherwise
/// the binary of that name next to this build's other binaries.
pub fn binary(name: &str, env_var: &str) -> anyhow::Result<PathBuf> {
    let path = match std::env::var_os(env_var) {
        Some(path) => PathBuf::from(path),
        None => profile_dir()?.join(name),
    };
    if !path.is_file() {
        bail!(
            "{} not found: build it first (make test does: cargo build -p {name}) or set {env_var}",
            path.display()
        );
    }
    Ok(path)
}
