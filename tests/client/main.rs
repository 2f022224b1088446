//! The client against real HTTP servers on 127.0.0.1 (wiremock): what each endpoint function
//! sends, how answers and failures come back, retries, redirects, paging, waiting and uploads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use gladia_api::types::*;
use gladia_api::{
    AudioSource, Client, Error, JobFailed, RetryPolicy, TimeoutKind, UploadFile, WaitOptions,
};
use gladia_tests::{example, fixture};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "test-key-5f1c";
const JOB_ID: &str = "45463597-20b7-4af7-b3b3-f5fb778203ab";

/// Retries without the waiting, so that tests count attempts, not seconds.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    client_retrying(server, fast_retries())
}

fn client_retrying(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(KEY)
        .base_url(server.uri())
        .retry(retry)
        .build()
        .unwrap()
}

fn job(id: &str, status: &str) -> Value {
    let mut job = fixture("pre_recorded_job.json");
    job["id"] = json!(id);
    job["status"] = json!(status);
    job
}

/// The raw query string, to check order and repetition, which matchers on single keys cannot.
fn query_is(expected: &'static str) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    move |request: &Request| request.url.query() == Some(expected)
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn every_endpoint_sends_what_the_spec_says() {
    if gladia_tests::shared("reference/gladia-openapi-2026-08-19.json").is_none() {
        return;
    }
    let server = MockServer::start().await;
    let client = client(&server);
    let keyed = || header("x-gladia-key", KEY);
    let page =
        |items: Vec<Value>| json!({"first": "f", "current": "c", "next": null, "items": items});

    Mock::given(method("POST"))
        .and(path("/v2/upload"))
        .and(keyed())
        .and(body_json(json!({"audio_url": "https://example.com/a.mp3"})))
        .respond_with(ok_json(example("AudioUploadResponse")))
        .expect(1)
        .mount(&server)
        .await;
    let uploaded = client
        .upload()
        .url(&UploadUrlBody::new("https://example.com/a.mp3"))
        .await
        .unwrap();
    assert!(!uploaded.audio_url.is_empty());

    let request = InitTranscriptionRequest {
        diarization: Some(true),
        custom_metadata: Some(serde_json::Map::from_iter([("user".into(), json!("ada"))])),
        ..InitTranscriptionRequest::new("https://example.com/a.mp3")
    };
    Mock::given(method("POST"))
        .and(path("/v2/pre-recorded"))
        .and(keyed())
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::to_value(&request).unwrap()))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": JOB_ID, "result_url": "https://x/v2/pre-recorded/1"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let created = client.pre_recorded().create(&request).await.unwrap();
    assert_eq!(created.id, JOB_ID);

    Mock::given(method("GET"))
        .and(path("/v2/pre-recorded"))
        .and(keyed())
        .and(query_is(
            "limit=5&status=done&status=error&custom_metadata=%7B%22user%22%3A%7B%22id%22%3A1%7D%7D",
        ))
        .respond_with(ok_json(page(vec![job(JOB_ID, "done")])))
        .expect(1)
        .mount(&server)
        .await;
    let query = PreRecordedListQuery {
        limit: Some(5),
        status: Some(vec![TranscriptionStatus::Done, TranscriptionStatus::Error]),
        custom_metadata: Some(serde_json::Map::from_iter([(
            "user".into(),
            json!({"id": 1}),
        )])),
        ..Default::default()
    };
    let listed = client.pre_recorded().list(&query).await.unwrap();
    assert_eq!(listed.items[0].as_ref().unwrap().id, JOB_ID);

    for (resource, item) in [
        ("pre-recorded", job(JOB_ID, "done")),
        ("transcription", job(JOB_ID, "done")),
        ("live", example("StreamingResponse")),
    ] {
        let item_path = format!("/v2/{resource}/{JOB_ID}");
        Mock::given(method("GET"))
            .and(path(item_path.as_str()))
            .and(keyed())
            .respond_with(ok_json(item))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path(item_path.as_str()))
            .and(keyed())
            .respond_with(ResponseTemplate::new(202))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("{item_path}/file")))
            .and(keyed())
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(format!("audio of {resource}"), "audio/mpeg"),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let fetched = client.pre_recorded().get(JOB_ID).await.unwrap();
    assert_eq!(fetched.status, TranscriptionStatus::Done);
    client.pre_recorded().delete(JOB_ID).await.unwrap();
    let audio = client.pre_recorded().audio(JOB_ID).await.unwrap();
    assert_eq!(audio.content_type(), Some("audio/mpeg"));
    assert_eq!(&audio.bytes().await.unwrap()[..], b"audio of pre-recorded");

    let item = client.transcriptions().get(JOB_ID).await.unwrap();
    assert!(matches!(item, TranscriptionItem::PreRecorded(_)));
    client.transcriptions().delete(JOB_ID).await.unwrap();
    let mut written = Vec::new();
    let audio = client.transcriptions().audio(JOB_ID).await.unwrap();
    audio.write_to(&mut written).await.unwrap();
    assert_eq!(written, b"audio of transcription");

    client.live().get(JOB_ID).await.unwrap();
    client.live().delete(JOB_ID).await.unwrap();
    let folder = scratch("download");
    let target = folder.join("live.mp3");
    let bytes = client
        .live()
        .audio(JOB_ID)
        .await
        .unwrap()
        .save(&target)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"audio of live");
    assert_eq!(bytes, 13);
    // Only the finished file is left: the partial one was renamed.
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);

    Mock::given(method("GET"))
        .and(path("/v2/transcription"))
        .and(query_is(
            "after_date=2026-02-19T14%3A55%3A21Z&kind=live&kind=pre-recorded",
        ))
        .respond_with(ok_json(page(vec![job(JOB_ID, "queued")])))
        .expect(1)
        .mount(&server)
        .await;
    let query = TranscriptionsListQuery {
        kind: Some(vec![
            TranscriptionKind::Live,
            TranscriptionKind::PreRecorded,
        ]),
        after_date: Some(time::macros::datetime!(2026-02-19 14:55:21 UTC)),
        ..Default::default()
    };
    assert_eq!(
        client
            .transcriptions()
            .list(&query)
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    Mock::given(method("GET"))
        .and(path("/v2/live"))
        .and(query_is("offset=10&date=2026-02-19"))
        .respond_with(ok_json(page(vec![])))
        .expect(1)
        .mount(&server)
        .await;
    let query = LiveListQuery {
        offset: Some(10),
        date: Some(time::macros::date!(2026 - 02 - 19)),
        ..Default::default()
    };
    assert!(client.live().list(&query).await.unwrap().items.is_empty());

    let session = InitLiveSessionRequest {
        encoding: Some(LiveEncoding::WavPcm),
        sample_rate: Some(LiveSampleRate::V16000),
        ..Default::default()
    };
    Mock::given(method("POST"))
        .and(path("/v2/live"))
        .and(query_param("region", "us-west"))
        .and(body_json(
            json!({"encoding": "wav/pcm", "sample_rate": 16000}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(example("InitStreamingResponse")))
        .expect(1)
        .mount(&server)
        .await;
    let query = LiveInitQuery {
        region: Some(LiveRegion::UsWest),
    };
    client.live().init(&query, &session).await.unwrap();

    let user_agent = format!("gladia-api-rust/{}", env!("CARGO_PKG_VERSION"));
    for request in requests(&server).await {
        assert_eq!(request.headers["user-agent"], user_agent.as_str());
        assert_eq!(request.headers["x-gladia-key"], KEY);
    }
}

#[tokio::test]
async fn each_error_status_becomes_an_api_error_with_its_fields() {
    let server = MockServer::start().await;
    let client = client_retrying(&server, RetryPolicy::none());
    for status in [400u16, 401, 403, 404, 422, 500] {
        let id = format!("job-{status}");
        let body = json!({
            "timestamp": "2023-12-28T09:04:17.210Z",
            "path": format!("/v2/pre-recorded/{id}"),
            "request_id": "G-821fe9df",
            "statusCode": status,
            "message": "Invalid parameter",
            "validation_errors": ["Field \"language\" must be a string"],
        });
        Mock::given(method("GET"))
            .and(path(format!("/v2/pre-recorded/{id}")))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let error = client.pre_recorded().get(&id).await.unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{status}: expected an API error, got {error:?}");
        };
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.message.as_deref(), Some("Invalid parameter"));
        assert_eq!(api.request_id.as_deref(), Some("G-821fe9df"));
        assert_eq!(
            api.validation_errors,
            ["Field \"language\" must be a string"]
        );
        assert_eq!(serde_json::from_str::<Value>(&api.body).unwrap(), body);
        if status == 422 {
            assert_eq!(
                error.to_string(),
                "422 Unprocessable Entity (request G-821fe9df): Invalid parameter: \
                 Field \"language\" must be a string"
            );
            let typed: UnprocessableEntityErrorResponse = api.decode_body().unwrap();
            assert_eq!(typed.request_id, "G-821fe9df");
        }
        assert!(!error.to_string().contains(KEY));
    }
    // A proxy's HTML page still gives a readable error.
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .mount(&server)
        .await;
    let error = client.live().delete(JOB_ID).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "502 Bad Gateway: <html>bad gateway</html>"
    );
}

