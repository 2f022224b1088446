//! `cargo xtask diff [--base REV] [--spec PATH] [--messages PATH] [--manifest PATH]`: the API
//! change report. Reads the same documents as `codegen`, once as git has them at REV and once as
//! the working tree has them, and prints what `generator::diff` makes of the two APIs, as
//! Markdown, with the version the manifest's crate should take next. Both sides go through this
//! generator: a change of the generator itself is not in the report.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::diff::{diff, Version};

pub struct DiffArgs {
    pub base: String,
    pub spec: PathBuf,
    /// The AsyncAPI document generated with the spec, as for `codegen`.
    pub messages: Option<PathBuf>,
    /// The crate whose version the report bumps.
    pub manifest: PathBuf,
}

pub fn parse_args(mut args: impl Iterator<Item = String>, root: &Path) -> Result<DiffArgs, String> {
    let mut parsed = DiffArgs {
        base: "HEAD".to_owned(),
        spec: root.join("spec/gladia.yaml"),
        messages: Some(root.join("spec/gladia-live.yaml")),
        manifest: root.join("gladia-api/Cargo.toml"),
    };
    let mut messages = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base" => {
                // A revision that starts with `-` would reach git as an option.
                parsed.base = args
                    .next()
                    .filter(|rev| !rev.is_empty() && !rev.starts_with('-'))
                    .ok_or("--base needs a git revision")?;
            }
            "--spec" => {
                parsed.spec = args.next().ok_or("--spec needs a path")?.into();
                parsed.messages = None;
            }
            "--messages" => messages = Some(args.next().ok_or("--messages needs a path")?.into()),
            "--manifest" => parsed.manifest = args.next().ok_or("--manifest needs a path")?.into(),
            "-h" | "--help" => return Err("help requested".to_owned()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    parsed.messages = messages.or(parsed.messages);
    Ok(parsed)
}

/// The report, or what stopped it (the caller exits with 2).
pub fn run(args: &DiffArgs) -> Result<String, String> {
    let version = crate_version(&args.manifest)?;
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read it: {e}", path.display()))
    };
    let spec = read(&args.spec)?;
    let messages = args.messages.as_deref().map(read).transpose()?;

    let base_spec = Revision::open(&args.spec, &args.base)?;
    let old_spec = base_spec
        .show()?
        .ok_or_else(|| format!("{} does not exist at {}", base_spec.name, args.base))?;
    let base_messages = match &args.messages {
        Some(path) => Some(Revision::open(path, &args.base)?),
        None => None,
    };
    let mut base_side = format!("{} at {}", base_spec.name, args.base);
    let mut old_messages = None;
    if let Some(revision) = &base_messages {
        // A document the base did not have yet: the base had no WebSocket messages.
        old_messages = revision.show()?;
        if old_messages.is_some() {
            base_side = format!("{base_side} + {} at {}", revision.name, args.base);
        }
    }

    let openapi_name = args
        .spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let api = |spec: &str, messages: Option<&str>, side: &str| {
        let messages = messages.map(|text| generator::Messages {
            text,
            openapi_name: &openapi_name,
        });
        generator::generate_with(spec, messages)
            .map(|output| output.api)
            .map_err(|e| format!("{side}: {e}"))
    };
    let old = api(&old_spec, old_messages.as_deref(), &base_side)?;
    let new = api(&spec, messages.as_deref(), &working_side(args))?;
    Ok(diff(&old, &new).to_markdown(version))
}

fn working_side(args: &DiffArgs) -> String {
    match &args.messages {
        Some(messages) => format!(
            "{} + {} (working tree)",
            args.spec.display(),
            messages.display()
        ),
        None => format!("{} (working tree)", args.spec.display()),
    }
}

/// The `version` of the manifest's `[package]`, read by hand: one line does not need a TOML
/// parser.
fn crate_version(manifest: &Path) -> Result<Version, String> {
    let text = fs::read_to_string(manifest)
        .map_err(|e| format!("{}: cannot read it: {e}", manifest.display()))?;
    let mut section = "";
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[package]" {
            let value = line
                .strip_prefix("version")
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix('='))
                .map(|value| value.trim().trim_matches('"'));
            if let Some(value) = value {
                return value
                    .parse()
                    .map_err(|e| format!("{}: {e}", manifest.display()));
            }
        }
    }
    Err(format!(
        "{}: no `version` in its [package]",
        manifest.display()
    ))
}

/// One file of the working tree, as git has it at a revision.
struct Revision {
    /// The folder git runs in: the file's own, so that any checkout holding it works.
    dir: PathBuf,
    file: String,
    rev: String,
    /// The file's path in the repository, for messages.
    name: String,
}

impl Revision {
    /// Checks that the file is in a git checkout and that `rev` is a commit of it.
    fn open(path: &Path, rev: &str) -> Result<Self, String> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("{}: not a file", path.display()))?;
        let places = git(&dir, &["rev-parse", "--show-toplevel", "--show-prefix"])
            .map_err(|e| format!("{} is not in a git checkout: {e}", dir.display()))?;
        let mut places = places.lines();
        let (top, prefix) = (places.next().unwrap_or("."), places.next().unwrap_or(""));
        let commit = format!("{rev}^{{commit}}");
        git(&dir, &["rev-parse", "--verify", "--quiet", &commit])
            .map_err(|_| format!("`{rev}` is not a commit of the repository {top}"))?;
        let name = format!("{prefix}{file}");
        Ok(Self {
            dir,
            file,
            rev: rev.to_owned(),
            name,
        })
    }

    /// The file's text at the revision, or `None` if the revision does not have it.
    fn show(&self) -> Result<Option<String>, String> {
        let object = format!("{}:./{}", self.rev, self.file);
        if git(&self.dir, &["cat-file", "-e", &object]).is_err() {
            return Ok(None);
        }
        git(&self.dir, &["show", &object])
            .map(Some)
            .map_err(|e| format!("{} at {}: {e}", self.name, self.rev))
    }
}

/// Runs git in `dir`: its standard output, or its complaint.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|_| "git gave text that is not UTF-8".to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}
