/// Every command the app exposes to its webview. Shared by `build.rs` (which declares them
/// to the permission system) and the tests (which check each is granted and bound).
pub const COMMANDS: &[&str] = &["app_status"];
