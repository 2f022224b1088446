//! A deterministic generator of finished pre-recorded jobs, as large as real ones: for N minutes
//! of audio, utterances with word timings from 3 speakers, a translation into French and German,
//! SRT and VTT subtitles for each language, and a summary. Same N, same bytes.

use serde_json::{json, Value};

/// A small xorshift generator: deterministic across platforms and versions, unlike `rand`'s.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `[low, high)` with millisecond precision, as the server writes them.
    fn between(&mut self, low: f64, high: f64) -> f64 {
        let span = ((high - low) * 1000.0) as u64;
        low + self.below(span.max(1)) as f64 / 1000.0
    }
}

const WORDS: [&str; 48] = [
    "we",
    "should",
    "ship",
    "the",
    "release",
    "before",
    "friday",
    "and",
    "then",
    "review",
    "numbers",
    "with",
    "team",
    "customers",
    "asked",
    "for",
    "better",
    "latency",
    "on",
    "live",
    "transcription",
    "I",
    "think",
    "that",
    "is",
    "fair",
    "but",
    "budget",
    "quarter",
    "plan",
    "meeting",
    "next",
    "week",
    "okay",
    "let's",
    "agree",
    "notes",
    "action",
    "items",
    "owner",
    "deadline",
    "model",
    "accuracy",
    "improved",
    "since",
    "last",
    "version",
    "really",
];

const SPEAKERS: u64 = 3;

struct Utterance {
    start: f64,
    end: f64,
    speaker: u64,
    words: Vec<(String, f64, f64, f64)>,
}

fn utterances(noise: &mut Noise, minutes: u32) -> Vec<Utterance> {
    let total = f64::from(minutes) * 60.0;
    let mut out = Vec::new();
    let mut clock = 0.4;
    while clock < total - 1.0 {
        let speaker = noise.below(SPEAKERS);
        let count = 4 + noise.below(14);
        let start = clock;
        let mut words = Vec::new();
        for _ in 0..count {
            let word = WORDS[noise.below(WORDS.len() as u64) as usize].to_owned();
            let word_start = clock;
            let word_end = (clock + noise.between(0.12, 0.6)).min(total);
            words.push((word, word_start, word_end, noise.between(0.55, 1.0)));
            clock = word_end + noise.between(0.0, 0.15);
            if clock >= total - 1.0 {
                break;
            }
        }
        out.push(Utterance {
            start,
            end: words.last().map_or(start, |w| w.2),
            speaker,
            words,
        });
        clock += noise.between(0.3, 2.0);
    }
    out
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn utterance_json(utterance: &Utterance, language: &str, words: &[String]) -> Value {
    let text = words.join(" ");
    let words: Vec<Value> = utterance
        .words
        .iter()
        .zip(words)
        .map(|((_, start, end, confidence), word)| {
            json!({"word": format!(" {word}"), "start": round(*start), "end": round(*end), "confidence": round(*confidence)})
        })
        .collect();
    json!({
        "language": language,
        "start": round(utterance.start),
        "end": round(utterance.end),
        "confidence": 0.91,
        "channel": 0,
        "speaker": utterance.speaker,
        "words": words,
        "text": text,
    })
}

fn timestamp(seconds: f64, separator: char) -> String {
    let millis = (seconds * 1000.0).round() as u64;
    let (s, ms) = (millis / 1000, millis % 1000);
    format!(
        "{:02}:{:02}:{:02}{separator}{ms:03}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

fn subtitles(utterances: &[Utterance], texts: &[Vec<String>]) -> Value {
    let mut srt = String::new();
    let mut vtt = String::from("WEBVTT\n\n");
    for (index, (utterance, words)) in utterances.iter().zip(texts).enumerate() {
        let line = words.join(" ");
        let (start, end) = (utterance.start, utterance.end);
        srt.push_str(&format!(
            "{}\n{} --> {}\n{line}\n\n",
            index + 1,
            timestamp(start, ','),
            timestamp(end, ',')
        ));
        vtt.push_str(&format!(
            "{} --> {}\n{line}\n\n",
            timestamp(start, '.'),
            timestamp(end, '.')
        ));
    }
    json!([{"format": "srt", "subtitles": srt}, {"format": "vtt", "subtitles": vtt}])
}

fn language_result(utterances: &[Utterance], language: &str, texts: &[Vec<String>]) -> Value {
    let items: Vec<Value> = utterances
        .iter()
        .zip(texts)
        .map(|(u, words)| utterance_json(u, language, words))
        .collect();
    let full: Vec<String> = texts.iter().map(|words| words.join(" ")).collect();
    json!({
        "full_transcript": full.join(" "),
        "languages": [language],
        "subtitles": subtitles(utterances, texts),
        "utterances": items,
    })
}

/// A finished job for `minutes` of audio, shaped like the seed's job (`tests/fixtures`).
pub fn finished_job(minutes: u32) -> Value {
    let mut noise = Noise(0x2545_f491_4f6c_dd1d ^ u64::from(minutes));
    let utterances = utterances(&mut noise, minutes);
    let original: Vec<Vec<String>> = utterances
        .iter()
        .map(|u| u.words.iter().map(|w| w.0.clone()).collect())
        .collect();
    // Translations keep the timings and change the words, as the server's do.
    let translated = |tag: &str| -> Vec<Vec<String>> {
        original
            .iter()
            .map(|words| words.iter().map(|w| format!("{w}-{tag}")).collect())
            .collect()
    };
    let duration = f64::from(minutes) * 60.0;
    let addon = |results: Value| json!({"success": true, "is_empty": false, "exec_time": 2.5, "error": null, "results": results});
    let mut transcription = language_result(&utterances, "en", &original);
    transcription["sentences"] = json!([]);
    let mut translations = Vec::new();
    for (language, tag) in [("fr", "fr"), ("de", "de")] {
        let mut result = language_result(&utterances, language, &translated(tag));
        result["error"] = Value::Null;
        translations.push(result);
    }
    let summary = format!(
        "{} speakers discussed the release over {minutes} minutes; {} utterances.",
        SPEAKERS,
        utterances.len()
    );
    json!({
        "id": format!("00000000-0000-4000-8000-{minutes:012}"),
        "request_id": "G-0f1e2d3c",
        "version": 2,
        "status": "done",
        "created_at": "2026-02-19T14:55:21.694Z",
        "completed_at": "2026-02-19T15:02:11.120Z",
        "custom_metadata": {"source": "fixture", "minutes": minutes},
        "error_code": null,
        "kind": "pre-recorded",
        "file": {
            "id": "f0c2a1b3-5d6e-4f70-8a9b-0c1d2e3f4a5b",
            "filename": "meeting.mp3",
            "source": "upload",
            "audio_duration": duration,
            "number_of_channels": 1
        },
        "request_params": {
            "audio_url": "https://api.gladia.io/file/f0c2a1b3",
            "diarization": true,
            "translation": true,
            "translation_config": {"target_languages": ["fr", "de"], "model": "base"},
            "subtitles": true,
            "subtitles_config": {"formats": ["srt", "vtt"]},
            "summarization": true
        },
        "result": {
            "metadata": {
                "audio_duration": duration,
                "number_of_distinct_channels": 1,
                "billing_time": duration,
                "transcription_time": duration / 12.0
            },
            "transcription": transcription,
            "translation": addon(Value::Array(translations)),
            "summarization": addon(json!(summary)),
        }
    })
}
