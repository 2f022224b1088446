//! Stall detection for streamed bodies: an upload or a download may take as long as it needs,
//! but not stand still for longer than the client's timeout.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// When a streamed body last moved; shared by the body stream, which touches it, and the watchdog
/// that waits for it to stand still.
#[derive(Debug, Clone)]
pub(crate) struct Activity {
    origin: Instant,
    /// Nanoseconds from `origin` to the last movement.
    last: Arc<AtomicU64>,
}

impl Activity {
    /// Starts the clock: not having moved yet counts as standing still from now.
    pub(crate) fn start() -> Self {
        Self {
            origin: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    pub(crate) fn touch(&self) {
        let now = u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last.store(now, Ordering::Relaxed);
    }

    /// Completes once nothing has moved for `limit`.
    pub(crate) async fn stalled(&self, limit: Duration) {
        loop {
            let last = Duration::from_nanos(self.last.load(Ordering::Relaxed));
            let idle = self.origin.elapsed().saturating_sub(last);
            if idle >= limit {
                return;
            }
            tokio::time::sleep(limit - idle).await;
        }
    }
}