#[tokio::test]
async fn get_is_retried_on_5xx_408_and_429() {
    let server = MockServer::start().await;
    for status in [503, 408, 429] {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .respond_with(ok_json(job(JOB_ID, "done")))
        .mount(&server)
        .await;
    let client = client_retrying(&server, fast_retries().max_attempts(4));
    client.pre_recorded().get(JOB_ID).await.unwrap();
    assert_eq!(requests(&server).await.len(), 4);
}

#[tokio::test]
async fn attempts_stop_at_the_policy_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let error = client(&server)
        .pre_recorded()
        .get(JOB_ID)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(requests(&server).await.len(), 3);

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let once = client_retrying(&server, RetryPolicy::none());
    once.pre_recorded().get(JOB_ID).await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn post_is_retried_on_429_but_never_on_5xx() {
    let server = MockServer::start().await;
    let request = InitTranscriptionRequest::new("https://example.com/a.mp3");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .pre_recorded()
        .create(&request)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(requests(&server).await.len(), 1);

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": JOB_ID, "result_url": "u"})),
        )
        .mount(&server)
        .await;
    client(&server)
        .pre_recorded()
        .create(&request)
        .await
        .unwrap();
    assert_eq!(requests(&server).await.len(), 2);
}

/// The computed backoff here is an hour: only by honouring `Retry-After` can the call finish.
#[tokio::test]
async fn retry_after_in_seconds_or_as_a_date_sets_the_delay() {
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(60));
    for retry_after in ["0".to_owned(), past] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(429).insert_header("retry-after", retry_after.as_str()),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ok_json(job(JOB_ID, "done")))
            .mount(&server)
            .await;
        let client = client_retrying(
            &server,
            RetryPolicy::default()
                .max_attempts(2)
                .initial_delay(Duration::from_secs(3600))
                .max_delay(Duration::from_secs(3600)),
        );
        tokio::time::timeout(Duration::from_secs(30), client.pre_recorded().get(JOB_ID))
            .await
            .unwrap_or_else(|_| panic!("Retry-After `{retry_after}` was not honoured"))
            .unwrap();
        assert_eq!(requests(&server).await.len(), 2);
    }
}

