//! A span per live session, with the feature `tracing`; nothing at all without it (the same
//! calls, empty), so that the driver reads the same either way.
//!
//! The span `live_session` has `session_id`, then `connects`, `reconnects`, `close_code` (the
//! last one a server closed with), `bytes_sent` (resent audio included) and
//! `bytes_acknowledged`, brought up to date as each connection ends and when the session does.
//! Events in it: `connected` (with the attempt), `reconnecting` (attempt, delay, close code and
//! reason, whose URL query is taken out like in every message). Never the URL, whose query
//! holds the token, nor the key or any audio.

use std::time::Duration;

/// What the span reports; counted whether or not it is recorded.
#[derive(Default)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(super) struct Counts {
    pub(super) connects: u32,
    pub(super) reconnects: u32,
    pub(super) close_code: Option<u16>,
    pub(super) bytes_sent: u64,
    pub(super) bytes_acknowledged: u64,
}

#[derive(Clone)]
pub(super) struct SessionSpan {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl SessionSpan {
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn new(session_id: &str) -> Self {
        Self {
            #[cfg(feature = "tracing")]
            span: tracing::info_span!(
                "live_session",
                session_id,
                connects = tracing::field::Empty,
                reconnects = tracing::field::Empty,
                close_code = tracing::field::Empty,
                bytes_sent = tracing::field::Empty,
                bytes_acknowledged = tracing::field::Empty,
            ),
        }
    }

    /// `future`, run inside the span.
    #[cfg(feature = "tracing")]
    pub(super) fn enter<F: std::future::Future>(
        &self,
        future: F,
    ) -> impl std::future::Future<Output = F::Output> {
        tracing::Instrument::instrument(future, self.span.clone())
    }

    #[cfg(not(feature = "tracing"))]
    pub(super) fn enter<F: std::future::Future>(&self, future: F) -> F {
        future
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn connected(&self, attempt: u32) {
        #[cfg(feature = "tracing")]
        tracing::info!(parent: &self.span, attempt, "connected");
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn reconnecting(
        &self,
        attempt: u32,
        delay: Duration,
        close_code: Option<u16>,
        reason: &str,
    ) {
        #[cfg(feature = "tracing")]
        tracing::info!(
            parent: &self.span,
            attempt,
            delay_ms = delay.as_millis() as u64,
            close_code,
            reason,
            "reconnecting"
        );
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn record(&self, counts: &Counts) {
        #[cfg(feature = "tracing")]
        {
            let span = &self.span;
            span.record("connects", counts.connects);
            span.record("reconnects", counts.reconnects);
            if let Some(code) = counts.close_code {
                span.record("close_code", code);
            }
            span.record("bytes_sent", counts.bytes_sent);
            span.record("bytes_acknowledged", counts.bytes_acknowledged);
        }
    }
}
