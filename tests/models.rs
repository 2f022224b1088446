//! The generated models against real JSON: seed 001's job, every example in the spec, and
//! responses from a newer server carrying values and fields this crate does not know.

use gladia_api::types::*;
use gladia_tests::fixture::finished_job;
use gladia_tests::{example_for, fixture, gladia_spec};
use serde_json::{json, Value};

/// A typed round trip may change how a value is written but not what it is: JSON does not tell
/// `123` from `123.0`, and `.210Z` and `.21Z` are the same instant.
fn normalize(value: &mut Value) {
    use time::format_description::well_known::Rfc3339;
    match value {
        Value::Number(n) => *value = json!(n.as_f64().unwrap()),
        Value::String(text) => {
            if let Ok(instant) = time::OffsetDateTime::parse(text, &Rfc3339) {
                *value = json!(instant.unix_timestamp_nanos().to_string());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize),
        Value::Object(map) => map.values_mut().for_each(normalize),
        _ => {}
    }
}

fn assert_round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(original: &Value) -> T {
    let typed: T = serde_json::from_value(original.clone()).unwrap();
    let mut back = serde_json::to_value(&typed).unwrap();
    let mut expected = original.clone();
    normalize(&mut back);
    normalize(&mut expected);
    assert!(
        back == expected,
        "round trip changed the JSON:\n{}",
        serde_json::to_string_pretty(&back).unwrap()
    );
    typed
}

#[test]
fn seed_job_round_trips_through_pre_recorded_response() {
    let job: PreRecordedResponse = assert_round_trip(&fixture("pre_recorded_job.json"));
    assert_eq!(job.status, TranscriptionStatus::Queued);
    assert_eq!(job.kind, TranscriptionKind::PreRecorded);
    let result = job.result.expect("the seed job carries a result");
    let utterance = &result.transcription.unwrap().utterances[0];
    assert_eq!(utterance.language, TranscriptionLanguageCode::En);
    assert_eq!(utterance.speaker, Some(1));
    let params = job.request_params.unwrap();
    let vocabulary = params.custom_vocabulary_config.unwrap().vocabulary;
    assert!(
        matches!(&vocabulary[0], CustomVocabularyConfigVocabularyItem::String(s) if s == "Westeros")
    );
    assert!(
        matches!(&vocabulary[2], CustomVocabularyConfigVocabularyItem::CustomVocabularyEntry(e) if e.pronunciations.as_deref() == Some(&["Nightz Watch".to_owned()][..]))
    );
    assert_eq!(
        params.audio_to_llm_config.unwrap().prompts,
        ["Extract the key points from the transcription"]
    );
}

#[test]
fn seed_page_round_trips_as_both_list_types() {
    let page = fixture("pre_recorded_list.json");
    let list: ListPreRecordedResponse = assert_round_trip(&page);
    assert!(matches!(list.items[..], [Ok(_)]), "{:?}", list.items);
    let mixed: ListTranscriptionResponse = assert_round_trip(&page);
    assert!(matches!(
        mixed.items[..],
        [Ok(TranscriptionItem::PreRecorded(_))]
    ));
}

/// An add-on result of another shape than the spec's (sentiment results as a list of objects,
/// where the spec says a JSON-encoded string) is kept as received: the job decodes, the other
/// add-ons stay typed, and encoding writes the odd one back unchanged. Read from bytes as the
/// client does, from a `Value`, and inside a page of the combined list.
#[test]
fn an_add_on_result_of_another_shape_is_kept_and_the_job_still_decodes() {
    let mut job = finished_job(1);
    let odd = json!({"success": true, "is_empty": false, "exec_time": 0.4, "error": null,
        "results": [{"sentiment": "positive", "emotion": "joy", "text": "Great.", "start": 0.5,
            "end": 1.1, "channel": 0}]});
    job["result"]["sentiment_analysis"] = odd.clone();
    let bytes = serde_json::to_vec(&job).unwrap();
    for typed in [
        serde_json::from_slice::<PreRecordedResponse>(&bytes).unwrap(),
        serde_json::from_value::<PreRecordedResponse>(job.clone()).unwrap(),
    ] {
        let result = typed.result.as_ref().unwrap();
        let Some(Err(kept)) = &result.sentiment_analysis else {
            panic!("kept as received: {:?}", result.sentiment_analysis);
        };
        assert_eq!(kept.json, odd);
        assert_eq!(kept.path, "results");
        assert!(kept
            .to_string()
            .starts_with("value does not decode at `results`: invalid type"));
        assert!(matches!(&result.summarization, Some(Ok(s)) if s.results.is_some()));
        assert!(result
            .translation
            .as_ref()
            .is_some_and(|t| t.results.is_some()));
        assert_eq!(
            round_trip_differences(&job, &serde_json::to_value(&typed).unwrap()),
            Vec::<String>::new()
        );
    }
    let page = json!({"first": "https://api.gladia.io/v2/transcription?offset=0&limit=1",
        "current": "https://api.gladia.io/v2/transcription?offset=0&limit=1", "next": null,
        "items": [job]});
    let list: ListTranscriptionResponse =
        serde_json::from_slice(&serde_json::to_vec(&page).unwrap()).unwrap();
    let Ok(TranscriptionItem::PreRecorded(listed)) = &list.items[0] else {
        panic!("the job is read: {:?}", list.items[0]);
    };
    assert!(
        matches!(&listed.result.as_ref().unwrap().sentiment_analysis, Some(Err(kept)) if kept.json == odd)
    );
}

#[test]
fn newer_server_values_and_fields_are_kept() {
    let mut job = fixture("pre_recorded_job.json");
    job["status"] = json!("archived");
    job["brand_new_field"] = json!({"x": 1});
    job["result"]["transcription"]["languages"] = json!(["en", "tlh"]);
    job["result"]["transcription"]["subtitles"][0]["format"] = json!("ass");
    let typed: PreRecordedResponse = serde_json::from_value(job.clone()).unwrap();
    assert_eq!(
        typed.status,
        TranscriptionStatus::Unknown("archived".into())
    );
    let transcription = typed
        .result
        .as_ref()
        .unwrap()
        .transcription
        .as_ref()
        .unwrap();
    assert_eq!(
        transcription.languages[1],
        TranscriptionLanguageCode::Unknown("tlh".into())
    );
    assert_eq!(
        transcription.subtitles.as_ref().unwrap()[0].format.as_str(),
        "ass"
    );
    // Unknown values go back out unchanged.
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back["status"], "archived");
    assert_eq!(back["result"]["transcription"]["languages"][1], "tlh");

    let live_job = json!({
        "id": "1", "request_id": "G-1", "version": 2, "status": "done",
        "created_at": "2024-05-01T10:00:00Z", "kind": "live",
        "request_params": {"sample_rate": 96000, "bit_depth": 16, "encoding": "wav/flac"}
    });
    let batch_job = json!({"id": "2", "kind": "batch", "shiny": true});
    let page = json!({"first": "f", "current": "c", "next": null, "items": [live_job, batch_job]});
    let typed: ListTranscriptionResponse = serde_json::from_value(page.clone()).unwrap();
    let Ok(TranscriptionItem::Live(live)) = &typed.items[0] else {
        panic!("not live: {:?}", typed.items[0])
    };
    let params = live.request_params.as_ref().unwrap();
    assert_eq!(params.sample_rate, Some(LiveSampleRate::Unknown(96000)));
    assert_eq!(params.bit_depth, Some(LiveBitDepth::V16));
    assert_eq!(params.encoding.as_ref().unwrap().as_str(), "wav/flac");
    assert_eq!(
        typed.items[1],
        Ok(TranscriptionItem::Unknown(page["items"][1].clone()))
    );
    assert_eq!(
        serde_json::to_value(&typed).unwrap()["items"][1],
        page["items"][1]
    );
}

