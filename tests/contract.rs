//! Contract: request bodies built with the typed API validate against the spec's own schemas,
//! checked by an independent JSON Schema validator (the `jsonschema` crate, draft 2020-12 as
//! OpenAPI 3.1 uses).
//!
//! The spec leaves objects open to extra properties; here every object with properties is closed
//! (`additionalProperties: false`), so that a field the crate sends but the spec does not declare
//! fails the check.

use std::collections::BTreeMap;

use gladia_api::types::*;
use gladia_tests::gladia_spec_json;
use serde_json::{json, Value};

/// Closes every object schema that lists its properties and does not compose others.
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("allOf") {
                map.entry("additionalProperties").or_insert(json!(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

fn assert_valid(schema_name: &str, body: &impl serde::Serialize) {
    let mut components = gladia_spec_json()["components"].clone();
    close_objects(&mut components);
    let schema = json!({
        "$ref": format!("#/components/schemas/{schema_name}"),
        "components": components,
    });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the spec's `{schema_name}` does not compile: {e}"));
    let instance = serde_json::to_value(body).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{schema_name} body breaks the spec:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(&instance).unwrap()
    );
}

fn vocabulary() -> CustomVocabularyConfig {
    CustomVocabularyConfig {
        vocabulary: vec![
            CustomVocabularyConfigVocabularyItem::String("Westeros".into()),
            CustomVocabularyConfigVocabularyItem::CustomVocabularyEntry(CustomVocabularyEntry {
                intensity: Some(0.4),
                pronunciations: Some(vec!["Stark".into(), "Starc".into()]),
                language: Some(TranscriptionLanguageCode::En),
                ..CustomVocabularyEntry::new("Stark")
            }),
        ],
        default_intensity: Some(0.5),
        additional_properties: Default::default(),
    }
}

fn spelling() -> CustomSpellingConfig {
    CustomSpellingConfig::new(BTreeMap::from([(
        "Gettleman".to_owned(),
        vec!["gettleman".to_owned(), "getleman".to_owned()],
    )]))
}

fn translation() -> TranslationConfig {
    TranslationConfig {
        model: Some(TranslationModel::ALL[0].clone()),
        match_original_utterances: Some(true),
        context: Some("A board meeting".into()),
        ..TranslationConfig::new(vec![
            TranslationLanguageCode::Fr,
            TranslationLanguageCode::De,
        ])
    }
}

fn metadata() -> serde_json::Map<String, Value> {
    serde_json::Map::from_iter([
        ("user".to_owned(), json!({"id": 42, "teams": ["a", "b"]})),
        ("source".to_owned(), json!("contract-test")),
    ])
}

#[test]
fn a_pre_recorded_request_with_every_feature_matches_the_spec() {
    let request = InitTranscriptionRequest {
        custom_vocabulary: Some(true),
        custom_vocabulary_config: Some(vocabulary()),
        callback: Some(true),
        callback_config: Some(CallbackConfig {
            method: Some(CallbackMethod::ALL[0].clone()),
            ..CallbackConfig::new("https://example.com/callback")
        }),
        subtitles: Some(true),
        subtitles_config: Some(SubtitlesConfig {
            formats: Some(SubtitlesFormat::ALL.to_vec()),
            minimum_duration: Some(1.0),
            maximum_duration: Some(15.5),
            maximum_characters_per_row: Some(42),
            maximum_rows_per_caption: Some(2),
            style: Some(SubtitlesStyle::ALL[0].clone()),
            additional_properties: Default::default(),
        }),
        diarization: Some(true),
        diarization_config: Some(DiarizationConfig {
            number_of_speakers: Some(3),
            min_speakers: Some(1),
            max_speakers: Some(5),
            additional_properties: Default::default(),
        }),
        translation: Some(true),
        translation_config: Some(translation()),
        summarization: Some(true),
        summarization_config: Some(SummarizationConfig {
            r#type: Some(SummaryTypes::ALL[0].clone()),
            additional_properties: Default::default(),
        }),
        named_entity_recognition: Some(true),
        custom_spelling: Some(true),
        custom_spelling_config: Some(spelling()),
        sentiment_analysis: Some(true),
        audio_to_llm: Some(true),
        audio_to_llm_config: Some(AudioToLlmListConfig::new(vec![
            "List the decisions taken".to_owned()
        ])),
        pii_redaction: Some(true),
        pii_redaction_config: Some(PiiRedactionConfig {
            entity_types: Some(PiiRedactionEntityType::ALL.to_vec()),
            processed_text_type: Some(PiiRedactionConfigProcessedTextType::ALL[0].clone()),
            additional_properties: Default::default(),
        }),
        custom_metadata: Some(metadata()),
        sentences: Some(true),
        punctuation_enhanced: Some(true),
        language_config: Some(LanguageConfig {
            languages: Some(vec![
                TranscriptionLanguageCode::En,
                TranscriptionLanguageCode::Fr,
            ]),
            code_switching: Some(true),
            additional_properties: Default::default(),
        }),
        ..InitTranscriptionRequest::new("https://example.com/meeting.mp3")
    };
    request.validate().unwrap();
    assert_valid("InitTranscriptionRequest", &request);
    // The smallest request is valid too.
    assert_valid(
        "InitTranscriptionRequest",
        &InitTranscriptionRequest::new("https://example.com/meeting.mp3"),
    );
}

#[test]
fn a_live_session_request_with_every_feature_matches_the_spec() {
    let request = InitLiveSessionRequest {
        encoding: Some(LiveEncoding::WavPcm),
        bit_depth: Some(LiveBitDepth::ALL[0]),
        sample_rate: Some(LiveSampleRate::V16000),
        channels: Some(2),
        custom_metadata: Some(metadata()),
        model: Some(LiveModel::ALL[0].clone()),
        endpointing: Some(0.3),
        maximum_duration_without_endpointing: Some(30.0),
        language_config: Some(LanguageConfig {
            languages: Some(vec![TranscriptionLanguageCode::En]),
            code_switching: Some(false),
            ..Default::default()
        }),
        pre_processing: Some(LivePreProcessingConfig {
            audio_enhancer: Some(true),
            speech_threshold: Some(0.6),
            ..Default::default()
        }),
        realtime_processing: Some(LiveRealtimeProcessingConfig {
            custom_vocabulary: Some(true),
            custom_vocabulary_config: Some(vocabulary()),
            custom_spelling: Some(true),
            custom_spelling_config: Some(spelling()),
            translation: Some(true),
            translation_config: Some(translation()),
            named_entity_recognition: Some(true),
            sentiment_analysis: Some(true),
            ..Default::default()
        }),
        post_processing: Some(LivePostProcessingConfig {
            summarization: Some(true),
            summarization_config: Some(SummarizationConfig::default()),
            chapterization: Some(true),
            ..Default::default()
        }),
        messages_config: Some(LiveMessagesConfig {
            receive_partial_transcripts: Some(true),
            receive_final_transcripts: Some(true),
            ..Default::default()
        }),
        callback: Some(true),
        callback_config: Some(LiveCallbackConfig {
            url: Some("https://example.com/live-callback".into()),
            receive_lifecycle_events: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    request.validate().unwrap();
    assert_valid("StreamingRequest", &request);
}

#[test]
fn an_upload_by_url_matches_the_spec() {
    assert_valid(
        "UploadUrlBody",
        &UploadUrlBody::new("https://example.com/meeting.mp3"),
    );
}

/// The check can fail: a field the spec does not declare, or a value out of its bounds, is
/// reported.
#[test]
fn the_contract_check_rejects_what_the_spec_does_not_allow() {
    let mut components = gladia_spec_json()["components"].clone();
    close_objects(&mut components);
    let schema = json!({
        "$ref": "#/components/schemas/DiarizationConfigDTO",
        "components": components,
    });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    assert!(validator.is_valid(&json!({"number_of_speakers": 2})));
    assert!(!validator.is_valid(&json!({"number_of_speakers": 0})));
    assert!(!validator.is_valid(&json!({"speakers": 2})));
}
