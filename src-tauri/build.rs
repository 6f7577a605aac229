// Declares every app command to Tauri's permission system: each one gets an `allow-…`
// permission that `capabilities/` must grant explicitly, and anything undeclared is refused.
include!("src/command_names.rs");

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}