#[test]
fn enums_parse_strictly_and_print_their_wire_value() {
    assert_eq!(
        "no".parse::<TranscriptionLanguageCode>(),
        Ok(TranscriptionLanguageCode::No)
    );
    assert!("xx".parse::<TranscriptionLanguageCode>().is_err());
    assert_eq!(
        TranscriptionLanguageCode::from("xx"),
        TranscriptionLanguageCode::Unknown("xx".into())
    );
    assert_eq!(
        PiiRedactionEntityType::GdprSensitive.to_string(),
        "GDPR_SENSITIVE"
    );
    assert_eq!(LiveEncoding::WavPcm.as_str(), "wav/pcm");
    assert_eq!(
        "44100".parse::<LiveSampleRate>(),
        Ok(LiveSampleRate::V44100)
    );
    assert!("44101".parse::<LiveSampleRate>().is_err());
    assert_eq!(
        serde_json::to_string(&LiveSampleRate::V8000).unwrap(),
        "8000"
    );
    assert_eq!(
        SubtitlesFormat::ALL,
        [SubtitlesFormat::Srt, SubtitlesFormat::Vtt]
    );
    assert_eq!(TranslationLanguageCode::ALL.len(), 100);
    for code in TranscriptionLanguageCode::ALL {
        assert_eq!(
            &code.as_str().parse::<TranscriptionLanguageCode>().unwrap(),
            code
        );
    }
}

