//! The wire contract between the Shrimp app and its backend.
//!
//! This crate owns the shapes that cross a process or language boundary: the shared
//! [`ErrorCode`] and the `{code, message}` error body every boundary speaks. It knows nothing
//! about HTTP frameworks, databases or the desktop shell; the server, the client and the app
//! all depend on it so that a code means the same thing everywhere.

mod error;

pub use error::{ApiError, ErrorCode};
