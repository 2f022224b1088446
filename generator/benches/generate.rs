//! The whole pipeline on spec/gladia.yaml: YAML text in, formatted Rust files out.
//! Target: under 50 ms per run in release. Run with `cargo bench -p generator`.

use criterion::{criterion_group, criterion_main, Criterion};

fn generate_gladia(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/gladia.yaml");
    let spec = std::fs::read_to_string(path).expect("spec/gladia.yaml is readable");
    c.bench_function("generate spec/gladia.yaml", |b| {
        b.iter(|| generator::generate(std::hint::black_box(&spec)).expect("the spec generates"))
    });
}

criterion_group!(benches, generate_gladia);
criterion_main!(benches);