#[test]
fn requests_serialize_only_what_was_set() {
    let request = InitTranscriptionRequest {
        pii_redaction_config: Some(PiiRedactionConfig {
            entity_types: Some(vec![
                PiiRedactionEntityType::Gdpr,
                PiiRedactionEntityType::Name,
            ]),
            processed_text_type: Some(PiiRedactionConfigProcessedTextType::Marker),
            ..Default::default()
        }),
        ..InitTranscriptionRequest::new("https://example.com/a.wav")
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "audio_url": "https://example.com/a.wav",
            "pii_redaction_config": {"entity_types": ["GDPR", "NAME"], "processed_text_type": "MARKER"}
        })
    );
}

#[test]
fn list_queries_encode_arrays_as_repeated_keys_and_metadata_as_json() {
    let mut metadata = serde_json::Map::new();
    metadata.insert("paymentMethod".into(), json!({"last4Digits": 4576}));
    let query = TranscriptionsListQuery {
        limit: Some(5),
        date: Some(time::macros::date!(2026 - 02 - 19)),
        after_date: Some(time::macros::datetime!(2026-02-19 14:55:21.694 UTC)),
        status: Some(vec![TranscriptionStatus::Done, TranscriptionStatus::Error]),
        kind: Some(vec![TranscriptionKind::PreRecorded]),
        custom_metadata: Some(metadata),
        ..Default::default()
    };
    assert_eq!(
        query.to_query_pairs().unwrap(),
        [
            ("limit", "5".to_owned()),
            ("date", "2026-02-19".to_owned()),
            ("after_date", "2026-02-19T14:55:21.694Z".to_owned()),
            ("status", "done".to_owned()),
            ("status", "error".to_owned()),
            (
                "custom_metadata",
                r#"{"paymentMethod":{"last4Digits":4576}}"#.to_owned()
            ),
            ("kind", "pre-recorded".to_owned()),
        ]
    );
}

/// Builds a JSON value for a schema from the spec's own examples, filling what has none.
macro_rules! decoders {
    ($($ty:ident),* $(,)?) => {
        /// Decodes `value` as the generated type named `rust_name` and encodes it again;
        /// `None` if the table lacks it.
        fn encode_again(rust_name: &str, value: &Value) -> Option<Result<Value, String>> {
            match rust_name {
                $(stringify!($ty) => Some(
                    serde_json::from_value::<$ty>(value.clone())
                        .map(|decoded| serde_json::to_value(decoded).expect("encodes"))
                        .map_err(|e| e.to_string()),
                ),)*
                _ => None,
            }
        }
    };
}

