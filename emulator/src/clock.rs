//! Time as the emulator sees it: the system clock, or a manual clock that moves only when a test
//! says so (TTL expiry then happens exactly when the test decides).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The emulator's one source of time (see the module doc for why).
pub enum Clock {
    /// The machine's wall clock.
    System,
    /// Milliseconds since the epoch.
    Manual(AtomicI64),
}

impl Clock {
    /// A manual clock standing at `start`.
    pub fn manual(start: SystemTime) -> Clock {
        Clock::Manual(AtomicI64::new(millis(start)))
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_millis(&self) -> i64 {
        match self {
            Clock::System => millis(SystemTime::now()),
            Clock::Manual(ms) => ms.load(Ordering::SeqCst),
        }
    }

    /// Seconds with millisecond precision, the form DynamoDB uses for timestamps on the wire.
    pub fn now_seconds(&self) -> f64 {
        self.now_millis() as f64 / 1000.0
    }

    /// Moves a manual clock forward; the system clock cannot be moved and returns `false`.
    pub fn advance(&self, by: std::time::Duration) -> bool {
        match self {
            Clock::System => false,
            Clock::Manual(ms) => {
                ms.fetch_add(by.as_millis() as i64, Ordering::SeqCst);
                true
            }
        }
    }
}

fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
