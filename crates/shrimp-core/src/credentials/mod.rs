//! Where the session token of connected mode is kept: the operating system's keyring.
//!
//! [`Credentials`] files one [`SessionToken`] per (backend URL, account email) in the keyring
//! through `keyring-core`, with the native store of each OS. The store is injected, so tests
//! use `keyring_core::mock::Store`. When the keyring cannot be used — no Secret Service on the
//! bus, a locked keyring, a platform error — the reason is kept as a [`KeyringUnavailable`]
//! the UI can show, and tokens are held in memory until the app quits instead
//! ([`Persistence::UntilQuit`]). Tokens never reach logs or plain files from here.

mod native;
mod token;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use keyring_core::{CredentialStore, Entry};
use serde::Serialize;
use shrimp_api::ErrorCode;
use zeroize::Zeroize;

pub use token::{CredentialKey, SessionToken};

/// How long a signed-in session is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum Persistence {
    /// In the OS keyring: the next launch is signed in again.
    Persistent,
    /// Only in this process's memory, because the keyring cannot be used: signing in again is
    /// needed after the app quits.
    UntilQuit { reason: KeyringUnavailable },
}

/// Why the keyring cannot be used, for the person at the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyringUnavailable {
    pub kind: UnavailableKind,
    /// A sentence to show, e.g. "No keyring service is running (Secret Service not found on
    /// D-Bus)", followed by the platform's own words in brackets.
    pub message: String,
}

/// The kinds of [`KeyringUnavailable`], for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum UnavailableKind {
    /// No keyring service answers (no session bus, no Secret Service provider).
    NoService,
    /// The keyring is locked and could not be unlocked.
    Locked,
    /// This operating system has no keyring Shrimp can use.
    Unsupported,
    /// The keyring answered with an error.
    Failed,
}

impl KeyringUnavailable {
    pub fn new(kind: UnavailableKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for KeyringUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What storing, loading or deleting a token can fail with. Never carries the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    /// The keyring cannot be used; [`Credentials::keep_until_quit`] is the way out.
    #[error("{0}")]
    Unavailable(KeyringUnavailable),
    /// The keyring holds something under this key that is not a token.
    #[error("the saved sign-in in the keyring is damaged: {reason}")]
    Corrupted { reason: String },
    /// The keyring would not take this entry (a name or value it cannot hold).
    #[error("the keyring refused the sign-in: {reason}")]
    Refused { reason: String },
}

impl CredentialsError {
    pub const fn code(&self) -> ErrorCode {
        ErrorCode::Storage
    }
}

/// The session tokens of connected mode: in the OS keyring, or in memory until the app quits.
pub struct Credentials {
    mode: Mutex<Mode>,
}

enum Mode {
    Keyring(Arc<CredentialStore>),
    Memory {
        reason: KeyringUnavailable,
        tokens: HashMap<CredentialKey, SessionToken>,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Says where tokens live, never what they are.
        f.debug_struct("Credentials")
            .field("persistence", &self.persistence())
            .finish()
    }
}

impl Credentials {
    /// The operating system's keyring, or — when it cannot be reached — memory until the app
    /// quits, with the reason ([`Credentials::persistence`] tells which).
    pub fn native() -> Self {
        match native::open() {
            Ok(store) => Self::with_store(store),
            Err(error) => {
                let reason = match classify(error) {
                    CredentialsError::Unavailable(reason) => reason,
                    other => KeyringUnavailable::new(UnavailableKind::Failed, other.to_string()),
                };
                tracing::warn!(%reason, "the keyring cannot be used; sign-ins last until the app quits");
                Self::until_quit(reason)
            }
        }
    }

    /// Tokens in `store` (any `keyring-core` store; tests use `keyring_core::mock::Store`).
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Self {
            mode: Mutex::new(Mode::Keyring(store)),
        }
    }

    /// Tokens in memory only, because of `reason`.
    pub fn until_quit(reason: KeyringUnavailable) -> Self {
        Self {
            mode: Mutex::new(Mode::Memory {
                reason,
                tokens: HashMap::new(),
            }),
        }
    }

    /// Where tokens are kept now.
    pub fn persistence(&self) -> Persistence {
        match &*self.lock() {
            Mode::Keyring(_) => Persistence::Persistent,
            Mode::Memory { reason, .. } => Persistence::UntilQuit {
                reason: reason.clone(),
            },
        }
    }

    /// From now on keeps tokens in memory until the app quits, because of `reason` (the way
    /// out of [`CredentialsError::Unavailable`]). Tokens already in the keyring stay there.
    pub fn keep_until_quit(&self, reason: KeyringUnavailable) {
        let mut mode = self.lock();
        if matches!(*mode, Mode::Keyring(_)) {
            tracing::warn!(%reason, "keeping sign-ins until the app quits");
            *mode = Mode::Memory {
                reason,
                tokens: HashMap::new(),
            };
        }
    }