#[tokio::test]
async fn a_slow_server_gives_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_json(job(JOB_ID, "done")).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.pre_recorded().get(JOB_ID).await.unwrap_err();
    assert!(
        matches!(&error, Error::Timeout { operation, .. } if operation == "GET /v2/pre-recorded/{id}"),
        "{error:?}"
    );
    // A timeout is the caller's limit: it is not retried.
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(fast_retries())
        .build()
        .unwrap();
    let error = client.pre_recorded().get(JOB_ID).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error
        .to_string()
        .starts_with("GET /v2/pre-recorded/{id} failed"));
    assert!(!error.to_string().contains(KEY) && !format!("{error:?}").contains(KEY));
}

#[tokio::test]
async fn a_redirect_to_another_host_drops_the_credentials() {
    let other = MockServer::builder()
        .listener(std::net::TcpListener::bind("127.0.0.2:0").unwrap())
        .start()
        .await;
    Mock::given(method("GET"))
        .respond_with(ok_json(job(JOB_ID, "done")))
        .mount(&other)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/pre-recorded/moved-here"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("http://{}/elsewhere", other.address()).as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/pre-recorded/{JOB_ID}")))
        .respond_with(
            ResponseTemplate::new(301).insert_header("location", "/v2/pre-recorded/moved-here"),
        )
        .mount(&server)
        .await;
    let client = Client::builder(KEY)
        .base_url(server.uri())
        .header("authorization", "Bearer proxy-token")
        .header("proxy-authorization", "Basic cHJveHk6cHc=")
        .header("cookie", "session=s3cret")
        .header("x-trace", "t-1")
        .build()
        .unwrap();
    client.pre_recorded().get(JOB_ID).await.unwrap();

    let credentials = [
        "x-gladia-key",
        "authorization",
        "proxy-authorization",
        "cookie",
    ];
    // Same origin: everything follows the redirect.
    let here = requests(&server).await;
    assert_eq!(here.len(), 2);
    for request in &here {
        assert_eq!(request.headers["x-gladia-key"], KEY);
        assert!(credentials
            .iter()
            .all(|name| request.headers.contains_key(*name)));
    }
    // Another host: the credentials stay home; other headers follow.
    let there = requests(&other).await;
    assert_eq!(there.len(), 1);
    assert_eq!(there[0].url.path(), "/elsewhere");
    let host = there[0].headers["host"].to_str().unwrap();
    assert!(host.starts_with("127.0.0.2:"), "{host}");
    for name in credentials {
        assert!(
            !there[0].headers.contains_key(name),
            "{name} followed the redirect"
        );
    }
    assert_eq!(there[0].headers["x-trace"], "t-1");
}