decoders!(
    PreRecordedEventPayload,
    LiveEventPayload,
    UploadBody,
    AudioUploadMetadata,
    AudioUploadResponse,
    TranscriptionLanguageCode,
    CustomVocabularyEntry,
    CustomVocabularyConfigVocabularyItem,
    CustomVocabularyConfig,
    CallbackMethod,
    CallbackConfig,
    SubtitlesFormat,
    SubtitlesStyle,
    SubtitlesConfig,
    DiarizationConfig,
    TranslationLanguageCode,
    TranslationModel,
    TranslationConfig,
    SummaryTypes,
    SummarizationConfig,
    CustomSpellingConfig,
    AudioToLlmListConfig,
    PiiRedactionEntityType,
    PiiRedactionConfigProcessedTextType,
    PiiRedactionConfig,
    LanguageConfig,
    TranscriptionSupportedModels,
    InitTranscriptionRequest,
    InitPreRecordedTranscriptionResponse,
    BadRequestErrorResponse,
    UnauthorizedErrorResponse,
    UnprocessableEntityErrorResponse,
    FileResponse,
    PreRecordedRequestParamsCustomVocabulary,
    PreRecordedRequestParams,
    TranscriptionMetadata,
    AddonError,
    Sentences,
    Subtitle,
    Word,
    Utterance,
    Transcription,
    TranslationResult,
    Translation,
    Summarization,
    Moderation,
    NamedEntityRecognitionResult,
    NamedEntityRecognition,
    NamesConsistency,
    StructuredDataExtraction,
    SentimentAnalysis,
    AudioToLlmResult,
    AudioToLlm,
    AudioToLlmList,
    DisplayMode,
    Chapterization,
    Diarization,
    TranscriptionResult,
    PreRecordedResponse,
    NotFoundErrorResponse,
    ListPreRecordedResponse,
    ForbiddenErrorResponse,
    CallbackTranscriptionSuccessPayload,
    ErrorDto,
    CallbackTranscriptionErrorPayload,
    LiveEncoding,
    LiveBitDepth,
    LiveSampleRate,
    LiveModel,
    LivePreProcessingConfig,
    LiveRealtimeProcessingConfig,
    LivePostProcessingConfig,
    LiveMessagesConfig,
    LiveCallbackConfig,
    LiveRequestParams,
    LiveSessionResultWithMessages,
    LiveResponse,
    ListTranscriptionResponse,
    ListHistoryResponse,
    AudioChunkActionData,
    AudioChunkActionType,
    AudioChunkAction,
    StopRecordingActionType,
    StopRecordingAction,
    Error,
    AudioChunkAckData,
    AudioChunkAckMessageType,
    AudioChunkAckMessage,
    CallbackLiveAudioChunkAckMessage,
    EndRecordingMessageData,
    EndRecordingMessageType,
    EndRecordingMessage,
    CallbackLiveEndRecordingMessage,
    EndSessionMessageType,
    EndSessionMessage,
    CallbackLiveEndSessionMessage,
    TranslationData,
    TranslationMessageType,
    TranslationMessage,
    CallbackLiveTranslationMessage,
    NamedEntityRecognitionData,
    NamedEntityRecognitionMessageType,
    NamedEntityRecognitionMessage,
    CallbackLiveNamedEntityRecognitionMessage,
    ChapterizationSentence,
    PostChapterizationResult,
    PostChapterizationMessageData,
    PostChapterizationMessageType,
    PostChapterizationMessage,
    CallbackLivePostChapterizationMessage,
    LiveSessionResult,
    PostFinalTranscriptMessageType,
    PostFinalTranscriptMessage,
    CallbackLivePostFinalTranscriptMessage,
    PostSummarizationMessageData,
    PostSummarizationMessageType,
    PostSummarizationMessage,
    CallbackLivePostSummarizationMessage,
    PostTranscriptMessageType,
    PostTranscriptMessage,
    CallbackLivePostTranscriptMessage,
    SentimentAnalysisResult,
    SentimentAnalysisData,
    SentimentAnalysisMessageType,
    SentimentAnalysisMessage,
    CallbackLiveSentimentAnalysisMessage,
    StartRecordingMessageType,
    StartRecordingMessage,
    CallbackLiveStartRecordingMessage,
    StartSessionMessageType,
    StartSessionMessage,
    CallbackLiveStartSessionMessage,
    StopRecordingAckData,
    StopRecordingAckMessageType,
    StopRecordingAckMessage,
    CallbackLiveStopRecordingAckMessage,
    TranscriptMessageData,
    TranscriptMessageType,
    TranscriptMessage,
    CallbackLiveTranscriptMessage,
    SpeechMessageData,
    SpeechStartMessageType,
    SpeechStartMessage,
    CallbackLiveSpeechStartMessage,
    SpeechEndMessageType,
    SpeechEndMessage,
    CallbackLiveSpeechEndMessage,
    InitLiveSessionRequest,
    LiveRegion,
    InitLiveSessionResponse,
    ListLiveResponse,
    PatchRequestParams,
    PayloadTooLargeErrorResponse,
    WebhookTranscriptionCreatedPayload,
    WebhookTranscriptionSuccessPayload,
    WebhookTranscriptionErrorPayload,
    WebhookLiveStartSessionPayload,
    WebhookLiveStartRecordingPayload,
    WebhookLiveEndRecordingPayload,
    WebhookLiveEndSessionPayload,
    PreRecordedTranscriptionModel,
    TranscriptionStatus,
    TranscriptionKind,
    TranscriptionItem,
    UploadFileBody,
    UploadUrlBody,
    WebhookEvent,
    CallbackTranscriptionPayload,
    LiveCallbackEvent,
    LiveAudioChunkMessageData,
    LiveAudioChunkMessage,
    LiveStopRecordingMessage,
    LiveMessageErrorStatusCode,
    LiveMessageError,
    LiveTranscriptMessageData,
    LiveTranscriptMessage,
    LiveSpeechEvent,
    LiveSpeechStartMessage,
    LiveSpeechEndMessage,
    LiveTranslationMessageData,
    LiveTranslationMessage,
    LiveUtteranceEntity,
    LiveNamedEntityRecognitionMessageData,
    LiveNamedEntityRecognitionMessage,
    LiveUtteranceSentiment,
    LiveSentimentAnalysisMessageData,
    LiveSentimentAnalysisMessage,
    LivePostTranscriptMessage,
    LivePostFinalTranscriptMessage,
    LiveUtterance,
    LiveSentences,
    LiveTranscription,
    LiveTranslatedTranscription,
    LiveTranslationResult,
    LiveTextResult,
    LiveNamedEntitiesResult,
    LiveChapterizationResult,
    LiveTranscriptionResult,
    LiveChapter,
    LivePostChapterizationMessageData,
    LivePostChapterizationMessage,
    LivePostSummarizationMessageData,
    LivePostSummarizationMessage,
    LiveAudioChunkAckMessageData,
    LiveAudioChunkAckMessage,
    LiveStopRecordingAckMessage,
    LiveStartSessionMessage,
    LiveStartRecordingMessage,
    LiveEndRecordingMessage,
    LiveEndSessionMessage,
    LiveClientMessage,
    LiveServerMessage,
);

