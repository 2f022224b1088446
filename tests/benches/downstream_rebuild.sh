#!/usr/bin/env bash
# What a crate that uses gladia-api pays each time its own code changes: a small program that
# starts a job, reads it and lists jobs is rebuilt after a touch of its main.rs, in debug and
# release, beside the same program on the progenitor baseline (../shared/bench/progenitor-baseline,
# when present). Median of PAIRS interleaved rebuilds each. Run from the project root:
#   tests/benches/downstream_rebuild.sh [PAIRS]     (default 5)
set -eu
pairs=${1:-5}
root=$PWD
[ -f gladia-api/Cargo.toml ] || { echo "run from the project root" >&2; exit 2; }
work=$(mktemp -d /tmp/downstream-rebuild.XXXX)
trap 'rm -rf "$work"' EXIT
profile='[profile.dev.package."*"]
debug = false
[profile.dev]
debug = "line-tables-only"'

mkdir -p "$work/ours/src"
cat > "$work/ours/Cargo.toml" <<TOML
[package]
name = "uses-gladia-api"
version = "0.1.0"
edition = "2021"
[dependencies]
gladia-api = { path = "$root/gladia-api", default-features = false, features = ["client"] }
serde_json = "1"
tokio = { version = "1", features = ["rt", "macros"] }
$profile
TOML
cp Cargo.lock "$work/ours/"
cat > "$work/ours/src/main.rs" <<'RUST'
use gladia_api::types::{InitTranscriptionRequest, PreRecordedListQuery};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = gladia_api::Client::new("key").unwrap();
    let request: InitTranscriptionRequest =
        serde_json::from_str(r#"{"audio_url":"https://example.com/a.mp3"}"#).unwrap();
    let job = client.pre_recorded().create(&request).await.unwrap();
    let done = client.pre_recorded().get(&job.id).await.unwrap();
    println!("{:?}", done.status);
    let page = client.pre_recorded().list(&PreRecordedListQuery::default()).await.unwrap();
    println!("{}", page.items.len());
}
RUST

baseline=$root/../shared/bench/progenitor-baseline
crates="ours"
if [ -d "$baseline" ]; then
  crates="ours base"
  cp -r "$baseline" "$work/progenitor"
  mkdir -p "$work/base/src"
  cat > "$work/base/Cargo.toml" <<TOML
[package]
name = "uses-progenitor"
version = "0.1.0"
edition = "2021"
[dependencies]
gladia-progenitor = { path = "$work/progenitor" }
serde_json = "1"
tokio = { version = "1", features = ["rt", "macros"] }
$profile
TOML
  cat > "$work/base/src/main.rs" <<'RUST'
use gladia_progenitor::types::InitTranscriptionRequest;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = gladia_progenitor::Client::new("https://api.gladia.io");
    let request: InitTranscriptionRequest =
        serde_json::from_str(r#"{"audio_url":"https://example.com/a.mp3"}"#).unwrap();
    let job = client.pre_recorded_controller_init_pre_recorded_job_v2(&request).await.unwrap();
    let id = job.into_inner().id.to_string();
    let done = client.pre_recorded_controller_get_pre_recorded_job_v2(&id).await.unwrap();
    println!("{:?}", done.into_inner().status);
    let page = client
        .pre_recorded_controller_get_pre_recorded_jobs_v2(None, None, None, None, None, None, None)
        .await
        .unwrap();
    println!("{}", page.into_inner().items.len());
}
RUST
fi

echo "building dependencies..." >&2
for c in $crates; do
  (cd "$work/$c" && cargo build -q 2>/dev/null && cargo build -q --release 2>/dev/null) ||
    { echo "the $c program does not build: cd $work/$c && cargo build" >&2; trap - EXIT; exit 1; }
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf "%-8s %14s %14s\n" mode gladia-api progenitor
for mode in debug release; do
  flag=""; [ $mode = release ] && flag=--release
  declare -A runs=()
  for _ in $(seq "$pairs"); do
    for c in $crates; do
      cd "$work/$c" && touch src/main.rs
      s=$(date +%s.%N); CARGO_INCREMENTAL=0 cargo build -q $flag 2>/dev/null; e=$(date +%s.%N)
      runs[$c]+="$(echo "$e - $s" | bc) "
    done
  done
  printf "%-8s %13.2fs %13ss\n" $mode "$(echo "${runs[ours]}" | median)" \
    "$( [ -n "${runs[base]:-}" ] && printf %.2f "$(echo "${runs[base]}" | median)" || echo -)"
  unset runs
done