#[tokio::test]
async fn a_redirect_loop_ends_as_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v2/live/again"))
        .mount(&server)
        .await;
    let error = client(&server).live().get(JOB_ID).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(
        requests(&server).await.len(),
        11,
        "the first request and 10 redirects"
    );
}

#[tokio::test]
async fn list_all_follows_next_links_across_three_pages() {
    let server = MockServer::start().await;
    let base = server.uri();
    let pages = [
        (None, vec!["a", "b"], Some("offset=2&limit=2")),
        (
            Some("offset=2&limit=2"),
            vec!["c", "d"],
            Some("offset=4&limit=2"),
        ),
        (Some("offset=4&limit=2"), vec!["e"], None),
    ];
    for (query, ids, next) in pages {
        let body = json!({
            "first": format!("{base}/v2/pre-recorded?offset=0&limit=2"),
            "current": format!("{base}/v2/pre-recorded"),
            // The server may name itself differently: only path and query are followed.
            "next": next.map(|n| format!("https://internal.gladia.example/v2/pre-recorded?{n}")),
            "items": ids.iter().map(|id| job(id, "done")).collect::<Vec<_>>(),
        });
        let expected = query.unwrap_or("limit=2");
        Mock::given(method("GET"))
            .and(path("/v2/pre-recorded"))
            .and(move |request: &Request| request.url.query() == Some(expected))
            .respond_with(ok_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let query = PreRecordedListQuery {
        limit: Some(2),
        ..Default::default()
    };
    let jobs: Vec<PreRecordedResponse> = client(&server)
        .pre_recorded()
        .list_all(&query)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn wait_ends_with_the_done_job_or_the_failed_job_error() {
    let server = MockServer::start().await;
    for status in ["queued", "processing"] {
        Mock::given(method("GET"))
            .and(path("/v2/pre-recorded/ok"))
            .respond_with(ok_json(job("ok", status)))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/v2/pre-recorded/ok"))
        .respond_with(ok_json(job("ok", "done")))
        .mount(&server)
        .await;
    let mut failed = job("bad", "error");
    failed["error_code"] = json!(422);
    Mock::given(method("GET"))
        .and(path("/v2/pre-recorded/bad"))
        .respond_with(ok_json(failed))
        .mount(&server)
        .await;
    let options = WaitOptions::default().interval(Duration::from_millis(5));
    let client = client(&server);
    let done = client.pre_recorded().wait("ok", &options).await.unwrap();
    assert_eq!(done.status, TranscriptionStatus::Done);
    assert_eq!(requests(&server).await.len(), 3);

    let error = client
        .pre_recorded()
        .wait("bad", &options)
        .await
        .unwrap_err();
    assert!(
        matches!(error.service_error::<JobFailed>(),
            Some(JobFailed { id, error_code: Some(422), .. }) if id == "bad"),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "job bad failed with error code 422");
}

#[tokio::test]
async fn wait_gives_up_at_its_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_json(job("slow", "processing")))
        .mount(&server)
        .await;
    let options = WaitOptions::default()
        .interval(Duration::from_millis(20))
        .deadline(Duration::from_millis(50));
    let error = client(&server)
        .pre_recorded()
        .wait("slow", &options)
        .await
        .unwrap_err();
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Wait), "{error:?}");
    assert_eq!(error.to_string(), "job slow: not over within 50ms");
}

