//! Streams a WAV file to a live session, as a microphone would, and prints the transcript as it
//! comes.
//!
//! ```text
//! GLADIA_API_KEY=... cargo run -p gladia-api --example live -- <file.wav> \
//!     [--speed 1.0] [--language en] [--translate fr,de] [--summarize] [--region eu-west]
//! ```
//!
//! The file holds PCM integers (8, 16, 24 or 32 bits), a-law or u-law, at 8, 16, 32, 44.1 or
//! 48 kHz: other rates are refused before anything is sent, with a hint to resample.
//! `--speed 1.0` sends the audio in real time, `2.0` twice as fast, `0` as fast as the server
//! takes it. Partial utterances show on one updating line (on a terminal), final ones are
//! printed with their time and channel, the whole transcript at the end. Ctrl-C stops the
//! recording and waits for the final transcript; a second Ctrl-C ends the session without it.
//! An error that ends the session gives a non-zero exit status. `--region` (or `GLADIA_REGION`)
//! picks where the session runs, `eu-west` or `us-west`; `GLADIA_API_URL` points the example at
//! another server.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use futures_util::StreamExt;
use gladia_api::types::{
    InitLiveSessionRequest, LanguageConfig, LiveBitDepth, LiveEncoding, LiveInitQuery,
    LiveMessagesConfig, LivePostProcessingConfig, LiveRealtimeProcessingConfig, LiveRegion,
    LiveSampleRate, LiveServerMessage, LiveUtterance, TranscriptionLanguageCode, TranslationConfig,
    TranslationLanguageCode,
};
use gladia_api::{Client, LiveError, LiveEvent, LiveOptions, LiveSender};
use indicatif::ProgressBar;

// Values are parsed strictly (`str::parse`): clap would otherwise take the lenient `From<&str>`,
// which keeps any text as an unknown value for the server to refuse.
/// Transcribes a WAV file through a live session.
#[derive(Parser)]
struct Args {
    /// A WAV file: PCM integers, a-law or u-law.
    file: PathBuf,
    /// Pace of the audio: 1.0 is real time, 0 as fast as the server takes it.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// The spoken language; detected when not given.
    #[arg(long, value_parser = str::parse::<TranscriptionLanguageCode>)]
    language: Option<TranscriptionLanguageCode>,
    /// Languages to translate each utterance into.
    #[arg(long, value_delimiter = ',', value_parser = str::parse::<TranslationLanguageCode>)]
    translate: Vec<TranslationLanguageCode>,
    /// Ask for a summary once the recording ends.
    #[arg(long)]
    summarize: bool,
    /// Where the session runs: eu-west or us-west.
    #[arg(long, env = "GLADIA_REGION", value_parser = str::parse::<LiveRegion>)]
    region: Option<LiveRegion>,
}

/// The audio of the file, and what the init request declares about it.
struct Audio {
    pcm: Vec<u8>,
    encoding: LiveEncoding,
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

    /// The rate as the API takes it; any other is refused here, before a session is started.
    fn sample_rate(&self, path: &Path) -> Result<LiveSampleRate, String> {
        let rate = LiveSampleRate::from(i64::from(self.sample_rate));
        if !matches!(rate, LiveSampleRate::Unknown(_)) {
            return Ok(rate);
        }
        let taken: Vec<String> = LiveSampleRate::ALL.iter().map(|r| r.to_string()).collect();
        Err(format!(
            "{}: {} Hz; live sessions take {} Hz. Resample it first, for instance \
             `ffmpeg -i {} -ar 16000 out.wav`",
            path.display(),
            self.sample_rate,
            taken.join(", "),
            path.display()
        ))
    }
}

