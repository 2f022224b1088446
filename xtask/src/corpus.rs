//! `cargo xtask corpus DIR [--out DIR] [--seconds N]`: tries the generator on every OpenAPI
//! document of a folder, as a new user would, and says which generate and which compile.
//!
//! Each document goes through `codegen --crate` in a child process (this same binary), so that a
//! panic or a hang is reported against its document instead of ending the run. The crates that
//! generate are then checked by ONE `cargo check --workspace --keep-going`: one workspace and one
//! target folder, so that reqwest, tokio and serde compile once for all of them, and cargo checks
//! the crates side by side. The table it prints is Markdown: document, generated, compiled, first
//! error (or first warning: generated code must compile without any).
//!
//! The documents are never part of this repository; the folder is the caller's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use std::{env, fs, thread};

pub struct CorpusArgs {
    pub documents: PathBuf,
    pub out: PathBuf,
    /// A generation taking longer than this is a hang.
    pub seconds: u64,
}

/// What became of one document.
struct Outcome {
    document: String,
    crate_name: String,
    generation: Generation,
    /// The first error of `cargo check`, or its first warning, for crates that generated.
    check: Option<String>,
}

enum Generation {
    Generated { elapsed: Duration, warnings: usize },
    Refused(String),
    Panicked(String),
    Hung,
}

pub fn run(args: &CorpusArgs) -> Result<bool, String> {
    let documents = documents(&args.documents)?;
    if documents.is_empty() {
        return Err(format!(
            "{}: no .yaml, .yml or .json document",
            args.documents.display()
        ));
    }
    fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    // Crates of an earlier run go; the target folder stays, so dependencies are not rebuilt.
    for entry in fs::read_dir(&args.out)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        if entry.file_name().to_string_lossy().starts_with("c-") {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    let exe = env::current_exe().map_err(|e| e.to_string())?;
    let mut outcomes = Vec::new();
    for document in &documents {
        let crate_name = crate_name(document);
        let generation = generate(&exe, document, &args.out.join(&crate_name), args.seconds)?;
        let name = document.file_name().unwrap_or_default().to_string_lossy();
        eprintln!("{name}: {}", summary(&generation));
        outcomes.push(Outcome {
            document: name.into_owned(),
            crate_name,
            generation,
            check: None,
        });
    }
    let members: Vec<String> = outcomes
        .iter()
        .filter(|o| matches!(o.generation, Generation::Generated { .. }))
        .map(|o| o.crate_name.clone())
        .collect();
    if !members.is_empty() {
        let problems = check(&args.out, &members)?;
        for outcome in &mut outcomes {
            if members.contains(&outcome.crate_name) {
                outcome.check = Some(
                    problems
                        .get(&outcome.crate_name)
                        .cloned()
                        .unwrap_or_default(),
                );
            }
        }
    }
    print_table(&outcomes);
    Ok(outcomes.iter().all(|o| o.check.as_deref() == Some("")))
}

fn documents(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let mut documents: Vec<PathBuf> = fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    documents.sort();
    Ok(documents)
}

/// `c-` and the file's name, lowercase, anything but letters and digits a `-`: a crate name
/// that cannot clash with the workspace's own folders, nor `x.json`'s with `x.yaml`'s.
fn crate_name(document: &Path) -> String {
    let stem = document.file_name().unwrap_or_default().to_string_lossy();
    let mut name = String::from("c-");
    for c in stem.chars() {
        name.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        });
    }
    name
}