/// A job that is processing for the first `polls` polls, and done after.
async fn done_after(server: &MockServer, id: &str, polls: u64) {
    Mock::given(method("GET"))
        .respond_with(ok_json(job(id, "processing")))
        .up_to_n_times(polls)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ok_json(job(id, "done")))
        .mount(server)
        .await;
}

#[tokio::test]
async fn wait_polls_once_more_at_its_deadline() {
    let server = MockServer::start().await;
    done_after(&server, "late", 2).await;
    // Polls at 0 and 1 s; the next pause would end past the deadline, so the third poll is at
    // the deadline itself, and finds the job done. The first two round trips have 800 ms
    // between them and the deadline: enough on a loaded machine.
    let options = WaitOptions::default()
        .interval(Duration::from_millis(1000))
        .backoff(1.0)
        .deadline(Duration::from_millis(1800));
    let done = client(&server).pre_recorded().wait("late", &options).await;
    assert_eq!(done.unwrap().status, TranscriptionStatus::Done);
    assert_eq!(requests(&server).await.len(), 3);
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("client-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Deterministic bytes that are not a repeated pattern, so a misplaced chunk shows.
fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[tokio::test]
async fn an_upload_of_a_few_mib_arrives_byte_identical() {
    if gladia_tests::shared("reference/gladia-openapi-2026-08-19.json").is_none() {
        return;
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/upload"))
        .respond_with(ok_json(example("AudioUploadResponse")))
        .mount(&server)
        .await;
    let data = noise(3 * 1024 * 1024 + 17);
    let file = scratch("upload").join("meeting.wav");
    std::fs::write(&file, &data).unwrap();
    let reported = Arc::new(AtomicU64::new(0));
    let seen = reported.clone();
    let upload = UploadFile::path(&file).on_progress(move |sent, total| {
        assert_eq!(total, data_len());
        seen.store(sent, Ordering::SeqCst);
    });
    fn data_len() -> u64 {
        3 * 1024 * 1024 + 17
    }
    client(&server).upload().file(upload).await.unwrap();
    assert_eq!(reported.load(Ordering::SeqCst), data.len() as u64);

    let received = &requests(&server).await[0];
    let content_type = received.headers["content-type"].to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let body = &received.body;
    let head = find(body, b"\r\n\r\n").unwrap() + 4;
    let headers = String::from_utf8_lossy(&body[..head]);
    assert!(
        headers.contains("name=\"audio\"; filename=\"meeting.wav\""),
        "{headers}"
    );
    assert!(headers.contains("audio/wav"), "{headers}");
    let tail = format!("\r\n--{boundary}--\r\n");
    assert!(body.ends_with(tail.as_bytes()));
    assert!(
        body[head..body.len() - tail.len()] == data[..],
        "the file arrived changed"
    );
}

#[tokio::test]
async fn transcribe_uploads_starts_and_waits() {
    if gladia_tests::shared("reference/gladia-openapi-2026-08-19.json").is_none() {
        return;
    }
    let server = MockServer::start().await;
    let mut uploaded = example("AudioUploadResponse");
    uploaded["audio_url"] = json!("https://api.gladia.io/file/6c09400e");
    Mock::given(method("POST"))
        .and(path("/v2/upload"))
        .respond_with(ok_json(uploaded))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/pre-recorded"))
        .and(body_json(json!({
            "audio_url": "https://api.gladia.io/file/6c09400e",
            "diarization": true,
        })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": JOB_ID, "result_url": "u"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/pre-recorded/{JOB_ID}")))
        .respond_with(ok_json(job(JOB_ID, "done")))
        .expect(1)
        .mount(&server)
        .await;
    let with_speakers = |audio_url| InitTranscriptionRequest {
        diarization: Some(true),
        ..InitTranscriptionRequest::new(audio_url)
    };
    let source = AudioSource::File(UploadFile::bytes("clip.mp3", vec![1u8, 2, 3]));
    let job = client(&server)
        .transcribe(source, with_speakers, &WaitOptions::default())
        .await
        .unwrap();
    assert_eq!(job.id, JOB_ID);
}

#[tokio::test]
async fn unknown_values_and_fields_in_answers_are_kept() {
    let server = MockServer::start().await;
    let mut newer = job(JOB_ID, "paused");
    newer["kind"] = json!("batch");
    newer["a_field_from_2030"] = json!({"x": 1});
    Mock::given(method("GET"))
        .respond_with(ok_json(newer))
        .mount(&server)
        .await;
    let job = client(&server).pre_recorded().get(JOB_ID).await.unwrap();
    assert_eq!(job.status, TranscriptionStatus::Unknown("paused".into()));
    assert_eq!(job.kind.as_str(), "batch");
}

#[tokio::test]
async fn a_body_that_does_not_fit_names_the_field() {
    let server = MockServer::start().await;
    let mut broken = job(JOB_ID, "done");
    broken["file"]["audio_duration"] = json!("long");
    Mock::given(method("GET"))
        .respond_with(ok_json(broken))
        .mount(&server)
        .await;
    let error = client(&server)
        .pre_recorded()
        .get(JOB_ID)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path, "file.audio_duration");
    assert!(decode.snippet.contains("\"long\""), "{}", decode.snippet);
    assert!(
        decode.reason.starts_with("invalid type"),
        "{}",
        decode.reason
    );
    assert!(error.to_string().starts_with(
        "unexpected response to GET /v2/pre-recorded/{id} at `file.audio_duration` (near `"
    ));
}

/// Error reporters (`anyhow`, `{:#}`) print an error, then each `source()` below it. Real
/// chains (a refused connection, a body that does not decode, a job that failed, a stall, an
/// error answer) say each cause once: no level repeats the text of one below it.
#[tokio::test]
async fn printed_error_chains_say_each_cause_once() {
    let server = MockServer::start().await;
    let mut broken = job("broken", "done");
    broken["file"]["audio_duration"] = json!("long");
    Mock::given(path("/v2/pre-recorded/broken"))
        .respond_with(ok_json(broken))
        .mount(&server)
        .await;
    let mut failed = job("failed", "error");
    failed["error_code"] = json!(500);
    Mock::given(path("/v2/pre-recorded/failed"))
        .respond_with(ok_json(failed))
        .mount(&server)
        .await;
    Mock::given(path("/v2/pre-recorded/gone"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                json!({"message": "Not found", "request_id": "G-1", "statusCode": 404}),
            ),
        )
        .mount(&server)
        .await;
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let nowhere = Client::builder(KEY)
        .base_url(refused)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let client = client(&server);
    let wait = WaitOptions::default().interval(Duration::from_millis(1));
    let errors = [
        nowhere.pre_recorded().get(JOB_ID).await.unwrap_err(),
        client.pre_recorded().get("broken").await.unwrap_err(),
        client
            .pre_recorded()
            .wait("failed", &wait)
            .await
            .unwrap_err(),
        client.pre_recorded().get("gone").await.unwrap_err(),
        nowhere
            .upload()
            .file(UploadFile::path("/nonexistent/meeting.mp3"))
            .await
            .unwrap_err(),
    ];
    let mut depths = Vec::new();
    for error in &errors {
        let mut levels = vec![error.to_string()];
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            levels.push(cause.to_string());
            source = cause.source();
        }
        let printed = levels.join(": ");
        for (depth, level) in levels.iter().enumerate() {
            // The start of a cause's text is enough to find it repeated above it (serde's
            // message repeated without its position, for one).
            let head: String = level.chars().take(24).collect();
            for above in &levels[..depth] {
                assert!(!above.contains(&head), "{head:?} said twice in {printed:?}");
            }
            assert_eq!(printed.matches(level.as_str()).count(), 1, "{printed:?}");
        }
        depths.push(levels.len());
    }
    // The transport, decode and I/O errors keep their causes; the job's and the answer's have
    // none.
    assert!(
        depths[0] > 2 && depths[1] == 2 && depths[4] == 2,
        "{depths:?}"
    );
    assert_eq!(
        errors[2].service_error::<JobFailed>().map(|f| f.error_code),
        Some(Some(500))
    );
    assert_eq!(
        errors[3].to_string(),
        "404 Not Found (request G-1): Not found"
    );
}

