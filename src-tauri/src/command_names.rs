/// Every command the app exposes to its webview. Shared by `build.rs` (which declares them
/// to the permission system) and the tests (which check each is granted and bound).
pub const COMMANDS: &[&str] = &[
    "app_status",
    "backend_status",
    "retry_backend",
    "reset_demo",
    "switch_persona",
    "simulator_settings",
    "set_simulator",
    "store_home",
    "search_tracks",
    "track_page",
    "release_page",
    "shop_page",
    "buy_track",
    "my_orders",
    "dashboard",
    "watch_income",
    "review_inbox",
    "approve_application",
    "reject_application",
];
