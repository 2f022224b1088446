//! Compiles the types generated from every construct spec (see `build.rs`): recursion, keywords,
//! maps, unions… must be valid Rust, not only look right in a snapshot. Generated code reaches
//! its helpers as `crate::wire` (and `crate::UnreadableItem`), so this crate imports the
//! runtime's `wire` module under that name, as gladia-api does.

use serde_json::{json, Value};

use gladia_api_runtime::wire;
// Page types name it at the crate root, as gladia-api re-exports it.
use gladia_api_runtime::UnreadableItem;

#[allow(dead_code, clippy::all)]
mod constructs {
    include!(concat!(env!("OUT_DIR"), "/constructs.rs"));
}

#[test]
fn every_construct_spec_generates_types_that_compile() {
    let specs: Vec<String> = gladia_tests::specs("constructs")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        constructs::COMPILED,
        specs.as_slice(),
        "a construct spec did not generate; `cargo test --test generator` says why"
    );
}

#[test]
fn gladias_published_document_generates_types_that_compile() {
    let Some(reference) = gladia_tests::shared("reference/gladia-openapi-2024.json") else {
        return;
    };
    assert!(
        constructs::REFERENCE_COMPILED,
        "{} did not generate; `cargo test --test generator` says why",
        reference.display()
    );
}

/// The written-out serde code of the construct types, against JSON: what serde's derive did for
/// these shapes, the generated impls must do too.
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(json: Value) -> T {
    let typed: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), json);
    typed
}

#[test]
fn optional_fields_are_left_out_and_required_nullable_ones_written_as_null() {
    use constructs::nullable::Job;
    let job: Job = round_trip(json!({"id": "j", "completed_at": null, "error_code": null}));
    assert_eq!((job.completed_at, job.started_at), (None, None));
    let job: Job = round_trip(json!({"id": "j", "completed_at": "2026-11-23T10:00:00Z",
        "error_code": 404, "started_at": "2026-11-23T09:00:00Z", "note": "n",
        "checkpoints": ["2026-11-23T09:30:00Z", "2026-11-23T09:45:00.5+01:00"]}));
    assert_eq!(job.completed_at.unwrap().hour(), 10);
    assert_eq!(job.checkpoints.unwrap()[1].offset().whole_hours(), 1);
    let error = serde_json::from_value::<Job>(json!({"completed_at": null, "error_code": 1}));
    assert_eq!(error.unwrap_err().to_string(), "missing field `id`");
}

#[test]
fn a_flattened_map_keeps_the_properties_the_spec_does_not_list() {
    let item: constructs::real_world::Item =
        round_trip(json!({"id": "i", "size": 2.5, "colour": "red", "shape": "round"}));
    assert_eq!(item.size, Some(2.5));
    assert_eq!(item.additional_properties.len(), 2);
    assert_eq!(item.additional_properties["colour"], "red");
}

#[test]
fn a_variants_tag_is_written_and_checked() {
    use constructs::discriminator::{Cat, Pet};
    let pet: Pet = round_trip(json!({"kind": "cat", "lives": 9}));
    assert_eq!(
        pet,
        Pet::Cat(Cat {
            lives: 9,
            additional_properties: Default::default()
        })
    );
    let error = |json| serde_json::from_value::<Cat>(json).unwrap_err().to_string();
    assert_eq!(
        error(json!({"kind": "dog", "lives": 9})),
        "invalid value: string \"dog\", expected `cat`"
    );
    assert_eq!(
        error(json!({"kind": 3, "lives": 9})),
        "invalid type: integer `3`, expected `cat`"
    );
    assert_eq!(error(json!({"lives": 9})), "missing field `kind`");
}

#[test]
fn each_tag_value_of_a_shared_member_is_its_own_variant() {
    use constructs::discriminator_shared_member::{Deleted, Event, ExportError};
    let users: Event = round_trip(json!({"type": "export.users.error", "error": "quota"}));
    let expected = ExportError {
        r#type: "export.users.error".into(),
        error: Some("quota".into()),
        additional_properties: Default::default(),
    };
    assert_eq!(users, Event::ExportUsersError(expected));
    let channels: Event = round_trip(json!({"type": "export.channels.error"}));
    assert!(matches!(channels, Event::ExportChannelsError(_)));
    let deleted: Event = round_trip(json!({"type": "channel.deleted"}));
    let deleted_type = "channel.deleted".into();
    assert_eq!(
        deleted,
        Event::ChannelDeleted(Deleted {
            r#type: deleted_type,
            additional_properties: Default::default(),
        })
    );
}

