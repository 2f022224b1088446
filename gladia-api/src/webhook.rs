//! Verifying Gladia's webhooks (feature `webhook`).
//!
//! Gladia sends the webhooks set in its dashboard (`transcription.created`, `.success`,
//! `.error`, `live.start_session` … `live.end_session`) through [Svix](https://www.svix.com),
//! signed. Each request carries three headers:
//!
//! - `svix-id`: the message's id (the same on every retry of it);
//! - `svix-timestamp`: when it was sent, in seconds since the Unix epoch;
//! - `svix-signature`: space-separated `v1,<base64>` entries, HMAC-SHA256 of
//!   `{id}.{timestamp}.{body}` with the endpoint's secret (`whsec_<base64 key>`). There are
//!   several while a secret is being rotated: one that matches is enough.
//!
//! [`Verifier`] checks the signature (in constant time) against the body exactly as received,
//! refuses a timestamp more than 5 minutes ([`Verifier::DEFAULT_TOLERANCE`]) from the clock,
//! either way, and decodes the body. Every way it can fail is a [`WebhookError`]; no input
//! makes it panic.
//!
//! ```
//! use gladia_api::webhook::{Verifier, WebhookError, WebhookEvent};
//!
//! # fn handle(headers: &[(&str, &str)], body: &[u8]) -> Result<(), WebhookError> {
//! // Once, at start-up: the endpoint's secret, from Gladia's dashboard.
//! # let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let verifier = Verifier::new(secret)?;
//!
//! // For each request: its headers and its body, as bytes, before any JSON parsing.
//! match verifier.verify_event(headers, body)? {
//!     WebhookEvent::TranscriptionSuccess(event) => println!("done: {}", event.payload.id),
//!     WebhookEvent::LiveEndSession(event) => println!("session ended: {}", event.payload.id),
//!     other => println!("another event: {other:?}"),
//! }
//! # Ok(()) }
//! ```
//!
//! Headers come as anything that implements [`Headers`]: `http::HeaderMap` (axum, hyper; with
//! the feature `http`, on with `client`), or a list or map of name–value pairs, which any other
//! framework's headers turn into in one line (actix-web:
//! `req.headers().iter().map(|(k, v)| (k.as_str(), v.as_bytes())).collect::<Vec<_>>()`).
//! Answer a verified webhook with a 2xx quickly: Svix retries the others. The same message can
//! still come twice (a retry after a lost answer): `svix-id` tells them apart.
//!
//! # Per-job callbacks are not signed
//!
//! The `callback_url` of a single job (`callback_config` of a pre-recorded request, `callback`
//! of a live one) is called by Gladia directly, with no signature: anyone who learns the URL
//! can call it. The usual guards, either or both:
//!
//! - a secret of your own in the URL's query, checked in constant time before anything else
//!   (`https://example.com/gladia/callback?token=<32 random bytes, hex>`), and
//! - trust nothing in the body but the job's id: fetch the job again
//!   (`client.pre_recorded().get(&id)`) and act on what Gladia's API answers.
//!
//! ```
//! # fn callback(query_token: &str, expected: &str) -> bool {
//! // Compare secrets without stopping at the first difference.
//! fn same(a: &[u8], b: &[u8]) -> bool {
//!     a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
//! }
//! same(query_token.as_bytes(), expected.as_bytes())
//! # }
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use hmac::{KeyInit as _, Mac as _};
use serde::de::DeserializeOwned;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Standard base64, padded or not (Svix's libraries accept a secret without its padding).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The header names, Svix's first, then the Standard Webhooks ones Svix also sends.
const ID: [&str; 2] = ["svix-id", "webhook-id"];
const TIMESTAMP: [&str; 2] = ["svix-timestamp", "webhook-timestamp"];
const SIGNATURE: [&str; 2] = ["svix-signature", "webhook-signature"];

/// Checks the signature of webhooks sent through Svix, and decodes them.
///
/// Made once from the endpoint's secret, shared by every request (it is `Send + Sync` and
/// cheap to clone). Its `Debug` does not show the key.
#[derive(Clone)]
pub struct Verifier {
    key: Vec<u8>,
    tolerance: Duration,
}

impl Verifier {
    /// How far a message's timestamp may be from the clock, before or after: 5 minutes, as
    /// Svix's own libraries.
    pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

    /// A verifier for the secret Gladia's dashboard shows (`whsec_` then the key in base64;
    /// the prefix may be left out, as Svix allows).
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let encoded = secret.trim();
        let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
        let key = BASE64
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret("the key after `whsec_` is not base64"))?;
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret("the key is empty"));
        }
        Ok(Self {
            key,
            tolerance: Self::DEFAULT_TOLERANCE,
        })
    }

    /// Another tolerance for the timestamp, both ways (any value: a huge one turns the check
    /// off, zero asks for the very second).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The tolerance for the timestamp, both ways.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Verifies a request and decodes its body as `T` (any serde type: one of Gladia's payloads
    /// in [`crate::types`], `serde_json::Value`, a type of your own).
    pub fn verify<T, H>(&self, headers: &H, body: &[u8]) -> Result<T, WebhookError>
    where
        T: DeserializeOwned,
        H: Headers + ?Sized,
    {
        self.verify_bytes(headers, body)?;
        crate::wire::from_json(body).map_err(WebhookError::Body)
    }

    /// Verifies a request and leaves its body undecoded.
    pub fn verify_bytes<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        self.verify_bytes_at(headers, body, SystemTime::now())
    }

    /// [`verify_bytes`](Self::verify_bytes) against the clock reading `now`.
    pub fn verify_bytes_at<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let id = header(headers, ID)?;
        let timestamp_text = header(headers, TIMESTAMP)?;
        let signatures = header(headers, SIGNATURE)?;
        let timestamp: i64 = timestamp_text
            .parse()
            .map_err(|_| WebhookError::MalformedHeader {
                name: TIMESTAMP[0],
                reason: "not a whole number of seconds",
            })?;

        // The signed content's MAC, computed once, then compared with each `v1` entry.
        let mac = self.mac(id, timestamp_text, body);
        let mut v1_entries = 0usize;
        let mut matched = false;
        for entry in signatures.split(' ').filter(|entry| !entry.is_empty()) {
            let Some(("v1", encoded)) = entry.split_once(',') else {
                continue; // another scheme (`v1a`…) or not an entry: not ours to read
            };
            v1_entries += 1;
            // A v1 entry that is not base64 cannot match; another entry still may.
            if let Ok(signature) = BASE64.decode(encoded) {
                // `verify_slice` compares in constant time. Every entry is compared, so the
                // time taken does not tell which one matched.
                matched |= mac.clone().verify_slice(&signature).is_ok();
            }
        }
        if v1_entries == 0 {
            return Err(WebhookError::MalformedHeader {
                name: SIGNATURE[0],
                reason: "no `v1,<base64>` entry",
            });
        }
        if !matched {
            return Err(WebhookError::NoMatchingSignature);
        }

        // Only an authentic message is told apart by its timestamp.
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        };
        // In i128: no sum of an i64 and a u64 of seconds overflows it.
        let tolerance = i128::from(self.tolerance.as_secs());
        if i128::from(timestamp) < i128::from(now) - tolerance {
            return Err(WebhookError::TimestampTooOld { timestamp, now });
        }
        if i128::from(timestamp) > i128::from(now) + tolerance {
            return Err(WebhookError::TimestampTooNew { timestamp, now });
        }
        Ok(())
    }

    /// The `svix-signature` entry for a message, as Svix signs it (`v1,<base64>`): to test a
    /// receiver, or to forward a verified message to another service of yours.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self
            .mac(id, &timestamp.to_string(), body)
            .finalize()
            .into_bytes();
        format!("v1,{}", BASE64.encode(tag))
    }

    fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
        // HMAC takes a key of any length (a long one is hashed first): this cannot fail.
        let Ok(mac) = HmacSha256::new_from_slice(&self.key) else {
            unreachable!("HMAC accepts keys of any length")
        };
        mac.chain_update(id.as_bytes())
            .chain_update(b".")
            .chain_update(timestamp.as_bytes())
            .chain_update(b".")
            .chain_update(body)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("key", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// The first of `names` present; an empty value counts as missing (as Svix's libraries read it).
fn header<'a, H: Headers + ?Sized>(
    headers: &'a H,
    names: [&'static str; 2],
) -> Result<&'a str, WebhookError> {
    let value = names
        .iter()
        .find_map(|name| headers.header(name).filter(|value| !value.is_empty()))
        .ok_or(WebhookError::MissingHeader(names[0]))?;
    let value = std::str::from_utf8(value).map_err(|_| WebhookError::MalformedHeader {
        name: names[0],
        reason: "not text",
    })?;
    Ok(value.trim())
}