    /// Saves `token` for `key`, replacing any token saved for it before.
    pub fn store(&self, key: &CredentialKey, token: &SessionToken) -> Result<(), CredentialsError> {
        let store = match &mut *self.lock() {
            Mode::Keyring(store) => Arc::clone(store),
            Mode::Memory { tokens, .. } => {
                tokens.insert(key.clone(), token.clone());
                return Ok(());
            }
        };
        entry(&store, key)?
            .set_password(token.expose())
            .map_err(classify)
    }

    /// The token saved for `key`, if any.
    pub fn load(&self, key: &CredentialKey) -> Result<Option<SessionToken>, CredentialsError> {
        let store = match &*self.lock() {
            Mode::Keyring(store) => Arc::clone(store),
            Mode::Memory { tokens, .. } => return Ok(tokens.get(key).cloned()),
        };
        match entry(&store, key)?.get_password() {
            Ok(value) => {
                SessionToken::new(value)
                    .map(Some)
                    .map_err(|reason| CredentialsError::Corrupted {
                        reason: reason.to_owned(),
                    })
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(classify(error)),
        }
    }

    /// Forgets the token saved for `key`; forgetting one that is not there is fine. Where
    /// several keyring items match (another program wrote one), all of them are removed.
    pub fn delete(&self, key: &CredentialKey) -> Result<(), CredentialsError> {
        let store = match &mut *self.lock() {
            Mode::Keyring(store) => Arc::clone(store),
            Mode::Memory { tokens, .. } => {
                tokens.remove(key);
                return Ok(());
            }
        };
        match entry(&store, key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(keyring_core::Error::Ambiguous(entries)) => {
                for entry in entries {
                    match entry.delete_credential() {
                        Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                        Err(error) => return Err(classify(error)),
                    }
                }
                Ok(())
            }
            Err(error) => Err(classify(error)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Mode> {
        // The map and the store handle stay consistent even if a holder panicked.
        self.mode.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn entry(store: &Arc<CredentialStore>, key: &CredentialKey) -> Result<Entry, CredentialsError> {
    Entry::new_in_store(store, &key.service(), key.email()).map_err(classify)
}

/// Turns a keyring error into ours. Secret bytes that some errors carry are wiped, never shown.
fn classify(error: keyring_core::Error) -> CredentialsError {
    use keyring_core::Error;

    let unavailable = |kind, message: String| {
        CredentialsError::Unavailable(KeyringUnavailable::new(kind, message))
    };
    match error {
        Error::NoStorageAccess(source) => {
            // Access was refused: locked, or a prompt nobody could answer.
            let described = native::describe_platform_failure(source.as_ref());
            if described.kind == UnavailableKind::Failed {
                unavailable(
                    UnavailableKind::Locked,
                    format!("{} ({source})", native::LOCKED),
                )
            } else {
                CredentialsError::Unavailable(described)
            }
        }
        Error::PlatformFailure(source) => {
            CredentialsError::Unavailable(native::describe_platform_failure(source.as_ref()))
        }
        Error::NotSupportedByStore(reason) => unavailable(
            UnavailableKind::Unsupported,
            format!("This system's keyring cannot keep Shrimp's sign-in: {reason}"),
        ),
        Error::NoDefaultStore | Error::BadStoreFormat(_) => unavailable(
            UnavailableKind::Failed,
            format!("The keyring failed: {error}"),
        ),
        Error::BadEncoding(mut bytes) => {
            bytes.zeroize();
            CredentialsError::Corrupted {
                reason: "it is not text".to_owned(),
            }
        }
        Error::BadDataFormat(mut bytes, source) => {
            bytes.zeroize();
            CredentialsError::Corrupted {
                reason: source.to_string(),
            }
        }
        Error::Ambiguous(entries) => CredentialsError::Corrupted {
            reason: format!("{} saved sign-ins match this account", entries.len()),
        },
        Error::TooLong(name, limit) => CredentialsError::Refused {
            reason: format!("{name} is longer than the keyring's limit of {limit}"),
        },
        Error::Invalid(name, reason) => CredentialsError::Refused {
            reason: format!("{name} {reason}"),
        },
        Error::NoEntry => CredentialsError::Corrupted {
            reason: "the entry vanished while it was read".to_owned(),
        },
        other => unavailable(
            UnavailableKind::Failed,
            format!("The keyring failed: {other}"),
        ),
    }
}

#[cfg(test)]
mod tests;
