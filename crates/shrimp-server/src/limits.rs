//! Sign-in rate limiting: a handful of failures per account per minute.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

const WINDOW_MS: i64 = 60_000;
const MAX_FAILURES: usize = 5;

/// Recent failed sign-ins by account (lower-cased email).
#[derive(Debug, Default)]
pub struct SignInLimiter {
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl SignInLimiter {
    /// Whether another attempt for `email` is allowed at `now_ms`.
    pub fn allows(&self, email: &str, now_ms: i64) -> bool {
        let Ok(mut failures) = self.failures.lock() else {
            return true;
        };
        let recent = failures.entry(email.to_owned()).or_default();
        while recent.front().is_some_and(|at| now_ms - at >= WINDOW_MS) {
            recent.pop_front();
        }
        recent.len() < MAX_FAILURES
    }

    pub fn record_failure(&self, email: &str, now_ms: i64) {
        if let Ok(mut failures) = self.failures.lock() {
            failures
                .entry(email.to_owned())
                .or_default()
                .push_back(now_ms);
        }
    }

    pub fn clear(&self, email: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(email);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_for_a_minute() {
        let limiter = SignInLimiter::default();
        for at in 0..5 {
            assert!(limiter.allows("a@x", at));
            limiter.record_failure("a@x", at);
        }
        assert!(!limiter.allows("a@x", 10));
        assert!(limiter.allows("b@x", 10), "other accounts are unaffected");
        assert!(limiter.allows("a@x", 60_001));
    }
}