/// Where [`Verifier`] reads a request's headers: a name in lower case in, the value's bytes out.
///
/// Implemented for `http::HeaderMap` (feature `http`) and for lists and maps of name–value
/// pairs (names compared without case): `[(&str, &str); N]`, `&[(K, V)]`, `Vec<(K, V)>`,
/// `HashMap<K, V>`.
pub trait Headers {
    /// The value of the header `name` (given in lower case), if the request has it.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

#[cfg(feature = "http")]
impl Headers for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(http::HeaderValue::as_bytes)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, S> Headers for std::collections::HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

impl<T: Headers + ?Sized> Headers for &T {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }
}

/// Why a webhook was refused. `Display` says what failed, without the cause's own text (a
/// [`Body`](Self::Body) error keeps serde's in `source()`).
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the signature needs is missing or empty (its Svix name).
    MissingHeader(&'static str),
    /// A header is there but cannot be read.
    MalformedHeader {
        /// The header's Svix name.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The secret given to [`Verifier::new`] is not `whsec_` and a base64 key.
    InvalidSecret(&'static str),
    /// No `v1` signature of the request matches its body with this secret: the body was
    /// changed, the secret is another endpoint's, or the request was not sent by Svix.
    NoMatchingSignature,
    /// The signature matches, but the message was sent longer ago than the tolerance (a
    /// replay, or a clock far behind).
    TimestampTooOld {
        /// The message's timestamp (seconds since the Unix epoch).
        timestamp: i64,
        /// The clock's reading.
        now: i64,
    },
    /// The signature matches, but the message is dated further ahead than the tolerance.
    TimestampTooNew {
        /// The message's timestamp (seconds since the Unix epoch).
        timestamp: i64,
        /// The clock's reading.
        now: i64,
    },
    /// The signature matches, but the body is not the JSON asked for.
    Body(serde_json::Error),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "webhook header `{name}` is missing"),
            Self::MalformedHeader { name, reason } => {
                write!(f, "webhook header `{name}` is malformed: {reason}")
            }
            Self::InvalidSecret(reason) => write!(f, "invalid webhook secret: {reason}"),
            Self::NoMatchingSignature => f.write_str("no webhook signature matches"),
            Self::TimestampTooOld { timestamp, now } => write!(
                f,
                "webhook timestamp {timestamp} is too old ({}s before the clock)",
                now.saturating_sub(*timestamp)
            ),
            Self::TimestampTooNew { timestamp, now } => write!(
                f,
                "webhook timestamp {timestamp} is too new ({}s after the clock)",
                timestamp.saturating_sub(*now)
            ),
            Self::Body(_) => f.write_str("webhook body is not the expected JSON"),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Body(error) => Some(error),
            _ => None,
        }
    }
}

