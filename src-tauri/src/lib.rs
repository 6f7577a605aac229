//! The Shrimp desktop shell.
//!
//! This crate only adapts: it owns the window, the IPC commands and events, and the glue to
//! the operating system, and calls `shrimp-core` for everything else. No SQL, decoding, HTTP
//! or business rules live here. The webview reaches Rust only through the commands listed in
//! [`ipc::builder`], each declared in `build.rs` and granted in `capabilities/`.

mod args;
mod command_names;
mod commands;
mod covers;
mod events;
pub mod ipc;
mod media_controls;
mod mini_player;
mod notifications;
mod tray;
mod window;

use shrimp_core::{AppPaths, Core};
use tauri::Manager as _;

pub use command_names::COMMANDS;
pub use commands::CoreState;

/// Starts the desktop app; returns when the last window closes.
pub fn run() {
    init_logging();
    let explicit_data_dir = args::data_dir(std::env::args_os().skip(1));
    let paths = AppPaths::from_environment(explicit_data_dir);
    let webview_dir = paths.as_ref().ok().map(AppPaths::webview_dir);
    let core = paths.and_then(Core::open);
    if let Err(error) = &core {
        // The window still opens and shows this with a way out; see `CoreState`.
        tracing::error!(%error, "the core could not start");
    }

    let builder = ipc::builder::<tauri::Wry>();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(CoreState::new(core))
        .manage(commands::dashboard::IncomeWatch::default())
        .manage(commands::player::PlayerBridge::default())
        .manage(commands::shop::UploadBridge::default())
        .manage(commands::downloads::DownloadsState::default())
        .manage(media_controls::OsMediaControls::default())
        .manage(commands::library::ScanProgress::default())
        .manage(commands::shell::ShellHandle::default())
        .invoke_handler(builder.invoke_handler())
        .register_asynchronous_uri_scheme_protocol(covers::SCHEME, covers::handle)
        .setup(move |app| {
            builder.mount_events(app);
            app.state::<commands::dashboard::IncomeWatch>()
                .connect(app.handle());
            app.state::<commands::player::PlayerBridge>()
                .connect(app.handle());
            app.state::<commands::shop::UploadBridge>()
                .connect(app.handle());
            app.state::<commands::library::ScanProgress>()
                .connect(app.handle());
            commands::backend::start(app.handle(), &app.state::<CoreState>());
            window::open_main(app, webview_dir)?;
            app.state::<media_controls::OsMediaControls>()
                .attach(app.handle(), window::native_handle(app));
            app.state::<commands::shell::ShellHandle>()
                .connect(app.handle());
            tray::install(app.handle());
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the desktop shell stopped with an error");
        std::process::exit(1);
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second initialisation (tests) is harmless; keep the first.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
