//! Receives Gladia's webhooks: checks each request's Svix signature, decodes the event, prints
//! it, and answers 204 (400 to a request that fails the check).
//!
//! ```sh
//! GLADIA_WEBHOOK_SECRET=whsec_... cargo run -p gladia-api --features webhook \
//!     --example webhook_receiver -- 127.0.0.1:3000
//! ```
//!
//! Then point the dashboard's webhook at `https://<your host>/webhook`, or send it a request
//! signed by Svix's own library (`pip install svix`):
//!
//! ```sh
//! python3 tests/webhook/send_signed.py http://127.0.0.1:3000/webhook "$GLADIA_WEBHOOK_SECRET"
//! ```
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use gladia_api::webhook::{Verifier, WebhookError, WebhookEvent};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("GLADIA_WEBHOOK_SECRET")
        .map_err(|_| "set GLADIA_WEBHOOK_SECRET to the endpoint's secret (whsec_...)")?;
    let verifier = Arc::new(Verifier::new(&secret)?);
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());

    let app = Router::new()
        .route("/webhook", post(receive))
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("listening on http://{}/webhook", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

/// The body as bytes, exactly as received: the signature covers them, not a re-encoding.
async fn receive(
    State(verifier): State<Arc<Verifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match verifier.verify_event(&headers, &body) {
        Ok(event) => {
            let id = headers
                .get("svix-id")
                .and_then(|id| id.to_str().ok())
                .unwrap_or("?");
            match event {
                // Act on the job's id only: fetch the job (`client.pre_recorded().get(id)`)
                // for its result.
                WebhookEvent::TranscriptionSuccess(event) => {
                    println!("{id}: job {} is done", event.payload.id);
                }
                WebhookEvent::TranscriptionError(event) => {
                    println!("{id}: job {} failed", event.payload.id);
                }
                WebhookEvent::LiveEndSession(event) => {
                    println!("{id}: session {} ended", event.payload.id);
                }
                other => println!("{id}: an event this version does not know: {other:?}"),
            }
            // Answer quickly: Svix retries a webhook that is not answered with a 2xx.
            StatusCode::NO_CONTENT
        }
        Err(error) => {
            // Print the whole chain: the cause (serde's, for a body) is in `source()`.
            let mut line = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                line.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            eprintln!("refused: {line}");
            match error {
                WebhookError::Body(_) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::BAD_REQUEST,
            }
        }
    }
}