/// Multipart bodies carry bytes, not JSON: they have no JSON example to decode.
const NOT_JSON: [&str; 1] = ["UploadFileBody"];

/// Every schema of Gladia's published document, built from Gladia's own examples, decodes into
/// the type the spec gives the schema of the same name.
#[test]
fn every_example_of_gladias_published_document_decodes_into_its_type() {
    let Some(published) = gladia_tests::gladia_published_document() else {
        return;
    };
    let schemas = published["components"]["schemas"].as_object().unwrap();
    // The generator decides each component's Rust name once, knowing every other name.
    let (api, _) = generator::parse(&gladia_spec()).unwrap();
    let mut failures = Vec::new();
    for (name, schema) in schemas {
        if NOT_JSON.contains(&name.as_str()) {
            continue;
        }
        let pointer = format!("#/components/schemas/{name}");
        let Some(def) = api.types.iter().find(|t| t.pointer == pointer) else {
            failures.push(format!("{name}: generated no type"));
            continue;
        };
        let rust_name = def.name.clone();
        let example = example_for(schema, &published);
        match encode_again(&rust_name, &example) {
            Some(Ok(encoded)) => {
                let lost = round_trip_differences(&example, &encoded);
                if !lost.is_empty() {
                    failures.push(format!("{name}: encoded again, {}", lost.join("; ")));
                }
            }
            Some(Err(error)) => failures.push(format!("{name}: {error}\n  example: {example}")),
            None => failures.push(format!("{name}: add `{rust_name}` to the decoders! table")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The jobs and the page of seeds 000 and 003 (`tests/fixtures`), Gladia's examples of a job
/// of every kind and of each callback, decoded and encoded again, are the same JSON. Without
/// `../shared`, the seeds' alone.
#[test]
fn the_seeds_examples_and_gladias_payloads_encode_again_as_received() {
    let mut cases = vec![
        ("PreRecordedResponse", fixture("pre_recorded_job.json")),
        ("ListPreRecordedResponse", fixture("pre_recorded_list.json")),
    ];
    if let Some(published) = gladia_tests::gladia_published_document() {
        cases.extend(published_payloads(&published));
    }
    for (rust_name, example) in cases {
        let encoded = encode_again(rust_name, &example)
            .expect("in the decoders! table")
            .unwrap_or_else(|error| panic!("{rust_name}: {error}"));
        let lost = round_trip_differences(&example, &encoded);
        assert!(lost.is_empty(), "{rust_name}: {}", lost.join("; "));
    }
}

/// Gladia's examples of a job of every kind and of each callback, with the type each decodes
/// into.
fn published_payloads(published: &Value) -> Vec<(&'static str, Value)> {
    let schema = |name: &str| example_for(&published["components"]["schemas"][name], published);
    vec![
        ("TranscriptionItem", schema("PreRecordedResponse")),
        ("TranscriptionItem", schema("StreamingResponse")),
        ("LiveCallbackEvent", schema("CallbackLiveTranscriptMessage")),
        ("LiveCallbackEvent", schema("CallbackLiveEndSessionMessage")),
        ("WebhookEvent", schema("WebhookTranscriptionSuccessPayload")),
        (
            "CallbackTranscriptionPayload",
            schema("CallbackTranscriptionSuccessPayload"),
        ),
    ]
}

/// Where `encoded` says less or otherwise than `original`, as [`normalize`] reads both: a key
/// left out (unless it was `null`, which the crate omits for an optional field), another value.
fn round_trip_differences(original: &Value, encoded: &Value) -> Vec<String> {
    fn walk(path: &str, original: &Value, encoded: Option<&Value>, out: &mut Vec<String>) {
        match (original, encoded) {
            (Value::Null, None | Some(Value::Null)) => {}
            (_, None) => out.push(format!("`{path}` is lost")),
            (Value::Object(fields), Some(Value::Object(again))) => {
                for (key, value) in fields {
                    walk(&format!("{path}.{key}"), value, again.get(key), out);
                }
                for key in again.keys().filter(|key| !fields.contains_key(*key)) {
                    out.push(format!("`{path}.{key}` appears"));
                }
            }
            (Value::Array(items), Some(Value::Array(again))) if items.len() == again.len() => {
                for (index, (item, item_again)) in items.iter().zip(again).enumerate() {
                    walk(&format!("{path}[{index}]"), item, Some(item_again), out);
                }
            }
            (a, Some(b)) if a == b => {}
            (a, Some(b)) => out.push(format!("`{path}` was {a}, is {b}")),
        }
    }
    let (mut original, mut encoded) = (original.clone(), encoded.clone());
    normalize(&mut original);
    normalize(&mut encoded);
    let mut out = Vec::new();
    walk("", &original, Some(&encoded), &mut out);
    out
}

#[test]
fn generated_jobs_are_realistic_deterministic_and_decode() {
    let json = finished_job(3);
    assert_eq!(json, finished_job(3), "same minutes, same job");
    assert_ne!(json, finished_job(4));
    let job: PreRecordedResponse = serde_json::from_value(json).unwrap();
    let result = job.result.unwrap();
    let transcription = result.transcription.unwrap();
    let speakers: std::collections::BTreeSet<_> = transcription
        .utterances
        .iter()
        .filter_map(|u| u.speaker)
        .collect();
    assert_eq!(speakers.len(), 3);
    assert!(
        transcription.utterances.len() > 3 * 10,
        "about 15 utterances a minute"
    );
    assert!(transcription.utterances.iter().all(|u| !u.words.is_empty()));
    let last = transcription.utterances.last().unwrap();
    assert!(last.end <= 180.0 && last.end > 170.0, "{}", last.end);
    let formats: Vec<_> = transcription
        .subtitles
        .unwrap()
        .into_iter()
        .map(|s| s.format)
        .collect();
    assert_eq!(formats, [SubtitlesFormat::Srt, SubtitlesFormat::Vtt]);
    let translations = result.translation.unwrap().results.unwrap();
    let languages: Vec<_> = translations
        .iter()
        .flat_map(|t| t.languages.clone())
        .collect();
    assert_eq!(
        languages,
        [TranslationLanguageCode::Fr, TranslationLanguageCode::De]
    );
    assert!(result
        .summarization
        .unwrap()
        .unwrap()
        .results
        .unwrap()
        .contains("3 speakers"));
}

/// Every example message of spec/gladia-live.yaml, server's and client's, decodes into its
/// variant of the generated union (never `Unknown`) and is written back as it was.
#[test]
fn every_live_message_example_decodes_into_its_variant() {
    if gladia_tests::shared("reference/gladia-openapi-2026-08-19.json").is_none() {
        return;
    }
    let path = gladia_tests::root().join("spec/gladia-live.yaml");
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut decoded = 0;
    for (name, message) in spec["components"]["messages"].as_object().unwrap() {
        for example in message["examples"].as_array().into_iter().flatten() {
            let payload = &example["payload"];
            let is_client = ["audioChunk", "stopRecording"].contains(&name.as_str());
            let written = if is_client {
                let typed: LiveClientMessage = serde_json::from_value(payload.clone())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!matches!(typed, LiveClientMessage::Unknown(_)), "{name}");
                serde_json::to_value(&typed).unwrap()
            } else {
                let typed: LiveServerMessage = serde_json::from_value(payload.clone())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!matches!(typed, LiveServerMessage::Unknown(_)), "{name}");
                serde_json::to_value(&typed).unwrap()
            };
            let (mut written, mut original) = (written, payload.clone());
            normalize(&mut written);
            normalize(&mut original);
            // `"error": null` and no `error` say the same; the typed message writes the latter.
            drop_nulls(&mut original);
            assert_eq!(written, original, "{name} changed on its way through");
            decoded += 1;
        }
    }
    assert!(decoded >= 18, "only {decoded} examples: some went missing");
}

/// Every example of Gladia's own published AsyncAPI document (`../shared/reference`, read where
/// it stands, never copied): each message decodes into its variant (never `Unknown`) and is
/// written back as it was, and each example of a part of a message decodes into the type this
/// crate gives that part. These are the shapes a real server sends; a missing document skips
/// the test, except in CI (`gladia_tests::shared`).
#[test]
fn every_example_of_gladias_published_asyncapi_document_decodes() {
    let Some(path) = gladia_tests::shared("reference/gladia-asyncapi.yaml") else {
        return;
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Gladia's AsyncAPI document at {}: {e}", path.display()));
    let document: Value = serde_yaml::from_str(&text).unwrap();
    let mut examples: Vec<(String, Value)> = Vec::new();
    for (name, message) in document["components"]["messages"].as_object().unwrap() {
        for example in message["examples"].as_array().into_iter().flatten() {
            examples.push((name.clone(), example["payload"].clone()));
        }
    }
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        for example in schema["examples"].as_array().into_iter().flatten() {
            examples.push((name.clone(), example.clone()));
        }
    }
    let (mut messages, mut parts) = (0, 0);
    for (name, example) in &examples {
        let written = match (
            example.get("type").and_then(Value::as_str),
            example.get("session_id"),
        ) {
            // What the client sends carries no session id.
            (Some(_), None) => {
                let typed: LiveClientMessage = serde_json::from_value(example.clone())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!matches!(typed, LiveClientMessage::Unknown(_)), "{name}");
                messages += 1;
                serde_json::to_value(&typed).unwrap()
            }
            (Some(_), Some(_)) => {
                let typed: LiveServerMessage = serde_json::from_value(example.clone())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!matches!(typed, LiveServerMessage::Unknown(_)), "{name}");
                messages += 1;
                serde_json::to_value(&typed).unwrap()
            }
            _ => {
                parts += 1;
                match name.as_str() {
                    "Word" => round_trip::<Word>(name, example),
                    "Utterance" => round_trip::<LiveUtterance>(name, example),
                    "ErrorObject" => round_trip::<LiveMessageError>(name, example),
                    "SpeechEventData" => round_trip::<LiveSpeechEvent>(name, example),
                    "SentenceResult" => round_trip::<LiveSentences>(name, example),
                    "SubtitleBlock" => round_trip::<Subtitle>(name, example),
                    "PostTranscriptData" => round_trip::<LiveTranscription>(name, example),
                    // Plain strings (an id, a date): nothing of ours to decode them into.
                    _ if !example.is_object() => {
                        parts -= 1;
                        continue;
                    }
                    _ => panic!("{name}: an example of a part this test does not know"),
                }
            }
        };
        let (mut written, mut original) = (written, example.clone());
        normalize(&mut written);
        normalize(&mut original);
        drop_nulls(&mut original);
        assert_eq!(written, original, "{name} changed on its way through");
    }
    assert!(
        messages >= 20 && parts >= 7,
        "only {messages} messages and {parts} parts: some went missing"
    );
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(
    name: &str,
    example: &Value,
) -> Value {
    let typed: T =
        serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::to_value(&typed).unwrap()
}

#[test]
fn a_live_message_of_an_unknown_type_is_kept_whole() {
    let message = json!({"session_id": "s", "created_at": "2026-01-01T00:00:00Z",
        "type": "speaker_change", "data": {"speaker": 2}});
    let typed: LiveServerMessage = serde_json::from_value(message.clone()).unwrap();
    assert_eq!(typed, LiveServerMessage::Unknown(message.clone()));
    assert_eq!(serde_json::to_value(&typed).unwrap(), message);
}

/// A union reads its tag wherever it stands in the object: first, after the other entries
/// (held until the tag is known), or last; an object without the tag is kept whole. A failure
/// inside the variant names the field, read from bytes as the live session reads messages.
#[test]
fn a_tagged_union_reads_its_tag_anywhere_and_names_a_failing_field() {
    let data = json!({"id": "00-00000001", "is_final": true, "utterance": {"language": "en",
        "start": 0.0, "end": 1.0, "confidence": 0.9, "channel": 0, "text": " hi",
        "words": [{"word": " hi", "start": 0.0, "end": 1.0, "confidence": 0.9}]}});
    let orders = [
        r#"{"type":"transcript","session_id":"s","created_at":"2026-01-01T00:00:00Z","data":D}"#,
        r#"{"session_id":"s","created_at":"2026-01-01T00:00:00Z","type":"transcript","data":D}"#,
        r#"{"session_id":"s","data":D,"created_at":"2026-01-01T00:00:00Z","type":"transcript"}"#,
    ];
    for text in orders {
        let text = text.replace('D', &data.to_string());
        let message: LiveServerMessage = serde_json::from_str(&text).unwrap();
        let LiveServerMessage::Transcript(transcript) = &message else {
            panic!("{text}: {message:?}");
        };
        assert_eq!(transcript.data.utterance.text, " hi");
        assert_eq!(
            round_trip_differences(
                &serde_json::from_str(&text).unwrap(),
                &serde_json::to_value(&message).unwrap()
            ),
            Vec::<String>::new()
        );
    }
    let untagged = json!({"session_id": "s", "data": {}});
    let message: LiveServerMessage =
        serde_json::from_slice(&serde_json::to_vec(&untagged).unwrap()).unwrap();
    assert_eq!(message, LiveServerMessage::Unknown(untagged));
    let broken = r#"{"session_id":"s","created_at":"2026-01-01T00:00:00Z","type":"transcript","data":{"id":"x","is_final":"yes"}}"#;
    let mut reader = serde_json::Deserializer::from_str(broken);
    let error = serde_path_to_error::deserialize::<_, LiveServerMessage>(&mut reader).unwrap_err();
    assert_eq!(error.path().to_string(), "data.is_final");
}

fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// A message's `type` is no field: the encoder writes it, and the decoder requires it and refuses
/// another value (a message of one kind is never read as another).
#[test]
fn a_message_type_is_written_and_checked_but_not_held() {
    let stop = LiveClientMessage::StopRecording(LiveStopRecordingMessage::default());
    assert_eq!(
        serde_json::to_value(&stop).unwrap(),
        json!({"type": "stop_recording"})
    );
    let error = serde_json::from_value::<LiveStopRecordingMessage>(json!({"type": "audio_chunk"}))
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "invalid value: string \"audio_chunk\", expected `stop_recording`"
    );
    let missing = serde_json::from_value::<LiveStopRecordingMessage>(json!({})).unwrap_err();
    assert_eq!(missing.to_string(), "missing field `type`");
}