#[tokio::test]
async fn requests_the_server_would_refuse_are_not_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    let expect_invalid = |result: Result<(), Error>, field: &str, reason: &str| match result {
        Err(Error::InvalidRequest(invalid)) => {
            assert_eq!(invalid.field(), field);
            assert!(invalid.reason().contains(reason), "{}", invalid.reason());
        }
        other => panic!("expected an invalid request on `{field}`, got {other:?}"),
    };
    let query = PreRecordedListQuery {
        limit: Some(0),
        ..Default::default()
    };
    expect_invalid(
        client.pre_recorded().list(&query).await.map(drop),
        "limit",
        "at least 1",
    );

    let long = "x".repeat(2000);
    let query = TranscriptionsListQuery {
        custom_metadata: Some(serde_json::Map::from_iter([("note".into(), json!(long))])),
        ..Default::default()
    };
    expect_invalid(
        client.transcriptions().list(&query).await.map(drop),
        "custom_metadata",
        "the limit is 2000",
    );
    let first = client.transcriptions().list_all(&query).try_next().await;
    expect_invalid(first.map(drop), "custom_metadata", "the limit is 2000");

    let request = InitTranscriptionRequest {
        diarization_config: Some(DiarizationConfig {
            number_of_speakers: Some(0),
            ..Default::default()
        }),
        ..InitTranscriptionRequest::new("https://example.com/a.mp3")
    };
    expect_invalid(
        client.pre_recorded().create(&request).await.map(drop),
        "diarization_config.number_of_speakers",
        "at least 1",
    );
    expect_invalid(
        client.live().get("").await.map(drop),
        "id",
        "must not be empty",
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_callers_http_client_and_headers_are_used() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-trace", "abc"))
        .and(header("user-agent", "my-app/2"))
        .and(header("x-gladia-key", KEY))
        .respond_with(ok_json(job(JOB_ID, "done")))
        .expect(1)
        .mount(&server)
        .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = Client::builder(KEY)
        .base_url(server.uri())
        .http_client(http)
        .user_agent("my-app/2")
        .header("x-trace", "abc")
        .build()
        .unwrap();
    client.pre_recorded().get(JOB_ID).await.unwrap();
}

