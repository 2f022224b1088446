//! `$ref`s into the middle of a schema or an operation, once the tree is whole: the part each
//! names moves into a component of its own, which its old place and the `$ref` refer to.

use std::collections::HashMap;

use serde_yaml::Value;

use super::kind::{collect, Kind};
use super::tree::*;
use super::{origin, Bundler};
use crate::error::Error;
use crate::source::{self, escape};

impl Bundler<'_> {
    /// Moves each part of a schema (or other component) that a `$ref` names from the middle of
    /// something into a component of its own, and points the `$ref` and the part's old place
    /// at it.
    pub(super) fn hoist_inner_parts(&mut self) -> Result<(), Error> {
        self.taken_names();
        let mut sites = Vec::new();
        collect(&self.tree, "#", Kind::Document, true, &mut sites);
        let mut moved: HashMap<String, String> = HashMap::new();
        for site in sites {
            let Some(section) = site.kind.section() else {
                continue;
            };
            let pointer = relocate(&moved, &site.pointer);
            let Some(reference) = reference_at(&self.tree, &pointer, site.mapping) else {
                continue;
            };
            if !reference.starts_with('#') {
                continue;
            }
            // Supabase's `schema: {$ref: '#/components/responses/Unauthorized'}`: the schema of
            // the answer it names, a part inside it.
            let reference = match component_section(&reference) {
                Some("responses" | "requestBodies") if section == "schemas" => {
                    content_schema(&self.tree, &reference).unwrap_or(reference)
                }
                _ => reference,
            };
            if let Some(named) = component_section(&reference) {
                if named != section && !site.mapping && interchangeable(named, section) {
                    self.copy_component(&pointer, &reference);
                }
                continue;
            }
            // An unresolved one is the resolver's to report, with its place.
            let Some(target) = resolve_pointer(&self.tree, &reference) else {
                continue;
            };
            let local = if component_section(&target) == Some(section) {
                target
            } else if let Some(Value::String(next)) = get(&self.tree, &target)
                .and_then(|node| node.as_mapping())
                .filter(|map| map.len() == 1)
                .and_then(|map| map.get("$ref"))
            {
                next.clone()
            } else {
                let name = self.free_name(section, &inner_name(&target));
                let local = format!("#/components/{section}/{}", escape(&name));
                let content = std::mem::replace(
                    get_mut(&mut self.tree, &target).expect("resolved above"),
                    reference_node(&local),
                );
                insert_component(&mut self.tree, section, name, content);
                let from = origin(&self.origins, &target).unwrap_or((0, target.clone()));
                let nested: Vec<(String, (usize, String))> = self
                    .origins
                    .iter()
                    .filter(|(at, _)| is_under(at, &target))
                    .map(|(at, o)| (format!("{local}{}", &at[target.len()..]), o.clone()))
                    .collect();
                self.origins.extend(nested);
                self.origins.insert(local.clone(), from);
                moved.insert(target, local.clone());
                local
            };
            set_reference(&mut self.tree, &pointer, site.mapping, local);
        }
        Ok(())
    }
}

impl Bundler<'_> {
    /// Puts a copy of the component `reference` names at `pointer`, keeping the keys written
    /// beside the `$ref` (a description) over the copy's. An unresolved one is left for the
    /// resolver to report.
    fn copy_component(&mut self, pointer: &str, reference: &str) {
        let Some(target) = resolve_pointer(&self.tree, reference) else {
            return;
        };
        let Some(Value::Mapping(mut content)) = get(&self.tree, &target).cloned() else {
            return;
        };
        if let Some(Value::Mapping(beside)) = get(&self.tree, pointer) {
            for (key, value) in beside.iter().filter(|(key, _)| *key != "$ref") {
                content.insert(key.clone(), value.clone());
            }
        }
        set(&mut self.tree, pointer, Value::Mapping(content));
        let from = origin(&self.origins, &target).unwrap_or((0, target));
        self.origins.insert(pointer.to_owned(), from);
    }

    /// Replaces each local `$ref` where OpenAPI allows none ([`Kind::copied_in`]) by a copy of
    /// what it names, as parts of other files are copied in. Rounds, for copies that hold such
    /// `$ref`s themselves.
    pub(super) fn copy_in_local_parts(&mut self) -> Result<(), Error> {
        for _ in 0..=source::MAX_DEPTH {
            let mut sites = Vec::new();
            collect(&self.tree, "#", Kind::Document, true, &mut sites);
            let mut copied = false;
            for site in sites.iter().filter(|s| s.kind.copied_in() && !s.mapping) {
                let Some(reference) = reference_at(&self.tree, &site.pointer, false) else {
                    continue;
                };
                if !reference.starts_with('#') {
                    continue;
                }
                let used_at = format!("{}/$ref", site.pointer);
                let target = resolve_pointer(&self.tree, &reference)
                    .ok_or_else(|| Error::unresolved(&reference, &used_at))?;
                if target == "#" || site.pointer == target || is_under(&site.pointer, &target) {
                    return Err(Error::unsupported(
                        &used_at,
                        format!("`{reference}` names a part that holds this `$ref`"),
                    ));
                }
                let content = get(&self.tree, &target).cloned().expect("resolved above");
                set(&mut self.tree, &site.pointer, content);
                let from = origin(&self.origins, &target).unwrap_or((0, target));
                self.origins.insert(site.pointer.clone(), from);
                copied = true;
            }
            if !copied {
                return Ok(());
            }
        }
        Err(Error::unsupported(
            "#",
            format!(
                "`$ref`s copied in more than {} levels deep: a loop of them",
                source::MAX_DEPTH
            ),
        ))
    }
}

