use keyring_core::api::CredentialStoreApi;
use keyring_core::mock;

use super::*;

const URL: &str = "https://shrimp.example";
const EMAIL: &str = "mei@example.com";

fn key() -> CredentialKey {
    CredentialKey::new(URL, EMAIL)
}

fn token(value: &str) -> SessionToken {
    SessionToken::new(value).unwrap()
}

fn mock_credentials() -> (Arc<mock::Store>, Credentials) {
    let store = mock::Store::new().unwrap();
    let credentials = Credentials::with_store(store.clone());
    (store, credentials)
}

/// Makes the next keyring call for `key` fail with `error`.
fn fail_next(store: &mock::Store, key: &CredentialKey, error: keyring_core::Error) {
    let entry = store.build(&key.service(), key.email(), None).unwrap();
    let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(error);
}

/// What the keyring itself holds for `key`, read around `Credentials`.
fn raw(store: &mock::Store, key: &CredentialKey) -> Option<Vec<u8>> {
    let entry = store.build(&key.service(), key.email(), None).unwrap();
    entry.get_secret().ok()
}

fn locked() -> keyring_core::Error {
    keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other("collection is locked")))
}

#[test]
fn store_load_delete_round_trip_through_the_keyring() {
    let (store, credentials) = mock_credentials();
    assert_eq!(credentials.persistence(), Persistence::Persistent);
    assert_eq!(credentials.load(&key()).unwrap(), None);

    credentials.store(&key(), &token("first")).unwrap();
    credentials.store(&key(), &token("second")).unwrap();
    assert_eq!(raw(&store, &key()).as_deref(), Some(&b"second"[..]));
    assert_eq!(credentials.load(&key()).unwrap(), Some(token("second")));

    // Another account on the same backend has its own entry.
    let other = CredentialKey::new(URL, "li@example.com");
    assert_eq!(credentials.load(&other).unwrap(), None);

    credentials.delete(&key()).unwrap();
    assert_eq!(credentials.load(&key()).unwrap(), None);
    assert_eq!(raw(&store, &key()), None);
}

#[test]
fn deleting_a_missing_entry_is_fine() {
    let (_store, credentials) = mock_credentials();
    credentials.delete(&key()).unwrap();
    credentials.delete(&key()).unwrap();
}

