//! `cargo xtask sync [PATH] [--check]`: builds `spec/gladia.yaml` from Gladia's own document.
//!
//! Three files in `spec/` make it, applied in this order:
//! - `gladia.facts.yaml`: Gladia's document without its prose (`facts`), written by
//!   `sync PATH` from the document Gladia serves, never by hand;
//! - `gladia.kept.yaml`: an Overlay, written by `sync PATH`, that keeps the properties Gladia
//!   dropped from what clients receive (accounts still hold jobs that carry them);
//! - `gladia.overlay.yaml`: the project's Overlay, edited by hand: its words (descriptions,
//!   tags) and its deviations from Gladia's document, each action saying why.
//!
//! `sync PATH` prints what changed in Gladia's facts since the last sync, what it kept, the
//! overlay actions whose place Gladia's document no longer has, and the places that still want
//! the project's words. `sync` alone re-applies the overlays (after editing them); `--check`
//! writes nothing and fails when `gladia.yaml` is not what the three files make.

mod coverage;
mod facts;
mod overlay;
mod path;

use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use overlay::Overlay;

pub struct SyncArgs {
    /// Gladia's document (JSON or YAML); none to re-apply the overlays to the facts kept.
    pub document: Option<PathBuf>,
    pub check: bool,
    pub spec_dir: PathBuf,
}

const FACTS: &str = "gladia.facts.yaml";
const KEPT: &str = "gladia.kept.yaml";
const OVERLAY: &str = "gladia.overlay.yaml";
const SPEC: &str = "gladia.yaml";

const SPEC_HEADER: &str = "# Written by `cargo xtask sync`: Gladia's facts (gladia.facts.yaml), what older jobs still\n# carry (gladia.kept.yaml) and the project's overlay (gladia.overlay.yaml). Edit those, then\n# run `cargo xtask sync`; never this file.\n";
const FACTS_HEADER: &str = "# Gladia's OpenAPI document without its prose, written by `cargo xtask sync PATH`. Not edited\n# by hand: the project's words and deviations are in gladia.overlay.yaml.\n";
const KEPT_HEADER: &str = "# Properties Gladia's document dropped from what clients receive, kept because accounts still\n# hold jobs and sessions that carry them. Written by `cargo xtask sync PATH`.\n";

pub fn parse_args(mut args: impl Iterator<Item = String>, root: &Path) -> Result<SyncArgs, String> {
    let mut parsed = SyncArgs {
        document: None,
        check: false,
        spec_dir: root.join("spec"),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec-dir" => {
                parsed.spec_dir = args.next().ok_or("--spec-dir needs a folder")?.into()
            }
            "-h" | "--help" => return Err("help requested".to_owned()),
            other if other.starts_with('-') => return Err(format!("unknown argument `{other}`")),
            path if parsed.document.is_none() => parsed.document = Some(path.into()),
            extra => return Err(format!("one document at a time (`{extra}` is a second)")),
        }
    }
    if parsed.check && parsed.document.is_some() {
        return Err(
            "--check compares gladia.yaml with the facts kept; it takes no document".to_owned(),
        );
    }
    Ok(parsed)
}

