//! Typed decoding against decoding the same bytes into `serde_json::Value`, which the typed API
//! should not lose to: a finished 60-minute job into `PreRecordedResponse`, and a live
//! `transcript` message into `LiveServerMessage` (messages per second).
//!
//! `cargo bench -p gladia-tests --bench decode`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use gladia_api::types::{LiveServerMessage, PreRecordedResponse};
use gladia_tests::fixture::finished_job;
use serde_json::json;

fn decode(c: &mut Criterion) {
    let bytes = serde_json::to_vec(&finished_job(60)).unwrap();
    let mut group = c.benchmark_group("decode 60-minute job");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed PreRecordedResponse", |b| {
        b.iter(|| serde_json::from_slice::<PreRecordedResponse>(black_box(&bytes)).unwrap())
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap())
    });
    group.finish();
}

/// A final `transcript` message of a live session, twelve words long, its keys in the order of
/// Gladia's own examples: `type` before `data`. (A union holds the entries before its tag as
/// `serde_json::Value`s; with `type` last, all of `data` would be held first.)
fn transcript_message() -> Vec<u8> {
    let words: Vec<_> = (0..12)
        .map(|i| {
            json!({"word": format!(" word{i}"), "start": i as f64 * 0.3,
            "end": i as f64 * 0.3 + 0.25, "confidence": 0.93})
        })
        .collect();
    let data = json!({"id": "00-00000003", "is_final": true, "utterance": {
        "language": "en", "start": 0.0, "end": 3.6, "confidence": 0.93, "channel": 0,
        "text": " word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11",
        "words": words}});
    // Written by hand: `json!` sorts keys, which would put `type` last.
    format!(
        r#"{{"session_id":"4a39145c-2844-4557-8f34-34883f7be7d9","created_at":"2026-03-02T10:15:04.120Z","type":"transcript","data":{data}}}"#
    )
    .into_bytes()
}

fn live_messages(c: &mut Criterion) {
    let bytes = transcript_message();
    let mut group = c.benchmark_group("decode live transcript message");
    group.throughput(Throughput::Elements(1));
    group.bench_function("typed LiveServerMessage", |b| {
        b.iter(|| serde_json::from_slice::<LiveServerMessage>(black_box(&bytes)).unwrap())
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode, live_messages);
criterion_main!(benches);
