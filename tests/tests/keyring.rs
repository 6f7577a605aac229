//! Connected mode's credentials against the real Secret Service: gnome-keyring in a private
//! D-Bus session that each test starts (`dbus-run-session`, `RECIPES.md`) and stops by PID.
//!
//! Every keyring step runs in a child process (this same test binary, running
//! `keyring_child`) pointed at that session and nowhere else, so a token read back was really
//! kept by the keyring, not by the process that wrote it. Secrets go to the child on stdin.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.
#![allow(clippy::print_stdout)] // The child reports its result on stdout.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;
use shrimp_api::ErrorCode;
use shrimp_client::{Client, Token};
use shrimp_core::{AppPaths, CredentialKey, Credentials, Session, SessionToken};
use shrimp_tests::keyring::Keyring;
use shrimp_tests::server::{Backend, TestServer, story};

const URL: &str = "https://shrimp.example";
const EMAIL: &str = "mei@example.com";

/// A child process pointed at `keyring`'s session and nothing else.
fn child_on(keyring: &Keyring, step: &str) -> Child {
    let mut child = Child::new(step);
    child.command.envs(keyring.env());
    child
}

// ---------------------------------------------------------------------------------------------
// The child process

/// One step run in a child process; its stdin carries any secret.
struct Child {
    step: String,
    command: Command,
    stdin: String,
}

impl Child {
    fn new(step: &str) -> Self {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "--exact",
                "keyring_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SHRIMP_KEYRING_STEP", step)
            .env("SHRIMP_KEYRING_URL", URL)
            .env("SHRIMP_KEYRING_EMAIL", EMAIL)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .env_remove("SHRIMP_DATA_DIR");
        Self {
            step: step.to_owned(),
            command,
            stdin: String::new(),
        }
    }

    fn account(mut self, url: &str, email: &str) -> Self {
        self.command
            .env("SHRIMP_KEYRING_URL", url)
            .env("SHRIMP_KEYRING_EMAIL", email);
        self
    }

    fn data_dir(mut self, dir: &Path) -> Self {
        self.command.env("SHRIMP_DATA_DIR", dir);
        self
    }

    fn stdin(mut self, secret: &str) -> Self {
        secret.clone_into(&mut self.stdin);
        self
    }

    /// Runs the step; what it answered, `ok …` or `error …`.
    fn run(mut self) -> String {
        let mut process = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        process
            .stdin
            .take()
            .unwrap()
            .write_all(self.stdin.as_bytes())
            .unwrap();
        let output = process.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let answer = stdout
            .split_once("ANSWER ")
            .and_then(|(_, rest)| rest.lines().next())
            .map(str::to_owned);
        match answer {
            Some(answer) if output.status.success() => answer,
            _ => panic!(
                "step {} failed ({}):\n{stdout}\n{}",
                self.step,
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ),
        }
    }
}

fn json(answer: &str) -> Value {
    let body = answer
        .strip_prefix("ok ")
        .unwrap_or_else(|| panic!("expected success, got {answer}"));
    serde_json::from_str(body).unwrap()
}

