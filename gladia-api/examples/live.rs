//! Streams a WAV file to a live session, as a microphone would, and prints the transcript as it
//! comes.
//!
//! ```text
//! GLADIA_API_KEY=... cargo run -p gladia-api --example live -- <file.wav> \
//!     [--speed 1.0] [--language en] [--translate fr,de] [--summarize]
//! ```
//!
//! `--speed 1.0` sends the audio in real time, `2.0` twice as fast, `0` as fast as the server
//! takes it. Partial utterances show on one updating line (on a terminal), final ones are
//! printed with their time and channel. Ctrl-C stops the recording and waits for the final
//! transcript. `GLADIA_API_URL` points the example at another server.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use futures_util::StreamExt;
use gladia_api::types::{
    InitLiveSessionRequest, LanguageConfig, LiveBitDepth, LiveEncoding, LiveMessagesConfig,
    LivePostProcessingConfig, LiveRealtimeProcessingConfig, LiveSampleRate, LiveServerMessage,
    TranscriptionLanguageCode, TranslationConfig, TranslationLanguageCode, Utterance,
};
use gladia_api::{Client, LiveEvent, LiveSender};
use indicatif::ProgressBar;

/// Transcribes a WAV file through a live session.
#[derive(Parser)]
struct Args {
    /// A PCM WAV file.
    file: PathBuf,
    /// Pace of the audio: 1.0 is real time, 0 as fast as the server takes it.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// The spoken language; detected when not given.
    #[arg(long)]
    language: Option<TranscriptionLanguageCode>,
    /// Languages to translate each utterance into.
    #[arg(long, value_delimiter = ',')]
    translate: Vec<TranslationLanguageCode>,
    /// Ask for a summary once the recording ends.
    #[arg(long)]
    summarize: bool,
}

/// The audio of the file, and what the init request declares about it.
struct Audio {
    pcm: Vec<u8>,
    sample_rate: u32,
    bit_depth: u16,
    channels: u16,
}

impl Audio {
    /// Bytes in `duration` of audio, whole frames.
    fn bytes_per(&self, duration: Duration) -> usize {
        let frame = usize::from(self.channels) * usize::from(self.bit_depth / 8);
        let frames = (f64::from(self.sample_rate) * duration.as_secs_f64()).round() as usize;
        frames.max(1) * frame
    }
}

