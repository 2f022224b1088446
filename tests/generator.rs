//! Snapshots of what the generator makes of each construct, of the Gladia spec's operations, and
//! of each broken spec. Review changes with `cargo insta review`. The generated Gladia files are
//! not snapshotted: they are committed, and `committed_generated_code_is_up_to_date` guards them.

use gladia_tests::{gladia_output, gladia_spec, root, specs};

fn generated_code(spec: &str) -> String {
    let output = generator::generate(spec).unwrap_or_else(|e| panic!("generation failed: {e}"));
    output
        .files
        .iter()
        .map(|file| format!("// ==== {} ====\n{}", file.path, file.contents))
        .collect()
}

#[test]
fn each_construct_generates_the_expected_code() {
    let constructs = specs("constructs");
    assert!(constructs.len() >= 13, "construct specs went missing");
    for (name, spec) in constructs {
        let output = generator::generate(&spec).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut snapshot = generated_code(&spec);
        if !output.warnings.is_empty() {
            let warnings: Vec<String> = output.warnings.iter().map(|w| w.to_string()).collect();
            snapshot.push_str(&format!(
                "\n// ==== warnings ====\n{}\n",
                warnings.join("\n")
            ));
        }
        if !output.api.operations.is_empty() {
            snapshot.push_str(&format!(
                "\n// ==== operations (IR) ====\n{:#?}\n",
                output.api.operations
            ));
        }
        insta::assert_snapshot!(format!("construct__{name}"), snapshot);
    }
}

#[test]
fn gladia_spec_operations() {
    let (api, warnings) = generator::parse(&gladia_spec()).unwrap();
    assert_eq!(warnings, [], "spec/gladia.yaml gives no warnings");
    let summary: String = api
        .operations
        .iter()
        .map(|op| {
            let statuses: Vec<String> = op.responses.iter().map(|r| r.status.to_string()).collect();
            format!(
                "{:<32} {:<6} {:<30} query={:<24} body={:<40} responses={}{}\n",
                format!("{}().{}", op.name.resource, op.name.method),
                op.http_method.as_upper(),
                op.path,
                op.query.as_ref().map_or("-", |q| q.ty.as_str()),
                op.body
                    .as_ref()
                    .map(|b| format!("{b:?}"))
                    .unwrap_or_else(|| "-".into()),
                statuses.join(","),
                op.paged
                    .as_ref()
                    .map(|p| format!(" paged={}", p.page))
                    .unwrap_or_default()
            )
        })
        .collect();
    insta::assert_snapshot!("gladia_operations", summary);
}

#[test]
fn committed_generated_code_is_up_to_date() {
    let output = gladia_output().unwrap();
    for file in &output.files {
        let path = root().join("gladia-api/src").join(file.path);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == file.contents,
            "{} is stale: run `cargo xtask codegen` and commit the result",
            path.display()
        );
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(
        gladia_output().unwrap().files,
        gladia_output().unwrap().files
    );
}

fn messages_spec(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/specs/messages").join(name)).unwrap()
}

/// An AsyncAPI document beside an OpenAPI one: its schemas join the others, its `$ref`s into the
/// OpenAPI document resolve there, and each operation with `x-rust-type` becomes a tagged union.
#[test]
fn asyncapi_messages_become_tagged_unions() {
    let events = messages_spec("events.yaml");
    let messages = generator::Messages {
        text: &events,
        openapi_name: "api.yaml",
    };
    let output = generator::generate_with(&messages_spec("api.yaml"), Some(messages))
        .unwrap_or_else(|e| panic!("{e}"));
    let types = &output.files[0].contents;
    insta::assert_snapshot!("messages__events", types);
}

#[test]
fn broken_asyncapi_documents_give_located_errors() {
    let api = messages_spec("api.yaml");
    let events = messages_spec("events.yaml");
    let cases = [
        (
            "version",
            events.replace("asyncapi: 3.0.0", "asyncapi: 2.6.0"),
        ),
        (
            "foreign_ref",
            events.replace("api.yaml#/components", "other.yaml#/components"),
        ),
        (
            "no_const",
            events.replace("const: quiet, description", "description"),
        ),
        (
            "collision",
            events.replace("  schemas:\n", "  schemas:\n    Word: {type: string}\n"),
        ),
    ];
    let mut report = String::new();
    for (name, text) in cases {
        let messages = generator::Messages {
            text: &text,
            openapi_name: "api.yaml",
        };
        let error = generator::generate_with(&api, Some(messages)).unwrap_err();
        report.push_str(&format!("{name}: {error}\n"));
    }
    insta::assert_snapshot!("messages__broken", report);
}

