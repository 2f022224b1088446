//! When a failed request is tried again, and after how long.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How requests that failed for a passing reason are tried again.
///
/// `GET` and `DELETE` are retried after a connection error and on 408, 429 and 5xx answers;
/// `POST` only when the connection could not be made (the server never saw it) or on 429, so that
/// a job is never started twice. Delays grow exponentially from `initial_delay` up to `max_delay`,
/// with full jitter; a `Retry-After` header (seconds or an HTTP date) wins, up to
/// `max_retry_after`.
///
/// Built from [`RetryPolicy::default`] or [`RetryPolicy::none`] and its setters
/// (`RetryPolicy::default().max_attempts(6)`); every value works, none panics.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// Upper bound of the first delay.
    pub initial_delay: Duration,
    /// Upper bound of any computed delay.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; longer ones are shortened to it.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in all, the first included; 0 and 1 both turn retries off.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Upper bound of the first delay.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// Upper bound of any computed delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` honoured.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Whether an answer with this status is worth another attempt.
    pub(crate) fn retries_status(&self, method: &Method, status: StatusCode) -> bool {
        status == StatusCode::TOO_MANY_REQUESTS
            || (idempotent(method)
                && (status == StatusCode::REQUEST_TIMEOUT || status.is_server_error()))
    }

    /// Whether a request that got no answer is worth another attempt.
    pub(crate) fn retries_transport(&self, method: &Method, error: &reqwest::Error) -> bool {
        if error.is_timeout() {
            // The caller's time limit is the answer they asked for.
            return false;
        }
        error.is_connect() || (idempotent(method) && error.is_request())
    }

    /// The pause before attempt `attempt + 1`, `attempt` counting from 1.
    #[doc(hidden)]
    pub fn delay(&self, attempt: u32, headers: Option<&HeaderMap>) -> Duration {
        if let Some(wait) = headers.and_then(retry_after) {
            return wait.min(self.max_retry_after);
        }
        let ceiling = self
            .initial_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        // Full jitter: clients that failed together do not come back together. `try_from`, as
        // `mul_f64` panics where a ceiling near `Duration::MAX` rounds above it.
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * random_unit()).unwrap_or(ceiling)
    }
}

/// Methods whose repetition cannot do anything twice; only they are retried after the server
/// may have acted.
fn idempotent(method: &Method) -> bool {
    *method == Method::GET || *method == Method::DELETE
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A number in `[0, 1)`, random enough for jitter; std's hasher keys are randomly seeded.
fn random_unit() -> f64 {
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn retry_after_seconds_and_dates_are_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, Some(&headers("3"))), Duration::from_secs(3));
        assert_eq!(
            policy.delay(1, Some(&headers("86400"))),
            Duration::from_secs(60)
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = policy.delay(1, Some(&headers(&soon)));
        assert!(wait > Duration::from_secs(28) && wait <= Duration::from_secs(30));
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
        assert_eq!(policy.delay(1, Some(&headers(&past))), Duration::ZERO);
    }

    #[test]
    fn backoff_grows_and_stays_under_the_cap() {
        let policy = RetryPolicy::default();
        for attempt in 1..40 {
            let ceiling =
                (policy.initial_delay * 2u32.pow(attempt.min(16) - 1)).min(policy.max_delay);
            assert!(policy.delay(attempt, None) <= ceiling);
        }
    }

    #[test]
    fn post_is_retried_only_when_it_cannot_have_run() {
        let policy = RetryPolicy::default();
        assert!(policy.retries_status(&Method::POST, StatusCode::TOO_MANY_REQUESTS));
        assert!(!policy.retries_status(&Method::POST, StatusCode::BAD_GATEWAY));
        assert!(policy.retries_status(&Method::GET, StatusCode::BAD_GATEWAY));
        assert!(policy.retries_status(&Method::DELETE, StatusCode::REQUEST_TIMEOUT));
        assert!(!policy.retries_status(&Method::GET, StatusCode::NOT_FOUND));
    }
}