#[test]
fn a_locked_keyring_is_reported_as_locked_on_every_operation() {
    let (store, credentials) = mock_credentials();
    fail_next(&store, &key(), locked());
    let error = credentials.store(&key(), &token("t")).unwrap_err();
    let CredentialsError::Unavailable(reason) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(reason.kind, UnavailableKind::Locked);
    assert!(reason.message.contains("locked"), "{}", reason.message);
    assert_eq!(raw(&store, &key()), None, "nothing was stored");
    assert_eq!(error.code(), ErrorCode::Storage);

    credentials.store(&key(), &token("t")).unwrap();
    fail_next(&store, &key(), locked());
    assert!(matches!(
        credentials.load(&key()),
        Err(CredentialsError::Unavailable(KeyringUnavailable {
            kind: UnavailableKind::Locked,
            ..
        }))
    ));
    fail_next(&store, &key(), locked());
    assert!(matches!(
        credentials.delete(&key()),
        Err(CredentialsError::Unavailable(_))
    ));
    assert!(
        raw(&store, &key()).is_some(),
        "a failed delete keeps the entry"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn no_secret_service_on_the_bus_says_so() {
    let (store, credentials) = mock_credentials();
    fail_next(
        &store,
        &key(),
        keyring_core::Error::PlatformFailure(Box::new(dbus_secret_service::Error::Unavailable)),
    );
    let Err(CredentialsError::Unavailable(reason)) = credentials.load(&key()) else {
        panic!("expected unavailable")
    };
    assert_eq!(reason.kind, UnavailableKind::NoService);
    assert!(
        reason
            .message
            .starts_with("No keyring service is running (Secret Service not found on D-Bus)"),
        "{}",
        reason.message
    );
}

#[test]
fn other_platform_failures_are_unavailable_with_the_platform_words() {
    let (store, credentials) = mock_credentials();
    fail_next(
        &store,
        &key(),
        keyring_core::Error::PlatformFailure(Box::new(std::io::Error::other("bus on fire"))),
    );
    let Err(CredentialsError::Unavailable(reason)) = credentials.store(&key(), &token("t")) else {
        panic!("expected unavailable")
    };
    assert_eq!(reason.kind, UnavailableKind::Failed);
    assert!(reason.message.contains("bus on fire"), "{}", reason.message);
}

#[test]
fn a_value_that_is_not_a_token_is_corrupted_and_never_quoted() {
    let (store, credentials) = mock_credentials();
    let entry = store.build(&key().service(), EMAIL, None).unwrap();

    entry.set_secret(&[0xff, 0xfe, b's', b'e', b'c']).unwrap();
    let error = credentials.load(&key()).unwrap_err();
    assert!(
        matches!(error, CredentialsError::Corrupted { .. }),
        "{error:?}"
    );

    entry.set_password("has spaces secret").unwrap();
    let error = credentials.load(&key()).unwrap_err();
    assert!(
        matches!(error, CredentialsError::Corrupted { .. }),
        "{error:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("secret"), "{shown}");

    entry.set_password("").unwrap();
    assert!(matches!(
        credentials.load(&key()),
        Err(CredentialsError::Corrupted { .. })
    ));

    // The damaged entry can be removed, and then there is nothing.
    credentials.delete(&key()).unwrap();
    assert_eq!(credentials.load(&key()).unwrap(), None);
}

#[test]
fn a_store_error_that_carries_the_secret_does_not_show_it() {
    let (store, credentials) = mock_credentials();
    fail_next(
        &store,
        &key(),
        keyring_core::Error::BadDataFormat(
            b"the-secret".to_vec(),
            Box::new(std::io::Error::other("bad header")),
        ),
    );
    let error = credentials.load(&key()).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("the-secret"), "{shown}");
    assert!(shown.contains("bad header"), "{shown}");
}

#[test]
fn a_refused_value_is_refused() {
    let (store, credentials) = mock_credentials();
    fail_next(
        &store,
        &key(),
        keyring_core::Error::TooLong("password".into(), 16),
    );
    assert!(matches!(
        credentials.store(&key(), &token("t")),
        Err(CredentialsError::Refused { .. })
    ));
}

#[test]
fn ambiguous_entries_are_all_deleted() {
    let (store, credentials) = mock_credentials();
    credentials.store(&key(), &token("t")).unwrap();
    let twin = store.build(&key().service(), EMAIL, None).unwrap();
    fail_next(&store, &key(), keyring_core::Error::Ambiguous(vec![twin]));
    credentials.delete(&key()).unwrap();
    assert_eq!(raw(&store, &key()), None);
}

#[test]
fn until_quit_keeps_tokens_in_memory_and_says_why() {
    let reason = KeyringUnavailable::new(UnavailableKind::NoService, "nobody home");
    let credentials = Credentials::until_quit(reason.clone());
    assert_eq!(
        credentials.persistence(),
        Persistence::UntilQuit {
            reason: reason.clone()
        }
    );
    credentials.store(&key(), &token("in-memory")).unwrap();
    assert_eq!(credentials.load(&key()).unwrap(), Some(token("in-memory")));
    let shown = format!("{credentials:?}");
    assert!(!shown.contains("in-memory"), "{shown}");
    assert!(shown.contains("nobody home"), "{shown}");
    credentials.delete(&key()).unwrap();
    credentials.delete(&key()).unwrap();
    assert_eq!(credentials.load(&key()).unwrap(), None);
}

#[test]
fn keep_until_quit_switches_away_from_a_failing_keyring() {
    let (store, credentials) = mock_credentials();
    fail_next(&store, &key(), locked());
    let Err(CredentialsError::Unavailable(reason)) = credentials.store(&key(), &token("t")) else {
        panic!("expected unavailable")
    };
    credentials.keep_until_quit(reason.clone());
    credentials.store(&key(), &token("t")).unwrap();
    assert_eq!(credentials.load(&key()).unwrap(), Some(token("t")));
    assert_eq!(raw(&store, &key()), None, "the keyring was not written");
    assert_eq!(credentials.persistence(), Persistence::UntilQuit { reason });

    // A second switch keeps the first reason and the tokens already held.
    credentials.keep_until_quit(KeyringUnavailable::new(UnavailableKind::Failed, "later"));
    assert_eq!(credentials.load(&key()).unwrap(), Some(token("t")));
}

#[test]
fn persistence_serializes_for_the_ui() {
    let json = serde_json::to_value(Persistence::Persistent).unwrap();
    assert_eq!(json, serde_json::json!({"mode": "persistent"}));
    let json = serde_json::to_value(Persistence::UntilQuit {
        reason: KeyringUnavailable::new(UnavailableKind::NoService, "No keyring service"),
    })
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "mode": "untilQuit",
            "reason": {"kind": "no_service", "message": "No keyring service"}
        })
    );
}