// Gladia's payloads: the spec's union of the webhooks, told apart by `event`.
pub use crate::types::WebhookEvent;

impl Verifier {
    /// Verifies a request and decodes it as one of Gladia's webhooks; an `event` this crate
    /// does not know yet is [`WebhookEvent::Unknown`], as received.
    pub fn verify_event<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify(headers, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Svix's published test vector (its libraries' tests).
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID_: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const AT: i64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE_: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn at(seconds: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    }

    fn headers(signature: &str) -> [(&'static str, String); 3] {
        [
            ("svix-id", ID_.to_owned()),
            ("svix-timestamp", AT.to_string()),
            ("svix-signature", signature.to_owned()),
        ]
    }

    fn verifier() -> Verifier {
        Verifier::new(SECRET).unwrap()
    }

    #[test]
    fn svix_test_vector_verifies_and_signs_the_same() {
        assert_eq!(verifier().sign(ID_, AT, BODY), SIGNATURE_);
        verifier()
            .verify_bytes_at(&headers(SIGNATURE_), BODY, at(AT))
            .unwrap();
        // The key without its prefix or its padding is the same key.
        let bare = SECRET.trim_start_matches("whsec_").trim_end_matches('=');
        Verifier::new(bare)
            .unwrap()
            .verify_bytes_at(&headers(SIGNATURE_), BODY, at(AT))
            .unwrap();
    }

    #[test]
    fn tampered_body_and_wrong_key_match_nothing() {
        let error = verifier()
            .verify_bytes_at(&headers(SIGNATURE_), br#"{"test": 2432232315}"#, at(AT))
            .unwrap_err();
        assert!(
            matches!(error, WebhookError::NoMatchingSignature),
            "{error}"
        );
        let other = Verifier::new("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
        let error = other
            .verify_bytes_at(&headers(SIGNATURE_), BODY, at(AT))
            .unwrap_err();
        assert!(
            matches!(error, WebhookError::NoMatchingSignature),
            "{error}"
        );
    }

    #[test]
    fn timestamps_outside_the_tolerance_either_way() {
        let v = verifier();
        let h = headers(SIGNATURE_);
        v.verify_bytes_at(&h, BODY, at(AT + 300)).unwrap();
        v.verify_bytes_at(&h, BODY, at(AT - 300)).unwrap();
        let error = v.verify_bytes_at(&h, BODY, at(AT + 301)).unwrap_err();
        assert!(
            matches!(error, WebhookError::TimestampTooOld { timestamp: AT, now } if now == AT + 301)
        );
        let error = v.verify_bytes_at(&h, BODY, at(AT - 301)).unwrap_err();
        assert!(matches!(error, WebhookError::TimestampTooNew { .. }));
        let strict = verifier().with_tolerance(Duration::ZERO);
        strict.verify_bytes_at(&h, BODY, at(AT)).unwrap();
        assert!(strict.verify_bytes_at(&h, BODY, at(AT + 1)).is_err());
        // A tolerance beyond any clock: no overflow, every timestamp passes.
        let lax = verifier().with_tolerance(Duration::MAX);
        lax.verify_bytes_at(&h, BODY, at(0)).unwrap();
        lax.verify_bytes_at(&h, BODY, SystemTime::now()).unwrap();
    }

    #[test]
    fn one_matching_entry_among_several_is_enough() {
        let several = format!(
            "v1,AAAA v1a,whatever  v2,{} v1,!!notbase64 {SIGNATURE_} v1,Zm9v",
            &SIGNATURE_[3..]
        );
        verifier()
            .verify_bytes_at(&headers(&several), BODY, at(AT))
            .unwrap();
        let none = "v1,AAAA v1,Zm9v v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let error = verifier()
            .verify_bytes_at(&headers(none), BODY, at(AT))
            .unwrap_err();
        assert!(matches!(error, WebhookError::NoMatchingSignature));
    }

    #[test]
    fn missing_and_malformed_headers() {
        let v = verifier();
        for (name, expected) in [
            ("svix-id", "svix-id"),
            ("svix-timestamp", "svix-timestamp"),
            ("svix-signature", "svix-signature"),
        ] {
            let h: Vec<(&str, String)> = headers(SIGNATURE_)
                .into_iter()
                .filter(|(key, _)| *key != name)
                .collect();
            let error = v.verify_bytes_at(&h, BODY, at(AT)).unwrap_err();
            assert!(matches!(error, WebhookError::MissingHeader(n) if n == expected));
            let mut empty = headers(SIGNATURE_);
            empty.iter_mut().find(|(key, _)| *key == name).unwrap().1 = String::new();
            let error = v.verify_bytes_at(&empty, BODY, at(AT)).unwrap_err();
            assert!(matches!(error, WebhookError::MissingHeader(n) if n == expected));
        }
        for timestamp in ["soon", "1614265330.5", "99999999999999999999", "-"] {
            let mut h = headers(SIGNATURE_);
            h[1].1 = timestamp.to_owned();
            let error = v.verify_bytes_at(&h, BODY, at(AT)).unwrap_err();
            assert!(
                matches!(
                    error,
                    WebhookError::MalformedHeader {
                        name: "svix-timestamp",
                        ..
                    }
                ),
                "{timestamp}: {error}"
            );
        }
        for signature in ["g0hM9SsE", "v2,abc", ",", "   "] {
            let error = v
                .verify_bytes_at(&headers(signature), BODY, at(AT))
                .unwrap_err();
            assert!(
                matches!(
                    error,
                    WebhookError::MalformedHeader {
                        name: "svix-signature",
                        ..
                    } | WebhookError::MissingHeader("svix-signature")
                ),
                "{signature:?}: {error}"
            );
        }
        let not_text: [(&str, &[u8]); 3] = [
            ("svix-id", b"\xff\xfe"),
            ("svix-timestamp", b"1614265330"),
            ("svix-signature", SIGNATURE_.as_bytes()),
        ];
        let error = v.verify_bytes_at(&not_text, BODY, at(AT)).unwrap_err();
        assert!(matches!(
            error,
            WebhookError::MalformedHeader {
                name: "svix-id",
                ..
            }
        ));
    }

    #[test]
    fn header_names_ignore_case_and_standard_webhooks_names_work() {
        let h = [
            ("Svix-Id", ID_.to_owned()),
            ("SVIX-TIMESTAMP", AT.to_string()),
            ("webhook-signature", SIGNATURE_.to_owned()),
        ];
        verifier().verify_bytes_at(&h, BODY, at(AT)).unwrap();
        let map: std::collections::HashMap<String, String> =
            h.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        verifier().verify_bytes_at(&map, BODY, at(AT)).unwrap();
    }

    #[test]
    fn bad_secrets() {
        for secret in ["whsec_not base64!", "whsec_", "", "whsec_=="] {
            let error = Verifier::new(secret).unwrap_err();
            assert!(
                matches!(error, WebhookError::InvalidSecret(_)),
                "{secret:?}"
            );
        }
        let debug = format!("{:?}", verifier());
        assert!(
            !debug.contains("MfKQ") && debug.contains("redacted"),
            "{debug}"
        );
    }

    #[test]
    fn decodes_gladia_events_and_keeps_unknown_ones() {
        let v = verifier().with_tolerance(Duration::MAX);
        let id = "45463597-20b7-4af7-b3b3-f5fb778203ab";
        type Check = fn(&WebhookEvent) -> bool;
        let cases: [(String, Check); 3] = [
            (
                format!(r#"{{"event":"transcription.success","payload":{{"id":"{id}"}}}}"#),
                |e| matches!(e, WebhookEvent::TranscriptionSuccess(p) if p.payload.id == "45463597-20b7-4af7-b3b3-f5fb778203ab"),
            ),
            (
                format!(r#"{{"event":"live.end_session","payload":{{"id":"{id}"}}}}"#),
                |e| matches!(e, WebhookEvent::LiveEndSession(_)),
            ),
            (
                r#"{"event":"billing.updated","payload":{}}"#.to_owned(),
                |e| matches!(e, WebhookEvent::Unknown(_)),
            ),
        ];
        for (body, check) in cases {
            let h = headers(&v.sign(ID_, AT, body.as_bytes()));
            let event = v.verify_event(&h, body.as_bytes()).unwrap();
            assert!(check(&event), "{body}: {event:?}");
        }
        // A known event without its payload, and a body that is not JSON: `Body`, with serde's
        // error as the source and not in the message.
        for body in [r#"{"event":"transcription.error"}"#, "not json"] {
            let h = headers(&v.sign(ID_, AT, body.as_bytes()));
            let error = v.verify_event(&h, body.as_bytes()).unwrap_err();
            assert!(matches!(error, WebhookError::Body(_)), "{body}: {error}");
            let source = std::error::Error::source(&error).unwrap().to_string();
            assert!(!error.to_string().contains(&source));
        }
    }

    #[test]
    fn no_input_panics() {
        // A small generator of odd header values and bodies (xorshift, fixed seed).
        fn next(state: &mut u64) -> u64 {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            *state
        }
        fn pick(state: &mut u64) -> String {
            const PIECES: [&str; 16] = [
                "",
                " ",
                ",",
                "v1,",
                "v1",
                "v1,====",
                "whsec_",
                "-1",
                "9223372036854775807",
                "-9223372036854775808",
                "\u{0}",
                "é",
                SIGNATURE_,
                "1614265330",
                ID_,
                "v1,g0hM",
            ];
            let n = next(state) % 4;
            let joiner = if next(state).is_multiple_of(2) {
                " "
            } else {
                ""
            };
            (0..n)
                .map(|_| PIECES[(next(state) % 16) as usize])
                .collect::<Vec<_>>()
                .join(joiner)
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let v = verifier();
        for _ in 0..2000 {
            let s = &mut state;
            let h = [
                ("svix-id", pick(s)),
                ("svix-timestamp", pick(s)),
                ("svix-signature", pick(s)),
            ];
            let body = pick(s);
            let now = at((next(s) % (1 << 40)) as i64);
            let _ = v.verify_bytes_at(&h, body.as_bytes(), now);
            let _ = v.verify_event(&h, body.as_bytes());
            let _ = Verifier::new(&pick(s));
        }
        // Clocks before the epoch and timestamps at the ends of i64.
        let lax = verifier().with_tolerance(Duration::MAX);
        for timestamp in [i64::MIN, i64::MAX, 0] {
            let h = [
                ("svix-id", ID_.to_owned()),
                ("svix-timestamp", timestamp.to_string()),
                ("svix-signature", lax.sign(ID_, timestamp, BODY)),
            ];
            lax.verify_bytes_at(&h, BODY, UNIX_EPOCH - Duration::from_secs(10))
                .unwrap();
            let long_before = UNIX_EPOCH
                .checked_sub(Duration::from_secs(1 << 40))
                .unwrap_or(UNIX_EPOCH);
            let _ = verifier().verify_bytes_at(&h, BODY, long_before);
        }
    }
}
