//! `cargo xtask codegen [--check] [--spec PATH] [--messages PATH] [--out DIR] [--crate NAME]
//! [--refs DIR] [--strict] [--deny RULE]…`: regenerates the generated part of gladia-api from the
//! spec (OpenAPI) and the WebSocket messages (AsyncAPI); with `--crate`, writes a whole crate of
//! that name into `--out` instead. `--strict` (every rule) and `--deny` (one) make warnings
//! errors: nothing is written.
//! Holds argument parsing and the write policy; the generator does the rest.
//! `cargo xtask fuzz --seconds N [--seed S]`: runs the generator on mutated specs (see `fuzz`).
//! `cargo xtask diff [--base REV]`: the API change report since REV (see `diff`).
//! `cargo xtask corpus DIR [--out DIR] [--seconds N]`: generates and checks a crate from every
//! document of a folder (see `corpus`).
//! `cargo xtask sync [PATH] [--check]`: builds spec/gladia.yaml from Gladia's own document and the
//! project's overlay (see `sync`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

mod corpus;
mod diff;
mod fuzz;
mod sync;

const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec PATH] [--messages PATH] [--out DIR] [--crate NAME] [--refs DIR] [--strict] [--deny RULE]\n       cargo xtask fuzz --seconds N [--seed S] [--spec PATH] [--save DIR]\n       cargo xtask diff [--base REV] [--spec PATH] [--messages PATH] [--manifest PATH]\n       cargo xtask corpus DIR [--out DIR] [--seconds N]\n       cargo xtask sync [PATH] [--check] [--spec-dir DIR]";

/// Exit codes: 1 for stale files or a failed write, 2 for a bad or unreadable spec or bad arguments.
const EXIT_STALE: u8 = 1;
const EXIT_BAD_INPUT: u8 = 2;

struct Args {
    check: bool,
    spec: PathBuf,
    /// The AsyncAPI document generated with the spec; by default Gladia's live one, and none
    /// for another `--spec`.
    messages: Option<PathBuf>,
    out: PathBuf,
    /// Writes a self-contained crate of this name (Cargo.toml, src/, the runtime) into `out`.
    crate_name: Option<String>,
    /// Local copies of what `$ref`s to URLs name.
    refs: Option<PathBuf>,
    /// The rules whose warnings are errors (`--deny`); `--strict` is all of them.
    denied: Vec<&'static str>,
}

