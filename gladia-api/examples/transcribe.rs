//! Transcribes a local file or a URL and prints the transcript, speaker by speaker.
//!
//! ```text
//! GLADIA_API_KEY=... cargo run -p gladia-api --example transcribe -- <file-or-url> \
//!     [--language en] [--diarization] [--subtitles srt,vtt] [--translate fr,de] [--out DIR]
//! ```
//!
//! `GLADIA_API_URL` sends the requests to another server (a proxy, a test server). Progress is
//! drawn only when stderr is a terminal.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use gladia_api::types::{
    InitTranscriptionRequest, LanguageConfig, SubtitlesConfig, SubtitlesFormat,
    TranscriptionLanguageCode, TranslationConfig, TranslationLanguageCode, Utterance,
};
use gladia_api::{AudioSource, Client, UploadFile, WaitOptions};
use indicatif::{ProgressBar, ProgressStyle};

/// Transcribes an audio or video file with Gladia.
#[derive(Parser)]
struct Args {
    /// A local file (uploaded first) or an http(s) URL Gladia fetches itself.
    source: String,
    /// The spoken language; detected when not given.
    #[arg(long)]
    language: Option<TranscriptionLanguageCode>,
    /// Tell the speakers apart.
    #[arg(long)]
    diarization: bool,
    /// Subtitle formats to write into --out (srt, vtt).
    #[arg(long, value_delimiter = ',')]
    subtitles: Vec<SubtitlesFormat>,
    /// Languages to translate the transcript into.
    #[arg(long, value_delimiter = ',')]
    translate: Vec<TranslationLanguageCode>,
    /// Folder for the subtitle files; created if missing.
    #[arg(long, default_value = ".")]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let client = Client::from_env()?;
    // Before any work: a folder that cannot be made should not cost a whole job.
    if !args.subtitles.is_empty() {
        std::fs::create_dir_all(&args.out).with_context(|| args.out.display().to_string())?;
    }
    let audio_url = match AudioSource::parse(&args.source) {
        AudioSource::Url(url) => url,
        // A local file (the enum may grow: anything not a URL is uploaded).
        _ => {
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("uploading {wide_bar} {bytes}/{total_bytes} {eta}")
                    .expect("a valid template"),
            );
            let shown = bar.clone();
            let file = UploadFile::path(&args.source).on_progress(move |sent, total| {
                shown.set_length(total);
                shown.set_position(sent);
            });
            let uploaded = client.upload().file(file).await;
            bar.finish_and_clear();
            uploaded?.audio_url
        }
    };

    let request = InitTranscriptionRequest {
        language_config: args.language.map(|language| LanguageConfig {
            languages: Some(vec![language]),
            ..Default::default()
        }),
        diarization: Some(args.diarization),
        subtitles: Some(!args.subtitles.is_empty()),
        subtitles_config: (!args.subtitles.is_empty()).then(|| SubtitlesConfig {
            formats: Some(args.subtitles.clone()),
            ..Default::default()
        }),
        translation: Some(!args.translate.is_empty()),
        translation_config: (!args.translate.is_empty())
            .then(|| TranslationConfig::new(args.translate.clone())),
        ..InitTranscriptionRequest::new(audio_url)
    };
    let job = client.pre_recorded().create(&request).await?;

    let spinner = ProgressBar::new_spinner()
        .with_message(format!("transcribing (job {})", job.id))
        .with_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template"),
        );
    spinner.enable_steady_tick(Duration::from_millis(120));
    let done = client
        .pre_recorded()
        .wait(&job.id, &WaitOptions::default())
        .await;
    spinner.finish_and_clear();
    let done = done?;

    let Some(result) = done.result else {
        anyhow::bail!("the job is done but carries no result");
    };
    if let Some(transcription) = &result.transcription {
        print_utterances(&transcription.utterances);
        let stem = stem(&args.source);
        // Only the formats asked for: --out exists only then, and a job may carry others.
        let asked = transcription
            .subtitles
            .iter()
            .flatten()
            .filter(|subtitle| args.subtitles.contains(&subtitle.format));
        for subtitle in asked {
            let path = args.out.join(format!("{stem}.{}", subtitle.format));
            std::fs::write(&path, &subtitle.subtitles)
                .with_context(|| path.display().to_string())?;
            eprintln!("wrote {}", path.display());
        }
    }
    for translation in result
        .translation
        .iter()
        .flat_map(|t| t.results.iter().flatten())
    {
        let languages: Vec<&str> = translation.languages.iter().map(|l| l.as_str()).collect();
        println!("\n== translation ({})", languages.join(", "));
        print_utterances(&translation.utterances);
    }
    eprintln!(
        "audio {:.1}s, transcribed in {:.1}s",
        result.metadata.audio_duration, result.metadata.transcription_time
    );
    Ok(())
}

fn print_utterances(utterances: &[Utterance]) {
    for utterance in utterances {
        let speaker = utterance
            .speaker
            .map_or_else(|| "speaker ?".to_owned(), |s| format!("speaker {s}"));
        println!(
            "[{} → {}] {speaker}: {}",
            clock(utterance.start),
            clock(utterance.end),
            utterance.text.trim()
        );
    }
}

fn clock(seconds: f64) -> String {
    let tenths = (seconds * 10.0).round() as u64;
    let (minutes, tenths) = (tenths / 600, tenths % 600);
    format!(
        "{:02}:{:02}:{:02}.{}",
        minutes / 60,
        minutes % 60,
        tenths / 10,
        tenths % 10
    )
}

fn stem(source: &str) -> String {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    let stem = name.split(['?', '#']).next().unwrap_or(name);
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
    if stem.is_empty() { "transcript" } else { stem }.to_owned()
}
