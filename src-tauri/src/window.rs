//! The main window, built from its entry in `tauri.conf.json`.

use std::path::PathBuf;

use tauri::{App, WebviewWindowBuilder};

/// Opens the main window, with the webview's storage inside the app's data folder when there
/// is one (so `--data-dir` isolates everything, the UI's saved preferences included).
pub fn open_main(app: &App, webview_dir: Option<PathBuf>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == "main")
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let mut builder = WebviewWindowBuilder::from_config(app, &config)?;
    if let Some(dir) = webview_dir {
        builder = builder.data_directory(dir);
    }
    builder.build()?;
    Ok(())
}

/// The main window's native handle where the OS media controls need one (Windows' SMTC is
/// tied to a window); elsewhere none is needed.
#[cfg(windows)]
pub fn native_handle(app: &App) -> Option<*mut std::ffi::c_void> {
    use tauri::Manager as _;
    let window = app.get_webview_window("main")?;
    window.hwnd().ok().map(|hwnd| hwnd.0)
}

/// The main window's native handle where the OS media controls need one (Windows' SMTC is
/// tied to a window); elsewhere none is needed.
#[cfg(not(windows))]
pub fn native_handle(_app: &App) -> Option<*mut std::ffi::c_void> {
    None
}
