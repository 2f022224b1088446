//! Typed decoding of a finished 60-minute job into `PreRecordedResponse`, against decoding the
//! same bytes into `serde_json::Value`: the typed API should cost nothing over untyped JSON.
//!
//! `cargo bench -p gladia-tests --bench decode`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use gladia_api::types::PreRecordedResponse;
use gladia_tests::fixture::finished_job;

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

criterion_group!(benches, decode);
criterion_main!(benches);
