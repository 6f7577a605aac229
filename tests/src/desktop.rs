//! The real desktop app under WebDriver: tauri-driver (which runs WebKitWebDriver) started on
//! free ports, the app launched on a fresh data folder, everything stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::json;

use crate::process::{self, Running};
use crate::webdriver::Session;
use crate::workspace;

/// A launched app with its WebDriver session. Fields drop in order: session, then driver.
#[derive(Debug)]
pub struct DesktopApp {
    pub session: Session,
    _driver: Running,
    data_dir: PathBuf,
    name: String,
}

impl DesktopApp {
    /// Launches the app with its data in `data_dir`. `name` labels logs and screenshots.
    pub fn launch(name: &str, data_dir: &Path) -> anyhow::Result<Self> {
        Self::launch_with_env(name, data_dir, &[])
    }

    /// [`Self::launch`] with extra environment for the app (tauri-driver passes its own on),
    /// such as a private PulseAudio server's address.
    pub fn launch_with_env(
        name: &str,
        data_dir: &Path,
        env: &[(&str, std::ffi::OsString)],
    ) -> anyhow::Result<Self> {
        if std::env::var_os("DISPLAY").is_none() {
            bail!(
                "no DISPLAY: end-to-end tests need a display; run them through `make test` \
                 (which starts Xvfb) or scripts/with-services.sh"
            );
        }
        let app = workspace::binary("shrimp-desktop", "SHRIMP_DESKTOP_BIN")?;
        let tauri_driver = tauri_driver()?;
        let out = workspace::e2e_output_dir()?;

        let port = process::free_port()?;
        let native_port = process::free_port()?;
        let mut command = Command::new(&tauri_driver);
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("SHRIMP_DATA_DIR", data_dir)
            .envs(env.iter().map(|(key, value)| (*key, value)));
        let mut driver = Running::spawn(
            "tauri-driver",
            command,
            &out.join(format!("{name}.driver.log")),
        )?;
        process::wait_for_port(&mut driver, port, Duration::from_secs(30))?;

        let capabilities = json!({
            "browserName": "wry",
            "tauri:options": {
                "application": app,
                "args": ["--data-dir", data_dir],
            },
        });
        // tauri-driver answers before the WebKitWebDriver it starts is listening; on a busy
        // machine the first session request can find nobody there. Ask again a few times.
        let mut attempt = 0;
        let session = loop {
            attempt += 1;
            match Session::start(&format!("http://127.0.0.1:{port}"), &capabilities) {
                Ok(session) => break session,
                Err(error) if attempt < 5 => {
                    driver.check_alive()?;
                    eprintln!("WebDriver session not started yet ({error:#}); retrying");
                    std::thread::sleep(Duration::from_secs(2));
                }
                Err(error) => {
                    return Err(error).with_context(|| format!("launching {}", app.display()));
                }
            }
        };
        Ok(Self {
            session,
            _driver: driver,
            data_dir: data_dir.to_path_buf(),
            name: name.to_owned(),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Saves a screenshot as `target/e2e/<name>-<label>.png` and returns its path.
    /// Waits first for the page to settle, so the picture shows what the test just saw: the
    /// animations under way (a dialog fading in) finished and a frame painted after them.
    pub fn screenshot(&self, label: &str) -> anyhow::Result<PathBuf> {
        let path = workspace::e2e_output_dir()?.join(format!("{}-{label}.png", self.name));
        self.session.execute_async(SETTLED, &[])?;
        self.session.screenshot(&path)?;
        Ok(path)
    }

    /// Closes the app cleanly.
    pub fn quit(self) -> anyhow::Result<()> {
        self.session.quit()
    }
}

impl Drop for DesktopApp {
    /// A test that fails with the app open leaves a picture of the window and the page's
    /// text, so a failure on a machine nobody can look at still shows what a person saw.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let Ok(out) = workspace::e2e_output_dir() else {
            return;
        };
        let path = out.join(format!("{}-failed.png", self.name));
        match self.session.screenshot(&path) {
            Ok(()) => eprintln!("the window when the test failed: {}", path.display()),
            Err(error) => eprintln!("no screenshot of the failed test: {error:#}"),
        }
        if let Ok(page) = self.session.execute(PAGE_STATE, &[]) {
            eprintln!("the page when the test failed: {page}");
        }
    }
}

/// What a failure report shows of the page: its address, the state of every element that
/// has one (the player's play button, a tab) and the text a person reads, cut short.
const PAGE_STATE: &str = "
    const states = [...document.querySelectorAll('[data-testid][data-state]')].map(
      (e) => `${e.dataset.testid}=${e.dataset.state}`);
    return { at: location.href, states, text: document.body.innerText.slice(0, 2000) };
";

/// Calls back once the page's finite animations have finished (endless ones, such as a
/// loading shimmer, are not waited for; nor is anything past 3 s) and two frames went by.
const SETTLED: &str = "
    const done = arguments[arguments.length - 1];
    const finite = document.getAnimations().filter(
      (a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
    const painted = () => requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
    Promise.race([
      Promise.all(finite.map((a) => a.finished.catch(() => null))),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]).then(painted);
";

/// tauri-driver: `TAURI_DRIVER` if set, else the copy `make` installs under the tools cache.
fn tauri_driver() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return Ok(PathBuf::from(path));
    }
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let path = Path::new(&home).join(".cache/shrimp/tools/bin/tauri-driver");
    if !path.is_file() {
        bail!(
            "tauri-driver not found at {}: run `make setup` or set TAURI_DRIVER",
            path.display()
        );
    }
    Ok(path)
}