fn read_wav(path: &PathBuf) -> Result<Audio, String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = hound::WavReader::new(BufReader::new(file))
        .map_err(|e| format!("{}: not a WAV file: {e}", path.display()))?;
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int {
        return Err(format!(
            "{}: float samples; live sessions take PCM integers",
            path.display()
        ));
    }
    let length = reader.len() as usize * usize::from(spec.bits_per_sample / 8);
    // Past the header, the reader stands at the first sample: the PCM bytes follow as they are.
    let mut pcm = Vec::with_capacity(length);
    reader
        .into_inner()
        .take(length as u64)
        .read_to_end(&mut pcm)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Audio {
        pcm,
        sample_rate: spec.sample_rate,
        bit_depth: spec.bits_per_sample,
        channels: spec.channels,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if !(args.speed >= 0.0 && args.speed.is_finite()) {
        eprintln!("error: --speed must be 0 or more");
        return ExitCode::from(2);
    }
    let audio = match read_wav(&args.file) {
        Ok(audio) => audio,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match run(args, audio).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args, audio: Audio) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let translate = !args.translate.is_empty();
    let request = InitLiveSessionRequest {
        encoding: Some(LiveEncoding::WavPcm),
        sample_rate: Some(LiveSampleRate::from(i64::from(audio.sample_rate))),
        bit_depth: Some(LiveBitDepth::from(i64::from(audio.bit_depth))),
        channels: Some(i64::from(audio.channels)),
        language_config: args.language.clone().map(|language| LanguageConfig {
            languages: Some(vec![language]),
            ..Default::default()
        }),
        realtime_processing: translate.then(|| LiveRealtimeProcessingConfig {
            translation: Some(true),
            translation_config: Some(TranslationConfig::new(args.translate.clone())),
            ..Default::default()
        }),
        post_processing: args.summarize.then(|| LivePostProcessingConfig {
            summarization: Some(true),
            ..Default::default()
        }),
        messages_config: Some(LiveMessagesConfig {
            receive_partial_transcripts: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    let session = client.live().start(&request).await?;
    eprintln!("live session {}", session.id());
    let (sender, mut events) = session.split();
    let streaming = tokio::spawn(stream_audio(sender, audio, args.speed));

    // The partial utterance of the moment, on one line that final utterances push up; drawn
    // only on a terminal, where `suspend` keeps the printed lines clear of it.
    let partial = ProgressBar::new_spinner();
    while let Some(event) = events.next().await {
        let message = match event {
            Ok(LiveEvent::Message(message)) => message,
            Ok(LiveEvent::Reconnecting {
                attempt, reason, ..
            }) => {
                partial.suspend(|| {
                    eprintln!("(connection lost: {reason}; reconnecting, attempt {attempt})")
                });
                continue;
            }
            Ok(LiveEvent::Reconnected { resent }) => {
                partial.suspend(|| eprintln!("(reconnected; {resent} bytes sent again)"));
                continue;
            }
            Ok(_) => continue,
            // An error in one message: say it and go on; the session's end comes as the last one.
            Err(error) => {
                partial.suspend(|| eprintln!("error: {error}"));
                continue;
            }
        };
        match *message {
            LiveServerMessage::Transcript(transcript) if transcript.data.is_final => {
                partial.set_message("");
                partial.suspend(|| println!("{}", line(&transcript.data.utterance)));
            }
            LiveServerMessage::Transcript(transcript) => {
                partial.set_message(transcript.data.utterance.text.trim().to_owned());
            }
            LiveServerMessage::Translation(translation) => {
                let data = translation.data;
                let text = data.translated_utterance.text.trim();
                partial.suspend(|| println!("  [{}] {text}", data.target_language));
            }
            LiveServerMessage::PostFinalTranscript(result) => {
                partial.finish_and_clear();
                if let Some(transcription) = &result.data.transcription {
                    println!("\n== transcript\n{}", transcription.full_transcript.trim());
                }
                let summary = result
                    .data
                    .summarization
                    .as_ref()
                    .and_then(|s| s.results.as_deref());
                if let Some(summary) = summary {
                    println!("\n== summary\n{}", summary.trim());
                }
            }
            _ => {}
        }
    }
    partial.finish_and_clear();
    streaming.await??;
    Ok(())
}

/// Sends the audio in chunks of about 100 ms at `speed`, then stops the recording; Ctrl-C
/// stops it early.
async fn stream_audio(
    sender: LiveSender,
    audio: Audio,
    speed: f64,
) -> Result<(), gladia_api::Error> {
    const CHUNK: Duration = Duration::from_millis(100);
    let chunk = audio.bytes_per(CHUNK);
    let pause = (speed > 0.0).then(|| CHUNK.div_f64(speed));
    let mut interrupted = std::pin::pin!(tokio::signal::ctrl_c());
    let mut ticker = pause.map(tokio::time::interval);
    for piece in audio.pcm.chunks(chunk) {
        if let Some(ticker) = &mut ticker {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = &mut interrupted => break,
            }
        }
        sender.send_audio(piece.to_vec()).await?;
    }
    sender.stop_recording().await
}

fn line(utterance: &Utterance) -> String {
    format!(
        "[{} → {}] channel {}: {}",
        clock(utterance.start),
        clock(utterance.end),
        utterance.channel,
        utterance.text.trim()
    )
}

fn clock(seconds: f64) -> String {
    let tenths = (seconds.max(0.0) * 10.0).round() as u64;
    format!(
        "{:02}:{:02}.{}",
        tenths / 600,
        tenths / 10 % 60,
        tenths % 10
    )
}