#[test]
fn loosely_written_keywords_read_as_meant() {
    use constructs::loose_keywords::{
        ReviewState, Settings, SettingsChannels, SettingsContentFilterItem,
    };
    let settings: Settings = round_trip(json!({
        "channels": 2, "ratio": 0.25, "level": 7, "content_filter": ["safe", "drugs"]
    }));
    assert_eq!(settings.channels, SettingsChannels::V2);
    let filters = settings.content_filter.unwrap();
    assert_eq!(filters[0], SettingsContentFilterItem::Safe);
    assert_eq!((settings.ratio, settings.level), (Some(0.25), Some(7)));
    let typed: Settings = round_trip(json!({
        "channels": 1, "address": "1 Main St", "count": 3, "review": "approved"
    }));
    assert_eq!(
        (typed.address.as_deref(), typed.count),
        (Some("1 Main St"), Some(3))
    );
    assert_eq!(typed.review, Some(ReviewState::Approved));
}

#[test]
fn a_header_that_holds_a_list_of_objects_is_its_json_text() {
    use constructs::header_list_of_objects::ThingsReplaceParams;
    use constructs::header_list_of_objects::ThingsReplacePutMetadataItem as Item;
    let item = Item {
        key: Some("*/a".into()),
        value: Some(json!({"n": 1})),
        additional_properties: Default::default(),
    };
    let params = ThingsReplaceParams {
        put_metadata: Some(vec![item]),
        tags: Some(vec!["x".into(), "y".into()]),
    };
    let pairs = params.to_header_pairs().unwrap();
    let metadata = r#"[{"key":"*/a","value":{"n":1}}]"#.to_owned();
    let tags = |tag: &str| ("tags", tag.to_owned());
    assert_eq!(pairs, [("put-metadata", metadata), tags("x"), tags("y")]);
}

#[test]
fn inline_union_members_are_named_by_their_title() {
    use constructs::untagged_oneof::{Source, SourceUpload};
    assert!(matches!(
        round_trip(json!("https://x.test/a.wav")),
        Source::Url(_)
    ));
    let upload: Source = round_trip(json!({"file_id": "f"}));
    let file_id = "f".to_owned();
    assert_eq!(
        upload,
        Source::Upload(SourceUpload {
            file_id,
            additional_properties: Default::default()
        })
    );
}

#[test]
fn swagger_2_leftovers_read_as_meant() {
    use constructs::swagger2_leftovers::{Feed, FeedSpec, FeedValue};
    let feed: Feed = round_trip(json!({"spec": "GTFS", "value": 2.5, "line": [1.5, 2.5]}));
    assert_eq!(feed.spec, Some(FeedSpec::Gtfs));
    assert_eq!(feed.value, Some(FeedValue::Number(2.5)));
    assert_eq!(feed.line.map(|line| line.len()), Some(2));
}

#[test]
fn json_headers_and_required_beside_a_reference() {
    use constructs::loose_parameters_and_refs::UploadsPostUploadMetadata as Metadata;
    use constructs::loose_parameters_and_refs::{
        UploadsPost200responseItem as Item, UploadsPostParams,
    };
    let params = UploadsPostParams {
        upload_metadata: Metadata {
            name_base64: Some("eA==".into()),
            additional_properties: Default::default(),
        },
        since: None,
    };
    let metadata = r#"{"name_base64":"eA=="}"#.to_owned();
    assert_eq!(
        params.to_header_pairs().unwrap(),
        [("Upload-Metadata", metadata)]
    );
    let route: Item = round_trip(json!({"id": "r", "stops": 3}));
    assert_eq!((route.id.as_str(), route.stops), ("r", 3));
    let missing = serde_json::from_value::<Item>(json!({"id": "r"})).unwrap_err();
    assert_eq!(missing.to_string(), "missing field `stops`");
}

#[test]
fn extensions_of_a_union_and_one_required_name() {
    use constructs::union_of_its_extensions::{Absolute, Relative};
    let relative: Relative = round_trip(json!({"type": "relative", "value": 3}));
    assert_eq!(relative.value, 3);
    let absolute: Absolute = round_trip(json!({"labels": ["a"]}));
    assert_eq!(absolute.labels, ["a"]);
    let missing = serde_json::from_value::<Absolute>(json!({"type": "absolute"})).unwrap_err();
    assert_eq!(missing.to_string(), "missing field `labels`");
}

#[test]
fn untagged_unions_take_the_first_variant_that_fits() {
    use constructs::untagged_oneof::{Deadline, VocabularyVocabularyItem as Item};
    assert!(matches!(round_trip(json!("word")), Item::String(_)));
    assert!(matches!(round_trip(json!({"value": "w"})), Item::Entry(_)));
    let deadline: Deadline = round_trip(json!("2026-11-23T10:00:00Z"));
    assert!(matches!(deadline, Deadline::DateTime(_)), "{deadline:?}");
    assert!(matches!(round_trip(json!(7)), Deadline::Integer(7)));
    let deadlines: Deadline = round_trip(json!(["2026-11-23T10:00:00Z"]));
    assert!(
        matches!(&deadlines, Deadline::Array(dates) if dates.len() == 1),
        "{deadlines:?}"
    );
}

