//! A private Secret Service for tests: gnome-keyring on a D-Bus session bus of its own
//! (`dbus-run-session`, `RECIPES.md`), stopped by PID when dropped.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::process::Running;

/// The password the test keyrings are unlocked with.
pub const KEYRING_PASSWORD: &str = "keyring test password";

/// gnome-keyring on a D-Bus session bus of its own; stopped (bus, daemon and all) when dropped.
#[derive(Debug)]
pub struct Keyring {
    address: String,
    runtime_dir: PathBuf,
    data_home: PathBuf,
    _bus: Running,
}

impl Keyring {
    /// Starts a session bus in `dir` with gnome-keyring unlocked by the test password. The
    /// keyrings themselves live in `dir/data`, so a second start on the same `dir` finds them.
    pub fn unlocked(dir: &Path, name: &str) -> anyhow::Result<Self> {
        Self::start(dir, name, true)
    }

    /// A session bus where the keyring is started but nobody unlocks it.
    pub fn locked(dir: &Path, name: &str) -> anyhow::Result<Self> {
        Self::start(dir, name, false)
    }

    fn start(dir: &Path, name: &str, unlock: bool) -> anyhow::Result<Self> {
        let data_home = dir.join("data");
        // A runtime folder per start, so a new daemon never finds an old one's control socket.
        let runtime_dir = dir.join(format!("run-{name}"));
        std::fs::create_dir_all(&data_home)?;
        std::fs::create_dir_all(&runtime_dir)?;
        std::fs::set_permissions(&runtime_dir, std::fs::Permissions::from_mode(0o700))?;
        let address_file = dir.join(format!("bus-{name}"));
        let daemon = if unlock {
            "printf '%s' \"$KEYRING_PASSWORD\" | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        } else {
            "gnome-keyring-daemon --start --components=secrets >/dev/null"
        };
        let script = format!(
            "set -e; {daemon}; printf '%s' \"$DBUS_SESSION_BUS_ADDRESS\" > \"$ADDRESS_FILE.tmp\"; \
             mv \"$ADDRESS_FILE.tmp\" \"$ADDRESS_FILE\"; exec sleep 600"
        );
        let mut command = Command::new("dbus-run-session");
        command
            .args(["--", "sh", "-c", &script])
            .env("KEYRING_PASSWORD", KEYRING_PASSWORD)
            .env("ADDRESS_FILE", &address_file)
            .env("XDG_DATA_HOME", &data_home)
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY");
        let log = dir.join(format!("keyring-{name}.log"));
        let mut bus = Running::spawn("dbus-run-session with gnome-keyring", command, &log)
            .context("scripts/setup.sh test installs dbus and gnome-keyring")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        let address = loop {
            if let Ok(address) = std::fs::read_to_string(&address_file) {
                break address;
            }
            if let Err(error) = bus.check_alive() {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(error.context(log));
            }
            if Instant::now() > deadline {
                bail!("the keyring did not start in 20 s");
            }
            thread::sleep(Duration::from_millis(50));
        };
        Ok(Self {
            address,
            runtime_dir,
            data_home,
            _bus: bus,
        })
    }

    /// The session bus to reach the keyring on: all an app needs to keep its tokens here.
    pub fn session_bus(&self) -> (&'static str, OsString) {
        ("DBUS_SESSION_BUS_ADDRESS", OsString::from(&self.address))
    }

    /// The environment that points a process at this session (and its keyring) and nothing
    /// else, folders included.
    pub fn env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            self.session_bus(),
            ("XDG_RUNTIME_DIR", self.runtime_dir.clone().into_os_string()),
            ("XDG_DATA_HOME", self.data_home.clone().into_os_string()),
        ]
    }
}