/// The child: one keyring step, as named by its parent. A no-op when run on its own.
#[test]
#[ignore = "run by the other tests as a child process inside their own D-Bus session"]
fn keyring_child() {
    let Ok(step) = std::env::var("SHRIMP_KEYRING_STEP") else {
        return;
    };
    let url = std::env::var("SHRIMP_KEYRING_URL").unwrap();
    let email = std::env::var("SHRIMP_KEYRING_EMAIL").unwrap();
    let mut secret = String::new();
    std::io::stdin().read_to_string(&mut secret).unwrap();
    let key = CredentialKey::new(&url, &email);
    let credentials = Credentials::native();
    let session = || {
        let paths = AppPaths::from_environment(None).unwrap();
        paths.ensure().unwrap();
        Session::new(&paths, Credentials::native())
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer: Result<String, String> = match step.as_str() {
        "status" => Ok(serde_json::to_string(&credentials.persistence()).unwrap()),
        "store" => credentials
            .store(&key, &SessionToken::new(secret).unwrap())
            .map(|()| "stored".to_owned())
            .map_err(|error| error.to_string()),
        "load" => match credentials.load(&key) {
            // Shown to the parent only, over a pipe: it checks where the token went.
            Ok(Some(token)) => Ok(format!("token {}", token.expose())),
            Ok(None) => Ok("none".to_owned()),
            Err(error) => Err(error.to_string()),
        },
        "delete" => credentials
            .delete(&key)
            .map(|()| "deleted".to_owned())
            .map_err(|error| error.to_string()),
        "sign-in" => runtime
            .block_on(session().sign_in(&url, &email, &secret))
            .map(|signed_in| serde_json::to_string(&signed_in).unwrap())
            .map_err(|error| error.to_string()),
        "restore" => Ok(serde_json::to_string(&runtime.block_on(session().restore())).unwrap()),
        "sign-out" => runtime
            .block_on(session().sign_out())
            .map(|()| "signed out".to_owned())
            .map_err(|error| error.to_string()),
        other => panic!("unknown step {other}"),
    };
    match answer {
        Ok(answer) => println!("\nANSWER ok {answer}"),
        Err(error) => println!("\nANSWER error {error}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
fn a_token_outlives_its_process_and_the_keyring_daemon_until_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let token = "tok_3fZ9-real_token_value_0123456789abcdefghi";
    {
        let keyring = Keyring::unlocked(dir.path(), "first").unwrap();
        assert_eq!(
            json(&child_on(&keyring, "status").run()),
            serde_json::json!({"mode": "persistent"})
        );
        assert_eq!(child_on(&keyring, "load").run(), "ok none");
        assert_eq!(child_on(&keyring, "store").stdin(token).run(), "ok stored");
        // A second process reads what the first one stored.
        assert_eq!(
            child_on(&keyring, "load").run(),
            format!("ok token {token}")
        );
        // Another account on the same backend has nothing.
        assert_eq!(
            child_on(&keyring, "load")
                .account(URL, "li@example.com")
                .run(),
            "ok none"
        );
    }
    // The token is not in any file in the clear: gnome-keyring encrypts its keyrings.
    assert_no_file_contains(dir.path(), token);

    // A new session bus and daemon on the same keyring files: the next login, in effect.
    let keyring = Keyring::unlocked(dir.path(), "second").unwrap();
    assert_eq!(
        child_on(&keyring, "load").run(),
        format!("ok token {token}")
    );
    assert_eq!(child_on(&keyring, "delete").run(), "ok deleted");
    assert_eq!(child_on(&keyring, "load").run(), "ok none");
    // Deleting what is not there is fine.
    assert_eq!(child_on(&keyring, "delete").run(), "ok deleted");
}

#[test]
fn a_locked_keyring_is_named_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Keyring::locked(dir.path(), "locked").unwrap();
    let answer = child_on(&keyring, "store").stdin("a-token").run();
    assert!(
        answer.starts_with("error The keyring is locked and could not be unlocked"),
        "{answer}"
    );
}

#[test]
fn without_a_session_bus_the_app_says_why_and_keeps_sessions_until_quit() {
    let dir = tempfile::tempdir().unwrap();
    let dead_bus = format!("unix:path={}", dir.path().join("no-bus").display());
    for address in [None, Some(dead_bus.as_str())] {
        let mut child = Child::new("status");
        child.command.env("XDG_RUNTIME_DIR", dir.path());
        if let Some(address) = address {
            child.command.env("DBUS_SESSION_BUS_ADDRESS", address);
        }
        let status = json(&child.run());
        assert_eq!(status["mode"], "untilQuit", "{address:?}: {status}");
        assert_eq!(
            status["reason"]["kind"], "no_service",
            "{address:?}: {status}"
        );
        let message = status["reason"]["message"].as_str().unwrap();
        assert!(
            message
                .starts_with("No keyring service is running (Secret Service not found on D-Bus)"),
            "{message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connected_sign_in_keeps_the_token_in_the_keyring_and_out_of_every_file() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let email = "listener@example.com";
    story::account(&server, email).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("shrimp-data");
    let keyring = Keyring::unlocked(dir.path(), "connected").unwrap();
    let step = |name: &str| {
        child_on(&keyring, name)
            .account(&server.base_url, email)
            .data_dir(&data_dir)
    };

    let signed_in = json(&step("sign-in").stdin(story::PASSWORD).run());
    assert_eq!(
        signed_in["persistence"]["mode"], "persistent",
        "{signed_in}"
    );
    assert_eq!(signed_in["account"]["user"]["email"], email);
    assert_eq!(signed_in["account"]["backendUrl"], server.base_url.as_str());

    let loaded = step("load").run();
    let token = loaded
        .strip_prefix("ok token ")
        .unwrap_or_else(|| panic!("no token in the keyring: {loaded}"))
        .to_owned();
    // It is a live session on the server…
    let client = Client::new(&server.base_url)
        .unwrap()
        .with_token(Token::new(token.clone()));
    assert_eq!(client.me().await.unwrap().email, email);
    // …and no file the app wrote holds it, while the backend and email are remembered.
    assert_no_file_contains(&data_dir, &token);
    let remembered = std::fs::read_to_string(data_dir.join(shrimp_core::CONNECTION_FILE)).unwrap();
    assert!(remembered.contains(email) && remembered.contains(&server.base_url));

    // The next launch (a new process) is signed in again from the keyring.
    let restored = json(&step("restore").run());
    assert_eq!(restored["outcome"], "signedIn", "{restored}");
    assert_eq!(restored["account"]["user"]["email"], email);

    // Signing out ends the session on the server and empties the keyring.
    assert_eq!(step("sign-out").run(), "ok signed out");
    assert_eq!(step("load").run(), "ok none");
    assert_eq!(
        client.me().await.unwrap_err().code(),
        ErrorCode::Unauthenticated
    );
    let restored = json(&step("restore").run());
    assert_eq!(restored["outcome"], "signedOut", "{restored}");
}

/// Fails if any file under `dir` holds `secret`.
fn assert_no_file_contains(dir: &Path, secret: &str) {
    let mut pending = vec![dir.to_path_buf()];
    let mut files = 0;
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                pending.push(entry.unwrap().path());
            }
        } else if path.is_file() {
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes
                    .windows(secret.len())
                    .any(|window| window == secret.as_bytes()),
                "{} holds the token",
                path.display()
            );
        }
    }
    assert!(files > 0, "nothing was written under {}", dir.display());
}