#[test]
fn named_date_times_read_and_write_rfc_3339() {
    use constructs::date_times::{Holder, HolderWhen};
    let holder: Holder = round_trip(json!({
        "a": {"at": "2026-11-23T10:00:00Z", "history": ["2026-11-22T10:00:00+02:00"]},
        "when": "2026-11-24T08:00:00Z",
        "deadlines": {"draft": "2026-12-01T00:00:00Z"}
    }));
    assert_eq!(holder.a.history.unwrap()[0].offset().whole_hours(), 2);
    assert!(
        matches!(holder.when, Some(HolderWhen::Timestamp(_))),
        "{:?}",
        holder.when
    );
    assert_eq!(
        holder.deadlines.unwrap()["draft"].month(),
        time::Month::December
    );
    let calendar: constructs::date_times::Calendar =
        round_trip(json!({"name": "c", "launch": "2026-12-24T18:00:00Z"}));
    assert_eq!(calendar.additional_properties["launch"].day(), 24);
}

/// 3.1's nullable items and map values keep their `null`s, several types are a union that
/// takes each, Kubernetes' int-or-string takes both, and a type that is only `null` reads it.
#[test]
fn openapi_31_types_read_what_documents_send() {
    use constructs::openapi_31_types::{IntOrString, Job, JobId};
    let job: Job = round_trip(json!({
        "id": 7,
        "tags": ["a", null],
        "labels": {"x": 1, "y": null},
        "point": [1.5, "north"],
    }));
    assert_eq!(job.id, Some(JobId::Integer(7)));
    assert_eq!(job.tags, Some(vec![Some("a".to_owned()), None]));
    let labels = job.labels.unwrap();
    assert_eq!((labels["x"], labels["y"]), (Some(1), None));
    let job: Job = serde_json::from_value(json!({"gone": null})).unwrap();
    assert_eq!(job.gone, None);
    let id: JobId = serde_json::from_value(json!("j-1")).unwrap();
    assert_eq!(id, JobId::String("j-1".to_owned()));
    let surge: IntOrString = serde_json::from_value(json!("25%")).unwrap();
    assert_eq!(surge, IntOrString::String("25%".to_owned()));
    let surge: IntOrString = serde_json::from_value(json!(3)).unwrap();
    assert_eq!(surge, IntOrString::Integer(3));
}

/// Shared properties beside a union reach every member (untagged, the first that fits wins:
/// here every field is optional, so `A`); an inline discriminated member is picked by its tag.
#[test]
fn compositions_beside_keywords_decode_by_member() {
    use constructs::composition_beside_keywords::AorB;
    use constructs::discriminated_inline_members::Completion;
    let value: AorB = round_trip(json!({"kind": "k", "a": "ay"}));
    assert!(
        matches!(&value, AorB::A(a) if a.kind.as_deref() == Some("k") && a.a.as_deref() == Some("ay")),
        "{value:?}"
    );
    let completion: Completion = round_trip(json!({"object": "chat.completion", "tokens": 3}));
    assert!(
        matches!(&completion, Completion::ChatCompletion(c) if c.tokens == 3),
        "{completion:?}"
    );
}

/// A property marked `x-rust-lenient` is a `Result`: the value as its type where it fits, else
/// kept as received with where and why; the object decodes either way and writes both back.
/// A required one must be there, as any required field.
#[test]
fn a_lenient_property_keeps_a_value_of_another_shape() {
    use constructs::lenient_property::{Analysis as Outcome, Sentiment};
    let fits = json!({"id": "a", "required_sentiment": {"label": "positive"},
        "sentiment": {"label": "negative", "score": 0.2}, "plain": {"label": "neutral"}});
    let outcome: Outcome = round_trip(fits);
    let Ok(Sentiment { label, .. }) = outcome.required_sentiment else {
        panic!("decoded as its type: {:?}", outcome.required_sentiment);
    };
    assert_eq!(label, "positive");
    assert!(matches!(outcome.sentiment, Some(Ok(ref s)) if s.score == Some(0.2)));
    // `score` is a number, not a named type: its mark is ignored (and warned), it stays an f64.
    let score: Option<f64> = outcome.score;
    assert_eq!(score, None);

    let odd = json!({"id": "b", "required_sentiment": ["positive", 0.9],
        "sentiment": {"score": 0.5}});
    let outcome: Outcome = round_trip(odd.clone());
    let Err(kept) = &outcome.required_sentiment else {
        panic!("kept as received: {:?}", outcome.required_sentiment);
    };
    assert_eq!(kept.json, odd["required_sentiment"]);
    let Some(Err(kept)) = &outcome.sentiment else {
        panic!("kept as received: {:?}", outcome.sentiment);
    };
    assert_eq!(
        (kept.path.as_str(), kept.reason.as_str()),
        (".", "missing field `label`")
    );
    assert!(serde_json::from_value::<Outcome>(json!({"id": "c"})).is_err());
}
