//! The mini player: a small window that stays on top with what is playing and the transport
//! buttons, for listening while working in other apps. It shows the UI's `#/mini` page and
//! shares the main window's webview storage (language, theme) and the player's events.

use tauri::{AppHandle, Manager as _, Runtime, WebviewUrl, WebviewWindowBuilder};

use crate::commands::CoreState;

/// The window's label; `capabilities/mini-player.json` grants it the player's commands only.
pub const LABEL: &str = "mini";

/// Opens the mini player, or brings it forward when it is open already.
pub fn open<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(LABEL) {
        window.show()?;
        return window.set_focus();
    }
    let mut builder =
        WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html#/mini".into()))
            .title("Shrimp")
            .inner_size(440.0, 112.0)
            .min_inner_size(360.0, 112.0)
            .resizable(true)
            .always_on_top(true)
            .skip_taskbar(false);
    if let Ok(core) = app.state::<CoreState>().get() {
        builder = builder.data_directory(core.paths().webview_dir());
    }
    builder.build()?;
    Ok(())
}