/// The pointer of the schema of a response's or request body's content (its JSON one first).
fn content_schema(tree: &Value, reference: &str) -> Option<String> {
    let target = resolve_pointer(tree, reference)?;
    let content = get(tree, &target)?.get("content")?.as_mapping()?;
    let (media, _) = content
        .iter()
        .filter(|(_, media)| media.get("schema").is_some())
        .min_by_key(|(media, _)| media.as_str() != Some("application/json"))?;
    Some(format!(
        "{target}/content/{}/schema",
        escape(media.as_str()?)
    ))
}

/// Whether a component of section `from` reads as one of section `to`: a request body and a
/// response are both a description and `content` (PagerDuty answers with its request bodies),
/// a parameter is a header with a name and a place.
fn interchangeable(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("requestBodies", "responses") | ("responses", "requestBodies") | ("parameters", "headers")
    )
}

fn is_under(pointer: &str, ancestor: &str) -> bool {
    pointer
        .strip_prefix(ancestor)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// A pointer of a node as it was before nodes around it moved into components.
fn relocate(moved: &HashMap<String, String>, pointer: &str) -> String {
    let mut pointer = pointer.to_owned();
    'again: for _ in 0..source::MAX_DEPTH {
        let mut prefix = pointer.as_str();
        loop {
            if let Some(to) = moved.get(prefix) {
                pointer = format!("{to}{}", &pointer[prefix.len()..]);
                continue 'again;
            }
            match prefix.rfind('/') {
                Some(slash) => prefix = &prefix[..slash],
                None => break 'again,
            }
        }
    }
    pointer
}

/// The pointer of the node a local reference names, following `$ref`s met on the way (a
/// reference into a part that already moved); `None` if it names nothing.
fn resolve_pointer(tree: &Value, reference: &str) -> Option<String> {
    let mut hops = 0;
    let mut at = "#".to_owned();
    let mut node = tree;
    let mut rest: Vec<String> = segments(reference)?.collect();
    rest.reverse();
    while let Some(segment) = rest.pop() {
        if let Some(Value::String(next)) = node.as_mapping().and_then(|m| m.get("$ref")) {
            hops += 1;
            if hops > source::MAX_DEPTH || !next.starts_with('#') {
                return None;
            }
            rest.push(segment);
            let next = next.clone();
            at = "#".to_owned();
            node = tree;
            rest.extend(segments(&next)?.collect::<Vec<_>>().into_iter().rev());
            continue;
        }
        node = child(node, &segment)?;
        at.push('/');
        at.push_str(&escape(&segment));
    }
    Some(at)
}

/// The name of a part hoisted from the middle of another: its pointer's segments, without the
/// words every such pointer has (`components/schemas/Tag/allOf/0` → `Tag_allOf_0`).
fn inner_name(pointer: &str) -> String {
    const NOISE: [&str; 7] = [
        "components",
        "schemas",
        "properties",
        "paths",
        "content",
        "schema",
        "application/json",
    ];
    let words: Vec<String> = segments(pointer)
        .into_iter()
        .flatten()
        .filter(|s| !NOISE.contains(&s.as_str()))
        .collect();
    let name = words.join("_");
    if crate::naming::type_name(&name).is_some() {
        name
    } else {
        "Part".to_owned()
    }
}
