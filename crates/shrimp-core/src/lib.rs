//! The Shrimp application core.
//!
//! `shrimp-core` composes the parts of the app — where its data lives, and (as they arrive)
//! the backend client, the local library, the audio engine and credentials — behind plain
//! functions that the desktop shell and the `shrimp` command line both call. It must not know
//! about windows, webviews or Tauri: a shell adapts these functions, nothing more.

mod error;
mod paths;
mod status;

pub use error::CoreError;
pub use paths::{AppPaths, DATA_DIR_ENV};
pub use status::{AppStatus, Core};
