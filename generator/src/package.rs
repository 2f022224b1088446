//! A self-contained crate from any spec: the generated modules, the generic runtime they call
//! (the files of gladia-api-runtime, `gladia-api/runtime/src/`, embedded here), a `lib.rs` and a
//! `Cargo.toml`.
//!
//! The runtime is copied, not depended on: a generated crate must build wherever it is written,
//! offline too, with the runtime of the generator that wrote it, whatever version of
//! gladia-api-runtime crates.io has. Its files know no API (see ARCHITECTURE.md); what
//! they need of one, the generated `operations.rs` gives them. Here they are modules of the
//! generated crate, named as generated code expects (`crate::wire`, `crate::request`…), and
//! `Client` is the runtime's own (gladia-api wraps it instead).

use crate::ir::Api;
use crate::{Error, GeneratedFile};

/// The runtime's files, as gladia-api-runtime has them.
const RUNTIME: [(&str, &str); 13] = [
    (
        "src/client.rs",
        include_str!("../../gladia-api/runtime/src/client.rs"),
    ),
    (
        "src/download.rs",
        include_str!("../../gladia-api/runtime/src/download.rs"),
    ),
    (
        "src/error.rs",
        include_str!("../../gladia-api/runtime/src/error.rs"),
    ),
    (
        "src/paging.rs",
        include_str!("../../gladia-api/runtime/src/paging.rs"),
    ),
    (
        "src/request.rs",
        include_str!("../../gladia-api/runtime/src/request.rs"),
    ),
    (
        "src/retry.rs",
        include_str!("../../gladia-api/runtime/src/retry.rs"),
    ),
    (
        "src/stall.rs",
        include_str!("../../gladia-api/runtime/src/stall.rs"),
    ),
    (
        "src/trace.rs",
        include_str!("../../gladia-api/runtime/src/trace.rs"),
    ),
    (
        "src/tunnel.rs",
        include_str!("../../gladia-api/runtime/src/tunnel.rs"),
    ),
    (
        "src/upload.rs",
        include_str!("../../gladia-api/runtime/src/upload.rs"),
    ),
    (
        "src/wire.rs",
        include_str!("../../gladia-api/runtime/src/wire.rs"),
    ),
    (
        "src/wire/lenient.rs",
        include_str!("../../gladia-api/runtime/src/wire/lenient.rs"),
    ),
    (
        "src/wire/tagged.rs",
        include_str!("../../gladia-api/runtime/src/wire/tagged.rs"),
    ),
];

/// The dependencies of the runtime and of generated code; the versions gladia-api builds with.
const DEPENDENCIES: &str = r#"[dependencies]
serde = "1"
serde_json = { version = "1", features = ["raw_value"] }
time = { version = "0.3", default-features = false, features = ["std", "serde-human-readable", "formatting", "parsing"] }
serde_path_to_error = "0.1"
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls", "multipart", "stream"] }
tokio = { version = "1", default-features = false, features = ["fs", "time", "io-util", "net"] }
tokio-util = { version = "0.7", default-features = false, features = ["io"] }
futures-util = { version = "0.3", default-features = false, features = ["alloc"] }
futures-core = { version = "0.3", default-features = false }
bytes = "1"
httpdate = "1"
hyper-util = { version = "0.1.21", default-features = false, features = ["client-proxy"] }
http = "1"
tracing = { version = "0.1.41", default-features = false, features = ["std"], optional = true }
"#;

/// Every file of a crate named `name` around the API `api`: paths relative to the crate's folder.
/// `name` must be a crate name ([`is_crate_name`]). Each resource (an operation's first tag) is
/// a cargo feature, all on by default (`full`): a crate that uses a few resources of a large API
/// turns the default off and compiles only those resources' functions.
pub fn crate_files(api: &Api, name: &str) -> Result<Vec<GeneratedFile>, Error> {
    let gates = crate::emit::Gates::new(api);
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml",
            contents: manifest(name, api),
        },
        GeneratedFile {
            path: "src/lib.rs",
            contents: lib_rs(api),
        },
        GeneratedFile {
            path: "src/types.rs",
            contents: crate::emit::types_file_gated(api, Some(&gates))?,
        },
        GeneratedFile {
            path: "src/operations.rs",
            contents: crate::emit::operations_file_gated(api, Some(&gates))?,
        },
    ];
    files.extend(RUNTIME.iter().map(|(path, contents)| GeneratedFile {
        path,
        contents: (*contents).to_owned(),
    }));
    Ok(files)
}

