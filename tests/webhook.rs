//! `gladia_api::webhook::Verifier` against messages signed by Svix's own library (its Python
//! package, through `webhook/svix_sign.py`), and Svix's library against messages the verifier
//! signs.
//!
//! The Python comes from `SVIX_PYTHON`, else the CI's venv (`target/ci-venv`, where `.ci/run`
//! installs svix), else `target/svix-venv`
//! (`python3 -m venv target/svix-venv && target/svix-venv/bin/pip install svix`). Without one
//! that imports svix, the tests fail under CI (`CI=true`) and are skipped elsewhere, saying so.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use gladia_api::types::WebhookTranscriptionSuccessPayload;
use gladia_api::webhook::{Verifier, WebhookError, WebhookEvent};
use serde_json::{json, Value};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A Python that imports svix, or `None` (and a note) where the tests may be skipped.
fn svix_python() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let candidates = std::env::var_os("SVIX_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain(["ci-venv", "svix-venv"].map(|venv| target.join(venv).join("bin/python")));
    for python in candidates {
        let imports = Command::new(&python)
            .args(["-c", "import svix"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if imports {
            return Some(python);
        }
    }
    let note = "no Python with svix (SVIX_PYTHON, target/ci-venv or target/svix-venv): \
                python3 -m venv target/svix-venv && target/svix-venv/bin/pip install svix";
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{note}");
    }
    eprintln!("SKIPPED: {note}");
    None
}

/// Runs `svix_sign.py` on one request; its answer.
fn svix(python: &PathBuf, request: Value) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("webhook/svix_sign.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run svix_sign.py");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "svix_sign.py failed");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn secret(seed: u8, length: usize) -> String {
    let key: Vec<u8> = (0..length)
        .map(|i| seed.wrapping_mul(31).wrapping_add(i as u8))
        .collect();
    format!("whsec_{}", BASE64.encode(key))
}

fn headers(id: &str, timestamp: i64, signature: &str) -> Vec<(String, String)> {
    vec![
        ("svix-id".into(), id.into()),
        ("svix-timestamp".into(), timestamp.to_string()),
        ("svix-signature".into(), signature.into()),
    ]
}

struct Message {
    secret: String,
    id: &'static str,
    timestamp: i64,
    body: Vec<u8>,
}

impl Message {
    fn sign_request(&self) -> Value {
        json!({
            "secret": self.secret,
            "id": self.id,
            "timestamp": self.timestamp,
            "body": BASE64.encode(&self.body),
        })
    }
}

