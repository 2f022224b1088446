//! Lists jobs, one line each, following every page.
//!
//! ```text
//! GLADIA_API_KEY=... cargo run -p gladia-api --example list_jobs -- [--status done,error] \
//!     [--after DATE] [--before DATE] [--custom-metadata JSON] [--kind pre-recorded,live] [--limit N]
//! ```
//!
//! Dates are RFC 3339 (`2026-02-19T14:55:21Z`) or a day (`2026-02-19`, midnight UTC). A job
//! this version cannot read is reported on stderr with its id, and the listing goes on.

use std::process::ExitCode;

use clap::Parser;
use futures_util::StreamExt;
use gladia_api::types::{
    TranscriptionItem, TranscriptionKind, TranscriptionStatus, TranscriptionsListQuery,
};
use gladia_api::{Client, Error};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Lists Gladia jobs, pre-recorded and live, newest first.
#[derive(Parser)]
struct Args {
    /// Only jobs with these statuses (queued, processing, done, error).
    #[arg(long, value_delimiter = ',')]
    status: Vec<TranscriptionStatus>,
    /// Only jobs created after this date.
    #[arg(long, value_parser = date)]
    after: Option<OffsetDateTime>,
    /// Only jobs created before this date.
    #[arg(long, value_parser = date)]
    before: Option<OffsetDateTime>,
    /// Only jobs whose custom metadata holds this JSON object.
    #[arg(long, value_parser = json_object)]
    custom_metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// Only jobs of these kinds (pre-recorded, live).
    #[arg(long, value_delimiter = ',')]
    kind: Vec<TranscriptionKind>,
    /// Jobs per page.
    #[arg(long)]
    limit: Option<i64>,
}

fn date(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{text}T00:00:00Z"), &Rfc3339))
        .map_err(|_| format!("`{text}` is neither an RFC 3339 date-time nor a YYYY-MM-DD day"))
}

fn json_object(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    serde_json::from_str(text).map_err(|e| format!("not a JSON object: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let query = TranscriptionsListQuery {
        status: (!args.status.is_empty()).then_some(args.status),
        after_date: args.after,
        before_date: args.before,
        custom_metadata: args.custom_metadata,
        kind: (!args.kind.is_empty()).then_some(args.kind),
        limit: args.limit,
        ..Default::default()
    };
    match run(query).await {
        Ok((listed, unreadable)) => {
            eprintln!("{listed} job(s), {unreadable} unreadable");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {:#}", anyhow::Error::new(error));
            ExitCode::FAILURE
        }
    }
}

async fn run(query: TranscriptionsListQuery) -> Result<(usize, usize), Error> {
    let client = Client::from_env()?;
    let mut jobs = client.transcriptions().list_all(&query);
    let (mut listed, mut unreadable) = (0, 0);
    while let Some(job) = jobs.next().await {
        match job {
            Ok(job) => {
                println!("{}", line(&job));
                listed += 1;
            }
            Err(Error::UnreadableItem(item)) => {
                eprintln!("warning: {item}");
                unreadable += 1;
            }
            Err(error) => return Err(error),
        }
    }
    Ok((listed, unreadable))
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