#[tokio::test]
async fn an_absurd_backoff_factor_is_capped_not_a_panic() {
    let server = MockServer::start().await;
    done_after(&server, "slow", 2).await;
    let options = WaitOptions::default()
        .interval(Duration::from_millis(1))
        .backoff(1e300)
        .max_interval(Duration::from_millis(5));
    let job = client(&server)
        .pre_recorded()
        .wait("slow", &options)
        .await
        .unwrap();
    assert_eq!(job.status, TranscriptionStatus::Done);
}

#[tokio::test]
async fn the_client_is_shared_across_tasks() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Client>();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_json(job(JOB_ID, "done")))
        .expect(4)
        .mount(&server)
        .await;
    let client = client(&server);
    // Endpoint futures are `Send`: they run on any worker thread.
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.pre_recorded().get(JOB_ID).await.map(|j| j.id) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), JOB_ID);
    }
}

#[test]
fn the_key_never_shows() {
    let client = Client::new(KEY).unwrap();
    assert!(!format!("{client:?}").contains(KEY));
    assert!(!format!("{:?}", Client::builder(KEY)).contains(KEY));
    assert_eq!(client.base_url().as_str(), "https://api.gladia.io/");
}

#[test]
fn bad_settings_are_refused_with_a_reason() {
    let error = |builder: gladia_api::ClientBuilder| builder.build().unwrap_err().to_string();
    assert!(error(Client::builder(" "))
        .starts_with("client configuration: the API key is empty (`no_api_key` sends none"));
    assert!(error(Client::builder("a\nb")).contains("HTTP header"));
    assert!(error(Client::builder(KEY).base_url("ftp://x")).contains("must be an http(s) URL"));
    assert!(error(Client::builder(KEY).base_url("not a url")).contains("is not a URL"));
    assert!(error(Client::builder(KEY).header("bad header", "v")).contains("not a valid header"));
}