#[test]
fn messages_signed_by_svix() {
    let Some(python) = svix_python() else { return };
    let key = secret(1, 32); // 32 bytes: base64 with padding
    let rotated = secret(2, 24); // 24 bytes: base64 without padding
    let now = now();
    let body = json!({
        "event": "transcription.success",
        "payload": {"id": "45463597-20b7-4af7-b3b3-f5fb778203ab"},
    })
    .to_string()
    .into_bytes();
    let messages = [
        // 0: fresh, with the endpoint's key.
        Message {
            secret: key.clone(),
            id: "msg_1",
            timestamp: now,
            body: body.clone(),
        },
        // 1: signed with another key.
        Message {
            secret: secret(3, 32),
            id: "msg_1",
            timestamp: now,
            body: body.clone(),
        },
        // 2, 3: ten minutes old, ten minutes ahead.
        Message {
            secret: key.clone(),
            id: "msg_2",
            timestamp: now - 600,
            body: body.clone(),
        },
        Message {
            secret: key.clone(),
            id: "msg_3",
            timestamp: now + 600,
            body: body.clone(),
        },
        // 4: the rotated key, given to svix without its `whsec_` prefix or padding.
        Message {
            secret: rotated
                .trim_start_matches("whsec_")
                .trim_end_matches('=')
                .to_owned(),
            id: "msg_1",
            timestamp: now,
            body: body.clone(),
        },
        // 5: a body that is not UTF-8, and one of every byte value.
        Message {
            secret: key.clone(),
            id: "msg_4",
            timestamp: now,
            body: (0..=255).collect(),
        },
    ];
    let answer = svix(
        &python,
        json!({"sign": messages.iter().map(Message::sign_request).collect::<Vec<_>>()}),
    );
    let signatures: Vec<String> = serde_json::from_value(answer["signatures"].clone()).unwrap();
    let verifier = Verifier::new(&key).unwrap();
    let check = |index: usize, body: &[u8]| {
        let m = &messages[index];
        verifier.verify_bytes(&headers(m.id, m.timestamp, &signatures[index]), body)
    };

    // Valid: verified and decoded, generically and as Gladia's event.
    let h = headers("msg_1", now, &signatures[0]);
    let payload: WebhookTranscriptionSuccessPayload = verifier.verify(&h, &body).unwrap();
    assert!(matches!(
        verifier.verify_event(&h, &body).unwrap(),
        WebhookEvent::TranscriptionSuccess(event) if event == payload
    ));
    // The verifier signs as svix does.
    assert_eq!(verifier.sign("msg_1", now, &body), signatures[0]);

    // Tampered body: one byte changed, one added, the JSON re-encoded with spaces.
    let mut changed = body.clone();
    changed[10] ^= 1;
    let mut longer = body.clone();
    longer.push(b'\n');
    let reencoded =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    for tampered in [changed, longer, reencoded] {
        let error = check(0, &tampered).unwrap_err();
        assert!(
            matches!(error, WebhookError::NoMatchingSignature),
            "{error}"
        );
    }
    // Wrong key.
    let error = check(1, &body).unwrap_err();
    assert!(
        matches!(error, WebhookError::NoMatchingSignature),
        "{error}"
    );
    // Old and future timestamps (beyond 5 minutes), accepted with a wider tolerance.
    let error = check(2, &body).unwrap_err();
    assert!(
        matches!(error, WebhookError::TimestampTooOld { .. }),
        "{error}"
    );
    let error = check(3, &body).unwrap_err();
    assert!(
        matches!(error, WebhookError::TimestampTooNew { .. }),
        "{error}"
    );
    let lax = Verifier::new(&key)
        .unwrap()
        .with_tolerance(Duration::from_secs(700));
    for index in [2, 3] {
        let m = &messages[index];
        lax.verify_bytes(&headers(m.id, m.timestamp, &signatures[index]), &body)
            .unwrap();
    }
    // Several signatures (a key being rotated): either verifier accepts the pair, in any order.
    let both = format!("{} {}", signatures[4], signatures[0]);
    let reversed = format!("{}  {}", signatures[0], signatures[4]);
    for verifier in [&verifier, &Verifier::new(&rotated).unwrap()] {
        for signature in [&both, &reversed] {
            verifier
                .verify_bytes(&headers("msg_1", now, signature), &body)
                .unwrap();
        }
    }
    // ...and a key that is neither refuses it.
    let error = Verifier::new(&secret(3, 32))
        .unwrap()
        .verify_bytes(&headers("msg_1", now, &both), &body)
        .unwrap_err();
    assert!(
        matches!(error, WebhookError::NoMatchingSignature),
        "{error}"
    );
    // Bytes that are not UTF-8 verify as they are; decoding them as JSON is a `Body` error.
    check(5, &messages[5].body).unwrap();
    let h5 = headers("msg_4", now, &signatures[5]);
    let error = verifier
        .verify::<Value, _>(&h5, &messages[5].body)
        .unwrap_err();
    assert!(matches!(error, WebhookError::Body(_)), "{error}");

    // Malformed headers around svix's valid signature.
    let (_, encoded) = signatures[0].split_once(',').unwrap();
    for (name, value) in [
        ("svix-signature", encoded.to_owned()),      // no version
        ("svix-signature", format!("v2,{encoded}")), // another version only
        ("svix-timestamp", format!("{now}.0")),
        ("svix-timestamp", "yesterday".to_owned()),
    ] {
        let mut h = headers("msg_1", now, &signatures[0]);
        h.iter_mut().find(|(key, _)| key == name).unwrap().1 = value.clone();
        let error = verifier.verify_bytes(&h, &body).unwrap_err();
        assert!(
            matches!(error, WebhookError::MalformedHeader { name: n, .. } if n == name),
            "{name}: {value}: {error}"
        );
    }
    // A changed id is another message.
    let error = verifier
        .verify_bytes(&headers("msg_2", now, &signatures[0]), &body)
        .unwrap_err();
    assert!(
        matches!(error, WebhookError::NoMatchingSignature),
        "{error}"
    );
    // Missing headers, each.
    for missing in ["svix-id", "svix-timestamp", "svix-signature"] {
        let h: Vec<_> = headers("msg_1", now, &signatures[0])
            .into_iter()
            .filter(|(key, _)| key != missing)
            .collect();
        let error = verifier.verify_bytes(&h, &body).unwrap_err();
        assert!(
            matches!(error, WebhookError::MissingHeader(n) if n == missing),
            "{error}"
        );
    }
    // A key that is not base64 is refused when the verifier is made.
    for bad in ["whsec_not*base64", "whsec_", "whsec_é"] {
        assert!(
            matches!(Verifier::new(bad), Err(WebhookError::InvalidSecret(_))),
            "{bad}"
        );
    }
}

#[test]
fn svix_verifies_what_the_verifier_signs() {
    let Some(python) = svix_python() else { return };
    let key = secret(4, 32);
    let verifier = Verifier::new(&key).unwrap();
    let now = now();
    let bodies: [&[u8]; 3] = [
        br#"{"event":"live.end_session","payload":{"id":"x"}}"#,
        b"",
        "é\u{1F600}".as_bytes(),
    ];
    let mut cases = Vec::new();
    for body in bodies {
        let signature = verifier.sign("msg_own", now, body);
        let h: serde_json::Map<String, Value> = headers("msg_own", now, &signature)
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        cases.push(json!({"secret": key, "headers": h, "body": BASE64.encode(body)}));
    }
    // And one svix must refuse: signed with another key.
    let other = Verifier::new(&secret(5, 32)).unwrap();
    let signature = other.sign("msg_own", now, bodies[0]);
    cases.push(json!({
        "secret": key,
        "headers": {"svix-id": "msg_own", "svix-timestamp": now.to_string(), "svix-signature": signature},
        "body": BASE64.encode(bodies[0]),
    }));
    let answer = svix(&python, json!({"verify": cases}));
    assert_eq!(
        answer["verified"],
        json!([null, null, null, "No matching signature found"])
    );
}