/// ASCII letters, digits, `-` and `_`, starting with a letter.
pub fn is_crate_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn manifest(name: &str, api: &Api) -> String {
    let features: Vec<String> = api
        .resources
        .iter()
        .map(|r| crate::emit::feature_name(&r.name))
        .collect();
    let quoted: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    let mut feature_table = format!(
        "# One feature per resource (an operation's first tag); `full` is all of them.\n\
         [features]\n\
         default = [\"full\"]\n\
         full = [{}]\n",
        quoted.join(", ")
    );
    for feature in &features {
        feature_table.push_str(&format!("{feature} = []\n"));
    }
    feature_table.push_str(
        "# A span per request, for `tracing` subscribers.\ntracing = [\"dep:tracing\"]\n",
    );
    format!(
        "# Generated by `cargo xtask codegen --crate {name}`: a client and its models.\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         {DEPENDENCIES}\n\
         {feature_table}\n\
         # A crate of its own, wherever it is written.\n\
         [workspace]\n"
    )
}

fn lib_rs(api: &Api) -> String {
    let base_url = match api.service.base_url {
        Some(_) => "pub use operations::DEFAULT_BASE_URL;\n",
        None => "",
    };
    format!(
        "{preamble}//! A client generated from an OpenAPI description: the models in [`types`], one async\n\
         //! function per endpoint in [`operations`], on a small runtime (transport, errors, retries,\n\
         //! paging, uploads and downloads).\n\
         #![forbid(unsafe_code)]\n\
         // The runtime serves every API; this one may not call each of its pieces, nor, with\n\
         // only some resources' features on, import what only the others use.\n\
         #![allow(dead_code)]\n\
         #![cfg_attr(not(feature = \"full\"), allow(unused_imports))]\n\
         \n\
         mod client;\n\
         mod download;\n\
         mod error;\n\
         mod paging;\n\
         mod request;\n\
         mod retry;\n\
         mod stall;\n\
         mod trace;\n\
         mod tunnel;\n\
         mod upload;\n\
         // Its helpers are re-exported for generated code, which uses those its spec needs.\n\
         #[allow(unused_imports)]\n\
         mod wire;\n\
         \n\
         #[rustfmt::skip]\n\
         pub mod operations;\n\
         #[rustfmt::skip]\n\
         pub mod types;\n\
         \n\
         pub use client::{{Client, ClientBuilder}};\n\
         pub use download::{{Download, EventStream}};\n\
         pub use error::{{ApiError, DecodeError, Error, ErrorBody, TimeoutKind}};\n\
         pub use retry::RetryPolicy;\n\
         pub use upload::UploadFile;\n\
         pub use wire::{{Invalid, UnknownValue, UnreadableItem}};\n\
         {base_url}",
        preamble = crate::PREAMBLE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every method of the runtime's `impl Client` (private ones too: an accessor of the same
    /// name in the generated `impl Client` is a second definition) is one no resource takes.
    #[test]
    fn client_methods_cover_the_runtimes_client() {
        let (_, client) = RUNTIME
            .iter()
            .find(|(path, _)| *path == "src/client.rs")
            .expect("the runtime's client");
        let start = client.find("\nimpl Client {\n").expect("impl Client");
        let body = &client[start..];
        let end = body.find("\n}\n").expect("its end");
        let methods: Vec<&str> = body[..end]
            .split("fn ")
            .skip(1)
            .filter_map(|rest| rest.split(['(', '<']).next())
            .collect();
        assert!(methods.contains(&"send"), "{methods:?}");
        for method in methods {
            assert!(
                crate::naming::CLIENT_METHODS.contains(&method),
                "a resource named `{method}` would clash with the runtime's Client::{method}"
            );
        }
    }
}