/// Ok(false) when `--check` finds `gladia.yaml` stale; Err for what stopped the run.
pub fn run(args: &SyncArgs) -> Result<bool, String> {
    let dir = &args.spec_dir;
    let read = |name: &str| {
        let path = dir.join(name);
        fs::read_to_string(&path).map_err(|e| format!("{}: cannot read it: {e}", path.display()))
    };
    let overlay = Overlay::parse(&read(OVERLAY)?, &dir.join(OVERLAY).display().to_string())?;
    let kept_path = dir.join(KEPT);
    let mut kept = match fs::read_to_string(&kept_path) {
        Ok(text) => yaml(&text, &kept_path)?,
        Err(_) => empty_overlay(),
    };
    let facts = match &args.document {
        Some(document) => {
            let text = fs::read_to_string(document)
                .map_err(|e| format!("{}: cannot read it: {e}", document.display()))?;
            let new = facts::strip_prose(&openapi(&text, document)?);
            let facts_path = dir.join(FACTS);
            match fs::read_to_string(&facts_path) {
                Ok(text) => {
                    let old = yaml(&text, &facts_path)?;
                    report_changes(&old, &new);
                    keep_dropped(&old, &new, &mut kept);
                }
                Err(_) => println!("sync: no earlier facts ({FACTS}): nothing to compare with"),
            }
            forget_returned(&new, &mut kept);
            write(&facts_path, &format!("{FACTS_HEADER}{}", to_yaml(&new)?))?;
            write(&kept_path, &format!("{KEPT_HEADER}{}", to_yaml(&kept)?))?;
            new
        }
        None => yaml(&read(FACTS)?, &dir.join(FACTS))?,
    };
    let kept = Overlay::parse(&to_yaml(&kept)?, &kept_path.display().to_string())?;
    let mut spec = facts.clone();
    kept.apply(&mut spec);
    let applied = overlay.apply(&mut spec);
    let unmatched = applied.unmatched;
    report_coverage(
        &coverage::coverage(&facts, &spec, &applied.places),
        &overlay,
    )?;
    facts::describe_responses(&mut spec);
    let text = format!("{SPEC_HEADER}{}", to_yaml(&spec)?);
    let spec_path = dir.join(SPEC);
    if !unmatched.is_empty() {
        println!("sync: {} overlay action(s) found nothing to change (Gladia moved or removed the place; update or drop them):", unmatched.len());
        for target in &unmatched {
            println!("  {target}");
        }
    }
    let wanting = facts::needing_words(&spec);
    if !wanting.is_empty() {
        println!(
            "sync: {} place(s) still want the project's words (a description in {OVERLAY}):",
            wanting.len()
        );
        for place in &wanting {
            println!("  {place}");
        }
    }
    let current = fs::read_to_string(&spec_path).ok();
    if current.as_deref() == Some(text.as_str()) {
        println!("sync: {} is up to date", spec_path.display());
        return Ok(true);
    }
    if args.check {
        eprintln!(
            "sync: {} differs from what {FACTS}, {KEPT} and {OVERLAY} make: run `cargo xtask sync`",
            spec_path.display()
        );
        return Ok(false);
    }
    write(&spec_path, &text)?;
    println!(
        "sync: wrote {}; next: `cargo xtask codegen`, then `cargo xtask diff`",
        spec_path.display()
    );
    Ok(true)
}

