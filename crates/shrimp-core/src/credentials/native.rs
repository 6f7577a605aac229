//! The operating system's own keyring, and what its failures mean to a person.

use std::error::Error as StdError;
use std::sync::Arc;

use keyring_core::CredentialStore;

use super::{KeyringUnavailable, UnavailableKind};

/// Opens this platform's keyring: Secret Service on Linux and the BSDs, the Keychain on
/// macOS, Credential Manager on Windows.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd"
))]
pub(super) fn open() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = dbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
pub(super) fn open() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(windows)]
pub(super) fn open() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "macos",
    windows
)))]
pub(super) fn open() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "this operating system has no supported keyring".to_owned(),
    ))
}

/// Names a platform failure for the person at the screen. On Secret Service it tells "nothing
/// is running" (no session bus, no keyring daemon) apart from "locked" and other failures.
pub(super) fn describe_platform_failure(error: &(dyn StdError + 'static)) -> KeyringUnavailable {
    #[cfg(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd"
    ))]
    if let Some(error) = error.downcast_ref::<dbus_secret_service::Error>() {
        return describe_secret_service(error);
    }
    KeyringUnavailable::new(
        UnavailableKind::Failed,
        format!("The keyring failed: {error}"),
    )
}

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd"
))]
fn describe_secret_service(error: &dbus_secret_service::Error) -> KeyringUnavailable {
    use dbus_secret_service::Error;

    /// D-Bus errors that mean nobody answers for the Secret Service (or there is no bus).
    const NOBODY_THERE: [&str; 6] = [
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.NoServer",
        "org.freedesktop.DBus.Error.NotSupported",
        "org.freedesktop.DBus.Error.FileNotFound",
        "org.freedesktop.DBus.Error.Spawn.",
    ];
    let no_service = || {
        KeyringUnavailable::new(
            UnavailableKind::NoService,
            format!("{NO_SERVICE} ({error})"),
        )
    };
    match error {
        Error::Unavailable => no_service(),
        Error::Dbus(dbus)
            if dbus
                .name()
                .is_some_and(|name| NOBODY_THERE.iter().any(|known| name.starts_with(known))) =>
        {
            no_service()
        }
        Error::Locked | Error::Prompt | Error::NoResult => {
            KeyringUnavailable::new(UnavailableKind::Locked, format!("{LOCKED} ({error})"))
        }
        _ => KeyringUnavailable::new(
            UnavailableKind::Failed,
            format!("The keyring (Secret Service) failed: {error}"),
        ),
    }
}

pub(super) const NO_SERVICE: &str =
    "No keyring service is running (Secret Service not found on D-Bus)";
pub(super) const LOCKED: &str = "The keyring is locked and could not be unlocked";

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_missing_secret_service_is_named_as_such() {
        let reason = describe_platform_failure(&dbus_secret_service::Error::Unavailable);
        assert_eq!(reason.kind, UnavailableKind::NoService);
        assert!(reason.message.starts_with(NO_SERVICE), "{}", reason.message);

        let unknown = dbus::Error::new_custom(
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "The name org.freedesktop.secrets was not provided by any .service files",
        );
        let reason = describe_platform_failure(&dbus_secret_service::Error::Dbus(unknown));
        assert_eq!(reason.kind, UnavailableKind::NoService);
    }

    #[test]
    fn a_locked_collection_and_other_failures_are_told_apart() {
        let reason = describe_platform_failure(&dbus_secret_service::Error::Locked);
        assert_eq!(reason.kind, UnavailableKind::Locked);
        let other = dbus::Error::new_custom("org.example.Boom", "boom");
        let reason = describe_platform_failure(&dbus_secret_service::Error::Dbus(other));
        assert_eq!(reason.kind, UnavailableKind::Failed);
        assert!(reason.message.contains("boom"), "{}", reason.message);
        let reason = describe_platform_failure(&std::io::Error::other("disk on fire"));
        assert_eq!(reason.kind, UnavailableKind::Failed);
        assert!(reason.message.contains("disk on fire"));
    }
}