/// An untagged union takes the first variant that fits, and says which ones it tried when none does.
#[test]
fn an_untagged_value_that_fits_no_variant_names_the_variants() {
    let word: CustomVocabularyConfigVocabularyItem =
        serde_json::from_value(json!("Gladia")).unwrap();
    assert_eq!(
        word,
        CustomVocabularyConfigVocabularyItem::String("Gladia".into())
    );
    let error = serde_json::from_value::<CustomVocabularyConfigVocabularyItem>(json!(42))
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "the value fits none of the variants of CustomVocabularyConfigVocabularyItem \
         (CustomVocabularyEntry, String)"
    );
}

/// Named entities as Gladia's current document and SDKs send them (a `results` list), and as
/// jobs made before April 2026 hold them (one `entity` text): a job decodes either way, and
/// keeps what it does not know.
#[test]
fn named_entities_decode_in_both_shapes_and_unknown_keys_are_kept() {
    let current = json!({
        "success": true, "is_empty": false, "exec_time": 0.4, "error": null,
        "results": [{"entity_type": "PERSON", "text": "Ada Lovelace", "start": 1.5, "end": 2.25}],
        "confidence_model": "v3"
    });
    let typed: NamedEntityRecognition = assert_round_trip(&current);
    let entity = &typed.results.as_ref().unwrap()[0];
    assert_eq!((entity.entity_type.as_str(), entity.end), ("PERSON", 2.25));
    assert_eq!(typed.additional_properties["confidence_model"], "v3");

    let older = json!({
        "success": true, "is_empty": false, "exec_time": 0.4, "error": null,
        "entity": "[{\"entity\":\"PERSON\",\"text\":\"Ada\"}]"
    });
    let typed: NamedEntityRecognition = assert_round_trip(&older);
    assert!(typed.results.is_none());
    #[allow(deprecated)] // the older shape is the point here
    let entity = typed.entity;
    assert!(entity.unwrap().contains("PERSON"));
}

/// A request can carry a field the spec does not list yet, next to the typed ones.
#[test]
fn a_request_carries_a_field_the_spec_lacks() {
    let mut request = InitTranscriptionRequest::new("https://example.com/a.wav");
    request.model = Some(PreRecordedTranscriptionModel::Solaria3);
    request
        .additional_properties
        .insert("future_option".into(), json!({"enabled": true}));
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "audio_url": "https://example.com/a.wav",
            "model": "solaria-3",
            "future_option": {"enabled": true}
        })
    );
}