fn main() -> ExitCode {
    if env::args().nth(1).as_deref() == Some("fuzz") {
        return match parse_fuzz_args(env::args().skip(2)) {
            Err(message) => {
                eprintln!("error: {message}\n{USAGE}");
                ExitCode::from(EXIT_BAD_INPUT)
            }
            Ok(args) => match fuzz::fuzz(&args) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(EXIT_STALE),
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_BAD_INPUT)
                }
            },
        };
    }
    if env::args().nth(1).as_deref() == Some("corpus") {
        return match parse_corpus_args(env::args().skip(2)) {
            Err(message) => {
                eprintln!("error: {message}\n{USAGE}");
                ExitCode::from(EXIT_BAD_INPUT)
            }
            Ok(args) => match corpus::run(&args) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(EXIT_STALE),
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_BAD_INPUT)
                }
            },
        };
    }
    if env::args().nth(1).as_deref() == Some("sync") {
        return match sync::parse_args(env::args().skip(2), &workspace_root()) {
            Err(message) => {
                eprintln!("error: {message}\n{USAGE}");
                ExitCode::from(EXIT_BAD_INPUT)
            }
            Ok(args) => match sync::run(&args) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(EXIT_STALE),
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_BAD_INPUT)
                }
            },
        };
    }
    if env::args().nth(1).as_deref() == Some("diff") {
        return match diff::parse_args(env::args().skip(2), &workspace_root()) {
            Err(message) => {
                eprintln!("error: {message}\n{USAGE}");
                ExitCode::from(EXIT_BAD_INPUT)
            }
            Ok(args) => match diff::run(&args) {
                Ok(markdown) => {
                    print!("{markdown}");
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_BAD_INPUT)
                }
            },
        };
    }
    let args = match parse_args(env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    match codegen(&args) {
        Ok(code) => code,
        Err(Failure::BadSpec(message)) => {
            eprintln!("error: {}: {message}", sources(&args));
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(Failure::Unreadable(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(Failure::Io(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_STALE)
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let root = workspace_root();
    match args.next().as_deref() {
        Some("codegen") => {}
        Some(other) => return Err(format!("unknown task `{other}`")),
        None => return Err("no task given".to_owned()),
    }
    let mut parsed = Args {
        check: false,
        spec: root.join("spec/gladia.yaml"),
        messages: Some(root.join("spec/gladia-live.yaml")),
        out: root.join("gladia-api/src"),
        crate_name: None,
        refs: None,
        denied: Vec::new(),
    };
    let mut messages = None;
    let mut out_given = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec" => {
                parsed.spec = args.next().ok_or("--spec needs a path")?.into();
                parsed.messages = None;
            }
            "--messages" => messages = Some(args.next().ok_or("--messages needs a path")?.into()),
            "--out" => {
                parsed.out = args.next().ok_or("--out needs a folder")?.into();
                out_given = true;
            }
            "--crate" => {
                let name = args.next().ok_or("--crate needs a name")?;
                if !generator::is_crate_name(&name) {
                    return Err(format!(
                        "`{name}` is not a crate name: ASCII letters, digits, `-` and `_`, from a letter"
                    ));
                }
                parsed.crate_name = Some(name);
            }
            "--refs" => parsed.refs = Some(args.next().ok_or("--refs needs a folder")?.into()),
            "--strict" => parsed.denied = generator::rules::ALL.iter().map(|r| r.name).collect(),
            "--deny" => {
                let name = args.next().ok_or("--deny needs a rule's name")?;
                let rule = generator::rules::find(&name).ok_or_else(|| {
                    format!("`{name}` is not a rule (ARCHITECTURE.md lists them)")
                })?;
                parsed.denied.push(rule.name);
            }
            "-h" | "--help" => return Err("help requested".to_owned()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    parsed.messages = messages.or(parsed.messages);
    if parsed.crate_name.is_some() && !out_given {
        // The default folder is gladia-api's sources: a whole crate must go elsewhere.
        return Err("--crate needs --out DIR, the folder of the new crate".to_owned());
    }
    Ok(parsed)
}

/// The documents a run reads, to name them in its errors.
fn sources(args: &Args) -> String {
    match &args.messages {
        Some(messages) => format!("{} + {}", args.spec.display(), messages.display()),
        None => args.spec.display().to_string(),
    }
}

fn parse_fuzz_args(mut args: impl Iterator<Item = String>) -> Result<fuzz::FuzzArgs, String> {
    let root = workspace_root();
    let mut parsed = fuzz::FuzzArgs {
        seconds: 60,
        seed: 1,
        spec: root.join("spec/gladia.yaml"),
        save: root.join("target/fuzz"),
    };
    let number = |value: Option<String>, flag: &str| {
        value
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or(format!("{flag} needs a whole number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => parsed.seconds = number(args.next(), "--seconds")?,
            "--seed" => parsed.seed = number(args.next(), "--seed")?,
            "--spec" => parsed.spec = args.next().ok_or("--spec needs a path")?.into(),
            "--save" => parsed.save = args.next().ok_or("--save needs a folder")?.into(),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

fn parse_corpus_args(mut args: impl Iterator<Item = String>) -> Result<corpus::CorpusArgs, String> {
    let documents = args
        .next()
        .ok_or("corpus needs the folder of the documents")?;
    let mut parsed = corpus::CorpusArgs {
        documents: documents.into(),
        out: workspace_root().join("target/corpus"),
        seconds: 60,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => parsed.out = args.next().ok_or("--out needs a folder")?.into(),
            "--seconds" => {
                parsed.seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--seconds needs a whole number")?
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the workspace root")
        .to_owned()
}

enum Failure {
    BadSpec(String),
    /// A spec file that cannot be read; the message names it.
    Unreadable(String),
    Io(String),
}

fn codegen(args: &Args) -> Result<ExitCode, Failure> {
    let read = |path: &Path| {
        fs::read_to_string(path)
            .map_err(|e| Failure::Unreadable(format!("{}: cannot read it: {e}", path.display())))
    };
    let spec = read(&args.spec)?;
    let messages = args.messages.as_deref().map(read).transpose()?;
    let openapi_name = args
        .spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let messages = messages.as_deref().map(|text| generator::Messages {
        text,
        openapi_name: &openapi_name,
    });
    // Everything is generated in memory first: a bad spec writes nothing.
    let bad_spec = |e: generator::Error| Failure::BadSpec(e.to_string());
    let refs = args.refs.as_deref();
    let output = match &args.crate_name {
        // A crate's files are its own (feature gates): gladia-api's are not made first.
        Some(name) => {
            let (api, warnings) =
                generator::parse_document(&spec, Some(&args.spec), refs, messages)
                    .map_err(bad_spec)?;
            let files = generator::crate_files(&api, name).map_err(bad_spec)?;
            generator::Output {
                files,
                api,
                warnings,
            }
        }
        None => generator::generate_document(&spec, Some(&args.spec), refs, messages)
            .map_err(bad_spec)?,
    };
    let mut denied = 0;
    for warning in &output.warnings {
        if args.denied.contains(&warning.rule) {
            // Printed as the error it now is, with the rule's name to allow it by.
            eprintln!(
                "{}: error[{}]: {} at {}",
                sources(args),
                warning.rule,
                warning.message,
                warning.at
            );
            denied += 1;
        } else {
            eprintln!("{}: {warning}", sources(args));
        }
    }
    if denied > 0 {
        return Err(Failure::BadSpec(format!(
            "{denied} warning(s) of denied rules (`--strict` or `--deny`); nothing written"
        )));
    }
    let files = &output.files;
    let mut written = 0;
    let mut stale = Vec::new();
    for file in files {
        let path = args.out.join(file.path);
        let current = fs::read_to_string(&path).ok();
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if args.check {
            stale.push(path);
        } else {
            write_atomically(&path, &file.contents)
                .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))?;
            written += 1;
        }
    }
    let unchanged = files.len() - written - stale.len();
    let totals = format!(
        "{} types, {} enums, {} operations",
        output.type_count(),
        output.enum_count(),
        output.api.operations.len()
    );
    if !stale.is_empty() {
        for path in &stale {
            eprintln!("stale: {}", path.display());
        }
        eprintln!(
            "{totals}; {} stale file(s): run `cargo xtask codegen` and commit the result",
            stale.len()
        );
        return Ok(ExitCode::from(EXIT_STALE));
    }
    if args.check {
        println!("codegen: {totals}; {unchanged} file(s) up to date");
    } else {
        println!("codegen: {totals}; {written} file(s) written, {unchanged} unchanged");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes next to the target, then renames over it: a reader sees the old file or the new one,
/// never half of one.
pub(crate) fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, path).inspect_err(|_| {
        let _ = fs::remove_file(&temporary);
    })
}