/// How many of Gladia's facts the spec states as Gladia does, and the deviations behind the
/// others; a difference no overlay action made is an error (a fact lost silently).
fn report_coverage(coverage: &coverage::Coverage, overlay: &Overlay) -> Result<(), String> {
    let silent: Vec<String> = coverage
        .differing
        .iter()
        .filter(|d| d.by.is_none())
        .map(|d| format!("  {}", d.change))
        .collect();
    if !silent.is_empty() {
        return Err(format!(
            "sync: {} of Gladia's facts are missing from the spec or changed with no overlay action behind them:\n{}",
            silent.len(),
            silent.join("\n")
        ));
    }
    // Per reason, in the overlay's order: the actions that give it, and the facts they change.
    let mut by_reason: Vec<(&str, &str, usize, usize)> = Vec::new();
    let mut differing = 0;
    for difference in &coverage.differing {
        let action = &overlay.actions[difference.by.unwrap_or_default()];
        let why = action.description.split(". ").next().unwrap_or_default();
        differing += difference.facts;
        match by_reason.iter_mut().find(|(reason, ..)| *reason == why) {
            Some((_, _, facts, _)) => *facts += difference.facts,
            None => by_reason.push((why, &action.target, difference.facts, 0)),
        }
    }
    for (why, _, _, actions) in &mut by_reason {
        *actions = overlay
            .actions
            .iter()
            .filter(|a| a.description.split(". ").next() == Some(*why))
            .count();
    }
    println!(
        "sync: the spec states {} of Gladia's {} facts as Gladia does; the other {differing} are deviations of {OVERLAY}:",
        coverage.facts.saturating_sub(differing),
        coverage.facts
    );
    for (why, target, facts, actions) in by_reason {
        let target = target.replace('\n', " ");
        let more = match actions {
            0 | 1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        println!("  {facts:>5}  {target}{more}: {why}");
    }
    Ok(())
}

/// A YAML tree from text, for the tests of sync's modules.
#[cfg(test)]
fn tree(yaml: &str) -> Value {
    serde_yaml::from_str(yaml).unwrap()
}

fn yaml(text: &str, path: &Path) -> Result<Value, String> {
    serde_yaml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Gladia's document, JSON or YAML, refused unless it is OpenAPI 3.x.
fn openapi(text: &str, path: &Path) -> Result<Value, String> {
    let document = yaml(text, path)?;
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.") => Ok(document),
        Some(version) => Err(format!(
            "{}: OpenAPI {version}; sync reads 3.x",
            path.display()
        )),
        None => Err(format!(
            "{}: not an OpenAPI document (no `openapi` version)",
            path.display()
        )),
    }
}

fn to_yaml(value: &Value) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| format!("cannot write YAML: {e}"))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    crate::write_atomically(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn empty_overlay() -> Value {
    let mut info = Mapping::new();
    info.insert("title".into(), "What older Gladia jobs still carry".into());
    info.insert("version".into(), "1".into());
    let mut document = Mapping::new();
    document.insert("overlay".into(), "1.0.0".into());
    document.insert("info".into(), Value::Mapping(info));
    document.insert("actions".into(), Value::Sequence(Vec::new()));
    Value::Mapping(document)
}

fn report_changes(old: &Value, new: &Value) {
    let changes = facts::changes(old, new);
    if changes.is_empty() {
        println!("sync: Gladia's facts are unchanged since the last sync");
        return;
    }
    println!(
        "sync: {} change(s) in Gladia's facts since the last sync:",
        changes.len()
    );
    for change in &changes {
        println!("  {change}");
    }
}

fn kept_actions(kept: &mut Value) -> &mut Vec<Value> {
    if kept.get("actions").and_then(Value::as_sequence).is_none() {
        *kept = empty_overlay();
    }
    match kept.get_mut("actions") {
        Some(Value::Sequence(actions)) => actions,
        _ => unreachable!("an empty overlay has its actions list"),
    }
}

/// Adds an action for each property Gladia dropped from a schema clients receive, and for each
/// schema such a property names that the new document lacks.
fn keep_dropped(old: &Value, new: &Value, kept: &mut Value) {
    let dropped = facts::dropped_received_properties(old, new);
    let actions = kept_actions(kept);
    for (schema, property, facts) in dropped {
        let mut facts = facts;
        if let Value::Mapping(map) = &mut facts {
            map.insert("deprecated".into(), true.into());
        }
        println!("sync: kept {schema}.{property}: Gladia dropped it, older jobs carry it");
        let mut missing = facts::missing_schemas(&facts, new);
        let update = single("properties", single(&property, facts));
        actions.push(Overlay::action_text(
            &overlay::target_of(&[
                path::Step::Key("components".into()),
                path::Step::Key("schemas".into()),
                path::Step::Key(schema),
            ]),
            "Gladia's document no longer lists it; jobs made before still carry it",
            update,
        ));
        // The schemas a kept property names, and those they name, where Gladia removed them.
        let mut seen = std::collections::BTreeSet::new();
        while let Some(name) = missing.pop_first() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(schema) = facts::schemas(old).and_then(|s| s.get(name.as_str())) else {
                continue;
            };
            missing.extend(facts::missing_schemas(schema, new));
            println!("sync: kept schema {name}: a kept property names it");
            actions.push(Overlay::action_text(
                "$.components.schemas",
                "Gladia's document no longer lists it; a property older jobs carry names it",
                single(&name, schema.clone()),
            ));
        }
    }
}

/// Drops the kept actions whose property or schema Gladia's document has again.
fn forget_returned(new: &Value, kept: &mut Value) {
    let schemas = facts::schemas(new);
    kept_actions(kept).retain(|action| {
        let Some(update) = action.get("update").and_then(Value::as_mapping) else {
            return true;
        };
        let target = action
            .get("target")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some((_, schema)) = target.split_once("$.components.schemas") else {
            return true;
        };
        let returned = |schema: &str, property: &str| {
            schemas
                .and_then(|s| s.get(schema))
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(property))
                .is_some()
        };
        let schema = schema
            .trim_start_matches('.')
            .trim_start_matches("['")
            .trim_end_matches("']");
        if schema.is_empty() {
            // A kept schema: keep it while Gladia lacks it.
            return update
                .keys()
                .filter_map(Value::as_str)
                .any(|name| schemas.and_then(|s| s.get(name)).is_none());
        }
        let properties = update.get("properties").and_then(Value::as_mapping);
        !properties
            .into_iter()
            .flatten()
            .all(|(p, _)| returned(schema, p.as_str().unwrap_or_default()))
    });
}

fn single(key: &str, value: Value) -> Value {
    let mut map = Mapping::new();
    map.insert(key.into(), value);
    Value::Mapping(map)
}
