//! Typed Rust client for the [Gladia](https://gladia.io) speech-to-text API.
//!
//! [`types`] holds every model and enum of the API, generated from `spec/gladia.yaml` by
//! `cargo xtask codegen`.
//!
//! Every enum is `#[non_exhaustive]` and carries an `Unknown` variant: a value that a newer Gladia
//! sends and this crate does not list is kept as received, and sent back unchanged.
//!
//! ```
//! use gladia_api::types::{InitTranscriptionRequest, TranscriptionLanguageCode, LanguageConfig};
//!
//! let request = InitTranscriptionRequest {
//!     diarization: Some(true),
//!     language_config: Some(LanguageConfig {
//!         languages: Some(vec![TranscriptionLanguageCode::En]),
//!         ..Default::default()
//!     }),
//!     ..InitTranscriptionRequest::new("https://example.com/meeting.mp3")
//! };
//! let json = serde_json::to_value(&request).unwrap();
//! assert_eq!(json["language_config"]["languages"][0], "en");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Generated: formatted by the generator (prettyplease), not by rustfmt.
#[rustfmt::skip]
#[allow(missing_docs)] // Schemas without a description in the spec get none.
pub mod types;
pub mod wire;
