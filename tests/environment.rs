//! `Client::from_env` reads the variables named after gladia-api (`GLADIA_API_KEY`,
//! `GLADIA_API_URL`), although the code that reads them is the runtime's, a crate of another
//! name: the generated code gives it the name. A test binary of its own, because it changes the
//! process's environment, which tests running beside it in threads could read. `GLADIA_REGION`
//! gives the region of the live sessions it starts, as in Gladia's SDKs.

use gladia_api::types::LiveRegion;
use gladia_api::{Client, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "env-key-93a1";

#[tokio::test]
async fn from_env_reads_gladia_api_key_and_url() {
    std::env::remove_var("GLADIA_API_KEY");
    std::env::remove_var("GLADIA_API_URL");
    match Client::from_env() {
        Err(Error::Config(message)) => {
            assert_eq!(message, "GLADIA_API_KEY is not set; it holds your API key")
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }

    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v2/pre-recorded/job-1"))
        .and(header("x-gladia-key", KEY))
        .and(|request: &Request| {
            let agent = request
                .headers
                .get("user-agent")
                .and_then(|v| v.to_str().ok());
            agent.is_some_and(|agent| agent.starts_with("gladia-api-rust/"))
        })
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    std::env::set_var("GLADIA_API_KEY", KEY);
    std::env::set_var("GLADIA_API_URL", server.uri());
    std::env::remove_var("GLADIA_REGION");
    assert_eq!(Client::from_env().unwrap().region(), None);
    std::env::set_var("GLADIA_REGION", "eu-west");
    let client = Client::from_env().unwrap();
    assert_eq!(client.region(), Some(&LiveRegion::EuWest));
    assert_eq!(client.base_url().as_str(), format!("{}/", server.uri()));
    client.pre_recorded().delete("job-1").await.unwrap();
}
