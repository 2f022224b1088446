//! Writes a realistic finished job for N minutes of audio, for benchmarks and manual checks.
//!
//! `cargo run -p gladia-tests --bin job-fixture -- <minutes> [<output.json>]`

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let minutes = match args.first().map(|m| m.parse::<u32>()) {
        Some(Ok(minutes)) if minutes > 0 => minutes,
        _ => {
            eprintln!("usage: job-fixture <minutes, at least 1> [<output.json>]");
            return ExitCode::from(2);
        }
    };
    let json = serde_json::to_string(&gladia_tests::fixture::finished_job(minutes))
        .expect("a JSON value serializes");
    match args.get(1) {
        Some(path) => {
            if let Err(error) = std::fs::write(path, &json) {
                eprintln!("{path}: {error}");
                return ExitCode::FAILURE;
            }
            eprintln!("{path}: {} bytes, {minutes} minute(s) of audio", json.len());
        }
        None => println!("{json}"),
    }
    ExitCode::SUCCESS
}