/// No option value panics: the longest durations, the most attempts, a factor that is not a
/// number. The 503 names its retry delay, so the test does not wait for a computed one.
#[tokio::test]
async fn extreme_options_work_without_panics() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    done_after(&server, JOB_ID, 1).await;
    let retry = RetryPolicy::default()
        .max_attempts(u32::MAX)
        .initial_delay(Duration::MAX)
        .max_delay(Duration::MAX)
        .max_retry_after(Duration::MAX);
    let client = Client::builder(KEY)
        .base_url(server.uri())
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .retry(retry.clone())
        .build()
        .unwrap();
    let wait = WaitOptions::default()
        .interval(Duration::ZERO)
        .backoff(f64::NAN)
        .max_interval(Duration::MAX)
        .deadline(Duration::MAX);
    let done = client.pre_recorded().wait(JOB_ID, &wait).await.unwrap();
    assert_eq!(done.status, TranscriptionStatus::Done);
    for attempt in [1, 2, 63, u32::MAX] {
        retry.delay(attempt, None);
    }
}

/// A proxy in front of Gladia adds the key: the client sends none, and says so when built.
#[tokio::test]
async fn a_client_without_a_key_sends_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_json(job(JOB_ID, "done")))
        .mount(&server)
        .await;
    let client = Client::builder("")
        .no_api_key()
        .base_url(server.uri())
        .build()
        .unwrap();
    client.pre_recorded().get(JOB_ID).await.unwrap();
    let sent = requests(&server).await;
    assert!(
        sent[0].headers.get("x-gladia-key").is_none(),
        "{:?}",
        sent[0].headers
    );
}

mod field;
mod live;
mod live_gladia;
#[cfg(feature = "tracing")]
mod traced;

/// A `text/event-stream` answer read as typed events, as the functions generated for such
/// answers return them (`Download::events`; here on a binary endpoint of Gladia's whose server
/// answers with events): `data` lines joined, comments and other fields skipped, `[DONE]` ends
/// the stream, and an event whose data is not the type is a decode error naming the operation.
#[tokio::test]
async fn server_sent_events_arrive_typed() {
    let server = MockServer::start().await;
    let events =
        ": keep-alive\r\nevent: delta\ndata: {\"n\": 1}\n\ndata: {\"n\":\ndata:  2}\nid: 7\n\n\
                  data: [DONE]\n\ndata: {\"n\": 3}\n\n";
    for (id, body) in [(JOB_ID, events), ("bad", "data: {\"n\": \"x\"}")] {
        Mock::given(method("GET"))
            .and(path(format!("/v2/pre-recorded/{id}/file")))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let read = |id: &'static str| {
        let client = client.clone();
        async move {
            let download = client.pre_recorded().audio(id).await.unwrap();
            download
                .events::<std::collections::BTreeMap<String, u32>>()
                .try_collect::<Vec<_>>()
                .await
        }
    };
    let numbers: Vec<u32> = read(JOB_ID)
        .await
        .unwrap()
        .iter()
        .map(|event| event["n"])
        .collect();
    assert_eq!(numbers, [1, 2]);
    let error = read("bad").await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error}");
    assert!(error.to_string().contains("/file"), "{error}");
}
