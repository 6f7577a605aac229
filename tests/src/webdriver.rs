//! A small W3C WebDriver (classic) client: enough to drive the desktop app through
//! tauri-driver and WebKitWebDriver — sessions, finding and clicking elements, reading text,
//! running scripts and taking screenshots.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine as _;
use serde_json::{Value, json};

/// The key under which W3C WebDriver returns element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long `wait_*` helpers poll before giving up.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(20);

/// One WebDriver session.
#[derive(Debug)]
pub struct Session {
    agent: ureq::Agent,
    url: String,
}

/// A reference to an element in the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Session {
    /// Opens a session on the driver at `driver_url` with the given capabilities.
    pub fn start(driver_url: &str, capabilities: &Value) -> anyhow::Result<Self> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(90)))
            .build()
            .into();
        let body = json!({ "capabilities": { "alwaysMatch": capabilities } });
        let value = send(
            &agent,
            "POST",
            &format!("{driver_url}/session"),
            Some(&body),
        )
        .context("starting a WebDriver session")?;
        let id = value["sessionId"]
            .as_str()
            .context("the driver returned no session id")?;
        Ok(Self {
            agent,
            url: format!("{driver_url}/session/{id}"),
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> anyhow::Result<Value> {
        send(&self.agent, method, &format!("{}{path}", self.url), body)
    }

    /// The first element matching a CSS selector, if any.
    pub fn find(&self, css: &str) -> anyhow::Result<Option<Element>> {
        Ok(self.find_all(css)?.into_iter().next())
    }

    /// Every element matching a CSS selector.
    ///
    /// WebKitWebDriver answers a search with "stale element reference" when React removes a
    /// matching node while the search runs (a dialog closing, a list re-rendering); the
    /// search is then simply asked again.
    pub fn find_all(&self, css: &str) -> anyhow::Result<Vec<Element>> {
        let query = json!({"using": "css selector", "value": css});
        let mut attempts = 0;
        let found = loop {
            match self.call("POST", "/elements", Some(&query)) {
                Err(error) if is_stale(&error) && attempts < 20 => {
                    attempts += 1;
                    thread::sleep(Duration::from_millis(50));
                }
                other => break other?,
            }
        };
        Ok(found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|element| element[ELEMENT_KEY].as_str())
            .map(|id| Element(id.to_owned()))
            .collect())
    }

    /// Waits until nothing matches `css` (a dialog closed, a row removed).
    pub fn wait_gone(&self, css: &str) -> anyhow::Result<()> {
        poll(&format!("{css} to go"), DEFAULT_WAIT, || {
            Ok(self.find(css)?.is_none().then_some(()))
        })
    }

    /// Waits for an element matching `css` to appear.
    pub fn wait_for(&self, css: &str) -> anyhow::Result<Element> {
        self.wait_for_within(css, DEFAULT_WAIT)
    }

    /// [`Self::wait_for`] with its own patience (first launch seeds the demo, say).
    pub fn wait_for_within(&self, css: &str, timeout: Duration) -> anyhow::Result<Element> {
        poll(&format!("an element matching {css}"), timeout, || {
            self.find(css)
        })
    }

    /// Waits until the text of the element matching `css` satisfies `accept`; returns it.
    pub fn wait_for_text(
        &self,
        css: &str,
        accept: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        self.wait_for_text_within(css, DEFAULT_WAIT, accept)
    }

    /// [`Self::wait_for_text`] with its own patience.
    pub fn wait_for_text_within(
        &self,
        css: &str,
        timeout: Duration,
        accept: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        wait_for_reading(&format!("text of {css}"), timeout, accept, || {
            let Some(element) = self.find(css)? else {
                return Ok(None);
            };
            // The element may be replaced between the search and the read: look again.
            match self.text(&element) {
                Err(error) if is_stale(&error) => Ok(None),
                read => read.map(Some),
            }
        })
    }

    pub fn click(&self, element: &Element) -> anyhow::Result<()> {
        self.call(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(&json!({})),
        )?;
        Ok(())
    }

    /// Types `text` into a field, as a person would (key by key).
    pub fn type_text(&self, element: &Element, text: &str) -> anyhow::Result<()> {
        self.call(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(&json!({ "text": text })),
        )?;
        Ok(())
    }

    pub fn text(&self, element: &Element) -> anyhow::Result<String> {
        let value = self.call("GET", &format!("/element/{}/text", element.0), None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    pub fn attribute(&self, element: &Element, name: &str) -> anyhow::Result<Option<String>> {
        let value = self.call(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
        )?;
        Ok(value.as_str().map(ToOwned::to_owned))
    }

    /// Waits for `css`, then its `textContent` read by the page itself (WebDriver's visible
    /// text is empty while an element is still fading in, and leaves out clipped text).
    pub fn text_content(&self, css: &str) -> anyhow::Result<String> {
        self.wait_for(css)?;
        let value = self.execute(
            "return document.querySelector(arguments[0]).textContent",
            &[json!(css)],
        )?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Waits until the `textContent` (trimmed) of the first element matching `css`, read by the
    /// page itself as [`Self::text_content`] reads it, satisfies `accept`; returns it.
    pub fn wait_for_text_content_within(
        &self,
        css: &str,
        timeout: Duration,
        accept: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        wait_for_reading(&format!("text content of {css}"), timeout, accept, || {
            let value = self.execute(
                "const found = document.querySelector(arguments[0]);
                 return found ? found.textContent.trim() : null;",
                &[json!(css)],
            )?;
            Ok(value.as_str().map(ToOwned::to_owned))
        })
    }

    /// Waits for the input `css`, then sets its value as typing would, so React hears it.
    pub fn set_value(&self, css: &str, value: &str) -> anyhow::Result<()> {
        self.wait_for(css)?;
        self.execute(
            "const input = document.querySelector(arguments[0]);
             const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
             set.call(input, arguments[1]);
             input.dispatchEvent(new Event('input', { bubbles: true }));",
            &[json!(css), json!(value)],
        )?;
        Ok(())
    }

    /// Runs a synchronous script in the page and returns its result.
    pub fn execute(&self, script: &str, args: &[Value]) -> anyhow::Result<Value> {
        self.call(
            "POST",
            "/execute/sync",
            Some(&json!({"script": script, "args": args})),
        )
    }

    /// Runs an asynchronous script: it gets a callback as its last argument and the call
    /// returns what the script passes to it (for measuring inside the page).
    pub fn execute_async(&self, script: &str, args: &[Value]) -> anyhow::Result<Value> {
        self.call(
            "POST",
            "/execute/async",
            Some(&json!({"script": script, "args": args})),
        )
    }

    /// Saves a PNG of the window to `path`.
    pub fn screenshot(&self, path: &Path) -> anyhow::Result<()> {
        let value = self.call("GET", "/screenshot", None)?;
        let encoded = value.as_str().context("the screenshot is not a string")?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .context("decoding the screenshot")?;
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// Ends the session (and with it the app).
    pub fn quit(&self) -> anyhow::Result<()> {
        send(&self.agent, "DELETE", &self.url, None)?;
        Ok(())
    }
}

/// Polls `read` (`None`: nothing to read yet) until what it reads satisfies `accept`; the
/// error names the last text seen.
fn wait_for_reading(
    what: &str,
    timeout: Duration,
    accept: impl Fn(&str) -> bool,
    mut read: impl FnMut() -> anyhow::Result<Option<String>>,
) -> anyhow::Result<String> {
    let mut last = String::new();
    let found = poll(&format!("{what} to match"), timeout, || {
        let Some(text) = read()? else {
            return Ok(None);
        };
        let accepted = accept(&text);
        last = text;
        Ok(accepted.then(|| last.clone()))
    });
    found.with_context(|| format!("last text seen: {last:?}"))
}

/// Polls `attempt` until it yields something or [`DEFAULT_WAIT`] passes.
fn poll<T>(
    what: &str,
    timeout: Duration,
    mut attempt: impl FnMut() -> anyhow::Result<Option<T>>,
) -> anyhow::Result<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = attempt()? {
            return Ok(found);
        }
        if Instant::now() > deadline {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// An error the driver answered with, by its W3C error code.
#[derive(Debug)]
pub struct DriverError {
    request: String,
    status: u16,
    code: String,
    message: String,
}

impl std::fmt::Display for DriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} failed ({}): {} {}",
            self.request, self.status, self.code, self.message
        )
    }
}

impl std::error::Error for DriverError {}

/// Whether the driver said an element reference no longer points into the page.
pub fn is_stale(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<DriverError>()
        .is_some_and(|driver| driver.code == "stale element reference")
}

/// Sends one WebDriver request and returns its `value`, turning WebDriver errors into errors.
fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<&Value>,
) -> anyhow::Result<Value> {
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, Some(body)) => agent.post(url).send_json(body),
        (_, None) => agent.post(url).send_json(json!({})),
    };
    let mut response = response.with_context(|| format!("{method} {url}"))?;
    let status = response.status();
    let reply: Value = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_json()
        .with_context(|| format!("reading the reply to {method} {url}"))?;
    let value = reply.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() || value.get("error").is_some() {
        return Err(DriverError {
            request: format!("{method} {url}"),
            status: status.as_u16(),
            code: value["error"]
                .as_str()
                .unwrap_or("unknown error")
                .to_owned(),
            message: value["message"].as_str().unwrap_or_default().to_owned(),
        }
        .into());
    }
    Ok(value)
}
