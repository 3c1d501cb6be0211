//! A source of "now", so rules that depend on time (expiry, throttle windows) can be tested at
//! any instant without waiting.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system's time moved by an offset that tests can change: time keeps flowing (DynamoDB's
/// own clock and the tests' sleeps still agree roughly), and a test can jump days ahead.
#[derive(Debug, Default)]
pub struct ShiftedClock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl ShiftedClock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = self.offset_ms.load(std::sync::atomic::Ordering::SeqCst);
        Utc::now() + chrono::Duration::milliseconds(offset)
    }
}
