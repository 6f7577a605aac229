//! The local music library of Shrimp: a SQLite database (WAL, embedded migrations) of the
//! tracks on this machine with their tags, durations, cover thumbnails, albums and artists;
//! folder scanning and watching that survive any file thrown at them (a malformed, truncated,
//! hostile or huge file is listed as unreadable with a reason, never a crash or a hang);
//! renames and moves reconciled by content fingerprint; full-text search for Chinese and Latin
//! text; playlists with M3U import and export; play history; and the download manager that
//! brings purchases in resumably, verified by SHA-256, with their provenance.
//!
//! It must not know about the store's server or API, the audio engine, the desktop shell or
//! where a person's data lives: every path (database, thumbnail cache, music folder) is passed
//! in, and the clock for play history comes from the caller. Its only workspace dependency is
//! `shrimp-domain` for order, shop and track ids.

pub mod browse;
pub mod cover;
pub mod download;
mod error;
mod integrity;
pub mod playlist;
mod positional;
pub mod scan;
mod search;
mod sniff;
pub mod store;
mod tags;
pub mod watch;

pub use browse::{ArtistSummary, ListedTrack, TrackFilter, TrackSort};
pub use download::{DownloadError, DownloadEvent, DownloadOptions, DownloadRequest};
pub use error::{LibraryError, Result};
pub use playlist::{M3uImported, PlaylistSummary};
pub use scan::{KnownNames, ScanOptions, ScanProgressed, ScanReport, UnreadableFile};
pub use store::{
    Album, Library, LibraryPaths, LibraryTrackId, Play, PlaylistId, Provenance, ReplayGain, Track,
    TrackStatus,
};
pub use watch::{FolderWatch, WatchEvent};
