//! Transcribes a local file or a URL and prints the transcript, speaker by speaker.
//!
//! ```text
//! GLADIA_API_KEY=... cargo run -p gladia-api --example transcribe -- <file-or-url> \
//!     [--language en] [--diarization] [--subtitles srt|vtt] [--translate fr,de] [--out DIR]
//! ```
//!
//! `GLADIA_API_URL` sends the requests to another server (a proxy, a test server).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use gladia_api::types::{
    InitTranscriptionRequest, LanguageConfig, SubtitlesConfig, SubtitlesFormat,
    TranscriptionLanguageCode, TranslationConfig, TranslationLanguageCode, Utterance,
};
use gladia_api::{AudioSource, Client, UploadFile, WaitOptions};

const USAGE: &str = "usage: transcribe <file-or-url> [--language en] [--diarization] \
                     [--subtitles srt|vtt] [--translate fr,de] [--out DIR]";

struct Args {
    source: String,
    language: Option<TranscriptionLanguageCode>,
    diarization: bool,
    subtitles: Vec<SubtitlesFormat>,
    translate: Vec<TranslationLanguageCode>,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut parsed = Args {
        source: String::new(),
        language: None,
        diarization: false,
        subtitles: Vec::new(),
        translate: Vec::new(),
        out: PathBuf::from("."),
    };
    let value = |flag: &str, args: &mut dyn Iterator<Item = String>| {
        args.next().ok_or_else(|| format!("{flag} needs a value"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--language" => {
                let code = value("--language", &mut args)?;
                parsed.language = Some(code.parse().map_err(|e| format!("--language: {e}"))?);
            }
            "--diarization" => parsed.diarization = true,
            "--subtitles" => {
                for format in value("--subtitles", &mut args)?.split(',') {
                    let format = format.parse().map_err(|e| format!("--subtitles: {e}"))?;
                    parsed.subtitles.push(format);
                }
            }
            "--translate" => {
                for code in value("--translate", &mut args)?.split(',') {
                    let code = code.parse().map_err(|e| format!("--translate: {e}"))?;
                    parsed.translate.push(code);
                }
            }
            "--out" => parsed.out = value("--out", &mut args)?.into(),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            source if parsed.source.is_empty() => parsed.source = source.to_owned(),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    if parsed.source.is_empty() {
        return Err("missing <file-or-url>".to_owned());
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nerror: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let audio_url = match AudioSource::parse(&args.source) {
        AudioSource::Url(url) => url,
        AudioSource::File(_) => {
            let file = UploadFile::path(&args.source).on_progress(draw_progress);
            let uploaded = client.upload().file(file).await?;
            eprintln!();
            uploaded.audio_url
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

    let spinner = tokio::spawn(spin(job.id.clone()));
    let done = client
        .pre_recorded()
        .wait(&job.id, &WaitOptions::default())
        .await;
    spinner.abort();
    eprint!("\r\x1b[2K");
    let done = done?;

    let Some(result) = done.result else {
        return Err("the job is done but carries no result".into());
    };
    if let Some(transcription) = &result.transcription {
        print_utterances(&transcription.utterances);
        let stem = stem(&args.source);
        for subtitle in transcription.subtitles.iter().flatten() {
            let path = args.out.join(format!("{stem}.{}", subtitle.format));
            std::fs::write(&path, &subtitle.subtitles)
                .map_err(|e| format!("{}: {e}", path.display()))?;
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

fn draw_progress(sent: u64, total: u64) {
    const WIDTH: u64 = 30;
    let filled = (sent * WIDTH).checked_div(total).unwrap_or(WIDTH);
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    eprint!(
        "\ruploading [{}{}] {:5.1}/{:.1} MiB",
        "#".repeat(filled as usize),
        "-".repeat((WIDTH - filled) as usize),
        mib(sent),
        mib(total)
    );
    let _ = std::io::stderr().flush();
}

async fn spin(id: String) {
    let frames = ['|', '/', '-', '\\'];
    let started = Instant::now();
    for frame in frames.iter().cycle() {
        eprint!(
            "\r{frame} transcribing (job {id}, {}s)",
            started.elapsed().as_secs()
        );
        let _ = std::io::stderr().flush();
        tokio::time::sleep(Duration::from_millis(120)).await;
    }
}
