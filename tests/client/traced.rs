//! With the feature `tracing`, the spans of a request that is retried and of a live session that
//! reconnects, collected by a subscriber written here: their fields are there, and no key or
//! token is anywhere in what any test of this binary had traced.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, OnceLock};

use futures_util::StreamExt;
use gladia_api::LiveOptions;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use super::live::{all_events, fast, finish, receive_audio, ws_server, TOKEN};
use super::*;

/// A span or an event, with its fields as their `Debug` text.
#[derive(Debug, Clone, Default)]
struct Traced {
    name: String,
    parent: Option<u64>,
    fields: HashMap<String, String>,
}

impl Visit for Traced {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        self.fields.insert(field.name().to_owned(), text);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.fields
            .insert(field.name().to_owned(), value.to_owned());
    }
}

#[derive(Default)]
struct Collector {
    next: AtomicU64,
    spans: Mutex<HashMap<u64, Traced>>,
    events: Mutex<Vec<Traced>>,
}

impl Subscriber for Collector {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut span = Traced {
            name: attributes.metadata().name().to_owned(),
            ..Traced::default()
        };
        attributes.record(&mut span);
        self.spans.lock().unwrap().insert(id, span);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(span) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(span);
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut traced = Traced {
            name: event.metadata().name().to_owned(),
            parent: event.parent().map(Id::into_u64),
            ..Traced::default()
        };
        event.record(&mut traced);
        self.events.lock().unwrap().push(traced);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The one collector of this test binary, installed by the first test that asks.
fn collector() -> &'static Arc<Collector> {
    static COLLECTOR: OnceLock<Arc<Collector>> = OnceLock::new();
    COLLECTOR.get_or_init(|| {
        let collector = Arc::new(Collector::default());
        tracing::subscriber::set_global_default(collector.clone()).unwrap();
        collector
    })
}

/// The span named `name` whose `field` reads `value`, with its id.
fn span_where(name: &str, field: &str, value: &str) -> (u64, Traced) {
    let spans = collector().spans.lock().unwrap();
    let found = spans.iter().find(|(_, span)| {
        span.name == name && span.fields.get(field).map(String::as_str) == Some(value)
    });
    let (id, span) = found.unwrap_or_else(|| panic!("no {name} span with {field} = {value}"));
    (*id, span.clone())
}

/// Everything traced so far, as text.
fn everything() -> String {
    let spans = collector().spans.lock().unwrap();
    let events = collector().events.lock().unwrap();
    format!("{:?} {:?}", spans.values().collect::<Vec<_>>(), *events)
}

#[tokio::test]
async fn a_retried_request_has_a_span_with_its_fields() {
    collector();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ok_json(job(JOB_ID, "done")).insert_header("x-request-id", "trace-req-1"))
        .mount(&server)
        .await;
    client(&server).pre_recorded().get(JOB_ID).await.unwrap();

    let (id, span) = span_where("request", "request_id", "trace-req-1");
    assert_eq!(span.fields["method"], "GET");
    assert_eq!(span.fields["path"], "/v2/pre-recorded/{id}");
    assert_eq!(span.fields["status"], "200");
    assert_eq!(span.fields["retries"], "1");
    assert!(
        span.fields["duration_ms"].parse::<u64>().is_ok(),
        "{span:?}"
    );
    let events = collector().events.lock().unwrap();
    let retries: Vec<_> = events.iter().filter(|e| e.parent == Some(id)).collect();
    assert_eq!(retries.len(), 1, "{retries:?}");
    assert_eq!(retries[0].fields["status"], "503");
    drop(events);
    let traced = everything();
    assert!(
        !traced.contains(KEY) && !traced.contains(JOB_ID),
        "{traced}"
    );
}

#[tokio::test]
async fn a_reconnecting_live_session_has_a_span_with_its_fields() {
    collector();
    const TRACED_SESSION: &str = "7d0c3f6e-tracing-session";
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    let ws = ws_server(move |connection, mut socket| {
        let kept = kept.clone();
        async move {
            if connection == 0 {
                // The first audio frame, unacknowledged, then a close worth another try.
                socket.next().await;
                let close = CloseFrame {
                    code: CloseCode::Error,
                    reason: "restarting".into(),
                };
                let _ = socket.close(Some(close)).await;
                return;
            }
            if receive_audio(&mut socket, &kept, None).await {
                finish(&mut socket).await;
            }
        }
    })
    .await;
    let url = format!("ws://{ws}/v2/live?token={TOKEN}");
    let session = Client::new(KEY)
        .unwrap()
        .live()
        .join(
            TRACED_SESSION,
            &url,
            &InitLiveSessionRequest::default(),
            fast(LiveOptions::default()),
        )
        .await
        .unwrap();
    let (sender, events) = session.split();
    let audio = vec![3u8; 3200];
    sender.send_audio(audio.clone()).await.unwrap();
    sender.stop_recording().await.unwrap();
    let events = all_events(events).await;
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    assert_eq!(*received.lock().unwrap(), audio);

    let (id, span) = span_where("live_session", "session_id", TRACED_SESSION);
    assert_eq!(span.fields["connects"], "2", "{span:?}");
    assert_eq!(span.fields["reconnects"], "1", "{span:?}");
    assert_eq!(span.fields["close_code"], "1011", "{span:?}");
    assert_eq!(span.fields["bytes_sent"], "6400", "{span:?}");
    assert_eq!(span.fields["bytes_acknowledged"], "3200", "{span:?}");
    let events = collector().events.lock().unwrap();
    let reconnecting = events
        .iter()
        .find(|e| {
            e.parent == Some(id) && e.fields.get("message").is_some_and(|m| m == "reconnecting")
        })
        .expect("a reconnecting event");
    assert_eq!(reconnecting.fields["close_code"], "1011");
    assert!(reconnecting.fields["reason"].contains("restarting"));
    drop(events);
    let traced = everything();
    assert!(!traced.contains(KEY) && !traced.contains(TOKEN), "{traced}");
}
