//! Test harness for black-box and end-to-end tests of Shrimp.
//!
//! It knows how to find the workspace and its built binaries, start the processes a test
//! needs (each stopped by its PID when the test ends) and drive the real desktop app through
//! WebDriver. It holds no product logic: tests use it to reach the product from outside.

pub mod alipay_gateway;
pub mod desktop;
pub mod keyring;
pub mod process;
pub mod pulse;
pub mod server;
pub mod webdriver;
pub mod workspace;
