//! `cargo xtask codegen` as a maintainer runs it: exit codes, messages, and the write policy.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh empty folder under the target dir, so that tests never touch the real crate.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gladia_spec() -> String {
    workspace().join("spec/gladia.yaml").display().to_string()
}

#[test]
fn writes_then_leaves_unchanged_files_alone_then_checks() {
    let out = scratch("roundtrip");
    let out_arg = out.display().to_string();
    let spec = gladia_spec();

    let first = xtask(&["codegen", "--spec", &spec, "--out", &out_arg]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("2 file(s) written, 0 unchanged"),
        "{}",
        text(&first.stdout)
    );
    let generated = out.join("types.rs");
    let modified = std::fs::metadata(&generated).unwrap().modified().unwrap();

    let second = xtask(&["codegen", "--spec", &spec, "--out", &out_arg]);
    assert!(text(&second.stdout).contains("0 file(s) written, 2 unchanged"));
    assert_eq!(
        std::fs::metadata(&generated).unwrap().modified().unwrap(),
        modified
    );

    let check = xtask(&["codegen", "--check", "--spec", &spec, "--out", &out_arg]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    // No temporary file is left behind.
    let mut names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["operations.rs", "types.rs"]);
}

#[test]
fn check_names_stale_files_and_changes_nothing() {
    let out = scratch("stale");
    let stale = out.join("types.rs");
    std::fs::write(&stale, "// old\n").unwrap();
    let result = xtask(&[
        "codegen",
        "--check",
        "--spec",
        &gladia_spec(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stderr).contains(&format!("stale: {}", stale.display())));
    assert_eq!(std::fs::read_to_string(&stale).unwrap(), "// old\n");
}

/// A spec that fails (`bad`), or one that only warns with `--strict` or `--deny` its rule:
/// exit 2, the place named, nothing written.
#[test]
fn bad_spec_exits_2_and_writes_nothing() {
    let broken = |name: &str| {
        workspace()
            .join(format!("tests/specs/broken/{name}.yaml"))
            .display()
            .to_string()
    };
    let cases: [(&str, &[&str], &str); 4] = [
        ("bad", &[], "#/components/schemas/A"),
        ("strict", &["--strict"], "error[unreadable-schema]"),
        (
            "deny",
            &["--deny", "unreadable-schema"],
            "error[unreadable-schema]",
        ),
        ("other-denied", &["--deny", "url-ref"], ""),
    ];
    for (case, flags, named) in cases {
        let out = scratch(&format!("bad-spec-{case}"));
        let existing = out.join("types.rs");
        std::fs::write(&existing, "// committed\n").unwrap();
        let spec = broken(if case == "bad" {
            "alias_loop"
        } else {
            "unresolved_pointer_ref"
        });
        let out_arg = out.display().to_string();
        let mut args = vec!["codegen", "--spec", &spec, "--out", &out_arg];
        args.extend_from_slice(flags);
        let result = xtask(&args);
        let stderr = text(&result.stderr);
        if case == "other-denied" {
            // Another rule's warning is only printed.
            assert_eq!(result.status.code(), Some(0), "{stderr}");
            assert!(stderr.contains("warning[unreadable-schema]"), "{stderr}");
            continue;
        }
        assert_eq!(result.status.code(), Some(2), "{case}: {stderr}");
        assert!(stderr.contains(named), "{case}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(&existing).unwrap(),
            "// committed\n",
            "{case}"
        );
    }
}

#[test]
fn wrong_arguments_exit_2_with_usage() {
    for args in [
        &["codegen", "--frobnicate"][..],
        &["generate"],
        &[],
        &["codegen", "--spec"],
    ] {
        let result = xtask(args);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        assert!(
            text(&result.stderr).contains("usage: cargo xtask codegen"),
            "{args:?}"
        );
    }
}

#[test]
fn missing_spec_file_is_named() {
    let result = xtask(&["codegen", "--spec", "/nonexistent/spec.yaml"]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("/nonexistent/spec.yaml: cannot read it"),
        "{stderr}"
    );
}

#[test]
fn messages_are_generated_with_the_spec_and_their_errors_name_both_files() {
    let out = scratch("messages");
    let out_arg = out.display().to_string();
    let folder = workspace().join("tests/specs/messages");
    let api = folder.join("api.yaml").display().to_string();
    let events = folder.join("events.yaml").display().to_string();
    let run = xtask(&[
        "codegen",
        "--spec",
        &api,
        "--messages",
        &events,
        "--out",
        &out_arg,
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let types = std::fs::read_to_string(out.join("types.rs")).unwrap();
    assert!(types.contains("pub enum ServerEvent"), "{types}");

    // The OpenAPI document as the messages: not an AsyncAPI document.
    let wrong = xtask(&[
        "codegen",
        "--spec",
        &api,
        "--messages",
        &api,
        "--out",
        &out_arg,
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    let stderr = text(&wrong.stderr);
    assert!(stderr.contains(&format!("{api} + {api}")), "{stderr}");
    assert!(stderr.contains("not an AsyncAPI document"), "{stderr}");
}

#[test]
fn a_short_fuzz_run_finds_no_crash() {
    let save = scratch("fuzz");
    let save_arg = save.display().to_string();
    let output = xtask(&[
        "fuzz",
        "--seconds",
        "2",
        "--seed",
        "42",
        "--save",
        &save_arg,
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains(" 0 panics, 0 hangs"), "{stdout}");
    let runs: usize = stdout
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(runs > 0, "{stdout}");
    assert_eq!(
        std::fs::read_dir(&save).unwrap().count(),
        0,
        "crashers saved"
    );
}

#[test]
fn a_crate_is_written_whole_and_needs_its_own_folder() {
    let out = scratch("crate");
    let out_arg = out.display().to_string();
    let spec = gladia_spec();
    let run = xtask(&[
        "codegen",
        "--spec",
        &spec,
        "--out",
        &out_arg,
        "--crate",
        "gladia-rest",
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"gladia-rest\""), "{manifest}");
    for file in [
        "lib.rs",
        "types.rs",
        "operations.rs",
        "client.rs",
        "request.rs",
        "wire.rs",
    ] {
        assert!(out.join("src").join(file).is_file(), "src/{file} missing");
    }
    // Whole-crate mode never falls back to gladia-api's own sources, and checks the name.
    let no_out = xtask(&["codegen", "--spec", &spec, "--crate", "gladia-rest"]);
    assert_eq!(no_out.status.code(), Some(2));
    assert!(text(&no_out.stderr).contains("--crate needs --out"));
    let bad = xtask(&[
        "codegen", "--spec", &spec, "--out", &out_arg, "--crate", "9lives",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("`9lives` is not a crate name"));
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=xtask",
            "-c",
            "user.email=xtask@example.invalid",
        ])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        text(&output.stderr)
    );
}

/// A git repository of its own under the target dir, with `files` committed in one commit each.
fn repository(name: &str, commits: &[&[(&str, &str)]]) -> PathBuf {
    let dir = scratch(name);
    git(&dir, &["init", "--quiet"]);
    for (index, files) in commits.iter().enumerate() {
        for (path, contents) in *files {
            std::fs::write(dir.join(path), contents).unwrap();
        }
        git(&dir, &["add", "--all"]);
        git(
            &dir,
            &["commit", "--quiet", "--message", &format!("commit {index}")],
        );
    }
    dir
}

fn diff_spec(case: &str, side: &str) -> String {
    std::fs::read_to_string(workspace().join("tests/specs/diff").join(case).join(side)).unwrap()
}

#[test]
fn diff_reports_the_changes_since_a_revision() {
    let before = diff_spec("rules", "before.yaml");
    let after = diff_spec("rules", "after.yaml");
    let repo = repository(
        "diff-revisions",
        &[&[("api.yaml", &before)], &[("api.yaml", &after)]],
    );
    let spec = repo.join("api.yaml").display().to_string();
    // Not gladia-api's version, which moves.
    let manifest = repo.join("Cargo.toml");
    std::fs::write(
        &manifest,
        "[package]\nname = \"api\"\nversion = \"0.3.1\"\n",
    )
    .unwrap();
    let manifest = manifest.display().to_string();

    let args = [
        "diff",
        "--base",
        "HEAD~1",
        "--spec",
        &spec,
        "--manifest",
        &manifest,
    ];
    let report = xtask(&args);
    assert!(report.status.success(), "{}", text(&report.stderr));
    let stdout = text(&report.stdout);
    assert!(stdout.starts_with("### Rust API changes\n"), "{stdout}");
    assert!(
        stdout.contains("Version 0.3.1 → 0.4.0 (minor: breaking changes, and the crate is 0.x)."),
        "{stdout}"
    );
    let (breaking, compatible) = stdout.split_once("#### Non-breaking").unwrap();
    assert!(
        breaking.contains("- `Job.legacy_flag`: field removed.\n"),
        "{stdout}"
    );
    assert!(
        compatible.contains("- `JobStatus::Failed`: new value `\"failed\"`.\n"),
        "{stdout}"
    );

    // The working tree against HEAD, the default base: nothing changed since.
    let unchanged = xtask(&["diff", "--spec", &spec]);
    assert!(unchanged.status.success(), "{}", text(&unchanged.stderr));
    assert!(text(&unchanged.stdout).contains("No change to the Rust API"));

    // An edit not yet committed counts.
    std::fs::write(&spec, &before).unwrap();
    let edited = xtask(&["diff", "--spec", &spec]);
    assert!(text(&edited.stdout).contains("- `JobRequest.model`: field removed.\n"));
}

#[test]
fn diff_reads_messages_the_base_did_not_have_as_none() {
    let folder = workspace().join("tests/specs/messages");
    let api = std::fs::read_to_string(folder.join("api.yaml")).unwrap();
    let repo = repository("diff-messages", &[&[("api.yaml", &api)]]);
    std::fs::copy(folder.join("events.yaml"), repo.join("events.yaml")).unwrap();
    let spec = repo.join("api.yaml").display().to_string();
    let events = repo.join("events.yaml").display().to_string();
    let report = xtask(&["diff", "--spec", &spec, "--messages", &events]);
    assert!(report.status.success(), "{}", text(&report.stderr));
    let stdout = text(&report.stdout);
    assert!(
        stdout.contains("- `ServerEvent`: new tagged union.\n"),
        "{stdout}"
    );
    assert!(stdout.contains("#### Breaking\n\nNone.\n"), "{stdout}");
}

#[test]
fn diff_errors_name_their_side_and_exit_2() {
    let good = diff_spec("compatible", "before.yaml");
    let broken =
        std::fs::read_to_string(workspace().join("tests/specs/broken/alias_of_itself.yaml"))
            .unwrap();
    let repo = repository("diff-errors", &[&[("api.yaml", &broken)]]);
    let spec = repo.join("api.yaml").display().to_string();
    let fails = |args: &[&str], expected: &str| {
        let result = xtask(args);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        let stderr = text(&result.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    };

    // Broken at the base, fixed in the working tree; then the other way round.
    std::fs::write(&spec, &good).unwrap();
    fails(&["diff", "--spec", &spec], "error: api.yaml at HEAD: ");
    git(&repo, &["commit", "--quiet", "--all", "--message", "fixed"]);
    std::fs::write(&spec, &broken).unwrap();
    fails(&["diff", "--spec", &spec], "(working tree): ");
    fails(&["diff", "--spec", &spec], "#/components/schemas/ConfigDTO");
    std::fs::write(&spec, &good).unwrap();

    fails(
        &["diff", "--base", "no-such-rev", "--spec", &spec],
        "`no-such-rev` is not a commit of the repository",
    );
    let other = repo.join("other.yaml");
    std::fs::write(&other, &good).unwrap();
    fails(
        &["diff", "--spec", &other.display().to_string()],
        "other.yaml does not exist at HEAD",
    );
    fails(&["diff", "--base"], "cargo xtask diff [--base REV]");
    let manifest = repo.join("Cargo.toml");
    std::fs::write(&manifest, "[package]\nversion.workspace = true\n").unwrap();
    let manifest = manifest.display().to_string();
    fails(
        &["diff", "--spec", &spec, "--manifest", &manifest],
        "Cargo.toml: no `version` in its [package]",
    );
    std::fs::write(&manifest, "[package]\nversion = \"1.0\"\n").unwrap();
    fails(
        &["diff", "--spec", &spec, "--manifest", &manifest],
        "`1.0` is not a version of the form MAJOR.MINOR.PATCH",
    );
    fails(&["diff", "--base", "--spec"], "--base needs a git revision");

    // Outside any checkout: git must not find the workspace's own repository above it.
    let outside = scratch("diff-outside");
    let lone = outside.join("api.yaml");
    std::fs::write(&lone, &good).unwrap();
    let result = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "--spec", &lone.display().to_string()])
        .env("GIT_CEILING_DIRECTORIES", outside.parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("is not in a git checkout"), "{stderr}");
}

fn reference(name: &str) -> String {
    workspace()
        .join("../shared/reference")
        .join(name)
        .display()
        .to_string()
}

/// `sync` on two of Gladia's own documents in turn, 2024's then 2026's: the second run reports
/// what Gladia changed, keeps what older jobs carry, drops what only requests sent, and
/// `--check` then holds gladia.yaml to what the files make.
#[test]
fn sync_follows_gladias_documents_and_keeps_what_old_jobs_carry() {
    // As `gladia_tests::shared`: skipped in a clone without the reference documents, never in
    // CI (`GLADIA_REQUIRE_SHARED=1`).
    if !Path::new(&reference("gladia-openapi-2024.json")).exists() {
        assert!(
            std::env::var_os("GLADIA_REQUIRE_SHARED").is_none(),
            "../shared/reference is absent and GLADIA_REQUIRE_SHARED is set"
        );
        eprintln!("skipped: needs ../shared/reference (the reference documents)");
        return;
    }
    let dir = scratch("sync");
    let dir_arg = dir.display().to_string();
    std::fs::write(
        dir.join("gladia.overlay.yaml"),
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n\
         - target: $.components.schemas.NamedEntityRecognitionDTO\n  description: our words\n  update: {description: Named entities found in the audio.}\n\
         - target: $.paths['/v2/nowhere']\n  description: a place Gladia never had\n  remove: true\n",
    )
    .unwrap();
    let first = xtask(&[
        "sync",
        &reference("gladia-openapi-2024.json"),
        "--spec-dir",
        &dir_arg,
    ]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("no earlier facts"),
        "{}",
        text(&first.stdout)
    );

    let second = xtask(&[
        "sync",
        &reference("gladia-openapi-2026-08-19.json"),
        "--spec-dir",
        &dir_arg,
    ]);
    let report = text(&second.stdout);
    assert!(second.status.success(), "{}", text(&second.stderr));
    for line in [
        "+ /paths/~1v2~1live~1{id}/patch",
        "+ /components/schemas/InitTranscriptionRequest/properties/model",
        "- /components/schemas/NamedEntityRecognitionDTO/properties/entity",
        "kept NamedEntityRecognitionDTO.entity",
        "$.paths['/v2/nowhere']",
    ] {
        assert!(report.contains(line), "missing `{line}` in:\n{report}");
    }
    let kept = std::fs::read_to_string(dir.join("gladia.kept.yaml")).unwrap();
    assert!(
        !kept.contains("InitTranscriptionRequest"),
        "request fields go:\n{kept}"
    );
    let spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.join("gladia.yaml")).unwrap()).unwrap();
    let ner = &spec["components"]["schemas"]["NamedEntityRecognitionDTO"];
    assert_eq!(
        ner["properties"]["entity"]["deprecated"],
        serde_yaml::Value::Bool(true)
    );
    assert!(
        ner["properties"]["results"].is_mapping(),
        "Gladia's new field is there too"
    );
    assert_eq!(
        ner["description"].as_str(),
        Some("Named entities found in the audio.")
    );
    let facts = std::fs::read_to_string(dir.join("gladia.facts.yaml")).unwrap();
    assert!(
        !facts.contains("description:"),
        "Gladia's prose stays out of the facts"
    );

    let check = xtask(&["sync", "--check", "--spec-dir", &dir_arg]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    std::fs::write(dir.join("gladia.yaml"), "openapi: 3.1.0\n").unwrap();
    let stale = xtask(&["sync", "--check", "--spec-dir", &dir_arg]);
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale.stdout));
    assert!(text(&stale.stderr).contains("run `cargo xtask sync`"));
}

#[test]
fn sync_refuses_what_is_not_openapi_and_writes_nothing() {
    let dir = scratch("sync_refused");
    let dir_arg = dir.display().to_string();
    std::fs::write(
        dir.join("gladia.overlay.yaml"),
        "overlay: 1.0.0\nactions: []\n",
    )
    .unwrap();
    let document = dir.join("asyncapi.yaml");
    std::fs::write(&document, "asyncapi: 3.0.0\n").unwrap();
    let output = xtask(&[
        "sync",
        &document.display().to_string(),
        "--spec-dir",
        &dir_arg,
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("not an OpenAPI document"),
        "{}",
        text(&output.stderr)
    );
    assert!(!dir.join("gladia.facts.yaml").exists());
    assert!(!dir.join("gladia.yaml").exists());
}
