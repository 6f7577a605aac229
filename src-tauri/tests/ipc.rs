//! The IPC boundary: bindings are fresh, commands answer through Tauri's real IPC path, and
//! the security baseline (CSP, capabilities, declared commands) holds.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::path::{Path, PathBuf};

use serde_json::Value;
use shrimp_core::{AppPaths, Core};
use shrimp_desktop::{COMMANDS, CoreState, ipc};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;

fn crate_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn bindings_are_fresh() {
    let committed = crate_file(ipc::BINDINGS_PATH);
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        ipc::export_bindings(&committed).unwrap();
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let fresh = temp.path().join("bindings.ts");
    ipc::export_bindings(&fresh).unwrap();
    let fresh = std::fs::read_to_string(fresh).unwrap();
    let committed = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        fresh == committed,
        "ui/src/ipc/bindings.ts is stale: run `make bindings` and commit the result"
    );
}

fn invoke(app: &tauri::App<tauri::test::MockRuntime>, command: &str) -> Result<Value, Value> {
    let webview = tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::default())
        .build()
        .unwrap();
    get_ipc_response(
        &webview,
        InvokeRequest {
            cmd: command.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::default(),
            headers: tauri::http::HeaderMap::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

fn app_with(state: CoreState) -> tauri::App<tauri::test::MockRuntime> {
    let builder = ipc::builder::<tauri::test::MockRuntime>();
    let app = mock_builder()
        .manage(state)
        .invoke_handler(builder.invoke_handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    builder.mount_events(&app);
    app
}

#[test]
fn app_status_answers_through_ipc() {
    let temp = tempfile::tempdir().unwrap();
    let paths = AppPaths::resolve(Some(temp.path().join("data")), None, None).unwrap();
    let app = app_with(CoreState::new(Core::open(paths)));
    let status = invoke(&app, "app_status").unwrap();
    assert_eq!(status["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(status["dataDirWritable"], true);
    assert_eq!(
        status["dataDir"],
        temp.path().join("data").display().to_string()
    );
}

#[test]
fn a_core_that_failed_to_start_answers_with_a_coded_error() {
    let temp = tempfile::tempdir().unwrap();
    let blocker = temp.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let paths = AppPaths::resolve(Some(blocker.join("data")), None, None).unwrap();
    let app = app_with(CoreState::new(Core::open(paths)));
    let error = invoke(&app, "app_status").unwrap_err();
    assert_eq!(error["code"], "storage");
    assert!(
        error["message"].as_str().unwrap().contains("data folder"),
        "{error}"
    );
}

fn json_file(relative: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(crate_file(relative)).unwrap()).unwrap()
}

#[test]
fn every_command_is_bound_declared_and_granted() {
    let capability = json_file("capabilities/main-window.json");
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let bindings = std::fs::read_to_string(crate_file(ipc::BINDINGS_PATH)).unwrap();
    for command in COMMANDS {
        let permission = format!("allow-{}", command.replace('_', "-"));
        assert!(
            granted.contains(&permission.as_str()),
            "{permission} is not granted"
        );
        assert!(
            bindings.contains(&format!("\"{command}\"")),
            "{command} has no binding"
        );
    }
    // Nothing broad: no `core:default`, no wildcard, no shell or filesystem access. The only
    // plugin calls are the native open dialog (the sample, tracks and covers) and the save
    // dialog (the CSV statement); message boxes are not granted. The dialogs only return the
    // path a person chose; the Rust commands do the reading and writing.
    for permission in &granted {
        assert!(
            permission.starts_with("allow-")
                || permission.starts_with("core:event:allow-")
                || *permission == "dialog:allow-open"
                || *permission == "dialog:allow-save",
            "unexpected permission {permission}"
        );
    }
    assert!(granted.contains(&"dialog:allow-open"));
    assert!(granted.contains(&"dialog:allow-save"));
}

#[test]
fn no_remote_origin_gets_ipc() {
    let capability = json_file("capabilities/main-window.json");
    assert!(
        capability.get("remote").is_none(),
        "a capability grants IPC to remote URLs"
    );
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
}

#[test]
fn the_mini_player_may_only_follow_and_steer_the_player() {
    let capability = json_file("capabilities/mini-player.json");
    assert_eq!(capability["windows"], serde_json::json!(["mini"]));
    assert!(capability.get("remote").is_none());
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(granted.contains(&"allow-player-toggle"));
    for permission in granted {
        if let Some(command) = permission.strip_prefix("allow-") {
            assert!(
                command.starts_with("player-"),
                "the mini player may {command}"
            );
            assert!(
                COMMANDS.contains(&command.replace('-', "_").as_str()),
                "{command} is no command"
            );
        } else {
            assert!(permission.starts_with("core:event:allow-"), "{permission}");
        }
    }
    let config = json_file("tauri.conf.json");
    assert_eq!(
        config["app"]["security"]["capabilities"],
        serde_json::json!(["main-window", "mini-player"])
    );
}

#[test]
fn the_content_security_policy_is_strict() {
    let config = json_file("tauri.conf.json");
    let csp = &config["app"]["security"]["csp"];
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
    let whole = csp.to_string();
    for forbidden in [
        "unsafe-eval",
        "unsafe-inline",
        "http://*",
        "https://*",
        " * ",
    ] {
        assert!(!whole.contains(forbidden), "the CSP allows {forbidden}");
    }
    assert!(config["app"]["security"]["dangerousDisableAssetCspModification"].is_null());
    assert_eq!(config["app"]["withGlobalTauri"], false);
}
