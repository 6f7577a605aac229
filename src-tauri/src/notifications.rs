//! Desktop notifications, shown through the system's notification service (the freedesktop
//! D-Bus service on Linux, Notification Center, Windows toasts). Showing one never blocks the
//! caller and never fails it: without a service (a headless machine, a CI runner) the failure
//! is logged and the app carries on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use shrimp_core::Notice;

/// Shows notices on a blocking thread, one at a time: while the system is still taking one
/// (a service slow to start, say), the next is dropped rather than queued behind it.
#[derive(Debug, Clone, Default)]
pub struct DesktopNotifier {
    busy: Arc<AtomicBool>,
}

impl DesktopNotifier {
    pub fn show(&self, notice: Notice) {
        if self.busy.swap(true, Ordering::AcqRel) {
            tracing::info!(title = %notice.title, "a notification is still being shown; skipping this one");
            return;
        }
        let busy = Arc::clone(&self.busy);
        tauri::async_runtime::spawn_blocking(move || {
            let shown = notify_rust::Notification::new()
                .appname("Shrimp")
                .summary(&notice.title)
                .body(&notice.body)
                .show()
                .map(drop);
            if let Err(error) = shown {
                tracing::warn!(%error, title = %notice.title, "cannot show a desktop notification");
            }
            busy.store(false, Ordering::Release);
        });
    }
}