/// A broken spec gives its error, or, where only a part of it is broken, generates the rest
/// and names what it left out or read as any JSON value: never silently.
#[test]
fn each_broken_spec_gives_its_error_or_its_warnings() {
    let broken = specs("broken");
    assert!(broken.len() >= 12, "broken specs went missing");
    for (name, spec) in broken {
        // Read as `--spec` reads it: a `$ref` to another file is looked for beside it.
        let path = root().join(format!("tests/specs/broken/{name}.yaml"));
        let outcome = match generator::generate_document(&spec, Some(&path), None, None) {
            Ok(output) => {
                assert!(
                    !output.warnings.is_empty(),
                    "{name}: a broken spec generated code without a warning"
                );
                let warnings: Vec<String> = output.warnings.iter().map(|w| w.to_string()).collect();
                format!("generated, with:\n{}", warnings.join("\n"))
            }
            Err(error) => error.to_string(),
        };
        insta::assert_snapshot!(format!("broken__{name}"), outcome);
    }
}

/// Every lenient rule's spec gives that rule's warning: the table says where each is tested,
/// and the test holds it to that.
#[test]
fn each_rule_is_hit_by_its_spec() {
    let constructs = specs("constructs");
    for rule in generator::rules::ALL {
        let (_, spec) = constructs
            .iter()
            .find(|(name, _)| name == rule.spec)
            .unwrap_or_else(|| panic!("rule {}: no construct spec `{}`", rule.name, rule.spec));
        let output = generator::generate(spec).unwrap_or_else(|e| panic!("{}: {e}", rule.spec));
        assert!(
            output.warnings.iter().any(|w| w.rule == rule.name),
            "rule {}: spec {} gives no warning of it",
            rule.name,
            rule.spec
        );
    }
}

/// `$ref`s to URLs read from local copies (`--refs`): `DIR/host/path`, else `DIR/file-name`;
/// nothing is fetched, and nothing is warned of.
#[test]
fn url_refs_read_local_copies() {
    let path = root().join("tests/specs/constructs/url_refs.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let refs = root().join("tests/specs/refs");
    let output = generator::generate_document(&text, Some(&path), Some(&refs), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = output.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings, Vec::<String>::new());
    let types = &output.files[0].contents;
    assert!(
        types.contains("pub limit: Option<Limit>"),
        "the parameter read from the local copy"
    );
    insta::assert_snapshot!("url_refs_from_local_copies", types);
}

#[test]
fn yaml_keeps_no_as_a_string() {
    let (_, spec) = specs("constructs")
        .into_iter()
        .find(|(name, _)| name == "enum_naming")
        .unwrap();
    let code = generated_code(&spec);
    assert!(
        code.contains("Self::No => \"no\""),
        "`no` must stay the string \"no\""
    );
    assert!(code.contains("Self::Yes => \"yes\""));
}

/// Gladia's published document, as is (OpenAPI 3.1, repeated enum values, whole-valued number
/// enums, multipart forms of several parts): it generates, and gives exactly the warnings its
/// own slips deserve. Read from `../shared/reference`, never copied into the repository.
#[test]
fn gladias_published_document_generates() {
    let Some(path) = gladia_tests::shared("reference/gladia-openapi-2024.json") else {
        return;
    };
    let spec = std::fs::read_to_string(&path).unwrap();
    let output = generator::generate(&spec).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let warnings: Vec<String> = output.warnings.iter().map(|w| w.to_string()).collect();
    insta::assert_snapshot!("reference_2024_warnings", warnings.join("\n"));
    assert!(output.api.operations.len() >= 15);
}

/// Documents split over several files, each `tests/specs/multifile/<case>/openapi.yaml` read as
/// `--spec` reads it: the code each generates, or its error, which names the file, line and
/// column to edit.
#[test]
fn multi_file_documents() {
    let folder = root().join("tests/specs/multifile");
    let mut cases: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "multi-file specs went missing");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let path = case.join("openapi.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let snapshot = match generator::generate_document(&text, Some(&path), None, None) {
            Ok(output) => {
                let mut code: String = output
                    .files
                    .iter()
                    .map(|file| format!("// ==== {} ====\n{}", file.path, file.contents))
                    .collect();
                for warning in &output.warnings {
                    code.push_str(&format!("// warning: {warning}\n"));
                }
                code
            }
            Err(error) => format!("error: {error}"),
        };
        insta::assert_snapshot!(format!("multifile__{name}"), snapshot);
    }
}
