//! Lists jobs, one line each, following every page.
//!
//! ```text
//! GLADIA_API_KEY=... cargo run -p gladia-api --example list_jobs -- [--status done,error] \
//!     [--after DATE] [--before DATE] [--custom-metadata JSON] [--kind pre-recorded|live] [--limit N]
//! ```
//!
//! Dates are RFC 3339 (`2026-02-19T14:55:21Z`) or a day (`2026-02-19`, midnight UTC).

use std::process::ExitCode;

use futures_util::TryStreamExt;
use gladia_api::types::{
    TranscriptionItem, TranscriptionKind, TranscriptionStatus, TranscriptionsListQuery,
};
use gladia_api::Client;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const USAGE: &str = "usage: list_jobs [--status done,error] [--after DATE] [--before DATE] \
                     [--custom-metadata JSON] [--kind pre-recorded|live] [--limit N]";

fn parse_args() -> Result<TranscriptionsListQuery, String> {
    let mut query = TranscriptionsListQuery::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.to_owned());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--status" => {
                let statuses = value.split(',').map(str::parse::<TranscriptionStatus>);
                query.status = Some(
                    statuses
                        .collect::<Result<_, _>>()
                        .map_err(|e| e.to_string())?,
                );
            }
            "--after" => query.after_date = Some(date(&value)?),
            "--before" => query.before_date = Some(date(&value)?),
            "--custom-metadata" => {
                let metadata = serde_json::from_str(&value)
                    .map_err(|e| format!("--custom-metadata must be a JSON object: {e}"))?;
                query.custom_metadata = Some(metadata);
            }
            "--kind" => {
                let kinds = value.split(',').map(str::parse::<TranscriptionKind>);
                query.kind = Some(kinds.collect::<Result<_, _>>().map_err(|e| e.to_string())?);
            }
            "--limit" => {
                query.limit = Some(
                    value
                        .parse()
                        .map_err(|_| format!("--limit: `{value}` is not a number"))?,
                )
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(query)
}

fn date(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{text}T00:00:00Z"), &Rfc3339))
        .map_err(|_| format!("`{text}` is neither an RFC 3339 date-time nor a YYYY-MM-DD day"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let query = match parse_args() {
        Ok(query) => query,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(query).await {
        Ok(count) => {
            eprintln!("{count} job(s)");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(query: TranscriptionsListQuery) -> Result<usize, gladia_api::Error> {
    let client = Client::from_env()?;
    let mut jobs = client.transcriptions().list_all(&query);
    let mut count = 0;
    while let Some(job) = jobs.try_next().await? {
        println!("{}", line(&job));
        count += 1;
    }
    Ok(count)
}

fn line(job: &TranscriptionItem) -> String {
    let (id, status, created_at, duration, metadata) = match job {
        TranscriptionItem::PreRecorded(job) => (
            &job.id,
            &job.status,
            job.created_at,
            job.file.as_ref().and_then(|f| f.audio_duration),
            &job.custom_metadata,
        ),
        TranscriptionItem::Live(job) => (
            &job.id,
            &job.status,
            job.created_at,
            job.file.as_ref().and_then(|f| f.audio_duration),
            &job.custom_metadata,
        ),
        other => return format!("(a kind this version does not know: {other:?})"),
    };
    let created_at = created_at.format(&Rfc3339).unwrap_or_default();
    let duration = duration.map_or_else(|| "-".to_owned(), |d| format!("{d:.1}s"));
    let metadata = metadata.as_ref().map_or_else(
        || "-".to_owned(),
        |m| serde_json::Value::Object(m.clone()).to_string(),
    );
    format!(
        "{id}  {:<10}  {created_at}  {duration:>8}  {metadata}",
        status.as_str()
    )
}