fn generate(exe: &Path, document: &Path, out: &Path, seconds: u64) -> Result<Generation, String> {
    let crate_name = out.file_name().unwrap_or_default().to_string_lossy();
    let started = Instant::now();
    let mut child = Command::new(exe)
        .arg("codegen")
        .arg("--spec")
        .arg(document)
        .args(["--crate", &crate_name, "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    // The child's stderr is read on a thread: a long list of warnings must not fill the pipe
    // and stall the child while this waits for it.
    let mut stderr = child.stderr.take().expect("piped");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let limit = Duration::from_secs(seconds);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    Ok(match status {
        None => Generation::Hung,
        Some(status) if status.success() => Generation::Generated {
            elapsed,
            warnings: stderr.lines().filter(|l| l.contains("warning")).count(),
        },
        // 101 is Rust's exit code for a panic.
        Some(status) if status.code() == Some(101) => Generation::Panicked(
            stderr
                .lines()
                .find(|l| l.contains("panicked"))
                .unwrap_or("panicked")
                .to_owned(),
        ),
        Some(_) => Generation::Refused(
            stderr
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or(stderr.trim())
                .to_owned(),
        ),
    })
}

fn summary(generation: &Generation) -> String {
    match generation {
        Generation::Generated { elapsed, warnings } => {
            format!(
                "generated in {} ms, {warnings} warning(s)",
                elapsed.as_millis()
            )
        }
        Generation::Refused(error) => format!("refused: {error}"),
        Generation::Panicked(message) => format!("PANIC: {message}"),
        Generation::Hung => "HANG".to_owned(),
    }
}

/// Checks every member in one workspace; returns each crate's first error (or first warning).
fn check(out: &Path, members: &[String]) -> Result<BTreeMap<String, String>, String> {
    for member in members {
        // A generated crate is a workspace of its own; here it is one member of many.
        let manifest = out.join(member).join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
        let text = text.replace("\n[workspace]\n", "\n");
        fs::write(&manifest, text).map_err(|e| e.to_string())?;
    }
    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    fs::write(
        out.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask corpus`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    )
    .map_err(|e| e.to_string())?;
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    if !out.join("Cargo.lock").exists() {
        // The workspace's own lock: the dependencies already downloaded, no network needed.
        let _ = fs::copy(lock, out.join("Cargo.lock"));
    }
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("cargo check of {} crate(s)…", members.len());
    let result = Command::new(cargo)
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--offline",
            "--message-format=short",
        ])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", out.join("target"))
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&result.stderr);
    let mut problems: BTreeMap<String, String> = BTreeMap::new();
    let mut first_warnings: BTreeMap<String, String> = BTreeMap::new();
    for line in stderr.lines() {
        // `c-name/src/types.rs:12:5: error[E0412]: …`
        let Some((member, _)) = line.split_once('/') else {
            continue;
        };
        if !members.iter().any(|m| m == member) {
            continue;
        }
        if line.contains(": error") {
            problems
                .entry(member.to_owned())
                .or_insert_with(|| line.to_owned());
        } else if line.contains(": warning") {
            first_warnings
                .entry(member.to_owned())
                .or_insert_with(|| line.to_owned());
        }
    }
    for (member, warning) in first_warnings {
        problems.entry(member).or_insert(warning);
    }
    if !result.status.success() && problems.is_empty() {
        // Cargo itself failed (a manifest, the lock file): say so for every crate.
        let first = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("cargo check failed");
        for member in members {
            problems.insert(member.clone(), first.to_owned());
        }
    }
    Ok(problems)
}

fn print_table(outcomes: &[Outcome]) {
    println!("| document | generated | compiled | first error |");
    println!("|---|---|---|---|");
    let (mut generated, mut compiled) = (0, 0);
    for outcome in outcomes {
        let (gen, comp, error) = match (&outcome.generation, outcome.check.as_deref()) {
            (Generation::Generated { elapsed, .. }, Some("")) => {
                generated += 1;
                compiled += 1;
                ("yes", "yes", format!("({} ms)", elapsed.as_millis()))
            }
            (Generation::Generated { .. }, problem) => {
                generated += 1;
                ("yes", "no", problem.unwrap_or_default().to_owned())
            }
            (other, _) => ("no", "no", summary(other)),
        };
        let error = error.replace('|', "\\|");
        println!("| {} | {gen} | {comp} | {error} |", outcome.document);
    }
    println!(
        "\n{} documents: {generated} generate, {compiled} compile",
        outcomes.len()
    );
}
