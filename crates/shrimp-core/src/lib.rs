//! The Shrimp application core.
//!
//! `shrimp-core` composes the parts of the app — where its data lives, and (as they arrive)
//! the backend client, the local library, the audio engine and credentials — behind plain
//! functions that the desktop shell and the `shrimp` command line both call. It must not know
//! about windows, webviews or Tauri: a shell adapts these functions, nothing more.

pub mod back_office;
pub mod bench;
pub mod checkout;
mod connected;
mod credentials;
pub mod dashboard;
pub mod downloads;
pub mod embedded;
mod error;
pub mod folders;
pub mod library;
mod library_view;
pub mod market;
mod paths;
pub mod player;
mod playing;
pub mod preferences;
pub mod queue;
pub mod shop;
mod status;
pub mod store;
pub mod subscription;

pub use connected::{
    Account, CONNECTION_FILE, ConnectedError, Connection, Restored, Session, SignedIn,
};
pub use credentials::{
    CredentialKey, Credentials, CredentialsError, KeyringUnavailable, Persistence, SessionToken,
    UnavailableKind,
};
pub use error::CoreError;
pub use library::{Library, LibraryCounts};
pub use market::{BackendMode, BackendPhase, BackendStatus, ConnectionView, Market, PersonaView};
pub use paths::{AppPaths, DATA_DIR_ENV};
pub use player::{Player, PlayerEvent, PlayerSettings, PlayerState, PlayerStatus, RepeatMode};
pub use playing::QueueView;
pub use preferences::{Language, Notice, Preferences, SaleNotices};
pub use status::{AppStatus, Core};