fn read_wav(path: &Path) -> Result<Audio, String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = File::open(path).map_err(|e| at(&e))?;
    let reader = match hound::WavReader::new(BufReader::new(file)) {
        Ok(reader) => reader,
        // hound reads PCM and floats only; a-law and u-law are read here.
        Err(hound::Error::Unsupported) => return read_companded_wav(path),
        Err(e) => return Err(at(&format_args!("not a WAV file: {e}"))),
    };
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int {
        return Err(at(
            &"float samples; live sessions take PCM integers, a-law or u-law",
        ));
    }
    let length = reader.len() as usize * usize::from(spec.bits_per_sample / 8);
    // Past the header, the reader stands at the first sample: the PCM bytes follow as they are.
    let mut pcm = Vec::with_capacity(length);
    reader
        .into_inner()
        .take(length as u64)
        .read_to_end(&mut pcm)
        .map_err(|e| at(&e))?;
    Ok(Audio {
        pcm,
        encoding: LiveEncoding::WavPcm,
        sample_rate: spec.sample_rate,
        bit_depth: spec.bits_per_sample,
        channels: spec.channels,
    })
}

/// A WAV file of a-law (format 6) or u-law (format 7) samples: the RIFF chunks are walked to the
/// `fmt ` and `data` ones.
fn read_companded_wav(path: &Path) -> Result<Audio, String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let mut file = BufReader::new(File::open(path).map_err(|e| at(&e))?);
    let mut riff = [0u8; 12];
    file.read_exact(&mut riff).map_err(|e| at(&e))?;
    if &riff[..4] != b"RIFF" || &riff[8..] != b"WAVE" {
        return Err(at(&"not a WAV file"));
    }
    let mut format = None;
    loop {
        let mut header = [0u8; 8];
        file.read_exact(&mut header)
            .map_err(|_| at(&"no `data` chunk"))?;
        let length = u32::from_le_bytes(header[4..].try_into().unwrap());
        match (&header[..4], format.take()) {
            (b"fmt ", _) => {
                let mut fmt = vec![0u8; (length + length % 2) as usize];
                file.read_exact(&mut fmt).map_err(|e| at(&e))?;
                if fmt.len() < 16 {
                    return Err(at(&"a `fmt ` chunk too short"));
                }
                let word = |i: usize| u16::from_le_bytes([fmt[i], fmt[i + 1]]);
                let encoding = match word(0) {
                    6 => LiveEncoding::WavAlaw,
                    7 => LiveEncoding::WavUlaw,
                    tag => {
                        return Err(at(&format_args!(
                            "WAV format {tag}; PCM integers, a-law or u-law are read"
                        )))
                    }
                };
                let rate = u32::from_le_bytes(fmt[4..8].try_into().unwrap());
                format = Some((encoding, word(2), rate, word(14)));
            }
            (b"data", Some((encoding, channels, sample_rate, bit_depth))) => {
                if bit_depth != 8 || channels == 0 {
                    return Err(at(&format_args!(
                        "{bit_depth}-bit, {channels}-channel a-law or u-law; 8 bits are expected"
                    )));
                }
                let mut pcm = Vec::with_capacity(length as usize);
                file.take(u64::from(length))
                    .read_to_end(&mut pcm)
                    .map_err(|e| at(&e))?;
                return Ok(Audio {
                    pcm,
                    encoding,
                    sample_rate,
                    bit_depth,
                    channels,
                });
            }
            (b"data", None) => return Err(at(&"a `data` chunk before the `fmt ` one")),
            // Chunks are padded to an even length.
            (_, kept) => {
                format = kept;
                file.seek(SeekFrom::Current(i64::from(length + length % 2)))
                    .map_err(|e| at(&e))?;
            }
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if !(args.speed >= 0.0 && args.speed.is_finite()) {
        eprintln!("error: --speed must be 0 or more");
        return ExitCode::from(2);
    }
    let audio = read_wav(&args.file);
    let rate = audio
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|audio| audio.sample_rate(&args.file));
    let (audio, rate) = match (audio, rate) {
        (Ok(audio), Ok(rate)) => (audio, rate),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match run(args, audio, rate).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args, audio: Audio, sample_rate: LiveSampleRate) -> anyhow::Result<()> {
    let client = Client::from_env()?;
    let translate = !args.translate.is_empty();
    let request = InitLiveSessionRequest {
        encoding: Some(audio.encoding.clone()),
        sample_rate: Some(sample_rate),
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
    let query = LiveInitQuery {
        region: args.region.clone(),
    };
    let session = client
        .live()
        .start_with(&query, &request, LiveOptions::default())
        .await?;
    eprintln!("live session {}", session.id());
    let (sender, mut events) = session.split();
    let closer = sender.clone();
    let streaming = tokio::spawn(stream_audio(sender, audio, args.speed));
    // The first Ctrl-C stops the recording (in `stream_audio`); a second one ends the session
    // without waiting for the server any longer.
    let mut given_up = std::pin::pin!(async {
        let _ = tokio::signal::ctrl_c().await;
        let _ = tokio::signal::ctrl_c().await;
    });
    let mut closed = false;

    // The partial utterance of the moment, on one line that final utterances push up; drawn
    // only on a terminal, where `suspend` keeps the printed lines clear of it.
    let partial = ProgressBar::new_spinner();
    // The whole transcript comes in `post_transcript`, the summary in `post_summarization`, and
    // both again in `post_final_transcript`: whichever comes, each is printed once, at the end.
    let mut transcript = None;
    let mut summary = None;
    // An error that ended the session: the last event, and the example's exit status.
    let mut fatal = None;
    loop {
        let event = tokio::select! {
            event = events.next() => match event {
                Some(event) => event,
                None => break,
            },
            _ = &mut given_up, if !closed => {
                closed = true;
                partial.suspend(|| eprintln!("(interrupted again: closing the session)"));
                closer.close();
                continue;
            }
        };
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
            Err(error) if error.service_error::<LiveError>().is_some_and(|e| e.fatal) => {
                fatal = Some(error);
                continue;
            }
            // An error in one message: say it and go on; the session's end comes as the last one.
            Err(error) => {
                partial.suspend(|| eprintln!("error: {:#}", anyhow::Error::new(error)));
                continue;
            }
        };
        match *message {
            LiveServerMessage::Transcript(message) if message.data.is_final => {
                partial.set_message("");
                partial.suspend(|| println!("{}", line(&message.data.utterance)));
            }
            LiveServerMessage::Transcript(message) => {
                partial.set_message(message.data.utterance.text.trim().to_owned());
            }
            LiveServerMessage::Translation(message) => {
                if let Some(data) = message.data {
                    let text = data.translated_utterance.text.trim().to_owned();
                    partial.suspend(|| println!("  [{}] {text}", data.target_language));
                }
            }
            LiveServerMessage::PostTranscript(message) => {
                transcript = Some(message.data.full_transcript);
            }
            LiveServerMessage::PostFinalTranscript(message) => {
                let result = message.data;
                if let Some(transcription) = result.transcription {
                    transcript = Some(transcription.full_transcript);
                }
                if let Some(results) = result.summarization.and_then(|s| s.results) {
                    summary = Some(results);
                }
            }
            LiveServerMessage::PostSummarization(message) => {
                if let Some(results) = message.data.and_then(|data| data.results) {
                    summary = Some(results);
                }
            }
            _ => {}
        }
    }
    partial.finish_and_clear();
    if let Some(transcript) = transcript {
        println!("\n== transcript\n{}", transcript.trim());
    }
    if let Some(summary) = summary {
        println!("\n== summary\n{}", summary.trim());
    }
    if let Some(error) = fatal {
        return Err(error.into());
    }
    if closed {
        anyhow::bail!("interrupted before the session ended");
    }
    streaming.await??;
    Ok(())
}

/// Sends the audio in chunks of about 100 ms at `speed`, then stops the recording; Ctrl-C
/// stops it early, also while the session waits for the server.
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
        let next = async {
            if let Some(ticker) = &mut ticker {
                ticker.tick().await;
            }
            sender.send_audio(piece.to_vec()).await
        };
        tokio::select! {
            sent = next => sent?,
            _ = &mut interrupted => break,
        }
    }
    sender.stop_recording().await
}

fn line(utterance: &LiveUtterance) -> String {
    let channel = utterance
        .channel
        .map(|channel| format!(" channel {channel}"))
        .unwrap_or_default();
    format!(
        "[{} → {}]{channel}: {}",
        clock(utterance.start),
        clock(utterance.end),
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
